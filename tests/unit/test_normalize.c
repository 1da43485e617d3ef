/* test_normalize.c - normalisation and the offset map, with a property test:
 * for every token, the normalised slice of the base text at the token's
 * base span equals the token's normalised text (up to the direction of
 * straight quote marks, which depends on the context left of the slice). */
#include "harness.h"

#include "doc.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>

static td_doc *norm_doc(const char *text, size_t len)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = len;
    td_doc *doc = NULL;
    if (td_doc_new(&in, &doc) != TD_OK)
        return NULL;
    if (td_normalize_run(NULL, doc) != TD_OK) {
        td_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* Fold quote directions: “ ” -> ", ‘ ’ -> ' (in place on a copy). */
static char *fold_quotes(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n + 0 && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80) {
            unsigned char c = (unsigned char)s[i + 2];
            if (c == 0x9C || c == 0x9D) {
                o[j++] = '"';
                i += 2;
                continue;
            }
            if (c == 0x98 || c == 0x99) {
                o[j++] = '\'';
                i += 2;
                continue;
            }
        }
        o[j++] = s[i];
    }
    o[j] = '\0';
    return o;
}

TEST(ascii_is_identity)
{
    const char *t = "Plain ASCII text.\nSecond line.";
    td_doc *d = norm_doc(t, strlen(t));
    CHECK(d != NULL);
    CHECK_STR(d->norm, t);
    CHECK_INT(d->map_n, 0);
    CHECK_INT(td_doc_to_base(d, 7), 7);
    td_doc_free(d);
}

TEST(quotes_canonical)
{
    const char *t = "He said \"yes\" and 'no' to Russia's plan, don't.";
    td_doc *d = norm_doc(t, strlen(t));
    CHECK(d != NULL);
    CHECK_STR(d->norm, "He said \xE2\x80\x9Cyes\xE2\x80\x9D and \xE2\x80\x98no\xE2\x80\x99 to "
                       "Russia's plan, don't.");
    td_doc_free(d);
}

TEST(curly_apostrophe_becomes_ascii)
{
    const char *t = "the West\xE2\x80\x99s push; \xE2\x80\x98quoted\xE2\x80\x99 word";
    td_doc *d = norm_doc(t, strlen(t));
    CHECK(d != NULL);
    CHECK_STR(d->norm, "the West's push; \xE2\x80\x98quoted\xE2\x80\x99 word");
    /* "push" in norm maps back to "push" in base */
    const char *p = strstr(d->norm, "push");
    uint32_t s = (uint32_t)(p - d->norm);
    uint32_t b = td_doc_to_base(d, s);
    CHECK(memcmp(t + b, "push", 4) == 0);
    td_doc_free(d);
}

TEST(nfc_composes)
{
    const char *t = "Cafe\xCC\x81 and Zo\xC3\xAB"; /* e + combining acute */
    td_doc *d = norm_doc(t, strlen(t));
    CHECK(d != NULL);
    CHECK_STR(d->norm, "Caf\xC3\xA9 and Zo\xC3\xAB");
    const char *p = strstr(d->norm, "and");
    CHECK_INT(td_doc_to_base(d, (uint32_t)(p - d->norm)), strstr(t, "and") - t);
    td_doc_free(d);
}

TEST(spaces_dashes_controls)
{
    const char *t = "a\xC2\xA0" "b\r\nc\xE2\x80\x93" "d\xE2\x80\x95" "e\xE2\x80\x8B" "f\tg";
    td_doc *d = norm_doc(t, strlen(t));
    CHECK(d != NULL);
    CHECK_STR(d->norm, "a b\nc\xE2\x80\x93" "d\xE2\x80\x94" "ef g");
    td_doc_free(d);
}

TEST(invalid_utf8_repaired_and_counted)
{
    const char t[] = "ok \xFF\xFE bad \xC3 end";
    td_doc *d = norm_doc(t, sizeof t - 1);
    CHECK(d != NULL);
    CHECK_INT(d->invalid_bytes, 3);
    CHECK(strstr(d->base, "\xEF\xBF\xBD") != NULL);
    CHECK(d->warnings.n == 1);
    td_doc_free(d);
}

