/* libFuzzer target: arbitrary bytes -> gw_doc_parse (decode, HTML, clean, metadata) ->
 * gw_norm_run -> gw_token_run -> gw_index_build -> gw_stored_load, plus gw_norm/gw_token
 * directly on the raw bytes (invalid UTF-8 included). Besides crashes and sanitizer
 * reports, it checks the promises of lib/gw_doc.h, lib/gw_norm.h, lib/gw_token.h and
 * lib/gw_index.h that the rest of Gongwen relies on:
 *   - what gw_doc_parse gives is valid UTF-8 (text, title, date, source, docno, metadata
 *     lines, the --inspect JSON), the text NUL-terminated at len, the date "" or ISO;
 *   - normalization, replayed one original code point at a time (gw_utf8_next_any, then
 *     gw_norm_char): every normalized code point is what gw_norm_char makes of the
 *     original code point its span covers (white space: removed or canonical; Han: or
 *     what a phrase of OpenCC's table writes), spans cover whole code points inside the
 *     text and come in text order, and none is missing or extra; the normalized text is
 *     valid UTF-8 and normalizing it again changes nothing (the fixpoint);
 *   - every token's term is valid UTF-8 of 1..GW_TOKEN_MAX_WORD bytes ("P" + a run for a
 *     separator run, and only then), positions never go backwards, spans lie in the text;
 *   - every stored field of the built document reads back equal to what was written.
 * fuzz_pipeline_check() runs all of it and says which promise broke; the libFuzzer entry
 * prints that and aborts, the regression test (tests/unit/test_fuzz_pipeline.c) asserts
 * it per corpus file. Seeds: tests/fuzz/fuzz_pipeline/. Run: make fuzz (scripts/fuzz.sh). */
#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_index.h"
#include "gw_norm.h"
#include "gw_token.h"
#include "gw_xapian.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_t2s_phrases.h" /* generated (lib/gen_t2s_phrases.sh): what a phrase may write */

/* Which promise broke, and where: a fixed buffer, nothing to free. */
typedef struct fuzz_why {
    char msg[512];
} fuzz_why;

static int broke(fuzz_why *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Returns -1 from the enclosing function, w saying why, when c does not hold. */
#define REQUIRE(w, c, ...)                                                                 \
    do {                                                                                   \
        if (!(c))                                                                          \
            return broke((w), __VA_ARGS__);                                                \
    } while (0)

static int check_utf8(fuzz_why *w, const char *what, const char *s, size_t len)
{
    REQUIRE(w, s != NULL, "%s is NULL", what);
    REQUIRE(w, gw_utf8_valid(s, len), "%s (%zu bytes) is not valid UTF-8", what, len);
    return 0;
}

/* A C string: not NULL, valid UTF-8. */
static int check_str(fuzz_why *w, const char *what, const char *s)
{
    return check_utf8(w, what, s, s ? strlen(s) : 0);
}

/* White space as gw_norm's rules see it (Unicode White_Space). */
static int is_ws(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 ||
           c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* c is written by some phrase of OpenCC's table (a phrase may keep 乾 where the
 * character table says 干). */
static int in_phrase_value(uint32_t c)
{
    for (size_t i = 0; i < GW_T2S_PHRASE_COUNT; i++) {
        const uint32_t *v = gw_t2s_phrase_cp + gw_t2s_phrase_ent[i][0] + gw_t2s_phrase_ent[i][1];
        for (size_t j = 0; j < gw_t2s_phrase_ent[i][1]; j++)
            if (v[j] == c)
                return 1;
    }
    return 0;
}

/* t must be the normalization of s[0..len) (base 0): replays it code point by code
 * point. Where gw_norm_char gives white space, the text holds nothing, or one of the
 * canonical forms " " and "\n\n" (at most two code points) with that original's span;
 * elsewhere exactly what gw_norm_char gives, except a Han code point that a phrase of
 * OpenCC's table wrote. */
static int check_norm(fuzz_why *w, const char *what, const char *s, size_t len,
                      const gw_norm_text *t)
{
    size_t j = 0; /* next entry of t */
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = gw_utf8_next_any(s + i, len - i, &c);
        uint32_t want[GW_NORM_MAX];
        unsigned fired = 0;
        size_t m = gw_norm_char(c, want, &fired), used_ws = 0;
        for (size_t x = 0; x < m; x++) {
            if (is_ws(want[x])) {
                while (j < t->n && used_ws < 2 && t->orig[j].off == i && t->orig[j].len == k &&
                       (t->cp[j] == ' ' || t->cp[j] == '\n')) {
                    j++;
                    used_ws++;
                }
                continue;
            }
            REQUIRE(w, j < t->n,
                    "%s: U+%04X at byte %zu gives %zu code points, the normalized text ends "
                    "after %zu",
                    what, (unsigned)c, i, m, t->n);
            REQUIRE(w, t->orig[j].off == i && t->orig[j].len == k,
                    "%s: normalized code point %zu (U+%04X) points to bytes [%zu, +%zu), "
                    "the original code point U+%04X it comes from is at [%zu, +%zu) "
                    "(text of %zu bytes)",
                    what, j, (unsigned)t->cp[j], t->orig[j].off, t->orig[j].len, (unsigned)c,
                    i, k, len);
            REQUIRE(w,
                    t->cp[j] == want[x] ||
                        (gw_norm_is_han(want[x]) && in_phrase_value(t->cp[j])),
                    "%s: normalized code point %zu is U+%04X, gw_norm_char(U+%04X)[%zu] is "
                    "U+%04X",
                    what, j, (unsigned)t->cp[j], (unsigned)c, x, (unsigned)want[x]);
            j++;
        }
        i += k;
    }
    REQUIRE(w, j == t->n, "%s: %zu normalized code points, the original gives %zu", what,
            t->n, j);

    size_t nlen;
    char *n = gw_norm_to_utf8(t, &nlen);
    int rc = check_utf8(w, what, n, nlen);
    if (rc == 0) {
        size_t n2len;
        char *n2 = gw_norm_string(n, nlen, &n2len);
        if (n2len != nlen || memcmp(n, n2, nlen) != 0)
            rc = broke(w, "%s: normalizing the normalized text (%zu bytes) changes it (%zu "
                          "bytes): not a fixpoint",
                       what, nlen, n2len);
        free(n2);
    }
    free(n);
    return rc;
}

