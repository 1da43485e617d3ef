/* test_lexicon.c - the lexicon table: exact lookups after growth, keys
 * that differ only at the end, case folding, first-wins / replace,
 * and words that must not be found (the length and bloom rejections). */
#include "harness.h"

#include "lexicon.h"

#include <stdio.h>
#include <stdlib.h>

static td_lexicon *from_text(unsigned flags, const char *text)
{
    td_lexicon *lx = NULL;
    if (td_lexicon_new(flags, &lx) != TD_OK)
        return NULL;
    if (td_lexicon_add_text(lx, text, strlen(text), "test", false, NULL) != TD_OK) {
        td_lexicon_free(lx);
        return NULL;
    }
    return lx;
}

static const char *field0(const td_lexicon *lx, const char *key)
{
    const td_lex_entry *e = td_lexicon_get(lx, key, strlen(key));
    return e ? td_lex_field(e, 0) : NULL;
}

TEST(exact_and_misses)
{
    td_lexicon *lx = from_text(0, "# comment\nsaid\tverb\nUnited States\tcountry\tUS\n\nNATO\torg\n");
    CHECK(lx != NULL);
    CHECK_STR(field0(lx, "said"), "verb");
    CHECK_STR(field0(lx, "United States"), "country");
    CHECK_STR(field0(lx, "NATO"), "org");
    CHECK(td_lexicon_get(lx, "Said", 4) == NULL);    /* case-sensitive */
    CHECK(td_lexicon_get(lx, "sai", 3) == NULL);     /* a prefix */
    CHECK(td_lexicon_get(lx, "saidx", 5) == NULL);   /* a longer word */
    CHECK(td_lexicon_get(lx, "saiD", 4) == NULL);    /* same length, other bytes */
    CHECK(td_lexicon_get(lx, "", 0) == NULL);
    CHECK(td_lexicon_get(lx, "# comment", 9) == NULL);
    CHECK_INT(td_lexicon_size(lx), 3);
    CHECK_INT(td_lexicon_max_words(lx), 2);
    td_lexicon_free(lx);
}

TEST(long_keys)
{
    /* long keys that differ only in their last byte */
    td_lexicon *lx = from_text(0, "Commonwealth of Independent States\tA\n"
                                  "Commonwealth of Independent Statez\tB\n"
                                  "Commonwealth of\tC\n");
    CHECK(lx != NULL);
    CHECK_STR(field0(lx, "Commonwealth of Independent States"), "A");
    CHECK_STR(field0(lx, "Commonwealth of Independent Statez"), "B");
    CHECK_STR(field0(lx, "Commonwealth of"), "C");
    CHECK(field0(lx, "Commonwealth of Independent Stateq") == NULL);
    CHECK(field0(lx, "Commonwealth of Independent State") == NULL);
    td_lexicon_free(lx);
}

TEST(folded)
{
    td_lexicon *lx = from_text(TD_LEX_FOLD, "Foreign Minister\trole\n\xC3\x89mile\tgiven\n"
                                            "\xC5\xA0koda\tbrand\n");
    CHECK(lx != NULL);
    CHECK_STR(field0(lx, "foreign minister"), "role");
    CHECK_STR(field0(lx, "FOREIGN MINISTER"), "role");
    CHECK_STR(field0(lx, "\xC3\xA9mile"), "given");      /* émile */
    CHECK_STR(field0(lx, "\xC3\x89MILE"), "given");      /* ÉMILE */
    CHECK_STR(field0(lx, "\xC5\xA1KODA"), "brand");      /* šKODA */
    CHECK(field0(lx, "foreign ministers") == NULL);
    td_lexicon_free(lx);
}

TEST(first_wins_and_replace)
{
    td_lexicon *lx = from_text(0, "Moscow\tcapital\nMoscow\tlocation\n");
    CHECK(lx != NULL);
    CHECK_STR(field0(lx, "Moscow"), "capital");
    CHECK_INT(td_lexicon_size(lx), 1);
    const char *more = "Moscow\tcity\n";
    CHECK(td_lexicon_add_text(lx, more, strlen(more), "more", true, NULL) == TD_OK);
    CHECK_STR(field0(lx, "Moscow"), "city");
    CHECK_INT(td_lexicon_size(lx), 1);
    td_lexicon_free(lx);
}

TEST(growth)
{
    /* many entries added in several texts: the table and its filters grow */
    td_lexicon *lx = NULL;
    CHECK(td_lexicon_new(TD_LEX_FOLD, &lx) == TD_OK);
    char line[64];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(line, sizeof line, "Word%d\t%d\n", i, i * 7);
        CHECK(td_lexicon_add_text(lx, line, (size_t)n, "grow", false, NULL) == TD_OK);
    }
    CHECK_INT(td_lexicon_size(lx), 5000);
    int found = 0, wrong = 0;
    for (int i = 0; i < 5000; i++) {
        char key[32], want[32];
        snprintf(key, sizeof key, "WORD%d", i);
        snprintf(want, sizeof want, "%d", i * 7);
        const char *got = field0(lx, key);
        if (got && strcmp(got, want) == 0)
            found++;
        snprintf(key, sizeof key, "word%d", i + 5000);
        if (field0(lx, key))
            wrong++;
    }
    CHECK_INT(found, 5000);
    CHECK_INT(wrong, 0);
    td_lexicon_free(lx);
}

