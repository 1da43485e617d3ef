/* test_layout.c - the layout stage: the seed's exact reading (title,
 * caption, 9 body paragraphs, 5 related headlines, year-only placeholder
 * date), the project's own test articles in tests/golden/layout_own/
 * (byline, dateline, headline-like body paragraph, related headline sharing
 * a country with the body, several documents in one file, a headline-only
 * document, related headlines first, no header), input dates, texts that
 * must keep every line (lists of results, a headline first), and a
 * pathological input for the linear-time promise. */
#include "harness.h"

#include "doc.h"
#include "layout_lines.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>

static td_resources res;
static td_stage_ctx ctx;

static void setup(void)
{
    char *err = NULL;
    memset(&res, 0, sizeof res);
    if (td_layout_init(&res, &err) != TD_OK) {
        fprintf(stderr, "layout init failed: %s\n", err ? err : "?");
        free(err);
        exit(1);
    }
    memset(&ctx, 0, sizeof ctx);
    ctx.res = &res;
    td_arena_init(&ctx.scratch);
}

static void teardown(void)
{
    td_layout_release(&res);
    td_stage_ctx_release(&ctx);
}

/* Normalise and lay out a document. */
static bool lay(td_doc *d)
{
    if (!d || td_normalize_run(NULL, d) != TD_OK)
        return false;
    td_status st = td_layout_run(&ctx, d);
    td_arena_reset(&ctx.scratch);
    return st == TD_OK;
}

static td_doc *lay_text(const char *text, const char *date, const char *title)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = strlen(text);
    in.date = date;
    in.title = title;
    td_doc *d = NULL;
    if (td_doc_new(&in, &d) != TD_OK)
        return NULL;
    if (!lay(d)) {
        td_doc_free(d);
        return NULL;
    }
    return d;
}

/* The documents of a file, through the text reader; returns the count. */
static size_t lay_file(const char *path, td_doc **out, size_t max)
{
    td_options opts;
    memset(&opts, 0, sizeof opts);
    td_reader *rd = NULL;
    if (td_reader_open(path, &opts, &rd) != TD_OK)
        return 0;
    size_t n = 0;
    td_doc *d = NULL;
    while (n < max && td_reader_next(rd, &d) == TD_OK) {
        if (!lay(d)) {
            td_doc_free(d);
            break;
        }
        out[n++] = d;
    }
    td_reader_free(rd);
    return n;
}

static size_t count_kind(const td_doc *d, td_block_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < d->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(d, i);
        if (b->kind == k && b->span.e > b->span.s)
            n++;
    }
    return n;
}

