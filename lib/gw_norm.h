/* gw_norm.h: text -> matching form, identical for documents and queries (DESIGN.md §2.4,
 * docs/index-format.md §1).
 *
 * 1. Per code point: NFKC + case folding (utf8proc: ２０２２ -> 2022, Ｇ -> g, full-width
 *    punctuation folded). One input code point may give several output code points (NFKC
 *    of ① is "1"); each output code point keeps the byte span of the ORIGINAL input code
 *    point it came from, so highlights are drawn on the original text.
 * 2. White space (gw_norm_run only): a run of white space with at most one line break
 *    between two Han code points, or between Han and a word code point, is removed (a
 *    wrap or spacing, not a separator: "Linux 系统" = "Linux系统", "浙 江 省" = "浙江省");
 *    between two word code points it becomes one " "; next to punctuation or a symbol it
 *    is removed; a run holding a blank line (two line breaks, or U+2029) becomes "\n\n", a
 *    separator; at the start and the end of the text it goes. Removed code points vanish
 *    from cp[] and orig[], so a match across them spans them in the original.
 * 3. Traditional -> Simplified as OpenCC's t2s.json converts: at each position the longest
 *    key of OpenCC's phrase table (TSPhrases, matched on the text after 1 and 2) is
 *    replaced by its value (藉口 -> 借口, 乾隆 stays 乾隆); elsewhere OpenCC's character
 *    table, one code point to one, first candidate (發 -> 发). Keys and values have equal
 *    lengths, so every code point keeps its span. Both tables are generated at build time
 *    (lib/gen_t2s.sh, lib/gen_t2s_phrases.sh).
 *
 * The mapping is a fixpoint (normalizing normalized text changes nothing). Composition
 * happens within one code point's mapping only (a letter followed by a separate combining
 * mark stays two code points). Default-ignorable code points (ZWSP, ZWJ, soft hyphen,
 * variation selectors) normalize to nothing.
 *
 * Conventions: input is valid UTF-8 as (ptr, len) (run gw_decode first; invalid bytes are
 * nevertheless read safely, each as one U+FFFD spanning that byte); the tables are
 * built once per process by gw_norm_init() (thread-safe, idempotent); afterwards every
 * function is thread-safe. */
#ifndef GW_NORM_H
#define GW_NORM_H

#include "gw_err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct gw_span {
    size_t off, len; /* bytes, [off, off+len) of the original text */
} gw_span;

/* Which normalizations changed something (for a query's explanation). */
enum gw_norm_fired {
    GW_NORM_WIDTH = 1 << 0, /* NFKC compatibility folding: full-width, circled, ... */
    GW_NORM_CASE = 1 << 1,  /* case folding */
    GW_NORM_T2S = 1 << 2    /* Traditional -> Simplified */
};

typedef struct gw_norm_text {
    uint32_t *cp;     /* normalized code points */
    gw_span *orig;    /* orig[i]: span of the original code point cp[i] came from */
    size_t n, cap;
    unsigned fired;   /* gw_norm_fired bits, OR of all code points */
} gw_norm_text;

/* Builds the tables (~6 ms, once per process; the T->S tables are compiled in, generated
 * from OpenCC's data at build time). Safe to call many times and from
 * many threads. Returns GW_OK (the error return is kept for a future data source).
 * gw_norm_run, gw_norm_char and gw_token_run build the tables themselves if needed. */
int gw_norm_init(gw_err *err);

/* Normalizes one code point into out[] (room for GW_NORM_MAX); returns the count (0 when
 * the code point normalizes to nothing, e.g. a default-ignorable). *fired |= bits. Step 1
 * and the character table only: no white space rule, no phrase. */
#define GW_NORM_MAX 18
size_t gw_norm_char(uint32_t cp, uint32_t out[GW_NORM_MAX], unsigned *fired);

/* Normalizes utf8[0..len) into *out (steps 1-3), replacing its content (out may be reused
 * across calls: zero-initialise it once, free with gw_norm_text_free). base is added to
 * every original offset (pass the offset of utf8 within the stored text). */
void gw_norm_run(const char *utf8, size_t len, size_t base, gw_norm_text *out);

/* The normalized text as UTF-8 (appended to a gw_buf-like caller buffer): convenience
 * for tests and brute-force comparison. Returns a malloc'ed string the caller frees. */
char *gw_norm_to_utf8(const gw_norm_text *t, size_t *len);

/* Normalizes a whole UTF-8 string to a malloc'ed UTF-8 string (caller frees). */
char *gw_norm_string(const char *utf8, size_t len, size_t *out_len);

/* The same without step 2: white space stays as written. For showing a whole query,
 * where spaces are syntax (`"機關黨建" 2022年` must not become `"机关党建"2022年`); never
 * for matching. Caller frees. */
char *gw_norm_string_spaced(const char *utf8, size_t len, size_t *out_len);

void gw_norm_text_free(gw_norm_text *t);

/* Character classes on NORMALIZED code points, shared by tokenizer, query and snippets.
 *   han:  CJK unified ideographs (BMP, extensions A-H), compatibility ideographs, 々 〆 〇,
 *         Hangzhou numerals, kana (incl. the prolonged sound mark), hangul syllables:
 *         indexed as n-grams.
 *   word: every other letter, digit or combining mark (Unicode categories L*, N*, M*):
 *         indexed as words (combining marks are included so that Indic and Thai words,
 *         and decomposed Latin, stay whole).
 *   sep:  everything else — space, controls, NUL, punctuation, symbols, and U+FFFD (the
 *         decoder's replacement for bad bytes: a damaged character must not glue its
 *         neighbours into a phrase). A run of separators takes one position and is a
 *         term of its own (gw_token.h, GW_TOK_SEP).
 * All three are table look-ups for the BMP; thread-safe. */
enum gw_norm_class { GW_CLASS_SEP = 0, GW_CLASS_HAN = 1, GW_CLASS_WORD = 2 };
int gw_norm_class(uint32_t cp);   /* a gw_norm_class; needs gw_norm_init() done */
int gw_norm_is_han(uint32_t cp);
int gw_norm_is_word(uint32_t cp);

#endif
