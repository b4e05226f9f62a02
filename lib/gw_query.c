/* gw_query.c: the query object: parsing's entry point (input repair, pinyin removal, the
 * grammar, the phrases to verify and highlight) and its lifetime. See gw_query.h; the
 * grammar is gw_qparse.c, the Xapian query gw_qbuild.c, the matcher gw_qmatch.c. */
#include "gw_query.h"

#include "gw_buf.h"
#include "gw_clean.h"
#include "gw_qparse.h"
#include "gw_qtree.h"

#include <stdlib.h>
#include <string.h>

int gw_query_init(const char *dict_dir) { return gw_segment_init(dict_dir); }

/* The documents' rule, from the cleaner itself, so that a query and a document lose
 * exactly the same annotations. */
char *gw_query_strip_pinyin(const char *s, size_t len, size_t *out_len, size_t *count)
{
    gw_buf b = {0};
    size_t n = gw_clean_pinyin(s, len, &b);
    if (count) *count = n;
    return gw_buf_steal(&b, out_len);
}

/* s[0..len) with invalid UTF-8 as U+FFFD and NULs as spaces: everything after assumes
 * clean text. */
static char *repair(const char *s, size_t len)
{
    gw_buf clean = {0};
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t l = gw_utf8_next(s + i, len - i, &c);
        if (c == 0) gw_buf_putc(&clean, ' ');
        else if (c == 0xFFFD) gw_buf_put_utf8(&clean, 0xFFFD);
        else gw_buf_append(&clean, s + i, l);
        i += l;
    }
    return gw_buf_steal(&clean, NULL);
}

gw_query *gw_query_parse(const char *s, size_t len, size_t max_bytes, gw_err *err)
{
    if (!max_bytes) max_bytes = GW_QUERY_MAX_BYTES_DEFAULT;
    if (!s) len = 0;
    if (len > max_bytes)
        return gw_err_set(err, GW_EINVAL, "query too long (%zu bytes, limit %zu)", len,
                          max_bytes),
               NULL;
    if (gw_norm_init(err)) return NULL;
    gw_query *q = gw_xcalloc(1, sizeof *q);
    q->input = repair(s, len);
    size_t slen, nl;
    char *stripped = gw_query_strip_pinyin(q->input, strlen(q->input), &slen, &q->pinyin);
    q->norm = gw_norm_string_spaced(stripped, slen, &nl); /* for display: spaces kept */
    q->root = gw_qparse_tree(q, stripped, slen);
    free(stripped);
    if (!q->root) {
        gw_query_free(q);
        gw_err_set(err, GW_EINVAL, "empty query (nothing searchable in it)");
        return NULL;
    }
    gw_qmatch_collect(q);
    return q;
}

void gw_query_free(gw_query *q)
{
    if (!q) return;
    gw_qparse_free(q->root);
    free(q->input);
    free(q->norm);
    gw_buf_free(&q->notes);
    free(q->pats);
    free(q->plens);
    free(q->pfields);
    free(q->pnodes);
    free(q);
}

const char *gw_query_normalized(const gw_query *q) { return q->norm; }
