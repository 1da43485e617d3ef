/*
 * html_extract.c - main-text extraction from a libxml2 HTML tree.
 *
 * The algorithm (tidings' own, after reading how Readability and
 * trafilatura work):
 *
 *  0. A post-order pass gives every element its subtree text size and
 *     marks the elements holding the headline (<h1>) or an explicit
 *     article mark (<article>, <main>, itemprop=articleBody).
 *  1. A walk in document order cuts the page into text blocks at
 *     block-level tags (p, div, li, h2, td, br ...), each with its text,
 *     its link text and the element that owns it. Subtrees that never
 *     hold article text are skipped: scripts and forms controls; nav,
 *     aside, footer, header, figure (their caption is kept aside);
 *     hidden elements; class/id/role cues for comments, share bars,
 *     related links, cookie banners, bylines... (html_cues.c), unless the
 *     subtree holds the headline or an article mark.
 *  2. Every paragraph-like block of some length scores its ancestors
 *     (1 + commas + length, halving with distance); an ancestor starts
 *     from its tag and class cues, and ends multiplied by (1 - link
 *     density). Closeness to the headline and an explicit article mark
 *     add to it. The best candidate is widened to its parent when the
 *     parent holds comparable candidates, then its siblings of enough
 *     score join it.
 *  3. The blocks inside the chosen subtrees are kept in order, less the
 *     headline, link-heavy blocks and lists, and short boilerplate lines
 *     ("Advertisement", "Share this"); paragraphs are joined by '\n'.
 *  4. If that leaves too little, a lenient pass (no cue removal) runs,
 *     then the JSON-LD articleBody, then every long low-link block, so a
 *     page with an article is never left empty.
 */
#include "html_cues.h"
#include "html_internal.h"
#include "utf8.h"

#include <string.h>
#include <strings.h>

/* ---- per-element information (hung on xmlNode._private) ---------------- */

enum {
    NF_HAS_H1 = 1,
    NF_HAS_MARK = 2, /* article, main, itemprop=articleBody */
    NF_DROPPED = 4,
    NF_SELECTED = 8,
    NF_CAND = 16,
    NF_MARK = 32,
    NF_LISTBAD = 64
};

typedef struct ninfo {
    double score;
    uint32_t text, link; /* non-space bytes of blocks below, and in links */
    uint32_t raw;        /* subtree text bytes (pass 0) */
    uint16_t flags;
    int16_t cue;         /* class/id weight */
} ninfo;

static ninfo *NI(xmlNodePtr n) { return (ninfo *)n->_private; }

typedef enum { BK_P, BK_H1, BK_H, BK_LI, BK_TD, BK_PRE, BK_QUOTE, BK_DIV } bkind;

typedef struct block {
    xmlNodePtr owner;
    uint32_t off, len;   /* into the text buffer */
    uint32_t chars, link;/* non-space bytes, of which inside links */
    uint32_t commas;
    uint8_t kind;
} block;

typedef struct ex {
    td_arena *a;
    const td_html_meta *meta;
    td_buf raw;   /* current block's raw text */
    td_buf text;  /* collapsed texts of all blocks */
    block *bl;
    size_t nb, capb;
    uint32_t cur_chars, cur_link, cur_commas;
    int in_link;
    bool lenient;
    const char *caption, *byline;
    xmlNodePtr root;
} ex;

static bool tag_is(xmlNodePtr n, const char *t)
{
    return n->name && strcmp((const char *)n->name, t) == 0;
}

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->name && strcasecmp((const char *)a->name, name) == 0 && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

/* ---- white space -------------------------------------------------------- */

static bool is_space_at(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        *n = 1;
        return true;
    }
    /* U+00A0 no-break space */
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
        *n = 2;
        return true;
    }
    return false;
}

td_status td_html_collapse(const char *s, size_t len, td_buf *out)
{
    td_status st = td_buf_reserve(out, len + 1);
    if (st != TD_OK)
        return st;
    bool space = false, any = false;
    for (size_t i = 0; i < len;) {
        size_t n;
        if (is_space_at(s, len, i, &n)) {
            space = any;
            i += n;
            continue;
        }
        if (space)
            out->ptr[out->len++] = ' ';
        space = false;
        any = true;
        out->ptr[out->len++] = s[i++];
    }
    return TD_OK;
}

const char *td_html_collapse_dup(td_arena *a, const char *s, size_t len, size_t min,
                                 size_t max)
{
    if (!len)
        return NULL;
    td_buf out;
    td_buf_init(&out, 0);
    const char *r = NULL;
    if (td_html_collapse(s, len, &out) == TD_OK && out.len >= min && out.len < max)
        r = td_arena_strndup(a, out.ptr, out.len);
    td_buf_release(&out);
    return r;
}

