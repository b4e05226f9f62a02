/* gw_query.c: the query language -> parsed tree -> Xapian query; the exact matcher.
 * See gw_query.h for the contract and docs/query-syntax.md for the user's view. */
#include "gw_query.h"

#include "gw_buf.h"
#include "gw_clean.h"
#include "gw_date.h"
#include "gw_index.h"
#include "gw_token.h"

#include <friso.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- friso: dictionary segmentation of the query's Han runs ---------------------------- */

/* Loaded once per process: ~0.15 s and ~20 MB; read-only afterwards (a task per call).
 * The folder is the one gw_query_init named before the first load, else the default. */
static pthread_once_t friso_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t friso_dir_mu = PTHREAD_MUTEX_INITIALIZER;
static char friso_dir[512] = GW_QUERY_DICT_DEFAULT;
static friso_t friso_h;
static friso_config_t friso_cfg;

static void friso_setup(void)
{
    char dir[sizeof friso_dir];
    pthread_mutex_lock(&friso_dir_mu);
    memcpy(dir, friso_dir, sizeof dir);
    pthread_mutex_unlock(&friso_dir_mu);
    char ini[sizeof dir + 16];
    snprintf(ini, sizeof ini, "%s/friso.lex.ini", dir);
    FILE *fi = fopen(ini, "r");
    if (!fi) return; /* no dictionary: each Han run stays one word (stricter, still exact) */
    fclose(fi);
    friso_t f = friso_new();
    friso_config_t c = friso_new_config();
    friso_init_config(c);
    /* No synonyms or stop-word removal (they would add or drop words); keep unknown
     * characters (every character must be in some word); no name heuristics. */
    c->add_syn = 0;
    c->clr_stw = 0;
    c->keep_urec = 1;
    c->r_name = 0;
    c->en_sseg = 0;
    c->max_len = 5;
    friso_set_mode(c, __FRISO_COMPLEX_MODE__);
    f->charset = FRISO_UTF8;
    f->dic = friso_dic_new();
    /* friso joins the folder and the names in its ini without a separator */
    char path[sizeof dir + 1];
    size_t dl = strlen(dir);
    snprintf(path, sizeof path, "%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/");
    friso_dic_load_from_ifile(f, c, path, c->max_len * 3);
    friso_h = f;
    friso_cfg = c;
}

int gw_query_init(const char *dict_dir)
{
    if (dict_dir && *dict_dir && strlen(dict_dir) < sizeof friso_dir) {
        pthread_mutex_lock(&friso_dir_mu);
        strcpy(friso_dir, dict_dir);
        pthread_mutex_unlock(&friso_dir_mu);
    }
    pthread_once(&friso_once, friso_setup);
    return friso_h != NULL;
}

/* Word starts (code point indices, relative to the run) of the Han run cp[0..n), written
 * into cut[] as 1 where a new word starts. Falls back to one word when friso is missing
 * or says something that does not fit the run. */
static void segment_han(const uint32_t *cp, size_t n, unsigned char *cut)
{
    memset(cut, 0, n);
    if (n == 0) return;
    cut[0] = 1;
    pthread_once(&friso_once, friso_setup);
    if (!friso_h || n < 2) return;
    gw_buf b = {0};
    size_t *boff = gw_xmalloc((n + 1) * sizeof *boff);
    for (size_t i = 0; i < n; i++) {
        boff[i] = b.len;
        gw_buf_put_utf8(&b, cp[i]);
    }
    boff[n] = b.len;
    friso_task_t task = friso_new_task();
    friso_set_text(task, b.data);
    while (friso_cfg->next_token(friso_h, friso_cfg, task)) {
        int off = task->token->offset;
        if (off <= 0 || (size_t)off >= b.len) continue;
        /* binary search the code point starting at byte off */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (boff[mid] < (size_t)off) lo = mid + 1;
            else hi = mid;
        }
        if (lo < n && boff[lo] == (size_t)off) cut[lo] = 1;
    }
    friso_free_task(task);
    free(boff);
    gw_buf_free(&b);
}

/* ---- the tree ---------------------------------------------------------------------------- */

typedef enum { N_AND, N_OR, N_NOT, N_TEXT, N_DATE, N_YEAR } nkind;

typedef struct qterm {
    char *term;
    size_t len;
    uint32_t pos; /* relative position; UINT32_MAX for a unigram without position */
} qterm;

typedef struct qnode {
    nkind kind;
    int field;              /* enum gw_qfield (TEXT) */
    int quoted;             /* TEXT: typed in quotes */
    int chunk;              /* AND: the words of one unquoted run */
    struct qnode **k;
    size_t nk, capk;
    char *raw;              /* TEXT: as typed; AND chunk: the run as typed */
    uint32_t *cp;           /* TEXT / chunk: normalized */
    size_t ncp;
    char *norm;             /* TEXT / chunk: normalized, UTF-8 */
    qterm *phr;             /* TEXT: positional terms, one per position, in order */
    size_t nphr;
    qterm *uni;             /* TEXT: unigrams outside any positional term */
    size_t nuni;
    unsigned window;        /* TEXT: 0 = exact adjacency */
    int verify;             /* TEXT: positions cannot express it exactly */
    char lo[9], hi[9];      /* DATE: YYYYMMDD, "" = open */
    char year[5];           /* YEAR */
} qnode;

struct gw_query {
    qnode *root;
    char *input;            /* as given (after U+FFFD repair) */
    char *norm;             /* normalized input */
    unsigned fired;
    size_t pinyin;
    int verify;
    int segmented;          /* friso cut at least one run */
    gw_buf notes;           /* "; "-separated degradations */
    size_t nnotes;
    const uint32_t **pats;
    size_t *plens;
    int *pfields;
    const struct qnode **pnodes;
    size_t np, capp;
};

static qnode *node_new(nkind k)
{
    qnode *n = gw_xcalloc(1, sizeof *n);
    n->kind = k;
    return n;
}

static void node_add(qnode *p, qnode *c)
{
    if (p->nk == p->capk) {
        p->capk = p->capk ? 2 * p->capk : 4;
        p->k = gw_xrealloc(p->k, p->capk * sizeof *p->k);
    }
    p->k[p->nk++] = c;
}

static void node_free(qnode *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nk; i++) node_free(n->k[i]);
    free(n->k);
    free(n->raw);
    free(n->cp);
    free(n->norm);
    for (size_t i = 0; i < n->nphr; i++) free(n->phr[i].term);
    free(n->phr);
    for (size_t i = 0; i < n->nuni; i++) free(n->uni[i].term);
    free(n->uni);
    free(n);
}

static void note(gw_query *q, const char *fmt, const char *arg)
{
    if (q->nnotes++) gw_buf_puts(&q->notes, "\n");
    gw_buf_printf(&q->notes, fmt, arg);
}

