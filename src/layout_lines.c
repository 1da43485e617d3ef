/*
 * layout_lines.c - the layout stage's measures of one line: words,
 * headline case, terminal punctuation, sentence breaks, links, and the
 * hashes of its content words; plus the small hash set the overlap
 * between lines and body is counted in. One pass over the bytes of a
 * line; no allocation but the growing word array in the scratch arena.
 * A line of ASCII text (quote marks, dashes and Latin-1 signs besides, the
 * common case) is read 64 bytes at a time from masks (ascii_line()): only
 * its word starts, marks and token starts at 'h' or 'w' are visited; any
 * other line takes the general loop, byte by byte.
 */
#include "layout_lines.h"
#include "utf8.h"

#include <string.h>

/* ---- hash set ---------------------------------------------------------- */

/* A table of size slots (a power of two), empty. */
static bool set_table(td_lay_set *s, size_t size)
{
    s->keys = td_arena_calloc(s->a, size * sizeof *s->keys);
    s->ent = td_arena_alloc(s->a, size * sizeof *s->ent);
    s->mask = size - 1;
    return s->keys && s->ent;
}

bool td_lay_set_init(td_lay_set *s, td_arena *a, size_t cap)
{
    s->a = a;
    s->n = 0;
    s->cap = cap;
    size_t size = 16;
    while (size < cap + 2)
        size <<= 1;
    s->count = td_arena_alloc(a, (cap ? cap : 1) * sizeof *s->count); /* set by _slot */
    s->tag = td_arena_alloc(a, (cap ? cap : 1) * sizeof *s->tag);
    s->at = td_arena_alloc(a, cap ? cap : 1);
    return s->count && s->tag && s->at && set_table(s, size);
}

bool td_lay_set_grow(td_lay_set *s)
{
    uint64_t *keys = s->keys;
    uint32_t *ent = s->ent;
    size_t size = s->mask + 1;
    if (!set_table(s, 2 * size))
        return false;
    for (size_t k = 0; k < size; k++) {
        if (!keys[k])
            continue;
        size_t i = (size_t)(keys[k] ^ (keys[k] >> 29)) & s->mask;
        while (s->keys[i])
            i = (i + 1) & s->mask;
        s->keys[i] = keys[k];
        s->ent[i] = ent[k];
    }
    return true;
}

void td_lay_stop_add(td_lay_stop *st, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 29)) & st->mask;
    size_t d = 1;
    while (st->keys[i] && st->keys[i] != h) {
        i = (i + 1) & st->mask;
        d++;
    }
    st->keys[i] = h;
    if (d > st->window)
        st->window = d;
    unsigned b = (unsigned)(h >> 52);
    st->bloom[b >> 6] |= 1ull << (b & 63);
}

/* ---- characters -------------------------------------------------------- */

enum { CH_SEP = 0, CH_UPPER, CH_LOWER, CH_DIGIT, CH_LETTER, CH_CJK, CH_APOS };

/* Length of the UTF-8 sequence at p (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    if (c < 0xC0)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* The class of the character at p[0..n) (n = its length, within bounds). */
static int char_class(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (n == 1) {
        if (c >= 'A' && c <= 'Z')
            return CH_UPPER;
        if (c >= 'a' && c <= 'z')
            return CH_LOWER;
        if (c >= '0' && c <= '9')
            return CH_DIGIT;
        if (c == '\'')
            return CH_APOS;
        return CH_SEP;
    }
    if (n == 2) {
        unsigned char d = p[1];
        if (c == 0xC2)
            return CH_SEP; /* Latin-1 punctuation and symbols */
        if (c == 0xC3) {
            if (d == 0x97 || d == 0xB7)
                return CH_SEP; /* × ÷ */
            return d < 0x9F ? CH_UPPER : CH_LOWER;
        }
        if (c == 0xCE && d >= 0x91 && d <= 0xA9)
            return CH_UPPER; /* Greek capitals */
        if (c == 0xD0)
            return d < 0xB0 ? CH_UPPER : CH_LOWER; /* Cyrillic */
        if (c == 0xD1)
            return CH_LOWER;
        return CH_LETTER;
    }
    if (n == 3) {
        unsigned char d = p[1];
        if (c == 0xE2)
            return CH_SEP; /* punctuation, symbols, arrows */
        if (c == 0xE3 && d == 0x80)
            return CH_SEP; /* CJK punctuation */
        if (c == 0xEF)
            return CH_SEP; /* full-width forms, specials */
        if (c >= 0xE3 && c <= 0xE9)
            return CH_CJK; /* kana, CJK ideographs */
        return CH_LETTER; /* Hangul, Indic, Thai, ... */
    }
    return CH_SEP; /* emoji and other astral symbols */
}

/* The running hash of a word: bytes are packed eight at a time into a
 * word that is mixed once (no multiply per byte on the hot path). */
typedef struct hstate {
    uint64_t h, acc;
    unsigned n;
} hstate;

#define MIX_K 0x9E3779B97F4A7C15ull
#define HS_SEED 1469598103934665603ull

static inline void hs_init(hstate *s)
{
    s->h = HS_SEED;
    s->acc = 0;
    s->n = 0;
}

static inline void hs_byte(hstate *s, unsigned char b)
{
    s->acc = (s->acc << 8) | b;
    if (++s->n == 8) {
        s->h = (s->h ^ s->acc) * MIX_K;
        s->h ^= s->h >> 29;
        s->acc = 0;
        s->n = 0;
    }
}

static inline uint64_t hs_final(hstate s)
{
    uint64_t h = (s.h ^ s.acc ^ ((uint64_t)s.n << 59)) * MIX_K;
    h ^= h >> 31;
    return h ? h : 1;
}

