/* gw_index.c: a parsed document (gw_doc) -> a Xapian document, following the layout that
 * gw_index.h documents (and docs/index-format.md explains). Also the stored data's parser
 * and the near-duplicate key. */
#include "gw_index.h"

#include "gw_buf.h"
#include "gw_norm.h"
#include "gw_token.h"

#include <jansson.h>
#include <limits.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Xapian's limit is 245 bytes per term; keep a margin for the "Q" prefix. */
#define UID_MAX 240
/* Long paths keep this many leading bytes (readable in term listings) before the hash. */
#define UID_KEEP 200

/* The text value: a format byte, the length as 4 bytes little-endian, the block. */
#define TEXT_LZ4 'L'
#define TEXT_HEAD 5

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

/* (s, *n) as valid UTF-8: s itself when it is, else a copy in scratch with every invalid
 * byte (which a gw_doc should not hold) as U+FFFD, *n updated. Stored strings and the
 * stored text must always be valid. */
static const char *valid_utf8(const char *s, size_t *n, gw_buf *scratch)
{
    if (gw_utf8_valid(s, *n))
        return s;
    gw_buf_reset(scratch);
    for (size_t i = 0; i < *n;) {
        uint32_t cp;
        i += gw_utf8_next(s + i, *n - i, &cp);
        gw_buf_put_utf8(scratch, cp);
    }
    *n = scratch->len;
    return scratch->data ? scratch->data : "";
}

/* A JSON string from (s, n), which should be UTF-8 (see valid_utf8). */
static json_t *json_text(const char *s, size_t n)
{
    if (!s)
        return json_string("");
    gw_buf b = {0};
    const char *v = valid_utf8(s, &n, &b);
    json_t *j = json_stringn(v, n);
    gw_buf_free(&b);
    return j;
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* The text value (gw_index.h, GW_SLOT_TEXT) of (s, n), valid UTF-8 as the data's strings
 * are. Xapian leaves a value as it is: no zlib on top of the block. */
static int set_text(gw_xdoc *out, const char *s, size_t n, gw_err *err)
{
    gw_buf clean = {0};
    s = valid_utf8(s, &n, &clean);
    if (n > (size_t)LZ4_MAX_INPUT_SIZE) {
        gw_buf_free(&clean);
        return gw_err_set(err, GW_EINVAL, "text of %zu bytes: more than can be stored (%d)",
                          n, LZ4_MAX_INPUT_SIZE);
    }
    int bound = LZ4_compressBound((int)n);
    char *v = gw_xmalloc(TEXT_HEAD + (size_t)bound);
    v[0] = TEXT_LZ4;
    for (int i = 0; i < 4; i++)
        v[1 + i] = (char)((n >> (8 * i)) & 0xFF);
    int c = LZ4_compress_default(s, v + TEXT_HEAD, (int)n, bound);
    gw_buf_free(&clean);
    if (c <= 0) {
        free(v);
        return gw_err_set(err, GW_EINTERNAL, "cannot compress a text of %zu bytes", n);
    }
    gw_xdoc_set_value(out, GW_SLOT_TEXT, v, TEXT_HEAD + (size_t)c);
    free(v);
    return GW_OK;
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
    add_text(out, &uni, &nt, "", GW_INDEX_TITLE_WDF, pos + 1);
    add_text(out, &uni, &nt, GW_PREFIX_TITLE, 1, 1);

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
    if (source[0])
        gw_xdoc_set_value(out, GW_SLOT_SOURCE, source, strlen(source));
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

    /* Data. */
    json_t *o = json_object();
    json_object_set_new(o, "path", json_text(fi ? fi->relpath : "", fi && fi->relpath
                                                               ? strlen(fi->relpath) : 0));
    json_object_set_new(o, "title", json_text(title, strlen(title)));
    json_object_set_new(o, "date", json_text(date, dlen));
    json_object_set_new(o, "source", json_text(source, strlen(source)));
    json_object_set_new(o, "docno", json_text(docno, strlen(docno)));
    json_object_set_new(o, "encoding", json_text(doc->encoding, elen));
    char *data = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!data)
        return gw_err_set(err, GW_EINTERNAL, "gw_index_build: cannot serialize the data");
    if (text_len) {
        int r = set_text(out, text, text_len, err);
        if (r != GW_OK) {
            free(data);
            return r;
        }
    }
    gw_xdoc_set_data(out, data, strlen(data));
    free(data);
    gw_err_clear(err);
    return GW_OK;
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

size_t gw_index_uid_term(const char *relpath, char *buf, size_t bufsize)
{
    if (!relpath || !relpath[0] || !buf)
        return 0;
    size_t n = strlen(relpath);
    if (1 + n <= UID_MAX) {
        if (bufsize < n + 2)
            return 0;
        buf[0] = 'Q';
        memcpy(buf + 1, relpath, n + 1);
        return n + 1;
    }
    /* "Q" + the first UID_KEEP bytes (cut on a character boundary) + "#" + 32 hex digits
     * of a 128-bit hash of the whole path: 234 bytes at most. A path short enough to be
     * used whole would have to end in that very hash to collide. */
    size_t keep = UID_KEEP;
    while (keep > 0 && ((unsigned char)relpath[keep] & 0xC0) == 0x80)
        keep--;
    size_t total = 1 + keep + 1 + 32;
    if (bufsize < total + 1)
        return 0;
    buf[0] = 'Q';
    memcpy(buf + 1, relpath, keep);
    snprintf(buf + 1 + keep, bufsize - 1 - keep, "#%016llx%016llx",
             (unsigned long long)hash64(relpath, n, 0x6777696e646578ULL),
             (unsigned long long)hash64(relpath, n, 0x71756964ULL));
    return total;
}

/* ---- stored data ----------------------------------------------------------------------- */

static char *field(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);
    const char *s = "";
    size_t n = 0;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    }
    char *c = gw_xmalloc(n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    if (len)
        *len = n;
    return c;
}

