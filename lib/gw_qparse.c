/* gw_qparse.c: lexer and grammar of the query language -> the parsed tree.
 * See gw_qparse.h; docs/query-syntax.md is the user's view. */
#include "gw_qparse.h"

#include "gw_date.h"
#include "gw_norm.h"
#include "gw_segment.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the tree ------------------------------------------------------------------------------ */

static gw_qnode *node_new(gw_qkind k)
{
    gw_qnode *n = gw_xcalloc(1, sizeof *n);
    n->kind = k;
    return n;
}

static void node_add(gw_qnode *p, gw_qnode *c)
{
    if (p->nk == p->capk) {
        p->capk = p->capk ? 2 * p->capk : 4;
        p->k = gw_xrealloc(p->k, p->capk * sizeof *p->k);
    }
    p->k[p->nk++] = c;
}

void gw_qparse_free(gw_qnode *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nk; i++) gw_qparse_free(n->k[i]);
    free(n->k);
    free(n->raw);
    free(n->cp);
    free(n->norm);
    gw_qterms_free(&n->t);
    free(n);
}

/* An AND or OR node as its final form: NULL without children (n is freed), its only child
 * alone (n is freed), else n. */
static gw_qnode *node_collapse(gw_qnode *n)
{
    if (n->nk > 1) return n;
    gw_qnode *c = n->nk ? n->k[0] : NULL;
    n->nk = 0;
    gw_qparse_free(n);
    return c;
}

/* ANDs x to the last alternative of `or` (which becomes an AND of its own unless it is
 * already a plain one: an unquoted run's AND stays whole). */
static void or_and_last(gw_qnode *or, gw_qnode *x)
{
    gw_qnode *last = or->k[or->nk - 1];
    if (last->kind != GW_QN_AND || last->chunk) {
        gw_qnode *a = node_new(GW_QN_AND);
        node_add(a, last);
        or->k[or->nk - 1] = a;
        last = a;
    }
    node_add(last, x);
}

static void note(gw_query *q, const char *msg)
{
    if (q->nnotes++) gw_buf_puts(&q->notes, "\n");
    gw_buf_puts(&q->notes, msg);
}

/* ---- character classes --------------------------------------------------------------------- */

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

/* ---- lexer ---------------------------------------------------------------------------------- */

typedef enum { T_END, T_LP, T_RP, T_OR, T_TERM } tkind;

/* Field codes of a token beyond enum gw_qfield: the filters. */
enum { F_NONE = -1, F_DATE = 10, F_YEAR = 11 };

typedef struct tok {
    tkind kind;
    int neg;
    int field;         /* F_NONE, GW_QF_*, F_DATE or F_YEAR */
    int quoted;
    size_t s, e;       /* byte range of the value in the input */
    size_t rs, re;     /* byte range of the whole token (for degrading to text) */
} tok;

#define TOK_NONE {T_END, 0, F_NONE, 0, 0, 0, 0, 0}

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
        {"date", F_DATE}, {"year", F_YEAR}};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (strlen(f[i].name) == n && !strncasecmp(f[i].name, s, n)) return f[i].f;
    return F_NONE;
}

static uint32_t closing_quote(uint32_t open) { return open == 0x201C ? 0x201D : open; }

/* Reads a quoted value starting after the opening quote at L->i; sets t->s, t->e.
 * Returns 0 when there is no closing quote (then nothing is consumed). */
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

/* A bare word from L->i: up to space, parenthesis or quote; "field:value" and
 * field:"quoted value" set the field. */
static tok lex_word(lexer *L, tok t)
{
    size_t start = L->i, colon = 0, has_colon = 0, l;
    while (L->i < L->len) {
        uint32_t c = peek(L, L->i, &l);
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
            note(L->q, "field without a value: read as plain text");
        }
    }
    if (!t.neg && t.field < 0 && !t.quoted &&
        ((t.e - t.s == 2 && !memcmp(L->s + t.s, "OR", 2)) ||
         (t.e - t.s == 1 && L->s[t.s] == '|')))
        t.kind = T_OR;
    return t;
}

static tok lex_next(lexer *L)
{
    tok t = TOK_NONE;
    size_t l;
    uint32_t c;
    for (;;) {
        c = peek(L, L->i, &l);
        if (!l) return t;
        if (!is_space_cp(c)) break;
        L->i += l;
    }
    t.rs = L->i;
    if (is_lparen(c) || is_rparen(c)) {
        L->i += l;
        t.kind = is_lparen(c) ? T_LP : T_RP;
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
        note(L->q, "unbalanced quote: read as plain text");
        c = peek(L, L->i, &l);
        if (!l || is_space_cp(c)) { /* a lone quote: nothing else in this token */
            t.s = t.e = L->i;
            t.re = L->i;
            return t;
        }
    }
    return lex_word(L, t);
}