/* The property, over a generated corpus of tricky snippets. */
static const char *const pieces[] = {
    "Lavrov", " ", "said", "\xE2\x80\x9C", "\xE2\x80\x9D", "\"", "'", "\xE2\x80\x99", "s",
    "Cafe\xCC\x81", "\xC2\xA0", "\n", "\r\n", "\xE2\x80\x94", "\xE2\x80\x90", "\xFF", "\xC3",
    "U.S.", ".", ",", "1,000.5", "\xE2\x80\x8B", "\xEF\xBB\xBF", "''", "``", "Zo\xC3\xAB",
    "\xE2\x80\xA8", "\xC2\xAB", "\xC2\xBB", "\x01", "a\xCC\x81\xCC\x82", "\xE2\x80\x98",
};

TEST(offset_property)
{
    td_options o;
    memset(&o, 0, sizeof o);
    o.skip_lang = true;
    td_resources *res = NULL;
    char *err = NULL;
    CHECK(td_resources_load(&o, &res, &err) == TD_OK);
    if (!res)
        return;
    td_pipeline *pl = NULL;
    CHECK(td_pipeline_new(res, &pl) == TD_OK);
    unsigned seed = 12345;
    int bad = 0, tokens = 0;
    for (int round = 0; round < 300; round++) {
        char buf[2048];
        size_t n = 0;
        int parts = 5 + (int)(seed % 60);
        for (int k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 8) % (sizeof pieces / sizeof pieces[0])];
            size_t l = strlen(p);
            if (n + l >= sizeof buf)
                break;
            memcpy(buf + n, p, l);
            n += l;
        }
        td_doc_input in;
        memset(&in, 0, sizeof in);
        in.text = buf;
        in.text_len = n;
        td_doc *d = NULL;
        if (td_doc_new(&in, &d) != TD_OK || td_pipeline_run(pl, d) != TD_OK) {
            bad++;
            td_doc_free(d);
            continue;
        }
        for (size_t i = 0; i < d->toks.n; i++) {
            td_token *t = TD_DOC_TOK(d, i);
            td_span b = td_doc_span_to_base(d, t->span);
            td_doc *slice = norm_doc(d->base + b.s, b.e - b.s);
            if (!slice) {
                bad++;
                continue;
            }
            char *want = fold_quotes(d->norm + t->span.s, t->span.e - t->span.s);
            char *got = fold_quotes(slice->norm, slice->norm_len);
            tokens++;
            if (strcmp(want, got) != 0) {
                if (bad < 5)
                    fprintf(stderr, "token [%u,%u) norm '%s' but base slice normalises to '%s'\n",
                            t->span.s, t->span.e, want, got);
                bad++;
            }
            free(want);
            free(got);
            td_doc_free(slice);
        }
        /* spans stay inside the base and ordered */
        for (size_t i = 0; i < d->blocks.n; i++) {
            td_span b = td_doc_span_to_base(d, TD_DOC_BLOCK(d, i)->span);
            if (b.e > d->base_len || b.s > b.e)
                bad++;
        }
        td_doc_free(d);
    }
    CHECK(tokens > 1000);
    CHECK_INT(bad, 0);
    td_pipeline_free(pl);
    td_resources_free(res);
}

TEST(long_ascii_runs_keep_every_rule)
{
    /* the marks the fast path must stop at, after long plain runs: a
     * pending opening single quote ends with its line, so the apostrophe
     * of "players'" on the next line is no closing quote */
    const char *t = "He answered 'yes and no and maybe and so on and so forth\n"
                    "the long list of all the players' union demands\n"
                    "a long run of plain words before a \"quote\" and ``this'' and\x01"
                    "control\x7f" "del and a final letter before a mark: Cafe\xCC\x81 ok";
    td_doc *d = norm_doc(t, strlen(t));
    CHECK(d != NULL);
    CHECK_STR(d->norm, "He answered \xE2\x80\x98yes and no and maybe and so on and so forth\n"
                       "the long list of all the players' union demands\n"
                       "a long run of plain words before a \xE2\x80\x9Cquote\xE2\x80\x9D and "
                       "\xE2\x80\x9Cthis\xE2\x80\x9D and control del and a final letter before "
                       "a mark: Caf\xC3\xA9 ok");
    td_doc_free(d);
}

int main(void)
{
    RUN(ascii_is_identity);
    RUN(quotes_canonical);
    RUN(curly_apostrophe_becomes_ascii);
    RUN(nfc_composes);
    RUN(spaces_dashes_controls);
    RUN(invalid_utf8_repaired_and_counted);
    RUN(offset_property);
    RUN(long_ascii_runs_keep_every_rule);
    return DONE();
}