/* The text of the i-th block of kind k (static buffer), or NULL. */
static const char *kind_text(const td_doc *d, td_block_kind k, size_t nth)
{
    static char buf[1024];
    for (size_t i = 0; i < d->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(d, i);
        if (b->kind != k || b->span.e == b->span.s)
            continue;
        if (nth-- == 0) {
            size_t n = b->span.e - b->span.s;
            if (n >= sizeof buf)
                n = sizeof buf - 1;
            memcpy(buf, d->norm + b->span.s, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return NULL;
}

/* Blocks cover the norm text line by line, in order, without gaps. */
static bool blocks_cover(const td_doc *d)
{
    uint32_t at = 0;
    for (size_t i = 0; i < d->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(d, i);
        if (b->span.s != at || b->span.e < b->span.s || b->span.e > d->norm_len)
            return false;
        at = b->span.e;
        if (at < d->norm_len && d->norm[at] == '\n')
            at++;
    }
    return at == d->norm_len;
}

TEST(seed_lavrov)
{
    td_doc *docs[4];
    size_t n = lay_file("tests/golden/lavrov/lavrov.txt", docs, 4);
    CHECK_INT(n, 1);
    if (n != 1)
        return;
    td_doc *d = docs[0];
    CHECK_STR(d->title,
              "Russia says enhancing ties with countries that opted out of West's sanctions drive");
    CHECK_STR(d->caption, "Russian Foreign Minister Sergey Lavrov");
    CHECK_INT(count_kind(d, TD_BLOCK_BODY), 9);
    CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 5);
    CHECK_INT(count_kind(d, TD_BLOCK_TITLE), 1);
    CHECK_STR(kind_text(d, TD_BLOCK_BOILERPLATE, 0), "Ukrainians face power outage in Odesa");
    CHECK_STR(kind_text(d, TD_BLOCK_BOILERPLATE, 4),
              "\xE2\x80\x98T\xC3\xBCrkiye brands itself with proactive stance in global "
              "crises\xE2\x80\x99: Official");
    CHECK(strncmp(kind_text(d, TD_BLOCK_BODY, 0), "Russia is focusing on enhancing cooperation",
                  43) == 0);
    CHECK_STR(d->date.value, "2022");
    CHECK_INT(d->date.precision, TD_PREC_YEAR);
    CHECK_STR(d->date.source, "header");
    CHECK_STR(d->date.header, "2022-01-01");
    CHECK(d->date.note != NULL);
    CHECK_INT(d->date.given_y, 2022);
    CHECK_INT(d->date.given_m, 1);
    CHECK_INT(d->date.given_d, 1);
    CHECK(blocks_cover(d));
    td_doc_free(d);
}

TEST(own_articles)
{
    td_doc *d[8];
    size_t n = lay_file("tests/golden/layout_own/own.txt", d, 8);
    CHECK_INT(n, 4); /* several documents in one file */
    if (n != 4)
        return;
    /* 1: title first, a byline, a sub-head in the body, related headlines
     * after it, one sharing the body's country (Kenya) */
    CHECK_STR(d[0]->title, "Harvest Fears Grow as Drought Grips Kenya's Rift Valley");
    CHECK_STR(d[0]->caption, "Farmers inspect a dry field outside Nakuru");
    CHECK_STR(kind_text(d[0], TD_BLOCK_BYLINE, 0), "By Amina Odhiambo and Peter Lang");
    CHECK_INT(count_kind(d[0], TD_BLOCK_BODY), 5);
    CHECK_STR(kind_text(d[0], TD_BLOCK_BODY, 2), "Relief groups warn of hunger");
    CHECK_INT(count_kind(d[0], TD_BLOCK_BOILERPLATE), 3);
    CHECK_STR(kind_text(d[0], TD_BLOCK_BOILERPLATE, 0),
              "Kenya's runners dominate the Berlin marathon again");
    CHECK_STR(d[0]->date.value, "2021-03-15");
    CHECK_INT(d[0]->date.precision, TD_PREC_DAY);
    /* 2: a wire dateline split off the first paragraph; no caption */
    CHECK_STR(kind_text(d[1], TD_BLOCK_DATELINE, 0), "MOSCOW (AP) \xE2\x80\x94 ");
    CHECK(strncmp(kind_text(d[1], TD_BLOCK_BODY, 0), "Russia's parliament approved", 28) == 0);
    CHECK_STR(d[1]->title, "Russian parliament passes bill tightening rules for foreign media");
    CHECK(d[1]->caption == NULL);
    CHECK_INT(count_kind(d[1], TD_BLOCK_BODY), 4);
    CHECK_INT(count_kind(d[1], TD_BLOCK_BOILERPLATE), 3);
    /* 3: only a headline, with a placeholder date */
    CHECK_STR(d[2]->title, "Storm batters northern coast overnight");
    CHECK_INT(count_kind(d[2], TD_BLOCK_BODY), 0);
    CHECK_INT(count_kind(d[2], TD_BLOCK_BOILERPLATE), 0);
    CHECK_STR(d[2]->date.value, "2019");
    CHECK_INT(d[2]->date.precision, TD_PREC_YEAR);
    /* 4: related headlines first (one on the same story), the title last,
     * a one-sentence paragraph that reads like a headline stays body */
    CHECK_STR(d[3]->title, "The council builds a new library on the old bus depot site");
    CHECK_INT(count_kind(d[3], TD_BLOCK_BOILERPLATE), 3);
    CHECK_STR(kind_text(d[3], TD_BLOCK_BOILERPLATE, 0), "City council votes to build library");
    CHECK_INT(count_kind(d[3], TD_BLOCK_BODY), 5);
    CHECK_STR(kind_text(d[3], TD_BLOCK_BODY, 3), "The new library will open in two years");
    for (size_t i = 0; i < n; i++) {
        CHECK(blocks_cover(d[i]));
        td_doc_free(d[i]);
    }
}

TEST(no_header_title_after_body)
{
    td_doc *d = lay_text(
        "Engineers finished repairing the main bridge over the river on Friday, three weeks "
        "ahead of the schedule the transport agency had set in the spring.\n"
        "The bridge had been closed since a barge struck one of its pillars in March, forcing "
        "drivers into a long detour through the hills.\n"
        "The agency said traffic would return to normal by Monday morning, and that the repairs "
        "had cost less than first estimated.\n"
        "River bridge reopens weeks ahead of schedule after repairs\n"
        "School board approves longer summer holidays for next year\n"
        "Museum returns ancient statue to its country of origin",
        NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_STR(d->title, "River bridge reopens weeks ahead of schedule after repairs");
    CHECK_INT(count_kind(d, TD_BLOCK_BODY), 3);
    CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 2);
    CHECK(d->date.value == NULL);
    CHECK(blocks_cover(d));
    td_doc_free(d);
}

TEST(input_dates)
{
    td_doc *d = lay_text("Some text.", "2023-01-01T09:30:00Z", "Given title");
    CHECK(d != NULL);
    if (d) {
        CHECK_STR(d->date.value, "2023-01-01"); /* the caller's word: 1 January kept */
        CHECK_INT(d->date.precision, TD_PREC_DAY);
        CHECK_STR(d->date.source, "input");
        CHECK_INT(d->date.given_d, 1);
        CHECK_STR(d->title, "Given title");
        td_doc_free(d);
    }
    d = lay_text("Some text.", "2022-11", NULL);
    if (d) {
        CHECK_STR(d->date.value, "2022-11");
        CHECK_INT(d->date.precision, TD_PREC_MONTH);
        td_doc_free(d);
    }
    d = lay_text("Some text.", "2020-13", NULL); /* no such month: the year stands */
    if (d) {
        CHECK_STR(d->date.value, "2020");
        CHECK_INT(d->date.precision, TD_PREC_YEAR);
        td_doc_free(d);
    }
    d = lay_text("Some text.", "2022", NULL);
    if (d) {
        CHECK_STR(d->date.value, "2022");
        CHECK_INT(d->date.precision, TD_PREC_YEAR);
        td_doc_free(d);
    }
    /* an input date wins over the header's, which is still recorded */
    d = lay_text(" date 2019-01-01 A caption\nA body line that says something.", "2019-06-30",
                 NULL);
    if (d) {
        CHECK_STR(d->date.value, "2019-06-30");
        CHECK_STR(d->date.source, "input");
        CHECK_STR(d->date.header, "2019-01-01");
        CHECK_STR(d->caption, "A caption");
        td_doc_free(d);
    }
}

TEST(given_title_kept_title_line_found)
{
    td_doc *d = lay_text("Ship Leaves Port After Long Repair\n"
                         "The cargo ship that ran aground in the harbour in December left port "
                         "on Sunday after a month of repairs, the port authority said.\n"
                         "Tugboats guided the ship out at high tide, and it is expected to reach "
                         "its next port on Wednesday.",
                         NULL, "Given title");
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_STR(d->title, "Given title");
    CHECK_STR(kind_text(d, TD_BLOCK_TITLE, 0), "Ship Leaves Port After Long Repair");
    CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 0);
    td_doc_free(d);
}

/* A wire story whose first line is its headline and whose end is a list of
 * results: nothing is boilerplate; the dateline line is a dateline. */
TEST(wire_results_keep_every_line)
{
    td_doc *d = lay_text("RUGBY - CITY CLUBS WIN AT HOME ON OPENING DAY .\n"
                         "CARDIFF 2001-09-01\n"
                         "The city clubs won all their home games on the opening day of the "
                         "season on Saturday , with Riverside scoring five tries .\n"
                         "Results :\n"
                         "Riverside 34 Harbour 10\n"
                         "Northgate 21 Valley Rovers 18\n"
                         "Old Bridge 15 Castle Park 12\n"
                         "Westfield 40 Mill Lane 3",
                         NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 0);
    CHECK_STR(kind_text(d, TD_BLOCK_DATELINE, 0), "CARDIFF 2001-09-01");
    CHECK_STR(d->title, "RUGBY - CITY CLUBS WIN AT HOME ON OPENING DAY .");
    td_doc_free(d);
}

/* Articles without layout keep every line as body (no title invented from
 * a sentence, no boilerplate). */
TEST(plain_article)
{
    td_doc *d = lay_text("The committee met on Tuesday to discuss the budget for the coming "
                         "year, and members agreed to raise spending on roads.\n\n"
                         "The decision followed a long debate about taxes, which several "
                         "members said were already too high for small businesses.\n\n"
                         "A final vote is expected next month.",
                         NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 0);
    CHECK_INT(count_kind(d, TD_BLOCK_TITLE), 0);
    CHECK(d->title == NULL);
    CHECK(blocks_cover(d));
    td_doc_free(d);
}

/* Non-English documents get layout too. */
TEST(non_english_layout)
{
    td_doc *d = lay_text(
        " date 2020-02-03\n"
        "A prefeitura anunciou nesta segunda-feira que o novo hospital da cidade será "
        "inaugurado em março, depois de dois anos de obras no bairro central.\n"
        "Segundo a secretaria de saúde, o hospital terá duzentos leitos e atenderá pacientes "
        "de toda a região metropolitana a partir do mês que vem.\n"
        "Prefeitura anuncia inauguração do novo hospital em março\n"
        "Chuva forte provoca alagamentos em bairros da zona norte\n"
        "Time da cidade vence clássico e assume a liderança do campeonato",
        NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_STR(d->title, "Prefeitura anuncia inauguração do novo hospital em março");
    CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 2);
    td_doc_free(d);
}

/* 20,000 headline-shaped lines: linear time, and a list that long is not
 * a run of related headlines. */
TEST(pathological_many_headlines)
{
    size_t n = 20000;
    char *t = malloc(n * 64 + 64);
    size_t len = 0;
    len += (size_t)sprintf(t + len, " date 2020-01-02\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(t + len, "Local Team Wins Match Number %zu Today\n", i);
    t[--len] = '\0';
    td_doc *d = lay_text(t, NULL, NULL);
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(count_kind(d, TD_BLOCK_BOILERPLATE), 0);
        CHECK(blocks_cover(d));
        td_doc_free(d);
    }
    free(t);
}

/* The hashes a line's measure gives its words (fast paths: a whole ASCII
 * run 8 bytes at a time, a short word in one load) are td_lay_word_hash()
 * of each word, whatever its length, case, apostrophes or script. */
TEST(line_word_hashes_match_word_hash)
{
    static const char *const words[] = {
        "ab", "abc", "Abcd", "abcdefg", "ABCDEFGH", "abcdefghi", "Abcdefghijklmnop",
        "abcdefghijklmnopq", "x1y2z3", "2022abc", "Russia's", "O'Neill", "rock'n'roll",
        "Zo\xC3\xAB", "\xC3\x89mileabcdefghij", "abcdefgh\xC3\xA9", "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
        "Internationalisation", "UNITED", "Kenya's",
    };
    td_arena a;
    td_arena_init(&a);
    td_lay_stop stop;
    memset(&stop, 0, sizeof stop); /* no function words: every word of 3+ counts */
    char line[512];
    size_t bad = 0, checked = 0;
    for (size_t lead = 0; lead < 9; lead++) {
        /* every word at every alignment, and the last one at the line end */
        size_t n = 0;
        for (size_t k = 0; k < lead; k++)
            line[n++] = ' ';
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            size_t l = strlen(words[w]);
            memcpy(line + n, words[w], l);
            n += l;
            line[n++] = w % 3 ? ' ' : ',';
            if (w % 3 == 0)
                line[n++] = ' ';
        }
        n--; /* no separator after the last word */
        line[n] = 0;
        uint64_t *hs = NULL;
        size_t nw = 0, cap = 0;
        td_lay_line ln;
        CHECK(td_lay_line_measure(line, td_lay_alnum_map(line, n, &a), 0, (uint32_t)n, &stop, &a, &hs,
                                  &nw, &cap, &ln));
        size_t k = 0;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            const char *wd = words[w];
            size_t chars = 0;
            for (const char *p = wd; *p; p++)
                chars += ((unsigned char)*p & 0xC0) != 0x80;
            if (chars < 3)
                continue;
            /* an apostrophe word hashes whole; a final 's is dropped */
            uint64_t want = td_lay_word_hash(wd, strlen(wd));
            checked++;
            if (k >= nw || hs[k] != want)
                bad++;
            k++;
        }
        CHECK_INT(k, nw);
    }
    CHECK_INT(bad, 0);
    CHECK(checked > 100);
    td_arena_release(&a);
}

