/*
 * time.c - the time stage: TIMEX3 tagging, the document date, normalisation.
 *
 * 1. Tag: the rules of data/lex/time_rules.tsv (macros from time_words.tsv
 *    and time_macros.tsv) run by the pattern engine (pattern.h) over every
 *    read block (never the crawler header line, never boilerplate), around
 *    trigger tokens (see scan_tokens); the leftmost-longest match wins.
 *    Each match keeps its named groups and the tense cues of its sentence
 *    (time_tense.tsv).
 * 2. Date: td_docdate_decide() (docdate.c) checks the document date against
 *    the absolute dates of the text, the dateline and the known past events
 *    of data/lex/time_events.tsv. It runs here, not in the docdate stage,
 *    because step 3 needs the decided date.
 * 3. Normalise (time_norm.c) every candidate against that date, into
 *    doc->times. The stage runs on every document (the date is decided
 *    here); its rules are English and rarely match other languages.
 */
#define _GNU_SOURCE 1
#include "time_stage.h"

#include "buf.h"
#include "stage.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static const char *const group_names[TG_COUNT] = {
    "y", "m", "d", "wd", "md", "rel", "n", "n2", "u", "dir", "q", "ss",
    "pod", "hh", "mi", "ap", "tz", "dec", "cent", "dr"};

static const struct {
    const char *name;
    int action;
} actions[] = {{"date", TX_DATE},       {"wday", TX_WDAY},     {"dayrel", TX_DAYREL},
               {"rel", TX_REL},         {"ago", TX_AGO},       {"dur", TX_DUR},
               {"set", TX_SET},         {"lit", TX_LIT},       {"quarter", TX_QUARTER},
               {"decade", TX_DECADE},   {"clock", TX_CLOCK},   {"season", TX_SEASON}};

/* ---- loading ----------------------------------------------------------- */

typedef struct class_list {
    const char *cls, *macro;
    const td_lex_entry *items[256];
    int n;
} class_list;

static void collect(const td_lex_entry *e, void *arg)
{
    class_list *cl = arg;
    for (int i = 0; cl[i].cls; i++)
        if (strcmp(td_lex_field(e, 0), cl[i].cls) == 0 && cl[i].n < 256)
            cl[i].items[cl[i].n++] = e;
}

/* One class of words as a macro (a trie: see td_pattern_define_words);
 * "cs" entries match only as written. */
static td_status define_class(td_pattern_set *ps, class_list *c)
{
    const char *words[256];
    bool cs[256];
    for (int i = 0; i < c->n; i++) {
        words[i] = c->items[i]->key;
        cs[i] = strcmp(td_lex_field(c->items[i], 2), "cs") == 0;
    }
    return td_pattern_define_words(ps, c->macro, words, cs, (size_t)c->n);
}

/* The classes of time_words.tsv that become macros, and their names. */
static const char *const word_macros[11][2] = {
    {"month", "MONTH"},   {"wday", "WDAY"}, {"num", "NUMW"}, {"numx", "NUMX"},
    {"ord", "ORD"},       {"unit", "UNIT"}, {"season", "SEASON"}, {"pod", "POD"},
    {"mod", "MOD"},       {"art", "ART"},   {"mon3", "MON3"}};

static td_status define_word_macros(time_res *r)
{
    class_list *cl = calloc(12, sizeof *cl);
    if (!cl)
        return TD_ENOMEM;
    for (int i = 0; i < 11; i++) {
        cl[i].cls = word_macros[i][0];
        cl[i].macro = word_macros[i][1];
    }
    td_lexicon_each(r->words, collect, cl);
    td_status st = TD_OK;
    for (int i = 0; i < 11 && st == TD_OK; i++)
        st = define_class(r->ps, &cl[i]);
    free(cl);
    return st;
}

/* Lines of a data file: calls fn(fields, nfields) for each non-comment line. */
static td_status each_line(const td_options *opts, const char *name,
                           td_status (*fn)(time_res *r, char **f, int nf), time_res *r,
                           char **err)
{
    const char *data;
    size_t len;
    bool owned;
    td_status st = td_data_read(opts, name, &data, &len, &owned);
    if (st != TD_OK) {
        if (err && asprintf(err, "%s: %s", name, td_strerror(st)) < 0)
            *err = NULL;
        return st;
    }
    size_t i = 0, lineno = 0;
    char line[4096];
    while (i < len && st == TD_OK) {
        size_t j = i;
        while (j < len && data[j] != '\n')
            j++;
        lineno++;
        size_t l = j - i;
        if (l && data[i + l - 1] == '\r')
            l--;
        if (l && data[i] != '#' && l < sizeof line) {
            memcpy(line, data + i, l);
            line[l] = 0;
            char *f[8];
            int nf = 0;
            for (char *p = line; p && nf < 8;) {
                f[nf++] = p;
                p = strchr(p, '\t');
                if (p)
                    *p++ = 0;
            }
            st = fn(r, f, nf);
            if (st != TD_OK && err && asprintf(err, "%s:%zu: bad line", name, lineno) < 0)
                *err = NULL;
        }
        i = j + 1;
    }
    if (owned)
        free((void *)data);
    return st;
}

static td_status add_macro(time_res *r, char **f, int nf)
{
    return nf >= 2 ? td_pattern_define(r->ps, f[0], f[1]) : TD_EFORMAT;
}

/* The word class behind a pattern macro of time_words.tsv (NULL: none). */
static const char *macro_class(const char *macro, size_t n)
{
    for (size_t i = 0; i < sizeof word_macros / sizeof word_macros[0]; i++)
        if (strlen(word_macros[i][1]) == n && memcmp(word_macros[i][1], macro, n) == 0)
            return word_macros[i][0];
    return NULL;
}

static td_status need_check(const time_res *r, const char *need, const char *re, const char *x);

/* Check need list `need` of a rule whose regex is re, and give it a need
 * set (the same list: the same set). Items are lower-case words or
 * %MACRO% word classes; each must occur in the regex (a word: in the
 * regex with its macros expanded). With all TIME_NEEDS sets taken, the
 * rule gets none (it is always tried). */
static td_status need_set(time_res *r, const char *need, const char *re, int *out)
{
    char *x;
    td_status st = td_pattern_expand(r->ps, re, &x);
    if (st != TD_OK)
        return st;
    st = need_check(r, need, re, x);
    free(x);
    if (st != TD_OK)
        return st;
    *out = -1;
    for (int k = 0; k < r->nneeds; k++)
        if (strcmp(r->need_src[k], need) == 0)
            *out = k;
    if (*out < 0 && r->nneeds < TIME_NEEDS) {
        r->need_src[r->nneeds] = strdup(need);
        if (!r->need_src[r->nneeds])
            return TD_ENOMEM;
        *out = r->nneeds++;
    }
    return TD_OK;
}

/* Every item of need occurs in the regex: a class as %MACRO% in re, a
 * word in x (re expanded). */
static td_status need_check(const time_res *r, const char *need, const char *re, const char *x)
{
    for (const char *p = need; *p;) {
        const char *q = strchr(p, '|');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        bool ok = n > 0 && n < sizeof r->need_tab[0].w;
        if (ok && p[0] == '%')
            ok = n > 2 && p[n - 1] == '%' && macro_class(p + 1, n - 2);
        else /* a word begins with a letter (need_run skips leading digits) */
            for (size_t i = 0; i < n && ok; i++)
                ok = (p[i] >= 'a' && p[i] <= 'z') || (i && p[i] >= '0' && p[i] <= '9');
        char item[32];
        if (ok) {
            memcpy(item, p, n);
            item[n] = 0;
            ok = strcasestr(item[0] == '%' ? re : x, item) != NULL;
        }
        if (!ok)
            return TD_EFORMAT;
        p += n + (q != NULL);
    }
    return TD_OK;
}

