/* lexicon.c - TSV word lists in an open-addressing hash table; see lexicon.h. */
#define _GNU_SOURCE 1
#include "lexicon.h"

#include "arena.h"
#include "doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A slot keeps the key's hash tag, its length and its first eight (folded)
 * bytes beside the entry, so a probe touches the entry only for keys of
 * more than eight bytes, and only when all three agree. */
typedef struct {
    uint32_t tag, len;
    uint64_t k8; /* the first 8 bytes of the key as hashed, zero padded */
    td_lex_entry *e;
} lslot;

struct td_lexicon {
    td_arena store;
    unsigned flags;
    lslot *slots; /* open addressing, power-of-two size, load <= 1/2 */
    size_t nslots, count;
    /* cheap rejections before the table: the key lengths present (bit
     * min(len, 63)) and a bloom filter of the hashes (two bits in one
     * word, about 16 bits an entry: small enough to stay in cache) */
    uint64_t lens;
    uint64_t *bloom;
    size_t bmask; /* words - 1 */
    td_lex_entry **order; /* insertion order */
    size_t norder, ordercap;
    int max_words;
};

static unsigned char fold_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Fold a key: ASCII letters to lower case; common two-byte Latin letters
 * (U+00C0..U+00DE, U+0100..U+017F even) to their lower case. */
static size_t fold_key(const char *s, size_t len, char *out)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)s[i + 1];
            if (d >= 0x80 && d <= 0x9E && d != 0x97)
                d = (unsigned char)(d + 0x20);
            out[j++] = (char)c;
            out[j++] = (char)d;
            i++;
        } else if ((c == 0xC4 || c == 0xC5) && i + 1 < len) {
            unsigned char d = (unsigned char)s[i + 1];
            if (!(d & 1) && !(c == 0xC5 && d >= 0x80 && d <= 0x88) &&
                !(c == 0xC4 && d >= 0xB7))
                d = (unsigned char)(d | 1);
            out[j++] = (char)c;
            out[j++] = (char)d;
            i++;
        } else {
            out[j++] = (char)fold_byte(c);
        }
    }
    return j;
}

static uint64_t hash_mix(uint64_t h)
{
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

#define ONES8 0x0101010101010101ull

/* ASCII letters of eight ASCII bytes to lower case (SWAR: bit 7 of a byte
 * of a says >= 'A', of z says > 'Z'; no byte carries into the next). */
static inline uint64_t fold_ascii8(uint64_t x)
{
    uint64_t a = x + ONES8 * (0x80 - 'A');
    uint64_t z = x + ONES8 * (0x80 - 'Z' - 1);
    return x | ((a & ~z & (ONES8 * 0x80)) >> 2);
}

/* Little-endian loads of 8 and 4 bytes (one load each on x86). */
static inline uint64_t ld64(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 | (uint64_t)u[3] << 24 |
           (uint64_t)u[4] << 32 | (uint64_t)u[5] << 40 | (uint64_t)u[6] << 48 |
           (uint64_t)u[7] << 56;
}

static inline uint64_t ld32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 | (uint64_t)u[3] << 24;
}

/* Bytes [0, n) of p (1 <= n <= 8) as a little-endian word, zero padded,
 * with no read outside them: two loads that may overlap. */
static inline uint64_t ld_upto8(const char *p, size_t n)
{
    if (n >= 4)
        return ld32(p) | ld32(p + n - 4) << (8 * (n - 4));
    const unsigned char *u = (const unsigned char *)p;
    return (uint64_t)u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1));
}

/* Bytes [8i, 8i + 8) of key[0..len) (0 < len < 256) in w[i], little-endian,
 * zero padded; w[1] is set (0) even for a short key. */
static inline void load_raw(const char *key, size_t len, uint64_t *w)
{
    if (len <= 8) {
        w[0] = ld_upto8(key, len);
        w[1] = 0;
    } else if (len <= 16) {
        w[0] = ld64(key);
        w[1] = ld64(key + len - 8) >> (8 * (16 - len));
    } else {
        size_t nw = (len + 7) / 8;
        for (size_t i = 0; i + 1 < nw; i++)
            w[i] = ld64(key + 8 * i);
        w[nw - 1] = ld_upto8(key + 8 * (nw - 1), len - 8 * (nw - 1));
    }
}

/* A key as words (load_raw), folded like fold_key when fold is true: eight
 * ASCII bytes at a time, or fold_key when a byte is not ASCII. Both the
 * stored keys and the looked-up ones are hashed and compared in this form. */
