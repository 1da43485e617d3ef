/* test_segment.c - tokens and sentences. */
#include "harness.h"

#include "doc.h"
#include "tidings.h"

#include <stdlib.h>
#include <string.h>

static td_resources *res;
static td_pipeline *pl;

static td_doc *run(const char *text)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = strlen(text);
    td_doc *d = NULL;
    if (td_doc_new(&in, &d) != TD_OK || td_pipeline_run(pl, d) != TD_OK)
        return NULL;
    return d;
}

/* The sentences joined by " | ". */
static char *sents(td_doc *d)
{
    static char out[4096];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->sents.n && n < sizeof out - 300; i++) {
        td_sentence *s = TD_DOC_SENT(d, i);
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s", i ? " | " : "",
                              (int)(s->span.e - s->span.s), d->norm + s->span.s);
    }
    return out;
}

/* The tokens of the first sentence joined by spaces. */
static char *toks(td_doc *d)
{
    static char out[4096];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->toks.n && n < sizeof out - 100; i++) {
        td_token *t = TD_DOC_TOK(d, i);
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s", i ? " " : "",
                              (int)(t->span.e - t->span.s), d->norm + t->span.s);
    }
    return out;
}

TEST(abbreviations_do_not_split)
{
    td_doc *d = run("Mr. Smith met Gen. Jones and Sen. Lee in St. Louis on Jan. 5. They spoke.");
    CHECK_STR(sents(d), "Mr. Smith met Gen. Jones and Sen. Lee in St. Louis on Jan. 5. | They spoke.");
    td_doc_free(d);
}

TEST(initialisms_and_initials)
{
    td_doc *d = run("The U.S. and the U.K. agreed. J. R. Smith said so. It was in the U.S. The end.");
    CHECK_STR(sents(d), "The U.S. and the U.K. agreed. | J. R. Smith said so. | It was in the U.S. | The end.");
    td_doc_free(d);
}

TEST(numbers_stay_whole)
{
    td_doc *d = run("It cost $1,000.5 on 2022-11-18, or 11/18/22, at 10:30 in the 1990s.");
    CHECK_STR(toks(d), "It cost $ 1,000.5 on 2022-11-18 , or 11/18/22 , at 10:30 in the 1990s .");
    td_doc_free(d);
}

TEST(clitics_split)
{
    td_doc *d = run("Russia's plan won't fail, the West's can't.");
    CHECK_STR(toks(d), "Russia 's plan wo n't fail , the West 's ca n't .");
    td_doc_free(d);
}

TEST(quote_ends_sentence)
{
    td_doc *d = run("\"We are ready,\" he said. \"It is done.\" She left... Then what? Nothing!");
    CHECK_STR(sents(d), "\xE2\x80\x9CWe are ready,\xE2\x80\x9D he said. | \xE2\x80\x9CIt is done.\xE2\x80\x9D | She left... | Then what? | Nothing!");
    td_doc_free(d);
}

TEST(lines_end_sentences_and_flags)
{
    td_doc *d = run("A headline without a stop\n- a list line\nLast line.");
    CHECK_INT(d->sents.n, 3);
    td_token *t = TD_DOC_TOK(d, 0);
    CHECK(t->flags & TD_TOKF_SENT_START);
    CHECK(t->flags & TD_TOKF_CAP);
    CHECK(t->flags & TD_TOKF_LINE_START);
    td_doc_free(d);
    d = run("NATO and the EU met.");
    CHECK(TD_DOC_TOK(d, 0)->flags & TD_TOKF_ALLCAPS);
    CHECK(!(TD_DOC_TOK(d, 2)->flags & TD_TOKF_ALLCAPS));
    td_doc_free(d);
}

TEST(ellipsis_and_unicode_words)
{
    td_doc *d = run("Zo\xC3\xAB and Fran\xC3\xA7ois \xE2\x80\xA6 left. \xC3\x89mile stayed.");
    CHECK_STR(sents(d), "Zo\xC3\xAB and Fran\xC3\xA7ois \xE2\x80\xA6 left. | \xC3\x89mile stayed.");
    CHECK(TD_DOC_TOK(d, 6)->flags & TD_TOKF_CAP);
    td_doc_free(d);
}

TEST(clitics_caps_and_fast_paths)
{
    /* apostrophes that are not clitics stay inside the word; "'ll", "'re"
     * have theirs 3 bytes from the end */
    td_doc *d = run("O'Neill's team'll win; they're at Bo'ness, rock'n'roll.");
    CHECK_STR(toks(d), "O'Neill 's team 'll win ; they 're at Bo'ness , rock'n'roll .");
    td_doc_free(d);
    /* ALLCAPS with digits and hyphens, mixed case, a non-ASCII capital */
    d = run("G7 and COVID-19 hit NATO's \xC3\x89TATS and McDonald.");
    CHECK(TD_DOC_TOK(d, 0)->flags & TD_TOKF_ALLCAPS);  /* G7 */
    CHECK(TD_DOC_TOK(d, 2)->flags & TD_TOKF_ALLCAPS);  /* COVID-19 */
    CHECK(TD_DOC_TOK(d, 4)->flags & TD_TOKF_ALLCAPS);  /* NATO */
    CHECK(TD_DOC_TOK(d, 6)->flags & TD_TOKF_ALLCAPS);  /* ÉTATS */
    CHECK(TD_DOC_TOK(d, 6)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 8)->flags & TD_TOKF_ALLCAPS)); /* McDonald */
    CHECK(TD_DOC_TOK(d, 8)->flags & TD_TOKF_CAP);
    td_doc_free(d);
    /* more tokens than the reservation (a token a byte): the vector grows */
    char buf[4001];
    for (int i = 0; i < 2000; i++) {
        buf[2 * i] = 'a';
        buf[2 * i + 1] = ',';
    }
    buf[4000] = 0;
    d = run(buf);
    CHECK_INT(d->toks.n, 4000);
    CHECK(TD_DOC_TOK(d, 3999)->span.s == 3999 && TD_DOC_TOK(d, 3999)->span.e == 4000);
    td_doc_free(d);
}

