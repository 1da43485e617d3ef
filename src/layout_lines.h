/*
 * layout_lines.h - what the layout stage measures on each line of a
 * document (library-internal, shared by layout.c and layout_lines.c).
 *
 * A line's features are computed in one pass over its bytes: word count,
 * capitalisation (headline case), terminal punctuation, sentence breaks,
 * digits, links; and the hashes of its content words (case-folded, without
 * function words) for the lexical overlap between a line and the body.
 * Everything lives in the per-thread scratch arena; nothing is kept.
 */
#ifndef TD_LAYOUT_LINES_H
#define TD_LAYOUT_LINES_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of 64-bit word hashes with counts: open addressing, power-of-two
 * size, key 0 marks an empty slot (hashes are never 0). */
typedef struct td_lay_set {
    uint64_t *keys;
    uint32_t *counts;
    size_t mask; /* size - 1 */
    size_t n;
} td_lay_set;

/* A set with room for at least n keys (load <= 1/2). false on no memory. */
bool td_lay_set_init(td_lay_set *s, td_arena *a, size_t n);
/* Add one occurrence of key (never 0). */
void td_lay_set_add(td_lay_set *s, uint64_t key);
/* Occurrences of key, 0 when absent. */
uint32_t td_lay_set_count(const td_lay_set *s, uint64_t key);

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
    uint32_t w0, wn;    /* content-word hashes: words[w0 .. w0 + wn) */
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
bool td_lay_stop_has(const td_lay_stop *st, uint64_t h);
/* Add h to the set (the table has room: built at init). */
void td_lay_stop_add(td_lay_stop *st, uint64_t h);

/* Measure the line [s, e) of text. Content-word hashes are appended to
 * *words (growing it in a); returns false on no memory. */
bool td_lay_line_measure(const char *text, uint32_t s, uint32_t e, const td_lay_stop *stop,
                         td_arena *a, uint64_t **words, size_t *nwords, size_t *capw,
                         td_lay_line *out);

#endif
