/* gw_escape.c: text into HTML. See gw_escape.h. */
#include "gw_escape.h"

#include <string.h>

void gw_escape_html(gw_buf *out, const char *s, size_t len)
{
    size_t i = 0, start = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        size_t adv = 1;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                rep = "";
            } else if (c >= 0x80) {
                uint32_t cp;
                adv = gw_utf8_next(s + i, len - i, &cp);
                /* gw_utf8_next gives 0xFFFD with length 1 for a bad byte; a real U+FFFD
                 * in the text is 3 bytes and passes through. */
                if (cp == 0xFFFD && adv == 1)
                    rep = "\xEF\xBF\xBD";
            }
        }
        if (rep) {
            gw_buf_append(out, s + start, i - start);
            gw_buf_puts(out, rep);
            i += adv;
            start = i;
        } else {
            i += adv;
        }
    }
    gw_buf_append(out, s + start, i - start);
}

void gw_escape_html_str(gw_buf *out, const char *s)
{
    if (s)
        gw_escape_html(out, s, strlen(s));
}
