/* test_time_masks.c - the time stage's word masks kept as data
 * (data/lex/time_masks.tsv, src/time_masks.c): the shipped file is what the
 * rules give now, start-up takes it, and a file of other data or a damaged
 * one is not taken.
 *
 * After changing time_words.tsv, time_macros.tsv or time_rules.tsv (or what
 * time.c and pattern.c make of them), regenerate the file with
 *     TD_TIME_MASKS_OUT=data/lex/time_masks.tsv build/test_time_masks
 * and rebuild (the data is compiled in). */
#include "harness.h"

#include "buf.h"
#include "lexicon.h"
#include "stage.h"
#include "time_stage.h"

#include <stdlib.h>
#include <string.h>

#include "tmpdir.h"

static char *made;  /* td_time_masks_make for the built-in data */
static size_t nmade;

TEST(shipped_file_is_current)
{
    td_options opts = {0};
    char *err = NULL;
    CHECK(td_time_masks_make(&opts, &made, &nmade, &err) == TD_OK);
    free(err);
    const char *out = getenv("TD_TIME_MASKS_OUT");
    if (made && out && *out) {
        FILE *f = fopen(out, "wb");
        CHECK(f && fwrite(made, 1, nmade, f) == nmade);
        if (f)
            fclose(f);
        fprintf(stderr, "wrote %s: rebuild to compile it in\n", out);
        return;
    }
    size_t len = 0;
    const char *shipped = td_data_builtin("time_masks.tsv", &len);
    bool same = made && shipped && len == nmade && memcmp(shipped, made, len) == 0;
    CHECK(same);
    if (!same)
        fprintf(stderr, "  data/lex/time_masks.tsv is stale: regenerate it with\n"
                        "  TD_TIME_MASKS_OUT=data/lex/time_masks.tsv build/test_time_masks\n");
}

/* A copy of made (0-terminated), with its key ("key") or a digit of the
 * first word's mask ("mask") changed, or as it is (anything else). */
static char *changed(const char *what)
{
    char *t = malloc(nmade + 1);
    if (!t)
        return NULL;
    memcpy(t, made, nmade);
    t[nmade] = 0;
    char *k = strstr(t, "\nkey\t");
    char *p = k ? strchr(k + 1, '\n') : NULL; /* the first word line */
    if (!p)
        return t;
    if (strcmp(what, "key") == 0)
        k[5] = k[5] == '0' ? '1' : '0';
    else if (strcmp(what, "mask") == 0)
        p[1 + strcspn(p + 1, "\t") + 3] = 'x'; /* in the word's mask */
    return t;
}

TEST(startup_takes_it)
{
    td_options opts = {0};
    td_resources *res = NULL;
    CHECK(td_resources_load(&opts, &res, NULL) == TD_OK);
    CHECK(res && td_time_masks_cached(res));
    if (!res || !made)
        return;
    /* the masks as loaded give the file again */
    char key[17];
    CHECK(td_time_masks_key(&opts, key) == TD_OK);
    td_buf b;
    td_buf_init(&b, 0);
    CHECK(td_time_masks_render(res->time, key, &b) == TD_OK);
    CHECK(b.len == nmade && b.ptr && memcmp(b.ptr, made, nmade) == 0);
    td_buf_release(&b);
    td_resources_free(res);
}

/* The loader alone on a copy of the words' entries (as time.c lists them). */
static void entry(const td_lex_entry *e, void *arg)
{
    time_res *r = arg;
    if (!strchr(e->key, ' '))
        r->masks[r->nmasks++].e = e;
}

static td_status load_into(const time_res *from, const char *key, const char *text)
{
    time_res t;
    memset(&t, 0, sizeof t);
    t.words = from->words;
    t.masks = calloc(td_lexicon_size(from->words) + 1, sizeof *t.masks);
    if (!t.masks)
        return TD_ENOMEM;
    td_lexicon_each(t.words, entry, &t);
    td_status st = td_time_masks_load(&t, key, text, strlen(text));
    for (size_t i = 0; i < t.nmasks; i++)
        free(t.masks[i].next);
    free(t.masks);
    return st;
}

TEST(other_data_is_not_taken)
{
    if (!made)
        return;
    td_options opts = {0};
    char key[17];
    CHECK(td_time_masks_key(&opts, key) == TD_OK);
    char *bad_key = changed("key"), *bad_mask = changed("mask");
    CHECK(bad_key && bad_mask);
    if (!bad_key || !bad_mask) {
        free(bad_key);
        free(bad_mask);
        return;
    }
    CHECK(td_time_masks_match(key, made, nmade));
    CHECK(!td_time_masks_match(key, bad_key, strlen(bad_key)));
    td_resources *res = NULL;
    CHECK(td_resources_load(&opts, &res, NULL) == TD_OK);
    if (res) {
        char *good = changed("none");
        CHECK(good && load_into(res->time, key, good) == TD_OK);
        CHECK(load_into(res->time, key, bad_key) == TD_EFORMAT);
        CHECK(load_into(res->time, key, bad_mask) == TD_EFORMAT);
        free(good);
        td_resources_free(res);
    }
    /* a data directory whose time_rules.tsv differs: another key, the
     * masks are computed (and the stage still works) */
    if (tmp_open("time_masks") == 0) {
        size_t len = 0;
        const char *rules = td_data_builtin("time_rules.tsv", &len);
        char *more = rules ? malloc(len + 16) : NULL;
        if (more) {
            memcpy(more, rules, len);
            memcpy(more + len, "# a comment\n", 12);
            tmp_write("time_rules.tsv", more, len + 12);
            td_options o2 = {0};
            o2.data_dir = tmpdir;
            char key2[17];
            CHECK(td_time_masks_key(&o2, key2) == TD_OK);
            CHECK(strcmp(key, key2) != 0);
            res = NULL;
            CHECK(td_resources_load(&o2, &res, NULL) == TD_OK);
            CHECK(res && !td_time_masks_cached(res));
            td_resources_free(res);
        }
        free(more);
        tmp_remove();
    }
    free(bad_key);
    free(bad_mask);
}

int main(void)
{
    RUN(shipped_file_is_current);
    RUN(startup_takes_it);
    RUN(other_data_is_not_taken);
    free(made);
    return DONE();
}
