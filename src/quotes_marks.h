/*
 * quotes_marks.h - quoted regions: pairs of quote marks over the tokens
 * (library-internal, used by quotes.c).
 *
 * After normalisation quote marks are “ ” (double) and ‘ ’ (single); the
 * direction of a mark is decided again from its neighbours (a wrong-way ”
 * that opens a word opens). Marks are paired within one line (paragraph):
 * double marks nest; a double mark left open runs to the end of its line
 * (the multi-paragraph convention: the next paragraph opens again); single
 * marks pair only outside double ones, and an unpaired single mark is
 * ignored. Stray marks never open anything beyond their line, so no mark
 * can swallow the rest of the document. Linear in the tokens.
 */
#ifndef TD_QUOTES_MARKS_H
#define TD_QUOTES_MARKS_H

#include "doc.h"

#define TD_QNONE 0xffffffffu

typedef struct td_qregion {
    uint32_t open_tok;   /* the opening mark */
    uint32_t close_tok;  /* the closing mark, or TD_QNONE when left open */
    uint32_t first, end; /* content tokens [first, end) */
    td_span span;        /* the content, without its marks */
    uint16_t block;
    bool closed;
    bool dbl; /* double marks */
} td_qregion;

typedef struct td_qmarks {
    td_qregion *regs;
    size_t n;
    int32_t *reg_of; /* per token: the outermost region holding it, marks included, or -1 */
} td_qmarks;

/* Find the quoted regions of doc (arrays in scratch). marks, when not
 * NULL, lists the n_marks tokens of type TD_TOK_QUOTE_OPEN or _CLOSE in
 * order (the caller's pass over the tokens found them), so the tokens
 * outside quotes need no second look. */
td_status td_quotes_find_marks(td_arena *scratch, const td_doc *doc, const uint32_t *marks,
                               size_t n_marks, td_qmarks *out);

#endif
