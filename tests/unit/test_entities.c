/* test_entities.c - the entities stage: the reference article's entities exactly as
 * ../shared/seed/lavrov.expected.json lists them (names, types, codes, roles,
 * acronyms, surface forms; nothing from its boilerplate), and small cases of
 * our own for each rule: metonyms, appositions, acronyms, organisation
 * patterns, surname propagation, user lexicons.
 *
 * The blocks are laid by hand (as the layout stage reads the seed), so the
 * test checks this stage alone. */
#include "harness.h"

#include "doc.h"
#include "stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The seed, byte for byte (shared/seed/lavrov.txt may be copied as a fixture). */
static const char seed[] =
    " date 2022-01-01 Russian Foreign Minister Sergey Lavrov\n"
    "Russia is focusing on enhancing cooperation with countries that have not joined the West\xe2\x80\x99""s push for sanctions, Foreign Minister Sergey Lavrov said on Friday.\n"
    "A majority of the international community does not support the West\xe2\x80\x99""s \xe2\x80\x9c""hybrid war\xe2\x80\x9d"" on Moscow because they are guided by their own \xe2\x80\x9c""fundamental national interests,\xe2\x80\x9d"" Lavrov said at a conference on international cooperation for Russian regions.\n"
    "\xe2\x80\x9c""The modern world is striving for multipolarity,\xe2\x80\x9d"" he said.\n"
    "On the withdrawal of Western firms from Russia since the start of the Ukraine war, he said their exit has created \xe2\x80\x9c""promising niches\xe2\x80\x9d"" for companies from \xe2\x80\x9c""friendly countries.\xe2\x80\x9d""\n"
    "He said two-thirds of Russia\xe2\x80\x99""s regions have interregional agreements with China, while cooperation with Belarus, India, and Middle Eastern nations is also on the rise.\n"
    "\xe2\x80\x9c""It is important to support international projects that contribute to strengthening the technological sovereignty of the country,\xe2\x80\x9d"" said Lavrov.\n"
    "He also emphasized the need for the \xe2\x80\x9c""development of parallel imports, import substitution, preservation of enterprises created with foreign investors, as well as increasing the output of products necessary to fulfill the needs of a special military operation.\xe2\x80\x9d""\n"
    "He said regional cooperation should be increased in Eurasian associations, including the Eurasian Economic Union (EAEU) and the Commonwealth of Independent States.\n"
    "\xe2\x80\x9c""Next year Russia will preside over the EAEU, and \xe2\x80\xa6"" will be devoted to building cooperation with third countries and their associations,\xe2\x80\x9d"" he said.\n"
    "Russia says enhancing ties with countries that opted out of West's sanctions drive\n"
    "Ukrainians face power outage in Odesa\n"
    "Filipino baby girl becomes world's 8 billionth person\n"
    "Bulgaria detains five for suspected complicity in Istanbul terror attack\n"
    "Heavy coat of snow blankets Ukrainian capital Kyiv\n"
    "'T\xc3\xbc""rkiye brands itself with proactive stance in global crises': Official";

static td_resources *res;

/* Lay blocks: every line its own block; line kinds from a string of letters
 * (h header+caption split at the first capital after the date, b body, t
 * title, p boilerplate); the kind of the last letter repeats. */
static void lay_blocks(td_doc *doc, const char *kinds)
{
    size_t a = 0, line = 0;
    size_t nk = strlen(kinds);
    while (a <= doc->norm_len) {
        size_t e = a;
        while (e < doc->norm_len && doc->norm[e] != '\n')
            e++;
        char k = kinds[line < nk ? line : nk - 1];
        if (k == 'h') {
            size_t c = a;
            while (c < e && !(doc->norm[c] >= 'A' && doc->norm[c] <= 'Z'))
                c++;
            td_block *b = td_vec_push(&doc->arena, &doc->blocks, sizeof *b);
            b->kind = TD_BLOCK_HEADER;
            b->span = td_span_make((uint32_t)a, (uint32_t)c);
            b = td_vec_push(&doc->arena, &doc->blocks, sizeof *b);
            b->kind = TD_BLOCK_CAPTION;
            b->span = td_span_make((uint32_t)c, (uint32_t)e);
        } else {
            td_block *b = td_vec_push(&doc->arena, &doc->blocks, sizeof *b);
            b->kind = k == 't' ? TD_BLOCK_TITLE : k == 'p' ? TD_BLOCK_BOILERPLATE : TD_BLOCK_BODY;
            b->span = td_span_make((uint32_t)a, (uint32_t)e);
        }
        a = e + 1;
        line++;
    }
}