xmlNodePtr td_html_next_outside(xmlNodePtr c, xmlNodePtr stop)
{
    while (c && c != stop && !c->next)
        c = c->parent;
    return !c || c == stop ? NULL : c->next;
}

/* ---- classification ---------------------------------------------------- */

typedef enum { TG_INLINE, TG_SKIP, TG_BOILER, TG_BLOCK, TG_BR } tgclass;

static tgclass classify(xmlNodePtr n, bkind *kind)
{
    const char *t = (const char *)n->name;
    *kind = BK_DIV;
    if (!t)
        return TG_INLINE;
    switch (t[0]) {
    case 'a':
        if (!strcmp(t, "aside"))
            return TG_BOILER;
        if (!strcmp(t, "article") || !strcmp(t, "address"))
            return TG_BLOCK;
        if (!strcmp(t, "audio") || !strcmp(t, "applet"))
            return TG_SKIP;
        break;
    case 'b':
        if (!strcmp(t, "br"))
            return TG_BR;
        if (!strcmp(t, "blockquote")) {
            *kind = BK_QUOTE;
            return TG_BLOCK;
        }
        if (!strcmp(t, "button"))
            return TG_SKIP;
        if (!strcmp(t, "body"))
            return TG_BLOCK;
        break;
    case 'c':
        if (!strcmp(t, "canvas"))
            return TG_SKIP;
        if (!strcmp(t, "center") || !strcmp(t, "caption"))
            return TG_BLOCK;
        break;
    case 'd':
        if (!strcmp(t, "div") || !strcmp(t, "dl") || !strcmp(t, "details"))
            return TG_BLOCK;
        if (!strcmp(t, "dd") || !strcmp(t, "dt")) {
            *kind = BK_LI;
            return TG_BLOCK;
        }
        if (!strcmp(t, "dialog"))
            return TG_BOILER;
        break;
    case 'e':
        if (!strcmp(t, "embed"))
            return TG_SKIP;
        break;
    case 'f':
        if (!strcmp(t, "footer") || !strcmp(t, "figure") || !strcmp(t, "figcaption"))
            return TG_BOILER;
        if (!strcmp(t, "form") || !strcmp(t, "fieldset"))
            return TG_BLOCK;
        break;
    case 'h':
        if (t[1] >= '1' && t[1] <= '6' && !t[2]) {
            *kind = t[1] == '1' ? BK_H1 : BK_H;
            return TG_BLOCK;
        }
        if (!strcmp(t, "header") || !strcmp(t, "hgroup"))
            return TG_BOILER;
        if (!strcmp(t, "hr") || !strcmp(t, "html"))
            return TG_BLOCK;
        if (!strcmp(t, "head"))
            return TG_SKIP;
        break;
    case 'i':
        if (!strcmp(t, "iframe") || !strcmp(t, "input") || !strcmp(t, "img"))
            return TG_SKIP;
        break;
    case 'l':
        if (!strcmp(t, "li")) {
            *kind = BK_LI;
            return TG_BLOCK;
        }
        if (!strcmp(t, "link") || !strcmp(t, "label") || !strcmp(t, "legend"))
            return TG_SKIP;
        break;
    case 'm':
        if (!strcmp(t, "main"))
            return TG_BLOCK;
        if (!strcmp(t, "math") || !strcmp(t, "meta") || !strcmp(t, "map"))
            return TG_SKIP;
        if (!strcmp(t, "menu"))
            return TG_BOILER;
        break;
    case 'n':
        if (!strcmp(t, "nav"))
            return TG_BOILER;
        if (!strcmp(t, "noscript"))
            return TG_SKIP;
        break;
    case 'o':
        if (!strcmp(t, "ol"))
            return TG_BLOCK;
        if (!strcmp(t, "object") || !strcmp(t, "option") || !strcmp(t, "optgroup"))
            return TG_SKIP;
        break;
    case 'p':
        if (!t[1]) {
            *kind = BK_P;
            return TG_BLOCK;
        }
        if (!strcmp(t, "pre")) {
            *kind = BK_PRE;
            return TG_BLOCK;
        }
        if (!strcmp(t, "picture") || !strcmp(t, "param"))
            return TG_SKIP;
        break;
    case 's':
        if (!strcmp(t, "section") || !strcmp(t, "summary"))
            return TG_BLOCK;
        if (!strcmp(t, "script") || !strcmp(t, "style") || !strcmp(t, "select") ||
            !strcmp(t, "svg") || !strcmp(t, "source"))
            return TG_SKIP;
        break;
    case 't':
        if (!strcmp(t, "td") || !strcmp(t, "th")) {
            *kind = BK_TD;
            return TG_BLOCK;
        }
        if (!strcmp(t, "table") || !strcmp(t, "tr") || !strcmp(t, "tbody") ||
            !strcmp(t, "thead") || !strcmp(t, "tfoot"))
            return TG_BLOCK;
        if (!strcmp(t, "template") || !strcmp(t, "textarea") || !strcmp(t, "title") ||
            !strcmp(t, "track"))
            return TG_SKIP;
        break;
    case 'u':
        if (!strcmp(t, "ul"))
            return TG_BLOCK;
        break;
    case 'v':
        if (!strcmp(t, "video"))
            return TG_SKIP;
        break;
    default:
        break;
    }
    return TG_INLINE;
}

