/* gw_xapian.h: Gongwen's C wrapper over the Xapian C++ API (implemented in gw_xapian.cc,
 * the project's only C++ file).
 *
 * Some conventions:
 *  1. Handles are opaque. Every gw_X_new / gw_X_open has a gw_X_free / gw_X_close;
 *     passing NULL to a free/close does nothing.
 *  2. No C++ exception crosses this boundary. Every Xapian::Error becomes a gw_code plus a
 *     message in `err` (last argument, may be NULL): DatabaseModifiedError -> GW_EMODIFIED
 *     (reopen with gw_db_reopen() and retry), DatabaseLockError -> GW_ELOCKED,
 *     DatabaseCorruptError -> GW_ECORRUPT, DatabaseNotFoundError / DocNotFoundError ->
 *     GW_ENOTFOUND, DatabaseOpeningError -> GW_EIO, InvalidArgumentError -> GW_EINVAL,
 *     anything else -> GW_EINTERNAL. std::bad_alloc aborts (gw_xmalloc policy).
 *  3. Strings are (pointer, length) pairs where binary content is possible (terms, values,
 *     data) and NUL-terminated C strings for paths. Strings returned to C are either
 *     borrowed with a stated lifetime, or malloc'ed copies the caller free()s — each
 *     function says which.
 *  4. Threads: a handle belongs to one thread at a time. Xapian objects are not
 *     thread-safe; open one gw_db per thread (searchd does so per worker).
 *  5. Document ids are Xapian docids (unsigned, 1-based; 0 means "none").
 *  6. Writes land only by whole commits. A writable handle always keeps a Xapian
 *     transaction open (an implicit, unflushed one between gw_db_commit() calls, or the
 *     caller's explicit one), so nothing reaches readers before gw_db_commit() (or the end
 *     of a flushed transaction), and gw_db_close() discards the rest.
 *     XAPIAN_FLUSH_THRESHOLD (read by Xapian) still bounds the writer's memory: postings
 *     are flushed to the tables every N documents, without an intermediate commit
 *     (measured: 6,000 docs x 800 postings, threshold 250: 41 MB RSS, reader sees nothing
 *     until the commit; threshold 100,000: 599 MB).
 *
 * Typical use (indexing):
 *     gw_db *db = gw_db_open(path, GW_DB_CREATE_OR_OPEN, &err);
 *     gw_xdoc *d = gw_xdoc_new();
 *     gw_xdoc_add_posting(d, "机关", 6, 1, 1); ...
 *     gw_xdoc_set_value(d, 0, "20230918", 8);
 *     gw_db_replace_by_term(db, "Qcorpus/a.txt", 13, d, &err);
 *     gw_xdoc_free(d);
 *     gw_db_commit(db, &err);
 *     gw_db_close(db);
 *
 * Typical use (searching):
 *     gw_xquery *q = gw_xquery_phrase(terms, lens, n, 0);
 *     gw_search_opts o = GW_SEARCH_OPTS_INIT; o.limit = 10;
 *     gw_mset *m = gw_db_search(db, q, &o, &err);      // NULL + GW_EMODIFIED: reopen, retry
 *     for (size_t i = 0; i < gw_mset_size(m); i++) { gw_mset_docid(m, i); ... }
 *     gw_mset_free(m); gw_xquery_free(q);
 */
#ifndef GW_XAPIAN_H
#define GW_XAPIAN_H

#include "gw_err.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned gw_docid;

/* ---- Database -------------------------------------------------------------------------- */

typedef struct gw_db gw_db;
typedef struct gw_xdoc gw_xdoc; /* a Xapian::Document, see Documents below */

enum gw_db_mode {
    GW_DB_READ = 0,              /* read-only; path may be a directory or a stub file */
    GW_DB_CREATE_OR_OPEN = 1,    /* writable; create if missing */
    GW_DB_CREATE = 2,            /* writable; fail (GW_EINVAL) if it exists */
    GW_DB_CREATE_OR_OVERWRITE = 3, /* writable; replace any existing database */
    GW_DB_OPEN = 4               /* writable; fail (GW_ENOTFOUND) if missing */
};

/* Opens a database. A read-only open accepts a Xapian stub file listing several databases
 * (shards, one "auto PATH" line each; remote shards as "remote ..."). Writable opens
 * create glass databases and take the database's write lock: a second writer (in this or
 * another process) gets GW_ELOCKED; readers are never blocked. Returns NULL on failure:
 * GW_ENOTFOUND (missing database, GW_DB_READ / GW_DB_OPEN), GW_EINVAL (bad mode, empty
 * path, GW_DB_CREATE on an existing path), GW_ELOCKED, GW_EIO (not a database, cannot
 * create). The message starts with the path. */
