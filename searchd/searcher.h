/* searcher.h: one read-only searcher per worker thread, always on a fresh revision.
 *
 * Xapian objects are not thread-safe, so every libmicrohttpd worker thread lazily opens
 * its own searcher the first time it serves a request (thread-specific data; freed when
 * the thread exits at shutdown).
 *
 * Freshness: at most every SD_FRESH_INTERVAL seconds (checked at a request), the worker
 *  - stat()s the database path: if it now names a different file or directory (a rebuild
 *    renamed a new stub over it; Xapian's reopen() never follows a changed stub), or the
 *    configured path changed (SIGHUP), it opens the path afresh and closes the old one;
 *  - otherwise calls reopen(), which moves to the latest committed revision (cheap when
 *    nothing changed).
 * A search that fails with GW_EMODIFIED (the reader fell two commits behind) is retried
 * after a reopen, and after a fresh open if that is not enough (sd_worker_recover). */
#ifndef SD_SEARCHER_H
#define SD_SEARCHER_H

#include "gw_err.h"
#include "gw_search.h"
#include "server.h"

#define SD_FRESH_INTERVAL 0.5

typedef struct sd_worker sd_worker;

/* Process-wide set-up of the search core: normalization tables, and the query
 * segmenter's dictionary from cfg->dictionary (missing: a warning, not an error). */
int sd_searcher_global_init(const gw_config *cfg, gw_err *err);
void sd_searcher_global_done(void);
void sd_searcher_key_init(sd_server *s);
void sd_searcher_key_done(sd_server *s); /* also closes the searchers no worker took */
/* Opens the database from the main thread to log whether it is there, and keeps one
 * searcher ready per worker thread: a worker's first request then finds its database
 * open and its facet tables built (else that request pays ~10 ms). */
void sd_searcher_probe(sd_server *s);

/* The calling thread's worker, opened and refreshed as described above. NULL with err
 * set (GW_ENOTFOUND, GW_EIO, ...) when no database can be opened: answer 503. */
sd_worker *sd_worker_get(sd_server *s, const gw_config *cfg, gw_err *err);
/* Its searcher (valid until the next sd_worker_get or sd_worker_recover). */
gw_searcher *sd_worker_searcher(sd_worker *w);
/* After GW_EMODIFIED (or an I/O error): reopen, or open afresh (attempt >= 1). Returns
 * GW_OK when the caller should retry. */
int sd_worker_recover(sd_worker *w, sd_server *s, const gw_config *cfg, int attempt,
                      gw_err *err);
/* This worker's answer cache (NULL when caching is off) and the epoch that guards it:
 * bumped whenever the worker moves to another revision or database. */
struct sd_cache *sd_worker_cache(sd_worker *w);
unsigned long sd_worker_epoch(const sd_worker *w);
/* Document count and revision of what this worker serves. */
void sd_worker_info(sd_worker *w, long *docs, long *revision);

#endif
