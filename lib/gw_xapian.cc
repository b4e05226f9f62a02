/* gw_xapian.cc: the C wrapper over Xapian declared in gw_xapian.h — the project's only
 * C++ file. The index it holds (term prefixes, value slots, the stored data) is defined
 * and documented in gw_index.h; this file knows nothing of it and only moves terms, values
 * and data between C and Xapian.
 *
 * Rules kept throughout:
 *  - Every extern "C" function runs its Xapian calls inside a try/catch (catching,
 *    catching_code or or_die below) that turns the exception into a gw_code through
 *    gw_err_from_exception(), or aborts where failure is impossible; nothing throws
 *    into C.
 *  - Handles are small structs around the C++ objects (RocksDB c.cc style).
 *  - A writable handle ALWAYS has a Xapian transaction open: an implicit, unflushed one
 *    between gw_db_commit() calls, or the caller's explicit one. Xapian commits pending
 *    changes when a WritableDatabase is destroyed outside a transaction; inside one it
 *    cancels them, which is the "close discards" contract of gw_db_close(). It also means
 *    XAPIAN_FLUSH_THRESHOLD bounds memory (Xapian still flushes postings to its tables)
 *    but never produces a partial commit that readers could see.
 */
/* gw_err.h is a C header without extern "C" guards of its own. */
extern "C" {
#include "gw_err.h"
}
#include "gw_xapian.h"

#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <sstream>
#include <map>
#include <mutex>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/stat.h>

/* Facet counting by table (see gw_xapian.h): value number by docid for one slot. */
struct facet_table {
    Xapian::valueno slot;
    std::vector<uint32_t> ids;       /* by docid: 0 = no value, else 1 + index in values */
    std::vector<std::string> values; /* in byte order */
};

struct gw_db {
    Xapian::Database *db;          /* always set; == wdb for a writable handle */
    Xapian::WritableDatabase *wdb; /* NULL for read-only */
    bool explicit_txn;             /* the caller's transaction is open (else the implicit) */
    /* Facet tables of this revision (read-only single or multi local databases); cleared
     * when gw_db_reopen moves to a new revision. no_tables: building one failed (remote
     * shards): count per document instead. */
    std::vector<std::shared_ptr<const facet_table>> ftables;
    bool no_tables = false;
};

struct gw_xdoc {
    Xapian::Document doc;
    /* Borrowed views (gw_xdoc_data / gw_xdoc_value) point into these caches; Xapian
     * returns std::string by value, so something must own the bytes. */
    mutable std::string data_cache;
    mutable bool data_cached = false;
    mutable std::map<unsigned, std::string> value_cache;
    /* The first error of a builder (sticky): a document read from a damaged database
     * fails only when a builder makes Xapian load its terms or values. The builders cannot
     * report it (no gw_err), so they record it and do nothing more; gw_db_add and
     * gw_db_replace_by_term refuse the document with it. */
    gw_err failure = {GW_OK, {0}};
};

struct gw_xquery {
    Xapian::Query q;
};

struct gw_facet {
    std::vector<std::pair<std::string, unsigned>> entries; /* most frequent first */
};

struct gw_mset {
    Xapian::MSet mset;
    std::vector<Xapian::docid> matched; /* opts->collect_docids */
    std::shared_ptr<const facet_table> distinct; /* opts->distinct_slot: its table */
    std::vector<uint32_t> distinct_ids; /* value number of each match looked at */
    std::vector<gw_xdoc *> docs; /* per hit, loaded on demand by gw_mset_doc */
    gw_facet facets[GW_MAX_FACETS];
    unsigned n_facets = 0;
    ~gw_mset()
    {
        for (gw_xdoc *d : docs)
            delete d;
    }
};

/* ---- Errors ---------------------------------------------------------------------------- */

[[noreturn]] static void die_oom()
{
    /* gw_xmalloc policy: nothing sane is left to do once allocation fails. */
    fputs("gongwen: out of memory in the Xapian wrapper\n", stderr);
    abort();
}

static int set_xapian(gw_err *err, gw_code code, const Xapian::Error &e)
{
    return gw_err_set(err, code, "%s", e.get_description().c_str());
}

/* Must be called from inside a catch block: rethrows the current exception and maps it by
 * type, most specific first (subclasses before their bases). The clauses are alike on
 * purpose: C++ matches exception types only through catch clauses, so this ladder is the
 * mapping table, and their order is part of it. */
