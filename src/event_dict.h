/*
 * event_dict.h - PETRARCH/TABARI event dictionaries in memory (library-internal).
 *
 * A dictionary set is read from a directory whose dictionaries.ini names the
 * files (verbs, actors, agents, discards), or from the copies built into the
 * library ("events/<file>"). Every word of every dictionary is interned once
 * (upper case) into a word table; phrases are arrays of word ids, grouped by
 * their first word and sorted longest first, so a sentence is matched with
 * one hash lookup per token and integer comparisons.
 *
 * Read-only once loaded; shared between threads.
 */
#ifndef TD_EVENT_DICT_H
#define TD_EVENT_DICT_H

#include "tidings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { ED_ACTOR = 0, ED_AGENT, ED_VERB, ED_DISCARD, ED_KINDS };

typedef struct ed_word {
    uint32_t off, len, hash;
    uint32_t first[ED_KINDS]; /* first phrase of each kind starting with it */
    uint32_t n[ED_KINDS];
    uint32_t n2[ED_KINDS]; /* of these, phrases of two words or more (the first n2) */
    int32_t synset; /* synset named by this word ("&CURRENCY"), or -1 */
    uint32_t fw;    /* function-word classes (events.c), 0: none */
    uint8_t kinds;  /* ED_WB_* (events.c): what a sentence holding it may need */
    uint64_t synmask; /* synsets with a phrase starting with it (bit s % 64) */
} ed_word;

/* ED_WB_VERB: a verb form or a verb-like head (said, refused); ED_WB_PLURAL
 * is a token's, not a word's: maybe a plural actor. ED_WB_ACTOR, _AGENT,
 * _VPHRASE, _DISC: the word starts a phrase of that kind. */
enum {
    ED_WB_VERB = 1,
    ED_WB_ACTOR = 2,
    ED_WB_DISC = 4,
    ED_WB_PLURAL = 8,
    ED_WB_AGENT = 16,
    ED_WB_VPHRASE = 32,
    ED_WB_MULTI = 64, /* starts an actor phrase with a code "A/B" (two actors) */
    ED_WB_SYN = 128,  /* starts a phrase of some synset */
    ED_WB_ACT = ED_WB_ACTOR | ED_WB_AGENT
};

/* A word's phrases of each kind, compact (ed_dict.wph, by word id): what
 * phrase matching reads of a word, 32 bytes (half a cache line, never
 * across two) instead of its 88-byte ed_word. */
typedef struct ed_wph {
    uint32_t first[ED_KINDS];
    uint16_t n[ED_KINDS], n2[ED_KINDS];
} ed_wph;

typedef struct ed_phrase {
    uint32_t w;       /* offset of its word ids in ed_dict.wpool */
    uint32_t w0;      /* its first word id */
    uint16_t n;       /* number of words */
    uint16_t main;    /* verbs: index of the verb word in the phrase */
    uint32_t payload; /* actor, agent, verb entry or discard flag */
    uint32_t w1;      /* its second word id (ED_NONE: one word), set by the index */
} ed_phrase;

typedef struct ed_code {
    uint32_t code; /* offset of a NUL-terminated code in strpool */
    int32_t from, to; /* yyyymmdd bounds, inclusive; 0 / 99999999 when open */
} ed_code;

typedef struct ed_actor {
    uint32_t code_first, code_n;
} ed_actor;

typedef struct ed_agent {
    uint32_t code; /* strpool offset: "GOV", "GOVMED" */
    bool prefix;   /* [NGO~]: the code goes before the actor's */
} ed_agent;

typedef struct ed_verb {
    uint32_t block;
    uint32_t code, code2; /* strpool offsets; code2 0: none */
} ed_verb;

enum { EP_WORD = 0, EP_SYN, EP_SRC, EP_TGT, EP_COMP, EP_SKIP };

typedef struct ed_elem {
    uint8_t kind; /* EP_* */
    uint8_t adj;  /* must touch the element before it (toward the verb) */
    uint8_t pp;   /* heads a prepositional phrase "(TO ...)": near the verb */
    uint32_t id;  /* word id or synset id */
} ed_elem;

typedef struct ed_pattern {
    uint32_t up_first, up_n; /* elements before the verb, nearest first */
    uint32_t lo_first, lo_n; /* elements after the verb, in order */
    bool up_adj, lo_adj;     /* the nearest element touches the verb */
    uint32_t code, code2;
    uint16_t nlit;           /* literal words: more is more specific */
    uint64_t need;           /* bits (id % 64) of its literal words (events.c) */
    uint64_t synneed;        /* bits (id % 64) of its synsets (events.c) */
} ed_pattern;

typedef struct ed_block {
    uint32_t code, code2;
    uint32_t pat_first, pat_n;
} ed_block;

typedef struct ed_synset {
    uint32_t first, n; /* phrases in ed_dict.synphr, sorted by first word */
    uint32_t maxlen;   /* words in its longest phrase */
} ed_synset;

typedef struct ed_slot {
    uint32_t hash; /* the word's hash: a probe reads no word it cannot be */
    uint32_t id1;  /* word id + 1, 0 empty */
} ed_slot;