static td_doc *run(const char *text, const char *kinds)
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
    if (st == TD_OK)
        st = td_entities_run(&ctx, doc);
    td_stage_ctx_release(&ctx);
    if (st != TD_OK) {
        td_doc_free(doc);
        return NULL;
    }
    return doc;
}

static const td_entity *ent(const td_doc *d, td_entity_type ty, const char *name)
{
    for (size_t i = 0; d && i < d->entities.n; i++) {
        const td_entity *e = TD_VEC_AT(d->entities, td_entity, i);
        if (e->type == ty && strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

/* Does e have a mention with this text (and form, unless form < 0)? */
static bool has_form(const td_doc *d, const td_entity *e, const char *text, int form)
{
    for (size_t k = 0; e && k < e->mentions.n; k++) {
        const td_mention *m = TD_VEC_AT(e->mentions, td_mention, k);
        size_t l = m->span.e - m->span.s;
        if (strlen(text) == l && memcmp(d->norm + m->span.s, text, l) == 0 &&
            (form < 0 || (int)m->form == form))
            return true;
    }
    return false;
}

static bool mentioned(const td_doc *d, const char *text)
{
    for (size_t i = 0; d && i < d->entities.n; i++)
        if (has_form(d, TD_VEC_AT(d->entities, td_entity, i), text, -1))
            return true;
    return false;
}

/* The seed: header+caption, 9 body lines, title, boilerplate. */
TEST(seed_entities)
{
    td_doc *d = run(seed, "hbbbbbbbbbtp");
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(d->entities.n, 10);
    const td_entity *e = ent(d, TD_ENT_PERSON, "Sergey Lavrov");
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(e->role, "Foreign Minister");
        CHECK_STR(e->country, "RU");
        CHECK(has_form(d, e, "Sergey Lavrov", TD_FORM_NAME));
        CHECK(has_form(d, e, "Lavrov", TD_FORM_NAME));
        CHECK_INT(e->id, 2); /* the caption: "Russian" comes first */
    }
    e = ent(d, TD_ENT_COUNTRY, "Russia");
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(e->country, "RU");
        CHECK_STR(e->cameo, "RUS");
        CHECK(has_form(d, e, "Russia", TD_FORM_NAME));
        CHECK(has_form(d, e, "Moscow", TD_FORM_METONYM));
        CHECK(has_form(d, e, "Russian", TD_FORM_DEMONYM));
        CHECK_INT(e->id, 1);
    }
    static const char *const countries[][2] = {
        {"China", "CN"}, {"Belarus", "BY"}, {"India", "IN"}, {"Ukraine", "UA"}};
    for (int i = 0; i < 4; i++) {
        e = ent(d, TD_ENT_COUNTRY, countries[i][0]);
        CHECK(e != NULL);
        if (e) {
            CHECK_STR(e->country, countries[i][1]);
            CHECK(has_form(d, e, countries[i][0], TD_FORM_NAME));
        }
    }
    e = ent(d, TD_ENT_GROUP, "the West");
    CHECK(e != NULL);
    CHECK(has_form(d, e, "West", -1));
    CHECK(has_form(d, e, "Western", -1));
    e = ent(d, TD_ENT_LOCATION, "Middle East");
    CHECK(has_form(d, e, "Middle Eastern", -1));
    e = ent(d, TD_ENT_ORGANIZATION, "Eurasian Economic Union");
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(e->acronym, "EAEU");
        CHECK(has_form(d, e, "Eurasian Economic Union", TD_FORM_NAME));
        CHECK(has_form(d, e, "EAEU", TD_FORM_ACRONYM));
    }
    e = ent(d, TD_ENT_ORGANIZATION, "Commonwealth of Independent States");
    CHECK(e != NULL);
    if (e)
        CHECK_STR(e->acronym, "CIS");
    /* must_not: nothing from the boilerplate */
    static const char *const not[] = {"Odesa", "Kyiv", "Istanbul", "Bulgaria", "T\xc3\xbcrkiye",
                                      "Filipino", "Ukrainians", "Ukrainian", "Eurasian", NULL};
    for (int i = 0; not[i]; i++)
        CHECK(!mentioned(d, not[i]));
    /* ids are 1-based in order of first mention; no pronouns here */
    for (size_t i = 0; i < d->entities.n; i++) {
        const td_entity *x = TD_VEC_AT(d->entities, td_entity, i);
        CHECK_INT(x->id, (long long)i + 1);
        for (size_t k = 0; k < x->mentions.n; k++)
            CHECK(TD_VEC_AT(x->mentions, td_mention, k)->form != TD_FORM_PRONOUN);
    }
    td_doc_free(d);
}

