/* test_searchd_html.c: the page's URL encoding (searchd/html.c) and its request
 * parameters (searchd/params.c), with hostile input. The escaping of text into HTML and
 * the drawing of marks are lib's (test_escape.c, test_mark.c). searchd is a program, not
 * a lib module: its source files are compiled in here. */
#include "../../searchd/html.c"
#include "../../searchd/params.c"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_url_encode)
{
    gw_buf b = {0};
    const char *s = "发展 &\"<>'/?#=+%";
    sd_url_encode(&b, s, strlen(s));
    ck_assert_str_eq(b.data, "%E5%8F%91%E5%B1%95%20%26%22%3C%3E%27%2F%3F%23%3D%2B%25");
    gw_buf_reset(&b);
    ck_assert_int_eq(sd_pct_decode("%E5%8F%91%E5%B1%95%20%26%22%3C%3E%27%2F%3F%23%3D%2B%25",
                                   54, 1, &b), 0);
    ck_assert_str_eq(b.data, s);
    gw_buf_free(&b);
}
END_TEST

START_TEST(test_pct_decode_refuses)
{
    static const char *const bad[] = {"%", "%4", "%zz", "a%00", "%FF", "%E6%9C", "%C0%BC"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gw_buf b = {0};
        ck_assert_msg(sd_pct_decode(bad[i], strlen(bad[i]), 1, &b) < 0, "%s", bad[i]);
        gw_buf_free(&b);
    }
    gw_buf b = {0};
    ck_assert_int_eq(sd_pct_decode("a+b", 3, 1, &b), 0);
    ck_assert_str_eq(b.data, "a b");
    gw_buf_reset(&b);
    ck_assert_int_eq(sd_pct_decode("a+b", 3, 0, &b), 0);
    ck_assert_str_eq(b.data, "a+b");
    gw_buf_free(&b);
}
END_TEST

START_TEST(test_params)
{
    sd_limits lim = {400, 100, 10000};
    sd_params p;
    sd_perr e;
    const char *qs = "q=%E5%8F%91%E5%B1%95&page=2&size=20&sort=-date&year=2023&from=2023-01"
                     "&collapse=false&source=%E6%97%97";
    ck_assert_int_eq(sd_params_parse(qs, strlen(qs), &lim, &p, &e), 0);
    ck_assert_str_eq(p.q, "发展");
    ck_assert_uint_eq(p.page, 2);
    ck_assert_uint_eq(p.size, 20);
    ck_assert_int_eq(p.sort, SD_SORT_DATE_DESC);
    ck_assert_int_eq(p.year, 2023);
    ck_assert_str_eq(p.from, "2023-01-01");
    ck_assert_int_eq(p.collapse, 0);
    ck_assert_str_eq(p.source, "旗");
    ck_assert_int_eq(sd_params_check(&p, &lim, &e), 0);
    gw_buf b = {0};
    sd_params_link(&b, &p, 3, -1, NULL, -1);
    ck_assert_str_eq(b.data, "?q=%E5%8F%91%E5%B1%95&source=%E6%97%97&year=2023&from=2023-01-01"
                             "&sort=-date&size=20&collapse=false&page=3");
    gw_buf_free(&b);
    sd_params_free(&p);

    static const char *const bad[] = {"page=0", "page=-1", "page=1e3", "size=101", "size=0",
                                      "sort=x", "year=99", "from=2023-13", "to=2023-02-3",
                                      "to=2023-02-30",
                                      "szie=1", "q=%ZZ", "%ZZ=1", "similar=x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(sd_params_parse(bad[i], strlen(bad[i]), &lim, &p, &e) < 0, "%s", bad[i]);
        ck_assert_int_eq(e.status, 400);
        sd_params_free(&p);
    }
    static const char *const unchecked[] = {"q=", "q=+%20", "", "q=a&size=100&page=101"};
    for (size_t i = 0; i < sizeof unchecked / sizeof unchecked[0]; i++) {
        ck_assert_int_eq(sd_params_parse(unchecked[i], strlen(unchecked[i]), &lim, &p, &e), 0);
        ck_assert_msg(sd_params_check(&p, &lim, &e) < 0, "%s", unchecked[i]);
        sd_params_free(&p);
    }
    /* Full-width digits (an input method's) in the year and the dates fold as in queries. */
    const char *fw = "year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93"            /* ２０２３ */
                     "&from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93%EF%BC%8D"  /* ２０２３－ */
                     "%EF%BC%90%EF%BC%99&to=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93"; /* ０９, ２０２３ */
    ck_assert_int_eq(sd_params_parse(fw, strlen(fw), &lim, &p, &e), 0);
    ck_assert_int_eq(p.year, 2023);
    ck_assert_str_eq(p.from, "2023-09-01");
    ck_assert_str_eq(p.to, "2023-12-31");
    sd_params_free(&p);
    const char *fw2 = "year=%EF%BC%92%EF%BC%90"; /* ２０: still two digits, refused */
    ck_assert_int_lt(sd_params_parse(fw2, strlen(fw2), &lim, &p, &e), 0);
    ck_assert_int_eq(e.status, 400);
    sd_params_free(&p);
    /* A filter alone is a valid request: every document passing it. */
    ck_assert_int_eq(sd_params_parse("year=2023", 9, &lim, &p, &e), 0);
    ck_assert_int_eq(sd_params_check(&p, &lim, &e), 0);
    sd_params_free(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("searchd_html");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_url_encode);
    tcase_add_test(tc, test_pct_decode_refuses);
    tcase_add_test(tc, test_params);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