static td_status add_rule(time_res *r, char **f, int nf)
{
    if (nf < 5)
        return TD_EFORMAT;
    time_rule *nr = realloc(r->rules, (r->nrules + 1) * sizeof *nr);
    if (!nr)
        return TD_ENOMEM;
    r->rules = nr;
    time_rule *tr = &r->rules[r->nrules];
    memset(tr, 0, sizeof *tr);
    if (strcmp(f[1], "DATE") == 0)
        tr->type = TD_TIME_DATE;
    else if (strcmp(f[1], "TIME") == 0)
        tr->type = TD_TIME_TIME;
    else if (strcmp(f[1], "DURATION") == 0)
        tr->type = TD_TIME_DURATION;
    else if (strcmp(f[1], "SET") == 0)
        tr->type = TD_TIME_SET;
    else
        return TD_EFORMAT;
    tr->action = -1;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(f[2], actions[i].name) == 0)
            tr->action = actions[i].action;
    if (tr->action < 0)
        return TD_EFORMAT;
    if (strlen(f[3]) >= sizeof tr->value)
        return TD_EFORMAT;
    strcpy(tr->value, strcmp(f[3], "-") == 0 ? "" : f[3]);
    tr->need = -1;
    if (nf >= 6 && strcmp(f[5], "-") != 0 && f[5][0]) {
        td_status st = need_set(r, f[5], f[4], &tr->need);
        if (st != TD_OK)
            return st;
    }
    int id;
    td_status st = td_pattern_add(r->ps, f[4], &id);
    if (st == TD_OK)
        r->nrules++;
    return st;
}

static td_status add_event(time_res *r, char **f, int nf)
{
    if (nf < 3)
        return TD_EFORMAT;
    int y = 0, m = 0, d = 0;
    if (sscanf(f[1], "%d-%d-%d", &y, &m, &d) != 3)
        return TD_EFORMAT;
    int *nd = realloc(r->event_ymd, (r->nevents + 1) * 3 * sizeof *nd);
    if (!nd)
        return TD_ENOMEM;
    r->event_ymd = nd;
    nd[r->nevents * 3] = y;
    nd[r->nevents * 3 + 1] = m;
    nd[r->nevents * 3 + 2] = d;
    r->nevents++;
    return td_pattern_add(r->events, f[2], NULL);
}

static void count_entry(const td_lex_entry *e, void *arg)
{
    time_res *r = arg;
    if (!strchr(e->key, ' '))
        r->masks[r->nmasks++].e = e;
}

static int by_entry(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct time_wmask *)a)->e;
    uintptr_t y = (uintptr_t)((const struct time_wmask *)b)->e;
    return x < y ? -1 : x > y;
}

/* Words that may start fewer rules are not worth next masks (they were
 * when start-up found them; time_masks.tsv holds them now: 3 of 7 saves
 * about 4M Ir of rule tries on 3,000 documents). */
enum { NEXT_MIN_RULES = 3 };

/* Of the rules that may start with word k, those that may go on with one
 * space and byte c, for every ASCII c: x->next[c] (k and low: its
 * spellings). Only for words that may start NEXT_MIN_RULES rules or more. */
static td_status word_next(struct time_wmask *x, const td_pattern_set *ps, const char *k,
                           const char *low)
{
    td_pattern_mask b[128];
    int n = 0;
    for (size_t j = 0; j < TD_PATTERN_MASK_BITS / 64; j++)
        n += __builtin_popcountll(x->m.w[j]);
    if (n < NEXT_MIN_RULES)
        return TD_OK; /* x->next NULL: all of x->m are tried */
    x->next = malloc(128 * sizeof *x->next);
    if (!x->next)
        return TD_ENOMEM;
    td_status st = td_pattern_may_follow(ps, k, &x->m, x->next);
    if (st == TD_OK && low && strcmp(low, k) != 0)
        st = td_pattern_may_follow(ps, low, &x->m, b);
    for (size_t c = 0; st == TD_OK && low && strcmp(low, k) != 0 && c < 128; c++)
        for (size_t j = 0; j < TD_PATTERN_MASK_BITS / 64; j++)
            x->next[c].w[j] |= b[c].w[j];
    return st;
}

/* The masks' entries: every single word of time_words.tsv (masks empty). */
static td_status mask_entries(time_res *r)
{
    r->masks = calloc(td_lexicon_size(r->words) + 1, sizeof *r->masks);
    if (!r->masks)
        return TD_ENOMEM;
    r->nmasks = 0;
    td_lexicon_each(r->words, count_entry, r);
    return TD_OK;
}

/* For every single word of time_words.tsv, the rules that may start with
 * it (tried at run time only those: most rules fail at most words), and
 * which of them may go on with the byte after one space (see word_next). */
static td_status compute_masks(time_res *r)
{
    for (size_t i = 0; i < r->nmasks; i++) {
        char low[64];
        const char *k = r->masks[i].e->key;
        size_t n = strlen(k);
        td_pattern_mask a, b;
        td_status st = td_pattern_may_start(r->ps, k, &a);
        if (st == TD_OK && n < sizeof low) {
            for (size_t j = 0; j <= n; j++)
                low[j] = (char)(k[j] >= 'A' && k[j] <= 'Z' ? k[j] + 32 : k[j]);
            if (strcmp(low, k) == 0) { /* the same question */
                r->masks[i].m = a;
                st = word_next(&r->masks[i], r->ps, k, NULL);
                if (st != TD_OK)
                    return st;
                continue;
            }
            st = td_pattern_may_start(r->ps, low, &b);
            for (size_t j = 0; j < TD_PATTERN_MASK_BITS / 64; j++)
                a.w[j] |= b.w[j];
        }
        if (st != TD_OK)
            return st;
        r->masks[i].m = a;
        st = word_next(&r->masks[i], r->ps, k, n < sizeof low ? low : NULL);
        if (st != TD_OK)
            return st;
    }
    return TD_OK;
}

/* The word masks: from cache (time_masks.tsv made under key; NULL: none)
 * when it fits, else computed; then sorted by entry. */
static td_status word_masks(time_res *r, const char *key, const char *cache, size_t clen)
{
    td_status st = mask_entries(r);
    if (st == TD_OK && cache) {
        st = td_time_masks_load(r, key, cache, clen);
        r->masks_cached = st == TD_OK;
        if (st == TD_EFORMAT) { /* start again from empty masks */
            for (size_t i = 0; i < r->nmasks; i++) {
                free(r->masks[i].next);
                r->masks[i].next = NULL;
                memset(&r->masks[i].m, 0, sizeof r->masks[i].m);
            }
            st = TD_OK;
        }
    }
    if (st == TD_OK && !r->masks_cached)
        st = compute_masks(r);
    if (st == TD_OK)
        qsort(r->masks, r->nmasks, sizeof *r->masks, by_entry);
    return st;
}

static td_status build_wtab(time_res *r);  /* below, with the roles */
static td_status build_needs(time_res *r); /* below, with the need filter */

/* The masks cache for the data of opts: *cache and its key when it is
 * made under the key of that data (*owned: free it), else *cache NULL. */
static void masks_cache(const td_options *opts, char key[17], const char **cache, size_t *len,
                        bool *owned)
{
    *cache = NULL;
    *owned = false;
    if (td_time_masks_key(opts, key) != TD_OK ||
        td_data_read(opts, "time_masks.tsv", cache, len, owned) != TD_OK)
        return;
    if (!td_time_masks_match(key, *cache, *len)) {
        if (*owned)
            free((void *)*cache);
        *cache = NULL;
        *owned = false;
    }
}

