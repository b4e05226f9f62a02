/* gw_snippet.c: highlighted extracts on the original text. See gw_snippet.h. */
#include "gw_snippet.h"

#include "gw_buf.h"
#include "gw_err.h"
#include "gw_query.h"

#include <stdlib.h>
#include <string.h>

static int span_cmp(const void *a, const void *b)
{
    const gw_span *x = a, *y = b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

size_t gw_snippet_find(const gw_norm_text *nt, const uint32_t *const *pats, const size_t *lens,
                       size_t npats, size_t max_matches, gw_span **out)
{
    gw_span *v = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    for (size_t p = 0; p < npats; p++) {
        size_t m = lens[p];
        if (!m) continue;
        size_t i = 0;
        while ((i = gw_query_find(pats[p], m, nt->cp, nt->n, i)) != (size_t)-1) {
            if (max_matches && n >= max_matches) break;
            size_t s = nt->orig[i].off, e = s;
            for (size_t k = i; k < i + m; k++) {
                if (nt->orig[k].off < s) s = nt->orig[k].off;
                if (nt->orig[k].off + nt->orig[k].len > e) e = nt->orig[k].off + nt->orig[k].len;
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                v = gw_xrealloc(v, cap * sizeof *v);
            }
            v[n].off = s;
            v[n].len = e - s;
            n++;
            i++;
        }
    }
    if (!n) {
        free(v);
        return 0;
    }
    qsort(v, n, sizeof *v, span_cmp);
    size_t w = 0;
    for (size_t i = 1; i < n; i++) {
        size_t end = v[w].off + v[w].len;
        if (v[i].off <= end) {
            size_t e2 = v[i].off + v[i].len;
            if (e2 > end) v[w].len = e2 - v[w].off;
        } else {
            v[++w] = v[i];
        }
    }
    *out = v;
    return w + 1;
}

/* ---- character geometry ------------------------------------------------------------------ */

typedef struct chars {
    size_t *off; /* off[k] = byte offset of character k; off[n] = len */
    uint32_t *cp;
    size_t n;
} chars;

static void chars_build(const char *text, size_t len, chars *c)
{
    size_t *off = gw_xmalloc((len + 1) * sizeof *off);
    uint32_t *cps = gw_xmalloc((len + 1) * sizeof *cps);
    size_t k = 0; /* locals: stores through c->off would make the compiler reload c->cp */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t l = gw_utf8_next(text + i, len - i, &cp);
        off[k] = i;
        cps[k] = cp;
        k++;
        i += l;
    }
    off[k] = len;
    c->off = off;
    c->cp = cps;
    c->n = k;
}

static void chars_free(chars *c)
{
    free(c->off);
    free(c->cp);
}

/* First character whose offset is >= byte */
static size_t char_at(const chars *c, size_t byte)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->off[mid] < byte) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int sentence_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B || cp == '\n' ||
           cp == '!' || cp == '?' || cp == ';' || cp == 0xFF61;
}

static int blank(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\r' || cp == 0x3000; }

typedef struct range {
    size_t s, e;
} range;

/* ---- output ---------------------------------------------------------------------------------- */

/* The plain text and its marks; the HTML is drawn from them at the end (emit_finish), by
 * the one renderer of marks. */
typedef struct emit {
    gw_buf text;
    gw_mark *marks;
    size_t n_marks, cap_marks;
    unsigned pos; /* characters written to text */
    int open;     /* a mark is open */
    int whole;    /* whole text: keep tabs and line breaks as they are */
} emit;

static void put_char(emit *o, uint32_t cp)
{
    if (!o->whole && (cp == '\n' || cp == '\r' || cp == '\t')) cp = ' ';
    gw_buf_put_utf8(&o->text, cp);
    o->pos++;
}

static void mark_open(emit *o)
{
    if (o->open) return;
    if (o->n_marks == o->cap_marks) {
        o->cap_marks = o->cap_marks ? 2 * o->cap_marks : 8;
        o->marks = gw_xrealloc(o->marks, o->cap_marks * sizeof *o->marks);
    }
    o->marks[o->n_marks].start = o->pos;
    o->marks[o->n_marks].end = o->pos;
    o->n_marks++;
    o->open = 1;
}

static void mark_close(emit *o)
{
    if (!o->open) return;
    o->marks[o->n_marks - 1].end = o->pos;
    o->open = 0;
}

/* Writes characters [s, e) with the marks (char ranges, sorted) applied. */
static void emit_range(emit *o, const chars *c, size_t s, size_t e, const range *mk, size_t nm)
{
    size_t j = 0;
    while (j < nm && mk[j].e <= s) j++;
    for (size_t k = s; k < e; k++) {
        while (j < nm && mk[j].e <= k) j++;
        int in = j < nm && mk[j].s <= k && k < mk[j].e;
        if (in) mark_open(o);
        else mark_close(o);
        put_char(o, c->cp[k]);
    }
    mark_close(o);
}

static void emit_finish(emit *o, gw_snippet *out)
{
    size_t len;
    out->text = gw_buf_steal(&o->text, &len);
    gw_buf html = {0};
    gw_mark_html(&html, out->text, len, o->marks, o->n_marks,
                 o->whole ? GW_MARK_LINES : GW_MARK_INLINE);
    out->html = gw_buf_steal(&html, NULL);
    out->marks = o->marks;
    out->n_marks = o->n_marks;
}

static range *to_chars(const chars *c, const gw_span *spans, size_t n)
{
    range *r = gw_xmalloc((n + 1) * sizeof *r);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = char_at(c, spans[i].off), e = char_at(c, spans[i].off + spans[i].len);
        if (s >= e) continue;
        if (w && s <= r[w - 1].e) {
            if (e > r[w - 1].e) r[w - 1].e = e;
            continue;
        }
        r[w].s = s;
        r[w].e = e;
        w++;
    }
    r[w].s = r[w].e = (size_t)-1;
    return r;
}

