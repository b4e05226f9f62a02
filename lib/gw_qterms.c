/* gw_qterms.c: a phrase's index terms, mirroring gw_token. See gw_qterms.h. */
#include "gw_qterms.h"

#include "gw_buf.h"
#include "gw_err.h"
#include "gw_norm.h"
#include "gw_token.h"

#include <stdlib.h>
#include <string.h>

/* Every token gw_token_run gives for the phrase, in order. */
typedef struct tokcoll {
    gw_qterm *v;
    gw_tok_kind *kind;
    size_t n, cap;
    int cut_word;
} tokcoll;

static int collect_tok(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                       gw_span orig)
{
    (void)orig;
    tokcoll *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->v = gw_xrealloc(c->v, c->cap * sizeof *c->v);
        c->kind = gw_xrealloc(c->kind, c->cap * sizeof *c->kind);
    }
    c->v[c->n].term = gw_xstrndup(term, len);
    c->v[c->n].len = len;
    c->v[c->n].pos = pos;
    c->kind[c->n] = kind;
    c->n++;
    if (kind == GW_TOK_WORD && len >= GW_TOKEN_MAX_WORD) c->cut_word = 1;
    return 0;
}

static int kind_rank(gw_tok_kind k)
{
    return k == GW_TOK_BIGRAM ? 3 : k == GW_TOK_WORD ? 2 : k == GW_TOK_EDGE ? 1 : 0;
}

/* The SEP token i of c lies inside the text: a non-separator token before and after it
 * (a run at the text's edge may be part of a longer run in a document). */
static int sep_inside(const tokcoll *c, size_t i)
{
    int before = 0, after = 0;
    for (size_t j = 0; j < c->n; j++) {
        if (c->kind[j] == GW_TOK_SEP) continue;
        if (c->v[j].pos < c->v[i].pos) before = 1;
        if (c->v[j].pos > c->v[i].pos) after = 1;
    }
    return before && after;
}

/* The token chosen at each position, best[0..maxpos] (-1: none), and the positions some
 * chosen token covers, covered[0..maxpos+1]. Returns 1 when a separator run cannot be
 * expressed exactly by positions: at an edge, or cut (long, or at a NUL). */
static int choose_positions(const tokcoll *c, int *best, unsigned char *covered)
{
    int loose_sep = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->kind[i] == GW_TOK_UNIGRAM) continue;
        if (c->kind[i] == GW_TOK_SEP) {
            if (!sep_inside(c, i)) {
                loose_sep = 1;
                continue;
            }
            if (c->v[i].len >= 1 + GW_TOKEN_MAX_SEP) loose_sep = 1;
        }
        uint32_t p = c->v[i].pos;
        if (best[p] < 0 || kind_rank(c->kind[i]) > kind_rank(c->kind[best[p]])) best[p] = (int)i;
        covered[p] = 1;
        if (c->kind[i] == GW_TOK_BIGRAM) covered[p + 1] = 1;
    }
    return loose_sep;
}

/* Moves the chosen tokens into out->phr and the uncovered unigrams, once each, into
 * out->uni (the tokens' strings change owner: no copy). */
static void take_terms(tokcoll *c, const int *best, uint32_t maxpos,
                       const unsigned char *covered, gw_qterms *out)
{
    out->phr = gw_xcalloc(c->n + 1, sizeof *out->phr);
    out->uni = gw_xcalloc(c->n + 1, sizeof *out->uni);
    for (uint32_t p = 0; p <= maxpos; p++) {
        if (best[p] < 0) continue;
        gw_qterm *s = &c->v[best[p]];
        out->phr[out->nphr++] = (gw_qterm){s->term, s->len, p};
        s->term = NULL;
    }
    for (size_t i = 0; i < c->n; i++) {
        gw_qterm *s = &c->v[i];
        if (c->kind[i] != GW_TOK_UNIGRAM || covered[s->pos]) continue;
        int dup = 0;
        for (size_t j = 0; j < out->nuni; j++)
            if (out->uni[j].len == s->len && !memcmp(out->uni[j].term, s->term, s->len)) dup = 1;
        if (dup) continue;
        out->uni[out->nuni++] = (gw_qterm){s->term, s->len, UINT32_MAX};
        s->term = NULL;
    }
}

/* Sets out->window; returns 0 when "in order within the window" admits arrangements
 * other than the intended one. It admits only that one when every hole is the second
 * character of a bigram right before a separator run ("深入：开展" = 深入@0 P：@2 开展@3):
 * no document has a separator term where a bigram's character sits, and no other gap can
 * shrink. */
static int window_of(const tokcoll *c, const int *best, uint32_t maxpos, gw_qterms *out)
{
    out->window = 0;
    if (out->nphr <= 1) return 1;
    uint32_t span = out->phr[out->nphr - 1].pos - out->phr[0].pos + 1;
    if (span != out->nphr) out->window = span;
    int exact = 1;
    uint32_t prev = 0;
    int prev_kind = -1;
    for (uint32_t p = 0; p <= maxpos; p++) {
        if (best[p] < 0) continue;
        int k = (int)c->kind[best[p]];
        if (prev_kind >= 0 && p - prev != 1 &&
            !(p - prev == 2 && prev_kind == GW_TOK_BIGRAM && k == GW_TOK_SEP))
            exact = 0;
        prev = p;
        prev_kind = k;
    }
    return exact;
}

int gw_qterms_expand(const uint32_t *cp, size_t n, gw_qterms *out)
{
    memset(out, 0, sizeof *out);
    gw_norm_text t = {0};
    t.cp = (uint32_t *)cp; /* read only: gw_token_run does not write the text */
    t.n = n;
    t.cap = n;
    gw_span *orig = gw_xcalloc(n + 1, sizeof *orig);
    t.orig = orig;
    tokcoll c = {0};
    gw_token_run(&t, 1, collect_tok, &c, NULL);
    free(orig);
    uint32_t maxpos = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].pos > maxpos) maxpos = c.v[i].pos;
    int *best = gw_xmalloc((maxpos + 2) * sizeof *best);
    for (uint32_t p = 0; p <= maxpos + 1; p++) best[p] = -1;
    unsigned char *covered = gw_xcalloc(maxpos + 3, 1);
    int loose_sep = choose_positions(&c, best, covered);
    for (size_t i = 0; i < n; i++)
        if (cp[i] == 0) loose_sep = 1;
    take_terms(&c, best, maxpos, covered, out);
    int window_exact = window_of(&c, best, maxpos, out);
    out->verify = loose_sep || (out->window != 0 && !window_exact) || c.cut_word ||
                  out->nuni > 1 || (out->nuni >= 1 && out->nphr >= 1);
    for (size_t i = 0; i < c.n; i++) free(c.v[i].term);
    free(c.v);
    free(c.kind);
    free(best);
    free(covered);
    return out->nphr + out->nuni > 0;
}

void gw_qterms_free(gw_qterms *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nphr; i++) free(t->phr[i].term);
    free(t->phr);
    for (size_t i = 0; i < t->nuni; i++) free(t->uni[i].term);
    free(t->uni);
}