/* ---- character helpers -------------------------------------------------------------------- */

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           c == 0x3000 || c == 0xA0;
}
static int is_quote_cp(uint32_t c)
{
    return c == '"' || c == 0x201C || c == 0x201D || c == 0xFF02;
}
static int is_lparen(uint32_t c) { return c == '(' || c == 0xFF08; }
static int is_rparen(uint32_t c) { return c == ')' || c == 0xFF09; }
static int is_minus(uint32_t c) { return c == '-' || c == 0xFF0D || c == 0x2212; }
static int is_colon(uint32_t c) { return c == ':' || c == 0xFF1A; }
static int is_sep_cp(uint32_t c) { return !gw_norm_is_han(c) && !gw_norm_is_word(c); }

/* ---- pinyin annotations ---------------------------------------------------------------------- */

/* The documents' rule, from the cleaner itself, so that a query and a document lose
 * exactly the same annotations. */
char *gw_query_strip_pinyin(const char *s, size_t len, size_t *out_len, size_t *count)
{
    gw_buf b = {0};
    size_t n = gw_clean_pinyin(s, len, &b);
    if (count) *count = n;
    return gw_buf_steal(&b, out_len);
}

/* ---- terms of one phrase (mirrors gw_token exactly) ---------------------------------------- */

typedef struct tokcoll {
    qterm *v;
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

/* Fills n->phr / n->uni / n->window / n->verify from n->cp. Returns 0 if the text holds
 * nothing searchable. */
static int text_terms(qnode *n)
{
    gw_norm_text t = {0};
    t.cp = n->cp;
    t.n = n->ncp;
    t.cap = n->ncp;
    gw_span *orig = gw_xcalloc(n->ncp + 1, sizeof *orig);
    t.orig = orig;
    tokcoll c = {0};
    gw_token_run(&t, 1, collect_tok, &c, NULL);
    free(orig);
    /* one positional term per position: bigram > word > edge */
    uint32_t maxpos = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].pos > maxpos) maxpos = c.v[i].pos;
    int *best = gw_xmalloc((maxpos + 2) * sizeof *best);
    for (uint32_t p = 0; p <= maxpos + 1; p++) best[p] = -1;
    unsigned char *covered = gw_xcalloc(maxpos + 3, 1);
    /* separator runs that positions cannot express exactly: at an edge, or cut (long,
     * or at a NUL) */
    int loose_sep = 0;
    for (size_t i = 0; i < n->ncp; i++)
        if (n->cp[i] == 0) loose_sep = 1;
    for (size_t i = 0; i < c.n; i++) {
        if (c.kind[i] == GW_TOK_UNIGRAM) continue;
        if (c.kind[i] == GW_TOK_SEP) {
            if (!sep_inside(&c, i)) {
                loose_sep = 1;
                continue;
            }
            if (c.v[i].len >= 1 + GW_TOKEN_MAX_SEP) loose_sep = 1;
        }
        uint32_t p = c.v[i].pos;
        if (best[p] < 0 || kind_rank(c.kind[i]) > kind_rank(c.kind[best[p]])) best[p] = (int)i;
        covered[p] = 1;
        if (c.kind[i] == GW_TOK_BIGRAM) covered[p + 1] = 1;
    }
    n->phr = gw_xcalloc(c.n + 1, sizeof *n->phr);
    n->uni = gw_xcalloc(c.n + 1, sizeof *n->uni);
    for (uint32_t p = 0; p <= maxpos; p++) {
        if (best[p] < 0) continue;
        qterm *s = &c.v[best[p]];
        n->phr[n->nphr].term = gw_xstrndup(s->term, s->len);
        n->phr[n->nphr].len = s->len;
        n->phr[n->nphr].pos = p;
        n->nphr++;
    }
    for (size_t i = 0; i < c.n; i++) {
        if (c.kind[i] != GW_TOK_UNIGRAM || covered[c.v[i].pos]) continue;
        int dup = 0;
        for (size_t j = 0; j < n->nuni; j++)
            if (n->uni[j].len == c.v[i].len && !memcmp(n->uni[j].term, c.v[i].term, c.v[i].len))
                dup = 1;
        if (dup) continue;
        n->uni[n->nuni].term = gw_xstrndup(c.v[i].term, c.v[i].len);
        n->uni[n->nuni].len = c.v[i].len;
        n->uni[n->nuni].pos = UINT32_MAX;
        n->nuni++;
    }
    n->window = 0;
    int window_exact = 1;
    if (n->nphr > 1) {
        uint32_t span = n->phr[n->nphr - 1].pos - n->phr[0].pos + 1;
        if (span != n->nphr) n->window = span;
        /* "in order within the window" admits only the intended arrangement when every
         * hole is the second character of a bigram right before a separator run ("深入：
         * 开展" = 深入@0 P：@2 开展@3): no document has a separator term where a bigram's
         * character sits, and no other gap can shrink */
        uint32_t prev = 0;
        int prev_kind = -1;
        for (uint32_t p = 0; p <= maxpos; p++) {
            if (best[p] < 0) continue;
            int k = (int)c.kind[best[p]];
            if (prev_kind >= 0 && p - prev != 1 &&
                !(p - prev == 2 && prev_kind == GW_TOK_BIGRAM && k == GW_TOK_SEP))
                window_exact = 0;
            prev = p;
            prev_kind = k;
        }
    }
    n->verify = loose_sep || (n->window != 0 && !window_exact) || c.cut_word || n->nuni > 1 ||
                (n->nuni >= 1 && n->nphr >= 1);
    for (size_t i = 0; i < c.n; i++) free(c.v[i].term);
    free(c.v);
    free(c.kind);
    free(best);
    free(covered);
    return n->nphr + n->nuni > 0;
}

/* ---- lexer ----------------------------------------------------------------------------------- */

typedef enum { T_END, T_LP, T_RP, T_OR, T_TERM } tkind;

typedef struct tok {
    tkind kind;
    int neg;
    int field;         /* -1 none; GW_QF_*; 10 date; 11 year */
    int quoted;
    size_t s, e;       /* byte range of the value in the input */
    size_t rs, re;     /* byte range of the whole token (for degrading to text) */
} tok;

typedef struct lexer {
    const char *s;
    size_t len, i;
    gw_query *q;
} lexer;

static uint32_t peek(const lexer *L, size_t at, size_t *l)
{
    uint32_t c;
    if (at >= L->len) {
        *l = 0;
        return 0;
    }
    *l = gw_utf8_next(L->s + at, L->len - at, &c);
    return c;
}

static int field_of(const char *s, size_t n)
{
    static const struct { const char *name; int f; } f[] = {
        {"title", GW_QF_TITLE}, {"source", GW_QF_SOURCE}, {"docno", GW_QF_DOCNO},
        {"date", 10}, {"year", 11}};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (strlen(f[i].name) == n && !strncasecmp(f[i].name, s, n)) return f[i].f;
    return -1;
}

