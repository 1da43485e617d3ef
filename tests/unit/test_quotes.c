/* test_quotes.c - the quotes stage: the reference article's 15 attributions
 * (../shared/seed/lavrov.expected.json: 8 direct, 6 reported/mixed in the
 * body, the headline's "Russia says"; not the boilerplate quote), and small
 * texts of our own for each rule: split quotes, multi-paragraph quotes,
 * nested quotes, stray marks, scare quotes and titles, mixed attributions,
 * reported speech constructions, headlines, and speakers (names, surnames,
 * titled mentions, pronouns across sentences and paragraphs, organisations,
 * none).
 *
 * Blocks are laid by hand (one per line), so the test checks this stage
 * and not the layout stage. */
#include "harness.h"

#include "doc.h"
#include "stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LQ "\xe2\x80\x9c" /* “ */
#define RQ "\xe2\x80\x9d" /* ” */
#define AP "\xe2\x80\x99" /* ’ */

/* The seed, byte for byte (shared/seed/lavrov.txt may be copied as a fixture). */
static const char seed[] =
    " date 2022-01-01 Russian Foreign Minister Sergey Lavrov\n"
    "Russia is focusing on enhancing cooperation with countries that have not joined the West" AP
    "s push for sanctions, Foreign Minister Sergey Lavrov said on Friday.\n"
    "A majority of the international community does not support the West" AP "s " LQ "hybrid war" RQ
    " on Moscow because they are guided by their own " LQ "fundamental national interests," RQ
    " Lavrov said at a conference on international cooperation for Russian regions.\n" LQ
    "The modern world is striving for multipolarity," RQ " he said.\n"
    "On the withdrawal of Western firms from Russia since the start of the Ukraine war, he said their exit has created " LQ
    "promising niches" RQ " for companies from " LQ "friendly countries." RQ "\n"
    "He said two-thirds of Russia" AP
    "s regions have interregional agreements with China, while cooperation with Belarus, India, and Middle Eastern nations is also on the rise.\n" LQ
    "It is important to support international projects that contribute to strengthening the technological sovereignty of the country," RQ
    " said Lavrov.\n"
    "He also emphasized the need for the " LQ
    "development of parallel imports, import substitution, preservation of enterprises created with foreign investors, as well as increasing the output of products necessary to fulfill the needs of a special military operation." RQ
    "\n"
    "He said regional cooperation should be increased in Eurasian associations, including the Eurasian Economic Union (EAEU) and the Commonwealth of Independent States.\n" LQ
    "Next year Russia will preside over the EAEU, and \xe2\x80\xa6 will be devoted to building cooperation with third countries and their associations," RQ
    " he said.\n"
    "Russia says enhancing ties with countries that opted out of West's sanctions drive\n"
    "Ukrainians face power outage in Odesa\n"
    "Filipino baby girl becomes world's 8 billionth person\n"
    "Bulgaria detains five for suspected complicity in Istanbul terror attack\n"
    "Heavy coat of snow blankets Ukrainian capital Kyiv\n"
    "'T\xc3\xbc"
    "rkiye brands itself with proactive stance in global crises': Official";

static td_resources *res;

/* One block per line; kinds from a string of letters (b body, t title,
 * p boilerplate, h header); the last letter repeats. */
static void lay_blocks(td_doc *doc, const char *kinds)
{
    size_t a = 0, line = 0, nk = strlen(kinds);
    while (a <= doc->norm_len) {
        size_t e = a;
        while (e < doc->norm_len && doc->norm[e] != '\n')
            e++;
        char k = kinds[line < nk ? line : nk - 1];
        td_block *b = td_vec_push(&doc->arena, &doc->blocks, sizeof *b);
        b->kind = k == 't'   ? TD_BLOCK_TITLE
                  : k == 'p' ? TD_BLOCK_BOILERPLATE
                  : k == 'h' ? TD_BLOCK_HEADER
                             : TD_BLOCK_BODY;
        b->span = td_span_make((uint32_t)a, (uint32_t)e);
        a = e + 1;
        line++;
    }
}

/* normalize, hand-laid blocks, segment, (entities,) quotes. */
static td_doc *run_ex(const char *text, const char *kinds, bool entities)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = strlen(text);
    td_doc *doc = NULL;
    if (td_doc_new(&in, &doc) != TD_OK)
        return NULL;
    td_stage_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.res = res;
    td_arena_init(&ctx.scratch);
    td_status st = td_normalize_run(&ctx, doc);
    doc->blocks.n = 0;
    lay_blocks(doc, kinds);
    doc->sents.n = doc->toks.n = 0;
    if (st == TD_OK)
        st = td_segment_run(&ctx, doc);
    td_arena_reset(&ctx.scratch);
    if (st == TD_OK && entities)
        st = td_entities_run(&ctx, doc);
    td_arena_reset(&ctx.scratch);
    if (st == TD_OK)
        st = td_quotes_run(&ctx, doc);
    td_stage_ctx_release(&ctx);
    if (st != TD_OK) {
        td_doc_free(doc);
        return NULL;
    }
    return doc;
}

