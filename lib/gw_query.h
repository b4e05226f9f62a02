/* gw_query.h: the query language (docs/query-syntax.md) -> a parsed query -> a Xapian query,
 * plus the exact matcher that defines what a phrase means.
 *
 * Syntax: "…" exact phrase (also “…” and ＂…＂; a phrase ends at the quote that matches
 * its opening one, so "新”为" is one phrase containing ”); unquoted text: separators and spaces
 * split it, Han runs are cut into dictionary words by friso (on the NORMALIZED text), each
 * word required as an exact phrase, nearness rewarded; space = AND; OR (or |); -word;
 * parentheses; title:… source:… docno:… (a word or a quoted phrase); date:A..B with A, B
 * as YYYY, YYYY-MM or YYYY-MM-DD, either end may be left open; date:D (one day, month or
 * year); year:2023 or year:2020..2023. Pinyin annotations (發(fā)展) are removed as in
 * documents. Malformed syntax (unbalanced quote or parenthesis, dangling OR, unknown or bad
 * field) degrades to plain text and is noted in the explanation.
 *
 * Exactness: every phrase's terms come from gw_norm_run + gw_token_run, exactly as for
 * documents: positional tokens (bigrams, edge unigrams, words), one per position, as
 * OP_PHRASE. A phrase containing a separator (punctuation, space) or a lone Han character
 * between separators cannot be expressed exactly by positions (the index keeps only a
 * gap): such a query is marked `verify` and the caller must check each candidate with
 * gw_query_verify on the stored text (gw_search does). gw_query_find is the definition of
 * a match: the normalized phrase as a substring of the normalized text, and where the
 * phrase begins or ends with a letter/digit (gw_norm_is_word) that edge must also be the
 * edge of the letter/digit run in the text.
 *
 * Thread-safety: gw_query_parse is reentrant (friso's dictionary is loaded once per
 * process, on first use, behind pthread_once); a gw_query is read-only after parsing and
 * may be shared. */
#ifndef GW_QUERY_H
#define GW_QUERY_H

#include "gw_err.h"
#include "gw_norm.h"
#include "gw_xapian.h"

#include <stddef.h>
#include <stdint.h>

#define GW_QUERY_MAX_BYTES_DEFAULT 1000
/* Nesting deeper than this is flattened into text (hostile input). */
#define GW_QUERY_MAX_DEPTH 32

typedef struct gw_query gw_query;

enum gw_qfield { GW_QF_BODY = 0, GW_QF_TITLE, GW_QF_SOURCE, GW_QF_DOCNO };

/* Where friso's dictionary is (the folder of friso.lex.ini) unless the caller names
 * another: Debian's friso-dict. */
#define GW_QUERY_DICT_DEFAULT "/usr/share/friso/dict/UTF-8"

/* Loads friso's dictionary from dict_dir (NULL or "": GW_QUERY_DICT_DEFAULT) now (~0.2 s)
 * instead of at the first query that needs it. The dictionary is loaded once per process:
 * a folder named after the first load (or after the first query, which loads the
 * default) is ignored. Thread-safe; returns 1 if the dictionary is available, 0 if not
 * (queries then keep each Han run as one word: stricter, still exact). */
int gw_query_init(const char *dict_dir);

/* Parses q[0..len) (need not be NUL-terminated; invalid UTF-8 becomes U+FFFD). max_bytes 0
 * = GW_QUERY_MAX_BYTES_DEFAULT. GW_EINVAL "empty query" when nothing searchable or
 * filterable remains, "query too long (N bytes, limit M)" over max_bytes. Needs
 * gw_norm_init (called here). Caller frees with gw_query_free. */
gw_query *gw_query_parse(const char *q, size_t len, size_t max_bytes, gw_err *err);
void gw_query_free(gw_query *q);

/* The Xapian query (a superset of the exact matches when gw_query_needs_verify), with the
 * ranking boosts (title, nearness of the words of one unquoted run). Caller frees with
 * gw_xquery_free. Never NULL; a query of filters alone is "all documents" filtered. */
