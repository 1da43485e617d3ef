/*
 * quotes.c - the quotes stage: who said what.
 *
 * Every attribution becomes one td_quote: `direct` (its content lies wholly
 * inside quote marks), `mixed` (partly) or `reported` (not at all), with
 * its speaker (local mention, canonical name, entity), its cue and its
 * content span(s). The quoted runs inside a mixed attribution are listed
 * again as direct items with the same speaker.
 *
 * How (English only, over the tokens and sentences of the read blocks, so
 * boilerplate is never seen):
 *   1. quotes_marks.c pairs the quote marks into quoted regions;
 *   2. every cue (data/lex/quote_cues.tsv) outside quote marks anchors an
 *      attribution: its speaker is the noun phrase before it ("Lavrov
 *      said", "the ministry also said", "Smith, the mayor, said"), after it
 *      ("..., said Lavrov"), after "according to", or, for an -ing cue
 *      after a comma, the speaker of the sentence ("..., adding that");
 *   3. the content is what the cue clause governs: the rest of the sentence
 *      after "said (that)" / "said:" (pattern A), or the clause before
 *      ", X said" (pattern B) - extended over quote marks that run across
 *      sentences and paragraphs, and joined with the pieces of a split
 *      quote ("X," he said, "Y." and "X," he said. "Y.");
 *   4. speakers are resolved by coref.c: entity mention, full name for a
 *      surname, the most recent compatible person for he/she, the most
 *      recent person with that title for "the minister".
 * Quote marks with no cue around them (scare quotes, titles) are not
 * speech. Word classes and cues are data (data/lex/quote_*.tsv). Every scan
 * is bounded by its sentence or a small constant: linear in the tokens.
 */
#include "buf.h"
#include "coref.h"
#include "quotes_marks.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>

/* ---- resources --------------------------------------------------------- */

/* Word filters: a bit per (length, first four bytes), folded; a token
 * whose bit is clear is no key of the list (a cue's first word, a word of
 * quote_words.tsv), so most tokens never reach a hash table. */
#define WF_LOG 15
#define WF_BITS (1u << WF_LOG)

/* The first four bytes of w[0..n) (n >= 1), zero padded, hashed with n to
 * a filter bit; hi is ORed in with bit 5 of each byte (ASCII case). */
static inline uint32_t filter_key(const char *w, size_t n, bool hi)
{
    uint32_t x = 0;
    if (n >= 4)
        memcpy(&x, w, 4);
    else
        for (size_t i = 0; i < n; i++)
            x |= (uint32_t)(unsigned char)w[i] << (8 * i);
    x |= 0x20202020u | (hi ? (x >> 7) & 0x01010101u : 0);
    uint32_t h = (x ^ (uint32_t)n * 0x9E3779B9u) * 0x85EBCA6Bu;
    return h >> (32 - WF_LOG);
}

/* The word filters' key: bit 0 is set too in a byte >= 0x80 (the second
 * bytes the lexicon's folding changes: +0x20 or |1), so bytes equal under
 * folding give the same key. */
static inline uint32_t wf_key(const char *w, size_t n) { return filter_key(w, n, true); }

/* The cue filters' key: wf_key without the bit 0 of bytes >= 0x80. A cue
 * word starts with three ASCII letters (letter3), so its fourth byte is
 * ASCII or a lead byte, which folding never changes: bit 5 is enough. */
static inline uint32_t cf_key(const char *w, size_t n) { return filter_key(w, n, false); }

static inline bool bit_has(const uint64_t *f, uint32_t k) { return (f[k >> 6] >> (k & 63)) & 1u; }

static void wf_set(uint64_t *f, const char *w, size_t n)
{
    uint32_t k = wf_key(w, n);
    f[k >> 6] |= 1ull << (k & 63);
}

static inline bool wf_has(const uint64_t *f, const char *w, size_t n)
{
    uint32_t k = wf_key(w, n);
    return (f[k >> 6] >> (k & 63)) & 1u;
}

static void add_wfilt(const td_lex_entry *e, void *arg)
{
    size_t n = strlen(e->key);
    if (n > 0)
        wf_set(arg, e->key, n);
}

/* The short words of a folded lexicon: its keys of 1 to 16 ASCII bytes,
 * folded, in a small open-addressing table, with the entry the lexicon
 * keeps for each. A token of 1 to 16 ASCII bytes is answered here in a
 * few instructions (no other key can equal it); any other token goes to
 * td_lexicon_get. */
typedef struct {
    uint64_t w0, w1; /* the folded key, little-endian, zero padded */
    uint32_t len;
    const td_lex_entry *e;
} sw_rec;

typedef struct {
    sw_rec *rec;    /* rec[0] unused */
    uint16_t *slot; /* 0: empty, else an index into rec */
    uint32_t mask;  /* slots - 1; 0: no table (all go to the lexicon) */
} swtab;

#define SW_ONES8 0x0101010101010101ull

/* Bytes [0, n) of p (1 <= n <= 8), little-endian, zero padded, read
 * within them (two loads that may overlap). */
static inline uint64_t sw_ld(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return (uint64_t)a | (uint64_t)b << (8 * (n - 4));
    }
    return (uint64_t)u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1));
}

/* ASCII capitals of eight ASCII bytes to lower case (as the lexicon folds). */
static inline uint64_t sw_fold8(uint64_t x)
{
    uint64_t a = x + SW_ONES8 * (0x80 - 'A');
    uint64_t z = x + SW_ONES8 * (0x80 - 'Z' - 1);
    return x | ((a & ~z & (SW_ONES8 * 0x80)) >> 2);
}

/* w[0..n), 1 <= n <= 16, folded into *w0, *w1; false when a byte is not
 * ASCII. */
static inline bool sw_key(const char *w, size_t n, uint64_t *w0, uint64_t *w1)
{
    uint64_t a, b = 0;
    if (n <= 8) {
        a = sw_ld(w, n);
    } else {
        memcpy(&a, w, 8);
        b = sw_ld(w + 8, n - 8);
    }
    if ((a | b) & (SW_ONES8 * 0x80))
        return false;
    *w0 = sw_fold8(a);
    *w1 = sw_fold8(b);
    return true;
}

static inline uint32_t sw_hash(uint64_t w0, uint64_t w1, size_t n)
{
    uint64_t h = (w0 ^ (uint64_t)n) * 0x9E3779B97F4A7C15ull;
    h = (h ^ (h >> 29) ^ w1) * 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(h >> 32);
}

/* The entry of lx for w[0..n) (td_lexicon_get's answer). */
static inline const td_lex_entry *sw_get(const swtab *t, const td_lexicon *lx, const char *w,
                                         size_t n)
{
    uint64_t w0, w1;
    if (!t->mask || n == 0 || n > 16 || !sw_key(w, n, &w0, &w1))
        return td_lexicon_get(lx, w, n);
    for (uint32_t i = sw_hash(w0, w1, n) & t->mask;; i = (i + 1) & t->mask) {
        uint16_t k = t->slot[i];
        if (!k)
            return NULL;
        const sw_rec *r = &t->rec[k];
        if (r->w0 == w0 && r->w1 == w1 && r->len == n)
            return r->e;
    }
}

typedef struct {
    swtab *t;
    const td_lexicon *lx;
    uint32_t n;
} sw_builder;

static void sw_add(const td_lex_entry *e, void *arg)
{
    sw_builder *b = arg;
    size_t n = strlen(e->key);
    uint64_t w0, w1;
    if (n == 0 || n > 16 || !sw_key(e->key, n, &w0, &w1))
        return;
    swtab *t = b->t;
    uint32_t i = sw_hash(w0, w1, n) & t->mask;
    for (; t->slot[i]; i = (i + 1) & t->mask) {
        const sw_rec *r = &t->rec[t->slot[i]];
        if (r->w0 == w0 && r->w1 == w1 && r->len == n)
            return; /* the same key folded: the same entry */
    }
    sw_rec *r = &t->rec[++b->n];
    r->w0 = w0;
    r->w1 = w1;
    r->len = (uint32_t)n;
    r->e = td_lexicon_get(b->lx, e->key, n); /* the entry the lexicon keeps */
    t->slot[i] = (uint16_t)b->n;
}

/* The table of lx's short words (load <= 1/4). With more entries than a
 * slot can index, none: every word goes to the lexicon. */
static td_status sw_make(swtab *t, const td_lexicon *lx)
{
    memset(t, 0, sizeof *t);
    size_t n = td_lexicon_entries(lx);
    if (n >= 0xffff)
        return TD_OK;
    size_t cap = 64;
    while (cap < n * 4)
        cap *= 2;
    t->rec = calloc(n + 1, sizeof *t->rec);
    t->slot = calloc(cap, sizeof *t->slot);
    if (!t->rec || !t->slot) {
        free(t->rec);
        free(t->slot);
        memset(t, 0, sizeof *t);
        return TD_ENOMEM;
    }
    t->mask = (uint32_t)(cap - 1);
    sw_builder b = {t, lx, 0};
    td_lexicon_each(lx, sw_add, &b);
    return TD_OK;
}

static void sw_free(swtab *t)
{
    free(t->rec);
    free(t->slot);
}

typedef struct {
    td_lexicon *cues;            /* quote_cues.tsv */
    td_lexicon *words;           /* quote_words.tsv */
    td_lexicon *first;           /* the first words of the multi-word cues */
    /* filters, a bit per (length, first four bytes): */
    uint64_t cfilt[WF_BITS / 64]; /* a cue's first word (cf_key) */
    uint64_t mfilt[WF_BITS / 64]; /* the same, for multi-word cues only */
    uint64_t wfilt[WF_BITS / 64]; /* the words of quote_words.tsv */
    uint8_t *wcls;                /* per entry id of quote_words.tsv: its class (W_*) */
    uint8_t *cflag;               /* per entry id of quote_cues.tsv: its CF_* bits */
    swtab sw_words, sw_cues;      /* the short words of words and cues */
} qres;

/* A cue's fields as bits, once at init (no strcmp per use). */
enum {
    CF_EVAL = 1,  /* field 0 "eval" */
    CF_PREP = 2,  /* field 0 "prep" */
    CF_TELL = 4,  /* field 0 "tell" */
    CF_BASE = 8,  /* field 1 "base" */
    CF_ING = 16,  /* field 1 "ing" */
    CF_NOCAP = 32 /* field 3 "nocap" */
};

static void add_wcls(const td_lex_entry *e, void *arg);
static void add_cflag(const td_lex_entry *e, void *arg);
static td_status by_entry(const td_lexicon *lx, void (*fn)(const td_lex_entry *, void *),
                          uint8_t **out);

/* Whether the first three bytes are ASCII letters (every cue word's are). */
static inline bool letter3(const char *w)
{
    return (unsigned)((w[0] | 0x20) - 'a') < 26u && (unsigned)((w[1] | 0x20) - 'a') < 26u &&
           (unsigned)((w[2] | 0x20) - 'a') < 26u;
}

typedef struct {
    qres *q;
    td_buf text; /* "word\n" lines for the first-word lexicon */
    td_status st;
} first_builder;

static void add_first(const td_lex_entry *e, void *arg)
{
    first_builder *b = arg;
    const char *k = e->key;
    size_t n = strcspn(k, " ");
    if (n > 0) {
        uint32_t key = cf_key(k, n);
        b->q->cfilt[key >> 6] |= 1ull << (key & 63);
        if (k[n] == ' ')
            b->q->mfilt[key >> 6] |= 1ull << (key & 63);
    }
    if (k[n] != ' ')
        return; /* only multi-word cues go into the first-word list */
    if (b->st == TD_OK)
        b->st = td_buf_append(&b->text, k, n);
    if (b->st == TD_OK)
        b->st = td_buf_append(&b->text, "\n", 1);
}

static td_status build_first(qres *q, char **err)
{
    first_builder b;
    memset(&b, 0, sizeof b);
    b.q = q;
    b.st = TD_OK;
    td_lexicon_each(q->cues, add_first, &b);
    td_status st = b.st;
    if (st == TD_OK)
        st = td_lexicon_new(TD_LEX_FOLD, &q->first);
    if (st == TD_OK)
        st = td_lexicon_add_text(q->first, b.text.ptr ? b.text.ptr : "", b.text.len,
                                 "quote cue first words", false, err);
    free(b.text.ptr);
    return st;
}

