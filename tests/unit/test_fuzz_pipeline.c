/* Regression tests from the fuzzer: every file of tests/fuzz/fuzz_pipeline/ (the seed
 * corpus, plus each input that ever crashed the pipeline, named regress-*) goes through
 * the checks of the fuzz target tests/fuzz/fuzz_pipeline.c — the same code and the same
 * promises — under Check, so `make test` and `make test-asan` replay them without clang
 * or libFuzzer. Each file is asserted to keep every promise (valid UTF-8 out, normalized
 * characters mapped back into the original in order, stored fields read back as written;
 * a crash is an error of its own), and the failure names the promise and the place.
 * test_checks_fail shows that each kind of check can fail: it breaks a promise on purpose
 * and expects the check to say so. Run from the repository root. */
#include "../fuzz/fuzz_pipeline.c"

#include "test_util.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>

#define DIR_SEEDS "tests/fuzz/fuzz_pipeline"

static char names[256][256];
static size_t n_names;

static void list_seeds(void)
{
    DIR *d = opendir(DIR_SEEDS);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && n_names < 256) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(names[n_names++], sizeof names[0], "%s", e->d_name);
    }
    closedir(d);
}

/* The pipeline's checks on an exactly sized copy of b[0..len), as libFuzzer passes it:
 * ASan then sees a read past the end (a gw_buf has spare room and a NUL after the
 * content). */
static int check_exact(const char *b, size_t len, fuzz_why *w)
{
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, b, len);
    int rc = fuzz_pipeline_check(exact, len, w);
    free(exact);
    return rc;
}

START_TEST(test_replay)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", DIR_SEEDS, names[_i]);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    gw_buf b = {0};
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gw_buf_append(&b, tmp, n);
    fclose(f);
    fuzz_why w;
    ck_assert_msg(check_exact(b.data ? b.data : "", b.len, &w) == 0, "%s: %s", path, w.msg);
    /* Every prefix of a regression input too (truncation finds the boundary bugs). */
    if (strncmp(names[_i], "regress-", 8) == 0) {
        for (size_t k = 0; k < b.len; k++)
            ck_assert_msg(check_exact(b.data, k, &w) == 0, "%s, first %zu bytes: %s", path, k,
                          w.msg);
    }
    gw_buf_free(&b);
}
END_TEST

START_TEST(test_have_seeds)
{
    ck_assert_msg(n_names >= 5, "%s holds %zu files (run from the repository root)",
                  DIR_SEEDS, n_names);
}
END_TEST

/* A check that cannot fail proves nothing: break each promise on purpose and expect the
 * check to report it. */
#define EXPECT_BROKEN(call, what)                                                          \
    do {                                                                                   \
        fuzz_why w_ = {{0}};                                                               \
        ck_assert_msg((call) != 0, "the check passes a broken promise: %s", what);        \
        ck_assert_msg(w_.msg[0] != '\0', "no reason given for: %s", what);                 \
    } while (0)
#define W (&w_)