/* Reads a quoted value starting after the opening quote at L->i; sets t->s, t->e.
 * Returns 0 when there is no closing quote (then nothing is consumed). */
static uint32_t closing_quote(uint32_t open) { return open == 0x201C ? 0x201D : open; }

static int lex_quoted(lexer *L, tok *t, uint32_t open)
{
    size_t j = L->i, l;
    uint32_t close = closing_quote(open);
    while (j < L->len) {
        uint32_t c = peek(L, j, &l);
        if (c == close || (close == 0x201D && c == '"')) {
            t->s = L->i;
            t->e = j;
            L->i = j + l;
            t->quoted = 1;
            return 1;
        }
        j += l;
    }
    return 0;
}

static tok lex_next(lexer *L)
{
    tok t = {T_END, 0, -1, 0, 0, 0, 0, 0};
    size_t l;
    uint32_t c;
    for (;;) {
        c = peek(L, L->i, &l);
        if (!l) return t;
        if (!is_space_cp(c)) break;
        L->i += l;
    }
    t.rs = L->i;
    if (is_lparen(c)) {
        L->i += l;
        t.kind = T_LP;
        t.re = L->i;
        return t;
    }
    if (is_rparen(c)) {
        L->i += l;
        t.kind = T_RP;
        t.re = L->i;
        return t;
    }
    t.kind = T_TERM;
    if (is_minus(c)) {
        size_t l2;
        uint32_t d = peek(L, L->i + l, &l2);
        if (l2 && !is_space_cp(d) && !is_rparen(d)) {
            t.neg = 1;
            L->i += l;
            c = d;
            l = l2;
        }
    }
    if (is_quote_cp(c)) {
        L->i += l;
        if (lex_quoted(L, &t, c)) {
            t.re = L->i;
            return t;
        }
        note(L->q, "%s", "unbalanced quote: read as plain text");
        c = peek(L, L->i, &l);
        if (!l || is_space_cp(c)) { /* a lone quote: nothing else in this token */
            t.kind = T_TERM;
            t.s = t.e = L->i;
            t.re = L->i;
            return t;
        }
    }
    /* a bare word: up to space, parenthesis or quote */
    size_t start = L->i, colon = 0, has_colon = 0;
    while (L->i < L->len) {
        c = peek(L, L->i, &l);
        if (is_space_cp(c) || is_lparen(c) || is_rparen(c) || is_quote_cp(c)) break;
        if (is_colon(c) && !has_colon) {
            has_colon = 1;
            colon = L->i;
            /* field:"quoted value" */
            int f = field_of(L->s + start, colon - start);
            size_t l2;
            uint32_t d = peek(L, L->i + l, &l2);
            if (f >= 0 && l2 && is_quote_cp(d)) {
                size_t save = L->i;
                L->i += l + l2;
                tok qt = t;
                if (lex_quoted(L, &qt, d)) {
                    qt.field = f;
                    qt.re = L->i;
                    return qt;
                }
                L->i = save;
            }
        }
        L->i += l;
    }
    t.s = start;
    t.e = L->i;
    t.re = L->i;
    if (has_colon) {
        int f = field_of(L->s + start, colon - start);
        size_t cl;
        peek(L, colon, &cl);
        if (f >= 0 && colon + cl < t.e) {
            t.field = f;
            t.s = colon + cl;
        } else if (f >= 0) {
            note(L->q, "%s", "field without a value: read as plain text");
        }
    }
    if (!t.neg && t.field < 0 && !t.quoted &&
        ((t.e - t.s == 2 && !memcmp(L->s + t.s, "OR", 2)) ||
         (t.e - t.s == 1 && L->s[t.s] == '|')))
        t.kind = T_OR;
    return t;
}

/* ---- parser ----------------------------------------------------------------------------------- */

typedef struct parser {
    lexer L;
    tok cur;
    int have;
    gw_query *q;
} parser;

static tok *P_peek(parser *P)
{
    if (!P->have) {
        P->cur = lex_next(&P->L);
        P->have = 1;
    }
    return &P->cur;
}
static void P_take(parser *P) { P->have = 0; }

static void normalize_into(const char *s, size_t len, uint32_t **cp, size_t *ncp, char **utf8,
                           unsigned *fired)
{
    gw_norm_text t = {0};
    gw_norm_run(s, len, 0, &t);
    if (fired) *fired |= t.fired;
    *cp = gw_xmalloc((t.n + 1) * sizeof **cp);
    memcpy(*cp, t.cp, t.n * sizeof **cp);
    *ncp = t.n;
    if (utf8) {
        size_t l;
        *utf8 = gw_norm_to_utf8(&t, &l);
    }
    gw_norm_text_free(&t);
}

static char *cp_to_utf8(const uint32_t *cp, size_t n)
{
    gw_buf b = {0};
    for (size_t i = 0; i < n; i++) gw_buf_put_utf8(&b, cp[i]);
    return gw_buf_steal(&b, NULL);
}

static qnode *text_node(gw_query *q, const uint32_t *cp, size_t n, int field, int quoted,
                        const char *raw, size_t rawlen)
{
    qnode *t = node_new(N_TEXT);
    t->field = field;
    t->quoted = quoted;
    t->cp = gw_xmalloc((n + 1) * sizeof *t->cp);
    memcpy(t->cp, cp, n * sizeof *cp);
    t->ncp = n;
    t->norm = cp_to_utf8(cp, n);
    t->raw = gw_xstrndup(raw, rawlen);
    if (!text_terms(t)) {
        node_free(t);
        return NULL;
    }
    (void)q;
    return t;
}

/* A quoted phrase: the normalized text, blanks trimmed at both ends. */
static qnode *phrase_node(gw_query *q, const char *s, size_t len, int field)
{
    uint32_t *cp;
    size_t n;
    normalize_into(s, len, &cp, &n, NULL, &q->fired);
    size_t a = 0, b = n;
    while (a < b && is_space_cp(cp[a])) a++;
    while (b > a && is_space_cp(cp[b - 1])) b--;
    qnode *t = text_node(q, cp + a, b - a, field, 1, s, len);
    free(cp);
    return t;
}

/* Unquoted text: split at separators; Han runs cut into dictionary words, a Han word
 * touching a letter/digit run stays glued to it ("g20峰会" is one word). */
