/* test_xapian.c: the Xapian wrapper (gw_xapian.h) from C, against real databases in a
 * temporary directory — success and failure paths (missing, locked, modified database,
 * bad document id). */
#include "gw_xapian.h"

#include "test_util.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- Fixtures -------------------------------------------------------------------------- */

/* rootdir holds every test's directory: made and removed by the unchecked fixture, in
 * the runner's own process, so that it goes away even when a failed assertion ended a
 * test's process before its checked teardown ran. */
static char rootdir[1024];
static char tmpdir[2048];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    if (dir[0])
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void suite_setup(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(rootdir, sizeof rootdir, "%s/gw-test-xapian-XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(rootdir));
}

static void suite_teardown(void)
{
    rm_tree(rootdir);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/t-XXXXXX", rootdir);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    rm_tree(tmpdir);
}

/* A path under the test's directory; returns a static buffer (one of 4 rotating). */
static const char *tpath(const char *name)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
    return b;
}

/* A document: words of `text` (space-separated) as positioned terms 1..n, "Q"+uid as its
 * unique term, data = text, values slot 0 = date, slot 1 = source, slot 2 = key (each may
 * be NULL). */
static gw_xdoc *make_doc(const char *uid, const char *text, const char *date,
                         const char *source, const char *key)
{
    gw_xdoc *d = gw_xdoc_new();
    char q[256];
    snprintf(q, sizeof q, "Q%s", uid);
    gw_xdoc_add_term(d, q, strlen(q), 0);
    unsigned pos = 1;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        if (p > s)
            gw_xdoc_add_posting(d, s, (size_t)(p - s), pos++, 1);
    }
    gw_xdoc_set_data(d, text, strlen(text));
    if (date)
        gw_xdoc_set_value(d, 0, date, strlen(date));
    if (source)
        gw_xdoc_set_value(d, 1, source, strlen(source));
    if (key)
        gw_xdoc_set_value(d, 2, key, strlen(key));
    return d;
}

static gw_docid put(gw_db *db, const char *uid, const char *text, const char *date,
                    const char *source, const char *key)
{
    gw_err err;
    gw_xdoc *d = make_doc(uid, text, date, source, key);
    char q[256];
    snprintf(q, sizeof q, "Q%s", uid);
    gw_docid id = gw_db_replace_by_term(db, q, strlen(q), d, &err);
    ck_assert_msg(id != 0, "replace %s: %s", uid, err.msg);
    gw_xdoc_free(d);
    return id;
}

static gw_db *open_ok(const char *path, int mode)
{
    gw_err err;
    gw_db *db = gw_db_open(path, mode, &err);
    ck_assert_msg(db != NULL, "open %s: %s", path, err.msg);
    ck_assert_int_eq(err.code, GW_OK);
    return db;
}

static void commit_ok(gw_db *db)
{
    gw_err err;
    int rc = gw_db_commit(db, &err);
    ck_assert_msg(rc == GW_OK, "commit: %s", err.msg);
}

static unsigned count(gw_db *db)
{
    gw_err err;
    unsigned n = gw_db_doc_count(db, &err);
    ck_assert_int_eq(err.code, GW_OK);
    return n;
}

static unsigned count_at(const char *path)
{
    gw_db *r = open_ok(path, GW_DB_READ);
    unsigned n = count(r);
    gw_db_close(r);
    return n;
}

/* The search corpus used by the query tests: 6 documents. */
static gw_db *corpus(void)
{
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    put(db, "a", "alpha beta gamma", "20230101", "srcA", "k1");
    put(db, "b", "alpha delta beta", "20220615", "srcA", "k1");
    put(db, "c", "gamma delta", "20211231", "srcB", "k2");
    put(db, "d", "beta alpha", "20240301", "srcA", "k1");
    put(db, "e", "epsilon alpha alpha", "20230909", "srcB", "k3");
    put(db, "f", "zeta", NULL, "srcC", "k4");
    commit_ok(db);
    return db;
}

/* Runs q with opts; the search must succeed. */
static gw_mset *run(gw_db *db, const gw_xquery *q, const gw_search_opts *o)
{
    gw_err err;
    gw_mset *m = gw_db_search(db, q, o, &err);
    ck_assert_msg(m != NULL, "search: %s", err.msg);
    return m;
}

static size_t hits(gw_db *db, const gw_xquery *q)
{
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = 100;
    gw_mset *m = run(db, q, &o);
    size_t n = gw_mset_size(m);
    gw_mset_free(m);
    return n;
}

/* Bit set of the docids a query matches (docids < 32). */
static unsigned matchset(gw_db *db, const gw_xquery *q)
{
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = 100;
    gw_mset *m = run(db, q, &o);
    unsigned bits = 0;
    for (size_t i = 0; i < gw_mset_size(m); i++)
        bits |= 1u << gw_mset_docid(m, i);
    gw_mset_free(m);
    return bits;
}

#define B(id) (1u << (id))

static gw_xquery *T(const char *t)
{
    return gw_xquery_term(t, strlen(t), 1);
}

/* ---- Opening --------------------------------------------------------------------------- */

START_TEST(test_open_missing)
{
    gw_err err;
    gw_db *db = gw_db_open(tpath("nope"), GW_DB_READ, &err);
    ck_assert_ptr_null(db);
    ck_assert_int_eq(err.code, GW_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.msg, "nope"));

    db = gw_db_open(tpath("nope"), GW_DB_OPEN, &err);
    ck_assert_ptr_null(db);
    ck_assert_int_eq(err.code, GW_ENOTFOUND);

    /* A missing database is reported the same with err == NULL (no crash). */
    ck_assert_ptr_null(gw_db_open(tpath("nope"), GW_DB_READ, NULL));

    db = gw_db_open("", GW_DB_READ, &err);
    ck_assert_ptr_null(db);
    ck_assert_int_eq(err.code, GW_EINVAL);

    db = gw_db_open(tpath("x"), 42, &err);
    ck_assert_ptr_null(db);
    ck_assert_int_eq(err.code, GW_EINVAL);

    /* An existing directory that is not a database. */
    ck_assert_int_eq(mkdir(tpath("empty"), 0700), 0);
    db = gw_db_open(tpath("empty"), GW_DB_READ, &err);
    ck_assert_ptr_null(db);
    ck_assert_int_ne(err.code, GW_OK);

    gw_db_close(NULL);
}
END_TEST

