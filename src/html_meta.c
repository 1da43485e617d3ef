/*
 * html_meta.c - a page's own metadata: title (og:title, JSON-LD headline,
 * <h1>, <title> without the site-name suffix), publication date (JSON-LD
 * datePublished, article:published_time and kin, <time datetime>, a date
 * in the URL; CMS placeholders such as 0001-01-01 are no date), author,
 * site name, canonical URL, language, and JSON-LD articleBody.
 *
 * JSON-LD is read by a small tolerant scanner (no tree): it follows the
 * nesting with a depth cap and keeps the few keys it needs.
 */
#include "html_internal.h"
#include "json.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ----------------------------------------------------- */

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->name && strcasecmp((const char *)a->name, name) == 0 && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

static bool is_el(xmlNodePtr n, const char *tag)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, tag) == 0;
}

/* Pre-order successor of n within the whole tree; skip n's children when
 * !descend. */
static xmlNodePtr next_node(xmlNodePtr n, bool descend)
{
    if (descend && n->children && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n) {
        if (n->next)
            return n->next;
        n = n->parent;
        if (n && n->type != XML_ELEMENT_NODE)
            return NULL;
    }
    return NULL;
}

/* Collapsed text of n's subtree into the arena (capped), or NULL. */
static const char *node_text(xmlNodePtr n, td_arena *a, size_t cap)
{
    td_buf raw;
    td_buf_init(&raw, 0);
    for (xmlNodePtr c = n->children; c && raw.len < cap;) {
        if (c->type == XML_TEXT_NODE && c->content)
            td_buf_puts(&raw, (const char *)c->content);
        bool skip = c->type == XML_ELEMENT_NODE &&
                    (is_el(c, "script") || is_el(c, "style"));
        c = !skip && c->children && c->type == XML_ELEMENT_NODE
                ? c->children
                : td_html_next_outside(c, n);
    }
    const char *r = td_html_collapse_dup(a, raw.ptr, raw.len, 1, SIZE_MAX);
    td_buf_release(&raw);
    return r;
}

static const char *dup_collapsed(td_arena *a, const char *s, size_t len)
{
    return td_html_collapse_dup(a, s, len, 1, SIZE_MAX);
}

/* ---- dates ------------------------------------------------------------- */

static int month_of(const char *s)
{
    static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, m[i], 3) == 0)
            return i + 1;
    return 0;
}

