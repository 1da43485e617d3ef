/*
 * events.c - the events stage: CAMEO event coding in the manner of TABARI
 * and PETRARCH, over the PETRARCH dictionaries (event_dict.c), with a
 * shallow parser of its own instead of a treebank parse.
 *
 * Per document first: one cached lookup a token (word id, function-word
 * classes, ED_WB_* bits); a sentence is coded only when its words allow an
 * event (a verb head, a verb phrase, an actor or agent start, and two actor
 * codes when require_dyad holds); discards are matched only where a
 * discard word occurs. These filters are necessary conditions: the coding
 * is the same as without them.
 * Per sentence (never boilerplate: segment does not tokenise it):
 *   1. words: every token's dictionary word id and function-word classes
 *      (data/lex/events_function_words.tsv);
 *   2. discards: a sentence discard phrase skips the sentence, a story
 *      discard ("+PHRASE") the whole document; a dateline-led sentence
 *      ("CITY: -- ...") is not coded;
 *   3. noun-phrase chunks: longest actor and agent phrases; an actor with
 *      its agents ("Arnor's foreign minister" ARNGOVFRM, "MSF Arnor"
 *      NGOARN); actor codes chosen by the date given with the document;
 *   4. compound groups: chunks joined by "," / "and" / "nor" ("Mordor, Rohan
 *      and Bree"); agents distributed over "officials in X and Y";
 *   5. verbs: dictionary verb forms (multi-word ones too) outside chunks and
 *      not after a determiner; for each, the most specific verb pattern
 *      (upper words before the verb, lower words after, $ + % bindings,
 *      synsets, '_' adjacency);
 *   6. roles: source = the pattern's $, else the nearest subject group before
 *      the verb in its clause (not the object of a preposition); target =
 *      the pattern's +, else the first group after the verb; passive voice
 *      with "by X" swaps them; a negated verb without a pattern for its
 *      negation is not coded; a compound subject with no target codes
 *      its members with each other;
 *   7. conservative output: no source or no target, no event (require_dyad);
 *      a statement verb whose complement holds a coded event is dropped
 *      (a reported statement is coded once).
 * The record's "config" object may turn require_dyad off.
 */
#define _DEFAULT_SOURCE 1 /* madvise */
#include "event_dict.h"
#include "json.h"
#include "stage.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum {
    FW_DET = 1,
    FW_POSS = 2,
    FW_PREP = 4,
    FW_LINK = 8,
    FW_BY = 16,
    FW_CONJ = 32,
    FW_SUB = 64,
    FW_BE = 128,
    FW_AUX = 256,
    FW_NEG = 512,
    FW_COMP = 1024,
    FW_FUNC = 2047,  /* the closed classes above */
    FW_INTENT = 2048, /* heads of "to"-complements */
    FW_REFUSE = 4096,
    FW_INF = 8192,    /* "to" */
    FW_OBLIG = 16384, /* must, should */
    FW_FUT = 32768,   /* will, would */
    FW_SAY = 65536,   /* said, announced */
    FW_DIR = 131072,  /* to, toward, with, against */
    FW_PART = 262144, /* a quantity before a subject: "thousands of" */
    FW_PRON = 524288, /* it, he, she, they, we: a subject standing for one */
    /* not a class: a phrase search will read the word's phrases (it starts
     * an agent or discard phrase, or an actor phrase of two words or more):
     * doc_words prefetches them (set by word_kinds) */
    FW_PREF = 1 << 20,
    /* not function words: the word is a whole phrase of the kind (set by
     * word_kinds, read from a token's classes without the word table) */
    FW_1ACTOR = 1 << 24,
    FW_1AGENT = 1 << 25,
    FW_1DISC = 1 << 26,
    /* a token's, not a word's (plural_bits): shaped as a plural ("Albanians",
     * five letters or more, "s" not after "s") of a word that is a one-word
     * actor (FW_PL1ACTOR) or starts a two-actor phrase (FW_PLMULTI) */
    FW_PL1ACTOR = 1 << 27,
    FW_PLMULTI = 1 << 28,
    /* a token's too, from its bytes alone: shaped as a plural (five
     * bytes or more, "s" not after "s"), or the one byte "_" */
    FW_PLSHAPE = 1 << 29,
    FW_USCORE = 1 << 30
};

typedef struct ev_res {
    ed_dict *dict;
    td_lexicon *cameo; /* events_cameo_codes.tsv */
    uint32_t *sing;    /* by word id: the singular a plural form is of, or ED_NONE */
    uint8_t *wtb;      /* by word id + 1, twice (not capitalised, capitalised): the
                        * word's part of a token's byte (word_bytes) */
    struct ev_pfilter *pf; /* a filter a pattern (pattern_filters) */
} ev_res;

/* A token's word in 64 bits (doc_words' array, the word caches): bits 0-7
 * the word's ED_WB_* bits, 12-31 its id + 1 (0: no word; ids fit in 20
 * bits, ED_MAX_WORDS), 32-63 its function-word classes and the token's own
 * FW_* bits; bits 8-11 are the short cache's (the token's length). One
 * load and one store a token, and its word id + 1 indexes ev_res.wtb. */
typedef uint64_t tword;

static inline tword tw_make(uint32_t w, uint8_t kb, uint32_t fw)
{
    return (uint64_t)fw << 32 | (uint64_t)((w + 1) & 0xfffff) << 12 | kb;
}
static inline uint32_t tw_wid(tword x) { return ((uint32_t)x >> 12) - 1; } /* ED_NONE: none */
static inline uint8_t tw_kb(tword x) { return (uint8_t)x; }
static inline uint32_t tw_fw(tword x) { return (uint32_t)(x >> 32); }

/* try_block's filter of a pattern, 24 bytes, not its 48-byte entry: its
 * need and synneed, and two of its literal words (the longest; ED_NONE
 * when fewer) checked against the sentence's 4096-bit word filter. */
typedef struct ev_pat {
    uint64_t need, synneed;
    uint32_t w[2];
} ev_pat;

/* The patterns' filters (pattern_filters, one allocation): every
 * pattern's ev_pat, and an index by key word (pattern_key). A
 * pattern matches only where its key is a word of the sentence (or the
 * singular of one): a sentence marks the patterns of its words' keys
 * (sent_filters) and a verb's block tries only those and the patterns
 * without a literal word, not all of its patterns (up to 190). */
typedef struct ev_pfilter {
    ev_pat *pat;      /* by pattern */
    uint64_t *nokey;  /* bit k: pattern k has no literal word */
    uint64_t *iskey;  /* bit w: word w is the key of some pattern */
    uint32_t *kfirst; /* by word id (n_words + 1): its patterns are */
    uint32_t *klist;  /* klist[kfirst[w] .. kfirst[w + 1]), ascending */
    uint32_t cand_words; /* 64-bit words of a bit set over the patterns */
} ev_pfilter;

/* ---- init ---------------------------------------------------------------- */

typedef struct {
    ed_dict *d;
    int fail;
} fw_arg;

static uint32_t fw_classes(const char *s)
{
    static const char *const names[] = {"det", "poss", "prep", "link",   "by",    "conj", "sub",
                                        "be",  "aux",  "neg",  "comp", "intent", "refuse", "inf", "oblig", "fut", "say", "dir",
                                        "part", "pron"};
    uint32_t f = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
            if (strlen(names[k]) == n && strncmp(names[k], s, n) == 0)
                f |= 1u << k;
        s += n;
        if (*s == ',')
            s++;
    }
    return f;
}

static void fw_add(const td_lex_entry *e, void *arg)
{
    fw_arg *a = arg;
    uint32_t id = ed_word_add(a->d, e->key, strlen(e->key));
    if (id == ED_NONE) {
        a->fail = 1;
        return;
    }
    a->d->words[id].fw |= fw_classes(td_lex_field(e, 0));
}

/* Does an actor phrase starting with w have a code naming two actors? */
static bool multi_actor(const ed_dict *d, const ed_word *w)
{
    for (uint32_t k = 0; k < w->n[ED_ACTOR]; k++) {
        const ed_actor *a = &d->actors[d->phr[ED_ACTOR][w->first[ED_ACTOR] + k].payload];
        for (uint32_t c = 0; c < a->code_n; c++)
            if (strchr(ed_str(d, d->codes[a->code_first + c].code), '/'))
                return true;
    }
    return false;
}

/* Every word's ED_WB_* bits, for the per-document sentence filter. */
static void word_kinds(ed_dict *d)
{
    for (uint32_t k = 0; k < d->n_words; k++) {
        ed_word *w = &d->words[k];
        uint8_t b = 0;
        if (w->n[ED_VERB] || (w->fw & (FW_INTENT | FW_REFUSE | FW_SAY)))
            b |= ED_WB_VERB;
        if (w->n[ED_VERB])
            b |= ED_WB_VPHRASE;
        if (w->n[ED_ACTOR])
            b |= ED_WB_ACTOR | (multi_actor(d, w) ? ED_WB_MULTI : 0);
        if (w->n[ED_AGENT])
            b |= ED_WB_AGENT;
        if (w->n[ED_DISCARD])
            b |= ED_WB_DISC;
        w->kinds = b;
        w->fw &= ~(uint32_t)(FW_1ACTOR | FW_1AGENT | FW_1DISC);
        if (w->n2[ED_ACTOR] < w->n[ED_ACTOR])
            w->fw |= FW_1ACTOR;
        if (w->n2[ED_AGENT] < w->n[ED_AGENT])
            w->fw |= FW_1AGENT;
        if (w->n2[ED_DISCARD] < w->n[ED_DISCARD])
            w->fw |= FW_1DISC;
        w->fw &= ~(uint32_t)FW_PREF;
        if ((b & (ED_WB_AGENT | ED_WB_DISC)) || ((b & ED_WB_ACTOR) && !(w->fw & FW_1ACTOR)))
            w->fw |= FW_PREF;
    }
    for (uint32_t k = 0; k < d->n_pats; k++) {
        ed_pattern *p = &d->pats[k];
        p->need = p->synneed = 0;
        for (uint32_t e = 0; e < p->up_n + p->lo_n; e++) {
            const ed_elem *el = &d->elems[p->up_first + e];
            if (el->kind == EP_WORD)
                p->need |= 1ull << (el->id & 63);
            else if (el->kind == EP_SYN)
                p->synneed |= 1ull << (el->id & 63);
        }
    }
    for (uint32_t s = 0; s < d->n_syns; s++)
        for (uint32_t k = 0; k < d->syns[s].n; k++) {
            ed_word *w = &d->words[d->synphr[d->syns[s].first + k].w0];
            w->kinds |= ED_WB_SYN;
            w->synmask |= 1ull << (s & 63);
        }
}

/* The plural of an upper-case noun w[0..n) into out[64] (DEMONSTRATION
 * -> DEMONSTRATIONS, BRANCH -> BRANCHES, PENALTY -> PENALTIES); its length,
 * 0 when w is no noun stem to inflect (short, not all letters). */
static size_t plural_of(const char *w, size_t n, char *out)
{
    if (n < 3 || n > 60)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (w[k] < 'A' || w[k] > 'Z')
            return 0;
    memcpy(out, w, n);
    char z = w[n - 1], y = w[n - 2];
    if (z == 'Y' && !strchr("AEIOU", y)) {
        memcpy(out + n - 1, "IES", 3);
        return n + 2;
    }
    if (z == 'S' || z == 'X' || z == 'Z' || ((z == 'H') && (y == 'C' || y == 'S'))) {
        memcpy(out + n, "ES", 2);
        return n + 2;
    }
    out[n] = 'S';
    return n + 1;
}

/* Verb patterns name nouns in the singular ("- * DEMONSTRATION [141]",
 * "BLOCK * ROAD"); a sentence has them in either number ("staged mass
 * demonstrations", "blocked roads"). Every literal word of a pattern gets
 * its plural interned, and r->sing maps the plural to it. */
static td_status plural_words(ev_res *r)
{
    ed_dict *d = r->dict;
    uint32_t n0 = d->n_words;
    uint8_t *lit = calloc(n0 ? n0 : 1, 1);
    uint32_t *pair = NULL;
    size_t np = 0, cap = 0;
    td_status st = lit ? TD_OK : TD_ENOMEM;
    for (uint32_t e = 0; st == TD_OK && e < d->n_elems; e++)
        if (d->elems[e].kind == EP_WORD && d->elems[e].id < n0)
            lit[d->elems[e].id] = 1;
    for (uint32_t w = 0; st == TD_OK && w < n0; w++) {
        char buf[64];
        size_t m = lit[w] ? plural_of(ed_str(d, d->words[w].off), d->words[w].len, buf) : 0;
        if (!m)
            continue;
        uint32_t id = ed_word_add(d, buf, m);
        if (np + 2 > cap) {
            cap = cap ? cap * 2 : 1024;
            uint32_t *q = realloc(pair, cap * sizeof *q);
            if (!q) {
                st = TD_ENOMEM;
                break;
            }
            pair = q;
        }
        if (id == ED_NONE) {
            st = TD_ENOMEM;
            break;
        }
        pair[np++] = id;
        pair[np++] = w;
    }
    if (st == TD_OK) {
        r->sing = malloc((d->n_words ? d->n_words : 1) * sizeof *r->sing);
        if (!r->sing)
            st = TD_ENOMEM;
    }
    if (st == TD_OK) {
        for (uint32_t w = 0; w < d->n_words; w++)
            r->sing[w] = ED_NONE;
        for (size_t k = 0; k < np; k += 2)
            if (pair[k] != pair[k + 1] && r->sing[pair[k]] == ED_NONE)
                r->sing[pair[k]] = pair[k + 1];
    }
    free(lit);
    free(pair);
    return st;
}

/* Pattern k's key: its literal word, no function word ("TO", "WITH":
 * in most sentences, they would mark their patterns in most), the fewest
 * patterns use (uses[]), then the longest; ED_NONE: none. */