static void time_free(time_res *r);

/* Load the stage's resources for opts into *out (freed with time_free,
 * even on failure); use_cache: take the word masks from time_masks.tsv
 * when it fits the data. */
static td_status time_load(const td_options *opts, bool use_cache, time_res **out, char **err)
{
    time_res *r = calloc(1, sizeof *r);
    *out = r;
    if (!r)
        return TD_ENOMEM;
    char key[17] = "";
    const char *cache = NULL;
    size_t clen = 0;
    bool owned = false;
    if (use_cache)
        masks_cache(opts, key, &cache, &clen, &owned);
    td_status st = td_lexicon_load(opts, "time_words.tsv", TD_LEX_FOLD, &r->words, err);
    if (st == TD_OK)
        st = td_lexicon_load(opts, "time_tense.tsv", TD_LEX_FOLD, &r->tense, err);
    if (st == TD_OK) {
        st = td_pattern_set_new(&r->ps);
    }
    if (st == TD_OK)
        st = td_pattern_set_new(&r->events);
    if (st == TD_OK) { /* both are tried at tokens only (scan_tokens) */
        td_pattern_set_no_union(r->ps);
        td_pattern_set_no_union(r->events);
        td_pattern_set_no_partial(r->events); /* no rule masks: never matched partly */
        if (cache) /* the masks are known: no partial matches (but on a bad file) */
            td_pattern_set_no_partial(r->ps);
    }
    if (st == TD_OK)
        st = define_word_macros(r);
    if (st == TD_OK)
        st = each_line(opts, "time_macros.tsv", add_macro, r, err);
    if (st == TD_OK)
        st = each_line(opts, "time_rules.tsv", add_rule, r, err);
    if (st == TD_OK)
        st = td_pattern_compile(r->ps, err);
    if (st == TD_OK)
        st = word_masks(r, key, cache, clen);
    if (owned)
        free((void *)cache);
    if (st == TD_OK)
        st = build_wtab(r);
    if (st == TD_OK)
        st = build_needs(r);
    for (size_t i = 0; i < r->nrules && i < 128 && st == TD_OK; i++)
        for (int g = 0; g < TG_COUNT; g++) {
            int gn[2] = {0, 0};
            td_pattern_group_numbers(r->ps, (int)i, group_names[g], gn, 2);
            if (gn[0] > 0)
                r->groups[i][r->ngroups[i]++] = (struct time_group){g, {gn[0], gn[1]}};
        }
    if (st == TD_OK)
        st = each_line(opts, "time_events.tsv", add_event, r, err);
    if (st == TD_OK)
        st = td_pattern_compile(r->events, err);
    return st;
}

td_status td_time_init(td_resources *res, char **err)
{
    time_res *r;
    td_status st = time_load(&res->opts, true, &r, err);
    res->time = r;
    return st;
}

static void time_free(time_res *r)
{
    if (!r)
        return;
    td_lexicon_free(r->words);
    td_lexicon_free(r->tense);
    td_pattern_set_free(r->ps);
    td_pattern_set_free(r->events);
    free(r->rules);
    for (size_t i = 0; r->masks && i < r->nmasks; i++)
        free(r->masks[i].next);
    free(r->masks);
    free(r->wtab);
    free(r->event_ymd);
    for (int k = 0; k < r->nneeds; k++)
        free(r->need_src[k]);
    free(r);
}

void td_time_release(td_resources *res)
{
    time_free(res->time);
    res->time = NULL;
}

td_status td_time_masks_make(const td_options *opts, char **out, size_t *len, char **err)
{
    *out = NULL;
    *len = 0;
    time_res *r;
    char key[17];
    td_status st = td_time_masks_key(opts, key);
    if (st == TD_OK)
        st = time_load(opts, false, &r, err);
    else
        r = NULL;
    td_buf b;
    td_buf_init(&b, 0);
    if (st == TD_OK)
        st = td_time_masks_render(r, key, &b);
    time_free(r);
    if (st != TD_OK) {
        td_buf_release(&b);
        return st;
    }
    *out = b.ptr;
    *len = b.len;
    return TD_OK;
}

bool td_time_masks_cached(const td_resources *res)
{
    const time_res *r = res->time;
    return r && r->masks_cached;
}

/* ---- tagging ----------------------------------------------------------- */

/* What pass 1 (tok_infos) learns about every token. */
typedef struct tok_info { /* 8 bytes: written by one store */
    uint8_t role;  /* R_* (pass 1, then R_TRIG for numbers that trigger) */
    uint8_t chain; /* R_START/R_TRIG/R_LINK of the word (its part before a
                      hyphen): may it begin or continue an expression */
    int8_t cue;    /* tense cue: -1 past, +1 future, 0 none */
    uint8_t done;  /* chain and mask are filled (tok_facts) */
    int16_t mask;  /* index into r->masks of the rules that may start at
                      it; -1: any rule (by first byte) */
    uint8_t mlen;   /* length of the word the mask is of (the token or
                       its part before a hyphen) */
    uint8_t failed; /* scan_tokens tried its rules here and none matched:
                       bit 1 the time rules, bit 2 the events */
} tok_info;

static const tok_info *tok_facts(const time_res *r, const td_doc *doc, tok_info *ti, size_t i);

typedef struct scan {
    const time_res *r;
    td_doc *doc;
    tok_info *ti; /* per token, see tok_infos */
    td_pattern_state *st;
    td_vec tx; /* of td_tx, in ctx->scratch */
    td_arena *a;
    size_t sent, tok; /* cursors (text order) */
    size_t cue_sent;  /* the sentence whose tense is known (+1; 0: none) */
    const tok_info *cues; /* its tokens (their tense cues), from its first */
    size_t ncues;     /* how many of them count: the first 200 */
    int sent_tense;   /* a future cue anywhere wins, then a past one */
} scan;

/* The tense of sentence si from the cues of its first 200 tokens. */
static void sentence_cues(scan *sc, size_t si)
{
    const td_sentence *s = TD_DOC_SENT(sc->doc, si);
    int tense = 0;
    sc->cues = sc->ti + s->tok_first;
    sc->ncues = s->tok_count < 200 ? s->tok_count : 200;
    for (size_t i = 0; i < sc->ncues; i++) {
        if (sc->cues[i].cue > 0) {
            tense = 1; /* a future cue wins: no need to look further */
            break;
        }
        if (sc->cues[i].cue < 0)
            tense = -1;
    }
    sc->sent_tense = tense;
    sc->cue_sent = si + 1;
}

/* The sentence's tense and the cue nearest to token tok (within 10). */
static void sentence_tense(scan *sc, size_t si, size_t tok, int *tense, int *near)
{
    if (sc->cue_sent != si + 1)
        sentence_cues(sc, si);
    size_t first = TD_DOC_SENT(sc->doc, si)->tok_first;
    size_t at = tok > first ? tok - first : 0;
    *tense = sc->sent_tense;
    *near = 0;
    for (size_t d = 0; d <= 10; d++) {
        if (d <= at && at - d < sc->ncues && sc->cues[at - d].cue) {
            *near = sc->cues[at - d].cue;
            return;
        }
        if (at + d < sc->ncues && sc->cues[at + d].cue) {
            *near = sc->cues[at + d].cue;
            return;
        }
    }
}

/* The sentence of t and its tense; tok: the token t begins at (the tokens
 * before it all end before t). */
