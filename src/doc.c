/* doc.c - the document: creation, offsets, names of kinds; see doc.h. */
#include "doc.h"

#include "buf.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *td_strerror(td_status st)
{
    static const char *const words[] = {
#define TD_X_WORDS(name, w) w,
        TD_STATUS_LIST(TD_X_WORDS)
#undef TD_X_WORDS
    };
    if ((int)st < 0 || st >= TD_STATUS_COUNT)
        return "unknown status";
    return words[st];
}

const char *td_block_kind_name(td_block_kind k)
{
    static const char *const n[] = {"body",     "header", "title",      "caption",
                                    "dateline", "byline", "boilerplate"};
    return (unsigned)k < TD_BLOCK_KIND_COUNT ? n[k] : "body";
}

const char *td_entity_type_name(td_entity_type t)
{
    static const char *const n[] = {"person", "country", "location", "organization", "group"};
    return (unsigned)t < TD_ENT_TYPE_COUNT ? n[t] : "organization";
}

const char *td_mention_form_name(td_mention_form f)
{
    static const char *const n[] = {"name",    "acronym", "demonym",
                                    "metonym", "pronoun", "nominal"};
    return (unsigned)f < TD_FORM_COUNT ? n[f] : "name";
}

const char *td_precision_name(td_precision p)
{
    switch (p) {
    case TD_PREC_YEAR: return "year";
    case TD_PREC_MONTH: return "month";
    case TD_PREC_DAY: return "day";
    default: return "unknown";
    }
}

const char *td_quote_kind_name(td_quote_kind k)
{
    static const char *const n[] = {"direct", "mixed", "reported"};
    return (unsigned)k <= TD_QUOTE_REPORTED ? n[k] : "direct";
}

const char *td_time_type_name(td_time_type t)
{
    static const char *const n[] = {"DATE", "TIME", "DURATION", "SET"};
    return (unsigned)t <= TD_TIME_SET ? n[t] : "DATE";
}

static char *dup_opt(td_arena *a, const char *s)
{
    return s ? td_arena_strdup(a, s) : NULL;
}

/* td_doc_create(); valid: the caller vouches the text is valid UTF-8 */
static td_status doc_create(const td_doc_input *in, bool valid, td_doc **out)
{
    td_doc *doc = td_malloc(sizeof *doc);
    if (!doc)
        return TD_ENOMEM;
    memset(doc, 0, sizeof *doc);
    td_arena_init(&doc->arena);
    td_status st = TD_ENOMEM;
    td_arena *a = &doc->arena;

    const char *text = in->text ? in->text : "";
    size_t len = in->text ? in->text_len : 0;
    size_t bad = valid ? len : td_utf8_first_invalid(text, len);
    if (bad == len) {
        doc->base = td_arena_strndup(a, text, len);
        doc->base_len = len;
        if (!doc->base)
            goto out_free_doc;
    } else {
        td_buf b;
        td_buf_init(&b, 0);
        size_t first = SIZE_MAX;
        st = td_utf8_repair(text, len, &b, &doc->invalid_bytes, &first);
        if (st == TD_OK)
            st = td_buf_reserve(&b, 0);
        if (st != TD_OK) {
            td_buf_release(&b);
            goto out_free_doc;
        }
        doc->base = td_arena_strndup(a, b.ptr, b.len);
        doc->base_len = b.len;
        td_buf_release(&b);
        st = TD_ENOMEM;
        if (!doc->base)
            goto out_free_doc;
        td_doc_warn(doc, "%zu invalid UTF-8 sequence%s replaced by U+FFFD, the first at byte %zu",
                    doc->invalid_bytes, doc->invalid_bytes == 1 ? "" : "s", first);
    }
    doc->id = dup_opt(a, in->id);
    doc->in_title = dup_opt(a, in->title);
    doc->in_date = dup_opt(a, in->date);
    doc->url = dup_opt(a, in->url);
    doc->path = dup_opt(a, in->path);
    doc->offset = in->offset;
    doc->line = in->line;
    strcpy(doc->lang, "und");
    doc->english = true;
    *out = doc;
    return TD_OK;

out_free_doc:
    td_arena_release(&doc->arena);
    free(doc);
    return st;
}

td_status td_doc_create(const td_doc_input *in, td_doc **out)
{
    return doc_create(in, false, out);
}

