/* gw_search.h: the search core — query text in, a page of hits with snippets, facets and an
 * explanation out (DESIGN.md §4-5). Used by gongwen-searchd and the gongwen-search CLI,
 * which print the SAME JSON (gw_results_to_json).
 *
 * Some conventions:
 *  1. A gw_searcher wraps one read-only gw_db. It belongs to ONE thread at a time (Xapian
 *     objects are not thread-safe): searchd opens one per worker thread.
 *  2. Freshness and retries — the one retry policy of the search path: a search or a
 *     document read that fails with GW_EMODIFIED (the reader fell behind the writer),
 *     GW_EIO or GW_ECORRUPT (a rebuild removed the files of the revision it read) is run
 *     again, at most GW_SEARCH_ATTEMPTS times in all: the second time on the latest
 *     revision (gw_searcher_reopen), the third on the path opened afresh
 *     (gw_searcher_reopen_afresh: a rebuild renamed a new stub over the path, and
 *     Xapian's reopen never follows a changed stub). The last error is returned after
 *     that: the index is being rewritten faster than it can be read, or it is damaged.
 *     Callers do not retry on their own.
 *  3. Results are plain structs the caller reads directly and frees with gw_results_free;
 *     every string in them is owned by the results and never NULL (explain_json, an
 *     object, is NULL when no explanation was asked).
 *  4. Character offsets: snippet marks are given in CHARACTERS (Unicode code points) of
 *     snippet_text, which is what JSON clients (JavaScript, Python) index by... almost:
 *     JavaScript strings count UTF-16 units, so the JSON also carries the marks in UTF-16
 *     units ("marks_utf16") for characters outside the BMP. Byte offsets are never
 *     exposed.
 *  5. Errors: GW_EINVAL for an empty query (no filter either) or one longer than
 *     max_query_bytes, with a message saying which; GW_ENOTFOUND for a missing database
 *     or document; GW_EMODIFIED as above; others from gw_xapian.
 *
 * Typical use:
 *     gw_searcher *s = gw_searcher_open("gongwen.db", &err);
 *     gw_search_req rq = GW_SEARCH_REQ_INIT; rq.q = "高质量发展"; rq.limit = 10;
 *     gw_results *r = gw_searcher_search(s, &rq, &err);
 *     char *json = gw_results_to_json(r); puts(json); free(json);
 *     gw_results_free(r);
 *     gw_searcher_close(s);
 */
#ifndef GW_SEARCH_H
#define GW_SEARCH_H

#include "gw_err.h"
#include "gw_snippet.h"
#include "gw_xapian.h"

#include <stddef.h>

typedef struct gw_searcher gw_searcher;

/* Opens db_path read-only (a directory or a stub file) and prepares normalization
 * (gw_norm_init). NULL on failure (GW_ENOTFOUND when nothing is there).
 * The query segmenter's dictionary loads at the first query (~0.2 s) unless
 * gw_query_init() (gw_query.h) was called before: a daemon calls it at start-up. */
gw_searcher *gw_searcher_open(const char *db_path, gw_err *err);
void gw_searcher_close(gw_searcher *s);
/* At most this many runs of one search or document read (convention 2). */
#define GW_SEARCH_ATTEMPTS 3

/* Moves to the latest committed revision. GW_OK also when nothing changed. */
int gw_searcher_reopen(gw_searcher *s, gw_err *err);
/* Opens the searcher's path again (it may name another database now) and, on success
 * only, serves from it; on failure s keeps what it had. */
int gw_searcher_reopen_afresh(gw_searcher *s, gw_err *err);
/* Bumped each time s moves to another revision or database (a reopen that found a new
 * revision, a fresh open, the retries of convention 2): answers computed under an
 * earlier generation may be stale. */
unsigned long gw_searcher_generation(const gw_searcher *s);
/* The underlying database (borrowed; for counts/revision). */
gw_db *gw_searcher_db(gw_searcher *s);

enum gw_sort {
    GW_SORT_RELEVANCE = 0, /* default */
    GW_SORT_DATE_DESC = 1, /* newest first ("-date"; relevance breaks ties) */
    GW_SORT_DATE_ASC = 2   /* oldest first ("date") */
};

typedef struct gw_search_req {
    const char *q;            /* the query (UTF-8; docs/query-syntax.md); may be NULL/""
                                 when a filter below is given (then every document that
                                 passes the filters matches, newest first by default) */
    unsigned offset, limit;   /* page: hits [offset, offset+limit) */
    int sort;                 /* enum gw_sort */
    const char *source;       /* source filter: the whole name in any spelling (folded,
                                 gw_index_source_key), NULL/"" = none */
    int year;                 /* 0 = none */
    const char *from, *to;    /* "YYYY-MM-DD" date range ends, NULL/"" = open */
    int collapse;             /* 1: near-duplicates collapsed into one hit (default) */
    unsigned snippet_chars;   /* snippet budget in characters, 0 = 120 */
    int want_facets;          /* 1: source/year counts of all matches, uncollapsed (exact
                                 up to 10,000 matches; the 100 most frequent sources, one
                                 entry per folded name, labelled with its most frequent
                                 spelling) */
    int want_explain;         /* 1: fill results->explain */
    unsigned similar_to;      /* docid: list the documents collapsed into this hit (its
                                 near-duplicates, the hit itself first) instead of q's
                                 hits; q still drives snippets */
    size_t max_query_bytes;   /* 0 = 1000 */
    int no_snippets;          /* 1: hits carry empty snippets (scripts that want only ids
                                 skip the highlighting work) */
    unsigned time_limit_ms;   /* 0 = none. Past it the search stops looking and answers
                                 with what it found: results->timed_out, totals and facets
                                 marked inexact; the page is still filled with real matches
                                 (verification stops only once the page is safe, or at the
                                 limit; Xapian stops counting, not matching) */
} gw_search_req;

