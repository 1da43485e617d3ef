/* test_events.c - the event coder on its own small dictionary set (written
 * to a temporary folder here, fictional actors) and its own sentences: a
 * simple dyad, a verb pattern, passive voice, negation, compound actors,
 * agents, date-bounded actor codes, require_dyad off through a record's
 * config, discards, nothing from a boilerplate block, and the sentence
 * filter losing nothing; our own verb patterns (data/lex/events_verbs.tsv)
 * only with the CAMEO 2.0 verb dictionary. */
#include "harness.h"

#include "doc.h"
#include "stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dict_dir[64];
static td_resources *res;

static const char *const files[][2] = {
    {"dictionaries.ini", "# test set\nformat = petrarch\nverbs = t.verbs\nactors = t.actors\n"
                         "agents = t.agents\ndiscards = t.discards\n"},
    {"t.verbs", "&TIES\n+DIPLOMATIC\n+ECONOMIC\n\n"
                "--- ACCUSE [112] ---\nACCUSE\n- * ^ OF CORRUPTION [1121]\n\n"
                "--- ATTACK [190] ---\nATTACK\n- * CONVOY [191]\n\n"
                "--- STAGE [---] ---\nSTAGE\n- * RALLY [141]\n\n"
                "--- RESTORE [064] ---\nRESTORE\n- * &TIES TIES [0641]\n\n"
                "--- MEET [040] ---\nMEET {MEETS MET MEETING}\n- % * [043]\n\n"
                "--- SAY [010] ---\nSAY {SAYS SAID SAYING}\n\n"
                "--- RETURN [084] ---\nRETURN\n- * PRISONERS [0841]\n\n"
                "--- DEMAND [100] ---\nDEMAND\nURGE [020]\n- * TALKS [026]\n\n"
                "--- BACK [050] ---\nBACK\n- * EFFORTS [051]\n\n"
                "--- GIVE [070] ---\nGIVE\n- * MONEY [071]\n\n"
                "--- AGREE [050] ---\nAGREE {AGREES AGREED AGREEING}\n\n"
                "--- INSPECT [090] ---\nINSPECT\n\n"
                "--- WELCOME [050] ---\nWELCOME\n- * (TO) [043]\n\n"
                "--- REFORM [---] ---\nREFORM\n"},
    {"t.actors", "FREEDONIA [FRE]\n+FREEDONIAN\nSYLVANIA [SYL]\nMARSOVIA [MAR]\n"
                 "RUFUS_T._FIREFLY\n+FIREFLY\n\t[FREGOV 19330101-19351231]\n\t[FREELI >19360101]\n"
                 "GRAND_ALLIANCE [FRE/SYL]\n"},
    {"t.agents", "GOVERNMENT [~GOV]\nSOLDIER [~MIL]\nMINISTER [~GOV]\n"},
    {"t.discards", "FOOTBALL MATCH\n+CHESS TOURNAMENT\n"},
};

static int write_dicts(void)
{
    snprintf(dict_dir, sizeof dict_dir, "/tmp/td_events_test_XXXXXX");
    if (!mkdtemp(dict_dir))
        return -1;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dict_dir, files[i][0]);
        FILE *f = fopen(path, "w");
        if (!f)
            return -1;
        fputs(files[i][1], f);
        fclose(f);
    }
    return 0;
}

static void remove_dicts(void)
{
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dict_dir, files[i][0]);
        unlink(path);
    }
    rmdir(dict_dir);
}

/* Run the stages on text; boiler_line >= 0 marks that block boilerplate
 * before segmentation (as layout would). */
