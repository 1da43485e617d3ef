/*
 * test_html.c - the HTML reader: encodings (including a lying <meta>),
 * main-text extraction (navigation, related links, comments, share bars,
 * captions and bylines out of the body; paragraphs kept), metadata
 * (JSON-LD, og:title with a site suffix, placeholder dates), broken markup.
 * Every page here is a tiny one written for the test.
 */
#include "harness.h"

#include "html_internal.h"
#include "reader.h"

#include <stdlib.h>

static td_doc *page(const char *html, const char *charset, const char *url)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.url = url;
    td_doc *d = NULL;
    const char *err = NULL;
    td_status st = td_html_to_doc(html, strlen(html), charset, &in, &d, &err);
    if (st != TD_OK) {
        fprintf(stderr, "td_html_to_doc: %s\n", err ? err : "?");
        return NULL;
    }
    return d;
}

static const char *meta(const td_doc *d, const char *key)
{
    for (size_t i = 0; i < d->meta.n; i++) {
        const td_kv *kv = TD_VEC_AT(d->meta, td_kv, i);
        if (!strcmp(kv->key, key))
            return kv->value;
    }
    return NULL;
}

static bool has(const td_doc *d, const char *s) { return d && strstr(d->base, s) != NULL; }

#define PARA1 "The council voted on Tuesday to rebuild the old stone bridge, a decision that " \
              "ends two years of argument among residents, engineers and the regional office."
#define PARA2 "Work starts in spring, the mayor said, and the crossing will stay open to " \
              "pedestrians for most of the time, although cars will use the ferry instead."
#define PARA3 "Engineers found cracks in three of the arches last winter, and a survey in " \
              "March showed that the river bed had moved, which made repairs more urgent."

static const char article_page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Bridge to be rebuilt - The Valley Post</title>"
    "<meta property=\"og:site_name\" content=\"The Valley Post\">"
    "<meta property=\"article:published_time\" content=\"2021-03-04T10:00:00Z\">"
    "<link rel=\"canonical\" href=\"https://valley.example/bridge\">"
    "</head><body>"
    "<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News section</a></li>"
    "<li><a href=\"/sport\">Sport pages</a></li></ul></nav>"
    "<div id=\"cookie-banner\">We use cookies to improve your experience on this site, "
    "please accept them, or read our long and friendly policy about it.</div>"
    "<main><article><h1>Bridge to be rebuilt</h1>"
    "<div class=\"byline\">By Jane Roe</div>"
    "<div class=\"share-bar\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Tweet</a></div>"
    "<div class=\"article-body\"><p>" PARA1 "</p>"
    "<figure><img src=\"b.jpg\"><figcaption>The old bridge at dusk.</figcaption></figure>"
    "<p>" PARA2 "</p><p>" PARA3 "</p></div>"
    "<div class=\"related-stories\"><h3>Related</h3><ul>"
    "<li><a href=\"/a\">Ferry prices to rise next month as fuel costs climb</a></li>"
    "<li><a href=\"/b\">Council elections: what the candidates promise on roads</a></li>"
    "</ul></div></article></main>"
    "<section id=\"comments\"><h2>Comments</h2><p>I have crossed that bridge every day for "
    "thirty years, and I think the council is wasting money, as usual, on this.</p></section>"
    "<footer><p>Copyright The Valley Post, all rights reserved, since the year 1901.</p>"
    "</footer></body></html>";

