/* Unit tests of gw_config: defaults, files, --set, errors that name what is valid. */
#include "gw_config.h"

#include "test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static char *write_file(const char *name, const char *content)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
    return path;
}

static void setup(void)
{
    strcpy(tmpdir, "/tmp/gw-config-test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpdir);
}

START_TEST(defaults)
{
    gw_config *c = gw_config_new();
    ck_assert_str_eq(c->database, "gongwen.db");
    ck_assert_uint_eq(c->roots.n, 0);
    ck_assert_uint_eq(c->include.n, 4);
    ck_assert_str_eq(c->include.v[0], "*.txt");
    ck_assert_uint_eq(c->exclude.n, 3);
    ck_assert_uint_eq(c->batch_size, 1000);
    ck_assert_uint_eq(c->flush_threshold, 100);
    ck_assert_uint_eq(c->max_file_size, 64u << 20);
    ck_assert_str_eq(c->rules, "");
    ck_assert_str_eq(c->canaries, "");
    ck_assert(c->max_drop > 0.099 && c->max_drop < 0.101);
    ck_assert_int_eq(c->jobs, 0);
    ck_assert_str_eq(c->log_level, "info");
    ck_assert_uint_eq(c->listen.n, 1);
    ck_assert_str_eq(c->listen.v[0], "127.0.0.1:8080");
    ck_assert_int_eq(c->threads, 0);
    ck_assert_uint_eq(c->max_query_bytes, 1000);
    ck_assert_uint_eq(c->max_page_size, 100);
    ck_assert_uint_eq(c->max_offset, 10000);
    ck_assert_uint_eq(c->conn_timeout, 30);
    ck_assert_uint_eq(c->per_ip_connections, 64);
    ck_assert_uint_eq(c->snippet_chars, 120);
    ck_assert_str_eq(c->access_log, "");
    gw_config_free(c);
    gw_config_free(NULL);
}
END_TEST

START_TEST(load_file)
{
    const char *p = write_file("a.conf",
                               "; comment\n"
                               "# another\n"
                               "[index]\n"
                               "database = /srv/gw.db\n"
                               "roots = /data/reports 2023\n"
                               "roots = /data/speeches\n"
                               "include = *.md, *.txt\n"
                               "exclude =\n"
                               "batch_size = 500\n"
                               "max_file_size = 8M\n"
                               "max_drop = 0.25\n"
                               "log_level = DEBUG\n"
                               "[searchd]\n"
                               "listen = 127.0.0.1:9000 [::1]:9000\n"
                               "threads = 4\n"
                               "access_log = -\n");
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_load(c, p, &e), GW_OK);
    ck_assert_str_eq(c->database, "/srv/gw.db");
    ck_assert_uint_eq(c->roots.n, 2);
    ck_assert_str_eq(c->roots.v[0], "/data/reports 2023");
    ck_assert_str_eq(c->roots.v[1], "/data/speeches");
    ck_assert_uint_eq(c->include.n, 2);
    ck_assert_str_eq(c->include.v[0], "*.md");
    ck_assert_str_eq(c->include.v[1], "*.txt");
    ck_assert_uint_eq(c->exclude.n, 0);
    ck_assert_uint_eq(c->batch_size, 500);
    ck_assert_uint_eq(c->max_file_size, 8u << 20);
    ck_assert(c->max_drop > 0.249 && c->max_drop < 0.251);
    ck_assert_str_eq(c->log_level, "debug");
    ck_assert_uint_eq(c->listen.n, 2);
    ck_assert_str_eq(c->listen.v[1], "[::1]:9000");
    ck_assert_int_eq(c->threads, 4);
    ck_assert_str_eq(c->access_log, "-");
    /* --set on a list appends after the file's values */
    ck_assert_int_eq(gw_config_set_option(c, "index.include=*.htm", &e), GW_OK);
    ck_assert_uint_eq(c->include.n, 3);
    gw_config_free(c);
}
END_TEST

START_TEST(unknown_key_names_line_and_valid_keys)
{
    const char *p = write_file("b.conf", "[index]\nbatch_size = 10\n\nbatchsize = 5\n");
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_load(c, p, &e), GW_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "b.conf:4: unknown key 'batchsize' in [index]"));
    ck_assert_ptr_nonnull(strstr(e.msg, "valid keys: database, roots"));
    ck_assert_ptr_nonnull(strstr(e.msg, "batch_size"));
    gw_config_free(c);
}
END_TEST

START_TEST(unknown_section)
{
    const char *p = write_file("c.conf", "[indexer]\ndatabase = x\n");
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_load(c, p, &e), GW_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "c.conf:2: unknown section [indexer]"));
    gw_config_free(c);
}
END_TEST

START_TEST(syntax_error)
{
    const char *p = write_file("d.conf", "[index]\nthis line has no equals sign\n");
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_load(c, p, &e), GW_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "d.conf:2: syntax error"));
    gw_config_free(c);
}
END_TEST

START_TEST(missing_file)
{
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_load(c, "/nonexistent/gongwen.conf", &e), GW_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/gongwen.conf"));
    gw_config_free(c);
}
END_TEST

