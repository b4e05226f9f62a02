/* state.c: what the database already holds, for incremental runs.
 *
 * The state lives in the database itself (no side file that could disagree with it): every
 * document has a unique id term Q<id> and values GW_SLOT_MTIME, GW_SLOT_SIZE, GW_SLOT_HASH
 * (gw_index.h). We walk the Q terms once at start-up and keep, per id, its mtime, size and
 * hash in a hash table (about 100 bytes per document: 10 MB for 100,000 documents). */
#include "indexer.h"
#include "gw_norm.h" /* gw_index.h uses gw_norm_text */
#include "gw_index.h"

#include <stdlib.h>
#include <string.h>

static size_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

static void grow(ix_state *s)
{
    size_t cap = s->cap ? 2 * s->cap : 1024;
    ix_entry *t = gw_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i].uid) continue;
        size_t h = str_hash(s->slots[i].uid) & (cap - 1);
        while (t[h].uid) h = (h + 1) & (cap - 1);
        t[h] = s->slots[i];
    }
    free(s->slots);
    s->slots = t;
    s->cap = cap;
}

ix_entry *ix_state_find(ix_state *s, const char *uid)
{
    if (!s->cap) return NULL;
    size_t h = str_hash(uid) & (s->cap - 1);
    while (s->slots[h].uid) {
        if (strcmp(s->slots[h].uid, uid) == 0) return &s->slots[h];
        h = (h + 1) & (s->cap - 1);
    }
    return NULL;
}

static ix_entry *insert(ix_state *s, const char *uid, size_t len)
{
    if (2 * (s->n + 1) > s->cap) grow(s);
    char *key = gw_xstrndup(uid, len);
    size_t h = str_hash(key) & (s->cap - 1);
    while (s->slots[h].uid) {
        if (strcmp(s->slots[h].uid, key) == 0) { free(key); return &s->slots[h]; }
        h = (h + 1) & (s->cap - 1);
    }
    s->slots[h].uid = key;
    s->n++;
    return &s->slots[h];
}

/* A decimal value; for "SECONDS.NNNNNNNNN" the fraction goes to *ns (if given). */
static long long value_ll(const gw_xdoc *d, unsigned slot, long *ns)
{
    size_t n;
    const char *v = gw_xdoc_value(d, slot, &n);
    char buf[40];
    if (ns) *ns = 0;
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    char *end;
    long long x = strtoll(buf, &end, 10);
    if (ns && *end == '.') *ns = strtol(end + 1, NULL, 10);
    return x;
}

typedef struct load_ctx {
    ix_state *s;
    gw_db *db;
    gw_err *err;
    int failed;
} load_ctx;

static int on_uid(void *ctx, const char *term, size_t len, unsigned doc_freq)
{
    (void)doc_freq;
    load_ctx *lc = ctx;
    gw_docid id = gw_db_find_by_term(lc->db, term, len, lc->err);
    if (!id) {
        if (lc->err && lc->err->code != GW_OK) { lc->failed = 1; return 1; }
        return 0; /* a term without postings (deleted): nothing to remember */
    }
    gw_xdoc *d = gw_db_get_doc(lc->db, id, lc->err);
    if (!d) { lc->failed = 1; return 1; }
    ix_entry *e = insert(lc->s, term, len);
    e->mtime = value_ll(d, GW_SLOT_MTIME, &e->mtime_ns);
    e->size = value_ll(d, GW_SLOT_SIZE, NULL);
    size_t hn;
    const char *h = gw_xdoc_value(d, GW_SLOT_HASH, &hn);
    if (hn >= sizeof e->hash) hn = sizeof e->hash - 1;
    memcpy(e->hash, h, hn);
    e->hash[hn] = '\0';
    gw_xdoc_free(d);
    return 0;
}

int ix_state_load(ix_state *s, gw_db *db, gw_err *err)
{
    gw_err e = {0};
    load_ctx lc = {s, db, &e, 0};
    int rc = gw_db_walk_terms(db, GW_PREFIX_UID, on_uid, &lc, &e);
    if (lc.failed || (rc != 0 && e.code != GW_OK)) {
        if (err) *err = e;
        return e.code ? e.code : GW_EINTERNAL;
    }
    return GW_OK;
}

void ix_state_free(ix_state *s)
{
    for (size_t i = 0; i < s->cap; i++) free(s->slots[i].uid);
    free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}