/* Fold one character into the hash (small letters of the scripts above). */
static void fold_char(hstate *s, const unsigned char *p, size_t n)
{
    unsigned char b[4];
    memcpy(b, p, n);
    if (n == 1 && b[0] >= 'A' && b[0] <= 'Z')
        b[0] = (unsigned char)(b[0] + 32);
    else if (n == 2 && b[0] == 0xC3 && b[1] >= 0x80 && b[1] < 0x9F && b[1] != 0x97)
        b[1] = (unsigned char)(b[1] + 0x20);
    else if (n == 2 && b[0] == 0xCE && b[1] >= 0x91 && b[1] <= 0x9F)
        b[1] = (unsigned char)(b[1] + 0x20);
    else if (n == 2 && b[0] == 0xCE && b[1] >= 0xA0 && b[1] <= 0xA9) {
        b[0] = 0xCF;
        b[1] = (unsigned char)(b[1] - 0x20);
    } else if (n == 2 && b[0] == 0xD0 && b[1] >= 0x90 && b[1] <= 0x9F)
        b[1] = (unsigned char)(b[1] + 0x20);
    else if (n == 2 && b[0] == 0xD0 && b[1] >= 0xA0 && b[1] <= 0xAF) {
        b[0] = 0xD1;
        b[1] = (unsigned char)(b[1] - 0x20);
    } else if (n == 2 && b[0] == 0xD0 && b[1] >= 0x80 && b[1] <= 0x8F) {
        b[0] = 0xD1;
        b[1] = (unsigned char)(b[1] + 0x10);
    }
    for (size_t i = 0; i < n; i++)
        hs_byte(s, b[i]);
}

uint64_t td_lay_word_hash(const char *w, size_t n)
{
    const unsigned char *p = (const unsigned char *)w;
    if (n > 2 && p[n - 2] == '\'' && (p[n - 1] == 's' || p[n - 1] == 'S'))
        n -= 2;
    hstate hs;
    hs_init(&hs);
    for (size_t i = 0; i < n;) {
        size_t k = seq_len(p[i]);
        if (i + k > n)
            k = n - i;
        fold_char(&hs, p + i, k);
        i += k;
    }
    return hs_final(hs);
}

/* ---- the line ---------------------------------------------------------- */

/* The caller's word array, held in locals while a line is read (written
 * back at its end: no reload through the caller's pointers per word). */
typedef struct word_sink {
    td_arena *a;
    uint64_t *w;
    size_t n, cap;
} word_sink;

/* Room for every hash a line of `bytes` bytes can keep, once per line: a
 * kept word has 3 characters (3 bytes) or more, a CJK pair costs one more
 * character of 3 bytes, and they never share a byte; so bytes / 3 slots,
 * and one more for the slot a word not kept is written to. The words are
 * then stored without a test. false on no memory. */
static bool sink_reserve(word_sink *ws, size_t bytes)
{
    size_t need = bytes / 3 + 2;
    if (ws->cap - ws->n >= need)
        return true;
    size_t nc = ws->cap ? ws->cap * 2 : 1024;
    while (nc - ws->n < need)
        nc *= 2;
    uint64_t *nw = td_arena_alloc(ws->a, nc * sizeof *nw);
    if (!nw)
        return false;
    if (ws->n)
        memcpy(nw, ws->w, ws->n * sizeof *nw);
    ws->w = nw;
    ws->cap = nc;
    return true;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Closing marks skipped before the terminal punctuation. */
static size_t skip_closers(const unsigned char *t, size_t s, size_t e)
{
    while (e > s) {
        unsigned char c = t[e - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '*' || c == ' ') {
            e--;
            continue;
        }
        if (e - s >= 2 && t[e - 2] == 0xC2 && c == 0xBB) { /* » */
            e -= 2;
            continue;
        }
        if (e - s >= 3 && t[e - 3] == 0xE2 && t[e - 2] == 0x80 &&
            (c == 0x9D || c == 0x99 || c == 0x9C || c == 0x98)) {
            e -= 3; /* ” ’, and “ ‘ used as closers in tokenised text */
            continue;
        }
        break;
    }
    return e;
}

static uint8_t line_end(const unsigned char *t, size_t s, size_t e)
{
    e = skip_closers(t, s, e);
    if (e == s)
        return TD_LAY_END_NONE;
    unsigned char c = t[e - 1];
    if (c == '.')
        return (e - s >= 2 && t[e - 2] == '.') ? TD_LAY_END_ELLIPSIS : TD_LAY_END_PERIOD;
    if (c == '!')
        return TD_LAY_END_BANG;
    if (c == '?')
        return TD_LAY_END_QUEST;
    if (c == ':' || c == ';')
        return TD_LAY_END_COLON;
    if (e - s >= 3) {
        const unsigned char *p = t + e - 3;
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xA6)
            return TD_LAY_END_ELLIPSIS;
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82)
            return TD_LAY_END_PERIOD;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x81)
            return TD_LAY_END_BANG;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x9F)
            return TD_LAY_END_QUEST;
    }
    return TD_LAY_END_NONE;
}

static bool opens_with_mark(const unsigned char *p, size_t n)
{
    if (n == 0)
        return false;
    if (p[0] == '-' || p[0] == '*' || p[0] == '|' || p[0] == '>' || p[0] == '#' || p[0] == '(')
        return true;
    /* list numbering: "2. ", "3) " */
    size_t d = 0;
    while (d < n && d < 3 && p[d] >= '0' && p[d] <= '9')
        d++;
    if (d > 0 && d + 1 < n && (p[d] == '.' || p[d] == ')') && p[d + 1] == ' ')
        return true;
    if (n >= 2 && p[0] == 0xC2 && p[1] == 0xB7)
        return true; /* · */
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94 || p[2] == 0xA2))
        return true; /* – — • */
    return false;
}


/* Counters saturate: a 1 MB line must not wrap them. */
#define SAT_INC(x) ((x) = (uint16_t)((x) < 65535 ? (x) + 1 : (x)))


/* Classes of the ASCII bytes. */
static const unsigned char ascii_class[128] = {
    ['0'] = CH_DIGIT, ['1'] = CH_DIGIT, ['2'] = CH_DIGIT, ['3'] = CH_DIGIT, ['4'] = CH_DIGIT,
    ['5'] = CH_DIGIT, ['6'] = CH_DIGIT, ['7'] = CH_DIGIT, ['8'] = CH_DIGIT, ['9'] = CH_DIGIT,
    ['A'] = CH_UPPER, ['B'] = CH_UPPER, ['C'] = CH_UPPER, ['D'] = CH_UPPER, ['E'] = CH_UPPER,
    ['F'] = CH_UPPER, ['G'] = CH_UPPER, ['H'] = CH_UPPER, ['I'] = CH_UPPER, ['J'] = CH_UPPER,
    ['K'] = CH_UPPER, ['L'] = CH_UPPER, ['M'] = CH_UPPER, ['N'] = CH_UPPER, ['O'] = CH_UPPER,
    ['P'] = CH_UPPER, ['Q'] = CH_UPPER, ['R'] = CH_UPPER, ['S'] = CH_UPPER, ['T'] = CH_UPPER,
    ['U'] = CH_UPPER, ['V'] = CH_UPPER, ['W'] = CH_UPPER, ['X'] = CH_UPPER, ['Y'] = CH_UPPER,
    ['Z'] = CH_UPPER, ['a'] = CH_LOWER, ['b'] = CH_LOWER, ['c'] = CH_LOWER, ['d'] = CH_LOWER,
    ['e'] = CH_LOWER, ['f'] = CH_LOWER, ['g'] = CH_LOWER, ['h'] = CH_LOWER, ['i'] = CH_LOWER,
    ['j'] = CH_LOWER, ['k'] = CH_LOWER, ['l'] = CH_LOWER, ['m'] = CH_LOWER, ['n'] = CH_LOWER,
    ['o'] = CH_LOWER, ['p'] = CH_LOWER, ['q'] = CH_LOWER, ['r'] = CH_LOWER, ['s'] = CH_LOWER,
    ['t'] = CH_LOWER, ['u'] = CH_LOWER, ['v'] = CH_LOWER, ['w'] = CH_LOWER, ['x'] = CH_LOWER,
    ['y'] = CH_LOWER, ['z'] = CH_LOWER, ['\''] = CH_APOS,
};