static qnode *words_node(gw_query *q, const char *s, size_t len, int field)
{
    uint32_t *cp;
    size_t n;
    normalize_into(s, len, &cp, &n, NULL, &q->fired);
    unsigned char *cut = gw_xcalloc(n + 1, 1);
    unsigned char *tmp = gw_xcalloc(n + 1, 1);
    /* word starts: after a separator; inside Han runs where friso says */
    for (size_t i = 0; i < n;) {
        if (is_sep_cp(cp[i])) {
            i++;
            continue;
        }
        if (i == 0 || is_sep_cp(cp[i - 1])) cut[i] = 1;
        if (gw_norm_is_han(cp[i])) {
            size_t j = i;
            while (j < n && gw_norm_is_han(cp[j])) j++;
            segment_han(cp + i, j - i, tmp);
            for (size_t k = i + 1; k < j; k++)
                if (tmp[k - i]) {
                    /* never split a Han word off the letters/digits it touches */
                    cut[k] = 1;
                    q->segmented = 1;
                }
            i = j;
        } else {
            i++;
        }
    }
    qnode *and = node_new(N_AND);
    and->chunk = 1;
    and->raw = gw_xstrndup(s, len);
    for (size_t i = 0; i < n;) {
        if (is_sep_cp(cp[i])) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && !is_sep_cp(cp[j]) && !cut[j]) j++;
        qnode *w = text_node(q, cp + i, j - i, field, 0, s, len);
        if (w) node_add(and, w);
        i = j;
    }
    free(cut);
    free(tmp);
    if (and->nk == 0) {
        node_free(and);
        free(cp);
        return NULL;
    }
    if (and->nk == 1) {
        qnode *w = and->k[0];
        and->nk = 0;
        node_free(and);
        free(cp);
        return w;
    }
    and->cp = cp;
    and->ncp = n;
    and->norm = cp_to_utf8(cp, n);
    return and;
}

/* date:/year: values. NULL when malformed (the caller degrades to text). */
static qnode *date_node(gw_query *q, const char *s, size_t len, int is_year)
{
    size_t nl;
    char *v = gw_norm_string(s, len, &nl);
    qnode *d = NULL;
    char *dots = strstr(v, "..");
    if (is_year && !dots && nl == 4 && strspn(v, "0123456789") == 4) {
        d = node_new(N_YEAR);
        memcpy(d->year, v, 5);
    } else {
        d = node_new(N_DATE);
        int ok = 1;
        if (dots) {
            size_t a = (size_t)(dots - v), b = nl - a - 2;
            if (a == 0 && b == 0) ok = 0;
            if (ok && a) ok = gw_date_parse(v, a, 0, d->lo) && (!is_year || a == 4);
            if (ok && b) ok = gw_date_parse(dots + 2, b, 1, d->hi) && (!is_year || b == 4);
        } else {
            ok = gw_date_parse(v, nl, 0, d->lo) && gw_date_parse(v, nl, 1, d->hi) && !is_year;
        }
        if (!ok) {
            node_free(d);
            d = NULL;
        }
    }
    free(v);
    (void)q;
    return d;
}

static qnode *parse_or(parser *P, int depth);

static qnode *term_node(parser *P, const tok *t)
{
    gw_query *q = P->q;
    const char *s = P->L.s;
    qnode *n = NULL;
    if (t->field == 10 || t->field == 11) {
        n = date_node(q, s + t->s, t->e - t->s, t->field == 11);
        if (!n) {
            note(q, "%s", "bad date/year value: read as plain text");
            n = words_node(q, s + t->rs, t->re - t->rs, GW_QF_BODY);
        }
    } else {
        int field = t->field < 0 ? GW_QF_BODY : t->field;
        if (t->quoted) n = phrase_node(q, s + t->s, t->e - t->s, field);
        else n = words_node(q, s + t->s, t->e - t->s, field);
    }
    if (n && t->neg) {
        qnode *x = node_new(N_NOT);
        node_add(x, n);
        n = x;
    }
    return n;
}

static qnode *parse_and(parser *P, int depth)
{
    qnode *and = node_new(N_AND);
    for (;;) {
        tok *t = P_peek(P);
        if (t->kind == T_END || t->kind == T_OR) break;
        if (t->kind == T_RP) {
            if (depth > 0) break;
            note(P->q, "%s", "unbalanced ')': ignored");
            P_take(P);
            continue;
        }
        if (t->kind == T_LP) {
            P_take(P);
            if (depth + 1 >= GW_QUERY_MAX_DEPTH) {
                if (depth + 1 == GW_QUERY_MAX_DEPTH) note(P->q, "%s", "nesting too deep: parentheses ignored");
                continue;
            }
            qnode *sub = parse_or(P, depth + 1);
            tok *e = P_peek(P);
            if (e->kind == T_RP) P_take(P);
            else note(P->q, "%s", "unbalanced '(': closed at the end");
            if (sub) node_add(and, sub);
            continue;
        }
        tok tt = *t;
        P_take(P);
        qnode *n = term_node(P, &tt);
        if (n) node_add(and, n);
    }
    if (and->nk == 0) {
        node_free(and);
        return NULL;
    }
    if (and->nk == 1) {
        qnode *c = and->k[0];
        and->nk = 0;
        node_free(and);
        return c;
    }
    return and;
}

static qnode *parse_or(parser *P, int depth)
{
    qnode *or = node_new(N_OR);
    int pending_or = 0;
    for (;;) {
        tok *t = P_peek(P);
        if (t->kind == T_END || (t->kind == T_RP && depth > 0)) break;
        if (t->kind == T_OR) {
            tok tt = *t;
            P_take(P);
            tok *nx = P_peek(P);
            if (or->nk == 0 || pending_or || nx->kind == T_END || nx->kind == T_OR ||
                (nx->kind == T_RP && depth > 0)) {
                /* dangling OR: it is the word "or" */
                note(P->q, "%s", "dangling OR: read as the word \"or\"");
                tt.kind = T_TERM;
                qnode *w = term_node(P, &tt);
                if (w) {
                    if (or->nk == 0) node_add(or, w);
                    else {
                        qnode *last = or->k[or->nk - 1];
                        if (last->kind != N_AND || last->chunk) {
                            qnode *a = node_new(N_AND);
                            node_add(a, last);
                            or->k[or->nk - 1] = a;
                            last = a;
                        }
                        node_add(last, w);
                    }
                }
                continue;
            }
            pending_or = 1;
            continue;
        }
        qnode *a = parse_and(P, depth);
        if (!a) {
            /* a stray ')' at top level is consumed by parse_and; anything else ends */
            if (P_peek(P)->kind == T_OR) continue;
            break;
        }
        if (or->nk > 0 && !pending_or) {
            qnode *last = or->k[or->nk - 1];
            if (last->kind != N_AND || last->chunk) {
                qnode *x = node_new(N_AND);
                node_add(x, last);
                or->k[or->nk - 1] = x;
                last = x;
            }
            node_add(last, a);
        } else {
            node_add(or, a);
        }
        pending_or = 0;
    }
    if (or->nk == 0) {
        node_free(or);
        return NULL;
    }
    if (or->nk == 1) {
        qnode *c = or->k[0];
        or->nk = 0;
        node_free(or);
        return c;
    }
    return or;
}