static uint32_t pattern_key(const ed_dict *d, uint32_t k, const uint32_t *uses)
{
    const ed_pattern *p = &d->pats[k];
    uint32_t key = ED_NONE;
    for (uint32_t e = 0; e < p->up_n + p->lo_n; e++) {
        const ed_elem *el = &d->elems[p->up_first + e];
        if (el->kind != EP_WORD || (d->words[el->id].fw & FW_FUNC))
            continue;
        if (key == ED_NONE || uses[el->id] < uses[key] ||
            (uses[el->id] == uses[key] && d->words[el->id].len > d->words[key].len))
            key = el->id;
    }
    return key;
}

/* Pattern k's ev_pat: its need, synneed and two longest literal words. */
static void pattern_pat(const ed_dict *d, uint32_t k, ev_pat *f)
{
    const ed_pattern *p = &d->pats[k];
    f->need = p->need;
    f->synneed = p->synneed;
    f->w[0] = f->w[1] = ED_NONE;
    uint32_t len[2] = {0, 0};
    for (uint32_t e = 0; e < p->up_n + p->lo_n; e++) {
        const ed_elem *el = &d->elems[p->up_first + e];
        if (el->kind != EP_WORD)
            continue;
        uint32_t n = d->words[el->id].len;
        if (f->w[0] == ED_NONE || n > len[0]) {
            f->w[1] = f->w[0];
            len[1] = len[0];
            f->w[0] = el->id;
            len[0] = n;
        } else if (f->w[1] == ED_NONE || n > len[1]) {
            f->w[1] = el->id;
            len[1] = n;
        }
    }
}

/* Every pattern's ev_pat and the key index (after word_kinds), in one
 * allocation; NULL: out of memory. */
static ev_pfilter *pattern_filters(const ed_dict *d)
{
    size_t np = d->n_pats, nw = d->n_words;
    size_t cw = (np + 63) / 64, ww = (nw + 63) / 64;
    size_t size = sizeof(ev_pfilter) + (np + 1) * sizeof(ev_pat) + (cw + ww) * sizeof(uint64_t) +
                  (nw + 1 + np) * sizeof(uint32_t);
    ev_pfilter *x = calloc(1, size);
    uint32_t *uses = calloc(nw + 1, sizeof *uses), *key = malloc((np + 1) * sizeof *key);
    if (!x || !uses || !key) {
        free(x);
        free(uses);
        free(key);
        return NULL;
    }
    x->pat = (ev_pat *)(x + 1);
    x->nokey = (uint64_t *)(x->pat + np + 1);
    x->iskey = x->nokey + cw;
    x->kfirst = (uint32_t *)(x->iskey + ww);
    x->klist = x->kfirst + nw + 1;
    x->cand_words = (uint32_t)cw;
    for (uint32_t k = 0; k < d->n_pats; k++) {
        const ed_pattern *p = &d->pats[k];
        pattern_pat(d, k, &x->pat[k]);
        for (uint32_t e = 0; e < p->up_n + p->lo_n; e++)
            if (d->elems[p->up_first + e].kind == EP_WORD)
                uses[d->elems[p->up_first + e].id]++;
    }
    for (uint32_t k = 0; k < d->n_pats; k++) {
        key[k] = pattern_key(d, k, uses);
        if (key[k] == ED_NONE)
            x->nokey[k >> 6] |= 1ull << (k & 63);
        else
            x->kfirst[key[k] + 1]++; /* counted, then summed below */
    }
    for (size_t w = 0; w < nw; w++) {
        if (x->kfirst[w + 1])
            x->iskey[w >> 6] |= 1ull << (w & 63);
        x->kfirst[w + 1] += x->kfirst[w];
    }
    uint32_t *fill = uses; /* each list's next free slot */
    memcpy(fill, x->kfirst, (nw + 1) * sizeof *fill);
    for (uint32_t k = 0; k < d->n_pats; k++) /* ascending in each list */
        if (key[k] != ED_NONE)
            x->klist[fill[key[k]]++] = k;
    free(uses);
    free(key);
    return x;
}

static td_status word_bytes(ev_res *r);

td_status td_events_init(td_resources *res, char **err)
{
    ev_res *r = calloc(1, sizeof *r);
    if (!r)
        return TD_ENOMEM;
    td_status st = ed_dict_load(res->opts.event_dict_dir, &r->dict, err);
    td_lexicon *fw = NULL;
    if (st == TD_OK)
        st = td_lexicon_load(&res->opts, "events_function_words.tsv", 0, &fw, err);
    if (st == TD_OK) {
        fw_arg a = {r->dict, 0};
        td_lexicon_each(fw, fw_add, &a);
        if (a.fail)
            st = TD_ENOMEM;
    }
    td_lexicon_free(fw);
    if (st == TD_OK)
        st = plural_words(r);
    if (st == TD_OK) {
        word_kinds(r->dict);
        r->pf = pattern_filters(r->dict);
        if (!r->pf)
            st = TD_ENOMEM;
    }
    if (st == TD_OK) /* no word is added after this */
        st = ed_dict_compact(r->dict, err);
    if (st == TD_OK)
        st = word_bytes(r);
    if (st == TD_OK)
        st = td_lexicon_load(&res->opts, "events_cameo_codes.tsv", 0, &r->cameo, err);
    if (st != TD_OK) {
        ed_dict_free(r->dict);
        td_lexicon_free(r->cameo);
        free(r->sing);
        free(r->wtb);
        free(r->pf);
        free(r);
        return st;
    }
    res->events = r;
    return TD_OK;
}

void td_events_release(td_resources *res)
{
    ev_res *r = res->events;
    if (!r)
        return;
    ed_dict_free(r->dict);
    td_lexicon_free(r->cameo);
    free(r->sing);
    free(r->wtb);
    free(r->pf);
    free(r);
    res->events = NULL;
}

/* ---- per-sentence working state ------------------------------------------ */

enum { MAX_W = 256, MAX_CODES = 24, MAX_GROUPS = 48, EV_CAND_WORDS = 128 };
_Static_assert(TD_TOK_QUOTE_OPEN == TD_TOK_PUNCT + 1 && TD_TOK_QUOTE_CLOSE == TD_TOK_PUNCT + 2,
               "load_words tests the three punctuation types as one range");

typedef struct wtok {
    uint32_t wid;
    uint16_t fw;  /* closed classes (FW_FUNC) */
    uint32_t cls; /* FW_INTENT, FW_REFUSE, FW_INF, FW_OBLIG, FW_FUT, FW_SAY */
    uint8_t cap, punct;
    uint8_t kb; /* the word's ED_WB_* bits */
    char pc; /* first byte of a punctuation token */
    uint32_t tok;
} wtok;

typedef struct chunk {
    uint32_t s, e;
    const char *actors[MAX_CODES];
    int n_actors;
    uint32_t agents[8]; /* agent ids */
    int n_agents;
} chunk;

typedef struct group {
    uint32_t s, e;
    const char *codes[MAX_CODES];
    int n;
    uint32_t prep; /* word id of the preposition before it, or ED_NONE */
    bool agent_only;
} group;

typedef struct sent {
    const ed_dict *d;
    const td_lexicon *cameo; /* CAMEO codes: only these are re-coded by modality */
    const ev_pfilter *pf; /* ev_res.pf */
    td_arena *arena; /* doc arena (codes are copied there) */
    wtok w[MAX_W];
    uint32_t n;
    int8_t in_group[MAX_W]; /* group index or -1 */
    group g[MAX_GROUPS];
    int ng;
    int32_t date;
    bool require_dyad;
    const tword *tw;      /* the word of every token of the document */
    const uint32_t *sing; /* ev_res.sing: a plural word's singular */
    const td_doc *doc;
    uint64_t bloom[64];   /* word ids present in the sentence (4096-bit filter) */
    uint64_t synmask;     /* synsets (bit s % 64) a phrase of which may start in it */
    uint64_t wmask;       /* bits (id % 64) of its word ids */
    /* bit k: the key of pattern k is a word of the sentence (or the
     * singular of one); by_cand: cand is used (enough bits for the
     * dictionaries' patterns), else every pattern of a block is tried */
    uint64_t cand[EV_CAND_WORDS];
    bool by_cand;
} sent;

typedef struct bind {
    int src, tgt, comp; /* group indices or -1 */
    bool neg_used;
} bind;

/* Token q is the pattern word id, or (plural) its plural. */
static inline bool word_is(const sent *S, uint32_t q, uint32_t id, bool plural)
{
    uint32_t w = S->w[q].wid;
    return w == id || (plural && w != ED_NONE && S->sing[w] == id);
}

static bool has_fw(const sent *S, uint32_t i, uint16_t f)
{
    return i < S->n && (S->w[i].fw & f) != 0;
}

/* ---- actors ---------------------------------------------------------------- */

static int32_t date_gap(const ed_code *c, int32_t date)
{
    if (date < c->from)
        return c->from - date;
    if (date > c->to)
        return date - c->to;
    return 0;
}

/* The actor's code for the date: the first bounded code holding it, else
 * the unbounded one, else (no date, or a date outside every bound, as a
 * placeholder date is) the bounded code nearest in time. */
static const char *actor_code(const ed_dict *d, uint32_t actor, int32_t date)
{
    const ed_actor *a = &d->actors[actor];
    const ed_code *c = d->codes + a->code_first;
    int nearest = -1, first_open = -1;
    int32_t best = 0;
    for (uint32_t k = 0; k < a->code_n; k++) {
        bool open = c[k].from == 0 && c[k].to == 99999999;
        if (open) {
            if (first_open < 0)
                first_open = (int)k;
            continue;
        }
        if (date && c[k].from <= date && date <= c[k].to)
            return ed_str(d, c[k].code);
        int32_t gap = date ? date_gap(&c[k], date) : 99999999 - (int32_t)k;
        if (nearest < 0 || gap <= best) {
            nearest = (int)k;
            best = gap;
        }
    }
    if (first_open >= 0)
        return ed_str(d, c[first_open].code);
    if (nearest >= 0)
        return ed_str(d, c[nearest].code);
    return NULL;
}

/* Longest phrase of kind starting at i; its index in d->phr[kind], or -1.
 * A word's phrases are sorted longest first (then by position in the
 * files): the answer is the first multi-word phrase, in that order, whose
 * second word is the next token's (by2) and whose other words follow,
 * else the word's first one-word phrase. */
/* The word id j places after ctx: the sentence's words (wtok) or the
 * document's token word ids (uint32_t). */
typedef uint32_t (*wid_at_fn)(const void *ctx, size_t j);
static inline uint32_t wtok_wid(const void *ctx, size_t j) { return ((const wtok *)ctx)[j].wid; }
static inline uint32_t tword_wid(const void *ctx, size_t j) { return tw_wid(((const tword *)ctx)[j]); }

/* The first phrase of kind of two or more words that starts with word wd
 * (at(ctx, 0)) and fits in the avail words from there, found through the
 * index by second word: its phrase index (its length in *len), or -1. */
static inline long multi_phrase(const ed_dict *d, int kind, const ed_wph *wd, size_t avail,
                                wid_at_fn at, const void *ctx, uint32_t *len)
{
    uint32_t w1 = at(ctx, 1), lo = 0, hi = wd->n2[kind];
    if (w1 == ED_NONE)
        return -1; /* no dictionary word next: no phrase goes on */
    if (!((d->second[kind][w1 >> 6] >> (w1 & 63)) & 1))
        return -1; /* no phrase of the kind has it second */
    const ed_phrase *ph = d->phr[kind];
    const uint32_t *by = d->by2[kind] + wd->first[kind];
    const uint32_t *second = d->by2w1[kind] + wd->first[kind];
    const uint32_t *third = d->by2w2[kind] + wd->first[kind];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (second[mid] < w1)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* the word after w1, ED_NONE past the end: no phrase of three words
     * or more fits then, and none has ED_NONE for a word */
    uint32_t w2 = avail > 2 ? at(ctx, 2) : ED_NONE;
    for (; lo < wd->n2[kind] && second[lo] == w1; lo++) {
        if (third[lo] != ED_NONE && third[lo] != w2)
            continue; /* its third word is not the next one */
        const ed_phrase *p = &ph[by[lo]];
        if (p->n > avail)
            continue;
        const uint32_t *ids = d->wpool + p->w;
        uint32_t j = 2;
        while (j < p->n && at(ctx, j) == ids[j])
            j++;
        if (j == p->n) {
            *len = p->n;
            return (long)by[lo];
        }
    }
    return -1;
}

static long match_phrase_at(const sent *S, int kind, uint32_t i, uint32_t *len);

/* The ED_WB_* bit of the words that start a phrase of each kind. */
static const uint8_t kind_bit[ED_KINDS] = {ED_WB_ACTOR, ED_WB_AGENT, ED_WB_VPHRASE, ED_WB_DISC};

/* Longest phrase of kind at i (match_phrase_at), the word's bits tested
 * inline: most words start none. */
static inline long match_phrase(const sent *S, int kind, uint32_t i, uint32_t *len)
{
    if (!(S->w[i].kb & kind_bit[kind]))
        return -1; /* no phrase of the kind starts with it (nor ED_NONE) */
    return match_phrase_at(S, kind, i, len);
}

static long match_phrase_at(const sent *S, int kind, uint32_t i, uint32_t *len)
{
    const ed_dict *d = S->d;
    const ed_wph *wd = &d->wph[S->w[i].wid];
    if (wd->n2[kind] && i + 1 < S->n) {
        long k = multi_phrase(d, kind, wd, S->n - i, wtok_wid, &S->w[i], len);
        if (k >= 0)
            return k;
    }
    if (wd->n2[kind] < wd->n[kind]) {
        *len = 1;
        return (long)(wd->first[kind] + wd->n2[kind]);
    }
    return -1;
}

/* A plural of a one-word actor ("Palestinians" for PALESTINIAN): the
 * dictionaries list demonyms in the singular. */
