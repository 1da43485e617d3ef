/*
 * quotes_marks.c - pair quote marks into quoted regions (see quotes_marks.h).
 */
#include "quotes_marks.h"

#include <string.h>

#define MAX_DEPTH 8

enum { MK_NONE = 0, MK_DOUBLE, MK_SINGLE };

/* The two mark types are adjacent: one unsigned compare tests both. */
_Static_assert(TD_TOK_QUOTE_CLOSE == TD_TOK_QUOTE_OPEN + 1, "quote token types");

static inline bool is_mark_type(uint8_t type)
{
    return (uint8_t)(type - TD_TOK_QUOTE_OPEN) <= 1u;
}

/* The first mark token at or after i, or n: four tokens a step (marks are
 * rare; most documents have a few dozen in thousands of tokens). */
static uint32_t next_mark(const td_token *tk, uint32_t i, uint32_t n)
{
    for (; i + 4 <= n; i += 4)
        if (is_mark_type(tk[i].type) | is_mark_type(tk[i + 1].type) |
            is_mark_type(tk[i + 2].type) | is_mark_type(tk[i + 3].type))
            break;
    while (i < n && !is_mark_type(tk[i].type))
        i++;
    return i;
}

/* Which mark token i is: double, single or none. */
static int mark_kind(const td_doc *doc, const td_token *t)
{
    if (t->type != TD_TOK_QUOTE_OPEN && t->type != TD_TOK_QUOTE_CLOSE)
        return MK_NONE;
    const unsigned char *p = (const unsigned char *)doc->norm + t->span.s;
    if (t->span.e - t->span.s != 3 || p[0] != 0xE2 || p[1] != 0x80)
        return MK_NONE;
    if (p[2] == 0x9C || p[2] == 0x9D)
        return MK_DOUBLE;
    if (p[2] == 0x98 || p[2] == 0x99)
        return MK_SINGLE;
    return MK_NONE;
}

static bool opens_left(const td_doc *doc, uint32_t s)
{
    if (s == 0)
        return true;
    unsigned char c = (unsigned char)doc->norm[s - 1];
    if (c == ' ' || c == '\n' || c == '(' || c == '[' || c == '{' || c == '/' || c == '-')
        return true;
    if (s >= 3 && (unsigned char)doc->norm[s - 3] == 0xE2 &&
        (unsigned char)doc->norm[s - 2] == 0x80) {
        unsigned char d = (unsigned char)doc->norm[s - 1];
        return d == 0x94 || d == 0x93 || d == 0x9C || d == 0x98; /* — – “ ‘ */
    }
    return false;
}

static bool closes_right(const td_doc *doc, uint32_t e)
{
    if (e >= doc->norm_len)
        return true;
    unsigned char c = (unsigned char)doc->norm[e];
    return c == ' ' || c == '\n' || c == '.' || c == ',' || c == ';' || c == ':' || c == '!' ||
           c == '?' || c == ')' || c == ']' || c == '-' ||
           (c == 0xE2 && e + 2 < doc->norm_len && (unsigned char)doc->norm[e + 1] == 0x80 &&
            ((unsigned char)doc->norm[e + 2] == 0x94 || (unsigned char)doc->norm[e + 2] == 0x9D ||
             (unsigned char)doc->norm[e + 2] == 0x99 || (unsigned char)doc->norm[e + 2] == 0xA6));
}

/* Whether the mark opens, from its neighbours, else (inside an open
 * double quote, an ambiguous mark closes it) from its shape. */
static bool mark_opens(const td_doc *doc, const td_token *t, bool inside)
{
    bool l = opens_left(doc, t->span.s), r = closes_right(doc, t->span.e);
    if (l && !r)
        return true;
    if (r && !l)
        return false;
    if (l && r && inside)
        return false; /* 'outreach,' " he told */
    return t->type == TD_TOK_QUOTE_OPEN;
}

typedef struct {
    td_arena *a;
    const td_doc *doc;
    td_qregion *regs;
    size_t n, cap;
    td_status st;
} builder;

static void add_region(builder *b, uint32_t open, uint32_t close, uint32_t last)
{
    uint32_t first = open + 1, end = close != TD_QNONE ? close : last + 1;
    if (first >= end || b->st != TD_OK)
        return;
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 64;
        td_qregion *nr = td_arena_alloc(b->a, nc * sizeof *nr);
        if (!nr) {
            b->st = TD_ENOMEM;
            return;
        }
        if (b->n)
            memcpy(nr, b->regs, b->n * sizeof *nr);
        b->regs = nr;
        b->cap = nc;
    }
    td_qregion *r = &b->regs[b->n++];
    const td_token *o = TD_DOC_TOK(b->doc, open);
    r->open_tok = open;
    r->close_tok = close;
    r->first = first;
    r->end = end;
    /* the content without a final , ; : (the comma before "he said") */
    uint32_t lt = end - 1;
    while (lt > first && TD_DOC_TOK(b->doc, lt)->type == TD_TOK_PUNCT &&
           TD_DOC_TOK(b->doc, lt)->span.e - TD_DOC_TOK(b->doc, lt)->span.s == 1 &&
           strchr(",;:", b->doc->norm[TD_DOC_TOK(b->doc, lt)->span.s]))
        lt--;
    r->span.s = TD_DOC_TOK(b->doc, first)->span.s;
    r->span.e = TD_DOC_TOK(b->doc, lt)->span.e;
    r->block = o->block;
    r->closed = close != TD_QNONE;
    r->dbl = mark_kind(b->doc, o) == MK_DOUBLE;
}