TEST(long_words_cut_whole_with_their_case)
{
    /* words of 16 bytes and more (cut 16 bytes a load): a small letter
     * past the first 16 still makes the word not ALLCAPS; the same words
     * within 16 bytes of the text's end are cut the long way */
    td_doc *d = run("ABCDEFGHIJKLMNOPQRSTUVWXYz ABCDEFGHIJKLMNOPQRSTUVWXYZ Abcdefghijklmnop "
                    "Internationalisation's 0123456789ABCDEFGHIJ pneumonoultramicroscopic, "
                    "ABCDEFGHIJKLMNOz");
    CHECK_STR(toks(d), "ABCDEFGHIJKLMNOPQRSTUVWXYz ABCDEFGHIJKLMNOPQRSTUVWXYZ Abcdefghijklmnop "
                       "Internationalisation 's 0123456789ABCDEFGHIJ pneumonoultramicroscopic , "
                       "ABCDEFGHIJKLMNOz");
    CHECK(TD_DOC_TOK(d, 0)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 0)->flags & TD_TOKF_ALLCAPS));
    CHECK(TD_DOC_TOK(d, 1)->flags & TD_TOKF_ALLCAPS);
    CHECK(TD_DOC_TOK(d, 1)->flags & TD_TOKF_SPACE_BEFORE);
    CHECK(TD_DOC_TOK(d, 2)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 2)->flags & TD_TOKF_ALLCAPS));
    CHECK(TD_DOC_TOK(d, 3)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 4)->flags & TD_TOKF_SPACE_BEFORE)); /* 's */
    CHECK_INT(TD_DOC_TOK(d, 5)->type, TD_TOK_NUM);
    CHECK(!(TD_DOC_TOK(d, 6)->flags & (TD_TOKF_CAP | TD_TOKF_ALLCAPS)));
    CHECK(!(TD_DOC_TOK(d, 7)->flags & TD_TOKF_SPACE_BEFORE)); /* , */
    CHECK(TD_DOC_TOK(d, 8)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 8)->flags & TD_TOKF_ALLCAPS));
    td_doc_free(d);
    /* words read from a 64-byte window of masks loaded at "Aaaa": one that
     * reaches past the window's end (a small letter past it, or none) */
    d = run("Aaaa bbbb cccc dddd eeee ffff gggg hhhh ABCDEFGHIJKLMNOPQRSTUVWXYz "
            "Aaaa bbbb cccc dddd eeee ffff gggg hhhh ABCDEFGHIJKLMNOPQRSTUVWXYZ "
            "and a few more words to read after them.");
    CHECK_STR(d->norm + TD_DOC_TOK(d, 8)->span.s, "ABCDEFGHIJKLMNOPQRSTUVWXYz Aaaa bbbb cccc dddd eeee "
                                                   "ffff gggg hhhh ABCDEFGHIJKLMNOPQRSTUVWXYZ and a few "
                                                   "more words to read after them.");
    CHECK_INT(TD_DOC_TOK(d, 8)->span.e - TD_DOC_TOK(d, 8)->span.s, 26);
    CHECK(TD_DOC_TOK(d, 8)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 8)->flags & TD_TOKF_ALLCAPS));
    CHECK_INT(TD_DOC_TOK(d, 17)->span.e - TD_DOC_TOK(d, 17)->span.s, 26);
    CHECK(TD_DOC_TOK(d, 17)->flags & TD_TOKF_ALLCAPS);
    CHECK(TD_DOC_TOK(d, 9)->flags & TD_TOKF_CAP);
    CHECK(!(TD_DOC_TOK(d, 9)->flags & TD_TOKF_ALLCAPS));
    td_doc_free(d);
}

TEST(combining_marks_stay_with_their_character)
{
    /* U+037E (Greek question mark, NFKC ';') then U+065E (a combining mark):
     * one token, and its base span covers both characters exactly */
    td_doc *d = run("Why\xCD\xBE\xD9\x9E no \xE2\x80\x94\xCC\x81 x");
    CHECK_STR(toks(d), "Why ;\xD9\x9E no \xE2\x80\x94\xCC\x81 x");
    if (d && d->toks.n > 1) {
        td_span b = td_doc_span_to_base(d, TD_DOC_TOK(d, 1)->span);
        CHECK_INT(b.s, 3);
        CHECK_INT(b.e, 7);
    }
    td_doc_free(d);
}

int main(void)
{
    td_options o;
    memset(&o, 0, sizeof o);
    o.skip_lang = true;
    char *err = NULL;
    if (td_resources_load(&o, &res, &err) != TD_OK || td_pipeline_new(res, &pl) != TD_OK) {
        fprintf(stderr, "cannot load: %s\n", err ? err : "?");
        return 1;
    }
    RUN(abbreviations_do_not_split);
    RUN(initialisms_and_initials);
    RUN(numbers_stay_whole);
    RUN(clitics_split);
    RUN(quote_ends_sentence);
    RUN(lines_end_sentences_and_flags);
    RUN(ellipsis_and_unicode_words);
    RUN(clitics_caps_and_fast_paths);
    RUN(long_words_cut_whole_with_their_case);
    RUN(combining_marks_stay_with_their_character);
    td_pipeline_free(pl);
    td_resources_free(res);
    return DONE();
}