/* The attributes extraction looks at, read in one pass. */
typedef struct eattrs {
    const char *cls, *id, *role, *itemprop, *style, *aria_hidden;
    bool hidden;
} eattrs;

static void read_attrs(xmlNodePtr n, eattrs *ea)
{
    memset(ea, 0, sizeof *ea);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *k = (const char *)a->name;
        if (!k)
            continue;
        const char *v = a->children && a->children->type == XML_TEXT_NODE
                            ? (const char *)a->children->content
                            : NULL;
        switch (k[0] | 0x20) {
        case 'c':
            if (!strcasecmp(k, "class"))
                ea->cls = v;
            break;
        case 'i':
            if (!strcasecmp(k, "id"))
                ea->id = v;
            else if (!strcasecmp(k, "itemprop"))
                ea->itemprop = v;
            break;
        case 'r':
            if (!strcasecmp(k, "role"))
                ea->role = v;
            break;
        case 's':
            if (!strcasecmp(k, "style"))
                ea->style = v;
            break;
        case 'h':
            if (!strcasecmp(k, "hidden"))
                ea->hidden = true;
            break;
        case 'a':
            if (!strcasecmp(k, "aria-hidden"))
                ea->aria_hidden = v;
            break;
        default:
            break;
        }
    }
}

static bool is_hidden(xmlNodePtr n, const eattrs *ea)
{
    if (ea->hidden)
        return true;
    if (ea->aria_hidden && !strcasecmp(ea->aria_hidden, "true") && !tag_is(n, "body") &&
        !tag_is(n, "html"))
        return true;
    if (!ea->style)
        return false;
    for (const char *p = ea->style; *p; p++) {
        if ((*p | 0x20) != 'd' && (*p | 0x20) != 'v')
            continue;
        if (strncasecmp(p, "display", 7) == 0 || strncasecmp(p, "visibility", 10) == 0) {
            const char *q = strchr(p, ':');
            if (!q)
                return false;
            q++;
            while (*q == ' ')
                q++;
            if (strncasecmp(q, "none", 4) == 0 || strncasecmp(q, "hidden", 6) == 0)
                return true;
        }
    }
    return false;
}

/* The cue verdict of an element's class, id and role. */
static int element_cue(const eattrs *ea, bool *drop)
{
    *drop = false;
    td_cue_result r = {0, false, false, false, false, false};
    if (ea->cls)
        td_html_cues_scan(ea->cls, &r);
    if (ea->id)
        td_html_cues_scan(ea->id, &r);
    if (ea->role)
        td_html_cues_role(ea->role, &r);
    if (ea->itemprop && strstr(ea->itemprop, "articleBody"))
        r.mark = true;
    if (ea->itemprop && strstr(ea->itemprop, "comment"))
        r.strong = true;
    if ((r.strong || (r.neg && !r.pos)) && !r.keep)
        *drop = true;
    return r.weight;
}

/* ---- pass 0: subtree sizes and marks ----------------------------------- */

static xmlNodePtr first_child_el(xmlNodePtr n)
{
    return n->type == XML_ELEMENT_NODE ? n->children : NULL;
}

