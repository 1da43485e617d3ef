/*
 * html_cues.h - class/id/role cues for main-text extraction: words in an
 * element's class or id that say "article text" or "not article text"
 * (comments, share bars, related links, cookie banners, bylines...).
 * The word lists are data, in html_cues.c.
 */
#ifndef TD_HTML_CUES_H
#define TD_HTML_CUES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct td_cue_result {
    int weight;  /* summed score weight (+25 positive, -25 negative) */
    bool pos;    /* a positive word (article, content, story...) */
    bool neg;    /* a negative word (sidebar, menu, meta...) */
    bool strong; /* a word that drops the element even with a positive one */
    bool mark;   /* an explicit article-body mark */
    bool keep;   /* an embedded post (tweet): never dropped by a cue */
} td_cue_result;

/* Scan a class or id value (space-separated names; each name is split
 * further at '-', '_' and camelCase humps). */
void td_html_cues_scan(const char *value, td_cue_result *r);
/* Scan an ARIA role value. */
void td_html_cues_role(const char *value, td_cue_result *r);

/* True when the short line s[0..len) is a boilerplate phrase on its own
 * ("Advertisement", "Share this article", "Read more"). */
bool td_html_boiler_line(const char *s, size_t len);

/* True when a short closing line s[0..len) is a sign-off: newsletter and
 * follow-us pleas, "may be reached at" ... */
bool td_html_signoff_line(const char *s, size_t len);

#endif
