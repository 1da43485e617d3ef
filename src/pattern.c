/*
 * pattern.c - rules as data, run by PCRE2 (JIT); see pattern.h.
 *
 * Each rule is compiled anchored (tried where a match may start) and all
 * rules once more as one unanchored union (finds where to try). Match data
 * is allocated from the caller's arena through a PCRE2 general context, so
 * nothing here is per-process mutable once compiled.
 */
#define _GNU_SOURCE 1
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pattern.h"

#include "buf.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct macro {
    char *name, *regex; /* regex already expanded */
} macro;

typedef struct rule {
    char *src;
    pcre2_code *code;
    bool jit; /* JIT-compiled: matched with pcre2_jit_match (no checks) */
    uint32_t minlen; /* no match is shorter (PCRE2_INFO_MINLENGTH) */
    uint8_t first[32]; /* bytes a match may start with */
    /* a necessary condition, when lit: byte lit at p + k for some bit k
     * of lit_at (see fixed_lit) */
    char lit;
    uint32_t lit_at;
} rule;

struct td_pattern_set {
    macro *macros;
    size_t nm, capm;
    rule *rules;
    size_t nr, capr;
    pcre2_code *uni;
    bool no_union;   /* td_pattern_set_no_union */
    bool no_partial; /* td_pattern_set_no_partial */
    uint32_t max_pairs;
    /* byte c -> the rules (< TD_PATTERN_MASK_BITS) whose first bytes allow c */
    td_pattern_mask byfirst[256];
};

struct td_pattern_state {
    const td_pattern_set *ps;
    pcre2_general_context *gc;
    pcre2_match_data *md[2]; /* [0]: the best match so far, [1]: a try */
    pcre2_match_data *md_uni; /* for the union: where a match starts */
    const pcre2_code *code;  /* code of the last match (md[0]) */
    int rc;
};

#define WRAP_HEAD "(?<![A-Za-z0-9_])(?:"
#define WRAP_TAIL ")(?![A-Za-z0-9_])"

td_status td_pattern_set_new(td_pattern_set **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? TD_OK : TD_ENOMEM;
}

void td_pattern_set_free(td_pattern_set *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; i < ps->nm; i++) {
        free(ps->macros[i].name);
        free(ps->macros[i].regex);
    }
    for (size_t i = 0; i < ps->nr; i++) {
        free(ps->rules[i].src);
        pcre2_code_free(ps->rules[i].code);
    }
    pcre2_code_free(ps->uni);
    free(ps->macros);
    free(ps->rules);
    free(ps);
}

size_t td_pattern_count(const td_pattern_set *ps) { return ps->nr; }

void td_pattern_set_no_union(td_pattern_set *ps) { ps->no_union = true; }

void td_pattern_set_no_partial(td_pattern_set *ps) { ps->no_partial = true; }

void td_pattern_engine_version(char *buf, size_t n)
{
    char v[64] = "";
    if (pcre2_config(PCRE2_CONFIG_VERSION, v) < 0)
        v[0] = 0;
    snprintf(buf, n, "pcre2 %s", v);
}

static const macro *find_macro(const td_pattern_set *ps, const char *name, size_t len)
{
    for (size_t i = ps->nm; i-- > 0;)
        if (strlen(ps->macros[i].name) == len && memcmp(ps->macros[i].name, name, len) == 0)
            return &ps->macros[i];
    return NULL;
}

/* Expand %NAME% macros and spaces of src into a malloc'd string. */
static td_status expand(const td_pattern_set *ps, const char *src, char **out, char **err)
{
    td_buf b;
    td_buf_init(&b, 0);
    int in_class = 0;
    td_status st = TD_OK;
    for (const char *p = src; *p && st == TD_OK; p++) {
        if (*p == '\\' && p[1]) {
            st = td_buf_append(&b, p, 2);
            p++;
        } else if (*p == '[' && !in_class) {
            in_class = 1;
            st = td_buf_append(&b, p, 1);
        } else if (*p == ']' && in_class) {
            in_class = 0;
            st = td_buf_append(&b, p, 1);
        } else if (*p == ' ' && !in_class) {
            while (p[1] == ' ')
                p++;
            st = td_buf_append(&b, " +", 2);
        } else if (*p == '%' && !in_class && strchr(p + 1, '%')) {
            const char *q = strchr(p + 1, '%');
            const macro *m = find_macro(ps, p + 1, (size_t)(q - p - 1));
            if (!m) {
                if (err && asprintf(err, "pattern: unknown macro %%%.*s%%", (int)(q - p - 1),
                                    p + 1) < 0)
                    *err = NULL;
                st = TD_EFORMAT;
                break;
            }
            st = td_buf_append(&b, m->regex, strlen(m->regex));
            p = q;
        } else {
            st = td_buf_append(&b, p, 1);
        }
    }
    if (st == TD_OK)
        st = td_buf_append(&b, "", 1);
    if (st != TD_OK) {
        td_buf_release(&b);
        return st;
    }
    *out = b.ptr;
    return TD_OK;
}