static int gw_err_from_exception(gw_err *err)
{
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &e) {
        return set_xapian(err, GW_EMODIFIED, e);
    } catch (const Xapian::DatabaseLockError &e) {
        return set_xapian(err, GW_ELOCKED, e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return set_xapian(err, GW_ECORRUPT, e);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return set_xapian(err, GW_ENOTFOUND, e);
    } catch (const Xapian::DocNotFoundError &e) {
        return set_xapian(err, GW_ENOTFOUND, e);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return set_xapian(err, GW_EIO, e);
    } catch (const Xapian::DatabaseCreateError &e) {
        return set_xapian(err, GW_EIO, e);
    } catch (const Xapian::DatabaseError &e) {
        /* What is left of DatabaseError: an operating-system error while reading or
         * writing a table (errno set: disk full, EIO), or a table whose bytes make no
         * sense ("EOF reading block", a bad block): damage. */
        return set_xapian(err, e.get_error_string() ? GW_EIO : GW_ECORRUPT, e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return set_xapian(err, GW_EINVAL, e);
    } catch (const Xapian::InvalidOperationError &e) {
        /* Misuse the caller can fix: a transaction call out of order, get_revision() on a
         * multi-database. */
        return set_xapian(err, GW_EINVAL, e);
    } catch (const Xapian::UnimplementedError &e) {
        return set_xapian(err, GW_EINVAL, e);
    } catch (const Xapian::Error &e) {
        return set_xapian(err, GW_EINTERNAL, e);
    } catch (const std::bad_alloc &) {
        die_oom();
    } catch (const std::exception &e) {
        return gw_err_set(err, GW_EINTERNAL, "%s", e.what());
    } catch (...) {
        return gw_err_set(err, GW_EINTERNAL, "unknown C++ exception");
    }
}

/* For functions documented as unable to fail (query constructors, document builders):
 * an exception there is a broken assertion or out-of-memory. */
[[noreturn]] static void die_exception(const char *where)
{
    gw_err e;
    gw_err_clear(&e);
    gw_err_from_exception(&e);
    fprintf(stderr, "gongwen: %s: %s\n", where, e.msg);
    abort();
}

/* The one try/catch of the extern "C" functions (the rule at the top of this file):
 * each runs its Xapian calls as a lambda through one of these. The lambda is inlined,
 * so the per-document and per-token calls cost what a try block in place would.
 * A few functions keep their own try/catch because they do more on failure (close the
 * handle, prefix the message, keep a transaction open, swallow the error): see there.
 * The entry points stay one small function each, alike in shape: each is the C name of
 * one Xapian call, with its own checks, and the C header is their index. */

/* body(); an exception sets err and yields fail. */
template <typename T, typename F> static T catching(gw_err *err, T fail, F body)
{
    try {
        return body();
    } catch (...) {
        gw_err_from_exception(err);
        return fail;
    }
}

/* body() returning a gw_code; an exception sets err and yields its code. */
template <typename F> static int catching_code(gw_err *err, F body)
{
    try {
        return body();
    } catch (...) {
        return gw_err_from_exception(err);
    }
}

/* body() for the functions documented as unable to fail: an exception aborts with
 * where in the message (die_exception). */
template <typename F> static auto or_die(const char *where, F body) -> decltype(body())
{
    try {
        return body();
    } catch (...) {
        die_exception(where);
    }
}

/* body() for a document builder: the document's first error is kept (gw_xdoc.failure)
 * and later builders do nothing. Out-of-memory still aborts. */
template <typename F> static void building(gw_xdoc *doc, F body)
{
    if (doc->failure.code != GW_OK)
        return;
    try {
        body();
    } catch (const std::bad_alloc &) {
        die_oom();
    } catch (...) {
        gw_err_from_exception(&doc->failure);
    }
}

/* A document that recorded a builder's error cannot be written: GW_ECORRUPT etc. */
static int refuse_failed_doc(const gw_xdoc *doc, gw_err *err)
{
    if (doc->failure.code == GW_OK)
        return 0;
    gw_err_set(err, doc->failure.code, "the document could not be built: %s", doc->failure.msg);
    return 1;
}

static int need_writable(gw_db *db, gw_err *err)
{
    if (!db->wdb)
        return gw_err_set(err, GW_EINVAL, "database is open read-only");
    return GW_OK;
}

static char *dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        die_oom();
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

/* ---- Database -------------------------------------------------------------------------- */

extern "C" gw_db *gw_db_open(const char *path, int mode, gw_err *err)
{
    gw_err_clear(err);
    if (!path || !*path) {
        gw_err_set(err, GW_EINVAL, "empty database path");
        return NULL;
    }
    int action;
    switch (mode) {
    case GW_DB_READ: action = -1; break;
    case GW_DB_CREATE_OR_OPEN: action = Xapian::DB_CREATE_OR_OPEN; break;
    case GW_DB_CREATE: action = Xapian::DB_CREATE; break;
    case GW_DB_CREATE_OR_OVERWRITE: action = Xapian::DB_CREATE_OR_OVERWRITE; break;
    case GW_DB_OPEN: action = Xapian::DB_OPEN; break;
    default:
        gw_err_set(err, GW_EINVAL, "bad database open mode %d", mode);
        return NULL;
    }
    if (mode == GW_DB_CREATE) {
        /* Xapian reports an existing database as a generic DatabaseCreateError (also used
         * for permission problems); the header promises GW_EINVAL for this case. */
        struct stat st;
        if (stat(path, &st) == 0) {
            gw_err_set(err, GW_EINVAL, "%s: already exists", path);
            return NULL;
        }
    }
    std::unique_ptr<gw_db> h(new gw_db());
    try {
        if (action < 0) {
            h->db = new Xapian::Database(path);
            h->wdb = NULL;
        } else {
            h->wdb = new Xapian::WritableDatabase(path, action | Xapian::DB_BACKEND_GLASS);
            h->db = h->wdb;
            /* The implicit transaction: see the top of this file. */
            h->wdb->begin_transaction(false);
        }
        h->explicit_txn = false;
        return h.release();
    } catch (...) {
        delete h->db;
        gw_err_from_exception(err);
        gw_err_prefix(err, "%s: ", path);
        return NULL;
    }
}

extern "C" gw_db *gw_db_open_many(const char *const *paths, size_t n, gw_err *err)
{
    gw_err_clear(err);
    if (n == 0) {
        gw_err_set(err, GW_EINVAL, "no database to open");
        return NULL;
    }
    std::unique_ptr<gw_db> h(new gw_db());
    size_t i = 0;
    try {
        h->db = new Xapian::Database();
        h->wdb = NULL;
        h->explicit_txn = false;
        for (; i < n; i++)
            h->db->add_database(Xapian::Database(paths[i]));
        return h.release();
    } catch (...) {
        delete h->db;
        gw_err_from_exception(err);
        if (i < n)
            gw_err_prefix(err, "%s: ", paths[i]);
        return NULL;
    }
}

extern "C" void gw_db_close(gw_db *db)
{
    if (!db)
        return;
    try {
        /* A transaction is always open on a writable handle, so Xapian cancels it: the
         * uncommitted changes are discarded and the lock released. */
        if (db->wdb)
            db->wdb->close();
    } catch (...) {
        /* Nothing to report to: the changes are dropped either way. */
    }
    delete db->db;
    delete db;
}

extern "C" int gw_db_is_writable(const gw_db *db)
{
    return db && db->wdb != NULL;
}

extern "C" int gw_db_reopen(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    return catching_code(err, [&]() -> int {
        if (db->db->reopen())
            db->ftables.clear();
        return GW_OK;
    });
}

extern "C" unsigned gw_db_doc_count(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    return catching<unsigned>(err, 0, [&] {
        return db->db->get_doccount();
    });
}

extern "C" unsigned long gw_db_revision(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    return catching<unsigned long>(err, 0, [&] {
        return db->db->get_revision();
    });
}

extern "C" gw_docid gw_db_last_docid(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    return catching<gw_docid>(err, 0, [&] {
        return db->db->get_lastdocid();
    });
}

extern "C" unsigned gw_db_term_freq(gw_db *db, const char *term, size_t len, gw_err *err)
{
    gw_err_clear(err);
    return catching<unsigned>(err, 0, [&] {
        return db->db->get_termfreq(std::string(term, len));
    });
}

extern "C" double gw_db_avg_length(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    return catching<double>(err, 0, [&] {
        return db->db->get_avlength();
    });
}

extern "C" char *gw_db_get_metadata(gw_db *db, const char *key, size_t *len, gw_err *err)
{
    gw_err_clear(err);
    if (len)
        *len = 0;
    return catching<char *>(err, nullptr, [&]() -> char * {
        std::string v = db->db->get_metadata(key);
        /* Xapian cannot store an empty value (setting "" deletes the key). */
        if (v.empty())
            return NULL;
        if (len)
            *len = v.size();
        return dup_bytes(v);
    });
}

extern "C" int gw_db_set_metadata(gw_db *db, const char *key, const char *value, size_t len,
                                  gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return GW_EINVAL;
    return catching_code(err, [&]() -> int {
        db->wdb->set_metadata(key, std::string(value ? value : "", value ? len : 0));
        return GW_OK;
    });
}

/* ---- Writing --------------------------------------------------------------------------- */

extern "C" gw_docid gw_db_add(gw_db *db, const gw_xdoc *doc, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err) || refuse_failed_doc(doc, err))
        return 0;
    return catching<gw_docid>(err, 0, [&] {
        return db->wdb->add_document(doc->doc);
    });
}