START_TEST(test_open_modes)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    ck_assert(gw_db_is_writable(db));
    ck_assert_uint_eq(count(db), 0);
    ck_assert_uint_eq(gw_db_revision(db, &err), 0);
    put(db, "one", "hello world", NULL, NULL, NULL);
    commit_ok(db);
    ck_assert_uint_eq(gw_db_revision(db, &err), 1);
    gw_db_close(db);

    /* CREATE refuses an existing database. */
    ck_assert_ptr_null(gw_db_open(tpath("db"), GW_DB_CREATE, &err));
    ck_assert_int_eq(err.code, GW_EINVAL);

    db = open_ok(tpath("db"), GW_DB_CREATE_OR_OPEN);
    ck_assert_uint_eq(count(db), 1);
    gw_db_close(db);

    db = open_ok(tpath("db"), GW_DB_OPEN);
    ck_assert_uint_eq(count(db), 1);
    gw_db_close(db);

    db = open_ok(tpath("db"), GW_DB_READ);
    ck_assert(!gw_db_is_writable(db));
    ck_assert_uint_eq(count(db), 1);
    ck_assert_uint_eq(gw_db_revision(db, &err), 1);
    /* Writing through a read-only handle is the caller's error. */
    gw_xdoc *d = make_doc("two", "x", NULL, NULL, NULL);
    ck_assert_uint_eq(gw_db_add(db, d, &err), 0);
    ck_assert_int_eq(err.code, GW_EINVAL);
    ck_assert_int_eq(gw_db_commit(db, &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_set_metadata(db, "k", "v", 1, &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_delete(db, 1, &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_begin(db, 0, &err), GW_EINVAL);
    gw_xdoc_free(d);
    gw_db_close(db);

    db = open_ok(tpath("db"), GW_DB_CREATE_OR_OVERWRITE);
    ck_assert_uint_eq(count(db), 0);
    gw_db_close(db);
    ck_assert(!gw_db_is_writable(NULL));
}
END_TEST

START_TEST(test_create_or_open_creates)
{
    gw_db *db = open_ok(tpath("fresh"), GW_DB_CREATE_OR_OPEN);
    ck_assert_uint_eq(count(db), 0);
    gw_db_close(db);
    ck_assert_uint_eq(count_at(tpath("fresh")), 0);
}
END_TEST

/* Xapian's write lock is an fcntl lock held by a helper child process, so it also works
 * between two processes: check both. */
START_TEST(test_locked)
{
    gw_err err;
    gw_db *w = open_ok(tpath("db"), GW_DB_CREATE);

    /* A second writer in this process. */
    gw_db *w2 = gw_db_open(tpath("db"), GW_DB_OPEN, &err);
    ck_assert_ptr_null(w2);
    ck_assert_int_eq(err.code, GW_ELOCKED);

    /* A second writer in another process. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        gw_err e;
        gw_db *o = gw_db_open(tpath("db"), GW_DB_CREATE_OR_OPEN, &e);
        _exit(o == NULL && e.code == GW_ELOCKED ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);

    /* Readers are not blocked by the writer. */
    gw_db *r = open_ok(tpath("db"), GW_DB_READ);
    gw_db_close(r);

    /* Closing releases the lock. */
    gw_db_close(w);
    w = open_ok(tpath("db"), GW_DB_OPEN);
    gw_db_close(w);
}
END_TEST

/* ---- Documents ------------------------------------------------------------------------- */

START_TEST(test_documents)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);

    gw_xdoc *d = make_doc("a", "alpha beta alpha", "20230918", "src", NULL);
    ck_assert_uint_eq(gw_xdoc_term_count(d), 3); /* Qa alpha beta */
    gw_xdoc_add_term(d, "", 0, 1);               /* ignored */
    ck_assert_uint_eq(gw_xdoc_term_count(d), 3);
    gw_docid id = gw_db_add(db, d, &err);
    ck_assert_uint_eq(id, 1);
    gw_xdoc_free(d);
    /* Binary content: terms, values and data with NUL bytes. */
    d = gw_xdoc_new();
    gw_xdoc_add_term(d, "b\0in", 4, 2);
    gw_xdoc_set_value(d, 3, "v\0v", 3);
    gw_xdoc_set_data(d, "d\0d", 3);
    ck_assert_uint_eq(gw_db_add(db, d, &err), 2);
    gw_xdoc_free(d);
    commit_ok(db);

    ck_assert_uint_eq(count(db), 2);
    ck_assert_uint_eq(gw_db_last_docid(db, &err), 2);
    ck_assert_uint_eq(gw_db_term_freq(db, "alpha", 5, &err), 1);
    ck_assert_uint_eq(gw_db_term_freq(db, "b\0in", 4, &err), 1);
    ck_assert_uint_eq(gw_db_term_freq(db, "nothing", 7, &err), 0);
    ck_assert_int_eq(err.code, GW_OK);
    /* doc 1 has length 3 (alpha x2, beta; Qa has wdf 0), doc 2 length 2. */
    ck_assert(gw_db_avg_length(db, &err) > 2.4 && gw_db_avg_length(db, &err) < 2.6);

    d = gw_db_get_doc(db, 1, &err);
    ck_assert_ptr_nonnull(d);
    size_t len;
    const char *s = gw_xdoc_data(d, &len);
    ck_assert_uint_eq(len, 16);
    ck_assert_str_eq(s, "alpha beta alpha");
    s = gw_xdoc_value(d, 0, &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_str_eq(s, "20230918");
    ck_assert_str_eq(gw_xdoc_value(d, 1, NULL), "src");
    s = gw_xdoc_value(d, 9, &len); /* absent */
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(s, "");
    ck_assert_uint_eq(gw_xdoc_term_count(d), 3);
    gw_xdoc_free(d);

    d = gw_db_get_doc(db, 2, &err);
    s = gw_xdoc_data(d, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(s, "d\0d", 3);
    s = gw_xdoc_value(d, 3, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(s, "v\0v", 3);
    gw_xdoc_free(d);

    /* Bad document ids. */
    ck_assert_ptr_null(gw_db_get_doc(db, 99, &err));
    ck_assert_int_eq(err.code, GW_ENOTFOUND);
    ck_assert_ptr_null(gw_db_get_doc(db, 0, &err));
    ck_assert_int_eq(err.code, GW_ENOTFOUND);
    ck_assert_int_eq(gw_db_delete(db, 99, &err), GW_ENOTFOUND);
    ck_assert_int_eq(gw_db_delete(db, 0, &err), GW_ENOTFOUND);

    /* Terms over Xapian's 245-byte limit are refused when the document is written. */
    char big[300];
    memset(big, 'x', sizeof big);
    d = gw_xdoc_new();
    gw_xdoc_add_term(d, big, sizeof big, 1);
    ck_assert_uint_eq(gw_db_add(db, d, &err), 0);
    ck_assert_int_eq(err.code, GW_EINVAL);
    gw_xdoc_free(d);

    ck_assert_int_eq(gw_db_delete(db, 1, &err), GW_OK);
    commit_ok(db);
    ck_assert_uint_eq(count(db), 1);
    ck_assert_ptr_null(gw_db_get_doc(db, 1, &err));
    ck_assert_int_eq(err.code, GW_ENOTFOUND);
    ck_assert_int_eq(gw_db_delete(db, 1, &err), GW_ENOTFOUND);
    gw_xdoc_free(NULL);
    gw_db_close(db);
}
END_TEST

/* A document's value/data can be overwritten before it is added. */
START_TEST(test_xdoc_overwrite)
{
    gw_xdoc *d = gw_xdoc_new();
    gw_xdoc_set_value(d, 0, "one", 3);
    ck_assert_str_eq(gw_xdoc_value(d, 0, NULL), "one");
    gw_xdoc_set_value(d, 0, "two", 3);
    ck_assert_str_eq(gw_xdoc_value(d, 0, NULL), "two");
    gw_xdoc_set_data(d, "x", 1);
    ck_assert_str_eq(gw_xdoc_data(d, NULL), "x");
    gw_xdoc_set_data(d, "yy", 2);
    ck_assert_str_eq(gw_xdoc_data(d, NULL), "yy");
    gw_xdoc_free(d);
}
END_TEST

START_TEST(test_by_term)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    gw_docid a = put(db, "a.txt", "first version", NULL, NULL, NULL);
    gw_docid b = put(db, "b.txt", "other", "20200101", NULL, NULL);
    ck_assert_uint_ne(a, b);
    /* Replacing keeps one document per unique term and its docid. */
    gw_docid a2 = put(db, "a.txt", "second version", NULL, NULL, NULL);
    ck_assert_uint_eq(a2, a);
    commit_ok(db);
    ck_assert_uint_eq(count(db), 2);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qa.txt", 6, &err), a);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qb.txt", 6, &err), b);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qc.txt", 6, &err), 0);
    ck_assert_int_eq(err.code, GW_OK);
    gw_xdoc *d = gw_db_get_doc(db, a, &err);
    ck_assert_str_eq(gw_xdoc_data(d, NULL), "second version");
    gw_xdoc_free(d);
    ck_assert_uint_eq(gw_db_term_freq(db, "first", 5, &err), 0);
    ck_assert_uint_eq(gw_db_term_freq(db, "second", 6, &err), 1);

    /* Read, change a value, write back (the indexer's "touch" of mtime/size): terms,
     * data and the other values stay. */
    gw_db_close(db);
    db = open_ok(tpath("db"), GW_DB_OPEN);
    d = gw_db_get_doc(db, b, &err);
    ck_assert_ptr_nonnull(d);
    gw_xdoc_set_value(d, 3, "12345", 5);
    ck_assert_uint_eq(gw_db_replace_by_term(db, "Qb.txt", 6, d, &err), b);
    gw_xdoc_free(d);
    commit_ok(db);
    d = gw_db_get_doc(db, b, &err);
    ck_assert_str_eq(gw_xdoc_value(d, 3, NULL), "12345");
    ck_assert_str_eq(gw_xdoc_value(d, 0, NULL), "20200101");
    ck_assert_str_eq(gw_xdoc_data(d, NULL), "other");
    ck_assert_uint_eq(gw_xdoc_term_count(d), 2);
    gw_xdoc_free(d);
    ck_assert_uint_eq(gw_db_find_by_term(db, "other", 5, &err), b);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qb.txt", 6, &err), b);

    ck_assert_int_eq(gw_db_delete_by_term(db, "Qa.txt", 6, &err), GW_OK);
    ck_assert_int_eq(gw_db_delete_by_term(db, "Qnobody", 7, &err), GW_OK);
    ck_assert_int_eq(gw_db_delete_by_term(db, "", 0, &err), GW_EINVAL);
    commit_ok(db);
    ck_assert_uint_eq(count(db), 1);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qa.txt", 6, &err), 0);
    /* A new document after a delete gets a fresh docid. */
    gw_docid c = put(db, "a.txt", "third", NULL, NULL, NULL);
    ck_assert_uint_gt(c, b);
    gw_db_close(db);
}
END_TEST

