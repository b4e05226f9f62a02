/* gw_qbuild.c: the parsed tree -> Xapian queries. See gw_qbuild.h. */
#include "gw_qbuild.h"

#include "gw_index.h"
#include "gw_qtree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *field_prefix(int f)
{
    switch (f) {
    case GW_QF_TITLE: return GW_PREFIX_TITLE;
    case GW_QF_SOURCE: return GW_PREFIX_SOURCE;
    case GW_QF_DOCNO: return GW_PREFIX_DOCNO;
    default: return "";
    }
}

/* prefix + each term v[idx[i]] (idx NULL: v[i]), i < k, as Xapian takes them: *terms
 * (one block, the strings after the pointers; caller frees *terms and *lens). */
static void prefixed(const char *prefix, const gw_qterm *v, const size_t *idx, size_t k,
                     char ***terms, size_t **lens)
{
    size_t pl = strlen(prefix), bytes = 0;
    for (size_t i = 0; i < k; i++) bytes += pl + v[idx ? idx[i] : i].len + 1;
    char **t = gw_xmalloc(k * sizeof *t + bytes);
    size_t *l = gw_xmalloc((k ? k : 1) * sizeof *l);
    char *p = (char *)(t + k);
    for (size_t i = 0; i < k; i++) {
        const gw_qterm *s = &v[idx ? idx[i] : i];
        t[i] = p;
        memcpy(p, prefix, pl);
        memcpy(p + pl, s->term, s->len + 1);
        l[i] = pl + s->len;
        p += l[i] + 1;
    }
    *terms = t;
    *lens = l;
}

/* Combines v[0..n) with op and frees them; one query alone is itself (except for NEAR,
 * which changes its meaning). */
static gw_xquery *combine_free(int op, gw_xquery **v, size_t n, unsigned window)
{
    if (n == 1 && op != GW_OP_NEAR) return v[0];
    gw_xquery *r = gw_xquery_combine(op, v, n, window);
    for (size_t i = 0; i < n; i++) gw_xquery_free(v[i]);
    return r;
}

/* The (superset) query of one text's terms, with prefix; positions = 0: the same terms
 * ANDed, which Xapian weighs exactly as the phrase (a phrase's weight is the sum of its
 * terms'), for ranking documents already known to match. */
static gw_xquery *text_query_pos(const gw_qterms *t, const char *prefix, int positions)
{
    size_t nt = t->nphr;
    gw_xquery **subs = gw_xcalloc(t->nuni + nt + 2, sizeof *subs);
    size_t ns = 0;
    char **terms;
    size_t *lens;
    if (nt) {
        prefixed(prefix, t->phr, NULL, nt, &terms, &lens);
        if (positions || nt == 1) {
            subs[ns++] = gw_xquery_phrase((const char *const *)terms, lens, nt, t->window);
        } else {
            for (size_t i = 0; i < nt; i++) subs[ns++] = gw_xquery_term(terms[i], lens[i], 1);
        }
        free(terms);
        free(lens);
    }
    if (t->nuni) {
        prefixed(prefix, t->uni, NULL, t->nuni, &terms, &lens);
        for (size_t i = 0; i < t->nuni; i++) subs[ns++] = gw_xquery_term(terms[i], lens[i], 1);
        free(terms);
        free(lens);
    }
    gw_xquery *r = ns == 1 ? subs[0] : gw_xquery_combine(GW_OP_AND, subs, ns, 0);
    if (ns != 1)
        for (size_t i = 0; i < ns; i++) gw_xquery_free(subs[i]);
    free(subs);
    return r;
}

static gw_xquery *text_query(const gw_qterms *t, const char *prefix)
{
    return text_query_pos(t, prefix, 1);
}

/* ---- the cheapest exact form of a phrase, for counting ---------------------------------- */

