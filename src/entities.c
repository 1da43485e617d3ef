/*
 * entities.c - the entities stage: people, countries, locations,
 * organisations and groups named in the read blocks, with canonical names,
 * ISO 3166-1 alpha-2 codes, roles, acronyms and mentions.
 *
 * How it reads a sentence: it walks runs of capitalised words (joined by
 * particles such as "of", "van", "bin", "&"), and splits each run left to
 * right into titles ("Foreign Minister": kept as the role of the person
 * that follows), gazetteer names (countries, demonyms, capitals,
 * organisations, places: longest match), organisation and location
 * patterns ("Ministry of X", "X Party", "X River") and person names (a
 * given name, a title before it, or a surname seen before in the
 * document). Single unknown words wait until the document is read, then
 * join a known entity (surname propagation, acronyms) or are guessed from
 * their context. A capital is a metonym of its state only where the state
 * acts ("Moscow said", "war on Moscow"), never after "in", "to", "from".
 * An acronym defined in brackets ("Eurasian Economic Union (EAEU)") links
 * to its name; an apposition ("Lavrov, Russia's foreign minister,") gives
 * the role and the country. Pronouns are left to the quotes stage.
 * In an ALL-CAPS line (a wire headline) names are matched case-insensitively
 * and words written in lower case elsewhere (the casing model of
 * ent_words_lower.tsv) are skipped. In a line of sports results ("Hartlepool
 * 1 Crewe 2") a name before a score is a team: an organisation, unless it
 * is a country (a national team) or a person. Unknown multi-word phrases
 * that look like no person and match no pattern are left out: precision
 * over recall.
 *
 * Cost: a run of the stage is linear in the tokens; one pass over them
 * finds the words that may start a name (the walk visits only those), the
 * marks of each sentence, and prefetches the cache entries the walk reads.
 * Every multi-word match stops as soon as its text is the prefix of no key
 * (prefix hash sets with a small bloom filter in front), and the
 * per-document tables are sized by the capitalised tokens. All the
 * one-word questions about a token (which lexicons hold it, its cue, is it
 * a lower-case word, may a multi-word key start with it) are answered at
 * once as a word's class bits, kept per token for the document and in a
 * per-thread cache across documents (ctx->stage_state), so a word costs
 * about one cache line, not one per lexicon; one lookup in a word index
 * built at start-up answers all the case-sensitive one-word lexicons; the
 * 64,000 words of ent_words_lower.tsv load as a set of hashes, and the word
 * lists only asked whether they hold a word (given names, words only ever
 * capitalised) go straight into the word index as class bits, with no
 * lexicon built (start-up reads them a key at a time, eight bytes a step).
 *
 * Lexicons (data/lex/, see tools/gen_lexicons.py and ENT_NOTICE.md):
 *   gazetteer   ent_orgs.tsv ent_countries.tsv ent_places.tsv
 *               ent_demonyms.tsv ent_capitals.tsv (+ user lexicons)
 *   words       ent_titles ent_given ent_given_world ent_translit ent_func
 *               ent_org_words ent_loc_words ent_cues ent_words_lower
 *               ent_words_proper
 *
 * GAZETTEER AND USER LEXICON FORMAT (--lexicon FILE), one name a line,
 * tab-separated, '#' starts a comment line; only the first two columns are
 * required:
 *
 *   name  type  country  canonical  form  cameo  acronym  role
 *
 *   name       the words as written in the text ("Sergey Lavrov"); matched
 *              case-sensitively (and case-insensitively in ALL-CAPS lines)
 *   type       person | country | location | organization | group |
 *              capital (a capital city: a location, or its state's metonym)
 *   country    ISO 3166-1 alpha-2 code ("RU") or empty
 *   canonical  the entity's name (default: the name column)
 *   form       name | acronym | demonym (default name)
 *   cameo      CAMEO actor code ("RUS", "RUSGOV") or empty
 *   acronym    the organisation's acronym or empty
 *   role       a person's role ("Foreign Minister") or empty
 *
 * A user lexicon is read before the built-in ones, so its entries win. A
 * person's last word also names the person later in the document.
 */
#define _GNU_SOURCE 1 /* asprintf */
#include "stage.h"
#include "lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Field i of a lexicon entry, "" when absent (td_lex_field, inline). */
static inline const char *fld(const td_lex_entry *e, int i)
{
    return e && i < e->n_fields ? e->fields[i] : "";
}

/* Is s the string lit? (Most fields differ in their first byte.) */
static inline bool str_is(const char *s, const char *lit)
{
    return s[0] == lit[0] && strcmp(s, lit) == 0;
}

#if defined(__GNUC__)
#define ENT_NOINLINE __attribute__((noinline))
#else
#define ENT_NOINLINE
#endif

/* ---- resources ---------------------------------------------------------- */

/* A set of 64-bit hashes of words; a false positive only costs a lookup. */
typedef struct {
    uint64_t *h;
    size_t mask;
    uint64_t *bloom; /* one bit a prefix hash, 8 bits an entry: small enough
                      * to stay in cache, it rejects most words first */
    size_t bmask;    /* bits - 1 */
} fwset;

#define FW_SEED 1469598103934665603ull

static inline uint64_t fw_step(uint64_t h, unsigned char c, bool fold)
{
    if (fold && c >= 'A' && c <= 'Z')
        c = (unsigned char)(c + 32);
    return (h ^ c) * 1099511628211ull;
}

/* Is the running hash h (of a key prefix) in the set? */
static bool fw_has(const fwset *f, uint64_t h)
{
    if (!f->h)
        return true;
    if (f->bloom) {
        size_t b = (size_t)((h | 1) >> 40) & f->bmask;
        if (!(f->bloom[b >> 6] & (1ull << (b & 63))))
            return false;
    }
    h |= 1; /* never 0: 0 marks an empty slot */
    for (size_t i = (size_t)h & f->mask;; i = (i + 1) & f->mask) {
        if (f->h[i] == h)
            return true;
        if (!f->h[i])
            return false;
    }
}

typedef struct {
    fwset *f;
    bool fold;
    bool oom;
} fw_build;

/* Add the hash of every prefix of the key (the set is sized for them). */
static void fw_add(const td_lex_entry *e, void *arg)
{
    fw_build *b = arg;
    uint64_t h = FW_SEED;
    for (const char *p = e->key; *p; p++) {
        h = fw_step(h, (unsigned char)*p, b->fold);
        uint64_t v = h | 1;
        size_t i = (size_t)v & b->f->mask;
        while (b->f->h[i] && b->f->h[i] != v)
            i = (i + 1) & b->f->mask;
        b->f->h[i] = v;
        size_t bit = (size_t)(v >> 40) & b->f->bmask;
        b->f->bloom[bit >> 6] |= 1ull << (bit & 63);
    }
}

static void key_bytes(const td_lex_entry *e, void *arg) { *(size_t *)arg += strlen(e->key); }

static td_status fw_make(fwset *f, const td_lexicon *lx, bool fold)
{
    size_t bytes = 0;
    td_lexicon_each(lx, key_bytes, &bytes);
    size_t cap = 64;
    while (cap < bytes * 2 + 16)
        cap *= 2;
    f->h = calloc(cap, sizeof *f->h);
    size_t bits = 512;
    while (bits < bytes * 8)
        bits *= 2;
    f->bloom = calloc(bits / 64, sizeof *f->bloom);
    if (!f->h || !f->bloom)
        return TD_ENOMEM;
    f->mask = cap - 1;
    f->bmask = bits - 1;
    fw_build b = {f, fold, false};
    td_lexicon_each(lx, fw_add, &b);
    return TD_OK;
}

/* The class bits of a word (as written): all the one-word answers the walk
 * asks about a token, found once (word_info) and kept per token and in a
 * per-thread cache across documents. */
enum {
    WI_HAVE = 1u << 0,        /* the bits are known (never 0 then) */
    WI_FUNC = 1u << 1,        /* ent_func */
    WI_GAZ = 1u << 2,         /* a one-word gazetteer key */
    WI_GAZ_PLACE = 1u << 3,   /* ... of type location or capital */
    WI_GIVEN = 1u << 4,       /* ent_given(_world) */
    WI_PROPER = 1u << 5,      /* ent_words_proper */
    WI_TRANSLIT = 1u << 6,    /* ent_translit */
    WI_ORGW_HEAD = 1u << 7,   /* ent_org_words "head" */
    WI_LOCW = 1u << 8,        /* ent_loc_words, any */
    WI_LOCW_HEAD = 1u << 9,   /* ... "head" */
    WI_LOCW_PREFIX = 1u << 10, /* ... "prefix" */
    WI_CUE = 1u << 11,        /* ent_cues, any */
    WI_CONNECTOR = 1u << 12,  /* ... "connector" */
    WI_LOC_PREP = 1u << 13,   /* ... "loc_prep" */
    WI_STATE_PREP = 1u << 14, /* ... "state_prep" */
    WI_SAY_VERB = 1u << 15,   /* ... "say_verb" */
    WI_LOWER = 1u << 16,      /* ent_words_lower (folded) */
    WI_PRE_GAZ = 1u << 17,    /* the prefix of a gazetteer key (as written) */
    WI_PRE_GAZF = 1u << 18,   /* ... of a gazetteer key (folded) */
    WI_PRE_TITLES = 1u << 19, /* ... of a title (folded) */
    WI_PRE_ORGW = 1u << 20    /* ... of an organisation word (as written) */
};

/* ---- word lists read as sets of keys -------------------------------------
 * The lists only asked whether they hold a word (ent_words_lower,
 * ent_given(_world), ent_words_proper) are read a key at a time by the
 * lexicon file rules (blank lines and '#' lines skipped, a line's final
 * '\r' dropped, the key ends at the first tab; an empty key, a key of 256
 * bytes or more and a line of 4096 bytes or more are errors), with no
 * lexicon built: eight bytes at a time, no call a line. */

#define LO8 0x0101010101010101ull
#define HI8 0x8080808080808080ull

/* The lines of p[0..len) (one more than its '\n' bytes). */
static size_t count_lines(const char *p, size_t len)
{
    size_t lines = 1, i = 0;
#if defined(__SSE2__)
    /* 16 bytes at a time, counted in byte lanes for up to 255 rounds */
    const __m128i nl16 = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (len - i >= 16) {
        __m128i cn = zero;
        for (int r = 0; r < 255 && len - i >= 16; r++, i += 16)
            cn = _mm_sub_epi8(cn, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), nl16));
        __m128i sn = _mm_sad_epu8(cn, zero);
        lines += (size_t)_mm_cvtsi128_si32(sn) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sn, 8));
    }
#endif
    for (; i < len; i++)
        lines += p[i] == '\n';
    return lines;
}

/* The first '\n' or '\t' of p[i..len), or len. */
static inline size_t key_delim(const char *p, size_t i, size_t len)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; len - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        uint64_t a = x ^ (LO8 * '\n'), b = x ^ (LO8 * '\t');
        /* the high bit of the zero bytes of a or b: exact up to the first */
        uint64_t m = (((a - LO8) & ~a) | ((b - LO8) & ~b)) & HI8;
        if (m)
            return i + (size_t)__builtin_ctzll(m) / 8;
    }
#endif
    while (i < len && p[i] != '\n' && p[i] != '\t')
        i++;
    return i;
}

typedef struct {
    const char *p, *name;
    size_t len, i, lineno;
} keyscan;

/* The next key of k in *key, *n: 1, or 0 at the end, or -1 after an error
 * (in *err). */