/* Eight bytes as hs_byte() packs them (the first in the high byte). */
static inline uint64_t load_be64(const unsigned char *p)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x;
    memcpy(&x, p, 8);
    return __builtin_bswap64(x);
#else
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = (x << 8) | p[i];
    return x;
#endif
}

/* Hash a run of n ASCII letters and digits, folded (byte | 0x20), exactly
 * as n calls of hs_byte() would, but a whole word of 8 bytes at a time once
 * the state is aligned. */
static inline void hs_ascii_run(hstate *s, const unsigned char *p, size_t n, size_t room)
{
    size_t i = 0;
    if (s->n == 0 && n > 0 && n < 8 && room >= 8) {
        /* a short word on a fresh state: one load, the bytes past it
         * shifted out (room: bytes readable from p) */
        unsigned sh = (unsigned)(64 - 8 * n);
        s->acc = (load_be64(p) | 0x2020202020202020ull) >> sh;
        s->n = (unsigned)n;
        return;
    }
    while (i < n && s->n != 0)
        hs_byte(s, p[i++] | 0x20);
    for (; n - i >= 8; i += 8) {
        uint64_t acc = load_be64(p + i) | 0x2020202020202020ull;
        s->h = (s->h ^ acc) * MIX_K;
        s->h ^= s->h >> 29;
    }
    while (i < n)
        hs_byte(s, p[i++] | 0x20);
}

/* Find the run of ASCII letters and digits at p (at least one; n bytes
 * to the line's end, room readable) and fold it into the hash; returns its
 * length. A word on a fresh state that ends inside the first 8 bytes (most
 * words) costs one load for both. */
static inline size_t ascii_run_hash(hstate *s, const unsigned char *p, size_t n, size_t room)
{
    if (room >= 8) {
        uint64_t x = td_load_le64(p);
        uint64_t stop = ~td_swar_alnum(x) & 0x8080808080808080ull;
        if (stop) {
            size_t k = (size_t)__builtin_ctzll(stop) >> 3;
            if (k > n)
                k = n;
            if (s->n == 0) {
                unsigned sh = (unsigned)(64 - 8 * k);
                s->acc = __builtin_bswap64(x | 0x2020202020202020ull) >> sh;
                s->n = (unsigned)k;
            } else {
                hs_ascii_run(s, p, k, room);
            }
            return k;
        }
    }
    size_t k = td_ascii_alnum_run(p, n, room);
    hs_ascii_run(s, p, k, room);
    return k;
}

/* ---- the map of ASCII letters and digits ------------------------------ */

#if defined(__SSE2__)
#include <emmintrin.h>

/* Bits of the 16 bytes at p that are ASCII letters or digits. Signed
 * compares on bytes moved so that each range starts at -128: a byte of
 * 0x80 or more never lands in one. */
static inline uint64_t alnum16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i lo = _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x80 - 'a'));
    __m128i dg = _mm_add_epi8(v, _mm_set1_epi8(0x80 - '0'));
    __m128i letter = _mm_cmpgt_epi8(_mm_set1_epi8(-128 + 26), lo);
    __m128i digit = _mm_cmpgt_epi8(_mm_set1_epi8(-128 + 10), dg);
    return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
}

static inline uint64_t alnum64(const unsigned char *p)
{
    return alnum16(p) | alnum16(p + 16) << 16 | alnum16(p + 32) << 32 | alnum16(p + 48) << 48;
}
#else
static inline uint64_t alnum64(const unsigned char *p)
{
    uint64_t m = 0;
    for (unsigned k = 0; k < 64; k++)
        m |= (uint64_t)td_ascii_alnum[p[k]] << k;
    return m;
}
#endif

/* The apostrophes of the 64 bytes at p. */
#if defined(__SSE2__)
static inline uint64_t apos16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
}

static inline uint64_t apos64(const unsigned char *p)
{
    return apos16(p) | apos16(p + 16) << 16 | apos16(p + 32) << 32 | apos16(p + 48) << 48;
}
#else
static inline uint64_t apos64(const unsigned char *p)
{
    uint64_t m = 0;
    for (unsigned k = 0; k < 64; k++)
        m |= (uint64_t)(p[k] == '\'') << k;
    return m;
}
#endif

uint64_t *td_lay_alnum_map(const char *text, size_t len, td_arena *a)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t nw = len / 64 + 2;
    uint64_t *m = td_arena_alloc(a, 2 * nw * sizeof *m);
    if (!m)
        return NULL;
    /* the letters and digits at even words, the apostrophes at odd ones */
    size_t k = 0;
    for (; len - k >= 64; k += 64) {
        m[2 * (k / 64)] = alnum64(t + k);
        m[2 * (k / 64) + 1] = apos64(t + k);
    }
    unsigned char tail[64];
    memset(tail, 0, sizeof tail);
    memcpy(tail, t + k, len - k);
    m[2 * (k / 64)] = alnum64(tail);
    m[2 * (k / 64) + 1] = apos64(tail);
    m[2 * (k / 64 + 1)] = m[2 * (k / 64 + 1) + 1] = 0;
    /* an apostrophe between two letters or digits joins them: the odd
     * words become the word bytes */
    uint64_t prev = 0;
    for (size_t w = 0; w < nw; w++) {
        uint64_t al = m[2 * w], next = w + 1 < nw ? m[2 * w + 2] : 0;
        uint64_t joined = m[2 * w + 1] & ((al << 1) | (prev >> 63)) & ((al >> 1) | (next << 63));
        m[2 * w + 1] = al | joined;
        prev = al;
    }
    return m;
}

