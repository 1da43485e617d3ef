/* test_docdate.c - the publication date (docdate.c): a header date the
 * text contradicts is demoted, one it confirms is kept, datelines are
 * evidence, a JSON input's date is the caller's word, and no day is ever
 * claimed without evidence. The texts are written for this test. */
#include "harness.h"

#include "doc.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static td_doc *run(const char *text, const char *date) { return fx_run(text, date); }

static const char *value_of(const td_doc *doc, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; doc && i < doc->times.n; i++) {
        const td_time *t = TD_VEC_AT(doc->times, td_time, i);
        if (t->span.e - t->span.s == n && memcmp(doc->norm + t->span.s, s, n) == 0)
            return t->value;
    }
    return NULL;
}

static bool has_note(const td_doc *doc, const char *word)
{
    return doc && doc->date.note && strstr(doc->date.note, word);
}

/* The reference case: a 1 January header, a text about the Ukraine war. */
TEST(placeholder_header_contradicted_by_known_event)
{
    td_doc *doc = run(" date 2022-01-01 The minister at a news conference\n"
                      "Russia will deepen ties with its partners, the minister said on Friday.\n"
                      "Trade has shifted since the start of the Ukraine war, he said.\n"
                      "Next year Russia will chair the regional bloc, he said.\n",
                      NULL);
    CHECK(doc != NULL);
    CHECK_STR(doc->date.value, "2022");
    CHECK_INT(doc->date.precision, TD_PREC_YEAR);
    CHECK_STR(doc->date.source, "header");
    CHECK_STR(doc->date.header, "2022-01-01");
    CHECK(has_note(doc, "Ukraine war"));
    CHECK_STR(value_of(doc, "Friday"), "XXXX-WXX-5");
    CHECK_STR(value_of(doc, "Next year"), "2023");
    CHECK(value_of(doc, "2022-01-01") == NULL); /* the header is metadata */
    td_doc_free(doc);
}

TEST(header_contradicted_by_past_date)
{
    /* the header says 5 March; the text speaks of 12 April as past */
    td_doc *doc = run(" date 2022-03-05 Delegates in the hall\n"
                      "The ministers met on 12 April 2022 in Vienna, officials said.\n",
                      NULL);
    CHECK_STR(doc->date.value, "2022");
    CHECK_INT(doc->date.precision, TD_PREC_YEAR);
    CHECK(has_note(doc, "12 April 2022"));
    td_doc_free(doc);
    /* ... and in another year: not even the year is supported */
    doc = run(" date 2021-03-05 Delegates in the hall\n"
              "The ministers met on 12 April 2022 in Vienna, officials said.\n",
              NULL);
    CHECK(doc->date.value == NULL);
    CHECK_INT(doc->date.precision, TD_PREC_UNKNOWN);
    CHECK(has_note(doc, "neither"));
    td_doc_free(doc);
}

TEST(header_contradicted_by_future_date)
{
    /* the header is in the future of a date the text speaks of as future */
    td_doc *doc = run(" date 2022-06-01 The summit venue\n"
                      "Leaders will meet on 3 May 2022 in Rome.\n",
                      NULL);
    CHECK_STR(doc->date.value, "2022");
    CHECK_INT(doc->date.precision, TD_PREC_YEAR);
    CHECK(has_note(doc, "future"));
    td_doc_free(doc);
}

TEST(header_confirmed)
{
    /* the dateline says the same day: kept, with the day */
    td_doc *doc = run(" date 2022-11-18 A photo caption\n"
                      "MOSCOW, Nov 18 (Reuters) - Russia said on Friday it would talk.\n",
                      NULL);
    CHECK_STR(doc->date.value, "2022-11-18");
    CHECK_INT(doc->date.precision, TD_PREC_DAY);
    CHECK_STR(doc->date.source, "header");
    CHECK(has_note(doc, "dateline"));
    CHECK_STR(value_of(doc, "Friday"), "2022-11-18");
    td_doc_free(doc);
    /* consistent with the text's dates: kept */
    doc = run(" date 2022-11-18 A photo caption\n"
              "The talks were held on 2 November 2022, and will resume on 5 December 2022.\n",
              NULL);
    CHECK_STR(doc->date.value, "2022-11-18");
    CHECK_INT(doc->date.precision, TD_PREC_DAY);
    td_doc_free(doc);
}

TEST(header_differs_from_dateline)
{
    /* a year-less dateline and a header that disagree on the day: two
     * witnesses, one of them wrong; only the month both give is kept */
    td_doc *doc = run(" date 2022-11-25 A photo caption\n"
                      "MOSCOW, Nov 18 (Reuters) - Russia said on Friday it would talk.\n",
                      NULL);
    CHECK_STR(doc->date.value, "2022-11");
    CHECK_INT(doc->date.precision, TD_PREC_MONTH);
    CHECK(has_note(doc, "2022-11-25"));
    CHECK(has_note(doc, "disagree"));
    td_doc_free(doc);
    /* a dateline with its year is explicit and settles the day */
    doc = run(" date 2022-11-25 A photo caption\n"
              "MOSCOW, Nov. 18, 2022 (Reuters) - Russia said on Friday it would talk.\n",
              NULL);
    CHECK_STR(doc->date.value, "2022-11-18");
    CHECK_STR(doc->date.source, "dateline");
    CHECK(has_note(doc, "2022-11-25"));
    td_doc_free(doc);
}

TEST(dateline_without_header)
{
    /* Wikinews: title, then the date on its own line */
    td_doc *doc = run("Plant to close\nMarch 01, 2008\nThe plant will close, the firm said.\n",
                      NULL);
    CHECK_STR(doc->date.value, "2008-03-01");
    CHECK_INT(doc->date.precision, TD_PREC_DAY);
    CHECK_STR(doc->date.source, "dateline");
    td_doc_free(doc);
    /* a dateline without a year and nothing else: no day is claimed */
    doc = run("PARIS, August 7 (AFP) --\nThe minister resigned on Friday.\n", NULL);
    CHECK(doc->date.value == NULL);
    CHECK_INT(doc->date.precision, TD_PREC_UNKNOWN);
    td_doc_free(doc);
}

TEST(no_evidence_no_day)
{
    /* dates in the body are not the publication date */
    td_doc *doc = run("The treaty was signed on 12 April 2019, the ministry said.\n", NULL);
    CHECK(doc->date.value == NULL);
    CHECK_INT(doc->date.precision, TD_PREC_UNKNOWN);
    td_doc_free(doc);
}

TEST(input_date_is_the_callers_word)
{
    td_doc *doc = run("The ministers met on 12 April 2022 in Vienna.\n", "2021-03-05");
    CHECK_STR(doc->date.value, "2021-03-05");
    CHECK_STR(doc->date.source, "input");
    CHECK_INT(doc->date.precision, TD_PREC_DAY);
    td_doc_free(doc);
}

int main(void)
{
    if (fx_load(NULL))
        return 1;
    RUN(placeholder_header_contradicted_by_known_event);
    RUN(header_contradicted_by_past_date);
    RUN(header_contradicted_by_future_date);
    RUN(header_confirmed);
    RUN(header_differs_from_dateline);
    RUN(dateline_without_header);
    RUN(no_evidence_no_day);
    RUN(input_date_is_the_callers_word);
    fx_release();
    return DONE();
}