static int ks_next(keyscan *k, const char **key, size_t *n, char **err)
{
    const char *p = k->p;
    while (k->i < k->len) {
        size_t i = k->i, e;
        k->lineno++;
        if (p[i] == '#') {
            const char *nl = memchr(p + i, '\n', k->len - i);
            k->i = nl ? (size_t)(nl - p) + 1 : k->len;
            continue;
        }
        size_t d = key_delim(p, i, k->len);
        bool tab = d < k->len && p[d] == '\t';
        e = d;
        if (tab) {
            const char *nl = memchr(p + d, '\n', k->len - d);
            e = nl ? (size_t)(nl - p) : k->len;
        }
        k->i = e + 1;
        size_t l = e - i;
        if (l && p[e - 1] == '\r')
            l--;
        if (l == 0)
            continue;
        size_t kl = tab ? d - i : l;
        if (l >= 4096 || kl == 0 || kl >= 256) {
            if (err && asprintf(err, "%s:%zu: %s", k->name, k->lineno,
                                l >= 4096 ? "line too long" : "empty or over-long key") < 0)
                *err = NULL;
            return -1;
        }
        *key = p + i;
        *n = kl;
        return 1;
    }
    return 0;
}

/* The text of the data file name (*owned: malloc'd, the caller frees). */
static td_status read_list(td_resources *res, const char *name, keyscan *k, bool *owned,
                           char **err)
{
    memset(k, 0, sizeof *k);
    k->name = name;
    td_status st = td_data_read(&res->opts, name, &k->p, &k->len, owned);
    if (st != TD_OK && err && asprintf(err, "lexicon %s: %s", name, td_strerror(st)) < 0)
        *err = NULL;
    return st;
}

/* The word sets of ent_res (and the WI_* bit of each). */
enum { NSET = 3 };
static const char *const set_files[NSET] = {"ent_given.tsv", "ent_given_world.tsv",
                                            "ent_words_proper.tsv"};
static const uint32_t set_bit[NSET] = {WI_GIVEN, WI_GIVEN, WI_PROPER};

/* The index of words: every one-word key of the case-sensitive lexicons
 * with its entry in each, so one lookup answers all the one-word questions
 * about a token. */
enum { NWX = 5 }; /* the lexicons of WX_LEX */

typedef struct {
    const char *key;
    uint32_t len, tag;
    uint32_t cls;               /* the WI_* bits its entries give (wx_classes)
                                 * and the word sets that hold it (WI_GIVEN,
                                 * WI_PROPER) */
    const td_lex_entry *e[NWX]; /* by wx_pos[lex_id] (inline: one read) */
} wrec;                         /* 64 bytes: one cache line */

typedef struct {
    wrec *r;
    size_t n, cap;
    uint64_t *slot;          /* hash tag << 32 | record index + 1; 0 empty */
    size_t mask;
} windex;

typedef struct ent_res {
    td_lexicon *gaz, *gaz_fold; /* gazetteer, case-sensitive and folded */
    td_lexicon *codes;          /* alpha-2 -> canonical, cameo */
    td_lexicon *titles;         /* folded */
    td_lexicon *translit, *func, *orgw, *locw, *cues;
    td_lexicon *lower;          /* unused (NULL): see lower_set */
    fwset lower_set;            /* hashes of the folded words written in lower
                                 * case (a set, not a lexicon: 64,000 words
                                 * load in a few milliseconds) */
    /* the word sets ent_given.tsv + ent_given_world.tsv (WI_GIVEN) and
     * ent_words_proper.tsv (words only ever capitalised: WI_PROPER), only
     * asked whether they hold a word: their keys go straight into the word
     * index, which points into these texts (malloc'd when owned) */
    keyscan set[NSET];
    bool set_owned[NSET];
    /* every prefix of the gazetteer's keys (as written, and lower-cased) and
     * of the titles (lower-cased): a match stops as soon as its text is the
     * prefix of no key */
    fwset fw_gaz, fw_gazf, fw_titles;
    fwset fw_orgw;            /* every prefix of the organisation words' keys:
                               * "Ministry of" starts only where it may */
    const td_lexicon *lx[11]; /* by lex_id, for the per-token cache */
    const fwset *fw[3];       /* prefix sets of L_GAZ, L_GAZF, L_TITLES */
    windex wx;
} ent_res;

/* The lexicons looked up a token at a time; the first three are also
 * matched over several tokens (with their prefix sets). */
typedef enum {
    L_GAZ, L_GAZF, L_TITLES, L_GIVEN, L_TRANSLIT, L_FUNC, L_ORGW, L_LOCW, L_CUES, L_LOWER,
    L_PROPER, NLEX
} lex_id;

/* The case-sensitive one-word lexicons answered by the word index. */
#define WX_LEX ((1u << L_GAZ) | (1u << L_TRANSLIT) | (1u << L_FUNC) | (1u << L_ORGW) | \
                (1u << L_LOCW))
/* Where a lexicon's entry sits: in a word record (WX_LEX) or in the
 * per-token cache of the two folded multi-token lexicons (NSLOW); the
 * cues and the lower-case words are only asked about as WI_* bits. */
enum { NSLOW = 2 };
static const int8_t wx_pos[NLEX] = {0, -1, -1, -1, 1, 2, 3, 4, -1, -1, -1};
static const int8_t slow_pos[NLEX] = {-1, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1};
static const wrec no_wrec; /* the record of a word in no lexicon */

/* The index hash of a key from its FNV-1a hash (fw_step, not folded). */
static inline uint64_t wx_mix(uint64_t h)
{
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

static uint64_t wx_hash(const char *s, size_t n)
{
    uint64_t h = FW_SEED;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return wx_mix(h);
}

/* The record of s[0..n), whose index hash is h (wx_mix of its FNV-1a). */
static const wrec *wx_get_mixed(const windex *x, const char *s, size_t n, uint64_t h)
{
    if (!x->slot)
        return NULL;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = (size_t)h & x->mask;; i = (i + 1) & x->mask) {
        uint64_t k = x->slot[i];
        if (!k)
            return NULL;
        if ((uint32_t)(k >> 32) != tag)
            continue;
        const wrec *r = &x->r[(uint32_t)k - 1];
        if (r->len == n && memcmp(r->key, s, n) == 0)
            return r;
    }
}

/* The record of key s[0..n), made when new (the index is sized for all). */
static wrec *wx_add(windex *x, const char *s, size_t n)
{
    uint64_t h = wx_hash(s, n);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t i = (size_t)h & x->mask;
    for (;; i = (i + 1) & x->mask) {
        uint64_t k = x->slot[i];
        if (!k)
            break;
        wrec *r = &x->r[(uint32_t)k - 1];
        if (r->tag == tag && r->len == n && memcmp(r->key, s, n) == 0)
            return r;
    }
    if (x->n == x->cap)
        return NULL;
    wrec *r = &x->r[x->n++];
    r->key = s;
    r->len = (uint32_t)n;
    r->tag = tag;
    r->cls = 0;
    memset(r->e, 0, sizeof r->e);
    x->slot[i] = (uint64_t)tag << 32 | (uint32_t)x->n;
    return r;
}

typedef struct {
    windex *x;
    const td_lexicon *lx;
    lex_id l;
    bool oom;
} wx_build;

static void wx_add_word(const td_lex_entry *e, void *arg)
{
    wx_build *b = arg;
    size_t n = strlen(e->key);
    if (b->oom || strchr(e->key, ' ') || n >= 256)
        return;
    wrec *r = wx_add(b->x, e->key, n);
    if (!r) {
        b->oom = true;
        return;
    }
    /* the entry that wins: td_lexicon_each visits a key's entries in the
     * order they were added, the one the lexicon keeps last */
    r->e[wx_pos[b->l]] = e;
}

static const char *const gaz_files[] = {"ent_orgs.tsv", "ent_countries.tsv", "ent_places.tsv",
                                        "ent_demonyms.tsv", "ent_capitals.tsv", NULL};

static td_status load_gaz(td_resources *res, td_lexicon *lx, char **err)
{
    for (size_t i = 0; i < res->opts.n_user_lexicons; i++) {
        td_status st = td_lexicon_add_file(lx, res->opts.user_lexicons[i], false, err);
        if (st != TD_OK)
            return st;
    }
    for (int i = 0; gaz_files[i]; i++) {
        td_status st = td_lexicon_add_named(lx, &res->opts, gaz_files[i], false, err);
        if (st != TD_OK)
            return st;
    }
    return TD_OK;
}

typedef struct {
    char *buf;
    size_t n, cap;
    bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->oom)
        return;
    if (b->n + l + 1 > b->cap) {
        size_t nc = (b->cap + l + 1) * 2;
        char *nb = realloc(b->buf, nc);
        if (!nb) {
            b->oom = true;
            return;
        }
        b->buf = nb;
        b->cap = nc;
    }
    memcpy(b->buf + b->n, s, l);
    b->n += l;
}

/* Collect "XX<TAB>canonical<TAB>cameo" lines for every country name entry
 * whose key is its canonical name. */
static void code_line(const td_lex_entry *e, void *arg)
{
    if (!str_is(fld(e, 0), "country") || !*fld(e, 1) ||
        str_is(fld(e, 3), "demonym"))
        return;
    sbuf *b = arg;
    sb_add(b, fld(e, 1));
    sb_add(b, "\t");
    sb_add(b, *fld(e, 2) ? fld(e, 2) : e->key);
    sb_add(b, "\t");
    sb_add(b, fld(e, 4));
    sb_add(b, "\n");
}

static td_status load_words(td_resources *res, const char *name, unsigned flags,
                            td_lexicon **out, char **err)
{
    return td_lexicon_load(&res->opts, name, flags, out, err);
}

void td_entities_release(td_resources *res)
{
    ent_res *r = res->entities;
    if (!r)
        return;
    td_lexicon *all[] = {r->gaz, r->gaz_fold, r->codes, r->titles, r->translit,
                         r->func, r->orgw,   r->locw,  r->cues,  r->lower};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        td_lexicon_free(all[i]);
    for (int i = 0; i < NSET; i++)
        if (r->set_owned[i])
            free((char *)r->set[i].p);
    free(r->fw_gaz.h);
    free(r->fw_gazf.h);
    free(r->fw_titles.h);
    free(r->fw_orgw.h);
    free(r->lower_set.h);
    free(r->fw_gaz.bloom);
    free(r->fw_gazf.bloom);
    free(r->fw_titles.bloom);
    free(r->fw_orgw.bloom);
    free(r->wx.r);
    free(r->wx.slot);
    free(r);
    res->entities = NULL;
}

static bool field_is(const td_lex_entry *e, const char *v)
{
    return e && str_is(fld(e, 0), v);
}

/* The WI_* bits of the entries of a word record. */
static uint32_t wx_classes(const wrec *r)
{
    uint32_t c = 0;
    const td_lex_entry *g = r->e[wx_pos[L_GAZ]];
    if (g)
        c |= WI_GAZ | (field_is(g, "location") || field_is(g, "capital") ? WI_GAZ_PLACE : 0);
    if (r->e[wx_pos[L_FUNC]])
        c |= WI_FUNC;
    if (r->e[wx_pos[L_TRANSLIT]])
        c |= WI_TRANSLIT;
    if (field_is(r->e[wx_pos[L_ORGW]], "head"))
        c |= WI_ORGW_HEAD;
    const td_lex_entry *l = r->e[wx_pos[L_LOCW]];
    if (l)
        c |= WI_LOCW | (field_is(l, "head") ? WI_LOCW_HEAD : 0) |
             (field_is(l, "prefix") ? WI_LOCW_PREFIX : 0);
    return c;
}

