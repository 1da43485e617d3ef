/*
 * html_internal.h - the pieces behind td_html_to_doc (library-internal):
 * encoding (html_enc.c), page metadata (html_meta.c) and main-text
 * extraction (html_extract.c) over a libxml2 HTML tree.
 */
#ifndef TD_HTML_INTERNAL_H
#define TD_HTML_INTERNAL_H

#include "arena.h"
#include "buf.h"

#include <libxml/HTMLparser.h>
#include <stdbool.h>
#include <stddef.h>

/* Largest HTML page taken (bytes); over it the page is TD_ETOOBIG. */
#define TD_HTML_MAX_BYTES (64u * 1024u * 1024u)
/* Deepest element nesting the walkers follow (they are iterative; the
 * cap bounds their work); text nested deeper is left out. */
#define TD_HTML_MAX_DEPTH 400

/* ---- encoding ---------------------------------------------------------- */

/* Decide the encoding of html[0..len) and append it to out as valid UTF-8
 * without NUL bytes. Order: a BOM; then valid UTF-8 with non-ASCII bytes
 * is UTF-8 whatever a header or <meta> claims (a lying single-byte label
 * must not garble or truncate it); then the HTTP charset; then <meta
 * charset>; then UTF-8 when valid, else windows-1252. *enc receives the
 * encoding used (static string), *repairs the replaced sequences. */
td_status td_html_decode(const char *html, size_t len, const char *charset, td_buf *out,
                         const char **enc, size_t *repairs);

/* True when html[0..len) can go to the parser as it is: valid UTF-8
 * without NUL bytes, and UTF-8 by the rules of td_html_decode (its
 * ASCII bytes read the same in any ASCII-compatible label). A UTF-8 BOM
 * is left for the parser, which skips it. */
bool td_html_is_clean_utf8(const char *html, size_t len, const char *charset);

/* The charset parameter of a Content-Type value (copied into buf of size
 * n), or NULL when absent. */
const char *td_html_charset_param(const char *ctype, size_t len, char *buf, size_t n);

/* ---- metadata ---------------------------------------------------------- */

typedef struct td_html_meta {
    const char *title;      /* cleaned title, or NULL */
    const char *h1;         /* first <h1> text, or NULL */
    const char *date;       /* YYYY-MM-DD (or YYYY-MM), or NULL */
    const char *date_source;/* "JSON-LD datePublished", "article:published_time", ... */
    const char *author, *site_name, *canonical_url, *lang, *description;
    const char *ld_body;    /* JSON-LD articleBody, or NULL */
    const char *ld_headline;
} td_html_meta;

/* Read the page's metadata (head, JSON-LD, <time>, URL) into m; strings
 * in arena a. */
td_status td_html_meta_read(xmlDocPtr doc, const char *url, td_arena *a, td_html_meta *m);

/* Normalise a date string (ISO 8601, RFC 822, "November 18, 2022") to
 * YYYY-MM-DD in out[11]; false when none or a CMS placeholder. */
bool td_html_date_norm(const char *s, char out[11]);

/* ---- extraction -------------------------------------------------------- */

typedef struct td_html_text {
    td_buf body;        /* paragraphs separated by '\n' */
    const char *caption;/* first figure caption, or NULL (arena) */
    const char *byline; /* byline text found in the page, or NULL (arena) */
} td_html_text;

/* Extract the main text of doc into out->body (initialised by the caller).
 * meta guides it (title, JSON-LD body). Scratch memory comes from a. */
td_status td_html_extract(xmlDocPtr doc, const td_html_meta *meta, td_arena *a,
                          td_html_text *out);

/* Collapse white space of s[0..len) onto out (one space, trimmed ends). */
td_status td_html_collapse(const char *s, size_t len, td_buf *out);

/* The collapsed s[0..len) copied into a when its length is in [min, max),
 * else NULL (also on allocation failure). */
const char *td_html_collapse_dup(td_arena *a, const char *s, size_t len, size_t min,
                                 size_t max);

/* The node after c in document order that is not inside c, within stop's
 * subtree; NULL when c was the last one there. */
xmlNodePtr td_html_next_outside(xmlNodePtr c, xmlNodePtr stop);

#endif