#define GW_SEARCH_REQ_INIT {NULL, 0, 10, GW_SORT_RELEVANCE, NULL, 0, NULL, NULL, 1, 0, 1, 0, \
                            0, 0, 0, 0}

/* The part of a document a snippet is drawn on: the body when it holds a match (or no
 * query asks for one), else the metadata lines, else the chrome lines (gw_doc.h). */
typedef enum gw_snippet_from {
    GW_SNIPPET_FROM_BODY = 0,
    GW_SNIPPET_FROM_META,
    GW_SNIPPET_FROM_CHROME
} gw_snippet_from;

/* "body", "metadata", "chrome": the JSON API's words. */
const char *gw_snippet_from_name(gw_snippet_from f);

typedef struct gw_hit {
    gw_docid id;              /* Xapian docid (stable until the next rebuild) */
    char *path;               /* relative path: the stable id */
    char *title, *date, *source, *docno;
    double score;             /* relevance weight (0 when sorted by date only) */
    int percent;
    char *snippet_html;       /* HTML: escaped text, matches in <mark>, fragments joined
                                 with … */
    char *snippet_text;       /* the same as plain text */
    gw_mark *marks;           /* matches in snippet_text */
    size_t n_marks;
    unsigned similar;         /* number of near-duplicates collapsed into this hit (exact
                                 when the total is, else Xapian's lower bound) */
    char *dupkey;             /* its near-duplicate key ("" if none) */
    gw_snippet_from snippet_from; /* the part the snippet was drawn on */
} gw_hit;

typedef struct gw_facet {
    char *value;
    unsigned count;
} gw_facet;

typedef struct gw_results {
    unsigned total;           /* matches (after collapsing); exact when total_is_exact.
                                 With collapsing and facets: exact up to 10,000 matches
                                 (the facet pass counts them per near-duplicate key);
                                 beyond, Xapian's estimate, raised to the exact
                                 uncollapsed count where that is known. A query checked
                                 against the text (punctuation at a phrase's edge) checks
                                 all candidates up to 300, then only enough for the page
                                 and extrapolates */
    int total_is_exact;       /* 1 when total is exact, 0 when it is an estimate */
    int timed_out;            /* 1: the time limit cut the search (total_is_exact is 0,
                                 facets count only what was seen) */
    double took_ms;
    gw_hit *hits;
    size_t n_hits;
    gw_facet *facet_source, *facet_year; /* most frequent first (year: newest first) */
    size_t n_facet_source, n_facet_year;
    char *explain;            /* human-readable explanation (want_explain), "" otherwise */
    struct json_t *explain_json; /* the same as a jansson object (gw_query_explain_object;
                                 owned by the results), NULL otherwise */
    char *query_norm;         /* the normalized query text */
} gw_results;

/* Runs a search. NULL on failure (see conventions). */
gw_results *gw_searcher_search(gw_searcher *s, const gw_search_req *rq, gw_err *err);
void gw_results_free(gw_results *r);

/* The results as one JSON object, malloc'ed, caller frees (gw_json_dump, compact; never
 * NULL):
 * {"query","total","total_is_exact","timed_out","took_ms","hits":[{"id","path","title","date",
 *  "source","docno","score","percent","snippet_html","snippet":{"text",
 *  "marks":[[s,e],...],"marks_utf16":[[s,e],...]},"similar","dupkey"}],
 *  "facets":{"source":[{"value","count"}],"year":[...]},"explain":{...},
 *  "explain_text"} ("explain" and "explain_text" only when asked). */
char *gw_results_to_json(const gw_results *r);

/* One whole document for GET /doc/{id}. */
typedef struct gw_docview {
    gw_docid id;
    char *path, *title, *date, *source, *docno, *encoding;
    char *html;               /* the whole text, HTML-escaped, paragraphs as <p>, matches
                                 of q (if given) in <mark> */
    char *text;               /* the whole text, plain */
    gw_mark *marks;           /* matches in text, characters */
    size_t n_marks;
} gw_docview;

/* id: a decimal docid, or a document's relative path. q may be NULL. NULL + GW_ENOTFOUND
 * when there is no such document. */
gw_docview *gw_searcher_get_doc(gw_searcher *s, const char *id, const char *q, gw_err *err);
void gw_docview_free(gw_docview *d);
/* {"id","path","title","date","source","docno","encoding","html","text","marks",
 * "marks_utf16"}, malloc'ed, caller frees (gw_json_dump, compact; never NULL). */
char *gw_docview_to_json(const gw_docview *d);

#endif
