/* Unit tests of gw_qexplain: the explanation as lines (the form docs/query-syntax.md
 * shows) and as JSON (keys, notes, highlight, the escaping of < > &). */
#include "gw_query.h"

#include "test_util.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

START_TEST(lines)
{
    const char *qs = "\"機關黨建\" 2022年 -疫情";
    gw_query *q = gw_query_parse(qs, strlen(qs), 0, NULL);
    ck_assert_ptr_nonnull(q);
    char *got = gw_query_explain(q, NULL);
    ck_assert_str_eq(got, "query:          \"機關黨建\" 2022年 -疫情\n"
                          "normalized:     \"机关党建\" 2022年 -疫情\n"
                          "normalizations: T2S\n"
                          "segmentation:   none needed\n"
                          "understood as:\n"
                          "  ALL OF\n"
                          "    phrase \"机关党建\" in text [机关 关党 党建]\n"
                          "    word \"2022年\" in text [2022 年]\n"
                          "    NOT\n"
                          "      word \"疫情\" in text [疫情]\n");
    free(got);
    gw_xquery *x = gw_query_build(q);
    got = gw_query_explain(q, x);
    ck_assert_msg(strstr(got, "\nxapian:         Query(") != NULL, "%s", got);
    free(got);
    gw_xquery_free(x);
    gw_query_free(q);
}
END_TEST

START_TEST(json)
{
    const char *qs = "發(fā)展 OR date:abc <b>";
    gw_query *q = gw_query_parse(qs, strlen(qs), 0, NULL);
    ck_assert_ptr_nonnull(q);
    char *js = gw_query_explain_json(q, NULL);
    ck_assert_msg(strstr(js, "\"input\":\"發(fā)展 OR date:abc \\u003cb\\u003e\"") != NULL, "%s", js);
    ck_assert_msg(strchr(js, '<') == NULL && strchr(js, '>') == NULL, "%s", js);
    json_t *o = json_loads(js, 0, NULL);
    ck_assert_ptr_nonnull(o);
    static const char *const keys[] = {"input", "normalized", "normalizations", "pinyin_removed",
                                       "segmented", "verify", "tree", "notes", "highlight"};
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        ck_assert_uint_lt(i, sizeof keys / sizeof *keys);
        ck_assert_str_eq(k, keys[i++]);
    }
    ck_assert_uint_eq(i, sizeof keys / sizeof *keys);
    ck_assert_str_eq(json_string_value(json_object_get(o, "normalized")), "发展 or date:abc <b>");
    ck_assert_int_eq(json_integer_value(json_object_get(o, "pinyin_removed")), 1);
    json_t *n = json_object_get(o, "notes");
    ck_assert_uint_eq(json_array_size(n), 1);
    ck_assert_str_eq(json_string_value(json_array_get(n, 0)),
                     "bad date/year value: read as plain text");
    json_t *h = json_object_get(o, "highlight");
    ck_assert_uint_eq(json_array_size(h), 4);
    ck_assert_str_eq(json_string_value(json_array_get(h, 0)), "发展");
    ck_assert_str_eq(json_string_value(json_array_get(h, 3)), "b");
    json_decref(o);
    free(js);
    /* with the built query: "xapian" last */
    gw_xquery *x = gw_query_build(q);
    o = gw_query_explain_object(q, x);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(o, "xapian")));
    json_decref(o);
    gw_xquery_free(x);
    gw_query_free(q);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qexplain");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lines);
    tcase_add_test(tc, json);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
