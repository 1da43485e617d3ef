/*
 * layout_lines.h - what the layout stage measures on each line of a
 * document (library-internal, shared by layout.c and layout_lines.c).
 *
 * A line's features are computed in one pass over its bytes: word count,
 * capitalisation (headline case), terminal punctuation, sentence breaks,
 * digits, links; and the hashes of its words of 3 characters or more
 * (case-folded; function words are dropped by the reader of the few lines
 * that need it, td_lay_stop_has()) for the lexical overlap between a line
 * and the body.
 * Everything lives in the per-thread scratch arena; nothing is kept.
 */
#ifndef TD_LAYOUT_LINES_H
#define TD_LAYOUT_LINES_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The words whose counts the layout reads (those of the candidate
 * lines), each with its occurrences in the body and in the lead: open
 * addressing over dense entries, power-of-two size, key 0 marks an empty
 * slot (hashes are never 0); the table grows (load <= 1/2), the entries
 * keep their index. Small: a probe of a body word stays in L1. */
typedef struct td_lay_set {
    uint64_t *keys;       /* per slot: a key, or 0 */
    uint32_t *ent;        /* per slot: the key's entry */
    uint32_t (*count)[2]; /* per entry: [0] in the body, [1] in the lead */
    uint32_t *tag;        /* per entry: the caller's mark (0 when put) */
    uint8_t *at;          /* per entry: the caller's byte */
    size_t mask;          /* slots - 1 */
    size_t n, cap;        /* entries, room for entries */
    td_arena *a;
} td_lay_set;

/* A set with room for cap entries (its table sized for half of them, grown
 * when more come). false on no memory. */
bool td_lay_set_init(td_lay_set *s, td_arena *a, size_t cap);
/* Double the table (the entries stay). false on no memory. */
bool td_lay_set_grow(td_lay_set *s);

/* The entry of key, or SIZE_MAX when absent. */
static inline size_t td_lay_set_find(const td_lay_set *s, uint64_t key)
{
    size_t i = (size_t)(key ^ (key >> 29)) & s->mask;
    for (;;) {
        uint64_t k = s->keys[i];
        if (k == key)
            return s->ent[i];
        if (!k)
            return SIZE_MAX;
        i = (i + 1) & s->mask;
    }
}

/* The entry of key, put there (zero counts and tag) when absent; SIZE_MAX
 * when the entries are full (callers size them: never) or on no memory. */
static inline size_t td_lay_set_slot(td_lay_set *s, uint64_t key)
{
    size_t i = (size_t)(key ^ (key >> 29)) & s->mask;
    for (;;) {
        uint64_t k = s->keys[i];
        if (k == key)
            return s->ent[i];
        if (!k)
            break;
        i = (i + 1) & s->mask;
    }
    if (s->n == s->cap)
        return SIZE_MAX;
    if (2 * (s->n + 1) > s->mask + 1) {
        if (!td_lay_set_grow(s))
            return SIZE_MAX;
        i = (size_t)(key ^ (key >> 29)) & s->mask;
        while (s->keys[i])
            i = (i + 1) & s->mask;
    }
    size_t e = s->n++;
    s->keys[i] = key;
    s->ent[i] = (uint32_t)e;
    s->count[e][0] = s->count[e][1] = 0;
    s->tag[e] = 0;
    return e;
}

/* Terminal punctuation of a line (after closing quotes and brackets). */
enum {
    TD_LAY_END_NONE = 0,
    TD_LAY_END_PERIOD, /* . or 。 */
    TD_LAY_END_BANG,   /* ! */
    TD_LAY_END_QUEST,  /* ? */
    TD_LAY_END_COLON,  /* : or ; */
    TD_LAY_END_ELLIPSIS /* ... or … */
};

typedef struct td_lay_line {
    uint32_t s, e;      /* the line in norm, without its newline */
    uint32_t ts, te;    /* the same, trimmed of spaces */
    uint16_t words;     /* words (CJK: one per two characters) */
    uint16_t tokens;    /* runs of non-space bytes (CJK: as words when more) */
    uint16_t cap;       /* words of 4+ letters starting upper case */
    uint16_t low;       /* words of 4+ letters starting lower case */
    uint16_t digitw;    /* words starting with a digit */
    uint16_t sents;     /* sentence breaks inside the line (". X") */
    uint8_t end;        /* TD_LAY_END_* */
    bool first_low;     /* the first letter of the line is lower case */
    bool lead_mark;     /* opens with a dash, bullet, bracket or list number */
    bool link;          /* holds a URL, "www." or an @handle */
    bool blank;         /* spaces only */
    bool prose;         /* reads as a body paragraph (long, sentence end) */
    bool num_end;       /* the last token is a bare number */
    uint32_t w0, wn;    /* hashes of the words of 3+ characters:
                           words[w0 .. w0 + wn), function words included */
} td_lay_line;

/* Function words, shared read-only: a hash set built at init. */
typedef struct td_lay_stop {
    uint64_t *keys;
    size_t mask;
    size_t maxchars; /* characters of the longest function word */
    uint64_t bloom[64]; /* bit (h >> 52) of every key: most content words
                           are told apart without a probe */
    size_t window; /* every key sits within this many slots of its home:
                      a fixed, branch-free probe of the words of a line */
} td_lay_stop;

/* The hash of a word as the layout stage folds it (ASCII, Latin-1,
 * Greek and Cyrillic capitals to small letters; a final "'s" dropped). */
uint64_t td_lay_word_hash(const char *w, size_t n);
/* Is h a function word's? (An empty set, all zero, has none: its bloom
 * is clear, its keys are never read.) */
static inline bool td_lay_stop_has(const td_lay_stop *st, uint64_t h)
{
    unsigned b = (unsigned)(h >> 52);
    if (!((st->bloom[b >> 6] >> (b & 63)) & 1))
        return false;
    size_t i = (size_t)(h ^ (h >> 29)) & st->mask;
    while (st->keys[i]) {
        if (st->keys[i] == h)
            return true;
        i = (i + 1) & st->mask;
    }
    return false;
}
/* The tag a kept hash carries when it is a function word's but the word is
 * none (longer than any, its "'s" dropped; a CJK pair): it stays out of
 * td_lay_stop_has() and still equals the same word elsewhere. */
#define TD_LAY_NOT_STOP 0x5bd1e9955bd1e995ull
/* Add h to the set (the table has room: built at init). */
void td_lay_stop_add(td_lay_stop *st, uint64_t h);

/* The map of the words of text[0..len), two 64-bit words per 64 bytes:
 * bit k % 64 of word 2 * (k / 64) set when text[k] is an ASCII letter or
 * digit, of word 2 * (k / 64) + 1 when it is a word byte (one of those, or
 * an apostrophe between two of them: "don't" is one word); bits from len
 * on clear, and one clear pair after the last. In a (NULL: no memory). */
uint64_t *td_lay_alnum_map(const char *text, size_t len, td_arena *a);

/* Measure the line [s, e) of text (map: its td_lay_alnum_map()). The
 * hashes of its words of 3+ characters are appended to *words (growing it
 * in a); stop gives the longest function word (see TD_LAY_NOT_STOP).
 * false on no memory. */
bool td_lay_line_measure(const char *text, const uint64_t *map, uint32_t s, uint32_t e,
                         const td_lay_stop *stop, td_arena *a, uint64_t **words, size_t *nwords,
                         size_t *capw, td_lay_line *out);

#endif