static td_doc *code(const char *text, const char *date, const char *config, int boiler_block)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = strlen(text);
    in.date = date;
    td_doc *doc = NULL;
    if (td_doc_new(&in, &doc) != TD_OK)
        return NULL;
    if (config)
        doc->in_config = td_arena_strdup(&doc->arena, config);
    td_stage_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.res = res;
    td_arena_init(&ctx.scratch);
    td_status st = TD_OK;
    for (size_t i = 0; i < td_stage_count && st == TD_OK; i++) {
        if (strcmp(td_stages[i].name, "segment") == 0 && boiler_block >= 0 &&
            (size_t)boiler_block < doc->blocks.n)
            TD_DOC_BLOCK(doc, boiler_block)->kind = TD_BLOCK_BOILERPLATE;
        if (td_stages[i].english_only && !doc->english)
            continue;
        st = td_stages[i].run(&ctx, doc);
        td_arena_reset(&ctx.scratch);
    }
    td_stage_ctx_release(&ctx);
    if (st != TD_OK) {
        td_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* "ACTOR>TARGET:CODE;..." in the coder's order, for compact checks. */
static const char *events_of(td_doc *doc)
{
    static char buf[512];
    buf[0] = '\0';
    if (!doc)
        return "(no doc)";
    for (size_t i = 0; i < doc->events.n; i++) {
        const td_event *e = TD_VEC_AT(doc->events, td_event, i);
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%s%s>%s:%s", i ? ";" : "", e->actor, e->target,
                 e->code);
    }
    return buf;
}

TEST(simple_dyad)
{
    td_doc *d = code("Freedonia attacked Sylvania on Monday.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    if (d && d->events.n == 1) {
        const td_event *e = TD_VEC_AT(d->events, td_event, 0);
        CHECK_INT(e->quad_class, 4);
        CHECK(e->has_goldstein && e->goldstein == -10.0);
        CHECK_INT(e->span.s, 0); /* the sentence */
    }
    td_doc_free(d);
}

TEST(verb_pattern_and_synset)
{
    td_doc *d = code("Freedonia accused Sylvania of corruption.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:1121");
    td_doc_free(d);
    d = code("Freedonia will restore economic ties with Marsovia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>MAR:0641");
    td_doc_free(d);
}