static long plural_actor(const sent *S, uint32_t i, uint32_t *len)
{
    if (!(tw_fw(S->tw[S->w[i].tok]) & FW_PL1ACTOR))
        return -1; /* not a plural of a one-word actor (plural_bits) */
    const td_token *t = TD_DOC_TOK(S->doc, S->w[i].tok);
    size_t n = t->span.e - t->span.s;
    const char *s = S->doc->norm + t->span.s;
    if (n < 5 || s[n - 1] != 's' || s[n - 2] == 's')
        return -1;
    uint32_t w = ed_word_find(S->d, s, n - 1);
    if (w == ED_NONE)
        return -1;
    const ed_wph *wd = &S->d->wph[w];
    if (wd->n2[ED_ACTOR] < wd->n[ED_ACTOR]) { /* its first one-word phrase */
        *len = 1;
        return (long)(wd->first[ED_ACTOR] + wd->n2[ED_ACTOR]);
    }
    return -1;
}

/* Split "FRO/BIL/SAM" into the chunk's actor list. */
static void chunk_set_actor(sent *S, chunk *c, const char *code)
{
    c->n_actors = 0;
    while (*code && c->n_actors < MAX_CODES) {
        size_t n = strcspn(code, "/");
        char *s = td_arena_strndup(S->arena, code, n);
        if (s)
            c->actors[c->n_actors++] = s;
        code += n;
        if (*code == '/')
            code++;
    }
}

static bool is_name_word(const sent *S, uint32_t i)
{
    const wtok *t = &S->w[i];
    return t->cap && !t->punct && !t->fw &&
           !(t->kb & ED_WB_VPHRASE);
}

/* Items (actor or agent phrases) into basic chunks. */
static int find_chunks(sent *S, chunk *ch, int max)
{
    const ed_dict *d = S->d;
    int nc = 0;
    uint32_t i = 0;
    while (i < S->n && nc < max) {
        const wtok *wi = &S->w[i];
        if (wi->punct || (!(wi->kb & ED_WB_ACT) &&
                          !(wi->cap && (tw_fw(S->tw[wi->tok]) & FW_PL1ACTOR)))) {
            i++; /* starts no actor, agent or plural actor */
            continue;
        }
        uint32_t la = 0, lg = 0;
        bool capped = S->w[i].cap ||
                      ((S->w[i].fw & FW_DET) && i + 1 < S->n && S->w[i + 1].cap); /* the Shire */
        long pa = capped ? match_phrase(S, ED_ACTOR, i, &la) : -1;
        if (pa < 0 && S->w[i].cap)
            pa = plural_actor(S, i, &la); /* "Albanians" */
        const char *acode = NULL;
        if (pa >= 0) {
            acode = actor_code(d, d->phr[ED_ACTOR][pa].payload, S->date);
            if (!acode)
                pa = -1;
        }
        long pg = match_phrase(S, ED_AGENT, i, &lg);
        if (pa < 0 && pg < 0) {
            i++;
            continue;
        }
        bool actor = pa >= 0 && (pg < 0 || la >= lg);
        uint32_t len = actor ? la : lg;
        chunk *c = nc ? &ch[nc - 1] : NULL;
        bool merge = false;
        if (c) {
            uint32_t gap = i - c->e;
            if (gap == 0)
                merge = true;
            else if (!actor && has_fw(S, c->e, FW_POSS) && gap <= 4) {
                merge = true; /* "Gondor's main government" */
                for (uint32_t k = c->e + 1; k < i; k++)
                    if (S->w[k].punct || (S->w[k].fw & ~FW_CONJ))
                        merge = false;
            }
            if (merge && actor && c->n_actors && !c->n_agents)
                merge = false; /* two actors: two chunks */
        }
        if (!merge) {
            c = &ch[nc++]; /* its code and agent arrays are filled up to n_* */
            c->n_actors = c->n_agents = 0;
            c->s = i;
        }
        if (actor) {
            if (!c->n_actors)
                chunk_set_actor(S, c, acode); /* "President Umbardacil": the first */
        } else if (c->n_agents < 8)
            c->agents[c->n_agents++] = d->phr[ED_AGENT][pg].payload;
        c->e = i + len;
        /* absorb a following name ("President Umbardacil") */
        uint32_t k = c->e;
        while (k < S->n && k < c->e + 3 && is_name_word(S, k) &&
               match_phrase(S, ED_ACTOR, k, &la) < 0 && match_phrase(S, ED_AGENT, k, &lg) < 0)
            k++;
        c->e = k;
        i = k > i + len ? k : i + len;
    }
    return nc;
}

/* "GOV" (ag[0..m)) already in "USAGOV" (code[0..n)), at a 3-letter
 * boundary? */
static bool code_has(const char *code, size_t n, const char *ag, size_t m)
{
    for (size_t k = 3; k + m <= n; k += 3)
        if (memcmp(code + k, ag, m) == 0)
            return true;
    return false;
}

/* The actor's code with its agents' (prefix or suffix, each once), cut
 * at 127 bytes at every step; in the doc arena. */
static const char *compose(sent *S, const char *actor, const uint32_t *agents, int n_agents)
{
    if (actor && !n_agents && strnlen(actor, 128) < 128)
        return actor; /* in the doc arena already (chunk_set_actor) */
    char buf[128];
    const char *a = actor ? actor : "---";
    size_t n = strnlen(a, 127);
    memcpy(buf, a, n);
    for (int k = 0; k < n_agents; k++) {
        const ed_agent *ag = &S->d->agents[agents[k]];
        const char *c = ed_str(S->d, ag->code);
        size_t m = strlen(c);
        if (ag->prefix) {
            if (m <= n && memcmp(buf, c, m) == 0)
                continue;
            size_t na = m > 127 ? 127 : m, nb = n > 127 - na ? 127 - na : n;
            memmove(buf + na, buf, nb);
            memcpy(buf, c, na);
            n = na + nb;
        } else {
            if (code_has(buf, n, c, m))
                continue;
            size_t nb = m > 127 - n ? 127 - n : m;
            memcpy(buf + n, c, nb);
            n += nb;
        }
    }
    return td_arena_strndup(S->arena, buf, n);
}

/* Add a chunk's codes to a group; an agent-only chunk after "Danish media"
 * inherits its actor ("Danish media and government": DNKMED, DNKGOV). */
static void group_add_chunk(sent *S, group *g, const chunk *c, const chunk *prev)
{
    if (c->n_actors == 0 && prev && prev->n_actors && prev->n_agents) {
        chunk x = *c;
        memcpy(x.actors, prev->actors, sizeof x.actors);
        x.n_actors = prev->n_actors;
        c = &x;
        g->agent_only = false;
        for (int k = 0; k < c->n_actors && g->n < MAX_CODES; k++)
            g->codes[g->n++] = compose(S, c->actors[k], c->agents, c->n_agents);
        return;
    }
    if (c->n_actors == 0) {
        if (g->n < MAX_CODES)
            g->codes[g->n++] = compose(S, NULL, c->agents, c->n_agents);
        return;
    }
    g->agent_only = false;
    for (int k = 0; k < c->n_actors && g->n < MAX_CODES; k++)
        g->codes[g->n++] = compose(S, c->actors[k], c->agents, c->n_agents);
}

/* Agents of `ag` over the actors of `ac` ("officials in Fornost"). */
static void group_add_cross(sent *S, group *g, const chunk *ag, const chunk *ac)
{
    chunk x = *ac;
    for (int q = 0; q < ag->n_agents && x.n_agents < 8; q++)
        x.agents[x.n_agents++] = ag->agents[q];
    group_add_chunk(S, g, &x, NULL);
}

/* Tokens [a, b) only join list members: , and nor or, "the", adjectives. */
static bool conj_gap(const sent *S, uint32_t a, uint32_t b)
{
    if (b <= a || b - a > 5)
        return false;
    bool joiner = false;
    for (uint32_t k = a; k < b; k++) {
        const wtok *t = &S->w[k];
        if (t->punct) {
            if (t->pc != ',')
                return false;
            joiner = true;
        } else if (t->fw & FW_CONJ) {
            joiner = true;
        } else if (t->fw & FW_DET) {
            continue;
        } else if (t->fw || t->cap) {
            return false;
        } else if (t->kb & ED_WB_VPHRASE) {
            return false;
        }
    }
    return joiner;
}

/* The preposition governing tokens starting at s (skipping det/adjectives). */
static uint32_t prep_before(const sent *S, uint32_t s)
{
    uint32_t k = s;
    for (int hop = 0; hop < 3 && k > 0; hop++) {
        const wtok *t = &S->w[k - 1];
        if ((t->fw & FW_PREP) && !(t->fw & FW_SUB))
            return t->wid;
        if (t->punct || (t->fw & ~FW_DET) || t->cap)
            return ED_NONE;
        k--;
    }
    return ED_NONE;
}

/* "of", "in", "from" (+ a determiner) between two chunks. */
static bool link_gap(const sent *S, uint32_t a, uint32_t b)
{
    if (b == a + 1)
        return has_fw(S, a, FW_LINK);
    return b == a + 2 && has_fw(S, a, FW_LINK) && has_fw(S, a + 1, FW_DET);
}

static void build_groups(sent *S, const chunk *ch, int nc)
{
    S->ng = 0;
    int i = 0;
    while (i < nc && S->ng < MAX_GROUPS) {
        group *g = &S->g[S->ng]; /* codes filled up to n */
        g->n = 0;
        g->agent_only = true;
        g->s = ch[i].s;
        int j = i + 1;
        while (j < nc && conj_gap(S, ch[j - 1].e, ch[j].s))
            j++;
        /* a trailing run of agent-only chunks before "of/in/from" actors */
        int t = j;
        while (t > i && ch[t - 1].n_actors == 0)
            t--;
        int a0 = j, a1 = j;
        if (t < j && j < nc && ch[j].n_actors && link_gap(S, ch[j - 1].e, ch[j].s)) {
            a1 = j + 1;
            while (a1 < nc && conj_gap(S, ch[a1 - 1].e, ch[a1].s))
                a1++;
        } else {
            t = j;
        }
        for (int k = i; k < t; k++)
            group_add_chunk(S, g, &ch[k], k > i ? &ch[k - 1] : NULL);
        for (int k = t; k < j; k++)
            for (int a = a0; a < a1; a++)
                group_add_cross(S, g, &ch[k], &ch[a]);
        j = a1 > j ? a1 : j;
        g->e = ch[j - 1].e;
        g->prep = prep_before(S, g->s);
        for (uint32_t k = g->s; k < g->e && k < MAX_W; k++)
            S->in_group[k] = (int8_t)S->ng;
        S->ng++;
        i = j;
    }
}

/* ---- verb patterns ---------------------------------------------------------- */

static int group_at(const sent *S, uint32_t i)
{
    if (i >= S->n || S->in_group[i] < 0)
        return -1;
    int g = S->in_group[i];
    return S->g[g].s == i ? g : -1;
}

/* First phrase of synset syn whose first word is w (phrases are sorted by
 * first word), or ED_NONE. */
static uint32_t syn_lower(const ed_dict *d, const ed_synset *s, uint32_t w)
{
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (d->synphr[s->first + mid].w0 < w)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && d->synphr[s->first + lo].w0 == w ? s->first + lo : ED_NONE;
}

/* Longest phrase of the synset starting at i (0: none). */
static uint32_t syn_fwd(const sent *S, uint32_t syn, uint32_t i)
{
    const ed_dict *d = S->d;
    const ed_synset *s = &d->syns[syn];
    uint32_t w = S->w[i].wid, best = 0;
    if (!(S->w[i].kb & ED_WB_SYN))
        return 0; /* no synset phrase starts with it (nor ED_NONE) */
    uint32_t k = syn_lower(d, s, w);
    if (k == ED_NONE)
        return 0;
    for (; k < s->first + s->n && d->synphr[k].w0 == w; k++) {
        const ed_phrase *p = &d->synphr[k];
        if (i + p->n > S->n || p->n <= best || (p->n >= 2 && p->w1 != S->w[i + 1].wid))
            continue;
        uint32_t j = 1;
        while (j < p->n && S->w[i + j].wid == d->wpool[p->w + j])
            j++;
        if (j == p->n)
            best = p->n;
    }
    return best;
}

/* Longest phrase of the synset ending at i (inclusive; 0: none). */
static uint32_t syn_back(const sent *S, uint32_t syn, uint32_t i)
{
    const ed_synset *s = &S->d->syns[syn];
    for (uint32_t len = s->maxlen < i + 1 ? s->maxlen : i + 1; len > 0; len--)
        if (syn_fwd(S, syn, i + 1 - len) == len)
            return len;
    return 0;
}

/* The binding an actor element fills: % after the verb is the target
 * ("agrees with % "), before it the mutual group ("% agree"). */
static int *slot(bind *b, uint8_t kind, bool fwd)
{
    if (kind == EP_SRC)
        return &b->src;
    if (kind == EP_TGT || fwd)
        return &b->tgt;
    return &b->comp;
}

typedef struct mstate {
    const sent *S;
    const ed_elem *el;
    uint32_t n;
    uint32_t lim; /* forward: end bound; backward: start bound */
    bind *b;
    int budget;
    bool neg_hit;
    bool plural; /* a literal noun matches its plural too */
} mstate;

/* "to" before a verb ("efforts to improve") is an infinitive marker, not
 * the preposition a pattern's "(TO ...)" phrase names ("welcomed X to"). */
static bool infinitive_to(const sent *S, uint32_t q)
{
    if (!(S->w[q].cls & FW_INF) || q + 1 >= S->n)
        return false;
    const wtok *v = &S->w[q + 1];
    return (v->kb & ED_WB_VPHRASE) && !v->fw && !v->cap && S->in_group[q + 1] < 0;
}

