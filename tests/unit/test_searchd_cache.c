/* test_searchd_cache.c: searchd's per-worker answer cache (searchd/cache.c): hits, LRU
 * eviction, epoch invalidation, size limit, the NULL (disabled) cache; and the epoch a
 * worker serves under (searchd/searcher.c) on a real database: it changes with every move
 * to another revision or database, the search core's own retries included. searchd is a
 * program, not a lib module: its source files are compiled in here. */
#include "../../searchd/cache.c"
#include "../../searchd/log.c"
#include "../../searchd/searcher.c"

#include "gw_index.h"

#include "test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* searcher.c's clock (server.c in the daemon): the test moves it by hand. */
static double fake_now = 1000.0;
double sd_now(void) { return fake_now; }

static void put(sd_cache *c, unsigned long epoch, const char *k, const char *body)
{
    sd_cache_put(c, epoch, k, strlen(k), 200, "text/plain", body, strlen(body));
}

static const char *get(sd_cache *c, unsigned long epoch, const char *k)
{
    static char buf[256];
    sd_cache_hit h;
    if (!sd_cache_get(c, epoch, k, strlen(k), &h))
        return NULL;
    snprintf(buf, sizeof buf, "%.*s", (int)h.len, h.body);
    return buf;
}

START_TEST(test_hit_and_miss)
{
    sd_cache *c = sd_cache_new(4);
    ck_assert_ptr_null(get(c, 1, "a"));
    put(c, 1, "a", "A");
    put(c, 1, "b", "B");
    ck_assert_str_eq(get(c, 1, "a"), "A");
    ck_assert_str_eq(get(c, 1, "b"), "B");
    ck_assert_ptr_null(get(c, 1, "c"));
    /* Keys are bytes: a prefix or an embedded NUL is another key. */
    sd_cache_put(c, 1, "a\0x", 3, 200, "t", "N", 1);
    ck_assert_str_eq(get(c, 1, "a"), "A");
    sd_cache_free(c);
}
END_TEST

START_TEST(test_lru_eviction)
{
    sd_cache *c = sd_cache_new(3);
    put(c, 1, "a", "A");
    put(c, 1, "b", "B");
    put(c, 1, "c", "C");
    ck_assert_str_eq(get(c, 1, "a"), "A"); /* a is now the most recent */
    put(c, 1, "d", "D");                   /* evicts b, the least recent */
    ck_assert_ptr_null(get(c, 1, "b"));
    ck_assert_str_eq(get(c, 1, "a"), "A");
    ck_assert_str_eq(get(c, 1, "c"), "C");
    ck_assert_str_eq(get(c, 1, "d"), "D");
    /* Many more keys than room: never more than 3 kept, the last ones found. */
    char k[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "k%d", i);
        put(c, 1, k, k);
    }
    ck_assert_uint_eq(c->n, 3);
    ck_assert_str_eq(get(c, 1, "k999"), "k999");
    ck_assert_ptr_null(get(c, 1, "k996"));
    sd_cache_free(c);
}
END_TEST

START_TEST(test_epoch_invalidates)
{
    sd_cache *c = sd_cache_new(8);
    put(c, 1, "q", "old revision");
    ck_assert_str_eq(get(c, 1, "q"), "old revision");
    ck_assert_ptr_null(get(c, 2, "q")); /* the worker moved on: nothing old survives */
    put(c, 2, "q", "new revision");
    ck_assert_str_eq(get(c, 2, "q"), "new revision");
    sd_cache_free(c);
}
END_TEST

START_TEST(test_byte_budget)
{
    /* 100 answers of 400 KB: never more than SD_CACHE_MAX_BYTES held. */
    sd_cache *c = sd_cache_new(1000);
    size_t len = 400 * 1024;
    char *body = malloc(len);
    memset(body, 'y', len);
    char k[16];
    for (int i = 0; i < 100; i++) {
        snprintf(k, sizeof k, "k%d", i);
        sd_cache_put(c, 1, k, strlen(k), 200, "t", body, len);
        ck_assert(c->bytes <= SD_CACHE_MAX_BYTES);
    }
    ck_assert_uint_eq(c->n, SD_CACHE_MAX_BYTES / (len + 3));
    sd_cache_hit h;
    ck_assert(sd_cache_get(c, 1, "k99", 3, &h) && h.len == len);
    ck_assert(!sd_cache_get(c, 1, "k0", 2, &h));
    free(body);
    sd_cache_free(c);
}
END_TEST

