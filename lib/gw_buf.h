/* gw_buf.h: a growable byte buffer (Redis sds, SQLite fts5 Buffer, simplified).
 *
 * A zero-initialised gw_buf is an empty buffer: `gw_buf b = {0};`. data is always
 * NUL-terminated once anything was appended (the NUL is not counted in len), so
 * b.data can be passed where a C string is expected if the content has no NUL.
 * Growth aborts on out-of-memory (gw_xrealloc), so appends cannot fail.
 * Not thread-safe; a buffer belongs to one thread at a time. */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_buf {
    char *data;
    size_t len;
    size_t cap;
} gw_buf;

void gw_buf_append(gw_buf *b, const void *p, size_t n);
void gw_buf_puts(gw_buf *b, const char *s);
void gw_buf_putc(gw_buf *b, char c);
void gw_buf_printf(gw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends code point cp as UTF-8 (cp must be a valid scalar value). */
void gw_buf_put_utf8(gw_buf *b, uint32_t cp);
/* Makes room for n more bytes; returns a pointer to the free space (commit with len += k). */
char *gw_buf_reserve(gw_buf *b, size_t n);
/* Empties the buffer, keeping its memory. */
void gw_buf_reset(gw_buf *b);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void gw_buf_free(gw_buf *b);
/* Hands the memory to the caller (who frees it with free()); the buffer becomes empty.
 * Never NULL: an empty buffer yields "". */
char *gw_buf_steal(gw_buf *b, size_t *len);

/* --- UTF-8 helpers used across modules ---------------------------------------------- */

/* Decodes one UTF-8 sequence at s[0..len). Returns its length in bytes (1-4) and sets *cp;
 * on an invalid or truncated sequence returns 1 and sets *cp = 0xFFFD.
 * len must be > 0.
 * Inline for the two cases that make up nearly all of our text (ASCII, and the 3-byte
 * sequences of the BMP that hold every Han character): snippets, cleaning and indexing
 * decode every character of every document. Everything else goes to gw_utf8_next_any. */
size_t gw_utf8_next_any(const char *s, size_t len, uint32_t *cp);
static inline size_t gw_utf8_next(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xE0 && u[0] <= 0xEF && len >= 3 && (u[1] & 0xC0) == 0x80 &&
        (u[2] & 0xC0) == 0x80) {
        uint32_t v = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) |
                     (uint32_t)(u[2] & 0x3F);
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
            *cp = v;
            return 3;
        }
    }
    return gw_utf8_next_any(s, len, cp);
}
/* Encodes cp into out (at least 4 bytes); returns the byte count. */
size_t gw_utf8_encode(uint32_t cp, char *out);
/* 1 if s[0..len) is entirely valid UTF-8 (no surrogates, no overlongs), else 0. */
int gw_utf8_valid(const char *s, size_t len);

#endif