/* Element k at position p going forward; true when k..n all match. */
static bool match_fwd(mstate *m, uint32_t k, uint32_t p, bool adj)
{
    if (k == m->n)
        return true;
    if (--m->budget < 0)
        return false;
    const ed_elem *e = &m->el[k];
    const sent *S = m->S;
    bool touch = adj || e->adj;
    if (e->kind == EP_SKIP) { /* a noun phrase: determiners, then a group or a word */
        uint32_t q = p;
        while (q < m->lim && (S->w[q].fw & FW_DET))
            q++;
        int g = group_at(S, q);
        q = g >= 0 ? S->g[g].e : q < m->lim ? q + 1 : q;
        return match_fwd(m, k + 1, q, false);
    }
    /* a prepositional phrase of a pattern attaches near the verb */
    uint32_t lim = e->pp && p + 5 < m->lim ? p + 5 : m->lim;
    for (uint32_t q = p; q < lim; q++) {
        uint32_t len = 0;
        int g = -1;
        if (e->pp && S->w[q].punct)
            break;
        switch (e->kind) {
        case EP_WORD:
            len = word_is(S, (uint32_t)q, e->id, m->plural) && !(e->pp && infinitive_to(S, q)) ? 1 : 0;
            break;
        case EP_SYN:
            len = (S->w[q].kb & ED_WB_SYN) ? syn_fwd(S, e->id, q) : 0;
            break;
        default:
            g = group_at(S, q);
            if (g >= 0)
                len = S->g[g].e - S->g[g].s;
        }
        if (len) {
            int *sl = g >= 0 ? slot(m->b, e->kind, true) : NULL;
            int save = sl ? *sl : 0;
            if (sl)
                *sl = g;
            if (match_fwd(m, k + 1, q + len, false))
                return true;
            if (sl)
                *sl = save;
        }
        if (touch)
            break;
    }
    return false;
}

/* Element k ending at position p (inclusive) going backward. */
static bool match_back(mstate *m, uint32_t k, long p, bool adj)
{
    if (k == m->n)
        return true;
    if (--m->budget < 0)
        return false;
    const ed_elem *e = &m->el[k];
    const sent *S = m->S;
    bool touch = adj || e->adj;
    if (e->kind == EP_SKIP)
        return match_back(m, k + 1, p > (long)m->lim ? p - 1 : p, false);
    for (long q = p; q >= (long)m->lim; q--) {
        uint32_t len = 0;
        int g = -1;
        switch (e->kind) {
        case EP_WORD:
            len = word_is(S, (uint32_t)q, e->id, m->plural) ? 1 : 0;
            break;
        case EP_SYN:
            len = syn_back(S, e->id, (uint32_t)q);
            break;
        default:
            if (S->in_group[q] >= 0 && S->g[S->in_group[q]].e == (uint32_t)q + 1) {
                g = S->in_group[q];
                len = S->g[g].e - S->g[g].s;
            }
        }
        if (len) {
            int *sl = g >= 0 ? slot(m->b, e->kind, false) : NULL;
            int save = sl ? *sl : 0;
            if (sl)
                *sl = g;
            if (e->kind == EP_WORD && (S->w[q].fw & FW_NEG))
                m->neg_hit = true;
            if (e->kind == EP_SYN)
                for (long z = q + 1 - (long)len; z <= q; z++)
                    if (S->w[z].fw & FW_NEG)
                        m->neg_hit = true;
            if (match_back(m, k + 1, q - (long)len, false))
                return true;
            if (sl)
                *sl = save;
        }
        if (touch)
            break;
    }
    return false;
}

typedef struct vmatch {
    const char *code, *code2;
    bind b;
    bool pattern;
} vmatch;

/* May word id w (ED_NONE: no word, true) be in the sentence? */
static inline bool in_bloom(const sent *S, uint32_t w)
{
    return w == ED_NONE || (S->bloom[(w >> 6) & 63] & (1ull << (w & 63)));
}

/* Every literal word of the elements may be in the sentence, and a phrase
 * of every synset may start in it (filter). */
static bool words_present(const sent *S, const ed_elem *e, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        if (e[k].kind == EP_WORD && !(S->bloom[(e[k].id >> 6) & 63] & (1ull << (e[k].id & 63))))
            return false;
        if (e[k].kind == EP_SYN && !(S->synmask & (1ull << (e[k].id & 63))))
            return false;
    }
    return true;
}

/* May pattern k match in the sentence (its filter, ev_pat)? */
static inline bool pattern_may(const sent *S, uint32_t k)
{
    const ev_pat *f = &S->pf->pat[k];
    return !(f->need & ~S->wmask) && !(f->synneed & ~S->synmask) && in_bloom(S, f->w[0]) &&
           in_bloom(S, f->w[1]);
}

/* Pattern k, which may match (pattern_may), tried for the verb at
 * [vs, ve); the best so far in *best (a higher score only: the first of
 * equals wins). */
static bool try_pattern(const sent *S, uint32_t k, uint32_t vs, uint32_t ve, uint32_t lb,
                        bool plural, vmatch *best, int *best_score)
{
    const ed_dict *d = S->d;
    const ed_pattern *p = &d->pats[k];
    if (!words_present(S, d->elems + p->up_first, p->up_n + p->lo_n))
        return false; /* a literal word of the pattern is not in the sentence */
    bind b = {-1, -1, -1, false};
    mstate up = {S, d->elems + p->up_first, p->up_n, lb, &b, 400, false, plural};
    if (p->up_n && (vs == 0 || !match_back(&up, 0, (long)vs - 1, false)))
        return false;
    mstate lo = {S, d->elems + p->lo_first, p->lo_n, S->n, &b, 400, false, plural};
    if (p->lo_n && !match_fwd(&lo, 0, ve, false))
        return false;
    int score = p->nlit * 4 + (int)(p->up_n + p->lo_n);
    if (score <= *best_score)
        return false;
    *best_score = score;
    best->code = ed_str(d, p->code);
    best->code2 = p->code2 ? ed_str(d, p->code2) : NULL;
    b.neg_used = up.neg_hit;
    best->b = b;
    best->pattern = true;
    return true;
}

/* The best pattern of block for the verb at [vs, ve): its patterns in
 * order, only those whose key is in the sentence (S->cand) or that have
 * none when the sentence has its cand set. */