/* ---- patterns and verification -------------------------------------------------------------- */

static void collect_patterns(gw_query *q, qnode *n, int neg)
{
    if (n->kind == N_NOT) {
        for (size_t i = 0; i < n->nk; i++) collect_patterns(q, n->k[i], !neg);
        return;
    }
    if (n->kind == N_TEXT) {
        if (n->verify) q->verify = 1;
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
    for (size_t i = 0; i < n->nk; i++) collect_patterns(q, n->k[i], neg);
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

static int in_text(const qnode *n, const gw_norm_text *t)
{
    return t && gw_query_find(n->cp, n->ncp, t->cp, t->n, 0) != (size_t)-1;
}

static int eval(const qnode *n, const gw_query_doc *d)
{
    switch (n->kind) {
    case N_AND:
        for (size_t i = 0; i < n->nk; i++)
            if (!eval(n->k[i], d)) return 0;
        return 1;
    case N_OR:
        for (size_t i = 0; i < n->nk; i++)
            if (eval(n->k[i], d)) return 1;
        return 0;
    case N_NOT:
        return !eval(n->k[0], d);
    case N_TEXT:
        switch (n->field) {
        case GW_QF_TITLE: return in_text(n, d->title);
        case GW_QF_SOURCE: return in_text(n, d->source);
        case GW_QF_DOCNO: return in_text(n, d->docno);
        default: return in_text(n, d->body) || in_text(n, d->title);
        }
    case N_DATE: {
        const char *dt = d->date ? d->date : "";
        if (strlen(dt) != 8) return 0;
        if (n->lo[0] && strcmp(dt, n->lo) < 0) return 0;
        if (n->hi[0] && strcmp(dt, n->hi) > 0) return 0;
        return 1;
    }
    case N_YEAR:
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

const char *gw_query_normalized(const gw_query *q) { return q->norm; }

/* ---- parse entry point ------------------------------------------------------------------------ */

gw_query *gw_query_parse(const char *s, size_t len, size_t max_bytes, gw_err *err)
{
    if (!max_bytes) max_bytes = GW_QUERY_MAX_BYTES_DEFAULT;
    if (!s) len = 0;
    if (len > max_bytes)
        return gw_err_set(err, GW_EINVAL, "query too long (%zu bytes, limit %zu)", len,
                          max_bytes),
               NULL;
    int r = gw_norm_init(err);
    if (r) return NULL;
    gw_query *q = gw_xcalloc(1, sizeof *q);
    /* repair invalid UTF-8 and NULs first: everything below assumes clean text */
    gw_buf clean = {0};
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t l = gw_utf8_next(s + i, len - i, &c);
        if (c == 0) gw_buf_putc(&clean, ' ');
        else if (c == 0xFFFD) gw_buf_put_utf8(&clean, 0xFFFD);
        else gw_buf_append(&clean, s + i, l);
        i += l;
    }
    q->input = gw_buf_steal(&clean, NULL);
    size_t slen;
    char *stripped = gw_query_strip_pinyin(q->input, strlen(q->input), &slen, &q->pinyin);
    size_t nl;
    q->norm = gw_norm_string(stripped, slen, &nl);
    parser P = {{stripped, slen, 0, q}, {T_END, 0, -1, 0, 0, 0, 0, 0}, 0, q};
    q->root = parse_or(&P, 0);
    /* anything left (a stray ')' at the top ends parse_or early) */
    while (P_peek(&P)->kind != T_END) {
        if (P.cur.kind == T_RP) {
            note(q, "%s", "unbalanced ')': ignored");
            P_take(&P);
        }
        qnode *more = parse_or(&P, 0);
        if (more) {
            if (!q->root) q->root = more;
            else {
                qnode *a = node_new(N_AND);
                node_add(a, q->root);
                node_add(a, more);
                q->root = a;
            }
        }
    }
    free(stripped);
    if (!q->root) {
        gw_query_free(q);
        gw_err_set(err, GW_EINVAL, "empty query (nothing searchable in it)");
        return NULL;
    }
    collect_patterns(q, q->root, 0);
    return q;
}

void gw_query_free(gw_query *q)
{
    if (!q) return;
    node_free(q->root);
    free(q->input);
    free(q->norm);
    gw_buf_free(&q->notes);
    free(q->pats);
    free(q->plens);
    free(q->pfields);
    free(q->pnodes);
    free(q);
}

/* ---- building the Xapian query ------------------------------------------------------------- */

static const char *field_prefix(int f)
{
    switch (f) {
    case GW_QF_TITLE: return GW_PREFIX_TITLE;
    case GW_QF_SOURCE: return GW_PREFIX_SOURCE;
    case GW_QF_DOCNO: return GW_PREFIX_DOCNO;
    default: return "";
    }
}

/* The (superset) query of one TEXT node's terms, with prefix; positions = 0: the same
 * terms ANDed, which Xapian weighs exactly as the phrase (a phrase's weight is the sum
 * of its terms'), for ranking documents already known to match. */
static gw_xquery *text_query_pos(const qnode *n, const char *prefix, int positions)
{
    size_t pl = strlen(prefix), nt = n->nphr;
    gw_xquery **subs = gw_xcalloc(n->nuni + nt + 2, sizeof *subs);
    size_t ns = 0;
    if (nt) {
        char **terms = gw_xcalloc(nt, sizeof *terms);
        size_t *lens = gw_xcalloc(nt, sizeof *lens);
        for (size_t i = 0; i < nt; i++) {
            terms[i] = gw_xmalloc(pl + n->phr[i].len + 1);
            memcpy(terms[i], prefix, pl);
            memcpy(terms[i] + pl, n->phr[i].term, n->phr[i].len + 1);
            lens[i] = pl + n->phr[i].len;
        }
        if (positions || nt == 1) {
            subs[ns++] = gw_xquery_phrase((const char *const *)terms, lens, nt, n->window);
        } else {
            for (size_t i = 0; i < nt; i++) subs[ns++] = gw_xquery_term(terms[i], lens[i], 1);
        }
        for (size_t i = 0; i < nt; i++) free(terms[i]);
        free(terms);
        free(lens);
    }
    for (size_t i = 0; i < n->nuni; i++) {
        char *t = gw_xmalloc(pl + n->uni[i].len + 1);
        memcpy(t, prefix, pl);
        memcpy(t + pl, n->uni[i].term, n->uni[i].len + 1);
        subs[ns++] = gw_xquery_term(t, pl + n->uni[i].len, 1);
        free(t);
    }
    gw_xquery *r = ns == 1 ? subs[0] : gw_xquery_combine(GW_OP_AND, subs, ns, 0);
    if (ns != 1)
        for (size_t i = 0; i < ns; i++) gw_xquery_free(subs[i]);
    free(subs);
    return r;
}

static gw_xquery *text_query(const qnode *n, const char *prefix)
{
    return text_query_pos(n, prefix, 1);
}

/* ---- the cheapest exact form of a phrase, for counting ---------------------------------- */

/* A phrase of m Han characters is the chain of its m-1 bigrams at consecutive positions;
 * Xapian checks the positions of every one of them in every candidate, which is most of
 * the cost of counting facets over thousands of matches. Every second bigram (counted
 * from the rarest one, plus the ends) already covers every character: AB@0 CD@2 DE@3 for
 * ABCDE. Xapian cannot say "at
 * offsets 0, 2, 3", only "in order within a window of 4" — which also admits other
 * arrangements (AB@0 CD@1 needs B = C). The cover is used only when no other arrangement
 * is possible for these characters: then it matches exactly the same documents. */
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

/* The cover of n's phrase: indices into n->phr (k of them), or 0 when the whole chain must
 * be used (not a pure Han run, too long, too short to gain, or not provably exact). It
 * always keeps the rarest bigram (by document frequency in db, with the term prefix):
 * dropping it would let many more candidates through the AND before the position check,
 * which costs more than the position lists it saves (measured: rare phrases twice as
 * slow). */
static size_t phrase_cover(const qnode *n, const char *prefix, gw_db *db, size_t *idx)
{
    size_t m = n->ncp;
    if (m < 4 || m > COVER_MAX_CHARS || n->window || n->nuni || n->verify || n->nphr != m - 1)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (!gw_norm_is_han(n->cp[i]) || n->cp[i] == 0) return 0;
    for (size_t i = 1; i < n->nphr; i++)
        if (n->phr[i].pos != n->phr[0].pos + i) return 0;
    /* the rarest bigram r, then every second bigram away from it, then the ends */
    size_t r = 0;
    if (db) {
        unsigned best = 0;
        size_t pl = strlen(prefix);
        char t[256];
        for (size_t i = 0; i < n->nphr; i++) {
            if (pl + n->phr[i].len >= sizeof t) return 0;
            memcpy(t, prefix, pl);
            memcpy(t + pl, n->phr[i].term, n->phr[i].len);
            gw_err e;
            unsigned f = gw_db_term_freq(db, t, pl + n->phr[i].len, &e);
            if (e.code != GW_OK) return 0;
            if (i == 0 || f < best) {
                best = f;
                r = i;
            }
        }
    }
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
    if (k >= n->nphr) return 0;
    size_t q[COVER_MAX_CHARS];
    uint32_t doc[COVER_MAX_CHARS + 1];
    memset(doc, 0, sizeof doc);
    if (cover_alt(n->cp, m, st, k, q, 0, doc, 0)) return 0;
    memcpy(idx, st, k * sizeof *idx);
    return k;
}

/* The ordered phrase of n's bigrams idx[0..k) (a cover from phrase_cover) within their
 * span. */
static gw_xquery *cover_query(const qnode *n, const char *prefix, const size_t *idx, size_t k)
{
    size_t pl = strlen(prefix);
    char **terms = gw_xcalloc(k, sizeof *terms);
    size_t *lens = gw_xcalloc(k, sizeof *lens);
    for (size_t i = 0; i < k; i++) {
        const qterm *t = &n->phr[idx[i]];
        terms[i] = gw_xmalloc(pl + t->len + 1);
        memcpy(terms[i], prefix, pl);
        memcpy(terms[i] + pl, t->term, t->len + 1);
        lens[i] = pl + t->len;
    }
    gw_xquery *r = gw_xquery_phrase((const char *const *)terms, lens, k,
                                    (unsigned)(idx[k - 1] - idx[0] + 1));
    for (size_t i = 0; i < k; i++) free(terms[i]);
    free(terms);
    free(lens);
    return r;
}

/* Matches exactly what text_query(n, prefix) matches (n without verify), without weights,
 * as cheaply as possible. */
static gw_xquery *text_query_bool(const qnode *n, const char *prefix, gw_db *db)
{
    size_t idx[COVER_MAX_CHARS], k = phrase_cover(n, prefix, db, idx);
    return k ? cover_query(n, prefix, idx, k) : text_query(n, prefix);
}

static gw_xquery *combine_free(int op, gw_xquery **v, size_t n, unsigned window)
{
    if (n == 1 && op != GW_OP_NEAR) return v[0];
    gw_xquery *r = gw_xquery_combine(op, v, n, window);
    for (size_t i = 0; i < n; i++) gw_xquery_free(v[i]);
    return r;
}

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
static gw_xquery *build(const qnode *n, int neg, int cheap, gw_db *db)
{
    switch (n->kind) {
    case N_TEXT: {
        if (neg && n->verify) return NULL;
        if (cheap == B_BOOL) return text_query_bool(n, field_prefix(n->field), db);
        gw_xquery *body = NULL;
        if (cheap == B_RANKED && db) {
            /* the weights of the whole chain (an AND of its terms weighs what the phrase
             * does), the matching by its cover (fewer position lists, same documents) */
            size_t idx[COVER_MAX_CHARS], k = phrase_cover(n, field_prefix(n->field), db, idx);
            if (k) {
                gw_xquery *w = text_query_pos(n, field_prefix(n->field), 0);
                gw_xquery *m = cover_query(n, field_prefix(n->field), idx, k);
                gw_xquery *m0 = gw_xquery_scale(m, 0);
                gw_xquery_free(m);
                gw_xquery *v[2] = {w, m0};
                body = combine_free(GW_OP_AND, v, 2, 0);
            }
        }
        if (!body) body = text_query_pos(n, field_prefix(n->field), cheap != B_INSET);
        if (n->field != GW_QF_BODY || neg) return body;
        /* title boost: the same phrase in the title adds weight */
        gw_xquery *title = text_query(n, GW_PREFIX_TITLE);
        gw_xquery *scaled = gw_xquery_scale(title, 0.5);
        gw_xquery_free(title);
        gw_xquery *v[2] = {body, scaled};
        return combine_free(GW_OP_AND_MAYBE, v, 2, 0);
    }
    case N_DATE:
        if (cheap == B_INSET) return gw_xquery_all();
        return gw_xquery_value_range(GW_SLOT_DATE, n->lo[0] ? n->lo : NULL,
                                     n->hi[0] ? n->hi : NULL);
    case N_YEAR: {
        if (cheap == B_INSET) return gw_xquery_all();
        char t[8];
        int l = snprintf(t, sizeof t, "%s%s", GW_PREFIX_YEAR, n->year);
        return gw_xquery_term(t, (size_t)l, 0);
    }
    case N_NOT: {
        if (cheap == B_INSET) return gw_xquery_all();
        /* a NOT standing alone: everything except it */
        gw_xquery *x = build(n->k[0], !neg, cheap, db);
        gw_xquery *all = gw_xquery_all();
        if (!x) return all;
        gw_xquery *v[2] = {all, x};
        return combine_free(GW_OP_AND_NOT, v, 2, 0);
    }
    case N_OR: {
        gw_xquery **v = gw_xcalloc(n->nk, sizeof *v);
        size_t m = 0;
        for (size_t i = 0; i < n->nk; i++) {
            gw_xquery *x = build(n->k[i], neg, cheap == B_INSET ? B_RANKED : cheap, db);
            if (x) v[m++] = x;
        }
        gw_xquery *r = m ? combine_free(GW_OP_OR, v, m, 0) : NULL;
        free(v);
        return r;
    }
    case N_AND: {
        gw_xquery **pos = gw_xcalloc(n->nk + 1, sizeof *pos);
        gw_xquery **flt = gw_xcalloc(n->nk + 1, sizeof *flt);
        gw_xquery **nots = gw_xcalloc(n->nk + 1, sizeof *nots);
        size_t np = 0, nf = 0, nn = 0;
        int empty = 0;
        for (size_t i = 0; i < n->nk; i++) {
            const qnode *c = n->k[i];
            if (c->kind == N_NOT) {
                if (cheap == B_INSET) continue;
                gw_xquery *x = build(c->k[0], !neg, cheap, db);
                if (x) nots[nn++] = x;
                else if (!neg) continue; /* excluding nothing */
                else continue;
            } else if (c->kind == N_DATE || c->kind == N_YEAR) {
                if (cheap == B_INSET) continue;
                flt[nf++] = build(c, neg, cheap, db);
            } else {
                gw_xquery *x = build(c, neg, cheap, db);
                if (x) pos[np++] = x;
                else empty = 1;
            }
        }
        gw_xquery *r = NULL;
        if (!empty) {
            r = np ? combine_free(GW_OP_AND, pos, np, 0) : gw_xquery_all();
            np = 0;
            /* nearness of the words of one unquoted run: the whole run as a phrase, and
             * the words' first terms near each other */
            if (n->chunk && !neg && cheap != B_BOOL) {
                gw_xquery *boost[2];
                size_t nb = 0;
                qnode whole = {0};
                whole.kind = N_TEXT;
                whole.cp = n->cp;
                whole.ncp = n->ncp;
                if (text_terms(&whole) && whole.nphr > 1) boost[nb++] = text_query(&whole, "");
                for (size_t i = 0; i < whole.nphr; i++) free(whole.phr[i].term);
                for (size_t i = 0; i < whole.nuni; i++) free(whole.uni[i].term);
                free(whole.phr);
                free(whole.uni);
                gw_xquery **near = gw_xcalloc(n->nk, sizeof *near);
                size_t nnear = 0;
                for (size_t i = 0; i < n->nk; i++)
                    if (n->k[i]->kind == N_TEXT && n->k[i]->nphr)
                        near[nnear++] = gw_xquery_term(n->k[i]->phr[0].term, n->k[i]->phr[0].len, 1);
                if (nnear > 1) boost[nb++] = combine_free(GW_OP_NEAR, near, nnear, (unsigned)n->ncp + 8);
                else
                    for (size_t i = 0; i < nnear; i++) gw_xquery_free(near[i]);
                free(near);
                if (nb) {
                    gw_xquery *v[3] = {r, boost[0], nb > 1 ? boost[1] : NULL};
                    r = combine_free(GW_OP_AND_MAYBE, v, 1 + nb, 0);
                }
            }
            if (nf) {
                gw_xquery **v = gw_xcalloc(nf + 1, sizeof *v);
                v[0] = r;
                memcpy(v + 1, flt, nf * sizeof *v);
                r = combine_free(GW_OP_FILTER, v, nf + 1, 0);
                free(v);
                nf = 0;
            }
            if (nn) {
                gw_xquery **v = gw_xcalloc(nn + 1, sizeof *v);
                v[0] = r;
                memcpy(v + 1, nots, nn * sizeof *v);
                r = combine_free(GW_OP_AND_NOT, v, nn + 1, 0);
                free(v);
                nn = 0;
            }
        }
        for (size_t i = 0; i < np; i++) gw_xquery_free(pos[i]);
        for (size_t i = 0; i < nf; i++) gw_xquery_free(flt[i]);
        for (size_t i = 0; i < nn; i++) gw_xquery_free(nots[i]);
        free(pos);
        free(flt);
        free(nots);
        return r;
    }
    }
    return NULL;
}

gw_xquery *gw_query_part_query(const gw_query *q, size_t i)
{
    if (i >= q->np) return gw_xquery_none();
    return text_query(q->pnodes[i], field_prefix(q->pnodes[i]->field));
}

gw_xquery *gw_query_build(const gw_query *q)
{
    gw_xquery *x = q->root ? build(q->root, 0, B_RANKED, NULL) : NULL;
    return x ? x : gw_xquery_all();
}

gw_xquery *gw_query_build_ranked(const gw_query *q, gw_db *db)
{
    gw_xquery *x = q->root ? build(q->root, 0, B_RANKED, db) : NULL;
    return x ? x : gw_xquery_all();
}

gw_xquery *gw_query_build_bool(const gw_query *q, gw_db *db)
{
    gw_xquery *x = q->root ? build(q->root, 0, B_BOOL, db) : NULL;
    return x ? x : gw_xquery_all();
}

gw_xquery *gw_query_build_inset(const gw_query *q)
{
    gw_xquery *x = q->root ? build(q->root, 0, B_INSET, NULL) : NULL;
    return x ? x : gw_xquery_all();
}

/* 1 when the ranked query reads positions: a phrase of more than one term, or the
 * nearness boosts of an unquoted run of several words. */
static int node_positional(const qnode *n)
{
    if (n->kind == N_TEXT) return n->nphr > 1;
    if (n->kind == N_AND && n->chunk) return 1;
    for (size_t i = 0; i < n->nk; i++)
        if (node_positional(n->k[i])) return 1;
    return 0;
}

int gw_query_is_positional(const gw_query *q)
{
    return q->root && node_positional(q->root);
}

/* ---- explanation ----------------------------------------------------------------------------- */

static const char *field_name(int f)
{
    switch (f) {
    case GW_QF_TITLE: return "title";
    case GW_QF_SOURCE: return "source";
    case GW_QF_DOCNO: return "docno";
    default: return "text";
    }
}

static void explain_terms(gw_buf *b, const qnode *n)
{
    gw_buf_puts(b, "[");
    for (size_t i = 0; i < n->nphr; i++) {
        if (i) gw_buf_puts(b, " ");
        gw_buf_append(b, n->phr[i].term, n->phr[i].len);
        if (n->window) gw_buf_printf(b, "@%u", n->phr[i].pos - n->phr[0].pos);
    }
    for (size_t i = 0; i < n->nuni; i++) {
        if (i || n->nphr) gw_buf_puts(b, " ");
        gw_buf_append(b, n->uni[i].term, n->uni[i].len);
    }
    gw_buf_puts(b, "]");
}

static void explain_node(gw_buf *b, const qnode *n, int depth)
{
    for (int i = 0; i < depth; i++) gw_buf_puts(b, "  ");
    switch (n->kind) {
    case N_AND:
        if (n->chunk) gw_buf_printf(b, "ALL WORDS of \"%s\" (nearness rewarded)\n", n->norm);
        else gw_buf_puts(b, "ALL OF\n");
        break;
    case N_OR: gw_buf_puts(b, "ANY OF\n"); break;
    case N_NOT: gw_buf_puts(b, "NOT\n"); break;
    case N_TEXT:
        gw_buf_printf(b, "%s \"%s\" in %s ", n->quoted ? "phrase" : "word", n->norm,
                      field_name(n->field));
        explain_terms(b, n);
        if (n->verify) gw_buf_puts(b, " (checked against the text: contains punctuation or spaces)");
        gw_buf_puts(b, "\n");
        break;
    case N_DATE:
        gw_buf_printf(b, "filter date %s..%s\n", n->lo[0] ? n->lo : "", n->hi[0] ? n->hi : "");
        break;
    case N_YEAR: gw_buf_printf(b, "filter year %s\n", n->year); break;
    }
    for (size_t i = 0; i < n->nk; i++) explain_node(b, n->k[i], depth + 1);
}

static void fired_list(const gw_query *q, gw_buf *b, json_t *arr)
{
    static const struct { unsigned bit; const char *name; } f[] = {
        {GW_NORM_T2S, "T2S"}, {GW_NORM_WIDTH, "width"}, {GW_NORM_CASE, "case"}};
    int first = 1;
    for (size_t i = 0; i < 3; i++)
        if (q->fired & f[i].bit) {
            if (b) gw_buf_printf(b, "%s%s", first ? "" : ", ", f[i].name);
            if (arr) json_array_append_new(arr, json_string(f[i].name));
            first = 0;
        }
    if (q->pinyin) {
        if (b) gw_buf_printf(b, "%spinyin (%zu removed)", first ? "" : ", ", q->pinyin);
        if (arr) json_array_append_new(arr, json_string("pinyin"));
        first = 0;
    }
    if (first && b) gw_buf_puts(b, "none");
}

char *gw_query_explain(const gw_query *q, const gw_xquery *xq)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "query:          %s\n", q->input);
    gw_buf_printf(&b, "normalized:     %s\n", q->norm);
    gw_buf_puts(&b, "normalizations: ");
    fired_list(q, &b, NULL);
    gw_buf_puts(&b, "\n");
    gw_buf_printf(&b, "segmentation:   %s\n",
                  q->segmented ? "dictionary words (friso)" : "none needed");
    gw_buf_puts(&b, "understood as:\n");
    if (q->root) explain_node(&b, q->root, 1);
    if (q->nnotes) gw_buf_printf(&b, "notes:\n  %s\n", q->notes.data);
    if (xq) {
        char *d = gw_xquery_describe(xq);
        gw_buf_printf(&b, "xapian:         %s\n", d);
        free(d);
    }
    return gw_buf_steal(&b, NULL);
}

static json_t *node_json(const qnode *n)
{
    json_t *o = json_object();
    switch (n->kind) {
    case N_AND: json_object_set_new(o, "op", json_string(n->chunk ? "words" : "and")); break;
    case N_OR: json_object_set_new(o, "op", json_string("or")); break;
    case N_NOT: json_object_set_new(o, "op", json_string("not")); break;
    case N_TEXT: {
        json_object_set_new(o, "op", json_string(n->quoted ? "phrase" : "word"));
        json_object_set_new(o, "field", json_string(field_name(n->field)));
        json_object_set_new(o, "text", json_string(n->norm));
        json_t *t = json_array();
        for (size_t i = 0; i < n->nphr; i++)
            json_array_append_new(t, json_stringn(n->phr[i].term, n->phr[i].len));
        json_object_set_new(o, "terms", t);
        json_t *u = json_array();
        for (size_t i = 0; i < n->nuni; i++)
            json_array_append_new(u, json_stringn(n->uni[i].term, n->uni[i].len));
        json_object_set_new(o, "unigrams", u);
        json_object_set_new(o, "window", json_integer(n->window));
        json_object_set_new(o, "verify", json_boolean(n->verify));
        break;
    }
    case N_DATE:
        json_object_set_new(o, "op", json_string("date"));
        json_object_set_new(o, "from", json_string(n->lo));
        json_object_set_new(o, "to", json_string(n->hi));
        break;
    case N_YEAR:
        json_object_set_new(o, "op", json_string("year"));
        json_object_set_new(o, "year", json_string(n->year));
        break;
    }
    if (n->chunk) json_object_set_new(o, "text", json_string(n->norm));
    if (n->nk) {
        json_t *a = json_array();
        for (size_t i = 0; i < n->nk; i++) json_array_append_new(a, node_json(n->k[i]));
        json_object_set_new(o, "args", a);
    }
    return o;
}

json_t *gw_query_explain_object(const gw_query *q, const gw_xquery *xq)
{
    json_t *o = json_object();
    json_object_set_new(o, "input", json_string(q->input));
    json_object_set_new(o, "normalized", json_string(q->norm));
    json_t *f = json_array();
    fired_list(q, NULL, f);
    json_object_set_new(o, "normalizations", f);
    json_object_set_new(o, "pinyin_removed", json_integer((json_int_t)q->pinyin));
    json_object_set_new(o, "segmented", json_boolean(q->segmented));
    json_object_set_new(o, "verify", json_boolean(q->verify));
    json_object_set_new(o, "tree", q->root ? node_json(q->root) : json_null());
    json_t *notes = json_array();
    if (q->nnotes) {
        const char *s = q->notes.data;
        while (*s) {
            const char *e = strchr(s, '\n');
            size_t l = e ? (size_t)(e - s) : strlen(s);
            json_array_append_new(notes, json_stringn(s, l));
            s += l + (e ? 1 : 0);
        }
    }
    json_object_set_new(o, "notes", notes);
    json_t *w = json_array();
    for (size_t i = 0; i < q->np; i++) {
        char *u = cp_to_utf8(q->pats[i], q->plens[i]);
        json_array_append_new(w, json_string(u));
        free(u);
    }
    json_object_set_new(o, "highlight", w);
    if (xq) {
        char *d = gw_xquery_describe(xq);
        json_object_set_new(o, "xapian", json_string(d));
        free(d);
    }
    return o;
}

char *gw_query_explain_json(const gw_query *q, const gw_xquery *xq)
{
    json_t *o = gw_query_explain_object(q, xq);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s ? s : gw_xstrdup("{}");
}