td_status td_doc_create_valid(const td_doc_input *in, td_doc **out)
{
    return doc_create(in, true, out);
}

td_status td_doc_new(const td_doc_input *in, td_doc **out) { return td_doc_create(in, out); }

void td_doc_free(td_doc *doc)
{
    if (!doc)
        return;
    td_arena_release(&doc->arena);
    free(doc);
}

const char *td_doc_base(const td_doc *doc, size_t *len)
{
    if (len)
        *len = doc->base_len;
    return doc->base;
}

const char *td_doc_id(const td_doc *doc) { return doc->id; }

/* How many checkpoints lie before off: map_norm[i] <= off when upper, else
 * map_norm[i] < off. */
static size_t checkpoints_before(const td_doc *doc, uint32_t off, bool upper)
{
    size_t lo = 0, hi = doc->map_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (upper ? doc->map_norm[mid] <= off : doc->map_norm[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t td_doc_base_at(const td_doc *doc, uint32_t off, size_t k)
{
    if (k == 0)
        return off;
    uint32_t b = doc->map_base[k - 1] + (off - doc->map_norm[k - 1]);
    if (k < doc->map_n && b > doc->map_base[k])
        b = doc->map_base[k];
    if (b > doc->base_len)
        b = (uint32_t)doc->base_len;
    return b;
}

uint32_t td_doc_base_end_at(const td_doc *doc, uint32_t off, size_t k)
{
    uint32_t b;
    if (k < doc->map_n && doc->map_norm[k] == off) {
        /* at a boundary: the leftmost one, so an end never takes in a
         * character dropped right after it */
        b = doc->map_base[k];
    } else if (k == 0) {
        b = off;
    } else {
        b = doc->map_base[k - 1] + (off - doc->map_norm[k - 1]);
        if (k < doc->map_n && b > doc->map_base[k])
            b = doc->map_base[k];
    }
    if (b > doc->base_len)
        b = (uint32_t)doc->base_len;
    return b;
}

uint32_t td_doc_to_base(const td_doc *doc, uint32_t off)
{
    if (doc->map_n == 0 || !doc->map_norm)
        return off;
    return td_doc_base_at(doc, off, checkpoints_before(doc, off, true));
}

uint32_t td_doc_to_base_end(const td_doc *doc, uint32_t off)
{
    if (doc->map_n == 0 || !doc->map_norm)
        return off > doc->base_len ? (uint32_t)doc->base_len : off;
    return td_doc_base_end_at(doc, off, checkpoints_before(doc, off, false));
}

td_span td_doc_span_to_base(const td_doc *doc, td_span sp)
{
    td_span r = {td_doc_to_base(doc, sp.s), td_doc_to_base_end(doc, sp.e)};
    if (r.e < r.s)
        r.e = r.s;
    return r;
}

void td_doc_warn(td_doc *doc, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    const char **slot = td_vec_push(&doc->arena, &doc->warnings, sizeof(char *));
    if (slot)
        *slot = td_arena_strdup(&doc->arena, tmp);
}

int td_doc_block_at(const td_doc *doc, uint32_t off)
{
    size_t lo = 0, hi = doc->blocks.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const td_block *b = TD_DOC_BLOCK(doc, mid);
        if (off < b->span.s)
            hi = mid;
        else if (off >= b->span.e && !(off == b->span.e && b->span.s == b->span.e))
            lo = mid + 1;
        else
            return (int)mid;
    }
    return -1;
}

td_status td_doc_body_text(const td_doc *doc, td_buf *b)
{
    const char *t = doc->norm ? doc->norm : doc->base;
    size_t tl = doc->norm ? doc->norm_len : doc->base_len;
    td_status s = TD_OK;
    for (size_t i = 0; i < doc->blocks.n && s == TD_OK; i++) {
        if (!td_doc_body_line(doc, i, t, tl))
            continue;
        const td_block *bl = TD_DOC_BLOCK(doc, i);
        if (b->len)
            s = td_buf_putc(b, '\n');
        if (s == TD_OK)
            s = td_buf_append(b, t + bl->span.s, bl->span.e - bl->span.s);
    }
    if (s == TD_OK && doc->blocks.n == 0 && t)
        s = td_buf_append(b, t, tl);
    return s;
}