/* The map's two kinds of bits (td_lay_alnum_map()): ASCII letters and
 * digits, and word bytes (those and the apostrophes that join them). */
enum { MAP_ALNUM = 0, MAP_WORD = 1 };

/* Length of the run of bits of the kind at i (bit i is set). */
static inline size_t run_bits(const uint64_t *map, unsigned kind, size_t i)
{
    size_t w = i / 64;
    uint64_t x = ~map[2 * w + kind] >> (i % 64);
    if (x)
        return (size_t)__builtin_ctzll(x);
    size_t n = 64 - i % 64;
    while (!(x = ~map[2 * (++w) + kind]))
        n += 64;
    return n + (size_t)__builtin_ctzll(x);
}

/* Length of the run of ASCII letters and digits at i (t[i] is one). */
static inline size_t run_len(const uint64_t *map, size_t i) { return run_bits(map, MAP_ALNUM, i); }

/* The hash of the ASCII letters and digits t[i..j), folded, as hs_byte()
 * and hs_final() give it: the full eights, then the rest read from the 8
 * bytes that end at j (text before it is readable). */
static inline uint64_t ascii_word_hash(const unsigned char *t, size_t i, size_t j)
{
    uint64_t h = HS_SEED;
    size_t p = i;
    for (; j - p >= 8; p += 8) {
        h = (h ^ (load_be64(t + p) | 0x2020202020202020ull)) * MIX_K;
        h ^= h >> 29;
    }
    size_t r = j - p;
    uint64_t acc = 0;
    if (r && j >= 8)
        acc = (load_be64(t + j - 8) | 0x2020202020202020ull) & (~0ull >> (64 - 8 * r));
    else
        for (; p < j; p++)
            acc = acc << 8 | (t[p] | 0x20u);
    h = (h ^ acc ^ ((uint64_t)r << 59)) * MIX_K;
    h ^= h >> 31;
    return h ? h : 1;
}

/* The class and length of the character at t[i] (te bounds it). */
static inline int class_at(const unsigned char *t, size_t i, size_t te, size_t *k)
{
    if (t[i] < 0x80) {
        *k = 1;
        return ascii_class[t[i]];
    }
    size_t n = seq_len(t[i]);
    if (i + n > te)
        n = te - i;
    *k = n;
    return char_class(t + i, n);
}

/* The word being read: its start, characters, first class, and the
 * running hash of its folded bytes (and the hash before its last
 * apostrophe, for a possessive "'s"). */
typedef struct word_state {
    size_t ws; /* SIZE_MAX: no word open */
    size_t nchars;
    int first;
    hstate h_apos;
    size_t apos_at; /* byte offset of the last apostrophe in the word */
    int prev_first;
    size_t prev_chars;
    /* the line's word counters, unsaturated until its end */
    uint64_t wc; /* words (low 32 bits), cap (high) */
    uint64_t ld; /* low (low 32 bits), digitw (high) */
} word_state;

/* What a word adds to the line's counters (word_state.wc, .ld), by its
 * first class and whether it has 4 characters or more: a word; a word of
 * 4+ starting upper case; of 4+ starting lower case; starting with a
 * digit. Lanes of 32 bits: a line is shorter than 4 GB. */
#define HI32 (1ull << 32)
static const uint64_t count_wc[2 * (CH_APOS + 1)] = {
    [2 * CH_SEP] = 1, [2 * CH_SEP + 1] = 1,
    [2 * CH_UPPER] = 1, [2 * CH_UPPER + 1] = 1 + HI32,
    [2 * CH_LOWER] = 1, [2 * CH_LOWER + 1] = 1,
    [2 * CH_DIGIT] = 1, [2 * CH_DIGIT + 1] = 1,
    [2 * CH_LETTER] = 1, [2 * CH_LETTER + 1] = 1,
    [2 * CH_CJK] = 1, [2 * CH_CJK + 1] = 1,
    [2 * CH_APOS] = 1, [2 * CH_APOS + 1] = 1,
};
static const uint64_t count_ld[2 * (CH_APOS + 1)] = {
    [2 * CH_LOWER + 1] = 1,
    [2 * CH_DIGIT] = HI32, [2 * CH_DIGIT + 1] = HI32,
};

static inline uint16_t sat16(uint32_t v) { return (uint16_t)(v > 65535 ? 65535 : v); }

#if defined(__GNUC__)
#define LAY_HOT inline __attribute__((always_inline))
#else
#define LAY_HOT inline
#endif

/* Count a finished word of nchars characters (first: the class of its
 * first) whose folded hash is h, and keep h when it has 3 characters or
 * more. Function words are kept too: the few lines whose words are read
 * (layout.c) drop them there, and a word of the body is only ever compared
 * with those. */
static LAY_HOT void word_count(word_state *st, int first, size_t nchars, uint64_t h,
                               word_sink *sink)
{
    /* the four counters from two table loads: [first class][4+ chars] */
    size_t k = (size_t)first * 2 + (nchars >= 4);
    st->wc += count_wc[k];
    st->ld += count_ld[k];
    /* stored or not without a branch (sink_reserve() made the room) */
    sink->w[sink->n] = h;
    sink->n += nchars >= 3;
    st->prev_first = first;
    st->prev_chars = nchars;
}

/* A kept hash that is a function word's but is no function word: longer
 * than any (a possessive "'s" dropped: "having's"), or a CJK pair. It is
 * kept under a tag, so that the readers' filter leaves it, and it still
 * equals the same word elsewhere. */
static inline uint64_t not_function(const td_lay_stop *stop, uint64_t h)
{
    if (td_lay_stop_has(stop, h)) {
        h ^= TD_LAY_NOT_STOP;
        h = h ? h : 1;
    }
    return h;
}

