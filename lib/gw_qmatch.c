/* gw_qmatch.c: the exact matcher. See gw_qmatch.h. */
#include "gw_qmatch.h"

#include "gw_qtree.h"

#include <string.h>

static void collect(gw_query *q, const gw_qnode *n, int neg)
{
    if (n->kind == GW_QN_NOT) {
        for (size_t i = 0; i < n->nk; i++) collect(q, n->k[i], !neg);
        return;
    }
    if (n->kind == GW_QN_TEXT) {
        if (n->t.verify) q->verify = 1;
        if (neg) return;
        if (q->np == q->capp) {
            q->capp = q->capp ? 2 * q->capp : 8;
            q->pats = gw_xrealloc(q->pats, q->capp * sizeof *q->pats);
            q->plens = gw_xrealloc(q->plens, q->capp * sizeof *q->plens);
            q->pfields = gw_xrealloc(q->pfields, q->capp * sizeof *q->pfields);
            q->pnodes = gw_xrealloc(q->pnodes, q->capp * sizeof *q->pnodes);
        }
        q->pnodes[q->np] = n;
        q->pats[q->np] = n->cp;
        q->plens[q->np] = n->ncp;
        q->pfields[q->np] = n->field;
        q->np++;
        return;
    }
    for (size_t i = 0; i < n->nk; i++) collect(q, n->k[i], neg);
}

void gw_qmatch_collect(gw_query *q)
{
    if (q->root) collect(q, q->root, 0);
}

size_t gw_query_find(const uint32_t *pat, size_t m, const uint32_t *text, size_t n, size_t from)
{
    if (m == 0 || m > n) return (size_t)-1;
    int wstart = gw_norm_is_word(pat[0]), wend = gw_norm_is_word(pat[m - 1]);
    for (size_t i = from; i + m <= n; i++) {
        if (text[i] != pat[0]) continue;
        if (memcmp(text + i, pat, m * sizeof *pat)) continue;
        if (wstart && i > 0 && gw_norm_is_word(text[i - 1])) continue;
        if (wend && i + m < n && gw_norm_is_word(text[i + m])) continue;
        return i;
    }
    return (size_t)-1;
}

static int in_text(const gw_qnode *n, const gw_norm_text *t)
{
    return t && gw_query_find(n->cp, n->ncp, t->cp, t->n, 0) != (size_t)-1;
}

static int eval_text(const gw_qnode *n, const gw_query_doc *d)
{
    switch (n->field) {
    case GW_QF_TITLE: return in_text(n, d->title);
    case GW_QF_SOURCE: return in_text(n, d->source);
    case GW_QF_DOCNO: return in_text(n, d->docno);
    default:
        return in_text(n, d->body) || in_text(n, d->title) || in_text(n, d->meta) ||
               in_text(n, d->chrome);
    }
}

static int eval(const gw_qnode *n, const gw_query_doc *d)
{
    switch (n->kind) {
    case GW_QN_AND:
        for (size_t i = 0; i < n->nk; i++)
            if (!eval(n->k[i], d)) return 0;
        return 1;
    case GW_QN_OR:
        for (size_t i = 0; i < n->nk; i++)
            if (eval(n->k[i], d)) return 1;
        return 0;
    case GW_QN_NOT:
        return !eval(n->k[0], d);
    case GW_QN_TEXT:
        return eval_text(n, d);
    case GW_QN_DATE: {
        const char *dt = d->date ? d->date : "";
        if (strlen(dt) != 8) return 0;
        if (n->lo[0] && strcmp(dt, n->lo) < 0) return 0;
        if (n->hi[0] && strcmp(dt, n->hi) > 0) return 0;
        return 1;
    }
    case GW_QN_YEAR:
        return d->date && !strncmp(d->date, n->year, 4) && strlen(d->date) == 8;
    }
    return 0;
}

int gw_query_verify(const gw_query *q, const gw_query_doc *d)
{
    return q->root ? eval(q->root, d) : 1;
}

int gw_query_needs_verify(const gw_query *q) { return q->verify; }

size_t gw_query_patterns(const gw_query *q, const uint32_t *const **pats, const size_t **lens,
                         const int **fields)
{
    if (pats) *pats = (const uint32_t *const *)q->pats;
    if (lens) *lens = q->plens;
    if (fields) *fields = q->pfields;
    return q->np;
}
