/* test_pattern.c - the pattern engine: rules tried at a place (longest
 * wins), a set compiled without its union, and td_pattern_may_start (which
 * rules a word can begin, partial matches included, with the rules whose
 * first byte cannot be the word's skipped). */
#include "harness.h"

#include "pattern.h"

#include <stdlib.h>

static td_pattern_set *make(bool no_union, int *ids)
{
    td_pattern_set *ps = NULL;
    if (td_pattern_set_new(&ps) != TD_OK)
        return NULL;
    const char *words[] = {"monday", "tuesday", "May"};
    bool cs[] = {false, false, true};
    char *err = NULL;
    if (td_pattern_define_words(ps, "WD", words, cs, 3) != TD_OK ||
        td_pattern_add(ps, "(?:last|next) (?<wd>%WD%)", &ids[0]) != TD_OK ||
        td_pattern_add(ps, "(?<wd>%WD%)", &ids[1]) != TD_OK ||
        td_pattern_add(ps, "(?:\\d+|a|an) days?", &ids[2]) != TD_OK ||
        td_pattern_add(ps, "(?:the )?(?:first|second) half", &ids[3]) != TD_OK) {
        td_pattern_set_free(ps);
        return NULL;
    }
    if (no_union)
        td_pattern_set_no_union(ps);
    if (td_pattern_compile(ps, &err) != TD_OK) {
        free(err);
        td_pattern_set_free(ps);
        return NULL;
    }
    return ps;
}

TEST(longest_at_without_union)
{
    int id[4];
    td_pattern_set *ps = make(true, id);
    CHECK(ps != NULL);
    if (!ps)
        return;
    td_arena ar;
    td_arena_init(&ar);
    td_pattern_state *st;
    CHECK(td_pattern_state_new(ps, &ar, &st) == TD_OK);
    const char *s = "see you next Monday or in 3 days";
    td_pattern_match m;
    CHECK(!td_pattern_next(st, s, strlen(s), 0, &m)); /* no union: no scanning */
    CHECK(td_pattern_longest_at(st, s, strlen(s), 8, &m));
    CHECK_INT(m.rule, id[0]);
    CHECK_INT(m.e, 19);
    size_t gs, ge;
    CHECK(td_pattern_group(st, "wd", &gs, &ge) && gs == 13 && ge == 19);
    CHECK(td_pattern_longest_at(st, s, strlen(s), 13, &m));
    CHECK_INT(m.rule, id[1]);
    CHECK(td_pattern_longest_at(st, s, strlen(s), 26, &m));
    CHECK_INT(m.rule, id[2]);
    CHECK(!td_pattern_longest_at(st, s, strlen(s), 4, &m)); /* "you" */
    td_arena_release(&ar);
    td_pattern_set_free(ps);
}

TEST(union_kept_by_default)
{
    int id[4];
    td_pattern_set *ps = make(false, id);
    CHECK(ps != NULL);
    if (!ps)
        return;
    td_arena ar;
    td_arena_init(&ar);
    td_pattern_state *st;
    CHECK(td_pattern_state_new(ps, &ar, &st) == TD_OK);
    const char *s = "see you next Monday";
    td_pattern_match m;
    CHECK(td_pattern_next(st, s, strlen(s), 0, &m));
    CHECK_INT(m.s, 8);
    CHECK_INT(m.rule, id[0]);
    td_arena_release(&ar);
    td_pattern_set_free(ps);
}

static uint64_t bits(const td_pattern_set *ps, const char *w)
{
    td_pattern_mask mk;
    if (td_pattern_may_start(ps, w, &mk) != TD_OK)
        return ~0ull;
    return mk.w[0];
}

TEST(may_start)
{
    int id[4];
    td_pattern_set *ps = make(true, id);
    CHECK(ps != NULL);
    if (!ps)
        return;
    uint64_t r0 = 1ull << id[0], r1 = 1ull << id[1], r2 = 1ull << id[2], r3 = 1ull << id[3];
    CHECK_INT(bits(ps, "last"), r0);
    CHECK_INT(bits(ps, "Next"), r0);           /* caseless */
    CHECK_INT(bits(ps, "mon"), r1);            /* a partial match */
    CHECK_INT(bits(ps, "May"), r1);
    CHECK_INT(bits(ps, "may"), 0);             /* case-sensitive word */
    CHECK_INT(bits(ps, "12"), r2);
    CHECK_INT(bits(ps, "a"), r2);
    CHECK_INT(bits(ps, "the"), r3);
    CHECK_INT(bits(ps, "second"), r3);
    CHECK_INT(bits(ps, "xyz"), 0);
    td_pattern_set_free(ps);
}