static LAY_HOT void word_close(word_state *st, const hstate *hs, const unsigned char *t, size_t end,
                       const td_lay_stop *stop, word_sink *sink, td_lay_line *ln)
{
    (void)ln;
    uint64_t h;
    /* a possessive "'s" is dropped, as td_lay_word_hash() does */
    if (st->apos_at != SIZE_MAX && st->apos_at + 2 == end && (t[end - 1] | 32) == 's' &&
        end - st->ws > 2)
        h = hs_final(st->h_apos);
    else
        h = hs_final(*hs);
    /* a word longer than every function word is none (the fast path of a
     * fresh short word never gets here: it has no apostrophe, and its hash
     * is a function word's only when it is one) */
    if (st->nchars > stop->maxchars)
        h = not_function(stop, h);
    word_count(st, st->first, st->nchars, h, sink);
    st->ws = SIZE_MAX;
}

/* End the open word, if any (a call only when there is one). */
static LAY_HOT void word_end(word_state *st, const hstate *hs, const unsigned char *t, size_t end,
                            const td_lay_stop *stop, word_sink *sink, td_lay_line *ln)
{
    if (st->ws != SIZE_MAX)
        word_close(st, hs, t, end, stop, sink, ln);
}

/* The class of the first letter or digit of t[ts..te): that of the first
 * word counted (CH_SEP: none), read once instead of per word. */
static int first_word_class(const unsigned char *t, size_t ts, size_t te)
{
    for (size_t i = ts; i < te;) {
        size_t k;
        int cl = class_at(t, i, te, &k);
        if (cl == CH_UPPER || cl == CH_LOWER || cl == CH_DIGIT || cl == CH_LETTER)
            return cl;
        i += k;
    }
    return CH_SEP;
}

/* A sentence break at the '.', '!' or '?' at t[i]: ". X" after a word
 * that ends sentences (not "Mr." or an initial). */
static bool sentence_break(const unsigned char *t, size_t i, size_t ts, size_t te,
                           int prev_first, size_t prev_chars)
{
    char c = (char)t[i];
    if (i + 2 >= te || t[i + 1] != ' ' || i == ts)
        return false;
    size_t k;
    if (class_at(t, i - 1, te, &k) == CH_SEP)
        return false;
    size_t j = i + 1;
    while (j < te && t[j] == ' ')
        j++;
    if (j == te)
        return false;
    int nc = class_at(t, j, te, &k);
    bool opener = t[j] == '"' ||
                  (k == 3 && t[j] == 0xE2 && t[j + 1] == 0x80 && (t[j + 2] == 0x9C || t[j + 2] == 0x98));
    bool real = c != '.' || (prev_first == CH_LOWER && prev_chars >= 2) ||
                prev_first == CH_DIGIT || prev_chars >= 4;
    return (nc == CH_UPPER || nc == CH_DIGIT || opener) && real;
}

/* The counters of a line that the ASCII fast path and the general loop
 * of td_lay_line_measure() share. */
typedef struct line_acc {
    size_t toks;   /* runs of non-space bytes */
    size_t n;      /* hashes stored */
    uint16_t sents;
    bool in_tok;   /* inside a run of non-space bytes */
    bool link;
} line_acc;

/* The common case of a line: ASCII text read with no word open. Words of
 * ASCII letters and digits are found in the map (td_lay_alnum_map()),
 * hashed from whole loads and counted at once when the byte after them
 * closes them (the line's end, a space or an ASCII mark other than an
 * apostrophe); spaces and ASCII marks are taken as the general loop takes
 * them. Stops at the first byte of 0x80 or more, and before a word the
 * general loop must read (followed by an apostrophe or a non-ASCII
 * character, which may continue it); returns where it stopped. Its state
 * is held in locals: the general loop's, in memory, is read and written
 * once a call. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t ascii_fast(const unsigned char *t, size_t i, size_t ts, size_t te,
                         const uint64_t *map, const td_lay_stop *stop, uint64_t *w,
                         word_state *st, line_acc *la)
{
    size_t toks = la->toks, n = la->n, prev_chars = st->prev_chars;
    uint64_t wc = st->wc, ld = st->ld;
    int prev_first = st->prev_first;
    bool in_tok = la->in_tok, link = la->link;
    uint16_t sents = la->sents;
    size_t maxchars = stop->maxchars;
    while (i < te) {
        unsigned char b = t[i];
        if (td_ascii_alnum[b]) {
            size_t len = run_len(map, i);
            size_t j = i + len; /* <= te: the bytes after te are spaces */
            /* len 0 would mean the map and td_ascii_alnum disagree: the
             * general loop takes the word rather than this one spinning */
            if (len == 0 || (j < te && (t[j] >= 0x80 || t[j] == '\'')))
                break;
            if (!in_tok) {
                toks++;
                in_tok = true;
                if ((b == 'h' && te - i >= 4 && memcmp(t + i, "http", 4) == 0) ||
                    (b == 'w' && te - i >= 4 && memcmp(t + i, "www.", 4) == 0))
                    link = true;
            }
            uint64_t h = ascii_word_hash(t, i, j);
            if (len > maxchars)
                h = not_function(stop, h);
            prev_first = ascii_class[b];
            prev_chars = len;
            size_t k = (size_t)prev_first * 2 + (len >= 4);
            wc += count_wc[k];
            ld += count_ld[k];
            w[n] = h;
            n += len >= 3;
            i = j;
            if (j < te && t[j] == ' ') {
                in_tok = false; /* the space after it, as below */
                i++;
            }
            continue;
        }
        if (b == ' ' || b == '\t' || b == '\r') {
            in_tok = false;
            i++;
            continue;
        }
        if (b >= 0x80)
            break;
        /* an ASCII mark (an apostrophe too: no word is open) */
        if (!in_tok) {
            toks++;
            in_tok = true;
        }
        if ((b == '.' || b == '!' || b == '?') &&
            sentence_break(t, i, ts, te, prev_first, prev_chars))
            SAT_INC(sents);
        if (b == '@' && i + 1 < te && ascii_class[t[i + 1] & 0x7F] >= CH_UPPER &&
            ascii_class[t[i + 1] & 0x7F] <= CH_LOWER && t[i + 1] < 0x80)
            link = true;
        i++;
    }
    la->toks = toks;
    la->n = n;
    la->in_tok = in_tok;
    la->link = link;
    la->sents = sents;
    st->wc = wc;
    st->ld = ld;
    st->prev_first = prev_first;
    st->prev_chars = prev_chars;
    return i;
}

/* ---- a line of ASCII text, 64 bytes at a time ------------------------- */

/* What a line's 64 bytes from c0 hold besides letters and digits (bit k:
 * byte c0 + k): bytes of 0x80 or more (hi; of them the leads 0xE2 and
 * 0xC2 and the continuation bytes 0x80..0xBF, filled only where hi is),
 * spaces (' ', tab, CR: they end a token), the marks read one by one
 * ('.', '!', '?', '@'), and the 'h' and 'w' a link may open with. */