extern "C" gw_docid gw_db_replace_by_term(gw_db *db, const char *uid, size_t len,
                                          const gw_xdoc *doc, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return 0;
    if (len == 0) {
        gw_err_set(err, GW_EINVAL, "empty unique term");
        return 0;
    }
    if (refuse_failed_doc(doc, err))
        return 0;
    return catching<gw_docid>(err, 0, [&] {
        return db->wdb->replace_document(std::string(uid, len), doc->doc);
    });
}

extern "C" int gw_db_delete_by_term(gw_db *db, const char *uid, size_t len, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return GW_EINVAL;
    if (len == 0)
        return gw_err_set(err, GW_EINVAL, "empty unique term");
    return catching_code(err, [&]() -> int {
        db->wdb->delete_document(std::string(uid, len));
        return GW_OK;
    });
}

extern "C" int gw_db_delete(gw_db *db, gw_docid id, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return GW_EINVAL;
    if (id == 0)
        return gw_err_set(err, GW_ENOTFOUND, "document 0 does not exist");
    return catching_code(err, [&]() -> int {
        db->wdb->delete_document(id);
        return GW_OK;
    });
}

extern "C" int gw_db_commit(gw_db *db, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return GW_EINVAL;
    if (db->explicit_txn)
        return gw_err_set(err, GW_EINVAL,
                          "commit inside a transaction: use gw_db_commit_transaction");
    return catching_code(err, [&]() -> int {
        /* End the implicit (unflushed) transaction, write, and open the next one. */
        db->wdb->commit_transaction();
        try {
            db->wdb->commit();
        } catch (...) {
            /* Keep the invariant (a transaction is open) so that close still discards. */
            try {
                db->wdb->begin_transaction(false);
            } catch (...) {
            }
            throw;
        }
        db->wdb->begin_transaction(false);
        return GW_OK;
    });
}

extern "C" int gw_db_begin(gw_db *db, int flushed, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return GW_EINVAL;
    if (db->explicit_txn)
        return gw_err_set(err, GW_EINVAL, "a transaction is already open");
    return catching_code(err, [&]() -> int {
        /* Xapian has no nested transactions: the implicit one ends (its changes stay
         * pending) and the caller's takes its place. */
        db->wdb->commit_transaction();
        try {
            db->wdb->begin_transaction(flushed != 0);
        } catch (...) {
            try {
                db->wdb->begin_transaction(false);
            } catch (...) {
            }
            throw;
        }
        db->explicit_txn = true;
        return GW_OK;
    });
}

static int end_explicit(gw_db *db, bool commit, gw_err *err)
{
    gw_err_clear(err);
    if (need_writable(db, err))
        return GW_EINVAL;
    if (!db->explicit_txn)
        return gw_err_set(err, GW_EINVAL, "no transaction is open");
    return catching_code(err, [&]() -> int {
        db->explicit_txn = false;
        int rc = GW_OK;
        try {
            if (commit)
                db->wdb->commit_transaction();
            else
                db->wdb->cancel_transaction();
        } catch (...) {
            /* Either way the transaction is over (Xapian's contract). */
            rc = gw_err_from_exception(err);
        }
        db->wdb->begin_transaction(false);
        return rc;
    });
}

extern "C" int gw_db_commit_transaction(gw_db *db, gw_err *err)
{
    return end_explicit(db, true, err);
}

extern "C" int gw_db_cancel_transaction(gw_db *db, gw_err *err)
{
    return end_explicit(db, false, err);
}

extern "C" int gw_db_check(const char *path, char **report, gw_err *err)
{
    gw_err_clear(err);
    if (report)
        *report = NULL;
    std::ostringstream out;
    int n = catching<int>(err, -1, [&] {
        return (int)Xapian::Database::check(std::string(path), 0, &out);
    });
    if (report)
        *report = gw_xstrdup(out.str().c_str());
    return n;
}

extern "C" int gw_db_compact(const char *src, const char *dst, gw_err *err)
{
    gw_err_clear(err);
    struct stat st;
    if (stat(dst, &st) == 0)
        return gw_err_set(err, GW_EINVAL, "%s: already exists", dst);
    try {
        Xapian::Database in(src);
        in.compact(dst);
        return GW_OK;
    } catch (...) {
        int rc = gw_err_from_exception(err);
        gw_err_prefix(err, "compacting %s: ", src);
        return rc;
    }
}

/* ---- Documents ------------------------------------------------------------------------- */

extern "C" gw_xdoc *gw_xdoc_new(void)
{
    return or_die("gw_xdoc_new", [&] {
        return new gw_xdoc();
    });
}

extern "C" void gw_xdoc_free(gw_xdoc *doc)
{
    delete doc;
}

extern "C" void gw_xdoc_add_term(gw_xdoc *doc, const char *term, size_t len, unsigned wdf_inc)
{
    if (len == 0)
        return; /* Xapian rejects empty terms; there is nothing to find by one. */
    building(doc, [&] {
        doc->doc.add_term(std::string(term, len), wdf_inc);
    });
}

extern "C" void gw_xdoc_add_posting(gw_xdoc *doc, const char *term, size_t len, unsigned pos,
                                    unsigned wdf_inc)
{
    if (len == 0)
        return;
    building(doc, [&] {
        doc->doc.add_posting(std::string(term, len), pos, wdf_inc);
    });
}

extern "C" size_t gw_xdoc_term_count(const gw_xdoc *doc)
{
    size_t n = 0;
    building(const_cast<gw_xdoc *>(doc), [&] {
        n = doc->doc.termlist_count();
    });
    return n;
}

extern "C" void gw_xdoc_set_value(gw_xdoc *doc, unsigned slot, const char *value, size_t len)
{
    building(doc, [&] {
        doc->doc.add_value(slot, std::string(value ? value : "", value ? len : 0));
        doc->value_cache.erase(slot);
    });
}