/* A phrase of m Han characters is the chain of its m-1 bigrams at consecutive positions;
 * Xapian checks the positions of every one of them in every candidate, which is most of
 * the cost of counting facets over thousands of matches. Every second bigram (counted
 * from the rarest one, plus the ends) already covers every character: AB@0 CD@2 DE@3 for
 * ABCDE. Xapian cannot say "at offsets 0, 2, 3", only "in order within a window of 4" —
 * which also admits other arrangements (AB@0 CD@1 needs B = C). The cover is used only
 * when no other arrangement is possible for these characters: then it matches exactly
 * the same documents. */
#define COVER_MAX_CHARS 12

/* 1 if the characters some arrangement q[0..k) (q[0] = 0, non-decreasing, within
 * [0, m-2]) forces on the text can all hold at once, for a q other than the cover's own. */
static int cover_alt(const uint32_t *c, size_t m, const size_t *st, size_t k, size_t *q,
                     size_t i, uint32_t *doc, int differs)
{
    if (i == k) return differs;
    size_t lo = i ? q[i - 1] : 0, hi = i ? m - 2 : 0;
    for (size_t p = lo; p <= hi; p++) {
        uint32_t save0 = doc[p], save1 = doc[p + 1];
        if ((doc[p] && doc[p] != c[st[i]]) || (doc[p + 1] && doc[p + 1] != c[st[i] + 1]))
            continue;
        doc[p] = c[st[i]];
        doc[p + 1] = c[st[i] + 1];
        q[i] = p;
        int r = cover_alt(c, m, st, k, q, i + 1, doc, differs || p != st[i]);
        doc[p] = save0;
        doc[p + 1] = save1;
        if (r) return 1;
    }
    return 0;
}

/* The index in n's terms of its rarest bigram in db (with the term prefix); 0 without
 * db; (size_t)-1 when a frequency cannot be read. */
static size_t rarest_term(const gw_qnode *n, const char *prefix, gw_db *db)
{
    size_t r = 0;
    if (!db) return r;
    unsigned best = 0;
    size_t pl = strlen(prefix);
    char t[256];
    for (size_t i = 0; i < n->t.nphr; i++) {
        const gw_qterm *s = &n->t.phr[i];
        if (pl + s->len >= sizeof t) return (size_t)-1;
        memcpy(t, prefix, pl);
        memcpy(t + pl, s->term, s->len);
        gw_err e;
        unsigned f = gw_db_term_freq(db, t, pl + s->len, &e);
        if (e.code != GW_OK) return (size_t)-1;
        if (i == 0 || f < best) {
            best = f;
            r = i;
        }
    }
    return r;
}

/* The cover of n's phrase: indices into n->t.phr (k of them), or 0 when the whole chain
 * must be used (not a pure Han run, too long, too short to gain, or not provably exact).
 * It always keeps the rarest bigram (by document frequency in db): dropping it would let
 * many more candidates through the AND before the position check, which costs more than
 * the position lists it saves (measured: rare phrases twice as slow). */
static size_t phrase_cover(const gw_qnode *n, const char *prefix, gw_db *db, size_t *idx)
{
    size_t m = n->ncp;
    const gw_qterms *t = &n->t;
    if (m < 4 || m > COVER_MAX_CHARS || t->window || t->nuni || t->verify || t->nphr != m - 1)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (!gw_norm_is_han(n->cp[i]) || n->cp[i] == 0) return 0;
    for (size_t i = 1; i < t->nphr; i++)
        if (t->phr[i].pos != t->phr[0].pos + i) return 0;
    /* the rarest bigram r, then every second bigram away from it, then the ends */
    size_t r = rarest_term(n, prefix, db);
    if (r == (size_t)-1) return 0;
    unsigned char use[COVER_MAX_CHARS];
    memset(use, 0, sizeof use);
    use[r] = 1;
    for (size_t s = r; s >= 2; s -= 2) use[s - 2] = 1;
    use[0] = 1;
    for (size_t s = r + 2; s + 1 < m; s += 2) use[s] = 1;
    use[m - 2] = 1;
    size_t st[COVER_MAX_CHARS], k = 0;
    for (size_t s = 0; s + 1 < m; s++)
        if (use[s]) st[k++] = s;
    if (k >= t->nphr) return 0;
    size_t q[COVER_MAX_CHARS];
    uint32_t doc[COVER_MAX_CHARS + 1];
    memset(doc, 0, sizeof doc);
    if (cover_alt(n->cp, m, st, k, q, 0, doc, 0)) return 0;
    memcpy(idx, st, k * sizeof *idx);
    return k;
}

