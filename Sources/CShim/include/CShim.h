// Thin C entry points for the parts of libvips and libcurl that Swift cannot
// call: variadic functions and function-like macros. No logic lives here.
#ifndef IMGFORGE_CSHIM_H
#define IMGFORGE_CSHIM_H

#include <vips/vips.h>
#include <curl/curl.h>

// libvips
int imgforge_vips_init(const char *argv0);
VipsImage *imgforge_vips_load_buffer(const void *buf, size_t len, int sequential);
int imgforge_vips_thumbnail_buffer(const void *buf, size_t len, VipsImage **out,
                                   int width, int height, int size, int no_rotate);
int imgforge_vips_write_buffer(VipsImage *in, const char *suffix, void **buf, size_t *len);
int imgforge_vips_write_memory_rgb(VipsImage *in, void **buf, size_t *len);

// libcurl
CURLcode imgforge_curl_setopt_long(CURL *curl, CURLoption option, long value);
CURLcode imgforge_curl_setopt_off(CURL *curl, CURLoption option, curl_off_t value);
CURLcode imgforge_curl_setopt_ptr(CURL *curl, CURLoption option, void *value);
CURLcode imgforge_curl_setopt_str(CURL *curl, CURLoption option, const char *value);
CURLcode imgforge_curl_setopt_write(CURL *curl, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode imgforge_curl_setopt_header(CURL *curl, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode imgforge_curl_getinfo_long(CURL *curl, CURLINFO info, long *value);
CURLcode imgforge_curl_getinfo_double(CURL *curl, CURLINFO info, double *value);

#endif
