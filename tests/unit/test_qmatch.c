/* Unit tests of gw_qmatch: the exact matcher's letter/digit edge rule (gw_query_find) and
 * the evaluation of whole queries on documents (gw_query_verify, gw_query_needs_verify). */
#include "gw_query.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static size_t find_u8(const char *pat, const char *text)
{
    gw_norm_text a = {0}, b = {0};
    gw_norm_run(pat, strlen(pat), 0, &a);
    gw_norm_run(text, strlen(text), 0, &b);
    size_t r = gw_query_find(a.cp, a.n, b.cp, b.n, 0);
    gw_norm_text_free(&a);
    gw_norm_text_free(&b);
    return r;
}

START_TEST(find_edges)
{
    const size_t NO = (size_t)-1;
    ck_assert_uint_eq(find_u8("32个", "共132个"), NO);
    ck_assert_uint_eq(find_u8("32个", "共32个"), 1);
    ck_assert_uint_eq(find_u8("g20", "G201峰会"), NO);
    ck_assert_uint_eq(find_u8("g20", "在G20峰会"), 1);
    ck_assert_uint_eq(find_u8("发展", "高质量發展"), 3);
    ck_assert_uint_eq(find_u8("质量发展", "质量,发展"), NO);
    ck_assert_uint_eq(find_u8("质量,发展", "质量，发展"), 0);
    ck_assert_uint_eq(find_u8("2022", "２０２２年"), 0);
    ck_assert_uint_eq(find_u8("", "abc"), NO);
    ck_assert_uint_eq(find_u8("abc", "ab"), NO);
}
END_TEST

START_TEST(verify_semantics)
{
    /* a separator run inside a phrase is a positioned term: exact without the text; one
     * at a phrase's edge may be part of a longer run, so it is checked */
    const char *edge = "\"质量,\"";
    gw_query *pe = gw_query_parse(edge, strlen(edge), 0, NULL);
    ck_assert_ptr_nonnull(pe);
    ck_assert_int_eq(gw_query_needs_verify(pe), 1);
    gw_query_free(pe);
    const char *q = "\"质量,发展\" -\"改革,开放\"";
    gw_query *p = gw_query_parse(q, strlen(q), 0, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(gw_query_needs_verify(p), 0);
    gw_norm_text a = {0}, b = {0}, c = {0};
    gw_norm_run("高质量，发展", strlen("高质量，发展"), 0, &a);
    gw_norm_run("高质量发展", strlen("高质量发展"), 0, &b);
    gw_norm_run("质量,发展 改革,开放", strlen("质量,发展 改革,开放"), 0, &c);
    gw_query_doc d = {&a, NULL, NULL, NULL, "", NULL, NULL};
    ck_assert_int_eq(gw_query_verify(p, &d), 1);
    d.body = &b;
    ck_assert_int_eq(gw_query_verify(p, &d), 0);
    d.body = &c;
    ck_assert_int_eq(gw_query_verify(p, &d), 0);
    d.body = NULL;
    d.title = &a; /* body-space phrases also match in the title */
    ck_assert_int_eq(gw_query_verify(p, &d), 1);
    gw_norm_text_free(&a);
    gw_norm_text_free(&b);
    gw_norm_text_free(&c);
    gw_query_free(p);
    /* filters evaluate on the date */
    q = "year:2023 OR date:2020-01-01..2020-12-31";
    p = gw_query_parse(q, strlen(q), 0, NULL);
    gw_query_doc e = {NULL, NULL, NULL, NULL, "20200505", NULL, NULL};
    ck_assert_int_eq(gw_query_verify(p, &e), 1);
    e.date = "20210505";
    ck_assert_int_eq(gw_query_verify(p, &e), 0);
    e.date = "";
    ck_assert_int_eq(gw_query_verify(p, &e), 0);
    gw_query_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qmatch");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, find_edges);
    tcase_add_test(tc, verify_semantics);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
