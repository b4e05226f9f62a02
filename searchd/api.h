/* api.h: what the page (page routes in page.c) borrows from api.c: running a search once
 * on this worker's searcher (the search core retries on its own: gw_search.h,
 * convention 2). */
#ifndef SD_API_H
#define SD_API_H

#include "gw_search.h"
#include "params.h"
#include "server.h"

/* Runs p (already checked) on this thread's searcher. NULL with r filled with the error
 * reply (400 bad query, 503 no database or busy, 500) — HTML when html is set.
 * Caller frees the results with gw_results_free. */
gw_results *sd_run_search(sd_request *rq, const sd_params *p, int html, sd_reply *r);

/* Writes a page of results into body; returns its content type (a static string). */
typedef const char *(*sd_render_fn)(gw_buf *body, const sd_params *p, const gw_results *res);

/* The whole answer of a search route: sd_run_search, then on success 200 with render's
 * body, kept in the answer cache (sd_cache_keep); on failure r holds the error reply. */
void sd_reply_results(sd_request *rq, const sd_params *p, int html, sd_render_fn render,
                      sd_reply *r);

/* The answer cache (cache.h) around a handler: sd_cache_serve fills r from this worker's
 * cache and returns 1 on a hit; sd_cache_keep stores a 200 answer. The key is the route,
 * the Accept choice and the raw target. */
int sd_cache_serve(sd_request *rq, sd_reply *r);
void sd_cache_keep(sd_request *rq, const sd_reply *r);

#endif