static inline void load_key(const char *key, size_t len, bool fold, uint64_t *w)
{
    load_raw(key, len, w);
    if (!fold)
        return;
    size_t nw = (len + 7) / 8;
    uint64_t any = 0;
    for (size_t i = 0; i < nw; i++)
        any |= w[i];
    if (any & (ONES8 * 0x80)) {
        char tmp[256];
        fold_key(key, len, tmp); /* folding keeps the length */
        load_raw(tmp, len, w);
        return;
    }
    for (size_t i = 0; i < nw; i++)
        w[i] = fold_ascii8(w[i]);
}

/* The hash of a key in words (from load_key): a word at a time, then a
 * final mix (its high 32 bits are the slot tag, its low bits the slot). */
static inline uint64_t hash_words(const uint64_t *w, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    size_t nw = (len + 7) / 8;
    for (size_t i = 0; i < nw; i++) {
        h ^= w[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 31;
    }
    return hash_mix(h);
}

td_status td_lexicon_new(unsigned flags, td_lexicon **out)
{
    td_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return TD_ENOMEM;
    td_arena_init(&lx->store);
    lx->flags = flags;
    lx->nslots = 64;
    lx->slots = calloc(lx->nslots, sizeof *lx->slots);
    lx->bloom = calloc(lx->nslots / 8, sizeof *lx->bloom);
    lx->bmask = lx->nslots / 8 - 1;
    if (!lx->slots || !lx->bloom) {
        free(lx->slots);
        free(lx->bloom);
        free(lx);
        return TD_ENOMEM;
    }
    *out = lx;
    return TD_OK;
}

void td_lexicon_free(td_lexicon *lx)
{
    if (!lx)
        return;
    td_arena_release(&lx->store);
    free(lx->slots);
    free(lx->bloom);
    free(lx->order);
    free(lx);
}

static inline bool slot_is(const lslot *sl, const uint64_t *w, size_t len, uint32_t tag)
{
    if (sl->tag != tag || sl->len != len || sl->k8 != w[0])
        return false;
    if (len <= 8)
        return true;
    const char *k = sl->e->hkey + 8; /* the rest, a word at a time */
    size_t n = len - 8;
    for (size_t i = 1; n > 0; i++) {
        size_t m = n < 8 ? n : 8;
        if ((m == 8 ? ld64(k) : ld_upto8(k, m)) != w[i])
            return false;
        k += m;
        n -= m;
    }
    return true;
}

/* Find the slot for a key in words (load_key) of hash h. */
static inline size_t find_slot(const td_lexicon *lx, const uint64_t *w, size_t len, uint64_t h)
{
    size_t mask = lx->nslots - 1;
    size_t i = (size_t)h & mask;
    uint32_t tag = (uint32_t)(h >> 32);
    for (;;) {
        const lslot *sl = &lx->slots[i];
        if (!sl->e || slot_is(sl, w, len, tag))
            return i;
        i = (i + 1) & mask;
    }
}

/* The two bloom bits of hash h (in the word bloom[(h >> 20) & bmask]). */
static uint64_t bloom_bits(uint64_t h)
{
    return (1ull << ((h >> 52) & 63)) | (1ull << ((h >> 58) & 63));
}

static bool bloom_has(const td_lexicon *lx, uint64_t h)
{
    uint64_t b = bloom_bits(h);
    return (lx->bloom[(size_t)(h >> 20) & lx->bmask] & b) == b;
}

static void bloom_add(td_lexicon *lx, uint64_t h)
{
    lx->bloom[(size_t)(h >> 20) & lx->bmask] |= bloom_bits(h);
}

static uint64_t len_bit(size_t len) { return 1ull << (len < 63 ? len : 63); }

/* Make room for n entries in all (load <= 1/2); the bloom filter has a
 * word for every 8 slots (at least 16 bits an entry). */
static td_status reserve(td_lexicon *lx, size_t n)
{
    size_t want = lx->nslots;
    while (n * 2 > want)
        want *= 2;
    if (want == lx->nslots)
        return TD_OK;
    lslot *slots = calloc(want, sizeof *slots);
    uint64_t *bloom = calloc(want / 8, sizeof *bloom);
    if (!slots || !bloom) {
        free(slots);
        free(bloom);
        return TD_ENOMEM;
    }
    lslot *old = lx->slots;
    size_t oldn = lx->nslots;
    free(lx->bloom);
    lx->slots = slots;
    lx->bloom = bloom;
    lx->nslots = want;
    lx->bmask = want / 8 - 1;
    size_t mask = want - 1;
    for (size_t i = 0; i < oldn; i++) {
        lslot *sl = &old[i];
        if (!sl->e)
            continue;
        uint64_t w[33];
        load_key(sl->e->hkey, sl->len, false, w);
        uint64_t h = hash_words(w, sl->len);
        size_t j = (size_t)h & mask;
        while (slots[j].e)
            j = (j + 1) & mask;
        slots[j] = *sl;
        bloom_add(lx, h);
    }
    free(old);
    return TD_OK;
}

static td_status reserve_order(td_lexicon *lx, size_t n)
{
    if (n <= lx->ordercap)
        return TD_OK;
    size_t nc = lx->ordercap ? lx->ordercap : 64;
    while (nc < n)
        nc *= 2;
    td_lex_entry **o = realloc(lx->order, nc * sizeof *o);
    if (!o)
        return TD_ENOMEM;
    lx->order = o;
    lx->ordercap = nc;
    return TD_OK;
}

/* Add the line (NUL-terminated at len, writable, kept) using the field
 * pointers at *fp and the entry at *ep, both taken from blocks sized by the
 * caller. */
static td_status add_entry(td_lexicon *lx, char *line, size_t len, bool replace,
                           const char ***fp, td_lex_entry **ep)
{
    const char **fields = *fp;
    td_lex_entry *e = *ep;
    int nf = 0;
    fields[nf++] = line;
    for (char *q = line, *end = line + len; (q = memchr(q, '\t', (size_t)(end - q))) != NULL;) {
        *q++ = '\0';
        fields[nf++] = q;
    }
    *fp += nf;
    (*ep)++;
    e->key = fields[0];
    e->fields = fields + 1;
    e->n_fields = nf - 1;
    e->n_words = 1;
    e->id = UINT32_MAX; /* until it is stored */
    size_t kl = strlen(e->key);
    for (size_t i = 0; i < kl; i++)
        e->n_words += e->key[i] == ' ';
    if (kl == 0 || kl >= 256)
        return TD_EFORMAT;
    const char *key = e->key;
    if (lx->flags & TD_LEX_FOLD) {
        char tmp[256];
        kl = fold_key(e->key, kl, tmp);
        if (memcmp(tmp, e->key, kl) != 0) { /* a copy only when folding changed it */
            key = td_arena_strndup(&lx->store, tmp, kl);
            if (!key)
                return TD_ENOMEM;
        }
    }
    e->hkey = key;
    e->hkey_len = kl;
    td_status st = reserve(lx, lx->count + 1);
    if (st == TD_OK)
        st = reserve_order(lx, lx->norder + 1);
    if (st != TD_OK)
        return st;
    uint64_t w[33];
    load_key(key, kl, false, w); /* key is folded already */
    uint64_t h = hash_words(w, kl);
    size_t slot = find_slot(lx, w, kl, h);
    if (lx->slots[slot].e) {
        if (!replace)
            return TD_OK;
    } else {
        lx->count++;
    }
    lslot *sl = &lx->slots[slot];
    sl->tag = (uint32_t)(h >> 32);
    sl->len = (uint32_t)kl;
    sl->k8 = w[0];
    sl->e = e;
    bloom_add(lx, h);
    lx->lens |= len_bit(kl);
    e->id = (uint32_t)lx->norder;
    lx->order[lx->norder++] = e;
    if (e->n_words > lx->max_words)
        lx->max_words = e->n_words;
    return TD_OK;
}

static td_status line_error(char **err, const char *what, size_t lineno, td_status st)
{
    if (err && asprintf(err, "%s:%zu: %s", what, lineno,
                        st == TD_EFORMAT ? "empty or over-long key" : td_strerror(st)) < 0)
        *err = NULL;
    return st;
}

/* Loading copies the text once into the store and splits it in place; the
 * entries, field pointers and hash table are sized once from the counts of
 * lines and tabs. */
td_status td_lexicon_add_text(td_lexicon *lx, const char *text, size_t len, const char *what,
                              bool replace, char **err)
{
    size_t lines = 1, tabs = 0, i = 0;
#if defined(__SSE2__)
    /* 16 bytes at a time, counted in byte lanes (a match is -1) for up to
     * 255 rounds, then summed */
    const __m128i nl16 = _mm_set1_epi8('\n'), tab16 = _mm_set1_epi8('\t'), zero = _mm_setzero_si128();
    while (len - i >= 16) {
        __m128i cn = zero, ct = zero;
        for (int r = 0; r < 255 && len - i >= 16; r++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
            cn = _mm_sub_epi8(cn, _mm_cmpeq_epi8(v, nl16));
            ct = _mm_sub_epi8(ct, _mm_cmpeq_epi8(v, tab16));
        }
        __m128i sn = _mm_sad_epu8(cn, zero), st = _mm_sad_epu8(ct, zero);
        lines += (size_t)_mm_cvtsi128_si32(sn) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sn, 8));
        tabs += (size_t)_mm_cvtsi128_si32(st) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(st, 8));
    }
