/* gw_segment.h: dictionary segmentation of Han runs (friso), for the words of a query.
 *
 * Only queries are segmented: documents are indexed as overlapping character pairs, so a
 * document's recall never depends on how it would have been cut (docs/query-syntax.md).
 * The dictionary is loaded once per process (~0.15 s, ~20 MB), from the folder named by
 * the first gw_segment_init, or from GW_SEGMENT_DICT_DEFAULT at the first segmentation
 * when nothing was named; it is read-only afterwards.
 *
 * Without a dictionary every Han run stays one word: stricter, still exact.
 * Thread-safe: the load runs behind pthread_once, each segmentation has its own task. */
#ifndef GW_SEGMENT_H
#define GW_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

/* Where friso's dictionary (the folder of friso.lex.ini) is unless the caller names
 * another: Debian's friso-dict. */
#define GW_SEGMENT_DICT_DEFAULT "/usr/share/friso/dict/UTF-8"

/* Loads the dictionary from dict_dir (NULL or "": GW_SEGMENT_DICT_DEFAULT) now instead of
 * at the first segmentation. A folder named after the first load is ignored. Returns 1 if
 * the dictionary is available, 0 if not. */
int gw_segment_init(const char *dict_dir);

/* Cuts the Han run cp[0..n) into dictionary words: writes cut[0..n), 1 where a word
 * starts (cut[0] = 1 when n > 0), 0 elsewhere. One word when there is no dictionary or
 * friso says something that does not fit the run. Allocates only for the call. */
void gw_segment_han(const uint32_t *cp, size_t n, unsigned char *cut);

#endif