static td_status pass0(ex *x)
{
    /* iterative post-order over elements, with a depth cap */
    xmlNodePtr n = x->root;
    int depth = 0;
    ninfo *ri = td_arena_calloc(x->a, sizeof *ri);
    if (!ri)
        return TD_ENOMEM;
    n->_private = ri;
    for (;;) {
        xmlNodePtr c = depth < TD_HTML_MAX_DEPTH ? first_child_el(n) : NULL;
        if (c) {
            n = c;
            depth++;
        } else {
            /* leave n, then move to the next sibling or climb */
            for (;;) {
                if (n->type == XML_TEXT_NODE && n->content && n->parent && n->parent->_private)
                    NI(n->parent)->raw += (uint32_t)strlen((const char *)n->content);
                if (n->type == XML_ELEMENT_NODE) {
                    ninfo *ni = NI(n);
                    if (tag_is(n, "h1"))
                        ni->flags |= NF_HAS_H1;
                    if (tag_is(n, "article") || tag_is(n, "main"))
                        ni->flags |= NF_HAS_MARK | NF_MARK;
                    const char *ip = n->properties ? attr(n, "itemprop") : NULL;
                    if (ip && strstr(ip, "articleBody"))
                        ni->flags |= NF_HAS_MARK | NF_MARK;
                    if (n != x->root && n->parent && n->parent->_private) {
                        ninfo *pi = NI(n->parent);
                        pi->raw += ni->raw;
                        pi->flags |= ni->flags & (NF_HAS_H1 | NF_HAS_MARK);
                    }
                }
                if (n == x->root)
                    return TD_OK;
                if (n->next) {
                    n = n->next;
                    break;
                }
                n = n->parent;
                depth--;
            }
        }
        if (n->type == XML_ELEMENT_NODE) {
            ninfo *ni = td_arena_calloc(x->a, sizeof *ni);
            if (!ni)
                return TD_ENOMEM;
            n->_private = ni;
        }
    }
}

/* ---- pass 1: blocks ---------------------------------------------------- */

static td_status flush(ex *x, xmlNodePtr owner, bkind kind)
{
    td_status st = TD_OK;
    if (x->raw.len) {
        size_t off = x->text.len;
        st = td_html_collapse(x->raw.ptr, x->raw.len, &x->text);
        if (st == TD_OK && x->text.len > off) {
            if (x->nb == x->capb) {
                size_t nc = x->capb ? x->capb * 2 : 256;
                block *nbl = td_arena_alloc(x->a, nc * sizeof *nbl);
                if (!nbl)
                    return TD_ENOMEM;
                if (x->nb)
                    memcpy(nbl, x->bl, x->nb * sizeof *nbl);
                x->bl = nbl;
                x->capb = nc;
            }
            block *b = &x->bl[x->nb++];
            b->owner = owner;
            b->off = (uint32_t)off;
            b->len = (uint32_t)(x->text.len - off);
            b->chars = x->cur_chars;
            b->link = x->cur_link;
            b->commas = x->cur_commas;
            b->kind = (uint8_t)kind;
            st = td_buf_putc(&x->text, '\0');
        }
    }
    td_buf_clear(&x->raw);
    x->cur_chars = x->cur_link = x->cur_commas = 0;
    return st;
}

static td_status add_text(ex *x, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > ' ') {
            x->cur_chars++;
            if (x->in_link)
                x->cur_link++;
            if (c == ',')
                x->cur_commas++;
        }
    }
    return td_buf_append(&x->raw, s, len);
}

/* The nearest block-level ancestor-or-self and its kind. */
static xmlNodePtr block_owner(xmlNodePtr n, bkind *kind)
{
    int guard = 0;
    for (; n && n->type == XML_ELEMENT_NODE && guard < TD_HTML_MAX_DEPTH; n = n->parent, guard++) {
        bkind k;
        tgclass c = classify(n, &k);
        if (c == TG_BLOCK || c == TG_BOILER) {
            *kind = k;
            return n;
        }
    }
    *kind = BK_DIV;
    return NULL;
}

static void keep_aside(ex *x, xmlNodePtr n, const char **slot, size_t cap)
{
    if (*slot)
        return;
    td_buf b;
    td_buf_init(&b, 0);
    int guard = 0;
    for (xmlNodePtr c = n->children; c && b.len < cap && guard < 100000; guard++) {
        if (c->type == XML_TEXT_NODE && c->content) {
            td_buf_puts(&b, (const char *)c->content);
            td_buf_putc(&b, ' ');
        }
        bkind k;
        c = c->type == XML_ELEMENT_NODE && c->children && classify(c, &k) != TG_SKIP
                ? c->children
                : td_html_next_outside(c, n);
    }
    const char *r = td_html_collapse_dup(x->a, b.ptr, b.len, 3, cap);
    if (r)
        *slot = r;
    td_buf_release(&b);
}

