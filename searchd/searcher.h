/* searcher.h: which searcher serves a request. One read-only searcher per worker thread,
 * kept on a fresh revision.
 *
 * Xapian objects are not thread-safe, so each libmicrohttpd worker thread has its own
 * worker (thread-specific data, freed when the thread exits at shutdown): one gw_searcher,
 * the answer cache that goes with it (cache.h), and what the worker noted when it opened
 * that searcher: the configured path, the path's identity as stat() saw it just before
 * the open, and the server's reload count (sd_server.generation, bumped at SIGHUP).
 *
 * A worker's life is a small state machine, advanced by sd_worker_get alone:
 *
 *   EMPTY    no searcher yet. It takes a spare (opened at start by sd_searcher_probe, and
 *            only if no SIGHUP came since), else opens the configured path; after a failed
 *            open it tries again at most every SD_FRESH_INTERVAL (503 in between).
 *                -> SERVING; a spare is checked at once, as below (it may be old).
 *   SERVING  every SD_FRESH_INTERVAL seconds (looked at when a request arrives), stat()s
 *            the path:
 *            - it names another file or directory (a rebuild renamed a new stub over it,
 *              and Xapian's reopen never follows a changed stub), or the configured path
 *              or the reload count changed: open the path afresh. The new searcher
 *              replaces the old one on success only; on failure the old one serves on
 *              (logged).
 *            - otherwise gw_searcher_reopen: the latest committed revision (cheap when
 *              nothing changed). If that fails, the directory behind the path may be gone:
 *              open afresh as above.
 *
 * Which searcher serves a request: the one the worker holds after the sd_worker_get at
 * the request's start. A worker thread serves one request at a time, so nothing replaces
 * its searcher while a request runs. The one move a request can see is the search core's
 * own retry, inside the single search call (gw_search.h, convention 2: a search that fails
 * because the database moved under it runs again after a reopen, then after a fresh open
 * of the same path, GW_SEARCH_ATTEMPTS runs at most); searchd never retries on its own.
 * The answer returned is from the revision the searcher holds when the call returns.
 *
 * The cache's epoch (sd_worker_epoch) is derived, not kept: the worker's own replacements
 * plus gw_searcher_generation. It changes whenever the worker holds another revision or
 * database, including after a retry of the search core, so a cached answer is never from
 * an older revision than the one the worker now holds.
 *
 * Typical request:
 *     sd_worker *w = sd_worker_get(srv, cfg, &err);        NULL: answer 503
 *     gw_results *r = gw_searcher_search(sd_worker_searcher(w), &req, &err);
 *     ... reply; keep it in sd_worker_cache(w) under sd_worker_epoch(w)
 * Later steps of the same request take sd_worker_current, which checks nothing: they
 * must see the searcher the search ran on. */
#ifndef SD_SEARCHER_H
#define SD_SEARCHER_H

#include "gw_err.h"
#include "gw_search.h"
#include "server.h"

/* Seconds between two freshness checks of a worker: a new revision is served at most this
 * long after its commit, and a stat() per request is avoided under load. */
#define SD_FRESH_INTERVAL 0.5

typedef struct sd_worker sd_worker;

/* Process-wide set-up of the search core: normalization tables, and the query
 * segmenter's dictionary from cfg->dictionary (missing: a warning, not an error).
 * Returns a gw_code. */
int sd_searcher_global_init(const gw_config *cfg, gw_err *err);
void sd_searcher_global_done(void);
/* The thread-specific key and the spares' list; key_done also closes the spares no worker
 * took (the workers' own searchers are closed as their threads exit). */
void sd_searcher_key_init(sd_server *s);
void sd_searcher_key_done(sd_server *s);
/* Opens the database from the main thread to log whether it is there, and keeps one
 * spare searcher ready per worker thread: a worker's first request then finds its
 * database open and its facet tables built (else that request pays ~10 ms). Nothing is
 * kept when the database cannot be opened (logged; the workers open it when it comes). */
void sd_searcher_probe(sd_server *s);

/* The calling thread's worker, advanced as described above (the one place a searcher is
 * opened or replaced). NULL with err set (GW_ENOTFOUND, GW_EIO, ...) when it has no
 * searcher and none can be opened: answer 503. Owned by the thread. */
sd_worker *sd_worker_get(sd_server *s, const gw_config *cfg, gw_err *err);
/* The calling thread's worker as it is, without any check; NULL when it has no searcher. */
sd_worker *sd_worker_current(sd_server *s);
/* Its searcher: borrowed, valid until the thread's next sd_worker_get. */
gw_searcher *sd_worker_searcher(sd_worker *w);
/* Its answer cache (NULL when caching is off) and the epoch that guards it (see above). */
struct sd_cache *sd_worker_cache(sd_worker *w);
unsigned long sd_worker_epoch(const sd_worker *w);
/* Document count and revision of what this worker serves. */
void sd_worker_info(sd_worker *w, long *docs, long *revision);

#endif
