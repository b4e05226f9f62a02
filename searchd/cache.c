/* cache.c: see cache.h. A chained hash table plus a doubly linked LRU list. */
#include "cache.h"

#include "gw_err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next_hash;
    struct entry *prev, *next; /* LRU: head is the most recent */
    uint64_t hash;
    char *key;
    size_t klen;
    int status;
    const char *ctype;
    char *body;
    size_t len;
} entry;

struct sd_cache {
    entry **buckets;
    size_t nbuckets; /* power of two */
    size_t n, max;
    size_t bytes;    /* keys + bodies held */
    entry *head, *tail;
    unsigned long epoch;
};

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

sd_cache *sd_cache_new(size_t max_entries)
{
    if (max_entries == 0)
        return NULL;
    sd_cache *c = gw_xcalloc(1, sizeof *c);
    c->max = max_entries;
    c->nbuckets = 16;
    while (c->nbuckets < max_entries * 2)
        c->nbuckets <<= 1;
    c->buckets = gw_xcalloc(c->nbuckets, sizeof *c->buckets);
    return c;
}

static void entry_free(entry *e)
{
    free(e->key);
    free(e->body);
    free(e);
}

static void clear(sd_cache *c)
{
    entry *e = c->head;
    while (e) {
        entry *n = e->next;
        entry_free(e);
        e = n;
    }
    memset(c->buckets, 0, c->nbuckets * sizeof *c->buckets);
    c->head = c->tail = NULL;
    c->n = 0;
    c->bytes = 0;
}

void sd_cache_free(sd_cache *c)
{
    if (!c)
        return;
    clear(c);
    free(c->buckets);
    free(c);
}

static void unlink_lru(sd_cache *c, entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(sd_cache *c, entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

static entry **find(sd_cache *c, uint64_t h, const char *key, size_t klen)
{
    entry **p = &c->buckets[h & (c->nbuckets - 1)];
    while (*p && !((*p)->hash == h && (*p)->klen == klen && memcmp((*p)->key, key, klen) == 0))
        p = &(*p)->next_hash;
    return p;
}

static void check_epoch(sd_cache *c, unsigned long epoch)
{
    if (c->epoch != epoch) {
        clear(c);
        c->epoch = epoch;
    }
}

int sd_cache_get(sd_cache *c, unsigned long epoch, const char *key, size_t klen,
                 sd_cache_hit *out)
{
    if (!c)
        return 0;
    check_epoch(c, epoch);
    uint64_t h = hash(key, klen);
    entry *e = *find(c, h, key, klen);
    if (!e)
        return 0;
    unlink_lru(c, e);
    push_front(c, e);
    out->status = e->status;
    out->ctype = e->ctype;
    out->body = e->body;
    out->len = e->len;
    return 1;
}

void sd_cache_put(sd_cache *c, unsigned long epoch, const char *key, size_t klen, int status,
                  const char *ctype, const char *body, size_t len)
{
    if (!c || len > SD_CACHE_MAX_BODY)
        return;
    check_epoch(c, epoch);
    uint64_t h = hash(key, klen);
    entry **p = find(c, h, key, klen);
    if (*p)
        return; /* another request of this worker put it first */
    while (c->tail && (c->n >= c->max || c->bytes + len + klen > SD_CACHE_MAX_BYTES)) {
        entry *old = c->tail;
        entry **q = find(c, old->hash, old->key, old->klen);
        *q = old->next_hash;
        unlink_lru(c, old);
        c->bytes -= old->len + old->klen;
        entry_free(old);
        c->n--;
    }
    p = find(c, h, key, klen); /* the chain may have changed */
    entry *e = gw_xcalloc(1, sizeof *e);
    e->hash = h;
    e->key = gw_xmalloc(klen ? klen : 1);
    memcpy(e->key, key, klen);
    e->klen = klen;
    e->status = status;
    e->ctype = ctype;
    e->body = gw_xmalloc(len ? len : 1);
    memcpy(e->body, body, len);
    e->len = len;
    *p = e;
    push_front(c, e);
    c->n++;
    c->bytes += len + klen;
}
