/* test_util.h: small helpers shared by the unit tests (header-only; each test program is
 * one translation unit). Tests run from the repository root, so "corpus/..." opens. */
#ifndef GW_TEST_UTIL_H
#define GW_TEST_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