TEST(passive_voice)
{
    td_doc *d = code("Sylvania was attacked by Freedonia on Monday.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
}

TEST(negation)
{
    td_doc *d = code("Freedonia did not attack Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
    d = code("Freedonia never attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
}

TEST(compound_actors)
{
    td_doc *d = code("Freedonia and Sylvania attacked Marsovia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>MAR:190;SYL>MAR:190");
    td_doc_free(d);
    /* "%" in a pattern: the members act on each other */
    d = code("Freedonia and Sylvania met in Geneva.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:043;SYL>FRE:043");
    td_doc_free(d);
}

TEST(agents)
{
    td_doc *d = code("The Freedonian government attacked soldiers from Sylvania.", "1990-05-01",
                     NULL, -1);
    CHECK_STR(events_of(d), "FREGOV>SYLMIL:190");
    td_doc_free(d);
}

TEST(date_bounded_actor)
{
    td_doc *d = code("Firefly attacked Sylvania.", "1934-06-01", NULL, -1);
    CHECK_STR(events_of(d), "FREGOV>SYL:190");
    td_doc_free(d);
    d = code("Firefly attacked Sylvania.", "1940-06-01", NULL, -1);
    CHECK_STR(events_of(d), "FREELI>SYL:190");
    td_doc_free(d);
}

TEST(require_dyad_from_config)
{
    td_doc *d = code("Freedonia attacked.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
    d = code("Freedonia attacked.", "1990-05-01", "{\"require_dyad\": false}", -1);
    CHECK_STR(events_of(d), "FRE>---:190");
    td_doc_free(d);
}

TEST(discards)
{
    td_doc *d = code("Freedonia attacked Sylvania after the football match.", "1990-05-01", NULL,
                     -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
    /* a story discard silences every sentence of the document */
    d = code("Freedonia attacked Sylvania.\nMarsovia hosted a chess tournament.", "1990-05-01",
             NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
}

TEST(nothing_from_boilerplate)
{
    const char *t = "Freedonia attacked Sylvania on Monday.\nMarsovia attacked Freedonia.";
    td_doc *d = code(t, "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190;MAR>FRE:190");
    td_doc_free(d);
    d = code(t, "1990-05-01", NULL, 1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
}

TEST(reported_statement_coded_once)
{
    /* the statement frame is not a second event */
    td_doc *d = code("Freedonia said Sylvania attacked Marsovia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "SYL>MAR:190");
    td_doc_free(d);
    /* a statement with nothing reported in it is one */
    d = code("Freedonia said Sylvania was right.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:010");
    td_doc_free(d);
}

TEST(reported_obligation_is_a_demand)
{
    /* "X said Y must V": X demands of Y, the pattern's kind of V included */
    td_doc *d = code("Freedonia said Sylvania must return the prisoners.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:105");
    td_doc_free(d);
    d = code("Freedonia said Sylvania must return.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:105");
    td_doc_free(d);
    /* a demanded act not in the dictionary: still a demand */
    d = code("Freedonia said Sylvania must resign.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:100");
    td_doc_free(d);
    d = code("Freedonia said Sylvania would resign.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:010");
    td_doc_free(d);
    /* "must be ready to V": the demand of the complement's act */
    d = code("Freedonia said Sylvania must be ready to meet Marsovia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:106");
    td_doc_free(d);
    /* no reporting actor: the verb itself */
    d = code("Sylvania must return the prisoners to Marsovia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "SYL>MAR:0841");
    td_doc_free(d);
}

TEST(demand_is_not_an_appeal)
{
    /* an appeal pattern (026) of a demand verb's block: the parallel demand */
    td_doc *d = code("Freedonia demanded talks with Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:106");
    td_doc_free(d);
    /* a verb of the block with its own appeal code keeps the appeal */
    d = code("Freedonia urged talks with Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:026");
    td_doc_free(d);
}

TEST(stated_future_is_an_intent)
{
    /* a pattern's cooperation code (04-06) with "will": the intent (03x) */
    td_doc *d = code("Freedonia will back the efforts of Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:032");
    td_doc_free(d);
    d = code("Freedonia backed the efforts of Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:051");
    td_doc_free(d);
    /* a stated transfer keeps its code (PETRARCH's convention) */
    d = code("Freedonia will give money to Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:071");
    td_doc_free(d);
}

TEST(intent_without_parallel_code)
{
    /* "agreed to inspect": no 03x for 09, the generic intent, not the
     * head's own code */
    td_doc *d = code("Freedonia agreed to inspect the camps of Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:030");
    td_doc_free(d);
    d = code("Freedonia agreed to meet Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:036");
    td_doc_free(d);
}

TEST(infinitive_to_is_no_preposition)
{
    /* a pattern's "(TO ...)" is the preposition, not "to" before a verb */
    td_doc *d = code("Freedonia welcomed Sylvania to the summit.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:043");
    td_doc_free(d);
    d = code("Freedonia welcomed Sylvania's efforts to reform.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:050");
    td_doc_free(d);
}

TEST(protest_in_own_country)
{
    /* a people's protest against its own country: against its government */
    td_doc *d = code("Freedonians staged a rally against Freedonia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>FREGOV:141");
    td_doc_free(d);
    d = code("Freedonians staged a rally against Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:141");
    td_doc_free(d);
    /* other acts on oneself stay uncoded */
    d = code("Freedonians attacked Freedonia.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
}

TEST(partitive_subject)
{
    /* a quantity before the actor is no preposition governing it */
    td_doc *d = code("Thousands of Freedonians attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
    d = code("Up to 100 angry Freedonians attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
    /* not a quantity: "the allies of Freedonia" are not Freedonia */
    d = code("The allies of Freedonia attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
}

TEST(light_verb_noun_in_either_number)
{
    /* a light verb (no code of its own) is coded by its noun, plural too */
    td_doc *d = code("Freedonia staged a rally against Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:141");
    td_doc_free(d);
    d = code("Freedonia staged rallies against Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:141");
    td_doc_free(d);
    /* a verb with its own code keeps PETRARCH's exact noun */
    d = code("Freedonia attacked a convoy of Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:191");
    td_doc_free(d);
    d = code("Freedonia attacked convoys of Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
}

TEST(pronoun_subject_is_the_reporter)
{
    /* "X said (that) it would V": the pronoun stands for X */
    td_doc *d = code("Freedonia announced that it would meet Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:036");
    td_doc_free(d);
    d = code("Freedonia said they had attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
    /* a subject of its own is kept */
    d = code("Freedonia said Marsovia had attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "MAR>SYL:190");
    td_doc_free(d);
}

TEST(unnamed_victims_of_conflict)
{
    /* in a sentence naming two actors, an assault on an object that is
     * no actor: target unknown, kept */
    td_doc *d = code("Freedonia attacked three villages, Sylvania said.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>---:190");
    td_doc_free(d);
    /* cooperation needs its partner named */
    d = code("Freedonia met three villagers, Sylvania said.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
    /* no object at all: no event */
    d = code("Freedonia attacked on Monday, Sylvania said.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
    /* one actor in the sentence: no dyad, no event (sentence filter) */
    d = code("Freedonia attacked three villages.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
}

/* The per-document sentence filter (words alone) must not lose an event:
 * a lone chunk naming two actors, a plural demonym, a coded sentence after
 * sentences with no verb or no second actor. */
TEST(sentence_filter_keeps_events)
{
    td_doc *d = code("The Grand Alliance attacked.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190;SYL>FRE:190");
    td_doc_free(d);
    d = code("Freedonians attacked Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRE>SYL:190");
    td_doc_free(d);
    d = code("Rain fell on Monday. Freedonia attacked. Marsovia and the weather.\n"
             "Sylvania attacked Marsovia.",
             "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "SYL>MAR:190");
    td_doc_free(d);
}

TEST(missing_dictionary_is_an_error)
{
    td_options o;
    memset(&o, 0, sizeof o);
    o.event_dict_dir = "/nonexistent/td-events";
    o.skip_lang = true;
    td_resources *r = NULL;
    char *err = NULL;
    CHECK(td_resources_load(&o, &r, &err) != TD_OK);
    CHECK(err != NULL && strstr(err, "dictionaries.ini") != NULL);
    free(err);
    td_resources_free(r);
}

TEST(own_verb_patterns_only_with_cameo2)
{
    /* the test dictionaries are not CAMEO 2.0: no extension patterns */
    td_doc *d = code("Freedonia renewed talks with Sylvania.", "1990-05-01", NULL, -1);
    CHECK_STR(events_of(d), "");
    td_doc_free(d);
    /* the bundled Phoenix/CAMEO 2.0 set gets data/lex/events_verbs.tsv */
    td_options o;
    memset(&o, 0, sizeof o);
    o.skip_lang = true;
    td_resources *cameo = NULL, *own = res;
    char *err = NULL;
    CHECK(td_resources_load(&o, &cameo, &err) == TD_OK);
    free(err);
    if (!cameo)
        return;
    res = cameo;
    d = code("France renewed talks with Germany on Monday.", "2005-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRA>DEU:046");
    td_doc_free(d);
    d = code("France suspended economic aid to Germany.", "2005-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRA>DEU:1621");
    td_doc_free(d);
    d = code("France mounted an invasion of Germany.", "2005-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRA>DEU:192");
    td_doc_free(d);
    d = code("Protesters from France blocked roads in Germany.", "2005-05-01", NULL, -1);
    CHECK(strstr(events_of(d), ":144") != NULL);
    td_doc_free(d);
    d = code("France relaxed the curfew in Germany.", "2005-05-01", NULL, -1);
    CHECK_STR(events_of(d), "FRA>DEU:0813");
    td_doc_free(d);
    res = own;
    td_resources_free(cameo);
}

int main(void)
{
    if (write_dicts() < 0) {
        fprintf(stderr, "test_events: cannot write the test dictionaries\n");
        return 1;
    }
    td_options o;
    memset(&o, 0, sizeof o);
    o.event_dict_dir = dict_dir;
    o.skip_lang = true;
    char *err = NULL;
    if (td_resources_load(&o, &res, &err) != TD_OK) {
        fprintf(stderr, "test_events: %s\n", err ? err : "resources");
        free(err);
        remove_dicts();
        return 1;
    }
    RUN(simple_dyad);
    RUN(verb_pattern_and_synset);
    RUN(passive_voice);
    RUN(negation);
    RUN(compound_actors);
    RUN(agents);
    RUN(date_bounded_actor);
    RUN(require_dyad_from_config);
    RUN(discards);
    RUN(nothing_from_boilerplate);
    RUN(reported_statement_coded_once);
    RUN(reported_obligation_is_a_demand);
    RUN(demand_is_not_an_appeal);
    RUN(stated_future_is_an_intent);
    RUN(intent_without_parallel_code);
    RUN(infinitive_to_is_no_preposition);
    RUN(protest_in_own_country);
    RUN(partitive_subject);
    RUN(light_verb_noun_in_either_number);
    RUN(pronoun_subject_is_the_reporter);
    RUN(unnamed_victims_of_conflict);
    RUN(sentence_filter_keeps_events);
    RUN(missing_dictionary_is_an_error);
    RUN(own_verb_patterns_only_with_cameo2);
    td_resources_free(res);
    remove_dicts();
    return DONE();
}
