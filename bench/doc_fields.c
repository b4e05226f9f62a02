/* bench/doc_fields.c: the source and the year Gongwen's text pipeline finds in each file
 * (gw_doc_parse: decode, HTML, clean, metadata), for the peers' facets: every engine then
 * counts its page's sidebar (hits by source, by year) over the same values.
 * Reads file paths, one per line, on stdin; prints one JSON array per file,
 * ["source", "year"] ("" when none was found or the file could not be parsed). */
#include "gw_doc.h"
#include "gw_norm.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

int main(void)
{
    gw_err err;
    memset(&err, 0, sizeof err);
    if (gw_norm_init(&err) != 0) {
        fprintf(stderr, "doc_fields: gw_norm_init failed\n");
        return 1;
    }
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        const char *source = "", *year = "";
        char y[5] = "";
        size_t len = 0;
        char *data = read_all(line, &len);
        gw_doc d;
        memset(&d, 0, sizeof d);
        int ok = data && gw_doc_parse(data, len, line, NULL, &d, &err) == GW_OK;
        if (ok) {
            source = d.source;
            if (strlen(d.date) >= 4) {
                memcpy(y, d.date, 4);
                year = y;
            }
        }
        json_t *a = json_pack("[ss]", source, year);
        char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
        puts(s ? s : "[\"\",\"\"]");
        free(s);
        json_decref(a);
        if (ok)
            gw_doc_free(&d);
        free(data);
    }
    return 0;
}