extern "C" void gw_xdoc_set_data(gw_xdoc *doc, const char *data, size_t len)
{
    building(doc, [&] {
        doc->doc.set_data(std::string(data ? data : "", data ? len : 0));
        doc->data_cached = false;
    });
}

extern "C" gw_xdoc *gw_db_get_doc(gw_db *db, gw_docid id, gw_err *err)
{
    gw_err_clear(err);
    if (id == 0) {
        gw_err_set(err, GW_ENOTFOUND, "document 0 does not exist");
        return NULL;
    }
    std::unique_ptr<gw_xdoc> d(new gw_xdoc());
    return catching<gw_xdoc *>(err, NULL, [&] {
        d->doc = db->db->get_document(id);
        /* Read the data now: a document read lazily could otherwise fail later, in a
         * function that has no way to report it. */
        d->data_cache = d->doc.get_data();
        d->data_cached = true;
        return d.release();
    });
}

/* The accessors below cannot report errors (their signatures have no gw_err): a failure
 * while reading lazily (e.g. DatabaseModifiedError) yields the empty string. gw_db_get_doc
 * and gw_mset_doc read the data eagerly so that the common case cannot fail here. */
extern "C" const char *gw_xdoc_data(const gw_xdoc *doc, size_t *len)
{
    if (!doc->data_cached) {
        try {
            doc->data_cache = doc->doc.get_data();
        } catch (const std::bad_alloc &) {
            die_oom();
        } catch (...) {
            doc->data_cache.clear();
        }
        doc->data_cached = true;
    }
    if (len)
        *len = doc->data_cache.size();
    return doc->data_cache.c_str();
}

extern "C" const char *gw_xdoc_value(const gw_xdoc *doc, unsigned slot, size_t *len)
{
    auto it = doc->value_cache.find(slot);
    if (it == doc->value_cache.end()) {
        std::string v;
        try {
            v = doc->doc.get_value(slot);
        } catch (const std::bad_alloc &) {
            die_oom();
        } catch (...) {
            v.clear();
        }
        it = doc->value_cache.emplace(slot, std::move(v)).first;
    }
    if (len)
        *len = it->second.size();
    return it->second.c_str();
}

extern "C" gw_docid gw_db_find_by_term(gw_db *db, const char *term, size_t len, gw_err *err)
{
    gw_err_clear(err);
    return catching<gw_docid>(err, 0, [&]() -> gw_docid {
        Xapian::PostingIterator p = db->db->postlist_begin(std::string(term, len));
        if (p == db->db->postlist_end(std::string(term, len)))
            return 0;
        return *p;
    });
}

extern "C" int gw_db_walk_terms(gw_db *db, const char *prefix, gw_term_fn fn, void *ctx,
                                gw_err *err)
{
    gw_err_clear(err);
    return catching_code(err, [&]() -> int {
        std::string pfx(prefix ? prefix : "");
        for (Xapian::TermIterator t = db->db->allterms_begin(pfx);
             t != db->db->allterms_end(pfx); ++t) {
            std::string term = *t;
            int rc = fn(ctx, term.data(), term.size(), t.get_termfreq());
            if (rc)
                return rc;
        }
        return GW_OK;
    });
}

extern "C" int gw_db_walk_postings(gw_db *db, const char *term, size_t len, gw_posting_fn fn,
                                   void *ctx, gw_err *err)
{
    gw_err_clear(err);
    return catching_code(err, [&]() -> int {
        std::string t(term, len);
        for (Xapian::PostingIterator p = db->db->postlist_begin(t); p != db->db->postlist_end(t);
             ++p) {
            int rc = fn(ctx, *p);
            if (rc)
                return rc;
        }
        return GW_OK;
    });
}

/* ---- Queries --------------------------------------------------------------------------- */

static gw_xquery *wrap(Xapian::Query &&q)
{
    gw_xquery *r = new gw_xquery();
    r->q = std::move(q);
    return r;
}

extern "C" gw_xquery *gw_xquery_term(const char *term, size_t len, unsigned wqf)
{
    return or_die("gw_xquery_term", [&] {
        return wrap(Xapian::Query(std::string(term, len), wqf ? wqf : 1));
    });
}

extern "C" gw_xquery *gw_xquery_phrase(const char *const *terms, const size_t *lens, size_t n,
                                       unsigned window)
{
    return or_die("gw_xquery_phrase", [&] {
        if (n == 0)
            return wrap(Xapian::Query());
        if (n == 1)
            return wrap(Xapian::Query(std::string(terms[0], lens[0])));
        std::vector<Xapian::Query> subs;
        subs.reserve(n);
        for (size_t i = 0; i < n; i++)
            subs.emplace_back(std::string(terms[i], lens[i]));
        /* Xapian's window 0 means "number of subqueries": strict adjacency. */
        return wrap(Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(), window));
    });
}

extern "C" gw_xquery *gw_xquery_combine(int op, gw_xquery *const *subs, size_t n,
                                        unsigned window)
{
    Xapian::Query::op xop;
    switch (op) {
    case GW_OP_AND: xop = Xapian::Query::OP_AND; break;
    case GW_OP_OR: xop = Xapian::Query::OP_OR; break;
    case GW_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
    case GW_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
    case GW_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
    case GW_OP_NEAR: xop = Xapian::Query::OP_NEAR; break;
    default:
        fprintf(stderr, "gongwen: gw_xquery_combine: bad operator %d\n", op);
        abort();
    }
    return or_die("gw_xquery_combine", [&] {
        if (n == 0)
            return wrap(Xapian::Query());
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            v.push_back(subs[i]->q);
        return wrap(Xapian::Query(xop, v.begin(), v.end(),
                                  xop == Xapian::Query::OP_NEAR ? window : 0));
    });
}

extern "C" gw_xquery *gw_xquery_value_range(unsigned slot, const char *lo, const char *hi)
{
    return or_die("gw_xquery_value_range", [&] {
        if (lo && hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        if (lo)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        if (hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        /* Both ends open: every document with a value in the slot. Xapian optimizes
         * ">= empty" to match-all (absent values included); no stored value is empty,
         * so ">= one NUL byte" is the same set minus the documents without one. */
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, std::string(1, '\0')));
    });
}

extern "C" gw_xquery *gw_xquery_all(void)
{
    return or_die("gw_xquery_all", [&] {
        return wrap(Xapian::Query(Xapian::Query::MatchAll));
    });
}

extern "C" gw_xquery *gw_xquery_none(void)
{
    return or_die("gw_xquery_none", [&] {
        return wrap(Xapian::Query(Xapian::Query::MatchNothing));
    });
}

extern "C" gw_xquery *gw_xquery_scale(const gw_xquery *q, double factor)
{
    return or_die("gw_xquery_scale", [&] {
        return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor));
    });
}

