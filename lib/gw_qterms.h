/* gw_qterms.h: one phrase of a query -> its index terms, exactly as gw_token makes them
 * for documents.
 *
 * The phrase is normalized code points (gw_norm). Its terms come from gw_token_run, so a
 * query and a document agree by construction; of the tokens at one position the query
 * keeps one (bigram > word > edge unigram) and searches them as a phrase. Unigrams (a
 * lone Han character, indexed without position) are kept apart, once each.
 *
 * Exactness: a phrase containing a separator run at its edge or one cut short (long, or
 * at a NUL), a cut word, a gap positions cannot pin down, or a unigram beside other terms
 * cannot be expressed exactly by positions: `verify` is set and each candidate must be
 * checked against the text (gw_qmatch.h).
 *
 * Ownership: gw_qterms_expand fills a caller's struct; gw_qterms_free frees what it
 * filled (not the struct). No state: thread-safe. */
#ifndef GW_QTERMS_H
#define GW_QTERMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_qterm {
    char *term; /* NUL-terminated, without field prefix */
    size_t len;
    uint32_t pos; /* relative position; UINT32_MAX for a unigram without position */
} gw_qterm;

typedef struct gw_qterms {
    gw_qterm *phr;   /* positional terms, one per position, in order */
    size_t nphr;
    gw_qterm *uni;   /* unigrams outside any positional term */
    size_t nuni;
    unsigned window; /* 0 = exact adjacency, else the span they lie in, in order */
    int verify;      /* positions cannot express the phrase exactly */
} gw_qterms;

/* Fills *out with the terms of cp[0..n). Returns 1, or 0 when the phrase holds nothing
 * searchable (then *out is still valid and empty of terms, free it all the same). */
int gw_qterms_expand(const uint32_t *cp, size_t n, gw_qterms *out);

/* Frees the terms (not t itself); t == NULL or an all-zero struct does nothing. */
void gw_qterms_free(gw_qterms *t);

#endif