/* The map the line measure finds words in: one bit per byte, every byte
 * value, at every length around the 64-byte words of the map; the ASCII
 * letters and digits in the even words, and in the odd ones the word bytes
 * (those, and each apostrophe between two of them); the bits past the text
 * are clear. */
static int alnum_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

TEST(alnum_map_bits)
{
    td_arena a;
    td_arena_init(&a);
    unsigned char text[300];
    for (size_t k = 0; k < sizeof text; k++)
        text[k] = (unsigned char)(k * 7 + 3); /* every byte value */
    for (size_t k = 5; k + 3 < sizeof text; k += 23) {
        text[k] = 'a'; /* joining apostrophes, some across 64-byte words */
        text[k + 1] = '\'';
        text[k + 2] = k % 2 ? '7' : 'Z';
    }
    text[63] = '\'';
    text[62] = 'x';
    text[64] = 'y';
    size_t bad = 0;
    for (size_t len = 0; len <= sizeof text; len += len < 140 ? 1 : 37) {
        const uint64_t *m = td_lay_alnum_map((const char *)text, len, &a);
        CHECK(m != NULL);
        if (!m)
            break;
        for (size_t k = 0; k < len / 64 * 64 + 128; k++) {
            int want = k < len && alnum_byte(text[k]);
            if ((int)((m[2 * (k / 64)] >> (k % 64)) & 1) != want)
                bad++;
            int joins = k < len && text[k] == '\'' && k > 0 && alnum_byte(text[k - 1]) &&
                        k + 1 < len && alnum_byte(text[k + 1]);
            if ((int)((m[2 * (k / 64) + 1] >> (k % 64)) & 1) != (want || joins))
                bad++;
        }
    }
    CHECK_INT(bad, 0);
    td_arena_release(&a);
}

