/*
 * time_masks.c - the word masks of the time stage, kept as data
 * (data/lex/time_masks.tsv) so that start-up need not find them.
 *
 * For every single word of time_words.tsv, time.c wants the rules that may
 * start with it and, for the words that start many, the ones that may go on
 * with each ASCII byte after one space (struct time_wmask). Finding them
 * takes partial matches of the rules against every word (and byte), and
 * JIT code for partial matching: most of the stage's start-up. The answers
 * depend only on the time data and the regex engine, so they are computed
 * once (td_time_masks_make) and shipped, under a key: a hash of the three
 * files they come from (time_words, time_macros, time_rules), the engine's
 * version and the format. td_time_init takes them when the key matches the
 * data it loads, and computes them otherwise (same answers, slower).
 * test_time_masks checks that the shipped file is what td_time_masks_make
 * makes, and rewrites it on request (see there).
 *
 * The file: comment lines (#), "key<TAB>hex", then one line per word of
 * time_words.tsv without a space, in td_lexicon_each order:
 *   word<TAB>mask<TAB>masks<TAB>runs
 * mask 32 hex digits (the two mask words, high first); masks and runs "-"
 * when the word has no next masks, else masks: the distinct ones, space-
 * separated, and runs: "c:i,c:i,..." where c is the first byte (decimal)
 * of a run of bytes whose mask is masks[i], the first run at 0.
 */
#include "time_stage.h"

#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bump when time.c or pattern.c change what the masks mean. */
#define TIME_MASKS_FORMAT "time_masks 1"

static const char *const masks_sources[] = {"time_words.tsv", "time_macros.tsv",
                                            "time_rules.tsv"};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

