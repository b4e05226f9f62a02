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
    /* jansson checks the UTF-8 itself: only a string it refuses is sanitized (a second
     * validation pass per string cost ~4% of a page of hits) */
    json_t *j = json_stringn(s, n);
    if (j)
        return j;
    gw_buf b = {0};
    const char *v = gw_utf8_sanitize(s, &n, &b);
    j = json_stringn(v, n);
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

/* The JSON text of v (jansson's malloc'ed string). */
static char *dump_plain(const json_t *v, int style)
{
    size_t flags = JSON_REAL_PRECISION(6) | JSON_ENCODE_ANY;
    flags |= style == GW_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
    char *s = json_dumps(v, flags);
    if (!s)
        abort(); /* out of memory: jansson's only failure for a valid value */
    return s;
}

/* Appends the NUL-terminated JSON text s to out with < > & as \u escapes: a page of hits
 * holds a few hundred (its snippets' <mark> tags), so the text between them is found by
 * strpbrk and copied whole. */
static void append_escaped(gw_buf *out, const char *s)
{
    for (;;) {
        const char *p = strpbrk(s, "<>&");
        if (!p) {
            gw_buf_puts(out, s);
            return;
        }
        gw_buf_append(out, s, (size_t)(p - s));
        gw_buf_puts(out, *p == '<' ? "\\u003c" : *p == '>' ? "\\u003e" : "\\u0026");
        s = p + 1;
    }
}

void gw_json_append(gw_buf *out, const json_t *v, int style)
{
    if (!v) {
        gw_buf_puts(out, "null");
        return;
    }
    char *s = dump_plain(v, style);
    append_escaped(out, s);
    free(s);
}

char *gw_json_dump(const json_t *v, int style)
{
    if (!v)
        return gw_xstrdup("null");
    char *s = dump_plain(v, style);
    /* Most texts hold none of the three: one library scan, no copy. */
    if (!strpbrk(s, "<>&"))
        return s;
    gw_buf b = {0};
    append_escaped(&b, s);
    free(s);
    return gw_buf_steal(&b, NULL);
}