/* Numbered table of bad values: each must fail with a message naming the range. */
static const struct {
    const char *section, *key, *value, *want;
} bad[] = {
    /* 0 */ {"index", "batch_size", "0", "expected a whole number 1-1000000"},
    /* 1 */ {"index", "batch_size", "-5", "expected a whole number 1-1000000"},
    /* 2 */ {"index", "batch_size", "12abc", "expected a whole number"},
    /* 3 */ {"index", "batch_size", "", "expected a whole number"},
    /* 4 */ {"index", "batch_size", "99999999999999999999999", "expected a whole number"},
    /* 5 */ {"index", "max_drop", "1.5", "expected a number 0-1"},
    /* 6 */ {"index", "max_drop", "abc", "expected a number 0-1"},
    /* 7 */ {"index", "max_file_size", "12Q", "expected a size in bytes"},
    /* 8 */ {"index", "jobs", "1000", "0-256"},
    /* 9 */ {"index", "log_level", "verbose", "error, warn, info, debug"},
    /* 10 */ {"searchd", "max_page_size", "0", "1-10000"},
    /* 11 */ {"searchd", "conn_timeout", "1e3", "1-3600"},
    /* 12 */ {"searchd", "port", "80", "unknown key 'port' in [searchd]; valid keys: listen"},
};

START_TEST(bad_values)
{
    gw_config *c = gw_config_new();
    gw_err e;
    int rc = gw_config_set(c, bad[_i].section, bad[_i].key, bad[_i].value, &e);
    ck_assert_msg(rc == GW_EINVAL, "case %d accepted", _i);
    ck_assert_msg(strstr(e.msg, bad[_i].want) != NULL, "case %d: message '%s'", _i, e.msg);
    /* a refused value leaves the default */
    ck_assert_uint_eq(c->batch_size, 1000);
    gw_config_free(c);
}
END_TEST

START_TEST(set_option_and_suffixes)
{
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_set_option(c, "index.max_file_size=2G", &e), GW_OK);
    ck_assert_uint_eq(c->max_file_size, (size_t)2 << 30);
    ck_assert_int_eq(gw_config_set_option(c, "index.max_file_size=512KiB", &e), GW_OK);
    ck_assert_uint_eq(c->max_file_size, 512u << 10);
    ck_assert_int_eq(gw_config_set_option(c, "searchd.snippet_chars=200", &e), GW_OK);
    ck_assert_uint_eq(c->snippet_chars, 200);
    ck_assert_int_eq(gw_config_set_option(c, "index.canaries=", &e), GW_OK);
    ck_assert_str_eq(c->canaries, "");
    ck_assert_int_eq(gw_config_set_option(c, "batch_size=5", &e), GW_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.msg, "expected section.key=value"));
    ck_assert_int_eq(gw_config_set_option(c, "index.batch_size", &e), GW_EINVAL);
    /* first assignment of a list replaces the default; later ones append */
    ck_assert_int_eq(gw_config_set_option(c, "index.exclude=*.bak", &e), GW_OK);
    ck_assert_int_eq(gw_config_set_option(c, "index.exclude=old/*", &e), GW_OK);
    ck_assert_uint_eq(c->exclude.n, 2);
    ck_assert_str_eq(c->exclude.v[0], "*.bak");
    gw_config_clear_list(&c->exclude);
    ck_assert_uint_eq(c->exclude.n, 0);
    gw_config_clear_list(NULL);
    gw_config_free(c);
}
END_TEST

START_TEST(log_level_number)
{
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_log_level(c), 2); /* info */
    static const char *const names[] = {"ERROR", "warn", "Info", "debug"};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(gw_config_set(c, "index", "log_level", names[i], &e), GW_OK);
        ck_assert_int_eq(gw_config_log_level(c), i);
    }
    ck_assert_int_eq(gw_config_log_level(NULL), 2);
    gw_config_free(c);
}
END_TEST

START_TEST(dump_roundtrip)
{
    gw_config *c = gw_config_new();
    gw_err e;
    ck_assert_int_eq(gw_config_set_option(c, "index.roots=/a b", &e), GW_OK);
    ck_assert_int_eq(gw_config_set_option(c, "index.roots=/c", &e), GW_OK);
    ck_assert_int_eq(gw_config_set_option(c, "index.batch_size=77", &e), GW_OK);
    char *d = gw_config_dump(c);
    ck_assert_ptr_nonnull(strstr(d, "[index]\n"));
    ck_assert_ptr_nonnull(strstr(d, "[searchd]\n"));
    const char *p = write_file("dump.conf", d);
    gw_config *c2 = gw_config_new();
    ck_assert_int_eq(gw_config_load(c2, p, &e), GW_OK);
    ck_assert_uint_eq(c2->batch_size, 77);
    ck_assert_uint_eq(c2->roots.n, 2);
    ck_assert_str_eq(c2->roots.v[0], "/a b");
    ck_assert_uint_eq(c2->include.n, 4);
    ck_assert_uint_eq(c2->exclude.n, 3);
    char *d2 = gw_config_dump(c2);
    ck_assert_str_eq(d, d2);
    free(d);
    free(d2);
    gw_config_free(c);
    gw_config_free(c2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, load_file);
    tcase_add_test(tc, unknown_key_names_line_and_valid_keys);
    tcase_add_test(tc, unknown_section);
    tcase_add_test(tc, syntax_error);
    tcase_add_test(tc, missing_file);
    tcase_add_loop_test(tc, bad_values, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, set_option_and_suffixes);
    tcase_add_test(tc, log_level_number);
    tcase_add_test(tc, dump_roundtrip);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
