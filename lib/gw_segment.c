/* gw_segment.c: friso, loaded once, cutting the query's Han runs into words.
 * See gw_segment.h. */
#include "gw_segment.h"

#include "gw_buf.h"
#include "gw_err.h"

#include <friso.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loaded once per process, read-only afterwards (a task per call). The folder is the one
 * gw_segment_init named before the first load, else the default. */
static pthread_once_t friso_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t friso_dir_mu = PTHREAD_MUTEX_INITIALIZER;
static char friso_dir[512] = GW_SEGMENT_DICT_DEFAULT;
static friso_t friso_h;
static friso_config_t friso_cfg;

static void friso_setup(void)
{
    char dir[sizeof friso_dir];
    pthread_mutex_lock(&friso_dir_mu);
    memcpy(dir, friso_dir, sizeof dir);
    pthread_mutex_unlock(&friso_dir_mu);
    char ini[sizeof dir + 16];
    snprintf(ini, sizeof ini, "%s/friso.lex.ini", dir);
    FILE *fi = fopen(ini, "r");
    if (!fi) return; /* no dictionary: each Han run stays one word (stricter, still exact) */
    fclose(fi);
    friso_t f = friso_new();
    friso_config_t c = friso_new_config();
    friso_init_config(c);
    /* No synonyms or stop-word removal (they would add or drop words); keep unknown
     * characters (every character must be in some word); no name heuristics. */
    c->add_syn = 0;
    c->clr_stw = 0;
    c->keep_urec = 1;
    c->r_name = 0;
    c->en_sseg = 0;
    c->max_len = 5;
    friso_set_mode(c, __FRISO_COMPLEX_MODE__);
    f->charset = FRISO_UTF8;
    f->dic = friso_dic_new();
    /* friso joins the folder and the names in its ini without a separator */
    char path[sizeof dir + 1];
    size_t dl = strlen(dir);
    snprintf(path, sizeof path, "%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/");
    friso_dic_load_from_ifile(f, c, path, c->max_len * 3);
    friso_h = f;
    friso_cfg = c;
}

int gw_segment_init(const char *dict_dir)
{
    if (dict_dir && *dict_dir && strlen(dict_dir) < sizeof friso_dir) {
        pthread_mutex_lock(&friso_dir_mu);
        strcpy(friso_dir, dict_dir);
        pthread_mutex_unlock(&friso_dir_mu);
    }
    pthread_once(&friso_once, friso_setup);
    return friso_h != NULL;
}

void gw_segment_han(const uint32_t *cp, size_t n, unsigned char *cut)
{
    memset(cut, 0, n);
    if (n == 0) return;
    cut[0] = 1;
    pthread_once(&friso_once, friso_setup);
    if (!friso_h || n < 2) return;
    gw_buf b = {0};
    size_t *boff = gw_xmalloc((n + 1) * sizeof *boff);
    for (size_t i = 0; i < n; i++) {
        boff[i] = b.len;
        gw_buf_put_utf8(&b, cp[i]);
    }
    boff[n] = b.len;
    friso_task_t task = friso_new_task();
    friso_set_text(task, b.data);
    while (friso_cfg->next_token(friso_h, friso_cfg, task)) {
        int off = task->token->offset;
        if (off <= 0 || (size_t)off >= b.len) continue;
        /* binary search the code point starting at byte off */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (boff[mid] < (size_t)off) lo = mid + 1;
            else hi = mid;
        }
        if (lo < n && boff[lo] == (size_t)off) cut[lo] = 1;
    }
    friso_free_task(task);
    free(boff);
    gw_buf_free(&b);
}
