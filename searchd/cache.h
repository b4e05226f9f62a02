/* cache.h: a small per-worker cache of whole answers (LRU), keyed by the request.
 *
 * Popular queries repeat (a search box's traffic is heavy-headed); answering a repeat
 * from memory costs microseconds instead of a search. Each worker thread owns its cache
 * (no locks). An epoch guards freshness: the caller passes the one it serves under with
 * every get and put (searchd: sd_worker_epoch, which changes whenever the worker holds
 * another revision or database, searcher.h), and a call with an epoch other than the
 * cache's drops every entry first, so a cached answer is never staler than the searcher.
 * Not thread-safe: one cache per thread. */
#ifndef SD_CACHE_H
#define SD_CACHE_H

#include <stddef.h>

typedef struct sd_cache sd_cache;

typedef struct sd_cache_hit {
    int status;
    const char *ctype;   /* static string */
    const char *body;    /* borrowed until the next put, or get under another epoch */
    size_t len;
} sd_cache_hit;

/* max_entries 0 = caching off (sd_cache_new returns NULL, and NULL is a valid, empty
 * cache for every function). */
sd_cache *sd_cache_new(size_t max_entries);
void sd_cache_free(sd_cache *c);
/* Answers larger than this are not kept (a page of 100 hits with snippets is ~100 KB). */
#define SD_CACHE_MAX_BODY (512 * 1024)
/* And a worker never holds more than this in all (least recently used answers go first),
 * whatever the entry count: 32 MiB x worker threads bounds the cache's memory. */
#define SD_CACHE_MAX_BYTES (32u * 1024 * 1024)

/* 1 and *out filled when key[0..klen) is held under epoch (it becomes the most recently
 * used), else 0. */
int sd_cache_get(sd_cache *c, unsigned long epoch, const char *key, size_t klen,
                 sd_cache_hit *out);
/* Keeps a copy of the answer under key (a key already held keeps its first answer),
 * evicting the least recently used answers to stay within max_entries and
 * SD_CACHE_MAX_BYTES; a body over SD_CACHE_MAX_BODY is not kept. ctype must be static. */
void sd_cache_put(sd_cache *c, unsigned long epoch, const char *key, size_t klen, int status,
                  const char *ctype, const char *body, size_t len);

#endif