td_status td_quotes_init(td_resources *res, char **err)
{
    qres *q = calloc(1, sizeof *q);
    if (!q)
        return TD_ENOMEM;
    td_status st = td_lexicon_load(&res->opts, "quote_cues.tsv", TD_LEX_FOLD, &q->cues, err);
    if (st == TD_OK)
        st = td_lexicon_load(&res->opts, "quote_words.tsv", TD_LEX_FOLD, &q->words, err);
    if (st == TD_OK)
        st = build_first(q, err);
    if (st == TD_OK)
        td_lexicon_each(q->words, add_wfilt, q->wfilt);
    if (st == TD_OK)
        st = by_entry(q->words, add_wcls, &q->wcls); /* the class of every word */
    if (st == TD_OK)
        st = by_entry(q->cues, add_cflag, &q->cflag); /* the CF_* flags of every cue */
    if (st == TD_OK)
        st = sw_make(&q->sw_words, q->words);
    if (st == TD_OK)
        st = sw_make(&q->sw_cues, q->cues);
    if (st != TD_OK) {
        sw_free(&q->sw_words);
        sw_free(&q->sw_cues);
        free(q->wcls);
        free(q->cflag);
        td_lexicon_free(q->cues);
        td_lexicon_free(q->words);
        td_lexicon_free(q->first);
        free(q);
        return st;
    }
    res->quotes = q;
    return TD_OK;
}

void td_quotes_release(td_resources *res)
{
    qres *q = res->quotes;
    if (!q)
        return;
    td_lexicon_free(q->cues);
    td_lexicon_free(q->words);
    td_lexicon_free(q->first);
    sw_free(&q->sw_words);
    sw_free(&q->sw_cues);
    free(q->wcls);
    free(q->cflag);
    free(q);
    res->quotes = NULL;
}

/* ---- per-document context ---------------------------------------------- */

enum {
    W_NONE = 0,
    W_PRON,
    W_REL,
    W_OBJ,
    W_DET,
    W_HON,
    W_TITLE,
    W_MOD,
    W_NOM,
    W_AUX,
    W_BE,
    W_ADJ,
    W_COMP,
    W_STOP,
    W_CONN,
    W_UNSET = 0xff
};

static const char *const wclass_names[] = {"",    "pron",  "rel",  "obj",  "det",
                                           "hon", "title", "mod",  "nom",  "aux",
                                           "be",  "adj",   "comp", "stop", "conn"};

/* The class named by an entry's first field, or W_NONE. */
static void add_wcls(const td_lex_entry *e, void *arg)
{
    const char *f = td_lex_field(e, 0);
    int k = W_NONE;
    for (int j = 1; j < (int)(sizeof wclass_names / sizeof *wclass_names); j++)
        if (f[0] == wclass_names[j][0] && strcmp(f, wclass_names[j]) == 0) {
            k = j;
            break;
        }
    ((uint8_t *)arg)[e->id] = (uint8_t)k;
}

/* A byte for every entry of lx, by entry id, that fn(entry, table) sets:
 * worked out once at start-up. */
static td_status by_entry(const td_lexicon *lx, void (*fn)(const td_lex_entry *, void *),
                          uint8_t **out)
{
    *out = calloc(td_lexicon_entries(lx) + 1, 1);
    if (!*out)
        return TD_ENOMEM;
    td_lexicon_each(lx, fn, *out);
    return TD_OK;
}

/* The CF_* bits of a cue entry, from its fields. */
static void add_cflag(const td_lex_entry *e, void *arg)
{
    const char *f0 = td_lex_field(e, 0), *f1 = td_lex_field(e, 1);
    uint8_t b = 0;
    b |= strcmp(f0, "eval") == 0 ? CF_EVAL : 0;
    b |= strcmp(f0, "prep") == 0 ? CF_PREP : 0;
    b |= strcmp(f0, "tell") == 0 ? CF_TELL : 0;
    b |= strcmp(f1, "base") == 0 ? CF_BASE : 0;
    b |= strcmp(f1, "ing") == 0 ? CF_ING : 0;
    b |= strcmp(td_lex_field(e, 3), "nocap") == 0 ? CF_NOCAP : 0;
    ((uint8_t *)arg)[e->id] = b;
}

/* The CF_* bits of a cue entry. */
#define CUEF(c, e) ((c)->R->cflag[(e)->id])

enum { NP_NONE = 0, NP_PRON, NP_REL, NP_NAME, NP_NOM };

#define MAX_PIECES 8
#define MAX_NP 7       /* tokens in a speaker noun phrase */
#define MAX_ADJUNCT 16 /* tokens skipped after a cue ("said on Friday at ...") */
#define MAX_PARAS 20   /* paragraphs a quote may run over */

typedef struct {
    bool has;
    td_span span;
    const char *name;
    int entity;
} speaker;

typedef struct {
    uint32_t ps[MAX_PIECES], pe[MAX_PIECES]; /* pieces: token ranges [ps, pe) */
    int np;
    uint32_t cue_s, cue_e; /* cue tokens [cue_s, cue_e) */
    speaker spk;
} attr;

typedef struct {
    td_doc *doc;
    const qres *R;
    td_arena *scratch;
    td_qmarks M;
    uint32_t n;
    uint32_t *sent_map; /* per token: its sentence, only when the sentences
                         * overlap or are out of order (else sent_of searches) */
    uint8_t *wc;
    uint8_t *reg_used;
    td_coref *coref;
    /* the last speaker, for "..., adding that" */
    speaker last_spk;
    uint32_t last_spk_sent;
    /* the last organisation or group that spoke, for "they said" */
    const char *last_group;
    int last_group_ent;
    uint32_t last_group_sent;
    bool has_group;
    uint32_t floor;               /* tokens before it belong to an earlier attribution */
    uint8_t *claimed;             /* per token: inside an attribution already emitted */
    const td_lex_entry **cue_ent; /* per token: the cue starting there (when cue_len) */
    uint8_t *cue_len;             /* its length in tokens, 0: no cue there */
    uint32_t *cue_pos;            /* the tokens where a cue starts, in order */
    uint32_t n_cues;
    uint32_t cue_s0, cue_first;   /* run_sentence's last s0 and its first cue */
    uint32_t *mark_pos;           /* the quote mark tokens, in order (find_cues) */
    uint32_t n_marks;
    bool eval_pass;               /* trying the evaluative cues: never over claimed words */
    bool rf_known;                /* the last first_region_from: its token and answer */
    uint32_t rf_tok;
    size_t rf_reg;
    td_status st;
} qctx;

static const td_token *T(const qctx *c, uint32_t i) { return TD_DOC_TOK(c->doc, i); }

/* The quote_words.tsv entry for word[0..len), or NULL: the filter first. */
static inline const td_lex_entry *word_entry(const qres *R, const char *w, size_t len)
{
    if (len == 0 || !wf_has(R->wfilt, w, len))
        return NULL;
    return sw_get(&R->sw_words, R->words, w, len);
}

static int wclass_slow(qctx *c, uint32_t i)
{
    const td_token *t = T(c, i);
    int k = W_NONE;
    if (t->type == TD_TOK_WORD) {
        const td_lex_entry *e = word_entry(c->R, c->doc->norm + t->span.s, t->span.e - t->span.s);
        if (e)
            k = c->R->wcls[e->id];
    }
    c->wc[i] = (uint8_t)k;
    return k;
}

/* The word class of token i (W_*), looked up once per token. */
static inline int wclass(qctx *c, uint32_t i)
{
    int k = c->wc[i];
    return k != W_UNSET ? k : wclass_slow(c, i);
}

static const char *wextra(const qctx *c, uint32_t i)
{
    const td_token *t = T(c, i);
    const td_lex_entry *e = word_entry(c->R, c->doc->norm + t->span.s, t->span.e - t->span.s);
    return e ? td_lex_field(e, 1) : "";
}

static bool is_word(const qctx *c, uint32_t i) { return T(c, i)->type == TD_TOK_WORD; }
static bool is_cap(const qctx *c, uint32_t i)
{
    return T(c, i)->type == TD_TOK_WORD && (T(c, i)->flags & TD_TOKF_CAP);
}

static inline bool tok_is(const qctx *c, uint32_t i, const char *s)
{
    const td_token *t = T(c, i);
    size_t n = strlen(s);
    return t->span.e - t->span.s == n && memcmp(c->doc->norm + t->span.s, s, n) == 0;
}

static inline bool is_punct(const qctx *c, uint32_t i, char ch)
{
    const td_token *t = T(c, i);
    return t->type == TD_TOK_PUNCT && t->span.e - t->span.s == 1 && c->doc->norm[t->span.s] == ch;
}

static bool is_dash(const qctx *c, uint32_t i)
{
    return T(c, i)->type == TD_TOK_PUNCT && (tok_is(c, i, "\xE2\x80\x94") || tok_is(c, i, "--"));
}

static bool is_terminal(const qctx *c, uint32_t i)
{
    return is_punct(c, i, '.') || is_punct(c, i, '!') || is_punct(c, i, '?') ||
           is_punct(c, i, ';') || tok_is(c, i, "...") || tok_is(c, i, "\xE2\x80\xA6");
}

static inline const td_qregion *region_of(const qctx *c, uint32_t i)
{
    int32_t r = c->M.reg_of[i];
    return r >= 0 ? &c->M.regs[r] : NULL;
}

/* The last token of a region: its closing mark, or its last word. */
static inline uint32_t region_last(const td_qregion *r)
{
    return r->closed ? r->close_tok : r->end - 1;
}

static size_t first_region_from(qctx *c, uint32_t i);

static bool is_open_mark(const qctx *c, uint32_t i)
{
    const td_qregion *r = region_of(c, i);
    return r && r->open_tok == i;
}

static bool is_close_mark(const qctx *c, uint32_t i)
{
    const td_qregion *r = region_of(c, i);
    return r && r->close_tok == i;
}

static bool is_adverb(qctx *c, uint32_t i);
static bool is_coord(qctx *c, uint32_t i);

/* The sentence of token i: the last one holding it, 0 when none does.
 * The sentences are in order and disjoint (else sent_map answers): the
 * last one starting at or before i holds it or none does. */