START_TEST(test_limits_and_null)
{
    sd_cache *c = sd_cache_new(8);
    char *big = calloc(1, SD_CACHE_MAX_BODY + 2);
    memset(big, 'x', SD_CACHE_MAX_BODY + 1);
    put(c, 1, "big", big);
    ck_assert_ptr_null(get(c, 1, "big"));
    free(big);
    put(c, 1, "empty", "");
    ck_assert_str_eq(get(c, 1, "empty"), "");
    sd_cache_free(c);
    ck_assert_ptr_null(sd_cache_new(0));
    put(NULL, 1, "a", "A"); /* caching off: no-ops */
    ck_assert_ptr_null(get(NULL, 1, "a"));
    sd_cache_free(NULL);
}
END_TEST

/* One more document, committed: the database's next revision. */
static void commit_doc(gw_db *db)
{
    gw_xdoc *x = gw_xdoc_new();
    gw_xdoc_add_posting(x, "发展", strlen("发展"), 1, 1);
    const char *data = "{\"path\":\"a.txt\",\"text\":\"发展\"}";
    gw_xdoc_set_data(x, data, strlen(data));
    gw_err e;
    ck_assert_uint_ne(gw_db_add(db, x, &e), 0);
    gw_xdoc_free(x);
    ck_assert_int_eq(gw_db_commit(db, &e), GW_OK);
}

START_TEST(test_worker_epoch)
{
    char dir[] = "/tmp/gw_test_worker_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    gw_err e;
    gw_db *wdb = gw_db_open(dir, GW_DB_CREATE_OR_OPEN, &e);
    ck_assert_ptr_nonnull(wdb);
    ck_assert_int_eq(gw_index_check_layout(wdb, &e), GW_OK);
    commit_doc(wdb);
    gw_config *cfg = gw_config_new();
    ck_assert_int_eq(gw_config_set(cfg, "index", "database", dir, &e), GW_OK);
    sd_server srv;
    memset(&srv, 0, sizeof srv);
    srv.cache_entries = 8;
    sd_searcher_key_init(&srv);

    sd_worker *w = sd_worker_get(&srv, cfg, &e);
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_eq(sd_worker_current(&srv), w);
    unsigned long e1 = sd_worker_epoch(w);
    long docs, rev;
    sd_worker_info(w, &docs, &rev);
    ck_assert_int_eq(docs, 1);

    /* The search core's retry moves the searcher inside a request: the epoch follows. */
    commit_doc(wdb);
    ck_assert_int_eq(gw_searcher_reopen(sd_worker_searcher(w), &e), GW_OK);
    unsigned long e2 = sd_worker_epoch(w);
    ck_assert_uint_gt(e2, e1);
    /* Within SD_FRESH_INTERVAL nothing is checked: same searcher, same epoch. */
    commit_doc(wdb);
    fake_now += SD_FRESH_INTERVAL / 2;
    ck_assert_ptr_eq(sd_worker_get(&srv, cfg, &e), w);
    ck_assert_uint_eq(sd_worker_epoch(w), e2);
    /* After it, the worker reopens on the latest revision. */
    fake_now += SD_FRESH_INTERVAL;
    ck_assert_ptr_eq(sd_worker_get(&srv, cfg, &e), w);
    unsigned long e3 = sd_worker_epoch(w);
    ck_assert_uint_gt(e3, e2);
    sd_worker_info(w, &docs, &rev);
    ck_assert_int_eq(docs, 3);
    /* A reload (SIGHUP) replaces the searcher by a fresh one, whose generation starts
     * again: the epoch still moves on, never back to one an answer was kept under. */
    gw_searcher *old = sd_worker_searcher(w);
    atomic_fetch_add(&srv.generation, 1);
    fake_now += SD_FRESH_INTERVAL;
    ck_assert_ptr_eq(sd_worker_get(&srv, cfg, &e), w);
    ck_assert_ptr_ne(sd_worker_searcher(w), old);
    ck_assert_uint_eq(gw_searcher_generation(sd_worker_searcher(w)), 0);
    ck_assert_uint_gt(sd_worker_epoch(w), e3);

    /* The threads' destructor, run by hand (this is the main thread). */
    worker_free(w);
    pthread_setspecific(srv.worker_key, NULL);
    sd_searcher_key_done(&srv);
    gw_config_free(cfg);
    gw_db_close(wdb);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("searchd_cache");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_hit_and_miss);
    tcase_add_test(tc, test_lru_eviction);
    tcase_add_test(tc, test_epoch_invalidates);
    tcase_add_test(tc, test_byte_budget);
    tcase_add_test(tc, test_limits_and_null);
    tcase_add_test(tc, test_worker_epoch);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