typedef struct chunk64 {
    uint64_t hi, sp, mark, hw, e2, c2, cont;
} chunk64;

#if defined(__SSE2__)
static inline void chunk16(const unsigned char *p, unsigned sh, chunk64 *m)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                              _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    __m128i mk = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
                              _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('@'))));
    __m128i hw = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('h')),
                              _mm_cmpeq_epi8(v, _mm_set1_epi8('w')));
    unsigned hi = (unsigned)_mm_movemask_epi8(v);
    m->sp |= (uint64_t)(unsigned)_mm_movemask_epi8(sp) << sh;
    m->mark |= (uint64_t)(unsigned)_mm_movemask_epi8(mk) << sh;
    m->hw |= (uint64_t)(unsigned)_mm_movemask_epi8(hw) << sh;
    if (hi) {
        m->hi |= (uint64_t)hi << sh;
        m->e2 |= (uint64_t)(unsigned)_mm_movemask_epi8(
                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))) << sh;
        m->c2 |= (uint64_t)(unsigned)_mm_movemask_epi8(
                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2))) << sh;
        m->cont |= (uint64_t)(unsigned)_mm_movemask_epi8(
                       _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xC0))) << sh;
    }
}
#else
static inline void chunk16(const unsigned char *p, unsigned sh, chunk64 *m)
{
    for (unsigned k = 0; k < 16; k++) {
        unsigned char c = p[k];
        uint64_t bit = 1ull << (sh + k);
        if (c >= 0x80)
            m->hi |= bit;
        if (c == 0xE2)
            m->e2 |= bit;
        if (c == 0xC2)
            m->c2 |= bit;
        if (c >= 0x80 && c < 0xC0)
            m->cont |= bit;
        if (c == ' ' || c == '\t' || c == '\r')
            m->sp |= bit;
        if (c == '.' || c == '!' || c == '?' || c == '@')
            m->mark |= bit;
        if (c == 'h' || c == 'w')
            m->hw |= bit;
    }
}
#endif

/* The masks of t[c0 .. c0 + 64), of which rem bytes (1..64) are the
 * line's: whole loads where 16 bytes are the line's, the last part copied
 * (no read past the line). */
static inline chunk64 chunk_masks(const unsigned char *t, size_t c0, size_t rem)
{
    chunk64 m = {0, 0, 0, 0, 0, 0, 0};
    for (unsigned q = 0; q < 64 && q < rem; q += 16) {
        if (rem - q >= 16) {
            chunk16(t + c0 + q, q, &m);
        } else {
            unsigned char buf[16];
            memset(buf, ' ', sizeof buf);
            memcpy(buf, t + c0 + q, rem - q);
            chunk16(buf, q, &m);
        }
    }
    return m;
}

/* Bits c0 .. c0 + 64 of the map's kind. */
static inline uint64_t map_bits(const uint64_t *map, unsigned kind, size_t c0)
{
    size_t w = c0 / 64;
    unsigned sh = (unsigned)(c0 % 64);
    uint64_t x = map[2 * w + kind] >> sh;
    if (sh)
        x |= map[2 * w + 2 + kind] << (64 - sh);
    return x;
}

static inline bool map_bit(const uint64_t *map, unsigned kind, size_t i)
{
    return (map[2 * (i / 64) + kind] >> (i % 64)) & 1;
}

static inline unsigned popcount64(uint64_t x) { return (unsigned)__builtin_popcountll(x); }

/* The last word of t[ts..i) of a line ascii_line() reads: the class of its
 * first character and its characters (CH_SEP and 0: none), as the general
 * loop holds them when it reaches t[i]. */
static void last_word(const unsigned char *t, const uint64_t *map, size_t ts, size_t i,
                      int *first, size_t *chars)
{
    size_t j = i;
    while (j > ts && !map_bit(map, MAP_WORD, j - 1))
        j--;
    *first = CH_SEP;
    *chars = 0;
    if (j == ts)
        return;
    size_t e = j, apos = 0;
    while (j > ts && map_bit(map, MAP_WORD, j - 1)) {
        j--;
        apos += t[j] == '\'';
    }
    *first = ascii_class[t[j]];
    *chars = e - j - apos;
}

/* ascii_word_hash() of the r (1..7) bytes that end at j (j >= 8). */
static inline uint64_t short_hash(const unsigned char *t, size_t j, size_t r)
{
    uint64_t acc = (load_be64(t + j - 8) | 0x2020202020202020ull) & (~0ull >> (64 - 8 * r));
    uint64_t h = (HS_SEED ^ acc ^ ((uint64_t)r << 59)) * MIX_K;
    h ^= h >> 31;
    return h ? h : 1;
}

/* The hash and characters of the word of a line ascii_line() reads that
 * starts at i and has apostrophes inside or runs past a chunk: byte by
 * byte, as the general loop's word_close() gives them. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t word_slow(const unsigned char *t, const uint64_t *map, size_t i,
                          const td_lay_stop *stop, size_t *chars)
{
    size_t we = i + run_bits(map, MAP_WORD, i), apos = SIZE_MAX, nchars = we - i;
    for (size_t q = i; q < we; q++)
        if (t[q] == '\'') {
            apos = q;
            nchars--;
        }
    uint64_t h;
    /* a possessive "'s" is dropped, as td_lay_word_hash() does */
    if (apos != SIZE_MAX && apos + 2 == we && (t[we - 1] | 32) == 's' && we - i > 2)
        h = ascii_word_hash(t, i, apos);
    else
        h = ascii_word_hash(t, i, we);
    if (nchars > stop->maxchars)
        h = not_function(stop, h);
    *chars = nchars;
    return h;
}

/* Count a word of the line whose first byte is b (nchars characters,
 * hash h) and keep h when it has 3 characters or more. */
#define WORD_COUNT(b, nchars, h)                                                                   \
    do {                                                                                           \
        size_t cls_ = (size_t)ascii_class[(b)] * 2 + ((nchars) >= 4);                              \
        wc += count_wc[cls_];                                                                      \
        ld += count_ld[cls_];                                                                      \
        w[n] = (h);                                                                                \
        n += (nchars) >= 3;                                                                        \
    } while (0)

/* A word of len ASCII letters and digits at i, no apostrophe inside
 * (short_ok: 8 bytes end at its end, a short one is hashed in one load). */