static td_doc *run(const char *text) { return run_ex(text, "b", false); }

static bool span_is(const td_doc *d, td_span sp, const char *text)
{
    size_t l = sp.e - sp.s;
    return strlen(text) == l && memcmp(d->norm + sp.s, text, l) == 0;
}

/* The quote of kind k whose span text is `text` (k < 0: any kind). */
static const td_quote *find(const td_doc *d, int k, const char *text)
{
    for (size_t i = 0; d && i < d->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(d->quotes, td_quote, i);
        if ((k < 0 || (int)q->kind == k) && span_is(d, q->span, text))
            return q;
    }
    return NULL;
}

/* The quote of kind k whose span starts with `prefix`. */
static const td_quote *find_prefix(const td_doc *d, int k, const char *prefix)
{
    for (size_t i = 0; d && i < d->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(d->quotes, td_quote, i);
        size_t l = strlen(prefix);
        if ((k < 0 || (int)q->kind == k) && q->span.e - q->span.s >= l &&
            memcmp(d->norm + q->span.s, prefix, l) == 0)
            return q;
    }
    return NULL;
}

static void dump(const td_doc *d)
{
    for (size_t i = 0; d && i < d->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(d->quotes, td_quote, i);
        fprintf(stderr, "  [%s] \"%.*s\" spk=\"%.*s\"/%s cue=\"%.*s\"\n",
                td_quote_kind_name(q->kind), (int)(q->span.e - q->span.s), d->norm + q->span.s,
                (int)(q->speaker_span.e - q->speaker_span.s), d->norm + q->speaker_span.s,
                q->speaker_name ? q->speaker_name : "(null)", (int)(q->cue.e - q->cue.s),
                d->norm + q->cue.s);
    }
}

/* The direct quote "text" (ending in a comma), or the same without that
 * comma: a quotation's closing comma may or may not be in its span. */
static const td_quote *find_direct_comma(const td_doc *d, const char *text)
{
    const td_quote *q = find(d, TD_QUOTE_DIRECT, text);
    if (!q) {
        char t[256];
        snprintf(t, sizeof t, "%.*s", (int)strlen(text) - 1, text);
        q = find(d, TD_QUOTE_DIRECT, t);
    }
    return q;
}

/* The end of a case: its quotes on standard error when a check of it
 * failed, and the document freed. */
static void done(td_doc *d)
{
    if (th_cur_failed)
        dump(d);
    td_doc_free(d);
}

static size_t count_kind(const td_doc *d, td_quote_kind k)
{
    size_t n = 0;
    for (size_t i = 0; d && i < d->quotes.n; i++)
        n += TD_VEC_AT(d->quotes, td_quote, i)->kind == k;
    return n;
}

TEST(seed_attributions)
{
    td_doc *d = run_ex(seed, "hbbbbbbbbbtp", false);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(d->quotes.n, 15);
    CHECK_INT(count_kind(d, TD_QUOTE_DIRECT), 8);
    CHECK_INT(count_kind(d, TD_QUOTE_MIXED), 3);
    CHECK_INT(count_kind(d, TD_QUOTE_REPORTED), 4);
    const char *direct[] = {"hybrid war", "fundamental national interests",
                            "The modern world is striving for multipolarity", "promising niches",
                            "friendly countries."};
    for (size_t i = 0; i < sizeof direct / sizeof *direct; i++)
        CHECK(find(d, TD_QUOTE_DIRECT, direct[i]) != NULL);
    CHECK(find_prefix(d, TD_QUOTE_DIRECT, "Next year Russia will preside") != NULL);
    CHECK(find_prefix(d, TD_QUOTE_REPORTED, "Russia is focusing on") != NULL);
    CHECK(find_prefix(d, TD_QUOTE_MIXED, "A majority of the international") != NULL);
    CHECK(find_prefix(d, TD_QUOTE_MIXED, "the need for the") != NULL);
    for (size_t i = 0; i < d->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(d->quotes, td_quote, i);
        CHECK(q->has_speaker && q->speaker_name && q->has_cue);
        bool head = span_is(d, q->span,
                            "enhancing ties with countries that opted out of West's "
                            "sanctions drive");
        CHECK_STR(q->speaker_name, head ? "Russia" : "Sergey Lavrov");
        CHECK(!span_is(d, q->span,
                       "T\xc3\xbcrkiye brands itself with proactive stance in global "
                       "crises"));
    }
    const td_quote *he = find(d, TD_QUOTE_DIRECT, "The modern world is striving for multipolarity");
    CHECK(he && span_is(d, he->speaker_span, "he") && span_is(d, he->cue, "said"));
    const td_quote *emph = find_prefix(d, TD_QUOTE_MIXED, "the need for the");
    CHECK(emph && span_is(d, emph->cue, "emphasized"));
    done(d);
}

