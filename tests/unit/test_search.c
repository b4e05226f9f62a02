/* Unit tests of gw_search's fast paths against the slow ones they replace, on a real
 * Xapian database in a temporary directory:
 *  - the stored data as the search path reads it (gw_stored_view): hits read back exactly
 *    what was stored (quotes, backslashes, control characters, characters outside the
 *    BMP), and odd data (another value type, escapes jansson rejects, garbage) reads as
 *    gw_stored_parse reads it;
 *  - gw_query_build_bool (the facet pass's query) matches exactly the documents
 *    gw_query_build matches, for phrases where it checks only covering bigrams and for
 *    repeated characters where it must not. */
#include "gw_buf.h"
#include "gw_index.h"
#include "gw_query.h"
#include "gw_search.h"

#include "test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void rm_rf(const char *d)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", d);
}

static void add_doc(gw_db *db, const char *path, const char *title, const char *source,
                    const char *text)
{
    gw_doc d;
    memset(&d, 0, sizeof d);
    snprintf(d.encoding, sizeof d.encoding, "UTF-8");
    d.text = (char *)text;
    d.len = strlen(text);
    d.title = (char *)title;
    d.date = (char *)"2023-09-18";
    d.source = (char *)source;
    d.docno = (char *)"";
    d.meta_lines = (char *)"";
    gw_file_info fi = {path, 0, 0, NULL};
    gw_xdoc *x = gw_xdoc_new();
    gw_err e;
    ck_assert_int_eq(gw_index_build(&d, &fi, x, &e), GW_OK);
    ck_assert_uint_ne(gw_db_add(db, x, &e), 0);
    gw_xdoc_free(x);
}

/* A document whose data is given as is (and one bigram term, to be found by). */
static void add_raw(gw_db *db, const char *data)
{
    gw_xdoc *x = gw_xdoc_new();
    gw_xdoc_add_posting(x, "发展", strlen("发展"), 1, 1);
    gw_xdoc_set_data(x, data, strlen(data));
    gw_err e;
    ck_assert_uint_ne(gw_db_add(db, x, &e), 0);
    gw_xdoc_free(x);
}

static const char *const texts[] = {
    "机关党组织建设", "机关党组 织", "机关组织党组织", "党组织机关", "机关x党组织",
    "发展发展", "发展展发展", "发展。发展", "质量发展质量发展", "展发展发",
    "引号\"和反斜杠\\，\t制表\001控制，😀表情，发展改革",
};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/gw_test_search_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    gw_err e;
    gw_db *db = gw_db_open(dir, GW_DB_CREATE_OR_OPEN, &e);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(gw_index_check_layout(db, &e), GW_OK);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char path[32];
        snprintf(path, sizeof path, "d%zu.txt", i);
        add_doc(db, path, i == 10 ? "标题\"引号\"\\" : "标题", "来源", texts[i]);
    }
    add_raw(db, "{\"path\":\"r1.txt\",\"title\":5,\"text\":\"发展\"}");
    add_raw(db, "{\"path\":\"r2.txt\",\"title\":\"\\ud83d\\ude00\\u0041\\/\",\"text\":\"发展\"}");
    add_raw(db, "{\"path\":\"r3.txt\",\"title\":\"\\ud83d\",\"text\":\"发展\"}");
    add_raw(db, "not json 发展");
    ck_assert_int_eq(gw_db_commit(db, &e), GW_OK);
    gw_db_close(db);
}

static void teardown(void) { rm_rf(dir); }

static const gw_hit *find_hit(const gw_results *r, const char *path)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (!strcmp(r->hits[i].path, path)) return &r->hits[i];
    return NULL;
}

START_TEST(stored_fields_read_back)
{
    gw_err e;
    gw_searcher *s = gw_searcher_open(dir, &e);
    ck_assert_ptr_nonnull(s);
    gw_search_req rq = GW_SEARCH_REQ_INIT;
    rq.q = "发展改革";
    rq.collapse = 0;
    gw_results *r = gw_searcher_search(s, &rq, &e);
    ck_assert_ptr_nonnull(r);
    const gw_hit *h = find_hit(r, "d10.txt");
    ck_assert_ptr_nonnull(h);
    ck_assert_str_eq(h->title, "标题\"引号\"\\");
    ck_assert_str_eq(h->source, "来源");
    ck_assert_str_eq(h->date, "2023-09-18");
    ck_assert_ptr_nonnull(strstr(h->snippet_text, "😀"));
    ck_assert_ptr_nonnull(strstr(h->snippet_html, "<mark>发展改革</mark>"));
    gw_results_free(r);

    /* raw data: the declined forms read as jansson reads them */
    rq.q = "\"发展\"";
    rq.limit = 100;
    r = gw_searcher_search(s, &rq, &e);
    ck_assert_ptr_nonnull(r);
    const gw_hit *r1 = NULL, *r2 = NULL, *r3 = NULL;
    size_t empty_paths = 0;
    for (size_t i = 0; i < r->n_hits; i++) {
        if (!strcmp(r->hits[i].path, "r1.txt")) r1 = &r->hits[i];
        if (!strcmp(r->hits[i].path, "r2.txt")) r2 = &r->hits[i];
        if (!strcmp(r->hits[i].path, "r3.txt")) r3 = &r->hits[i];
        if (!r->hits[i].path[0]) empty_paths++;
    }
    ck_assert_ptr_nonnull(r1);
    ck_assert_str_eq(r1->title, "");          /* a number is no title */
    ck_assert_ptr_nonnull(r2);
    ck_assert_str_eq(r2->title, "😀A/");      /* escapes decoded */
    ck_assert_ptr_null(r3);                   /* a lone surrogate: jansson rejects it all */
    ck_assert_uint_eq(empty_paths, 2);        /* r3 and the garbage: nothing readable */
    gw_results_free(r);
    gw_searcher_close(s);
}
END_TEST