static td_status wx_make(ent_res *r, char **err)
{
    windex *x = &r->wx;
    size_t words = 0;
    for (int l = 0; l < NLEX; l++)
        if (WX_LEX & (1u << l))
            words += td_lexicon_size(r->lx[l]);
    for (int i = 0; i < NSET; i++)
        words += count_lines(r->set[i].p, r->set[i].len);
    x->cap = words;
    size_t ns = 64;
    while (ns < x->cap * 2)
        ns *= 2;
    x->mask = ns - 1;
    x->r = malloc((x->cap ? x->cap : 1) * sizeof *x->r);
    x->slot = calloc(ns, sizeof *x->slot);
    if (!x->r || !x->slot)
        return TD_ENOMEM;
    wx_build b = {x, NULL, L_GAZ, false};
    for (int l = 0; l < NLEX; l++) {
        if (!(WX_LEX & (1u << l)))
            continue;
        b.lx = r->lx[l];
        b.l = (lex_id)l;
        td_lexicon_each(r->lx[l], wx_add_word, &b);
    }
    if (b.oom)
        return TD_ENOMEM;
    for (size_t i = 0; i < x->n; i++)
        x->r[i].cls = wx_classes(&x->r[i]);
    for (int i = 0; i < NSET; i++) {
        keyscan k = r->set[i];
        const char *key;
        size_t n;
        int got;
        while ((got = ks_next(&k, &key, &n, err)) > 0) {
            if (memchr(key, ' ', n)) /* one word only, as wx_add_word */
                continue;
            wrec *w = wx_add(x, key, n);
            if (!w)
                return TD_ENOMEM;
            w->cls |= set_bit[i];
        }
        if (got < 0)
            return TD_EFORMAT;
    }
    return TD_OK;
}

/* The ASCII capitals of the eight bytes x (all below 0x80) in lower case. */
static inline uint64_t swar_lower(uint64_t x)
{
    uint64_t ge_a = x + 0x3f3f3f3f3f3f3f3full; /* high bit: byte >= 'A' */
    uint64_t gt_z = x + 0x2525252525252525ull; /* high bit: byte > 'Z' */
    return x | ((ge_a & ~gt_z & HI8) >> 2);
}

/* The eight bytes at s[0..r), r <= 8, zero-padded (bytes up to end may be
 * read). */
static inline uint64_t load_tail(const char *s, size_t r, const char *end)
{
    uint64_t x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - s >= 8) {
        memcpy(&x, s, 8);
        return r == 8 ? x : x & (~0ull >> (64 - 8 * r));
    }
#else
    (void)end;
#endif
    memcpy(&x, s, r);
    return x;
}

/* The word w[0..n) folded as TD_LEX_FOLD lexicons do (ASCII letters and the
 * two-byte Latin capitals U+00C0..U+00DE, U+0100..U+017F even to lower
 * case) into out (same length). */
static void fold_word(const char *w, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80) {
            out[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            continue;
        }
        out[i] = (char)c;
        if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < n) {
            unsigned char d = (unsigned char)w[++i];
            if (c == 0xC3) {
                if (d >= 0x80 && d <= 0x9E && d != 0x97)
                    d = (unsigned char)(d + 0x20);
            } else if (!(d & 1) && !(c == 0xC5 && d >= 0x80 && d <= 0x88) &&
                       !(c == 0xC4 && d >= 0xB7)) {
                d = (unsigned char)(d | 1);
            }
            out[i] = (char)d;
        }
    }
}

/* One eight-byte step of word_hash. */
static inline uint64_t wh_step(uint64_t h, uint64_t x)
{
    h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
}

static inline uint64_t wh_end(uint64_t h)
{
    h *= 0x94d049bb133111ebull;
    return (h ^ (h >> 29)) | 1;
}

/* word_hash of a word with a byte over 0x7f: folded first (fold_word). */
static ENT_NOINLINE uint64_t word_hash_utf8(const char *w, size_t n)
{
    char buf[256 + 8];
    fold_word(w, n, buf);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t i = 0; i < n; i += 8) {
        size_t r = n - i < 8 ? n - i : 8;
        uint64_t x = load_tail(buf + i, r, buf + sizeof buf);
        h = wh_step(h, x & HI8 ? x : swar_lower(x));
    }
    return wh_end(h);
}

/* The hash of the folded word w[0..n), n < 256, in lower_set (never 0;
 * bytes up to end may be read): eight bytes at a time, ASCII capitals
 * folded eight at a time; a word with a byte over 0x7f is folded first
 * (word_hash_utf8, out of line). */
static inline uint64_t word_hash(const char *w, size_t n, const char *end)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t i = 0; i < n; i += 8) {
        size_t r = n - i < 8 ? n - i : 8;
        uint64_t x = load_tail(w + i, r, end);
        if (x & HI8)
            return word_hash_utf8(w, n);
        h = wh_step(h, swar_lower(x));
    }
    return wh_end(h);
}

static bool set_has(const fwset *f, uint64_t h)
{
    for (size_t i = (size_t)h & f->mask;; i = (i + 1) & f->mask) {
        if (f->h[i] == h)
            return true;
        if (!f->h[i])
            return false;
    }
}

/* Read the keys of ent_words_lower.tsv into a set of hashes (word_hash),
 * sized by its lines. */
static td_status load_lower(td_resources *res, fwset *f, char **err)
{
    keyscan k;
    bool owned;
    td_status st = read_list(res, "ent_words_lower.tsv", &k, &owned, err);
    if (st != TD_OK)
        return st;
    size_t lines = count_lines(k.p, k.len);
    size_t cap = 64;
    while (cap < lines * 2)
        cap *= 2;
    f->h = calloc(cap, sizeof *f->h);
    f->mask = cap - 1;
    if (!f->h)
        st = TD_ENOMEM;
    const char *key;
    size_t kl;
    int got;
    while (st == TD_OK && (got = ks_next(&k, &key, &kl, err)) != 0) {
        if (got < 0) {
            st = TD_EFORMAT;
            break;
        }
        uint64_t h = word_hash(key, kl, k.p + k.len);
        size_t s = (size_t)h & f->mask;
        while (f->h[s] && f->h[s] != h)
            s = (s + 1) & f->mask;
        f->h[s] = h;
    }
    if (owned)
        free((char *)k.p);
    return st;
}

td_status td_entities_init(td_resources *res, char **err)
{
    ent_res *r = calloc(1, sizeof *r);
    if (!r)
        return TD_ENOMEM;
    res->entities = r;
    td_status st = td_lexicon_new(0, &r->gaz);
    if (st == TD_OK)
        st = load_gaz(res, r->gaz, err);
    if (st == TD_OK)
        st = td_lexicon_new(TD_LEX_FOLD, &r->gaz_fold);
    if (st == TD_OK)
        st = load_gaz(res, r->gaz_fold, err);
    if (st == TD_OK) {
        sbuf b = {0};
        td_lexicon_each(r->gaz, code_line, &b);
        st = b.oom ? TD_ENOMEM : td_lexicon_new(0, &r->codes);
        if (st == TD_OK && b.n)
            st = td_lexicon_add_text(r->codes, b.buf, b.n, "country codes", false, err);
        free(b.buf);
    }
    if (st == TD_OK)
        st = load_words(res, "ent_titles.tsv", TD_LEX_FOLD, &r->titles, err);
    if (st == TD_OK)
        st = load_words(res, "ent_translit.tsv", 0, &r->translit, err);
    if (st == TD_OK)
        st = load_words(res, "ent_func.tsv", 0, &r->func, err);
    if (st == TD_OK)
        st = load_words(res, "ent_org_words.tsv", 0, &r->orgw, err);
    if (st == TD_OK)
        st = load_words(res, "ent_loc_words.tsv", 0, &r->locw, err);
    if (st == TD_OK)
        st = load_words(res, "ent_cues.tsv", 0, &r->cues, err);
    if (st == TD_OK)
        st = load_lower(res, &r->lower_set, err);
    for (int i = 0; i < NSET && st == TD_OK; i++)
        st = read_list(res, set_files[i], &r->set[i], &r->set_owned[i], err);
    if (st == TD_OK)
        st = fw_make(&r->fw_gaz, r->gaz, false);
    if (st == TD_OK)
        st = fw_make(&r->fw_gazf, r->gaz_fold, true);
    if (st == TD_OK)
        st = fw_make(&r->fw_titles, r->titles, true);
    if (st == TD_OK)
        st = fw_make(&r->fw_orgw, r->orgw, false);
    if (st == TD_OK) {
        const td_lexicon *all[NLEX] = {r->gaz,  r->gaz_fold, r->titles, NULL,
                                       r->translit, r->func, r->orgw,   r->locw,
                                       r->cues, r->lower,    NULL};
        memcpy(r->lx, all, sizeof all);
        r->fw[L_GAZ] = &r->fw_gaz;
        r->fw[L_GAZF] = &r->fw_gazf;
        r->fw[L_TITLES] = &r->fw_titles;
        st = wx_make(r, err);
    }
    if (st != TD_OK)
        td_entities_release(res);
    return st;
}

/* ---- per-document state ------------------------------------------------- */

typedef struct {
    const char *key;
    uint32_t len;
    int type; /* -1: alias of any type */
    int idx;  /* index into doc->entities */
} slot;

/* An open-addressing table of 32-bit cells (0: empty, else 1 + the index
 * of its slot in rec, filled in order): only the cells are zeroed for a
 * document, a sixth of the bytes of a table of slots. */
typedef struct {
    uint32_t *cell;
    slot *rec;
    size_t mask; /* cells - 1 */
    size_t n;    /* slots filled: kept under 3/4 of the cells so a miss ends fast */
} table;

typedef struct {
    size_t tok, n; /* a single unknown word waiting for the end */
    bool loc_ctx, say_ctx, caps;
} pending;


typedef struct {
    td_doc *doc;
    const ent_res *R;
    td_arena *scr;
    table ents;     /* (type, canonical) -> entity */
    table alias;    /* word or acronym -> entity */
    td_vec pend;    /* of pending */
    /* per-token cache of lookups: cls[i] the WI_* bits of token i (0 until
     * known) and wr[i] its word record (set with them; &no_wrec: in none),
     * which answers the WX_LEX lexicons; bit l of have[i] set when
     * ent[i][slow_pos[l]] is known for the others */
    uint32_t *cls;
    const wrec **wr;
    uint32_t *have;
    const td_lex_entry *(*ent)[NSLOW];
    uint64_t (*th)[2]; /* FNV-1a hash of token i as written (set with bit
                        * TH_HAVE of have[i]) and ASCII-folded (TH_FOLD) */
    uint64_t *kh;      /* word cache hash of token i (bit KH_HAVE) */
    struct wcache *wc; /* the per-thread cache of word classes, or NULL */
    /* from scan_doc: the tokens that may start a name (cap_word), those
     * of sentence s at cand[cfirst[s] .. cfirst[s + 1]), and the SM_*
     * marks of each sentence */
    uint32_t *cand;
    uint32_t *pf; /* the tokens whose word cache entries scan_doc prefetched */
    size_t npf;
    size_t *cfirst;
    uint8_t *smark;
    struct gslot *gc; /* the entities of the gazetteer entries met (emit_gaz) */
    size_t gc_mask;
    bool oom;
} state;

/* What emit_gaz made of a gazetteer entry in this document: a repeated
 * name costs its mention only (entity() and fill() would find and fill
 * nothing new). A direct-mapped cache: a collision only costs the work
 * again. */
enum { NOIDX = -2 }; /* not made yet (-1: none) */
typedef struct gslot {
    const td_lex_entry *e;
    int idx;  /* the entity of the entry (a capital: the location), or NOIDX */
    int cidx; /* a capital's state (metonym), or NOIDX */
    uint8_t type, form;
    bool capital;
} gslot;

#define KH_HAVE (1u << 29) /* kh[i] is known */

#define TH_HAVE (1u << 30) /* th[i][0] is known */
#define TH_FOLD (1u << 31) /* th[i][1] is known */

/* A per-thread direct-mapped cache of word -> WI_* bits and word record,
 * kept across documents (news repeats its words, and the lexicons' tables
 * are megabytes: a miss costs several cache misses). It lives in
 * ctx->stage_state[ENT_STATE] (freed with the pipeline); its answers are
 * those of word_info, so the output never depends on it. */
enum { ENT_STATE = 5, WC_N = 16384, WC_LEN = 31 };
enum { SM_CAPS = 1, SM_RESULTS = 2 };