/* "X," he said, "Y." is one attribution whose spans hold both pieces. */
TEST(split_quote)
{
    td_doc *d = run(LQ "We will win," RQ " she said, " LQ "and we will win by a wide margin." RQ);
    CHECK(d != NULL);
    CHECK_INT(d ? d->quotes.n : 0, 1);
    const td_quote *q = d && d->quotes.n ? TD_VEC_AT(d->quotes, td_quote, 0) : NULL;
    CHECK(q && q->kind == TD_QUOTE_DIRECT);
    CHECK(q && q->spans.n == 2);
    if (q && q->spans.n == 2) {
        CHECK(span_is(d, *TD_VEC_AT(q->spans, td_span, 0), "We will win"));
        CHECK(span_is(d, *TD_VEC_AT(q->spans, td_span, 1), "and we will win by a wide margin."));
        CHECK(span_is(d, q->speaker_span, "she"));
    }
    td_doc_free(d);
    /* split over a full stop: "X," Kim said. "Y. Z." */
    d = run(LQ "The bridge is safe," RQ " Mayor Ann Ortiz said on Tuesday. " LQ
               "Engineers checked it twice. They found nothing." RQ);
    q = d && d->quotes.n ? TD_VEC_AT(d->quotes, td_quote, 0) : NULL;
    CHECK_INT(d ? d->quotes.n : 0, 1);
    CHECK(q && q->spans.n == 2);
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ann Ortiz") == 0);
    done(d);
}

/* A quote over paragraphs: opened again at each, closed only at the end. */
TEST(multi_paragraph_quote)
{
    td_doc *d = run("Mayor Ann Ortiz said: " LQ "The budget is balanced for the first time.\n" LQ
                    "We have no debt, and we will keep it that way." RQ "\nThe council met later.");
    CHECK_INT(d ? d->quotes.n : 0, 1);
    const td_quote *q = d && d->quotes.n ? TD_VEC_AT(d->quotes, td_quote, 0) : NULL;
    CHECK(q && q->kind == TD_QUOTE_DIRECT && q->spans.n == 2);
    CHECK(q && span_is(d, q->cue, "said"));
    if (q && q->spans.n == 2)
        CHECK(span_is(d, *TD_VEC_AT(q->spans, td_span, 1),
                      "We have no debt, and we will keep it that way."));
    done(d);
}

/* A quote inside a quote stays inside: one attribution. */
TEST(nested_quote)
{
    td_doc *d = run(LQ "He told me "
                       "\xe2\x80\x98"
                       "never again" AP ", and I believed him," RQ " Paul Berg said.");
    CHECK_INT(d ? d->quotes.n : 0, 1);
    const td_quote *q = find_prefix(d, TD_QUOTE_DIRECT, "He told me");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Paul Berg") == 0);
    done(d);
}

/* The opening mark at every token offset modulo 4 (the mark scan looks at
 * four tokens a step), and a mark among the last tokens of a document. */
TEST(marks_at_every_offset)
{
    char text[512];
    for (int k = 0; k < 8; k++) {
        size_t n = 0;
        for (int j = 0; j < k; j++)
            n += (size_t)snprintf(text + n, sizeof text - n, "Hi there. ");
        snprintf(text + n, sizeof text - n, "%s", LQ "We will win the vote," RQ " Paul Berg said.");
        td_doc *d = run(text);
        const td_quote *q = find(d, TD_QUOTE_DIRECT, "We will win the vote");
        CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Paul Berg") == 0);
        td_doc_free(d);
    }
    td_doc *d = run("Paul Berg said: " LQ "We win." RQ);
    CHECK(find(d, TD_QUOTE_DIRECT, "We win.") != NULL);
    td_doc_free(d);
}

/* Stray and unbalanced marks: nothing crashes, nothing runs past its line. */
TEST(stray_marks)
{
    td_doc *d = run("Officials " LQ " gave no numbers.\nThe plan " RQ " failed.\n" LQ "Fine," RQ
                    " the clerk said.");
    CHECK(d != NULL);
    CHECK_INT(d ? d->quotes.n : 0, 1);
    CHECK(find(d, TD_QUOTE_DIRECT, "Fine") != NULL);
    done(d);
    /* a pathological line: thousands of opening marks, then speech */
    size_t n = 3000;
    char *big = malloc(n * 4 + 100);
    CHECK(big != NULL);
    if (!big)
        return;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(big + k, LQ " ", 4);
        k += 4;
    }
    strcpy(big + k, "\nShe said the vote was close.");
    d = run(big);
    CHECK(d != NULL);
    CHECK(find(d, TD_QUOTE_REPORTED, "the vote was close") != NULL);
    td_doc_free(d);
    free(big);
}

/* Scare quotes and titles with no speech around them are not speech. */
TEST(scare_quotes_and_titles)
{
    td_doc *d = run("The so-called " LQ "peace plan" RQ " was on the table for weeks.\n"
                    "She watched " LQ "The Long Winter" RQ " on Sunday.");
    CHECK_INT(d ? d->quotes.n : 0, 0);
    done(d);
}

/* Reported speech holding a quoted fragment: one mixed item, and the
 * fragment again as a direct item with the same speaker. */