#define WORD_FAST(i, len, short_ok)                                                                \
    do {                                                                                           \
        unsigned char b_ = t[(i)];                                                                 \
        if ((len) < 3) { /* counted, not kept */                                                   \
            wc += 1;                                                                               \
            ld += b_ <= '9' ? HI32 : 0;                                                            \
            break;                                                                                 \
        }                                                                                          \
        uint64_t h_ = (len) < 8 && (short_ok) ? short_hash(t, (i) + (len), (len))                  \
                                              : ascii_word_hash(t, (i), (i) + (len));              \
        if ((len) > maxchars)                                                                      \
            h_ = not_function(stop, h_);                                                           \
        size_t cls_ = (size_t)ascii_class[b_] * 2 + ((len) >= 4);                                  \
        wc += count_wc[cls_];                                                                      \
        ld += count_ld[cls_];                                                                      \
        w[n++] = h_;                                                                               \
    } while (0)

/* A line of ASCII text t[ts..te) read 64 bytes at a time, as the general
 * loop of td_lay_line_measure() reads it. Tokens are counted from the
 * mask of spaces; a word is a run of word bytes of the map (letters and
 * digits, and the apostrophes that join them); only the word starts, the
 * marks and the token starts at an 'h' or 'w' are visited. Besides ASCII,
 * the line may hold the 0xC2 and 0xE2 sequences (Latin-1 signs, quote
 * marks, dashes: separators). false, with nothing kept, at any other byte
 * of 0x80 or more (the general loop reads the line). */
static bool ascii_line(const unsigned char *t, const uint64_t *map, size_t ts, size_t te,
                       const td_lay_stop *stop, word_sink *sink, word_state *st, line_acc *la)
{
    uint64_t *w = sink->w;
    size_t n = sink->n, toks = 0, maxchars = stop->maxchars;
    uint64_t wc = 0, ld = 0, prev_nsp = 0, prev_w = 0;
    uint64_t cont_in = 0; /* continuation bytes a sequence before c0 has here */
    uint16_t sents = 0;
    bool link = false;
    for (size_t c0 = ts; c0 < te; c0 += 64) {
        size_t rem = te - c0;
        uint64_t valid = rem >= 64 ? ~0ull : (1ull << rem) - 1;
        chunk64 m = chunk_masks(t, c0, rem);
        if (m.hi) {
            /* the general loop takes each 0xC2 and 0xE2 sequence whole,
             * as a separator: so must this one, or leave the line */
            uint64_t x = (m.e2 << 1) | (m.e2 << 2) | (m.c2 << 1) | cont_in;
            if (m.hi != ((m.e2 | m.c2 | x) & valid) || (x & ~m.cont) || (x & ~valid))
                return false;
            cont_in = (m.e2 >> 63) * 3 | ((m.e2 >> 62) & 1) | (m.c2 >> 63);
        } else if (cont_in) {
            return false;
        }
        uint64_t nsp = ~m.sp & valid;
        uint64_t tok = nsp & ~((nsp << 1) | prev_nsp);
        prev_nsp = nsp >> 63;
        toks += popcount64(tok);
        for (uint64_t lk = tok & m.hw; lk && !link; lk &= lk - 1) {
            size_t i = c0 + (size_t)__builtin_ctzll(lk);
            link = te - i >= 4 && memcmp(t + i, t[i] == 'h' ? "http" : "www.", 4) == 0;
        }
        uint64_t wb = map_bits(map, MAP_WORD, c0) & valid;
        uint64_t jb = wb & ~map_bits(map, MAP_ALNUM, c0); /* joining apostrophes */
        uint64_t ws = wb & ~((wb << 1) | prev_w);
        prev_w = wb >> 63;
        /* the word that runs past the chunk is read last, byte by byte */
        uint64_t cold = 0;
        if ((wb >> 63) && ws) {
            cold = 1ull << (63 - __builtin_clzll(ws));
            ws &= ~cold;
        }
        if (__builtin_expect(jb != 0 || c0 < 8, 0)) {
            /* apostrophes joining words, or the text's first 8 bytes */
            while (ws) {
                unsigned k = (unsigned)__builtin_ctzll(ws);
                ws &= ws - 1;
                size_t len = (size_t)__builtin_ctzll(~wb >> k);
                if ((jb >> k) & ((1ull << len) - 1)) {
                    size_t nchars;
                    uint64_t h = word_slow(t, map, c0 + k, stop, &nchars);
                    WORD_COUNT(t[c0 + k], nchars, h);
                    continue;
                }
                WORD_FAST(c0 + k, len, c0 + k + len >= 8);
            }
        } else {
            while (ws) {
                unsigned k = (unsigned)__builtin_ctzll(ws);
                ws &= ws - 1;
                size_t len = (size_t)__builtin_ctzll(~wb >> k);
                WORD_FAST(c0 + k, len, true);
            }
        }
        if (cold) {
            size_t nchars, i = c0 + (size_t)__builtin_ctzll(cold);
            uint64_t h = word_slow(t, map, i, stop, &nchars);
            WORD_COUNT(t[i], nchars, h);
        }
        for (uint64_t mk = m.mark & valid; mk; mk &= mk - 1) {
            size_t i = c0 + (size_t)__builtin_ctzll(mk);
            if (t[i] == '@') {
                if (i + 1 < te && t[i + 1] < 0x80 && ascii_class[t[i + 1]] >= CH_UPPER &&
                    ascii_class[t[i + 1]] <= CH_LOWER)
                    link = true;
            } else if (i + 2 < te && t[i + 1] == ' ' && i != ts) {
                int pf;
                size_t pc;
                last_word(t, map, ts, i, &pf, &pc);
                if (sentence_break(t, i, ts, te, pf, pc))
                    SAT_INC(sents);
            }
        }
    }
    la->toks = toks;
    la->n = n;
    la->link = link;
    la->sents = sents;
    st->wc = wc;
    st->ld = ld;
    return true;
}