td_status td_time_masks_key(const td_options *opts, char out[17])
{
    char v[96];
    td_pattern_engine_version(v, sizeof v);
    uint64_t h = fnv(0xcbf29ce484222325ull, TIME_MASKS_FORMAT, sizeof TIME_MASKS_FORMAT);
    h = fnv(h, v, strlen(v) + 1);
    for (size_t i = 0; i < sizeof masks_sources / sizeof masks_sources[0]; i++) {
        const char *data;
        size_t len;
        bool owned;
        td_status st = td_data_read(opts, masks_sources[i], &data, &len, &owned);
        if (st != TD_OK)
            return st;
        uint64_t n = len;
        h = fnv(h, masks_sources[i], strlen(masks_sources[i]) + 1);
        h = fnv(h, &n, sizeof n);
        h = fnv(h, data, len);
        if (owned)
            free((void *)data);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return TD_OK;
}

/* ---- writing ----------------------------------------------------------- */

static td_status put_mask(td_buf *b, const td_pattern_mask *m)
{
    _Static_assert(TD_PATTERN_MASK_BITS == 128, "two mask words");
    return td_buf_printf(b, "%016llx%016llx", (unsigned long long)m->w[1],
                         (unsigned long long)m->w[0]);
}

static bool same_mask(const td_pattern_mask *a, const td_pattern_mask *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* The next masks: "\t" the distinct ones (space-separated, in byte
 * order of first use) "\t" the runs "c:i,..." (from byte c on, mask i). */
static td_status put_next(td_buf *b, const td_pattern_mask next[128])
{
    int idx[128], npal = 0;
    for (int c = 0; c < 128; c++) {
        int k = 0;
        while (k < c && !same_mask(&next[k], &next[c]))
            k++;
        idx[c] = k < c ? idx[k] : npal++;
    }
    td_status st = TD_OK;
    for (int c = 0, emitted = 0; c < 128 && st == TD_OK; c++) {
        if (idx[c] != emitted) /* seen before */
            continue;
        st = td_buf_putc(b, emitted++ ? ' ' : '\t');
        if (st == TD_OK)
            st = put_mask(b, &next[c]);
    }
    for (int c = 0; c < 128 && st == TD_OK; c++)
        if (c == 0 || idx[c] != idx[c - 1])
            st = td_buf_printf(b, "%c%d:%d", c ? ',' : '\t', c, idx[c]);
    return st;
}

typedef struct render {
    const time_res *r;
    td_buf *b;
    td_status st;
} render;

/* The mask of entry e, or NULL. */
static const struct time_wmask *find_mask(const time_res *r, const td_lex_entry *e)
{
    int i = td_time_mask_index(r, e);
    return i < 0 ? NULL : &r->masks[i];
}

static void render_entry(const td_lex_entry *e, void *arg)
{
    render *rd = arg;
    if (rd->st != TD_OK || strchr(e->key, ' '))
        return;
    const struct time_wmask *x = find_mask(rd->r, e);
    if (!x) {
        rd->st = TD_EFORMAT;
        return;
    }
    td_buf *b = rd->b;
    td_status st = td_buf_printf(b, "%s\t", e->key);
    if (st == TD_OK)
        st = put_mask(b, &x->m);
    if (st == TD_OK)
        st = x->next ? put_next(b, x->next) : td_buf_puts(b, "\t-\t-");
    if (st == TD_OK)
        st = td_buf_putc(b, '\n');
    rd->st = st;
}

td_status td_time_masks_render(const time_res *r, const char *key, td_buf *b)
{
    td_status st = td_buf_puts(
        b, "# time_masks.tsv - GENERATED (src/time_masks.c): the rules each word of\n"
           "# time_words.tsv may start (word, mask, masks by the byte after one space).\n"
           "# Used while its key matches the time data; regenerate after changing it:\n"
           "#   TD_TIME_MASKS_OUT=data/lex/time_masks.tsv build/test_time_masks\n");
    if (st == TD_OK)
        st = td_buf_printf(b, "key\t%s\n", key);
    render rd = {r, b, st};
    if (st == TD_OK)
        td_lexicon_each(r->words, render_entry, &rd);
    return rd.st;
}

/* ---- reading ----------------------------------------------------------- */

typedef struct reader {
    const char *p, *end;
} reader;

/* The next line that is not a comment: [*s, *e); false at the end. */
static bool next_line(reader *rd, const char **s, const char **e)
{
    while (rd->p < rd->end) {
        const char *a = rd->p, *z = memchr(a, '\n', (size_t)(rd->end - a));
        if (!z)
            z = rd->end;
        rd->p = z < rd->end ? z + 1 : z;
        if (z > a && z[-1] == '\r')
            z--;
        if (z > a && a[0] != '#') {
            *s = a;
            *e = z;
            return true;
        }
    }
    return false;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 32 hex digits at *p (before end) into m; *p moves past them. */
static bool get_mask(const char **p, const char *end, td_pattern_mask *m)
{
    if (end - *p < 32)
        return false;
    for (int w = 1; w >= 0; w--) {
        uint64_t v = 0;
        for (int i = 0; i < 16; i++) {
            int d = hexval(*(*p)++);
            if (d < 0)
                return false;
            v = v << 4 | (uint64_t)d;
        }
        m->w[w] = v;
    }
    return true;
}

/* The next masks of fields pal (the distinct masks) and runs, [p, end):
 * into x->next (allocated); "-\t-": none. */
static td_status get_next(struct time_wmask *x, const char *p, const char *end)
{
    if (end - p == 3 && memcmp(p, "-\t-", 3) == 0)
        return TD_OK;
    td_pattern_mask *pal = malloc(129 * sizeof *pal);
    x->next = malloc(128 * sizeof *x->next);
    if (!pal || !x->next) {
        free(pal);
        return TD_ENOMEM;
    }
    int npal = 0;
    td_status st = TD_OK;
    while (npal < 129 && get_mask(&p, end, &pal[npal])) {
        npal++;
        if (p >= end || *p++ != ' ')
            break;
    }
    if (npal == 0 || npal > 128 || p[-1] != '\t')
        st = TD_EFORMAT;
    int c = 0; /* bytes [0, c) are filled: runs begin at 0, in order */
    while (st == TD_OK && p < end) {
        int from = 0, i = 0;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9' && from < 1000)
            from = from * 10 + (*p++ - '0');
        if (p == d || from >= 128 || (c == 0 && from != 0) || from < c || p >= end ||
            *p++ != ':') {
            st = TD_EFORMAT;
            break;
        }
        d = p;
        while (p < end && *p >= '0' && *p <= '9' && i < 1000)
            i = i * 10 + (*p++ - '0');
        if (p == d || i >= npal || (p < end && *p++ != ',')) {
            st = TD_EFORMAT;
            break;
        }
        for (int k = c; k < from; k++) /* the run before goes on to here */
            x->next[k] = x->next[c - 1];
        x->next[from] = pal[i];
        c = from + 1;
    }
    for (int k = c; k < 128 && c > 0; k++)
        x->next[k] = x->next[c - 1];
    free(pal);
    return st == TD_OK && c == 0 ? TD_EFORMAT : st;
}

/* The key line of text: is it key? */
static bool key_line(reader *rd, const char *key)
{
    const char *s, *e;
    size_t kn = strlen(key);
    return next_line(rd, &s, &e) && (size_t)(e - s) == 4 + kn && memcmp(s, "key\t", 4) == 0 &&
           memcmp(s + 4, key, kn) == 0;
}

bool td_time_masks_match(const char *key, const char *text, size_t len)
{
    reader rd = {text, text + len};
    return key_line(&rd, key);
}

td_status td_time_masks_load(time_res *r, const char *key, const char *text, size_t len)
{
    reader rd = {text, text + len};
    const char *s, *e;
    if (!key_line(&rd, key))
        return TD_EFORMAT;
    for (size_t i = 0; i < r->nmasks; i++) {
        struct time_wmask *x = &r->masks[i];
        const char *k = x->e->key;
        size_t n = strlen(k);
        if (!next_line(&rd, &s, &e) || (size_t)(e - s) < n + 1 || memcmp(s, k, n) != 0 ||
            s[n] != '\t')
            return TD_EFORMAT;
        const char *p = s + n + 1;
        if (!get_mask(&p, e, &x->m) || p >= e || *p++ != '\t')
            return TD_EFORMAT;
        td_status st = get_next(x, p, e);
        if (st != TD_OK)
            return st;
    }
    return next_line(&rd, &s, &e) ? TD_EFORMAT : TD_OK;
}