namespace {
/* Every docid from 1 to the database's last one except a sorted list: as the right side
 * of AND_NOT, it restricts a query to the listed documents before Xapian weighs any
 * (opts->accept_ids). Only there: Xapian 1.4 counts a posting source among a document's
 * matching parts for the relevance percentage whatever its weight factor
 * (ExternalPostList::count_matching_subqs), except on the right of AND_NOT. Its docids
 * are those of one database: a combined database runs it on each shard with the
 * shard's own docids. The list is shared, read-only, between clones. */
class AllExceptSource : public Xapian::PostingSource {
  public:
    explicit AllExceptSource(std::shared_ptr<const std::vector<Xapian::docid>> v)
        : ids(std::move(v))
    {
        set_maxweight(0);
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override
    {
        return last > ids->size() ? (Xapian::doccount)(last - ids->size()) : 0;
    }
    Xapian::doccount get_termfreq_max() const override { return last; }
    void init(const Xapian::Database &db) override
    {
        last = db.get_lastdocid();
        cur = 0;
        idx = 0;
    }
    void next(double) override
    {
        ++cur;
        settle();
    }
    void skip_to(Xapian::docid did, double) override
    {
        if (did <= cur)
            return;
        cur = did;
        settle();
    }
    bool at_end() const override { return cur > last; }
    Xapian::docid get_docid() const override { return cur; }
    double get_weight() const override { return 0; }
    AllExceptSource *clone() const override { return new AllExceptSource(ids); }
    std::string name() const override { return std::string(); } /* not serialisable */

  private:
    /* moves cur past the listed ids at and after it */
    void settle()
    {
        const std::vector<Xapian::docid> &v = *ids;
        if (idx < v.size() && v[idx] < cur)
            idx = (size_t)(std::lower_bound(v.begin() + (std::ptrdiff_t)idx, v.end(), cur) -
                           v.begin());
        while (idx < v.size() && v[idx] == cur) {
            ++cur;
            ++idx;
        }
    }
    std::shared_ptr<const std::vector<Xapian::docid>> ids;
    Xapian::docid last = 0, cur = 0;
    size_t idx = 0;
};
} // namespace

extern "C" gw_xquery *gw_xquery_wildcard(const char *prefix, unsigned max_expansion)
{
    return or_die("gw_xquery_wildcard", [&] {
        /* MOST_FREQUENT: over the limit, keep the commonest terms rather than fail the
         * search (Xapian's default, LIMIT_ERROR, throws at match time).
         * MOST_FREQUENT with a limit of 0 would keep no term at all, so "unlimited"
         * goes through the default mode, where 0 means no limit. */
        int mode = max_expansion ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT
                                 : Xapian::Query::WILDCARD_LIMIT_ERROR;
        return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion, mode));
    });
}

extern "C" void gw_xquery_free(gw_xquery *q)
{
    delete q;
}

extern "C" char *gw_xquery_describe(const gw_xquery *q)
{
    return or_die("gw_xquery_describe", [&] {
        return dup_bytes(q->q.get_description());
    });
}

/* ---- Searching ------------------------------------------------------------------------- */