static bool try_block(const sent *S, uint32_t block, uint32_t vs, uint32_t ve, uint32_t lb,
                      bool plural, vmatch *best, int *best_score)
{
    const ed_block *bl = &S->d->blocks[block];
    bool any = false;
    uint32_t first = bl->pat_first, end = bl->pat_first + bl->pat_n;
    if (!S->by_cand) {
        for (uint32_t k = first; k < end; k++)
            if (pattern_may(S, k))
                any |= try_pattern(S, k, vs, ve, lb, plural, best, best_score);
        return any;
    }
    const uint64_t *nokey = S->pf->nokey;
    for (uint32_t wi = first >> 6; first < end && wi <= (end - 1) >> 6; wi++) {
        uint64_t bits = S->cand[wi] | nokey[wi];
        if (wi == first >> 6)
            bits &= ~0ull << (first & 63);
        if (wi == (end - 1) >> 6 && (end & 63))
            bits &= ~0ull >> (64 - (end & 63));
        while (bits) {
            uint32_t k = wi * 64 + (uint32_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            if (pattern_may(S, k))
                any |= try_pattern(S, k, vs, ve, lb, plural, best, best_score);
        }
    }
    return any;
}

/* ---- roles ----------------------------------------------------------------- */

/* The clause start for a verb at vs: after the last ';', clause opener or,
 * once a verb was coded at prev_end, a conjunction after it (*conj). */
static uint32_t clause_start(const sent *S, uint32_t vs, uint32_t prev_end, bool *conj)
{
    *conj = false;
    uint32_t lim = vs > 40 ? vs - 40 : 0;
    for (uint32_t k = vs; k > lim; k--) {
        const wtok *t = &S->w[k - 1];
        if (S->in_group[k - 1] >= 0)
            continue;
        if ((t->punct && (t->pc == ';' || t->pc == ':')) || (t->fw & (FW_SUB | FW_COMP)))
            return k;
        if (prev_end && k - 1 >= prev_end && (t->fw & FW_CONJ)) {
            *conj = true;
            return k;
        }
    }
    return lim;
}

/* A partitive subject's lead, [lb, s) before the group: determiners, then
 * numbers and quantity words (FW_PART: "thousands of", "up to", "a group
 * of"; its prepositions join them but are no quantity), then lower-case
 * modifiers ("100 ethnic"). */
static bool partitive_lead(const sent *S, uint32_t lb, uint32_t s)
{
    bool qty = false;
    for (uint32_t k = lb; k < s; k++) {
        const wtok *t = &S->w[k];
        if (S->in_group[k] >= 0 || t->punct)
            return false;
        const td_token *tk = TD_DOC_TOK(S->doc, t->tok);
        if ((t->cls & FW_PART) || isdigit((unsigned char)S->doc->norm[tk->span.s])) {
            qty |= !(t->fw & FW_PREP);
            continue;
        }
        if (t->fw == FW_DET && !qty)
            continue;
        if (!qty || t->fw || t->cap == 1 || (t->kb & ED_WB_VPHRASE) || (t->cls & FW_SAY))
            return false;
    }
    return qty;
}

/* The leftmost group in [lb, vs) not governed by a preposition, or led by
 * a quantity ("Thousands of Kurds demonstrated": the Kurds). */
static int subject_before(const sent *S, uint32_t lb, uint32_t vs)
{
    for (int g = 0; g < S->ng; g++) {
        const group *G = &S->g[g];
        if (G->s < lb)
            continue;
        if (G->e > vs)
            break;
        if (G->prep == ED_NONE)
            return g;
        if ((S->d->words[G->prep].fw & FW_PART) && partitive_lead(S, lb, G->s))
            return g;
    }
    return -1;
}

static bool verb_word(const sent *S, uint32_t i)
{
    return i < S->n && S->w[i].wid != ED_NONE && S->in_group[i] < 0 && !S->w[i].fw &&
           ((S->w[i].kb & ED_WB_VPHRASE) || (S->w[i].cls & FW_SAY));
}

/* ", a senior official said": a group after a comma that is the subject
 * of a verb of its own is not an object of the verb before it. */
static bool final_subject(const sent *S, int g)
{
    uint32_t k = S->g[g].s;
    for (int hop = 0; hop < 3 && k > 0; hop++) {
        const wtok *t = &S->w[k - 1];
        if (t->punct)
            break;
        if ((t->fw & ~FW_DET) || t->cap)
            return false;
        k--;
    }
    if (k == 0 || !S->w[k - 1].punct || S->w[k - 1].pc != ',')
        return false;
    uint32_t e = S->g[g].e;
    for (int hop = 0; hop < 4 && e < S->n; hop++) {
        if (verb_word(S, e))
            return true;
        if (!(S->w[e].fw & (FW_AUX | FW_NEG)))
            break;
        e++;
    }
    return false;
}

static int target_after(const sent *S, uint32_t p, int not_g)
{
    for (int g = 0; g < S->ng; g++) {
        if (S->g[g].s < p || g == not_g)
            continue;
        /* an adverbial clause ("after crowds ...") ends the search */
        for (uint32_t k = p; k < S->g[g].s; k++)
            if (S->in_group[k] < 0 &&
                ((S->w[k].fw & FW_SUB) || (S->w[k].punct && S->w[k].pc == ';')))
                return -1;
        if (final_subject(S, g))
            return -1;
        return g;
    }
    return -1;
}

/* Auxiliary chain before the verb: be-forms, negation, modality
 * (FW_FUT, FW_OBLIG in *modal). */
static void aux_chain(const sent *S, uint32_t vs, bool *be, bool *neg, uint32_t *modal)
{
    *be = *neg = false;
    *modal = 0;
    uint32_t k = vs;
    for (int hop = 0; hop < 5 && k > 0; hop++) {
        const wtok *t = &S->w[k - 1];
        *modal |= t->cls & (FW_FUT | FW_OBLIG);
        if (t->fw & FW_NEG)
            *neg = true;
        else if (t->fw & FW_BE)
            *be = true;
        else if (t->fw & FW_AUX)
            ;
        else if (t->punct || t->cap || t->fw || t->wid != ED_NONE)
            break;
        k--;
    }
}

static bool word_ends(const sent *S, const td_doc *doc, uint32_t i, const char *suf)
{
    const td_token *t = TD_DOC_TOK(doc, S->w[i].tok);
    size_t n = t->span.e - t->span.s, m = strlen(suf);
    if (n < m)
        return false;
    const char *s = doc->norm + t->span.e - m;
    for (size_t k = 0; k < m; k++)
        if (tolower((unsigned char)s[k]) != suf[k])
            return false;
    return true;
}

/* ---- output ----------------------------------------------------------------- */

typedef struct evbuf {
    const char *src, *tgt, *code;
    uint32_t vs, ve; /* verb tokens */
    bool statement;
    bool dropped;
} evbuf;

static void cameo_info(const ev_res *r, const char *code, td_event *ev)
{
    ev->quad_class = -1;
    ev->has_goldstein = false;
    const td_lex_entry *e = td_lexicon_get(r->cameo, code, strlen(code));
    if (!e && strlen(code) >= 2)
        e = td_lexicon_get(r->cameo, code, 2);
    if (!e)
        return;
    const char *q = td_lex_field(e, 5), *g = td_lex_field(e, 4);
    if (*q >= '0' && *q <= '4' && q[1] == '\0')
        ev->quad_class = *q - '0';
    if (*g) {
        char *end;
        double v = strtod(g, &end);
        if (end != g) {
            ev->goldstein = v;
            ev->has_goldstein = true;
        }
    }
}

static bool is_null_actor(const char *a) { return !a || strcmp(a, "---") == 0; }

static bool is_statement(const char *code)
{
    return (code[0] == '0' && code[1] == '1') || strcmp(code, "023") == 0;
}

static int push_ev(evbuf *eb, int n, int cap, const char *s, const char *t, const char *code,
                   uint32_t vs, uint32_t ve)
{
    if (n >= cap || !code || !*code || strncmp(code, "---", 3) == 0)
        return n;
    if (s && t && strcmp(s, t) == 0)
        return n;
    for (int k = 0; k < n; k++)
        if (strcmp(eb[k].code, code) == 0 &&
            strcmp(eb[k].src ? eb[k].src : "", s ? s : "") == 0 &&
            strcmp(eb[k].tgt ? eb[k].tgt : "", t ? t : "") == 0)
            return n;
    eb[n].src = s;
    eb[n].tgt = t;
    eb[n].code = code;
    eb[n].vs = vs;
    eb[n].ve = ve;
    eb[n].statement = is_statement(code);
    eb[n].dropped = false;
    return n + 1;
}

/* A people's protest: demonstration, hunger strike, strike or boycott,
 * riot (CAMEO 140-143, 145; not 144, obstruction, which states do too:
 * "would deny entry to"). */
static bool popular_protest(const char *code)
{
    return code[0] == '1' && code[1] == '4' && code[2] != '4';
}

static int emit_dyads(const sent *S, evbuf *eb, int n, int cap, int sg, int tg, const vmatch *vm,
                      uint32_t vs, uint32_t ve)
{
    static const char *const null_codes[1] = {"---"};
    const char *const *sc = sg >= 0 ? S->g[sg].codes : null_codes;
    int ns = sg >= 0 ? S->g[sg].n : 1;
    const char *const *tc = tg >= 0 ? S->g[tg].codes : null_codes;
    int nt = tg >= 0 ? S->g[tg].n : 1;
    for (int a = 0; a < ns; a++)
        for (int b = 0; b < nt; b++) {
            const char *s = sc[a], *t = tc[b];
            if (S->require_dyad && (is_null_actor(s) || is_null_actor(t)))
                continue;
            if (strcmp(s, t) == 0 && popular_protest(vm->code) && strlen(s) == 3) {
                /* "Iraqi Kurds demonstrated ... from Iraq": a people's
                 * protest in its own country is against its government */
                char buf[8];
                memcpy(buf, s, 3);
                memcpy(buf + 3, "GOV", 4);
                t = td_arena_strdup(S->arena, buf);
                if (!t)
                    continue;
            }
            n = push_ev(eb, n, cap, s, t, vm->code, vs, ve);
            if (vm->code2)
                n = push_ev(eb, n, cap, t, s, vm->code2, vs, ve);
        }
    return n;
}

/* Conflict is reported with its victims often unnamed ("killed at least
 * eight top militants", "arresting 12", "plans to impose restrictions on
 * its labour market"): a demand, threat, protest, coercion or assault
 * (CAMEO roots 10, 13, 14, 17-20) whose source is a known actor and whose
 * object, right after the verb, is no actor keeps its event with the
 * target "---". Cooperation (01-09) needs its partner named. */
static bool unnamed_target_ok(const sent *S, const char *code, uint32_t ve)
{
    if (strlen(code) < 2 || !isdigit((unsigned char)code[0]) || !isdigit((unsigned char)code[1]))
        return false;
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    if (!(root == 10 || root == 13 || root == 14 || (root >= 17 && root <= 20)))
        return false;
    if (is_statement(code))
        return false;
    /* a direct object right after the verb (a determiner, number,
     * modifier or noun; "at least eight"), not a prepositional phrase
     * ("attacked on Monday") or the end of the clause */
    if (ve >= S->n || S->w[ve].punct || (S->w[ve].fw & (FW_SUB | FW_COMP | FW_CONJ)))
        return false;
    if (S->w[ve].fw & FW_PREP)
        return ve + 1 < S->n && (S->w[ve + 1].cls & FW_PART) && !(S->w[ve + 1].fw & FW_PREP);
    return true;
}

static int emit_source_only(const sent *S, evbuf *eb, int n, int cap, int sg, const vmatch *vm,
                            uint32_t vs, uint32_t ve)
{
    const group *G = &S->g[sg];
    for (int a = 0; a < G->n; a++)
        if (!is_null_actor(G->codes[a]))
            n = push_ev(eb, n, cap, G->codes[a], "---", vm->code, vs, ve);
    return n;
}

/* Members of one group with each other ("Gondor and Osgiliath met"). */
static int emit_mutual(const sent *S, evbuf *eb, int n, int cap, int g, const vmatch *vm,
                       uint32_t vs, uint32_t ve)
{
    const group *G = &S->g[g];
    for (int a = 0; a < G->n; a++)
        for (int b = 0; b < G->n; b++)
            if (a != b && !is_null_actor(G->codes[a]) && !is_null_actor(G->codes[b]))
                n = push_ev(eb, n, cap, G->codes[a], G->codes[b], vm->code, vs, ve);
    return n;
}

/* ---- the verb loop ------------------------------------------------------------ */

typedef struct vctx {
    uint32_t prev_vs, prev_end; /* the last coded verb (prev_end 0: none) */
    int prev_subj;
    int stmt_subj; /* subject of the last statement verb ("said"), or -1 */
} vctx;

/* A noun, not a verb: "an attack", "a brief private visit". */
static bool noun_context(const sent *S, const td_doc *doc, uint32_t i)
{
    bool ed = word_ends(S, doc, i, "ed");
    uint32_t k = i;
    for (int hop = 0; hop < 3 && k > 0; hop++) {
        const wtok *p = &S->w[k - 1];
        if (p->fw & FW_DET)
            return hop == 0 || !ed;
        if (p->fw & FW_POSS)
            return hop == 0;
        if (p->punct || p->fw || p->cap || S->in_group[k - 1] >= 0)
            return false;
        k--;
    }
    return false;
}

/* The verb entries of the longest verb phrase at i: [first, first+count). */
static bool verb_at(const sent *S, uint32_t i, uint32_t *first, uint32_t *count, uint32_t *len)
{
    long p = match_phrase(S, ED_VERB, i, len);
    if (p < 0)
        return false;
    const ed_dict *d = S->d;
    const ed_phrase *ph = d->phr[ED_VERB];
    uint32_t end = (uint32_t)p + 1;
    uint32_t lastw = d->wph[ph[p].w0].first[ED_VERB] + d->wph[ph[p].w0].n[ED_VERB];
    while (end < lastw && ph[end].n == ph[p].n &&
           memcmp(d->wpool + ph[end].w, d->wpool + ph[p].w, ph[p].n * sizeof(uint32_t)) == 0)
        end++;
    *first = (uint32_t)p;
    *count = end - (uint32_t)p;
    return true;
}

/* Start of the auxiliary chain before vs ("will not", "has been"). */
static uint32_t aux_start(const sent *S, uint32_t vs)
{
    uint32_t k = vs;
    for (int hop = 0; hop < 5 && k > 0; hop++) {
        const wtok *t = &S->w[k - 1];
        if (!(t->fw & (FW_AUX | FW_NEG)) && (t->punct || t->cap || t->fw || t->wid != ED_NONE ||
                                            S->in_group[k - 1] >= 0))
            break;
        k--;
    }
    return k;
}

/* The code of the verb at [vs, vs+len): its best pattern, else its own
 * code; vm->code NULL when it codes nothing. */
/* A demand verb ("demanded", coded 10 by itself) matched by an appeal
 * pattern of its synonym block (02x, written for "urge"): CAMEO's appeals
 * and demands are parallel (021..028 / 101..108), so the demand's own
 * subcode, or 100 when the lexicon has no such subcode. */
static void demand_not_appeal(const sent *S, const ed_verb *v, vmatch *vm)
{
    const char *own = ed_str(S->d, v->code);
    if (strncmp(own, "10", 2) != 0)
        return;
    char buf[8];
    size_t n = strlen(vm->code);
    if (n >= sizeof buf)
        return;
    memcpy(buf, vm->code, n + 1);
    buf[0] = '1';
    buf[1] = '0';
    if (!td_lexicon_get(S->cameo, buf, n)) {
        if (!td_lexicon_get(S->cameo, "100", 3))
            return;
        memcpy(buf, "100", 4);
    }
    vm->code = td_arena_strdup(S->arena, buf);
    vm->code2 = NULL;
}

static void verb_code(const sent *S, uint32_t vs, uint32_t first, uint32_t count, uint32_t len,
                      uint32_t lb, vmatch *vm)
{
    const ed_dict *d = S->d;
    vmatch z = {NULL, NULL, {-1, -1, -1, false}, false};
    *vm = z;
    int best = -1;
    for (uint32_t k = 0; k < count; k++) {
        const ed_verb *v = &d->verbs[d->phr[ED_VERB][first + k].payload];
        /* a light verb (no code of its own: "staged", "held") is coded by
         * its noun, singular or plural ("staged demonstrations"); a verb
         * with a meaning of its own keeps PETRARCH's exact nouns */
        const char *own = ed_str(d, v->code);
        bool light = !*own || strncmp(own, "---", 3) == 0;
        try_block(S, v->block, vs, vs + len, lb, light, vm, &best);
    }
    if (!vm->pattern) {
        for (uint32_t k = 0; k < count; k++) {
            const ed_verb *v = &d->verbs[d->phr[ED_VERB][first + k].payload];
            const char *c = ed_str(d, v->code);
            if (*c && strncmp(c, "---", 3) != 0) {
                vm->code = c;
                vm->code2 = v->code2 ? ed_str(d, v->code2) : NULL;
                break;
            }
        }
    }
    if (vm->code && (!*vm->code || strncmp(vm->code, "---", 3) == 0 ||
                     strncmp(vm->code, "+++", 3) == 0))
        vm->code = NULL;
    if (vm->pattern && vm->code && strncmp(vm->code, "02", 2) == 0 && count)
        demand_not_appeal(S, &d->verbs[d->phr[ED_VERB][first].payload], vm);
}

/* "agreed (in principle) to provide": the verb of a "to"-complement. */
static bool complement_at(const sent *S, uint32_t ve, uint32_t *bs, uint32_t *bfirst,
                          uint32_t *bcount, uint32_t *blen)
{
    for (uint32_t k = ve; k < S->n && k < ve + 6; k++) {
        const wtok *t = &S->w[k];
        if (t->punct || (t->fw & (FW_SUB | FW_COMP)))
            return false;
        if (t->cls & FW_INF) {
            uint32_t b = k + 1;
            if (b < S->n && S->w[b].fw & FW_NEG)
                return false;
            if (b >= S->n || S->in_group[b] >= 0 || !verb_at(S, b, bfirst, bcount, blen))
                return false;
            *bs = b;
            return true;
        }
    }
    return false;
}

/* CAMEO's parallel subcodes: the root of the head (intent 03, appeal 02,
 * demand 10, refusal 12) with the complement's kind of cooperation. */
static const char *combine(const sent *S, const char *a, uint32_t cls, const char *b)
{
    char ra[3] = {0, 0, 0};
    if (cls & FW_OBLIG)
        memcpy(ra, "10", 2); /* reported "Y must V": a demand */
    else if (cls & FW_INTENT)
        memcpy(ra, "03", 2);
    else if (cls & FW_REFUSE)
        memcpy(ra, "12", 2);
    else if (a && (strncmp(a, "02", 2) == 0 || strncmp(a, "03", 2) == 0 ||
                   strncmp(a, "10", 2) == 0 || strncmp(a, "12", 2) == 0))
        memcpy(ra, a, 2);
    else if (a && strncmp(a, "13", 2) == 0)
        return a; /* "threatened to cut off": a threat */
    else
        return NULL;
    if (strlen(b) < 2 || !isdigit((unsigned char)b[0]) || !isdigit((unsigned char)b[1]))
        return NULL;
    int rb = (b[0] - '0') * 10 + (b[1] - '0');
    static const char digit[] = {0, 0, 0, 0, '6', '2', '1', '3', '5'}; /* by root 04..08 */
    char buf[8];
    if (rb == 3)
        return strcmp(ra, "03") == 0 ? b : NULL;
    if (rb >= 4 && rb <= 8) {
        snprintf(buf, sizeof buf, "%s%c", ra, digit[rb]);
    } else if (rb >= 16 && strcmp(ra, "03") == 0) {
        return rb >= 18 ? "138" : "130"; /* "vowed to attack": a threat */
    } else if (strcmp(ra, "12") == 0) {
        snprintf(buf, sizeof buf, "120");
    } else if (a && (cls & FW_INTENT)) {
        /* "agreed to investigate" (09-15): CAMEO has no parallel intent,
         * the generic one, not the head verb's own code (CAMEO 2.0 codes
         * "agree" alone 050) */
        return "030";
    } else {
        return a;
    }
    return td_arena_strdup(S->arena, buf);
}

/* A stated future of a pattern's code is an intent (03x) for consultation
 * and cooperation (04-06: "will meet", "will support", "will allow"); a
 * future transfer or concession (07-08: "will contribute a million rupees
 * to") keeps the pattern's code, as PETRARCH's validation records do. */
static bool coop_root(const char *code)
{
    return code[0] == '0' && code[1] >= '4' && code[1] <= '6';
}

/* "X said (that) it would V", "X announced that they are ready to V": a
 * personal pronoun right before the verb's auxiliaries is its subject; the
 * reporting actor stands for it. */
static bool pronoun_subject(const sent *S, uint32_t vs)
{
    uint32_t k = vs;
    for (int hop = 0; hop < 4 && k > 0; hop++) {
        const wtok *t = &S->w[k - 1];
        if (t->cls & FW_PRON)
            return S->in_group[k - 1] < 0;
        if (!(t->fw & (FW_AUX | FW_BE | FW_NEG)))
            return false;
        k--;
    }
    return false;
}

/* Code the verb at [vs, vs+len); returns the new event count, sets *coded
 * and *next (the token after the verb, or after its complement). */
static int code_verb(const sent *S, const td_doc *doc, uint32_t vs, uint32_t first,
                     uint32_t count, uint32_t len, evbuf *eb, int n, int cap, vctx *vc,
                     bool *coded, uint32_t *next)
{
    const ed_dict *d = S->d;
    uint32_t ve = vs + len;
    bool conj;
    uint32_t lb = clause_start(S, vs, vc->prev_end, &conj);
    *coded = false;
    *next = ve;
    /* in the complement of the verb before ("abandoned efforts to stop"):
     * no clause boundary since it and no subject of its own */
    if (vc->prev_end && lb <= vc->prev_vs) {
        uint32_t as = aux_start(S, vs);
        if ((as == 0 || S->in_group[as - 1] < 0) && !pronoun_subject(S, vs))
            return n;
    }
    if (vc->prev_end && lb < vc->prev_end)
        lb = vc->prev_end;
    vmatch vm;
    verb_code(S, vs, first, count, len, lb, &vm);
    uint32_t bs, bf, bc, bl;
    int ctgt = -1;
    bool composed = false;
    const char *comp_code = NULL; /* the complement verb's own code */
    if (complement_at(S, ve, &bs, &bf, &bc, &bl)) {
        vmatch vb;
        verb_code(S, bs, bf, bc, bl, ve, &vb);
        uint32_t hc = S->w[ve - 1].cls;
        const char *c = vb.code ? combine(S, vm.code, hc, vb.code)
                        : (hc & FW_INTENT) ? "030" : (hc & FW_REFUSE) ? "120" : NULL;
        if (c) {
            vm.code = c;
            vm.code2 = NULL;
            vm.b.tgt = vb.b.tgt;
            ctgt = vb.b.tgt >= 0 ? vb.b.tgt : target_after(S, bs + bl, -1);
            *next = bs + bl;
            composed = true;
            comp_code = vb.code;
        }
    }
    if (!vm.code) {
        if (S->w[vs].cls & FW_SAY) {
            int subj = subject_before(S, lb, vs);
            vc->stmt_subj = subj >= 0 ? subj : vc->stmt_subj;
        }
        return n;
    }
    bool be, neg;
    uint32_t modal;
    aux_chain(S, vs, &be, &neg, &modal);
    if (neg && !vm.b.neg_used)
        return n; /* "did not attack": not an attack */
    *coded = true;
    int sg = vm.b.src, tg = vm.b.tgt;
    int subj = subject_before(S, lb, vs);
    if (subj < 0 && conj)
        subj = vc->prev_subj; /* "condemned X and promised Y" */
    if (subj < 0 && vc->stmt_subj >= 0 && pronoun_subject(S, vs))
        subj = vc->stmt_subj; /* "X said it would V" */
    vc->prev_subj = subj;
    if (is_statement(vm.code) || (S->w[vs].cls & FW_SAY)) {
        vc->stmt_subj = subj;
    } else if (composed && (modal & FW_OBLIG) && !neg && comp_code && vc->stmt_subj >= 0 &&
               subj >= 0 && vc->stmt_subj != subj) {
        /* "X said Y must be ready to mediate": X demands the complement's
         * act of Y, as for "X said Y must mediate" */
        const char *c = combine(S, NULL, FW_OBLIG, comp_code);
        if (c && c != comp_code) {
            vm.code = c;
            vm.code2 = NULL;
            sg = vc->stmt_subj;
            tg = subj;
        }
    } else if (!composed && modal && !neg &&
               (!vm.pattern || (modal & FW_OBLIG) || ((modal & FW_FUT) && coop_root(vm.code))) &&
               td_lexicon_get(S->cameo, vm.code, strlen(vm.code))) {
        const char *c = NULL;
        if ((modal & FW_OBLIG) && vc->stmt_subj >= 0 && subj >= 0 && vc->stmt_subj != subj) {
            /* "Russia said Sudan must return ...": Russia demands of Sudan,
             * a verb pattern's code too (its root picks the demand's kind) */
            c = combine(S, vm.code, FW_OBLIG, vm.code);
            if (c && c != vm.code) {
                sg = vc->stmt_subj;
                tg = subj;
            }
        } else if (modal & FW_FUT) {
            /* "X will support Y": an intent; "X would tighten": a threat */
            c = combine(S, NULL, FW_INTENT, vm.code);
        }
        if (c && c != vm.code) {
            vm.code = c;
            vm.code2 = NULL;
        }
    }
    if (vm.b.comp >= 0)
        return emit_mutual(S, eb, n, cap, vm.b.comp, &vm, vs, ve);
    if (!composed && sg < 0 && tg < 0 && be && !word_ends(S, doc, vs + len - 1, "ing")) {
        /* passive: "X was opposed by Y" */
        for (int g = 0; g < S->ng; g++)
            if (S->g[g].s >= ve && S->g[g].prep != ED_NONE &&
                (d->words[S->g[g].prep].fw & FW_BY)) {
                sg = g;
                tg = subj;
                break;
            }
    }
    if (sg < 0)
        sg = subj;
    if (tg < 0 && composed)
        tg = ctgt != sg ? ctgt : -1;
    if (tg < 0 && vm.b.tgt < 0 && !composed) {
        tg = target_after(S, ve, sg);
        /* "said at a conference for Russian regions": not said to them */
        if (tg >= 0 && is_statement(vm.code) && S->g[tg].prep != ED_NONE &&
            !(S->d->words[S->g[tg].prep].fw & FW_DIR))
            tg = -1;
    }
    if (tg < 0 && sg >= 0 && S->g[sg].n > 1 && vm.b.src < 0)
        return emit_mutual(S, eb, n, cap, sg, &vm, vs, ve);
    if (tg >= 0 && is_statement(vm.code) && !vm.code2 && S->g[tg].prep == ED_NONE &&
        S->g[tg].e < S->n && (S->w[S->g[tg].e].cls & FW_OBLIG) &&
        td_lexicon_get(S->cameo, "100", 3)) {
        /* "X declared that Y must drop ...": a demand of X on Y even when
         * the demanded act is not in the dictionary; still a statement
         * (dropped when the complement codes its own demand) */
        vm.code = "100";
        int n0 = n;
        n = emit_dyads(S, eb, n, cap, sg, tg, &vm, vs, ve);
        for (int k = n0; k < n; k++)
            eb[k].statement = true;
        return n;
    }
    if (tg < 0 && sg >= 0 && S->require_dyad && unnamed_target_ok(S, vm.code, *next))
        return emit_source_only(S, eb, n, cap, sg, &vm, vs, ve);
    return emit_dyads(S, eb, n, cap, sg, tg, &vm, vs, ve);
}

/* A statement verb whose complement (up to its target) holds another
 * coded verb is the frame of a reported event: code the event once. */
static void drop_frames(evbuf *eb, int n)
{
    for (int a = 0; a < n; a++) {
        if (!eb[a].statement)
            continue;
        for (int b = 0; b < n; b++)
            if (b != a && !eb[b].statement && eb[b].vs > eb[a].vs)
                eb[a].dropped = true;
    }
}

/* ---- sentences ---------------------------------------------------------------- */

/* -1 story discard, 1 sentence discard, 0 none. */
static int discarded(const sent *S)
{
    for (uint32_t i = 0; i < S->n; i++) {
        uint32_t len;
        long p = match_phrase(S, ED_DISCARD, i, &len);
        if (p >= 0)
            return S->d->phr[ED_DISCARD][p].payload ? -1 : 1;
    }
    return 0;
}

/* The longest phrase of kind at token ti of a sentence ending at token end,
 * on the document's word ids: match_phrase_at for a sentence whose words
 * are its tokens. */
static long phrase_idx_at(const ed_dict *d, int kind, const tword *tw, size_t ti, size_t end)
{
    const ed_wph *wd = &d->wph[tw_wid(tw[ti])];
    uint32_t len;
    if (wd->n2[kind] && ti + 1 < end) {
        long k = multi_phrase(d, kind, wd, end - ti, tword_wid, tw + ti, &len);
        if (k >= 0)
            return k;
    }
    if (wd->n2[kind] < wd->n[kind])
        return (long)(wd->first[kind] + wd->n2[kind]);
    return -1;
}

/* discarded() on the document's arrays, for a sentence whose words are
 * its tokens (SB_EXACT): no load_words for it. */
static int discarded_doc(const ed_dict *d, const td_sentence *se, const tword *tw)
{
    size_t end = (size_t)se->tok_first + se->tok_count;
    for (size_t ti = se->tok_first; ti < end; ti++) {
        if (!(tw_kb(tw[ti]) & ED_WB_DISC))
            continue;
        long p = phrase_idx_at(d, ED_DISCARD, tw, ti, end);
        if (p >= 0)
            return d->phr[ED_DISCARD][p].payload ? -1 : 1;
    }
    return 0;
}

/* A sentence led by a dateline ("PARIS -", "WASHINGTON:"), read from the
 * document's tokens (the '_' tokens load_words drops skipped), before
 * any load_words. */
static bool dateline_doc(const td_doc *doc, const td_sentence *se)
{
    uint32_t end = se->tok_first + se->tok_count, k = 0;
    for (uint32_t ti = se->tok_first; ti < end && k < 6; ti++) {
        const td_token *t = TD_DOC_TOK(doc, ti);
        const char *s = doc->norm + t->span.s;
        uint32_t len = t->span.e - t->span.s;
        if (t->type == TD_TOK_SYM && len == 1 && s[0] == '_')
            continue;
        if (t->type == TD_TOK_PUNCT || t->type == TD_TOK_QUOTE_OPEN ||
            t->type == TD_TOK_QUOTE_CLOSE)
            return k > 0 && (s[0] == ':' || s[0] == '-');
        if (!(t->flags & TD_TOKF_CAP))
            return false;
        k++;
    }
    return false;
}

static void load_words(sent *S, const td_doc *doc, const td_sentence *se)
{
    /* locals, not S's fields: the byte stores to S->w alias everything */
    const ed_dict *d = S->d;
    const tword *tw = S->tw;
    const char *norm = doc->norm;
    const td_token *toks = doc->toks.items;
    uint32_t n = 0;
    uint32_t first = se->tok_first, end = first + se->tok_count;
    for (uint32_t ti = first; ti < end && n < MAX_W; ti++) {
        const td_token *t = &toks[ti];
        tword x = tw[ti];
        uint32_t f = tw_fw(x);
        if ((f & FW_USCORE) && t->type == TD_TOK_SYM)
            continue; /* "_" */
        wtok *w = &S->w[n];
        uint32_t wid = tw_wid(x);
        uint8_t kb = tw_kb(x);
        w->tok = ti;
        /* TD_TOK_PUNCT, TD_TOK_QUOTE_OPEN, TD_TOK_QUOTE_CLOSE */
        w->punct = (uint8_t)(t->type - TD_TOK_PUNCT) < 3;
        w->pc = norm[t->span.s];
        w->cap = (t->flags & TD_TOKF_CAP) != 0;
        w->wid = wid;
        w->kb = kb;
        w->fw = (uint16_t)(f & FW_FUNC);
        w->cls = f & (FW_INTENT | FW_REFUSE | FW_INF | FW_OBLIG | FW_FUT | FW_SAY | FW_DIR |
                      FW_PART | FW_PRON);
        if (kb & (ED_WB_ACT | ED_WB_VPHRASE)) /* find_chunks, verb_at: soon */
            __builtin_prefetch(&d->wph[wid]);
        n++;
    }
    /* the sentence's first token capitalised by position only, maybe */
    if (n && S->w[0].tok == first && S->w[0].cap && (toks[first].flags & TD_TOKF_SENT_START))
        S->w[0].cap = 2;
    S->n = n;
    memset(S->in_group, -1, n);
}

/* Mark the patterns whose key is word w in S->cand. */
static inline void mark_keyed(sent *S, uint32_t w)
{
    const ev_pfilter *pf = S->pf;
    if (!(pf->iskey[w >> 6] & (1ull << (w & 63))))
        return;
    for (uint32_t j = pf->kfirst[w]; j < pf->kfirst[w + 1]; j++)
        S->cand[pf->klist[j] >> 6] |= 1ull << (pf->klist[j] & 63);
}

/* The sentence's word filters for try_block (bloom, wmask, synmask): built
 * once a verb of the sentence is coded, not for every sentence loaded. */
static void sent_filters(sent *S)
{
    const ed_dict *d = S->d;
    const uint32_t *sing = S->sing;
    uint64_t *bloom = S->bloom;
    uint64_t synmask = 0, wmask = 0;
    const ev_pfilter *pf = S->pf;
    bool by_cand = pf->cand_words <= EV_CAND_WORDS;
    memset(bloom, 0, sizeof S->bloom);
    if (by_cand)
        memset(S->cand, 0, pf->cand_words * sizeof *S->cand);
    for (uint32_t k = 0; k < S->n; k++) {
        uint32_t wid = S->w[k].wid;
        if (wid == ED_NONE)
            continue;
        bloom[(wid >> 6) & 63] |= 1ull << (wid & 63);
        wmask |= 1ull << (wid & 63);
        if (S->w[k].kb & ED_WB_SYN)
            synmask |= d->words[wid].synmask;
        if (by_cand)
            mark_keyed(S, wid);
        uint32_t sw = sing[wid];
        if (sw != ED_NONE) { /* a plural matches its singular's patterns */
            bloom[(sw >> 6) & 63] |= 1ull << (sw & 63);
            wmask |= 1ull << (sw & 63);
            if (by_cand)
                mark_keyed(S, sw);
        }
    }
    S->synmask = synmask;
    S->wmask = wmask;
    S->by_cand = by_cand;
}

static td_status code_sentence(sent *S, td_doc *doc, const td_sentence *se, const ev_res *r)
{
    chunk ch[MAX_GROUPS];
    int nc = find_chunks(S, ch, MAX_GROUPS);
    if (!nc || (S->require_dyad && nc == 1 && ch[0].n_actors < 2))
        return TD_OK; /* fewer than two actor codes: no dyad */
    build_groups(S, ch, nc);
    evbuf eb[64];
    int n = 0;
    vctx vc = {0, 0, -1, -1};
    bool filters = false; /* sent_filters done */
    for (uint32_t i = 0; i < S->n; i++) {
        const wtok *wi = &S->w[i];
        if (!(wi->kb & ED_WB_VPHRASE) && !(wi->cls & (FW_INTENT | FW_REFUSE | FW_SAY)))
            continue; /* neither a verb phrase's start nor a head (below) */
        if (S->in_group[i] >= 0 || wi->punct || wi->wid == ED_NONE ||
            (wi->fw & (FW_AUX | FW_BE)))
            continue;
        uint32_t first = 0, count = 0, len = 1;
        if (!verb_at(S, i, &first, &count, &len)) {
            if (!(S->w[i].cls & (FW_INTENT | FW_REFUSE | FW_SAY)))
                continue; /* "is willing to", "said": heads without a verb entry */
            count = 0;
            len = 1;
        }
        if (noun_context(S, doc, i))
            continue;
        if (S->w[i].cap == 1 && i > 0)
            continue; /* a capitalised word inside a sentence is a name */
        if (!filters) {
            sent_filters(S);
            filters = true;
        }
        bool coded;
        uint32_t next;
        n = code_verb(S, doc, i, first, count, len, eb, n, 64, &vc, &coded, &next);
        if (coded) {
            vc.prev_vs = i;
            vc.prev_end = next;
        }
        i = next - 1;
    }
    drop_frames(eb, n);
    for (int k = 0; k < n; k++) {
        if (eb[k].dropped)
            continue;
        td_event *ev = td_vec_push(&doc->arena, &doc->events, sizeof *ev);
        if (!ev)
            return TD_ENOMEM;
        ev->actor = eb[k].src ? eb[k].src : "---";
        ev->target = eb[k].tgt ? eb[k].tgt : "---";
        ev->code = td_arena_strdup(&doc->arena, eb[k].code);
        if (!ev->code)
            return TD_ENOMEM;
        ev->span = se->span;
        cameo_info(r, eb[k].code, ev);
    }
    return TD_OK;
}

static int32_t doc_date(const td_doc *doc)
{
    if (doc->date.given_y > 0)
        return doc->date.given_y * 10000 + (doc->date.given_m > 0 ? doc->date.given_m : 1) * 100 +
               (doc->date.given_d > 0 ? doc->date.given_d : 1);
    const char *s = doc->in_date ? doc->in_date : doc->date.value;
    if (!s || strlen(s) < 4)
        return 0;
    int y = 0, m = 1, dd = 1;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &dd) < 1 || y < 1000)
        return 0;
    return y * 10000 + m * 100 + dd;
}

