/*
 * event_dict.c - read PETRARCH/TABARI event dictionaries (verbs with
 * synsets and patterns, date-bounded actors, agents, discards) into the
 * word-id tables of event_dict.h.
 *
 * Formats (PETRARCH-1/2 readers, TABARI 0.8 manual):
 *   dictionaries.ini   key = file[, file...]  (verbs, actors, agents, discards)
 *   verbs    &SYNSET then +phrase lines; "--- NAME [code] ---" opens a verb
 *            block; verb lines "WORD {FORMS} [code]" (regular forms made
 *            here; "WIRE_+TAP" marks the verb of a multi-word verb);
 *            patterns "- UPPER * LOWER [code[:code2]]" with $ source,
 *            + target, % compound, ^ skip, &SYNSET, '_' = next word
 *   actors   PHRASE [CODE], "+SYNONYM" lines, indented "[CODE date]" lines
 *            (<YYMMDD, >YYMMDD, FROM-TO; 6- or 8-digit dates)
 *   agents   PHRASE {PLURALS} [~CODE] or [CODE~]; !SUBST! = A, B lines
 *   discards PHRASE (sentence) or +PHRASE (whole story)
 * Comments: '#' to end of line, <!-- ... --> blocks.
 */
#define _GNU_SOURCE 1 /* asprintf */
#include "event_dict.h"

#include "arena.h"
#include "lexicon.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define GROW(arr, n, cap)                                                              \
    ((n) < (cap) ? 0                                                                   \
                 : grow_array((void **)&(arr), &(cap), sizeof *(arr)))

static int grow_array(void **p, uint32_t *cap, size_t sz)
{
    uint32_t nc = *cap ? *cap * 2 : 64;
    void *np = td_realloc(*p, (size_t)nc * sz);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

/* ---- word table ------------------------------------------------------- */

static inline unsigned char up(unsigned char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

/* Byte classes of the dictionaries' syntax, one load a byte:
 *   CC_SPACE  isspace() of the C locale (tidings never calls setlocale);
 *   CC_WSEP   what separates a phrase's words: ' ', '\t' and '_';
 *   CC_CEND   what ends an actor code: a space, '<' or '>';
 *   CC_PDROP  what a pattern's word drops: ( ) { } (and NUL, as strchr
 *             finds it in any string). */
enum { CC_SPACE = 1, CC_WSEP = 2, CC_CEND = 4, CC_PDROP = 8 };
static const uint8_t cclass[256] = {
    [' '] = CC_SPACE | CC_WSEP | CC_CEND, ['\t'] = CC_SPACE | CC_WSEP | CC_CEND,
    ['\n'] = CC_SPACE | CC_CEND,          ['\v'] = CC_SPACE | CC_CEND,
    ['\f'] = CC_SPACE | CC_CEND,          ['\r'] = CC_SPACE | CC_CEND,
    ['_'] = CC_WSEP,                      ['<'] = CC_CEND,
    ['>'] = CC_CEND,                      ['('] = CC_PDROP,
    [')'] = CC_PDROP,                     ['{'] = CC_PDROP,
    ['}'] = CC_PDROP,                     ['\0'] = CC_PDROP};

static inline bool is_space(unsigned char c) { return cclass[c] & CC_SPACE; }

static bool eq_upper(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (ed_up8(x) != y)
            return false;
    }
    if (n >= 4) { /* two loads that overlap: the same bytes */
        uint32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        if ((uint32_t)ed_up8(x) != y)
            return false;
        memcpy(&x, a + n - 4, 4);
        memcpy(&y, b + n - 4, 4);
        return (uint32_t)ed_up8(x) == y;
    }
    for (size_t i = 0; i < n; i++)
        if (up((unsigned char)a[i]) != (unsigned char)b[i])
            return false;
    return true;
}


uint32_t ed_word_find(const ed_dict *d, const char *s, size_t len)
{
    return ed_word_find_h(d, s, len, ed_word_hash(s, len));
}

uint32_t ed_word_find_h(const ed_dict *d, const char *s, size_t len, uint32_t h)
{
    if (!d->n_slots || len == 0)
        return ED_NONE;
    uint32_t mask = d->n_slots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        const ed_slot *sl = &d->slots[i];
        if (!sl->id1)
            return ED_NONE;
        if (sl->hash != h)
            continue;
        const ed_word *w = &d->words[sl->id1 - 1];
        if (w->len == len && eq_upper(s, d->strpool + w->off, len))
            return sl->id1 - 1;
    }
}

static int str_add(ed_dict *d, const char *s, size_t n, uint32_t *off)
{
    if (d->str_len + n + 1 > d->str_cap) {
        size_t nc = d->str_cap ? d->str_cap * 2 : 1 << 16;
        while (nc < d->str_len + n + 1)
            nc *= 2;
        char *p = td_realloc(d->strpool, nc);
        if (!p)
            return -1;
        d->strpool = p;
        d->str_cap = nc;
    }
    *off = (uint32_t)d->str_len;
    char *o = d->strpool + d->str_len;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) { /* eight bytes at a time, as ed_up8 does */
        uint64_t x;
        memcpy(&x, s + i, 8);
        x = ed_up8(x);
        memcpy(o + i, &x, 8);
    }
    if (i < n) { /* the last 1 to 7 bytes, the same way */
        uint64_t x = 0;
        memcpy(&x, s + i, n - i);
        x = ed_up8(x);
        memcpy(o + i, &x, n - i);
    }
    d->strpool[d->str_len + n] = '\0';
    d->str_len += n + 1;
    return 0;
}

static int rehash(ed_dict *d)
{
    uint32_t ns = d->n_slots ? d->n_slots * 2 : 1 << 17; /* the Phoenix set: ~48k words */
    ed_slot *sl = calloc(ns, sizeof *sl);
    if (!sl)
        return -1;
    for (uint32_t k = 0; k < d->n_words; k++) {
        uint32_t i = d->words[k].hash & (ns - 1);
        while (sl[i].id1)
            i = (i + 1) & (ns - 1);
        sl[i].hash = d->words[k].hash;
        sl[i].id1 = k + 1;
    }
    free(d->slots);
    d->slots = sl;
    d->n_slots = ns;
    return 0;
}