static bool drop_element(ex *x, xmlNodePtr n, tgclass c)
{
    ninfo *ni = NI(n);
    bool protect = tag_is(n, "body") || tag_is(n, "html") ||
                   (ni && (ni->flags & (NF_HAS_H1 | NF_HAS_MARK)) && !(ni->flags & NF_MARK &&
                                                                     tag_is(n, "aside")));
    if (ni && (ni->flags & NF_MARK))
        protect = true;
    if (!n->properties && c != TG_BOILER)
        return false; /* no class, id, role or style: nothing to say */
    eattrs ea;
    read_attrs(n, &ea);
    bool cue_drop = false;
    int w = element_cue(&ea, &cue_drop);
    if (ni)
        ni->cue = (int16_t)w;
    if (c == TG_BOILER) {
        if (tag_is(n, "figcaption") || tag_is(n, "figure")) {
            keep_aside(x, n, &x->caption, 1000);
            return true;
        }
        /* header/footer/aside holding the article mark stay */
        return !(ni && (ni->flags & NF_HAS_MARK)) || tag_is(n, "nav");
    }
    if (!x->lenient && !tag_is(n, "body") && !tag_is(n, "html") && is_hidden(n, &ea))
        return true;
    if (x->lenient || !cue_drop || protect)
        return false;
    const char *cls = ea.cls;
    if (cls && (strstr(cls, "byline") || strstr(cls, "author")))
        keep_aside(x, n, &x->byline, 120);
    return true;
}

static td_status pass1(ex *x)
{
    xmlNodePtr n = x->root;
    int depth = 0;
    td_status st = TD_OK;
    bool descend = true;
    bkind kind = BK_DIV;
    xmlNodePtr owner = x->root;
    for (; st == TD_OK;) {
        /* enter n */
        descend = false;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                st = add_text(x, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            bkind k;
            tgclass c = classify(n, &k);
            if (c == TG_SKIP) {
                /* nothing */
            } else if (c == TG_BR) {
                st = flush(x, owner, kind);
            } else if ((c == TG_BLOCK || c == TG_BOILER || c == TG_INLINE) &&
                       drop_element(x, n, c)) {
                if (NI(n))
                    NI(n)->flags |= NF_DROPPED;
                if (c != TG_INLINE)
                    st = flush(x, owner, kind);
            } else {
                bool has_kids = depth < TD_HTML_MAX_DEPTH && n->children;
                if (c == TG_BLOCK || c == TG_BOILER) {
                    st = flush(x, owner, kind);
                    if (has_kids) {
                        owner = n;
                        kind = k;
                    }
                }
                if (has_kids && tag_is(n, "a"))
                    x->in_link++;
                descend = has_kids;
            }
        }
        if (descend) {
            n = n->children;
            depth++;
            continue;
        }
        /* leave n and the ancestors that end with it */
        for (;;) {
            if (n == x->root)
                return flush(x, owner, kind);
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            depth--;
            bkind k;
            tgclass c = classify(n, &k);
            if (tag_is(n, "a") && x->in_link > 0)
                x->in_link--;
            if (c == TG_BLOCK || c == TG_BOILER) {
                st = flush(x, owner, kind);
                owner = block_owner(n->parent, &kind);
                if (!owner)
                    owner = x->root;
            }
            if (st != TD_OK)
                return st;
        }
    }
    return st;
}

/* ---- pass 2: scores ---------------------------------------------------- */

static double block_ld(const block *b)
{
    return b->chars ? (double)b->link / b->chars : 0.0;
}

static double node_ld(xmlNodePtr n)
{
    ninfo *ni = NI(n);
    return ni && ni->text ? (double)ni->link / ni->text : 0.0;
}

static double tag_init(xmlNodePtr n)
{
    const char *t = (const char *)n->name;
    if (!t)
        return 0;
    if (!strcmp(t, "div") || !strcmp(t, "article") || !strcmp(t, "section") ||
        !strcmp(t, "main"))
        return 5;
    if (!strcmp(t, "pre") || !strcmp(t, "td") || !strcmp(t, "blockquote"))
        return 3;
    if (!strcmp(t, "address") || !strcmp(t, "ol") || !strcmp(t, "ul") || !strcmp(t, "dl") ||
        !strcmp(t, "dd") || !strcmp(t, "dt") || !strcmp(t, "li") || !strcmp(t, "form"))
        return -3;
    if ((t[0] == 'h' && t[1] >= '1' && t[1] <= '6' && !t[2]) || !strcmp(t, "th"))
        return -5;
    return 0;
}

typedef struct cands {
    xmlNodePtr *v;
    size_t n, cap;
} cands;

static td_status touch(ex *x, cands *c, xmlNodePtr n)
{
    ninfo *ni = NI(n);
    if (ni->flags & NF_CAND)
        return TD_OK;
    ni->flags |= NF_CAND;
    ni->score = tag_init(n) + ni->cue + ((ni->flags & NF_MARK) ? 15 : 0);
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        xmlNodePtr *nv = td_arena_alloc(x->a, nc * sizeof *nv);
        if (!nv)
            return TD_ENOMEM;
        if (c->n)
            memcpy(nv, c->v, c->n * sizeof *nv);
        c->v = nv;
        c->cap = nc;
    }
    c->v[c->n++] = n;
    return TD_OK;
}