START_TEST(test_checks_fail)
{
    gw_norm_init(NULL);
    /* Traditional, full-width, a circled digit (one code point gives two), ASCII. */
    static const char text[] = "發展ＡＢ⑫x";
    size_t len = strlen(text);
    gw_norm_text t = {0};
    gw_norm_run(text, len, 0, &t);
    fuzz_why ok;
    ck_assert_msg(check_norm(&ok, "text", text, len, &t) == 0, "%s", ok.msg);
    ck_assert_uint_ge(t.n, 7);

    t.orig[1].off += 1; /* a span that starts inside the original code point */
    EXPECT_BROKEN(check_norm(W, "text", text, len, &t), "span off by one");
    t.orig[1].off -= 1;
    gw_span s0 = t.orig[0];
    t.orig[0] = t.orig[1];
    t.orig[1] = s0; /* spans out of order */
    EXPECT_BROKEN(check_norm(W, "text", text, len, &t), "spans out of order");
    t.orig[1] = t.orig[0];
    t.orig[0] = s0;
    t.orig[t.n - 1].len += 1; /* past the end of the text */
    EXPECT_BROKEN(check_norm(W, "text", text, len, &t), "span past the end");
    t.orig[t.n - 1].len -= 1;
    uint32_t c0 = t.cp[0];
    t.cp[0] = 0x767C; /* 發 left Traditional: not what gw_norm_char makes of it */
    EXPECT_BROKEN(check_norm(W, "text", text, len, &t), "wrong code point");
    t.cp[0] = c0;
    t.n--; /* a normalized code point missing */
    EXPECT_BROKEN(check_norm(W, "text", text, len, &t), "code point missing");
    t.n++;
    gw_norm_text_free(&t);
    EXPECT_BROKEN(check_utf8(W, "text", "a\xed\xa0\x80", 4), "a surrogate in UTF-8");
    EXPECT_BROKEN(check_str(W, "title", NULL), "a NULL field");

    tok_check c = {NULL, "tokens", 10, 5};
    fuzz_why tw;
    c.w = &tw;
    gw_span in = {0, 3}, out = {8, 3};
    ck_assert_int_eq(on_token(&c, GW_TOK_WORD, "abc", 3, 5, in), 0);
    ck_assert_int_ne(on_token(&c, GW_TOK_WORD, "abc", 3, 4, in), 0);     /* going back */
    ck_assert_int_ne(on_token(&c, GW_TOK_WORD, "abc", 3, 6, out), 0);    /* past the end */
    ck_assert_int_ne(on_token(&c, GW_TOK_SEP, "abc", 3, 6, in), 0);      /* no "P" */
    ck_assert_int_ne(on_token(&c, GW_TOK_WORD, "a\xff", 2, 6, in), 0);   /* not UTF-8 */
    ck_assert_int_ne(on_token(&c, GW_TOK_WORD, "", 0, 6, in), 0);        /* empty */

    static const char doc[] = "关于推进高质量发展的通知\n2023年09月18日\n来源：市政府办公室\n"
                              "要坚持高质量发展，推动经济实现质的有效提升。\n";
    gw_doc d;
    gw_err err;
    ck_assert_int_eq(gw_doc_parse(doc, strlen(doc), "a.txt", NULL, &d, &err), GW_OK);
    ck_assert_msg(check_doc(&ok, &d) == 0, "%s", ok.msg);
    ck_assert_str_eq(d.date, "2023-09-18");
    char *date = d.date;
    d.date = "2023-9-18";
    EXPECT_BROKEN(check_doc(W, &d), "date not ISO");
    d.date = "2023-09-18\xe5";
    EXPECT_BROKEN(check_doc(W, &d), "invalid UTF-8 in a field");
    d.date = date;

    gw_file_info fi = {"a/b.txt", 0, 1, NULL};
    gw_xdoc *x = gw_xdoc_new();
    ck_assert_int_eq(gw_index_build(&d, &fi, x, &err), GW_OK);
    gw_stored st;
    ck_assert_int_eq(gw_stored_load(x, &st, &err), GW_OK);
    ck_assert_msg(check_stored(&ok, &d, &fi, &st) == 0, "%s", ok.msg);
    ck_assert_uint_gt(strlen(st.title), 3);
    st.title[3] = '\0'; /* a title cut short */
    EXPECT_BROKEN(check_stored(W, &d, &fi, &st), "stored title cut");
    st.text_len--; /* a text cut short */
    EXPECT_BROKEN(check_stored(W, &d, &fi, &st), "stored text cut");
    gw_stored_free(&st);
    gw_xdoc_free(x);
    gw_doc_free(&d);
}
END_TEST

int main(void)
{
    list_seeds();
    Suite *s = suite_create("fuzz_pipeline");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_have_seeds);
    tcase_add_test(tc, test_checks_fail);
    tcase_add_loop_test(tc, test_replay, 0, (int)n_names);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