gw_db *gw_db_open(const char *path, int mode, gw_err *err);

/* Opens several read-only databases as one (Xapian::Database::add_database); each path
 * may itself be a stub file. NULL on failure (n == 0: GW_EINVAL); the message names the
 * path that failed. Docids of a combined database interleave the shards' docids. */
gw_db *gw_db_open_many(const char *const *paths, size_t n, gw_err *err);

/* Closes and frees, releasing the write lock. A writable database's uncommitted changes
 * (including an open explicit transaction) are DISCARDED (Xapian would commit them on
 * close; we don't want a half batch to land when a run aborts). */
void gw_db_close(gw_db *db);

int gw_db_is_writable(const gw_db *db);

/* Read-only handles: moves to the latest committed revision. Returns GW_OK (also when
 * nothing changed, and on a writable handle, which always sees its latest state).
 * Required after GW_EMODIFIED. */
int gw_db_reopen(gw_db *db, gw_err *err);

/* Number of documents, 0 on error (err set). A writer counts its pending changes; a
 * reader counts its revision's documents. */
unsigned gw_db_doc_count(gw_db *db, gw_err *err);
/* Last committed revision (0 for a fresh database or on error; not available for several
 * databases or remote shards: returns 0 with GW_EINVAL). */
unsigned long gw_db_revision(gw_db *db, gw_err *err);
/* Highest docid in use. */
gw_docid gw_db_last_docid(gw_db *db, gw_err *err);
/* Number of documents that contain `term`, 0 if none (or on error, err set). */
unsigned gw_db_term_freq(gw_db *db, const char *term, size_t len, gw_err *err);
/* Average document length in terms (for ranking diagnostics). */
double gw_db_avg_length(gw_db *db, gw_err *err);

/* User metadata (key -> value) stored in the database; committed with the documents.
 * get returns a malloc'ed copy (caller frees; NUL-terminated too) and its length, or NULL
 * when the key is absent (err->code GW_OK, *len 0) or on error. Setting an empty value
 * deletes the key; an empty key is GW_EINVAL. set needs a writable handle (GW_EINVAL). */
char *gw_db_get_metadata(gw_db *db, const char *key, size_t *len, gw_err *err);
int gw_db_set_metadata(gw_db *db, const char *key, const char *value, size_t len, gw_err *err);

/* ---- Writing --------------------------------------------------------------------------- */
/* Every writing function needs a writable handle (GW_EINVAL otherwise). */

/* Adds a document; returns its new docid, 0 on failure. */
gw_docid gw_db_add(gw_db *db, const gw_xdoc *doc, gw_err *err);
/* Replaces the document(s) indexed by unique term `uid` (e.g. "Qrel/path.txt"), or adds
 * it if none has it. Returns the docid, 0 on failure. */
gw_docid gw_db_replace_by_term(gw_db *db, const char *uid, size_t len, const gw_xdoc *doc,
                               gw_err *err);
/* Deletes the document(s) indexed by `uid`. Deleting a term nobody has is not an error;
 * an empty uid is GW_EINVAL. */
int gw_db_delete_by_term(gw_db *db, const char *uid, size_t len, gw_err *err);
/* Deletes by docid; GW_ENOTFOUND if there is no such document (or id 0). */
int gw_db_delete(gw_db *db, gw_docid id, gw_err *err);

/* Commits all pending changes atomically (readers see all of them or none). An empty
 * commit is fine. GW_EINVAL inside an explicit transaction (end it first). */
int gw_db_commit(gw_db *db, gw_err *err);
/* Explicit transactions (one at a time; GW_EINVAL for a nested begin, or an end without a
 * begin): begin, then commit_transaction (atomic) or cancel_transaction.
 *  flushed = 1: begin first commits what is pending (durably); commit_transaction makes
 *    the transaction's changes durable and visible on return; cancel drops only the
 *    changes made since begin.
 *  flushed = 0: nothing is written at begin; commit_transaction keeps the changes pending
 *    (they land with the next gw_db_commit, or are discarded by close); cancel drops the
 *    transaction's changes AND those pending from before begin (Xapian's unflushed
 *    transactions work so) — i.e. everything since the last commit. */
