#include "CShim.h"
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <malloc.h>

int imgforge_vips_init(const char *argv0) {
    return VIPS_INIT(argv0);
}

// vips/vector.h is not part of vips/vips.h.
void vips_vector_set_enabled(gboolean enabled);
gboolean vips_vector_isenabled(void);

void imgforge_vips_set_vector(int enabled) {
    vips_vector_set_enabled(enabled ? TRUE : FALSE);
}

int imgforge_vips_vector_enabled(void) {
    return vips_vector_isenabled() ? 1 : 0;
}

VipsImage *imgforge_vips_load_buffer(const void *buf, size_t len, int sequential) {
    if (sequential)
        return vips_image_new_from_buffer(buf, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return vips_image_new_from_buffer(buf, len, "", NULL);
}

int imgforge_vips_write_buffer(VipsImage *in, const char *suffix, void **buf, size_t *len) {
    return vips_image_write_to_buffer(in, suffix, buf, len, NULL);
}

// Decodes to 8-bit sRGB(A) pixels in memory; used to inspect results.
int imgforge_vips_write_memory_rgb(VipsImage *in, void **buf, size_t *len) {
    VipsImage *srgb = NULL, *cast = NULL;
    if (vips_colourspace(in, &srgb, VIPS_INTERPRETATION_sRGB, NULL))
        return -1;
    if (vips_cast(srgb, &cast, VIPS_FORMAT_UCHAR, NULL)) {
        g_object_unref(srgb);
        return -1;
    }
    g_object_unref(srgb);
    *buf = vips_image_write_to_memory(cast, len);
    g_object_unref(cast);
    return *buf ? 0 : -1;
}

VipsImage *imgforge_vips_load_buffer_with(const void *buf, size_t len, const char *options) {
    return vips_image_new_from_buffer(buf, len, options, NULL);
}

int imgforge_vips_resize(VipsImage *in, VipsImage **out, double hscale, double vscale, int kernel) {
    return vips_resize(in, out, hscale, "vscale", vscale, "kernel", (VipsKernel)kernel, NULL);
}

int imgforge_vips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}

int imgforge_vips_smartcrop(VipsImage *in, VipsImage **out, int width, int height) {
    return vips_smartcrop(in, out, width, height, "interesting", VIPS_INTERESTING_ATTENTION, NULL);
}

int imgforge_vips_embed(VipsImage *in, VipsImage **out, int x, int y, int width, int height,
                        const double *background, int n) {
    VipsArrayDouble *array = vips_array_double_new(background, n);
    int result = vips_embed(in, out, x, y, width, height,
                            "extend", VIPS_EXTEND_BACKGROUND, "background", array, NULL);
    vips_area_unref(VIPS_AREA(array));
    return result;
}

int imgforge_vips_rot(VipsImage *in, VipsImage **out, int angle) {
    return vips_rot(in, out, (VipsAngle)angle, NULL);
}

int imgforge_vips_flip(VipsImage *in, VipsImage **out, int direction) {
    return vips_flip(in, out, (VipsDirection)direction, NULL);
}

int imgforge_vips_flatten(VipsImage *in, VipsImage **out, const double *background, int n) {
    VipsArrayDouble *array = vips_array_double_new(background, n);
    int result = vips_flatten(in, out, "background", array, NULL);
    vips_area_unref(VIPS_AREA(array));
    return result;
}

int imgforge_vips_colourspace(VipsImage *in, VipsImage **out, int space) {
    return vips_colourspace(in, out, (VipsInterpretation)space, NULL);
}

int imgforge_vips_icc_to_srgb(VipsImage *in, VipsImage **out) {
    return vips_icc_transform(in, out, "srgb", "embedded", TRUE,
                              "intent", VIPS_INTENT_PERCEPTUAL, NULL);
}

int imgforge_vips_cast(VipsImage *in, VipsImage **out, int format) {
    return vips_cast(in, out, (VipsBandFormat)format, NULL);
}

int imgforge_vips_find_trim(VipsImage *in, int *left, int *top, int *width, int *height,
                            double threshold, const double *background, int n) {
    VipsArrayDouble *array = vips_array_double_new(background, n);
    int result = vips_find_trim(in, left, top, width, height,
                                "threshold", threshold, "background", array, NULL);
    vips_area_unref(VIPS_AREA(array));
    return result;
}

int imgforge_vips_getpoint(VipsImage *in, double **vector, int *n, int x, int y) {
    return vips_getpoint(in, vector, n, x, y, NULL);
}

int imgforge_vips_gaussblur(VipsImage *in, VipsImage **out, double sigma) {
    return vips_gaussblur(in, out, sigma, NULL);
}

int imgforge_vips_sharpen(VipsImage *in, VipsImage **out, double sigma) {
    return vips_sharpen(in, out, "sigma", sigma, NULL);
}

int imgforge_vips_addalpha(VipsImage *in, VipsImage **out) {
    return vips_addalpha(in, out, NULL);
}

int imgforge_vips_copy(VipsImage *in, VipsImage **out) {
    return vips_copy(in, out, NULL);
}

int imgforge_vips_linear(VipsImage *in, VipsImage **out, const double *a, const double *b, int n) {
    return vips_linear(in, out, a, b, n, NULL);
}

int imgforge_vips_extract_band(VipsImage *in, VipsImage **out, int band, int n) {
    return vips_extract_band(in, out, band, "n", n, NULL);
}

int imgforge_vips_bandjoin2(VipsImage *left, VipsImage *right, VipsImage **out) {
    return vips_bandjoin2(left, right, out, NULL);
}

int imgforge_vips_arrayjoin_down(VipsImage **in, int n, VipsImage **out) {
    return vips_arrayjoin(in, out, n, "across", 1, NULL);
}

int imgforge_vips_premultiply(VipsImage *in, VipsImage **out) {
    return vips_premultiply(in, out, NULL);
}

int imgforge_vips_unpremultiply(VipsImage *in, VipsImage **out) {
    return vips_unpremultiply(in, out, NULL);
}

int imgforge_vips_replicate(VipsImage *in, VipsImage **out, int across, int down) {
    return vips_replicate(in, out, across, down, NULL);
}

int imgforge_vips_composite_over(VipsImage *base, VipsImage *overlay, VipsImage **out) {
    return vips_composite2(base, overlay, out, VIPS_BLEND_MODE_OVER, NULL);
}

CURLcode imgforge_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode imgforge_curl_setopt_off(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode imgforge_curl_setopt_ptr(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode imgforge_curl_setopt_str(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode imgforge_curl_setopt_write(CURL *curl, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback);
}

CURLcode imgforge_curl_setopt_opensocket(CURL *curl, curl_opensocket_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, callback);
}

CURLcode imgforge_curl_getinfo_string(CURL *curl, CURLINFO info, char **value) {
    return curl_easy_getinfo(curl, info, value);
}

int imgforge_curl_sockaddr_bytes(const struct curl_sockaddr *address, unsigned char *out) {
    if (address->family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&address->addr;
        memcpy(out, &in->sin_addr, 4);
        return 4;
    }
    if (address->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&address->addr;
        memcpy(out, &in6->sin6_addr, 16);
        return 16;
    }
    return 0;
}

curl_socket_t imgforge_curl_open_socket(const struct curl_sockaddr *address) {
    return socket(address->family, address->socktype, address->protocol);
}

CURLcode imgforge_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

int imgforge_open_beneath(int dirfd, const char *path, int flags) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int imgforge_malloc_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}