bool td_lay_line_measure(const char *text, const uint64_t *map, uint32_t s, uint32_t e,
                         const td_lay_stop *stop, td_arena *a, uint64_t **words, size_t *nwords,
                         size_t *capw, td_lay_line *out)
{
    const unsigned char *t = (const unsigned char *)text;
    td_lay_line ln;
    memset(&ln, 0, sizeof ln);
    ln.s = s;
    ln.e = e;
    uint32_t ts = s, te = e;
    while (ts < te && is_space(text[ts]))
        ts++;
    while (te > ts && is_space(text[te - 1]))
        te--;
    ln.ts = ts;
    ln.te = te;
    ln.w0 = (uint32_t)*nwords;
    if (ts == te) {
        ln.blank = true;
        *out = ln;
        return true;
    }
    word_sink sink = {a, *words, *nwords, *capw};
    if (!sink_reserve(&sink, te - ts))
        return false;
    word_state st = {.ws = SIZE_MAX, .first = CH_SEP, .apos_at = SIZE_MAX, .prev_first = CH_SEP};
    hstate h; /* the running hash of the open word */
    hs_init(&h);
    line_acc la = {0, sink.n, 0, false, false};
    size_t cjk = 0;
    const unsigned char *prev_cjk_p = NULL;
    size_t i0 = ascii_line(t, map, ts, te, stop, &sink, &st, &la) ? te : ts;
    for (size_t i = i0; i < te;) {
        unsigned char b = t[i];
        if (st.ws == SIZE_MAX && b < 0x80) {
            /* ASCII with no word open: the fast path, as far as it goes */
            size_t ni = ascii_fast(t, i, ts, te, map, stop, sink.w, &st, &la);
            if (ni != i) {
                prev_cjk_p = NULL;
                i = ni;
                continue;
            }
        }
        sink.n = la.n;
        if (td_ascii_alnum[b]) {
            /* a run of ASCII letters and digits inside a word, or one
             * that a non-ASCII letter or an apostrophe may continue */
            if (!la.in_tok) {
                la.toks++;
                la.in_tok = true;
                if ((b == 'h' && te - i >= 4 && memcmp(t + i, "http", 4) == 0) ||
                    (b == 'w' && te - i >= 4 && memcmp(t + i, "www.", 4) == 0))
                    la.link = true;
            }
            prev_cjk_p = NULL;
            if (st.ws == SIZE_MAX) {
                st.ws = i;
                st.nchars = 0;
                st.first = ascii_class[b];
                hs_init(&h);
                st.apos_at = SIZE_MAX;
            }
            size_t n = ascii_run_hash(&h, t + i, te - i, e - i);
            st.nchars += n;
            i += n;
            continue;
        }
        if (b == ' ' || b == '\t' || b == '\r') {
            word_end(&st, &h, t, i, stop, &sink, &ln);
            la.n = sink.n;
            prev_cjk_p = NULL;
            la.in_tok = false;
            i++;
            continue;
        }
        if (!la.in_tok) { /* not an ASCII letter: cannot open "http" or "www." */
            la.toks++;
            la.in_tok = true;
        }
        size_t k;
        int cl = class_at(t, i, te, &k);
        if (cl == CH_UPPER || cl == CH_LOWER || cl == CH_DIGIT || cl == CH_LETTER) {
            prev_cjk_p = NULL;
            if (st.ws == SIZE_MAX) {
                st.ws = i;
                st.nchars = 0;
                st.first = cl;
                hs_init(&h);
                st.apos_at = SIZE_MAX;
            }
            st.nchars++;
            fold_char(&h, t + i, k);
            i += k;
            continue;
        }
        if (cl == CH_CJK) {
            word_end(&st, &h, t, i, stop, &sink, &ln);
            cjk++;
            if (prev_cjk_p && prev_cjk_p + 3 == t + i) {
                hstate hb;
                hs_init(&hb);
                fold_char(&hb, prev_cjk_p, 3);
                fold_char(&hb, t + i, k);
                sink.w[sink.n++] = not_function(stop, hs_final(hb));
            }
            la.n = sink.n;
            prev_cjk_p = t + i;
            i += k;
            continue;
        }
        prev_cjk_p = NULL;
        if (cl == CH_APOS && st.ws != SIZE_MAX && i + 1 < te) {
            size_t k2;
            int c2 = class_at(t, i + 1, te, &k2);
            if (c2 == CH_UPPER || c2 == CH_LOWER || c2 == CH_DIGIT || c2 == CH_LETTER) {
                st.h_apos = h;
                st.apos_at = i;
                hs_byte(&h, '\'');
                i++;
                continue;
            }
        }
        /* a separator */
        word_end(&st, &h, t, i, stop, &sink, &ln);
        la.n = sink.n;
        if ((b == '.' || b == '!' || b == '?') && sentence_break(t, i, ts, te, st.prev_first, st.prev_chars))
            SAT_INC(la.sents);
        if (b == '@' && i + 1 < te && ascii_class[t[i + 1] & 0x7F] >= CH_UPPER &&
            ascii_class[t[i + 1] & 0x7F] <= CH_LOWER && t[i + 1] < 0x80)
            la.link = true;
        i += k;
    }
    sink.n = la.n;
    word_end(&st, &h, t, te, stop, &sink, &ln);
    ln.words = sat16((uint32_t)st.wc);
    ln.cap = sat16((uint32_t)(st.wc >> 32));
    ln.low = sat16((uint32_t)st.ld);
    ln.digitw = sat16((uint32_t)(st.ld >> 32));
    ln.first_low = first_word_class(t, ts, te) == CH_LOWER;
    if (cjk) {
        size_t add = (cjk + 1) / 2;
        ln.words = (uint16_t)(ln.words + add > 65535 ? 65535 : ln.words + add);
    }
    ln.link = la.link;
    ln.sents = la.sents;
    size_t toks = la.toks;
    if (toks < ln.words && cjk)
        toks = ln.words;
    ln.tokens = (uint16_t)(toks > 65535 ? 65535 : toks);
    {
        size_t j = te;
        while (j > ts && t[j - 1] >= '0' && t[j - 1] <= '9')
            j--;
        ln.num_end = j < te && (j == ts || is_space(text[j - 1]));
    }
    ln.end = line_end(t, ts, te);
    ln.lead_mark = opens_with_mark(t + ts, te - ts);
    bool sentence_end = ln.end == TD_LAY_END_PERIOD || ln.end == TD_LAY_END_BANG ||
                        ln.end == TD_LAY_END_QUEST;
    ln.prose = (ln.words >= 8 && ln.end == TD_LAY_END_PERIOD) ||
               (ln.words >= 20 && (sentence_end || ln.sents > 0)) || ln.words >= 30;
    *words = sink.w;
    *nwords = sink.n;
    *capw = sink.cap;
    ln.wn = (uint32_t)(*nwords - ln.w0);
    *out = ln;
    return true;
}