/* Every key length from 1 to 40 (the word-at-a-time loads and compares
 * of 1-8, 9-16 and longer keys): the key is found in any case, a key
 * changed in any one byte is not. */
TEST(every_length_and_byte)
{
    td_lexicon *lx = NULL;
    CHECK(td_lexicon_new(TD_LEX_FOLD, &lx) == TD_OK);
    char text[64 * 48], key[48];
    size_t tl = 0;
    for (int len = 1; len <= 40; len++) {
        for (int i = 0; i < len; i++)
            text[tl++] = (char)('a' + (i * 7 + len) % 26);
        tl += (size_t)snprintf(text + tl, sizeof text - tl, "\t%d\n", len);
    }
    CHECK(td_lexicon_add_text(lx, text, tl, "lengths", false, NULL) == TD_OK);
    CHECK_INT(td_lexicon_size(lx), 40);
    int found = 0, wrong = 0;
    for (int len = 1; len <= 40; len++) {
        char want[16];
        snprintf(want, sizeof want, "%d", len);
        for (int i = 0; i < len; i++)
            key[i] = (char)('A' + (i * 7 + len) % 26); /* upper case: folded */
        const td_lex_entry *e = td_lexicon_get(lx, key, (size_t)len);
        if (e && strcmp(td_lex_field(e, 0), want) == 0)
            found++;
        for (int p = 0; p < len; p++) {
            char was = key[p];
            key[p] = (char)(was == 'Z' ? 'Y' : was + 1);
            if (td_lexicon_get(lx, key, (size_t)len))
                wrong++;
            key[p] = was;
        }
    }
    CHECK_INT(found, 40);
    CHECK_INT(wrong, 0);
    td_lexicon_free(lx);
}

/* Folding changes A-Z only: the ASCII bytes next to them ('@' '[' '`' '{')
 * stay apart; ids count entries in file order. */
TEST(fold_edges_and_ids)
{
    td_lexicon *lx = from_text(TD_LEX_FOLD, "x[y\tA\nx@y\tB\nab\xC3\x89" "cdefghij\tC\n");
    CHECK(lx != NULL);
    CHECK_STR(field0(lx, "X[Y"), "A");
    CHECK(field0(lx, "x{y") == NULL); /* '[' | 0x20 */
    CHECK_STR(field0(lx, "x@y"), "B");
    CHECK(field0(lx, "x`y") == NULL); /* '@' | 0x20 */
    CHECK_STR(field0(lx, "AB\xC3\xA9" "CDEFGHIJ"), "C"); /* non-ASCII, 12 bytes */
    CHECK(field0(lx, "ab\xC3\xA9" "cdefghiK") == NULL);
    CHECK_INT(td_lexicon_get(lx, "x[y", 3)->id, 0);
    CHECK_INT(td_lexicon_get(lx, "ab\xC3\xA9" "cdefghij", 12)->id, 2);
    CHECK_INT(td_lexicon_entries(lx), 3);
    td_lexicon_free(lx);
}

/* A text of 6,000 lines (over 255 rounds of 16 bytes of the line and tab
 * count): every entry, with its fields and words, whatever its place; a
 * line with a CR ending and a comment between them. */
TEST(long_text_fields_and_words)
{
    size_t cap = 6000 * 40 + 64, n = 0;
    char *text = malloc(cap);
    CHECK(text != NULL);
    if (!text)
        return;
    for (int i = 0; i < 6000; i++)
        n += (size_t)snprintf(text + n, cap - n, i % 3 ? "w%d of %d\tf%d\tg\n" : "w%d\tf%d\r\n#c\n",
                              i, i, i);
    td_lexicon *lx = from_text(0, text);
    CHECK(lx != NULL);
    if (lx) {
        CHECK(td_lexicon_size(lx) == 6000);
        CHECK(td_lexicon_max_words(lx) == 3);
        const td_lex_entry *e = td_lexicon_get(lx, "w5999 of 5999", 13);
        CHECK(e && e->n_words == 3 && e->n_fields == 2 && strcmp(td_lex_field(e, 0), "f5999") == 0 &&
              strcmp(td_lex_field(e, 1), "g") == 0);
        e = td_lexicon_get(lx, "w3", 2);
        CHECK(e && e->n_words == 1 && e->n_fields == 1 && strcmp(td_lex_field(e, 0), "f3") == 0);
        CHECK(td_lexicon_get(lx, "#c", 2) == NULL);
        td_lexicon_free(lx);
    }
    free(text);
}

int main(void)
{
    RUN(exact_and_misses);
    RUN(long_keys);
    RUN(folded);
    RUN(first_wins_and_replace);
    RUN(growth);
    RUN(every_length_and_byte);
    RUN(fold_edges_and_ids);
    RUN(long_text_fields_and_words);
    return DONE();
}