/* The ordered phrase of n's bigrams idx[0..k) (a cover from phrase_cover) within their
 * span. */
static gw_xquery *cover_query(const gw_qnode *n, const char *prefix, const size_t *idx, size_t k)
{
    char **terms;
    size_t *lens;
    prefixed(prefix, n->t.phr, idx, k, &terms, &lens);
    gw_xquery *r = gw_xquery_phrase((const char *const *)terms, lens, k,
                                    (unsigned)(idx[k - 1] - idx[0] + 1));
    free(terms);
    free(lens);
    return r;
}

/* ---- the tree -------------------------------------------------------------------------------- */

/* How build() forms the query. */
enum {
    B_RANKED = 0, /* the search: matches and weights */
    B_BOOL = 1,   /* the same documents, no weights, cheapest to match (counting) */
    B_INSET = 2,  /* the same weights, for documents already known to match: body phrases
                   * under ANDs become plain ANDs (no positions read), filters and NOTs
                   * are dropped; phrases under OR stay (there the weight would differ) */
};

/* Builds node n. neg = 0: the result matches a SUPERSET of n's exact matches; neg = 1
 * (n sits under a NOT): a SUBSET, so that excluding it never drops a true match. NULL
 * means "matches nothing" (only with neg). */
static gw_xquery *build(const gw_qnode *n, int neg, int mode, gw_db *db);

/* Matches exactly what text_query(n's terms, prefix) matches (n without verify), without
 * weights, as cheaply as possible. */
static gw_xquery *text_query_bool(const gw_qnode *n, const char *prefix, gw_db *db)
{
    size_t idx[COVER_MAX_CHARS], k = phrase_cover(n, prefix, db, idx);
    return k ? cover_query(n, prefix, idx, k) : text_query(&n->t, prefix);
}

/* a op (b scaled by factor): the weight of b changes, its matching does not. Frees a, b. */
static gw_xquery *with_scaled(int op, gw_xquery *a, gw_xquery *b, double factor)
{
    gw_xquery *scaled = gw_xquery_scale(b, factor);
    gw_xquery_free(b);
    gw_xquery *v[2] = {a, scaled};
    return combine_free(op, v, 2, 0);
}

/* The weights of the whole chain (an AND of its terms weighs what the phrase does), the
 * matching by its cover (fewer position lists, same documents); NULL without a cover. */
static gw_xquery *text_query_covered(const gw_qnode *n, const char *prefix, gw_db *db)
{
    size_t idx[COVER_MAX_CHARS], k = phrase_cover(n, prefix, db, idx);
    if (!k) return NULL;
    return with_scaled(GW_OP_AND, text_query_pos(&n->t, prefix, 0),
                       cover_query(n, prefix, idx, k), 0);
}

static gw_xquery *build_text(const gw_qnode *n, int neg, int mode, gw_db *db)
{
    if (neg && n->t.verify) return NULL;
    const char *prefix = field_prefix(n->field);
    if (mode == B_BOOL) return text_query_bool(n, prefix, db);
    gw_xquery *body = mode == B_RANKED && db ? text_query_covered(n, prefix, db) : NULL;
    if (!body) body = text_query_pos(&n->t, prefix, mode != B_INSET);
    if (n->field != GW_QF_BODY || neg) return body;
    /* title boost: the same phrase in the title adds weight */
    return with_scaled(GW_OP_AND_MAYBE, body, text_query(&n->t, GW_PREFIX_TITLE), 0.5);
}