TEST(mixed_attribution)
{
    td_doc *d =
        run("Senator Rosa Vale said the deal was a " LQ "historic mistake" RQ " for the country.");
    const td_quote *m = find_prefix(d, TD_QUOTE_MIXED, "the deal was a");
    const td_quote *f = find(d, TD_QUOTE_DIRECT, "historic mistake");
    CHECK(m != NULL);
    CHECK(f != NULL);
    CHECK(m && f && m->speaker_name && f->speaker_name &&
          strcmp(m->speaker_name, "Rosa Vale") == 0 && strcmp(f->speaker_name, "Rosa Vale") == 0);
    done(d);
}

TEST(reported_constructions)
{
    td_doc *d = run("Prime Minister Jane Holm said that taxes would fall next year.\n"
                    "Exports will grow in the spring, the ministry said.\n"
                    "According to the report, imports rose sharply in May.\n"
                    "Holm told reporters the plan was final.\n"
                    "Holm also emphasized the need for new roads.\n"
                    "It is said that the river floods every spring.");
    const td_quote *q = find(d, TD_QUOTE_REPORTED, "taxes would fall next year");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Jane Holm") == 0);
    q = find(d, TD_QUOTE_REPORTED, "Exports will grow in the spring");
    CHECK(q && span_is(d, q->speaker_span, "the ministry") && q->speaker_entity == 0);
    q = find(d, TD_QUOTE_REPORTED, "imports rose sharply in May");
    CHECK(q && span_is(d, q->cue, "According to") && span_is(d, q->speaker_span, "the report"));
    q = find(d, TD_QUOTE_REPORTED, "the plan was final");
    CHECK(q && span_is(d, q->cue, "told") && q->speaker_name &&
          strcmp(q->speaker_name, "Jane Holm") == 0); /* the surname's full name */
    q = find(d, TD_QUOTE_REPORTED, "the need for new roads");
    CHECK(q && span_is(d, q->cue, "emphasized"));
    CHECK(find_prefix(d, -1, "the river") == NULL); /* passive: no speaker, no attribution */
    CHECK_INT(d ? d->quotes.n : 0, 5);
    done(d);
}

/* A headline's attribution ("Norway says ...") with the country speaking. */
TEST(headline)
{
    td_doc *d =
        run_ex("Norway says oil output will rise next year\nThe fields are old.", "tb", false);
    const td_quote *q = find(d, TD_QUOTE_REPORTED, "oil output will rise next year");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Norway") == 0);
    CHECK(q && span_is(d, q->cue, "says"));
    td_doc_free(d);
    /* boilerplate is never read */
    d = run_ex("Norway says oil output will rise\n'Oil is back': Official", "tp", false);
    CHECK_INT(d ? d->quotes.n : 0, 1);
    td_doc_free(d);
}

/* Speakers: pronouns across sentences and paragraphs (by gender), titled
 * mentions, surnames, never a pronoun as a name. */
TEST(speakers)
{
    td_doc *d = run(LQ "Yes," RQ " Mr. Paul Berg said. " LQ "No," RQ " Ms. Ada Kim said.\n"
                       "Later she said the vote was close.\n"
                       "He said the count would go on.\n"
                       "Defence Minister Olaf Brand said the army was ready. "
                       "The minister said reserves were called.\n"
                       "They said the roads were closed.\n"
                       "According to him, the rally was large.");
    const td_quote *q = find(d, TD_QUOTE_REPORTED, "the vote was close");
    CHECK(q && span_is(d, q->speaker_span, "she") && q->speaker_name &&
          strcmp(q->speaker_name, "Ada Kim") == 0);
    q = find(d, TD_QUOTE_REPORTED, "the count would go on");
    CHECK(q && span_is(d, q->speaker_span, "He") && q->speaker_name &&
          strcmp(q->speaker_name, "Paul Berg") == 0);
    q = find(d, TD_QUOTE_REPORTED, "reserves were called");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Olaf Brand") == 0);
    q = find(d, TD_QUOTE_REPORTED, "the rally was large");
    CHECK(q && span_is(d, q->speaker_span, "him") && q->speaker_name &&
          strcmp(q->speaker_name, "Olaf Brand") == 0);
    q = find(d, TD_QUOTE_REPORTED, "the roads were closed");
    CHECK(q && span_is(d, q->speaker_span, "They") && q->speaker_name == NULL);
    for (size_t i = 0; d && i < d->quotes.n; i++) {
        const char *n = TD_VEC_AT(d->quotes, td_quote, i)->speaker_name;
        CHECK(!n || (strcmp(n, "he") && strcmp(n, "she") && strcmp(n, "He") && strcmp(n, "They") &&
                     strcmp(n, "they")));
    }
    done(d);
}

/* Newspapers' doubled apostrophes, and an inverted cue. */
TEST(doubled_apostrophes_and_inversion)
{
    td_doc *d = run("''We are ready for the storm,'' said Chief Ana Ruiz of the fire service.");
    const td_quote *q = find(d, TD_QUOTE_DIRECT, "We are ready for the storm");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ana Ruiz") == 0);
    done(d);
}

/* Inverted cues before a role and a name, or a party in parentheses; a
 * possessive before the speaker's name. */