td_status td_pattern_expand(const td_pattern_set *ps, const char *regex, char **out)
{
    return expand(ps, regex, out, NULL);
}

td_status td_pattern_define(td_pattern_set *ps, const char *name, const char *regex)
{
    char *x;
    td_status st = expand(ps, regex, &x, NULL);
    if (st != TD_OK)
        return st;
    if (ps->nm == ps->capm) {
        size_t cap = ps->capm ? ps->capm * 2 : 16;
        macro *m = realloc(ps->macros, cap * sizeof *m);
        if (!m) {
            free(x);
            return TD_ENOMEM;
        }
        ps->macros = m;
        ps->capm = cap;
    }
    ps->macros[ps->nm].name = strdup(name);
    ps->macros[ps->nm].regex = x;
    if (!ps->macros[ps->nm].name) {
        free(x);
        return TD_ENOMEM;
    }
    ps->nm++;
    return TD_OK;
}

/* ---- word lists as tries ------------------------------------------------ */

typedef struct tnode {
    unsigned char c;
    bool term;
    int child, next; /* first child, next sibling (-1: none) */
} tnode;

typedef struct trie {
    tnode *n;
    size_t len, cap;
} trie;

static int trie_node(trie *t, unsigned char c)
{
    if (t->len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        tnode *nn = realloc(t->n, cap * sizeof *nn);
        if (!nn)
            return -1;
        t->n = nn;
        t->cap = cap;
    }
    t->n[t->len] = (tnode){c, false, -1, -1};
    return (int)t->len++;
}

/* Insert w (lower-cased); children kept in byte order. Nodes are found by
 * index, never by pointer: adding a node may move the array. */
static td_status trie_add(trie *t, const char *w)
{
    int cur = 0;
    for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
        unsigned char c = (*p >= 'A' && *p <= 'Z') ? (unsigned char)(*p + 32) : *p;
        int prev = -1, k = t->n[cur].child;
        while (k >= 0 && t->n[k].c < c) {
            prev = k;
            k = t->n[k].next;
        }
        if (k >= 0 && t->n[k].c == c) {
            cur = k;
            continue;
        }
        int nn = trie_node(t, c);
        if (nn < 0)
            return TD_ENOMEM;
        t->n[nn].next = k;
        if (prev < 0)
            t->n[cur].child = nn;
        else
            t->n[prev].next = nn;
        cur = nn;
    }
    t->n[cur].term = true;
    return TD_OK;
}

static td_status put_lit(td_buf *b, unsigned char c)
{
    if (strchr(".^$*+?()[]{}|\\/#", c) && c)
        td_buf_putc(b, '\\');
    return td_buf_putc(b, (char)c);
}

/* Emit the subtree below node i: (?:a...|b...|) with the empty branch last
 * when a word ends here, so longer words are tried first. */
static td_status trie_emit(const trie *t, int i, td_buf *b)
{
    const tnode *nd = &t->n[i];
    if (nd->child < 0)
        return TD_OK;
    bool single = t->n[nd->child].next < 0 && !nd->term;
    td_status st = single ? TD_OK : td_buf_puts(b, "(?:");
    for (int k = nd->child; k >= 0 && st == TD_OK; k = t->n[k].next) {
        if (k != nd->child)
            st = td_buf_putc(b, '|');
        if (st == TD_OK)
            st = put_lit(b, t->n[k].c);
        if (st == TD_OK)
            st = trie_emit(t, k, b);
    }
    if (st == TD_OK && !single)
        st = td_buf_puts(b, nd->term ? "|)" : ")");
    return st;
}

