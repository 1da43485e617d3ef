/*
 * html_cues.c - the word lists behind html_cues.h (data, not logic):
 * class/id words with their verdict, ARIA roles, and boilerplate lines.
 * A word marked prefix also matches longer names ("comment" matches
 * "comments", "commentlist").
 */
#include "html_cues.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum { CUE_POS, CUE_NEG, CUE_STRONG, CUE_MARK, CUE_KEEP };

typedef struct cue {
    const char *word;
    unsigned char kind, prefix;
} cue;

static const cue cues[] = {
    /* embedded posts (tweets, Instagram) that the page shows in the text */
    {"embed", CUE_KEEP, 1}, {"twitter", CUE_KEEP, 0}, {"tweet", CUE_KEEP, 1},
    {"instagram", CUE_KEEP, 1},
    /* article text */
    {"article", CUE_POS, 0}, {"articlebody", CUE_MARK, 1}, {"content", CUE_POS, 1},
    {"entry", CUE_POS, 0}, {"post", CUE_POS, 0}, {"story", CUE_POS, 1}, {"body", CUE_POS, 0},
    {"main", CUE_POS, 0}, {"text", CUE_POS, 0}, {"prose", CUE_POS, 0}, {"richtext", CUE_POS, 0},
    {"paragraph", CUE_POS, 1}, {"blog", CUE_POS, 0}, {"hentry", CUE_POS, 0},
    /* never article text, even beside a positive word */
    {"comment", CUE_STRONG, 1}, {"disqus", CUE_STRONG, 1}, {"share", CUE_STRONG, 1},
    {"sharing", CUE_STRONG, 0}, {"addthis", CUE_STRONG, 1}, {"sharethis", CUE_STRONG, 1},
    {"social", CUE_STRONG, 1}, {"related", CUE_STRONG, 1}, {"cookie", CUE_STRONG, 1},
    {"consent", CUE_STRONG, 1}, {"gdpr", CUE_STRONG, 1}, {"newsletter", CUE_STRONG, 1},
    {"subscribe", CUE_STRONG, 1}, {"subscription", CUE_STRONG, 1}, {"signup", CUE_STRONG, 1},
    {"byline", CUE_STRONG, 1}, {"caption", CUE_STRONG, 1}, {"outbrain", CUE_STRONG, 1},
    {"taboola", CUE_STRONG, 1}, {"recommend", CUE_STRONG, 1}, {"promo", CUE_STRONG, 1},
    {"sponsor", CUE_STRONG, 1}, {"advert", CUE_STRONG, 1}, {"ad", CUE_STRONG, 0},
    {"ads", CUE_STRONG, 0}, {"adsbygoogle", CUE_STRONG, 0}, {"popup", CUE_STRONG, 1},
    {"modal", CUE_STRONG, 1}, {"breadcrumb", CUE_STRONG, 1}, {"tags", CUE_STRONG, 0},
    {"tag", CUE_STRONG, 0}, {"taglist", CUE_STRONG, 0}, {"author", CUE_STRONG, 1},
    {"bio", CUE_STRONG, 0}, {"trending", CUE_STRONG, 0}, {"popular", CUE_STRONG, 0},
    {"mostread", CUE_STRONG, 0}, {"hidden", CUE_STRONG, 0}, {"sr", CUE_STRONG, 0},
    {"visually", CUE_STRONG, 0}, {"screen", CUE_STRONG, 0}, {"pagination", CUE_STRONG, 0},
    {"pager", CUE_STRONG, 0}, {"tooltip", CUE_STRONG, 0}, {"overlay", CUE_STRONG, 0},
    {"credit", CUE_STRONG, 1}, {"lightbox", CUE_STRONG, 0}, {"carousel", CUE_STRONG, 0},
    {"ticker", CUE_STRONG, 0}, {"recirc", CUE_STRONG, 1}, {"meta", CUE_STRONG, 0},
    {"date", CUE_STRONG, 0}, {"timestamp", CUE_STRONG, 0}, {"dateline", CUE_STRONG, 0},
    {"print", CUE_STRONG, 0}, {"rss", CUE_STRONG, 0}, {"skip", CUE_STRONG, 0},
    {"toolbar", CUE_STRONG, 0},
    /* not article text unless a positive word says otherwise */
    {"sidebar", CUE_STRONG, 1}, {"footer", CUE_STRONG, 1}, {"header", CUE_NEG, 0},
    {"masthead", CUE_NEG, 0}, {"banner", CUE_NEG, 0}, {"widget", CUE_NEG, 1},
    {"nav", CUE_STRONG, 1}, {"menu", CUE_STRONG, 1}, {"more", CUE_NEG, 0}, {"also", CUE_NEG, 0},
    {"login", CUE_NEG, 0}, {"account", CUE_NEG, 0}, {"icon", CUE_NEG, 0}, {"btn", CUE_NEG, 0},
    {"button", CUE_NEG, 0}, {"follow", CUE_NEG, 0}, {"alert", CUE_NEG, 0},
    {"sticky", CUE_NEG, 0}, {"gallery", CUE_NEG, 0}, {"slideshow", CUE_NEG, 0},
    {"player", CUE_NEG, 0}, {"partner", CUE_NEG, 0}, {"affiliate", CUE_NEG, 0},
    {"hide", CUE_NEG, 0}, {"extra", CUE_NEG, 0}, {"combx", CUE_NEG, 0},
    {"community", CUE_NEG, 0}, {"shoutbox", CUE_NEG, 0}, {"skyscraper", CUE_NEG, 0},
    {"supplemental", CUE_NEG, 0}, {"rail", CUE_NEG, 0}, {"aside", CUE_NEG, 0},
};