static gw_xquery *build_filter(const gw_qnode *n, int mode)
{
    if (mode == B_INSET) return gw_xquery_all();
    if (n->kind == GW_QN_DATE)
        return gw_xquery_value_range(GW_SLOT_DATE, n->lo[0] ? n->lo : NULL,
                                     n->hi[0] ? n->hi : NULL);
    char t[8];
    int l = snprintf(t, sizeof t, "%s%s", GW_PREFIX_YEAR, n->year);
    return gw_xquery_term(t, (size_t)l, 0);
}

/* A NOT standing alone: everything except it. */
static gw_xquery *build_not(const gw_qnode *n, int neg, int mode, gw_db *db)
{
    if (mode == B_INSET) return gw_xquery_all();
    gw_xquery *x = build(n->k[0], !neg, mode, db);
    gw_xquery *all = gw_xquery_all();
    if (!x) return all;
    gw_xquery *v[2] = {all, x};
    return combine_free(GW_OP_AND_NOT, v, 2, 0);
}

static gw_xquery *build_or(const gw_qnode *n, int neg, int mode, gw_db *db)
{
    gw_xquery **v = gw_xcalloc(n->nk, sizeof *v);
    size_t m = 0;
    for (size_t i = 0; i < n->nk; i++) {
        gw_xquery *x = build(n->k[i], neg, mode == B_INSET ? B_RANKED : mode, db);
        if (x) v[m++] = x;
    }
    gw_xquery *r = m ? combine_free(GW_OP_OR, v, m, 0) : NULL;
    free(v);
    return r;
}

/* Nearness of the words of one unquoted run (AND chunk n) added to r: the whole run as a
 * phrase, and the words' first terms near each other. */
static gw_xquery *chunk_boost(const gw_qnode *n, gw_xquery *r)
{
    gw_xquery *boost[2];
    size_t nb = 0;
    gw_qterms whole;
    if (gw_qterms_expand(n->cp, n->ncp, &whole) && whole.nphr > 1)
        boost[nb++] = text_query(&whole, "");
    gw_qterms_free(&whole);
    gw_xquery **near = gw_xcalloc(n->nk, sizeof *near);
    size_t nnear = 0;
    for (size_t i = 0; i < n->nk; i++) {
        const gw_qnode *w = n->k[i];
        if (w->kind == GW_QN_TEXT && w->t.nphr)
            near[nnear++] = gw_xquery_term(w->t.phr[0].term, w->t.phr[0].len, 1);
    }
    if (nnear > 1) boost[nb++] = combine_free(GW_OP_NEAR, near, nnear, (unsigned)n->ncp + 8);
    else
        for (size_t i = 0; i < nnear; i++) gw_xquery_free(near[i]);
    free(near);
    if (!nb) return r;
    gw_xquery *v[3] = {r, boost[0], nb > 1 ? boost[1] : NULL};
    return combine_free(GW_OP_AND_MAYBE, v, 1 + nb, 0);
}

/* r op v[0..*n) (the v are freed; *n becomes 0); r alone when *n is 0. */
static gw_xquery *first_op_rest(int op, gw_xquery *r, gw_xquery **v, size_t *n)
{
    if (!*n) return r;
    gw_xquery **all = gw_xcalloc(*n + 1, sizeof *all);
    all[0] = r;
    memcpy(all + 1, v, *n * sizeof *all);
    r = combine_free(op, all, *n + 1, 0);
    free(all);
    *n = 0;
    return r;
}

/* The children of an AND: the positive ones ANDed (with the nearness boosts of an
 * unquoted run), then filtered by the filters, then without the NOTs. */
