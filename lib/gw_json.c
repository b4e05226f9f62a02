/* gw_json.c: see gw_json.h. */
#include "gw_json.h"

#include "gw_err.h"

#include <stdlib.h>
#include <string.h>

const char *gw_utf8_sanitize(const char *s, size_t *n, gw_buf *scratch)
{
    if (gw_utf8_valid(s, *n))
        return s;
    gw_buf_reset(scratch);
    for (size_t i = 0; i < *n;) {
        uint32_t cp;
        i += gw_utf8_next(s + i, *n - i, &cp);
        gw_buf_put_utf8(scratch, cp);
    }
    *n = scratch->len;
    return scratch->data ? scratch->data : "";
}

json_t *gw_json_strn(const char *s, size_t n)
{
    if (!s)
        return json_string("");
    gw_buf b = {0};
    const char *v = gw_utf8_sanitize(s, &n, &b);
    json_t *j = json_stringn(v, n);
    gw_buf_free(&b);
    /* only an allocation failure is left; jansson has no other way to say it */
    if (!j)
        abort();
    return j;
}

json_t *gw_json_str(const char *s)
{
    return gw_json_strn(s, s ? strlen(s) : 0);
}

static int dump_cb(const char *p, size_t n, void *ctx)
{
    gw_buf *out = ctx;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = p[i] == '<' ? "\\u003c" : p[i] == '>' ? "\\u003e"
                          : p[i] == '&' ? "\\u0026" : NULL;
        if (!rep)
            continue;
        gw_buf_append(out, p + start, i - start);
        gw_buf_puts(out, rep);
        start = i + 1;
    }
    gw_buf_append(out, p + start, n - start);
    return 0;
}

void gw_json_append(gw_buf *out, const json_t *v, int style)
{
    if (!v) {
        gw_buf_puts(out, "null");
        return;
    }
    size_t flags = JSON_REAL_PRECISION(6) | JSON_ENCODE_ANY;
    flags |= style == GW_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
    json_dump_callback(v, dump_cb, out, flags);
}

char *gw_json_dump(const json_t *v, int style)
{
    gw_buf b = {0};
    gw_json_append(&b, v, style);
    return gw_buf_steal(&b, NULL);
}