/* Intern s[0..n) (upper-cased); returns the id or ED_NONE on failure. */
static uint32_t intern(ed_dict *d, const char *s, size_t n)
{
    uint32_t h = ed_word_hash(s, n);
    uint32_t id = ed_word_find_h(d, s, n, h);
    if (id != ED_NONE)
        return id;
    if ((d->n_words + 1) * 2 > d->n_slots && rehash(d) < 0)
        return ED_NONE;
    if (GROW(d->words, d->n_words, d->cap_words) < 0)
        return ED_NONE;
    ed_word *w = &d->words[d->n_words];
    memset(w, 0, sizeof *w);
    w->synset = -1;
    if (str_add(d, s, n, &w->off) < 0)
        return ED_NONE;
    w->len = (uint32_t)n;
    w->hash = h;
    uint32_t mask = d->n_slots - 1;
    uint32_t i = w->hash & mask;
    while (d->slots[i].id1)
        i = (i + 1) & mask;
    d->slots[i].hash = w->hash;
    d->slots[i].id1 = d->n_words + 1;
    return d->n_words++;
}

uint32_t ed_word_add(ed_dict *d, const char *s, size_t len) { return intern(d, s, len); }

static int wpool_add(ed_dict *d, const uint32_t *ids, size_t n, uint32_t *off)
{
    if (d->wp_len + n > d->wp_cap) {
        size_t nc = d->wp_cap ? d->wp_cap * 2 : 1 << 14;
        while (nc < d->wp_len + n)
            nc *= 2;
        uint32_t *p = td_realloc(d->wpool, nc * sizeof *p);
        if (!p)
            return -1;
        d->wpool = p;
        d->wp_cap = nc;
    }
    *off = (uint32_t)d->wp_len;
    memcpy(d->wpool + d->wp_len, ids, n * sizeof *ids);
    d->wp_len += n;
    return 0;
}

/* ---- small text helpers ---------------------------------------------- */

typedef struct {
    const char *s;
    size_t n;
} view;

static inline __attribute__((always_inline)) view trim(view v)
{
    while (v.n && is_space((unsigned char)v.s[0])) {
        v.s++;
        v.n--;
    }
    while (v.n && is_space((unsigned char)v.s[v.n - 1]))
        v.n--;
    return v;
}

static view strip_comment(view v)
{
    const char *h = v.n ? memchr(v.s, '#', v.n) : NULL;
    if (h)
        v.n = (size_t)(h - v.s);
    return v;
}

/* Split a phrase into words at spaces and underscores; ids out (max cap). */
static inline bool is_wsep(unsigned char c) { return cclass[c] & CC_WSEP; }

static size_t phrase_words(ed_dict *d, view v, uint32_t *ids, size_t cap)
{
    size_t n = 0, i = 0;
    while (i < v.n && n < cap) {
        while (i < v.n && is_wsep((unsigned char)v.s[i]))
            i++;
        size_t st = i;
        while (i < v.n && !is_wsep((unsigned char)v.s[i]))
            i++;
        if (i > st) {
            uint32_t id = intern(d, v.s + st, i - st);
            if (id == ED_NONE)
                return 0;
            ids[n++] = id;
        }
    }
    return n;
}

static int add_phrase(ed_dict *d, int kind, const uint32_t *ids, size_t n, uint16_t main,
                      uint32_t payload)
{
    if (n == 0 || n > 60)
        return 0;
    if (GROW(d->phr[kind], d->n_phr[kind], d->cap_phr[kind]) < 0)
        return -1;
    ed_phrase *p = &d->phr[kind][d->n_phr[kind]++];
    if (wpool_add(d, ids, n, &p->w) < 0)
        return -1;
    p->w0 = ids[0];
    p->n = (uint16_t)n;
    p->main = main;
    p->payload = payload;
    return 0;
}

static int add_code_str(ed_dict *d, view v, uint32_t *off)
{
    v = trim(v);
    return str_add(d, v.s, v.n, off);
}

/* The first [...] in v: its content (trimmed); false when none. */
static bool bracket(view v, view *in, size_t *at)
{
    const char *o = v.n ? memchr(v.s, '[', v.n) : NULL;
    if (!o)
        return false;
    size_t i = (size_t)(o - v.s);
    const char *c = memchr(o + 1, ']', v.n - i - 1);
    if (!c)
        return false;
    view r = {o + 1, (size_t)(c - o - 1)};
    *in = trim(r);
    if (at)
        *at = i;
    return true;
}

/* "032:033" -> code, code2 (0 when absent). */
static int parse_codes(ed_dict *d, view c, uint32_t *code, uint32_t *code2)
{
    *code2 = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.s[i] == ':') {
            view a = {c.s, i}, b = {c.s + i + 1, c.n - i - 1};
            if (add_code_str(d, a, code) < 0)
                return -1;
            b = trim(b);
            return b.n ? add_code_str(d, b, code2) : 0;
        }
    return add_code_str(d, c, code);
}

/* ---- lines ------------------------------------------------------------ */

typedef struct {
    const char *p, *end;
    bool in_xml_comment;
    long lineno;
} lines;

/* Does the line hold "-->"? */
static bool has_xml_end(view t)
{
    const char *p = t.s, *end = t.s + t.n;
    while (end - p >= 3 && (p = memchr(p, '-', (size_t)(end - p - 2))) != NULL) {
        if (p[1] == '-' && p[2] == '>')
            return true;
        p++;
    }
    return false;
}

/* Next line, without its newline and trimmed, comments not yet removed
 * (callers trim again after strip_comment: the same as trimming the
 * untrimmed line, since white space holds no '#'). */
static bool next_line(lines *L, view *out)
{
    for (;;) {
        if (L->p >= L->end)
            return false;
        const char *e = memchr(L->p, '\n', (size_t)(L->end - L->p));
        if (!e)
            e = L->end;
        view v = {L->p, (size_t)(e - L->p)};
        L->p = e < L->end ? e + 1 : e;
        L->lineno++;
        if (v.n && v.s[v.n - 1] == '\r')
            v.n--;
        view t = trim(v);
        if (L->in_xml_comment) {
            if (has_xml_end(t))
                L->in_xml_comment = false;
            continue;
        }
        if (t.n >= 2 && t.s[0] == '<' && t.s[1] == '!') {
            if (!has_xml_end(t))
                L->in_xml_comment = true;
            continue;
        }
        *out = t;
        return true;
    }
}

/* ---- actors ------------------------------------------------------------ */