static void locate(scan *sc, td_tx *t, size_t tok)
{
    td_doc *doc = sc->doc;
    while (sc->sent < doc->sents.n && TD_DOC_SENT(doc, sc->sent)->span.e <= t->span.s)
        sc->sent++;
    if (sc->tok < tok)
        sc->tok = tok;
    while (sc->tok < doc->toks.n && TD_DOC_TOK(doc, sc->tok)->span.e <= t->span.s)
        sc->tok++;
    if (sc->sent < doc->sents.n && TD_DOC_SENT(doc, sc->sent)->span.s <= t->span.s)
        sentence_tense(sc, sc->sent, sc->tok, &t->tense, &t->near_tense);
    if (t->near_tense)
        t->tense = t->near_tense; /* the nearest cue speaks for the expression */
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Dateline facts about t in line [ls, le). */
static void dateline_facts(const td_doc *doc, td_tx *t, uint32_t ls, uint32_t le)
{
    const char *x = doc->norm;
    uint32_t a = ls, b = le;
    while (a < b && is_space(x[a]))
        a++;
    while (b > a && (is_space(x[b - 1]) || x[b - 1] == '.'))
        b--;
    t->line_is_date = t->span.s <= a + 1 && t->span.e + 1 >= b;
    /* "CITY, Mon DD (Agency) -" or "CITY, Mon DD -" */
    if (t->span.s > a + 2 && t->span.s - a <= 60 && x[t->span.s - 1] == ' ' &&
        x[t->span.s - 2] == ',' && x[a] >= 'A' && x[a] <= 'Z') {
        uint32_t p = t->span.e;
        while (p < b && is_space(x[p]))
            p++;
        if (p >= b || x[p] == '(' || x[p] == '-' || x[p] == '/' ||
            (unsigned char)x[p] == 0xE2 /* — – */)
            t->dateline_shape = true;
    }
}

/* The groups of the last match (rule < 128) into t->g: of the (one or
 * two) numbers of each group the rule has, the first that took part. */
static void take_groups(scan *sc, td_tx *t, int rule)
{
    int count;
    const size_t *ov = td_pattern_offsets(sc->st, &count);
    const struct time_group *gr = sc->r->groups[rule];
    for (int i = 0; ov && i < sc->r->ngroups[rule]; i++) {
        int n = gr[i].n[0];
        if (n >= count || ov[2 * n] == TD_PATTERN_UNSET) {
            n = gr[i].n[1];
            if (n <= 0 || n >= count || ov[2 * n] == TD_PATTERN_UNSET)
                continue;
        }
        if (ov[2 * n + 1] > ov[2 * n])
            t->g[gr[i].g] = td_span_make((uint32_t)ov[2 * n], (uint32_t)ov[2 * n + 1]);
    }
}

static td_status take(scan *sc, const td_pattern_match *m, int line, uint32_t ls, uint32_t le,
                      size_t tok)
{
    td_tx *t = td_vec_push(sc->a, &sc->tx, sizeof *t);
    if (!t)
        return TD_ENOMEM;
    t->span = td_span_make((uint32_t)m->s, (uint32_t)m->e);
    t->rule = m->rule;
    const time_rule *tr = &sc->r->rules[m->rule];
    t->action = tr->action;
    t->type = tr->type;
    t->line = line;
    if (m->rule < 128)
        take_groups(sc, t, m->rule);
    for (int g = 0; g < TG_COUNT && m->rule >= 128; g++) {
        size_t s, e;
        if (td_pattern_group(sc->st, group_names[g], &s, &e) && e > s)
            t->g[g] = td_span_make((uint32_t)s, (uint32_t)e);
    }
    td_time_parse_parts(sc->r, sc->doc, t);
    locate(sc, t, tok);
    dateline_facts(sc->doc, t, ls, le);
    return TD_OK;
}

/* ---- where matches may start -------------------------------------------
 * Running every rule at every byte is far too slow, so matching is driven
 * by tokens: a token that can only occur inside a time expression (a
 * month, a number, "yesterday": a trigger) makes the rules run at its
 * start and at the starts of the unbroken run of words before it (at most
 * BACK) that may begin or continue one ("the", "last", "more", "than": a
 * start), earliest first. */

enum { R_TRIG = 1, R_START = 2, R_EVENT = 4, R_WORD = 8, R_NUM = 16, R_AMPM = 32, R_LINK = 64 };
enum { BACK = 6, EV_BACK = 8 };

static int class_role_slow(const char *c);

/* The role of a class name (its first letters tell it apart). */
static int class_role(const char *c)
{
    switch (c[0]) {
    case 'm': /* month mon3 mod */
        return c[1] == 'o' && c[2] == 'd' ? R_START : R_TRIG;
    case 'w': case 'n': case 'o': case 'u': case 't': /* wday num numx ord unit trig */
        return R_TRIG;
    case 's': /* season start */
        return c[1] == 'e' ? R_TRIG : R_START;
    case 'p': /* pod */
        return R_TRIG;
    default:
        return class_role_slow(c);
    }
}

static int class_role_slow(const char *c)
{
    static const char *const trig[] = {"month", "mon3", "wday", "num",  "ord", "unit",
                                       "season", "pod", "numx", "trig", NULL};
    static const char *const start[] = {"mod", "art", "start", NULL};
    for (int i = 0; trig[i]; i++)
        if (strcmp(c, trig[i]) == 0)
            return R_TRIG;
    for (int i = 0; start[i]; i++)
        if (strcmp(c, start[i]) == 0)
            return R_START;
    if (strcmp(c, "ampm") == 0)
        return R_AMPM;
    if (strcmp(c, "link") == 0)
        return R_LINK;
    return strcmp(c, "evcue") == 0 ? R_EVENT : 0;
}

/* ---- one probe per token ----------------------------------------------
 * Every single word of time_words.tsv and time_tense.tsv sits in one small
 * open-addressing table keyed by its folded form (r->wtab); tok_infos()
 * looks every token up once and keeps what the later passes ask (its
 * role, the role of its first part, its tense cue, its rule mask). */

enum { WI_WORDS = 1, WI_TENSE = 2 };

typedef struct time_winfo word_info;

static const word_info no_info = {0, 0, 0, -1};


enum { R_HOT = R_TRIG | R_EVENT | R_AMPM };
enum { WB_HOT = 1, WB_TENSE = 2, WB_ANY = 4 }; /* bloom bits */

/* A cheap hash of w[0..n) (end: where the text ends) from its length,
 * first eight bytes and last byte, all ORed with 0x20 (so ASCII case does
 * not count). Its top 13 bits index the bloom filter, its low 32 bits are
 * the table's hash. */
static inline uint64_t quick_hash_raw(const char *w, size_t n, const char *end, uint64_t *raw)
{
    uint64_t x = 0;
    size_t k = n < 8 ? n : 8;
    uint64_t keep = k < 8 ? (1ull << (8 * k)) - 1 : ~0ull;
    if (end - w >= 8)
        memcpy(&x, w, 8);
    else
        for (size_t i = 0; i < k; i++)
            x |= (uint64_t)(unsigned char)w[i] << (8 * i);
    *raw = x & keep;
    x = (x | 0x2020202020202020ull) & keep;
    x ^= (uint64_t)n << 58;
    if (n > 8)
        x += (uint64_t)((unsigned char)w[n - 1] | 0x20) * 0x100000001b3ull;
    x *= 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}

static inline uint64_t quick_hash(const char *w, size_t n, const char *end)
{
    uint64_t raw;
    return quick_hash_raw(w, n, end, &raw);
}

/* Is one of the 8 bytes of x a hyphen? */
static inline bool hyphen8(uint64_t x)
{
    uint64_t v = x ^ 0x2d2d2d2d2d2d2d2dull;
    return ((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull) != 0;
}

/* Does w[0..n) (raw: its first 8 bytes, zero past n) hold a hyphen? Up to
 * 16 bytes: its first and its last 8 (they may overlap). */
static inline bool has_hyphen(const char *w, size_t n, uint64_t raw)
{
    if (n > 16)
        return memchr(w, '-', n) != NULL;
    if (hyphen8(raw))
        return true;
    uint64_t last = 0;
    if (n > 8)
        memcpy(&last, w + n - 8, 8);
    return n > 8 && hyphen8(last);
}

static uint32_t wt_home(uint64_t q) { return (uint32_t)(q >> 24); }

int td_time_mask_index(const time_res *r, const td_lex_entry *e)
{
    size_t lo = 0, hi = r->nmasks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)r->masks[mid].e < (uintptr_t)e)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nmasks && r->masks[lo].e == e ? (int)lo : -1;
}