static const char *const roles_neg[] = {"navigation", "complementary", "banner", "contentinfo",
                                        "dialog",     "alertdialog",   "menu",   "menubar",
                                        "search",     "toolbar",       "tooltip"};

static const char *const boiler_lines[] = {
    "advertisement", "advertisements", "ad", "sponsored", "share", "share this",
    "share this article", "share this story", "share on facebook", "share on twitter",
    "share via email", "tweet", "email", "print", "read more", "continue reading", "click here",
    "sign up", "subscribe", "related", "related articles", "related stories", "related posts",
    "related content", "you may also like", "recommended", "more stories", "comments",
    "leave a comment", "follow us", "skip to content", "skip to main content", "back to top",
    "loading", "image", "photo", "video", "facebook", "twitter", "linkedin", "whatsapp",
    "pinterest", "reddit", "copy link", "story continues below advertisement",
    "article continues below advertisement", "continue reading below",
    "scroll to continue with content", "supported by", "listen to this article",
    "more from", "see also", "also read", "read also", "read next", "up next",
    "pubblicità", "publicidade", "publicidad", "реклама", "werbung", "anzeige",
};

static void scan_word(const char *w, size_t n, td_cue_result *r)
{
    for (size_t i = 0; i < sizeof cues / sizeof cues[0]; i++) {
        size_t cl = strlen(cues[i].word);
        if (n < cl || (n > cl && !cues[i].prefix))
            continue;
        if (strncasecmp(w, cues[i].word, cl) != 0)
            continue;
        switch (cues[i].kind) {
        case CUE_POS:
            r->pos = true;
            r->weight += 25;
            break;
        case CUE_KEEP:
            r->keep = true;
            break;
        case CUE_MARK:
            r->mark = true;
            r->pos = true;
            r->weight += 50;
            break;
        case CUE_STRONG:
            r->strong = true;
            r->neg = true;
            r->weight -= 25;
            break;
        default:
            r->neg = true;
            r->weight -= 25;
            break;
        }
        return;
    }
}

/* One attribute weighs +25 when it has a positive word, -25 when it has
 * a negative one (both: 0), however many words it has. */
void td_html_cues_scan(const char *v, td_cue_result *out)
{
    td_cue_result rr = {0, false, false, false, false, false}, *r = &rr;
    size_t i = 0, n = strlen(v);
    if (n > 512)
        n = 512;
    while (i < n) {
        while (i < n && !isalnum((unsigned char)v[i]))
            i++;
        size_t s = i;
        /* a word ends at a non-alphanumeric or a lower-to-upper hump */
        while (i < n && isalnum((unsigned char)v[i])) {
            if (i > s && isupper((unsigned char)v[i]) && islower((unsigned char)v[i - 1]))
                break;
            i++;
        }
        if (i > s)
            scan_word(v + s, i - s, r);
    }
    out->weight += (rr.pos ? 25 : 0) - (rr.neg ? 25 : 0) + (rr.mark ? 25 : 0);
    out->pos |= rr.pos;
    out->neg |= rr.neg;
    out->strong |= rr.strong;
    out->mark |= rr.mark;
    out->keep |= rr.keep;
}

void td_html_cues_role(const char *v, td_cue_result *r)
{
    if (!strcasecmp(v, "main") || !strcasecmp(v, "article")) {
        r->pos = true;
        r->weight += 25;
        return;
    }
    for (size_t i = 0; i < sizeof roles_neg / sizeof roles_neg[0]; i++)
        if (!strcasecmp(v, roles_neg[i])) {
            r->strong = true;
            r->neg = true;
            r->weight -= 25;
            return;
        }
}

bool td_html_boiler_line(const char *s, size_t len)
{
    if (len > 60)
        return false;
    while (len && !isalnum((unsigned char)s[0]) && (unsigned char)s[0] < 0x80) {
        s++;
        len--;
    }
    while (len && !isalnum((unsigned char)s[len - 1]) && (unsigned char)s[len - 1] < 0x80)
        len--;
    if (!len)
        return true;
    for (size_t i = 0; i < sizeof boiler_lines / sizeof boiler_lines[0]; i++) {
        size_t bl = strlen(boiler_lines[i]);
        if (bl == len && strncasecmp(s, boiler_lines[i], len) == 0)
            return true;
    }
    return false;
}

static const char *const signoff_words[] = {
    "newsletter", "subscribe", "sign up for", "follow us", "follow him", "follow her",
    "may be reached at", "can be reached at", "have a tip", "all rights reserved",
    "copyright \xC2\xA9", "\xC2\xA9 20", "join nrplus", "click here to", "click here for",
    "tell us what you think",
};

bool td_html_signoff_line(const char *s, size_t len)
{
    if (len > 260)
        return false;
    for (size_t i = 0; i < sizeof signoff_words / sizeof signoff_words[0]; i++) {
        size_t wl = strlen(signoff_words[i]);
        for (size_t k = 0; k + wl <= len; k++)
            if (strncasecmp(s + k, signoff_words[i], wl) == 0)
                return true;
    }
    return false;
}