int gw_db_begin(gw_db *db, int flushed, gw_err *err);
int gw_db_commit_transaction(gw_db *db, gw_err *err);
int gw_db_cancel_transaction(gw_db *db, gw_err *err);

/* Compacts the (read-only or writable, committed) database at src into a new database at
 * dst (which must not exist: GW_EINVAL). src may be a stub listing several databases:
 * they are merged into one. A writer may hold src's lock meanwhile (its uncommitted
 * changes are not included). Used after a rebuild: it shrinks glass by ~40%. */
int gw_db_compact(const char *src, const char *dst, gw_err *err);

/* Xapian's consistency check of the database directory at path (every table's B-tree,
 * and the tables against each other). Returns the number of problems found (0: none),
 * or -1 with err set when the check could not run or stopped at damage (GW_ECORRUPT,
 * GW_ENOTFOUND). *report (may be NULL) receives Xapian's findings as text (malloc'ed,
 * caller frees; "" when clean). Reads the whole database: minutes for a large one. */
int gw_db_check(const char *path, char **report, gw_err *err);

/* ---- Documents ------------------------------------------------------------------------- */

gw_xdoc *gw_xdoc_new(void);
void gw_xdoc_free(gw_xdoc *doc);
/* The builders below return nothing. On a new document they cannot fail (they abort only
 * on out-of-memory). On a document read from a database (gw_db_get_doc) Xapian loads its
 * terms and values lazily, so a damaged database can fail there: the first such error is
 * kept in the document, later builders do nothing, gw_xdoc_term_count gives 0, and
 * gw_db_add / gw_db_replace_by_term refuse the document with that error (GW_ECORRUPT for
 * a damaged table). A term is at most 245 bytes: a longer one makes gw_db_add/replace
 * fail with GW_EINVAL. An empty term is ignored. */
/* Adds term (wdf += wdf_inc) without a position. */
void gw_xdoc_add_term(gw_xdoc *doc, const char *term, size_t len, unsigned wdf_inc);
/* Adds term at position pos (1-based positions are customary; 0 is allowed). */
void gw_xdoc_add_posting(gw_xdoc *doc, const char *term, size_t len, unsigned pos,
                         unsigned wdf_inc);
/* Number of distinct terms added so far. */
size_t gw_xdoc_term_count(const gw_xdoc *doc);
void gw_xdoc_set_value(gw_xdoc *doc, unsigned slot, const char *value, size_t len);
void gw_xdoc_set_data(gw_xdoc *doc, const char *data, size_t len);

/* Reads a stored document (its data is read at once). Returns NULL with GW_ENOTFOUND for
 * a bad docid (0, deleted, beyond the last), GW_EMODIFIED for a reader left behind.
 * Caller frees with gw_xdoc_free(). */
gw_xdoc *gw_db_get_doc(gw_db *db, gw_docid id, gw_err *err);
/* Borrowed views of a document (valid until gw_xdoc_free, or until the same slot / the
 * data is set again), NUL-terminated as well. A missing value is ("", 0). Values are read
 * lazily from the database: should that fail (reader left behind), the result is ("", 0).
 * Also work on a document being built. len may be NULL. */
const char *gw_xdoc_data(const gw_xdoc *doc, size_t *len);
const char *gw_xdoc_value(const gw_xdoc *doc, unsigned slot, size_t *len);

/* Docid of the first document indexed by term (e.g. a unique id "Q..."), 0 if none. */
gw_docid gw_db_find_by_term(gw_db *db, const char *term, size_t len, gw_err *err);

/* Calls fn for every term starting with prefix (NULL or "" = every term), in bytewise
 * sorted order, with its document frequency. A non-zero return from fn stops the walk and is returned. The term pointer
 * is valid only during the call. */
typedef int (*gw_term_fn)(void *ctx, const char *term, size_t len, unsigned doc_freq);
int gw_db_walk_terms(gw_db *db, const char *prefix, gw_term_fn fn, void *ctx, gw_err *err);

/* Calls fn for every document that contains term (postlist order = docid order). */
typedef int (*gw_posting_fn)(void *ctx, gw_docid id);
int gw_db_walk_postings(gw_db *db, const char *term, size_t len, gw_posting_fn fn, void *ctx,
                        gw_err *err);

/* ---- Queries --------------------------------------------------------------------------- */

typedef struct gw_xquery gw_xquery;

