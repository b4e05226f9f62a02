/* page.h: the HTML search page and document view (server-rendered, no script, no remote
 * resource; readable on a phone).
 *
 * Every string from a document, a query or a request is written through gw_escape_html
 * (gw_escape.h); the only markup the page contains is its own. Highlights are drawn here from
 * plain text + character marks, never by trusting a ready-made HTML fragment.
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

/* Appends text[0..len) escaped, with the character ranges in marks wrapped in
 * <mark>...</mark>; with paragraphs set, each line becomes a <p> (a mark crossing a line
 * is closed and reopened). Marks must be sorted; overlapping or out-of-range ones are
 * clipped. */
void sd_html_marked(gw_buf *out, const char *text, size_t len, const gw_mark *marks,
                    size_t n, int paragraphs);
/* The same for plain text: matches set off by 【】 (for the curl route). */
void sd_text_marked(gw_buf *out, const char *text, size_t len, const gw_mark *marks,
                    size_t n);

#endif