td_status td_pattern_define_words(td_pattern_set *ps, const char *name, const char *const *words,
                                  const bool *cs, size_t n)
{
    trie t = {0};
    td_buf b;
    td_buf_init(&b, 0);
    td_status st = trie_node(&t, 0) < 0 ? TD_ENOMEM : td_buf_puts(&b, "(?:");
    bool any = false;
    for (size_t i = 0; i < n && st == TD_OK; i++) {
        if (!cs[i]) {
            st = trie_add(&t, words[i]);
            continue;
        }
        st = td_buf_puts(&b, any ? "|(?-i:" : "(?-i:");
        for (const char *k = words[i]; *k && st == TD_OK; k++)
            st = put_lit(&b, (unsigned char)*k);
        if (st == TD_OK)
            st = td_buf_putc(&b, ')');
        any = true;
    }
    if (st == TD_OK && t.n[0].child >= 0) {
        if (any)
            st = td_buf_putc(&b, '|');
        if (st == TD_OK)
            st = td_buf_puts(&b, "(?:");
        if (st == TD_OK)
            st = trie_emit(&t, 0, &b);
        if (st == TD_OK)
            st = td_buf_putc(&b, ')');
    }
    if (st == TD_OK)
        st = td_buf_puts(&b, ")");
    if (st == TD_OK)
        st = td_pattern_define(ps, name, b.ptr);
    td_buf_release(&b);
    free(t.n);
    return st;
}

td_status td_pattern_add(td_pattern_set *ps, const char *regex, int *id)
{
    if (ps->nr == ps->capr) {
        size_t cap = ps->capr ? ps->capr * 2 : 32;
        rule *r = realloc(ps->rules, cap * sizeof *r);
        if (!r)
            return TD_ENOMEM;
        ps->rules = r;
        ps->capr = cap;
    }
    rule *r = &ps->rules[ps->nr];
    memset(r, 0, sizeof *r);
    r->src = strdup(regex);
    if (!r->src)
        return TD_ENOMEM;
    if (id)
        *id = (int)ps->nr;
    ps->nr++;
    return TD_OK;
}

static td_status compile_one(const char *re, uint32_t opts, bool partial, pcre2_code **out,
                             const char *what, char **err, bool *jit)
{
    int ec;
    PCRE2_SIZE eo;
    *out = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                         opts | PCRE2_CASELESS | PCRE2_DUPNAMES, &ec, &eo, NULL);
    if (!*out) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        if (err && asprintf(err, "pattern %s: %s at offset %zu", what, (char *)msg,
                            (size_t)eo) < 0)
            *err = NULL;
        return TD_EFORMAT;
    }
    /* without JIT it still works; anchored rules are also matched partly
     * at set-up (td_pattern_may_follow) */
    uint32_t modes = PCRE2_JIT_COMPLETE | (partial ? PCRE2_JIT_PARTIAL_HARD : 0);
    int jrc = pcre2_jit_compile(*out, modes);
    if (jit)
        *jit = jrc == 0;
    return TD_OK;
}

static bool has_bit(const uint8_t *bm, unsigned char c) { return bm[c >> 3] & (1u << (c & 7)); }
static void set_bit(uint8_t *bm, unsigned c) { bm[c >> 3] |= (uint8_t)(1u << (c & 7)); }

/* Which bytes can start a match of r (all of them when PCRE2 cannot say). */
static void first_bytes(rule *r)
{
    uint32_t type = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &type);
    if (type == 1) {
        uint32_t cu = 0;
        pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODEUNIT, &cu);
        set_bit(r->first, cu & 0xff);
        if ((cu >= 'a' && cu <= 'z') || (cu >= 'A' && cu <= 'Z'))
            set_bit(r->first, (cu ^ 0x20) & 0xff);
        return;
    }
    const uint8_t *bm = NULL;
    if (type == 0 && pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTBITMAP, &bm) == 0 && bm) {
        memcpy(r->first, bm, 32);
        return;
    }
    memset(r->first, 0xff, 32);
}

/* ---- a literal at a fixed offset ------------------------------------- */

/* Widths as a bit set (bit k: k bytes) of sequence x[0, n), which holds
 * literals, \d \w \s, escaped punctuation, [classes] and groups (?:...)
 * (?<name>...) of such alternatives, each maybe followed by ?; 0: any
 * other syntax, or a width past 31 (no condition then). */
