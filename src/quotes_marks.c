/*
 * quotes_marks.c - pair quote marks into quoted regions (see quotes_marks.h).
 */
#include "quotes_marks.h"

#include <string.h>

#define MAX_DEPTH 8

enum { MK_NONE = 0, MK_DOUBLE, MK_SINGLE };

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
static uint32_t absorb_single(builder *b, uint32_t i, uint32_t z)
{
    if (i + 1 >= z || b->n == 0 || b->regs[b->n - 1].close_tok != i)
        return i;
    const td_token *t = TD_DOC_TOK(b->doc, i), *u = TD_DOC_TOK(b->doc, i + 1);
    if (mark_kind(b->doc, u) != MK_SINGLE || u->span.s != t->span.e ||
        !closes_right(b->doc, u->span.e))
        return i;
    b->regs[b->n - 1].close_tok = i + 1;
    return i + 1;
}

/* Pair the marks of one line: tokens [a, z). */
static void pair_line(builder *b, uint32_t a, uint32_t z)
{
    uint32_t stack[MAX_DEPTH];
    int depth = 0;
    uint32_t single = TD_QNONE;
    for (uint32_t i = a; i < z; i++) {
        const td_token *t = TD_DOC_TOK(b->doc, i);
        int k = mark_kind(b->doc, t);
        if (k == MK_NONE)
            continue;
        bool op = mark_opens(b->doc, t, k == MK_DOUBLE && depth > 0);
        if (k == MK_DOUBLE) {
            single = TD_QNONE;
            if (op) {
                if (depth < MAX_DEPTH)
                    stack[depth++] = i;
            } else if (depth > 0) {
                depth--;
                if (depth == 0) {
                    add_region(b, stack[0], i, i);
                    i = absorb_single(b, i, z);
                }
            } /* else: a stray closing mark */
        } else if (depth == 0) {
            if (op)
                single = i;
            else if (single != TD_QNONE) {
                add_region(b, single, i, i);
                single = TD_QNONE;
            }
        }
    }
    if (depth > 0)
        add_region(b, stack[0], TD_QNONE, z - 1);
}

td_status td_quotes_find_marks(td_arena *scratch, const td_doc *doc, td_qmarks *out)
{
    memset(out, 0, sizeof *out);
    size_t n = doc->toks.n;
    out->reg_of = td_arena_alloc(scratch, (n ? n : 1) * sizeof *out->reg_of);
    if (!out->reg_of)
        return TD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        out->reg_of[i] = -1;
    builder b = {scratch, doc, NULL, 0, 0, TD_OK};
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i + 1;
        uint16_t blk = TD_DOC_TOK(doc, i)->block;
        while (j < n && TD_DOC_TOK(doc, j)->block == blk &&
               !(TD_DOC_TOK(doc, j)->flags & TD_TOKF_LINE_START))
            j++;
        pair_line(&b, i, j);
        i = j;
    }
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