TEST(capital_location_or_metonym)
{
    td_doc *d = run("Talks were held in Moscow on Monday. Later Moscow said it would respond.", "b");
    const td_entity *loc = ent(d, TD_ENT_LOCATION, "Moscow");
    const td_entity *ru = ent(d, TD_ENT_COUNTRY, "Russia");
    CHECK(loc != NULL && has_form(d, loc, "Moscow", TD_FORM_NAME));
    CHECK(ru != NULL && has_form(d, ru, "Moscow", TD_FORM_METONYM));
    td_doc_free(d);
}

TEST(apposition_and_surname)
{
    td_doc *d = run("Talks began when Lavrov arrived. Sergey Lavrov, Russia's foreign minister, "
                    "spoke first.",
                    "b");
    const td_entity *p = ent(d, TD_ENT_PERSON, "Sergey Lavrov");
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(p->role, "Foreign Minister");
        CHECK_STR(p->country, "RU");
        CHECK(has_form(d, p, "Lavrov", TD_FORM_NAME));
        CHECK_INT(p->mentions.n, 2);
    }
    td_doc_free(d);
}

TEST(titles_are_not_names)
{
    td_doc *d = run("U.S. President Barack Obama met German Chancellor Olaf Scholz. "
                    "Defence Secretary Ben Wallace and Mr. Sergei Shoigu did not.",
                    "b");
    const td_entity *p = ent(d, TD_ENT_PERSON, "Barack Obama");
    CHECK(p != NULL && p->role && strcmp(p->role, "President") == 0);
    CHECK(p != NULL && strcmp(p->country, "US") == 0);
    p = ent(d, TD_ENT_PERSON, "Olaf Scholz");
    CHECK(p != NULL && strcmp(p->country, "DE") == 0);
    CHECK(ent(d, TD_ENT_COUNTRY, "United States") != NULL);
    p = ent(d, TD_ENT_PERSON, "Ben Wallace");
    CHECK(p != NULL && p->role && strcmp(p->role, "Defence Secretary") == 0);
    CHECK(ent(d, TD_ENT_PERSON, "Sergey Shoigu") != NULL); /* transliteration */
    CHECK(!mentioned(d, "President Barack Obama"));
    td_doc_free(d);
    d = run("Syrian President Bashar al-Assad met Dutch envoy Jan van der Berg.", "b");
    p = ent(d, TD_ENT_PERSON, "Bashar al-Assad");
    CHECK(p != NULL && strcmp(p->country, "SY") == 0);
    CHECK(ent(d, TD_ENT_PERSON, "Jan van der Berg") != NULL);
    td_doc_free(d);
}