TEST(inverted_roles_and_possessives)
{
    td_doc *d = run(LQ "The bridge will not open this year," RQ
                    " said county transport planner Ada Moss. " LQ "We need more steel." RQ);
    const td_quote *q = find_prefix(d, TD_QUOTE_DIRECT, "The bridge will not open");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ada Moss") == 0);
    CHECK(q && q->spans.n == 2);
    td_doc_free(d);
    d = run(LQ "The vote was close," RQ " said Sen. Paul Dorn (D-Ore.). " LQ "Too close." RQ);
    q = find_prefix(d, TD_QUOTE_DIRECT, "The vote was close");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Paul Dorn") == 0);
    td_doc_free(d);
    d = run(LQ "Prices will fall by spring," RQ " the bank" AP "s Nora Vance said.");
    q = find_prefix(d, TD_QUOTE_DIRECT, "Prices will fall by spring");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Nora Vance") == 0);
    td_doc_free(d);
    d = run(LQ "The port stays shut," RQ " Harbour deputy director Ines Kahl told reporters in Lima. " LQ
            "Nothing moves." RQ);
    q = find_prefix(d, TD_QUOTE_DIRECT, "The port stays shut");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ines Kahl") == 0 && q->spans.n == 2);
    done(d);
}

/* NYT triple apostrophes: an inner quote closing with the outer one. */
TEST(triple_apostrophes)
{
    td_doc *d = run("''People keep telling me, 'the river is safe,''' said Omar Reyes, a boatman.");
    const td_quote *q = find_prefix(d, TD_QUOTE_DIRECT, "People keep telling me");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Omar Reyes") == 0);
    done(d);
}

/* "as X put it", and a signature dash after a closed sentence. */
TEST(put_it_and_signatures)
{
    td_doc *d = run("As the harbour master Lena Ortiz put it, " LQ "the tide waits for nobody." RQ);
    const td_quote *q = find_prefix(d, TD_QUOTE_DIRECT, "the tide waits");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Lena Ortiz") == 0);
    td_doc_free(d);
    d = run("Readers wrote in.\n" LQ "The new park is a delight for my children." RQ
            " \xe2\x80\x95 Maria Costa\nMore news follows.");
    q = find_prefix(d, TD_QUOTE_DIRECT, "The new park is a delight");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Maria Costa") == 0);
    done(d);
}

/* The head of a subject with a prepositional phrase speaks; an -ing cue
 * after a leading adjunct takes the sentence's subject. */
TEST(subject_heads)
{
    td_doc *d = run("Fishermen in Peru's Paracas Bay say the catch is " LQ "the worst in memory." RQ);
    const td_quote *q = find(d, TD_QUOTE_DIRECT, "the worst in memory.");
    CHECK(q && span_is(d, q->speaker_span, "Fishermen"));
    td_doc_free(d);
    d = run("In a speech on Monday, Ivo Brandt attacked the budget, saying it was " LQ
            "a gift to the rich." RQ);
    q = find(d, TD_QUOTE_DIRECT, "a gift to the rich.");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ivo Brandt") == 0);
    done(d);
}

/* "they" takes the last organisation or group that spoke, nearby only. */
TEST(they_resolves_to_group)
{
    td_doc *d = run("The dockers" AP " union said the strike would go on. They said the offer was " LQ
                    "an insult to every worker." RQ);
    const td_quote *q = find(d, TD_QUOTE_DIRECT, "an insult to every worker.");
    CHECK(q && span_is(d, q->speaker_span, "They") && q->speaker_name &&
          strcmp(q->speaker_name, "They") != 0 && strstr(q->speaker_name, "union"));
    td_doc_free(d);
    d = run("The union said the strike would go on. The weather was cold. The roads were icy. "
            "Trains were late. Buses stopped. They said it was " LQ "a bad week for all." RQ);
    q = find(d, TD_QUOTE_DIRECT, "a bad week for all.");
    CHECK(q && q->speaker_name == NULL);
    done(d);
}

/* A name and a colon inside a line introduce a quotation. */
TEST(colon_after_name)
{
    td_doc *d = run("The drop in sales did not surprise the grocer Tomas Weller: " LQ
                    "People buy less when bread costs more." RQ);
    const td_quote *q = find(d, TD_QUOTE_DIRECT, "People buy less when bread costs more.");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Tomas Weller") == 0 &&
          span_is(d, q->cue, ":"));
    td_doc_free(d);
    /* no name before the colon: not speech */
    d = run("It was all in the notice: " LQ "Closed for the winter season." RQ);
    CHECK(d && d->quotes.n == 0);
    done(d);
}

/* A title in quote marks before the speaker is no quotation: the content
 * is what follows the cue. */
