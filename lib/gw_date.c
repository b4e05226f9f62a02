/* gw_date.c: see gw_date.h. */
#include "gw_date.h"

#include <stdio.h>

int gw_date_valid(int y, int m, int d)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12)
        return 0;
    if (d == 0)
        return 1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d >= 1 && d <= dim[m - 1] + (m == 2 && leap);
}

/* Digits at s[*i..n), at most max of them; their count (0 if none). */
static int digits(const char *s, size_t n, size_t *i, int max, int *v)
{
    int k = 0;
    *v = 0;
    while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
        *v = *v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    return k;
}

int gw_date_parse(const char *s, size_t n, int last_day, char out[9])
{
    int v[3] = {0, 0, 0}, parts = 0;
    size_t i = 0;
    if (n == 8) { /* YYYYMMDD */
        int y, m, d;
        if (digits(s, n, &i, 4, &y) == 4 && digits(s, n, &i, 2, &m) == 2 &&
            digits(s, n, &i, 2, &d) == 2 && gw_date_valid(y, m, d)) {
            snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
            return 3;
        }
        i = 0;
    }
    while (parts < 3) {
        int k = digits(s, n, &i, parts == 0 ? 4 : 2, &v[parts]);
        if (parts == 0 ? k != 4 : k < 1)
            return 0;
        parts++;
        if (i == n)
            break;
        if (parts == 3 || (s[i] != '-' && s[i] != '/') || i + 1 == n)
            return 0;
        i++;
    }
    if (!gw_date_valid(v[0], parts > 1 ? v[1] : 1, parts > 2 ? v[2] : 0))
        return 0;
    if (parts < 2)
        v[1] = last_day ? 12 : 1;
    if (parts < 3)
        v[2] = last_day ? 31 : 1;
    snprintf(out, 9, "%04u%02u%02u", (unsigned)v[0] % 10000u, (unsigned)v[1] % 100u,
             (unsigned)v[2] % 100u);
    return parts;
}

void gw_date_iso(char out[11], int y, int m, int d)
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}