static bool scorable(const block *b)
{
    return b->kind == BK_P || b->kind == BK_PRE || b->kind == BK_TD || b->kind == BK_QUOTE ||
           b->kind == BK_DIV;
}

static td_status score(ex *x, cands *c)
{
    /* subtree text and link sizes */
    for (size_t i = 0; i < x->nb; i++) {
        const block *b = &x->bl[i];
        int guard = 0;
        for (xmlNodePtr n = b->owner; n && n->type == XML_ELEMENT_NODE && n->_private &&
                                      guard < TD_HTML_MAX_DEPTH;
             n = n->parent, guard++) {
            NI(n)->text += b->chars;
            NI(n)->link += b->link;

            if (n == x->root)
                break;
        }
    }
    /* position: text before the headline is seldom the article */
    size_t h1 = x->nb;
    for (size_t i = 0; i < x->nb && h1 == x->nb; i++)
        if (x->bl[i].kind == BK_H1)
            h1 = i;
    for (size_t i = 0; i < x->nb; i++) {
        const block *b = &x->bl[i];
        if (!scorable(b) || b->chars < 25)
            continue;
        uint32_t len = b->chars;
        double s = 1.0 + b->commas + (len / 100 > 3 ? 3 : len / 100);
        s *= 1.0 - block_ld(b);
        if (i < h1 && h1 < x->nb)
            s *= 0.5;
        xmlNodePtr n = b->kind == BK_DIV ? b->owner : b->owner->parent;
        for (int lvl = 0; lvl < 5 && n && n->type == XML_ELEMENT_NODE && n->_private;
             lvl++, n = n->parent) {
            td_status st = touch(x, c, n);
            if (st != TD_OK)
                return st;
            double div = lvl == 0 ? 1 : lvl == 1 ? 2 : lvl * 3;
            NI(n)->score += s / div;
            if (n == x->root)
                break;
        }
    }
    return TD_OK;
}

static double final_score(xmlNodePtr n)
{
    return NI(n)->score * (1.0 - node_ld(n));
}

static bool inside(xmlNodePtr n, xmlNodePtr anc)
{
    for (int g = 0; n && g < TD_HTML_MAX_DEPTH; n = n->parent, g++)
        if (n == anc)
            return true;
    return false;
}

static xmlNodePtr pick_top(ex *x, cands *c)
{
    xmlNodePtr top = NULL;
    double best = 0;
    for (size_t i = 0; i < c->n; i++) {
        double f = final_score(c->v[i]);
        if (!top || f > best) {
            top = c->v[i];
            best = f;
        }
    }
    if (!top)
        return NULL;
    /* a parent holding several near-top candidates is the article */
    xmlNodePtr alts[8];
    size_t na = 0;
    for (size_t i = 0; i < c->n && na < 8; i++)
        if (c->v[i] != top && final_score(c->v[i]) >= 0.75 * best && !inside(c->v[i], top) &&
            !inside(top, c->v[i]))
            alts[na++] = c->v[i];
    if (na >= 2) {
        for (xmlNodePtr p = top->parent; p && p != x->root && p->type == XML_ELEMENT_NODE;
             p = p->parent) {
            size_t in = 0;
            for (size_t k = 0; k < na; k++)
                in += inside(alts[k], p);
            if (in >= 2) {
                top = p;
                break;
            }
        }
    }
    /* climb while the parent scores better */
    double last = NI(top)->score;
    for (xmlNodePtr p = top->parent; p && p != x->root && p->type == XML_ELEMENT_NODE;
         p = p->parent) {
        ninfo *pi = NI(p);
        if (!pi || !(pi->flags & NF_CAND))
            continue;
        if (pi->score < last / 3)
            break;
        if (pi->score > last) {
            top = p;
            break;
        }
        last = pi->score;
    }
    /* closeness to the headline: the candidate holding the <h1> wins
     * over a distant one of comparable score */
    xmlNodePtr h = NULL;
    for (size_t i = 0; i < x->nb && !h; i++)
        if (x->bl[i].kind == BK_H1)
            h = x->bl[i].owner;
    for (int g = 0; h && g < TD_HTML_MAX_DEPTH && h != x->root; h = h->parent, g++)
        if (h->_private && (NI(h)->flags & NF_CAND))
            break;
    if (h && h != x->root && !inside(top, h) && !inside(h, top) &&
        final_score(h) >= 0.4 * final_score(top))
        top = h;
    /* an only child is its parent */
    while (top->parent && top->parent != x->root && top->parent->type == XML_ELEMENT_NODE &&
           !tag_is(top->parent, "body")) {
        int kids = 0;
        for (xmlNodePtr k = top->parent->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE && !(NI(k) && NI(k)->flags & NF_DROPPED))
                kids++;
        if (kids != 1)
            break;
        top = top->parent;
    }
    return top;
}