/* ---- Commits and transactions ---------------------------------------------------------- */

START_TEST(test_close_discards)
{
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    put(db, "a", "kept", NULL, NULL, NULL);
    commit_ok(db);
    put(db, "b", "dropped", NULL, NULL, NULL);
    ck_assert_uint_eq(count(db), 2); /* the writer sees its own pending change */
    gw_db_close(db);
    ck_assert_uint_eq(count_at(tpath("db")), 1);

    /* Same after reopening for writing, and with metadata. */
    gw_err err;
    db = open_ok(tpath("db"), GW_DB_OPEN);
    put(db, "c", "dropped too", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_set_metadata(db, "k", "v", 1, &err), GW_OK);
    gw_db_close(db);
    db = open_ok(tpath("db"), GW_DB_READ);
    ck_assert_uint_eq(count(db), 1);
    ck_assert_ptr_null(gw_db_get_metadata(db, "k", NULL, &err));
    ck_assert_int_eq(err.code, GW_OK);
    gw_db_close(db);
}
END_TEST

START_TEST(test_commit_visible)
{
    gw_err err;
    gw_db *w = open_ok(tpath("db"), GW_DB_CREATE);
    commit_ok(w); /* an empty commit is fine */
    gw_db *r = open_ok(tpath("db"), GW_DB_READ);
    unsigned long rev0 = gw_db_revision(r, &err);
    put(w, "a", "one", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_reopen(r, &err), GW_OK);
    ck_assert_uint_eq(count(r), 0); /* not committed yet */
    commit_ok(w);
    ck_assert_uint_eq(count(r), 0); /* reader still at its revision */
    ck_assert_int_eq(gw_db_reopen(r, &err), GW_OK);
    ck_assert_uint_eq(count(r), 1);
    ck_assert_uint_gt(gw_db_revision(r, &err), rev0);
    ck_assert_int_eq(gw_db_reopen(w, &err), GW_OK); /* harmless on a writer */
    gw_db_close(r);
    gw_db_close(w);
}
END_TEST

START_TEST(test_transactions)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);

    /* Cancel drops what was done since begin (after a commit nothing else is pending). */
    put(db, "a", "base", NULL, NULL, NULL);
    commit_ok(db);
    ck_assert_int_eq(gw_db_begin(db, 0, &err), GW_OK);
    put(db, "b", "cancelled", NULL, NULL, NULL);
    ck_assert_uint_eq(count(db), 2);
    ck_assert_int_eq(gw_db_cancel_transaction(db, &err), GW_OK);
    ck_assert_uint_eq(count(db), 1);

    /* Misuse: nested begin, gw_db_commit inside, ending a transaction that isn't open. */
    ck_assert_int_eq(gw_db_commit_transaction(db, &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_cancel_transaction(db, &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_begin(db, 0, &err), GW_OK);
    ck_assert_int_eq(gw_db_begin(db, 0, &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_commit(db, &err), GW_EINVAL);

    /* Unflushed commit_transaction keeps the changes pending until gw_db_commit. */
    put(db, "c", "kept", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_commit_transaction(db, &err), GW_OK);
    ck_assert_uint_eq(count(db), 2);
    ck_assert_uint_eq(count_at(tpath("db")), 1);
    commit_ok(db);
    ck_assert_uint_eq(count_at(tpath("db")), 2);

    /* Flushed: durable on commit_transaction, no gw_db_commit needed. */
    ck_assert_int_eq(gw_db_begin(db, 1, &err), GW_OK);
    put(db, "d", "flushed", NULL, NULL, NULL);
    ck_assert_uint_eq(count_at(tpath("db")), 2);
    ck_assert_int_eq(gw_db_commit_transaction(db, &err), GW_OK);
    ck_assert_uint_eq(count_at(tpath("db")), 3);

    /* Flushed begin commits what was pending before it; a cancel then keeps that. */
    put(db, "e", "pending before begin", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_begin(db, 1, &err), GW_OK);
    put(db, "f", "cancelled", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_cancel_transaction(db, &err), GW_OK);
    ck_assert_uint_eq(count(db), 4);
    ck_assert_uint_eq(count_at(tpath("db")), 4);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qf", 2, &err), 0);

    /* Unflushed begin: a cancel also drops what was pending before it (Xapian). */
    put(db, "g", "pending before begin", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_begin(db, 0, &err), GW_OK);
    put(db, "h", "cancelled", NULL, NULL, NULL);
    ck_assert_int_eq(gw_db_cancel_transaction(db, &err), GW_OK);
    ck_assert_uint_eq(count(db), 4);

    /* Closing inside an explicit transaction discards it too. */
    ck_assert_int_eq(gw_db_begin(db, 1, &err), GW_OK);
    put(db, "i", "never", NULL, NULL, NULL);
    gw_db_close(db);
    ck_assert_uint_eq(count_at(tpath("db")), 4);

    /* And the handle keeps working after all that. */
    db = open_ok(tpath("db"), GW_DB_OPEN);
    put(db, "j", "last", NULL, NULL, NULL);
    commit_ok(db);
    gw_db_close(db);
    ck_assert_uint_eq(count_at(tpath("db")), 5);
}
END_TEST

START_TEST(test_metadata)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    ck_assert_int_eq(gw_db_set_metadata(db, "rev", "42", 2, &err), GW_OK);
    ck_assert_int_eq(gw_db_set_metadata(db, "bin", "a\0b", 3, &err), GW_OK);
    ck_assert_int_ne(gw_db_set_metadata(db, "", "x", 1, &err), GW_OK); /* empty key */
    commit_ok(db);
    size_t len = 99;
    char *v = gw_db_get_metadata(db, "nothing", &len, &err);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(err.code, GW_OK);
    ck_assert_uint_eq(len, 0);
    gw_db_close(db);

    db = open_ok(tpath("db"), GW_DB_READ);
    v = gw_db_get_metadata(db, "rev", &len, &err);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(len, 2);
    ck_assert_str_eq(v, "42");
    free(v);
    v = gw_db_get_metadata(db, "bin", &len, &err);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(v, "a\0b", 3);
    free(v);
    gw_db_close(db);

    /* Setting an empty value deletes the key. */
    db = open_ok(tpath("db"), GW_DB_OPEN);
    ck_assert_int_eq(gw_db_set_metadata(db, "rev", "", 0, &err), GW_OK);
    commit_ok(db);
    ck_assert_ptr_null(gw_db_get_metadata(db, "rev", NULL, &err));
    gw_db_close(db);
}
END_TEST

/* ---- Walking --------------------------------------------------------------------------- */

struct walk {
    char terms[16][32];
    unsigned freqs[16];
    gw_docid ids[16];
    int n, stop_at;
};

static int on_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    struct walk *w = ctx;
    ck_assert_int_lt(w->n, 16);
    ck_assert_uint_lt(len, 32);
    memcpy(w->terms[w->n], term, len);
    w->terms[w->n][len] = '\0';
    w->freqs[w->n] = freq;
    return ++w->n == w->stop_at ? 77 : 0;
}

static int on_posting(void *ctx, gw_docid id)
{
    struct walk *w = ctx;
    ck_assert_int_lt(w->n, 16);
    w->ids[w->n] = id;
    return ++w->n == w->stop_at ? 78 : 0;
}