static bool set_ymd(int y, int mo, int d, char out[11])
{
    static const int dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    /* placeholders: 0001-01-01, 1900-01-01, the Unix epoch, far future */
    if (y < 1995 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1])
        return false;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + mo / 10);
    out[6] = (char)('0' + mo % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool td_html_date_norm(const char *s, char out[11])
{
    if (!s)
        return false;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    size_t n = strlen(s);
    /* YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD */
    if (n >= 10 && num(s, 4) >= 0 && (s[4] == '-' || s[4] == '/' || s[4] == '.') &&
        s[7] == s[4])
        return set_ymd(num(s, 4), num(s + 5, 2), num(s + 8, 2), out);
    if (n >= 8 && num(s, 8) >= 0 && (n == 8 || !isdigit((unsigned char)s[8])))
        return set_ymd(num(s, 4), num(s + 4, 2), num(s + 6, 2), out);
    /* "Tue, 15 Nov 2022", "15 November 2022", "November 15, 2022" */
    const char *p = s;
    if (isalpha((unsigned char)p[0]) && p[3] == ',' )
        p += 4;
    while (*p == ' ')
        p++;
    char *end;
    if (isdigit((unsigned char)*p)) {
        long d = strtol(p, &end, 10);
        while (*end == ' ' || *end == '.')
            end++;
        int mo = month_of(end);
        while (mo && isalpha((unsigned char)*end))
            end++;
        while (*end == ' ' || *end == ',')
            end++;
        long y = strtol(end, NULL, 10);
        return mo && set_ymd((int)y, mo, (int)d, out);
    }
    int mo = month_of(p);
    if (!mo)
        return false;
    while (isalpha((unsigned char)*p) || *p == '.')
        p++;
    while (*p == ' ')
        p++;
    long d = strtol(p, &end, 10);
    while (*end == ',' || *end == ' ' || isalpha((unsigned char)*end))
        end++; /* "15th, 2022" */
    long y = strtol(end, NULL, 10);
    return set_ymd((int)y, mo, (int)d, out);
}

/* A date in the URL path: /2022/11/18/, /2022-11-18, /20221118/. */
static bool url_date(const char *url, char out[11])
{
    if (!url)
        return false;
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    for (; p && *p; p++) {
        if (*p != '/' || !isdigit((unsigned char)p[1]))
            continue;
        const char *q = p + 1;
        int y = num(q, 4);
        if (y < 1995 || y > 2100)
            continue;
        if ((q[4] == '/' || q[4] == '-') && num(q + 5, 2) > 0 && q[7] == q[4] &&
            num(q + 8, 2) > 0 && !isdigit((unsigned char)q[10]))
            return set_ymd(y, num(q + 5, 2), num(q + 8, 2), out);
        if (num(q, 8) > 0 && (q[8] == '/' || q[8] == '-' || q[8] == '_') &&
            set_ymd(y, num(q + 4, 2), num(q + 6, 2), out))
            return true;
    }
    return false;
}

/* ---- JSON-LD ----------------------------------------------------------- */

typedef struct ld_state {
    const char *p, *end;
    td_arena *a;
    td_html_meta *m;
    const char *date;
    int steps;
} ld_state;

static void ld_ws(ld_state *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* The raw string at s->p (with quotes); false when malformed. */
static bool ld_string(ld_state *s, const char **raw, size_t *len)
{
    const char *b = s->p;
    if (s->p >= s->end || *s->p != '"')
        return false;
    s->p++;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\')
            s->p++;
        s->p++;
    }
    if (s->p >= s->end)
        return false;
    s->p++;
    *raw = b;
    *len = (size_t)(s->p - b);
    return true;
}

static bool keyis(const char *k, size_t kl, const char *want)
{
    return k && strlen(want) == kl && memcmp(k, want, kl) == 0;
}

static const char *ld_decode(ld_state *s, const char *raw, size_t len)
{
    td_buf b;
    td_buf_init(&b, 0);
    size_t rep = 0;
    const char *r = NULL;
    if (td_json_string(raw, len, &b, &rep) == TD_OK && b.len)
        r = td_arena_strndup(s->a, b.ptr, b.len);
    td_buf_release(&b);
    return r;
}

static void ld_on_string(ld_state *s, const char *k, size_t kl, const char *pk, size_t pl,
                         const char *raw, size_t len)
{
    td_html_meta *m = s->m;
    if (keyis(k, kl, "articleBody") || keyis(k, kl, "text")) {
        if (keyis(k, kl, "text") && !keyis(pk, pl, "articleBody"))
            return;
        if (!m->ld_body || strlen(m->ld_body) + 2 < len)
            m->ld_body = ld_decode(s, raw, len);
    } else if (keyis(k, kl, "datePublished") && !s->date) {
        s->date = ld_decode(s, raw, len);
    } else if (keyis(k, kl, "headline") && !m->ld_headline) {
        m->ld_headline = ld_decode(s, raw, len);
    } else if (keyis(k, kl, "author") && !m->author) {
        m->author = ld_decode(s, raw, len);
    } else if (keyis(k, kl, "name") && keyis(pk, pl, "author") && !m->author) {
        m->author = ld_decode(s, raw, len);
    } else if (keyis(k, kl, "name") && keyis(pk, pl, "publisher") && !m->site_name) {
        m->site_name = ld_decode(s, raw, len);
    }
}

static bool ld_value(ld_state *s, const char *k, size_t kl, const char *pk, size_t pl, int depth)
{
    ld_ws(s);
    if (s->p >= s->end || depth > 32 || ++s->steps > 100000)
        return false;
    const char *raw;
    size_t len;
    if (*s->p == '"') {
        if (!ld_string(s, &raw, &len))
            return false;
        ld_on_string(s, k, kl, pk, pl, raw, len);
        return true;
    }
    if (*s->p == '{') {
        s->p++;
        for (;;) {
            ld_ws(s);
            if (s->p < s->end && *s->p == '}') {
                s->p++;
                return true;
            }
            if (!ld_string(s, &raw, &len))
                return false;
            ld_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return false;
            s->p++;
            if (!ld_value(s, raw + 1, len - 2, k, kl, depth + 1))
                return false;
            ld_ws(s);
            if (s->p < s->end && *s->p == ',')
                s->p++;
            else if (s->p < s->end && *s->p == '}')
                continue;
            else
                return false;
        }
    }
    if (*s->p == '[') {
        s->p++;
        for (;;) {
            ld_ws(s);
            if (s->p < s->end && *s->p == ']') {
                s->p++;
                return true;
            }
            if (!ld_value(s, k, kl, pk, pl, depth + 1))
                return false;
            ld_ws(s);
            if (s->p < s->end && *s->p == ',')
                s->p++;
            else if (s->p < s->end && *s->p == ']')
                continue;
            else
                return false;
        }
    }
    while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ']')
        s->p++;
    return true;
}