static gw_xquery *build_and(const gw_qnode *n, int neg, int mode, gw_db *db)
{
    gw_xquery **pos = gw_xcalloc(n->nk + 1, sizeof *pos);
    gw_xquery **flt = gw_xcalloc(n->nk + 1, sizeof *flt);
    gw_xquery **nots = gw_xcalloc(n->nk + 1, sizeof *nots);
    size_t np = 0, nf = 0, nn = 0;
    int empty = 0;
    for (size_t i = 0; i < n->nk; i++) {
        const gw_qnode *c = n->k[i];
        if (c->kind == GW_QN_NOT) {
            if (mode == B_INSET) continue;
            gw_xquery *x = build(c->k[0], !neg, mode, db);
            if (x) nots[nn++] = x; /* NULL: it excludes nothing */
        } else if (c->kind == GW_QN_DATE || c->kind == GW_QN_YEAR) {
            if (mode == B_INSET) continue;
            flt[nf++] = build(c, neg, mode, db);
        } else {
            gw_xquery *x = build(c, neg, mode, db);
            if (x) pos[np++] = x;
            else empty = 1;
        }
    }
    gw_xquery *r = NULL;
    if (!empty) {
        r = np ? combine_free(GW_OP_AND, pos, np, 0) : gw_xquery_all();
        np = 0;
        if (n->chunk && !neg && mode != B_BOOL) r = chunk_boost(n, r);
        r = first_op_rest(GW_OP_FILTER, r, flt, &nf);
        r = first_op_rest(GW_OP_AND_NOT, r, nots, &nn);
    }
    for (size_t i = 0; i < np; i++) gw_xquery_free(pos[i]);
    for (size_t i = 0; i < nf; i++) gw_xquery_free(flt[i]);
    for (size_t i = 0; i < nn; i++) gw_xquery_free(nots[i]);
    free(pos);
    free(flt);
    free(nots);
    return r;
}

static gw_xquery *build(const gw_qnode *n, int neg, int mode, gw_db *db)
{
    switch (n->kind) {
    case GW_QN_TEXT: return build_text(n, neg, mode, db);
    case GW_QN_DATE:
    case GW_QN_YEAR: return build_filter(n, mode);
    case GW_QN_NOT: return build_not(n, neg, mode, db);
    case GW_QN_OR: return build_or(n, neg, mode, db);
    case GW_QN_AND: return build_and(n, neg, mode, db);
    }
    return NULL;
}

static gw_xquery *build_root(const gw_query *q, int mode, gw_db *db)
{
    gw_xquery *x = q->root ? build(q->root, 0, mode, db) : NULL;
    return x ? x : gw_xquery_all();
}

gw_xquery *gw_query_build(const gw_query *q) { return build_root(q, B_RANKED, NULL); }

gw_xquery *gw_query_build_ranked(const gw_query *q, gw_db *db)
{
    return build_root(q, B_RANKED, db);
}

gw_xquery *gw_query_build_bool(const gw_query *q, gw_db *db) { return build_root(q, B_BOOL, db); }

gw_xquery *gw_query_build_inset(const gw_query *q) { return build_root(q, B_INSET, NULL); }

gw_xquery *gw_query_part_query(const gw_query *q, size_t i)
{
    if (i >= q->np) return gw_xquery_none();
    return text_query(&q->pnodes[i]->t, field_prefix(q->pnodes[i]->field));
}

/* 1 when the ranked query reads positions: a phrase of more than one term, or the
 * nearness boosts of an unquoted run of several words. */
static int node_positional(const gw_qnode *n)
{
    if (n->kind == GW_QN_TEXT) return n->t.nphr > 1;
    if (n->kind == GW_QN_AND && n->chunk) return 1;
    for (size_t i = 0; i < n->nk; i++)
        if (node_positional(n->k[i])) return 1;
    return 0;
}

int gw_query_is_positional(const gw_query *q) { return q->root && node_positional(q->root); }
