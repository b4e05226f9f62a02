/* libFuzzer target: arbitrary query bytes -> gw_query_parse -> gw_query_build -> search on a
 * small real database (built at the first call from corpus/ into a temporary directory)
 * with facets, explanation and snippets -> gw_results_to_json; plus the highlighter on
 * arbitrary text: the input is split at its first NUL byte into a query and a text, and
 * gw_snippet_find/gw_snippet_make run on that text with a budget taken from the input.
 * Invariants checked (abort() when broken):
 *   - parse fails only with GW_EINVAL; a parsed query always builds (every form) and
 *     explains;
 *   - every hit's snippet is valid UTF-8 within the budget, marks lie inside it, in order;
 *   - the JSON output parses back.
 * Seeds: tests/fuzz/fuzz_query/. Run: make fuzz (scripts/fuzz.sh). */
#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_index.h"
#include "gw_norm.h"
#include "gw_query.h"
#include "gw_search.h"
#include "gw_snippet.h"
#include "gw_xapian.h"

#include <dirent.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUIRE(c)                                                                         \
    do {                                                                                   \
        if (!(c)) abort();                                                                 \
    } while (0)

static gw_searcher *searcher;
static char dbdir[64];

static void remove_db(void)
{
    gw_searcher_close(searcher);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbdir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dbdir);
}

/* Indexes every file of corpus/ (the fuzzer runs from the repository root). */
static void build_db(void)
{
    strcpy(dbdir, "/tmp/gongwen-fuzz-query.XXXXXX");
    REQUIRE(mkdtemp(dbdir));
    REQUIRE(gw_norm_init(NULL) == GW_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/db", dbdir);
    gw_db *db = gw_db_open(path, GW_DB_CREATE_OR_OPEN, NULL);
    REQUIRE(db);
    REQUIRE(gw_index_check_layout(db, NULL) == GW_OK);
    DIR *d = opendir("corpus");
    REQUIRE(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char fp[512];
        snprintf(fp, sizeof fp, "corpus/%s", e->d_name);
        FILE *f = fopen(fp, "rb");
        if (!f) continue;
        gw_buf b = {0};
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) gw_buf_append(&b, tmp, n);
        fclose(f);
        gw_doc doc;
        if (gw_doc_parse(b.data ? b.data : "", b.len, e->d_name, NULL, &doc, NULL) == GW_OK) {
            gw_file_info fi = {e->d_name, 0, (long long)b.len, NULL};
            gw_xdoc *x = gw_xdoc_new();
            if (gw_index_build(&doc, &fi, x, NULL) == GW_OK) {
                char uid[256];
                size_t ul = gw_index_uid_term(e->d_name, uid, sizeof uid);
                REQUIRE(gw_db_replace_by_term(db, uid, ul, x, NULL));
            }
            gw_xdoc_free(x);
            gw_doc_free(&doc);
        }
        gw_buf_free(&b);
    }
    closedir(d);
    REQUIRE(gw_db_commit(db, NULL) == GW_OK);
    gw_db_close(db);
    searcher = gw_searcher_open(path, NULL);
    REQUIRE(searcher);
    gw_query_init(NULL);
    atexit(remove_db);
}

static size_t nchars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if ((*s & 0xC0) != 0x80) n++;
    return n;
}

static void check_snippet(const char *text, const gw_mark *marks, size_t n, unsigned budget)
{
    size_t len = strlen(text);
    REQUIRE(gw_utf8_valid(text, len));
    size_t nc = nchars(text);
    REQUIRE(nc <= budget + GW_SNIPPET_MAX_FRAGMENTS + 1);
    for (size_t i = 0; i < n; i++) {
        REQUIRE(marks[i].start < marks[i].end && marks[i].end <= nc);
        if (i) REQUIRE(marks[i - 1].end <= marks[i].start);
    }
}