static uint32_t seq_widths(const char *x, size_t n);

/* The end of the atom at x[0, n), or 0 when it is not one seq_widths takes;
 * *w: its widths. */
static size_t atom(const char *x, size_t n, uint32_t *w)
{
    size_t i = 0;
    if (x[0] == '\\') {
        if (n < 2 || !(x[1] == 'd' || x[1] == 'w' || x[1] == 's' || ispunct((unsigned char)x[1])))
            return 0;
        i = 2;
        *w = 2;
    } else if (x[0] == '[') {
        i = 1;
        if (i < n && x[i] == '^')
            i++;
        if (i < n && x[i] == ']')
            i++;
        while (i < n && x[i] != ']')
            i += x[i] == '\\' ? 2 : 1;
        if (i >= n)
            return 0;
        i++;
        *w = 2;
    } else if (x[0] == '(') {
        size_t b = 1;
        if (n > 2 && x[1] == '?' && x[2] == ':')
            b = 3;
        else if (n > 3 && x[1] == '?' && x[2] == '<' && isalpha((unsigned char)x[3])) {
            b = 3;
            while (b < n && x[b] != '>')
                b++;
            b++;
        } else
            return 0;
        /* the alternatives of the group up to its ')' */
        int depth = 0;
        size_t a = b;
        *w = 0;
        for (i = b; i < n; i++) {
            if (x[i] == '\\') {
                i++;
            } else if (x[i] == '[') {
                uint32_t cw;
                size_t k = atom(x + i, n - i, &cw);
                if (!k)
                    return 0;
                i += k - 1;
            } else if (x[i] == '(') {
                depth++;
            } else if (x[i] == ')' && depth) {
                depth--;
            } else if ((x[i] == '|' || x[i] == ')') && !depth) {
                uint32_t aw = seq_widths(x + a, i - a);
                if (!aw)
                    return 0;
                *w |= aw;
                a = i + 1;
                if (x[i] == ')')
                    break;
            }
        }
        if (i >= n)
            return 0;
        i++;
    } else if (strchr("|)*+?{.^$", x[0])) {
        return 0;
    } else {
        i = 1;
        *w = 2;
    }
    if (i < n && x[i] == '?') {
        if (i + 1 < n && (x[i + 1] == '?' || x[i + 1] == '+'))
            return 0;
        *w |= 1;
        i++;
    }
    if (i < n && strchr("*+{", x[i]))
        return 0;
    return i;
}

static uint32_t seq_widths(const char *x, size_t n)
{
    uint32_t w = 1; /* the empty sequence: 0 bytes */
    for (size_t i = 0; i < n;) {
        uint32_t aw;
        uint64_t nw = 0;
        size_t k = atom(x + i, n - i, &aw);
        if (!k)
            return 0;
        for (uint32_t b = w; b; b &= b - 1)
            nw |= (uint64_t)aw << __builtin_ctz(b);
        if (nw >> 32)
            return 0;
        w = (uint32_t)nw;
        i += k;
    }
    return w;
}

/* A byte every match of expanded regex x holds at a fixed offset from its
 * start ("/" of 1/2/2024 at offset 1 or 2): a leading sequence of
 * atoms of known widths (seq_widths) then a punctuation literal. No
 * condition (lit 0) for anything else, or with | outside groups. */
static void fixed_lit(rule *r, const char *x)
{
    r->lit = 0;
    size_t n = strlen(x), i = 0;
    int depth = 0, cls = 0;
    for (size_t j = 0; j < n; j++) { /* no alternation at the top */
        if (x[j] == '\\')
            j++;
        else if (cls)
            cls = x[j] != ']';
        else if (x[j] == '[' && (cls = 1) && j + 1 < n && x[j + 1] == ']')
            j++; /* []...]: the first ] is a member */
        else if (x[j] == '(')
            depth++;
        else if (x[j] == ')')
            depth--;
        else if (x[j] == '|' && !depth)
            return;
    }
    uint32_t w = 1;
    while (i < n) {
        char c = x[i];
        if (ispunct((unsigned char)c) && !strchr("\\[(|)*+?{.^$", c) &&
            !(i + 1 < n && strchr("?*+{", x[i + 1]))) {
            if (w >> 16)
                return; /* past the 16 bytes of lit_at checks */
            r->lit = c;
            r->lit_at = w;
            return;
        }
        uint32_t aw;
        uint64_t nw = 0;
        size_t k = atom(x + i, n - i, &aw);
        if (!k)
            return;
        for (uint32_t b = w; b; b &= b - 1)
            nw |= (uint64_t)aw << __builtin_ctz(b);
        if (nw >> 16)
            return;
        w = (uint32_t)nw;
        i += k;
    }
}

