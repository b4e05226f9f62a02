/* json.c: see json.h. */
#include "json.h"

#include <stdio.h>
#include <string.h>

void sd_json_str(gw_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    gw_buf_putc(out, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = gw_utf8_next(s + i, len - i, &cp);
            if (cp == 0xFFFD && n == 1)
                gw_buf_puts(out, "\xEF\xBF\xBD");
            else
                gw_buf_append(out, s + i, n);
            i += n;
            continue;
        }
        switch (c) {
        case '"': gw_buf_puts(out, "\\\""); break;
        case '\\': gw_buf_puts(out, "\\\\"); break;
        case '\n': gw_buf_puts(out, "\\n"); break;
        case '\r': gw_buf_puts(out, "\\r"); break;
        case '\t': gw_buf_puts(out, "\\t"); break;
        default:
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                gw_buf_append(out, e, 6);
            } else {
                gw_buf_putc(out, (char)c);
            }
        }
        i++;
    }
    gw_buf_putc(out, '"');
}

void sd_json_error(gw_buf *out, int status, const char *message)
{
    gw_buf_printf(out, "{\"error\":{\"status\":%d,\"message\":", status);
    sd_json_str(out, message, strlen(message));
    gw_buf_puts(out, "}}\n");
}