/* ---- window choice ---------------------------------------------------------------------------- */

/* Among matches not yet covered, the one starting the best window of `width` chars: the
 * sum of the squared lengths of the matches in it, so that a whole phrase (a long merged
 * match) outweighs scattered pieces of it. */
static size_t best_anchor(const range *m, size_t nm, const unsigned char *used, size_t width)
{
    size_t best = (size_t)-1, best_score = 0, j = 0, inwin = 0;
    for (size_t i = 0; i < nm; i++) {
        if (j < i) {
            j = i;
            inwin = 0;
        }
        while (j < nm && m[j].s < m[i].s + width) {
            if (!used[j]) inwin += (m[j].e - m[j].s) * (m[j].e - m[j].s);
            j++;
        }
        if (!used[i]) {
            if (best == (size_t)-1 || inwin > best_score) {
                best = i;
                best_score = inwin;
            }
            inwin -= (m[i].e - m[i].s) * (m[i].e - m[i].s);
        }
    }
    return best;
}

static int starts_sentence(const chars *c, size_t k, size_t lo_limit)
{
    return k == lo_limit || k == 0 || sentence_end(c->cp[k - 1]);
}

/* Fragment of at most budget chars around match a, extended to sentence punctuation. */
static range fragment(const chars *c, const range *m, size_t nm, size_t a, size_t budget,
                      const range *taken, size_t ntaken)
{
    size_t lo_limit = 0, hi_limit = c->n;
    for (size_t i = 0; i < ntaken; i++) {
        if (taken[i].e <= m[a].s && taken[i].e > lo_limit) lo_limit = taken[i].e;
        if (taken[i].s >= m[a].e && taken[i].s < hi_limit) hi_limit = taken[i].s;
    }
    size_t ms = m[a].s;
    /* start: the sentence start if it is within reach, else some context before */
    size_t s = ms, k = ms;
    int found = 0;
    while (k > lo_limit && ms - k < budget / 3) {
        if (sentence_end(c->cp[k - 1])) {
            found = 1;
            break;
        }
        k--;
    }
    if (found || k == lo_limit) s = k;
    else s = ms > lo_limit + budget / 6 ? ms - budget / 6 : lo_limit;
    while (s < ms && (blank(c->cp[s]) || c->cp[s] == '\n')) s++;
    size_t e = s + budget < hi_limit ? s + budget : hi_limit;
    if (e < m[a].e) {
        /* the match would not fit: start at it (a match longer than the budget is cut) */
        s = ms;
        e = s + budget < hi_limit ? s + budget : hi_limit;
    }
    /* room left at the end of the text: take earlier sentences instead */
    if (e == hi_limit && e - s < budget) {
        size_t s2 = e >= lo_limit + budget ? e - budget : lo_limit;
        if (s2 < s) {
            size_t k2 = s2;
            while (k2 < s && !starts_sentence(c, k2, lo_limit)) k2++;
            s = k2;
        }
    } else {
        /* end at a sentence end if one lies in the back half, after the matches */
        size_t last_end = m[a].e;
        for (size_t i = a; i < nm && m[i].e <= e; i++) last_end = m[i].e;
        for (size_t q = e; q > last_end && q > s + budget / 2; q--)
            if (sentence_end(c->cp[q - 1])) {
                e = q;
                break;
            }
    }
    range r = {s, e};
    return r;
}