/* byfirst[c]: the rules that may start with byte c, so that a try at a
 * position visits only those (see try_rule). */
static void index_first(td_pattern_set *ps)
{
    memset(ps->byfirst, 0, sizeof ps->byfirst);
    for (size_t i = 0; i < ps->nr && i < TD_PATTERN_MASK_BITS; i++)
        for (unsigned c = 0; c < 256; c++)
            if (has_bit(ps->rules[i].first, (unsigned char)c))
                ps->byfirst[c].w[i / 64] |= 1ull << (i % 64);
}

td_status td_pattern_compile(td_pattern_set *ps, char **err)
{
    td_buf uni;
    td_buf_init(&uni, 0);
    td_status st = TD_OK;
    for (size_t i = 0; i < ps->nr && st == TD_OK; i++) {
        char *x, *w;
        st = expand(ps, ps->rules[i].src, &x, err);
        if (st != TD_OK)
            break;
        if (asprintf(&w, "%s%s%s", WRAP_HEAD, x, WRAP_TAIL) < 0) {
            free(x);
            st = TD_ENOMEM;
            break;
        }
        fixed_lit(&ps->rules[i], x);
        free(x);
        char what[32];
        snprintf(what, sizeof what, "rule %zu", i + 1);
        st = compile_one(w, PCRE2_ANCHORED, !ps->no_partial, &ps->rules[i].code, what, err,
                         &ps->rules[i].jit);
        if (st == TD_OK) {
            uint32_t cap = 0;
            pcre2_pattern_info(ps->rules[i].code, PCRE2_INFO_CAPTURECOUNT, &cap);
            if (cap + 1 > ps->max_pairs)
                ps->max_pairs = cap + 1;
            first_bytes(&ps->rules[i]);
            pcre2_pattern_info(ps->rules[i].code, PCRE2_INFO_MINLENGTH, &ps->rules[i].minlen);
            if (i && !ps->no_union)
                st = td_buf_append(&uni, "|", 1);
            if (st == TD_OK && !ps->no_union)
                st = td_buf_append(&uni, w, strlen(w));
        }
        free(w);
    }
    if (st == TD_OK)
        index_first(ps);
    if (st == TD_OK)
        st = td_buf_append(&uni, "", 1);
    if (st == TD_OK && ps->nr && !ps->no_union)
        st = compile_one(uni.ptr, 0, false, &ps->uni, "union", err, NULL);
    td_buf_release(&uni);
    return st;
}

static void *ar_malloc(PCRE2_SIZE n, void *data) { return td_arena_alloc(data, n); }
static void ar_free(void *p, void *data)
{
    (void)p;
    (void)data;
}

td_status td_pattern_state_new(const td_pattern_set *ps, td_arena *a, td_pattern_state **out)
{
    td_pattern_state *st = td_arena_calloc(a, sizeof *st);
    if (!st)
        return TD_ENOMEM;
    st->ps = ps;
    st->gc = pcre2_general_context_create(ar_malloc, ar_free, a);
    if (!st->gc)
        return TD_ENOMEM;
    uint32_t pairs = ps->max_pairs ? ps->max_pairs : 1;
    st->md[0] = pcre2_match_data_create(pairs, st->gc);
    st->md[1] = pcre2_match_data_create(pairs, st->gc);
    st->md_uni = pcre2_match_data_create(1, st->gc);
    if (!st->md[0] || !st->md[1] || !st->md_uni)
        return TD_ENOMEM;
    *out = st;
    return TD_OK;
}