TEST(organisation_patterns)
{
    td_doc *d = run("The report came from the Ministry of Foreign Affairs and Acme Widgets Inc. "
                    "while students at the University of Leeds and the Green Party protested. "
                    "The Northern Grain Exporters Association (NGEA) agreed, and the NGEA said so.",
                    "b");
    CHECK(ent(d, TD_ENT_ORGANIZATION, "Ministry of Foreign Affairs") != NULL);
    CHECK(ent(d, TD_ENT_ORGANIZATION, "Acme Widgets Inc.") != NULL);
    CHECK(ent(d, TD_ENT_ORGANIZATION, "University of Leeds") != NULL);
    CHECK(ent(d, TD_ENT_ORGANIZATION, "Green Party") != NULL);
    const td_entity *o = ent(d, TD_ENT_ORGANIZATION, "Northern Grain Exporters Association");
    CHECK(o != NULL && o->acronym && strcmp(o->acronym, "NGEA") == 0);
    CHECK(o != NULL && has_form(d, o, "NGEA", TD_FORM_ACRONYM));
    CHECK(o != NULL && o->mentions.n == 3);
    td_doc_free(d);
}

TEST(sentence_initial_words_and_caps)
{
    td_doc *d = run("Police said the fire spread. However, Nigeria said nothing.\n"
                    "JAPAN BEAT CHINA IN FINAL", "b");
    CHECK(!mentioned(d, "Police"));
    CHECK(!mentioned(d, "However"));
    CHECK(ent(d, TD_ENT_COUNTRY, "Nigeria") != NULL);
    CHECK(ent(d, TD_ENT_COUNTRY, "Japan") != NULL);
    CHECK(ent(d, TD_ENT_COUNTRY, "China") != NULL);
    CHECK(!mentioned(d, "BEAT"));
    td_doc_free(d);
    /* a results line: clubs before scores are organisations, nations stay countries */
    d = run("Soccer results on Saturday.\nHartlepool 1 Crewe 2\nRomania 3 Lithuania 0", "b");
    CHECK(ent(d, TD_ENT_ORGANIZATION, "Hartlepool") != NULL);
    CHECK(ent(d, TD_ENT_ORGANIZATION, "Crewe") != NULL);
    CHECK(ent(d, TD_ENT_COUNTRY, "Romania") != NULL);
    CHECK(ent(d, TD_ENT_COUNTRY, "Lithuania") != NULL);
    td_doc_free(d);
}

TEST(user_lexicon)
{
    const char *path = "/tmp/td_test_entities_lex.tsv";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("# a watch list\nZorblat Quux\tperson\tFR\t\t\t\t\tAnalyst\nQuuxcorp\torganization\n", f);
    fclose(f);
    td_options o;
    memset(&o, 0, sizeof o);
    const char *files[] = {path};
    o.user_lexicons = files;
    o.n_user_lexicons = 1;
    td_resources *mine = NULL;
    char *err = NULL;
    CHECK(td_resources_load(&o, &mine, &err) == TD_OK);
    free(err);
    td_resources *keep = res;
    res = mine;
    td_doc *d = run("the zorblat spoke. Zorblat Quux joined Quuxcorp, and Quux left.", "b");
    res = keep;
    const td_entity *p = ent(d, TD_ENT_PERSON, "Zorblat Quux");
    CHECK(p != NULL && strcmp(p->country, "FR") == 0 && p->role && strcmp(p->role, "Analyst") == 0);
    CHECK(p != NULL && p->mentions.n == 2);
    CHECK(ent(d, TD_ENT_ORGANIZATION, "Quuxcorp") != NULL);
    td_doc_free(d);
    td_resources_free(mine);
    remove(path);
}

int main(void)
{
    char *err = NULL;
    td_options o;
    memset(&o, 0, sizeof o);
    if (td_resources_load(&o, &res, &err) != TD_OK) {
        fprintf(stderr, "resources: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    RUN(seed_entities);
    RUN(capital_location_or_metonym);
    RUN(apposition_and_surname);
    RUN(titles_are_not_names);
    RUN(organisation_patterns);
    RUN(sentence_initial_words_and_caps);
    RUN(user_lexicon);
    td_resources_free(res);
    return DONE();
}