START_TEST(test_walk)
{
    gw_err err;
    gw_db *db = corpus();
    struct walk w = {0};
    ck_assert_int_eq(gw_db_walk_terms(db, "Q", on_term, &w, &err), GW_OK);
    ck_assert_int_eq(w.n, 6);
    ck_assert_str_eq(w.terms[0], "Qa");
    ck_assert_str_eq(w.terms[5], "Qf");
    ck_assert_uint_eq(w.freqs[0], 1);

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(gw_db_walk_terms(db, "", on_term, &w, &err), GW_OK);
    /* alpha beta delta epsilon gamma zeta + 6 Q terms, sorted bytewise */
    ck_assert_int_eq(w.n, 12);
    ck_assert_str_eq(w.terms[0], "Qa");
    ck_assert_str_eq(w.terms[6], "alpha");
    ck_assert_uint_eq(w.freqs[6], 4);
    ck_assert_str_eq(w.terms[11], "zeta");

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(gw_db_walk_terms(db, "nomatch", on_term, &w, &err), GW_OK);
    ck_assert_int_eq(w.n, 0);

    memset(&w, 0, sizeof w);
    w.stop_at = 2;
    ck_assert_int_eq(gw_db_walk_terms(db, NULL, on_term, &w, &err), 77);
    ck_assert_int_eq(w.n, 2);

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(gw_db_walk_postings(db, "alpha", 5, on_posting, &w, &err), GW_OK);
    ck_assert_int_eq(w.n, 4);
    ck_assert_uint_eq(w.ids[0], 1);
    ck_assert_uint_eq(w.ids[1], 2);
    ck_assert_uint_eq(w.ids[2], 4);
    ck_assert_uint_eq(w.ids[3], 5);

    memset(&w, 0, sizeof w);
    w.stop_at = 1;
    ck_assert_int_eq(gw_db_walk_postings(db, "alpha", 5, on_posting, &w, &err), 78);
    ck_assert_int_eq(w.n, 1);

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(gw_db_walk_postings(db, "absent", 6, on_posting, &w, &err), GW_OK);
    ck_assert_int_eq(w.n, 0);
    gw_db_close(db);
}
END_TEST

/* ---- Several databases ----------------------------------------------------------------- */

static void two_shards(void)
{
    gw_db *a = open_ok(tpath("s1"), GW_DB_CREATE);
    put(a, "a1", "shared one", "20200101", NULL, NULL);
    put(a, "a2", "only first", "20200102", NULL, NULL);
    commit_ok(a);
    gw_db_close(a);
    gw_db *b = open_ok(tpath("s2"), GW_DB_CREATE);
    put(b, "b1", "shared two", "20210101", NULL, NULL);
    commit_ok(b);
    gw_db_close(b);
}

START_TEST(test_stub)
{
    gw_err err;
    two_shards();
    FILE *f = fopen(tpath("stub"), "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "auto %s\nauto %s\n", tpath("s1"), tpath("s2"));
    fclose(f);

    gw_db *db = open_ok(tpath("stub"), GW_DB_READ);
    ck_assert_uint_eq(count(db), 3);
    ck_assert_uint_eq(gw_db_term_freq(db, "shared", 6, &err), 2);
    gw_xquery *q = T("shared");
    ck_assert_uint_eq(hits(db, q), 2);
    gw_xquery_free(q);
    /* Docids interleave across shards; every one resolves to a document. */
    gw_xdoc *d = gw_db_get_doc(db, gw_db_find_by_term(db, "Qb1", 3, &err), &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(gw_xdoc_data(d, NULL), "shared two");
    gw_xdoc_free(d);
    /* No single revision for several databases. */
    ck_assert_uint_eq(gw_db_revision(db, &err), 0);
    ck_assert_int_eq(err.code, GW_EINVAL);
    gw_db_close(db);

    /* Compacting the stub merges the shards into one database. */
    ck_assert_int_eq(gw_db_compact(tpath("stub"), tpath("merged"), &err), GW_OK);
    db = open_ok(tpath("merged"), GW_DB_READ);
    ck_assert_uint_eq(count(db), 3);
    ck_assert_uint_eq(gw_db_term_freq(db, "shared", 6, &err), 2);
    ck_assert_uint_gt(gw_db_revision(db, &err), 0);
    ck_assert_int_eq(err.code, GW_OK);
    gw_db_close(db);

    /* A stub naming a missing shard. */
    f = fopen(tpath("badstub"), "w");
    fprintf(f, "auto %s\nauto %s\n", tpath("s1"), tpath("s9"));
    fclose(f);
    ck_assert_ptr_null(gw_db_open(tpath("badstub"), GW_DB_READ, &err));
    ck_assert_int_ne(err.code, GW_OK);
}
END_TEST

START_TEST(test_open_many)
{
    gw_err err;
    two_shards();
    const char *paths[2] = {tpath("s1"), tpath("s2")};
    gw_db *db = gw_db_open_many(paths, 2, &err);
    ck_assert_msg(db != NULL, "%s", err.msg);
    ck_assert(!gw_db_is_writable(db));
    ck_assert_uint_eq(count(db), 3);
    gw_xquery *q = T("shared");
    ck_assert_uint_eq(hits(db, q), 2);
    gw_xquery_free(q);
    ck_assert_int_eq(gw_db_reopen(db, &err), GW_OK);
    gw_db_close(db);

    const char *bad[2] = {tpath("s1"), tpath("missing")};
    ck_assert_ptr_null(gw_db_open_many(bad, 2, &err));
    ck_assert_int_eq(err.code, GW_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.msg, "missing"));
    ck_assert_ptr_null(gw_db_open_many(paths, 0, &err));
    ck_assert_int_eq(err.code, GW_EINVAL);
}
END_TEST

START_TEST(test_compact)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    char uid[32], text[64];
    for (int i = 0; i < 300; i++) {
        snprintf(uid, sizeof uid, "doc%d", i);
        snprintf(text, sizeof text, "common w%d w%d", i, i % 7);
        put(db, uid, text, NULL, NULL, NULL);
        if (i % 100 == 99)
            commit_ok(db);
    }
    for (int i = 0; i < 300; i += 3) {
        snprintf(uid, sizeof uid, "Qdoc%d", i);
        ck_assert_int_eq(gw_db_delete_by_term(db, uid, strlen(uid), &err), GW_OK);
    }
    commit_ok(db);
    /* A writer holding the lock does not stop compaction of what it committed. */
    ck_assert_int_eq(gw_db_compact(tpath("db"), tpath("small"), &err), GW_OK);
    gw_db_close(db);

    db = open_ok(tpath("small"), GW_DB_READ);
    ck_assert_uint_eq(count(db), 200);
    ck_assert_uint_eq(gw_db_term_freq(db, "common", 6, &err), 200);
    ck_assert_uint_eq(gw_db_find_by_term(db, "Qdoc3", 5, &err), 0);
    ck_assert_uint_ne(gw_db_find_by_term(db, "Qdoc4", 5, &err), 0);
    gw_db_close(db);

    ck_assert_int_eq(gw_db_compact(tpath("db"), tpath("small"), &err), GW_EINVAL);
    ck_assert_int_eq(gw_db_compact(tpath("none"), tpath("out"), &err), GW_ENOTFOUND);
}
END_TEST

/* ---- A damaged database ------------------------------------------------------------------- */

/* XORs the bytes [from, to) of file (what a bad disk or a stray write does). */
static void damage(const char *file, long from, long to)
{
    FILE *f = fopen(file, "r+b");
    ck_assert_ptr_nonnull(f);
    for (long i = from; i < to; i++) {
        if (fseek(f, i, SEEK_SET) != 0) break;
        int c = fgetc(f);
        if (c == EOF) break;
        fseek(f, i, SEEK_SET);
        fputc(c ^ 0x5a, f);
    }
    fclose(f);
}

/* A document read from a database whose termlist table is damaged: Xapian loads its values
 * lazily, inside gw_xdoc_set_value, which has no gw_err. It must not abort (an incremental
 * run touching an unchanged file did, exit 134): the error is kept and the write refused
 * with it. Each 8 KB block of the table is damaged in turn on a fresh copy; some damage
 * fails at open, some in the builder, some not at all (a free block), none may crash. */
