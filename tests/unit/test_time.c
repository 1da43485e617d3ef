/* test_time.c - TIMEX3 tagging and normalisation (time.c, time_norm.c,
 * pattern.c): every news format the stage claims, relative expressions
 * against a known date, tense, durations, sets, references, extents, and
 * the unresolved forms when the date is not known to the day. The texts
 * are written for this test. */
#include "harness.h"

#include "doc.h"
#include "pattern.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static td_doc *run(const char *text, const char *date) { return fx_run(text, date); }

/* The time expression whose text is exactly s, or NULL. */
static const td_time *find(const td_doc *doc, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; doc && i < doc->times.n; i++) {
        const td_time *t = TD_VEC_AT(doc->times, td_time, i);
        if (t->span.e - t->span.s == n && memcmp(doc->norm + t->span.s, s, n) == 0)
            return t;
    }
    return NULL;
}

/* Expect text `s` tagged with type and value in a document of `text`. */
static int expect(const char *text, const char *date, const char *s, td_time_type type,
                  const char *value)
{
    td_doc *doc = run(text, date);
    const td_time *t = find(doc, s);
    int ok = t && t->type == type && t->value && strcmp(t->value, value) == 0;
    if (!ok) {
        fprintf(stderr, "  in \"%s\" (date %s): \"%s\" expected %s %s, got ", text,
                date ? date : "none", s, td_time_type_name(type), value);
        if (t)
            fprintf(stderr, "%s %s\n", td_time_type_name(t->type), t->value ? t->value : "-");
        else {
            fprintf(stderr, "no such span; tagged:");
            for (size_t i = 0; doc && i < doc->times.n; i++) {
                const td_time *x = TD_VEC_AT(doc->times, td_time, i);
                fprintf(stderr, " [%.*s]", (int)(x->span.e - x->span.s), doc->norm + x->span.s);
            }
            fprintf(stderr, "\n");
        }
    }
    td_doc_free(doc);
    return ok;
}

#define D TD_TIME_DATE
#define T TD_TIME_TIME
#define DUR TD_TIME_DURATION
#define SET TD_TIME_SET

TEST(absolute_formats)
{
    const char *day = "2022-11-20";
    CHECK(expect("The talks ended on Nov. 18 in Geneva.", day, "Nov. 18", D, "2022-11-18"));
    CHECK(expect("They met on 18 November 2022 at noon.", day, "18 November 2022", D,
                 "2022-11-18"));
    CHECK(expect("The file is dated 2022-11-18 in the archive.", day, "2022-11-18", D,
                 "2022-11-18"));
    /* 11/18/22: the US convention, month first */
    CHECK(expect("The memo of 11/18/22 was leaked.", day, "11/18/22", D, "2022-11-18"));
    CHECK(expect("It opened on November 18, 2021, in Paris.", day, "November 18, 2021", D,
                 "2021-11-18"));
    CHECK(expect("Sales fell in March 2021.", day, "March 2021", D, "2021-03"));
    CHECK(expect("The plant was built in 1998.", day, "1998", D, "1998"));
    CHECK(expect("Prices doubled in the 1990s.", day, "the 1990s", D, "199"));
}

TEST(dateline)
{
    const char *text = "MOSCOW, Nov 18 (Reuters) - Russia said on Friday it would talk.";
    CHECK(expect(text, "2022-11-18", "Nov 18", D, "2022-11-18"));
    CHECK(expect(text, "2022-11-18", "Friday", D, "2022-11-18"));
}

TEST(relative_to_the_day)
{
    const char *day = "2022-11-18"; /* a Friday */
    CHECK(expect("The minister spoke on Wednesday.", day, "Wednesday", D, "2022-11-16"));
    CHECK(expect("The bill passed last week.", day, "last week", D, "2022-W45"));
    CHECK(expect("Elections are due next year.", day, "next year", D, "2023"));
    CHECK(expect("He arrived two days ago.", day, "two days ago", D, "2022-11-16"));
    CHECK(expect("Talks began earlier this month.", day, "earlier this month", D, "2022-11"));
    CHECK(expect("She called this morning.", day, "this morning", T, "2022-11-18TMO"));
    CHECK(expect("He left yesterday.", day, "yesterday", D, "2022-11-17"));
    CHECK(expect("Prices rose last year.", day, "last year", D, "2021"));
    CHECK(expect("Profit fell in the third quarter.", day, "the third quarter", D, "2022-Q3"));
}

TEST(tense_decides_direction)
{
    /* past tense: "July" in a March article is last July */
    CHECK(expect("The factory closed in July.", "2022-03-10", "July", D, "2021-07"));
    /* future tense: next July */
    CHECK(expect("The factory will close in July.", "2022-03-10", "July", D, "2022-07"));
    /* "in March" in a past-tense sentence of a November article */
    CHECK(expect("The deal was signed in March.", "2022-11-18", "March", D, "2022-03"));
    /* a weekday after a future cue points forward */
    CHECK(expect("The council will vote on Monday.", "2022-11-18", "Monday", D, "2022-11-21"));
}

TEST(durations_sets_refs)
{
    const char *day = "2022-11-18";
    CHECK(expect("The war lasted three years.", day, "three years", DUR, "P3Y"));
    CHECK(expect("A month earlier the mill shut.", day, "A month earlier", DUR, "P1M"));
    CHECK(expect("The trial took 18 months.", day, "18 months", DUR, "P18M"));
    CHECK(expect("It signed a five-year deal.", day, "five-year", DUR, "P5Y"));
    CHECK(expect("Markets meet every Monday.", day, "every Monday", SET, "XXXX-WXX-1"));
    CHECK(expect("The paper appears daily.", day, "daily", SET, "P1D"));
    CHECK(expect("Prices are high now.", day, "now", D, "PRESENT_REF"));
    CHECK(expect("He recently resigned.", day, "recently", D, "PAST_REF"));
    CHECK(expect("We will see in the future.", day, "the future", D, "FUTURE_REF"));
    CHECK(expect("The vote is at 10:30 a.m. Friday.", day, "10:30 a.m. Friday", T,
                 "2022-11-18T10:30"));
}

