/* gw_index.c: a parsed document (gw_doc) -> a Xapian document, following the layout that
 * gw_index.h documents (and docs/index-format.md explains), and the near-duplicate key.
 * What is stored besides the terms is gw_stored's. */
#include "gw_index.h"

#include "gw_buf.h"
#include "gw_norm.h"
#include "gw_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Xapian's limit is 245 bytes per term; keep a margin for the "Q" prefix. */
#define UID_MAX 240
/* Long paths keep this many leading bytes (readable in term listings) before the hash. */
#define UID_KEEP 200

/* Longest prefix we use ("XS", "XD") + longest term (a word or a bigram). */
#define TERM_BUF (4 + GW_TOKEN_MAX_WORD + 8)

/* Unigram wdf totals of one add_text call. A Han character occurs many times in a
 * report; adding its unpositioned term once with the summed wdf gives Xapian the same
 * document for a fraction of the calls (each call is a std::string and a std::map lookup,
 * measured ~8% of a first run's instructions before this table). Key: the term's UTF-8
 * bytes (at most 4) packed into 32 bits, never 0. */
typedef struct uni_slot {
    uint32_t key;
    unsigned wdf;
} uni_slot;

typedef struct uni_table {
    uni_slot *slots;
    size_t cap, n; /* cap is a power of two, or 0 */
} uni_table;

static uint32_t uni_key(const char *term, size_t len)
{
    uint32_t k = 0;
    for (size_t i = 0; i < len; i++)
        k = (k << 8) | (unsigned char)term[i];
    return k;
}

static size_t uni_hash(uint32_t k, size_t cap)
{
    return (size_t)((k * 0x9e3779b1u) >> 7) & (cap - 1);
}

static void uni_add(uni_table *u, uint32_t key, unsigned wdf)
{
    if (2 * (u->n + 1) > u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 1024;
        uni_slot *s = gw_xcalloc(cap, sizeof *s);
        for (size_t i = 0; i < u->cap; i++) {
            if (!u->slots[i].key)
                continue;
            size_t j = uni_hash(u->slots[i].key, cap);
            while (s[j].key)
                j = (j + 1) & (cap - 1);
            s[j] = u->slots[i];
        }
        free(u->slots);
        u->slots = s;
        u->cap = cap;
    }
    size_t j = uni_hash(key, u->cap);
    while (u->slots[j].key && u->slots[j].key != key)
        j = (j + 1) & (u->cap - 1);
    if (!u->slots[j].key) {
        u->slots[j].key = key;
        u->slots[j].wdf = 0;
        u->n++;
    }
    u->slots[j].wdf += wdf;
}

typedef struct add_ctx {
    gw_xdoc *doc;
    uni_table *uni;    /* unigram wdf totals, added to doc by uni_flush */
    size_t plen;       /* prefix length, the prefix is already in buf */
    unsigned wdf;      /* per occurrence */
    char buf[TERM_BUF];
} add_ctx;

/* Adds the totals of c->uni to the document under c's prefix and empties the table. */
static void uni_flush(add_ctx *c)
{
    uni_table *u = c->uni;
    for (size_t i = 0; i < u->cap && u->n; i++) {
        uint32_t k = u->slots[i].key;
        if (!k)
            continue;
        size_t len = k > 0xffffff ? 4 : k > 0xffff ? 3 : k > 0xff ? 2 : 1;
        for (size_t b = 0; b < len; b++)
            c->buf[c->plen + b] = (char)(k >> (8 * (len - 1 - b)));
        gw_xdoc_add_term(c->doc, c->buf, c->plen + len, u->slots[i].wdf);
        u->slots[i].key = 0;
        u->n--;
    }
}

static int add_token(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                     gw_span orig)
{
    (void)orig;
    add_ctx *c = ctx;
    if (kind == GW_TOK_UNIGRAM && len >= 1 && len <= 4 && term[0] != '\0') {
        uni_add(c->uni, uni_key(term, len), c->wdf);
        return 0;
    }
    if (c->plen + len > sizeof c->buf)
        return 0; /* cannot happen: words are capped at GW_TOKEN_MAX_WORD */
    memcpy(c->buf + c->plen, term, len);
    size_t n = c->plen + len;
    switch (kind) {
    case GW_TOK_BIGRAM:
    case GW_TOK_WORD:
        gw_xdoc_add_posting(c->doc, c->buf, n, pos, c->wdf);
        break;
    case GW_TOK_UNIGRAM: /* longer than 4 bytes: not UTF-8 of one character */
        gw_xdoc_add_term(c->doc, c->buf, n, c->wdf);
        break;
    case GW_TOK_EDGE:
        /* The UNIGRAM token of the same character already counted its wdf. */
        gw_xdoc_add_posting(c->doc, c->buf, n, pos, 0);
        break;
    case GW_TOK_SEP:
        /* only for phrases across punctuation: no weight, no document length */
        gw_xdoc_add_posting(c->doc, c->buf, n, pos, 0);
        break;
    }
    return 0;
}