static uint32_t sent_of(const qctx *c, uint32_t i)
{
    if (c->sent_map)
        return c->sent_map[i];
    size_t lo = 0, hi = c->doc->sents.n; /* the first starting after i */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (TD_DOC_SENT(c->doc, mid)->tok_first <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const td_sentence *s = TD_DOC_SENT(c->doc, lo - 1);
    return i - s->tok_first < s->tok_count ? (uint32_t)(lo - 1) : 0;
}

static const td_sentence *S(const qctx *c, uint32_t i)
{
    return TD_DOC_SENT(c->doc, sent_of(c, i));
}

/* The cue starting at token i, found once per document: a filter, then one
 * lookup (the multi-word match only after the first word of a multi-word
 * cue). Cue words are of 3 to 14 letters. The same pass lists the quote
 * mark tokens for td_quotes_find_marks. */
static void find_cues(qctx *c)
{
    /* locals: the stores below cannot alias them, so they stay in registers */
    const td_token *tk = T(c, 0);
    const char *norm = c->doc->norm;
    const uint64_t *cfilt = c->R->cfilt;
    uint32_t n = c->n;
    uint32_t *marks = c->mark_pos, nm = 0;
    for (uint32_t i = 0; i < n; i++) {
        const td_token *t = &tk[i];
        if (__builtin_expect(t->type != TD_TOK_WORD, 0)) {
            if ((uint8_t)(t->type - TD_TOK_QUOTE_OPEN) <= 1u) /* open or close */
                marks[nm++] = i;
            continue;
        }
        uint32_t len = t->span.e - t->span.s;
        if (len - 3u > 11u) /* 3 to 14 bytes */
            continue;
        const char *w = norm + t->span.s;
        uint32_t key = cf_key(w, len);
        if (!bit_has(cfilt, key) || !letter3(w))
            continue;
        size_t nt = 1;
        const td_lex_entry *e;
        if (bit_has(c->R->mfilt, key) && td_lexicon_get(c->R->first, w, len)) {
            uint32_t end = S(c, i)->tok_first + S(c, i)->tok_count;
            e = td_lexicon_match(c->R->cues, c->doc, i, end, &nt);
        } else {
            e = sw_get(&c->R->sw_cues, c->R->cues, w, len);
        }
        if (e && nt > 0 && nt < 255) {
            c->cue_ent[i] = e;
            c->cue_len[i] = (uint8_t)nt;
            c->cue_pos[c->n_cues++] = i;
        }
    }
    c->n_marks = nm;
}

/* The cue at token i (not inside quote marks) ending before end, or NULL. */
static inline const td_lex_entry *cue_at(qctx *c, uint32_t i, uint32_t end, size_t *ntok)
{
    if (!c->cue_len[i] || c->M.reg_of[i] >= 0 || i + c->cue_len[i] > end)
        return NULL;
    const td_lex_entry *e = c->cue_ent[i];
    if ((T(c, i)->flags & TD_TOKF_CAP) && !(T(c, i)->flags & TD_TOKF_SENT_START) &&
        (CUEF(c, e) & CF_NOCAP))
        return NULL; /* "Harvest Fears Grow": a noun in a title-case line */
    *ntok = c->cue_len[i];
    return e;
}

/* ---- noun phrases ------------------------------------------------------ */

typedef struct {
    int kind;
    uint32_t s, e; /* tokens [s, e) */
} np;

/* A name run ending at token j (CAP words, honorifics, particles). */
static uint32_t name_run_start(qctx *c, uint32_t j, uint32_t lo)
{
    uint32_t k = j;
    while (k > lo && j - k < MAX_NP) {
        uint32_t p = k - 1;
        if (is_cap(c, p) && wclass(c, p) != W_STOP && wclass(c, p) != W_COMP &&
            wclass(c, p) != W_BE && !(T(c, p)->flags & TD_TOKF_SENT_START && wclass(c, p) == W_ADJ))
            k = p;
        else if (wclass(c, p) == W_CONN && p > lo && is_cap(c, p - 1))
            k = p;
        else
            break;
    }
    /* a sentence-initial function word is no part of the name */
    while (k < j && (wclass(c, k) == W_STOP || wclass(c, k) == W_ADJ || wclass(c, k) == W_DET))
        k++;
    return k;
}

/* Lower-case role words between a quotation and a name: "“...,” election
 * law expert Rick Hasen tweeted". Returns the first of them when up to
 * four plain words reach back to the closing mark (and its comma), else s. */
static uint32_t role_after_quote(qctx *c, uint32_t s, uint32_t lo)
{
    uint32_t q = s;
    while (q > lo + 1 && s - q < 4) {
        uint32_t p = q - 1;
        int w = wclass(c, p);
        if (!is_word(c, p) || c->M.reg_of[p] >= 0 || is_cap(c, p) ||
            (w != W_NONE && w != W_TITLE && w != W_MOD))
            break;
        size_t nt;
        if (cue_at(c, p, p + 1, &nt))
            break;
        q = p;
    }
    if (q == s || q <= lo)
        return s;
    uint32_t m = q - 1;
    if (!is_close_mark(c, m)) {
        if (q < lo + 2 || !is_punct(c, q - 1, ',') || !is_close_mark(c, q - 2))
            return s;
        m = q - 2;
    }
    const td_qregion *r = region_of(c, m);
    return r && r->open_tok == S(c, r->open_tok)->tok_first ? q : s; /* a quotation opening its sentence */
}

/* The noun phrase ending at token j (inclusive), not before lo. */
static np np_before(qctx *c, uint32_t j, uint32_t lo)
{
    np r = {NP_NONE, j, j + 1};
    if (j < lo || j >= c->n || !is_word(c, j) || c->M.reg_of[j] >= 0)
        return r;
    int w = wclass(c, j);
    if (w == W_PRON) {
        r.kind = NP_PRON;
        return r;
    }
    if (w == W_REL) {
        r.kind = NP_REL;
        return r;
    }
    if (is_cap(c, j) && (w == W_NONE || w == W_HON || w == W_TITLE || w == W_MOD || w == W_NOM)) {
        r.kind = NP_NAME;
        r.s = name_run_start(c, j, lo);
        if (r.s > j)
            r.kind = NP_NONE;
        /* titles before the name: "IMF chief economist Maury Obstfeld" */
        uint32_t first = r.s;
        while (r.kind == NP_NAME && r.s > lo && first - r.s < 6) {
            uint32_t q = r.s - 1;
            int qw = wclass(c, q);
            if (c->M.reg_of[q] >= 0)
                break;
            if (qw == W_TITLE || qw == W_MOD) {
                r.s = q;
            } else if (is_cap(c, q) && (qw == W_NONE || qw == W_HON || qw == W_NOM)) {
                r.s = q;
            } else if (qw == W_DET && !is_cap(c, q)) {
                r.s = q;
                break;
            } else if (qw == W_NONE && is_word(c, q) && !is_cap(c, q) && q > lo &&
                       (is_close_mark(c, q - 1) || is_punct(c, q - 1, ','))) {
                r.s = q; /* "..., veteran analyst Charlie Cook wrote" */
                break;
            } else if (qw == W_NONE && is_word(c, q) && !is_cap(c, q) && q > lo &&
                       c->M.reg_of[q - 1] < 0 && wclass(c, r.s) == W_TITLE &&
                       (is_cap(c, q - 1) || wclass(c, q - 1) == W_MOD)) {
                r.s = q; /* "Senate minority leader Harry Reid" */
            } else if (qw == W_NONE && is_word(c, q) && !is_cap(c, q) && q >= lo + 2 &&
                       is_cap(c, q - 1) && c->M.reg_of[q - 1] < 0 &&
                       (is_close_mark(c, q - 2) || is_punct(c, q - 2, ','))) {
                r.s = q; /* "“...,” CrowdStrike co-founder Dmitri Alperovitch" */
            } else {
                r.s = role_after_quote(c, r.s, lo);
                break;
            }
        }
        /* a possessive before the name: "Twitter's Adam Sharp said" */
        if (r.kind == NP_NAME && r.s >= lo + 2 && tok_is(c, r.s - 1, "'s") && is_cap(c, r.s - 2) &&
            c->M.reg_of[r.s - 2] < 0) {
            uint32_t s2 = name_run_start(c, r.s - 2, lo);
            if (s2 <= r.s - 2)
                r.s = s2;
        } else if (r.kind == NP_NAME && r.s >= lo + 2 && tok_is(c, r.s - 1, "'s") &&
                   is_word(c, r.s - 2) && !is_cap(c, r.s - 2)) {
            np o2 = np_before(c, r.s - 2, lo); /* "the bank's Nora Vance" */
            if (o2.kind == NP_NOM)
                r.s = o2.s;
        }
        /* "Mr. Morgan of the Sierra Club" */
        uint32_t o = r.s;
        if (r.kind == NP_NAME && o > lo && wclass(c, o - 1) == W_DET && tok_is(c, o - 1, "the"))
            o--;
        if (r.kind == NP_NAME && o >= lo + 2 && o < r.s + 2 && tok_is(c, o - 1, "of") &&
            is_cap(c, o - 2)) {
            uint32_t s2 = name_run_start(c, o - 2, lo);
            if (s2 <= o - 2)
                r.s = s2;
        }
        return r;
    }
    if (is_cap(c, j) || (w != W_NONE && w != W_TITLE && w != W_NOM))
        return r;
    /* a common noun phrase: walk back to its determiner */
    uint32_t k = j;
    bool det = false;
    while (k > lo && j - k < 5) {
        uint32_t p = k - 1;
        int pw = wclass(c, p);
        if (!is_word(c, p) || c->M.reg_of[p] >= 0 || pw == W_COMP || pw == W_BE || pw == W_PRON ||
            pw == W_REL || pw == W_AUX || pw == W_STOP)
            break;
        size_t nt;
        if (cue_at(c, p, p + 1, &nt))
            break;
        k = p;
        if (pw == W_DET || tok_is(c, p, "'s")) {
            det = true;
            if (pw == W_DET)
                break;
        }
    }
    if (!det && w == W_NONE)
        return r; /* a bare unknown word is no speaker */
    r.kind = NP_NOM;
    r.s = k;
    /* a leading possessive name: "Russia 's foreign ministry" */
    if (k > lo && tok_is(c, k, "'s") && is_cap(c, k - 1))
        r.s = name_run_start(c, k - 1, lo);
    return r;
}

/* Past the end e of an inverted name, a role and a name may follow: "said
 * Republican political consultant Chris Russell", "said Clinton's top aide
 * Jake Sullivan". Returns the end of the last capitalised word before lim
 * reached over lower-case words, "'s" and capitalised words, else e. */
static uint32_t np_after_name_end(qctx *c, uint32_t e, uint32_t lim)
{
    uint32_t best = e;
    for (uint32_t k = e; k < lim && k - e < 8; k++) {
        if (is_cap(c, k) && wclass(c, k) != W_STOP)
            best = k + 1;
        else if (!(tok_is(c, k, "'s") || wclass(c, k) == W_TITLE || wclass(c, k) == W_MOD ||
                   wclass(c, k) == W_CONN || wclass(c, k) == W_NONE ||
                   (T(c, k)->flags & TD_TOKF_ABBREV)))
            break;
    }
    return best;
}

/* A noun phrase starting at token i (after an inverted cue or "according
 * to"): up to a comma, a full stop, "that" or a quote mark. */
static np np_after(qctx *c, uint32_t i, uint32_t end)
{
    np r = {NP_NONE, i, i};
    if (i >= end || wclass(c, i) == W_ADJ || wclass(c, i) == W_COMP || wclass(c, i) == W_AUX ||
        wclass(c, i) == W_BE || wclass(c, i) == W_STOP)
        return r;
    uint32_t k = i;
    while (k < end && k - i < 10 && is_word(c, k) && wclass(c, k) != W_COMP && c->M.reg_of[k] < 0) {
        if (k > i && wclass(c, k) == W_ADJ && !is_cap(c, k))
            break; /* "said Lavrov on Friday" */
        k++;
    }
    if (k == i)
        return r;
    r.e = k;
    int w = wclass(c, i);
    if (w == W_PRON || w == W_OBJ || (tok_is(c, i, "her") && (i + 1 >= end || !is_word(c, i + 1))))
        r.kind = NP_PRON, r.e = i + 1; /* "according to him" */
    else if (is_cap(c, i) || w == W_HON)
        r.kind = NP_NAME;
    else
        r.kind = NP_NOM;
    if (r.kind == NP_NAME) { /* the name run, with titles inside it */
        uint32_t e = i;
        while (e < r.e &&
               (is_cap(c, e) || wclass(c, e) == W_CONN || T(c, e)->flags & TD_TOKF_ABBREV ||
                wclass(c, e) == W_TITLE || wclass(c, e) == W_MOD))
            e++;
        while (e > i + 1 && !is_cap(c, e - 1))
            e--; /* end on a name word */
        r.e = np_after_name_end(c, e, r.e);
    } else if (r.kind == NP_NOM) {
        /* "said former Sen. Evan Bayh": a role before a name */
        uint32_t e = np_after_name_end(c, i, r.e);
        if (e > i && is_cap(c, e - 1) && wclass(c, e - 1) == W_NONE)
            r.kind = NP_NAME, r.e = e;
    }
    return r;
}

/* ---- speakers ---------------------------------------------------------- */

static td_span toks_span(const qctx *c, uint32_t s, uint32_t e)
{
    return td_span_make(T(c, s)->span.s, T(c, e - 1)->span.e);
}

static const char *norm_str(qctx *c, td_span sp)
{
    return td_arena_strndup(&c->doc->arena, c->doc->norm + sp.s, sp.e - sp.s);
}

static int pron_gender(const char *x)
{
    return x[0] == 'm' ? TD_GENDER_M : x[0] == 'f' ? TD_GENDER_F : -1;
}

/* The gender of a pronoun token ("her" is listed as a determiner). */
static int tok_gender(const qctx *c, uint32_t i)
{
    if (tok_is(c, i, "her") || tok_is(c, i, "Her"))
        return TD_GENDER_F;
    return pron_gender(wextra(c, i));
}

static void speaker_from_name(qctx *c, np p, speaker *out)
{
    uint32_t s = p.s, e = p.e;
    /* "Mr. Morgan of the Sierra Club": the name is before "of" */
    for (uint32_t k = s + 1; k < e; k++)
        if (tok_is(c, k, "of") && is_cap(c, k - 1)) {
            e = k;
            break;
        }
    int gender = TD_GENDER_UNKNOWN;
    bool hon = false, orgish = wclass(c, e - 1) == W_NOM;
    /* the last capitalised run is the name ("IMF chief economist Maury
     * Obstfeld"); titles, honorifics and modifiers before it are stripped */
    uint32_t tfirst = s;
    if (is_cap(c, e - 1)) {
        uint32_t r = e - 1;
        while (r > s &&
               (is_cap(c, r - 1) || (wclass(c, r - 1) == W_CONN && r - 1 > s && is_cap(c, r - 2))))
            r--;
        s = r;
    }
    while (s + 1 < e) {
        int w = wclass(c, s);
        if (w == W_HON) {
            hon = true;
            int g = pron_gender(wextra(c, s));
            if (g > 0)
                gender = g;
        } else if (w == W_NONE || w == W_NOM || w == W_CONN) {
            break;
        }
        s++;
    }
    td_span name_sp = toks_span(c, s, e);
    out->has = true;
    out->span = name_sp;
    out->entity = 0;
    const td_entity *ent = td_coref_entity_at(c->doc, name_sp);
    const char *title = NULL;
    if (s > tfirst) {
        td_span tsp = toks_span(c, tfirst, s);
        char *t = td_arena_strndup(&c->doc->arena, c->doc->norm + tsp.s, tsp.e - tsp.s);
        if (t)
            for (char *q = t; *q; q++)
                if (*q >= 'A' && *q <= 'Z')
                    *q = (char)(*q + 32);
        title = t;
    }
    if (ent && ent->name) {
        out->name = ent->name;
        out->entity = ent->id;
        if (ent->type == TD_ENT_PERSON)
            td_coref_note_person(c->coref, name_sp.s, ent->name, ent->id, gender, title);
        return;
    }
    const char *full = NULL;
    if (e - s == 1)
        full = td_coref_full_name(c->coref, name_sp.s, c->doc->norm + name_sp.s,
                                  name_sp.e - name_sp.s);
    out->name = full ? full : norm_str(c, name_sp);
    if (!orgish && (hon || full || e - s >= 2))
        td_coref_note_person(c->coref, name_sp.s, out->name, 0, gender, title);
}

/* Sentences back a "they" may reach for its group. */
#define THEY_SENTS 3

/* Whether the speaker is an organisation or a group (entity type, or a
 * common noun phrase headed by an org/group word or a plural noun). */
static bool group_speaker(qctx *c, np p, const speaker *out)
{
    if (out->entity > 0 && (size_t)out->entity <= c->doc->entities.n) {
        const td_entity *e = TD_VEC_AT(c->doc->entities, td_entity, (size_t)out->entity - 1);
        if (e->id == out->entity)
            return e->type == TD_ENT_ORGANIZATION || e->type == TD_ENT_GROUP;
    }
    if (p.kind != NP_NOM)
        return false;
    uint32_t h = p.e - 1;
    const char *x = wextra(c, h);
    if (wclass(c, h) == W_NOM)
        return x && (strcmp(x, "org") == 0 || strcmp(x, "group") == 0);
    const td_token *t = T(c, h);
    return wclass(c, h) == W_NONE && t->span.e - t->span.s > 3 && c->doc->norm[t->span.e - 1] == 's';
}

/* "they": the last organisation or group speaker, a few sentences back. */
static void resolve_they(qctx *c, np p, speaker *out)
{
    if (!(tok_is(c, p.s, "they") || tok_is(c, p.s, "They")) || !c->has_group)
        return;
    uint32_t s = sent_of(c, p.s);
    if (s < c->last_group_sent || s - c->last_group_sent > THEY_SENTS)
        return;
    out->name = c->last_group;
    out->entity = c->last_group_ent;
}

static void speaker_from_np_1(qctx *c, np p, speaker *out, int depth);

static void speaker_from_np(qctx *c, np p, speaker *out, int depth)
{
    speaker_from_np_1(c, p, out, depth);
    if (out->has && out->name && p.kind != NP_PRON && p.kind != NP_REL && group_speaker(c, p, out)) {
        c->has_group = true;
        c->last_group = out->name;
        c->last_group_ent = out->entity;
        c->last_group_sent = sent_of(c, p.s);
    }
}

static void speaker_from_np_1(qctx *c, np p, speaker *out, int depth)
{
    memset(out, 0, sizeof *out);
    if (p.kind == NP_NONE)
        return;
    out->has = true;
    out->span = toks_span(c, p.s, p.e);
    if (p.kind == NP_NAME) {
        speaker_from_name(c, p, out);
        return;
    }
    const td_entity *ent = td_coref_entity_at(c->doc, out->span);
    if (ent && ent->name) {
        out->name = ent->name;
        out->entity = ent->id;
        return;
    }
    if (p.kind == NP_PRON) {
        int g = tok_gender(c, p.s);
        if (g > 0)
            td_coref_resolve_pronoun(c->coref, out->span.s, g, &out->name, &out->entity);
        else
            resolve_they(c, p, out);
        return;
    }
    if (p.kind == NP_REL) {
        /* "Smith, who said": the phrase before the comma */
        if (depth == 0 && p.s >= 2 && is_punct(c, p.s - 1, ',')) {
            np ante = np_before(c, p.s - 2, S(c, p.s)->tok_first);
            speaker a;
            speaker_from_np(c, ante, &a, 1);
            out->name = a.name;
            out->entity = a.entity;
        }
        return;
    }
    /* a common noun phrase: "the minister" is the last minister named */
    uint32_t h = p.e - 1;
    if (wclass(c, h) == W_TITLE && (tok_is(c, p.s, "the") || tok_is(c, p.s, "The")) &&
        td_coref_resolve_title(c->coref, out->span.s, c->doc->norm + T(c, h)->span.s,
                               T(c, h)->span.e - T(c, h)->span.s, &out->name, &out->entity))
        return;
    out->name = norm_str(c, out->span);
}

/* ---- emitting ---------------------------------------------------------- */

static bool is_trim_punct(const qctx *c, uint32_t i)
{
    return T(c, i)->type == TD_TOK_PUNCT && !is_dash(c, i) && !tok_is(c, i, "\xE2\x80\xA6") &&
           !is_punct(c, i, '?') && !is_punct(c, i, '!') && !is_punct(c, i, ')');
}

/* The span of the piece [s, e): punctuation at the edges trimmed; a piece
 * that is exactly one quoted region gives the region's content. */
static bool piece_span(const qctx *c, uint32_t s, uint32_t e, td_span *out)
{
    while (s < e && is_trim_punct(c, s))
        s++;
    while (e > s && is_trim_punct(c, e - 1))
        e--;
    if (s >= e)
        return false;
    const td_qregion *r = region_of(c, s);
    if (r && r->open_tok == s && (r->closed ? r->close_tok + 1 == e : r->end == e)) {
        *out = r->span;
        return true;
    }
    if (is_open_mark(c, s) && s + 1 < e)
        s++; /* keep the content without its marks */
    if (e - 1 > s && is_close_mark(c, e - 1))
        e--;
    *out = toks_span(c, s, e);
    return true;
}

static td_quote *push_quote(qctx *c, td_quote_kind kind, const attr *a)
{
    td_quote *q = td_vec_push(&c->doc->arena, &c->doc->quotes, sizeof *q);
    if (!q) {
        c->st = TD_ENOMEM;
        return NULL;
    }
    q->kind = kind;
    q->has_speaker = a->spk.has;
    q->speaker_entity = a->spk.entity;
    q->speaker_name = a->spk.name;
    if (q->speaker_name) { /* never a pronoun */
        const td_lex_entry *e = word_entry(c->R, q->speaker_name, strlen(q->speaker_name));
        int k = e ? c->R->wcls[e->id] : W_NONE;
        if (k == W_PRON || k == W_OBJ || k == W_REL || k == W_DET)
            q->speaker_name = NULL;
    }
    q->speaker_span = a->spk.span;
    q->has_cue = true;
    q->cue = toks_span(c, a->cue_s, a->cue_e);
    return q;
}

/* A title rather than speech: every word capitalised, a few words. */
static bool title_like(const qctx *c, const td_qregion *r)
{
    uint32_t words = 0;
    for (uint32_t i = r->first; i < r->end; i++) {
        if (T(c, i)->type == TD_TOK_NUM) {
            words++;
            continue;
        }
        if (T(c, i)->type != TD_TOK_WORD)
            continue;
        words++;
        if (!(T(c, i)->flags & TD_TOKF_CAP) && i != r->first &&
            !(T(c, i)->span.e - T(c, i)->span.s <= 3))
            return false;
    }
    return words > 0 && words <= 6 &&
           ((T(c, r->first)->flags & TD_TOKF_CAP) || T(c, r->first)->type == TD_TOK_NUM) &&
           !is_terminal(c, r->end - 1);
}

static void emit(qctx *c, attr *a)
{
    td_span sp[MAX_PIECES];
    int n = 0;
    uint32_t in = 0, out = 0;
    for (int k = 0; k < a->np; k++) {
        if (!piece_span(c, a->ps[k], a->pe[k], &sp[n]))
            continue;
        n++;
        for (uint32_t i = a->ps[k]; i < a->pe[k]; i++) {
            const td_token *t = T(c, i);
            if (t->type != TD_TOK_WORD && t->type != TD_TOK_NUM)
                continue;
            if (c->M.reg_of[i] >= 0)
                in++;
            else
                out++;
        }
    }
    if (n == 0 || in + out == 0)
        return;
    if (c->eval_pass) /* evaluative cues never take claimed words */
        for (int k = 0; k < a->np; k++)
            if (memchr(c->claimed + a->ps[k], 1, a->pe[k] - a->ps[k]))
                return;
    for (int k = 0; k < a->np; k++)
        memset(c->claimed + a->ps[k], 1, a->pe[k] - a->ps[k]);
    memset(c->claimed + a->cue_s, 1, a->cue_e - a->cue_s);
    td_quote_kind kind = out == 0 ? TD_QUOTE_DIRECT : in == 0 ? TD_QUOTE_REPORTED : TD_QUOTE_MIXED;
    td_quote *q = push_quote(c, kind, a);
    if (!q)
        return;
    q->span = td_span_make(sp[0].s, sp[n - 1].e);
    if (n > 1)
        for (int k = 0; k < n; k++) {
            td_span *d = td_vec_push(&c->doc->arena, &q->spans, sizeof *d);
            if (!d) {
                c->st = TD_ENOMEM;
                return;
            }
            *d = sp[k];
        }
    /* the quoted runs: used; inside a mixed attribution, direct items too */
    for (int k = 0; k < a->np; k++)
        for (size_t r = first_region_from(c, a->ps[k]);
             r < c->M.n && c->M.regs[r].open_tok < a->pe[k]; r++) {
            uint32_t i = c->M.regs[r].open_tok;
            if (i < a->ps[k] || c->M.reg_of[i] != (int32_t)r || c->reg_used[r])
                continue;
            c->reg_used[r] = 1;
            if (kind != TD_QUOTE_MIXED || title_like(c, &c->M.regs[r]))
                continue;
            td_quote *d = push_quote(c, TD_QUOTE_DIRECT, a);
            if (!d)
                return;
            d->span = c->M.regs[r].span;
        }
    if (a->spk.has) {
        c->last_spk = a->spk;
        c->last_spk_sent = sent_of(c, a->cue_s);
    }
}

/* ---- contents ---------------------------------------------------------- */

static void add_piece(attr *a, uint32_t s, uint32_t e)
{
    if (s < e && a->np < MAX_PIECES) {
        a->ps[a->np] = s;
        a->pe[a->np] = e;
        a->np++;
    }
}

/* The end (exclusive) of the sentence holding i, without its final stop. */
static uint32_t sent_end(const qctx *c, uint32_t i)
{
    const td_sentence *s = S(c, i);
    return s->tok_first + s->tok_count;
}

/* True when the region has a cue of its own right after it. */
static bool region_has_cue(qctx *c, const td_qregion *r)
{
    if (!r->closed)
        return false;
    uint32_t i = r->close_tok + 1;
    if (i < c->n && (is_punct(c, i, ',') || is_dash(c, i)))
        i++;
    for (uint32_t k = 0; k < 6 && i < c->n && T(c, i)->block == r->block; k++, i++) {
        if (is_terminal(c, i) || is_open_mark(c, i))
            return false;
        size_t nt;
        if (cue_at(c, i, c->n, &nt))
            return true;
    }
    return false;
}

/* Extend the content [s, *e): over quote marks that run past it, and over
 * paragraphs that open the quote again. */
static void extend_over_quotes(qctx *c, attr *a, uint32_t s, uint32_t e)
{
    const td_qregion *last = NULL;
    for (uint32_t i = s; i < e; i++) {
        const td_qregion *r = region_of(c, i);
        if (!r)
            continue;
        uint32_t re = r->closed ? r->close_tok + 1 : r->end;
        if (re > e)
            e = re;
        last = r;
        i = re - 1;
    }
    add_piece(a, s, e);
    /* a quote left open at the end of its paragraph goes on in the next */
    for (int k = 0; last && !last->closed && k < MAX_PARAS; k++) {
        uint32_t nx = last->end;
        if (nx >= c->n || !is_open_mark(c, nx))
            break;
        last = region_of(c, nx);
        add_piece(a, nx, last->closed ? last->close_tok + 1 : last->end);
    }
}

/* Pieces of a split quote after a cue clause ending at q (its ',' or
 * stop): "X," he said, "Y." / "X," he said. "Y." "Z." */
static void add_continuations(qctx *c, attr *a, uint32_t q, bool quoted_before)
{
    uint32_t se = sent_end(c, a->cue_s);
    if (q < se && is_punct(c, q, ',') && q + 1 < se) {
        uint32_t nx = q + 1;
        const td_qregion *r = region_of(c, nx);
        if (r && r->open_tok == nx && !c->reg_used[c->M.reg_of[nx]] && !region_has_cue(c, r)) {
            extend_over_quotes(c, a, nx, se);
            return;
        }
        size_t nt;
        int w = wclass(c, nx);
        bool holds_quote = false, cue_in = false;
        for (uint32_t i = nx; i < se; i++) {
            if (c->M.reg_of[i] >= 0 && i < nx + 3)
                holds_quote = true;
            const td_lex_entry *ce = cue_at(c, i, se, &nt);
            if (ce && !(CUEF(c, ce) & (CF_BASE | CF_EVAL)))
                cue_in = true; /* another attribution ("think" is none) */
        }
        /* "X is so Y, he said, that Z": "that" goes on with the content */
        bool comp_on = !quoted_before && w == W_COMP;
        if ((!quoted_before || holds_quote) && is_word(c, nx) && w != W_REL &&
            ((w != W_ADJ && w != W_COMP) || holds_quote || comp_on) && !cue_in && se - nx >= 4) {
            uint32_t e = se;
            while (e > nx && is_terminal(c, e - 1))
                e--;
            add_piece(a, nx, e);
            return;
        }
        /* "The risk," said X, an economist who ..., "is that ..." */
        for (uint32_t i = nx; quoted_before && i + 1 < se && i - nx < 40; i++) {
            size_t nt2;
            if (is_terminal(c, i) || cue_at(c, i, se, &nt2) || c->M.reg_of[i] >= 0)
                break;
            if (is_punct(c, i, ',') && is_open_mark(c, i + 1)) {
                const td_qregion *r2 = region_of(c, i + 1);
                if (!c->reg_used[c->M.reg_of[i + 1]] && !region_has_cue(c, r2))
                    extend_over_quotes(c, a, i + 1, r2->closed ? r2->close_tok + 1 : r2->end);
                return;
            }
        }
    }
    if (!quoted_before && !(se < c->n && is_open_mark(c, se) && region_of(c, se)->closed &&
                            T(c, se)->block == T(c, a->cue_s)->block))
        return; /* "X is Y, he said. “Z.”" goes on too */
    /* the next sentences of the paragraph, while they open a quote */
    uint32_t nx = se;
    for (int k = 0; k < MAX_PIECES && nx < c->n; k++) {
        if (T(c, nx)->block != T(c, a->cue_s)->block || !is_open_mark(c, nx))
            break;
        const td_qregion *r = region_of(c, nx);
        if (c->reg_used[c->M.reg_of[nx]] || region_has_cue(c, r))
            break;
        uint32_t re = r->closed ? r->close_tok + 1 : r->end;
        add_piece(a, nx, re);
        if (!r->closed)
            break;
        nx = re;
        while (nx < c->n && T(c, nx)->block == r->block && is_terminal(c, nx))
            nx++;
    }
    /* whole paragraphs of quotation with no cue of their own go on */
    for (int k = 0; k < 3 && nx < c->n && a->np < MAX_PIECES; k++) {
        if (!(T(c, nx)->flags & TD_TOKF_LINE_START) || !is_open_mark(c, nx))
            break;
        const td_qregion *r = region_of(c, nx);
        uint32_t re = r->closed ? r->close_tok + 1 : r->end;
        while (re < c->n && !(T(c, re)->flags & TD_TOKF_LINE_START) && is_terminal(c, re))
            re++;
        if (c->reg_used[c->M.reg_of[nx]] || !r->closed ||
            (re < c->n && !(T(c, re)->flags & TD_TOKF_LINE_START)))
            break;
        add_piece(a, nx, r->close_tok + 1);
        nx = re;
    }
}

/* The clause before the speaker at sb, when it is content: "..., he said"
 * or "“...,” he said". Sets [*cs, *ce). */
static bool content_before(qctx *c, uint32_t s0, uint32_t sb, uint32_t *cs, uint32_t *ce)
{
    if (sb == s0 && sb > c->floor && sb > 0 && is_close_mark(c, sb - 1) &&
        T(c, sb - 1)->block == T(c, sb)->block)
        s0 = S(c, sb - 1)->tok_first; /* “... okay?” Trump said. */
    if (sb <= s0 || sb <= c->floor)
        return false;
    uint32_t sep = sb - 1;
    uint32_t end;
    if (is_punct(c, sep, ',') || is_dash(c, sep) || is_punct(c, sep, ':'))
        end = sep;
    else if (is_close_mark(c, sep))
        end = sb;
    else
        return false;
    uint32_t start = s0 > c->floor ? s0 : c->floor;
    if (end > 0) {
        const td_qregion *r = region_of(c, end - 1);
        if (r && r->open_tok < start && r->open_tok >= c->floor)
            start = r->open_tok;
    }
    const td_qregion *r0 = region_of(c, start);
    if (r0 && r0->open_tok < start && r0->open_tok >= c->floor)
        start = r0->open_tok;
    /* "..., but with a caveat: “X,” the source said": the quote alone */
    const td_qregion *rl = end > start ? region_of(c, end - 1) : NULL;
    if (!rl && end > start + 1 && is_punct(c, end - 1, ','))
        rl = region_of(c, end - 2);
    if (rl && rl->open_tok > start &&
        (is_punct(c, rl->open_tok - 1, ':') || is_punct(c, rl->open_tok - 1, ',') ||
         is_punct(c, rl->open_tok - 1, ';') || is_dash(c, rl->open_tok - 1)))
        start = rl->open_tok;
    bool words = false;
    for (uint32_t i = start; i < end; i++)
        if (T(c, i)->type == TD_TOK_WORD || T(c, i)->type == TD_TOK_NUM)
            words = true;
    if (!words)
        return false;
    *cs = start;
    *ce = end;
    return true;
}

/* A quotation followed by a comma or a dash and an unquoted tail ends the
 * content: "said the plan was “a disaster,” hours after the vote" - the
 * tail is the writer's (a time, a circumstance, an aside), not the
 * speaker's. */
static uint32_t cut_tail(const qctx *c, uint32_t p, uint32_t e)
{
    uint32_t close = TD_QNONE;
    for (uint32_t i = p; i < e; i++) {
        const td_qregion *r = region_of(c, i);
        if (!r)
            continue;
        if (!r->closed || r->close_tok >= e)
            return e;
        close = r->close_tok;
        i = close;
    }
    if (close == TD_QNONE || close + 2 >= e)
        return e;
    /* the comma or dash after the closing mark, or a comma before it */
    if (is_punct(c, close + 1, ',') || is_dash(c, close + 1))
        return close + 1;
    if (close > p && is_punct(c, close - 1, ','))
        return close + 1;
    return e;
}

/* A short lead-in ending in a comma before a quotation that opens with a
 * capital: "told the crowd, “Some ...”", "added later, “...”", "said, and
 * I quote, “...”" - an object or an adjunct of the cue, not speech. With
 * "that" in it the clause is reported speech and stays. */
#define LEAD_IN_MAX 8
static uint32_t region_words(const qctx *c, const td_qregion *r);
static bool comma_lead_in(qctx *c, uint32_t p, uint32_t o)
{
    if (o - p < 2 || o - p > LEAD_IN_MAX + 1 || !is_punct(c, o - 1, ',') || o + 1 >= c->n ||
        !is_cap(c, o + 1))
        return false;
    const td_qregion *r = region_of(c, o);
    if (!r || r->open_tok != o || title_like(c, r) || region_words(c, r) < 2)
        return false; /* "referred to her by a nickname, “Gert”" */
    if (p > 0 && (wclass(c, p - 1) == W_COMP || is_punct(c, p - 1, ':')))
        return false; /* "said that once ..., “...”", "Ann Lee: X, ‘...’" */
    for (uint32_t k = p; k + 1 < o; k++) {
        int w = wclass(c, k);
        if (w == W_COMP || w == W_PRON || w == W_BE || is_terminal(c, k) ||
            !(is_word(c, k) || is_punct(c, k, ',')))
            return false; /* a clause of its own: "she was thinking, “...”" */
    }
    return true;
}

/* A lead-in before a quotation that ends the content is the writer's:
 * "said in an email: “...”", "added later, “...”" - the content is the
 * quotation alone. Returns its first token, else p. */
static uint32_t lead_in_end(qctx *c, uint32_t p, uint32_t e)
{
    uint32_t i = p;
    while (i < e && c->M.reg_of[i] < 0)
        i++;
    if (i >= e || i <= p || !(is_punct(c, i - 1, ':') || comma_lead_in(c, p, i)))
        return p;
    const td_qregion *r = region_of(c, i);
    uint32_t re = r->closed ? r->close_tok + 1 : r->end;
    for (uint32_t k = re; k < e; k++)
        if (!is_terminal(c, k) && !is_trim_punct(c, k))
            return p; /* words follow the quotation */
    return r->open_tok == i ? i : p;
}

/* A comma, "and" or "but" (is_punct(i, ',') || is_coord(i), in one look
 * at the token). */
static inline bool comma_or_coord(const qctx *c, uint32_t i)
{
    const td_token *t = T(c, i);
    const char *w = c->doc->norm + t->span.s;
    if (t->type == TD_TOK_PUNCT)
        return t->span.e - t->span.s == 1 && w[0] == ',';
    return t->type == TD_TOK_WORD && t->span.e - t->span.s == 3 &&
           (memcmp(w, "and", 3) == 0 || memcmp(w, "but", 3) == 0);
}

/* Pattern A: the content runs from a to the end of the sentence. */
static void content_after(qctx *c, attr *a, uint32_t p)
{
    uint32_t se = sent_end(c, a->cue_s);
    uint32_t e = se;
    while (e > p && is_terminal(c, e - 1))
        e--;
    if (p >= e) {
        /* "X said:" closing a paragraph: the quote in the next one */
        if (p > 0 && is_punct(c, p - 1, ':') && se < c->n && is_open_mark(c, se) &&
            T(c, se)->flags & TD_TOKF_LINE_START) {
            const td_qregion *r = region_of(c, se);
            extend_over_quotes(c, a, se, r->closed ? r->close_tok + 1 : r->end);
        }
        return;
    }
    /* "..., suggesting that ..." and "... and insisted that ..." are
     * attributions of their own: the content stops before them */
    for (uint32_t i = p + 1; i + 1 < e; i++) {
        bool sep = false; /* “...,” adding */
        int32_t r = c->M.reg_of[i];
        if (r >= 0) {
            if (c->M.regs[r].close_tok != i || !is_punct(c, i - 1, ','))
                continue;
            sep = true;
        } else if (!comma_or_coord(c, i)) {
            continue;
        }
        size_t nt;
        uint32_t j = i + 1;
        if (j + 1 < e && is_coord(c, j))
            j++; /* ", and added" */
        for (int k = 0; k < 2 && j + 1 < e && is_adverb(c, j); k++)
            j++;
        if (j + 1 < e && is_coord(c, j - 1) && wclass(c, j) == W_PRON &&
            strcmp(wextra(c, j), "n") != 0)
            j++; /* "... but he said ...": a new subject after the conjunction */
        for (int k = 0; k < 2 && j + 1 < e && is_adverb(c, j); k++)
            j++;
        if (cue_at(c, j, e, &nt)) {
            e = sep ? i + 1 : i;
            break;
        }
    }
    e = cut_tail(c, p, e);
    p = lead_in_end(c, p, e);
    extend_over_quotes(c, a, p, e);
}

/* ---- cues -------------------------------------------------------------- */

static void finish(qctx *c, attr *a, uint32_t next_floor)
{
    if (a->np > 0)
        emit(c, a);
    if (next_floor == TD_QNONE) /* pattern A: the content's end */
        next_floor = a->np > 0 ? a->pe[a->np - 1] : c->floor;
    if (next_floor > c->floor)
        c->floor = next_floor;
}

/* "According to X, ..." and "..., according to X." */
static void cue_according(qctx *c, uint32_t s0, uint32_t se, uint32_t c0, uint32_t c1)
{
    attr a;
    memset(&a, 0, sizeof a);
    a.cue_s = c0;
    a.cue_e = c1;
    np p = np_after(c, c1, se);
    if (p.kind == NP_NONE)
        return;
    speaker_from_np(c, p, &a.spk, 0);
    uint32_t q = p.e;
    while (q < se && is_word(c, q) && !is_cap(c, q) && q - p.e < 8 && wclass(c, q) != W_COMP)
        q++; /* "according to a report by ..." tail */
    uint32_t cs, ce;
    bool quote_after = q + 1 < se && is_punct(c, q, ',') && is_open_mark(c, q + 1);
    if (!quote_after && content_before(c, s0, c0, &cs, &ce)) {
        add_piece(&a, cs, ce);
        if (q < se && is_punct(c, q, ','))
            add_continuations(c, &a, q, false);
    } else if (q < se && is_punct(c, q, ',')) {
        content_after(c, &a, q + 1);
    }
    finish(c, &a, q);
}

/* "Bill Smith, a businessman who ... last month, said": the name before an
 * appositive of up to 40 tokens ending at the comma j. */
static bool long_appositive(qctx *c, uint32_t s0, uint32_t j, np *subj, uint32_t *sb)
{
    uint32_t lo = j > 40 ? j - 40 : 0;
    if (lo < s0)
        lo = s0;
    bool plain = true; /* every appositive so far opens as one should */
    np fallback = {NP_NONE, 0, 0};
    for (uint32_t k = j; k-- > lo + 1;) {
        if (is_terminal(c, k) || c->M.reg_of[k] >= 0)
            return false;
        if (!is_punct(c, k, ','))
            continue;
        uint32_t m = k + 1; /* the appositive's first word */
        int w = wclass(c, m);
        bool opener = w == W_DET || w == W_REL || w == W_TITLE || w == W_MOD || w == W_ADJ ||
                      is_cap(c, m) || T(c, m)->type == TD_TOK_NUM;
        uint32_t h = k; /* "Rep. Ann Lee (D-Md.), chair of ..., said": the name before */
        if (h > lo + 2 && is_punct(c, h - 1, ')')) {
            uint32_t o = h - 1;
            while (o > lo && h - o < 10 && !is_punct(c, o, '('))
                o--;
            if (is_punct(c, o, '('))
                h = o;
        }
        np n0 = np_before(c, h - 1, s0);
        if (n0.kind == NP_NAME &&
            (n0.s == s0 || is_close_mark(c, n0.s - 1) ||
             (n0.s >= s0 + 2 && is_punct(c, n0.s - 1, ',') && is_close_mark(c, n0.s - 2)))) {
            /* the name opens the sentence or follows a quotation:
             * whatever lies between its comma and the cue's is an
             * appositive ("Ann Lee, 31, clad in red, said") */
            *subj = n0;
            *sb = n0.s;
            return true;
        }
        if (plain && n0.kind == NP_NAME && n0.s > s0 && is_word(c, n0.s - 1) &&
            !is_cap(c, n0.s - 1) && wclass(c, n0.s - 1) == W_ADJ) {
            if (fallback.kind == NP_NONE)
                fallback = n0; /* "the attorney general of Oklahoma, one of ...": */
            continue;          /* a name after a preposition, the head only if none is */
        }
        if (!plain)
            continue;
        if (!opener || (n0.kind != NP_NAME && T(c, k - 1)->type != TD_TOK_NUM)) {
            plain = false; /* only a name opening the sentence may still speak */
            continue;
        }
        if (n0.kind != NP_NAME)
            continue; /* an age: "Ann Lee, 31, a photographer, said" */
        *subj = n0;
        *sb = n0.s;
        return true;
    }
    if (fallback.kind == NP_NONE)
        return false;
    *subj = fallback;
    *sb = fallback.s;
    return true;
}

/* A name inside a prepositional phrase is not the subject: "Farmers in
 * Kenya's Rift Valley say" - the head before the preposition speaks (a
 * noun phrase, or a bare plural noun). "X of Y" names stay whole. */
static np pp_head(qctx *c, uint32_t s0, np n)
{
    if ((n.kind != NP_NAME && n.kind != NP_NOM) || n.s < s0 + 2)
        return n;
    uint32_t p = n.s - 1, h = n.s - 2;
    if (wclass(c, p) != W_ADJ || is_cap(c, p) || tok_is(c, p, "of") || !is_word(c, h) ||
        c->M.reg_of[h] >= 0)
        return n;
    np r = np_before(c, h, s0);
    if (r.kind == NP_NAME || r.kind == NP_NOM)
        return r;
    const td_token *t = T(c, h);
    size_t len = t->span.e - t->span.s;
    if (r.kind == NP_NONE && wclass(c, h) == W_NONE && len > 3 && c->doc->norm[t->span.e - 1] == 's' &&
        (h == s0 || !is_word(c, h - 1) || wclass(c, h - 1) == W_STOP))
        return (np){NP_NOM, h, h + 1};
    return n;
}

/* The speaker before the cue at c0: subject, or an appositive pair. */
static bool subject_before(qctx *c, uint32_t s0, uint32_t k, np *subj, uint32_t *sb)
{
    if (k <= s0)
        return false;
    uint32_t j = k - 1;
    if (is_punct(c, j, ',') && j >= s0 + 2) {
        /* "A spokesman, John Smith, said" / "Smith, the mayor, said" */
        np n1 = np_before(c, j - 1, s0);
        if (n1.kind != NP_NAME && n1.kind != NP_NOM)
            return long_appositive(c, s0, j, subj, sb);
        if (n1.s >= s0 + 2 && is_punct(c, n1.s - 1, ',')) {
            np n2 = np_before(c, n1.s - 2, s0);
            if (n2.kind == NP_NAME || n2.kind == NP_NOM) {
                *subj = (n1.kind == NP_NAME || n2.kind != NP_NAME) ? n1 : n2;
                *sb = n2.s;
                return true;
            }
        }
        return long_appositive(c, s0, j, subj, sb);
    }
    np n = np_before(c, j, s0);
    if (n.kind == NP_NONE)
        return false;
    n = pp_head(c, s0, n);
    *subj = n;
    *sb = n.s;
    return true;
}

/* An auxiliary or adverb: listed, or a lower-case word in -ly ("clearly"). */
static bool is_adverb(qctx *c, uint32_t i)
{
    if (wclass(c, i) == W_AUX)
        return true;
    const td_token *t = T(c, i);
    size_t n = t->span.e - t->span.s;
    const char *w = c->doc->norm + t->span.s;
    return t->type == TD_TOK_WORD && !(t->flags & TD_TOKF_CAP) && n > 4 && w[n - 2] == 'l' &&
           w[n - 1] == 'y' && wclass(c, i) == W_NONE;
}

/* A lower-case function word that may sit between a speaker and the cue:
 * "Smith however said" (listed as stop words with extra "adv"). */
static bool clause_adverb(qctx *c, uint32_t i)
{
    return wclass(c, i) == W_STOP && !is_cap(c, i) && strcmp(wextra(c, i), "adv") == 0;
}

/* An inverted speaker ("said Lavrov", "said a spokesman") ends the clause
 * and is a name, a pronoun or a phrase with a determiner or speaker head. */
static bool inverted_ok(qctx *c, np n, uint32_t se)
{
    uint32_t q = n.e;
    if (q < se && !is_terminal(c, q) && !is_punct(c, q, ',') && !is_dash(c, q) &&
        wclass(c, q) != W_ADJ && !is_adverb(c, q) && !is_open_mark(c, q) && !is_punct(c, q, ':') &&
        !is_punct(c, q, '('))
        return false;
    if (n.e > n.s + 1 && wclass(c, n.e - 1) == W_DET)
        return false; /* "..., said the convention represented the “...”" */
    if (n.kind != NP_NOM)
        return true;
    if (wclass(c, n.s) == W_DET)
        return true;
    for (uint32_t i = n.s; i < n.e; i++)
        if (wclass(c, i) == W_TITLE || wclass(c, i) == W_NOM)
            return true;
    return false;
}

static bool is_coord(qctx *c, uint32_t i)
{
    return T(c, i)->type == TD_TOK_WORD && (tok_is(c, i, "and") || tok_is(c, i, "but"));
}

static np sentence_subject(qctx *c, uint32_t i, uint32_t lim);

/* The speaker of a cue with no subject of its own: the last speaker of the
 * sentence, else the name or pronoun the sentence starts with. */
static bool inherit_speaker(qctx *c, uint32_t s0, uint32_t c0, speaker *out)
{
    if (c->last_spk.has && c->last_spk_sent == sent_of(c, c0)) {
        *out = c->last_spk;
        return true;
    }
    uint32_t i = s0;
    while (i < c0 && (wclass(c, i) == W_STOP || wclass(c, i) == W_AUX))
        i++; /* "And then Trump ..., saying" */
    if (i + 1 < c0 && wclass(c, i) == W_ADJ && wclass(c, i + 1) == W_PRON)
        i++; /* "Then he ..., calling" */
    np p = {NP_NONE, i, i + 1};
    if (i < c0 && wclass(c, i) == W_PRON) {
        p.kind = NP_PRON;
    } else if (i < c0 && is_cap(c, i) && wclass(c, i) == W_NONE) {
        uint32_t e = i;
        while (e < c0 && e - i < MAX_NP && (is_cap(c, e) || wclass(c, e) == W_CONN))
            e++;
        p.kind = NP_NAME;
        p.e = e;
    }
    if (p.kind == NP_NONE)
        p = sentence_subject(c, s0, c0); /* "In an interview, Smith ..., saying" */
    if (p.kind == NP_NONE && is_open_mark(c, s0) && c->last_spk.has &&
        c->last_spk_sent + 1 >= sent_of(c, c0)) {
        *out = c->last_spk; /* “...,” adding, “...”: the speaker just before */
        return true;
    }
    if (p.kind == NP_NONE)
        return false;
    speaker_from_np(c, p, out, 0);
    return out->has;
}

/* The object of "told": "me", "reporters", "CNN", "the Associated Press",
 * "a group of students". Returns the token after it. */
static uint32_t skip_object(qctx *c, uint32_t q, uint32_t se)
{
    int w = wclass(c, q);
    if (w == W_OBJ || w == W_PRON)
        return q + 1;
    if (is_cap(c, q)) {
        uint32_t e = q;
        while (e < se && e - q < MAX_NP && (is_cap(c, e) || wclass(c, e) == W_CONN))
            e++;
        return e;
    }
    if (w == W_TITLE || w == W_NOM)
        return q + 1;
    if (w == W_DET) {
        for (uint32_t e = q + 1; e < se && e - q < 5 && is_word(c, e); e++) {
            if (is_cap(c, e) && (e + 1 >= se || !is_cap(c, e + 1)))
                return e + 1;
            if (wclass(c, e) == W_TITLE || wclass(c, e) == W_NOM)
                return e + 1;
        }
    }
    /* a one-word object before the end of the clause: "told reporters." */
    if (w == W_NONE && is_word(c, q) && q + 1 < se &&
        (is_terminal(c, q + 1) || is_punct(c, q + 1, ',') || wclass(c, q + 1) == W_COMP ||
         wclass(c, q + 1) == W_ADJ || is_open_mark(c, q + 1) || is_punct(c, q + 1, ':')))
        return q + 1;
    return q;
}

/* A party tag set off by commas before the comma at j: "Rand Paul, R-Ky.,"
 * (a capital R, D or I, a hyphen, a state). Returns the tag's opening
 * comma, else j + 1. */
static uint32_t party_tag(const qctx *c, uint32_t s0, uint32_t j)
{
    uint32_t b = j;
    while (b > s0 && j - b < 6 && !is_punct(c, b - 1, ','))
        b--;
    if (b <= s0 + 1 || !is_punct(c, b - 1, ',') || b >= j)
        return j + 1;
    const td_token *t = T(c, b);
    const char *w = c->doc->norm + t->span.s;
    size_t n = t->span.e - t->span.s;
    bool rdi = w[0] == 'R' || w[0] == 'D' || w[0] == 'I';
    if (!rdi || !((n >= 3 && w[1] == '-' && w[2] >= 'A' && w[2] <= 'Z') ||
                  (n == 1 && b + 1 < j && is_dash(c, b + 1)) ||
                  (n == 1 && b + 1 < j && tok_is(c, b + 1, "-"))))
        return j + 1;
    return b - 1;
}

static void cue_verb(qctx *c, uint32_t s0, uint32_t se, uint32_t c0, uint32_t c1,
                     const td_lex_entry *e)
{
    uint8_t cf = CUEF(c, e);
    bool ing = (cf & CF_ING) != 0;
    attr a;
    memset(&a, 0, sizeof a);
    a.cue_s = c0;
    a.cue_e = c1;
    /* auxiliaries and adverbs between speaker and cue */
    uint32_t k = c0;
    for (int n = 0; n < 3 && k > s0 && (is_adverb(c, k - 1) || clause_adverb(c, k - 1)); n++)
        k--;
    if (k > s0 && wclass(c, k - 1) == W_BE) {
        if (!ing)
            return; /* passive: "was told", "is expected" */
        k--;
        for (int n = 0; n < 2 && k > s0 && is_adverb(c, k - 1); n++)
            k--;
    }
    if (k > s0 && tok_is(c, k - 1, "to"))
        return; /* "to say" */
    if (k > s0 + 3 && is_punct(c, k - 1, ','))
        k = party_tag(c, s0, k - 1); /* "Sen. Rand Paul, R-Ky., said" */
    if (k > s0 + 2 && is_punct(c, k - 1, ',') && is_punct(c, k - 2, ')'))
        k--;                                     /* "Gov. John Kasich (R-OH), said" */
    if (k > s0 + 1 && is_punct(c, k - 1, ')')) { /* "Rep. John Mica (R-Fla.) said" */
        uint32_t o = k - 1;
        while (o > s0 && k - o < 10 && !is_punct(c, o, '('))
            o--;
        if (is_punct(c, o, '(') && o > s0)
            k = o;
    }
    np subj = {NP_NONE, 0, 0};
    uint32_t sb = c0, p = c1;
    bool inverted = false;
    bool ing_clause = ing && k > s0 + 1 && is_punct(c, k - 1, ','); /* "..., saying" */
    if (!ing_clause && subject_before(c, s0, k, &subj, &sb)) {
        if (ing && (subj.kind == NP_NOM || subj.kind == NP_NAME) && k == c0)
            return; /* "the warning issued", "promising niches" */
        speaker_from_np(c, subj, &a.spk, 0);
    } else if (c0 > s0 &&
               ((ing && (is_punct(c, c0 - 1, ',') || is_close_mark(c, c0 - 1) ||
                         (is_word(c, c0 - 1) && !is_cap(c, c0 - 1)))) ||
                is_coord(c, c0 - 1)) &&
               inherit_speaker(c, s0, c0, &a.spk)) {
        /* "..., adding that ...", "said ... but added" */
        uint32_t q = c1;
        if (q < se && is_punct(c, q, ','))
            q++;
        content_after(c, &a, q < se && (wclass(c, q) == W_COMP || is_punct(c, q, ':')) ? q + 1 : q);
        finish(c, &a, TD_QNONE);
        return;
    } else if (!ing && c0 > s0 &&
               (is_punct(c, c0 - 1, ',') || is_close_mark(c, c0 - 1) || is_dash(c, c0 - 1))) {
        np n = np_after(c, c1, se); /* "..., said Lavrov" */
        if (n.kind == NP_NONE || n.kind == NP_REL || !inverted_ok(c, n, se))
            return;
        speaker_from_np(c, n, &a.spk, 0);
        inverted = true;
        p = n.e;
    } else {
        return;
    }
    /* what follows the cue: object, adjuncts */
    uint32_t q = p;
    bool skipped = false;
    if ((cf & CF_TELL) && q < se && !inverted) {
        q = skip_object(c, q, se);
        skipped = q > p;
    }
    if (q < se && (wclass(c, q) == W_ADJ || is_adverb(c, q))) {
        uint32_t q0 = q;
        while (q < se && q - q0 < MAX_ADJUNCT && (wclass(c, q) != W_COMP || se - q <= 3) &&
               !is_punct(c, q, ',') && !is_punct(c, q, ':') && !is_terminal(c, q) &&
               !is_open_mark(c, q))
            q++;
        skipped = true;
        if (q - q0 >= MAX_ADJUNCT)
            q = q0, skipped = false;
    }
    uint32_t cs = 0, ce = 0;
    bool before = content_before(c, s0, inverted ? c0 : sb, &cs, &ce);
    if (before && !inverted && q + 1 < se && is_punct(c, q, ',') && is_open_mark(c, q + 1) &&
        (wclass(c, cs) == W_ADJ || ce - cs > 4)) {
        bool quoted = false; /* speech, not a title: "On “Meet the Press,” X said, “...”" */
        for (uint32_t i = cs; i < ce; i++)
            if (c->M.reg_of[i] >= 0 && !title_like(c, region_of(c, i)))
                quoted = true;
        if (!quoted)
            before = false; /* "In her post, Feinberg said, “...”" */
    }
    bool quote_first = false; /* “...,” X said: the quote is the content */
    if (before && ce > cs &&
        (is_close_mark(c, ce - 1) ||
         (ce - 1 > cs && is_close_mark(c, ce - 2) && is_punct(c, ce - 1, ','))))
        quote_first = true;
    if (quote_first && q < se && is_word(c, q) && !inverted &&
        title_like(c, region_of(c, is_close_mark(c, ce - 1) ? ce - 1 : ce - 2)))
        quote_first = before = false; /* “Meet the Press,” X said the plan ... */
    if (quote_first && !(q < se && is_punct(c, q, ':'))) {
        add_piece(&a, cs, ce);
        add_continuations(c, &a, q < se && is_punct(c, q, ',') ? q : se, true);
        finish(c, &a, q);
    } else if (q < se && (is_punct(c, q, ':') || (wclass(c, q) == W_COMP && se - q > 3)) &&
               !inverted) {
        content_after(c, &a, q + 1);
        finish(c, &a, TD_QNONE);
    } else if (q >= se || is_terminal(c, q) || is_punct(c, q, ',') || is_dash(c, q) || inverted ||
               (before && skipped)) {
        if (!before) {
            if (q < se && is_punct(c, q, ',') && q + 1 < se && !inverted) {
                content_after(c, &a, q + 1); /* He said, "..." */
                finish(c, &a, TD_QNONE);
            }
            return;
        }
        add_piece(&a, cs, ce);
        bool quoted = false;
        for (uint32_t i = cs; i < ce; i++)
            if (c->M.reg_of[i] >= 0)
                quoted = true;
        add_continuations(c, &a, q, quoted);
        finish(c, &a, q);
    } else {
        content_after(c, &a, skipped ? q : p);
        finish(c, &a, TD_QNONE);
    }
}

/* A line opening "Paul Ryan: ..." (a headline's attribution): the name,
 * two to four capitalised words, is the speaker and the colon the cue. */
static void colon_headline(qctx *c, uint32_t s0, uint32_t se)
{
    if (s0 < se && is_open_mark(c, s0))
        s0++; /* a transcript quoted whole: "PENCE: ... */
    uint32_t k = s0;
    while (k < se && k - s0 <= 4 && is_cap(c, k) && wclass(c, k) != W_STOP &&
           wclass(c, k) != W_DET && wclass(c, k) != W_ADJ)
        k++;
    if (k - s0 < 1 || k - s0 > 4 || k + 3 >= se || !is_punct(c, k, ':'))
        return;
    if (k - s0 == 1) {
        /* one word: a transcript's speaker (ALL CAPS), the first line's
         * ("Issa: ..."), or a surname seen in full */
        const td_token *t = T(c, s0);
        bool caps = (t->flags & TD_TOKF_ALLCAPS) && t->span.e - t->span.s >= 3;
        bool first_line = T(c, s0)->block == T(c, 0)->block;
        if (!caps && !first_line &&
            !td_coref_full_name(c->coref, t->span.s, c->doc->norm + t->span.s,
                                t->span.e - t->span.s))
            return;
    }
    attr a;
    memset(&a, 0, sizeof a);
    a.cue_s = k;
    a.cue_e = k + 1;
    np p = {NP_NAME, s0, k};
    speaker_from_np(c, p, &a.spk, 0);
    content_after(c, &a, k + 1);
    finish(c, &a, se);
}

/* The subject a sentence starts with, after a leading adjunct ("In March,")
 * and function words: a name, a pronoun or a noun phrase with a speaker
 * head. */
static np sentence_subject(qctx *c, uint32_t i, uint32_t lim)
{
    np r = {NP_NONE, i, i};
    while (i < lim && wclass(c, i) == W_STOP && i + 1 < lim && wclass(c, i + 1) == W_ADJ)
        i++; /* "Here in Columbia, Sanders ..." */
    if (i < lim && wclass(c, i) == W_ADJ) {
        uint32_t k = i;
        while (k < lim && k - i < 12 && !is_punct(c, k, ','))
            k++;
        if (k >= lim || !is_punct(c, k, ','))
            return r;
        i = k + 1;
    }
    while (i < lim && wclass(c, i) == W_STOP)
        i++;
    if (i >= lim)
        return r;
    int w = wclass(c, i);
    r.s = i;
    if (w == W_PRON) {
        r.kind = NP_PRON;
        r.e = i + 1;
    } else if (is_cap(c, i) &&
               (w == W_NONE || w == W_HON || w == W_TITLE || w == W_MOD || w == W_NOM)) {
        uint32_t e = i;
        while (e < lim && e - i < MAX_NP &&
               (is_cap(c, e) || wclass(c, e) == W_CONN ||
                (tok_is(c, e, "'s") && e + 1 < lim && is_cap(c, e + 1))))
            e++;
        r.kind = NP_NAME;
        r.e = e;
    } else if (w == W_DET) {
        uint32_t e = i + 1;
        while (e < lim && e - i < 5 && is_word(c, e) && wclass(c, e) != W_TITLE &&
               wclass(c, e) != W_NOM)
            e++;
        if (e < lim && (wclass(c, e) == W_TITLE || wclass(c, e) == W_NOM)) {
            r.kind = NP_NOM;
            r.e = e + 1;
        }
    }
    return r;
}

static uint32_t region_words(const qctx *c, const td_qregion *r)
{
    uint32_t n = 0;
    for (uint32_t i = r->first; i < r->end; i++)
        n += T(c, i)->type == TD_TOK_WORD || T(c, i)->type == TD_TOK_NUM;
    return n;
}

/* Fewer words than this in quote marks with no cue are scare quotes. */
#define VQ_MIN_WORDS 3

/* Quotes no cue claimed, in a sentence whose subject may speak: "Trump
 * blasted Disney for its “outrageous practices”". The verb after the
 * subject is the cue; the content runs from it to the last quote. */
static void verb_quotes(qctx *c, uint32_t s0, uint32_t se)
{
    uint32_t lo = s0 > c->floor ? s0 : c->floor;
    uint32_t first = TD_QNONE, last = 0;
    /* the regions opening in [lo, se), in order (they are disjoint) */
    for (size_t r = first_region_from(c, lo); r < c->M.n && c->M.regs[r].open_tok < se; r++) {
        const td_qregion *q = &c->M.regs[r];
        uint32_t i = q->open_tok;
        if (i < lo || c->M.reg_of[i] != (int32_t)r)
            continue;
        uint32_t re = q->closed ? q->close_tok + 1 : q->end;
        if (!c->reg_used[r] && !title_like(c, q) && region_words(c, q) >= VQ_MIN_WORDS) {
            if (first == TD_QNONE)
                first = i;
            last = re;
        }
    }
    if (first == TD_QNONE)
        return;
    np subj = sentence_subject(c, lo, first);
    if (subj.kind == NP_NONE)
        return;
    uint32_t v = subj.e;
    for (int n = 0; n < 2 && v < first && is_adverb(c, v); n++)
        v++;
    if (v + 1 >= first || !is_word(c, v) || is_cap(c, v))
        return;
    int w = wclass(c, v);
    if (w != W_NONE)
        return;
    attr a;
    memset(&a, 0, sizeof a);
    a.cue_s = v;
    a.cue_e = v + 1;
    speaker_from_np(c, subj, &a.spk, 0);
    /* "X shot back, “...”", "X lobbies for a wage: “...”": one quotation
     * that opens with a capital after a comma or colon is the speech, what
     * leads to it the writer's */
    const td_qregion *r = region_of(c, first);
    bool lead = first > v + 2 && (is_punct(c, first - 1, ',') || is_punct(c, first - 1, ':')) &&
                first + 1 < last && is_cap(c, first + 1) && r->closed && r->close_tok + 1 == last;
    add_piece(&a, lead ? first : v + 1, last);
    finish(c, &a, last);
}

/* The first quoted region whose last token is at or after token i (the
 * regions are disjoint and in order). The answer is kept: the next
 * question, for the same or a later token (the sentences come in order),
 * walks on from it instead of searching again. */
static size_t first_region_from(qctx *c, uint32_t i)
{
    size_t lo = 0, hi = c->M.n;
    if (c->rf_known && i >= c->rf_tok) {
        lo = c->rf_reg;
        while (lo < hi && region_last(&c->M.regs[lo]) < i)
            lo++;
    } else {
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (region_last(&c->M.regs[mid]) < i)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    c->rf_known = true;
    c->rf_tok = i;
    c->rf_reg = lo;
    return lo;
}

/* A quotation introduced by a name and a colon inside a line: "... doesn't
 * surprise pollster Ann Lee: “...”" - the name speaks, the colon is the
 * cue. */
static void colon_quote(qctx *c, uint32_t s0, uint32_t se)
{
    for (size_t ri = first_region_from(c, s0); ri < c->M.n && c->M.regs[ri].open_tok < se; ri++) {
        const td_qregion *r = &c->M.regs[ri];
        uint32_t o = r->open_tok;
        if (o < s0 + 2 || o < c->floor + 2 || c->reg_used[ri] || !is_punct(c, o - 1, ':') ||
            !is_cap(c, o - 2) || region_words(c, r) < VQ_MIN_WORDS)
            continue;
        np p = np_before(c, o - 2, s0);
        if (p.kind != NP_NAME)
            continue;
        attr a;
        memset(&a, 0, sizeof a);
        a.cue_s = o - 1;
        a.cue_e = o;
        speaker_from_np(c, p, &a.spk, 0);
        extend_over_quotes(c, &a, o, r->closed ? r->close_tok + 1 : r->end);
        finish(c, &a, TD_QNONE);
    }
}

/* A quotation signed with a dash to the end of its line: “...” ― Ann Lee */
static void dash_signature(qctx *c, uint32_t s0, uint32_t se)
{
    /* the signature may be a sentence of its own: “... bully.” ― Ann Lee;
     * the closing marks of the sentence, in order */
    for (size_t ri = first_region_from(c, s0); ri < c->M.n && c->M.regs[ri].open_tok < se; ri++) {
        if (!c->M.regs[ri].closed)
            continue;
        uint32_t i = c->M.regs[ri].close_tok;
        if (i < s0 || i >= se || i + 2 >= c->n)
            continue;
        if (!is_close_mark(c, i) || !is_dash(c, i + 1) || !is_cap(c, i + 2) ||
            T(c, i + 2)->block != T(c, i)->block)
            continue;
        const td_qregion *r = region_of(c, i);
        uint32_t e = i + 2;
        while (e < c->n && e - i < 8 && T(c, e)->block == r->block &&
               (is_cap(c, e) || wclass(c, e) == W_CONN))
            e++;
        uint32_t end = e;
        while (end < c->n && T(c, end)->block == r->block && is_terminal(c, end))
            end++;
        if (c->reg_used[c->M.reg_of[i]] || (end < c->n && T(c, end)->block == r->block))
            continue; /* the name must end the line */
        attr a;
        memset(&a, 0, sizeof a);
        a.cue_s = i + 1;
        a.cue_e = i + 2;
        np p = {NP_NAME, i + 2, e};
        speaker_from_np(c, p, &a.spk, 0);
        add_piece(&a, r->open_tok, i + 1);
        finish(c, &a, e);
    }
}

static void run_sentence(qctx *c, uint32_t si)
{
    const td_sentence *s = TD_DOC_SENT(c->doc, si);
    uint32_t s0 = s->tok_first, se = s->tok_first + s->tok_count;
    if (s0 < se && (T(c, s0)->flags & TD_TOKF_LINE_START) &&
        (c->M.reg_of[s0] < 0 || is_open_mark(c, s0)))
        colon_headline(c, s0, se);
    uint32_t floor0 = c->floor, floor1 = c->floor;
    /* the first cue at or after s0: on from the last sentence's (they come
     * in order), else searched */
    uint32_t first_cue = 0, hi = c->n_cues;
    if (s0 >= c->cue_s0) {
        first_cue = c->cue_first;
        while (first_cue < hi && c->cue_pos[first_cue] < s0)
            first_cue++;
    } else {
        while (first_cue < hi) {
            uint32_t mid = (first_cue + hi) / 2;
            if (c->cue_pos[mid] < s0)
                first_cue = mid + 1;
            else
                hi = mid;
        }
    }
    c->cue_s0 = s0;
    c->cue_first = first_cue;
    for (int pass = 0; pass < 2; pass++) {
        /* speech cues first; evaluative ones only over unclaimed words */
        c->eval_pass = pass == 1;
        if (pass == 1) {
            floor1 = c->floor;
            c->floor = floor0;
        }
        /* the cues of the sentence, in order; a cue's words are skipped */
        uint32_t next = s0;
        for (uint32_t k = first_cue; k < c->n_cues && c->cue_pos[k] < se && c->st == TD_OK; k++) {
            uint32_t i = c->cue_pos[k];
            size_t nt = 0;
            const td_lex_entry *e = i >= next ? cue_at(c, i, se, &nt) : NULL;
            if (!e || nt == 0)
                continue;
            next = i + (uint32_t)nt;
            bool ev = (CUEF(c, e) & CF_EVAL) != 0;
            if (i < c->floor || ev != c->eval_pass || c->claimed[i])
                continue;
            if (CUEF(c, e) & CF_PREP)
                cue_according(c, s0, se, i, i + (uint32_t)nt);
            else
                cue_verb(c, s0, se, i, i + (uint32_t)nt, e);
        }
    }
    c->eval_pass = false;
    if (floor1 > c->floor)
        c->floor = floor1;
    if (c->st == TD_OK && c->M.n > 0) /* both need quote marks */
        dash_signature(c, s0, se);
    if (c->st == TD_OK && c->M.n > 0)
        colon_quote(c, s0, se);
    if (c->st == TD_OK && c->M.n > 0)
        verb_quotes(c, s0, se);
}

/* Whether the sentences are in order and disjoint (sent_of can search). */
static bool sents_ordered(const td_doc *doc)
{
    uint32_t end = 0;
    for (size_t si = 0; si < doc->sents.n; si++) {
        const td_sentence *s = TD_DOC_SENT(doc, si);
        if (s->tok_first < end || s->tok_first + s->tok_count < s->tok_first)
            return false;
        end = s->tok_first + s->tok_count;
    }
    return true;
}

/* Every token's sentence (the last holding it), 0 for a token outside them
 * all: one pass. */
static uint32_t *sent_map(td_arena *scratch, const td_doc *doc, uint32_t n)
{
    uint32_t *m = td_arena_alloc(scratch, (n ? n : 1) * sizeof *m);
    if (!m)
        return NULL;
    uint32_t done = 0; /* tokens [0, done) are set */
    for (size_t si = 0; si < doc->sents.n; si++) {
        const td_sentence *s = TD_DOC_SENT(doc, si);
        uint32_t b = s->tok_first < n ? s->tok_first : n;
        uint32_t e = s->tok_first + s->tok_count < n ? s->tok_first + s->tok_count : n;
        for (; done < b; done++)
            m[done] = 0;
        for (uint32_t i = b; i < e; i++)
            m[i] = (uint32_t)si;
        if (e > done)
            done = e;
    }
    for (; done < n; done++)
        m[done] = 0;
    return m;
}

static bool coref_listed(void *arg, uint32_t tok) { return wclass(arg, tok) != W_NONE; }

td_status td_quotes_run(td_stage_ctx *ctx, td_doc *doc)
{
    if (!ctx || !ctx->res || !ctx->res->quotes || doc->toks.n == 0 || doc->sents.n == 0)
        return TD_OK;
    qctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.R = ctx->res->quotes;
    c.scratch = &ctx->scratch;
    c.n = (uint32_t)doc->toks.n;
    c.wc = td_arena_alloc(c.scratch, c.n);
    c.claimed = td_arena_calloc(c.scratch, c.n);
    c.cue_ent = td_arena_alloc(c.scratch, c.n * sizeof *c.cue_ent);
    c.cue_len = td_arena_calloc(c.scratch, c.n);
    c.cue_pos = td_arena_alloc(c.scratch, c.n * sizeof *c.cue_pos);
    c.mark_pos = td_arena_alloc(c.scratch, c.n * sizeof *c.mark_pos);
    if (!c.wc || !c.claimed || !c.cue_ent || !c.cue_len || !c.cue_pos || !c.mark_pos)
        return TD_ENOMEM;
    find_cues(&c); /* and the quote mark tokens */
    td_status st = td_quotes_find_marks(c.scratch, doc, c.mark_pos, c.n_marks, &c.M);
    if (st != TD_OK)
        return st;
    c.reg_used = td_arena_calloc(c.scratch, c.M.n + 1);
    if (!c.reg_used)
        return TD_ENOMEM;
    memset(c.wc, W_UNSET, c.n);
    c.coref = td_coref_new(c.scratch, doc, coref_listed, &c);
    if (!c.coref)
        return TD_ENOMEM;
    if (!sents_ordered(doc)) {
        c.sent_map = sent_map(c.scratch, doc, c.n);
        if (!c.sent_map)
            return TD_ENOMEM;
    }
    for (size_t si = 0; si < doc->sents.n && c.st == TD_OK; si++)
        run_sentence(&c, (uint32_t)si);
    if (c.st == TD_OK)
        c.st = td_coref_status(c.coref);
    return c.st;
}