static void read_ld(xmlNodePtr script, td_arena *a, td_html_meta *m, const char **date)
{
    td_buf b;
    td_buf_init(&b, 0);
    for (xmlNodePtr c = script->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            td_buf_puts(&b, (const char *)c->content);
    if (b.len) {
        ld_state s = {b.ptr, b.ptr + b.len, a, m, NULL, 0};
        ld_ws(&s);
        while (s.p < s.end && *s.p != '{' && *s.p != '[')
            s.p++; /* "<!--" or a CDATA marker */
        ld_value(&s, NULL, 0, NULL, 0, 0);
        if (s.date && !*date)
            *date = s.date;
    }
    td_buf_release(&b);
}

/* ---- titles ------------------------------------------------------------ */

/* Title without a "| Site" / "- Site" suffix or "Site | " prefix. loose
 * (for <title>, which nearly always carries the site) also drops a short
 * last part after a long first one. */
static const char *clean_title(const char *t, const char *site, bool loose, td_arena *a)
{
    static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                       " :: ", " \xC2\xBB ", " \xC2\xAB ", " \xC2\xB7 ", " / "};
    if (!t)
        return NULL;
    size_t n = strlen(t);
    for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
        const char *sep = seps[k];
        size_t sl = strlen(sep);
        /* last occurrence: "Title - Section | Site" */
        const char *last = NULL;
        for (const char *p = strstr(t, sep); p; p = strstr(p + 1, sep))
            last = p;
        if (!last)
            continue;
        const char *suf = last + sl;
        size_t pre = (size_t)(last - t), sufl = n - pre - sl;
        bool is_site = site && strncasecmp(suf, site, sufl) == 0 && strlen(site) == sufl;
        if (is_site || (loose && sufl <= 40 && pre >= 2 * sufl && pre >= 20))
            return clean_title(td_arena_strndup(a, t, pre), site, loose, a);
        const char *first = strstr(t, sep);
        size_t fl = (size_t)(first - t);
        if (site && strlen(site) == fl && strncasecmp(t, site, fl) == 0)
            return td_arena_strdup(a, first + sl);
    }
    return t;
}

/* ---- the walk ---------------------------------------------------------- */

typedef struct meta_dates {
    const char *ld, *og, *other, *other_src, *itemprop, *time;
} meta_dates;

static void read_meta_tag(xmlNodePtr n, td_arena *a, td_html_meta *m, meta_dates *d,
                          const char **og_title, const char **og_url)
{
    const char *k = attr(n, "property");
    if (!k)
        k = attr(n, "name");
    if (!k)
        k = attr(n, "itemprop");
    const char *v = attr(n, "content");
    if (!k || !v || !*v)
        return;
    if (strcasecmp(k, "og:title") == 0 || (strcasecmp(k, "twitter:title") == 0 && !*og_title))
        *og_title = dup_collapsed(a, v, strlen(v));
    else if (strcasecmp(k, "og:site_name") == 0)
        m->site_name = dup_collapsed(a, v, strlen(v));
    else if (strcasecmp(k, "og:url") == 0)
        *og_url = v;
    else if (strcasecmp(k, "description") == 0 || strcasecmp(k, "og:description") == 0)
        m->description = m->description ? m->description : dup_collapsed(a, v, strlen(v));
    else if (strcasecmp(k, "article:published_time") == 0 ||
             strcasecmp(k, "og:article:published_time") == 0)
        d->og = d->og ? d->og : v;
    else if (strcasecmp(k, "datePublished") == 0)
        d->itemprop = d->itemprop ? d->itemprop : v;
    else if (!d->other &&
             (strcasecmp(k, "pubdate") == 0 || strcasecmp(k, "publishdate") == 0 ||
              strcasecmp(k, "publish-date") == 0 || strcasecmp(k, "date") == 0 ||
              strcasecmp(k, "dc.date.issued") == 0 || strcasecmp(k, "dc.date") == 0 ||
              strcasecmp(k, "dcterms.created") == 0 || strcasecmp(k, "sailthru.date") == 0 ||
              strcasecmp(k, "parsely-pub-date") == 0 || strcasecmp(k, "article.published") == 0 ||
              strcasecmp(k, "og:published_time") == 0)) {
        d->other = v;
        d->other_src = "meta date";
    } else if ((strcasecmp(k, "author") == 0 || strcasecmp(k, "dc.creator") == 0 ||
                strcasecmp(k, "parsely-author") == 0 || strcasecmp(k, "byl") == 0) &&
               !m->author && strncmp(v, "http", 4) != 0)
        m->author = dup_collapsed(a, v, strlen(v));
}