/* Valid UTF-8 copy (invalid bytes become U+FFFD, NULs spaces). */
static char *clean_utf8(const uint8_t *p, size_t n, size_t *out_len)
{
    gw_buf b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = gw_utf8_next((const char *)p + i, n - i, &cp);
        if (cp == 0) cp = ' ';
        gw_buf_put_utf8(&b, cp);
        i += l;
    }
    return gw_buf_steal(&b, out_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!searcher) build_db();
    const uint8_t *nul = memchr(data, 0, size);
    size_t qlen = nul ? (size_t)(nul - data) : size;
    unsigned budget = 1 + (size ? data[size - 1] : 0);

    /* 1. the parser on the raw bytes */
    gw_err err;
    gw_query *q = gw_query_parse((const char *)data, qlen, 4096, &err);
    if (!q) {
        REQUIRE(err.code == GW_EINVAL);
    } else {
        gw_xquery *x = gw_query_build(q);
        REQUIRE(x);
        /* the other forms (gw_qbuild.h) build from any parsed query too */
        gw_xquery *other[] = {gw_query_build_bool(q, NULL), gw_query_build_inset(q),
                              gw_query_part_query(q, 0)};
        for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
            REQUIRE(other[i]);
            gw_xquery_free(other[i]);
        }
        char *e = gw_query_explain_json(q, x);
        json_t *j = json_loads(e, 0, NULL);
        REQUIRE(j);
        json_decref(j);
        free(e);
        e = gw_query_explain(q, x);
        free(e);
        gw_xquery_free(x);
    }

    /* 2. a full search with snippets, facets and explanation */
    char *qs = gw_xstrndup((const char *)data, qlen);
    gw_search_req rq = GW_SEARCH_REQ_INIT;
    rq.q = qs;
    rq.limit = 5;
    rq.snippet_chars = budget;
    rq.want_explain = 1;
    rq.max_query_bytes = 4096;
    gw_results *r = gw_searcher_search(searcher, &rq, &err);
    if (!r) {
        REQUIRE(err.code == GW_EINVAL);
    } else {
        for (size_t i = 0; i < r->n_hits; i++)
            check_snippet(r->hits[i].snippet_text, r->hits[i].marks, r->hits[i].n_marks, budget);
        char *js = gw_results_to_json(r);
        json_t *j = json_loads(js, 0, NULL);
        REQUIRE(j);
        json_decref(j);
        free(js);
        if (r->n_hits) {
            char id[16];
            snprintf(id, sizeof id, "%u", r->hits[0].id);
            gw_docview *v = gw_searcher_get_doc(searcher, id, qs, NULL);
            REQUIRE(v);
            REQUIRE(gw_utf8_valid(v->html, strlen(v->html)));
            gw_docview_free(v);
        }
        gw_results_free(r);
    }
    free(qs);

    /* 3. the highlighter on arbitrary text */
    if (q && nul) {
        size_t tl;
        char *text = clean_utf8(nul + 1, size - qlen - 1, &tl);
        const uint32_t *const *pats;
        const size_t *lens;
        size_t np = gw_query_patterns(q, &pats, &lens, NULL);
        gw_norm_text nt = {0};
        gw_norm_run(text, tl, 0, &nt);
        gw_span *spans;
        size_t ns = gw_snippet_find(&nt, pats, lens, np, 0, &spans);
        for (size_t i = 0; i < ns; i++) {
            REQUIRE(spans[i].off + spans[i].len <= tl && spans[i].len > 0);
            if (i) REQUIRE(spans[i - 1].off + spans[i - 1].len < spans[i].off);
        }
        gw_snippet s;
        gw_snippet_make(text, tl, spans, ns, budget, &s);
        check_snippet(s.text, s.marks, s.n_marks, budget);
        REQUIRE(gw_utf8_valid(s.html, strlen(s.html)));
        gw_snippet_free(&s);
        gw_snippet_whole(text, tl, spans, ns, &s);
        REQUIRE(strcmp(s.text, text) == 0);
        gw_snippet_free(&s);
        free(spans);
        gw_norm_text_free(&nt);
        free(text);
    }
    gw_query_free(q);
    return 0;
}