START_TEST(test_damaged_termlist)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    char uid[32], text[64];
    for (int i = 0; i < 300; i++) {
        snprintf(uid, sizeof uid, "doc%d", i);
        snprintf(text, sizeof text, "common w%d w%d t%d", i, i % 7, i % 13);
        put(db, uid, text, NULL, NULL, NULL);
    }
    commit_ok(db);
    gw_db_close(db);
    struct stat st;
    char table[4096];
    snprintf(table, sizeof table, "%s/termlist.glass", tpath("db"));
    ck_assert_int_eq(stat(table, &st), 0);
    int builder_failures = 0;
    for (long blk = 0; blk * 8192 < st.st_size; blk++) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", tpath("copy"), tpath("db"),
                 tpath("copy"));
        ck_assert_int_eq(system(cmd), 0);
        snprintf(table, sizeof table, "%s/termlist.glass", tpath("copy"));
        damage(table, blk * 8192 + 100, (blk + 1) * 8192); /* the block header stays */
        gw_db *w = gw_db_open(tpath("copy"), GW_DB_CREATE_OR_OPEN, &err);
        if (!w) {
            ck_assert_int_ne(err.code, GW_OK);
            continue;
        }
        gw_xdoc *d = gw_db_get_doc(w, 5, &err);
        if (d) {
            gw_xdoc_set_value(d, 3, "1700000000", 10);
            gw_xdoc_add_term(d, "touched", 7, 0);
            gw_docid id = gw_db_replace_by_term(w, "Qdoc4", 5, d, &err);
            if (!id) {
                /* refused with an error that says what failed */
                ck_assert_int_ne(err.code, GW_OK);
                ck_assert_int_ne(err.code, GW_EINTERNAL);
                ck_assert_uint_gt(strlen(err.msg), 0);
                if (strstr(err.msg, "could not be built")) builder_failures++;
            }
            gw_xdoc_free(d);
        }
        gw_db_close(w);
    }
    /* the case this guards against happened at least once */
    ck_assert_int_ge(builder_failures, 1);
}
END_TEST

/* ---- A reader that falls behind ---------------------------------------------------------- */

static gw_code read_everything(gw_db *r, unsigned ndocs)
{
    gw_err err;
    for (gw_docid id = 1; id <= ndocs; id++) {
        gw_xdoc *d = gw_db_get_doc(r, id, &err);
        if (!d) {
            if (err.code == GW_ENOTFOUND)
                continue;
            return err.code;
        }
        gw_xdoc_free(d);
    }
    gw_xquery *q = T("common");
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = ndocs;
    gw_mset *m = gw_db_search(r, q, &o, &err);
    gw_xquery_free(q);
    if (!m)
        return err.code;
    gw_code rc = GW_OK;
    for (size_t i = 0; i < gw_mset_size(m); i++) {
        if (!gw_mset_doc(m, i, &err)) {
            rc = err.code;
            break;
        }
    }
    gw_mset_free(m);
    return rc;
}

START_TEST(test_modified)
{
    enum { NDOCS = 400 };
    gw_err err;
    char uid[32], text[256];
    gw_db *w = open_ok(tpath("db"), GW_DB_CREATE);
    for (int i = 0; i < NDOCS; i++) {
        snprintf(uid, sizeof uid, "d%d", i);
        snprintf(text, sizeof text, "common r0 t%d u%d v%d w%d", i, i * 7, i * 13, i % 11);
        put(w, uid, text, NULL, NULL, NULL);
    }
    commit_ok(w);

    gw_db *r = open_ok(tpath("db"), GW_DB_READ);
    ck_assert_int_eq(read_everything(r, NDOCS), GW_OK);

    /* Rewrite everything, commit after commit, until the blocks the reader's revision
     * uses are reused (glass frees them two commits later). */
    gw_code rc = GW_OK;
    int round;
    for (round = 1; round <= 30 && rc == GW_OK; round++) {
        for (int i = 0; i < NDOCS; i++) {
            snprintf(uid, sizeof uid, "d%d", i);
            snprintf(text, sizeof text, "common r%d t%d x%d y%d", round, i, i * round, i % 5);
            put(w, uid, text, NULL, NULL, NULL);
        }
        commit_ok(w);
        rc = read_everything(r, NDOCS);
    }
    ck_assert_msg(rc == GW_EMODIFIED, "reader still fine after %d commits (rc %d)", round, rc);
    ck_assert_int_ge(round, 2);

    /* Reopen, then the same reads work and see the latest revision. */
    ck_assert_int_eq(gw_db_reopen(r, &err), GW_OK);
    ck_assert_int_eq(read_everything(r, NDOCS), GW_OK);
    ck_assert_uint_eq(gw_db_revision(r, &err), gw_db_revision(w, &err));
    ck_assert_uint_eq(count(r), NDOCS);
    gw_db_close(r);
    gw_db_close(w);
}
END_TEST

/* ---- Queries --------------------------------------------------------------------------- */

START_TEST(test_query_phrase)
{
    gw_db *db = corpus();
    const char *t[2] = {"alpha", "beta"};
    size_t l[2] = {5, 4};
    /* a: "alpha beta gamma" adjacent; b: "alpha delta beta" apart; d: "beta alpha". */
    gw_xquery *q = gw_xquery_phrase(t, l, 2, 0);
    ck_assert_uint_eq(matchset(db, q), B(1));
    gw_xquery_free(q);
    q = gw_xquery_phrase(t, l, 2, 3); /* within 3 positions, in order */
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2));
    gw_xquery_free(q);
    q = gw_xquery_phrase(t, l, 1, 0); /* one term: a term query */
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(4) | B(5));
    gw_xquery_free(q);
    q = gw_xquery_phrase(t, l, 0, 0);
    ck_assert_uint_eq(matchset(db, q), 0);
    gw_xquery_free(q);
    const char *t3[3] = {"alpha", "beta", "gamma"};
    size_t l3[3] = {5, 4, 5};
    q = gw_xquery_phrase(t3, l3, 3, 0);
    ck_assert_uint_eq(matchset(db, q), B(1));
    gw_xquery_free(q);
    const char *t3b[3] = {"alpha", "gamma", "beta"};
    q = gw_xquery_phrase(t3b, l3, 3, 0);
    ck_assert_uint_eq(matchset(db, q), 0);
    gw_xquery_free(q);
    gw_db_close(db);
}
END_TEST

START_TEST(test_query_ops)
{
    gw_db *db = corpus();
    gw_xquery *alpha = T("alpha"), *beta = T("beta"), *delta = T("delta"), *gamma = T("gamma");
    gw_xquery *s[3];
    gw_xquery *q;

    s[0] = alpha, s[1] = beta;
    q = gw_xquery_combine(GW_OP_AND, s, 2, 0);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(4));
    gw_xquery_free(q);
    s[0] = beta, s[1] = gamma;
    q = gw_xquery_combine(GW_OP_OR, s, 2, 0);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(3) | B(4));
    gw_xquery_free(q);
    s[0] = alpha, s[1] = beta, s[2] = delta; /* alpha AND NOT (beta OR delta) */
    q = gw_xquery_combine(GW_OP_AND_NOT, s, 3, 0);
    ck_assert_uint_eq(matchset(db, q), B(5));
    gw_xquery_free(q);
    s[0] = alpha, s[1] = delta;
    q = gw_xquery_combine(GW_OP_FILTER, s, 2, 0);
    ck_assert_uint_eq(matchset(db, q), B(2));
    gw_xquery_free(q);
    q = gw_xquery_combine(GW_OP_AND_MAYBE, s, 2, 0);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(4) | B(5));
    gw_xquery_free(q);
    /* NEAR: any order within the window. */
    s[0] = beta, s[1] = alpha;
    q = gw_xquery_combine(GW_OP_NEAR, s, 2, 2);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(4));
    gw_xquery_free(q);
    q = gw_xquery_combine(GW_OP_NEAR, s, 2, 3);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(4));
    gw_xquery_free(q);
    q = gw_xquery_combine(GW_OP_OR, s, 0, 0);
    ck_assert_uint_eq(matchset(db, q), 0);
    gw_xquery_free(q);

    /* FILTER: only the first subquery weighs; AND_MAYBE: the rest add weight. */
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    s[0] = alpha, s[1] = delta;
    q = gw_xquery_combine(GW_OP_FILTER, s, 2, 0);
    gw_mset *m1 = run(db, q, &o);
    gw_xquery_free(q);
    gw_mset *m2 = run(db, alpha, &o);
    double w_alpha_b = -1;
    for (size_t i = 0; i < gw_mset_size(m2); i++)
        if (gw_mset_docid(m2, i) == 2)
            w_alpha_b = gw_mset_weight(m2, i);
    ck_assert_double_eq_tol(gw_mset_weight(m1, 0), w_alpha_b, 1e-9);
    gw_mset_free(m1);
    q = gw_xquery_combine(GW_OP_AND_MAYBE, s, 2, 0);
    m1 = run(db, q, &o);
    gw_xquery_free(q);
    ck_assert_uint_eq(gw_mset_docid(m1, 0), 2); /* delta lifts b to the top */
    ck_assert(gw_mset_weight(m1, 0) > w_alpha_b);
    gw_mset_free(m1);
    gw_mset_free(m2);

    gw_xquery_free(alpha);
    gw_xquery_free(beta);
    gw_xquery_free(delta);
    gw_xquery_free(gamma);
    gw_db_close(db);
}
END_TEST

