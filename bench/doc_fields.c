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

/* The whole file (the caller frees it), or NULL when it cannot be read. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = NULL;
    long sz = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (sz >= 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)sz + 1)) != NULL)
        *len = fread(b, 1, (size_t)sz, f);
    fclose(f);
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