td_status td_html_meta_read(xmlDocPtr doc, const char *url, td_arena *a, td_html_meta *m)
{
    memset(m, 0, sizeof *m);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return TD_OK;
    const char *lang = attr(root, "lang");
    if (!lang)
        lang = attr(root, "xml:lang");
    if (lang && *lang)
        m->lang = td_arena_strdup(a, lang);
    meta_dates d = {0};
    const char *og_title = NULL, *og_url = NULL, *title = NULL;
    int depth_guard = 0;
    for (xmlNodePtr n = root; n && depth_guard < 2000000; depth_guard++) {
        bool descend = true;
        if (n->type == XML_ELEMENT_NODE && n->name) {
            const char *tag = (const char *)n->name;
            if (strcmp(tag, "meta") == 0) {
                read_meta_tag(n, a, m, &d, &og_title, &og_url);
            } else if (strcmp(tag, "title") == 0 && !title) {
                title = node_text(n, a, 4096);
                descend = false;
            } else if (strcmp(tag, "link") == 0) {
                const char *rel = attr(n, "rel"), *href = attr(n, "href");
                if (rel && href && strcasecmp(rel, "canonical") == 0 && !m->canonical_url)
                    m->canonical_url = td_arena_strdup(a, href);
            } else if (strcmp(tag, "script") == 0) {
                const char *ty = attr(n, "type");
                if (ty && strcasecmp(ty, "application/ld+json") == 0)
                    read_ld(n, a, m, &d.ld);
                descend = false;
            } else if (strcmp(tag, "style") == 0) {
                descend = false;
            } else if (strcmp(tag, "h1") == 0 && !m->h1) {
                m->h1 = node_text(n, a, 4096);
                descend = false;
            } else if (strcmp(tag, "time") == 0 && !d.time) {
                const char *dt = attr(n, "datetime");
                const char *ip = attr(n, "itemprop");
                if (dt && ip && strcasecmp(ip, "datePublished") == 0 && !d.itemprop)
                    d.itemprop = dt;
                else if (dt)
                    d.time = dt;
            } else {
                const char *ip = attr(n, "itemprop");
                if (ip && strcasecmp(ip, "datePublished") == 0 && !d.itemprop) {
                    const char *v = attr(n, "content");
                    if (!v)
                        v = attr(n, "datetime");
                    d.itemprop = v;
                }
            }
        }
        n = next_node(n, descend);
    }
    if (!m->canonical_url && og_url)
        m->canonical_url = td_arena_strdup(a, og_url);
    /* the date, by the strength of its source */
    char ymd[11];
    const struct {
        const char *v, *src;
    } cand[] = {{d.ld, "JSON-LD datePublished"},
                {d.og, "article:published_time"},
                {d.itemprop, "itemprop datePublished"},
                {d.other, d.other_src},
                {d.time, "time"}};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0] && !m->date; i++)
        if (cand[i].v && td_html_date_norm(cand[i].v, ymd)) {
            m->date = td_arena_strdup(a, ymd);
            m->date_source = cand[i].src;
        }
    if (!m->date && (url_date(url, ymd) || url_date(m->canonical_url, ymd))) {
        m->date = td_arena_strdup(a, ymd);
        m->date_source = "url";
    }
    /* the title */
    const char *t = og_title ? og_title : m->ld_headline;
    bool loose = false;
    if (!t && m->h1)
        t = m->h1;
    if (!t) {
        t = title;
        loose = true;
    }
    const char *site = m->site_name;
    if (!site && title && !loose) {
        /* no og:site_name: the short last part of <title> names the site */
        const char *cut = clean_title(title, NULL, true, a);
        size_t cl = cut ? strlen(cut) : 0, tl = strlen(title);
        if (cut && cl < tl) {
            const char *p = title + cl;
            while (*p && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
                p++;
            while (*p == ' ' || (*p && strchr("|-:/", *p)))
                p++;
            if (*p && !strchr(p, '|'))
                site = p;
        }
    }
    m->title = clean_title(t, site, loose, a);
    if (m->title && !*m->title)
        m->title = NULL;
    return TD_OK;
}
