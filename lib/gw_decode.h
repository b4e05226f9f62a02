/* gw_decode.h: bytes of any supported encoding -> valid UTF-8.
 *
 * Supported: UTF-8 (with or without BOM), GB18030 (also GBK/GB2312, which it contains),
 * Big5 (decoded as BIG5-HKSCS so the HKSCS/CP950 extensions survive), UTF-16LE/BE with a
 * BOM. Detection order: BOM; strict UTF-8 validity; the caller's hint (e.g. an HTML
 * <meta charset>); uchardet on the head of the file.
 *
 * After gw_decode everything is valid UTF-8: invalid sequences become U+FFFD and are
 * counted; a file is never rejected for a few bad bytes. A binary file (NUL bytes in the
 * head, or mostly undecodable) fails with GW_EBINARY. The output never contains NUL. */
#ifndef GW_DECODE_H
#define GW_DECODE_H

#include "gw_err.h"

#include <stddef.h>

typedef struct gw_decoded {
    char *text;            /* valid UTF-8, NUL-terminated; owned, free with gw_decoded_free */
    size_t len;            /* bytes, excluding the NUL */
    char encoding[32];     /* what the input was decoded as: "UTF-8", "GB18030", ... */
    int had_bom;
    size_t replacements;   /* invalid input sequences replaced by U+FFFD */
} gw_decoded;

/* Decodes bytes[0..len). hint may be NULL; an unknown hint is ignored. On success fills
 * *out (caller frees with gw_decoded_free) and returns GW_OK. An empty input decodes to
 * an empty text. Fails with GW_EBINARY (binary content) or GW_EINVAL. */
int gw_decode(const char *bytes, size_t len, const char *hint, gw_decoded *out, gw_err *err);

void gw_decoded_free(gw_decoded *d);

#endif