static int32_t parse_date(view v)
{
    size_t n = 0;
    long x = 0;
    for (size_t i = 0; i < v.n; i++) {
        unsigned dg = (unsigned)(unsigned char)v.s[i] - '0';
        if (dg < 10) {
            x = x * 10 + (long)dg;
            if (++n == 15)
                break;
        }
    }
    if (n == 6) {
        long yy = x / 10000;
        x += (yy < 40 ? 20000000L : 19000000L);
    } else if (n != 8) {
        return -1;
    }
    return (int32_t)x;
}

static int add_actor_code(ed_dict *d, view c)
{
    /* "HOBGOV 19950601 - 19990815", "HOB < 950601", "RUSGOV >20040309" */
    size_t i = 0;
    while (i < c.n && !(cclass[(unsigned char)c.s[i]] & CC_CEND))
        i++;
    view code = {c.s, i}, rest = trim((view){c.s + i, c.n - i});
    if (GROW(d->codes, d->n_codes, d->cap_codes) < 0)
        return -1;
    ed_code *ec = &d->codes[d->n_codes];
    ec->from = 0;
    ec->to = 99999999;
    if (rest.n) {
        if (rest.s[0] == '<') {
            int32_t x = parse_date((view){rest.s + 1, rest.n - 1});
            if (x < 0)
                return 0;
            ec->to = x - 1;
        } else if (rest.s[0] == '>') {
            int32_t x = parse_date((view){rest.s + 1, rest.n - 1});
            if (x < 0)
                return 0;
            ec->from = x;
        } else {
            const char *dash = memchr(rest.s, '-', rest.n);
            if (!dash)
                return 0;
            int32_t a = parse_date((view){rest.s, (size_t)(dash - rest.s)});
            int32_t b = parse_date((view){dash + 1, rest.n - (size_t)(dash - rest.s) - 1});
            if (a < 0 || b < 0)
                return 0;
            ec->from = a;
            ec->to = b;
        }
    }
    if (add_code_str(d, code, &ec->code) < 0)
        return -1;
    d->n_codes++;
    d->actors[d->n_actors - 1].code_n++;
    return 0;
}

static int new_actor(ed_dict *d)
{
    if (GROW(d->actors, d->n_actors, d->cap_actors) < 0)
        return -1;
    d->actors[d->n_actors].code_first = d->n_codes;
    d->actors[d->n_actors].code_n = 0;
    d->n_actors++;
    return 0;
}

static int actor_phrase(ed_dict *d, view v)
{
    uint32_t ids[64];
    size_t n = phrase_words(d, trim(v), ids, 64);
    return add_phrase(d, ED_ACTOR, ids, n, 0, d->n_actors - 1);
}

static int read_actors(ed_dict *d, const char *text, size_t len)
{
    lines L = {text, text + len, false, 0};
    view line;
    bool have = false;
    while (next_line(&L, &line)) {
        view v = trim(strip_comment(line));
        if (!v.n)
            continue;
        view code;
        size_t at;
        if (v.s[0] == '[') {
            if (have && bracket(v, &code, NULL) && add_actor_code(d, code) < 0)
                return -1;
            continue;
        }
        if (v.s[0] == '+') {
            if (!have)
                continue;
            view p = {v.s + 1, v.n - 1};
            if (bracket(p, &code, &at))
                p.n = at;
            if (actor_phrase(d, p) < 0)
                return -1;
            if (bracket((view){v.s + 1, v.n - 1}, &code, NULL) && add_actor_code(d, code) < 0)
                return -1;
            continue;
        }
        if (new_actor(d) < 0)
            return -1;
        have = true;
        view p = v;
        bool hb = bracket(v, &code, &at);
        if (hb)
            p.n = at;
        if (actor_phrase(d, p) < 0)
            return -1;
        if (hb && add_actor_code(d, code) < 0)
            return -1;
    }
    return 0;
}

/* ---- agents ------------------------------------------------------------ */

typedef struct {
    char name[32];
    char items[16][32];
    int n;
} subst;

/* a, b and c into out[cap], cut at cap - 1 bytes (as snprintf does). */
static void join3(char *out, size_t cap, const char *a, size_t na, const char *b, size_t nb,
                  const char *c, size_t nc)
{
    size_t o = 0;
    const char *part[3] = {a, b, c};
    size_t len[3] = {na, nb, nc};
    for (int k = 0; k < 3; k++) {
        size_t m = len[k] < cap - 1 - o ? len[k] : cap - 1 - o;
        memcpy(out + o, part[k], m);
        o += m;
    }
    out[o] = '\0';
}

static void plural_of(const char *w, char *out, size_t cap)
{
    size_t n = strlen(w);
    if (n + 4 > cap) {
        out[0] = '\0';
        return;
    }
    memcpy(out, w, n + 1);
    char last = n ? w[n - 1] : 0;
    char prev = n > 1 ? w[n - 2] : 0;
    if (last == 'Y' && prev && !strchr("AEIOU", prev))
        strcpy(out + n - 1, "IES");
    else if (last == 'S' || last == 'X' || (last == 'H' && (prev == 'C' || prev == 'S')))
        strcpy(out + n, "ES");
    else
        strcpy(out + n, "S");
}

static int agent_add(ed_dict *d, const char *phrase, uint32_t agent)
{
    uint32_t ids[64];
    view v = {phrase, strlen(phrase)};
    size_t n = phrase_words(d, v, ids, 64);
    return add_phrase(d, ED_AGENT, ids, n, 0, agent);
}

