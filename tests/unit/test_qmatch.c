/* Unit tests of gw_qmatch: the exact matcher's letter/digit edge rule (gw_query_find), the
 * white space and phrase rules of the normalization seen through it, and the evaluation
 * of whole queries on documents (gw_query_verify, gw_query_needs_verify). */
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

/* Rules 1 and 2 (white space) and rule 4 (OpenCC's phrases), both ways: documents written
 * one way, queries typed the other; and what must still not match. */
START_TEST(find_white_space_and_phrases)
{
    const size_t NO = (size_t)-1;
    ck_assert_uint_eq(find_u8("Linux系统", "使用 Linux 系统"), 2);
    ck_assert_uint_eq(find_u8("Linux 系统", "使用Linux系统"), 2);
    ck_assert_uint_eq(find_u8("32个", "共 32 个"), 1);
    ck_assert_uint_eq(find_u8("32个", "共 132 个"), NO); /* the whole-word edge stays */
    ck_assert_uint_eq(find_u8("G20", "在 G201 峰会"), NO);
    ck_assert_uint_eq(find_u8("党史学习教育",
                              "浙 江 省 纪 委 监 委 召 开 党 史 学 习 教 育 推 进 会"), 9);
    ck_assert_uint_eq(find_u8("文件系统", "挂载文件系\n       统"), 2);
    ck_assert_uint_eq(find_u8("浙 江 省", "浙江省"), 0);
    ck_assert_uint_eq(find_u8("高质量发展", "高质量 发展"), 0);
    ck_assert_uint_eq(find_u8("质量发展", "质量\n\n发展"), NO); /* a blank line */
    ck_assert_uint_eq(find_u8("质量发展", "质量\n \n发展"), NO);
    ck_assert_uint_eq(find_u8("质量发展", "质量，发展"), NO);
    ck_assert_uint_eq(find_u8("质量，发展", "质量 ， 发展"), 0);
    ck_assert_uint_eq(find_u8("open source", "opensource"), NO); /* words stay apart */
    ck_assert_uint_eq(find_u8("opensource", "open source"), NO);
    ck_assert_uint_eq(find_u8("藉口", "以此为借口"), 3);
    ck_assert_uint_eq(find_u8("借口", "以此為藉口"), 3);
    ck_assert_uint_eq(find_u8("了解", "瞭解情況"), 0);
    ck_assert_uint_eq(find_u8("计划", "五年計畫"), 2);
    ck_assert_uint_eq(find_u8("乾隆", "乾隆年間"), 0);
    ck_assert_uint_eq(find_u8("干隆", "乾隆年間"), NO);
    ck_assert_uint_eq(find_u8("项链", "項鍊"), 0);

    /* the match spans the white space it crossed: the snippet marks it whole */
    const char *text = "使用 Linux 系统";
    gw_norm_text a = {0}, b = {0};
    gw_norm_run("linux系统", strlen("linux系统"), 0, &a);
    gw_norm_run(text, strlen(text), 0, &b);
    size_t at = gw_query_find(a.cp, a.n, b.cp, b.n, 0);
    ck_assert_uint_eq(at, 2);
    size_t from = b.orig[at].off, to = b.orig[at + a.n - 1].off + b.orig[at + a.n - 1].len;
    ck_assert_uint_eq(to - from, strlen("Linux 系统"));
    ck_assert(!memcmp(text + from, "Linux 系统", to - from));
    gw_norm_text_free(&a);
    gw_norm_text_free(&b);

    /* whole queries: a quoted phrase typed with spaces, an unquoted Traditional phrase */
    const char *q1 = "\"浙 江 省\"", *q2 = "藉口", *q3 = "\"质量发展\"";
    gw_query *p1 = gw_query_parse(q1, strlen(q1), 0, NULL);
    gw_query *p2 = gw_query_parse(q2, strlen(q2), 0, NULL);
    gw_query *p3 = gw_query_parse(q3, strlen(q3), 0, NULL);
    ck_assert_ptr_nonnull(p1);
    ck_assert_ptr_nonnull(p2);
    ck_assert_ptr_nonnull(p3);
    gw_norm_text d1 = {0}, d2 = {0}, d3 = {0};
    gw_norm_run("浙江省纪委", strlen("浙江省纪委"), 0, &d1);
    gw_norm_run("不能以此为借口", strlen("不能以此为借口"), 0, &d2);
    gw_norm_run("质量\n\n发展", strlen("质量\n\n发展"), 0, &d3);
    gw_query_doc d = {&d1, NULL, NULL, NULL, "", NULL, NULL};
    ck_assert_int_eq(gw_query_verify(p1, &d), 1);
    d.body = &d2;
    ck_assert_int_eq(gw_query_verify(p2, &d), 1);
    d.body = &d3;
    ck_assert_int_eq(gw_query_verify(p3, &d), 0);
    gw_norm_text_free(&d1);
    gw_norm_text_free(&d2);
    gw_norm_text_free(&d3);
    gw_query_free(p1);
    gw_query_free(p2);
    gw_query_free(p3);
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
    tcase_add_test(tc, find_white_space_and_phrases);
    tcase_add_test(tc, verify_semantics);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
