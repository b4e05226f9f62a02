/* gw_config.h: Gongwen's configuration (conf/gongwen.conf, INI parsed with inih).
 *
 * Every key has a default (gw_config_new) documented in conf/gongwen.conf; a file read with
 * gw_config_load overrides them; command-line options override the file through
 * gw_config_set (same section/key names: `--set index.batch_size=500`).
 * Lists (roots, include, exclude, listen, trusted_proxies) accumulate when a key is repeated in the file;
 * gw_config_set with a list key appends too (gw_config_clear_list empties it first).
 * Exception: the FIRST assignment of a list key (from a file or gw_config_set) replaces
 * the built-in default instead of appending to it ("include = *.md" means only *.md);
 * an empty value ("exclude =") empties the list. include/exclude/listen/trusted_proxies values may hold
 * several items separated by blanks or commas; a roots value is one path (may contain
 * spaces). Numbers are whole decimal numbers (max_file_size also takes K, M, G
 * suffixes); max_drop is a share 0-1; log_level is error|warn|info|debug.
 * Relative paths (database, roots, rules, canaries) are used as given, i.e. relative to
 * the current directory of the program, not to the file.
 * The struct is plain data: read it directly; do not modify it except through these
 * functions. Not thread-safe while being modified; read-only sharing is fine. */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

#include "gw_err.h"

#include <stddef.h>

typedef struct gw_strlist {
    char **v;
    size_t n;
} gw_strlist;

/* Free disk a full build needs, in times the bytes of its input files: the parts and the
 * merged build side by side at the end of the merge (measured: docs/indexer.md, "Disk
 * space"). */
#define GW_CONFIG_SPACE_RATIO 25.0

typedef struct gw_config {
    /* [index] */
    char *database;            /* database path (default "gongwen.db") */
    gw_strlist roots;          /* document roots (default: none; indexer needs one) */
    gw_strlist include;        /* glob patterns of files to index (default *.txt *.htm
                                  *.html *.text) */
    gw_strlist exclude;        /* glob patterns to skip (default .* *~ *.tmp) */
    size_t batch_size;         /* documents per commit (default 1000) */
    size_t flush_threshold;    /* Xapian flush threshold (default 100) */
    size_t max_file_size;      /* bytes; bigger files are skipped (default 64 MiB) */
    char *rules;               /* extra boilerplate rules file (default "", none) */
    char *canaries;            /* canary queries file for --rebuild ("" = none) */
    double max_drop;           /* --rebuild refuses to switch when the document count
                                  drops by more than this share (default 0.1) */
    int jobs;                  /* indexing processes (default 0 = number of cores) */
    double space_ratio;        /* a full build needs this many times its input bytes of
                                  free disk (default GW_CONFIG_SPACE_RATIO; 0 = no check) */
    double compact_growth;     /* an incremental run compacts the live build once it is
                                  this many times its compacted size (default 1.5; 0 never) */
    double full_share;         /* an incremental run that would read at least this share of
                                  the files does a full build instead (default 0.6; 0 =
                                  never) */
    char *log_level;           /* error, warn, info, debug (default info) */
    /* [searchd] */
    gw_strlist listen;         /* ADDR:PORT (default 127.0.0.1:8080) */
    int threads;               /* worker threads (default 0 = number of cores) */
    size_t max_query_bytes;    /* longer queries are refused with 400 (default 1000) */
    unsigned max_page_size;    /* largest `size` (default 100) */
    unsigned max_offset;       /* deepest result window (default 10000) */
    unsigned conn_timeout;     /* seconds (default 30) */
    unsigned header_timeout;   /* seconds a new connection has to send its first request's
                                  headers; then conn_timeout applies (default 10) */
    unsigned per_ip_connections; /* (default 64) */
    gw_strlist trusted_proxies; /* addresses or CIDR blocks whose X-Forwarded-For /
                                  Forwarded header names the client (default: none) */
    unsigned snippet_chars;    /* snippet budget in characters (default 120) */
    char *access_log;          /* "" = none, "-" = stderr */
    /* [search] (gongwen-searchd and gongwen-search) */
    unsigned time_limit_ms;    /* a search stops looking past it and answers what it found,
                                  flagged timed_out (default 1000; 0 = none) */
    char *dictionary;          /* friso's dictionary folder, for splitting unquoted Chinese
                                  queries into words (default GW_SEGMENT_DICT_DEFAULT) */
    /* private: GW_CONFIG_LIST_* bits of the list keys assigned since gw_config_new */
    unsigned lists_assigned;
} gw_config;

enum {
    GW_CONFIG_LIST_ROOTS = 1,
    GW_CONFIG_LIST_INCLUDE = 2,
    GW_CONFIG_LIST_EXCLUDE = 4,
    GW_CONFIG_LIST_LISTEN = 8,
    GW_CONFIG_LIST_TRUSTED = 16
};

/* Defaults. Never NULL. */
gw_config *gw_config_new(void);
void gw_config_free(gw_config *c);

/* Reads an INI file over the current values. GW_ENOTFOUND if missing; GW_EINVAL with
 * "FILE:LINE: message" for an unknown key or a bad value. */
int gw_config_load(gw_config *c, const char *path, gw_err *err);

/* Sets one key ("index", "batch_size", "500"); GW_EINVAL naming the valid range or keys. */
int gw_config_set(gw_config *c, const char *section, const char *key, const char *value,
                  gw_err *err);
/* Parses "section.key=value" (the command line's --set). */
int gw_config_set_option(gw_config *c, const char *assignment, gw_err *err);
void gw_config_clear_list(gw_strlist *l);

/* log_level as a number: 0 error, 1 warn, 2 info, 3 debug (2 if c is NULL). */
int gw_config_log_level(const gw_config *c);

/* Writes the effective configuration as INI (for --print-config); caller frees. */
char *gw_config_dump(const gw_config *c);

#endif
