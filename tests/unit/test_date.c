/* Unit tests of gw_date: the one reader of dates people type (date:, year:, from=, to=) and
 * the calendar check of the metadata extractor. Table-driven, hostile input included. */
#include "gw_date.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *in;
    int last_day;
    int parts;        /* expected return: 0 = refused */
    const char *out;  /* "YYYYMMDD" when accepted */
} parse_case;

static const parse_case parse_cases[] = {
    /* 1-8: the three forms, both ends */
    {"2023", 0, 1, "20230101"},
    {"2023", 1, 1, "20231231"},
    {"2023-09", 0, 2, "20230901"},
    {"2023-09", 1, 2, "20230931"},
    {"2023-09-18", 0, 3, "20230918"},
    {"2023-09-18", 1, 3, "20230918"},
    {"2023/9/1", 0, 3, "20230901"},
    {"20230918", 0, 3, "20230918"},
    /* 9-13: calendar */
    {"2024-02-29", 0, 3, "20240229"},
    {"2023-02-29", 0, 0, NULL},
    {"2023-13-01", 0, 0, NULL},
    {"2023-00", 0, 0, NULL},
    {"2023-04-31", 0, 0, NULL},
    /* 14-24: malformed */
    {"", 0, 0, NULL},
    {"23", 0, 0, NULL},
    {"202", 0, 0, NULL},
    {"20231", 0, 0, NULL},
    {"2023-", 0, 0, NULL},
    {"2023--09", 0, 0, NULL},
    {"2023-09-18-01", 0, 0, NULL},
    {"2023-009", 0, 0, NULL},
    {"2023.09.18", 0, 0, NULL},
    {"0999", 0, 0, NULL},
    {"２０２３", 0, 0, NULL}, /* full-width: the query normalizes before it asks */
    /* 25-26: a NUL inside the given length is not a digit */
    {"2023\0-09", 0, 0, NULL},
    {"20230932", 0, 0, NULL},
};

START_TEST(test_parse)
{
    const parse_case *c = &parse_cases[_i];
    size_t n = strlen(c->in);
    if (_i == 24) n = 8; /* the case with an embedded NUL */
    char out[9] = "unset";
    int got = gw_date_parse(c->in, n, c->last_day, out);
    ck_assert_msg(got == c->parts, "case %d '%s': %d parts, expected %d", _i + 1, c->in, got,
                  c->parts);
    if (c->parts) ck_assert_str_eq(out, c->out);
}
END_TEST

START_TEST(test_valid)
{
    ck_assert(gw_date_valid(2000, 2, 29));  /* divisible by 400 */
    ck_assert(!gw_date_valid(1900, 2, 29)); /* by 100, not 400 */
    ck_assert(gw_date_valid(2023, 12, 31));
    ck_assert(gw_date_valid(2023, 6, 0));   /* month only */
    ck_assert(!gw_date_valid(2023, 6, 31));
    ck_assert(!gw_date_valid(2023, 0, 1));
    ck_assert(!gw_date_valid(10000, 1, 1));
    ck_assert(!gw_date_valid(2023, 1, -1));
}
END_TEST

START_TEST(test_iso)
{
    char iso[11];
    gw_date_iso(iso, 2023, 9, 1);
    ck_assert_str_eq(iso, "2023-09-01");
    gw_date_iso(iso, 1000, 12, 31);
    ck_assert_str_eq(iso, "1000-12-31");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gw_date");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof parse_cases / sizeof *parse_cases));
    tcase_add_test(tc, test_valid);
    tcase_add_test(tc, test_iso);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
