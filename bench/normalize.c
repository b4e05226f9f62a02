/* bench/normalize.c: the project's own matching normalization (gw_norm_string: NFKC +
 * casefold + Traditional->Simplified per code point), for the benchmark's brute-force
 * oracle. Reads NUL-separated UTF-8 records on stdin, writes the normalized records,
 * NUL-separated, in the same order, on stdout. */
#include "gw_norm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    gw_err err = {0};
    if (gw_norm_init(&err) != 0) {
        fprintf(stderr, "normalize: gw_norm_init failed\n");
        return 1;
    }
    size_t cap = 1 << 20, len = 0;
    char *rec = malloc(cap);
    int c;
    if (!rec)
        return 1;
    for (;;) {
        c = getchar();
        if (c == EOF || c == '\0') {
            if (c == EOF && len == 0)
                break;
            size_t olen = 0;
            char *o = gw_norm_string(rec, len, &olen);
            if (!o) {
                fprintf(stderr, "normalize: gw_norm_string failed\n");
                return 1;
            }
            fwrite(o, 1, olen, stdout);
            putchar('\0');
            free(o);
            len = 0;
            if (c == EOF)
                break;
            continue;
        }
        if (len + 1 >= cap) {
            char *n = realloc(rec, cap *= 2);
            if (!n)
                return 1;
            rec = n;
        }
        rec[len++] = (char)c;
    }
    free(rec);
    return fflush(stdout) == 0 ? 0 : 1;
}