typedef struct ed_dict {
    /* word table */
    char *strpool;
    size_t str_len, str_cap;
    ed_word *words;
    uint32_t n_words, cap_words;
    ed_slot *slots; /* open addressing, load <= 1/2 */
    uint32_t n_slots;
    uint32_t *wpool;
    size_t wp_len, wp_cap;
    /* phrases by kind */
    ed_phrase *phr[ED_KINDS];
    /* the same phrases' indices, each word's first n2 (two words or more)
     * sorted by second word, then index: a sentence finds the phrases
     * that can start at a token by a binary search on the next token */
    uint32_t *by2[ED_KINDS];
    uint32_t n_phr[ED_KINDS], cap_phr[ED_KINDS];
    ed_actor *actors;
    uint32_t n_actors, cap_actors;
    ed_code *codes;
    uint32_t n_codes, cap_codes;
    ed_agent *agents;
    uint32_t n_agents, cap_agents;
    ed_verb *verbs;
    uint32_t n_verbs, cap_verbs;
    ed_block *blocks;
    uint32_t n_blocks, cap_blocks;
    ed_pattern *pats;
    uint32_t n_pats, cap_pats;
    ed_elem *elems;
    uint32_t n_elems, cap_elems;
    ed_synset *syns;
    uint32_t n_syns, cap_syns;
    ed_phrase *synphr;
    uint32_t n_synphr, cap_synphr;
    /* the second word of by2's phrases, by2w1[k][j] = phr[k][by2[k][j]].w1:
     * the binary search by second word reads one small array */
    uint32_t *by2w1[ED_KINDS];
    /* the third word of by2's phrases (ED_NONE: two words or fewer): the
     * phrases that share a second word are rejected without reading them */
    uint32_t *by2w2[ED_KINDS];
    /* every word's first, n and n2, compact (ed_dict_compact), or NULL */
    ed_wph *wph;
    /* bit w of second[k]: word w is the second word of some phrase of kind
     * k (ed_dict_compact): a phrase search stops there when it is not */
    uint64_t *second[ED_KINDS];
} ed_dict;

/* Load the set in dir (NULL: the built-in copy). On failure *err says
 * which file and line (caller frees). */
td_status ed_dict_load(const char *dir, ed_dict **out, char **err);
void ed_dict_free(ed_dict *d);

/* Fill d->wph and d->second (after the last ed_word_add). TD_EFORMAT
 * (*err says why; caller frees) when a word starts more than 65535
 * phrases of one kind, or the set holds over ED_MAX_WORDS words. */
td_status ed_dict_compact(ed_dict *d, char **err);

/* Intern a word (upper-cased); its id, or ED_NONE when out of memory. */
uint32_t ed_word_add(ed_dict *d, const char *s, size_t len);

/* Word id of s[0..len) (upper-cased ASCII compare), or UINT32_MAX. */
uint32_t ed_word_find(const ed_dict *d, const char *s, size_t len);
/* The same with the word's hash (ed_word_hash) already known. */
uint32_t ed_word_find_h(const ed_dict *d, const char *s, size_t len, uint32_t hash);
/* Eight bytes with ASCII a-z made upper case (SWAR: no carry crosses a
 * byte, since each byte is first cut to 7 bits). */
static inline uint64_t ed_up8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t a = x & ~high;
    uint64_t ge_a = a + (0x80 - 'a') * ones, gt_z = a + (0x80 - 'z' - 1) * ones;
    return x ^ (((ge_a & ~gt_z & ~x) & high) >> 2);
}

static inline uint64_t ed_mix(uint64_t h, uint64_t x)
{
    h = (h ^ x) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

/* A hash of s[0..n) upper-cased, eight bytes at a time; the bytes up to
 * end (end >= s + n) may be read (the last word in one load). */
static inline uint32_t ed_word_hash_in(const char *s, size_t n, const char *end)
{
    uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ull;
    while (n >= 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        h = ed_mix(h, ed_up8(x));
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (end - s >= 8) {
            memcpy(&x, s, 8);
            x &= ~0ull >> (64 - 8 * n); /* the first n bytes */
        } else if (n >= 4) { /* two loads that overlap: the same bytes */
            uint32_t a, b;
            memcpy(&a, s, 4);
            memcpy(&b, s + n - 4, 4);
            x = a | (uint64_t)b << (8 * (n - 4));
        } else if (n >= 2) {
            uint16_t a, b;
            memcpy(&a, s, 2);
            memcpy(&b, s + n - 2, 2);
            x = a | (uint64_t)b << (8 * (n - 2));
        } else if (n == 1) {
            x = (unsigned char)s[0];
        } else
#else
        (void)end;
#endif
        {
            for (size_t i = 0; i < n; i++)
                x |= (uint64_t)(unsigned char)s[i] << (8 * i);
        }
        h = ed_mix(h, ed_up8(x));
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ull;
    return (uint32_t)(h ^ (h >> 32));
}

static inline uint32_t ed_word_hash(const char *s, size_t n)
{
    return ed_word_hash_in(s, n, s + n);
}

static inline const char *ed_str(const ed_dict *d, uint32_t off) { return d->strpool + off; }

#define ED_NONE UINT32_MAX
/* The most words a set may hold: their ids + 1 fit in 20 bits (events.c
 * packs them so); ed_dict_compact fails over it. */
#define ED_MAX_WORDS 0xfffffu

#endif
