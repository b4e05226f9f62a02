/* gw_err.c: error messages and aborting allocators. See gw_err.h. */
#include "gw_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gw_err_set(gw_err *err, gw_code code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void gw_err_clear(gw_err *err)
{
    if (err) {
        err->code = GW_OK;
        err->msg[0] = '\0';
    }
}

void gw_err_prefix(gw_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[sizeof err->msg];
    char old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Context first; whatever does not fit of the old message is cut, on purpose. */
    size_t n = strlen(prefix);
    memcpy(err->msg, prefix, n + 1);
    if (n < sizeof err->msg - 1) {
        size_t room = sizeof err->msg - 1 - n;
        size_t m = strnlen(old, room);
        /* Never cut inside a UTF-8 sequence: messages end up in JSON. */
        while (m > 0 && old[m] != '\0' && ((unsigned char)old[m] & 0xC0) == 0x80)
            m--;
        memcpy(err->msg + n, old, m);
        err->msg[n + m] = '\0';
    }
}

const char *gw_code_name(gw_code code)
{
    switch (code) {
    case GW_OK: return "OK";
    case GW_EINVAL: return "EINVAL";
    case GW_ENOTFOUND: return "ENOTFOUND";
    case GW_ELOCKED: return "ELOCKED";
    case GW_EMODIFIED: return "EMODIFIED";
    case GW_ECORRUPT: return "ECORRUPT";
    case GW_EIO: return "EIO";
    case GW_EBINARY: return "EBINARY";
    case GW_EINTERNAL: return "EINTERNAL";
    }
    return "EUNKNOWN";
}

static void oom(size_t n)
{
    fprintf(stderr, "gongwen: out of memory allocating %zu bytes\n", n);
    abort();
}

void *gw_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *gw_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *gw_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *gw_xstrdup(const char *s)
{
    return gw_xstrndup(s, strlen(s));
}

char *gw_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = gw_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
