/* gw_qtree.h: the parsed query, shared by the modules of the query (internal: only
 * gw_query.c, gw_qparse.c, gw_qbuild.c, gw_qmatch.c and gw_qexplain.c include it; every
 * other module goes through gw_query.h).
 *
 * A tree of nodes: AND, OR and NOT over TEXT (a word or a phrase in one field, with its
 * index terms) and the DATE / YEAR filters. An AND marked `chunk` is the words of one
 * unquoted run (its nearness is rewarded). The parser (gw_qparse) builds it, the query
 * owns it (gw_query_free), and it is read-only afterwards. */
#ifndef GW_QTREE_H
#define GW_QTREE_H

#include "gw_buf.h"
#include "gw_query.h"
#include "gw_qterms.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { GW_QN_AND, GW_QN_OR, GW_QN_NOT, GW_QN_TEXT, GW_QN_DATE, GW_QN_YEAR } gw_qkind;

typedef struct gw_qnode {
    gw_qkind kind;
    int field;              /* enum gw_qfield (TEXT) */
    int quoted;             /* TEXT: typed in quotes */
    int chunk;              /* AND: the words of one unquoted run */
    struct gw_qnode **k;    /* children */
    size_t nk, capk;
    char *raw;              /* TEXT: as typed; AND chunk: the run as typed */
    uint32_t *cp;           /* TEXT / chunk: normalized */
    size_t ncp;
    char *norm;             /* TEXT / chunk: normalized, UTF-8 */
    gw_qterms t;            /* TEXT: the index terms of cp */
    char lo[9], hi[9];      /* DATE: YYYYMMDD, "" = open */
    char year[5];           /* YEAR */
} gw_qnode;

struct gw_query {
    gw_qnode *root;         /* NULL only while parsing */
    char *input;            /* as given (after U+FFFD repair) */
    char *norm;             /* normalized input */
    unsigned fired;         /* gw_norm_fired bits of every part */
    size_t pinyin;          /* annotations removed */
    int verify;             /* some TEXT needs checking against the text */
    int segmented;          /* friso cut at least one run */
    gw_buf notes;           /* "\n"-separated degradations */
    size_t nnotes;
    /* the positive TEXT nodes, in tree order (gw_query_patterns) */
    const uint32_t **pats;
    size_t *plens;
    int *pfields;
    const gw_qnode **pnodes;
    size_t np, capp;
};

#endif