TEST(title_before_speaker)
{
    td_doc *d = run("On Radio Nine" AP "s " LQ "Morning Report," RQ
                    " Ana Silva said the port would reopen in " LQ "two or three weeks." RQ);
    const td_quote *q = find_prefix(d, TD_QUOTE_MIXED, "the port would reopen");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ana Silva") == 0);
    CHECK(find(d, -1, "Morning Report") == NULL);
    td_doc_free(d);
    d = run("On " LQ "Evening Talk" RQ " on Sunday, she said, " LQ
            "We will not close the clinic." RQ);
    q = find(d, TD_QUOTE_DIRECT, "We will not close the clinic.");
    CHECK(q != NULL);
    CHECK(find_prefix(d, -1, "On") == NULL);
    done(d);
}

/* "however", "meanwhile" between the speaker and the cue. */
TEST(adverb_before_cue)
{
    td_doc *d = run("Ruth Okafor however said the bridge would stay " LQ "closed until further notice." RQ);
    const td_quote *q = find_prefix(d, TD_QUOTE_MIXED, "the bridge would stay");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ruth Okafor") == 0);
    done(d);
}

/* A comma or a dash after the last quotation ends a mixed content: the
 * tail is the writer's circumstance, not the speaker's words. */
TEST(comma_tail_after_quote)
{
    static const char *texts[] = {
        "Mayor Ann Lee said the new tower was " LQ "a disaster," RQ " hours after the council vote.",
        "Mayor Ann Lee said the new tower was " LQ "a disaster" RQ ", hours after the council vote.",
        "Mayor Ann Lee said the new tower was " LQ "a disaster" RQ " -- hours after the council vote.",
    };
    for (int k = 0; k < 3; k++) {
        td_doc *d = run(texts[k]);
        const td_quote *q = find_prefix(d, TD_QUOTE_MIXED, "the new tower was");
        CHECK(q != NULL);
        if (q) {
            const char *t = d->norm + q->span.s;
            size_t l = q->span.e - q->span.s;
            /* ends at the quotation (a comma left before its mark is
             * punctuation, not a token) */
            while (l > 0 && t[l - 1] == ',')
                l--;
            CHECK(l >= 8 && memcmp(t + l - 8, "disaster", 8) == 0);
        }
        if (th_cur_failed)
            dump(d);
        td_doc_free(d);
    }
    /* no comma: the content runs on */
    td_doc *d = run("Mayor Ann Lee said the plan would " LQ "bomb the budget" RQ " for a decade.");
    CHECK(find(d, TD_QUOTE_MIXED, "the plan would " LQ "bomb the budget" RQ " for a decade") != NULL);
    done(d);
}

/* A name opening its sentence speaks past an appositive of any shape; an
 * age before the appositive is skipped too. */
TEST(long_appositive_at_sentence_start)
{
    td_doc *d = run("Nadia Brook, clad in a green coat with a badge that read Vote, said the count was "
                    LQ "far too slow" RQ " in the east.");
    const td_quote *q = find_prefix(d, TD_QUOTE_MIXED, "the count was");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Nadia Brook") == 0);
    done(d);
    d = run("Later on, Tom Reyes, 44, a ferry pilot from the harbour district, said the river was "
            LQ "never this low" RQ " before.");
    q = find_prefix(d, TD_QUOTE_MIXED, "the river was");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Tom Reyes") == 0);
    /* the subject is no content */
    CHECK(find_prefix(d, -1, "Later on") == NULL);
    done(d);
}

/* An inverted speaker never ends in a determiner: "..., said the plan
 * needed the “...”" has no speaker after the cue. */
TEST(inverted_speaker_not_a_clause)
{
    td_doc *d = run("Ann Lee, author of " LQ "Rivers," RQ " a history of the delta, said the plan needed the " LQ
                    "full support of the council" RQ " soon.");
    for (size_t i = 0; d && i < d->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(d->quotes, td_quote, i);
        CHECK(!span_is(d, q->speaker_span, "the plan needed the"));
    }
    done(d);
}

/* A cue set off by commas inside the content: the content goes on after
 * it, also after "that" or an adjunct word ("while"). */
TEST(parenthetical_cue)
{
    td_doc *d = run("The bridge is so old, the engineer said, that a heavy truck could " LQ "bring it down" RQ
                    " any day.");
    CHECK(find_prefix(d, -1, "The bridge is so old") != NULL);
    const td_quote *q = find_prefix(d, -1, "The bridge is so old");
    CHECK(q && q->spans.n == 2);
    done(d);
    /* a base-form cue ("think") later in the sentence is no attribution of its own */
    d = run("The harbour plan, says Ida Moss, a planner, is what the town needs (think of the old "
            "docks) and more.");
    q = find_prefix(d, -1, "The harbour plan");
    CHECK(q && q->spans.n == 2);
    done(d);
}

/* A lead-in ending in a colon before the quotation that ends the content
 * is the writer's: the content is the quotation alone. */
TEST(colon_lead_in)
{
    td_doc *d = run("Mayor Ann Lee backed the plan, telling the council: " LQ "The tower will not be built." RQ);
    CHECK(find(d, TD_QUOTE_DIRECT, "The tower will not be built.") != NULL);
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 0);
    done(d);
    /* words after the quotation: the lead-in stays */
    d = run("Mayor Ann Lee said her view was this: " LQ "no tower" RQ " and no new road.");
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 1);
    done(d);
}