static bool config_require_dyad(const td_doc *doc)
{
    if (!doc->in_config)
        return true;
    td_json_member m[32];
    size_t n = 0, off;
    const char *what;
    if (td_json_object(doc->in_config, strlen(doc->in_config), m, 32, &n, &off, &what) != TD_OK)
        return true;
    const td_json_member *f = td_json_get(m, n, "require_dyad");
    if (f && f->type == TD_JSON_FALSE)
        return false;
    if (f && f->type == TD_JSON_NUMBER && f->raw_len == 1 && f->raw[0] == '0')
        return false;
    return true;
}

/* A per-thread cache of token -> word id, ED_WB_* bits and function-word
 * classes: news repeats its words, and the dictionaries' word table is
 * megabytes (cache misses). Two parts:
 *   - tokens of 1 to 8 bytes (nine tokens in ten) are keyed by their bytes
 *     themselves (wshort, 16 bytes, four ways a 64-byte set): a hit costs
 *     one load, a multiply and a compare, no hash of the word and no
 *     string compare, and four entries share a cache line;
 *   - longer tokens (up to WCACHE_LEN bytes) by a cheap hash of their
 *     bytes (long_hash), with their bytes inline (wcache, 32 bytes, two
 *     ways a set).
 * Both are prefetched PREFETCH tokens ahead (doc_words).
 * It lives in ctx->stage_state[EV_STATE] (freed with the pipeline). */
