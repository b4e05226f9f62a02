/* test_util.h: small helpers shared by the unit tests (header-only; each test program is
 * one translation unit). Tests run from the repository root, so "corpus/..." opens. */
#ifndef GW_TEST_UTIL_H
#define GW_TEST_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs suite s (Check forks each test: a crash fails that test alone) and returns the
 * program's exit status: EXIT_FAILURE when any check failed. */
static inline int gw_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Reads a whole file; fails the test if it cannot. NUL-terminated; caller frees. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Non-overlapping occurrences of needle in hay. memmem with lengths, not strstr: ASan's
 * strstr measures the whole haystack on every call, which makes counting in a 50 MB text
 * quadratic. */
static inline size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, nl = strlen(needle), total = strlen(hay);
    const char *end = hay + total;
    for (const char *p = hay; (p = memmem(p, (size_t)(end - p), needle, nl)); n++)
        p += nl;
    return n;
}

#endif
