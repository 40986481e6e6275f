#include "CShim.h"

int imgforge_vips_init(const char *argv0) {
    return VIPS_INIT(argv0);
}

VipsImage *imgforge_vips_load_buffer(const void *buf, size_t len, int sequential) {
    if (sequential)
        return vips_image_new_from_buffer(buf, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    return vips_image_new_from_buffer(buf, len, "", NULL);
}

int imgforge_vips_thumbnail_buffer(const void *buf, size_t len, VipsImage **out,
                                   int width, int height, int size, int no_rotate) {
    return vips_thumbnail_buffer((void *)buf, len, out, width,
                                 "height", height,
                                 "size", (VipsSize)size,
                                 "no_rotate", no_rotate,
                                 NULL);
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

CURLcode imgforge_curl_setopt_header(CURL *curl, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, callback);
}

CURLcode imgforge_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

CURLcode imgforge_curl_getinfo_double(CURL *curl, CURLINFO info, double *value) {
    return curl_easy_getinfo(curl, info, value);
}