#endif
    for (; i < len; i++) {
        if (text[i] == '\n')
            lines++;
        else if (text[i] == '\t')
            tabs++;
    }
    char *copy = td_arena_alloc(&lx->store, len + 1);
    const char **fields = td_arena_alloc(&lx->store, (tabs + lines) * sizeof *fields);
    td_lex_entry *ents = td_arena_alloc(&lx->store, lines * sizeof *ents);
    if (!copy || !fields || !ents)
        return TD_ENOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    td_status st = reserve(lx, lx->count + lines);
    if (st == TD_OK)
        st = reserve_order(lx, lx->norder + lines);
    if (st != TD_OK)
        return st;
    size_t lineno = 0;
    i = 0;
    while (i < len) {
        const char *nl = memchr(copy + i, '\n', len - i);
        size_t j = nl ? (size_t)(nl - copy) : len;
        lineno++;
        size_t l = j - i;
        if (l && copy[i + l - 1] == '\r')
            l--;
        if (l > 0 && copy[i] != '#') {
            if (l >= 4096) {
                if (err && asprintf(err, "%s:%zu: line too long", what, lineno) < 0)
                    *err = NULL;
                return TD_EFORMAT;
            }
            copy[i + l] = '\0';
            st = add_entry(lx, copy + i, l, replace, &fields, &ents);
            if (st != TD_OK)
                return line_error(err, what, lineno, st);
        }
        i = j + 1;
    }
    return TD_OK;
}