gw_xquery *gw_query_build(const gw_query *q);

/* The same set of documents as gw_query_build, without any weight or ranking boost, in
 * the form that is cheapest to match (a phrase of 4-12 Han characters checks only the
 * bigrams that cover its characters, the rarest one among them, when that provably
 * changes nothing): for counting facets over every match. db (may be NULL: no frequencies)
 * gives the term frequencies that choose the bigrams; the query is for that database.
 * Caller frees with gw_xquery_free. Never NULL. */
gw_xquery *gw_query_build_bool(const gw_query *q, gw_db *db);

/* gw_query_build's matches and weights, cheaper to match: a phrase that has a cover (see
 * gw_query_build_bool) is matched by the cover and weighed by all its terms. db (may be
 * NULL: then exactly gw_query_build) gives the term frequencies. Caller frees. */
gw_xquery *gw_query_build_ranked(const gw_query *q, gw_db *db);

/* The weights of gw_query_build without its matching work, for ranking documents already
 * known to match (the matches of gw_query_build_bool, given to the search as
 * accept_ids): phrases under ANDs become ANDs of their terms (Xapian weighs a phrase as
 * the sum of its terms, so the weights are the same), filters and NOTs are left out;
 * phrases under OR and the title and nearness boosts stay. Alone it matches a superset
 * of the matches. Caller frees. */
gw_xquery *gw_query_build_inset(const gw_query *q);

/* 1 when gw_query_build's query reads positions (a phrase of several terms, the nearness
 * boosts of an unquoted run): then ranking inside the known matches saves work. */
int gw_query_is_positional(const gw_query *q);

/* 1 when candidates must be checked with gw_query_verify. */
int gw_query_needs_verify(const gw_query *q);

/* The fields of one document as normalized text, for gw_query_verify. */
typedef struct gw_query_doc {
    const gw_norm_text *body, *title, *source, *docno; /* NULL = empty */
    const char *date;       /* "YYYYMMDD" or "" */
} gw_query_doc;

/* Evaluates the whole query exactly on one document: 1 matches, 0 not. */
int gw_query_verify(const gw_query *q, const gw_query_doc *d);

/* The positive phrases of the query (for highlighting): n patterns of normalized code
 * points (borrowed, valid while q lives). field says where each applies. */
size_t gw_query_patterns(const gw_query *q, const uint32_t *const **pats, const size_t **lens,
                         const int **fields);

/* The query of positive part i (0 <= i < gw_query_patterns' count, same order) alone,
 * without boosts: for explanations ("this word alone matches N documents"). A part that
 * needs checking against the text gives its superset. Caller frees. */
gw_xquery *gw_query_part_query(const gw_query *q, size_t i);

/* First match of pat[0..m) in text[0..n) at or after `from`, with the letter/digit edge
 * rule above; returns its start, or (size_t)-1. m == 0 never matches. */
size_t gw_query_find(const uint32_t *pat, size_t m, const uint32_t *text, size_t n,
                     size_t from);

/* The normalized query text (as parsed, with operators), borrowed. */
const char *gw_query_normalized(const gw_query *q);

/* Explanation: human-readable lines / a JSON object text. Caller frees. xq (may be NULL)
 * adds Xapian's description of the built query. */
char *gw_query_explain(const gw_query *q, const gw_xquery *xq);
char *gw_query_explain_json(const gw_query *q, const gw_xquery *xq);
/* The same as a new jansson object (caller json_decref()s), for embedding. */
struct json_t *gw_query_explain_object(const gw_query *q, const gw_xquery *xq);

/* Removes pinyin annotations (a Han character, then "(" or "（", 1-7 Latin letters with at
 * least one tone mark, then ")" or "）") from s[0..len) into a malloc'ed NUL-terminated
 * string (caller frees); *count receives the number removed. It is gw_clean_pinyin, the
 * documents' own rule. */
char *gw_query_strip_pinyin(const char *s, size_t len, size_t *out_len, size_t *count);

#endif
