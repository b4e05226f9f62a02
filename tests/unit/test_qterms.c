/* Unit tests of gw_qterms: a phrase's index terms (one per position, as gw_token makes
 * them for documents), its window, and when positions cannot express it (verify). */
#include "gw_buf.h"
#include "gw_norm.h"
#include "gw_qterms.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *text;  /* normalized by gw_norm first */
    int found;         /* gw_qterms_expand's return */
    const char *phr;   /* the positional terms, term@pos, space-separated */
    const char *uni;   /* the unigrams */
    unsigned window;
    int verify;
} table[] = {
    /* 0: a Han run is its chain of bigrams */
    {"高质量发展", 1, "高质@1 质量@2 量发@3 发展@4", "", 0, 0},
    /* 1: one character alone is its unigram, without position */
    {"发", 1, "", "发", 0, 0},
    /* 2: a word and the Han character touching it (an edge unigram, positioned) */
    {"2022年", 1, "2022@1 年@2", "", 0, 0},
    {"峰会G20", 1, "峰会@1 会@2 g20@3", "", 0, 0},
    /* 4: a separator run inside is a term at its position; the hole after the bigram
     * before it (量 sits at 2) makes a window, still exact */
    {"质量,发展", 1, "质量@1 P,@3 发展@4", "", 4, 0},
    /* 5: ... at the edge it may be part of a longer run: checked against the text */
    {"质量,", 1, "质量@1", "", 0, 1},
    /* 6: full-width punctuation is folded first */
    {"深入：开展", 1, "深入@1 P:@3 开展@4", "", 4, 0},
    /* 7: lone characters between separators: unigrams, checked */
    {"发、展", 1, "P、@2", "发 展", 0, 1},
    /* 8: a unigram repeated is kept once */
    {"发、发", 1, "P、@2", "发", 0, 1},
    /* 9: nothing searchable */
    {"", 0, "", "", 0, 0},
    {"，。！", 0, "", "", 0, 1},
    /* 11: a word longer than the index keeps is cut: checked */
    {"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", 1,
     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl@1", "", 0, 1},
};

static char *join(const gw_qterm *v, size_t n, int with_pos)
{
    gw_buf b = {0};
    gw_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i) gw_buf_putc(&b, ' ');
        gw_buf_append(&b, v[i].term, v[i].len);
        ck_assert_uint_eq(strlen(v[i].term), v[i].len);
        if (with_pos) gw_buf_printf(&b, "@%u", v[i].pos);
        else ck_assert_uint_eq(v[i].pos, UINT32_MAX);
    }
    return gw_buf_steal(&b, NULL);
}

START_TEST(expand_table)
{
    ck_assert_int_eq(gw_norm_init(NULL), GW_OK);
    const char *s = table[_i].text;
    gw_norm_text t = {0};
    gw_norm_run(s, strlen(s), 0, &t);
    gw_qterms q;
    ck_assert_int_eq(gw_qterms_expand(t.cp, t.n, &q), table[_i].found);
    char *phr = join(q.phr, q.nphr, 1), *uni = join(q.uni, q.nuni, 0);
    ck_assert_msg(!strcmp(phr, table[_i].phr), "[%s] terms: want [%s] got [%s]", s,
                  table[_i].phr, phr);
    ck_assert_msg(!strcmp(uni, table[_i].uni), "[%s] unigrams: want [%s] got [%s]", s,
                  table[_i].uni, uni);
    ck_assert_uint_eq(q.window, table[_i].window);
    ck_assert_int_eq(q.verify, table[_i].verify);
    free(phr);
    free(uni);
    gw_qterms_free(&q);
    gw_norm_text_free(&t);
}
END_TEST

START_TEST(free_empty)
{
    gw_qterms_free(NULL);
    gw_qterms z;
    memset(&z, 0, sizeof z);
    gw_qterms_free(&z);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qterms");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, expand_table, 0, sizeof table / sizeof *table);
    tcase_add_test(tc, free_empty);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