enum gw_xquery_op {
    GW_OP_AND, GW_OP_OR, GW_OP_AND_NOT, /* first AND NOT (OR of the rest) */
    GW_OP_FILTER,                       /* first, filtered by the rest (no weight from them) */
    GW_OP_AND_MAYBE,                    /* first, rest add weight only */
    GW_OP_NEAR                          /* all within `window` positions, any order
                                           (window 0 = n); window is ignored by the
                                           other operators */
};

/* Constructors return a new query the caller frees with gw_xquery_free(). Combining
 * functions COPY their sub-queries (Xapian::Query is reference counted): the caller still
 * frees the ones it passed. They never fail (arguments are checked by assertion); a
 * combination of zero queries is the match-nothing query. */
gw_xquery *gw_xquery_term(const char *term, size_t len, unsigned wqf);
/* Exact phrase: terms in this order at consecutive positions. window 0 = n (strict
 * adjacency); a larger window allows gaps (terms in order within `window` positions).
 * n == 1 gives a plain term query, n == 0 the match-nothing query. */
gw_xquery *gw_xquery_phrase(const char *const *terms, const size_t *lens, size_t n,
                            unsigned window);
gw_xquery *gw_xquery_combine(int op, gw_xquery *const *subs, size_t n, unsigned window);
/* Documents whose value in slot lies in [lo, hi] (bytewise string comparison; NULL = open
 * end). A document without a value in the slot never matches, not even with both ends
 * open (that is "has a value in slot"). */
gw_xquery *gw_xquery_value_range(unsigned slot, const char *lo, const char *hi);
/* Every document (for filters alone: "year:2023" with no words). */
gw_xquery *gw_xquery_all(void);
gw_xquery *gw_xquery_none(void);
/* Multiplies the weight of q by factor (>= 0). */
gw_xquery *gw_xquery_scale(const gw_xquery *q, double factor);
/* Terms whose names start with prefix, ORed (e.g. all bigrams beginning with a character);
 * at most max_expansion terms, the most frequent ones (0 = unlimited). */
gw_xquery *gw_xquery_wildcard(const char *prefix, unsigned max_expansion);
void gw_xquery_free(gw_xquery *q);
/* Xapian's own description of the query (for --explain); caller frees. */
char *gw_xquery_describe(const gw_xquery *q);

/* ---- Searching ------------------------------------------------------------------------- */

#define GW_MAX_FACETS 4

typedef struct gw_search_opts {
    unsigned offset;          /* first hit to return (0-based) */
    unsigned limit;           /* number of hits to return */
    unsigned check_at_least;  /* look at this many matches at least (exact counts/facets);
                                 0 = Xapian default. Use gw_db_doc_count() for "all". */
    int sort_slot;            /* -1 = relevance; else sort by this value slot */
    int sort_descending;      /* with sort_slot >= 0: 1 = largest value first */
    int relevance_tiebreak;   /* with sort_slot >= 0: ties broken by relevance */
    int collapse_slot;        /* -1 = none; else keep the best hit per value of this slot */
    unsigned facet_slots[GW_MAX_FACETS]; /* value slots to count (match spy) */
    unsigned n_facets;
    double bm25_k1, bm25_b;   /* <= 0: Xapian's defaults (1.2, 0.75) */
    unsigned facet_max;       /* 0 = every facet value; else only the facet_max most
                                 frequent (a source facet can have thousands of values) */
    int collect_docids;       /* 1: keep the ids of the matches the search looked at
                                 (gw_mset_docids) */
    const gw_docid *accept_ids; /* non-NULL: only these documents (increasing ids, borrowed
                                 for the call) may be returned or counted: a second pass
                                 over the known matches of a first one can then rank with
                                 a cheaper superset query; the others are skipped
                                 before they are weighed (weights and percentages stay
                                 the query's own). One database only: GW_EINVAL on a
                                 combined one (its shards number documents apart);
                                 a local one (the restriction is not serialisable) */
    size_t n_accept_ids;
    int distinct_slot;        /* >= 0: count the matches looked at per value of this slot
                                 (gw_mset_distinct), e.g. the near-duplicate key: the
                                 exact number of collapsed results and of "similar" ones */
    int facet_group_byte;     /* >= 0: facet values are a key, this byte, then one form of
                                 it (a value without the byte is a key of its own): the
                                 counts are summed per key BEFORE the facet_max most
                                 frequent are kept, and a key's entry is its most frequent
                                 value (ties: the smallest) with the key's total; -1 none */
    double time_limit;        /* seconds, 0 = none: past it Xapian stops looking for more
                                 than the page (check_at_least is dropped; counts and
                                 facets become partial); the matcher itself is not cut */
} gw_search_opts;