/* td_pattern_may_follow: which rules of a word's mask may go on after one
 * space with byte c (a case-sensitive word keeps its case; a rule that is
 * whole before the space allows any byte). */
TEST(may_follow)
{
    int id[4];
    td_pattern_set *ps = make(true, id);
    CHECK(ps != NULL);
    if (!ps)
        return;
    uint64_t r0 = 1ull << id[0], r2 = 1ull << id[2], r3 = 1ull << id[3];
    td_pattern_mask all = {{~0ull, ~0ull}}, next[128];
    CHECK(td_pattern_may_follow(ps, "last", &all, next) == TD_OK);
    CHECK_INT(next['m'].w[0], r0);
    CHECK_INT(next['T'].w[0], r0);
    CHECK_INT(next['M'].w[0], r0); /* May */
    CHECK_INT(next['x'].w[0], 0);
    CHECK(td_pattern_may_follow(ps, "the", &all, next) == TD_OK);
    CHECK_INT(next['f'].w[0], r3);
    CHECK_INT(next['s'].w[0], r3);
    CHECK_INT(next['c'].w[0], 0);
    CHECK(td_pattern_may_follow(ps, "12", &all, next) == TD_OK);
    CHECK_INT(next['d'].w[0], r2);
    CHECK_INT(next['1'].w[0], 0);
    CHECK(td_pattern_may_follow(ps, "Monday", &all, next) == TD_OK);
    CHECK_INT(next['x'].w[0], 1ull << id[1]); /* whole at the space */
    td_pattern_mask none = {{0, 0}};
    CHECK(td_pattern_may_follow(ps, "last", &none, next) == TD_OK);
    CHECK_INT(next['m'].w[0], 0); /* only the rules of the mask */
    td_pattern_set_free(ps);
}

/* A rule with a punctuation byte at fixed offsets is skipped where that
 * byte is missing (pattern.c fixed_lit): every offset it can have still
 * matches, and an alternation at the top keeps its other branches. */
TEST(fixed_literal)
{
    td_pattern_set *ps = NULL;
    CHECK(td_pattern_set_new(&ps) == TD_OK);
    if (!ps)
        return;
    td_pattern_set_no_union(ps);
    int id[4];
    char *err = NULL;
    CHECK(td_pattern_define(ps, "Y", "(?:1[5-9]\\d\\d|20\\d\\d)") == TD_OK);
    CHECK(td_pattern_add(ps, "(?<m>1[0-2]|0?[1-9])/(?<d>\\d\\d?)", &id[0]) == TD_OK);
    CHECK(td_pattern_add(ps, "(?<y>%Y%)-\\d\\d", &id[1]) == TD_OK);
    CHECK(td_pattern_add(ps, "(?:a|bc)?(?:[xy]z)?-w", &id[2]) == TD_OK);
    CHECK(td_pattern_add(ps, "q\\d/\\d|q\\d\\d\\d", &id[3]) == TD_OK);
    CHECK(td_pattern_compile(ps, &err) == TD_OK);
    free(err);
    td_arena ar;
    td_arena_init(&ar);
    td_pattern_state *st;
    CHECK(td_pattern_state_new(ps, &ar, &st) == TD_OK);
    static const struct {
        const char *s;
        int rule; /* index into id, -1: no match */
        size_t e;
    } cases[] = {{"3/4", 0, 3},   {"12/4 x", 0, 4}, {"03/14", 0, 5},  {"123/4", -1, 0},
                 {"2024-05", 1, 7}, {"2024 05", -1, 0}, {"-w", 2, 2},   {"a-w", 2, 3},
                 {"bc-w", 2, 4},  {"xz-w", 2, 4},   {"bcyz-w", 2, 6}, {"bc w", -1, 0},
                 {"q123", 3, 4},  {"q1/2", 3, 4},   {"q12", -1, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        td_pattern_match m;
        bool got = td_pattern_longest_at(st, cases[i].s, strlen(cases[i].s), 0, &m);
        CHECK(got == (cases[i].rule >= 0));
        if (got && cases[i].rule >= 0) {
            CHECK_INT(m.rule, id[cases[i].rule]);
            CHECK_INT(m.e, cases[i].e);
        }
    }
    td_arena_release(&ar);
    td_pattern_set_free(ps);
}

int main(void)
{
    RUN(longest_at_without_union);
    RUN(union_kept_by_default);
    RUN(may_start);
    RUN(may_follow);
    RUN(fixed_literal);
    return DONE();
}