/* opts->accept_ids: exactly the listed documents among a query's matches, with the
 * query's own weights and percentages. A combined database hands each shard's own docids
 * to spies and deciders: there, no docid list is collected and none is accepted. */
START_TEST(test_search_accept_ids)
{
    gw_db *db = corpus();
    gw_xquery *alpha = T("alpha"), *delta = T("delta");
    gw_xquery *s[2] = {alpha, delta};
    gw_xquery *q = gw_xquery_combine(GW_OP_AND_MAYBE, s, 2, 0); /* 1 2 4 5; delta lifts 2 */
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = 100;
    gw_mset *all = run(db, q, &o);
    ck_assert_uint_eq(gw_mset_size(all), 4);
    ck_assert_uint_eq(gw_mset_docid(all, 0), 2);
    static const struct {
        gw_docid ids[6];
        size_t n;
        unsigned want;
    } cases[] = {
        {{2, 4}, 2, B(2) | B(4)},
        {{1, 2}, 2, B(1) | B(2)},                  /* consecutive, from the first docid */
        {{5, 6}, 2, B(5)},                          /* up to the last docid (6 is no match) */
        {{3}, 1, 0},                                /* listed, but not a match */
        {{1, 2, 3, 4, 5, 6}, 6, B(1) | B(2) | B(4) | B(5)},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        gw_search_opts a = o;
        a.accept_ids = cases[c].ids;
        a.n_accept_ids = cases[c].n;
        gw_mset *m = run(db, q, &a);
        unsigned got = 0;
        for (size_t i = 0; i < gw_mset_size(m); i++) {
            got |= B(gw_mset_docid(m, i));
            size_t j = 0;
            while (gw_mset_docid(all, j) != gw_mset_docid(m, i)) j++;
            ck_assert_double_eq_tol(gw_mset_weight(m, i), gw_mset_weight(all, j), 1e-9);
            /* with the best document among them, the percentages are the query's own */
            if (cases[c].want & B(2))
                ck_assert_int_eq(gw_mset_percent(m, i), gw_mset_percent(all, j));
        }
        ck_assert_msg(got == cases[c].want, "case %zu: %#x, want %#x", c, got, cases[c].want);
        ck_assert_uint_eq(gw_mset_lower_bound(m), __builtin_popcount(cases[c].want));
        gw_mset_free(m);
    }
    gw_mset_free(all);
    gw_xquery_free(q);
    gw_xquery_free(alpha);
    gw_xquery_free(delta);
    gw_db_close(db);

    /* combined: s1's documents are 1 and 3, s2's is 2 */
    gw_err err;
    two_shards();
    const char *paths[2] = {tpath("s1"), tpath("s2")};
    db = gw_db_open_many(paths, 2, &err);
    ck_assert_msg(db != NULL, "%s", err.msg);
    q = T("shared"); /* 1 and 2; each is docid 1 of its own shard */
    gw_search_opts a = o;
    a.collect_docids = 1;
    gw_mset *m = run(db, q, &a);
    ck_assert_uint_eq(gw_mset_size(m), 2);
    size_t nid = 99;
    gw_mset_docids(m, &nid);
    ck_assert_uint_eq(nid, 0); /* cannot tell: no list to trust */
    gw_mset_free(m);
    gw_docid only2[1] = {2};
    a = o;
    a.accept_ids = only2;
    a.n_accept_ids = 1;
    ck_assert_ptr_null(gw_db_search(db, q, &a, &err));
    ck_assert_int_eq(err.code, GW_EINVAL);
    gw_xquery_free(q);
    gw_db_close(db);
}
END_TEST

START_TEST(test_query_values_misc)
{
    gw_db *db = corpus();
    /* dates: a 20230101, b 20220615, c 20211231, d 20240301, e 20230909, f none */
    gw_xquery *q = gw_xquery_value_range(0, "20220101", "20231231");
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(5));
    gw_xquery_free(q);
    q = gw_xquery_value_range(0, "20230101", NULL);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(4) | B(5));
    gw_xquery_free(q);
    q = gw_xquery_value_range(0, NULL, "20220615");
    ck_assert_uint_eq(matchset(db, q), B(2) | B(3));
    gw_xquery_free(q);
    q = gw_xquery_value_range(0, NULL, NULL);
    ck_assert_uint_eq(matchset(db, q), B(1) | B(2) | B(3) | B(4) | B(5));
    gw_xquery_free(q);
    q = gw_xquery_value_range(0, "2030", "2040");
    ck_assert_uint_eq(matchset(db, q), 0);
    gw_xquery_free(q);

    q = gw_xquery_all();
    ck_assert_uint_eq(hits(db, q), 6);
    gw_xquery_free(q);
    q = gw_xquery_none();
    ck_assert_uint_eq(hits(db, q), 0);
    gw_xquery_free(q);

    /* Wildcard: "Q" prefix expands to the 6 unique terms; a limit keeps that many. */
    q = gw_xquery_wildcard("Q", 0);
    ck_assert_uint_eq(hits(db, q), 6);
    gw_xquery_free(q);
    q = gw_xquery_wildcard("e", 0);
    ck_assert_uint_eq(matchset(db, q), B(5));
    gw_xquery_free(q);
    q = gw_xquery_wildcard("Q", 2);
    ck_assert_uint_eq(hits(db, q), 2);
    gw_xquery_free(q);

    /* Scale multiplies the weight. */
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    gw_xquery *t = T("zeta");
    gw_mset *m1 = run(db, t, &o);
    q = gw_xquery_scale(t, 3.0);
    gw_mset *m3 = run(db, q, &o);
    ck_assert_uint_eq(gw_mset_size(m1), 1);
    ck_assert(gw_mset_weight(m1, 0) > 0);
    ck_assert_double_eq_tol(gw_mset_weight(m3, 0), 3 * gw_mset_weight(m1, 0), 1e-9);
    gw_mset_free(m1);
    gw_mset_free(m3);
    gw_xquery_free(q);

    /* describe */
    char *desc = gw_xquery_describe(t);
    ck_assert_ptr_nonnull(strstr(desc, "zeta"));
    free(desc);
    const char *pt[2] = {"alpha", "beta"};
    size_t pl[2] = {5, 4};
    q = gw_xquery_phrase(pt, pl, 2, 0);
    desc = gw_xquery_describe(q);
    ck_assert_msg(strstr(desc, "PHRASE") && strstr(desc, "alpha"), "%s", desc);
    free(desc);
    gw_xquery_free(q);
    gw_xquery_free(t);
    gw_xquery_free(NULL);
    gw_db_close(db);
}
END_TEST

/* ---- Searching ------------------------------------------------------------------------- */

