// Thin C entry points for the parts of libvips and libcurl that Swift cannot
// call: variadic functions and function-like macros. No logic lives here.
#ifndef IMGFORGE_CSHIM_H
#define IMGFORGE_CSHIM_H

#include <vips/vips.h>
#include <curl/curl.h>

// libvips
int imgforge_vips_init(const char *argv0);
void imgforge_vips_set_vector(int enabled);
int imgforge_vips_vector_enabled(void);
VipsImage *imgforge_vips_load_buffer(const void *buf, size_t len, int sequential);
int imgforge_vips_write_buffer(VipsImage *in, const char *suffix, void **buf, size_t *len);
int imgforge_vips_write_memory_rgb(VipsImage *in, void **buf, size_t *len);

VipsImage *imgforge_vips_load_buffer_with(const void *buf, size_t len, const char *options);
int imgforge_vips_resize(VipsImage *in, VipsImage **out, double hscale, double vscale, int kernel);
int imgforge_vips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height);
int imgforge_vips_smartcrop(VipsImage *in, VipsImage **out, int width, int height);
int imgforge_vips_embed(VipsImage *in, VipsImage **out, int x, int y, int width, int height,
                        const double *background, int n);
int imgforge_vips_rot(VipsImage *in, VipsImage **out, int angle);
int imgforge_vips_flip(VipsImage *in, VipsImage **out, int direction);
int imgforge_vips_flatten(VipsImage *in, VipsImage **out, const double *background, int n);
int imgforge_vips_colourspace(VipsImage *in, VipsImage **out, int space);
int imgforge_vips_icc_to_srgb(VipsImage *in, VipsImage **out);
int imgforge_vips_cast(VipsImage *in, VipsImage **out, int format);
int imgforge_vips_find_trim(VipsImage *in, int *left, int *top, int *width, int *height,
                            double threshold, const double *background, int n);
int imgforge_vips_getpoint(VipsImage *in, double **vector, int *n, int x, int y);
int imgforge_vips_gaussblur(VipsImage *in, VipsImage **out, double sigma);
int imgforge_vips_sharpen(VipsImage *in, VipsImage **out, double sigma);
int imgforge_vips_addalpha(VipsImage *in, VipsImage **out);
int imgforge_vips_copy(VipsImage *in, VipsImage **out);
int imgforge_vips_linear(VipsImage *in, VipsImage **out, const double *a, const double *b, int n);
int imgforge_vips_extract_band(VipsImage *in, VipsImage **out, int band, int n);
int imgforge_vips_bandjoin2(VipsImage *left, VipsImage *right, VipsImage **out);
int imgforge_vips_arrayjoin_down(VipsImage **in, int n, VipsImage **out);
int imgforge_vips_premultiply(VipsImage *in, VipsImage **out);
int imgforge_vips_unpremultiply(VipsImage *in, VipsImage **out);
int imgforge_vips_replicate(VipsImage *in, VipsImage **out, int across, int down);
int imgforge_vips_composite_over(VipsImage *base, VipsImage *overlay, VipsImage **out);

// Enumerators the pipeline names, taken from the headers rather than spelled as numbers.
static const VipsInterpretation IMGFORGE_INTERPRETATION_B_W = VIPS_INTERPRETATION_B_W;
static const VipsInterpretation IMGFORGE_INTERPRETATION_SRGB = VIPS_INTERPRETATION_sRGB;
static const VipsInterpretation IMGFORGE_INTERPRETATION_RGB16 = VIPS_INTERPRETATION_RGB16;
static const VipsInterpretation IMGFORGE_INTERPRETATION_GREY16 = VIPS_INTERPRETATION_GREY16;
static const VipsInterpretation IMGFORGE_INTERPRETATION_LCH = VIPS_INTERPRETATION_LCH;
static const VipsBandFormat IMGFORGE_FORMAT_UCHAR = VIPS_FORMAT_UCHAR;
static const VipsBandFormat IMGFORGE_FORMAT_USHORT = VIPS_FORMAT_USHORT;

// libcurl
CURLcode imgforge_curl_setopt_long(CURL *curl, CURLoption option, long value);
CURLcode imgforge_curl_setopt_off(CURL *curl, CURLoption option, curl_off_t value);
CURLcode imgforge_curl_setopt_ptr(CURL *curl, CURLoption option, void *value);
CURLcode imgforge_curl_setopt_str(CURL *curl, CURLoption option, const char *value);
CURLcode imgforge_curl_setopt_write(CURL *curl, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode imgforge_curl_setopt_opensocket(CURL *curl, curl_opensocket_callback callback);
CURLcode imgforge_curl_getinfo_string(CURL *curl, CURLINFO info, char **value);
/// The IP address libcurl is about to connect to, as bytes (4 or 16); 0 when not IP.
int imgforge_curl_sockaddr_bytes(const struct curl_sockaddr *address, unsigned char *out);
curl_socket_t imgforge_curl_open_socket(const struct curl_sockaddr *address);
CURLcode imgforge_curl_getinfo_long(CURL *curl, CURLINFO info, long *value);

// Linux: opens `path` below the directory `dirfd` with resolution confined beneath it
// (openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: a `..` or a symbolic link that would
// leave it fails with EXDEV). glibc 2.36 has no wrapper for the system call. -1 and errno on failure.
int imgforge_open_beneath(int dirfd, const char *path, int flags);

// glibc: mallopt(M_ARENA_MAX, count), the most malloc arenas the process uses (malloc.h is not in
// Swift's Glibc module). 1 on success.
int imgforge_malloc_arena_max(int count);

#endif