/* What the lexicons say about word w[0..n) (slow: for set-up, and when
 * some key is not ASCII). */
static word_info info_slow(const time_res *r, const char *w, size_t n)
{
    word_info wi = no_info;
    if (n == 0 || n >= 32)
        return wi;
    const td_lex_entry *e = td_lexicon_get(r->words, w, n);
    if (e) {
        wi.flags |= WI_WORDS;
        wi.role = (uint8_t)class_role(td_lex_field(e, 0));
        wi.mask = (int16_t)td_time_mask_index(r, e);
    }
    const td_lex_entry *te = td_lexicon_get(r->tense, w, n);
    if (te) {
        const char *c = td_lex_field(te, 0);
        wi.flags |= WI_TENSE;
        wi.cue = (int8_t)(strcmp(c, "fut") == 0 ? 1 : strcmp(c, "past") == 0 ? -1 : 0);
    }
    return wi;
}

static bool same_folded(const char *w, const char *key, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        c = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (c != (unsigned char)key[i])
            return false;
    }
    return true;
}

static void wt_put(const td_lex_entry *e, void *arg)
{
    time_res *r = arg;
    size_t n = e->hkey_len;
    if (n == 0 || n >= 32 || memchr(e->hkey, ' ', n) || !r->wtab)
        return;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)e->hkey[i] >= 0x80)
            r->wtab_slow = true;
    uint64_t q = quick_hash(e->hkey, n, e->hkey + n);
    uint32_t i = wt_home(q) & r->wtab_mask;
    while (r->wtab[i].key) {
        if (r->wtab[i].len == n && memcmp(r->wtab[i].key, e->hkey, n) == 0)
            return; /* already in (from the other lexicon, or a duplicate) */
        i = (i + 1) & r->wtab_mask;
    }
    word_info wi = info_slow(r, e->hkey, n);
    r->bloom[q >> 51] |= (uint8_t)(WB_ANY | (wi.role & R_HOT ? WB_HOT : 0) |
                                   (wi.flags & WI_TENSE ? WB_TENSE : 0));
    struct time_wslot *sl = &r->wtab[i];
    sl->key = e->hkey;
    sl->h = (uint32_t)q;
    sl->len = (uint8_t)n;
    sl->wi = wi;
}

static td_status build_wtab(time_res *r)
{
    size_t n = td_lexicon_size(r->words) + td_lexicon_size(r->tense), cap = 64;
    while (cap < 4 * n)
        cap *= 2;
    r->wtab = calloc(cap, sizeof *r->wtab);
    if (!r->wtab)
        return TD_ENOMEM;
    r->wtab_mask = (uint32_t)(cap - 1);
    td_lexicon_each(r->words, wt_put, r);
    td_lexicon_each(r->tense, wt_put, r);
    if (r->wtab_slow) /* such keys are hashed folded: no filtering */
        memset(r->bloom, 0xff, sizeof r->bloom);
    return TD_OK;
}

/* ---- the need filter ---------------------------------------------------
 * A rule with a need list (column 6 of time_rules.tsv: "quarter",
 * "ago|from|hence", "%MONTH%") matches only text that holds one of its
 * words as a whole word: a maximal run of [A-Za-z0-9_] (the bytes around
 * it are what the rule's own word boundaries and spaces need), caseless.
 * So at a place with none of them further on in the block the rule is not
 * tried. The runs of a block are looked up once, when a rule is first
 * tried in it (need_scan); the text is scanned byte by byte, so this does
 * not depend on how the segmenter cut the tokens. */

static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* The index into r->need_lens of a word that begins with byte a and ends
 * with byte b: their low five bits after setting 0x20, so that the ASCII
 * case does not count (other bytes may share an index: it is a filter). */
static inline unsigned need_pair(char a, char b)
{
    return (((unsigned char)a | 0x20u) & 31u) << 5 | (((unsigned char)b | 0x20u) & 31u);
}

/* Add word w[0..n) (its case folded) to need sets bits. */
static td_status need_put(time_res *r, const char *w, size_t n, uint32_t bits)
{
    if (n == 0 || n >= sizeof r->need_tab[0].w)
        return TD_EFORMAT;
    char f[sizeof r->need_tab[0].w];
    for (size_t i = 0; i < n; i++)
        f[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
    uint64_t q = quick_hash(f, n, f + n);
    for (uint32_t i = wt_home(q) % TIME_NEED_SLOTS, k = 0; k < TIME_NEED_SLOTS / 2;
         i = (i + 1) % TIME_NEED_SLOTS, k++) {
        struct time_need *sl = &r->need_tab[i];
        if (sl->len == 0) {
            r->need_lens[need_pair(f[0], f[n - 1])] |= 1u << n;
            sl->h = (uint32_t)q;
            sl->len = (uint8_t)n;
            memcpy(sl->w, f, n);
            sl->bits = bits;
            return TD_OK;
        }
        if (sl->len == n && memcmp(sl->w, f, n) == 0) {
            sl->bits |= bits;
            return TD_OK;
        }
    }
    return TD_ETOOBIG; /* the table is too full: callers give up the filter */
}

typedef struct need_class {
    time_res *r;
    const char *cls;
    uint32_t bits;
    td_status st;
} need_class;

/* An entry of the class: its last word (any word of a match of the key
 * is whole, and "trading days" holds "days"). */
static void need_entry(const td_lex_entry *e, void *arg)
{
    need_class *nc = arg;
    if (nc->st != TD_OK || strcmp(td_lex_field(e, 0), nc->cls) != 0)
        return;
    size_t n = strlen(e->key), b = n;
    while (b > 0 && !is_word_byte((unsigned char)e->key[b - 1]))
        b--;
    size_t a = b;
    while (a > 0 && is_word_byte((unsigned char)e->key[a - 1]))
        a--;
    nc->st = need_put(nc->r, e->key + a, b - a, nc->bits);
}

/* The word table of the need sets and the rules of each. */
static td_status build_needs(time_res *r)
{
    td_status st = TD_OK;
    for (size_t i = 0; i < r->nrules && i < TD_PATTERN_MASK_BITS; i++)
        if (r->rules[i].need >= 0)
            r->need_rules[r->rules[i].need].w[i / 64] |= 1ull << (i % 64);
    for (int k = 0; k < r->nneeds && st == TD_OK; k++) {
        for (const char *p = r->need_src[k]; *p && st == TD_OK;) {
            const char *q = strchr(p, '|');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            if (p[0] == '%') {
                need_class nc = {r, macro_class(p + 1, n - 2), 1u << k, TD_OK};
                td_lexicon_each(r->words, need_entry, &nc);
                st = nc.st;
            } else {
                st = need_put(r, p, n, 1u << k);
            }
            p += n + (q != NULL);
        }
    }
    if (st == TD_ETOOBIG) { /* no filter: every rule is tried */
        r->nneeds = 0;
        st = TD_OK;
    }
    for (int g = 0; g < TIME_NEEDS / 8; g++)
        for (unsigned b = 0; b < 256; b++)
            for (int k = 0; k < 8; k++)
                for (size_t j = 0; j < TD_PATTERN_MASK_BITS / 64 && (b >> k & 1); j++)
                    r->need_drop[g][b].w[j] |= r->need_rules[8 * g + k].w[j];
    return st;
}

/* The need sets word w[0..n) is in. */
static uint32_t need_bits(const time_res *r, const char *w, size_t n, const char *end)
{
    if (n >= sizeof r->need_tab[0].w)
        return 0;
    uint64_t q = quick_hash(w, n, end);
    for (uint32_t i = wt_home(q) % TIME_NEED_SLOTS;; i = (i + 1) % TIME_NEED_SLOTS) {
        const struct time_need *sl = &r->need_tab[i];
        if (sl->len == 0)
            return 0;
        if (sl->h == (uint32_t)q && sl->len == n && same_folded(w, sl->w, n))
            return sl->bits;
    }
}

#if defined(__SSE2__)
/* Bit j: x[j] is a word byte, for the 16 bytes at x. */
static inline uint32_t word_bytes16(const char *x)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)x);
    __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
    /* c - lo + 0x80 < n - 0x80 (signed): lo <= c < lo + n */
    __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(low, _mm_set1_epi8((char)(0x80 - 'a'))),
                                   _mm_set1_epi8((char)(-0x80 + 26)));
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                   _mm_set1_epi8((char)(-0x80 + 10)));
    __m128i us = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), us));
}
#endif