typedef struct {
    uint32_t tag;  /* high half of the word's index hash */
    uint32_t cls;
    const wrec *wr;
    uint64_t fnv[2]; /* the word's FNV-1a hash as written and folded (th) */
    uint8_t len;   /* 0: empty */
    char s[WC_LEN];
} wcent;           /* 64 bytes: one cache line */
_Static_assert(sizeof(wcent) == 64, "a word cache entry is one 64-byte line");

typedef struct wcache {
    wcent e[WC_N];
    const ent_res *R; /* the resources its answers come from */
} wcache;

/* The hash of a table key: eight bytes at a time, the last (up to seven)
 * read as two overlapping words (the length is hashed too). */
static uint64_t hash_str(const char *s, size_t n, int type)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n << 8) ^ (uint64_t)(type + 7);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    size_t r = n - i;
    uint64_t x = 0;
    if (r >= 4) {
        uint32_t a, b;
        memcpy(&a, s + i, 4);
        memcpy(&b, s + i + r - 4, 4);
        x = a | (uint64_t)b << 32;
    } else if (r > 0) {
        x = (uint64_t)(unsigned char)s[i] | (uint64_t)(unsigned char)s[i + r / 2] << 8 |
            (uint64_t)(unsigned char)s[i + r - 1] << 16;
    }
    h = (h ^ x) * 0x94d049bb133111ebull;
    return h ^ (h >> 29);
}

/* The cell of key (k, n, type) in T: its slot's or the empty one where it
 * would go. */
static uint32_t *find(const table *T, const char *k, size_t n, int type)
{
    size_t i = (size_t)hash_str(k, n, type) & T->mask;
    for (size_t probes = 0; probes <= T->mask; probes++) {
        uint32_t *c = &T->cell[i];
        if (!*c)
            return c;
        const slot *s = &T->rec[*c - 1];
        if (s->type == type && s->len == n && memcmp(s->key, k, n) == 0)
            return c;
        i = (i + 1) & T->mask;
    }
    return NULL; /* full: cannot happen, the table is sized for every token */
}

/* Fill the empty cell c of T with a new slot. */
static void put(table *T, uint32_t *c, const char *key, size_t n, int type, int idx)
{
    slot *s = &T->rec[T->n++];
    s->key = key;
    s->len = (uint32_t)n;
    s->type = type;
    s->idx = idx;
    *c = (uint32_t)T->n;
}

static bool full(const table *T) { return T->n * 4 >= (T->mask + 1) * 3; }

static td_entity *ENT(state *S, int idx) { return TD_VEC_AT(S->doc->entities, td_entity, idx); }

static const char *tok_s(const state *S, size_t i) { return S->doc->norm + TD_DOC_TOK(S->doc, i)->span.s; }
static size_t tok_n(const state *S, size_t i)
{
    const td_token *t = TD_DOC_TOK(S->doc, i);
    return t->span.e - t->span.s;
}
static inline bool tok_is_n(const state *S, size_t i, const char *w, size_t l)
{
    return i < S->doc->toks.n && tok_n(S, i) == l && memcmp(tok_s(S, i), w, l) == 0;
}
/* Is token i the word w (a string literal: its length is known)? */
#define tok_is(S, i, w) tok_is_n(S, i, "" w, sizeof(w) - 1)
/* The FNV-1a hash of token i, as written or ASCII-folded (fw_step),
 * computed once a document. */

static ENT_NOINLINE uint64_t tok_hash_new(const state *S, size_t i, bool fold)
{
    uint64_t h = FW_SEED;
    const char *w = tok_s(S, i);
    size_t tl = tok_n(S, i);
    for (size_t b = 0; b < tl; b++)
        h = fw_step(h, (unsigned char)w[b], fold);
    S->th[i][fold] = h;
    S->have[i] |= fold ? TH_FOLD : TH_HAVE;
    return h;
}
static inline uint64_t tok_hash_k(const state *S, size_t i, bool fold)
{
    if (S->have[i] & (fold ? TH_FOLD : TH_HAVE))
        return S->th[i][fold];
    return tok_hash_new(S, i, fold);
}
static inline uint64_t tok_fnv(const state *S, size_t i) { return tok_hash_k(S, i, false); }
static inline uint64_t tok_fnv_fold(const state *S, size_t i) { return tok_hash_k(S, i, true); }

/* The WI_* bits of the word w[0..n) (token i): its word record (*wr), its
 * cue, whether it is written in lower case elsewhere, and which
 * multi-token lexicons may have a key starting with it. */
static uint32_t word_classes(const state *S, size_t i, const char *w, size_t n, uint64_t fnv,
                             uint64_t mixed, const wrec **wr)
{
    const ent_res *R = S->R;
    const wrec *r = wx_get_mixed(&R->wx, w, n, mixed);
    if (!r)
        r = &no_wrec;
    *wr = r;
    uint32_t c = WI_HAVE | r->cls;
    const td_lex_entry *cue = td_lexicon_get(R->cues, w, n);
    if (cue) {
        c |= WI_CUE;
        if (field_is(cue, "connector"))
            c |= WI_CONNECTOR;
        else if (field_is(cue, "loc_prep"))
            c |= WI_LOC_PREP;
        else if (field_is(cue, "state_prep"))
            c |= WI_STATE_PREP;
        else if (field_is(cue, "say_verb"))
            c |= WI_SAY_VERB;
    }
    if (n > 0 && n < 256 && set_has(&R->lower_set, word_hash(w, n, S->doc->norm + S->doc->norm_len)))
        c |= WI_LOWER;
    if (fw_has(&R->fw_gaz, fnv))
        c |= WI_PRE_GAZ;
    if (fw_has(&R->fw_orgw, fnv))
        c |= WI_PRE_ORGW;
    uint64_t hf = tok_fnv_fold(S, i);
    if (fw_has(&R->fw_gazf, hf))
        c |= WI_PRE_GAZF;
    if (fw_has(&R->fw_titles, hf))
        c |= WI_PRE_TITLES;
    return c;
}

/* The word cache hash of w[0..n) (bytes up to end may be read): eight
 * bytes at a time. */
static inline uint64_t key_hash(const char *w, size_t n, const char *end)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, w + i, 8);
        h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    if (i < n) {
        uint64_t x = 0;
        size_t r = n - i;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (end - (w + i) >= 8) {
            memcpy(&x, w + i, 8);
            x &= ~0ull >> (64 - 8 * r);
        } else
#endif
            memcpy(&x, w + i, r);
        h = (h ^ x) * 0x94d049bb133111ebull;
    }
    (void)end;
    return h ^ (h >> 29);
}

static ENT_NOINLINE uint64_t tok_kh_new(const state *S, size_t i)
{
    S->kh[i] = key_hash(tok_s(S, i), tok_n(S, i), S->doc->norm + S->doc->norm_len);
    S->have[i] |= KH_HAVE;
    return S->kh[i];
}
static inline uint64_t tok_kh(const state *S, size_t i)
{
    return (S->have[i] & KH_HAVE) ? S->kh[i] : tok_kh_new(S, i);
}

/* a[0..n) == b[0..n), n <= WC_LEN; a has room for 8 bytes, and b when b8
 * holds (else n > 8). Eight bytes at a time, the last eight overlapping. */
static inline bool same_bytes(const char *a, const char *b, size_t n, bool b8)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x, y;
    if (n <= 8) {
        if (!b8)
            return memcmp(a, b, n) == 0;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return ((x ^ y) & (~0ull >> (64 - 8 * n))) == 0;
    }
    uint64_t d = 0;
    for (size_t j = 0; j + 8 < n; j += 8) {
        memcpy(&x, a + j, 8);
        memcpy(&y, b + j, 8);
        d |= x ^ y;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return (d | (x ^ y)) == 0;
#else
    (void)b8;
    return memcmp(a, b, n) == 0;
#endif
}

/* wcls of a token missing from the word cache (e: its entry, or NULL). */
static ENT_NOINLINE uint32_t wcls_miss(const state *S, size_t i, wcent *e)
{
    const char *w = tok_s(S, i);
    size_t n = tok_n(S, i);
    uint64_t fnv = tok_fnv(S, i);
    uint32_t c = word_classes(S, i, w, n, fnv, wx_mix(fnv), &S->wr[i]);
    S->cls[i] = c;
    if (e) { /* word_classes found both hashes */
        e->tag = (uint32_t)(tok_kh(S, i) >> 32);
        e->cls = c;
        e->wr = S->wr[i];
        e->fnv[0] = S->th[i][0];
        e->fnv[1] = S->th[i][1];
        e->len = (uint8_t)n;
        memcpy(e->s, w, n);
    }
    return c;
}

/* wcls of token i (text w[0..n), key hash kh) from its word-cache entry
 * when that holds the word, else wcls_miss; b8: w has room for 8 bytes. */
static inline uint32_t wcls_cached(const state *S, size_t i, uint64_t kh, const char *w,
                                   size_t n, bool b8)
{
    wcent *e = &S->wc->e[kh & (WC_N - 1)];
    if (e->len == n && e->tag == (uint32_t)(kh >> 32) && same_bytes(e->s, w, n, b8)) {
        S->wr[i] = e->wr;
        S->th[i][0] = e->fnv[0];
        S->th[i][1] = e->fnv[1];
        S->have[i] |= TH_HAVE | TH_FOLD;
        return S->cls[i] = e->cls;
    }
    return wcls_miss(S, i, e);
}

/* wcls_new for a token near the end of norm (or when S has no word cache). */
static ENT_NOINLINE uint32_t wcls_tail(const state *S, size_t i)
{
    const td_token *t = TD_DOC_TOK(S->doc, i);
    size_t n = t->span.e - t->span.s;
    if (!S->wc || n == 0 || n > WC_LEN)
        return wcls_miss(S, i, NULL);
    const char *w = S->doc->norm + t->span.s;
    uint64_t kh = tok_kh(S, i);
    return wcls_cached(S, i, kh, w, n, S->doc->norm + S->doc->norm_len - w >= 8);
}

/* wcls of a token not seen yet in this document: the word cache's answer
 * (a few instructions with no calls when WC_LEN + 1 bytes of norm can be
 * read at the token), else wcls_tail / wcls_miss (tail calls). */
static uint32_t wcls_new(const state *S, size_t i)
{
    const td_token *t = TD_DOC_TOK(S->doc, i);
    size_t n = t->span.e - t->span.s;
    const char *w = S->doc->norm + t->span.s;
    if (!S->wc || (size_t)(S->doc->norm + S->doc->norm_len - w) <= WC_LEN)
        return wcls_tail(S, i);
    if (n == 0 || n > WC_LEN)
        return wcls_miss(S, i, NULL);
    uint64_t kh;
    if (S->have[i] & KH_HAVE) {
        kh = S->kh[i];
    } else {
        kh = S->kh[i] = key_hash(w, n, S->doc->norm + S->doc->norm_len);
        S->have[i] |= KH_HAVE;
    }
    return wcls_cached(S, i, kh, w, n, true);
}

/* The WI_* bits of token i (and its word record in wr[i]): from the
 * per-token cache, else the per-thread one, else word_classes. */
static inline uint32_t wcls(const state *S, size_t i)
{
    uint32_t c = S->cls[i];
    return c ? c : wcls_new(S, i);
}

/* Has token i any of the WI_* bits b? */
static inline bool is(const state *S, size_t i, uint32_t b) { return (wcls(S, i) & b) != 0; }

/* The word record of token i (all its one-word entries). */
static const wrec *wx_of(const state *S, size_t i)
{
    wcls(S, i);
    return S->wr[i];
}

/* The entry of lexicon l (not L_CUES, L_LOWER) for the token i alone
 * (looked up once a document). */