static bool ends_sentence(const ex *x, xmlNodePtr n)
{
    /* a short paragraph that reads like a sentence */
    for (size_t i = 0; i < x->nb; i++)
        if (x->bl[i].owner == n) {
            const char *t = x->text.ptr + x->bl[i].off;
            uint32_t l = x->bl[i].len;
            return l && (t[l - 1] == '.' || strstr(t, ". ") != NULL);
        }
    return false;
}

/* An article cut into sections by asides and ads: elements near top
 * (under its ancestor three levels up) with top's tag and class join it. */
static void select_same_class(ex *x, xmlNodePtr top)
{
    const char *cls = attr(top, "class");
    if (!cls || !*cls)
        return;
    xmlNodePtr anc = top;
    for (int i = 0; i < 3 && anc->parent && anc->parent != x->root &&
                    anc->parent->type == XML_ELEMENT_NODE && !tag_is(anc->parent, "body");
         i++)
        anc = anc->parent;
    if (anc == top)
        return;
    int budget = 20000;
    for (xmlNodePtr n = anc->children; n && budget-- > 0;) {
        bool descend = n->type == XML_ELEMENT_NODE && n->_private && n != top &&
                       !(NI(n)->flags & NF_DROPPED);
        if (descend && n->name && top->name && !strcmp((const char *)n->name,
                                                        (const char *)top->name)) {
            const char *c = attr(n, "class");
            if (c && !strcmp(c, cls) && !(NI(n)->flags & NF_HAS_H1) && NI(n)->text > 0 &&
                node_ld(n) < 0.3) {
                NI(n)->flags |= NF_SELECTED;
                descend = false;
            }
        }
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != anc && !n->next)
            n = n->parent;
        if (!n || n == anc)
            break;
        n = n->next;
    }
}

static void select_siblings(ex *x, xmlNodePtr top)
{
    NI(top)->flags |= NF_SELECTED;
    select_same_class(x, top);
    xmlNodePtr par = top->parent;
    if (!par || par->type != XML_ELEMENT_NODE || top == x->root)
        return;
    double ts = final_score(top);
    double thr = ts * 0.2 > 10 ? ts * 0.2 : 10;
    const char *tcls = attr(top, "class");
    bool top_marked = false, top_h1 = (NI(top)->flags & NF_HAS_H1) != 0;
    for (xmlNodePtr p = top; p && p->_private && p != x->root; p = p->parent)
        if (NI(p)->flags & NF_HAS_MARK) {
            top_marked = true;
            break;
        }
    for (xmlNodePtr s = par->children; s; s = s->next) {
        if (s == top || s->type != XML_ELEMENT_NODE || !s->_private)
            continue;
        ninfo *si = NI(s);
        if (si->flags & NF_DROPPED)
            continue;
        /* another story: a sibling with its own <article> or headline */
        if ((si->flags & NF_HAS_MARK && top_marked) || (si->flags & NF_HAS_H1 && top_h1))
            continue;
        double bonus = 0;
        const char *cls = attr(s, "class");
        if (tcls && cls && *tcls && !strcmp(tcls, cls))
            bonus = ts * 0.2;
        bool take = (si->flags & NF_CAND) && final_score(s) + bonus >= thr;
        if (!take && tag_is(s, "p")) {
            double ld = node_ld(s);
            if (si->text > 80 && ld < 0.25)
                take = true;
            else if (si->text > 0 && si->text <= 80 && ld == 0 && ends_sentence(x, s))
                take = true;
        }
        if (take)
            si->flags |= NF_SELECTED;
    }
}

/* ---- pass 3: the kept blocks ------------------------------------------- */

static bool same_text(const char *a, size_t al, const char *b)
{
    return b && strlen(b) == al && strncasecmp(a, b, al) == 0;
}

/* Is block b inside the selection, and not inside a link-heavy container
 * of it? */
static bool in_selection(const ex *x, const block *b)
{
    int g = 0;
    bool bad = false;
    for (xmlNodePtr n = b->owner; n && n->_private && g < TD_HTML_MAX_DEPTH; n = n->parent, g++) {
        ninfo *ni = NI(n);
        if (ni->flags & NF_SELECTED)
            return !bad;
        if (n != b->owner && ni->text > 0) {
            double ld = (double)ni->link / ni->text;
            bool list = tag_is(n, "ul") || tag_is(n, "ol") || tag_is(n, "dl");
            bool table = tag_is(n, "tr") || tag_is(n, "tbody") || tag_is(n, "table") ||
                         tag_is(n, "thead");
            bool thin = ni->text - ni->link < 300; /* little text besides links */
            if ((ld > 0.5 && !table) || (list && ld > 0.35 && thin) || (table && ld > 0.75))
                bad = true;
        }
        if (n == x->root)
            break;
    }
    return false;
}