/* Bit j: x[j] is a word byte, for the n (<= 16) bytes at x (end: where
 * the text ends; 16 bytes are read when there are). */
static inline uint32_t word_bytes(const char *x, size_t n, const char *end)
{
#if defined(__SSE2__)
    if (end - x >= 16)
        return word_bytes16(x) & ((1u << n) - 1);
#else
    (void)end;
#endif
    uint32_t m = 0;
    for (size_t j = 0; j < n; j++)
        m |= (uint32_t)is_word_byte((unsigned char)x[j]) << j;
    return m;
}

/* Note the need sets of word x[a, e) (a maximal run of word bytes), and
 * of its part after leading digits ("5pm": "pm"), which a rule may take
 * right after a number. */
static inline void need_run(const time_res *r, const char *x, uint32_t a, uint32_t e,
                            const char *end, uint32_t last[TIME_NEEDS], uint32_t *present)
{
    if (x[a] >= '0' && x[a] <= '9') {
        uint32_t d = a + 1;
        while (d < e && x[d] >= '0' && x[d] <= '9')
            d++;
        if (d == e)
            return;
        a = d;
    }
    uint32_t n = e - a;
    if (n >= 32 || !(r->need_lens[need_pair(x[a], x[e - 1])] & (1u << n)))
        return;
    uint32_t bits = need_bits(r, x + a, n, end);
    *present |= bits;
    while (bits) {
        last[__builtin_ctz(bits)] = a + 1;
        bits &= bits - 1;
    }
}

/* The need sets of the text [s, e) (from where rules are first tried in a
 * block to its end): last[k] is 1 + the offset of the last word of set k
 * in it (0: none), bit k of *present set when there is one. Words are
 * found 16 bytes at a time: a mask of the word bytes, whose rises and
 * falls are where runs start and end (visited by their ends). */
static void need_scan(const time_res *r, const td_doc *doc, uint32_t s, uint32_t e,
                      uint32_t last[TIME_NEEDS], uint32_t *present)
{
    const char *x = doc->norm, *end = doc->norm + doc->norm_len;
    memset(last, 0, TIME_NEEDS * sizeof *last);
    *present = 0;
    uint32_t in = 0, a = s; /* in: the byte before i is a word byte (run from a) */
    for (uint32_t i = s; i < e; i += 16) {
        uint32_t n = e - i < 16 ? e - i : 16;
        uint32_t m = word_bytes(x + i, n, end);
        uint32_t prev = (m << 1) | in; /* bit j: byte j - 1 is a word byte */
        uint32_t live = (1u << n) - 1;
        uint32_t starts = m & ~prev & live, ends = ~m & prev & live;
        while (ends) { /* a run ends at j: it began at the last start before j */
            uint32_t j = (uint32_t)__builtin_ctz(ends);
            uint32_t before = starts & ((1u << j) - 1);
            if (before)
                a = i + 31 - (uint32_t)__builtin_clz(before);
            need_run(r, x, a, i + j, end, last, present);
            ends &= ends - 1;
        }
        if (starts) /* the run that may go on into the next bytes */
            a = i + 31 - (uint32_t)__builtin_clz(starts);
        in = (m >> (n - 1)) & 1;
    }
    if (in)
        need_run(r, x, a, e, end, last, present);
}

/* What need_scan found in the block of the current tries. */
typedef struct need_state {
    unsigned block;            /* the block (0xffff: none yet) */
    uint32_t last[TIME_NEEDS]; /* of need_scan */
    uint32_t present;          /* bit k: last[k] != 0 */
    /* the rules need_mask dropped last, right for every offset in
     * [lo, hi): no set comes or goes there */
    uint32_t lo, hi;
    td_pattern_mask drop;
} need_state;

/* Scan the text [s, e) of a block for the need sets. */
static void need_begin(const time_res *r, const td_doc *doc, unsigned block, uint32_t s,
                       uint32_t e, need_state *ns)
{
    need_scan(r, doc, s, e, ns->last, &ns->present);
    ns->block = block;
    ns->lo = ns->hi = 0; /* no drop mask yet */
}

/* The rules of mk (NULL: all) without those that need a set with no word
 * at or after offset at. */
static const td_pattern_mask *need_mask(const time_res *r, const td_pattern_mask *mk,
                                        need_state *ns, uint32_t at, td_pattern_mask *room)
{
    if (at < ns->lo || at >= ns->hi) {
        /* set k is there for at < last[k]: the answer holds from the
         * largest last[k] <= at to the smallest one > at */
        uint32_t avail = 0, lo = 0, hi = UINT32_MAX;
        for (uint32_t p = ns->present; p; p &= p - 1) {
            int k = __builtin_ctz(p);
            uint32_t l = ns->last[k];
            if (l > at) {
                avail |= 1u << k;
                hi = l < hi ? l : hi;
            } else {
                lo = l > lo ? l : lo;
            }
        }
        uint32_t miss = ~avail;
        td_pattern_mask drop = {{0}};
        for (int g = 0; g < TIME_NEEDS / 8; g++) { /* one table row for both words */
            const td_pattern_mask *d = &r->need_drop[g][(miss >> (8 * g)) & 0xff];
            for (size_t j = 0; j < TD_PATTERN_MASK_BITS / 64; j++)
                drop.w[j] |= d->w[j];
        }
        ns->drop = drop;
        ns->lo = lo;
        ns->hi = hi;
    }
    for (size_t j = 0; j < TD_PATTERN_MASK_BITS / 64; j++)
        room->w[j] = (mk ? mk->w[j] : ~0ull) & ~ns->drop.w[j];
    return room;
}

/* The facts about word w[0..n) whose quick_hash is q, when its bloom bits
 * pass; slow: room for an answer built on the fly. No allocation. */
static const word_info *word_info_q(const time_res *r, uint64_t q, const char *w, size_t n,
                                    word_info *slow)
{
    if (n == 0 || n >= 32)
        return &no_info;
    if (r->wtab_slow) {
        *slow = info_slow(r, w, n);
        return slow;
    }
    for (uint32_t i = wt_home(q) & r->wtab_mask;; i = (i + 1) & r->wtab_mask) {
        const struct time_wslot *sl = &r->wtab[i];
        if (!sl->key)
            return &no_info;
        if (sl->h == (uint32_t)q && sl->len == n && same_folded(w, sl->key, n))
            return &sl->wi;
    }
}