/* The content of "X said ..." stops before another cue clause: after a
 * conjunction and a new pronoun subject, and after a comma left inside a
 * closing mark. */
TEST(content_stops_at_next_clause)
{
    td_doc *d = run("Ann Lee said the old pier was " LQ "unsafe for anyone" RQ
                    " but she said the new one would open in the summer.");
    const td_quote *q = find_prefix(d, TD_QUOTE_MIXED, "the old pier was");
    CHECK(q != NULL);
    CHECK(q && q->span.e <= (uint32_t)(strstr(d->norm, " but she") - d->norm));
    done(d);
    d = run("Ann Lee said the old pier was " LQ "unsafe," RQ " noting that two boats had sunk there in " LQ
            "the last storm." RQ);
    q = find_prefix(d, TD_QUOTE_MIXED, "the old pier was");
    CHECK(q && q->span.e <= (uint32_t)(strstr(d->norm, " noting") - d->norm));
    done(d);
}

/* An -ing cue after a comma takes the sentence's subject also after a
 * one-word adverb ("Then he ..., calling"). */
TEST(ing_cue_after_adverb_subject)
{
    td_doc *d = run("Nadia Brook spoke first.\nThen she turned to the mayor, calling him " LQ
                    "a man of no plan" RQ " in front of the crowd.");
    const td_quote *q = find(d, TD_QUOTE_DIRECT, "a man of no plan");
    CHECK(q && span_is(d, q->speaker_span, "she"));
    done(d);
}

/* After a quotation, a name with a long appositive, or with a role word
 * before it, still speaks. */
TEST(speaker_after_quotation)
{
    td_doc *d = run(LQ "The river has never been this low," RQ
                    " Tom Reyes, a ferry pilot, one of the few still working the delta, said.");
    const td_quote *q = find_direct_comma(d, "The river has never been this low,");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Tom Reyes") == 0);
    done(d);
    d = run(LQ "The river has never been this low," RQ " Harbourline co-founder Ida Moss told reporters.");
    q = find_direct_comma(d, "The river has never been this low,");
    CHECK(q && q->speaker_name && strstr(q->speaker_name, "Ida Moss") != NULL);
    done(d);
}

/* A short lead-in ending in a comma before a quotation that opens with a
 * capital and ends the content is the cue's object or adjunct: the content
 * is the quotation alone. With "that" or a clause of its own it stays. */
TEST(comma_lead_in)
{
    td_doc *d = run("Mayor Ann Lee turned to the crowd, telling the old fishermen, " LQ
                    "The harbour will stay open." RQ);
    CHECK(find(d, TD_QUOTE_DIRECT, "The harbour will stay open.") != NULL);
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 0);
    done(d);
    d = run("Ann Lee said that after the storm, " LQ "We will rebuild the pier." RQ);
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 1);
    done(d);
    d = run("Ann Lee said she was thinking, " LQ "This cannot last." RQ);
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 1);
    done(d);
}

/* The speaker after a quotation: past an appositive whose name follows a
 * preposition ("the mayor of Dunmore, one of ...") and past lower-case role
 * words before the name ("harbour safety expert Ida Moss"). */
TEST(speaker_after_quotation_roles)
{
    td_doc *d = run(LQ "The ferry will run again by spring," RQ
                    " Tom Reyes, the harbour master of Dunmore, one of the towns on the delta, said on Monday.");
    const td_quote *q = find_direct_comma(d, "The ferry will run again by spring,");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Tom Reyes") == 0);
    done(d);
    d = run(LQ "The ferry will run again by spring," RQ " harbour safety expert Ida Moss wrote on Monday.");
    q = find_direct_comma(d, "The ferry will run again by spring,");
    CHECK(q && q->speaker_name && strstr(q->speaker_name, "Ida Moss") != NULL);
    done(d);
}

/* An -ing cue after a comma takes the sentence's subject, not a name in an
 * appositive or adjunct before it; the subject is found after "And then"
 * and after "Here in X,"; a sentence that opens with a quotation takes the
 * speaker just before. */
TEST(ing_cue_subjects)
{
    td_doc *d = run("Here in Dunmore, Ann Lee turned to the harbour, saying, " LQ
                    "The ferry will run again by spring." RQ);
    const td_quote *q = find(d, TD_QUOTE_DIRECT, "The ferry will run again by spring.");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ann Lee") == 0);
    CHECK(q && span_is(d, q->cue, "saying"));
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 0);
    done(d);
    d = run("And then Ann Lee went on the attack, saying, " LQ "The ferry was never safe." RQ);
    q = find(d, TD_QUOTE_DIRECT, "The ferry was never safe.");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ann Lee") == 0);
    done(d);
    d = run("Ann Lee spoke at the pier.\n" LQ "The ferry was never safe," RQ " she said.\n" LQ
            "We will fix it," RQ " adding, " LQ "The new one will run by spring." RQ);
    q = find(d, TD_QUOTE_DIRECT, "The new one will run by spring.");
    CHECK(q && span_is(d, q->speaker_span, "she"));
    done(d);
}