static const td_lex_entry *word_in(const state *S, lex_id l, size_t i)
{
    uint32_t bit = 1u << l;
    if (WX_LEX & bit)
        return wx_of(S, i)->e[wx_pos[l]];
    if (!(S->have[i] & bit)) {
        S->ent[i][slow_pos[l]] = td_lexicon_get(S->R->lx[l], tok_s(S, i), tok_n(S, i));
        S->have[i] |= bit;
    }
    return S->ent[i][slow_pos[l]];
}

/* The WI_PRE_* bit of the multi-token lexicon l. */
static uint32_t pre_bit(lex_id l)
{
    return l == L_GAZ ? WI_PRE_GAZ : l == L_GAZF ? WI_PRE_GAZF : WI_PRE_TITLES;
}

/* Longest entry of lx at token k within [k, end): as td_lexicon_match (words
 * joined by one space where white space separates the tokens), but it stops
 * as soon as the text read is the prefix of no key (the set pre). The key is
 * read in place in doc->norm while the tokens are joined there exactly so
 * (nothing between them, or one ' '), and copied into key[] only after the
 * first gap that is not. */
static const td_lex_entry *longest(const state *S, lex_id l, size_t k, size_t end, size_t *n)
{
    if (k >= end || !is(S, k, pre_bit(l)))
        return NULL;
    const td_lexicon *lx = S->R->lx[l];
    const fwset *pre = S->R->fw[l];
    bool fold = l != L_GAZ;
    const td_lex_entry *best = word_in(S, l, k);
    if (best && n)
        *n = 1;
    char key[256];
    size_t kl = tok_n(S, k);
    if (kl >= sizeof key)
        return best;
    const char *norm = S->doc->norm;
    const char *kp = tok_s(S, k); /* the key: in place, or key[] */
    size_t prev = TD_DOC_TOK(S->doc, k)->span.e;
    uint64_t h = fold ? tok_fnv_fold(S, k) : tok_fnv(S, k);
    for (size_t i = k + 1; i < end && i - k < 24; i++) {
        const td_token *t = TD_DOC_TOK(S->doc, i);
        size_t tl = t->span.e - t->span.s;
        bool sp = (t->flags & TD_TOKF_SPACE_BEFORE) != 0;
        if (kl + sp >= sizeof key || kl + sp + tl >= sizeof key)
            break;
        const char *w = norm + t->span.s;
        if (kp != key &&
            !(sp ? t->span.s == prev + 1 && norm[prev] == ' ' : t->span.s == prev)) {
            memcpy(key, kp, kl); /* not joined in place: copy from now on */
            kp = key;
        }
        if (sp) {
            if (kp == key)
                key[kl] = ' ';
            kl++;
            h = fw_step(h, ' ', fold);
        }
        if (kp == key)
            memcpy(key + kl, w, tl);
        kl += tl;
        for (size_t b = 0; b < tl; b++)
            h = fw_step(h, (unsigned char)w[b], fold);
        prev = t->span.e;
        if (!fw_has(pre, h))
            break;
        const td_lex_entry *e = td_lexicon_get(lx, kp, kl);
        if (e) {
            best = e;
            if (n)
                *n = i - k + 1;
        }
    }
    return best;
}

/* Longest gazetteer / title entry at token k within [k, end). */
static inline const td_lex_entry *gaz_match(const state *S, bool fold, size_t k, size_t end,
                                            size_t *n)
{
    lex_id l = fold ? L_GAZF : L_GAZ;
    if (k >= end || !is(S, k, pre_bit(l)))
        return NULL;
    return longest(S, l, k, end, n);
}

static inline const td_lex_entry *title_match(const state *S, size_t k, size_t end, size_t *n)
{
    if (k >= end || !is(S, k, WI_PRE_TITLES))
        return NULL;
    return longest(S, L_TITLES, k, end, n);
}

/* The alias key -> entity. The table keeps the pointer k: every key lives
 * at least as long as the stage's run (in norm, a lexicon, the document's
 * arena or scratch). */
static void set_alias(state *S, const char *k, size_t n, int idx)
{
    if (full(&S->alias))
        return;
    uint32_t *c = find(&S->alias, k, n, -1);
    if (c && !*c)
        put(&S->alias, c, k, n, -1, idx);
}

static int get_alias(state *S, const char *k, size_t n)
{
    const uint32_t *c = find(&S->alias, k, n, -1);
    return c && *c ? S->alias.rec[*c - 1].idx : -1;
}

/* The entity of (type, canonical name), made when new. */
static int entity(state *S, td_entity_type type, const char *name, size_t n)
{
    uint32_t *c = find(&S->ents, name, n, (int)type);
    if (!c)
        return -1;
    if (*c)
        return S->ents.rec[*c - 1].idx;
    if (full(&S->ents))
        return -1;
    td_entity *e = td_vec_push(&S->doc->arena, &S->doc->entities, sizeof *e);
    char *nm = td_arena_strndup(&S->doc->arena, name, n);
    if (!e || !nm) {
        S->oom = true;
        return -1;
    }
    e->type = type;
    e->name = nm;
    int idx = (int)S->doc->entities.n - 1;
    put(&S->ents, c, nm, n, (int)type, idx);
    return idx;
}

static void mention(state *S, int idx, size_t t0, size_t t1, td_mention_form form)
{
    if (idx < 0)
        return;
    td_vec *v = &ENT(S, idx)->mentions;
    td_mention *m;
    if (v->n < v->cap) { /* in place: no call, no zeroing */
        m = (td_mention *)v->items + v->n++;
    } else if (!(m = td_vec_push(&S->doc->arena, v, sizeof *m))) {
        S->oom = true;
        return;
    }
    m->span.s = TD_DOC_TOK(S->doc, t0)->span.s;
    m->span.e = TD_DOC_TOK(S->doc, t1 - 1)->span.e;
    m->form = form;
}

static td_entity_type type_of(const char *s, bool *capital)
{
    *capital = false;
    if (str_is(s, "person"))
        return TD_ENT_PERSON;
    if (str_is(s, "country"))
        return TD_ENT_COUNTRY;
    if (str_is(s, "organization") || str_is(s, "organisation"))
        return TD_ENT_ORGANIZATION;
    if (str_is(s, "group"))
        return TD_ENT_GROUP;
    if (str_is(s, "capital"))
        *capital = true;
    return TD_ENT_LOCATION;
}

static td_mention_form form_of(const char *s)
{
    if (str_is(s, "acronym"))
        return TD_FORM_ACRONYM;
    if (str_is(s, "demonym"))
        return TD_FORM_DEMONYM;
    return TD_FORM_NAME;
}

/* Fill the lexicon facts of an entity where still empty. */
static void fill(state *S, int idx, const char *cc, const char *cameo, const char *acr,
                 const char *role)
{
    if (idx < 0)
        return;
    td_entity *e = ENT(S, idx);
    if (cc && !e->country[0] && cc[0] && cc[1] && !cc[2]) /* two letters */
        memcpy(e->country, cc, 3);
    if (cameo && *cameo && !e->cameo)
        e->cameo = cameo;
    if (acr && *acr && !e->acronym) {
        e->acronym = acr;
        set_alias(S, acr, strlen(acr), idx);
    }
    if (role && *role && !e->role)
        e->role = role;
}

/* The entity of a country code (from the capitals and the persons' titles). */
static int country_entity(state *S, const char *cc)
{
    const td_lex_entry *c = td_lexicon_get(S->R->codes, cc, strlen(cc));
    if (!c)
        return -1;
    const char *nm = fld(c, 0);
    int idx = entity(S, TD_ENT_COUNTRY, nm, strlen(nm));
    fill(S, idx, cc, fld(c, 1), NULL, NULL);
    return idx;
}

/* ---- the sentence walk -------------------------------------------------- */

typedef struct {
    size_t t0, t1;     /* sentence tokens */
    bool caps;         /* an ALL-CAPS line: names are found case-insensitively */
    bool results;      /* a line of sports results: "Hartlepool 1 Crewe 2" */
    const char *role;  /* a title seen just before */
    const char *role_cc; /* the country of that title ("Russian Foreign Minister") */
    bool honorific;    /* Mr., Mrs.: a person follows */
    size_t role_end;   /* token after the title */
} walk;

static bool is_word(const state *S, size_t i) { return TD_DOC_TOK(S->doc, i)->type == TD_TOK_WORD; }

static bool lower_word(const state *S, size_t i) { return is(S, i, WI_LOWER); }

/* A particle joined by a hyphen: "al-Assad", "el-Sisi" (inside a name). */
static bool al_particle(const state *S, size_t i)
{
    const char *w = tok_s(S, i);
    return tok_n(S, i) > 3 && (w[0] == 'a' || w[0] == 'e') && w[1] == 'l' && w[2] == '-' &&
           w[3] >= 'A' && w[3] <= 'Z' && i > 0 && (TD_DOC_TOK(S->doc, i - 1)->flags & TD_TOKF_CAP);
}

/* A word that may be part of a name. In an ALL-CAPS line do_run skips the
 * words written in lower case elsewhere, after the gazetteer had its chance
 * ("NEW YORK"). */
static inline bool cap_word(const state *S, const walk *W, size_t i)
{
    (void)W;
    const td_token *t = TD_DOC_TOK(S->doc, i);
    if (t->type != TD_TOK_WORD)
        return false;
    if (t->flags & TD_TOKF_CAP)
        return true;
    /* the first byte of "al-", "el-" tested here: most words fail */
    if (t->span.e - t->span.s <= 3)
        return false;
    unsigned char c0 = (unsigned char)S->doc->norm[t->span.s];
    return (c0 == 'a' || c0 == 'e') && al_particle(S, i);
}

static inline bool connector(const state *S, size_t i)
{
    /* particles are short lower-case words: most tokens fail here */
    unsigned char c0 = (unsigned char)tok_s(S, i)[0];
    if (tok_n(S, i) > 5 || c0 < 'a' || c0 > 'z')
        return false;
    return is(S, i, WI_CONNECTOR);
}

/* Is token i a cue of the kind b (WI_LOC_PREP, WI_STATE_PREP, WI_SAY_VERB)? */
static bool cue_is(const state *S, size_t i, uint32_t b)
{
    return i < S->doc->toks.n && is(S, i, b);
}

/* End of the run of name words starting at i. */
static size_t run_end(const state *S, const walk *W, size_t i)
{
    size_t j = i + 1;
    while (j < W->t1 && j - i < 12) {
        const td_token *t = TD_DOC_TOK(S->doc, j);
        if (cap_word(S, W, j) && (t->flags & TD_TOKF_SPACE_BEFORE || !is_word(S, j - 1))) {
            j++;
            continue;
        }
        /* particles: "van der Berg", "bin Salman", "Bank of England" */
        size_t q = j;
        while (q < W->t1 && q - j < 2 && !W->caps && connector(S, q) && !tok_is(S, q, "and") &&
               !tok_is(S, q, "the"))
            q++;
        if (q > j && q < W->t1 && cap_word(S, W, q)) {
            j = q + 1;
            continue;
        }
        /* "Bosnia and Herzegovina", "Commonwealth of the ..." handled by the gazetteer */
        break;
    }
    return j;
}

/* The words of [a, b) with transliteration variants mapped, joined by one
 * space where white space separates them: the text itself when it is
 * that already (not NUL-terminated), else a copy in scratch. */