/* A single mark glued to the double mark i that just closed a region is
 * the inner quote's close (NYT ''' = ' + '': “... ‘X,”’ he said): the
 * region's closing mark becomes it. Returns the last token consumed. */
static uint32_t absorb_single(builder *b, uint32_t i, bool next_in_line)
{
    if (!next_in_line || b->n == 0 || b->regs[b->n - 1].close_tok != i)
        return i;
    const td_token *t = TD_DOC_TOK(b->doc, i), *u = TD_DOC_TOK(b->doc, i + 1);
    if (mark_kind(b->doc, u) != MK_SINGLE || u->span.s != t->span.e ||
        !closes_right(b->doc, u->span.e))
        return i;
    b->regs[b->n - 1].close_tok = i + 1;
    return i + 1;
}

/* The pairing state of the current line (paragraph). */
typedef struct {
    uint32_t stack[MAX_DEPTH];
    int depth;
    uint32_t single;
} line_state;

/* Whether token i starts a line other than the one of block blk. */
static bool new_line(const td_doc *doc, uint32_t i, uint16_t blk)
{
    const td_token *t = TD_DOC_TOK(doc, i);
    return t->block != blk || (t->flags & TD_TOKF_LINE_START);
}

/* The mark at token i of the current line. Returns the last token
 * consumed. */
static uint32_t pair_mark(builder *b, line_state *ls, uint32_t i, int k, uint16_t blk, uint32_t n)
{
    const td_token *t = TD_DOC_TOK(b->doc, i);
    bool op = mark_opens(b->doc, t, k == MK_DOUBLE && ls->depth > 0);
    if (k == MK_DOUBLE) {
        ls->single = TD_QNONE;
        if (op) {
            if (ls->depth < MAX_DEPTH)
                ls->stack[ls->depth++] = i;
        } else if (ls->depth > 0) {
            ls->depth--;
            if (ls->depth == 0) {
                add_region(b, ls->stack[0], i, i);
                i = absorb_single(b, i, i + 1 < n && !new_line(b->doc, i + 1, blk));
            }
        } /* else: a stray closing mark */
    } else if (ls->depth == 0) {
        if (op)
            ls->single = i;
        else if (ls->single != TD_QNONE) {
            add_region(b, ls->single, i, i);
            ls->single = TD_QNONE;
        }
    }
    return i;
}

td_status td_quotes_find_marks(td_arena *scratch, const td_doc *doc, const uint32_t *marks,
                               size_t n_marks, td_qmarks *out)
{
    memset(out, 0, sizeof *out);
    size_t n = doc->toks.n;
    out->reg_of = td_arena_alloc(scratch, (n ? n : 1) * sizeof *out->reg_of);
    if (!out->reg_of)
        return TD_ENOMEM;
    memset(out->reg_of, 0xff, (n ? n : 1) * sizeof *out->reg_of); /* -1 */
    builder b = {scratch, doc, NULL, 0, 0, TD_OK};
    /* one pass; marks pair within a line, a double mark left open runs to
     * the end of its line */
    line_state ls = {{0}, 0, TD_QNONE};
    uint16_t blk = n ? TD_DOC_TOK(doc, 0)->block : 0;
    const td_token *tk = n ? TD_DOC_TOK(doc, 0) : NULL;
    size_t mi = 0; /* marks[mi]: the first listed mark at or after i */
    for (uint32_t i = 0; i < n; i++) {
        bool open_state = ls.depth > 0 || ls.single != TD_QNONE;
        if (!open_state) { /* line ends matter only while a mark is open */
            if (marks) {
                while (mi < n_marks && marks[mi] < i)
                    mi++;
                i = mi < n_marks ? marks[mi] : (uint32_t)n;
            } else {
                i = next_mark(tk, i, (uint32_t)n);
            }
            if (i >= n)
                break;
        }
        const td_token *t = &tk[i];
        bool mark = is_mark_type(t->type);
        if (open_state && i > 0 && (t->block != blk || (t->flags & TD_TOKF_LINE_START))) {
            if (ls.depth > 0)
                add_region(&b, ls.stack[0], TD_QNONE, i - 1);
            ls.depth = 0;
            ls.single = TD_QNONE;
        }
        if (!mark)
            continue;
        if (ls.depth == 0 && ls.single == TD_QNONE)
            blk = t->block; /* a fresh state: the mark's line */
        int k = mark_kind(doc, t);
        if (k != MK_NONE)
            i = pair_mark(&b, &ls, i, k, blk, (uint32_t)n);
    }
    if (ls.depth > 0)
        add_region(&b, ls.stack[0], TD_QNONE, (uint32_t)n - 1);
    if (b.st != TD_OK)
        return b.st;
    for (size_t r = 0; r < b.n; r++) {
        const td_qregion *q = &b.regs[r];
        uint32_t last = q->closed ? q->close_tok : q->end - 1;
        for (uint32_t t = q->open_tok; t <= last; t++)
            out->reg_of[t] = (int32_t)r;
    }
    out->regs = b.regs;
    out->n = b.n;
    return TD_OK;
}
