/*
 * layout.c - blocks of the document (minimal version: the crawler header
 * line is split into its date and caption, every other line is body; the
 * layout issue replaces this with the full classifier).
 */
#include "reader.h"
#include "stage.h"

#include <string.h>

td_status td_layout_init(td_resources *res, char **err)
{
    (void)res;
    (void)err;
    return TD_OK;
}

void td_layout_release(td_resources *res) { (void)res; }

static td_status add_block(td_doc *doc, td_block_kind k, uint32_t s, uint32_t e)
{
    td_block *b = td_vec_push(&doc->arena, &doc->blocks, sizeof *b);
    if (!b)
        return TD_ENOMEM;
    b->kind = k;
    b->span.s = s;
    b->span.e = e;
    return TD_OK;
}

/* The header line: date into doc->date, caption into its own block. */
static td_status header(td_doc *doc, uint32_t s, uint32_t e)
{
    const char *l = doc->norm + s;
    size_t i = 0, n = e - s;
    while (i < n && l[i] == ' ')
        i++;
    const char *d = l + i + 5; /* after "date " */
    uint32_t date_end = (uint32_t)(s + i + 15);
    uint32_t cap_s = date_end;
    while (cap_s < e && doc->norm[cap_s] == ' ')
        cap_s++;
    td_status st = add_block(doc, TD_BLOCK_HEADER, s, cap_s < e ? cap_s : e);
    if (st == TD_OK && cap_s < e) {
        st = add_block(doc, TD_BLOCK_CAPTION, cap_s, e);
        doc->caption = td_arena_strndup(&doc->arena, doc->norm + cap_s, e - cap_s);
    }
    if (st != TD_OK)
        return st;
    doc->date.header = td_arena_strndup(&doc->arena, d, 10);
    if (!doc->date.value) {
        doc->date.source = "header";
        doc->date.given_y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        doc->date.given_m = (d[5] - '0') * 10 + (d[6] - '0');
        doc->date.given_d = (d[8] - '0') * 10 + (d[9] - '0');
        if (memcmp(d + 4, "-01-01", 6) == 0) {
            doc->date.value = td_arena_strndup(&doc->arena, d, 4);
            doc->date.precision = TD_PREC_YEAR;
            doc->date.note = "header date is 1 January with no time, a placeholder look: "
                             "only the year is kept";
        } else {
            doc->date.value = doc->date.header;
            doc->date.precision = TD_PREC_DAY;
        }
    }
    return TD_OK;
}

td_status td_layout_run(td_stage_ctx *ctx, td_doc *doc)
{
    (void)ctx;
    if (doc->in_date && *doc->in_date) {
        size_t n = strlen(doc->in_date);
        doc->date.value = td_arena_strndup(&doc->arena, doc->in_date, n >= 10 ? 10 : n);
        doc->date.precision = n >= 10 ? TD_PREC_DAY : n >= 7 ? TD_PREC_MONTH : TD_PREC_YEAR;
        doc->date.source = "input";
    }
    if (doc->in_title)
        doc->title = doc->in_title;
    uint32_t i = 0, n = (uint32_t)doc->norm_len;
    bool first = true;
    while (i <= n) {
        uint32_t e = i;
        while (e < n && doc->norm[e] != '\n')
            e++;
        td_status st;
        if (first && td_text_is_header(doc->norm + i, e - i))
            st = header(doc, i, e);
        else
            st = add_block(doc, TD_BLOCK_BODY, i, e);
        if (st != TD_OK)
            return st;
        first = false;
        i = e + 1;
    }
    return TD_OK;
}