/* ---- nodes of text and filters ---------------------------------------------------------------- */

/* The normalized code points of s[0..len) (*n of them, malloc'ed); the normalizations
 * that fired join the query's. */
static uint32_t *normalize(gw_query *q, const char *s, size_t len, size_t *n)
{
    gw_norm_text t = {0};
    gw_norm_run(s, len, 0, &t);
    q->fired |= t.fired;
    uint32_t *cp = gw_xmalloc((t.n + 1) * sizeof *cp);
    memcpy(cp, t.cp, t.n * sizeof *cp);
    *n = t.n;
    gw_norm_text_free(&t);
    return cp;
}

static char *cp_to_utf8(const uint32_t *cp, size_t n)
{
    gw_buf b = {0};
    for (size_t i = 0; i < n; i++) gw_buf_put_utf8(&b, cp[i]);
    return gw_buf_steal(&b, NULL);
}

/* A TEXT node of cp[0..n) (copied), or NULL when it holds nothing searchable. */
static gw_qnode *text_node(const uint32_t *cp, size_t n, int field, int quoted, const char *raw,
                           size_t rawlen)
{
    gw_qnode *t = node_new(GW_QN_TEXT);
    t->field = field;
    t->quoted = quoted;
    t->cp = gw_xmalloc((n + 1) * sizeof *t->cp);
    memcpy(t->cp, cp, n * sizeof *cp);
    t->ncp = n;
    t->norm = cp_to_utf8(cp, n);
    t->raw = gw_xstrndup(raw, rawlen);
    if (!gw_qterms_expand(t->cp, t->ncp, &t->t)) {
        gw_qparse_free(t);
        return NULL;
    }
    return t;
}

/* A quoted phrase: the normalized text, blanks trimmed at both ends. */
static gw_qnode *phrase_node(gw_query *q, const char *s, size_t len, int field)
{
    size_t n;
    uint32_t *cp = normalize(q, s, len, &n);
    size_t a = 0, b = n;
    while (a < b && is_space_cp(cp[a])) a++;
    while (b > a && is_space_cp(cp[b - 1])) b--;
    gw_qnode *t = text_node(cp + a, b - a, field, 1, s, len);
    free(cp);
    return t;
}

/* Word starts of cp[0..n) into cut[]: after a separator, and inside Han runs where the
 * dictionary says (a Han word touching a letter/digit run stays glued to it: "g20峰会"
 * is one word). */
static void word_starts(gw_query *q, const uint32_t *cp, size_t n, unsigned char *cut)
{
    unsigned char *tmp = gw_xcalloc(n + 1, 1);
    for (size_t i = 0; i < n;) {
        if (is_sep_cp(cp[i])) {
            i++;
            continue;
        }
        if (i == 0 || is_sep_cp(cp[i - 1])) cut[i] = 1;
        if (gw_norm_is_han(cp[i])) {
            size_t j = i;
            while (j < n && gw_norm_is_han(cp[j])) j++;
            gw_segment_han(cp + i, j - i, tmp);
            for (size_t k = i + 1; k < j; k++)
                if (tmp[k - i]) {
                    cut[k] = 1;
                    q->segmented = 1;
                }
            i = j;
        } else {
            i++;
        }
    }
    free(tmp);
}

/* Unquoted text: its words (word_starts), each a TEXT node; several form an AND chunk. */
static gw_qnode *words_node(gw_query *q, const char *s, size_t len, int field)
{
    size_t n;
    uint32_t *cp = normalize(q, s, len, &n);
    unsigned char *cut = gw_xcalloc(n + 1, 1);
    word_starts(q, cp, n, cut);
    gw_qnode *and = node_new(GW_QN_AND);
    and->chunk = 1;
    and->raw = gw_xstrndup(s, len);
    for (size_t i = 0; i < n;) {
        if (is_sep_cp(cp[i])) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && !is_sep_cp(cp[j]) && !cut[j]) j++;
        gw_qnode *w = text_node(cp + i, j - i, field, 0, s, len);
        if (w) node_add(and, w);
        i = j;
    }
    free(cut);
    if (and->nk > 1) {
        and->cp = cp;
        and->ncp = n;
        and->norm = cp_to_utf8(cp, n);
        return and;
    }
    free(cp);
    return node_collapse(and);
}

/* date:/year: values. NULL when malformed (the caller degrades to text). */
static gw_qnode *date_node(const char *s, size_t len, int is_year)
{
    size_t nl;
    char *v = gw_norm_string(s, len, &nl);
    gw_qnode *d = NULL;
    char *dots = strstr(v, "..");
    if (is_year && !dots && nl == 4 && strspn(v, "0123456789") == 4) {
        d = node_new(GW_QN_YEAR);
        memcpy(d->year, v, 5);
    } else {
        d = node_new(GW_QN_DATE);
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
            gw_qparse_free(d);
            d = NULL;
        }
    }
    free(v);
    return d;
}