#define GW_SEARCH_OPTS_INIT {0, 10, 0, -1, 0, 0, -1, {0, 0, 0, 0}, 0, 0, 0, 0, 0, NULL, 0, -1, -1, 0}

typedef struct gw_mset gw_mset;

/* Runs q. opts NULL = GW_SEARCH_OPTS_INIT. Returns NULL on failure: GW_EMODIFIED means
 * reopen the database and retry; GW_EINVAL for n_facets > GW_MAX_FACETS. Caller frees
 * with gw_mset_free(). The mset keeps the database's state alive; don't use it after
 * gw_db_close(). With sort_slot, documents without a value sort as "" (first when
 * ascending). */
gw_mset *gw_db_search(gw_db *db, const gw_xquery *q, const gw_search_opts *opts, gw_err *err);
void gw_mset_free(gw_mset *m);

/* Per-hit accessors take i in [0, gw_mset_size) and return 0 outside it. */
size_t gw_mset_size(const gw_mset *m);           /* hits in this page */
unsigned gw_mset_estimated(const gw_mset *m);    /* Xapian's estimate of all matches */
unsigned gw_mset_lower_bound(const gw_mset *m);  /* exact when lower == upper */
unsigned gw_mset_upper_bound(const gw_mset *m);
gw_docid gw_mset_docid(const gw_mset *m, size_t i);
double gw_mset_weight(const gw_mset *m, size_t i);
int gw_mset_percent(const gw_mset *m, size_t i);
/* With a collapse slot: how many other matches share this hit's key (lower bound). */
unsigned gw_mset_collapse_count(const gw_mset *m, size_t i);
/* The hit's document (borrowed, valid until gw_mset_free; read once, then cached);
 * NULL + err on failure (GW_EINVAL for i out of range, GW_EMODIFIED: reopen, search
 * again). */
const gw_xdoc *gw_mset_doc(gw_mset *m, size_t i, gw_err *err);

/* Facet counts for facet index f (0-based index into opts->facet_slots), most frequent
 * first: n entries; value and count of entry j. Values are borrowed (valid until
 * gw_mset_free). Counts cover the documents the match looked at (all of them when
 * check_at_least >= number of matches). */
size_t gw_mset_facet_count(const gw_mset *m, unsigned f);
const char *gw_mset_facet_value(const gw_mset *m, unsigned f, size_t j, size_t *len);
unsigned gw_mset_facet_freq(const gw_mset *m, unsigned f, size_t j);

/* With opts->distinct_slot: how many matches the search looked at (all of them only if
 * that equals the lower bound, which Xapian may know exactly without looking, e.g. for
 * one term); 0 when not counted (no table: writable, sharded or remote database). */
unsigned gw_mset_distinct_seen(const gw_mset *m);
/* With opts->distinct_slot: 1 and the number of distinct non-empty values among those
 * matches (*n_values) and of those without a value (*n_without); 0 when not counted. */
int gw_mset_distinct(const gw_mset *m, unsigned *n_values, unsigned *n_without);
/* With opts->distinct_slot: how many of the matches looked at have this value (0 if
 * none, or not counted). */
unsigned gw_mset_distinct_freq(const gw_mset *m, const char *value, size_t len);

/* With opts->collect_docids: the ids of the matches the search looked at (all of them
 * when lower bound == upper bound), increasing; *n their number. Borrowed, valid until
 * gw_mset_free. NULL, *n = 0 without collect_docids or when the database cannot tell
 * (a combined database: its shards number their documents apart; remote shards): check
 * *n against the bounds before relying on it. */
const gw_docid *gw_mset_docids(const gw_mset *m, size_t *n);

/* Facets of a read-only handle on one local database are counted from a table
 * docid -> value number, built once per slot at the first search that counts it and
 * rebuilt after gw_db_reopen() sees a new revision (a pass over the slot's values: ~6 ms
 * per 20,000 documents; 4 bytes per document and slot). The tables are shared by all the
 * handles of the process on the same database and revision (thread-safe). Writable
 * handles and sharded or remote databases read each match's value instead. The counts are
 * the same either way. gw_db_prepare_facets builds (or takes) the tables of these slots
 * now, so that no search pays for them; a no-op where tables are not used. */
int gw_db_prepare_facets(gw_db *db, const unsigned *slots, size_t n, gw_err *err);

#ifdef __cplusplus
}
#endif

#endif