START_TEST(test_search_paging_sort)
{
    gw_db *db = corpus();
    gw_xquery *all = gw_xquery_all();
    gw_search_opts o = GW_SEARCH_OPTS_INIT;

    o.sort_slot = 0; /* date ascending; f (no date) sorts first as "" */
    o.limit = 10;
    gw_mset *m = run(db, all, &o);
    gw_docid asc[6] = {6, 3, 2, 1, 5, 4};
    ck_assert_uint_eq(gw_mset_size(m), 6);
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(gw_mset_docid(m, i), asc[i]);
    gw_mset_free(m);

    o.sort_descending = 1;
    o.offset = 1;
    o.limit = 2;
    m = run(db, all, &o);
    ck_assert_uint_eq(gw_mset_size(m), 2);
    ck_assert_uint_eq(gw_mset_docid(m, 0), 5);
    ck_assert_uint_eq(gw_mset_docid(m, 1), 1);
    ck_assert_uint_eq(gw_mset_docid(m, 2), 0); /* out of range */
    gw_mset_free(m);

    o.offset = 6;
    m = run(db, all, &o);
    ck_assert_uint_eq(gw_mset_size(m), 0);
    gw_mset_free(m);

    /* Relevance with a tie-break by date. */
    gw_xquery *alpha = T("alpha");
    o = (gw_search_opts)GW_SEARCH_OPTS_INIT;
    m = run(db, alpha, &o);
    ck_assert_uint_eq(gw_mset_size(m), 4);
    ck_assert_uint_eq(gw_mset_docid(m, 0), 5); /* alpha twice */
    ck_assert_int_eq(gw_mset_percent(m, 0), 100);
    for (size_t i = 1; i < 4; i++)
        ck_assert(gw_mset_weight(m, i) <= gw_mset_weight(m, i - 1));
    gw_mset_free(m);
    o.sort_slot = 0;
    o.sort_descending = 1;
    o.relevance_tiebreak = 1;
    m = run(db, alpha, &o);
    ck_assert_uint_eq(gw_mset_docid(m, 0), 4);
    ck_assert_uint_eq(gw_mset_docid(m, 3), 2);
    gw_mset_free(m);

    /* BM25 parameters change the weights. */
    o = (gw_search_opts)GW_SEARCH_OPTS_INIT;
    m = run(db, alpha, &o);
    o.bm25_k1 = 0.1;
    o.bm25_b = 0.1;
    gw_mset *m2 = run(db, alpha, &o);
    ck_assert(gw_mset_weight(m, 0) != gw_mset_weight(m2, 0));
    gw_mset_free(m);
    gw_mset_free(m2);

    /* NULL opts = defaults. */
    gw_err err;
    m = gw_db_search(db, alpha, NULL, &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(gw_mset_size(m), 4);
    gw_mset_free(m);
    o = (gw_search_opts)GW_SEARCH_OPTS_INIT;
    o.n_facets = GW_MAX_FACETS + 1;
    ck_assert_ptr_null(gw_db_search(db, alpha, &o, &err));
    ck_assert_int_eq(err.code, GW_EINVAL);
    gw_mset_free(NULL);

    gw_xquery_free(alpha);
    gw_xquery_free(all);
    gw_db_close(db);
}
END_TEST

START_TEST(test_search_collapse_facets)
{
    gw_err err;
    gw_db *db = corpus();
    gw_xquery *all = gw_xquery_all();
    gw_search_opts o = GW_SEARCH_OPTS_INIT;

    /* keys: k1 = a, b, d; k2 = c; k3 = e; k4 = f */
    o.collapse_slot = 2;
    o.check_at_least = gw_db_doc_count(db, &err);
    o.sort_slot = 0;
    gw_mset *m = run(db, all, &o);
    ck_assert_uint_eq(gw_mset_size(m), 4);
    unsigned total_collapsed = 0;
    for (size_t i = 0; i < gw_mset_size(m); i++) {
        const gw_xdoc *d = gw_mset_doc(m, i, &err);
        ck_assert_ptr_nonnull(d);
        const char *key = gw_xdoc_value(d, 2, NULL);
        unsigned cc = gw_mset_collapse_count(m, i);
        if (strcmp(key, "k1") == 0) {
            ck_assert_uint_eq(cc, 2);
            ck_assert_uint_eq(gw_mset_docid(m, i), 2); /* earliest date of a, b, d */
        } else {
            ck_assert_uint_eq(cc, 0);
        }
        total_collapsed += cc;
    }
    ck_assert_uint_eq(total_collapsed, 2);
    gw_mset_free(m);

    /* Facets on source (slot 1) and date (slot 0): exact with check_at_least. */
    o = (gw_search_opts)GW_SEARCH_OPTS_INIT;
    o.limit = 1;
    o.check_at_least = gw_db_doc_count(db, &err);
    o.facet_slots[0] = 1;
    o.facet_slots[1] = 0;
    o.facet_slots[2] = 9; /* no values at all */
    o.n_facets = 3;
    m = run(db, all, &o);
    ck_assert_uint_eq(gw_mset_size(m), 1);
    ck_assert_uint_eq(gw_mset_facet_count(m, 0), 3);
    size_t len;
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, &len), "srcA");
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 3);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 1, NULL), "srcB");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 1), 2);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 2, NULL), "srcC");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 2), 1);
    ck_assert_uint_eq(gw_mset_facet_count(m, 1), 5);
    ck_assert_uint_eq(gw_mset_facet_count(m, 2), 0);
    ck_assert_uint_eq(gw_mset_facet_count(m, 3), 0); /* not requested */
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 3, &len), "");
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 3), 0);
    /* Exact counts. */
    ck_assert_uint_eq(gw_mset_lower_bound(m), 6);
    ck_assert_uint_eq(gw_mset_upper_bound(m), 6);
    ck_assert_uint_eq(gw_mset_estimated(m), 6);
    gw_mset_free(m);

    /* Facets of a narrower query. */
    gw_xquery *alpha = T("alpha");
    o.facet_slots[0] = 1;
    o.n_facets = 1;
    m = run(db, alpha, &o);
    ck_assert_uint_eq(gw_mset_facet_count(m, 0), 2);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcA");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 3);
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 1), 1);
    gw_mset_free(m);
    gw_xquery_free(alpha);
    gw_xquery_free(all);
    gw_db_close(db);
}
END_TEST

/* Facets of a read-only handle come from a per-revision table (gw_xapian.h): the same
 * counts as the per-document reading of a writable handle, frozen with the snapshot, and
 * new after gw_db_reopen sees a new revision. */
START_TEST(test_search_facet_table)
{
    gw_err err;
    gw_db *w = corpus();
    gw_db *r = open_ok(tpath("db"), GW_DB_READ);
    gw_xquery *all = gw_xquery_all();
    gw_xquery *alpha = T("alpha");
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.check_at_least = 100;
    o.facet_slots[0] = 1;
    o.facet_slots[1] = 2;
    o.n_facets = 2;
    /* the same counts from both handles, for two queries */
    const gw_xquery *qs[2] = {all, alpha};
    for (int k = 0; k < 2; k++) {
        gw_mset *a = run(w, qs[k], &o), *b = run(r, qs[k], &o);
        for (unsigned f = 0; f < 2; f++) {
            ck_assert_uint_eq(gw_mset_facet_count(a, f), gw_mset_facet_count(b, f));
            for (size_t j = 0; j < gw_mset_facet_count(a, f); j++) {
                ck_assert_str_eq(gw_mset_facet_value(a, f, j, NULL), gw_mset_facet_value(b, f, j, NULL));
                ck_assert_uint_eq(gw_mset_facet_freq(a, f, j), gw_mset_facet_freq(b, f, j));
            }
        }
        gw_mset_free(a);
        gw_mset_free(b);
    }
    /* facet_max keeps the most frequent, ties by value */
    o.facet_max = 2;
    gw_mset *m = run(r, all, &o);
    ck_assert_uint_eq(gw_mset_facet_count(m, 0), 2);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcA");
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 1, NULL), "srcB");
    gw_mset_free(m);
    o.facet_max = 0;

    /* three more srcC documents, one srcA deleted */
    put(w, "g", "alpha", NULL, "srcC", "k5");
    put(w, "h", "alpha", NULL, "srcC", "k6");
    put(w, "i", "eta", NULL, "srcC", "k7");
    ck_assert_int_eq(gw_db_delete_by_term(w, "Qa", 2, &err), GW_OK);
    commit_ok(w);
    /* the read-only snapshot has not moved yet: the old counts */
    m = run(r, all, &o);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcA");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 3);
    gw_mset_free(m);
    /* a second handle, opened now on the new revision, shares nothing stale: the first
     * (still on the old revision) keeps the old counts, the second has the new ones */
    gw_db *r2 = open_ok(tpath("db"), GW_DB_READ);
    m = run(r2, all, &o);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcC");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 4);
    gw_mset_free(m);
    m = run(r, all, &o);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcA");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 3);
    gw_mset_free(m);
    unsigned slots[2] = {1, 2};
    ck_assert_int_eq(gw_db_prepare_facets(r2, slots, 2, &err), GW_OK);
    gw_db_close(r2);
    ck_assert_int_eq(gw_db_reopen(r, &err), GW_OK);
    m = run(r, all, &o);
    ck_assert_uint_eq(gw_mset_facet_count(m, 0), 3);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcC");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 4);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 1, NULL), "srcA");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 1), 2);
    ck_assert_uint_eq(gw_mset_facet_count(m, 1), 7); /* keys k1..k7 */
    gw_mset_free(m);
    m = run(r, alpha, &o);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "srcA");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 2);
    ck_assert_str_eq(gw_mset_facet_value(m, 0, 1, NULL), "srcC");
    ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 1), 2);
    gw_mset_free(m);
    gw_xquery_free(alpha);
    gw_xquery_free(all);
    gw_db_close(r);
    gw_db_close(w);
}
END_TEST