enum {
    EV_STATE = 7,
    WSHORT_BITS = 13,
    WSHORT_SETS = 1 << WSHORT_BITS,
    WSHORT_WAYS = 4,
    WCACHE_LEN = 18,
    WCACHE_SETS = 8192
};

typedef struct wshort {
    uint64_t key; /* the token's bytes, zero-padded */
    tword tw;     /* its word (tword), the token's length in bits 8-11
                   * (0: an empty way) */
} wshort;
_Static_assert(sizeof(wshort) * WSHORT_WAYS == 64, "a wshort set is a 64-byte line");

typedef struct wcache {
    tword tw; /* its word (tword) */
    uint32_t hash;
    uint8_t len;
    char s[WCACHE_LEN];
} wcache;
_Static_assert(sizeof(wcache) == 32, "two wcache entries a 64-byte line");

typedef struct wcaches {
    wshort sh[WSHORT_SETS * WSHORT_WAYS];
    wcache lg[WCACHE_SETS * 2];
} wcaches;

/* A zeroed cache, or NULL. Its megabyte is in one huge page where the
 * system has them: a token's random set costs no TLB miss. */
static wcaches *wcache_new(void)
{
    size_t size = sizeof(wcaches), align = 64;
#ifdef MADV_HUGEPAGE
    align = (size_t)2 << 20;
    size = (size + align - 1) / align * align; /* a multiple of the alignment */
#endif
    wcaches *wc = aligned_alloc(align, size);
    if (!wc)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(wc, size, MADV_HUGEPAGE); /* a hint: failure is harmless */
#endif
    memset(wc, 0, sizeof *wc);
    return wc;
}

/* a[0..n) == b[0..n); a has room for 8 bytes, and b when b8 holds. */
static inline bool same_bytes(const char *a, const char *b, size_t n, bool b8)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n <= 8 && b8) {
        uint64_t x, y, m = ~0ull >> (64 - 8 * n);
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return ((x ^ y) & m) == 0;
    }
#else
    (void)b8;
#endif
    if (n >= 8) { /* eight bytes at a time, the last eight overlapping */
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The first n bytes of a little-endian load, by n (0 to 8). */
static const uint64_t first_bytes[9] = {0,
                                        0xffull,
                                        0xffffull,
                                        0xffffffull,
                                        0xffffffffull,
                                        0xffffffffffull,
                                        0xffffffffffffull,
                                        0xffffffffffffffull,
                                        ~0ull};

/* The short-cache key of a token s[0..len) of 1 to 8 bytes (bytes up to
 * end may be read; eight from s when safe holds): its bytes, zero-padded
 * (with its length, it tells the token from every other). */
static inline __attribute__((always_inline)) uint64_t short_key(const char *s, size_t len,
                                                                const char *end, bool safe)
{
    uint64_t x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (safe || end - s >= 8) {
        memcpy(&x, s, 8);
        return x & first_bytes[len];
    }
#endif
    (void)safe;
    (void)end;
    memcpy(&x, s, len);
    return x;
}

static inline wshort *short_set(wcaches *wc, uint64_t key)
{
    return &wc->sh[((key * 0x9e3779b97f4a7c15ull) >> (64 - WSHORT_BITS)) * WSHORT_WAYS];
}

/* The long-cache hash of a token s[0..len) (bytes up to end may be
 * read): of its bytes as they are, from its first and last eight, cheap
 * enough to prefetch its set a few tokens ahead. */
static inline uint32_t long_hash(const char *s, size_t len, const char *end)
{
    uint64_t a, b = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
    } else {
        a = short_key(s, len, end, false);
    }
    uint64_t x = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ len) * 0xff51afd7ed558ccdull;
    return (uint32_t)(x >> 32);
}

static inline wcache *long_set(wcaches *wc, uint32_t h)
{
    return &wc->lg[(h & (WCACHE_SETS - 1)) * 2];
}

/* FW_USCORE, FW_PLSHAPE, FW_PL1ACTOR and FW_PLMULTI of the token
 * s[0..len). */
static uint32_t plural_bits(const ed_dict *d, const char *s, size_t len)
{
    if (len == 1 && s[0] == '_')
        return FW_USCORE;
    if (len < 5 || s[len - 1] != 's' || s[len - 2] == 's')
        return 0;
    uint32_t w = ed_word_find(d, s, len - 1);
    if (w == ED_NONE)
        return FW_PLSHAPE;
    return FW_PLSHAPE | ((d->words[w].fw & FW_1ACTOR) ? FW_PL1ACTOR : 0) |
           ((d->words[w].kinds & ED_WB_MULTI) ? FW_PLMULTI : 0);
}

/* The word of s[0..len) from the dictionary itself, with the token's
 * plural bits (bytes up to end may be read). */
static tword dict_word(const ed_dict *d, const char *s, size_t len, const char *end)
{
    uint32_t w = ed_word_find_h(d, s, len, ed_word_hash_in(s, len, end));
    uint8_t kinds = w != ED_NONE ? d->words[w].kinds : 0;
    uint32_t fw = (w != ED_NONE ? d->words[w].fw : 0) | plural_bits(d, s, len);
    return tw_make(w, kinds, fw);
}

/* The long cache's answer for s[0..len) of long_hash h (1 to WCACHE_LEN
 * bytes), else the dictionary's, into the cache. */
static __attribute__((noinline)) tword word_long(const ed_dict *d, wcaches *wc, const char *s,
                                                 size_t len, const char *end, uint32_t h)
{
    wcache *e = long_set(wc, h);
    for (int k = 0; k < 2; k++)
        if (e[k].len == len && e[k].hash == h && same_bytes(e[k].s, s, len, end - s >= 8))
            return e[k].tw;
    tword x = dict_word(d, s, len, end);
    e[1] = e[0]; /* the newest first */
    e->tw = x;
    e->hash = h;
    e->len = (uint8_t)len;
    memcpy(e->s, s, len);
    return x;
}

/* tok_word's miss: the dictionary's answer, into the cache (wc NULL: none). */
static __attribute__((noinline)) tword word_miss(const ed_dict *d, wcaches *wc, const char *s,
                                                 size_t len, const char *end)
{
    if (!wc || len > WCACHE_LEN || len == 0)
        return dict_word(d, s, len, end);
    if (len <= 8) {
        uint64_t key = short_key(s, len, end, false);
        wshort *set = short_set(wc, key);
        tword x = dict_word(d, s, len, end);
        memmove(set + 1, set, (WSHORT_WAYS - 1) * sizeof *set); /* the newest first */
        set->key = key;
        set->tw = x | (uint64_t)len << 8;
        return x;
    }
    return word_long(d, wc, s, len, end, long_hash(s, len, end));
}

/* What a sentence holds that coding needs (necessary conditions, computed
 * from the words alone): a verb head the verb loop would try (not
 * auxiliary, not a capitalised word inside the sentence), a verb phrase,
 * a token that may start an actor or agent chunk; or a discard word. */
enum { SB_HEAD = 1, SB_CHUNK = 2, SB_DISC = 4, SB_VPH = 8, SB_DYAD = 16, SB_EXACT = 32 };
/* SB_EXACT: the sentence's words are its tokens (no '_' dropped, not over MAX_W) */

/* A token's byte (ttb, doc_words): SB_HEAD, SB_CHUNK, SB_DISC, SB_VPH and
 * SB_DYAD as if a word came before it in its sentence, and
 *   TB_HEADCAP: a capitalised verb head, SB_HEAD only where no word
 *               (only "_" tokens) came before it in its sentence;
 *   TB_USC: a "_" token (load_words drops it);
 *   TB_TWO: it may start two chunks (an actor phrase, and a plural). */
enum { TB_HEADCAP = 32, TB_USC = 64, TB_TWO = 128 };

/* The part of a token's byte its word gives (kb, its ED_WB_* bits, fw its
 * function-word classes), capitalised or not. */
static uint8_t word_byte(uint8_t kb, uint32_t fw, bool cap)
{
    uint8_t b = 0;
    if ((kb & ED_WB_VERB) && !(fw & (FW_AUX | FW_BE)))
        b |= cap ? TB_HEADCAP : SB_HEAD;
    if (kb & ED_WB_VPHRASE)
        b |= SB_VPH;
    if (kb & ED_WB_DISC)
        b |= SB_DISC;
    if ((kb & ED_WB_AGENT) || ((kb & ED_WB_ACTOR) && (cap || (fw & FW_DET)))) {
        b |= SB_CHUNK;
        if (kb & ED_WB_MULTI)
            b |= SB_DYAD;
    }
    return b;
}

/* r->wtb: word_byte of every word (and of no word, ED_NONE, first),
 * after word_kinds. */
static td_status word_bytes(ev_res *r)
{
    const ed_dict *d = r->dict;
    r->wtb = calloc(2 * ((size_t)d->n_words + 1), 1);
    if (!r->wtb)
        return TD_ENOMEM;
    for (uint32_t w = 0; w < d->n_words; w++)
        for (int cap = 0; cap < 2; cap++)
            r->wtb[2 * ((size_t)w + 1) + (size_t)cap] =
                word_byte(d->words[w].kinds, d->words[w].fw, cap);
    return TD_OK;
}

/* Token t's byte, of word x: its word's part (wtb) and its own ("_", a
 * plural). */
static inline uint8_t token_byte(const uint8_t *wtb, const td_token *t, tword x)
{
    bool cap = (t->flags & TD_TOKF_CAP) != 0;
    uint8_t b = wtb[2 * (size_t)((uint32_t)x >> 12) + cap]; /* word id + 1: ED_NONE is 0 */
    uint32_t fw = tw_fw(x);
    if (__builtin_expect((fw & (FW_USCORE | FW_PLSHAPE)) != 0, 0)) {
        if ((fw & FW_USCORE) && t->type == TD_TOK_SYM)
            b |= TB_USC;
        if (cap && (fw & FW_PLSHAPE)) { /* maybe a plural actor ("Albanians") */
            if (b & SB_CHUNK)
                b |= TB_TWO; /* an actor phrase too */
            b |= SB_CHUNK;
            if (fw & FW_PLMULTI)
                b |= SB_DYAD;
        }
    }
    return b;
}

/* Does a phrase of kind start at token ti of a sentence ending at token
 * end (match_phrase on the document's words)? */
static __attribute__((noinline)) bool phrase_long(const ed_dict *d, int kind, const ed_wph *wd,
                                                  const tword *tw, size_t avail)
{
    uint32_t len;
    return multi_phrase(d, kind, wd, avail, tword_wid, tw, &len) >= 0;
}

static inline bool phrase_at(const ed_dict *d, int kind, const tword *tw, size_t ti, size_t end)
{
    const ed_wph *wd = &d->wph[tw_wid(tw[ti])];
    if (wd->n2[kind] < wd->n[kind])
        return true; /* a one-word phrase */
    if (!wd->n2[kind] || ti + 1 >= end)
        return false;
    uint32_t w1 = tw_wid(tw[ti + 1]); /* multi_phrase's first test, inline */
    if (w1 == ED_NONE || !((d->second[kind][w1 >> 6] >> (w1 & 63)) & 1))
        return false;
    return phrase_long(d, kind, wd, tw + ti, end - ti);
}