/* Tokenizes t into doc under prefix (may be ""), positions from first_pos; returns the
 * position after the last one used. */
static uint32_t add_text(gw_xdoc *doc, uni_table *uni, const gw_norm_text *t,
                         const char *prefix, unsigned wdf, uint32_t first_pos)
{
    add_ctx c;
    c.doc = doc;
    c.uni = uni;
    c.plen = strlen(prefix);
    c.wdf = wdf;
    memcpy(c.buf, prefix, c.plen);
    uint32_t next = first_pos;
    gw_token_run(t, first_pos, add_token, &c, &next);
    uni_flush(&c);
    return next;
}

static void add_bool(gw_xdoc *doc, const char *prefix, const char *s, size_t n)
{
    char buf[256];
    size_t p = strlen(prefix);
    if (n == 0 || p + n > sizeof buf)
        return;
    memcpy(buf, prefix, p);
    memcpy(buf + p, s, n);
    gw_xdoc_add_term(doc, buf, p + n, 0);
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

int gw_index_build(const gw_doc *doc, const gw_file_info *fi, gw_xdoc *out, gw_err *err)
{
    if (!doc || !out)
        return gw_err_set(err, GW_EINVAL, "gw_index_build: no document");
    char uid[UID_MAX + 8];
    size_t uid_len = 0;
    if (fi && fi->relpath) {
        uid_len = gw_index_uid_term(fi->relpath, uid, sizeof uid);
        if (uid_len == 0)
            return gw_err_set(err, GW_EINVAL, "gw_index_build: empty path");
    }
    gw_norm_init(NULL);
    gw_norm_text nt = {0};
    uni_table uni = {0};

    /* Body, then title in the same position space after a gap (so that no phrase runs
     * from the end of the body into the title), boosted. */
    const char *text = str_or_empty(doc->text);
    size_t text_len = doc->text ? doc->len : 0;
    gw_norm_run(text, text_len, 0, &nt);
    char dupkey[17];
    gw_index_dupkey(&nt, dupkey);
    uint32_t pos = add_text(out, &uni, &nt, "", 1, 1);

    const char *title = str_or_empty(doc->title);
    gw_norm_run(title, strlen(title), 0, &nt);
    pos = add_text(out, &uni, &nt, "", GW_INDEX_TITLE_WDF, pos + 1);
    add_text(out, &uni, &nt, GW_PREFIX_TITLE, 1, 1);

    /* Metadata, then chrome, each after a gap: every line a reader sees is findable, with
     * wdf 0 so that a match only there weighs nothing (ranks after body matches) and the
     * body's length, which BM25 normalizes by, stays the body's. */
    const char *meta = str_or_empty(doc->meta_lines);
    gw_norm_run(meta, strlen(meta), 0, &nt);
    pos = add_text(out, &uni, &nt, "", 0, pos + 1);
    gw_norm_run(str_or_empty(doc->chrome), doc->chrome ? doc->chrome_len : 0, 0, &nt);
    add_text(out, &uni, &nt, "", 0, pos + 1);

    const char *source = str_or_empty(doc->source);
    gw_norm_run(source, strlen(source), 0, &nt);
    add_text(out, &uni, &nt, GW_PREFIX_SOURCE, 1, 1);

    const char *docno = str_or_empty(doc->docno);
    gw_norm_run(docno, strlen(docno), 0, &nt);
    add_text(out, &uni, &nt, GW_PREFIX_DOCNO, 1, 1);
    gw_norm_text_free(&nt);
    free(uni.slots);

    /* Boolean terms (wdf 0, as Omega does: they filter, they don't rank). */
    if (uid_len)
        gw_xdoc_add_term(out, uid, uid_len, 0);
    const char *date = str_or_empty(doc->date);
    size_t dlen = strlen(date);
    /* "YYYY-MM-DD" (gw_meta's form); a partial "YYYY" or "YYYY-MM" still gives what it can. */
    if (dlen >= 4 && all_digits(date, 4)) {
        add_bool(out, GW_PREFIX_YEAR, date, 4);
        gw_xdoc_set_value(out, GW_SLOT_YEAR, date, 4);
        if (dlen >= 7 && date[4] == '-' && all_digits(date + 5, 2)) {
            char ym[6];
            memcpy(ym, date, 4);
            memcpy(ym + 4, date + 5, 2);
            add_bool(out, GW_PREFIX_MONTH, ym, 6);
            if (dlen == 10 && date[7] == '-' && all_digits(date + 8, 2)) {
                char ymd[8];
                memcpy(ymd, ym, 6);
                memcpy(ymd + 6, date + 8, 2);
                add_bool(out, GW_PREFIX_DATE, ymd, 8);
                gw_xdoc_set_value(out, GW_SLOT_DATE, ymd, 8);
            }
        }
    }
    char enc[sizeof doc->encoding];
    size_t elen = strnlen(doc->encoding, sizeof doc->encoding - 1);
    for (size_t i = 0; i < elen; i++) {
        char ch = doc->encoding[i];
        enc[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    add_bool(out, GW_PREFIX_ENCODING, enc, elen);

    /* Values. */
    if (source[0]) {
        /* one agency, one name: the facet counts and the filter selects by the folded key */
        size_t slen = strlen(source), klen;
        char *key = gw_index_source_key(source, slen, &klen);
        char term[256];
        size_t tl = gw_index_source_term(source, slen, term, sizeof term);
        if (tl) gw_xdoc_add_term(out, term, tl, 0);
        if (klen) {
            gw_buf v = {0};
            gw_buf_append(&v, key, klen);
            gw_buf_putc(&v, GW_SOURCE_SEP);
            gw_buf_append(&v, source, slen);
            gw_xdoc_set_value(out, GW_SLOT_SOURCE, v.data, v.len);
            gw_buf_free(&v);
        }
        free(key);
    }
    if (dupkey[0]) /* an empty key never collapses (Xapian): bodies without text don't */
        gw_xdoc_set_value(out, GW_SLOT_DUPKEY, dupkey, 16);
    if (fi) {
        char num[32];
        int n = snprintf(num, sizeof num, "%lld", fi->mtime);
        gw_xdoc_set_value(out, GW_SLOT_MTIME, num, (size_t)n);
        n = snprintf(num, sizeof num, "%lld", fi->size);
        gw_xdoc_set_value(out, GW_SLOT_SIZE, num, (size_t)n);
        if (fi->hash && fi->hash[0])
            gw_xdoc_set_value(out, GW_SLOT_HASH, fi->hash, strlen(fi->hash));
    }

    /* Data and text: the stored format (gw_stored.h). */
    return gw_stored_write(out, doc, fi ? fi->relpath : NULL, err);
}

/* ---- unique id ------------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* A 64-bit hash of bytes, seeded (two seeds give the 128 bits of a long path's uid). */
static uint64_t hash64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = mix64(seed ^ (uint64_t)n);
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return mix64(h ^ seed);
}

/* prefix + s[0..n) into buf as a term that fits Xapian: whole when it fits UID_MAX bytes,
 * else prefix + s's first UID_KEEP bytes (cut on a character boundary) + "#" + 32 hex
 * digits of a 128-bit hash of the whole of s (1 + 200 + 1 + 32 bytes for "Q"). A string
 * short enough to be used whole would have to end in that very hash to collide. Returns
 * the length (buf NUL-terminated), 0 when s is empty or buf too small. */
static size_t fit_term(const char *prefix, const char *s, size_t n, char *buf, size_t bufsize)
{
    size_t p = strlen(prefix);
    if (n == 0)
        return 0;
    if (p + n <= UID_MAX) {
        if (bufsize < p + n + 1)
            return 0;
        memcpy(buf, prefix, p);
        memcpy(buf + p, s, n);
        buf[p + n] = '\0';
        return p + n;
    }
    size_t keep = UID_KEEP;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--;
    size_t total = p + keep + 1 + 32;
    if (bufsize < total + 1)
        return 0;
    memcpy(buf, prefix, p);
    memcpy(buf + p, s, keep);
    snprintf(buf + p + keep, bufsize - p - keep, "#%016llx%016llx",
             (unsigned long long)hash64(s, n, 0x6777696e646578ULL),
             (unsigned long long)hash64(s, n, 0x71756964ULL));
    return total;
}

size_t gw_index_uid_term(const char *relpath, char *buf, size_t bufsize)
{
    if (!relpath || !buf)
        return 0;
    return fit_term(GW_PREFIX_UID, relpath, strlen(relpath), buf, bufsize);
}

/* ---- one agency, one name ------------------------------------------------------------- */

/* White space and controls, on normalized code points (NFKC already made most spaces
 * U+0020; GW_SOURCE_SEP is a control, so no key can hold it). */
static int source_blank(uint32_t cp)
{
    return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

char *gw_index_source_key(const char *source, size_t len, size_t *klen)
{
    gw_norm_text t = {0};
    gw_buf k = {0};
    gw_norm_run(source ? source : "", source ? len : 0, 0, &t);
    int gap = 0;       /* white space since the last character kept */
    uint32_t last = 0; /* the last character kept, 0 before the first */
    for (size_t i = 0; i < t.n; i++) {
        uint32_t cp = t.cp[i];
        if (source_blank(cp)) {
            gap = 1;
            continue;
        }
        /* a space only between two words: Han text and punctuation need none */
        if (gap && last && gw_norm_class(last) == GW_CLASS_WORD &&
            gw_norm_class(cp) == GW_CLASS_WORD)
            gw_buf_putc(&k, ' ');
        gap = 0;
        last = cp;
        gw_buf_put_utf8(&k, cp);
    }
    gw_norm_text_free(&t);
    return gw_buf_steal(&k, klen);
}

size_t gw_index_source_term(const char *source, size_t len, char *buf, size_t bufsize)
{
    size_t klen;
    char *key = gw_index_source_key(source, len, &klen);
    size_t n = buf ? fit_term(GW_PREFIX_SOURCE_KEY, key, klen, buf, bufsize) : 0;
    free(key);
    return n;
}

const char *gw_index_source_split(const char *v, size_t len, size_t *key_len,
                                  size_t *label_len)
{
    const char *sep = v ? memchr(v, GW_SOURCE_SEP, len) : NULL;
    if (!sep) {
        *key_len = *label_len = v ? len : 0;
        return v ? v : "";
    }
    *key_len = (size_t)(sep - v);
    *label_len = len - *key_len - 1;
    return sep + 1;
}

/* ---- near-duplicate key ---------------------------------------------------------------- */

#define DUP_SHINGLE 8 /* characters per shingle */
#define DUP_K 8       /* smallest shingle hashes kept */

static void bottom_k_insert(uint64_t *mins, size_t *count, uint64_t h)
{
    size_t c = *count;
    if (c == DUP_K && h >= mins[c - 1])
        return;
    size_t i = 0;
    while (i < c && mins[i] < h)
        i++;
    if (i < c && mins[i] == h)
        return; /* already kept: a set, not a multiset */
    if (c < DUP_K)
        c++;
    memmove(mins + i + 1, mins + i, (c - 1 - i) * sizeof *mins);
    mins[i] = h;
    *count = c;
}

void gw_index_dupkey(const gw_norm_text *body, char out[17])
{
    out[0] = '\0';
    if (!body)
        return;
    gw_norm_init(NULL);
    /* Shingles over the Han and word characters only: spacing, punctuation and line
     * breaks (which differ between reposts) don't count. */
    uint32_t ring[DUP_SHINGLE];
    size_t seen = 0;
    uint64_t mins[DUP_K];
    size_t count = 0;
    for (size_t i = 0; i < body->n; i++) {
        uint32_t cp = body->cp[i];
        if (gw_norm_class(cp) == GW_CLASS_SEP)
            continue;
        ring[seen % DUP_SHINGLE] = cp;
        seen++;
        if (seen >= DUP_SHINGLE) {
            uint64_t h = 0x9e3779b97f4a7c15ULL;
            for (size_t j = 0; j < DUP_SHINGLE; j++)
                h = (h ^ ring[(seen + j) % DUP_SHINGLE]) * 0x100000001b3ULL;
            bottom_k_insert(mins, &count, mix64(h));
        }
    }
    if (seen == 0)
        return;
    uint64_t key;
    if (seen < DUP_SHINGLE) {
        /* Too short for one shingle: the key is the content itself. */
        uint64_t h = 0x9e3779b97f4a7c15ULL;
        for (size_t j = 0; j < seen; j++)
            h = (h ^ ring[j]) * 0x100000001b3ULL;
        key = mix64(h ^ seen);
    } else {
        key = 0x6475706b6579ULL;
        for (size_t j = 0; j < count; j++)
            key = mix64(key ^ mins[j]) * 0x100000001b3ULL;
        key = mix64(key);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)key);
}

int gw_index_check_layout(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    size_t len = 0;
    gw_err e;
    char *v = gw_db_get_metadata(db, GW_INDEX_LAYOUT_KEY, &len, &e);
    if (e.code != GW_OK) {
        if (err) *err = e;
        return e.code;
    }
    long have = v && len ? strtol(v, NULL, 10) : 0;
    free(v);
    if (have == GW_INDEX_LAYOUT) return GW_OK;
    unsigned docs = gw_db_doc_count(db, &e);
    if (e.code != GW_OK) {
        if (err) *err = e;
        return e.code;
    }
    if (have == 0 && docs == 0) {
        if (!gw_db_is_writable(db)) return GW_OK;
        char buf[16];
        int n = snprintf(buf, sizeof buf, "%d", GW_INDEX_LAYOUT);
        return gw_db_set_metadata(db, GW_INDEX_LAYOUT_KEY, buf, (size_t)n, err);
    }
    return gw_err_set(err, GW_EINVAL,
                      "index layout %ld, this gongwen reads layout %d: rebuild it "
                      "(gongwen-indexer --rebuild)",
                      have ? have : 1L, GW_INDEX_LAYOUT);
}
