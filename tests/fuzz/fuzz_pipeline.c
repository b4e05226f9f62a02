/* libFuzzer target: arbitrary bytes -> gw_doc_parse (decode, HTML, clean, metadata) ->
 * gw_norm_run -> gw_token_run -> gw_index_build, plus gw_norm/gw_token directly on the raw
 * bytes (invalid UTF-8 included). Besides crashes and sanitizer reports, it checks the
 * invariants the rest of Gongwen relies on, and abort()s when one breaks:
 *   - every normalized character's span lies inside the text, spans never go backwards;
 *   - every token's term is valid UTF-8 of 1..GW_TOKEN_MAX_WORD bytes, positions never
 *     go backwards, spans lie inside the text;
 *   - the stored data and text of the built document read back, with the document's text.
 * Seeds: tests/fuzz/fuzz_pipeline/. Run: make fuzz (scripts/fuzz.sh). */
#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_index.h"
#include "gw_norm.h"
#include "gw_token.h"
#include "gw_xapian.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                                         \
    do {                                                                                   \
        if (!(c))                                                                          \
            abort();                                                                       \
    } while (0)

typedef struct tok_check {
    size_t text_len;
    uint32_t last_pos;
} tok_check;

static int on_token(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                    gw_span orig)
{
    tok_check *c = ctx;
    REQUIRE(kind <= GW_TOK_SEP);
    REQUIRE(len >= 1 && len <= GW_TOKEN_MAX_WORD);
    REQUIRE(gw_utf8_valid(term, len));
    REQUIRE(pos >= c->last_pos);
    REQUIRE(orig.off + orig.len <= c->text_len);
    c->last_pos = pos;
    return 0;
}

static void norm_and_tokenize(const char *s, size_t len, gw_norm_text *t)
{
    gw_norm_run(s, len, 0, t);
    size_t last = 0;
    for (size_t i = 0; i < t->n; i++) {
        REQUIRE(t->orig[i].off >= last);
        REQUIRE(t->orig[i].len >= 1 && t->orig[i].off + t->orig[i].len <= len);
        last = t->orig[i].off;
    }
    tok_check c = {len, 1};
    uint32_t next = 0;
    REQUIRE(gw_token_run(t, 1, on_token, &c, &next) == 0);
    REQUIRE(next >= c.last_pos);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        gw_norm_init(NULL);
        ready = 1;
    }
    const char *bytes = (const char *)data;
    gw_norm_text t = {0};

    /* Raw bytes straight into normalization: must not crash on invalid UTF-8. */
    norm_and_tokenize(bytes, size, &t);

    /* The whole pipeline. The first byte picks the file name (HTML by extension or not). */
    static const char *const names[] = {NULL, "a.txt", "a.html", "b.htm"};
    const char *name = names[size ? data[0] % 4 : 0];
    gw_doc d;
    gw_err err;
    if (gw_doc_parse(bytes, size, name, NULL, &d, &err) == GW_OK) {
        REQUIRE(d.text != NULL && d.title && d.date && d.source && d.docno);
        REQUIRE(gw_utf8_valid(d.text, d.len));
        norm_and_tokenize(d.text, d.len, &t);
        norm_and_tokenize(d.title, strlen(d.title), &t);

        gw_file_info fi = {"fuzz/input.txt", 0, (long long)size, NULL};
        gw_xdoc *x = gw_xdoc_new();
        REQUIRE(gw_index_build(&d, &fi, x, &err) == GW_OK);
        gw_stored s;
        REQUIRE(gw_stored_load(x, &s, &err) == GW_OK);
        REQUIRE(s.text_len == d.len && memcmp(s.text, d.text, d.len) == 0);
        REQUIRE(strcmp(s.title, d.title) == 0);
        gw_stored_free(&s);
        gw_xdoc_free(x);

        char *json = gw_doc_to_json(&d, "fuzz/input.txt");
        free(json);
        gw_doc_free(&d);
    }
    gw_norm_text_free(&t);
    return 0;
}
