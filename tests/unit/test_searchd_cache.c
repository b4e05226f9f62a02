/* test_searchd_cache.c: searchd's per-worker answer cache (searchd/cache.c): hits, LRU
 * eviction, epoch invalidation, size limit, the NULL (disabled) cache. searchd is a
 * program, not a lib module: its source file is compiled in here. */
#include "../../searchd/cache.c"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

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

int main(void)
{
    Suite *s = suite_create("searchd_cache");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_hit_and_miss);
    tcase_add_test(tc, test_lru_eviction);
    tcase_add_test(tc, test_epoch_invalidates);
    tcase_add_test(tc, test_byte_budget);
    tcase_add_test(tc, test_limits_and_null);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
