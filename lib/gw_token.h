/* gw_token.h: normalized text -> index terms (the layout of DESIGN.md §3).
 *
 * 1. Input is a gw_norm_text; every token carries the byte span of the ORIGINAL text.
 * 2. No allocation per token: `term` is borrowed for the call only.
 * 3. Positions: every Han code point and every word occupies one position; a run of
 *    separators (punctuation, symbols, a blank line, a space between two words: what
 *    gw_norm_run left of white space) occupies one position too —
 *    the gap that keeps phrases from matching across "質量,發展" — and is itself a term
 *    (GW_TOK_SEP), so that a phrase spanning it ("深入：开展") is an exact phrase.
 * 4. Terms:
 *    - GW_TOK_BIGRAM: two adjacent Han code points, positioned at the first one.
 *    - GW_TOK_UNIGRAM: every Han code point, to be indexed WITHOUT position
 *      (1-character queries).
 *    - GW_TOK_EDGE: a Han code point directly touching a word ("2022年", "G20峰会") is
 *      ALSO emitted (right after its UNIGRAM) with kind GW_TOK_EDGE, term = the unigram,
 *      to be indexed WITH its position (the indexer gives it no extra wdf). So
 *      phrases that mix scripts ("2022年" = 2022@p 年@p+1) need no unigram positions
 *      elsewhere. A Han run of one code point alone (no word neighbour) gets no position:
 *      a one-character phrase is just the unigram term.
 *    - GW_TOK_WORD: a maximal run of gw_norm_is_word() code points (letters/digits of
 *      non-Han scripts), lowercased already by gw_norm; at most GW_TOKEN_MAX_WORD bytes
 *      (longer runs are cut after the last whole code point that fits, since Xapian
 *      terms are limited to 245 bytes and prefixes come on top; the span still covers
 *      the whole run).
 *    - GW_TOK_SEP: a run of separators, term = "P" + the run's code points (UTF-8), cut
 *      after the last whole code point within GW_TOKEN_MAX_SEP bytes or before a NUL, to be indexed
 *      WITH its position and no wdf (it weighs nothing and adds nothing to the document
 *      length). "P" cannot start any other term (normalized text has no capitals). Only
 *      the runs inside a query phrase are searched: one at its edge may be the start or
 *      end of a longer run in a document.
 *    Order: tokens come in position order; at one Han position UNIGRAM, then EDGE (if
 *    any), then BIGRAM (if the next code point is Han).
 *    The same function tokenizes queries, so a query and a document agree by
 *    construction. */
#ifndef GW_TOKEN_H
#define GW_TOKEN_H

#include "gw_norm.h"

#include <stdint.h>

#define GW_TOKEN_MAX_WORD 64
#define GW_TOKEN_MAX_SEP 16
#define GW_TOKEN_SEP_MARK 'P'

typedef enum gw_tok_kind {
    GW_TOK_BIGRAM,
    GW_TOK_UNIGRAM,
    GW_TOK_EDGE,
    GW_TOK_WORD,
    GW_TOK_SEP
} gw_tok_kind;

/* pos is meaningful for BIGRAM, EDGE and WORD (and given for UNIGRAM: the position of its
 * code point, for callers that want it). orig spans the original bytes of all code
 * points of the token. */
typedef int (*gw_token_fn)(void *ctx, gw_tok_kind kind, const char *term, size_t term_len,
                           uint32_t pos, gw_span orig);

/* Calls fn per token, in text order, positions starting at first_pos. A non-zero return
 * from fn stops and is returned. Returns 0 when done; *next_pos (may be NULL) receives
 * the position after the last one used (so fields can continue the position space). */
int gw_token_run(const gw_norm_text *t, uint32_t first_pos, gw_token_fn fn, void *ctx,
                 uint32_t *next_pos);

#endif