/* Groups of matches further apart than `gap` chars: how many fragments are worth it. */
static size_t clusters(const range *m, size_t nm, size_t gap)
{
    size_t n = nm ? 1 : 0;
    for (size_t i = 1; i < nm; i++)
        if (m[i].s > m[i - 1].e + gap) n++;
    return n;
}

static int range_cmp(const void *a, const void *b)
{
    const range *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

void gw_snippet_make(const char *text, size_t len, const gw_span *spans, size_t nspans,
                     unsigned max_chars, gw_snippet *out)
{
    memset(out, 0, sizeof *out);
    size_t budget = max_chars ? max_chars : GW_SNIPPET_DEFAULT_CHARS;
    chars c;
    chars_build(text, len, &c);
    range *m = to_chars(&c, spans, nspans);
    size_t nm = 0;
    while (m[nm].s != (size_t)-1) nm++;
    range frag[GW_SNIPPET_MAX_FRAGMENTS];
    size_t nf = 0;
    if (nm == 0) {
        size_t s = 0;
        while (s < c.n && (blank(c.cp[s]) || c.cp[s] == '\n')) s++;
        size_t e = s + budget < c.n ? s + budget : c.n;
        frag[nf].s = s;
        frag[nf].e = e;
        nf++;
    } else {
        unsigned char *used = gw_xcalloc(nm, 1);
        size_t left = budget;
        /* several fragments only when the matches lie far apart and each gets >= 20 */
        size_t want = clusters(m, nm, budget / 2);
        if (want > GW_SNIPPET_MAX_FRAGMENTS) want = GW_SNIPPET_MAX_FRAGMENTS;
        while (want > 1 && budget / want < 20) want--;
        if (want < 1) want = 1;
        while (nf < want && left >= (nf ? 10 : 1)) {
            size_t share = nf + 1 == want ? left : budget / want;
            size_t a = best_anchor(m, nm, used, share * 2 / 3 + 1);
            if (a == (size_t)-1) break;
            range r = fragment(&c, m, nm, a, share, frag, nf);
            if (r.e <= r.s) break;
            frag[nf++] = r;
            for (size_t i = 0; i < nm; i++)
                if (m[i].s < r.e && m[i].e > r.s) used[i] = 1;
            size_t w = r.e - r.s;
            left = w >= left ? 0 : left - w;
        }
        free(used);
        qsort(frag, nf, sizeof *frag, range_cmp);
    }
    emit o = {0};
    for (size_t f = 0; f < nf; f++) {
        size_t k = frag[f].s;
        while (k > 0 && blank(c.cp[k - 1])) k--;
        int cut_before = k > 0 && !sentence_end(c.cp[k - 1]);
        if (f > 0 || cut_before) {
            if (!(f > 0 && frag[f - 1].e == frag[f].s)) put_char(&o, 0x2026);
        }
        emit_range(&o, &c, frag[f].s, frag[f].e, m, nm);
    }
    if (nf && frag[nf - 1].e < c.n && !sentence_end(c.cp[frag[nf - 1].e - 1]))
        put_char(&o, 0x2026);
    emit_finish(&o, out);
    free(m);
    chars_free(&c);
}

void gw_snippet_whole(const char *text, size_t len, const gw_span *spans, size_t nspans,
                      gw_snippet *out)
{
    memset(out, 0, sizeof *out);
    chars c;
    chars_build(text, len, &c);
    range *m = to_chars(&c, spans, nspans);
    size_t nm = 0;
    while (m[nm].s != (size_t)-1) nm++;
    emit o = {0};
    o.whole = 1;
    size_t k = 0;
    while (k <= c.n) {
        size_t e = k;
        while (e < c.n && c.cp[e] != '\n') e++;
        /* line [k, e): its marks end with it, as the HTML's <p> does */
        emit_range(&o, &c, k, e, m, nm);
        if (e < c.n) {
            gw_buf_putc(&o.text, '\n');
            o.pos++;
        }
        k = e + 1;
    }
    emit_finish(&o, out);
    free(m);
    chars_free(&c);
}

void gw_snippet_free(gw_snippet *s)
{
    if (!s) return;
    free(s->html);
    free(s->text);
    free(s->marks);
    memset(s, 0, sizeof *s);
}
