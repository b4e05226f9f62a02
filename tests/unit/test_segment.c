/* Unit tests of gw_segment: the word starts friso gives for Han runs, and the one-word
 * fallback (no dictionary, runs too short to cut). */
#include "gw_buf.h"
#include "gw_segment.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* The run s (UTF-8) cut into words, "|" between them. */
static char *cut_u8(const char *s)
{
    uint32_t cp[64] = {0};
    size_t n = 0;
    for (size_t i = 0, len = strlen(s); i < len && n < 64;)
        i += gw_utf8_next(s + i, len - i, &cp[n++]);
    unsigned char cut[64];
    memset(cut, 7, sizeof cut);
    gw_segment_han(cp, n, cut);
    gw_buf b = {0};
    gw_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(cut[i] == 0 || cut[i] == 1, "cut[%zu] = %d", i, cut[i]);
        if (i && cut[i]) gw_buf_putc(&b, '|');
        gw_buf_put_utf8(&b, cp[i]);
    }
    ck_assert_uint_eq(cut[n], 7); /* nothing written past the run */
    if (n) ck_assert_int_eq(cut[0], 1);
    return gw_buf_steal(&b, NULL);
}

START_TEST(dictionary_words)
{
    if (!gw_segment_init(NULL)) return; /* no friso-dict here: see fallback */
    static const struct { const char *run, *words; } t[] = {
        {"高质量发展", "高质量|发展"},
        {"机关党建", "机关|党建"},
        {"发", "发"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char *got = cut_u8(t[i].run);
        ck_assert_msg(!strcmp(got, t[i].words), "%s: want %s got %s", t[i].run, t[i].words, got);
        free(got);
    }
}
END_TEST

/* A folder without a dictionary, named before the first load (each test runs in its own
 * process): every run is one word. */
START_TEST(fallback)
{
    ck_assert_int_eq(gw_segment_init("tests/unit"), 0);
    char *got = cut_u8("高质量发展");
    ck_assert_str_eq(got, "高质量发展");
    free(got);
    /* the first load decides: a later folder is ignored */
    ck_assert_int_eq(gw_segment_init(GW_SEGMENT_DICT_DEFAULT), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("segment");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    /* fallback first: without forking (CK_FORK=no) its load is the process's first */
    tcase_add_test(tc, fallback);
    tcase_add_test(tc, dictionary_words);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