static td_status slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? TD_ENOENT : TD_EIO;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return TD_ENOMEM;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return TD_EIO;
    }
    *out = buf;
    *len = n;
    return TD_OK;
}

td_status td_lexicon_add_file(td_lexicon *lx, const char *path, bool replace, char **err)
{
    char *buf;
    size_t len;
    td_status st = slurp(path, &buf, &len);
    if (st != TD_OK) {
        if (err && asprintf(err, "%s: %s", path, td_strerror(st)) < 0)
            *err = NULL;
        return st;
    }
    st = td_lexicon_add_text(lx, buf, len, path, replace, err);
    free(buf);
    return st;
}

td_status td_data_read(const td_options *opts, const char *name, const char **ptr,
                       size_t *len, bool *owned)
{
    const char *dir = opts ? opts->data_dir : NULL;
    if (!dir)
        dir = getenv("TIDINGS_DATA_DIR");
    if (dir && *dir) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", dir, name);
        if (n > 0 && (size_t)n < sizeof path) {
            char *buf;
            size_t l;
            td_status st = slurp(path, &buf, &l);
            if (st == TD_OK) {
                *ptr = buf;
                *len = l;
                *owned = true;
                return TD_OK;
            }
            if (st != TD_ENOENT)
                return st;
        }
    }
    const char *b = td_data_builtin(name, len);
    if (!b)
        return TD_ENOENT;
    *ptr = b;
    *owned = false;
    return TD_OK;
}

td_status td_lexicon_add_named(td_lexicon *lx, const td_options *opts, const char *name,
                               bool replace, char **err)
{
    const char *p;
    size_t len;
    bool owned;
    td_status st = td_data_read(opts, name, &p, &len, &owned);
    if (st != TD_OK) {
        if (err && asprintf(err, "lexicon %s: %s", name, td_strerror(st)) < 0)
            *err = NULL;
        return st;
    }
    st = td_lexicon_add_text(lx, p, len, name, replace, err);
    if (owned)
        free((char *)p);
    return st;
}

