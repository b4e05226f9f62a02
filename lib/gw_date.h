/* gw_date.h: calendar dates as Gongwen reads them from people — the one date parser of the
 * query language (date:, year:), the HTTP API and command line (from=, to=) and the
 * metadata extractor (gw_meta, which finds dates in Chinese text and checks them here).
 *
 * Conventions:
 *  1. A date a person types is YYYY, YYYY-MM or YYYY-MM-DD; '/' may stand for '-', and
 *     month and day may have one digit (2023/9/1); YYYYMMDD (8 digits) is read too.
 *  2. A partial date stands for a range of days: its first day when it opens a range,
 *     its last when it closes one (2023-09 .. → 20230901; .. 2023-09 → 20230931 — a
 *     bound compared as a string, which every day of the month sorts below).
 *  3. Dates in the index are "YYYYMMDD" (sortable, GW_SLOT_DATE) and documents show
 *     "YYYY-MM-DD" (ISO).
 * Thread-safe (no state). */
#ifndef GW_DATE_H
#define GW_DATE_H

#include <stddef.h>

/* 1 when y-m-d is a day of the Gregorian calendar (years 1000-9999; leap years
 * counted); d == 0 checks the year and month alone. */
int gw_date_valid(int y, int m, int d);

/* Reads s[0..n) as a date a person typed (convention 1) into out as "YYYYMMDD" (NUL-
 * terminated), the first day it covers (last_day 0) or the last (last_day 1). Returns
 * the number of parts given (1 year, 2 month, 3 day), or 0 when s is not such a date. */
int gw_date_parse(const char *s, size_t n, int last_day, char out[9]);

/* "YYYY-MM-DD" of a valid date into out[11]. */
void gw_date_iso(char out[11], int y, int m, int d);

#endif