int gw_stored_text(const gw_xdoc *doc, gw_buf *out, gw_err *err)
{
    gw_buf_reset(out);
    size_t vl;
    const char *v = doc ? gw_xdoc_value(doc, GW_SLOT_TEXT, &vl) : NULL;
    if (!v || vl == 0) {
        gw_err_clear(err);
        return GW_OK;
    }
    if (vl < TEXT_HEAD || v[0] != TEXT_LZ4 || vl - TEXT_HEAD > (size_t)INT_MAX)
        return gw_err_set(err, GW_ECORRUPT, "stored text: not an LZ4 block");
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        n |= (size_t)(unsigned char)v[1 + i] << (8 * i);
    /* An LZ4 block expands at most 255-fold: a length past that is damage, refused before
     * it costs an allocation of that size. */
    if (n > (size_t)LZ4_MAX_INPUT_SIZE || n > (vl - TEXT_HEAD) * 255 + 16)
        return gw_err_set(err, GW_ECORRUPT, "stored text: length %zu out of range", n);
    char *dst = gw_buf_reserve(out, n + 1);
    int got = LZ4_decompress_safe(v + TEXT_HEAD, dst, (int)(vl - TEXT_HEAD), (int)n);
    if (got < 0 || (size_t)got != n) {
        gw_buf_reset(out);
        return gw_err_set(err, GW_ECORRUPT, "stored text: a damaged LZ4 block (%zu bytes "
                          "announced)", n);
    }
    out->len = n;
    dst[n] = '\0';
    gw_err_clear(err);
    return GW_OK;
}

int gw_stored_load(const gw_xdoc *doc, gw_stored *out, gw_err *err)
{
    size_t dl;
    const char *data = doc ? gw_xdoc_data(doc, &dl) : NULL;
    int r = gw_stored_parse(data, dl, out, err);
    if (r != GW_OK)
        return r;
    gw_buf t = {0};
    r = gw_stored_text(doc, &t, err);
    if (r != GW_OK) {
        gw_buf_free(&t);
        gw_stored_free(out);
        return r;
    }
    free(out->text);
    out->text = gw_buf_steal(&t, &out->text_len);
    return GW_OK;
}

int gw_stored_parse(const char *data, size_t len, gw_stored *out, gw_err *err)
{
    if (!out)
        return gw_err_set(err, GW_EINVAL, "gw_stored_parse: no output");
    memset(out, 0, sizeof *out);
    if (!data)
        return gw_err_set(err, GW_EINVAL, "gw_stored_parse: no data");
    json_error_t je;
    json_t *o = json_loadb(data, len, JSON_ALLOW_NUL, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return gw_err_set(err, GW_ECORRUPT, "stored document data is not a JSON object: %s",
                          o ? "wrong type" : je.text);
    }
    out->path = field(o, "path", NULL);
    out->title = field(o, "title", NULL);
    out->date = field(o, "date", NULL);
    out->source = field(o, "source", NULL);
    out->docno = field(o, "docno", NULL);
    out->encoding = field(o, "encoding", NULL);
    out->text = gw_xstrdup(""); /* in GW_SLOT_TEXT since layout 3: gw_stored_load */
    out->text_len = 0;
    json_decref(o);
    gw_err_clear(err);
    return GW_OK;
}

void gw_stored_free(gw_stored *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->title);
    free(s->date);
    free(s->source);
    free(s->docno);
    free(s->encoding);
    free(s->text);
    memset(s, 0, sizeof *s);
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
