/* gw_mark.c: drawing highlight marks. See gw_mark.h. */
#include "gw_mark.h"

#include "gw_escape.h"

#include <string.h>

typedef struct style {
    const char *open, *close;
    int html; /* escape the text (else copy it) */
} style;

static void put_run(gw_buf *out, const style *st, const char *s, size_t n)
{
    if (st->html)
        gw_escape_html(out, s, n);
    else
        gw_buf_append(out, s, n);
}

/* A cursor over the marks: the next one to draw, and the character index reached. */
typedef struct cursor {
    const gw_mark *mk;
    size_t n, j;
    unsigned ci;
} cursor;

/* Draws text[s, e), whose first character is number cur->ci, advancing the cursor. A mark
 * still open at e is closed there; the next call reopens it. Text between marks is
 * copied (or escaped) in whole runs; past the last mark the rest is one run. */
static void draw(gw_buf *out, const style *st, const char *text, size_t s, size_t e,
                 cursor *cur)
{
    const gw_mark *mk = cur->mk;
    size_t i = s, from = s, j = cur->j;
    unsigned c = cur->ci;
    int in = 0;
    while (i < e) {
        if (in && c >= mk[j].end) {
            put_run(out, st, text + from, i - from);
            gw_buf_puts(out, st->close);
            from = i;
            in = 0;
            j++;
        }
        if (!in) {
            while (j < cur->n && (mk[j].end <= c || mk[j].end <= mk[j].start))
                j++;
            if (j == cur->n) {
                /* no mark left: the rest is one run (and the count no longer matters) */
                i = e;
                break;
            }
            if (mk[j].start <= c) {
                put_run(out, st, text + from, i - from);
                gw_buf_puts(out, st->open);
                from = i;
                in = 1;
            }
        }
        uint32_t cp;
        i += gw_utf8_next(text + i, e - i, &cp);
        c++;
    }
    put_run(out, st, text + from, e - from);
    if (in)
        gw_buf_puts(out, st->close);
    cur->j = j;
    cur->ci = c;
}

void gw_mark_html(gw_buf *out, const char *text, size_t len, const gw_mark *marks, size_t n,
                  int flags)
{
    static const style html = {"<mark>", "</mark>", 1};
    cursor cur = {marks, n, 0, 0};
    if (!text) {
        text = "";
        len = 0;
    }
    if (!(flags & GW_MARK_LINES)) {
        draw(out, &html, text, 0, len, &cur);
        return;
    }
    for (size_t s = 0; s < len;) {
        const char *nl = memchr(text + s, '\n', len - s);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (e > s) {
            gw_buf_puts(out, "<p>");
            draw(out, &html, text, s, e, &cur);
            gw_buf_puts(out, "</p>\n");
        }
        if (!nl)
            break;
        cur.ci++; /* the line break is a character of the text, though not drawn */
        s = e + 1;
    }
}

void gw_mark_text(gw_buf *out, const char *text, size_t len, const gw_mark *marks, size_t n,
                  const char *open, const char *close)
{
    style st = {open, close, 0};
    cursor cur = {marks, n, 0, 0};
    if (!text) {
        text = "";
        len = 0;
    }
    draw(out, &st, text, 0, len, &cur);
}
