/* Unit tests of gw_json, the one JSON writer: strings always valid UTF-8, never NULL; the
 * dumped text embeddable in HTML (< > & as \u escapes) and read back by jansson unchanged. */
#include "gw_json.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *in;
    size_t len;
    const char *want; /* the string's value after sanitizing */
} str_case;

static const str_case str_cases[] = {
    {"機關黨建", 12, "機關黨建"},
    {"", 0, ""},
    {"a\xff" "b", 3, "a\xEF\xBF\xBD" "b"},                 /* a stray byte */
    {"\xE6\x9C", 2, "\xEF\xBF\xBD\xEF\xBF\xBD"},           /* a cut sequence */
    {"\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* a surrogate */
    {"x\0y", 3, NULL},                                     /* NUL kept inside the length */
};

START_TEST(test_strings)
{
    const str_case *c = &str_cases[_i];
    json_t *j = gw_json_strn(c->in, c->len);
    ck_assert_ptr_nonnull(j);
    if (c->want) {
        ck_assert_str_eq(json_string_value(j), c->want);
    } else {
        ck_assert_uint_eq(json_string_length(j), 3);
        ck_assert(memcmp(json_string_value(j), "x\0y", 3) == 0);
    }
    json_decref(j);
}
END_TEST

START_TEST(test_null_and_cstr)
{
    json_t *j = gw_json_str(NULL);
    ck_assert_str_eq(json_string_value(j), "");
    json_decref(j);
    j = gw_json_strn(NULL, 5);
    ck_assert_str_eq(json_string_value(j), "");
    json_decref(j);
    char *s = gw_json_dump(NULL, GW_JSON_COMPACT);
    ck_assert_str_eq(s, "null");
    free(s);
}
END_TEST

START_TEST(test_dump_embeddable)
{
    json_t *o = json_object();
    json_object_set_new(o, "q", gw_json_str("</script><b>&amp;"));
    json_object_set_new(o, "n", json_integer(3));
    char *s = gw_json_dump(o, GW_JSON_COMPACT);
    ck_assert_ptr_null(strchr(s, '<'));
    ck_assert_ptr_null(strchr(s, '>'));
    ck_assert_ptr_null(strchr(s, '&'));
    ck_assert_ptr_null(strchr(s, '\n'));
    ck_assert_str_eq(s, "{\"q\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\",\"n\":3}");
    json_error_t e;
    json_t *back = json_loads(s, 0, &e);
    ck_assert_ptr_nonnull(back);
    ck_assert(json_equal(back, o));
    json_decref(back);
    free(s);
    s = gw_json_dump(o, GW_JSON_PRETTY);
    ck_assert_ptr_nonnull(strstr(s, "\n  \"q\": "));
    free(s);
    gw_buf b = {0};
    gw_buf_puts(&b, "x=");
    gw_json_append(&b, o, GW_JSON_COMPACT);
    ck_assert(strncmp(b.data, "x={\"q\":", 7) == 0);
    gw_buf_free(&b);
    json_decref(o);
}
END_TEST

START_TEST(test_sanitize_borrows_valid)
{
    gw_buf scratch = {0};
    const char *in = "發展2022";
    size_t n = strlen(in);
    ck_assert_ptr_eq(gw_utf8_sanitize(in, &n, &scratch), in); /* valid: no copy */
    ck_assert_uint_eq(n, strlen(in));
    ck_assert_ptr_null(scratch.data);
    gw_buf_free(&scratch);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gw_json");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_strings, 0, (int)(sizeof str_cases / sizeof *str_cases));
    tcase_add_test(tc, test_null_and_cstr);
    tcase_add_test(tc, test_dump_embeddable);
    tcase_add_test(tc, test_sanitize_borrows_valid);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