/* The line measure keeps function words (their readers drop them with
 * td_lay_stop_has); a word that is none but hashes as one, a possessive
 * longer than every function word ("Having's": "having" once its 's is
 * dropped), is kept under a tag, so that the filter leaves it as it always
 * did, and equals the same word elsewhere. */
TEST(line_words_possessive_of_function_word)
{
    td_arena a;
    td_arena_init(&a);
    td_lay_stop stop;
    memset(&stop, 0, sizeof stop);
    uint64_t keys[64] = {0};
    stop.keys = keys;
    stop.mask = 63;
    stop.maxchars = 6;
    td_lay_stop_add(&stop, td_lay_word_hash("having", 6));
    const char *line = "Having's having HAVING'S is";
    uint64_t *hs = NULL;
    size_t nw = 0, cap = 0;
    td_lay_line ln;
    CHECK(td_lay_line_measure(line, td_lay_alnum_map(line, strlen(line), &a), 0,
                              (uint32_t)strlen(line), &stop, &a, &hs, &nw, &cap, &ln));
    CHECK_INT(ln.words, 4);
    CHECK_INT(nw, 3); /* "is" is too short to keep */
    if (nw == 3) {
        CHECK(!td_lay_stop_has(&stop, hs[0])); /* Having's: a content word */
        CHECK(td_lay_stop_has(&stop, hs[1]));  /* having: a function word */
        CHECK(hs[0] == hs[2]);                 /* the same word, whatever its case */
        CHECK(hs[0] != hs[1]);
    }
    td_arena_release(&a);
}