typedef struct tok_check {
    fuzz_why *w;
    const char *what;
    size_t text_len;
    uint32_t last_pos;
} tok_check;

static int on_token(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                    gw_span orig)
{
    tok_check *c = ctx;
    fuzz_why *w = c->w;
    REQUIRE(w, kind <= GW_TOK_SEP, "%s: token kind %d", c->what, (int)kind);
    REQUIRE(w, len >= 1 && len <= GW_TOKEN_MAX_WORD, "%s: a term of %zu bytes at position %u",
            c->what, len, (unsigned)pos);
    REQUIRE(w, gw_utf8_valid(term, len), "%s: the term at position %u is not valid UTF-8",
            c->what, (unsigned)pos);
    REQUIRE(w, (kind == GW_TOK_SEP) == (term[0] == GW_TOKEN_SEP_MARK),
            "%s: a term of kind %d at position %u starts with '%c'", c->what, (int)kind,
            (unsigned)pos, term[0]);
    REQUIRE(w, pos >= c->last_pos, "%s: position %u after %u", c->what, (unsigned)pos,
            (unsigned)c->last_pos);
    REQUIRE(w, orig.len >= 1 && orig.off + orig.len <= c->text_len,
            "%s: the token at position %u spans [%zu, +%zu) of a text of %zu bytes", c->what,
            (unsigned)pos, orig.off, orig.len, c->text_len);
    c->last_pos = pos;
    return 0;
}

/* Normalizes s into *t (reused) and tokenizes it, checking both. */
static int check_text(fuzz_why *w, const char *what, const char *s, size_t len,
                      gw_norm_text *t)
{
    gw_norm_run(s, len, 0, t);
    if (check_norm(w, what, s, len, t))
        return -1;
    tok_check c = {w, what, len, 1};
    uint32_t next = 0;
    int rc = gw_token_run(t, 1, on_token, &c, &next);
    if (rc)
        return rc;
    REQUIRE(w, next >= c.last_pos, "%s: next position %u before the last used, %u", what,
            (unsigned)next, (unsigned)c.last_pos);
    return 0;
}