/* The facts about w[0..n) when its bloom byte has any of the bits want. */
static const word_info *word_info_of(const time_res *r, int want, const char *w, size_t n,
                                     const char *end, word_info *slow)
{
    if (n == 0 || n >= 32)
        return &no_info;
    uint64_t q = quick_hash(w, n, end);
    if (!(r->bloom[q >> 51] & want))
        return &no_info;
    return word_info_q(r, q, w, n, slow);
}

/* A tok_info of pass 1 as one 64-bit word (one store): role and cue, mask
 * -1, the rest 0 (tok_infos copies it in). */
_Static_assert(sizeof(tok_info) == 8 && offsetof(tok_info, cue) == 2 &&
                   offsetof(tok_info, mask) == 4,
               "tok_info is one word");
static inline uint64_t tok_word(int role, int cue)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint64_t)(uint8_t)role | (uint64_t)(uint8_t)cue << 16 | 0xffffull << 32;
#else
    tok_info x = {.role = (uint8_t)role, .cue = (int8_t)cue, .mask = -1};
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    return v;
#endif
}

/* Pass 1, every token: numbers, triggers, event cues, a.m./p.m., and its
 * tense cue. One quick hash and one load rule out most words. */
static inline uint64_t tok_info_of(const time_res *r, const char *norm, const char *end,
                                   const td_token *t)
{
    const char *w = norm + t->span.s;
    size_t n = t->span.e - t->span.s;
    if (n && w[0] >= '0' && w[0] <= '9')
        return tok_word(R_NUM | R_START, 0);
    if (t->type != TD_TOK_WORD)
        return tok_word(n && w[0] == '\'' ? R_START : 0, 0);
    int role = R_WORD, cue = 0;
    bool tense_word = false, hyphen = n >= 32 && memchr(w, '-', n);
    if (n && n < 32) {
        uint64_t raw, q = quick_hash_raw(w, n, end, &raw);
        hyphen = has_hyphen(w, n, raw);
        if (r->bloom[q >> 51] & (WB_HOT | WB_TENSE)) {
            word_info tmp;
            const word_info *wi = word_info_q(r, q, w, n, &tmp);
            role |= wi->role & R_HOT;
            tense_word = wi->flags & WI_TENSE;
            cue = wi->cue;
        }
    }
    if (!tense_word && n >= 5 && w[n - 2] == 'e' && w[n - 1] == 'd' && !(t->flags & TD_TOKF_CAP))
        cue = -1;
    const char *h = role & R_TRIG || !hyphen ? NULL : memchr(w, '-', n);
    if (h) { /* third-quarter, year-earlier, mid-November */
        const char *l = w + n - 1;
        word_info tmp;
        while (*l != '-')
            l--;
        role |= word_info_of(r, WB_HOT, w, (size_t)(h - w), end, &tmp)->role & R_HOT;
        role |= word_info_of(r, WB_HOT, l + 1, (size_t)(w + n - l - 1), end, &tmp)->role & R_HOT;
    }
    return tok_word(role, cue);
}

/* The chain role and rule mask of token i, looked up the first time a
 * later pass asks. */
static const tok_info *tok_facts(const time_res *r, const td_doc *doc, tok_info *ti, size_t i)
{
    tok_info *x = &ti[i];
    if (x->done)
        return x;
    x->done = 1;
    const td_token *t = TD_DOC_TOK(doc, i);
    if (t->type != TD_TOK_WORD)
        return x;
    const char *w = doc->norm + t->span.s, *end = doc->norm + doc->norm_len;
    size_t n = t->span.e - t->span.s;
    word_info s1, s2;
    const word_info *whole = word_info_of(r, WB_ANY, w, n, end, &s1), *first = whole;
    const char *h = memchr(w, '-', n);
    if (h)
        first = word_info_of(r, WB_ANY, w, (size_t)(h - w), end, &s2);
    x->chain = (uint8_t)(first->role & (R_START | R_TRIG | R_LINK));
    x->mask = whole->flags & WI_WORDS               ? whole->mask
              : h && (first->flags & WI_WORDS) ? first->mask
                                               : -1;
    x->mlen = (uint8_t)(whole->flags & WI_WORDS ? n : h ? (size_t)(h - w) : 0);
    return x;
}

/* May token i begin (R_START, R_TRIG) or continue (R_LINK) a time
 * expression before its trigger? */
static int chain_role(const time_res *r, const td_doc *doc, tok_info *ti, size_t i)
{
    if (ti[i].role & (R_START | R_TRIG))
        return ti[i].role & (R_START | R_TRIG);
    return ti[i].role & R_WORD ? tok_facts(r, doc, ti, i)->chain : 0;
}

/* A number starts tagging only when it looks like a year or a date, or a
 * unit, month or a.m./p.m. follows it within three tokens ("$5 million"
 * does not; "five years", "5 p.m." do). */
static bool number_triggers(const td_doc *doc, const tok_info *ti, size_t i)
{
    const td_token *t = TD_DOC_TOK(doc, i);
    const char *w = doc->norm + t->span.s;
    size_t n = t->span.e - t->span.s;
    if ((n == 4 || (n == 5 && w[4] == 's')) &&
        ((w[0] == '1' && w[1] >= '5') || (w[0] == '2' && w[1] == '0')))
        return true;
    if (memchr(w, '/', n) || memchr(w, '-', n) || memchr(w, ':', n))
        return true;
    for (size_t k = i + 1; k < doc->toks.n && k <= i + 3; k++) {
        if (TD_DOC_TOK(doc, k)->block != t->block)
            break;
        if (ti[k].role & (R_TRIG | R_AMPM))
            return true;
    }
    return false;
}

/* A token scan_tokens runs rules around (a trigger or an event cue) and
 * the index of its line: of the runs of tokens in one block, from 0. */
typedef struct tok_cand {
    uint32_t tok;
    int32_t line;
} tok_cand;

/* Per-token facts for the whole document, in one pass (in ctx->scratch),
 * and the tokens scan_tokens visits (*cand, *ncand). */
static tok_info *tok_infos(const time_res *r, const td_doc *doc, td_arena *a, tok_cand **cand,
                           size_t *ncand)
{
    size_t n = doc->toks.n ? doc->toks.n : 1;
    tok_info *ti = td_arena_alloc(a, n * sizeof *ti);
    tok_cand *c = td_arena_alloc(a, n * sizeof *c);
    if (!ti || !c)
        return NULL;
    /* every token that may be a candidate (numbers: those that trigger,
     * known once the tokens after them are looked up) */
    int line = -1;
    unsigned cur = 0xffffu;
    size_t k = 0;
    /* loop invariants in locals: the byte stores to ti may alias doc */
    const td_token *toks = doc->toks.items;
    const char *norm = doc->norm, *end = doc->norm + doc->norm_len;
    for (size_t i = 0, nt = doc->toks.n; i < nt; i++) {
        const td_token *t = &toks[i];
        if (t->block != cur) {
            cur = t->block;
            line++;
        }
        uint64_t x = tok_info_of(r, norm, end, t);
        memcpy(&ti[i], &x, sizeof x);
        if (x & (R_TRIG | R_EVENT | R_NUM)) /* the role is the low byte */
            c[k++] = (tok_cand){(uint32_t)i, line};
    }
    size_t m = 0;
    for (size_t j = 0; j < k; j++) {
        tok_info *x = &ti[c[j].tok];
        if (x->role & R_NUM && number_triggers(doc, ti, c[j].tok))
            x->role |= R_TRIG;
        if (x->role & (R_TRIG | R_EVENT))
            c[m++] = c[j];
    }
    *cand = c;
    *ncand = m;
    return ti;
}

