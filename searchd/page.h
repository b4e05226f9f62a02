/* page.h: the HTML search page and document view (server-rendered, no script, no remote
 * resource; readable on a phone).
 *
 * Every string from a document, a query or a request is written through gw_escape_html
 * (gw_escape.h); the only markup the page contains is its own. Highlights are drawn from
 * plain text + character marks by gw_mark_html (gw_mark.h), never by trusting a
 * ready-made HTML fragment.
 * Thread-safe (no state). */
#ifndef SD_PAGE_H
#define SD_PAGE_H

#include "gw_buf.h"
#include "gw_search.h"
#include "params.h"

/* The home page (p may be NULL), optionally with an error message under the box. */
void sd_page_home(gw_buf *out, const sd_params *p, const char *error);
/* A page of results for p. */
void sd_page_results(gw_buf *out, const sd_params *p, const gw_results *res);
/* One document, its matches of q (may be NULL) highlighted. */
void sd_page_doc(gw_buf *out, const gw_docview *d, const char *q);

#endif