static bool looks_byline(const char *t, uint32_t l)
{
    if (l > 80)
        return false;
    if ((l > 3 && strncasecmp(t, "by ", 3) == 0) || (l > 4 && strncasecmp(t, "por ", 4) == 0) ||
        (l > 3 && strncasecmp(t, "di ", 3) == 0 && l < 40))
        return true;
    char d[11];
    return l < 40 && td_html_date_norm(t, d);
}

static td_status emit(ex *x, bool all, td_buf *out)
{
    td_status st = TD_OK;
    for (size_t i = 0; i < x->nb && st == TD_OK; i++) {
        const block *b = &x->bl[i];
        const char *t = x->text.ptr + b->off;
        if (!all && !in_selection(x, b))
            continue;
        if (all && (b->chars < 40 || block_ld(b) > 0.3))
            continue;
        if (b->kind == BK_H1 || same_text(t, b->len, x->meta->title) ||
            same_text(t, b->len, x->meta->h1))
            continue;
        double ld = block_ld(b);
        if (b->kind == BK_TD && b->owner->parent && b->owner->parent->_private)
            ld = node_ld(b->owner->parent); /* a table row is read as a whole */
        if (ld > 0.5 || td_html_boiler_line(t, b->len))
            continue;
        if (looks_byline(t, b->len)) {
            if (!x->byline && b->len < 80 && strncasecmp(t, "by ", 3) == 0)
                x->byline = td_arena_strndup(x->a, t, b->len);
            continue;
        }
        if (out->len)
            st = td_buf_putc(out, '\n');
        if (st == TD_OK)
            st = td_buf_append(out, t, b->len);
    }
    /* closing sign-offs (newsletter pleas, "reach the author at") */
    for (int k = 0; k < 3 && st == TD_OK && out->len; k++) {
        size_t s0 = out->len;
        while (s0 > 0 && out->ptr[s0 - 1] != '\n')
            s0--;
        if (!td_html_signoff_line(out->ptr + s0, out->len - s0))
            break;
        out->len = s0 ? s0 - 1 : 0;
    }
    return st;
}

/* One extraction pass; lenient skips the cue-based removal. */
static td_status run_pass(xmlNodePtr root, const td_html_meta *meta, td_arena *a, bool lenient,
                          bool all, td_html_text *out, td_buf *body)
{
    ex x;
    memset(&x, 0, sizeof x);
    x.a = a;
    x.meta = meta;
    x.root = root;
    x.lenient = lenient;
    td_buf_init(&x.raw, 0);
    td_buf_init(&x.text, 0);
    cands c = {0};
    td_status st = pass0(&x);
    if (st == TD_OK)
        st = pass1(&x);
    if (st == TD_OK)
        st = score(&x, &c);
    if (st == TD_OK && !all) {
        xmlNodePtr top = pick_top(&x, &c);
        if (top)
            select_siblings(&x, top);
        else
            all = true;
    }
    if (st == TD_OK)
        st = emit(&x, all, body);
    if (!out->caption)
        out->caption = x.caption;
    if (!out->byline)
        out->byline = x.byline;
    td_buf_release(&x.raw);
    td_buf_release(&x.text);
    return st;
}

static size_t count_chars(const td_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += (unsigned char)b->ptr[i] > ' ';
    return n;
}

td_status td_html_extract(xmlDocPtr doc, const td_html_meta *meta, td_arena *a,
                          td_html_text *out)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return TD_OK;
    td_status st = run_pass(root, meta, a, false, false, out, &out->body);
    size_t got = count_chars(&out->body);
    size_t ld_len = meta->ld_body ? strlen(meta->ld_body) : 0;
    if (st == TD_OK && (got < 250 || (ld_len > 500 && got < ld_len / 3))) {
        td_buf alt;
        td_buf_init(&alt, out->body.max);
        st = run_pass(root, meta, a, true, false, out, &alt);
        if (st == TD_OK && count_chars(&alt) > got * 2) {
            td_buf_release(&out->body);
            out->body = alt;
            got = count_chars(&out->body);
        } else {
            td_buf_release(&alt);
        }
    }
    if (st == TD_OK && got < 100 && ld_len > got * 2) {
        td_buf_clear(&out->body);
        st = td_buf_puts(&out->body, meta->ld_body);
        got = count_chars(&out->body);
    }
    if (st == TD_OK && got == 0) {
        td_buf_clear(&out->body);
        st = run_pass(root, meta, a, true, true, out, &out->body);
    }
    return st;
}
