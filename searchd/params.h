/* params.h: a request's target (path and query string) -> validated search parameters.
 *
 * Works on the RAW request target as it came off the wire (libmicrohttpd hands it over
 * through its URI log callback), so that bad percent-encoding, invalid UTF-8 and NUL
 * bytes are seen and refused instead of being silently repaired. No MHD types here: the
 * module is plain C and tested on its own.
 * Failures fill `err` with a message for the client (which parameter, what is valid) and
 * an HTTP status (400 for all of them). Thread-safe (no state). */
#ifndef SD_PARAMS_H
#define SD_PARAMS_H

#include "gw_buf.h"

#include <stddef.h>

typedef struct sd_limits {
    size_t max_query_bytes;  /* longer q -> 400 */
    unsigned max_page_size;  /* largest size */
    unsigned max_offset;     /* (page-1)*size + size must not exceed it */
} sd_limits;

enum sd_sort { SD_SORT_RELEVANCE, SD_SORT_DATE_DESC, SD_SORT_DATE_ASC };

typedef struct sd_params {
    char *q;          /* decoded query, NULL when absent ("" when present but empty) */
    unsigned page;    /* 1-based, default 1 */
    unsigned size;    /* default 10 */
    int sort;         /* enum sd_sort */
    char *source;     /* exact source filter or NULL */
    int year;         /* 0 = none */
    char from[11], to[11]; /* "YYYY-MM-DD" or "" */
    int collapse;     /* 1 (default): near-duplicates collapsed */
    int explain;      /* 1 (default): the answer explains how the query was understood;
                         0 leaves the explanation out and saves its work */
    unsigned similar; /* docid: list that hit's collapsed near-duplicates (0 = none) */
    int facets;       /* 1 (default): source and year counts; 0 skips counting (faster) */
} sd_params;

typedef struct sd_perr {
    int status;
    char msg[256];
} sd_perr;

/* Percent-decodes s[0..len) into out (appending; NUL-terminated). plus_space: '+' means
 * ' ' (query strings). Returns 0, or -1 on a bad escape, an escaped NUL, or a result
 * that is not valid UTF-8 (the caller names the parameter). */
int sd_pct_decode(const char *s, size_t len, int plus_space, gw_buf *out);

/* Parses the query string qs[0..len) (after '?', without it) into *p (initialised here
 * with the defaults; free with sd_params_free even on failure). Returns 0 or -1 + err.
 * Unknown parameter names are refused, the way Elasticsearch does, so a typo ("szie")
 * does not silently do nothing. */
int sd_params_parse(const char *qs, size_t len, const sd_limits *lim, sd_params *p,
                    sd_perr *err);
/* Checks the parameters as a whole (q not too long, result window). A missing or blank q
 * is "empty query" unless a filter (source, year, from, to) is given: then every document
 * passing the filters matches. Returns 0 or -1 + err. */
int sd_params_check(const sd_params *p, const sd_limits *lim, sd_perr *err);
void sd_params_free(sd_params *p);

/* Appends the query string that reproduces p's search with the given changes (page, sort,
 * source, year; pass -1/NULL to keep p's value, "" to drop a filter), percent-encoded,
 * starting with '?'. For links on the page, which carry q, the filters, sort, size,
 * collapse, similar and page, never facets= or explain= (the page wants both). */
void sd_params_link(gw_buf *out, const sd_params *p, int page, int sort, const char *source,
                    int year);

#endif