TEST(extents_follow_timeml)
{
    td_doc *doc = run("He spoke on Friday in the city.", "2022-11-18");
    CHECK(find(doc, "Friday") != NULL);
    CHECK(find(doc, "on Friday") == NULL);
    td_doc_free(doc);
    /* an age is not a duration; money is not a year */
    doc = run("The 6-year-old girl paid $2000 for 1500 tickets.", "2022-11-18");
    CHECK(doc && doc->times.n == 0);
    td_doc_free(doc);
    /* the modal "may" is not May */
    doc = run("Officials may decide soon.", "2022-11-18");
    CHECK(find(doc, "may") == NULL);
    td_doc_free(doc);
}

TEST(unknown_day_stays_unresolved)
{
    /* year only: "Friday" cannot be placed, "Next year" can */
    CHECK(expect("He said on Friday the plan was ready.", "2022", "Friday", D, "XXXX-WXX-5"));
    CHECK(expect("Next year Russia will preside over the union.", "2022", "Next year", D,
                 "2023"));
    CHECK(expect("He left yesterday.", "2022", "yesterday", D, "XXXX-XX-XX"));
    /* no date at all */
    CHECK(expect("It rained on Friday.", NULL, "Friday", D, "XXXX-WXX-5"));
    CHECK(expect("They meet in March.", NULL, "March", D, "XXXX-03"));
}

/* Rules with a need list (time_rules.tsv column 6) are tried only where
 * one of its words follows: words inside hyphenated and possessive tokens,
 * after a period (p.m.) and time zones count. */
TEST(need_filter_words)
{
    const char *day = "2022-11-18";
    CHECK(expect("The vote closed at 5 p.m. on Friday.", day, "5 p.m. on Friday", T,
                 "2022-11-18T17:00"));
    CHECK(expect("It ended at 11 PM.", day, "11 PM", T, "2022-11-18T23:00"));
    CHECK(expect("Trading opens at 9:30 EST.", day, "9:30 EST", T, "2022-11-18T09:30"));
    CHECK(expect("Output rose in the first-quarter.", day, "first-quarter", D, "2022-Q1"));
    CHECK(expect("The quarter's results beat forecasts.", day, "The quarter", D, "2022-Q3"));
    CHECK(expect("Net income rose from the year-earlier period.", day, "the year-earlier period",
                 D, "2021"));
    /* decade needs "s", a run of its own after the digits */
    CHECK(expect("Prices soared in the 1990s.", day, "the 1990s", D, "199"));
    CHECK(expect("They met early today.", day, "early today", D, "2022-11-18"));
}

TEST(pattern_engine)
{
    td_pattern_set *ps;
    CHECK(td_pattern_set_new(&ps) == TD_OK);
    const char *words[] = {"Jan.", "Jan", "January", "May"};
    bool cs[] = {false, false, false, true};
    CHECK(td_pattern_define_words(ps, "M", words, cs, 4) == TD_OK);
    int a, b;
    CHECK(td_pattern_add(ps, "(?<m>%M%) (?<d>\\d+)", &a) == TD_OK);
    CHECK(td_pattern_add(ps, "(?<m>%M%)", &b) == TD_OK);
    char *err = NULL;
    CHECK(td_pattern_compile(ps, &err) == TD_OK);
    td_arena ar;
    td_arena_init(&ar);
    td_pattern_state *st;
    CHECK(td_pattern_state_new(ps, &ar, &st) == TD_OK);
    const char *s = "on january  5 we may meet in May";
    td_pattern_match m;
    CHECK(td_pattern_next(st, s, strlen(s), 0, &m));
    CHECK_INT(m.rule, a); /* the longest rule wins */
    CHECK_INT(m.s, 3);
    CHECK_INT(m.e, 13);
    size_t gs, ge;
    CHECK(td_pattern_group(st, "d", &gs, &ge) && gs == 12 && ge == 13);
    int dn[2], count;
    CHECK(td_pattern_group_numbers(ps, a, "d", dn, 2) == 1);
    const size_t *ov = td_pattern_offsets(st, &count); /* the same, all at once */
    CHECK(ov && dn[0] < count && ov[2 * dn[0]] == 12 && ov[2 * dn[0] + 1] == 13);
    CHECK(td_pattern_next(st, s, strlen(s), m.e, &m));
    CHECK_INT(m.s, 29); /* "may" (lower case) is skipped: May is case-sensitive */
    CHECK(!td_pattern_next(st, s, strlen(s), m.e, &m));
    td_pattern_mask mk;
    CHECK(td_pattern_may_start(ps, "Jan", &mk) == TD_OK);
    CHECK(mk.w[0] == 3);
    CHECK(td_pattern_may_start(ps, "the", &mk) == TD_OK);
    CHECK(mk.w[0] == 0);
    td_arena_release(&ar);
    td_pattern_set_free(ps);
}

int main(void)
{
    if (fx_load(NULL))
        return 1;
    RUN(absolute_formats);
    RUN(dateline);
    RUN(relative_to_the_day);
    RUN(tense_decides_direction);
    RUN(durations_sets_refs);
    RUN(extents_follow_timeml);
    RUN(unknown_day_stays_unresolved);
    RUN(need_filter_words);
    RUN(pattern_engine);
    fx_release();
    return DONE();
}