/* How many tokens of the sentence may start a chunk, 0, 1 or 2 (two or
 * more), by find_chunks' tests: an actor phrase on a capitalised word
 * (or "the" before one), a plural of a one-word actor, an agent phrase.
 * Only for a sentence whose words are its tokens (no '_' token dropped,
 * not over MAX_W). Only its tokens cand[0..nc) are tested: those
 * token_byte gave SB_CHUNK, a superset of the tokens these tests accept.
 * The count is the same in any order: the tests that read no phrase
 * (a one-word agent or actor, a plural) go first, and phrases are
 * searched only while fewer than two tokens are known to start one. */
static int chunk_starts(const ed_dict *d, const td_token *toks, const td_sentence *se,
                        const tword *tw, const uint32_t *cand, uint32_t nc)
{
    int n = 0;
    size_t end = (size_t)se->tok_first + se->tok_count;
    uint32_t rest[MAX_W], nr = 0;
    for (uint32_t c = 0; c < nc; c++) {
        size_t ti = cand[c];
        bool cap = (toks[ti].flags & TD_TOKF_CAP) != 0;
        uint32_t fw = tw_fw(tw[ti]);
        uint8_t kb = tw_kb(tw[ti]);
        bool capped = cap || ((fw & FW_DET) && ti + 1 < end && (toks[ti + 1].flags & TD_TOKF_CAP));
        if ((fw & FW_1AGENT) || ((kb & ED_WB_ACTOR) && capped && (fw & FW_1ACTOR)) ||
            (cap && (fw & FW_PL1ACTOR))) {
            if (++n == 2)
                return 2;
        } else if ((kb & ED_WB_AGENT) || ((kb & ED_WB_ACTOR) && capped)) {
            rest[nr++] = (uint32_t)ti; /* maybe a phrase of two words or more */
        }
    }
    for (uint32_t r = 0; r < nr; r++) {
        size_t ti = rest[r];
        uint8_t kb = tw_kb(tw[ti]);
        bool cap = (toks[ti].flags & TD_TOKF_CAP) != 0;
        bool capped = cap || ((tw_fw(tw[ti]) & FW_DET) && ti + 1 < end &&
                              (toks[ti + 1].flags & TD_TOKF_CAP));
        bool hit = (kb & ED_WB_ACTOR) && capped && phrase_at(d, ED_ACTOR, tw, ti, end);
        if (!hit && (kb & ED_WB_AGENT))
            hit = phrase_at(d, ED_AGENT, tw, ti, end);
        if (hit && ++n == 2)
            return 2;
    }
    return n;
}

/* Does a discard phrase start at some token of the sentence? */
static bool discard_starts(const ed_dict *d, const td_sentence *se, const tword *tw)
{
    size_t end = (size_t)se->tok_first + se->tok_count;
    for (size_t ti = se->tok_first; ti < end; ti++)
        if ((tw_kb(tw[ti]) & ED_WB_DISC) &&
            ((tw_fw(tw[ti]) & FW_1DISC) || phrase_at(d, ED_DISCARD, tw, ti, end)))
            return true;
    return false;
}

enum { PREFETCH = 16 }; /* tokens ahead: the cache is bigger than L1 */

/* The document's tokens and text, in locals: doc_words stores bytes
 * (ttb), which may alias every field read through doc, so reading them
 * from doc again would reload them after each store. */
typedef struct tview {
    const td_token *toks;
    const char *norm, *end; /* end: doc->norm + doc->norm_len */
    size_t nt;
} tview;

/* The short-cache keys and sets (a long token's long_hash in key) of
 * the next PREFETCH tokens (slot ti % PREFETCH), computed once, when the
 * set is prefetched. A set is 64-byte aligned: set holds it with the
 * token's length (1 to 8) in its low bits, or 0 for a longer token. */
typedef struct tring {
    uint64_t key[PREFETCH];
    uintptr_t set[PREFETCH];
} tring;

/* Prefetch the cache set of token ti, if it has one (a short token's key
 * and set into its ring slot); safe: eight bytes from its start may be
 * read. */
static inline __attribute__((always_inline)) void tok_prefetch(wcaches *wc, tring *rg, tview tv,
                                                               size_t ti, bool safe)
{
    const td_token *t = &tv.toks[ti];
    const char *s = tv.norm + t->span.s;
    size_t len = t->span.e - t->span.s;
    if (len - 1 < 8) {
        uint64_t key = short_key(s, len, tv.end, safe);
        const wshort *set = short_set(wc, key);
        rg->key[ti % PREFETCH] = key;
        rg->set[ti % PREFETCH] = (uintptr_t)set | len;
        __builtin_prefetch(set);
    } else {
        rg->set[ti % PREFETCH] = 0;
        if (len - 9 < WCACHE_LEN - 8) { /* 9 to WCACHE_LEN */
            uint32_t h = long_hash(s, len, tv.end);
            rg->key[ti % PREFETCH] = h;
            __builtin_prefetch(long_set(wc, h));
        }
    }
}

/* The arrays doc_words fills, by token. */
typedef struct tarr {
    tword *tw;          /* its word */
    uint8_t *ttb;       /* token_byte */
    const uint8_t *wtb; /* ev_res.wtb (read) */
} tarr;

/* Token ti's word and token byte into ta, and the dictionary word
 * phrase_at will read prefetched. */
static inline __attribute__((always_inline)) void tok_put(const ed_dict *d, const td_token *t,
                                                          size_t ti, tword x, tarr ta)
{
    ta.tw[ti] = x;
    ta.ttb[ti] = token_byte(ta.wtb, t, x);
    if (x & (uint64_t)FW_PREF << 32)
        __builtin_prefetch(&d->wph[tw_wid(x)]); /* phrase_at, soon */
}

/* How tok_word goes on: prefetch token ti + PREFETCH, eight bytes of it
 * safe to read (AHEAD_SAFE) or not known to be (AHEAD), or nothing. */
enum { AHEAD_NONE, AHEAD, AHEAD_SAFE };

/* tok_put for token ti through the cache wc: its set was prefetched
 * (tok_prefetch) and its ring slot is read before token ti + PREFETCH
 * (when ahead) takes it. */
static inline __attribute__((always_inline)) void tok_word(const ed_dict *d, wcaches *wc,
                                                           tring *rg, tview tv, size_t ti,
                                                           int ahead, tarr ta)
{
    const td_token *t = &tv.toks[ti];
    tword x;
    uint64_t key = rg->key[ti % PREFETCH];
    uintptr_t sl = rg->set[ti % PREFETCH];
    if (ahead != AHEAD_NONE)
        tok_prefetch(wc, rg, tv, ti + PREFETCH, ahead == AHEAD_SAFE);
    if (sl) { /* 1 to 8 bytes: its set and length from the ring */
        const wshort *set = (const wshort *)(sl & ~(uintptr_t)63);
        uint64_t lb = (uint64_t)(sl & 15) << 8;
        for (int k = 0; k < WSHORT_WAYS; k++)
            if (set[k].key == key && (set[k].tw & 0xf00) == lb) {
                tok_put(d, t, ti, set[k].tw, ta);
                return;
            }
    }
    const char *s = tv.norm + t->span.s;
    size_t len = t->span.e - t->span.s;
    if (sl) {
        x = word_miss(d, wc, s, len, tv.end);
    } else if (len - 9 < WCACHE_LEN - 8) { /* the long cache, with its hash */
        x = word_long(d, wc, s, len, tv.end, (uint32_t)key);
    } else {
        x = word_miss(d, wc, s, len, tv.end);
    }
    tok_put(d, t, ti, x, ta);
}

/* The OR of p[0..n), eight bytes at a time. */
static inline uint8_t or_bytes(const uint8_t *p, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        acc |= x;
    }
    uint8_t o = 0;
    for (; i < n; i++)
        o |= p[i];
    acc |= acc >> 32;
    acc |= acc >> 16;
    acc |= acc >> 8;
    return o | (uint8_t)acc;
}

/* Words and token bytes of every token of the document (one cached
 * lookup a token) into ta, then each sentence's SB_* in sbits from its
 * tokens' bytes. */
static void doc_words(const ed_dict *d, wcaches *wc, const td_doc *doc, tarr ta, uint8_t *sbits)
{
    const tview tv = {(const td_token *)doc->toks.items, doc->norm, doc->norm + doc->norm_len,
                      doc->toks.n};
    const td_sentence *sents = doc->sents.items;
    size_t nt = tv.nt, ns = doc->sents.n;
    if (wc) {
        tring rg;
        /* tokens [0, safe): eight bytes from their start lie in the text */
        size_t safe = nt;
        while (safe && (size_t)tv.toks[safe - 1].span.s + 8 > doc->norm_len)
            safe--;
        size_t ti = 0, ahead = nt > PREFETCH ? nt - PREFETCH : 0;
        size_t ahead_safe = safe > PREFETCH ? safe - PREFETCH : 0;
        for (size_t i = 0; i < nt && i < PREFETCH; i++)
            tok_prefetch(wc, &rg, tv, i, false);
        for (; ti < ahead_safe; ti++)
            tok_word(d, wc, &rg, tv, ti, AHEAD_SAFE, ta);
        for (; ti < ahead; ti++)
            tok_word(d, wc, &rg, tv, ti, AHEAD, ta);
        for (; ti < nt; ti++)
            tok_word(d, wc, &rg, tv, ti, AHEAD_NONE, ta);
    } else {
        for (size_t ti = 0; ti < nt; ti++) {
            const td_token *t = &tv.toks[ti];
            tword x = word_miss(d, NULL, tv.norm + t->span.s, t->span.e - t->span.s, tv.end);
            tok_put(d, t, ti, x, ta);
        }
    }
    const uint8_t *ttb = ta.ttb;
    for (size_t i = 0; i < ns; i++) {
        const td_sentence *se = &sents[i];
        uint32_t first = se->tok_first, end = first + se->tok_count;
        uint8_t o = or_bytes(ttb + first, se->tok_count);
        /* no word comes before its tokens up to the first that is not "_" */
        for (uint32_t ti = first; ti < end; ti++) {
            if (ttb[ti] & TB_HEADCAP)
                o |= SB_HEAD;
            if (!(ttb[ti] & TB_USC))
                break;
        }
        /* the sentence's words are its tokens: no "_" dropped, not over MAX_W */
        bool exact = se->tok_count <= MAX_W && !(o & TB_USC);
        uint8_t b = o & (SB_HEAD | SB_CHUNK | SB_DISC | SB_VPH | SB_DYAD);
        int chunks = 0;
        if ((b & SB_DISC) && exact && !discard_starts(d, se, ta.tw))
            b &= (uint8_t)~SB_DISC; /* no discard phrase: nothing to check */
        if ((b & (SB_HEAD | SB_VPH | SB_CHUNK)) == (SB_HEAD | SB_VPH | SB_CHUNK)) {
            /* the sentence may be coded: the tokens that may start a chunk */
            uint32_t cand[MAX_W], nc = 0;
            for (uint32_t ti = first; ti < end; ti++)
                if (ttb[ti] & SB_CHUNK) {
                    if (nc < MAX_W)
                        cand[nc++] = ti;
                    chunks += ttb[ti] & TB_TWO ? 2 : 1;
                }
            if (exact) { /* count those that can start one */
                chunks = chunk_starts(d, tv.toks, se, ta.tw, cand, nc);
                if (!chunks)
                    b &= (uint8_t)~(SB_CHUNK | SB_DYAD);
            }
        }
        if (chunks >= 2)
            b |= SB_DYAD;
        if (exact)
            b |= SB_EXACT;
        sbits[i] = b;
    }
}

td_status td_events_run(td_stage_ctx *ctx, td_doc *doc)
{
    const ev_res *r = ctx->res->events;
    if (!r || !doc->sents.n)
        return TD_OK;
    sent *S = td_arena_alloc(&ctx->scratch, sizeof *S);
    if (!S)
        return TD_ENOMEM;
    S->d = r->dict;
    S->cameo = r->cameo;
    S->sing = r->sing;
    S->pf = r->pf;
    S->arena = &doc->arena;
    S->date = doc_date(doc);
    S->require_dyad = config_require_dyad(doc);
    tword *tw = td_arena_alloc(&ctx->scratch, (doc->toks.n + 1) * sizeof *tw);
    uint8_t *ttb = td_arena_alloc(&ctx->scratch, doc->toks.n + 1);
    uint8_t *sbits = td_arena_alloc(&ctx->scratch, doc->sents.n);
    if (!tw || !ttb || !sbits)
        return TD_ENOMEM;
    wcaches *wc = ctx->stage_state[EV_STATE];
    if (!wc) /* NULL: no cache */
        wc = ctx->stage_state[EV_STATE] = wcache_new();
    doc_words(r->dict, wc, doc, (tarr){tw, ttb, r->wtb}, sbits);
    S->tw = tw;
    S->doc = doc;
    /* one pass: a sentence discard skips its sentence; a story discard
     * the whole document, events of sentences before it included */
    size_t n_events = doc->events.n;
    uint8_t need = SB_HEAD | SB_VPH | SB_CHUNK | (S->require_dyad ? SB_DYAD : 0);
    for (size_t i = 0; i < doc->sents.n; i++) {
        const td_sentence *se = TD_DOC_SENT(doc, i);
        if (sbits[i] & SB_DISC) {
            int dc;
            if (sbits[i] & SB_EXACT) {
                dc = discarded_doc(r->dict, se, tw);
            } else {
                load_words(S, doc, se);
                dc = discarded(S);
            }
            if (dc < 0) {
                doc->events.n = n_events;
                return TD_OK;
            }
            if (dc > 0)
                continue;
        }
        /* a sentence with no verb, or no actor or agent, codes nothing */
        if ((sbits[i] & need) != need)
            continue;
        if (dateline_doc(doc, se))
            continue;
        load_words(S, doc, se);
        td_status st = code_sentence(S, doc, se, r);
        if (st != TD_OK)
            return st;
    }
    return TD_OK;
}