static const char *canon_name(state *S, size_t a, size_t b, size_t *len)
{
    const td_token *ta = TD_DOC_TOK(S->doc, a);
    size_t q = a;
    for (const td_token *t = ta; q < b; q++, t++) {
        if (is(S, q, WI_TRANSLIT) && word_in(S, L_TRANSLIT, q))
            break;
        if (q > a && ((t->flags & TD_TOKF_SPACE_BEFORE)
                          ? t->span.s != t[-1].span.e + 1 || S->doc->norm[t[-1].span.e] != ' '
                          : t->span.s != t[-1].span.e))
            break;
    }
    if (q == b) {
        *len = TD_DOC_TOK(S->doc, b - 1)->span.e - ta->span.s;
        return S->doc->norm + ta->span.s;
    }
    size_t cap = 0;
    for (size_t i = a; i < b; i++)
        cap += tok_n(S, i) + 64;
    char *out = td_arena_alloc(S->scr, cap + 1);
    if (!out) {
        S->oom = true;
        return NULL;
    }
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        const char *w = tok_s(S, i);
        size_t l = tok_n(S, i);
        const td_lex_entry *tr = is(S, i, WI_TRANSLIT) ? word_in(S, L_TRANSLIT, i) : NULL;
        if (tr && strlen(fld(tr, 0)) < 64) {
            w = fld(tr, 0);
            l = strlen(w);
        }
        if (i > a && (TD_DOC_TOK(S->doc, i)->flags & TD_TOKF_SPACE_BEFORE))
            out[n++] = ' ';
        memcpy(out + n, w, l);
        n += l;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

/* A gazetteer hit [k, k+n) with entry e. */
static int emit_gaz(state *S, walk *W, const td_lex_entry *e, size_t k, size_t n, size_t run0)
{
    gslot *g = &S->gc[((uintptr_t)e >> 4 ^ (uintptr_t)e >> 12) & S->gc_mask];
    if (g->e != e) {
        bool cap;
        g->e = e;
        g->type = (uint8_t)type_of(fld(e, 0), &cap);
        g->capital = cap;
        g->form = (uint8_t)form_of(fld(e, 3));
        g->idx = g->cidx = NOIDX;
    }
    bool capital = g->capital;
    td_entity_type ty = (td_entity_type)g->type;
    const char *cc = fld(e, 1);
    td_mention_form form = (td_mention_form)g->form;
    int idx;
    if (capital) {
        /* a capital acts for its state only where the state acts */
        size_t prev = run0 > W->t0 ? run0 - 1 : (size_t)-1;
        size_t next = k + n;
        bool poss = next < W->t1 && tok_is(S, next, "'s");
        bool says = next < W->t1 && cue_is(S, next, WI_SAY_VERB);
        bool state_ctx = (prev != (size_t)-1 && cue_is(S, prev, WI_STATE_PREP)) || says || poss;
        if (!(prev != (size_t)-1 && cue_is(S, prev, WI_LOC_PREP)) && state_ctx && run0 == k) {
            if (g->cidx == NOIDX)
                g->cidx = country_entity(S, cc);
            idx = g->cidx;
            mention(S, idx, k, k + n, TD_FORM_METONYM);
            return idx;
        }
        if (g->idx == NOIDX) {
            const char *nm = *fld(e, 2) ? fld(e, 2) : e->key;
            g->idx = entity(S, TD_ENT_LOCATION, nm, strlen(nm));
            fill(S, g->idx, cc, NULL, NULL, NULL);
        }
        idx = g->idx;
        mention(S, idx, k, k + n, TD_FORM_NAME);
        return idx;
    }
    if (g->idx != NOIDX) {
        idx = g->idx;
        mention(S, idx, k, k + n, form);
        return idx;
    }
    const char *nm = *fld(e, 2) ? fld(e, 2) : e->key;
    idx = g->idx = entity(S, ty, nm, strlen(nm));
    fill(S, idx, cc, fld(e, 4), fld(e, 5), fld(e, 6));
    mention(S, idx, k, k + n, form);
    if (ty == TD_ENT_PERSON) {
        const char *sp = strrchr(nm, ' ');
        if (sp)
            set_alias(S, sp + 1, strlen(sp + 1), idx);
        set_alias(S, nm, strlen(nm), idx);
    }
    return idx;
}

/* "Lavrov, Russia's foreign minister," / "Lavrov, the foreign minister":
 * the role (and country) of the person idx whose name ends before i. */
static void apposition(state *S, const walk *W, int idx, size_t i)
{
    if (i + 2 >= W->t1 || !tok_is(S, i, ","))
        return;
    size_t k = i + 1;
    const char *cc = NULL;
    if (tok_is(S, k, "the") || tok_is(S, k, "a"))
        k++;
    size_t n = 0;
    const td_lex_entry *g = gaz_match(S, false, k, W->t1, &n);
    if (g && str_is(fld(g, 0), "country")) {
        cc = fld(g, 1);
        k += n;
        if (k < W->t1 && tok_is(S, k, "'s"))
            k++;
    }
    const td_lex_entry *t = title_match(S, k, W->t1, &n);
    if (!t || !str_is(fld(t, 0), "role"))
        return;
    /* the role as the lexicon writes it ("Foreign Minister") */
    fill(S, idx, cc, NULL, NULL, t->key);
}

/* The last space of s[0..n), or NULL. */
static const char *last_space(const char *s, size_t n)
{
    while (n > 0)
        if (s[--n] == ' ')
            return s + n;
    return NULL;
}

static void add_person(state *S, walk *W, size_t a, size_t b)
{
    /* "Al Unser Jr": the suffix is not part of the name */
    while (b - a > 1 && (tok_is(S, b - 1, "Jr") || tok_is(S, b - 1, "Jr.") ||
                         tok_is(S, b - 1, "Sr") || tok_is(S, b - 1, "Sr.")))
        b--;
    size_t len;
    const char *nm = canon_name(S, a, b, &len);
    if (!nm)
        return;
    int idx = get_alias(S, nm, len);
    if (idx < 0 || ENT(S, idx)->type != TD_ENT_PERSON) {
        /* "Lavrov" known: a full name joins it */
        const char *sp = last_space(nm, len);
        int prev = sp ? get_alias(S, sp + 1, (size_t)(nm + len - sp - 1)) : -1;
        if (prev >= 0 && ENT(S, prev)->type == TD_ENT_PERSON && !strchr(ENT(S, prev)->name, ' ')) {
            idx = prev;
            ENT(S, idx)->name = td_arena_strndup(&S->doc->arena, nm, len);
        } else {
            idx = entity(S, TD_ENT_PERSON, nm, len);
        }
    }
    if (idx < 0)
        return;
    set_alias(S, nm, len, idx);
    const char *sp = last_space(nm, len);
    if (sp)
        set_alias(S, sp + 1, (size_t)(nm + len - sp - 1), idx);
    if (W->role && W->role_end == a)
        fill(S, idx, W->role_cc, NULL, NULL, W->role);
    mention(S, idx, a, b, TD_FORM_NAME);
    apposition(S, W, idx, b);
}

static void add_typed(state *S, td_entity_type ty, size_t a, size_t b)
{
    size_t len;
    const char *nm = canon_name(S, a, b, &len);
    if (!nm)
        return;
    int idx = get_alias(S, nm, len);
    if (idx < 0) {
        idx = entity(S, ty, nm, len);
        set_alias(S, nm, len, idx);
    }
    mention(S, idx, a, b, TD_FORM_NAME);
    /* "Eurasian Economic Union (EAEU)" */
    if (b + 2 < S->doc->toks.n && tok_is(S, b, "(") && tok_is(S, b + 2, ")") &&
        (TD_DOC_TOK(S->doc, b + 1)->flags & TD_TOKF_ALLCAPS) && idx >= 0) {
        const char *acr = td_arena_strndup(&S->doc->arena, tok_s(S, b + 1), tok_n(S, b + 1));
        fill(S, idx, NULL, NULL, acr, NULL);
    }
}


/* An initial: "P." (one capital letter and a period). */
static bool initial(const state *S, size_t i)
{
    return tok_n(S, i) == 2 && tok_s(S, i)[1] == '.' && tok_s(S, i)[0] >= 'A' &&
           tok_s(S, i)[0] <= 'Z';
}

/* A nationality adjective before a noun: "Eurasian associations". */
static bool adjective(const state *S, const walk *W, size_t i)
{
    /* the suffixes "ic", "an" (so "ian", "ean") after three letters or
     * more, "ese", "ish" after three or more */
    const char *w = tok_s(S, i);
    size_t l = tok_n(S, i);
    if (i + 1 >= W->t1 || !is_word(S, i + 1) || (TD_DOC_TOK(S->doc, i + 1)->flags & TD_TOKF_CAP))
        return false;
    if (l <= 4)
        return false;
    const char *e = w + l;
    if ((e[-2] == 'a' && e[-1] == 'n') || (e[-2] == 'i' && e[-1] == 'c'))
        return true;
    return l > 5 && (memcmp(e - 3, "ese", 3) == 0 || memcmp(e - 3, "ish", 3) == 0);
}

/* Classify the unknown name [a, b) (no gazetteer hit at a). */
static void classify(state *S, walk *W, size_t a, size_t b)
{
    size_t n = b - a;
    bool titled = W->role_end == a && (W->role || W->honorific);
    if (n >= 3 && (titled || is(S, a, WI_GIVEN) || initial(S, a))) {
        /* "John Casesa of Schroder Wertheim": a person of an organisation */
        for (size_t q = a + 1; q + 1 < b; q++)
            if (tok_is(S, q, "of")) {
                classify(S, W, a, q);
                classify(S, W, q + 1, b);
                return;
            }
    }
    if (titled) {
        add_person(S, W, a, b);
        return;
    }
    if (n >= 2 && is(S, b - 1, WI_ORGW_HEAD)) {
        add_typed(S, TD_ENT_ORGANIZATION, a, b);
        return;
    }
    if (n >= 2 && (is(S, b - 1, WI_LOCW_HEAD) || is(S, a, WI_LOCW_PREFIX))) {
        add_typed(S, TD_ENT_LOCATION, a, b);
        return;
    }
    size_t len;
    const char *nm = canon_name(S, a, b, &len);
    if (!nm)
        return;
    int known = get_alias(S, nm, len);
    if (known >= 0) {
        if (ENT(S, known)->type == TD_ENT_PERSON)
            add_person(S, W, a, b);
        else
            mention(S, known, a, b, ENT(S, known)->acronym && n == 1 &&
                                        strlen(ENT(S, known)->acronym) == len &&
                                        memcmp(ENT(S, known)->acronym, nm, len) == 0
                                    ? TD_FORM_ACRONYM
                                    : TD_FORM_NAME);
        return;
    }
    if (n >= 2 && ((is(S, a, WI_GIVEN) && !is(S, a, WI_FUNC)) || initial(S, a))) {
        add_person(S, W, a, b);
        return;
    }
    if (n >= 2 && lower_word(S, a) && (is(S, a + 1, WI_GIVEN) || initial(S, a + 1))) {
        /* "Senior Kory Lichtensteiger": a common word before a given name */
        classify(S, W, a + 1, b);
        return;
    }
    if (n >= 2) {
        /* an unknown multi-word name: a person when it looks like one */
        bool all_name = true, common = false;
        for (size_t i = a; i < b; i++) {
            if (!is_word(S, i) || ((TD_DOC_TOK(S->doc, i)->flags & TD_TOKF_ALLCAPS) && !initial(S, i)))
                all_name = false;
            if (lower_word(S, i))
                common = true;
        }
        /* else: an unknown phrase ("Diamond Horseshoe", a title of a work)
         * that no pattern types is left out */
        if (all_name && n <= 3 && !common)
            add_person(S, W, a, b);
        return;
    }
    if (adjective(S, W, a))
        return;
    /* one word: decide at the end of the document */
    pending *p; /* every field is set below: no zeroing */
    if (S->pend.n < S->pend.cap) {
        p = (pending *)S->pend.items + S->pend.n++;
    } else if (!(p = td_vec_push(S->scr, &S->pend, sizeof *p))) {
        S->oom = true;
        return;
    }
    p->tok = a;
    p->n = 1;
    size_t prev = a > W->t0 ? a - 1 : (size_t)-1;
    p->loc_ctx = prev != (size_t)-1 && cue_is(S, prev, WI_LOC_PREP);
    p->caps = W->caps;
    p->say_ctx = b < W->t1 && cue_is(S, b, WI_SAY_VERB);
}

/* Does the run [k, j) end with an organisation or place word ("North
 * Atlantic Treaty Organisation", "Northern Territory")? */
static bool headed(const state *S, size_t k, size_t j)
{
    return j - k >= 2 && !is(S, k, WI_CUE) && is(S, j - 1, WI_ORGW_HEAD | WI_LOCW_HEAD);
}

/* A team in a results line: "Hartlepool 1 Crewe 2", "SEATTLE 5 Chicago 3"
 * (national teams stay countries, players stay persons). */
static bool team(state *S, walk *W, size_t i, size_t j)
{
    if (!W->results || j >= W->t1 || TD_DOC_TOK(S->doc, j)->type != TD_TOK_NUM)
        return false;
    size_t n;
    bool fold = W->caps || (TD_DOC_TOK(S->doc, i)->flags & TD_TOKF_ALLCAPS);
    const td_lex_entry *g = gaz_match(S, fold, i, j, &n);
    if (g && (str_is(fld(g, 0), "country") ||
              str_is(fld(g, 0), "person")))
        return false;
    if (is(S, i, WI_GIVEN) || initial(S, i) || is(S, i, WI_FUNC) ||
        title_match(S, i, j, NULL))
        return false;
    add_typed(S, TD_ENT_ORGANIZATION, i, j);
    return true;
}

/* Split the run [i, j) into titles, gazetteer names and other names. */
/* Is the word at m a one-word place of the gazetteer ("George Washington",
 * "Jack London": a surname there)? */
static bool gaz_place(const state *S, size_t m)
{
    return is(S, m, WI_GAZ_PLACE);
}

/* A sports team named after its town: "Pittsburgh Pirates" (a place and one
 * or two capitalised words, the last a plural). */
static bool town_team(const state *S, const td_lex_entry *g, size_t k, size_t j)
{
    const char *ty = fld(g, 0);
    if (j - k < 1 || j - k > 2 || (!str_is(ty, "location") && !str_is(ty, "capital")))
        return false;
    const char *w = tok_s(S, j - 1);
    size_t l = tok_n(S, j - 1);
    return l > 3 && w[l - 1] == 's' && w[l - 2] != 's' && !is(S, j - 1, WI_LOCW) &&
           !is(S, j - 1, WI_FUNC) && !(TD_DOC_TOK(S->doc, j - 1)->flags & TD_TOKF_ALLCAPS);
}

/* The longest organisation word at k within [k, j) ("Ministry of"). */
static const td_lex_entry *orgw_match(const state *S, size_t k, size_t j, size_t *n)
{
    if (!is(S, k, WI_PRE_ORGW))
        return NULL;
    return td_lexicon_match(S->R->orgw, S->doc, k, j, n);
}

/* Split the run [i, j) into names; returns the end of what it took (a
 * gazetteer name may reach past the run: "Bosnia and Herzegovina"). */
static size_t do_run(state *S, walk *W, size_t i, size_t j)
{
    size_t k = i;
    const char *pending_cc = NULL;
    if (team(S, W, i, j))
        return j;
    while (k < j) {
        size_t n = 0;
        bool fold = W->caps ||
                    ((TD_DOC_TOK(S->doc, k)->flags & TD_TOKF_ALLCAPS) && tok_n(S, k) >= 3);
        const td_lex_entry *g = gaz_match(S, fold, k, W->t1, &n);
        if (g && k + n > j)
            j = k + n;
        /* "West Jersey", "North Vancouver": a direction before a place name */
        if (g && n == 1 && k + 1 < j && is(S, k, WI_LOCW_PREFIX) &&
            cap_word(S, W, k + 1) && !(TD_DOC_TOK(S->doc, k + 1)->flags & TD_TOKF_ALLCAPS) &&
            !title_match(S, k + 1, j, NULL))
            g = NULL;
        /* an organisation named after a place: "Moscow State University",
         * "Bulgarian Academy of Sciences", "Pittsburgh Pirates" */
        const td_lex_entry *pre = g && k + n < j ? orgw_match(S, k + n, j, NULL) : NULL;
        if (g && k + n < j &&
            (is(S, j - 1, WI_ORGW_HEAD) || town_team(S, g, k + n, j) ||
             (pre && str_is(fld(pre, 0), "prefix"))) &&
            !str_is(fld(g, 0), "organization") && j - k <= 6) {
            bool titled = false;
            for (size_t q = k + n; q < j; q++)
                if (title_match(S, q, j, NULL))
                    titled = true;
            if (!titled) {
                add_typed(S, TD_ENT_ORGANIZATION, k, j);
                return j;
            }
        }
        if (g) {
            emit_gaz(S, W, g, k, n, i);
            if (str_is(fld(g, 0), "country"))
                pending_cc = fld(g, 1);
            k += n;
            continue;
        }
        const td_lex_entry *t = title_match(S, k, j, &n);
        if (t && !(n == 1 && is(S, k, WI_GIVEN) && k + 1 < j && !W->caps &&
                   str_is(fld(t, 0), "role") && k > i)) {
            bool role = str_is(fld(t, 0), "role");
            W->role = role ? t->key : NULL;
            W->honorific = !role;
            W->role_cc = pending_cc;
            W->role_end = k + n;
            k += n;
            continue;
        }
        pending_cc = NULL;
        /* "Ministry of X", "University of X": the rest is the organisation */
        const td_lex_entry *p = orgw_match(S, k, j, &n);
        if (p && str_is(fld(p, 0), "prefix") && k + n < j) {
            /* "University of Texas Arlington Amneh Jafari": up to a person */
            size_t e = k + n + 1;
            while (e < j && !(is(S, e, WI_GIVEN) && e + 1 < j && cap_word(S, W, e + 1)))
                e++;
            add_typed(S, TD_ENT_ORGANIZATION, k, e);
            k = e;
            continue;
        }
        /* a particle never starts a name ("Minister of Education ...") */
        if (connector(S, k)) {
            k++;
            continue;
        }
        /* a function word alone is no name; at the start of a run it is skipped */
        if (!headed(S, k, j) && (is(S, k, WI_FUNC) || (W->caps && lower_word(S, k)))) {
            k++;
            continue;
        }
        /* the name goes to the next title or gazetteer hit */
        size_t m = k + 1;
        bool personal = is(S, k, WI_GIVEN) || initial(S, k);
        bool prefixed = is(S, k, WI_LOCW_PREFIX);
        while (m < j && !(gaz_match(S, fold, m, j, NULL) && !prefixed && !(personal && gaz_place(S, m))) &&
               !(personal && is(S, m, WI_FUNC)) &&
               !(W->caps && (lower_word(S, m) || is(S, m, WI_FUNC))) &&
               !(title_match(S, m, j, NULL) && !is(S, m, WI_GIVEN)))
            m++;
        while (m > k + 1 && connector(S, m - 1))
            m--;
        classify(S, W, k, m);
        k = m;
    }
    return j;
}

/* Is the capitalised word at a sentence start only capitalised because of
 * its position? */
static bool positional_cap(const state *S, size_t i)
{
    if (is(S, i, WI_FUNC))
        return true;
    if (is(S, i, WI_GAZ) || is(S, i, WI_GIVEN) ||
        is(S, i, WI_PROPER) || gaz_match(S, false, i, i + 6, NULL))
        return false;
    return lower_word(S, i);
}

static void do_sentence(state *S, size_t si)
{
    const td_sentence *se = TD_DOC_SENT(S->doc, si);
    size_t t0 = se->tok_first, t1 = t0 + se->tok_count;
    walk W = {0};
    W.t0 = t0;
    W.t1 = t1;
    W.caps = S->smark[si] & SM_CAPS;
    /* "Hartlepool 1 Crewe 2", or a table row "NEW YORK 74 61 .548" */
    W.results = S->smark[si] & SM_RESULTS;
    size_t next = t0; /* the walk goes on from here */
    for (size_t c = S->cfirst[si]; c < S->cfirst[si + 1] && !S->oom; c++) {
        size_t i = S->cand[c];
        if (i < next)
            continue;
        next = i + 1;
        /* the first word of a sentence (or after an opening quote) */
        bool initial = i == t0;
        if (!initial) { /* after an opening quote, ":", "-" or "(" */
            const td_token *pt = TD_DOC_TOK(S->doc, i - 1);
            char pc = S->doc->norm[pt->span.s];
            initial = pt->type == TD_TOK_QUOTE_OPEN ||
                      (pt->span.e - pt->span.s == 1 && (pc == ':' || pc == '-' || pc == '('));
        }
        size_t j = run_end(S, &W, i);
        if (initial && !W.caps && positional_cap(S, i) && !title_match(S, i, t1, NULL) &&
            !headed(S, i, j))
            continue;
        next = do_run(S, &W, i, j);
    }
}

/* ---- the end of the document ------------------------------------------ */

/* A word of an abstract noun's form ("Catholicism", "Christianity"). */
static bool abstract(const char *w, size_t l)
{
    return (l > 5 && memcmp(w + l - 3, "ism", 3) == 0) ||
           (l > 5 && memcmp(w + l - 3, "ity", 3) == 0);
}

static void resolve_pending(state *S)
{
    for (size_t i = 0; i < S->pend.n; i++) {
        pending *p = TD_VEC_AT(S->pend, pending, i);
        const char *w = tok_s(S, p->tok);
        size_t l = tok_n(S, p->tok);
        int known = get_alias(S, w, l);
        if (known < 0 && p->caps && l < 64) {
            /* "LAVROV" in a heading: the name as written elsewhere */
            char tc[64];
            tc[0] = w[0];
            for (size_t k = 1; k < l; k++)
                tc[k] = (w[k] >= 'A' && w[k] <= 'Z') ? (char)(w[k] + 32) : w[k];
            known = get_alias(S, tc, l);
        }
        if (p->caps && known < 0)
            continue;
        if (known >= 0) {
            td_entity *e = ENT(S, known);
            mention(S, known, p->tok, p->tok + 1,
                    e->acronym && strlen(e->acronym) == l && memcmp(e->acronym, w, l) == 0
                        ? TD_FORM_ACRONYM
                        : TD_FORM_NAME);
            continue;
        }
        const td_token *t = TD_DOC_TOK(S->doc, p->tok);
        td_entity_type ty;
        if (t->flags & TD_TOKF_ALLCAPS) {
            if (l < 3 || l > 6)
                continue;
            ty = TD_ENT_ORGANIZATION;
        } else if (lower_word(S, p->tok) || abstract(w, l)) {
            continue; /* "Baseball is ...", "in Judaism": a common word */
        } else if (is(S, p->tok, WI_GIVEN)) {
            ty = TD_ENT_PERSON;
        } else if (p->loc_ctx) {
            ty = TD_ENT_LOCATION;
        } else if (p->say_ctx) {
            ty = TD_ENT_PERSON;
        } else {
            continue;
        }
        int idx = entity(S, ty, w, l);
        set_alias(S, w, l, idx);
        mention(S, idx, p->tok, p->tok + 1, TD_FORM_NAME);
    }
}

static uint32_t first_off(const td_entity *e)
{
    uint32_t m = UINT32_MAX;
    for (size_t k = 0; k < e->mentions.n; k++) {
        const td_mention *x = TD_VEC_AT(e->mentions, td_mention, k);
        if (x->span.s < m)
            m = x->span.s;
    }
    return m;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Drop entities without mentions, order by first mention, number from 1. */
static void finish(state *S)
{
    td_vec *v = &S->doc->entities;
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        td_entity *e = TD_VEC_AT(*v, td_entity, i);
        if (e->mentions.n)
            *TD_VEC_AT(*v, td_entity, n++) = *e;
    }
    v->n = n;
    if (n > 1) {
        /* a stable sort by first mention: the keys (first offset, index)
         * are unique, each computed once */
        uint64_t *key = td_arena_alloc(S->scr, n * sizeof *key);
        td_entity *old = td_arena_alloc(S->scr, n * sizeof *old);
        if (!key || !old) {
            S->oom = true;
            return;
        }
        memcpy(old, v->items, n * sizeof *old);
        for (size_t i = 0; i < n; i++)
            key[i] = (uint64_t)first_off(&old[i]) << 32 | i;
        if (n <= 32) { /* a few: insertion sort, no calls */
            for (size_t i = 1; i < n; i++) {
                uint64_t x = key[i];
                size_t j = i;
                for (; j > 0 && key[j - 1] > x; j--)
                    key[j] = key[j - 1];
                key[j] = x;
            }
        } else {
            qsort(key, n, sizeof *key, cmp_u64);
        }
        for (size_t i = 0; i < n; i++)
            *TD_VEC_AT(*v, td_entity, i) = old[(uint32_t)key[i]];
    }
    for (size_t i = 0; i < n; i++)
        TD_VEC_AT(*v, td_entity, i)->id = (int)i + 1;
}

/* The SM_* marks of the sentence [t0, t1), given caps, its words of two
 * letters or more in capitals, and scores, its numbers after a capitalised
 * word: an ALL-CAPS line (7 in 10 words of two letters or more in
 * capitals: the count stops as soon as there are too many words), a
 * results line (two scores, or one and as many numbers as lower-case
 * words, two at least). */
static uint8_t sent_marks(const td_doc *doc, size_t t0, size_t t1, size_t caps, size_t scores)
{
    uint8_t m = 0;
    if (caps) {
        size_t words = 0, i = t0;
        for (; i < t1; i++) {
            const td_token *t = TD_DOC_TOK(doc, i);
            if (t->type == TD_TOK_WORD && t->span.e - t->span.s >= 2 && ++words * 7 > caps * 10)
                break;
        }
        if (i == t1)
            m |= SM_CAPS;
    }
    if (scores >= 2) {
        m |= SM_RESULTS;
    } else if (scores == 1) {
        size_t nums = 0, lowers = 0;
        for (size_t i = t0; i < t1; i++) {
            const td_token *t = TD_DOC_TOK(doc, i);
            if (t->type == TD_TOK_WORD)
                lowers += !(t->flags & TD_TOKF_CAP);
            else
                nums += t->type == TD_TOK_NUM;
        }
        if (nums >= 2 && lowers <= nums)
            m |= SM_RESULTS;
    }
    return m;
}

/* The word cache hash of token i, computed here (first use), and the
 * prefetch of its entry. */
static inline void prefetch_new(state *S, size_t i, const td_token *t)
{
    size_t n = t->span.e - t->span.s;
    if (!S->wc || n > WC_LEN)
        return;
    const char *w = S->doc->norm + t->span.s;
    uint64_t kh = key_hash(w, n, S->doc->norm + S->doc->norm_len);
    S->kh[i] = kh;
    S->have[i] |= KH_HAVE;
    S->pf[S->npf++] = (uint32_t)i;
    __builtin_prefetch(&S->wc->e[kh & (WC_N - 1)]);
}

/* The word classes of the tokens scan_doc prefetched, found in the word
 * cache in one pass once the entries have had time to arrive: the hit path
 * of wcls_new with no call a token. A token missing from the cache is left
 * for wcls_new, if the walk ever asks. */
static void cached_classes(state *S)
{
    const td_token *tok = (const td_token *)S->doc->toks.items;
    const char *norm = S->doc->norm, *end = norm + S->doc->norm_len;
    const wcent *wc = S->wc->e;
    for (size_t p = 0; p < S->npf; p++) {
        size_t i = S->pf[p];
        const td_token *t = &tok[i];
        size_t n = t->span.e - t->span.s;
        const char *w = norm + t->span.s;
        uint64_t kh = S->kh[i];
        const wcent *e = &wc[kh & (WC_N - 1)];
        if (e->len == n && e->tag == (uint32_t)(kh >> 32) && !S->cls[i] &&
            same_bytes(e->s, w, n, end - w >= 8)) {
            S->wr[i] = e->wr;
            S->th[i][0] = e->fnv[0];
            S->th[i][1] = e->fnv[1];
            S->have[i] |= TH_HAVE | TH_FOLD;
            S->cls[i] = e->cls;
        }
    }
}

/* One pass over the tokens: the capitalised ones (returned: they size the
 * tables), the words that may start a name (cand, cfirst), the SM_* marks
 * of each sentence (sent_marks, only for a sentence that may have one: a
 * word of two capitals or more, a number after a capitalised word), and
 * the prefetch of the word cache entries the walk reads first (the name
 * words and a short word after them: "of", "said"). A lower-case word
 * costs a few instructions. */
static size_t scan_doc(state *S)
{
    const td_doc *doc = S->doc;
    const td_token *tok = (const td_token *)doc->toks.items;
    size_t ncap = 0, nc = 0, cursor = 0;
    for (size_t si = 0; si < doc->sents.n; si++) {
        const td_sentence *se = TD_DOC_SENT(doc, si);
        size_t t0 = se->tok_first, t1 = t0 + se->tok_count;
        S->cfirst[si] = nc;
        for (; cursor < t0; cursor++)
            ncap += (tok[cursor].flags & (TD_TOKF_CAP | TD_TOKF_ALLCAPS)) != 0;
        size_t scap = 0; /* capitalised tokens of the sentence */
        size_t caps = 0, scores = 0; /* see sent_marks */
        bool prev_cand = false;
        /* special: the token before is a candidate or capitalised, so a
         * lower-case word or a number needs a look ("of", "al-Assad", a
         * score); else only a capitalised token does, and the others
         * (lower-case words, punctuation, numbers: they count for nothing
         * after a token that is not capitalised) are skipped, four at a
         * time */
        bool special = t0 > 0 && (tok[t0 - 1].flags & TD_TOKF_CAP);
        for (size_t i = t0; i < t1; i++) {
            if (!special) {
                const unsigned cm = TD_TOKF_CAP | TD_TOKF_ALLCAPS;
                while (i + 4 <= t1 &&
                       !((tok[i].flags | tok[i + 1].flags | tok[i + 2].flags | tok[i + 3].flags) & cm))
                    i += 4;
                while (i < t1 && !(tok[i].flags & cm))
                    i++;
                if (i == t1)
                    break;
            }
            const td_token *t = &tok[i];
            unsigned f = t->flags;
            unsigned pf = i > 0 ? t[-1].flags : 0;
            size_t l = t->span.e - t->span.s;
            if (t->type == TD_TOK_WORD) {
                if (f & (TD_TOKF_CAP | TD_TOKF_ALLCAPS)) {
                    scap++;
                    caps += (f & TD_TOKF_ALLCAPS) && l >= 2;
                }
                if ((f & TD_TOKF_CAP) || (!(f & TD_TOKF_ALLCAPS) && (pf & TD_TOKF_CAP) &&
                                          l > 3 && cap_word(S, NULL, i))) {
                    S->cand[nc++] = (uint32_t)i; /* "al-Assad" too */
                    prefetch_new(S, i, t);
                    prev_cand = special = true;
                    continue;
                }
                if (prev_cand && l <= 5)
                    prefetch_new(S, i, t);
            } else {
                if (f & (TD_TOKF_CAP | TD_TOKF_ALLCAPS))
                    scap++;
                scores += t->type == TD_TOK_NUM && i > t0 && tok[i - 1].type == TD_TOK_WORD &&
                          (pf & TD_TOKF_CAP);
            }
            prev_cand = false;
            special = f & TD_TOKF_CAP;
        }
        if (t0 >= cursor) {
            ncap += scap;
        } else { /* overlapping sentences: count each token once */
            for (size_t i = cursor < t1 ? cursor : t1; i < t1; i++)
                ncap += (tok[i].flags & (TD_TOKF_CAP | TD_TOKF_ALLCAPS)) != 0;
        }
        if (t1 > cursor)
            cursor = t1;
        S->smark[si] = caps || scores ? sent_marks(doc, t0, t1, caps, scores) : 0;
    }
    for (; cursor < doc->toks.n; cursor++)
        ncap += (tok[cursor].flags & (TD_TOKF_CAP | TD_TOKF_ALLCAPS)) != 0;
    S->cfirst[doc->sents.n] = nc;
    return ncap;
}

/* The per-thread word cache of ctx for R (made on first use; NULL: none). */
static wcache *word_cache(td_stage_ctx *ctx, const ent_res *R)
{
    wcache *wc = ctx->stage_state[ENT_STATE];
    if (wc && wc->R == R)
        return wc;
    if (!wc) {
        size_t sz = (sizeof *wc + 63) / 64 * 64;
        wc = aligned_alloc(64, sz);
        if (!wc)
            return NULL;
        ctx->stage_state[ENT_STATE] = wc;
    }
    memset(wc, 0, sizeof *wc);
    wc->R = R;
    return wc;
}

td_status td_entities_run(td_stage_ctx *ctx, td_doc *doc)
{
    const ent_res *R = ctx->res->entities;
    if (!R || doc->toks.n == 0)
        return TD_OK;
    state S;
    memset(&S, 0, sizeof S);
    S.doc = doc;
    S.R = R;
    S.scr = &ctx->scratch;
    size_t nt = doc->toks.n, ns = doc->sents.n, nsent_toks = 0;
    for (size_t si = 0; si < ns; si++)
        nsent_toks += TD_DOC_SENT(doc, si)->tok_count;
    S.have = td_arena_calloc(S.scr, nt * sizeof *S.have);
    S.cls = td_arena_calloc(S.scr, nt * sizeof *S.cls);
    S.wr = td_arena_alloc(S.scr, nt * sizeof *S.wr);
    S.ent = td_arena_alloc(S.scr, nt * sizeof *S.ent);
    S.th = td_arena_alloc(S.scr, nt * sizeof *S.th);
    S.kh = td_arena_alloc(S.scr, nt * sizeof *S.kh);
    S.cand = td_arena_alloc(S.scr, (nsent_toks + 1) * sizeof *S.cand);
    S.pf = td_arena_alloc(S.scr, (nsent_toks + 1) * sizeof *S.pf);
    S.cfirst = td_arena_alloc(S.scr, (ns + 1) * sizeof *S.cfirst);
    S.smark = td_arena_alloc(S.scr, ns + 1);
    if (!S.have || !S.cls || !S.wr || !S.ent || !S.th || !S.kh || !S.cand || !S.pf || !S.cfirst ||
        !S.smark)
        return TD_ENOMEM;
    S.wc = word_cache(ctx, R);
    /* every entity starts at a capitalised token: size the tables for them
     * (load <= 1/2 for entities; aliases, at most three an entity, get twice
     * the room, and one that finds the table full is simply not recorded) */
    size_t ncap = scan_doc(&S);
    if (S.wc)
        cached_classes(&S);
    size_t cap = 32;
    while (cap < ncap * 2 + 16)
        cap *= 2;
    S.ents.mask = cap - 1;
    S.alias.mask = cap * 2 - 1;
    S.ents.cell = td_arena_calloc(S.scr, cap * sizeof(uint32_t));
    S.alias.cell = td_arena_calloc(S.scr, cap * 2 * sizeof(uint32_t));
    S.gc_mask = cap / 4 - 1; /* cap / 4 >= ncap / 2 */
    S.gc = td_arena_calloc(S.scr, cap / 4 * sizeof *S.gc);
    S.ents.rec = td_arena_alloc(S.scr, cap * sizeof(slot));
    S.alias.rec = td_arena_alloc(S.scr, cap * 2 * sizeof(slot));
    if (!S.ents.cell || !S.alias.cell || !S.ents.rec || !S.alias.rec || !S.gc)
        return TD_ENOMEM;
    for (size_t si = 0; si < ns && !S.oom; si++)
        do_sentence(&S, si);
    if (!S.oom)
        resolve_pending(&S);
    if (S.oom)
        return TD_ENOMEM;
    finish(&S);
    return S.oom ? TD_ENOMEM : TD_OK;
}
