/*
 * pattern.h - one pattern engine for rules kept as data: a thin PCRE2 wrapper.
 *
 * A pattern set holds named macros and numbered rules. Rules are regular
 * expressions (PCRE2 syntax, matched caselessly on bytes) in which
 *   %NAME%   expands to the macro NAME (defined before compiling),
 *   a space  matches one or more spaces,
 * and named groups (?<y>...) carry the parts a caller reads back. Every rule
 * is wrapped in word boundaries: it neither starts nor ends inside a word.
 *
 * td_pattern_compile() compiles each rule once (anchored, JIT) plus the union
 * of all rules (unanchored, JIT), which finds the next place where any rule
 * can start; there every rule whose first byte fits is tried and the
 * longest match wins (ties: the rule added first). Scanning with the union
 * tries every byte and costs about 2 MB/s on a large rule set: callers that
 * can, try td_pattern_longest_at() at chosen token starts instead. The compiled set is
 * shared read-only between threads; per-document match state lives in an
 * arena (td_pattern_state_new), so the engine is reentrant.
 */
#ifndef TD_PATTERN_H
#define TD_PATTERN_H

#include "arena.h"
#include "tidings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct td_pattern_set td_pattern_set;
typedef struct td_pattern_state td_pattern_state;

typedef struct td_pattern_match {
    int rule;     /* index given to td_pattern_add */
    size_t s, e;  /* byte offsets into the subject */
} td_pattern_match;

td_status td_pattern_set_new(td_pattern_set **out);
void td_pattern_set_free(td_pattern_set *ps);

/* Define macro name (copied) as regex (copied); later definitions win. A
 * macro may use macros defined before it. */
td_status td_pattern_define(td_pattern_set *ps, const char *name, const char *regex);
/* Define macro name as an alternation of n literal words (spaces inside a
 * word match one or more spaces), compiled as a trie so that matching
 * costs the length of the word, not the number of words. Words with cs[i]
 * true match only as written; the others caselessly (ASCII). */
td_status td_pattern_define_words(td_pattern_set *ps, const char *name, const char *const *words,
                                  const bool *cs, size_t n);
/* regex with its macros (defined so far) and spaces expanded, into *out
 * (caller frees). */
td_status td_pattern_expand(const td_pattern_set *ps, const char *regex, char **out);
/* Add a rule; rule ids are 0, 1, 2... in the order added (returned in *id). */
td_status td_pattern_add(td_pattern_set *ps, const char *regex, int *id);
/* Compile no union in td_pattern_compile (call before it): for callers
 * that only try rules at chosen places (td_pattern_longest_at/_in,
 * td_pattern_match_at); td_pattern_next then finds nothing. The union is as
 * costly to compile as all the rules together. */
void td_pattern_set_no_union(td_pattern_set *ps);
/* Compile no JIT code for partial matching (call before td_pattern_compile):
 * for sets never asked td_pattern_may_start/_may_follow, whose set-up
 * partial matches then run interpreted (same answers, slower). Saves about
 * half the JIT compile time. */
void td_pattern_set_no_partial(td_pattern_set *ps);
/* The version of the regex engine (PCRE2) into buf: what a cache of
 * set-up answers (td_pattern_may_start, _may_follow) depends on. */
void td_pattern_engine_version(char *buf, size_t n);
/* Expand and compile every rule and the union. On a syntax error *err says
 * which rule and where (caller frees). */
td_status td_pattern_compile(td_pattern_set *ps, char **err);
size_t td_pattern_count(const td_pattern_set *ps);

/* Match state for one document, allocated in arena a. */
td_status td_pattern_state_new(const td_pattern_set *ps, td_arena *a, td_pattern_state **out);

/* The leftmost-longest match in subj[from, len), or false. The match's
 * named groups can be read with td_pattern_group until the next call. */
bool td_pattern_next(td_pattern_state *st, const char *subj, size_t len, size_t from,
                     td_pattern_match *m);
/* The longest match of any rule starting exactly at `at` (rules whose
 * first byte cannot be subj[at] are skipped). This is the cheap entry
 * point for callers that know where matches may start (token starts). */
bool td_pattern_longest_at(td_pattern_state *st, const char *subj, size_t len, size_t at,
                           td_pattern_match *m);
/* Rule sets as bit masks (rules 0..TD_PATTERN_MASK_BITS-1; rules past it
 * are always tried). */
enum { TD_PATTERN_MASK_BITS = 128 };
typedef struct td_pattern_mask {
    uint64_t w[TD_PATTERN_MASK_BITS / 64];
} td_pattern_mask;

/* Which rules may match text that begins with word (a partial match: the
 * word is a prefix of some match; rules are JIT-compiled for it too). For
 * set-up only. */
td_status td_pattern_may_start(const td_pattern_set *ps, const char *word,
                               td_pattern_mask *mask);
/* For each ASCII byte c, next[c]: the rules of mask that may match text
 * that begins with word, one space and c (a partial match, as in
 * td_pattern_may_start). For c up to the space (control bytes, which
 * normalised text rarely holds, and a second space), next[c] is not
 * narrowed by c: every rule of mask that may match word and one space.
 * For set-up only. */
td_status td_pattern_may_follow(const td_pattern_set *ps, const char *word,
                                const td_pattern_mask *mask, td_pattern_mask next[128]);
/* td_pattern_longest_at restricted to the rules in mask (NULL: all). */
bool td_pattern_longest_in(td_pattern_state *st, const td_pattern_mask *mask, const char *subj,
                           size_t len, size_t at, td_pattern_match *m);
/* Run rule `rule` anchored at `at` (its groups become readable); false if
 * it does not match there. */
bool td_pattern_match_at(td_pattern_state *st, int rule, const char *subj, size_t len,
                         size_t at, td_pattern_match *m);
/* The numbers of the groups called name in rule (up to max; the rest 0):
 * look them up once, then read groups with td_pattern_group_at. */
int td_pattern_group_numbers(const td_pattern_set *ps, int rule, const char *name, int *nums,
                             int max);
/* Group number n of the last match: true and [*s, *e) when it took part. */
bool td_pattern_group_at(const td_pattern_state *st, int n, size_t *s, size_t *e);
/* The offsets of the last match: group n < *count took part when
 * ov[2n] != TD_PATTERN_UNSET, as [ov[2n], ov[2n + 1]); NULL (and *count 0)
 * when there is none. Valid until the next match: td_pattern_group_at
 * without a call per group. */
#define TD_PATTERN_UNSET (~(size_t)0)
const size_t *td_pattern_offsets(const td_pattern_state *st, int *count);
/* The named group of the last match: true and [*s, *e) when it took part. */
bool td_pattern_group(const td_pattern_state *st, const char *name, size_t *s, size_t *e);

#endif