/* facet_group_byte: the counts of one key are summed before the most frequent keys are
 * kept, and a key shows its most frequent value (ties: the smallest); the same through
 * the tables (read-only) and the per-document counts (writable). */
START_TEST(test_search_facet_group)
{
    gw_db *w = open_ok(tpath("db"), GW_DB_CREATE);
    static const char *const src[] = {
        "x\x1fX2", "x\x1fX1", "x\x1fX1", "x\x1fX2", "x\x1fX3", /* x: 5, X1 and X2 tie */
        "y\x1fY",  "y\x1fY",  "y\x1fY",                      /* y: 3 */
        "xy\x1fZ",                                            /* a key of its own */
        "z",        "z",        "z",        "z",  "z\x1fZ",     /* z: 5, "z" itself 4 */
    };
    char uid[16];
    for (size_t i = 0; i < sizeof src / sizeof *src; i++) {
        snprintf(uid, sizeof uid, "u%zu", i);
        put(w, uid, "alpha", NULL, src[i], NULL);
    }
    commit_ok(w);
    gw_db *r = open_ok(tpath("db"), GW_DB_READ);
    gw_xquery *all = gw_xquery_all();
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.check_at_least = 100;
    o.facet_slots[0] = 1;
    o.n_facets = 1;
    o.facet_max = 2;
    gw_db *dbs[2] = {r, w};
    for (int k = 0; k < 2; k++) {
        /* without grouping the two most frequent values are "z" and "y\x1fY" */
        o.facet_group_byte = -1;
        gw_mset *m = run(dbs[k], all, &o);
        ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "z");
        ck_assert_str_eq(gw_mset_facet_value(m, 0, 1, NULL), "y\x1fY");
        gw_mset_free(m);
        o.facet_group_byte = 0x1f;
        m = run(dbs[k], all, &o);
        ck_assert_uint_eq(gw_mset_facet_count(m, 0), 2);
        ck_assert_str_eq(gw_mset_facet_value(m, 0, 0, NULL), "x\x1fX1");
        ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 0), 5);
        ck_assert_str_eq(gw_mset_facet_value(m, 0, 1, NULL), "z");
        ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 1), 5);
        gw_mset_free(m);
        o.facet_max = 0;
        m = run(dbs[k], all, &o);
        ck_assert_uint_eq(gw_mset_facet_count(m, 0), 4);
        ck_assert_str_eq(gw_mset_facet_value(m, 0, 2, NULL), "y\x1fY");
        ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 2), 3);
        ck_assert_str_eq(gw_mset_facet_value(m, 0, 3, NULL), "xy\x1fZ");
        ck_assert_uint_eq(gw_mset_facet_freq(m, 0, 3), 1);
        gw_mset_free(m);
        o.facet_max = 2;
    }
    gw_xquery_free(all);
    gw_db_close(r);
    gw_db_close(w);
}
END_TEST

START_TEST(test_search_docs_bounds)
{
    gw_err err;
    gw_db *db = open_ok(tpath("db"), GW_DB_CREATE);
    char uid[32], text[128];
    for (int i = 0; i < 500; i++) {
        snprintf(uid, sizeof uid, "n%03d", i);
        snprintf(text, sizeof text, "common %s%s", i % 2 ? "odd" : "even",
                 i % 10 == 0 ? " tenth tenth" : "");
        put(db, uid, text, NULL, i % 2 ? "odd" : "even", NULL);
    }
    commit_ok(db);

    gw_xquery *q[2] = {T("common"), T("tenth")};
    gw_xquery *maybe = gw_xquery_combine(GW_OP_AND_MAYBE, q, 2, 0);
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = 5;
    gw_mset *m = run(db, maybe, &o);
    ck_assert_uint_eq(gw_mset_size(m), 5);
    ck_assert(gw_mset_lower_bound(m) <= gw_mset_estimated(m));
    ck_assert(gw_mset_estimated(m) <= gw_mset_upper_bound(m));
    ck_assert_uint_eq(gw_mset_upper_bound(m), 500);
    /* The best five are "tenth" documents; read them through the mset. */
    for (size_t i = 0; i < 5; i++) {
        const gw_xdoc *d = gw_mset_doc(m, i, &err);
        ck_assert_ptr_nonnull(d);
        ck_assert_ptr_eq(gw_mset_doc(m, i, &err), d); /* cached */
        size_t len;
        const char *data = gw_xdoc_data(d, &len);
        ck_assert_ptr_nonnull(strstr(data, "tenth"));
        ck_assert_str_eq(gw_xdoc_value(d, 1, NULL), "even");
    }
    ck_assert_ptr_null(gw_mset_doc(m, 5, &err));
    ck_assert_int_eq(err.code, GW_EINVAL);
    gw_mset_free(m);

    o.check_at_least = gw_db_doc_count(db, &err);
    m = run(db, maybe, &o);
    ck_assert_uint_eq(gw_mset_lower_bound(m), 500);
    ck_assert_uint_eq(gw_mset_upper_bound(m), 500);
    ck_assert_uint_eq(gw_mset_estimated(m), 500);
    gw_mset_free(m);

    /* Filter by an unweighted term: the "odd" half. */
    gw_xquery *f[2] = {q[0], T("odd")};
    gw_xquery *fq = gw_xquery_combine(GW_OP_FILTER, f, 2, 0);
    o.limit = 1000;
    m = run(db, fq, &o);
    ck_assert_uint_eq(gw_mset_size(m), 250);
    gw_mset_free(m);
    gw_xquery_free(fq);
    gw_xquery_free(f[1]);

    gw_xquery_free(maybe);
    gw_xquery_free(q[0]);
    gw_xquery_free(q[1]);
    gw_db_close(db);
}
END_TEST

/* ---- Runner ---------------------------------------------------------------------------- */

static Suite *xapian_suite(void)
{
    Suite *s = suite_create("xapian");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_open_missing);
    tcase_add_test(tc, test_open_modes);
    tcase_add_test(tc, test_create_or_open_creates);
    tcase_add_test(tc, test_locked);
    tcase_add_test(tc, test_documents);
    tcase_add_test(tc, test_xdoc_overwrite);
    tcase_add_test(tc, test_by_term);
    tcase_add_test(tc, test_close_discards);
    tcase_add_test(tc, test_commit_visible);
    tcase_add_test(tc, test_transactions);
    tcase_add_test(tc, test_metadata);
    tcase_add_test(tc, test_walk);
    tcase_add_test(tc, test_stub);
    tcase_add_test(tc, test_open_many);
    tcase_add_test(tc, test_compact);
    tcase_add_test(tc, test_damaged_termlist);
    tcase_add_test(tc, test_modified);
    tcase_add_test(tc, test_query_phrase);
    tcase_add_test(tc, test_query_ops);
    tcase_add_test(tc, test_search_accept_ids);
    tcase_add_test(tc, test_query_values_misc);
    tcase_add_test(tc, test_search_paging_sort);
    tcase_add_test(tc, test_search_collapse_facets);
    tcase_add_test(tc, test_search_facet_table);
    tcase_add_test(tc, test_search_facet_group);
    tcase_add_test(tc, test_search_docs_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gw_test_run(xapian_suite());
}
