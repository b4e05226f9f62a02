/* gw_token.c: normalized text -> index terms, the contract of gw_token.h.
 *
 * One pass over the normalized code points with their classes (Han / word / separator):
 *   Han at i:   UNIGRAM(i); EDGE(i) if a word code point is directly before or after it;
 *               BIGRAM(i, i+1) if the next code point is Han too.       pos += 1
 *   word run:   WORD (cut at GW_TOKEN_MAX_WORD bytes, on a code point boundary; its span
 *               still covers the whole run, so a highlight covers the whole word).  pos += 1
 *   separator run: SEP ("P" + the run, cut at GW_TOKEN_MAX_SEP bytes).   pos += 1
 * Terms are encoded into a small stack buffer: nothing is allocated. */
#include "gw_token.h"

#include "gw_buf.h"

#include <string.h>

enum { K_SEP = GW_CLASS_SEP, K_HAN = GW_CLASS_HAN, K_WORD = GW_CLASS_WORD };

static int kind_of(uint32_t cp)
{
    return gw_norm_class(cp);
}

static gw_span span_of(const gw_norm_text *t, size_t a, size_t b)
{
    /* orig is non-decreasing, and one original character may give several normalized
     * ones: the token spans from the first one's start to the last one's end. */
    gw_span s;
    s.off = t->orig[a].off;
    size_t end = t->orig[b].off + t->orig[b].len;
    s.len = end > s.off ? end - s.off : 0;
    return s;
}

/* Reads the run of class cls that starts at i and returns the index after it (*next: the
 * class found there, K_SEP at the end). Appends its code points to term from *k on while
 * whole ones fit within max bytes, never a NUL (terms are C strings on the query side):
 * after the first that does not fit, nothing more — the term is the run's longest
 * prefix that fits. */
static size_t read_run(const gw_norm_text *t, size_t i, int cls, char *term, size_t *k,
                       size_t max, int *next)
{
    int full = 0;
    *next = K_SEP;
    for (; i < t->n; i++) {
        int c = kind_of(t->cp[i]);
        if (c != cls) {
            *next = c;
            break;
        }
        if (full)
            continue;
        char enc[4];
        size_t m = t->cp[i] ? gw_utf8_encode(t->cp[i], enc) : 0;
        if (m && *k + m <= max) {
            memcpy(term + *k, enc, m);
            *k += m;
        } else {
            full = 1;
        }
    }
    return i;
}

int gw_token_run(const gw_norm_text *t, uint32_t first_pos, gw_token_fn fn, void *ctx,
                 uint32_t *next_pos)
{
    gw_norm_init(NULL); /* class tables (a no-op once built) */
    uint32_t pos = first_pos;
    size_t n = t->n, i = 0;
    int rc = 0;
    char term[GW_TOKEN_MAX_WORD + 8];
    int prev = K_SEP; /* class of t->cp[i-1] */
    int cur = n ? kind_of(t->cp[0]) : K_SEP;
    while (i < n) {
        if (cur == K_HAN) {
            int next = i + 1 < n ? kind_of(t->cp[i + 1]) : K_SEP;
            size_t k = gw_utf8_encode(t->cp[i], term);
            gw_span sp = span_of(t, i, i);
            if ((rc = fn(ctx, GW_TOK_UNIGRAM, term, k, pos, sp)) != 0)
                goto out;
            if (prev == K_WORD || next == K_WORD) {
                if ((rc = fn(ctx, GW_TOK_EDGE, term, k, pos, sp)) != 0)
                    goto out;
            }
            if (next == K_HAN) {
                size_t k2 = k + gw_utf8_encode(t->cp[i + 1], term + k);
                if ((rc = fn(ctx, GW_TOK_BIGRAM, term, k2, pos, span_of(t, i, i + 1))) != 0)
                    goto out;
            }
            pos++;
            i++;
            prev = K_HAN;
            cur = next;
        } else {
            /* a word, or a run of separators: one position, one term */
            int cls = cur, next;
            size_t a = i, k = 0, max = GW_TOKEN_MAX_WORD;
            if (cls == K_SEP) {
                term[k++] = GW_TOKEN_SEP_MARK;
                max = 1 + GW_TOKEN_MAX_SEP;
            }
            i = read_run(t, i, cls, term, &k, max, &next);
            if ((rc = fn(ctx, cls == K_SEP ? GW_TOK_SEP : GW_TOK_WORD, term, k, pos,
                         span_of(t, a, i - 1))) != 0)
                goto out;
            pos++;
            prev = cls;
            cur = next;
        }
    }
out:
    if (next_pos)
        *next_pos = pos;
    return rc;
}