bool td_pattern_match_at(td_pattern_state *st, int rid, const char *subj, size_t len, size_t at,
                         td_pattern_match *m)
{
    const rule *r = &st->ps->rules[rid];
    int rc = pcre2_match(r->code, (PCRE2_SPTR)subj, len, at, 0, st->md[0], NULL);
    if (rc <= 0)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md[0]);
    if (ov[1] <= ov[0])
        return false;
    st->code = r->code;
    st->rc = rc;
    m->rule = rid;
    m->s = ov[0];
    m->e = ov[1];
    return true;
}

td_status td_pattern_may_start(const td_pattern_set *ps, const char *word, td_pattern_mask *mask)
{
    memset(mask, 0, sizeof *mask);
    pcre2_match_data *md = pcre2_match_data_create(ps->max_pairs ? ps->max_pairs : 1, NULL);
    if (!md)
        return TD_ENOMEM;
    size_t n = strlen(word);
    for (size_t i = 0; i < ps->nr && i < TD_PATTERN_MASK_BITS; i++) {
        /* a match, even a partial one, begins with word[0] */
        if (n && !has_bit(ps->rules[i].first, (unsigned char)word[0]))
            continue;
        int rc = pcre2_match(ps->rules[i].code, (PCRE2_SPTR)word, n, 0, PCRE2_PARTIAL_HARD, md,
                             NULL);
        if (rc > 0 || rc == PCRE2_ERROR_PARTIAL)
            mask->w[i / 64] |= 1ull << (i % 64);
    }
    pcre2_match_data_free(md);
    return TD_OK;
}

/* Does rule r match subj[0, n), at least partly? 1 fully, 2 partly, 0 no. */
static int partial(const rule *r, const char *subj, size_t n, pcre2_match_data *md)
{
    int rc = pcre2_match(r->code, (PCRE2_SPTR)subj, n, 0, PCRE2_PARTIAL_HARD, md, NULL);
    return rc > 0 ? 1 : rc == PCRE2_ERROR_PARTIAL ? 2 : 0;
}

td_status td_pattern_may_follow(const td_pattern_set *ps, const char *word,
                                const td_pattern_mask *mask, td_pattern_mask next[128])
{
    memset(next, 0, 128 * sizeof *next);
    size_t n = strlen(word);
    char *subj = malloc(n + 2);
    pcre2_match_data *md = pcre2_match_data_create(ps->max_pairs ? ps->max_pairs : 1, NULL);
    if (!subj || !md) {
        free(subj);
        pcre2_match_data_free(md);
        return TD_ENOMEM;
    }
    memcpy(subj, word, n);
    subj[n] = ' ';
    for (size_t i = 0; i < ps->nr && i < TD_PATTERN_MASK_BITS; i++) {
        uint64_t bit = 1ull << (i % 64);
        if (!(mask->w[i / 64] & bit))
            continue;
        /* no match at all: no byte; a whole one (it ends at the space): any;
         * the bytes up to the space are not narrowed (see pattern.h) */
        int k = partial(&ps->rules[i], subj, n + 1, md);
        for (unsigned c = 0; c < 128 && k; c++) {
            subj[n + 1] = (char)c;
            if (k == 1 || c <= ' ' || partial(&ps->rules[i], subj, n + 2, md))
                next[c].w[i / 64] |= bit;
        }
    }
    free(subj);
    pcre2_match_data_free(md);
    return TD_OK;
}

bool td_pattern_longest_at(td_pattern_state *st, const char *subj, size_t len, size_t p,
                           td_pattern_match *m)
{
    return td_pattern_longest_in(st, NULL, subj, len, p, m);
}

/* Try rule i anchored at p; keep it in md[0] when it is longer than *best_e. */
static void try_rule(td_pattern_state *st, size_t i, const char *subj, size_t len, size_t p,
                     size_t *best_e, int *best)
{
    const rule *r = &st->ps->rules[i];
    if (len - p < r->minlen)
        return; /* what PCRE2 finds too, after the cost of a call */
    if (r->lit) { /* its byte at a fixed offset (fixed_lit) */
        uint32_t ok = 0;
        for (uint32_t b = r->lit_at; b; b &= b - 1) {
            size_t k = p + (size_t)__builtin_ctz(b);
            ok |= k < len && subj[k] == r->lit;
        }
        if (!ok)
            return;
    }
    int rc = r->jit ? pcre2_jit_match(r->code, (PCRE2_SPTR)subj, len, p, 0, st->md[1], NULL)
                    : pcre2_match(r->code, (PCRE2_SPTR)subj, len, p, 0, st->md[1], NULL);
    if (rc <= 0)
        return;
    size_t e = pcre2_get_ovector_pointer(st->md[1])[1];
    if (e > *best_e) {
        *best_e = e;
        *best = (int)i;
        pcre2_match_data *t = st->md[0];
        st->md[0] = st->md[1];
        st->md[1] = t;
        st->code = r->code;
        st->rc = rc;
    }
}

