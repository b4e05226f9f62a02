/* gw_decode.h: bytes of any supported encoding -> valid UTF-8 (DESIGN.md §2.1).
 *
 * Supported: UTF-8 (with or without BOM), GB18030 (also GBK/GB2312, which it contains),
 * Big5 (decoded as BIG5-HKSCS so the HKSCS/CP950 extensions glibc knows survive),
 * UTF-16LE/BE and UTF-32LE/BE with a BOM, and any other encoding glibc's iconv knows when
 * uchardet or the hint names it. UTF-16 without a BOM is recognised only when it is
 * ASCII-heavy enough for its NUL bytes to show (nearly all on one byte parity).
 *
 * Detection order, first that applies wins:
 *  1. A BOM (UTF-8, UTF-16LE/BE, UTF-32LE/BE). It is stripped from the text.
 *  2. Strict UTF-8 validity of the WHOLE input (no overlongs, no surrogates). Input that
 *     is UTF-8 with a few bad bytes is still UTF-8: it wins while valid multibyte
 *     sequences outnumber invalid ones at least 4 to 1 (GBK read as UTF-8 gives ~1 to 10).
 *     So a valid-UTF-8 page labeled gb2312 is read as UTF-8 (the label is wrong).
 *  3. The caller's hint (e.g. an HTML <meta charset>), if iconv knows it and it is
 *     plausible for the bytes: GBK/GB2312/CP936/EUC-CN hints mean GB18030, Big5/CP950
 *     hints mean BIG5-HKSCS, a UTF-8 hint on invalid UTF-8 is ignored, and a hint whose
 *     trial decode of the head produces more than 2% U+FFFD is ignored.
 *  4. Byte statistics of the first 64 KiB read as double-byte pairs, when they leave no
 *     doubt (>= 32 pairs; < 3% trail bytes 0x40-0x7E and < 3% GBK-only leads 0x81-0xA0 means
 *     GB, and so do >= 10% such leads with < 30% such trails (GBK-encoded Traditional
 *     text); >= 30% trails 0x40-0x7E and < 5% GBK-only leads means Big5). This skips
 *     uchardet for most Chinese files: uchardet 0.0.7 costs ~1.3 us per byte on Big5.
 *  5. uchardet on the first 16 KiB (it is right long before that). Every GB* answer
 *     decodes as GB18030 (GBK is a subset: nothing is lost); BIG5 as BIG5-HKSCS. uchardet
 *     confuses GB and Big5 on short heads, so its CJK answer is cross-checked with the
 *     byte statistics (share of trail bytes 0x40-0x7E: ~40% in Big5, ~0% in GB2312).
 *  6. When uchardet has no answer, or a non-Chinese one but the high bytes pair up like
 *     a double-byte encoding (the corpus is Chinese: Korean EUC-KR or Japanese text can
 *     then be misread as GB18030 — a deliberate trade-off), GB18030 or BIG5-HKSCS by the
 *     byte statistics. Mostly-ASCII input with stray bytes stays UTF-8 with U+FFFD.
 *
 * Output conventions:
 *  - Valid UTF-8, NUL-terminated, never containing a NUL byte: a NUL in the input (or
 *    U+0000 in UTF-16/32) becomes U+FFFD and is counted in `replacements`.
 *  - Invalid sequences become one U+FFFD each (the maximal invalid prefix for UTF-8; one
 *    byte, or a whole unmapped double-byte character, for iconv encodings) and are
 *    counted; a multibyte character truncated by the end of the file is one U+FFFD.
 *  - Line ends are normalized: CRLF and a lone CR become LF, so every later stage and
 *    every stored offset sees '\n' only.
 *  - An empty input decodes to an empty text (GW_OK, encoding "UTF-8").
 *
 * Binary input fails with GW_EBINARY and a message saying why: more than one NUL byte per
 * KiB in the first 64 KiB (and not UTF-16/32), or, after decoding, more than a quarter of
 * the characters being U+FFFD or control characters (other than TAB, LF, VT, FF, CR).
 *
 * Memory: the input is decoded in one pass into one output buffer sized for the encoding
 * (1x for UTF-8, ~1.5x for GB18030/Big5/UTF-16 -> UTF-8, 2x for single-byte encodings),
 * which grows only for pathological input (every byte a U+FFFD: at most ~4x); plus 32 KiB
 * of stack scratch. Measured: a 50 MB GB18030 file peaks at +74 MiB (its 75 MB of text)
 * and nothing else; the caller holds the input meanwhile (streaming is not needed below
 * gw_config's max_file_size, 64 MiB by default).
 *
 * Thread-safety: gw_decode is reentrant (its iconv and uchardet handles live per call). */
#ifndef GW_DECODE_H
#define GW_DECODE_H

#include "gw_err.h"

#include <stddef.h>

typedef struct gw_decoded {
    char *text;        /* valid UTF-8, NUL-terminated; owned, free with gw_decoded_free */
    size_t len;        /* bytes, excluding the NUL */
    char encoding[32]; /* what the input was decoded as: "UTF-8", "GB18030",
                          "BIG5-HKSCS", "UTF-16LE", ... */
    int had_bom;
    size_t replacements; /* invalid input sequences (and NULs) replaced by U+FFFD */
} gw_decoded;

/* Decodes bytes[0..len). hint may be NULL; an unknown or implausible hint is ignored. On
 * success fills *out (caller frees with gw_decoded_free) and returns GW_OK. An empty input
 * decodes to an empty text. Fails with GW_EBINARY (binary content, message says why) or
 * GW_EINVAL (NULL arguments); on failure *out is zeroed (text NULL) and nothing is left
 * allocated. bytes may be NULL when len is 0. */
int gw_decode(const char *bytes, size_t len, const char *hint, gw_decoded *out, gw_err *err);

/* Frees d->text and zeroes *d. NULL and an already-freed gw_decoded are no-ops. */
void gw_decoded_free(gw_decoded *d);

#endif
