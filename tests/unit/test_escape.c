/* Unit tests of gw_escape: the one function that puts text into HTML (searchd's pages,
 * the snippets' and documents' HTML), with hostile input: markup, quotes, entities, NUL
 * and other controls, invalid and truncated UTF-8, overlongs, every byte value. */
#include "gw_buf.h"
#include "gw_escape.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *esc(const char *s, size_t n)
{
    gw_buf b = {0};
    gw_escape_html(&b, s, n);
    return gw_buf_steal(&b, NULL);
}

static const struct {
    const char *in;
    size_t len; /* 0 = strlen */
    const char *out;
} cases[] = {
    /* 1 */ {"", 0, ""},
    /* 2 */ {"plain 文字", 0, "plain 文字"},
    /* 3 */ {"<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;"},
    /* 4 */ {"\"><img src=x onerror=alert(1)>", 0,
             "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
    /* 5 */ {"' onmouseover='x", 0, "&#39; onmouseover=&#39;x"},
    /* 6 */ {"&amp; &lt;", 0, "&amp;amp; &amp;lt;"},
    /* 7 */ {"a\0b", 3, "ab"},                          /* NUL dropped */
    /* 8 */ {"a\x01\x1f\x7f" "b", 0, "ab"},              /* controls dropped */
    /* 9 */ {"tab\tnl\n", 0, "tab\tnl\n"},
    /* 10 */ {"\xff\xfe<", 0, "\xEF\xBF\xBD\xEF\xBF\xBD&lt;"}, /* invalid UTF-8 */
    /* 11 */ {"\xe5\x8f", 0, "\xEF\xBF\xBD\xEF\xBF\xBD"},     /* truncated sequence */
    /* 12 */ {"\xEF\xBF\xBD", 0, "\xEF\xBF\xBD"},             /* a real U+FFFD stays */
    /* 13 */ {"\xc0\xbc", 0, "\xEF\xBF\xBD\xEF\xBF\xBD"},     /* overlong '<' */
    /* 14 */ {"cr\r\n", 0, "cr\r\n"},
    /* 15 */ {"\0", 1, ""},                                  /* only a NUL */
    /* 16 */ {"𠀀<", 0, "𠀀&lt;"},                            /* 4-byte sequence kept */
    /* 17 */ {"\xed\xa0\x80", 0, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* surrogate */
};

START_TEST(test_escape_table)
{
    const char *in = cases[_i].in;
    size_t n = cases[_i].len ? cases[_i].len : strlen(in);
    char *got = esc(in, n);
    ck_assert_msg(strcmp(got, cases[_i].out) == 0, "case %d: got '%s'", _i + 1, got);
    free(got);
}
END_TEST

START_TEST(test_escape_never_leaves_markup)
{
    /* Every byte value, alone and after a multi-byte lead: the output never holds a raw
     * < > " ' and is always valid UTF-8. */
    for (int c = 0; c < 256; c++) {
        char in[3] = {(char)c, '\xe5', (char)c};
        for (size_t n = 1; n <= 3; n++) {
            char *got = esc(in, n);
            ck_assert(strpbrk(got, "<>\"'") == NULL);
            ck_assert(gw_utf8_valid(got, strlen(got)));
            free(got);
        }
    }
}
END_TEST

START_TEST(test_escape_str)
{
    gw_buf b = {0};
    gw_escape_html_str(&b, NULL);
    ck_assert_uint_eq(b.len, 0);
    gw_escape_html_str(&b, "a<b");
    gw_escape_html_str(&b, "&");
    ck_assert_str_eq(b.data, "a&lt;b&amp;");
    gw_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("escape");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_escape_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_escape_never_leaves_markup);
    tcase_add_test(tc, test_escape_str);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