/* The rules that may match at token p (NULL: any, by first byte): those
 * of its word, and of them the ones that may go on with the next byte when
 * one space follows the word. The block ends at len. */
static const td_pattern_mask *word_mask(const time_res *r, const td_doc *doc, tok_info *ti,
                                        size_t p, size_t len)
{
    const tok_info *x = tok_facts(r, doc, ti, p);
    if (x->mask < 0)
        return NULL;
    const struct time_wmask *wm = &r->masks[x->mask];
    size_t e = TD_DOC_TOK(doc, p)->span.s + x->mlen;
    if (!wm->next || e + 2 >= len || doc->norm[e] != ' ' || doc->norm[e + 1] == ' ' ||
        (unsigned char)doc->norm[e + 1] >= 128)
        return &wm->m;
    return &wm->next[(unsigned char)doc->norm[e + 1]];
}

/* A match m found at token tok of block b, line line. */
typedef td_status (*hit_fn)(void *arg, const td_pattern_match *m, const td_block *b, int line,
                            size_t tok);

/* Run the rules of st around every token of cand with role `trig`. */
static td_status scan_tokens(const time_res *r, td_doc *doc, tok_info *ti, const tok_cand *cand,
                             size_t ncand, td_pattern_state *st, int trig, bool any_start,
                             size_t back, hit_fn hit, void *arg)
{
    size_t from = 0;
    uint8_t fail_bit = any_start ? 2 : 1;
    need_state ns;
    ns.block = 0xffffu;
    for (size_t c = 0; c < ncand; c++) {
        size_t i = cand[c].tok;
        int line = cand[c].line;
        const td_token *t = TD_DOC_TOK(doc, i);
        if (t->span.s < from || !(ti[i].role & trig) || t->block >= doc->blocks.n)
            continue;
        const td_block *b = TD_DOC_BLOCK(doc, t->block);
        if (!td_block_is_read(b->kind))
            continue;
        /* the unbroken run of start and link words (and triggers) just
         * before i; a match may begin at any of them but a link word */
        size_t lo = i;
        uint32_t can_begin = 1; /* bit k: token i - k may begin a match */
        while (lo > 0 && i - lo < back && TD_DOC_TOK(doc, lo - 1)->block == t->block &&
               TD_DOC_TOK(doc, lo - 1)->span.s >= from) {
            int cr = any_start ? R_START : chain_role(r, doc, ti, lo - 1);
            if (!cr)
                break;
            lo--;
            if (cr & (R_START | R_TRIG))
                can_begin |= 1u << (i - lo);
        }
        for (size_t p = lo; p <= i; p++) {
            /* a start token may lie in the run of several triggers: the
             * same rules at the same place fail again, so each is tried once */
            if (!(can_begin & (1u << (i - p))) || ti[p].failed & fail_bit)
                continue;
            const td_token *tp = TD_DOC_TOK(doc, p);
            td_pattern_match m;
            td_pattern_mask room;
            const td_pattern_mask *mk = any_start ? NULL : word_mask(r, doc, ti, p, b->span.e);
            if (!any_start && r->nneeds) {
                if (ns.block != t->block) /* later tries here are further on */
                    need_begin(r, doc, t->block, tp->span.s, b->span.e, &ns);
                mk = need_mask(r, mk, &ns, tp->span.s, &room);
            }
            if (td_pattern_longest_in(st, mk, doc->norm, b->span.e, tp->span.s, &m)) {
                td_status s = hit(arg, &m, b, line, p);
                if (s != TD_OK)
                    return s;
                from = m.e;
                break;
            }
            ti[p].failed |= fail_bit;
        }
    }
    return TD_OK;
}

static td_status take_hit(void *arg, const td_pattern_match *m, const td_block *b, int line,
                          size_t tok)
{
    return take(arg, m, line, b->span.s, b->span.e, tok);
}

typedef struct ev_scan {
    const time_res *r;
    td_arena *a;
    td_vec *out;
} ev_scan;

static td_status event_hit(void *arg, const td_pattern_match *m, const td_block *b, int line,
                           size_t tok)
{
    (void)b;
    (void)line;
    (void)tok;
    ev_scan *es = arg;
    td_tx_event *ev = td_vec_push(es->a, es->out, sizeof *ev);
    if (!ev)
        return TD_ENOMEM;
    ev->span = td_span_make((uint32_t)m->s, (uint32_t)m->e);
    ev->y = es->r->event_ymd[m->rule * 3];
    ev->m = es->r->event_ymd[m->rule * 3 + 1];
    ev->d = es->r->event_ymd[m->rule * 3 + 2];
    return TD_OK;
}

/* Known past events: their dates bound the publication date from below. */
static td_status find_events(const time_res *r, td_doc *doc, tok_info *ti, const tok_cand *cand,
                             size_t ncand, td_arena *a, td_vec *out)
{
    td_pattern_state *st;
    td_status s = td_pattern_state_new(r->events, a, &st);
    if (s != TD_OK)
        return s;
    ev_scan es = {r, a, out};
    return scan_tokens(r, doc, ti, cand, ncand, st, R_EVENT, true, EV_BACK, event_hit, &es);
}

/* In a report about a quarter, "a year earlier" / "the year-ago period"
 * is that quarter a year before (1988-Q3), not just the year. */
static void same_period(td_doc *doc, const td_tx *t, const td_anchor *an, td_time *out, int *qy,
                        int *qq)
{
    const char *v = out->value;
    if (t->action == TX_QUARTER && strlen(v) == 7 && v[5] == 'Q' && v[6] >= '1' && v[6] <= '4') {
        *qy = atoi(v);
        *qq = v[6] - '0';
        return;
    }
    if (t->action == TX_AGO && *qq && an->prec >= TD_PREC_YEAR && strlen(v) == 4 &&
        atoi(v) == an->y - 1 && *qy == an->y)
        out->value = td_arena_printf(&doc->arena, "%04d-Q%d", *qy - 1, *qq);
}

td_status td_time_run(td_stage_ctx *ctx, td_doc *doc)
{
    const time_res *r = ctx->res->time;
    scan sc = {.r = r, .doc = doc, .a = &ctx->scratch};
    td_status st = td_pattern_state_new(r->ps, sc.a, &sc.st);
    tok_cand *cand = NULL;
    size_t ncand = 0;
    tok_info *ti = st == TD_OK ? tok_infos(r, doc, sc.a, &cand, &ncand) : NULL;
    if (st == TD_OK && !ti)
        st = TD_ENOMEM;
    sc.ti = ti;
    if (st == TD_OK)
        st = scan_tokens(r, doc, ti, cand, ncand, sc.st, R_TRIG, false, BACK, take_hit, &sc);
    td_vec events = {0};
    bool check = doc->date.source && strcmp(doc->date.source, "header") == 0;
    if (st == TD_OK && check)
        st = find_events(r, doc, ti, cand, ncand, sc.a, &events);
    if (st != TD_OK)
        return st;
    td_docdate_decide(doc, sc.tx.items, sc.tx.n, events.items, events.n);
    td_anchor an;
    td_time_anchor(doc, &an);
    int qy = 0, qq = 0; /* the last quarter the text named */
    for (size_t i = 0; i < sc.tx.n; i++) {
        const td_tx *t = TD_VEC_AT(sc.tx, td_tx, i);
        td_time out;
        if (!td_time_normalise(r, doc, &an, t, &out))
            continue;
        same_period(doc, t, &an, &out, &qy, &qq);
        td_time *tt = td_vec_push(&doc->arena, &doc->times, sizeof *tt);
        if (!tt)
            return TD_ENOMEM;
        *tt = out;
    }
    return TD_OK;
}
