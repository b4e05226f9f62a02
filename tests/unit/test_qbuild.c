/* Unit tests of gw_qbuild: the Xapian queries of parsed queries, as Xapian describes them
 * (the form of each is part of the contract: the search's speed and weights depend on
 * it), for the four forms and the part queries. */
#include "gw_buf.h"
#include "gw_query.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *describe(gw_xquery *x)
{
    char *d = gw_xquery_describe(x);
    gw_xquery_free(x);
    return d;
}

static const struct {
    const char *q;
    const char *build, *boolean, *inset; /* Xapian's description, without "Query(...)" */
    int positional, verify;
    int needs_dict; /* the words come from the dictionary */
} table[] = {
    /* 0 */ {"发展", "(发展 AND_MAYBE 0.5 * S发展)", "发展", "(发展 AND_MAYBE 0.5 * S发展)", 0, 0, 0},
    /* 1: the cover of a Han phrase for counting; the inset ANDs the terms */
    {"\"高质量发展\"",
     "((高质 PHRASE 4 质量 PHRASE 4 量发 PHRASE 4 发展) AND_MAYBE 0.5 * (S高质 PHRASE 4 S质量 "
     "PHRASE 4 S量发 PHRASE 4 S发展))",
     "(高质 PHRASE 4 量发 PHRASE 4 发展)",
     "((高质 AND 质量 AND 量发 AND 发展) AND_MAYBE 0.5 * (S高质 PHRASE 4 S质量 PHRASE 4 S量发 "
     "PHRASE 4 S发展))",
     1, 0, 0},
    /* 2: an unquoted run: its words, the whole run and the words' nearness as boosts */
    {"高质量发展",
     "((((高质 PHRASE 2 质量) AND_MAYBE 0.5 * (S高质 PHRASE 2 S质量)) AND (发展 AND_MAYBE 0.5 * "
     "S发展)) AND_MAYBE (高质 PHRASE 4 质量 PHRASE 4 量发 PHRASE 4 发展) AND_MAYBE (高质 NEAR 13 "
     "发展))",
     "((高质 PHRASE 2 质量) AND 发展)",
     "((((高质 AND 质量) AND_MAYBE 0.5 * (S高质 PHRASE 2 S质量)) AND (发展 AND_MAYBE 0.5 * S发展)) "
     "AND_MAYBE (高质 PHRASE 4 质量 PHRASE 4 量发 PHRASE 4 发展) AND_MAYBE (高质 NEAR 13 发展))",
     1, 0, 1},
    /* 3 */ {"发展 -疫情", "((发展 AND_MAYBE 0.5 * S发展) AND_NOT 疫情)", "(发展 AND_NOT 疫情)",
     "(发展 AND_MAYBE 0.5 * S发展)", 0, 0, 0},
    /* 4 */ {"-疫情", "(<alldocuments> AND_NOT 疫情)", "(<alldocuments> AND_NOT 疫情)",
     "<alldocuments>", 0, 0, 0},
    /* 5 */ {"发展 OR 改革", "((发展 AND_MAYBE 0.5 * S发展) OR (改革 AND_MAYBE 0.5 * S改革))",
     "(发展 OR 改革)", "((发展 AND_MAYBE 0.5 * S发展) OR (改革 AND_MAYBE 0.5 * S改革))", 0, 0, 0},
    /* 6: a field: its prefix, no title boost */
    {"title:\"高质量发展\"", "(S高质 PHRASE 4 S质量 PHRASE 4 S量发 PHRASE 4 S发展)",
     "(S高质 PHRASE 4 S量发 PHRASE 4 S发展)", "(S高质 AND S质量 AND S量发 AND S发展)", 1, 0, 0},
    /* 7 */ {"发展 year:2023", "((发展 AND_MAYBE 0.5 * S发展) FILTER Y2023)", "(发展 FILTER Y2023)",
     "(发展 AND_MAYBE 0.5 * S发展)", 0, 0, 0},
    /* 8 */ {"date:2023-01-01..2023-12-31", "VALUE_RANGE 0 20230101 20231231",
     "VALUE_RANGE 0 20230101 20231231", "<alldocuments>", 0, 0, 0},
    /* 9: a separator run inside a phrase is a positioned term */
    {"\"质量,发展\"", "((质量 PHRASE 4 P, PHRASE 4 发展) AND_MAYBE 0.5 * (S质量 PHRASE 4 SP, PHRASE "
     "4 S发展))", "(质量 PHRASE 4 P, PHRASE 4 发展)",
     "((质量 AND P, AND 发展) AND_MAYBE 0.5 * (S质量 PHRASE 4 SP, PHRASE 4 S发展))", 1, 0, 0},
    /* 10: one at the edge is checked against the text: the superset */
    {"\"质量，\"", "(质量 AND_MAYBE 0.5 * S质量)", "质量", "(质量 AND_MAYBE 0.5 * S质量)", 0, 1, 0},
    /* 11: the hole of a bigram before a separator run: the window */
    {"\"深入：开展\"", "((深入 PHRASE 4 P: PHRASE 4 开展) AND_MAYBE 0.5 * (S深入 PHRASE 4 SP: "
     "PHRASE 4 S开展))", "(深入 PHRASE 4 P: PHRASE 4 开展)",
     "((深入 AND P: AND 开展) AND_MAYBE 0.5 * (S深入 PHRASE 4 SP: PHRASE 4 S开展))", 1, 0, 0},
};

static void want(const char *q, const char *what, char *got, const char *expected)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "Query(%s)", expected);
    ck_assert_msg(!strcmp(got, b.data), "%s of [%s]:\n want %s\n got  %s", what, q, b.data, got);
    gw_buf_free(&b);
    free(got);
}

START_TEST(build_table)
{
    if (table[_i].needs_dict && !gw_query_init(NULL)) return; /* no dictionary here */
    const char *qs = table[_i].q;
    gw_err e;
    gw_query *q = gw_query_parse(qs, strlen(qs), 0, &e);
    ck_assert_msg(q != NULL, "%s: %s", qs, e.msg);
    want(qs, "build", describe(gw_query_build(q)), table[_i].build);
    want(qs, "ranked without db", describe(gw_query_build_ranked(q, NULL)), table[_i].build);
    want(qs, "bool", describe(gw_query_build_bool(q, NULL)), table[_i].boolean);
    want(qs, "inset", describe(gw_query_build_inset(q)), table[_i].inset);
    ck_assert_int_eq(gw_query_is_positional(q), table[_i].positional);
    ck_assert_int_eq(gw_query_needs_verify(q), table[_i].verify);
    gw_query_free(q);
}
END_TEST

START_TEST(part_queries)
{
    const char *qs = "title:发展 \"改革\" -疫情";
    gw_query *q = gw_query_parse(qs, strlen(qs), 0, NULL);
    ck_assert_ptr_nonnull(q);
    ck_assert_uint_eq(gw_query_patterns(q, NULL, NULL, NULL), 2);
    want(qs, "part 0", describe(gw_query_part_query(q, 0)), "S发展");
    want(qs, "part 1", describe(gw_query_part_query(q, 1)), "改革");
    want(qs, "part 2", describe(gw_query_part_query(q, 2)), "");
    gw_query_free(q);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qbuild");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, build_table, 0, sizeof table / sizeof *table);
    tcase_add_test(tc, part_queries);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