/* Add phrase and, when plurals is NULL, its regular plural. */
static int agent_forms(ed_dict *d, const char *phrase, view *plurals, uint32_t agent)
{
    if (agent_add(d, phrase, agent) < 0)
        return -1;
    if (plurals) {
        size_t i = 0;
        while (i < plurals->n) {
            while (i < plurals->n && is_space((unsigned char)plurals->s[i]))
                i++;
            size_t st = i;
            while (i < plurals->n && !is_space((unsigned char)plurals->s[i]))
                i++;
            if (i > st) {
                char buf[256];
                size_t l = i - st < 255 ? i - st : 255;
                memcpy(buf, plurals->s + st, l);
                buf[l] = '\0';
                if (agent_add(d, buf, agent) < 0)
                    return -1;
            }
        }
        return 0;
    }
    /* plural of the last word */
    char buf[300];
    size_t n = strlen(phrase);
    while (n && (phrase[n - 1] == '_' || phrase[n - 1] == ' '))
        n--;
    if (n == 0 || n > 250)
        return 0;
    size_t ls = n;
    while (ls && phrase[ls - 1] != '_' && phrase[ls - 1] != ' ')
        ls--;
    char last[256], pl[264];
    memcpy(last, phrase + ls, n - ls);
    last[n - ls] = '\0';
    for (char *c = last; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    plural_of(last, pl, sizeof pl);
    if (!pl[0])
        return 0;
    join3(buf, sizeof buf, phrase, ls, pl, strlen(pl), "", 0);
    return agent_add(d, buf, agent);
}

/* Expand !SUBST! markers, then add forms. */
static int agent_expand(ed_dict *d, const char *phrase, view *plurals, uint32_t agent,
                        const subst *subs, int n_subs, int depth)
{
    const char *a = strchr(phrase, '!');
    const char *b = a ? strchr(a + 1, '!') : NULL;
    if (!a || !b || depth > 3)
        return agent_forms(d, phrase, plurals, agent);
    size_t nl = (size_t)(b - a + 1);
    for (int k = 0; k < n_subs; k++) {
        if (strlen(subs[k].name) != nl || strncmp(subs[k].name, a, nl) != 0)
            continue;
        for (int j = 0; j < subs[k].n; j++) {
            char buf[512];
            join3(buf, sizeof buf, phrase, (size_t)(a - phrase), subs[k].items[j],
                  strlen(subs[k].items[j]), b + 1, strlen(b + 1));
            if (agent_expand(d, buf, plurals, agent, subs, n_subs, depth + 1) < 0)
                return -1;
        }
        return 0;
    }
    return 0; /* unknown substitution: skip */
}

static void read_subst(view v, subst *s)
{
    const char *eq = memchr(v.s, '=', v.n);
    view name = trim((view){v.s, (size_t)(eq - v.s)});
    snprintf(s->name, sizeof s->name, "%.*s", (int)name.n, name.s);
    s->n = 0;
    const char *p = eq + 1, *end = v.s + v.n;
    while (p < end && s->n < 16) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        if (!c)
            c = end;
        view it = trim((view){p, (size_t)(c - p)});
        if (it.n)
            snprintf(s->items[s->n++], 32, "%.*s", (int)it.n, it.s);
        p = c + 1;
    }
}

static int read_agents(ed_dict *d, const char *text, size_t len)
{
    lines L = {text, text + len, false, 0};
    view line;
    subst subs[16];
    int n_subs = 0;
    while (next_line(&L, &line)) {
        view v = trim(strip_comment(line));
        if (!v.n)
            continue;
        if (v.s[0] == '!' && memchr(v.s, '=', v.n)) {
            if (n_subs < 16)
                read_subst(v, &subs[n_subs++]);
            continue;
        }
        view code;
        size_t at;
        if (!bracket(v, &code, &at))
            continue;
        view phrase = {v.s, at};
        view plur = {NULL, 0}, *pp = NULL;
        const char *br = memchr(v.s, '{', at);
        if (br) {
            const char *ce = memchr(br, '}', (size_t)(v.s + v.n - br));
            if (ce) {
                plur.s = br + 1;
                plur.n = (size_t)(ce - br - 1);
                pp = &plur;
            }
            phrase.n = (size_t)(br - v.s);
        }
        phrase = trim(phrase);
        bool prefix = code.n && code.s[code.n - 1] == '~';
        char cb[64];
        size_t cn = 0;
        for (size_t i = 0; i < code.n && cn < 63; i++)
            if (code.s[i] != '~' && !is_space((unsigned char)code.s[i]))
                cb[cn++] = code.s[i];
        cb[cn] = '\0';
        if (GROW(d->agents, d->n_agents, d->cap_agents) < 0)
            return -1;
        ed_agent *ag = &d->agents[d->n_agents];
        ag->prefix = prefix;
        if (str_add(d, cb, cn, &ag->code) < 0)
            return -1;
        uint32_t id = d->n_agents++;
        char pbuf[512];
        join3(pbuf, sizeof pbuf, phrase.s, phrase.n, "", 0, "", 0);
        if (agent_expand(d, pbuf, pp, id, subs, n_subs, 0) < 0)
            return -1;
    }
    return 0;
}

/* ---- discards ---------------------------------------------------------- */

static int read_discards(ed_dict *d, const char *text, size_t len)
{
    lines L = {text, text + len, false, 0};
    view line;
    while (next_line(&L, &line)) {
        view v = trim(strip_comment(line));
        if (!v.n)
            continue;
        uint32_t story = 0;
        if (v.s[0] == '+') {
            story = 1;
            v.s++;
            v.n--;
        }
        view code;
        size_t at;
        if (bracket(v, &code, &at))
            v.n = at;
        uint32_t ids[64];
        size_t n = phrase_words(d, trim(v), ids, 64);
        if (add_phrase(d, ED_DISCARD, ids, n, 0, story) < 0)
            return -1;
    }
    return 0;
}

/* ---- verbs ------------------------------------------------------------- */

typedef struct {
    int mode; /* 0 none, 1 synset, 2 block */
    uint32_t syn;
    bool syn_noplural;
    uint32_t block;
} vstate;

static int synset_item(ed_dict *d, vstate *st, view item)
{
    item = trim(item);
    bool noplural = st->syn_noplural;
    if (item.n && item.s[item.n - 1] == '_') {
        noplural = true;
        item.n--;
    }
    ed_synset *s = &d->syns[st->syn];
    if (item.n && item.s[0] == '&') {
        /* an embedded synset: copy its phrases */
        uint32_t wid = ed_word_find(d, item.s, item.n);
        if (wid == ED_NONE || d->words[wid].synset < 0)
            return 0;
        ed_synset src = d->syns[d->words[wid].synset];
        for (uint32_t k = 0; k < src.n; k++) {
            if (GROW(d->synphr, d->n_synphr, d->cap_synphr) < 0)
                return -1;
            d->synphr[d->n_synphr++] = d->synphr[src.first + k];
            s = &d->syns[st->syn];
            s->n++;
        }
        return 0;
    }
    uint32_t ids[64];
    size_t n = phrase_words(d, item, ids, 64);
    if (!n)
        return 0;
    for (int form = 0; form < 2; form++) {
        if (form == 1) {
            if (noplural)
                break;
            char pl[300];
            plural_of(ed_str(d, d->words[ids[n - 1]].off), pl, sizeof pl);
            if (!pl[0])
                break;
            ids[n - 1] = intern(d, pl, strlen(pl));
            if (ids[n - 1] == ED_NONE)
                return -1;
        }
        if (GROW(d->synphr, d->n_synphr, d->cap_synphr) < 0)
            return -1;
        ed_phrase *p = &d->synphr[d->n_synphr++];
        if (wpool_add(d, ids, n, &p->w) < 0)
            return -1;
        p->w0 = ids[0];
        p->n = (uint16_t)n;
        p->main = 0;
        p->payload = 0;
        d->syns[st->syn].n++;
    }
    return 0;
}