/* The fields of a parsed document (gw_doc.h). */
static int check_doc(fuzz_why *w, const gw_doc *d)
{
    REQUIRE(w, d->text != NULL && d->text[d->len] == '\0',
            "the text is NULL or not NUL-terminated at len %zu", d->len);
    if (check_utf8(w, "text", d->text, d->len) || check_str(w, "title", d->title) ||
        check_str(w, "date", d->date) || check_str(w, "source", d->source) ||
        check_str(w, "docno", d->docno) || check_str(w, "metadata lines", d->meta_lines))
        return -1;
    /* the chrome: NUL-terminated at its length, valid UTF-8, one kind per line */
    REQUIRE(w, d->chrome != NULL && d->chrome[d->chrome_len] == '\0' && d->chrome_kinds,
            "the chrome is NULL or not NUL-terminated at chrome_len %zu", d->chrome_len);
    if (check_utf8(w, "chrome", d->chrome, d->chrome_len)) return -1;
    size_t lines = 0;
    for (size_t i = 0; i < d->chrome_len; i++) lines += d->chrome[i] == '\n';
    REQUIRE(w, strlen(d->chrome_kinds) == lines && strspn(d->chrome_kinds, "bmt") == lines,
            "%zu chrome lines, kinds \"%s\"", lines, d->chrome_kinds);
    const char *t = d->date;
    size_t tl = strlen(t);
    REQUIRE(w,
            tl == 0 || (tl == 10 && t[4] == '-' && t[7] == '-' &&
                        strspn(t, "0123456789") == 4 && strspn(t + 5, "0123456789") == 2 &&
                        strspn(t + 8, "0123456789") == 2),
            "the date \"%s\" is neither \"\" nor YYYY-MM-DD", t);
    REQUIRE(w, strnlen(d->encoding, sizeof d->encoding) < sizeof d->encoding,
            "the encoding name is not NUL-terminated");
    return 0;
}

static int same_field(fuzz_why *w, const char *what, const char *stored, const char *written)
{
    REQUIRE(w, stored != NULL && strcmp(stored, written) == 0,
            "stored %s \"%.100s\" reads back as \"%.100s\"", what, written,
            stored ? stored : "(NULL)");
    return 0;
}

/* What gw_stored_load read back from the document built for d and fi. */
static int check_stored(fuzz_why *w, const gw_doc *d, const gw_file_info *fi,
                        const gw_stored *s)
{
    REQUIRE(w, s->text != NULL && s->text_len == d->len && memcmp(s->text, d->text, d->len) == 0,
            "the stored text (%zu bytes) reads back as %zu different bytes", d->len,
            s->text_len);
    if (same_field(w, "path", s->path, fi->relpath) ||
        same_field(w, "title", s->title, d->title) || same_field(w, "date", s->date, d->date) ||
        same_field(w, "source", s->source, d->source) ||
        same_field(w, "docno", s->docno, d->docno) ||
        same_field(w, "encoding", s->encoding, d->encoding))
        return -1;
    return 0;
}

/* The whole pipeline on data[0..size): 0 when every promise holds, else -1 with w
 * saying which broke. */
static int fuzz_pipeline_check(const uint8_t *data, size_t size, fuzz_why *w)
{
    w->msg[0] = '\0';
    gw_norm_init(NULL);
    const char *bytes = (const char *)data;
    gw_norm_text t = {0};
    int rc;

    /* Raw bytes straight into normalization: invalid UTF-8 is read safely. */
    if ((rc = check_text(w, "raw bytes", bytes, size, &t)) != 0)
        goto out;

    /* The whole pipeline. The first byte picks the file name (HTML by extension or not). */
    static const char *const names[] = {NULL, "a.txt", "a.html", "b.htm"};
    const char *name = names[size ? data[0] % 4 : 0];
    gw_doc d;
    gw_err err;
    if (gw_doc_parse(bytes, size, name, NULL, &d, &err) != GW_OK)
        goto out; /* binary input: nothing to check but that it did not crash */
    if ((rc = check_doc(w, &d)) != 0 || (rc = check_text(w, "text", d.text, d.len, &t)) != 0 ||
        (rc = check_text(w, "title", d.title, strlen(d.title), &t)) != 0 ||
        (rc = check_text(w, "source", d.source, strlen(d.source), &t)) != 0 ||
        (rc = check_text(w, "docno", d.docno, strlen(d.docno), &t)) != 0)
        goto doc_out;

    gw_file_info fi = {"fuzz/input.txt", 0, (long long)size, NULL};
    gw_xdoc *x = gw_xdoc_new();
    if (gw_index_build(&d, &fi, x, &err) != GW_OK) {
        rc = broke(w, "gw_index_build: %s", err.msg);
    } else {
        gw_stored s;
        if (gw_stored_load(x, &s, &err) != GW_OK) {
            rc = broke(w, "gw_stored_load: %s", err.msg);
        } else {
            rc = check_stored(w, &d, &fi, &s);
            gw_stored_free(&s);
        }
    }
    gw_xdoc_free(x);
    if (rc == 0) {
        char *json = gw_doc_to_json(&d, fi.relpath);
        rc = check_utf8(w, "the --inspect JSON", json, json ? strlen(json) : 0);
        free(json);
    }
doc_out:
    gw_doc_free(&d);
out:
    gw_norm_text_free(&t);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_why w;
    if (fuzz_pipeline_check(data, size, &w) != 0) {
        fprintf(stderr, "fuzz_pipeline: %s\n", w.msg);
        abort();
    }
    return 0;
}