/* A line of ASCII text (quote marks, dashes and Latin-1 signs besides) is
 * read by a fast path, 64 bytes at a time; the same line with " é" after
 * it takes the general loop. Both give the same hashes in the same order
 * and the same counts (but the word and token " é" adds), on random lines
 * of words, apostrophes, marks, links and spaces, at every offset. */
TEST(ascii_line_fast_path_matches_general_loop)
{
    static const char *const bits[] = {
        "a", "of", "the", "Kenya", "UNITED", "x1", "2022", "10", "Internationalisation",
        "abcdefgh", "Abcdefghi", "'", "'s", "'S", "n't", "'ll", " ", " ", " ", "  ", "\t", ".",
        ". ", "! ", "? ", "...", ",", "-", "@", "@ab", "http://x.y", "www.z", "(", ")",
        "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE2\x80\x94", "\xC2\xA3", "\"",
        "having", "Having's", "is", "rock'n'roll", "O'Neill", "1'2", "a''b", "''",
    };
    const size_t nbits = sizeof bits / sizeof bits[0];
    td_arena a;
    td_arena_init(&a);
    td_lay_stop stop;
    memset(&stop, 0, sizeof stop);
    uint64_t keys[64] = {0};
    stop.keys = keys;
    stop.mask = 63;
    stop.maxchars = 6;
    static const char *const fw[] = {"the", "of", "is", "having", "and"};
    for (size_t k = 0; k < sizeof fw / sizeof fw[0]; k++)
        td_lay_stop_add(&stop, td_lay_word_hash(fw[k], strlen(fw[k])));
    unsigned seed = 12345;
    size_t bad = 0, fast_lines = 0;
    for (int iter = 0; iter < 3000; iter++) {
        char buf[1200];
        size_t n = 0;
        size_t pre = (size_t)(iter % 83);
        for (size_t k = 0; k < pre; k++)
            buf[n++] = k + 1 == pre ? '\n' : (char)('a' + k % 26);
        size_t s = n;
        size_t target = s + 1 + (size_t)(iter * 37 % 400);
        while (n < target) {
            seed = seed * 1103515245u + 12345u;
            const char *b = bits[(seed >> 8) % nbits];
            size_t l = strlen(b);
            memcpy(buf + n, b, l);
            n += l;
        }
        size_t e = n;
        memcpy(buf + n, " \xC3\xA9", 3);
        size_t e2 = n + 3;
        buf[e2] = 0;
        uint64_t *map = td_lay_alnum_map(buf, e2, &a);
        uint64_t *h1 = NULL, *h2 = NULL;
        size_t n1 = 0, n2 = 0, c1 = 0, c2 = 0;
        td_lay_line l1, l2;
        CHECK(map != NULL);
        if (!map || !td_lay_line_measure(buf, map, (uint32_t)s, (uint32_t)e, &stop, &a, &h1, &n1,
                                         &c1, &l1) ||
            !td_lay_line_measure(buf, map, (uint32_t)s, (uint32_t)e2, &stop, &a, &h2, &n2, &c2,
                                 &l2)) {
            bad++;
            continue;
        }
        if (l1.blank)
            continue;
        fast_lines++;
        bool same = n1 == n2 && (n1 == 0 || memcmp(h1, h2, n1 * sizeof *h1) == 0) &&
                    l1.words + 1 == l2.words && l1.tokens + 1 == l2.tokens && l1.cap == l2.cap &&
                    l1.low == l2.low && l1.digitw == l2.digitw && l1.sents == l2.sents &&
                    l1.link == l2.link && l1.lead_mark == l2.lead_mark &&
                    (l1.words == 0 || l1.first_low == l2.first_low);
        if (!same && bad++ < 3)
            fprintf(stderr, "differs: [%.*s]\n", (int)(e - s), buf + s);
    }
    CHECK_INT(bad, 0);
    CHECK(fast_lines > 2500);
    td_arena_release(&a);
}