static int open_synset(ed_dict *d, vstate *st, view name)
{
    name = trim(name);
    size_t sp = 0;
    while (sp < name.n && !is_space((unsigned char)name.s[sp]))
        sp++;
    name.n = sp;
    st->syn_noplural = name.n && name.s[name.n - 1] == '_';
    if (GROW(d->syns, d->n_syns, d->cap_syns) < 0)
        return -1;
    d->syns[d->n_syns].first = d->n_synphr;
    d->syns[d->n_syns].n = 0;
    st->syn = d->n_syns++;
    st->mode = 1;
    /* phrases of a synset must be contiguous: new phrases append at the end */
    uint32_t id = intern(d, name.s, name.n);
    if (id == ED_NONE)
        return -1;
    d->words[id].synset = (int32_t)st->syn;
    if (st->syn_noplural) {
        id = intern(d, name.s, name.n - 1);
        if (id == ED_NONE)
            return -1;
        d->words[id].synset = (int32_t)st->syn;
    }
    return 0;
}

static int open_block(ed_dict *d, vstate *st, view v)
{
    view code;
    uint32_t c = 0, c2 = 0;
    if (bracket(v, &code, NULL)) {
        if (parse_codes(d, code, &c, &c2) < 0)
            return -1;
    } else if (str_add(d, "---", 3, &c) < 0) {
        return -1;
    }
    if (GROW(d->blocks, d->n_blocks, d->cap_blocks) < 0)
        return -1;
    ed_block *b = &d->blocks[d->n_blocks];
    b->code = c;
    b->code2 = c2;
    b->pat_first = d->n_pats;
    b->pat_n = 0;
    st->block = d->n_blocks++;
    st->mode = 2;
    return 0;
}

/* One verb form "WIRE_+TAPPED": words, main index. */
static int add_verb_form(ed_dict *d, view form, uint32_t verb)
{
    uint32_t ids[16];
    size_t n = 0;
    uint16_t main = 0;
    size_t i = 0;
    while (i < form.n && n < 16) {
        while (i < form.n && form.s[i] == '_')
            i++;
        size_t s = i;
        while (i < form.n && form.s[i] != '_')
            i++;
        if (i == s)
            continue;
        view w = {form.s + s, i - s};
        if (w.s[0] == '+') {
            main = (uint16_t)n;
            w.s++;
            w.n--;
        }
        if (!w.n)
            continue;
        ids[n] = intern(d, w.s, w.n);
        if (ids[n] == ED_NONE)
            return -1;
        n++;
    }
    return add_phrase(d, ED_VERB, ids, n, main, verb);
}

/* Regular forms of the verb word of "PRE_+VERB_POST" onto out (+ the base). */
static int regular_forms(ed_dict *d, view base, uint32_t verb)
{
    if (add_verb_form(d, base, verb) < 0)
        return -1;
    /* find the verb word */
    size_t ws = 0, we = base.n;
    const char *plus = memchr(base.s, '+', base.n);
    if (plus) {
        ws = (size_t)(plus - base.s) + 1;
        const char *u = memchr(plus, '_', (size_t)(base.s + base.n - plus));
        we = u ? (size_t)(u - base.s) : base.n;
    } else if (memchr(base.s, '_', base.n)) {
        return 0; /* a multi-word phrase without a marked verb */
    }
    if (we <= ws || we - ws > 60)
        return 0;
    char stem[64];
    size_t sl = we - ws;
    for (size_t k = 0; k < sl; k++)
        stem[k] = (char)toupper((unsigned char)base.s[ws + k]);
    stem[sl] = '\0';
    char forms[3][72];
    char last = stem[sl - 1], prev = sl > 1 ? stem[sl - 2] : 'A';
    if (last == 'S' || last == 'X' || last == 'Z' || (last == 'H' && (prev == 'C' || prev == 'S')))
        snprintf(forms[0], 72, "%sES", stem);
    else if (last == 'Y' && !strchr("AEIOU", prev))
        snprintf(forms[0], 72, "%.*sIES", (int)sl - 1, stem);
    else
        snprintf(forms[0], 72, "%sS", stem);
    if (last == 'E')
        snprintf(forms[1], 72, "%sD", stem);
    else if (last == 'Y' && !strchr("AEIOU", prev))
        snprintf(forms[1], 72, "%.*sIED", (int)sl - 1, stem);
    else
        snprintf(forms[1], 72, "%sED", stem);
    if (last == 'E' && sl > 2 && !strchr("AEIOU", prev))
        snprintf(forms[2], 72, "%.*sING", (int)sl - 1, stem);
    else
        snprintf(forms[2], 72, "%sING", stem);
    for (int k = 0; k < 3; k++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s%s%.*s", (int)(plus ? ws - 1 : 0), base.s, forms[k],
                 (int)(base.n - we), base.s + we);
        if (plus) { /* keep the '+' marker before the verb word */
            snprintf(buf, sizeof buf, "%.*s+%s%.*s", (int)(ws - 1), base.s, forms[k],
                     (int)(base.n - we), base.s + we);
        }
        if (add_verb_form(d, (view){buf, strlen(buf)}, verb) < 0)
            return -1;
    }
    return 0;
}