bool td_pattern_longest_in(td_pattern_state *st, const td_pattern_mask *mask, const char *subj,
                           size_t len, size_t p, td_pattern_match *m)
{
    const td_pattern_set *ps = st->ps;
    size_t best_e = p;
    int best = -1;
    if (p >= len)
        return false;
    unsigned char c = (unsigned char)subj[p];
    /* the rules in mask whose first byte fits, in rule order */
    for (size_t w = 0; w < TD_PATTERN_MASK_BITS / 64; w++) {
        uint64_t bits = ps->byfirst[c].w[w] & (mask ? mask->w[w] : ~0ull);
        while (bits) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            if (i < ps->nr)
                try_rule(st, i, subj, len, p, &best_e, &best);
        }
    }
    for (size_t i = TD_PATTERN_MASK_BITS; i < ps->nr; i++)
        if (has_bit(ps->rules[i].first, c))
            try_rule(st, i, subj, len, p, &best_e, &best);
    if (best < 0)
        return false;
    m->rule = best;
    m->s = p;
    m->e = best_e;
    return true;
}

bool td_pattern_next(td_pattern_state *st, const char *subj, size_t len, size_t from,
                     td_pattern_match *m)
{
    const td_pattern_set *ps = st->ps;
    if (!ps->uni)
        return false;
    while (from < len) {
        /* the union's ovector holds the whole match only: rc 0 is a match */
        int rc = pcre2_match(ps->uni, (PCRE2_SPTR)subj, len, from, 0, st->md_uni, NULL);
        if (rc < 0)
            return false;
        size_t p = pcre2_get_ovector_pointer(st->md_uni)[0];
        if (td_pattern_longest_at(st, subj, len, p, m))
            return true;
        from = p + 1;
    }
    return false;
}

int td_pattern_group_numbers(const td_pattern_set *ps, int rid, const char *name, int *nums,
                             int max)
{
    int k = 0;
    for (int i = 0; i < max; i++)
        nums[i] = 0;
    if (rid < 0 || (size_t)rid >= ps->nr || !ps->rules[rid].code)
        return 0;
    PCRE2_SPTR first, last;
    int size = pcre2_substring_nametable_scan(ps->rules[rid].code, (PCRE2_SPTR)name, &first,
                                              &last);
    for (PCRE2_SPTR ent = first; size > 0 && ent <= last && k < max; ent += size)
        nums[k++] = (ent[0] << 8) | ent[1];
    return k;
}

bool td_pattern_group_at(const td_pattern_state *st, int n, size_t *s, size_t *e)
{
    if (!st->code || n <= 0 || n >= st->rc)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md[0]);
    if (ov[2 * n] == PCRE2_UNSET)
        return false;
    *s = ov[2 * n];
    *e = ov[2 * n + 1];
    return true;
}

const size_t *td_pattern_offsets(const td_pattern_state *st, int *count)
{
    _Static_assert(sizeof(PCRE2_SIZE) == sizeof(size_t) && PCRE2_UNSET == TD_PATTERN_UNSET,
                   "PCRE2 offsets are size_t");
    *count = st->code ? st->rc : 0;
    return st->code ? pcre2_get_ovector_pointer(st->md[0]) : NULL;
}

bool td_pattern_group(const td_pattern_state *st, const char *name, size_t *s, size_t *e)
{
    if (!st->code)
        return false;
    PCRE2_SPTR first, last;
    int size = pcre2_substring_nametable_scan(st->code, (PCRE2_SPTR)name, &first, &last);
    if (size < 0)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md[0]);
    for (PCRE2_SPTR ent = first; ent <= last; ent += size) {
        int n = (ent[0] << 8) | ent[1];
        if (n < st->rc && ov[2 * n] != PCRE2_UNSET) {
            *s = ov[2 * n];
            *e = ov[2 * n + 1];
            return true;
        }
    }
    return false;
}