/* The set the overlap is counted in: entries keep their index while the
 * table grows past its first size; every key is found again, an absent
 * one is not, and the entries are full at their room. */
TEST(lay_set_grows_and_keeps_entries)
{
    td_arena a;
    td_arena_init(&a);
    td_lay_set q;
    CHECK(td_lay_set_init(&q, &a, 300));
    size_t first = q.mask + 1, bad = 0;
    for (uint64_t k = 1; k <= 300; k++) {
        uint64_t key = k * 0x9E3779B97F4A7C15ull;
        size_t e = td_lay_set_slot(&q, key);
        if (e != k - 1 || q.tag[e] != 0 || q.count[e][0] != 0)
            bad++;
        q.count[e][0] = (uint32_t)k;
        if (td_lay_set_slot(&q, key) != e)
            bad++;
    }
    CHECK(q.mask + 1 > first);
    for (uint64_t k = 1; k <= 300; k++) {
        size_t e = td_lay_set_find(&q, k * 0x9E3779B97F4A7C15ull);
        if (e != k - 1 || q.count[e][0] != k)
            bad++;
    }
    CHECK_INT(bad, 0);
    CHECK(td_lay_set_find(&q, 301 * 0x9E3779B97F4A7C15ull) == SIZE_MAX);
    CHECK(td_lay_set_slot(&q, 301 * 0x9E3779B97F4A7C15ull) == SIZE_MAX);
    td_arena_release(&a);
}

int main(void)
{
    setup();
    RUN(seed_lavrov);
    RUN(own_articles);
    RUN(no_header_title_after_body);
    RUN(input_dates);
    RUN(given_title_kept_title_line_found);
    RUN(wire_results_keep_every_line);
    RUN(plain_article);
    RUN(non_english_layout);
    RUN(pathological_many_headlines);
    RUN(line_words_possessive_of_function_word);
    RUN(line_word_hashes_match_word_hash);
    RUN(alnum_map_bits);
    RUN(lay_set_grows_and_keeps_entries);
    RUN(ascii_line_fast_path_matches_general_loop);
    teardown();
    return DONE();
}