static int verb_line(ed_dict *d, vstate *st, view v)
{
    view code;
    size_t at;
    uint32_t c = d->blocks[st->block].code, c2 = d->blocks[st->block].code2;
    if (bracket(v, &code, &at)) {
        if (parse_codes(d, code, &c, &c2) < 0)
            return -1;
        v.n = at;
    }
    v = trim(v);
    if (GROW(d->verbs, d->n_verbs, d->cap_verbs) < 0)
        return -1;
    ed_verb *vb = &d->verbs[d->n_verbs];
    vb->block = st->block;
    vb->code = c;
    vb->code2 = c2;
    uint32_t id = d->n_verbs++;
    const char *br = memchr(v.s, '{', v.n);
    view base = v;
    if (br)
        base.n = (size_t)(br - v.s);
    base = trim(base);
    size_t sp = 0;
    while (sp < base.n && !is_space((unsigned char)base.s[sp]))
        sp++;
    base.n = sp;
    if (!base.n)
        return 0;
    if (!br)
        return regular_forms(d, base, id);
    if (add_verb_form(d, base, id) < 0)
        return -1;
    const char *ce = memchr(br, '}', (size_t)(v.s + v.n - br));
    view list = {br + 1, ce ? (size_t)(ce - br - 1) : (size_t)(v.s + v.n - br - 1)};
    size_t i = 0;
    while (i < list.n) {
        while (i < list.n && is_space((unsigned char)list.s[i]))
            i++;
        size_t s = i;
        while (i < list.n && !is_space((unsigned char)list.s[i]))
            i++;
        if (i > s && add_verb_form(d, (view){list.s + s, i - s}, id) < 0)
            return -1;
    }
    return 0;
}

typedef struct {
    uint8_t kind, adj, pp;
    uint32_t id;
    bool star;
} pel;

static int pattern_line(ed_dict *d, vstate *st, view v)
{
    view code;
    size_t at;
    if (!bracket(v, &code, &at))
        return 0;
    if (code.n == 0 || strncmp(code.s, "+++", 3) == 0 || strncmp(code.s, "###", 3) == 0)
        return 0;
    view body = {v.s, at};
    pel seq[64];
    int n = 0, star = -1;
    size_t i = 0;
    while (i < body.n && n < 60) {
        while (i < body.n && is_space((unsigned char)body.s[i]))
            i++;
        size_t s = i;
        while (i < body.n && !is_space((unsigned char)body.s[i]))
            i++;
        if (i == s)
            continue;
        /* one space-delimited token: pieces joined by '_' touch */
        bool first = true;
        size_t k = s;
        while (k < i && n < 60) {
            size_t ps = k;
            while (k < i && body.s[k] != '_')
                k++;
            char piece[128];
            size_t pn = 0;
            for (size_t q = ps; q < k && pn < 127; q++)
                if (!(cclass[(unsigned char)body.s[q]] & CC_PDROP))
                    piece[pn++] = body.s[q];
            piece[pn] = '\0';
            bool adj = !first;
            if (k < i)
                k++; /* skip '_' */
            if (!pn)
                continue;
            first = false;
            pel *e = &seq[n];
            e->adj = adj;
            e->pp = ps == s && body.s[s] == '(';
            e->star = false;
            e->id = 0;
            if (strcmp(piece, "*") == 0) {
                e->star = true;
                star = n;
            } else if (strcmp(piece, "$") == 0) {
                e->kind = EP_SRC;
            } else if (strcmp(piece, "+") == 0) {
                e->kind = EP_TGT;
            } else if (strcmp(piece, "%") == 0) {
                e->kind = EP_COMP;
            } else if (strcmp(piece, "^") == 0) {
                e->kind = EP_SKIP;
            } else if (piece[0] == '&') {
                uint32_t w = ed_word_find(d, piece, pn);
                if (w == ED_NONE || d->words[w].synset < 0)
                    return 0; /* undefined synset: the pattern is ignored */
                e->kind = EP_SYN;
                e->id = (uint32_t)d->words[w].synset;
            } else {
                e->kind = EP_WORD;
                e->id = intern(d, piece, pn);
                if (e->id == ED_NONE)
                    return -1;
            }
            n++;
        }
    }
    if (star < 0)
        return 0;
    if (GROW(d->pats, d->n_pats, d->cap_pats) < 0)
        return -1;
    ed_pattern *p = &d->pats[d->n_pats];
    memset(p, 0, sizeof *p);
    if (parse_codes(d, code, &p->code, &p->code2) < 0)
        return -1;
    p->up_first = d->n_elems;
    for (int j = star - 1; j >= 0; j--) {
        if (GROW(d->elems, d->n_elems, d->cap_elems) < 0)
            return -1;
        ed_elem *e = &d->elems[d->n_elems++];
        e->kind = seq[j].kind;
        e->id = seq[j].id;
        e->adj = seq[j + 1].adj; /* touches the element nearer the verb */
        e->pp = seq[j].pp;
        p->nlit += e->kind == EP_WORD || e->kind == EP_SYN;
    }
    p->up_n = d->n_elems - p->up_first;
    p->lo_first = d->n_elems;
    for (int j = star + 1; j < n; j++) {
        if (GROW(d->elems, d->n_elems, d->cap_elems) < 0)
            return -1;
        ed_elem *e = &d->elems[d->n_elems++];
        e->kind = seq[j].kind;
        e->id = seq[j].id;
        e->adj = seq[j].adj;
        e->pp = seq[j].pp;
        p->nlit += e->kind == EP_WORD || e->kind == EP_SYN;
    }
    p->lo_n = d->n_elems - p->lo_first;
    d->n_pats++;
    d->blocks[st->block].pat_n++;
    return 0;
}