/* The docids a query matches, as a sorted string. */
static char *docset(gw_db *db, gw_xquery *x)
{
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = 1000;
    gw_err e;
    gw_mset *m = gw_db_search(db, x, &o, &e);
    ck_assert_ptr_nonnull(m);
    unsigned ids[1000];
    size_t n = gw_mset_size(m);
    for (size_t i = 0; i < n; i++) ids[i] = gw_mset_docid(m, i);
    gw_mset_free(m);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            unsigned t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    gw_buf b = {0};
    for (size_t i = 0; i < n; i++) gw_buf_printf(&b, "%u ", ids[i]);
    return gw_buf_steal(&b, NULL);
}

static const char *const phrases[] = {
    "\"机关党组织\"", "\"机关党组\"", "\"党组织机关\"", "\"发展发展\"", "\"展发展发\"",
    "\"质量发展质量发展\"", "\"发展展发展\"", "\"组织党组织\"", "title:\"标题\" \"机关党组织\"",
    "机关党组织建设", "\"机关党组织\" -\"党组织机关\"", "\"机关党组织\" OR \"发展发展\"",
};

START_TEST(bool_query_same_documents)
{
    gw_err e;
    gw_db *db = gw_db_open(dir, GW_DB_READ, &e);
    ck_assert_ptr_nonnull(db);
    gw_query *q = gw_query_parse(phrases[_i], strlen(phrases[_i]), 0, &e);
    ck_assert_ptr_nonnull(q);
    gw_xquery *a = gw_query_build(q), *b = gw_query_build_bool(q, db);
    char *sa = docset(db, a), *sb = docset(db, b);
    ck_assert_msg(!strcmp(sa, sb), "%s: %s vs %s", phrases[_i], sa, sb);
    free(sa);
    free(sb);
    gw_xquery_free(a);
    gw_xquery_free(b);
    gw_query_free(q);
    gw_db_close(db);
}
END_TEST

/* The cover is really used where it is exact, and refused where it is not. */
START_TEST(bool_query_cover)
{
    const char *ok = "\"机关党组织\"", *no = "\"发展发展\"";
    gw_query *q = gw_query_parse(ok, strlen(ok), 0, NULL);
    gw_xquery *b = gw_query_build_bool(q, NULL);
    char *d = gw_xquery_describe(b);
    ck_assert_msg(strstr(d, "关党") == NULL, "cover not used: %s", d);
    free(d);
    gw_xquery_free(b);
    gw_query_free(q);
    q = gw_query_parse(no, strlen(no), 0, NULL);
    b = gw_query_build_bool(q, NULL);
    d = gw_xquery_describe(b);
    ck_assert_msg(strstr(d, "展发") != NULL, "unsafe cover used: %s", d);
    free(d);
    gw_xquery_free(b);
    gw_query_free(q);
}
END_TEST

/* The time limit: a query checked against the text of 280 candidates of 20 KB each
 * (all of them are read and normalized: fewer than the 300 always checked in full) takes
 * many milliseconds. With a 1 ms limit it must stop, say so (timed_out, total not exact)
 * and still fill its page with real matches; without a limit the same search counts all
 * 280 exactly. */
START_TEST(time_limit_stops_verification)
{
    char big[80];
    snprintf(big, sizeof big, "%s.big", dir);
    gw_err e;
    gw_db *db = gw_db_open(big, GW_DB_CREATE_OR_OPEN, &e);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(gw_index_check_layout(db, &e), GW_OK);
    size_t cap = 24 * 1024;
    char *text = malloc(cap), path[32];
    for (int i = 0; i < 280; i++) {
        int k = snprintf(text, cap, "第%d号报告。", i);
        for (int j = 0; k < 20 * 1024; j++)
            k += snprintf(text + k, cap - (size_t)k, "推动高质量发展，深化改革%d。", j);
        snprintf(path, sizeof path, "b%d.txt", i);
        add_doc(db, path, "标题", "来源", text);
    }
    free(text);
    ck_assert_int_eq(gw_db_commit(db, &e), GW_OK);
    gw_db_close(db);
    gw_searcher *s = gw_searcher_open(big, &e);
    ck_assert_ptr_nonnull(s);
    gw_search_req rq = GW_SEARCH_REQ_INIT;
    rq.q = "\"发展，\""; /* a separator at the edge: checked against the text */
    rq.limit = 10;
    rq.collapse = 0;
    gw_results *r = gw_searcher_search(s, &rq, &e);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->timed_out, 0);
    ck_assert_int_eq(r->total_is_exact, 1);
    ck_assert_uint_eq(r->total, 280);
    gw_results_free(r);
    rq.time_limit_ms = 1;
    r = gw_searcher_search(s, &rq, &e);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->timed_out, 1);
    ck_assert_int_eq(r->total_is_exact, 0);
    ck_assert_uint_eq(r->n_hits, 10);
    for (size_t i = 0; i < r->n_hits; i++)
        ck_assert_ptr_nonnull(strstr(r->hits[i].snippet_text, "发展，"));
    char *json = gw_results_to_json(r);
    ck_assert_ptr_nonnull(strstr(json, "\"timed_out\":true"));
    free(json);
    gw_results_free(r);
    gw_searcher_close(s);
    rm_rf(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, stored_fields_read_back);
    tcase_add_loop_test(tc, bool_query_same_documents, 0, sizeof phrases / sizeof *phrases);
    tcase_add_test(tc, bool_query_cover);
    tcase_add_test(tc, time_limit_stops_verification);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
