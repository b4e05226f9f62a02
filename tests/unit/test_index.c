/* Unit tests of gw_index: documents built by hand are indexed into a real Xapian
 * database in a temporary directory; terms are checked with gw_db_term_freq, positions
 * with phrase queries, values and data on the stored document. Also the unique-id term,
 * the stored-data parser and the near-duplicate key. Run from the repository root (for
 * corpus/). */
#include "gw_buf.h"
#include "gw_index.h"
#include "gw_norm.h"

#include "test_util.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dbdir[512];
static gw_db *db;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st; (void)flag; (void)f;
    return remove(p);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dbdir, sizeof dbdir, "%s/gw-test-index-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dbdir));
    char path[600];
    snprintf(path, sizeof path, "%s/db", dbdir);
    gw_err err;
    db = gw_db_open(path, GW_DB_CREATE_OR_OPEN, &err);
    ck_assert_msg(db != NULL, "gw_db_open: %s", err.msg);
}

static void teardown(void)
{
    gw_db_close(db);
    db = NULL;
    nftw(dbdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static gw_doc make_doc(const char *text, const char *title, const char *date,
                       const char *source, const char *docno, const char *enc)
{
    gw_doc d;
    memset(&d, 0, sizeof d);
    snprintf(d.encoding, sizeof d.encoding, "%s", enc);
    d.text = (char *)text;
    d.len = strlen(text);
    d.title = (char *)title;
    d.date = (char *)date;
    d.source = (char *)source;
    d.docno = (char *)docno;
    return d;
}

static gw_docid add(const gw_doc *d, const gw_file_info *fi)
{
    gw_err err;
    gw_xdoc *x = gw_xdoc_new();
    ck_assert_int_eq(gw_index_build(d, fi, x, &err), GW_OK);
    char uid[256];
    size_t n = gw_index_uid_term(fi->relpath, uid, sizeof uid);
    ck_assert_uint_gt(n, 0);
    gw_docid id = gw_db_replace_by_term(db, uid, n, x, &err);
    ck_assert_msg(id != 0, "replace: %s", err.msg);
    gw_xdoc_free(x);
    ck_assert_int_eq(gw_db_commit(db, &err), GW_OK);
    return id;
}

static unsigned freq(const char *term)
{
    gw_err err;
    return gw_db_term_freq(db, term, strlen(term), &err);
}

/* Number of documents matching the phrase terms[0..n) (strict adjacency). */
static unsigned phrase(const char *const *terms, size_t n)
{
    size_t lens[16];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(terms[i]);
    gw_xquery *q = gw_xquery_phrase(terms, lens, n, 0);
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = 100;
    gw_err err;
    gw_mset *m = gw_db_search(db, q, &o, &err);
    ck_assert_msg(m != NULL, "search: %s", err.msg);
    unsigned k = (unsigned)gw_mset_size(m);
    gw_mset_free(m);
    gw_xquery_free(q);
    return k;
}

#define PHRASE(...)                                                                        \
    phrase((const char *const[]){__VA_ARGS__},                                             \
           sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static const char *TEXT = "2022年G20峰会在杭州举行。\n高質量,發展\n5G网络";

/* ---- 1. terms ---------------------------------------------------------------------- */

static const struct {
    const char *term;
    unsigned freq;
} terms[] = {
    /*  0 */ {"g20", 1},          /* words, casefolded */
    /*  1 */ {"2022", 1},
    /*  2 */ {"5g", 1},
    /*  3 */ {"峰会", 1},         /* bigrams */
    /*  4 */ {"质量", 1},         /* Traditional -> Simplified */
    /*  5 */ {"发展", 1},
    /*  6 */ {"量发", 0},         /* never across punctuation */
    /*  7 */ {"行高", 0},         /* nor across a line */
    /*  8 */ {"质", 1},           /* unigrams */
    /*  9 */ {"年", 1},
    /* 10 */ {"主题", 1},         /* title terms in the body space */
    /* 11 */ {"S主题", 1},        /* and in their own */
    /* 12 */ {"Sg20", 1},
    /* 13 */ {"S峰会", 0},        /* the title has no 峰会 */
    /* 14 */ {"XS旗帜", 1},       /* source */
    /* 15 */ {"XS帜网", 1},
    /* 16 */ {"XD国发", 1},       /* document number */
    /* 17 */ {"XD2023", 1},
    /* 18 */ {"XD5", 1},
    /* 19 */ {"Q2023/a.txt", 1},  /* boolean terms */
    /* 20 */ {"Y2023", 1},
    /* 21 */ {"M202309", 1},
    /* 22 */ {"D20230918", 1},
    /* 23 */ {"XEgb18030", 1},
    /* 24 */ {"G20", 0},          /* nothing un-normalized */
    /* 25 */ {"質量", 0},
    /* 26 */ {"S", 0},
};

START_TEST(test_terms)
{
    gw_doc d = make_doc(TEXT, "G20 主題報告", "2023-09-18", "旗幟網", "国发〔2023〕5号",
                        "GB18030");
    gw_file_info fi = {"2023/a.txt", 1700000000, 1234, "abc123"};
    add(&d, &fi);
    ck_assert_msg(freq(terms[_i].term) == terms[_i].freq, "case %d: \"%s\" in %u docs, want %u",
                  _i, terms[_i].term, freq(terms[_i].term), terms[_i].freq);
}
END_TEST

/* ---- 2. positions, through phrase queries ------------------------------------------ */

START_TEST(test_phrases)
{
    gw_doc d = make_doc(TEXT, "G20 主題報告", "2023-09-18", "旗幟網", "国发〔2023〕5号",
                        "GB18030");
    gw_file_info fi = {"2023/a.txt", 1700000000, 1234, "abc123"};
    add(&d, &fi);
    /* a second document: body ends with a word, title starts with Han */
    gw_doc d2 = make_doc("第二篇 2024", "年G20", "", "", "", "UTF-8");
    gw_file_info fi2 = {"b.txt", 1, 2, NULL};
    add(&d2, &fi2);

    ck_assert_uint_eq(PHRASE("2022", "年"), 1);          /* EDGE unigram */
    ck_assert_uint_eq(PHRASE("g20", "峰会"), 1);
    ck_assert_uint_eq(PHRASE("2022", "年", "g20", "峰会", "会在"), 1);
    ck_assert_uint_eq(PHRASE("5g", "网络"), 1);
    ck_assert_uint_eq(PHRASE("峰会", "会在", "在杭"), 1);
    ck_assert_uint_eq(PHRASE("高质", "质量"), 1);
    ck_assert_uint_eq(PHRASE("质量", "量发", "发展"), 0); /* across "," */
    ck_assert_uint_eq(PHRASE("主题", "题报", "报告"), 1); /* the title, in the body space */
    ck_assert_uint_eq(PHRASE("S主题", "S题报", "S报告"), 1);
    ck_assert_uint_eq(PHRASE("Sg20", "S主题"), 1);       /* a space between a word and Han joins */
    ck_assert_uint_eq(PHRASE("XS旗帜", "XS帜网"), 1);
    ck_assert_uint_eq(PHRASE("XD国发", "XD2023"), 0);    /* 〔 is a separator */
    /* No phrase runs from the body into the title. */
    ck_assert_uint_eq(freq("2024"), 1);
    ck_assert_uint_eq(PHRASE("年", "g20"), 2); /* 年 has a position in both (EDGE) */
    ck_assert_uint_eq(PHRASE("2024", "年"), 0);
}
END_TEST

/* ---- 3. values and data ------------------------------------------------------------ */

START_TEST(test_values_data)
{
    gw_doc d = make_doc(TEXT, "G20 主題報告", "2023-09-18", "旗幟網", "国发〔2023〕5号",
                        "GB18030");
    gw_file_info fi = {"2023/a.txt", 1700000000, 1234, "abc123"};
    gw_docid id = add(&d, &fi);
    add(&d, &fi); /* re-indexing replaces */
    gw_err err;
    ck_assert_uint_eq(gw_db_doc_count(db, &err), 1);
    id = gw_db_find_by_term(db, "Q2023/a.txt", 11, &err);
    ck_assert_uint_ne(id, 0);
    gw_xdoc *x = gw_db_get_doc(db, id, &err);
    ck_assert_ptr_nonnull(x);
    static const struct {
        unsigned slot;
        const char *value;
    } values[] = {
        {GW_SLOT_DATE, "20230918"}, {GW_SLOT_SOURCE, "旗帜网\x1f旗幟網"},
        {GW_SLOT_MTIME, "1700000000"},
        {GW_SLOT_SIZE, "1234"},     {GW_SLOT_HASH, "abc123"},    {GW_SLOT_YEAR, "2023"},
    };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        size_t n;
        const char *v = gw_xdoc_value(x, values[i].slot, &n);
        ck_assert_msg(n == strlen(values[i].value) && memcmp(v, values[i].value, n) == 0,
                      "slot %u: \"%s\", want \"%s\"", values[i].slot, v, values[i].value);
    }
    /* the whole source, folded, is a boolean term (the source= filter) */
    ck_assert_uint_eq(gw_db_term_freq(db, "XF旗帜网", strlen("XF旗帜网"), &err), 1);
    ck_assert_uint_eq(gw_db_term_freq(db, "XF旗幟網", strlen("XF旗幟網"), &err), 0);
    size_t n;
    const char *key = gw_xdoc_value(x, GW_SLOT_DUPKEY, &n);
    ck_assert_uint_eq(n, 16);
    ck_assert_uint_eq(strspn(key, "0123456789abcdef"), 16);

    gw_stored s;
    ck_assert_int_eq(gw_stored_load(x, &s, &err), GW_OK);
    ck_assert_str_eq(s.path, "2023/a.txt");
    ck_assert_str_eq(s.title, "G20 主題報告"); /* the original, not the normalized form */
    ck_assert_str_eq(s.date, "2023-09-18");
    ck_assert_str_eq(s.source, "旗幟網");
    ck_assert_str_eq(s.docno, "国发〔2023〕5号");
    ck_assert_str_eq(s.encoding, "GB18030");
    ck_assert_str_eq(s.text, TEXT);
    ck_assert_uint_eq(s.text_len, strlen(TEXT));
    gw_stored_free(&s);
    gw_stored_free(&s); /* twice */
    gw_stored_free(NULL);

    /* The text is in its slot, compressed, and not in the data (layout 3). */
    const char *data = gw_xdoc_data(x, &n);
    ck_assert_ptr_null(strstr(data, "text"));
    ck_assert_int_eq(gw_stored_parse(data, n, &s, &err), GW_OK);
    ck_assert_str_eq(s.text, "");
    ck_assert_str_eq(s.title, "G20 主題報告");
    gw_stored_free(&s);
    const char *tv = gw_xdoc_value(x, GW_SLOT_TEXT, &n);
    ck_assert_uint_gt(n, 5);
    ck_assert_int_eq(tv[0], 'L');
    gw_buf t = {0};
    ck_assert_int_eq(gw_stored_text(x, &t, &err), GW_OK);
    ck_assert_uint_eq(t.len, strlen(TEXT));
    ck_assert_str_eq(t.data, TEXT);
    gw_buf_free(&t);
    gw_xdoc_free(x);
}
END_TEST

/* ---- 3b. metadata and chrome: searchable parts that weigh nothing --------------------- */

/* The docids of a one-term search, best first, with their weights. */
static size_t term_hits(const char *term, gw_docid *ids, double *w, size_t max)
{
    gw_xquery *q = gw_xquery_term(term, strlen(term), 1);
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    o.limit = (unsigned)max;
    gw_err err;
    gw_mset *m = gw_db_search(db, q, &o, &err);
    ck_assert_msg(m != NULL, "search: %s", err.msg);
    size_t n = gw_mset_size(m);
    for (size_t i = 0; i < n && i < max; i++) {
        ids[i] = gw_mset_docid(m, i);
        w[i] = gw_mset_weight(m, i);
    }
    gw_mset_free(m);
    gw_xquery_free(q);
    return n;
}

static const char *META = "來源:北京市審計局\n責任編輯:張三豐\n";
static const char *CHROME = "當前位置:文範網 >\n?shù)牧己眯蜗蟆?/P>\n";

START_TEST(test_parts)
{
    gw_doc a = make_doc("第一篇正文讲发展", "标题", "", "北京市審計局", "", "UTF-8");
    a.meta_lines = (char *)META;
    a.chrome = (char *)CHROME;
    a.chrome_len = strlen(CHROME);
    gw_file_info fa = {"a.txt", 1, 2, NULL};
    gw_docid ida = add(&a, &fa);
    /* the same document without the parts, and a body holding the strings the parts hold */
    gw_doc b = make_doc("第一篇正文讲发展", "标题", "", "北京市審計局", "", "UTF-8");
    gw_file_info fb = {"b.txt", 1, 2, NULL};
    gw_docid idb = add(&b, &fb);
    gw_doc c = make_doc("审计局的文范网上张三丰说", "", "", "", "", "UTF-8");
    gw_file_info fc = {"c.txt", 1, 2, NULL};
    gw_docid idc = add(&c, &fc);

    /* unprefixed terms find every line of the parts */
    ck_assert_uint_eq(freq("审计"), 2); /* a (metadata) and c (body), not b (source only) */
    ck_assert_uint_eq(freq("三丰"), 2);
    ck_assert_uint_eq(freq("文范"), 2);
    ck_assert_uint_eq(freq("shù"), 1);
    ck_assert_uint_eq(freq("P当前"), 0);
    ck_assert_uint_eq(PHRASE("北京", "京市", "市审", "审计", "计局"), 1);
    ck_assert_uint_eq(PHRASE("当前", "前位", "位置"), 1);
    /* no phrase across a part boundary: body -> title -> metadata -> chrome */
    ck_assert_uint_eq(PHRASE("发展", "标题"), 0);
    ck_assert_uint_eq(PHRASE("标题", "来源"), 0);
    ck_assert_uint_eq(PHRASE("三丰", "当前"), 0);
    /* source: is the extracted source, as before */
    ck_assert_uint_eq(freq("XS审计"), 2);
    ck_assert_uint_eq(freq("XS文范"), 0);

    /* a match only in the parts weighs nothing: after the body match */
    gw_docid ids[4];
    double w[4];
    ck_assert_uint_eq(term_hits("审计", ids, w, 4), 2);
    ck_assert_uint_eq(ids[0], idc);
    ck_assert(w[0] > 0);
    ck_assert_uint_eq(ids[1], ida);
    ck_assert(w[1] == 0);
    /* and the parts do not change how the body ranks (document length is the body's) */
    ck_assert_uint_eq(term_hits("正文", ids, w, 4), 2);
    ck_assert_msg(w[0] == w[1], "%.17g %.17g", w[0], w[1]);
    ck_assert(w[0] > 0);

    /* stored: the parts round-trip, the data and the facet value are the body's */
    gw_err err;
    gw_xdoc *x = gw_db_get_doc(db, ida, &err);
    ck_assert_ptr_nonnull(x);
    gw_stored st;
    ck_assert_int_eq(gw_stored_load(x, &st, &err), GW_OK);
    ck_assert_str_eq(st.text, "第一篇正文讲发展");
    ck_assert_str_eq(st.meta, META);
    ck_assert_uint_eq(st.meta_len, strlen(META));
    ck_assert_str_eq(st.chrome, CHROME);
    ck_assert_uint_eq(st.chrome_len, strlen(CHROME));
    gw_stored_free(&st);
    gw_buf t = {0}, u = {0};
    ck_assert_int_eq(gw_stored_parts(x, &t, &u, &err), GW_OK);
    ck_assert_str_eq(t.data, META);
    ck_assert_uint_eq(t.len, strlen(META));
    ck_assert_str_eq(u.data, CHROME);
    ck_assert_uint_eq(u.len, strlen(CHROME));
    ck_assert_int_eq(gw_stored_text(x, &t, &err), GW_OK);
    ck_assert_str_eq(t.data, "第一篇正文讲发展");
    size_t n;
    const char *data = gw_xdoc_data(x, &n);
    ck_assert_ptr_null(strstr(data, "審計局\\n")); /* the parts are values, not data */
    gw_xdoc_free(x);

    /* a document without parts has no values for them, and reads them as "" */
    x = gw_db_get_doc(db, idb, &err);
    ck_assert_ptr_nonnull(x);
    gw_xdoc_value(x, GW_SLOT_PARTS, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(gw_stored_load(x, &st, &err), GW_OK);
    ck_assert_str_eq(st.meta, "");
    ck_assert_str_eq(st.chrome, "");
    gw_stored_free(&st);
    ck_assert_int_eq(gw_stored_parts(x, &t, &u, &err), GW_OK);
    ck_assert_uint_eq(t.len, 0);
    ck_assert_uint_eq(u.len, 0);
    gw_xdoc_free(x);

    /* only metadata, only chrome */
    gw_doc m = make_doc("正文", "", "", "", "", "UTF-8");
    m.meta_lines = (char *)META;
    gw_xdoc *y = gw_xdoc_new();
    ck_assert_int_eq(gw_index_build(&m, NULL, y, &err), GW_OK);
    ck_assert_int_eq(gw_stored_parts(y, &t, &u, &err), GW_OK);
    ck_assert_str_eq(t.data, META);
    ck_assert_uint_eq(u.len, 0);
    gw_xdoc_free(y);
    m.meta_lines = NULL;
    m.chrome = (char *)CHROME;
    m.chrome_len = strlen(CHROME);
    y = gw_xdoc_new();
    ck_assert_int_eq(gw_index_build(&m, NULL, y, &err), GW_OK);
    ck_assert_int_eq(gw_stored_parts(y, &t, &u, &err), GW_OK);
    ck_assert_uint_eq(t.len, 0);
    ck_assert_str_eq(u.data, CHROME);
    gw_xdoc_free(y);

    /* a damaged value is an error, like a damaged text: a bad block, a metadata length
     * past the block's, no length at all */
    static const struct {
        const char *v;
        size_t n;
    } bad[] = {
        {"\0\0\0\0L\x10\0\0\0xx", 11},
        {"\x09\0\0\0L\x03\0\0\0\x30" "abc", 13},
        {"\x01\0", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gw_xdoc *b = gw_xdoc_new();
        gw_xdoc_set_value(b, GW_SLOT_PARTS, bad[i].v, bad[i].n);
        ck_assert_msg(gw_stored_parts(b, &t, &u, &err) == GW_ECORRUPT, "bad value %zu", i);
        ck_assert_uint_eq(t.len + u.len, 0);
        ck_assert_int_eq(gw_stored_load(b, &st, &err), GW_ECORRUPT);
        gw_xdoc_free(b);
    }
    gw_buf_free(&t);
    gw_buf_free(&u);
}
END_TEST

/* A damaged text value is an error that says so, never a crash or a wrong text; a buffer
 * reused across documents holds exactly the last one's text. */
START_TEST(test_stored_text_damaged)
{
    gw_err err;
    gw_buf t = {0};
    gw_xdoc *ok = gw_xdoc_new();
    gw_doc d = make_doc("第一份報告的正文，發(fā)展。", "題", "", "", "", "UTF-8");
    ck_assert_int_eq(gw_index_build(&d, NULL, ok, &err), GW_OK);
    size_t n;
    const char *v = gw_xdoc_value(ok, GW_SLOT_TEXT, &n);
    char good[512];
    ck_assert_uint_lt(n, sizeof good);
    memcpy(good, v, n);

    struct {
        const char *what;
        char bytes[64];
        size_t len;
    } bad[] = {
        {"too short for its header", "L\x05", 2},
        {"an unknown format byte", "Z\x01\x00\x00\x00" "a", 6},
        {"a block shorter than announced", "L\x40\x00\x00\x00\x10" "abc", 9},
        {"a length beyond what can be stored", "L\xff\xff\xff\xff\x10" "a", 7},
        {"garbage after the header", "L\x03\x00\x00\x00\xff\xff\xff\xff", 9},
        {"a length no block of this size can hold", "L\x00\x00\x10\x00\x10" "a", 7},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gw_xdoc *x = gw_xdoc_new();
        gw_xdoc_set_data(x, "{\"path\":\"p\"}", 12);
        gw_xdoc_set_value(x, GW_SLOT_TEXT, bad[i].bytes, bad[i].len);
        ck_assert_msg(gw_stored_text(x, &t, &err) == GW_ECORRUPT, "%s", bad[i].what);
        ck_assert_ptr_nonnull(strstr(err.msg, "stored text"));
        ck_assert_uint_eq(t.len, 0);
        gw_stored st;
        ck_assert_msg(gw_stored_load(x, &st, &err) == GW_ECORRUPT, "%s", bad[i].what);
        gw_xdoc_free(x);
    }
    /* the announced length must be the block's: one more or one less is refused */
    for (int delta = -1; delta <= 1; delta += 2) {
        char b[512];
        memcpy(b, good, n);
        size_t len = (size_t)(unsigned char)b[1] + delta;
        b[1] = (char)len;
        gw_xdoc *x = gw_xdoc_new();
        gw_xdoc_set_value(x, GW_SLOT_TEXT, b, n);
        ck_assert_int_eq(gw_stored_text(x, &t, &err), GW_ECORRUPT);
        gw_xdoc_free(x);
    }
    /* reuse: a long text, then a short one, then none */
    ck_assert_int_eq(gw_stored_text(ok, &t, &err), GW_OK);
    ck_assert_str_eq(t.data, "第一份報告的正文，發(fā)展。");
    gw_xdoc *s2 = gw_xdoc_new();
    gw_doc d2 = make_doc("短", "", "", "", "", "UTF-8");
    ck_assert_int_eq(gw_index_build(&d2, NULL, s2, &err), GW_OK);
    ck_assert_int_eq(gw_stored_text(s2, &t, &err), GW_OK);
    ck_assert_str_eq(t.data, "短");
    ck_assert_uint_eq(t.len, 3);
    gw_xdoc *none = gw_xdoc_new();
    ck_assert_int_eq(gw_stored_text(none, &t, &err), GW_OK);
    ck_assert_uint_eq(t.len, 0);
    ck_assert_str_eq(t.data, "");
    gw_xdoc_free(none);
    gw_xdoc_free(s2);
    gw_xdoc_free(ok);
    gw_buf_free(&t);
}
END_TEST

/* A document without date, source, title or body text: no such values or terms, still
 * indexable; and fi may be NULL. */
START_TEST(test_empty_doc)
{
    gw_doc d = make_doc("", "", "", "", "", "");
    gw_file_info fi = {"empty.txt", 0, 0, NULL};
    gw_docid id = add(&d, &fi);
    gw_err err;
    gw_xdoc *x = gw_db_get_doc(db, id, &err);
    size_t n;
    gw_xdoc_value(x, GW_SLOT_DATE, &n);
    ck_assert_uint_eq(n, 0);
    gw_xdoc_value(x, GW_SLOT_DUPKEY, &n);
    ck_assert_uint_eq(n, 0); /* an empty key never collapses */
    gw_xdoc_value(x, GW_SLOT_HASH, &n);
    ck_assert_uint_eq(n, 0);
    gw_xdoc_value(x, GW_SLOT_TEXT, &n);
    ck_assert_uint_eq(n, 0); /* no text, no value */
    gw_stored s;
    ck_assert_int_eq(gw_stored_load(x, &s, &err), GW_OK);
    ck_assert_str_eq(s.text, "");
    ck_assert_uint_eq(s.text_len, 0);
    ck_assert_str_eq(s.path, "empty.txt");
    gw_stored_free(&s);
    gw_xdoc_free(x);
    ck_assert_uint_eq(freq("Y"), 0);
    ck_assert_uint_eq(freq("XE"), 0);

    gw_xdoc *y = gw_xdoc_new();
    ck_assert_int_eq(gw_index_build(&d, NULL, y, &err), GW_OK);
    ck_assert_int_eq(gw_index_build(NULL, NULL, y, &err), GW_EINVAL);
    gw_file_info bad = {"", 0, 0, NULL};
    ck_assert_int_eq(gw_index_build(&d, &bad, y, &err), GW_EINVAL);
    gw_xdoc_free(y);
}
END_TEST

/* Hostile text: invalid UTF-8 and NUL inside; data stays valid JSON, text comes back
 * with U+FFFD for the bad byte and the NUL kept. */
START_TEST(test_hostile_text)
{
    static const char text[] = "发\xFF展\0G20";
    gw_doc d = make_doc("", "\xE5\x8F", "2023-1", "x", "", "UTF-8");
    d.text = (char *)text;
    d.len = sizeof text - 1;
    gw_file_info fi = {"h.txt", 0, 0, NULL};
    gw_docid id = add(&d, &fi);
    ck_assert_uint_eq(freq("g20"), 1);
    ck_assert_uint_eq(freq("发展"), 0);
    ck_assert_uint_eq(freq("Y2023"), 1); /* a partial date gives the year only */
    ck_assert_uint_eq(freq("M20231"), 0);
    gw_err err;
    gw_xdoc *x = gw_db_get_doc(db, id, &err);
    gw_stored s;
    ck_assert_int_eq(gw_stored_load(x, &s, &err), GW_OK);
    static const char want[] = "发\xEF\xBF\xBD展\0G20";
    ck_assert_uint_eq(s.text_len, sizeof want - 1);
    ck_assert(memcmp(s.text, want, sizeof want - 1) == 0);
    ck_assert_str_eq(s.title, "\xEF\xBF\xBD\xEF\xBF\xBD");
    gw_stored_free(&s);
    gw_xdoc_free(x);
}
END_TEST

/* ---- 4. unique id ------------------------------------------------------------------ */

START_TEST(test_uid)
{
    char buf[256];
    ck_assert_uint_eq(gw_index_uid_term("2023/a.txt", buf, sizeof buf), 11);
    ck_assert_str_eq(buf, "Q2023/a.txt");
    ck_assert_uint_eq(gw_index_uid_term("2023/a.txt", buf, 11), 0); /* no room for NUL */
    ck_assert_uint_eq(gw_index_uid_term("", buf, sizeof buf), 0);
    ck_assert_uint_eq(gw_index_uid_term(NULL, buf, sizeof buf), 0);

    /* 239 bytes is kept whole (240 with the prefix); 240 is hashed. */
    char p[400];
    memset(p, 'a', 239);
    p[239] = '\0';
    ck_assert_uint_eq(gw_index_uid_term(p, buf, sizeof buf), 240);
    memset(p, 'a', 300);
    p[300] = '\0';
    size_t n1 = gw_index_uid_term(p, buf, sizeof buf);
    ck_assert_uint_eq(n1, 1 + 200 + 1 + 32);
    ck_assert_uint_eq(strlen(buf), n1);
    ck_assert(buf[201] == '#');
    char first[256];
    strcpy(first, buf);
    p[299] = 'b'; /* differs only at the end */
    ck_assert_uint_eq(gw_index_uid_term(p, buf, sizeof buf), n1);
    ck_assert_str_ne(buf, first);
    p[299] = 'a';
    gw_index_uid_term(p, buf, sizeof buf);
    ck_assert_str_eq(buf, first); /* deterministic */
    ck_assert_uint_eq(gw_index_uid_term(p, buf, 200), 0);

    /* Multibyte path: cut on a character boundary, still valid UTF-8. */
    gw_buf b = {0};
    for (int i = 0; i < 100; i++)
        gw_buf_puts(&b, "發");
    size_t n = gw_index_uid_term(b.data, buf, sizeof buf);
    ck_assert_uint_eq(n, 1 + 198 + 1 + 32);
    ck_assert(gw_utf8_valid(buf, n));
    gw_buf_free(&b);
}
END_TEST

/* ---- 4b. one agency, one name: the folded source key ----------------------------------- */

static const struct {
    const char *source, *key;
} source_keys[] = {
    {"全国融媒体中心", "全国融媒体中心"},
    {"全國融媒體中心", "全国融媒体中心"},        /* Traditional */
    {" 全国 融媒体\u3000中心\t", "全国融媒体中心"}, /* spaces in and around Han text */
    {"ＣＣＴＶ新聞中心", "cctv新闻中心"},          /* full-width letters, case, script */
    {"CCTV 新闻中心", "cctv新闻中心"},
    {"China  Daily", "china daily"},                /* one space between two words */
    {"China\u00a0Daily", "china daily"},
    {"ChinaDaily", "chinadaily"},                   /* ... which stay apart */
    {"新华社（北京）", "新华社(北京)"},             /* punctuation folds, is kept */
    {"发\u200b改委", "发改委"},                    /* default-ignorable */
    {"第２０２３号 通知", "第2023号通知"},          /* full-width digits */
    {"a\x1f\x01" "b", "a b"},        /* controls are white space */
    {" \u3000\t", ""},
    {"", ""},
};

START_TEST(test_source_key)
{
    size_t n;
    char *k = gw_index_source_key(source_keys[_i].source, strlen(source_keys[_i].source), &n);
    ck_assert_msg(strcmp(k, source_keys[_i].key) == 0, "case %d: key \"%s\", want \"%s\"", _i,
                  k, source_keys[_i].key);
    ck_assert_uint_eq(n, strlen(k));
    ck_assert_ptr_null(memchr(k, GW_SOURCE_SEP, n));
    /* a fixpoint: the key of a key is itself */
    char *kk = gw_index_source_key(k, n, NULL);
    ck_assert_str_eq(kk, k);
    free(kk);
    free(k);
}
END_TEST

START_TEST(test_source_term)
{
    char a[256], b[256];
    size_t na = gw_index_source_term("全國融媒體中心", strlen("全國融媒體中心"), a, sizeof a);
    size_t nb = gw_index_source_term("全国 融媒体中心", strlen("全国 融媒体中心"), b, sizeof b);
    ck_assert_str_eq(a, "XF全国融媒体中心");
    ck_assert_uint_eq(na, strlen(a));
    ck_assert_uint_eq(nb, na);
    ck_assert_str_eq(b, a);
    ck_assert_uint_eq(gw_index_source_term("全国融媒体", strlen("全国融媒体"), b, sizeof b),
                      strlen("XF全国融媒体"));
    ck_assert_str_ne(b, a);
    ck_assert_uint_eq(gw_index_source_term(" ", 1, a, sizeof a), 0);
    ck_assert_uint_eq(gw_index_source_term("新华社", strlen("新华社"), a, 5), 0); /* no room */
    /* a key too long for a term: cut and hashed, two differing at the end stay apart */
    gw_buf s = {0};
    for (int i = 0; i < 100; i++) gw_buf_puts(&s, "發");
    na = gw_index_source_term(s.data, s.len, a, sizeof a);
    ck_assert_uint_eq(na, 2 + 198 + 1 + 32);
    ck_assert(gw_utf8_valid(a, na));
    ck_assert_uint_le(na, 245);
    s.data[s.len - 1] = (char)0x8e; /* 發 -> 玎's last byte: another character */
    nb = gw_index_source_term(s.data, s.len, b, sizeof b);
    ck_assert_uint_eq(nb, na);
    ck_assert_str_ne(a, b);
    gw_buf_free(&s);
}
END_TEST

START_TEST(test_source_split)
{
    size_t kl, ll;
    const char *v = "全国融媒体中心\x1f全國融媒體中心";
    const char *l = gw_index_source_split(v, strlen(v), &kl, &ll);
    ck_assert_uint_eq(kl, strlen("全国融媒体中心"));
    ck_assert_uint_eq(ll, strlen("全國融媒體中心"));
    ck_assert(memcmp(l, "全國融媒體中心", ll) == 0);
    l = gw_index_source_split("旧值", strlen("旧值"), &kl, &ll); /* no separator */
    ck_assert_uint_eq(kl, strlen("旧值"));
    ck_assert_uint_eq(ll, kl);
    ck_assert_str_eq(l, "旧值");
}
END_TEST

/* ---- 5. stored data parser --------------------------------------------------------- */

START_TEST(test_stored_parse_errors)
{
    gw_stored s;
    gw_err err;
    static const char *bad[] = {"", "not json", "[1,2]", "{\"title\":", "\"x\""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(gw_stored_parse(bad[i], strlen(bad[i]), &s, &err), GW_ECORRUPT);
        ck_assert_ptr_null(s.text);
        gw_stored_free(&s);
    }
    /* Missing or non-string fields read as ""; a "text" in the data (layout 2 kept the
     * text there) is not the text: the text is the slot's (gw_stored_load). */
    const char *ok = "{\"title\":3,\"source\":\"s\",\"text\":\"t\"}";
    ck_assert_int_eq(gw_stored_parse(ok, strlen(ok), &s, &err), GW_OK);
    ck_assert_str_eq(s.title, "");
    ck_assert_str_eq(s.path, "");
    ck_assert_str_eq(s.source, "s");
    ck_assert_str_eq(s.text, "");
    gw_stored_free(&s);
    ck_assert_int_eq(gw_stored_parse(NULL, 0, &s, &err), GW_EINVAL);
}
END_TEST

/* ---- 6. near-duplicate key --------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    gw_buf b = {0};
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gw_buf_append(&b, tmp, n);
    fclose(f);
    return gw_buf_steal(&b, len);
}

static void key_of(const char *s, size_t len, char out[17])
{
    gw_norm_text t = {0};
    gw_norm_run(s, len, 0, &t);
    gw_index_dupkey(&t, out);
    gw_norm_text_free(&t);
}

START_TEST(test_dupkey)
{
    size_t n2, n4;
    char *s2 = read_file("corpus/002_2994eda826c22957.txt", &n2);
    char *s4 = read_file("corpus/004_3e7bccd1fa082b11.txt", &n4);
    char k2[17], k2b[17], k2c[17], k4[17];
    key_of(s2, n2, k2);
    key_of(s4, n4, k4);
    ck_assert_uint_eq(strlen(k2), 16);
    ck_assert_str_ne(k2, k4);
    /* A repost: a decorated first line, different spacing and punctuation, full width. */
    gw_buf b = {0};
    gw_buf_puts(&b, "【转载】\n\n");
    for (size_t i = 0; i < n2; i++) {
        if (s2[i] == '\n')
            gw_buf_puts(&b, "\n\n  ");
        else
            gw_buf_putc(&b, s2[i]);
    }
    gw_buf_puts(&b, "\n（完）");
    key_of(b.data, b.len, k2b);
    ck_assert_str_eq(k2, k2b);
    /* The same report in Traditional script (T->S folds it back). */
    gw_buf_reset(&b);
    gw_buf_puts(&b, "發展");
    key_of("发展", strlen("发展"), k2c);
    char k[17];
    key_of(b.data, b.len, k);
    ck_assert_str_eq(k, k2c);
    /* Separators don't count; an empty body has no key. */
    key_of("发 展", strlen("发 展"), k);
    ck_assert_str_eq(k, k2c);
    key_of("", 0, k);
    ck_assert_str_eq(k, "");
    key_of(" ，。\n", strlen(" ，。\n"), k);
    ck_assert_str_eq(k, "");
    gw_index_dupkey(NULL, k);
    ck_assert_str_eq(k, "");
    gw_buf_free(&b);
    free(s2);
    free(s4);
}
END_TEST

/* A big document (every seed, repeated to ~4 MB, as one text): builds, and its stored
 * text comes back whole. */
START_TEST(test_big_doc)
{
    static const char *seeds[] = {
        "corpus/000_189274416b8a826d.txt", "corpus/001_644562c8775a6dbf.txt",
        "corpus/002_2994eda826c22957.txt", "corpus/003_58fd5961e537d1e9.txt",
        "corpus/004_3e7bccd1fa082b11.txt"};
    gw_buf b = {0};
    while (b.len < 4000000) {
        for (size_t i = 0; i < 5; i++) {
            size_t n;
            char *s = read_file(seeds[i], &n);
            gw_buf_append(&b, s, n);
            free(s);
        }
    }
    gw_doc d = make_doc(b.data, "標題", "2023-09-18", "", "", "UTF-8");
    d.len = b.len;
    gw_xdoc *x = gw_xdoc_new();
    gw_err err;
    ck_assert_int_eq(gw_index_build(&d, NULL, x, &err), GW_OK);
    ck_assert_uint_gt(gw_xdoc_term_count(x), 1000);
    gw_stored st;
    ck_assert_int_eq(gw_stored_load(x, &st, &err), GW_OK);
    ck_assert_uint_eq(st.text_len, b.len);
    ck_assert(memcmp(st.text, b.data, b.len) == 0);
    ck_assert_str_eq(st.path, "");
    gw_stored_free(&st);
    gw_xdoc_free(x);
    gw_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("db");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_terms, 0, sizeof terms / sizeof *terms);
    tcase_add_test(tc, test_phrases);
    tcase_add_test(tc, test_values_data);
    tcase_add_test(tc, test_parts);
    tcase_add_test(tc, test_empty_doc);
    tcase_add_test(tc, test_hostile_text);
    tcase_add_test(tc, test_stored_text_damaged);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("pure");
    tcase_set_timeout(tp, 120);
    tcase_add_test(tp, test_uid);
    tcase_add_loop_test(tp, test_source_key, 0, sizeof source_keys / sizeof *source_keys);
    tcase_add_test(tp, test_source_term);
    tcase_add_test(tp, test_source_split);
    tcase_add_test(tp, test_stored_parse_errors);
    tcase_add_test(tp, test_dupkey);
    tcase_add_test(tp, test_big_doc);
    suite_add_tcase(s, tp);
    return s;
}

int main(void)
{
    gw_norm_init(NULL);
    return gw_test_run(suite());
}