TEST(extracts_article_and_drops_boilerplate)
{
    td_doc *d = page(article_page, NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK(has(d, "The council voted on Tuesday"));
    CHECK(has(d, "Work starts in spring"));
    CHECK(has(d, "river bed had moved"));
    CHECK(!has(d, "News section"));          /* nav */
    CHECK(!has(d, "cookies"));               /* cookie banner */
    CHECK(!has(d, "Ferry prices"));          /* related links */
    CHECK(!has(d, "wasting money"));         /* comments */
    CHECK(!has(d, "Share on Facebook"));     /* share bar */
    CHECK(!has(d, "all rights reserved"));   /* footer */
    CHECK(!has(d, "The old bridge at dusk")); /* caption */
    CHECK(!has(d, "Jane Roe"));              /* byline */
    CHECK(!has(d, "Bridge to be rebuilt"));  /* the headline is the title, not body */
    CHECK_STR(meta(d, "caption"), "The old bridge at dusk.");
    CHECK_STR(d->content_type, "html");
    /* paragraphs, one a line */
    CHECK_STR(d->base, PARA1 "\n" PARA2 "\n" PARA3);
    td_doc_free(d);
}

TEST(metadata_title_date_and_more)
{
    td_doc *d = page(article_page, NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_STR(d->in_title, "Bridge to be rebuilt");
    CHECK_STR(d->in_date, "2021-03-04");
    CHECK_STR(d->in_date_source, "metadata");
    CHECK_STR(meta(d, "date_source"), "article:published_time");
    CHECK_STR(meta(d, "site_name"), "The Valley Post");
    CHECK_STR(meta(d, "canonical_url"), "https://valley.example/bridge");
    CHECK_STR(meta(d, "lang"), "en");
    CHECK_STR(d->url, "https://valley.example/bridge");
    td_doc_free(d);
}

TEST(og_title_site_suffix)
{
    td_doc *d = page("<html><head><title>x</title>"
                     "<meta property=\"og:title\" content=\"Floods close the valley road | "
                     "Daily Example\"><meta property=\"og:site_name\" content=\"Daily Example\">"
                     "</head><body><p>" PARA1 "</p></body></html>",
                     NULL, NULL);
    CHECK(d != NULL);
    if (d)
        CHECK_STR(d->in_title, "Floods close the valley road");
    td_doc_free(d);
    d = page("<html><head><title>Floods close the valley road - Daily Example</title></head>"
             "<body><p>" PARA1 "</p></body></html>",
             NULL, NULL);
    CHECK(d != NULL);
    if (d)
        CHECK_STR(d->in_title, "Floods close the valley road");
    td_doc_free(d);
}

TEST(json_ld_body_and_date)
{
    /* a page whose text is only in JSON-LD (rendered by script) */
    td_doc *d = page(
        "<html><head><script type=\"application/ld+json\">"
        "{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebPage\"},"
        "{\"@type\":\"NewsArticle\",\"headline\":\"Bridge vote\","
        "\"datePublished\":\"2020-07-09T08:00:00+02:00\","
        "\"author\":{\"@type\":\"Person\",\"name\":\"Jane Roe\"},"
        "\"publisher\":{\"name\":\"Valley Post\"},"
        "\"articleBody\":\"" PARA1 " " PARA2 "\"}]}</script></head>"
        "<body><div id=\"app\"></div></body></html>",
        NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK(has(d, "The council voted on Tuesday"));
    CHECK(has(d, "ferry instead"));
    CHECK_STR(d->in_date, "2020-07-09");
    CHECK_STR(meta(d, "date_source"), "JSON-LD datePublished");
    CHECK_STR(meta(d, "author"), "Jane Roe");
    CHECK_STR(meta(d, "site_name"), "Valley Post");
    CHECK_STR(d->in_title, "Bridge vote");
    td_doc_free(d);
}

TEST(placeholder_dates_are_no_date)
{
    td_doc *d = page("<html><head>"
                     "<meta property=\"article:published_time\" content=\"0001-01-01T00:00:00\">"
                     "</head><body><p>" PARA1 "</p></body></html>",
                     NULL, "https://news.example/2019/11/18/bridge.html");
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_STR(d->in_date, "2019-11-18"); /* from the URL instead */
    CHECK_STR(meta(d, "date_source"), "url");
    td_doc_free(d);
    d = page("<html><head><meta name=\"date\" content=\"1970-01-01\"></head>"
             "<body><p>" PARA1 "</p></body></html>",
             NULL, NULL);
    CHECK(d != NULL);
    if (d)
        CHECK(d->in_date == NULL);
    td_doc_free(d);
    char out[11];
    CHECK(td_html_date_norm("November 18, 2022", out));
    CHECK_STR(out, "2022-11-18");
    CHECK(td_html_date_norm("Tue, 15 Nov 2022 10:00:00 GMT", out));
    CHECK_STR(out, "2022-11-15");
    CHECK(!td_html_date_norm("0001-01-01T00:00:00Z", out));
    CHECK(!td_html_date_norm("2022-02-30", out));
}

TEST(lying_meta_on_utf8_does_not_truncate)
{
    /* UTF-8 bytes (Ł is C5 81: 0x81 is undefined in windows-1252) under a
     * meta that says windows-1252 */
    td_doc *d = page("<html><head><meta charset=\"windows-1252\"></head><body>"
                     "<p>\xC5\x81\xC3\xB3""d\xC5\xBA is a city in Poland; the caf\xC3\xA9 there "
                     "served na\xC3\xAFve visitors all day, and the last words are here.</p>"
                     "</body></html>",
                     NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK(has(d, "\xC5\x81\xC3\xB3""d\xC5\xBA"));
    CHECK(has(d, "caf\xC3\xA9"));
    CHECK(has(d, "the last words are here."));
    CHECK_INT(d->invalid_bytes, 0);
    td_doc_free(d);
}

TEST(single_byte_encodings)
{
    /* real windows-1252 bytes, declared in <meta> */
    td_doc *d = page("<html><head><meta http-equiv=\"Content-Type\" "
                     "content=\"text/html; charset=windows-1252\"></head><body>"
                     "<p>The caf\xE9 opened \x93today\x94 and the crowd was large, they said, "
                     "with music and speeches for the whole afternoon.</p></body></html>",
                     NULL, NULL);
    CHECK(d != NULL);
    if (d) {
        CHECK(has(d, "caf\xC3\xA9"));
        CHECK(has(d, "\xE2\x80\x9Ctoday\xE2\x80\x9D"));
    }
    td_doc_free(d);
    /* the HTTP header's charset, no meta */
    d = page("<html><body><p>Stra\xDF""e und Caf\xE9 waren voll, sagte der B\xFCrgermeister am "
             "Montag, und die Stadt plant nun einen zweiten Markt.</p></body></html>",
             "iso-8859-1", NULL);
    CHECK(d != NULL);
    if (d) {
        CHECK(has(d, "Stra\xC3\x9F""e"));
        CHECK(has(d, "B\xC3\xBCrgermeister"));
    }
    td_doc_free(d);
    /* a UTF-8 BOM */
    d = page("\xEF\xBB\xBF<html><body><p>Na\xC3\xAFve text after a byte order mark, long enough "
             "to be a paragraph of its own in the page.</p></body></html>",
             "windows-1252", NULL);
    CHECK(d != NULL);
    if (d)
        CHECK(has(d, "Na\xC3\xAFve"));
    td_doc_free(d);
}

TEST(broken_markup_degrades)
{
    /* unclosed tags, stray end tags, no <html>, an unterminated comment */
    td_doc *d = page("<div><p>" PARA1 "<p>" PARA2 "</span></div></div></table><b>" PARA3
                     "<!-- never closed",
                     NULL, NULL);
    CHECK(d != NULL);
    if (d) {
        CHECK(has(d, "The council voted"));
        CHECK(has(d, "Work starts in spring"));
    }
    td_doc_free(d);
    /* very deep nesting */
    size_t n = 20000;
    char *deep = malloc(n * 5 + 400);
    CHECK(deep != NULL);
    if (!deep)
        return;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(deep + k, "<div>", 5);
        k += 5;
    }
    strcpy(deep + k, "<p>" PARA1 "</p>");
    d = page(deep, NULL, NULL);
    CHECK(d != NULL);
    td_doc_free(d);
    free(deep);
    /* empty and text-free input */
    d = page("", NULL, NULL);
    CHECK(d != NULL);
    if (d)
        CHECK_INT(d->base_len, 0);
    td_doc_free(d);
    d = page("<html><body><script>var x = '<p>not text</p>';</script></body></html>", NULL, NULL);
    CHECK(d != NULL);
    if (d)
        CHECK(!has(d, "not text"));
    td_doc_free(d);
}

TEST(link_lists_and_short_boilerplate)
{
    td_doc *d = page("<html><body><div class=\"story\"><p>" PARA1 "</p>"
                     "<p>Advertisement</p><p>" PARA2 "</p>"
                     "<ul><li><a href=\"/1\">Another story about a bridge</a></li>"
                     "<li><a href=\"/2\">Yet another story about roads</a></li>"
                     "<li><a href=\"/3\">A third story about ferries</a></li></ul>"
                     "<p>" PARA3 "</p><p>Sign up for our newsletter to get the news.</p>"
                     "</div></body></html>",
                     NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK(has(d, "The council voted"));
    CHECK(has(d, "river bed had moved"));
    CHECK(!has(d, "Advertisement"));
    CHECK(!has(d, "Another story"));
    CHECK(!has(d, "newsletter"));
    td_doc_free(d);
}

TEST(collapse_white_space)
{
    td_buf b;
    td_buf_init(&b, 0);
    const char *ws = "  a \n\t b\xC2\xA0 c  ";
    CHECK(td_html_collapse(ws, strlen(ws), &b) == TD_OK);
    CHECK(b.len == 5 && memcmp(b.ptr, "a b c", 5) == 0);
    td_buf_release(&b);
    char cs[32];
    CHECK_STR(td_html_charset_param("text/html; charset=\"ISO-8859-1\"", 31, cs, sizeof cs),
              "ISO-8859-1");
    CHECK(td_html_charset_param("text/html", 9, cs, sizeof cs) == NULL);
}

int main(void)
{
    td_html_global_init();
    RUN(extracts_article_and_drops_boilerplate);
    RUN(metadata_title_date_and_more);
    RUN(og_title_site_suffix);
    RUN(json_ld_body_and_date);
    RUN(placeholder_dates_are_no_date);
    RUN(lying_meta_on_utf8_does_not_truncate);
    RUN(single_byte_encodings);
    RUN(broken_markup_degrades);
    RUN(link_lists_and_short_boilerplate);
    RUN(collapse_white_space);
    return DONE();
}