td_status td_lexicon_load(const td_options *opts, const char *name, unsigned flags,
                          td_lexicon **out, char **err)
{
    td_lexicon *lx;
    td_status st = td_lexicon_new(flags, &lx);
    if (st != TD_OK)
        return st;
    st = td_lexicon_add_named(lx, opts, name, false, err);
    if (st != TD_OK) {
        td_lexicon_free(lx);
        return st;
    }
    *out = lx;
    return TD_OK;
}

/* The lookup of any key (td_lexicon_get checked lx and len). */
static const td_lex_entry *get_any(const td_lexicon *lx, const char *key, size_t len)
{
    uint64_t w[33];
    load_key(key, len, (lx->flags & TD_LEX_FOLD) != 0, w);
    uint64_t h = hash_words(w, len);
    if (!bloom_has(lx, h))
        return NULL;
    return lx->slots[find_slot(lx, w, len, h)].e;
}

/* Most keys are short ASCII words: for up to 16 bytes the two words of
 * load_key and hash_words are computed in registers, and the probe
 * compares the second word with the entry's bytes only when the first
 * eight agree. */
const td_lex_entry *td_lexicon_get(const td_lexicon *lx, const char *key, size_t len)
{
    if (!lx || len == 0 || len >= 256 || !(lx->lens & len_bit(len)))
        return NULL;
    if (len > 16)
        return get_any(lx, key, len);
    uint64_t w0, w1;
    if (len <= 8) {
        w0 = ld_upto8(key, len);
        w1 = 0;
    } else {
        w0 = ld64(key);
        w1 = ld64(key + len - 8) >> (8 * (16 - len));
    }
    if (lx->flags & TD_LEX_FOLD) {
        if ((w0 | w1) & (ONES8 * 0x80))
            return get_any(lx, key, len); /* fold_key's letters */
        w0 = fold_ascii8(w0);
        w1 = fold_ascii8(w1);
    }
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len; /* hash_words, unrolled */
    h ^= w0;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 31;
    if (len > 8) {
        h ^= w1;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 31;
    }
    h = hash_mix(h);
    if (!bloom_has(lx, h))
        return NULL;
    size_t mask = lx->nslots - 1;
    size_t i = (size_t)h & mask;
    uint32_t tag = (uint32_t)(h >> 32);
    for (;;) {
        const lslot *sl = &lx->slots[i];
        if (!sl->e)
            return NULL;
        if (sl->tag == tag && sl->len == len && sl->k8 == w0 &&
            (len <= 8 || ld_upto8(sl->e->hkey + 8, len - 8) == w1))
            return sl->e;
        i = (i + 1) & mask;
    }
}

const char *td_lex_field(const td_lex_entry *e, int i)
{
    return (e && i >= 0 && i < e->n_fields) ? e->fields[i] : "";
}

size_t td_lexicon_size(const td_lexicon *lx) { return lx ? lx->count : 0; }
size_t td_lexicon_entries(const td_lexicon *lx) { return lx ? lx->norder : 0; }
int td_lexicon_max_words(const td_lexicon *lx) { return lx ? lx->max_words : 0; }

void td_lexicon_each(const td_lexicon *lx, void (*fn)(const td_lex_entry *e, void *arg),
                     void *arg)
{
    for (size_t i = 0; i < lx->norder; i++)
        fn(lx->order[i], arg);
}

const td_lex_entry *td_lexicon_match(const td_lexicon *lx, const td_doc *doc, size_t tok,
                                     size_t tok_end, size_t *ntok)
{
    if (!lx || tok >= tok_end)
        return NULL;
    char key[256];
    size_t klen = 0;
    const td_lex_entry *best = NULL;
    size_t best_n = 0;
    int words = 0;
    size_t max_tokens = (size_t)lx->max_words * 3 + 2; /* "U.S." may be several */
    for (size_t i = tok; i < tok_end && i - tok < max_tokens; i++) {
        const td_token *t = TD_DOC_TOK(doc, i);
        size_t tl = t->span.e - t->span.s;
        if (i > tok && (t->flags & TD_TOKF_SPACE_BEFORE)) {
            if (klen + 1 >= sizeof key)
                break;
            key[klen++] = ' ';
            words++;
            if (words >= lx->max_words)
                break;
        }
        if (klen + tl >= sizeof key)
            break;
        memcpy(key + klen, doc->norm + t->span.s, tl);
        klen += tl;
        const td_lex_entry *e = td_lexicon_get(lx, key, klen);
        if (e) {
            best = e;
            best_n = i - tok + 1;
        }
    }
    if (best && ntok)
        *ntok = best_n;
    return best;
}
