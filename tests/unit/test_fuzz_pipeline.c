/* Regression tests from the fuzzer: every file of tests/fuzz/fuzz_pipeline/ (the seed
 * corpus, plus each input that ever crashed the pipeline, named regress-*) goes through
 * the fuzz target tests/fuzz/fuzz_pipeline.c — the same code and the same invariants —
 * under Check, so `make test` and `make test-asan` replay them without clang or
 * libFuzzer. A target failure is an abort(), which Check reports as an error. Run from
 * the repository root. */
#include "../fuzz/fuzz_pipeline.c"

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
    /* An exactly sized copy, as libFuzzer passes it: ASan then sees a read past the end
     * (a gw_buf has spare room and a NUL after the content). */
    uint8_t *exact = malloc(b.len ? b.len : 1);
    memcpy(exact, b.data ? b.data : "", b.len);
    ck_assert_int_eq(LLVMFuzzerTestOneInput(exact, b.len), 0);
    free(exact);
    /* Every prefix of a regression input too (truncation finds the boundary bugs). */
    if (strncmp(names[_i], "regress-", 8) == 0) {
        for (size_t k = 0; k < b.len; k++) {
            exact = malloc(k ? k : 1);
            memcpy(exact, b.data, k);
            LLVMFuzzerTestOneInput(exact, k);
            free(exact);
        }
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

int main(void)
{
    list_seeds();
    Suite *s = suite_create("fuzz_pipeline");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_have_seeds);
    tcase_add_loop_test(tc, test_replay, 0, (int)n_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