static int read_verbs(ed_dict *d, const char *text, size_t len)
{
    lines L = {text, text + len, false, 0};
    view line;
    vstate st = {0, 0, false, 0};
    while (next_line(&L, &line)) {
        view v = trim(strip_comment(line));
        if (!v.n)
            continue;
        if (v.n >= 3 && memcmp(v.s, "---", 3) == 0) {
            if (open_block(d, &st, v) < 0)
                return -1;
        } else if (v.s[0] == '&') {
            if (open_synset(d, &st, v) < 0)
                return -1;
        } else if (v.s[0] == '+' && st.mode == 1) {
            if (synset_item(d, &st, (view){v.s + 1, v.n - 1}) < 0)
                return -1;
        } else if (v.s[0] == '-' && st.mode == 2) {
            if (pattern_line(d, &st, (view){v.s + 1, v.n - 1}) < 0)
                return -1;
        } else if (v.s[0] == '~') {
            continue; /* verb transformations: not used */
        } else if (st.mode == 2) {
            if (verb_line(d, &st, v) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- files and the ini -------------------------------------------------- */

static td_status read_named(const char *dir, const char *name, char **buf, size_t *len,
                            const char **builtin)
{
    *buf = NULL;
    *builtin = NULL;
    if (!dir) {
        char key[512];
        snprintf(key, sizeof key, "events/%s", name);
        *builtin = td_data_builtin(key, len);
        return *builtin ? TD_OK : TD_ENOENT;
    }
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return TD_EUSAGE;
    FILE *f = fopen(path, "rb");
    if (!f)
        return TD_ENOENT;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    if (!b)
        return TD_ENOMEM;
    *buf = b;
    *len = n;
    return TD_OK;
}

typedef int (*reader_fn)(ed_dict *d, const char *text, size_t len);

static td_status load_list(ed_dict *d, const char *dir, view list, reader_fn fn, char **err)
{
    size_t i = 0;
    while (i < list.n) {
        size_t s = i;
        while (i < list.n && list.s[i] != ',')
            i++;
        view name = trim((view){list.s + s, i - s});
        i++;
        if (!name.n)
            continue;
        char nm[512];
        snprintf(nm, sizeof nm, "%.*s", (int)name.n, name.s);
        char *buf;
        const char *bi;
        size_t len = 0;
        td_status st = read_named(dir, nm, &buf, &len, &bi);
        if (st != TD_OK) {
            if (err && asprintf(err, "event dictionary %s/%s: %s", dir ? dir : "(built-in)", nm,
                                td_strerror(st)) < 0)
                *err = NULL;
            return st;
        }
        int r = fn(d, buf ? buf : bi, len);
        free(buf);
        if (r < 0)
            return TD_ENOMEM;
    }
    return TD_OK;
}

/* Sort phrases by first word, longest first, then by position in the
 * files (the order they were added in: their w grows): two stable
 * counting sorts, by length (descending) then by first word. */
static int sort_phrases(const ed_dict *d, ed_phrase *a, uint32_t n)
{
    uint32_t nb = d->n_words > 65 ? d->n_words : 65;
    ed_phrase *tmp = malloc((size_t)n * sizeof *tmp);
    uint32_t *cnt = calloc((size_t)nb + 1, sizeof *cnt);
    if (!tmp || !cnt) {
        free(tmp);
        free(cnt);
        return -1;
    }
    /* by length, descending: key 64 - n (n <= 60) */
    for (uint32_t i = 0; i < n; i++)
        cnt[64 - a[i].n + 1]++;
    for (uint32_t k = 1; k <= 65; k++)
        cnt[k] += cnt[k - 1];
    for (uint32_t i = 0; i < n; i++)
        tmp[cnt[64 - a[i].n]++] = a[i];
    /* by first word */
    memset(cnt, 0, ((size_t)nb + 1) * sizeof *cnt);
    for (uint32_t i = 0; i < n; i++)
        cnt[tmp[i].w0 + 1]++;
    for (uint32_t k = 1; k <= nb; k++)
        cnt[k] += cnt[k - 1];
    for (uint32_t i = 0; i < n; i++)
        a[cnt[tmp[i].w0]++] = tmp[i];
    free(tmp);
    free(cnt);
    return 0;
}

static int cmp_w0(const void *x, const void *y)
{
    const ed_phrase *a = x, *b = y;
    return a->w0 < b->w0 ? -1 : a->w0 > b->w0;
}

static void set_second(const ed_dict *d, ed_phrase *p, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        p[k].w1 = p[k].n >= 2 ? d->wpool[p[k].w + 1] : ED_NONE;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : (a > b);
}

/* by2[k]: each word's multi-word phrases sorted by (second word, index). */
static int index_by2(ed_dict *d, int k)
{
    d->by2[k] = malloc(((size_t)d->n_phr[k] + 1) * sizeof(uint32_t));
    d->by2w1[k] = malloc(((size_t)d->n_phr[k] + 1) * sizeof(uint32_t));
    d->by2w2[k] = malloc(((size_t)d->n_phr[k] + 1) * sizeof(uint32_t));
    uint64_t *key = malloc(((size_t)d->n_phr[k] + 1) * sizeof(uint64_t));
    if (!d->by2[k] || !d->by2w1[k] || !d->by2w2[k] || !key) {
        free(key);
        return -1;
    }
    for (uint32_t i = 0; i < d->n_phr[k]; i++)
        d->by2[k][i] = i;
    for (uint32_t w = 0; w < d->n_words; w++) {
        ed_word *wd = &d->words[w];
        uint32_t n2 = 0, f = wd->first[k];
        while (n2 < wd->n[k] && d->phr[k][f + n2].n >= 2)
            n2++;
        wd->n2[k] = n2;
        if (n2 < 2)
            continue;
        for (uint32_t j = 0; j < n2; j++)
            key[j] = (uint64_t)d->phr[k][f + j].w1 << 32 | (f + j);
        qsort(key, n2, sizeof *key, cmp_u64);
        for (uint32_t j = 0; j < n2; j++)
            d->by2[k][f + j] = (uint32_t)key[j];
    }
    for (uint32_t i = 0; i < d->n_phr[k]; i++) {
        const ed_phrase *p = &d->phr[k][d->by2[k][i]];
        d->by2w1[k][i] = p->w1;
        d->by2w2[k][i] = p->n >= 3 ? d->wpool[p->w + 2] : ED_NONE;
    }
    free(key);
    return 0;
}

static int index_phrases(ed_dict *d)
{
    set_second(d, d->synphr, d->n_synphr);
    for (int k = 0; k < ED_KINDS; k++)
        set_second(d, d->phr[k], d->n_phr[k]);
    for (uint32_t k = 0; k < d->n_syns; k++) {
        ed_synset *sy = &d->syns[k];
        if (sy->n > 1)
            qsort(d->synphr + sy->first, sy->n, sizeof(ed_phrase), cmp_w0);
        sy->maxlen = 0;
        for (uint32_t j = 0; j < sy->n; j++)
            if (d->synphr[sy->first + j].n > sy->maxlen)
                sy->maxlen = d->synphr[sy->first + j].n;
    }
    for (int k = 0; k < ED_KINDS; k++) {
        if (d->n_phr[k] > 1 && sort_phrases(d, d->phr[k], d->n_phr[k]) < 0)
            return -1;
        for (uint32_t i = 0; i < d->n_phr[k];) {
            uint32_t w = d->wpool[d->phr[k][i].w], j = i;
            while (j < d->n_phr[k] && d->wpool[d->phr[k][j].w] == w)
                j++;
            d->words[w].first[k] = i;
            d->words[w].n[k] = j - i;
            i = j;
        }
        if (index_by2(d, k) < 0)
            return -1;
    }
    return 0;
}

/* Move a table of *cap entries of sz bytes (n used, a megabyte or more)
 * to huge pages where the system has them: coding reads its entries at
 * random, and each small page would cost a TLB miss. Left as it is when
 * that fails. */
static void to_huge_pages(void **p, uint32_t n, uint32_t *cap, size_t sz)
{
#ifdef MADV_HUGEPAGE
    const size_t huge = (size_t)2 << 20;
    size_t size = ((size_t)n * sz + huge - 1) / huge * huge;
    if ((size_t)n * sz < huge / 2)
        return;
    void *q = aligned_alloc(huge, size);
    if (!q)
        return;
    (void)madvise(q, size, MADV_HUGEPAGE); /* a hint: failure is harmless */
    memcpy(q, *p, (size_t)n * sz);
    free(*p);
    *p = q;
    *cap = (uint32_t)(size / sz);
#else
    (void)p;
    (void)n;
    (void)cap;
    (void)sz;
#endif
}

/* Does a "verbs" list name the Phoenix/CAMEO 2.0 verb file? */
static bool names_cameo2(view list)
{
    static const char name[] = "CAMEO.2.0.txt";
    const size_t n = sizeof name - 1;
    for (size_t i = 0; i + n <= list.n; i++)
        if (memcmp(list.s + i, name, n) == 0 && (i == 0 || list.s[i - 1] == ',' ||
                                                 is_space((unsigned char)list.s[i - 1])))
            return true;
    return false;
}

/* Our own CAMEO 2.0 verb patterns (data/lex/events_verbs.tsv, compiled in),
 * read after CAMEO.2.0.txt with the same parser; see that file's header. */
static td_status load_extension(ed_dict *d)
{
    size_t len = 0;
    const char *text = td_data_builtin("events_verbs.tsv", &len);
    if (!text)
        return TD_OK;
    return read_verbs(d, text, len) < 0 ? TD_ENOMEM : TD_OK;
}

td_status ed_dict_load(const char *dir, ed_dict **out, char **err)
{
    *out = NULL;
    ed_dict *d = calloc(1, sizeof *d);
    if (!d)
        return TD_ENOMEM;
    uint32_t zero;
    if (str_add(d, "", 0, &zero) < 0) {
        ed_dict_free(d);
        return TD_ENOMEM;
    }
    char *ini;
    const char *ini_bi;
    size_t ini_len = 0;
    td_status st = read_named(dir, "dictionaries.ini", &ini, &ini_len, &ini_bi);
    if (st != TD_OK) {
        if (err && asprintf(err, "event dictionaries %s: no dictionaries.ini",
                            dir ? dir : "(built-in)") < 0)
            *err = NULL;
        ed_dict_free(d);
        return st;
    }
    const char *text = ini ? ini : ini_bi;
    static const char *const keys[] = {"verbs", "actors", "agents", "discards"};
    const reader_fn fns[] = {read_verbs, read_actors, read_agents, read_discards};
    for (int k = 0; k < 4 && st == TD_OK; k++) {
        lines L = {text, text + ini_len, false, 0};
        view line;
        while (next_line(&L, &line) && st == TD_OK) {
            view v = trim(strip_comment(line));
            const char *eq = memchr(v.s, '=', v.n);
            if (!eq)
                continue;
            view key = trim((view){v.s, (size_t)(eq - v.s)});
            if (key.n != strlen(keys[k]) || memcmp(key.s, keys[k], key.n) != 0)
                continue;
            view list = {eq + 1, (size_t)(v.s + v.n - eq - 1)};
            st = load_list(d, dir, list, fns[k], err);
            if (st == TD_OK && k == 0 && names_cameo2(list))
                st = load_extension(d);
        }
    }
    free(ini);
    if (st != TD_OK) {
        ed_dict_free(d);
        return st;
    }
    if (index_phrases(d) < 0) {
        ed_dict_free(d);
        return TD_ENOMEM;
    }
    to_huge_pages((void **)&d->words, d->n_words, &d->cap_words, sizeof *d->words);
    *out = d;
    return TD_OK;
}

td_status ed_dict_compact(ed_dict *d, char **err)
{
    if (d->n_words > ED_MAX_WORDS) {
        if (err && asprintf(err, "event dictionaries: over %u words", ED_MAX_WORDS) < 0)
            *err = NULL;
        return TD_EFORMAT;
    }
    size_t n = d->n_words ? d->n_words : 1, size = (n * sizeof(ed_wph) + 63) / 64 * 64;
    ed_wph *wph = aligned_alloc(64, size); /* an entry never crosses a line */
    if (!wph)
        return TD_ENOMEM;
    for (uint32_t i = 0; i < d->n_words; i++) {
        const ed_word *w = &d->words[i];
        for (int k = 0; k < ED_KINDS; k++) {
            if (w->n[k] > UINT16_MAX) {
                if (err && asprintf(err, "event dictionaries: over 65535 phrases start with %s",
                                    ed_str(d, w->off)) < 0)
                    *err = NULL;
                free(wph);
                return TD_EFORMAT;
            }
            wph[i].first[k] = w->first[k];
            wph[i].n[k] = (uint16_t)w->n[k];
            wph[i].n2[k] = (uint16_t)w->n2[k];
        }
    }
    free(d->wph);
    d->wph = wph;
    for (int k = 0; k < ED_KINDS; k++) {
        free(d->second[k]);
        d->second[k] = calloc(((size_t)d->n_words + 63) / 64 + 1, sizeof(uint64_t));
        if (!d->second[k])
            return TD_ENOMEM;
        for (uint32_t i = 0; i < d->n_phr[k]; i++) {
            uint32_t w1 = d->phr[k][i].w1;
            if (w1 != ED_NONE)
                d->second[k][w1 >> 6] |= 1ull << (w1 & 63);
        }
    }
    return TD_OK;
}

void ed_dict_free(ed_dict *d)
{
    if (!d)
        return;
    free(d->wph);
    for (int k = 0; k < ED_KINDS; k++)
        free(d->second[k]);
    free(d->strpool);
    free(d->words);
    free(d->slots);
    free(d->wpool);
    for (int k = 0; k < ED_KINDS; k++) {
        free(d->phr[k]);
        free(d->by2[k]);
        free(d->by2w1[k]);
        free(d->by2w2[k]);
    }
    free(d->actors);
    free(d->codes);
    free(d->agents);
    free(d->verbs);
    free(d->blocks);
    free(d->pats);
    free(d->elems);
    free(d->syns);
    free(d->synphr);
    free(d);
}