namespace {
/* Facet counts. Xapian's ValueCountMatchSpy keeps a std::map and copies every value out
 * through a TermIterator: with a source facet of thousands of distinct values it cost
 * ~50 ms per query on 20,000 reports (10,000 matches checked). A hash map and a partial
 * sort of the top values cost a few. Local databases only (a custom spy cannot be
 * serialised for remote shards: then ValueCountMatchSpy is used, see gw_db_search). */
class CountSpy : public Xapian::MatchSpy {
  public:
    explicit CountSpy(Xapian::valueno s) : slot(s) { counts.reserve(256); }
    void operator()(const Xapian::Document &doc, double) override
    {
        std::string v = doc.get_value(slot);
        if (!v.empty())
            ++counts[v];
    }
    std::string name() const override { return "gongwen-count"; }
    Xapian::valueno slot;
    std::unordered_map<std::string, unsigned> counts;
};

/* Most frequent first, ties by value (deterministic); at most max entries (0 = all). */
void top_entries(std::vector<std::pair<std::string, unsigned>> &out, unsigned max)
{
    auto cmp = [](const std::pair<std::string, unsigned> &a,
                  const std::pair<std::string, unsigned> &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    if (max && out.size() > max) {
        std::partial_sort(out.begin(), out.begin() + max, out.end(), cmp);
        out.resize(max);
    } else {
        std::sort(out.begin(), out.end(), cmp);
    }
}

/* Facet entries by reference (the tables' values are not copied for the ones dropped). */
typedef std::vector<std::pair<const std::string *, unsigned>> entry_refs;

/* opts->facet_group_byte: in's entries merged per key (the bytes before sep, or the whole
 * value), each key as its most frequent value (ties: the smallest) with the key's total. */
entry_refs group_by_key(const entry_refs &in, char sep)
{
    std::unordered_map<std::string, size_t> at; /* key -> index in out */
    entry_refs out;
    std::vector<unsigned> best; /* count of out[i]'s value alone */
    for (const auto &e : in) {
        const std::string &v = *e.first;
        size_t kl = v.find(sep);
        auto it = at.emplace(v.substr(0, kl == std::string::npos ? v.size() : kl), out.size());
        if (it.second) {
            out.push_back(e);
            best.push_back(e.second);
            continue;
        }
        size_t g = it.first->second;
        out[g].second += e.second;
        if (e.second > best[g] || (e.second == best[g] && v < *out[g].first)) {
            out[g].first = e.first;
            best[g] = e.second;
        }
    }
    return out;
}

/* refs grouped (when opts asks) and ranked into out, at most opts->facet_max (0 = all):
 * most frequent first, ties by value. */
void rank_refs(entry_refs refs, const gw_search_opts *opts,
               std::vector<std::pair<std::string, unsigned>> &out)
{
    if (opts->facet_group_byte >= 0)
        refs = group_by_key(refs, (char)opts->facet_group_byte);
    auto cmp = [](const std::pair<const std::string *, unsigned> &a,
                  const std::pair<const std::string *, unsigned> &b) {
        return a.second != b.second ? a.second > b.second : *a.first < *b.first;
    };
    if (opts->facet_max && refs.size() > opts->facet_max) {
        std::partial_sort(refs.begin(), refs.begin() + opts->facet_max, refs.end(), cmp);
        refs.resize(opts->facet_max);
    } else {
        std::sort(refs.begin(), refs.end(), cmp);
    }
    std::vector<std::pair<std::string, unsigned>> ranked;
    ranked.reserve(refs.size());
    for (const auto &r : refs)
        ranked.emplace_back(*r.first, r.second);
    out.swap(ranked);
}

/* out's entries (every value counted) grouped and ranked as opts asks. */
void rank_entries(std::vector<std::pair<std::string, unsigned>> &out,
                  const gw_search_opts *opts)
{
    if (opts->facet_group_byte < 0) {
        top_entries(out, opts->facet_max);
        return;
    }
    std::vector<std::pair<std::string, unsigned>> all;
    all.swap(out);
    entry_refs refs;
    refs.reserve(all.size());
    for (const auto &e : all)
        refs.emplace_back(&e.first, e.second);
    rank_refs(refs, opts, out);
}

/* Tables are immutable once built and the same for every handle on one database at one
 * revision: the process keeps the newest one per (database uuid, slot), so that each
 * worker thread of the daemon does not build its own (~6 ms per slot per 20,000
 * documents, in the first request it answers). */
struct shared_table {
    Xapian::rev revision;
    std::shared_ptr<const facet_table> table;
};
std::mutex shared_tables_mu;
std::map<std::pair<std::string, Xapian::valueno>, shared_table> shared_tables;

std::shared_ptr<const facet_table> build_table(Xapian::Database &xdb, Xapian::valueno slot)
{
    std::shared_ptr<facet_table> t(new facet_table());
    t->slot = slot;
    Xapian::docid last = xdb.get_lastdocid();
    t->ids.assign((size_t)last + 1, 0);
    std::unordered_map<std::string, uint32_t> number;
    for (Xapian::ValueIterator v = xdb.valuestream_begin(slot); v != xdb.valuestream_end(slot);
         ++v) {
        Xapian::docid d = v.get_docid();
        if (d > last)
            continue;
        const std::string &val = *v;
        if (val.empty())
            continue;
        auto it = number.find(val);
        uint32_t id;
        if (it == number.end()) {
            t->values.push_back(val);
            id = (uint32_t)t->values.size();
            number.emplace(val, id);
        } else {
            id = it->second;
        }
        t->ids[d] = id;
    }
    /* number the values in byte order, so that ranking facets breaks ties by number */
    std::vector<uint32_t> order(t->values.size());
    for (size_t i = 0; i < order.size(); i++)
        order[i] = (uint32_t)i;
    std::sort(order.begin(), order.end(),
              [&t](uint32_t a, uint32_t b) { return t->values[a] < t->values[b]; });
    std::vector<uint32_t> renumber(order.size() + 1, 0);
    std::vector<std::string> sorted(order.size());
    for (size_t i = 0; i < order.size(); i++) {
        renumber[order[i] + 1] = (uint32_t)i + 1;
        sorted[i].swap(t->values[order[i]]);
    }
    t->values.swap(sorted);
    for (uint32_t &id : t->ids)
        id = renumber[id];
    return t;
}

/* The table of slot for db's current revision, built on first use (or taken from
 * another handle on the same revision); NULL when tables cannot be used (writable
 * handle, sharded or remote database). */
std::shared_ptr<const facet_table> facet_table_for(gw_db *db, Xapian::valueno slot)
{
    if (db->wdb || db->no_tables)
        return NULL;
    if (db->db->size() != 1) {
        /* the spy sees the docids of the combined database: one table per shard would be
         * needed; sharded searches are rare enough to count per document */
        return NULL;
    }
    for (const auto &t : db->ftables)
        if (t->slot == slot)
            return t;
    try {
        std::pair<std::string, Xapian::valueno> key(db->db->get_uuid(), slot);
        Xapian::rev rev = db->db->get_revision();
        std::shared_ptr<const facet_table> t;
        {
            std::lock_guard<std::mutex> lock(shared_tables_mu);
            auto it = shared_tables.find(key);
            if (it != shared_tables.end() && it->second.revision == rev)
                t = it->second.table;
        }
        if (!t) {
            t = build_table(*db->db, slot);
            std::lock_guard<std::mutex> lock(shared_tables_mu);
            /* forget the tables of other databases (an old build after a rebuild) that no
             * handle uses any more */
            for (auto it = shared_tables.begin(); it != shared_tables.end();) {
                if (it->first.first != key.first && it->second.table.use_count() == 1)
                    it = shared_tables.erase(it);
                else
                    ++it;
            }
            shared_table &st = shared_tables[key];
            if (!st.table || st.revision <= rev) {
                st.revision = rev;
                st.table = t;
            }
        }
        db->ftables.push_back(t);
        return t;
    } catch (const Xapian::Error &) {
        /* remote shards have no value streams here: count per document */
        db->no_tables = true;
        return NULL;
    }
}

/* Everything the search counts or keeps per match, in one spy (one call per match
 * instead of one per job; Xapian calls each spy through a virtual call):
 *  - facet counts through the tables: an array increment per match instead of reading
 *    the value and hashing it (most of the cost of a search with 10,000 matches);
 *  - opts->distinct_slot: the value number of each match (a near-duplicate key has about
 *    as many values as there are documents, so a count per value would cost a pass over
 *    all of them for every query; the matches' numbers cost what the matches cost);
 *  - opts->collect_docids: the docids. */
class TablesSpy : public Xapian::MatchSpy {
  public:
    void add_facet(const facet_table *t)
    {
        tabs[nf] = t;
        counts[nf].assign(t->values.size() + 1, 0);
        nf++;
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        Xapian::docid d = doc.get_docid();
        for (unsigned f = 0; f < nf; f++)
            ++counts[f][d < tabs[f]->ids.size() ? tabs[f]->ids[d] : 0];
        if (dtab)
            dids.push_back(d < dtab->ids.size() ? dtab->ids[d] : 0);
        if (collect)
            docids.push_back(d);
    }
    std::string name() const override { return "gongwen-tables"; }
    const facet_table *tabs[GW_MAX_FACETS] = {};
    std::vector<unsigned> counts[GW_MAX_FACETS]; /* [0] = matches without a value */
    unsigned nf = 0;
    const facet_table *dtab = nullptr;
    std::vector<uint32_t> dids;
    bool collect = false;
    std::vector<Xapian::docid> docids;
};

/* The stages of gw_db_search. */

/* q as Xapian runs it: only the accepted documents are matched, and so weighed, when
 * opts->accept_ids is set (a MatchDecider would see every candidate after its weight
 * was computed). */
Xapian::Query search_query(const gw_xquery *q, const gw_search_opts *opts)
{
    if (!opts->accept_ids)
        return q->q;
    auto v = std::make_shared<std::vector<Xapian::docid>>(opts->accept_ids,
                                                          opts->accept_ids + opts->n_accept_ids);
    Xapian::Query others((new AllExceptSource(std::move(v)))->release());
    return Xapian::Query(Xapian::Query::OP_AND_NOT, q->q, others);
}

/* Weighting, sort order and collapsing, as opts asks. */
void set_order(Xapian::Enquire &enq, const gw_search_opts *opts)
{
    if (opts->bm25_k1 > 0 || opts->bm25_b > 0) {
        double k1 = opts->bm25_k1 > 0 ? opts->bm25_k1 : 1.2;
        double b = opts->bm25_b > 0 ? opts->bm25_b : 0.75;
        enq.set_weighting_scheme(Xapian::BM25Weight(k1, 0, 1, b, 0.5));
    }
    if (opts->sort_slot >= 0) {
        bool reverse = opts->sort_descending != 0;
        if (opts->relevance_tiebreak)
            enq.set_sort_by_value_then_relevance(opts->sort_slot, reverse);
        else
            enq.set_sort_by_value(opts->sort_slot, reverse);
    }
    if (opts->collapse_slot >= 0)
        enq.set_collapse_key(opts->collapse_slot);
}

/* The spies of one search; they must outlive get_mset(). */
struct search_spies {
    bool tables = false; /* every facet counted through a table by tspy */
    std::unique_ptr<TablesSpy> tspy{new TablesSpy()};
    std::vector<std::unique_ptr<CountSpy>> count; /* else one per facet */
    std::shared_ptr<const facet_table> dtab;      /* opts->distinct_slot's table */
};

/* Attaches the spies opts asks for: the tables' spy when every facet has a table (and
 * for distinct values and docids), else a CountSpy per facet. */
void add_spies(Xapian::Enquire &enq, gw_db *db, const gw_search_opts *opts, bool one_db,
               search_spies &sp)
{
    const facet_table *tabs[GW_MAX_FACETS];
    sp.tables = opts->n_facets > 0;
    for (unsigned f = 0; f < opts->n_facets && sp.tables; f++)
        sp.tables = (tabs[f] = facet_table_for(db, opts->facet_slots[f]).get()) != NULL;
    for (unsigned f = 0; f < opts->n_facets; f++) {
        if (sp.tables) {
            sp.tspy->add_facet(tabs[f]);
        } else {
            sp.count.emplace_back(new CountSpy(opts->facet_slots[f]));
            enq.add_matchspy(sp.count.back().get());
        }
    }
    if (opts->distinct_slot >= 0)
        sp.dtab = facet_table_for(db, (Xapian::valueno)opts->distinct_slot);
    sp.tspy->dtab = sp.dtab.get();
    sp.tspy->collect = opts->collect_docids != 0 && one_db;
    if (sp.tspy->nf || sp.tspy->dtab || sp.tspy->collect)
        enq.add_matchspy(sp.tspy.get());
}

/* Moves what the tables' spy kept (distinct value numbers, docids) into m. */
void take_kept(gw_mset *m, search_spies &sp)
{
    TablesSpy &t = *sp.tspy;
    if (t.dtab) {
        m->distinct = sp.dtab;
        m->distinct_ids.swap(t.dids);
    }
    if (t.collect) {
        m->matched.swap(t.docids);
        if (!std::is_sorted(m->matched.begin(), m->matched.end()))
            std::sort(m->matched.begin(), m->matched.end());
    }
}

/* Facet entries from the tables' counts: value numbers are ranked first, so only the
 * kept values are copied. */
void facets_from_tables(gw_mset *m, const TablesSpy &t, const gw_search_opts *opts)
{
    for (unsigned f = 0; f < opts->n_facets; f++) {
        std::vector<std::pair<std::string, unsigned>> &out = m->facets[f].entries;
        const std::vector<unsigned> &counts = t.counts[f];
        const facet_table *tab = t.tabs[f];
        if (opts->facet_group_byte >= 0) {
            entry_refs refs;
            for (size_t j = 1; j < counts.size(); j++)
                if (counts[j])
                    refs.emplace_back(&tab->values[j - 1], counts[j]);
            rank_refs(refs, opts, out);
            continue;
        }
        std::vector<uint32_t> nz;
        for (size_t j = 1; j < counts.size(); j++)
            if (counts[j])
                nz.push_back((uint32_t)j);
        /* values are numbered in byte order (build_table): ties by number */
        auto cmp = [&counts](uint32_t a, uint32_t b) {
            return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
        };
        if (opts->facet_max && nz.size() > opts->facet_max) {
            std::partial_sort(nz.begin(), nz.begin() + opts->facet_max, nz.end(), cmp);
            nz.resize(opts->facet_max);
        } else {
            std::sort(nz.begin(), nz.end(), cmp);
        }
        out.reserve(nz.size());
        for (uint32_t j : nz)
            out.emplace_back(tab->values[j - 1], counts[j]);
    }
}

/* Facet entries from the CountSpies' hash maps. */
void facets_from_counts(gw_mset *m, const search_spies &sp, const gw_search_opts *opts)
{
    for (unsigned f = 0; f < opts->n_facets; f++) {
        std::vector<std::pair<std::string, unsigned>> &out = m->facets[f].entries;
        out.assign(sp.count[f]->counts.begin(), sp.count[f]->counts.end());
        rank_entries(out, opts);
    }
}

/* Remote shards take serialisable spies only: the match again, with Xapian's
 * ValueCountMatchSpy per facet. */
void facets_by_value_spies(Xapian::Enquire &enq, gw_mset *m, const gw_search_opts *opts)
{
    enq.clear_matchspies();
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> vspies;
    for (unsigned f = 0; f < opts->n_facets; f++) {
        vspies.emplace_back(new Xapian::ValueCountMatchSpy(opts->facet_slots[f]));
        enq.add_matchspy(vspies.back().get());
    }
    m->mset = enq.get_mset(opts->offset, opts->limit, opts->check_at_least);
    for (unsigned f = 0; f < opts->n_facets; f++) {
        const Xapian::ValueCountMatchSpy &spy = *vspies[f];
        std::vector<std::pair<std::string, unsigned>> &out = m->facets[f].entries;
        for (Xapian::TermIterator t = spy.values_begin(); t != spy.values_end(); ++t)
            out.emplace_back(*t, t.get_termfreq());
        rank_entries(out, opts);
    }
}

} // namespace

extern "C" gw_mset *gw_db_search(gw_db *db, const gw_xquery *q, const gw_search_opts *opts,
                                 gw_err *err)
{
    gw_err_clear(err);
    gw_search_opts def = GW_SEARCH_OPTS_INIT;
    if (!opts)
        opts = &def;
    if (opts->n_facets > GW_MAX_FACETS) {
        gw_err_set(err, GW_EINVAL, "%u facets (at most %d)", opts->n_facets, GW_MAX_FACETS);
        return NULL;
    }
    return catching<gw_mset *>(err, NULL, [&]() -> gw_mset * {
        /* A combined database hands spies each shard's own docids, which
         * several shards share: docid lists are only meaningful on one database. */
        bool one_db = db->db->size() == 1;
        if (opts->accept_ids && !one_db) {
            gw_err_set(err, GW_EINVAL, "accept_ids on a combined database (its shards "
                                       "number their documents apart)");
            return NULL;
        }
        Xapian::Enquire enq(*db->db);
        enq.set_query(search_query(q, opts));
        set_order(enq, opts);
        if (opts->time_limit > 0)
            enq.set_time_limit(opts->time_limit);
        std::unique_ptr<gw_mset> m(new gw_mset());
        search_spies sp;
        add_spies(enq, db, opts, one_db, sp);
        bool fast = true;
        try {
            m->mset = enq.get_mset(opts->offset, opts->limit, opts->check_at_least);
        } catch (const Xapian::UnimplementedError &) {
            if (!opts->n_facets && !opts->collect_docids)
                throw;
            fast = false; /* remote shards: serialisable spies only */
        }
        m->n_facets = opts->n_facets;
        if (fast)
            take_kept(m.get(), sp);
        if (fast && sp.tables)
            facets_from_tables(m.get(), *sp.tspy, opts);
        else if (fast)
            facets_from_counts(m.get(), sp, opts);
        else
            facets_by_value_spies(enq, m.get(), opts);
        m->docs.assign(m->mset.size(), nullptr);
        enq.clear_matchspies();
        return m.release();
    });
}

extern "C" void gw_mset_free(gw_mset *m)
{
    delete m;
}

extern "C" size_t gw_mset_size(const gw_mset *m)
{
    return m->mset.size();
}

extern "C" unsigned gw_mset_estimated(const gw_mset *m)
{
    return m->mset.get_matches_estimated();
}

extern "C" unsigned gw_mset_lower_bound(const gw_mset *m)
{
    return m->mset.get_matches_lower_bound();
}

extern "C" unsigned gw_mset_upper_bound(const gw_mset *m)
{
    return m->mset.get_matches_upper_bound();
}

/* MSet indexing is by rank within the page (0 .. size-1); these accessors only read
 * what get_mset() already computed and cannot fail for i < size. */
extern "C" gw_docid gw_mset_docid(const gw_mset *m, size_t i)
{
    if (i >= m->mset.size())
        return 0;
    return *m->mset[i];
}

extern "C" double gw_mset_weight(const gw_mset *m, size_t i)
{
    if (i >= m->mset.size())
        return 0;
    return m->mset[i].get_weight();
}

extern "C" int gw_mset_percent(const gw_mset *m, size_t i)
{
    if (i >= m->mset.size())
        return 0;
    return m->mset[i].get_percent();
}

extern "C" unsigned gw_mset_collapse_count(const gw_mset *m, size_t i)
{
    if (i >= m->mset.size())
        return 0;
    return m->mset[i].get_collapse_count();
}

extern "C" const gw_xdoc *gw_mset_doc(gw_mset *m, size_t i, gw_err *err)
{
    gw_err_clear(err);
    if (i >= m->mset.size()) {
        gw_err_set(err, GW_EINVAL, "hit %zu out of range (%u hits)", i, m->mset.size());
        return NULL;
    }
    if (m->docs[i])
        return m->docs[i];
    return catching<const gw_xdoc *>(err, NULL, [&] {
        std::unique_ptr<gw_xdoc> d(new gw_xdoc());
        d->doc = m->mset[i].get_document();
        d->data_cache = d->doc.get_data();
        d->data_cached = true;
        m->docs[i] = d.release();
        return m->docs[i];
    });
}

extern "C" int gw_db_prepare_facets(gw_db *db, const unsigned *slots, size_t n, gw_err *err)
{
    gw_err_clear(err);
    return catching_code(err, [&]() -> int {
        for (size_t i = 0; i < n; i++)
            facet_table_for(db, slots[i]);
        return GW_OK;
    });
}

extern "C" unsigned gw_mset_distinct_seen(const gw_mset *m)
{
    return m->distinct ? (unsigned)m->distinct_ids.size() : 0;
}

extern "C" int gw_mset_distinct(const gw_mset *m, unsigned *n_values, unsigned *n_without)
{
    if (!m->distinct) {
        *n_values = *n_without = 0;
        return 0;
    }
    /* one pass and a bit per value (a sort would cost more than the match's spy) */
    const std::vector<uint32_t> &v = m->distinct_ids;
    std::vector<bool> seen(m->distinct->values.size() + 1, false);
    unsigned nv = 0, none = 0;
    for (uint32_t id : v) {
        if (id == 0)
            none++;
        else if (id < seen.size() && !seen[id]) {
            seen[id] = true;
            nv++;
        }
    }
    *n_values = nv;
    *n_without = none;
    return 1;
}

extern "C" unsigned gw_mset_distinct_freq(const gw_mset *m, const char *value, size_t len)
{
    if (!m->distinct || !len)
        return 0;
    const std::vector<std::string> &vals = m->distinct->values;
    std::string key(value, len);
    auto it = std::lower_bound(vals.begin(), vals.end(), key);
    if (it == vals.end() || *it != key)
        return 0;
    uint32_t id = (uint32_t)(it - vals.begin()) + 1;
    /* asked for the few hits of a page: a pass each is cheaper than sorting once */
    return (unsigned)std::count(m->distinct_ids.begin(), m->distinct_ids.end(), id);
}

extern "C" const gw_docid *gw_mset_docids(const gw_mset *m, size_t *n)
{
    *n = m->matched.size();
    return m->matched.empty() ? NULL : m->matched.data();
}

extern "C" size_t gw_mset_facet_count(const gw_mset *m, unsigned f)
{
    if (f >= m->n_facets)
        return 0;
    return m->facets[f].entries.size();
}

extern "C" const char *gw_mset_facet_value(const gw_mset *m, unsigned f, size_t j, size_t *len)
{
    if (f >= m->n_facets || j >= m->facets[f].entries.size()) {
        if (len)
            *len = 0;
        return "";
    }
    const std::string &v = m->facets[f].entries[j].first;
    if (len)
        *len = v.size();
    return v.c_str();
}

extern "C" unsigned gw_mset_facet_freq(const gw_mset *m, unsigned f, size_t j)
{
    if (f >= m->n_facets || j >= m->facets[f].entries.size())
        return 0;
    return m->facets[f].entries[j].second;
}