/* ---- grammar ------------------------------------------------------------------------------- */

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

static gw_qnode *parse_or(parser *P, int depth);

static gw_qnode *term_node(parser *P, const tok *t)
{
    gw_query *q = P->q;
    const char *s = P->L.s;
    gw_qnode *n = NULL;
    if (t->field == F_DATE || t->field == F_YEAR) {
        n = date_node(s + t->s, t->e - t->s, t->field == F_YEAR);
        if (!n) {
            note(q, "bad date/year value: read as plain text");
            n = words_node(q, s + t->rs, t->re - t->rs, GW_QF_BODY);
        }
    } else {
        int field = t->field < 0 ? GW_QF_BODY : t->field;
        if (t->quoted) n = phrase_node(q, s + t->s, t->e - t->s, field);
        else n = words_node(q, s + t->s, t->e - t->s, field);
    }
    if (n && t->neg) {
        gw_qnode *x = node_new(GW_QN_NOT);
        node_add(x, n);
        n = x;
    }
    return n;
}

/* "(…)" after its "(" was taken: the group, or NULL (too deep: its contents join the
 * enclosing group). */
static gw_qnode *parse_group(parser *P, int depth)
{
    if (depth + 1 >= GW_QUERY_MAX_DEPTH) {
        if (depth + 1 == GW_QUERY_MAX_DEPTH) note(P->q, "nesting too deep: parentheses ignored");
        return NULL;
    }
    gw_qnode *sub = parse_or(P, depth + 1);
    if (P_peek(P)->kind == T_RP) P_take(P);
    else note(P->q, "unbalanced '(': closed at the end");
    return sub;
}

static gw_qnode *parse_and(parser *P, int depth)
{
    gw_qnode *and = node_new(GW_QN_AND);
    for (;;) {
        tok *t = P_peek(P);
        if (t->kind == T_END || t->kind == T_OR) break;
        if (t->kind == T_RP) {
            if (depth > 0) break;
            note(P->q, "unbalanced ')': ignored");
            P_take(P);
            continue;
        }
        tok tt = *t;
        P_take(P);
        gw_qnode *n = tt.kind == T_LP ? parse_group(P, depth) : term_node(P, &tt);
        if (n) node_add(and, n);
    }
    return node_collapse(and);
}

/* An OR that cannot be an operator (first, doubled, last): the word "or", ANDed to the
 * last alternative. */
static void dangling_or(parser *P, gw_qnode *or, tok tt)
{
    note(P->q, "dangling OR: read as the word \"or\"");
    tt.kind = T_TERM;
    gw_qnode *w = term_node(P, &tt);
    if (!w) return;
    if (or->nk == 0) node_add(or, w);
    else or_and_last(or, w);
}

static gw_qnode *parse_or(parser *P, int depth)
{
    gw_qnode *or = node_new(GW_QN_OR);
    int pending_or = 0;
    for (;;) {
        tok *t = P_peek(P);
        if (t->kind == T_END || (t->kind == T_RP && depth > 0)) break;
        if (t->kind == T_OR) {
            tok tt = *t;
            P_take(P);
            tok *nx = P_peek(P);
            if (or->nk == 0 || pending_or || nx->kind == T_END || nx->kind == T_OR ||
                (nx->kind == T_RP && depth > 0))
                dangling_or(P, or, tt);
            else
                pending_or = 1;
            continue;
        }
        gw_qnode *a = parse_and(P, depth);
        if (!a) {
            /* a stray ')' at top level is consumed by parse_and; anything else ends */
            if (P_peek(P)->kind == T_OR) continue;
            break;
        }
        if (or->nk > 0 && !pending_or) or_and_last(or, a);
        else node_add(or, a);
        pending_or = 0;
    }
    return node_collapse(or);
}

gw_qnode *gw_qparse_tree(gw_query *q, const char *s, size_t len)
{
    parser P = {{s, len, 0, q}, TOK_NONE, 0, q};
    gw_qnode *root = parse_or(&P, 0);
    /* anything left (a stray ')' at the top ends parse_or early) */
    while (P_peek(&P)->kind != T_END) {
        if (P.cur.kind == T_RP) {
            note(q, "unbalanced ')': ignored");
            P_take(&P);
        }
        gw_qnode *more = parse_or(&P, 0);
        if (!more) continue;
        if (!root) {
            root = more;
        } else {
            gw_qnode *a = node_new(GW_QN_AND);
            node_add(a, root);
            node_add(a, more);
            root = a;
        }
    }
    return root;
}
