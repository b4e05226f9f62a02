/* gw_err.h: error codes and messages shared by every Gongwen module.
 *
 * Conventions (used by every lib/ function):
 *  1. A function that can fail takes `gw_err *err` as its LAST argument. `err` may be
 *     NULL when the caller does not want the message.
 *  2. Functions returning int return a gw_code (GW_OK == 0). Constructors return NULL on
 *     failure and leave nothing allocated.
 *  3. The message lives in a fixed buffer inside gw_err: nothing to free.
 *  4. lib/ never prints and never exits, except gw_xmalloc() and friends, which abort on
 *     out-of-memory after printing the size (there is nothing sane to do then).
 *  5. Codes name what the caller can act on, not the backend:
 *     searchd answers GW_EINVAL with 400, reopens and retries on GW_EMODIFIED. */
#ifndef GW_ERR_H
#define GW_ERR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gw_code {
    GW_OK = 0,
    GW_EINVAL,     /* bad argument or input the caller can fix (bad query, bad path) */
    GW_ENOTFOUND,  /* database, document or file does not exist */
    GW_ELOCKED,    /* another writer holds the database lock */
    GW_EMODIFIED,  /* the database moved on under a reader: reopen, then retry */
    GW_ECORRUPT,   /* database or file is damaged */
    GW_EIO,        /* operating-system I/O error */
    GW_EBINARY,    /* input is not text (binary file) */
    GW_EINTERNAL   /* a bug or an unexpected backend error */
} gw_code;

typedef struct gw_err {
    gw_code code;
    char msg[256];
} gw_err;

/* Sets err (if non-NULL) to code and a printf-formatted message; returns code, so that
 * `return gw_err_set(err, GW_EINVAL, "...")` reads naturally. */
int gw_err_set(gw_err *err, gw_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err (if non-NULL) to GW_OK with an empty message. */
void gw_err_clear(gw_err *err);

/* Prefixes the existing message with context ("corpus/a.html: " + msg). No-op on NULL. */
void gw_err_prefix(gw_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A short stable name for a code: "EINVAL", "ENOTFOUND", ... (static string). */
const char *gw_code_name(gw_code code);

/* Allocation that never returns NULL: on failure prints the size to stderr and aborts
 * (Redis zmalloc). gw_xstrndup copies at most n bytes and NUL-terminates. */
void *gw_xmalloc(size_t n);
void *gw_xcalloc(size_t count, size_t size);
void *gw_xrealloc(void *p, size_t n);
char *gw_xstrdup(const char *s);
char *gw_xstrndup(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