/* A quotation with no cue of its own after a verb (the subject's verb is
 * the cue): when one quotation that opens with a capital follows a comma or
 * a colon, it is the speech and the words leading to it are the writer's. */
TEST(verb_quote_lead_in)
{
    td_doc *d = run("Ann Lee lobbies hard for a new ferry: " LQ "The old one is a danger to us all." RQ);
    CHECK(find(d, TD_QUOTE_DIRECT, "The old one is a danger to us all.") != NULL);
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 0);
    done(d);
    /* a fragment in lower case keeps its lead-in */
    d = run("Ann Lee lobbies hard for a ferry that is " LQ "safe for all of us" RQ ".");
    CHECK(count_kind(d, TD_QUOTE_MIXED) == 1);
    done(d);
}

/* A party tag set off by commas ("Ann Lee, D-Ore., said") and a bracketed
 * one before an appositive ("Ann Lee (D-Ore.), chair of ..., said") stay
 * with the name before them. */
TEST(party_tags)
{
    td_doc *d = run(LQ "The ferry will run again by spring," RQ " Sen. Ann Lee, D-Ore., said on Monday.");
    const td_quote *q = find_direct_comma(d, "The ferry will run again by spring,");
    CHECK(q && q->speaker_name && strstr(q->speaker_name, "Ann Lee") != NULL);
    done(d);
    d = run("Rep. Tom Reyes (D-Ore.), chair of the harbour board, said that the ferry was " LQ
            "a danger to us all." RQ);
    q = find_prefix(d, TD_QUOTE_MIXED, "the ferry was");
    CHECK(q && q->speaker_name && strstr(q->speaker_name, "Tom Reyes") != NULL);
    done(d);
}

/* Only the stages this test runs, so that it tests this stage alone. */
static td_status load(char **err)
{
    res = calloc(1, sizeof *res);
    if (!res)
        return TD_ENOMEM;
    res->opts.max_doc_bytes = TD_DEFAULT_MAX_DOC_BYTES;
    res->opts.max_line_bytes = TD_DEFAULT_MAX_LINE_BYTES;
    td_status st = td_normalize_init(res, err);
    if (st == TD_OK)
        st = td_segment_init(res, err);
    if (st == TD_OK)
        st = td_entities_init(res, err);
    if (st == TD_OK)
        st = td_quotes_init(res, err);
    return st;
}

static void unload(void)
{
    td_quotes_release(res);
    td_entities_release(res);
    td_segment_release(res);
    td_normalize_release(res);
    free(res);
}

/* A surname names the full name written before it, never one written
 * after it, whatever the order of the questions (the name index grows as
 * they come); a cue and word in capitals are found as in lower case. */
TEST(surnames_in_order)
{
    td_doc *d = run("Anna Berg met the press.\n"
                    "Berg said the talks would resume.\n"
                    "Kerr said the vote was early.\n"
                    "Tom Lind and Ruth Kerr arrived later.\n"
                    "Lind said the roads were open.\n"
                    "Kerr SAID the count was slow.");
    const td_quote *q = find(d, TD_QUOTE_REPORTED, "the talks would resume");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Anna Berg") == 0);
    q = find(d, TD_QUOTE_REPORTED, "the vote was early");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Kerr") == 0);
    q = find(d, TD_QUOTE_REPORTED, "the roads were open");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Tom Lind") == 0);
    q = find(d, TD_QUOTE_REPORTED, "the count was slow");
    CHECK(q && q->speaker_name && strcmp(q->speaker_name, "Ruth Kerr") == 0);
    done(d);
}

int main(void)
{
    char *err = NULL;
    if (load(&err) != TD_OK) {
        fprintf(stderr, "resources: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    RUN(seed_attributions);
    RUN(surnames_in_order);
    RUN(split_quote);
    RUN(multi_paragraph_quote);
    RUN(nested_quote);
    RUN(marks_at_every_offset);
    RUN(stray_marks);
    RUN(scare_quotes_and_titles);
    RUN(mixed_attribution);
    RUN(reported_constructions);
    RUN(headline);
    RUN(speakers);
    RUN(doubled_apostrophes_and_inversion);
    RUN(inverted_roles_and_possessives);
    RUN(triple_apostrophes);
    RUN(put_it_and_signatures);
    RUN(subject_heads);
    RUN(they_resolves_to_group);
    RUN(colon_after_name);
    RUN(title_before_speaker);
    RUN(adverb_before_cue);
    RUN(comma_tail_after_quote);
    RUN(long_appositive_at_sentence_start);
    RUN(inverted_speaker_not_a_clause);
    RUN(parenthetical_cue);
    RUN(colon_lead_in);
    RUN(content_stops_at_next_clause);
    RUN(ing_cue_after_adverb_subject);
    RUN(speaker_after_quotation);
    RUN(comma_lead_in);
    RUN(speaker_after_quotation_roles);
    RUN(ing_cue_subjects);
    RUN(verb_quote_lead_in);
    RUN(party_tags);
    unload();
    return DONE();
}
