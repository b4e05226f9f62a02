/* api.h: what the page (page routes in page.c) borrows from api.c: running a search on
 * this worker's searcher with the reopen-and-retry policy. */
#ifndef SD_API_H
#define SD_API_H

#include "gw_search.h"
#include "params.h"
#include "server.h"

/* Runs p (already checked) on this thread's searcher. NULL with r filled with the error
 * reply (400 bad query, 503 no database or busy, 500) — HTML when html is set.
 * Caller frees the results with gw_results_free. */
gw_results *sd_run_search(sd_request *rq, const sd_params *p, int html, sd_reply *r);

/* The answer cache (cache.h) around a handler: sd_cache_serve fills r from this worker's
 * cache and returns 1 on a hit; sd_cache_keep stores a 200 answer. The key is the route,
 * the Accept choice and the raw target. */
int sd_cache_serve(sd_request *rq, sd_reply *r);
void sd_cache_keep(sd_request *rq, const sd_reply *r);

#endif
