/*
 * record.c - the document as one JSON object (the contract in DESIGN.md).
 *
 * Spans are written as base offsets (mapped from the norm offsets the
 * stages keep), and every span's "text" repeats the base bytes, so
 * base[s:e] is always the evidence. Lists come out in the order the
 * pipeline left them (by first byte offset).
 */
#include "buf.h"
#include "doc.h"
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- the compact record --------------------------------------------------
 * Without --pretty the layout of a record is fixed, so its keys and
 * punctuation are written as literal runs ("{\"span\":[") instead of one
 * writer call per key, comma and bracket: the same bytes as the td_jw_*
 * path above writes with pretty off (tests compare both). */

#define CW_BUCKETS 512 /* at most, of 64 bytes or more each */

typedef struct cw {
    td_buf *b;
    char *o, *end; /* the write position in b and the end of its room */
    td_status st;
    /* the checkpoint index of cw_map: cnt[b] checkpoints lie before byte
     * b << shift of the norm text, for the nb buckets that cover it, and
     * cnt[nb] is all of them */
    unsigned shift;
    size_t nb;
    uint32_t cnt[CW_BUCKETS + 1];
} cw;

/* Make room for n more bytes at c->o (the bytes before o are b's). */
static bool cw_grow(cw *c, size_t n)
{
    if (c->st != TD_OK)
        return false;
    c->b->len = (size_t)(c->o - c->b->ptr);
    c->st = td_buf_reserve(c->b, n + 4096);
    if (c->st == TD_ETOOBIG) /* a capped buffer: exactly what is asked */
        c->st = td_buf_reserve(c->b, n);
    if (c->st != TD_OK) {
        c->end = c->o; /* no room: every later write stops here */
        return false;
    }
    c->o = c->b->ptr + c->b->len;
    c->end = c->b->ptr + c->b->cap - 1; /* keep one byte for the NUL */
    return true;
}

static inline bool cw_room(cw *c, size_t n)
{
    return (c->o && (size_t)(c->end - c->o) >= n) || cw_grow(c, n);
}

static inline void cw_put(cw *c, const char *s, size_t n)
{
    if (cw_room(c, n)) {
        memcpy(c->o, s, n);
        c->o += n;
    }
}

/* A literal run (a string constant: its length is known, the copy inlined). */
#define CW_LIT(c, s) cw_put((c), "" s, sizeof(s) - 1)
/* The literal key and the string s, when s is not NULL. */
#define CW_OPT(c, key, s)                                                                   \
    do {                                                                                   \
        const char *opt_ = (s);                                                            \
        if (opt_) {                                                                        \
            CW_LIT(c, key);                                                                \
            cw_cstr(c, opt_);                                                              \
        }                                                                                  \
    } while (0)

/* ---- escaping: the escapes of td_json_escape (json.c) ---- */

/* "s" escaped by td_json_escape into a buffer with too little room for
 * the worst case (a capped one). */
static void cw_str_slow(cw *c, const char *s, size_t n)
{
    td_buf *b = c->b;
    b->len = (size_t)(c->o - b->ptr);
    c->st = td_buf_append(b, "\"", 1);
    if (c->st == TD_OK)
        c->st = td_json_escape(b, s, n);
    if (c->st == TD_OK)
        c->st = td_buf_append(b, "\"", 1);
    if (c->st != TD_OK) {
        c->end = c->o;
        return;
    }
    c->o = b->ptr + b->len;
    c->end = b->ptr + b->cap - 1;
}

static void cw_str_grow(cw *c, const char *s, size_t n);

/* "s" escaped: straight into the buffer when the worst case fits. */
static inline void cw_str(cw *c, const char *s, size_t n)
{
    if (c->st == TD_OK && c->o && n < (SIZE_MAX - 8) / 6 && (size_t)(c->end - c->o) >= n * 6 + 2)
        c->o += td_json_escape_quoted(c->o, s, n);
    else
        cw_str_grow(c, s, n);
}

/* cw_str when the buffer may have to grow first. */
static void cw_str_grow(cw *c, const char *s, size_t n)
{
    if (n > (SIZE_MAX - 8) / 6 || !cw_room(c, n * 6 + 2)) {
        if (c->st == TD_ETOOBIG && c->o) { /* capped: the escapes may still fit */
            c->st = TD_OK;
            cw_str_slow(c, s, n);
        }
        return;
    }
    c->o += td_json_escape_quoted(c->o, s, n);
}

static void cw_cstr(cw *c, const char *s) /* NULL: null */
{
    if (s)
        cw_str(c, s, strlen(s));
    else
        CW_LIT(c, "null");
}

/* The names of the program's own (kinds, types, forms: short ASCII words
 * with nothing to escape) quoted, by enum value: td_block_kind_name() and
 * the other td_*_name() of doc.c, as literals of known length, so a name is
 * one 16-byte copy (test_record checks them against doc.c's). */
typedef struct {
    char q[16]; /* "\"name\"", zero padded */
    uint8_t n;  /* its length */
} cw_lit;

#define CW_Q(w) {"\"" w "\"", sizeof(w) + 1}

static const cw_lit cw_block_kinds[TD_BLOCK_KIND_COUNT] = {
    CW_Q("body"),     CW_Q("header"), CW_Q("title"),      CW_Q("caption"),
    CW_Q("dateline"), CW_Q("byline"), CW_Q("boilerplate")};
static const cw_lit cw_ent_types[TD_ENT_TYPE_COUNT] = {
    CW_Q("person"), CW_Q("country"), CW_Q("location"), CW_Q("organization"), CW_Q("group")};
static const cw_lit cw_forms[TD_FORM_COUNT] = {CW_Q("name"),    CW_Q("acronym"), CW_Q("demonym"),
                                               CW_Q("metonym"), CW_Q("pronoun"), CW_Q("nominal")};
static const cw_lit cw_quote_kinds[TD_QUOTE_REPORTED + 1] = {CW_Q("direct"), CW_Q("mixed"),
                                                             CW_Q("reported")};
static const cw_lit cw_time_types[TD_TIME_SET + 1] = {CW_Q("DATE"), CW_Q("TIME"), CW_Q("DURATION"),
                                                      CW_Q("SET")};

/* Entry v of table t of n entries, else entry dflt (as the td_*_name
 * functions answer an out-of-range value). */
#define CW_LIT_OF(t, v, dflt) (&(t)[(unsigned)(v) < sizeof(t) / sizeof *(t) ? (unsigned)(v) : (dflt)])

static inline void cw_name(cw *c, const cw_lit *l)
{
    if (!cw_room(c, sizeof l->q))
        return;
    memcpy(c->o, l->q, sizeof l->q);
    c->o += l->n;
}

/* "s" for a name of the program's own without a table (the date's
 * precision, once a record). */
static inline void cw_name_str(cw *c, const char *s)
{
    if (!cw_room(c, 66))
        return;
    char *o = c->o;
    *o++ = '"';
    for (const char *e = s + 64; *s && s < e; s++)
        *o++ = *s;
    *o++ = '"';
    c->o = o;
}

/* The decimal digits of v (as printf's %lld) written backwards ending at
 * e; returns the first. */
static char *cw_digits(char *e, long long v)
{
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--e = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--e = '-';
    return e;
}

static inline char *cw_u32(char *o, uint32_t v);

static void cw_int(cw *c, long long v)
{
    if (v >= 0 && v <= (long long)UINT32_MAX) { /* ids, counts: digits in place */
        if (cw_room(c, 10))
            c->o = cw_u32(c->o, (uint32_t)v);
        return;
    }
    char tmp[24], *e = tmp + sizeof tmp, *p = cw_digits(e, v);
    cw_put(c, p, (size_t)(e - p));
}

/* The digits of v written forward at o; returns the end. */
static inline char *cw_u32(char *o, uint32_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    int n = v >= 100000 ? (v >= 10000000 ? (v >= 1000000000 ? 10 : v >= 100000000 ? 9 : 8)
                                         : (v >= 1000000 ? 7 : 6))
                        : (v >= 1000 ? (v >= 10000 ? 5 : 4) : (v >= 100 ? 3 : v >= 10 ? 2 : 1));
    char *e = o + n, *p = e;
    while (v >= 100) {
        unsigned d = (v % 100) * 2;
        v /= 100;
        *--p = pairs[d + 1];
        *--p = pairs[d];
    }
    if (v >= 10) {
        *--p = pairs[v * 2 + 1];
        *--p = pairs[v * 2];
    } else {
        *--p = (char)('0' + v);
    }
    return e;
}

/* ---- norm -> base by a bucket index ----
 * td_doc_span_to_base() (doc.c) searches all the checkpoints of the offset
 * map for each end of a span. Here a small index built once per record
 * (cw_index) gives, for the bucket of an offset, the checkpoints that can
 * hold the answer (mostly none or one), and the search runs among those
 * only; the offsets are those of td_doc_to_base() and td_doc_to_base_end(). */

static void cw_index(cw *c, const td_doc *doc)
{
    size_t n = doc->map_n, len = doc->norm_len;
    const uint32_t *mn = doc->map_norm;
    c->nb = 0;
    if (n == 0 || !mn)
        return;
    unsigned shift = 6;
    while ((len >> shift) >= CW_BUCKETS)
        shift++;
    size_t nb = (len >> shift) + 1, k = 0;
    for (size_t b = 0; b < nb; b++) {
        uint64_t at = (uint64_t)b << shift;
        while (k < n && mn[k] < at)
            k++;
        c->cnt[b] = (uint32_t)k;
    }
    c->cnt[nb] = (uint32_t)n;
    c->shift = shift;
    c->nb = nb;
}

/* The first i with a[i] > off (upper) or a[i] >= off, a non-decreasing:
 * between the counts of off's bucket and the next one's, since every
 * checkpoint before the bucket is below off and every one after it above. */
static inline size_t cw_bound(const cw *c, const uint32_t *a, uint32_t off, bool upper)
{
    size_t b = off >> c->shift, lo, hi;
    if (b < c->nb) {
        lo = c->cnt[b];
        hi = c->cnt[b + 1];
    } else {
        lo = c->cnt[c->nb - 1];
        hi = c->cnt[c->nb];
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (upper ? a[mid] <= off : a[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* td_doc_base_at(doc, off, k), inlined: the base offset of norm offset
 * off, k checkpoints before it (map_norm[i] <= off). */
static inline uint32_t cw_base_at(const td_doc *doc, uint32_t off, size_t k)
{
    if (k == 0)
        return off;
    uint32_t b = doc->map_base[k - 1] + (off - doc->map_norm[k - 1]);
    if (k < doc->map_n && b > doc->map_base[k])
        b = doc->map_base[k];
    return b > doc->base_len ? (uint32_t)doc->base_len : b;
}

/* td_doc_base_end_at(doc, off, k), inlined (k: map_norm[i] < off). */
static inline uint32_t cw_base_end_at(const td_doc *doc, uint32_t off, size_t k)
{
    uint32_t b;
    if (k < doc->map_n && doc->map_norm[k] == off) {
        b = doc->map_base[k]; /* at a boundary: the leftmost one */
    } else if (k == 0) {
        b = off;
    } else {
        b = doc->map_base[k - 1] + (off - doc->map_norm[k - 1]);
        if (k < doc->map_n && b > doc->map_base[k])
            b = doc->map_base[k];
    }
    return b > doc->base_len ? (uint32_t)doc->base_len : b;
}

/* td_doc_span_to_base, with the checkpoints found through the index */
static inline td_span cw_map(const cw *c, const td_doc *doc, td_span sp)
{
    if (c->nb == 0)
        return td_doc_span_to_base(doc, sp);
    const uint32_t *mn = doc->map_norm;
    td_span r = {cw_base_at(doc, sp.s, cw_bound(c, mn, sp.s, true)),
                 cw_base_end_at(doc, sp.e, cw_bound(c, mn, sp.e, false))};
    if (r.e < r.s)
        r.e = r.s;
    return r;
}

/* "[s,e]" of a norm span mapped to base. */
static td_span cw_span(cw *c, const td_doc *doc, td_span sp)
{
    td_span b = cw_map(c, doc, sp);
    if (!cw_room(c, 24))
        return b;
    char *o = c->o;
    *o++ = '[';
    o = cw_u32(o, b.s);
    *o++ = ',';
    o = cw_u32(o, b.e);
    *o++ = ']';
    c->o = o;
    return b;
}

/* "span":[s,e],"text":"..." of base span b (n = its length) written at o,
 * which has room for n * 6 + 48 bytes; returns the end. */
static inline char *cw_span_text_at(char *o, const td_doc *doc, td_span b, size_t n)
{
    memcpy(o, "\"span\":[", 8);
    o = cw_u32(o + 8, b.s);
    *o++ = ',';
    o = cw_u32(o, b.e);
    memcpy(o, "],\"text\":", 9);
    o += 9;
    return o + td_json_escape_quoted(o, doc->base + b.s, n);
}

/* Whether n bytes of text (escaped: up to n * 6) and `more` bytes besides
 * fit at c->o as they are (one check for a whole item). */
static inline bool cw_fits(const cw *c, size_t n, size_t more)
{
    return c->st == TD_OK && c->o && n < (SIZE_MAX - 256) / 6 &&
           (size_t)(c->end - c->o) >= n * 6 + more;
}

/* "span":[s,e],"text":"..." */
static void cw_span_text(cw *c, const td_doc *doc, td_span sp)
{
    td_span b = cw_map(c, doc, sp);
    size_t n = b.e - b.s;
    /* room for all of it as it is: one check, no calls but the escape
     * (otherwise the step-by-step writes, which may grow the buffer) */
    if (cw_fits(c, n, 48)) {
        c->o = cw_span_text_at(c->o, doc, b, n);
        return;
    }
    CW_LIT(c, "\"span\":");
    if (cw_room(c, 24)) {
        char *o = c->o;
        *o++ = '[';
        o = cw_u32(o, b.s);
        *o++ = ',';
        o = cw_u32(o, b.e);
        *o++ = ']';
        c->o = o;
    }
    CW_LIT(c, ",\"text\":");
    cw_str(c, doc->base + b.s, n);
}

static void cw_source(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"source\":{\"path\":");
    cw_cstr(c, doc->path);
    CW_LIT(c, ",\"offset\":");
    cw_int(c, (long long)doc->offset);
    CW_LIT(c, ",\"line\":");
    if (doc->line > 0)
        cw_int(c, doc->line);
    else
        CW_LIT(c, "null");
    CW_LIT(c, ",\"url\":");
    cw_cstr(c, doc->url);
    CW_LIT(c, ",\"warc_record_id\":");
    cw_cstr(c, doc->warc_record_id);
    CW_LIT(c, "}");
}

static void cw_blocks(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"blocks\":[");
    for (size_t i = 0; i < doc->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(doc, i);
        /* ,{"kind":"...","span":[s,e]} at one check */
        if (cw_room(c, 64)) {
            td_span bs = cw_map(c, doc, b->span);
            char *o = c->o;
            if (i)
                *o++ = ',';
            memcpy(o, "{\"kind\":", 8);
            o += 8;
            const cw_lit *l = CW_LIT_OF(cw_block_kinds, b->kind, TD_BLOCK_BODY);
            memcpy(o, l->q, sizeof l->q);
            o += l->n;
            memcpy(o, ",\"span\":[", 9);
            o = cw_u32(o + 9, bs.s);
            *o++ = ',';
            o = cw_u32(o, bs.e);
            memcpy(o, "]}", 2);
            c->o = o + 2;
            continue;
        }
        if (i)
            CW_LIT(c, ",");
        CW_LIT(c, "{\"kind\":");
        cw_name(c, CW_LIT_OF(cw_block_kinds, b->kind, TD_BLOCK_BODY));
        CW_LIT(c, ",\"span\":");
        cw_span(c, doc, b->span);
        CW_LIT(c, "}");
    }
    CW_LIT(c, "],\"boilerplate\":[");
    bool any = false;
    for (size_t i = 0; i < doc->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(doc, i);
        if (b->kind == TD_BLOCK_BOILERPLATE) {
            td_span bs = cw_map(c, doc, b->span);
            if (any)
                CW_LIT(c, ",");
            any = true;
            cw_str(c, doc->base + bs.s, bs.e - bs.s);
        }
    }
    CW_LIT(c, "]");
}

static void cw_date(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"date\":{\"value\":");
    cw_cstr(c, doc->date.value);
    CW_LIT(c, ",\"precision\":");
    cw_name_str(c, td_precision_name(doc->date.value ? doc->date.precision : TD_PREC_UNKNOWN));
    CW_LIT(c, ",\"source\":");
    cw_cstr(c, doc->date.source);
    CW_LIT(c, ",\"header\":");
    cw_cstr(c, doc->date.header);
    CW_LIT(c, ",\"note\":");
    cw_cstr(c, doc->date.note);
    CW_LIT(c, "}");
}

static void cw_entities(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"entities\":[");
    for (size_t i = 0; i < doc->entities.n; i++) {
        const td_entity *e = TD_VEC_AT(doc->entities, td_entity, i);
        /* {"id":N,"type":"...","name":"..." at one check */
        size_t nn = e->name ? strlen(e->name) : 0;
        if (e->id >= 0 && nn < SIZE_MAX / 8 && cw_fits(c, nn, 64)) {
            char *o = c->o;
            if (i)
                *o++ = ',';
            memcpy(o, "{\"id\":", 6);
            o = cw_u32(o + 6, (uint32_t)e->id);
            memcpy(o, ",\"type\":", 8);
            o += 8;
            const cw_lit *l = CW_LIT_OF(cw_ent_types, e->type, TD_ENT_ORGANIZATION);
            memcpy(o, l->q, sizeof l->q);
            o += l->n;
            memcpy(o, ",\"name\":", 8);
            o += 8;
            if (e->name) {
                o += td_json_escape_quoted(o, e->name, nn);
            } else {
                memcpy(o, "null", 4);
                o += 4;
            }
            c->o = o;
        } else {
            if (i)
                CW_LIT(c, ",");
            CW_LIT(c, "{\"id\":");
            cw_int(c, e->id);
            CW_LIT(c, ",\"type\":");
            cw_name(c, CW_LIT_OF(cw_ent_types, e->type, TD_ENT_ORGANIZATION));
            CW_LIT(c, ",\"name\":");
            cw_cstr(c, e->name);
        }
        CW_OPT(c, ",\"role\":", e->role);
        CW_OPT(c, ",\"country\":", e->country[0] ? e->country : NULL);
        CW_OPT(c, ",\"acronym\":", e->acronym);
        CW_OPT(c, ",\"cameo\":", e->cameo);
        CW_LIT(c, ",\"mentions\":[");
        for (size_t k = 0; k < e->mentions.n; k++) {
            const td_mention *m = TD_VEC_AT(e->mentions, td_mention, k);
            /* {"span":[s,e],"text":"...","form":"..."}, at one check */
            td_span b = cw_map(c, doc, m->span);
            size_t n = b.e - b.s;
            if (cw_fits(c, n, 48 + 32)) {
                char *o = c->o;
                *o++ = '{';
                o = cw_span_text_at(o, doc, b, n);
                memcpy(o, ",\"form\":", 8);
                o += 8;
                const cw_lit *l = CW_LIT_OF(cw_forms, m->form, TD_FORM_NAME);
                memcpy(o, l->q, sizeof l->q);
                o += l->n;
                *o++ = '}';
                if (k + 1 < e->mentions.n)
                    *o++ = ',';
                c->o = o;
                continue;
            }
            CW_LIT(c, "{");
            cw_span_text(c, doc, m->span);
            CW_LIT(c, ",\"form\":");
            cw_name(c, CW_LIT_OF(cw_forms, m->form, TD_FORM_NAME));
            if (k + 1 < e->mentions.n)
                CW_LIT(c, "},");
            else
                CW_LIT(c, "}");
        }
        CW_LIT(c, "]}");
    }
    CW_LIT(c, "]");
}

static void cw_quotes(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"quotes\":[");
    for (size_t i = 0; i < doc->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(doc->quotes, td_quote, i);
        if (i)
            CW_LIT(c, ",");
        CW_LIT(c, "{\"kind\":");
        cw_name(c, CW_LIT_OF(cw_quote_kinds, q->kind, TD_QUOTE_DIRECT));
        CW_LIT(c, ",");
        cw_span_text(c, doc, q->span);
        if (q->spans.n > 0) {
            CW_LIT(c, ",\"spans\":[");
            for (size_t k = 0; k < q->spans.n; k++) {
                if (k)
                    CW_LIT(c, ",");
                cw_span(c, doc, *TD_VEC_AT(q->spans, td_span, k));
            }
            CW_LIT(c, "]");
        }
        /* ,"speaker":{"entity":N,"name":"...","span":[s,e],"text":"..."},"cue":{...}}
         * at one check when it has a speaker and a cue */
        if (q->has_speaker && q->has_cue && q->speaker_entity >= 0) {
            td_span sb = cw_map(c, doc, q->speaker_span), cb = cw_map(c, doc, q->cue);
            size_t sn = sb.e - sb.s, cn = cb.e - cb.s;
            size_t nn = q->speaker_name ? strlen(q->speaker_name) : 0;
            if (nn < SIZE_MAX / 8 && sn < SIZE_MAX / 8 && cn < SIZE_MAX / 8 &&
                cw_fits(c, sn + cn + nn, 2 * 48 + 64)) {
                char *o = c->o;
                memcpy(o, ",\"speaker\":{\"entity\":", 21);
                o += 21;
                if (q->speaker_entity > 0) {
                    o = cw_u32(o, (uint32_t)q->speaker_entity);
                } else {
                    memcpy(o, "null", 4);
                    o += 4;
                }
                memcpy(o, ",\"name\":", 8);
                o += 8;
                if (q->speaker_name) {
                    o += td_json_escape_quoted(o, q->speaker_name, nn);
                } else {
                    memcpy(o, "null", 4);
                    o += 4;
                }
                *o++ = ',';
                o = cw_span_text_at(o, doc, sb, sn);
                memcpy(o, "},\"cue\":{", 9);
                o = cw_span_text_at(o + 9, doc, cb, cn);
                memcpy(o, "}}", 2);
                c->o = o + 2;
                continue;
            }
        }
        CW_LIT(c, ",\"speaker\":");
        if (q->has_speaker) {
            CW_LIT(c, "{\"entity\":");
            if (q->speaker_entity > 0)
                cw_int(c, q->speaker_entity);
            else
                CW_LIT(c, "null");
            CW_LIT(c, ",\"name\":");
            cw_cstr(c, q->speaker_name);
            CW_LIT(c, ",");
            cw_span_text(c, doc, q->speaker_span);
            CW_LIT(c, "}");
        } else {
            CW_LIT(c, "null");
        }
        CW_LIT(c, ",\"cue\":");
        if (q->has_cue) {
            CW_LIT(c, "{");
            cw_span_text(c, doc, q->cue);
            CW_LIT(c, "}}");
        } else {
            CW_LIT(c, "null}");
        }
    }
    CW_LIT(c, "]");
}

static void cw_times(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"times\":[");
    for (size_t i = 0; i < doc->times.n; i++) {
        const td_time *t = TD_VEC_AT(doc->times, td_time, i);
        /* {"span":[s,e],"text":"...","type":"...","value":"..." at one check */
        td_span b = cw_map(c, doc, t->span);
        size_t n = b.e - b.s, vn = t->value ? strlen(t->value) : 0;
        if (vn < SIZE_MAX / 8 && cw_fits(c, n + vn, 48 + 64)) {
            char *o = c->o;
            if (i)
                *o++ = ',';
            *o++ = '{';
            o = cw_span_text_at(o, doc, b, n);
            memcpy(o, ",\"type\":", 8);
            o += 8;
            const cw_lit *l = CW_LIT_OF(cw_time_types, t->type, TD_TIME_DATE);
            memcpy(o, l->q, sizeof l->q);
            o += l->n;
            memcpy(o, ",\"value\":", 9);
            o += 9;
            if (t->value) {
                o += td_json_escape_quoted(o, t->value, vn);
            } else {
                memcpy(o, "null", 4);
                o += 4;
            }
            c->o = o;
        } else {
            if (i)
                CW_LIT(c, ",{");
            else
                CW_LIT(c, "{");
            cw_span_text(c, doc, t->span);
            CW_LIT(c, ",\"type\":");
            cw_name(c, CW_LIT_OF(cw_time_types, t->type, TD_TIME_DATE));
            CW_LIT(c, ",\"value\":");
            cw_cstr(c, t->value);
        }
        CW_OPT(c, ",\"mod\":", t->mod);
        CW_LIT(c, "}");
    }
    CW_LIT(c, "]");
}

/* What "%.6g" writes for v when v is the double nearest to k / 10 for an
 * integer |k| < 10000 (every Goldstein score): then v rounded to six
 * digits is k / 10 exactly, in fixed notation, without trailing zeros.
 * Returns its length (at most 7 bytes in out), 0 for any other v. */
static size_t cw_tenths(double v, char *out)
{
    if (!(v > -1000.0 && v < 1000.0))
        return 0;
    long k = lround(v * 10.0);
    if ((double)k / 10.0 != v || (k == 0 && signbit(v)))
        return 0;
    char *o = out;
    if (k < 0) {
        *o++ = '-';
        k = -k;
    }
    char tmp[8], *e = tmp + sizeof tmp, *p = e;
    long ip = k / 10;
    do {
        *--p = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    memcpy(o, p, (size_t)(e - p));
    o += e - p;
    if (k % 10) {
        *o++ = '.';
        *o++ = (char)('0' + k % 10);
    }
    return (size_t)(o - out);
}

static void cw_events(cw *c, const td_doc *doc)
{
    CW_LIT(c, ",\"events\":[");
    for (size_t i = 0; i < doc->events.n; i++) {
        const td_event *ev = TD_VEC_AT(doc->events, td_event, i);
        if (i)
            CW_LIT(c, ",");
        CW_LIT(c, "{\"actor\":");
        cw_cstr(c, ev->actor);
        CW_LIT(c, ",\"target\":");
        cw_cstr(c, ev->target);
        CW_LIT(c, ",\"code\":");
        cw_cstr(c, ev->code);
        CW_LIT(c, ",");
        cw_span_text(c, doc, ev->span);
        if (ev->quad_class >= 0) {
            CW_LIT(c, ",\"quad_class\":");
            cw_int(c, ev->quad_class);
        }
        if (ev->has_goldstein) {
            /* what td_jw_num writes */
            CW_LIT(c, ",\"goldstein\":");
            char g[8];
            size_t gn;
            if (!isfinite(ev->goldstein)) {
                CW_LIT(c, "null");
            } else if ((gn = cw_tenths(ev->goldstein, g)) > 0) {
                cw_put(c, g, gn);
            } else {
                char tmp[40];
                int n = snprintf(tmp, sizeof tmp, "%.6g", ev->goldstein);
                for (int k = 0; k < n; k++)
                    if (tmp[k] == ',')
                        tmp[k] = '.';
                cw_put(c, tmp, n > 0 ? (size_t)n : 0);
            }
        }
        CW_LIT(c, "}");
    }
    CW_LIT(c, "]");
}

/* The body text (td_doc_body_text: the body lines with text, joined by
 * newlines) as one string, each line escaped straight into the record
 * with "\n" between them: the same bytes as the text built first and then
 * escaped, without building it. */
static td_status cw_body(cw *c, const td_doc *doc)
{
    const char *t = doc->norm ? doc->norm : doc->base;
    size_t tl = doc->norm ? doc->norm_len : doc->base_len, total = 0;
    bool ok = t != NULL && doc->blocks.n > 0;
    for (size_t i = 0; ok && i < doc->blocks.n; i++) {
        const td_block *bl = TD_DOC_BLOCK(doc, i);
        if (bl->kind == TD_BLOCK_BODY && bl->span.e > bl->span.s && bl->span.e <= tl)
            total += bl->span.e - bl->span.s + 1;
    }
    if (ok && total < (SIZE_MAX - 8) / 6 && c->st == TD_OK && c->o &&
        ((size_t)(c->end - c->o) >= total * 6 + 2 || cw_room(c, total * 6 + 2))) {
        char *o = c->o;
        *o++ = '"';
        bool any = false;
        for (size_t i = 0; i < doc->blocks.n; i++) {
            if (!td_doc_body_line(doc, i, t, tl))
                continue;
            const td_block *bl = TD_DOC_BLOCK(doc, i);
            if (any) {
                o[0] = '\\';
                o[1] = 'n';
                o += 2;
            }
            any = true;
            o += td_json_escape_raw(o, t + bl->span.s, bl->span.e - bl->span.s);
        }
        *o++ = '"';
        c->o = o;
        return TD_OK;
    }
    /* no blocks, or a capped buffer: build the text, then escape it */
    td_buf body;
    td_buf_init(&body, 0);
    td_status st = td_buf_reserve(&body, tl + doc->blocks.n);
    if (st == TD_OK)
        st = td_doc_body_text(doc, &body);
    if (st == TD_OK)
        cw_str(c, body.ptr ? body.ptr : "", body.len);
    td_buf_release(&body);
    return st;
}

static td_status write_compact(const td_doc *doc, td_buf *out)
{
    cw c; /* field by field: the index is filled by cw_index only as far as used */
    c.b = out;
    c.o = out->ptr ? out->ptr + out->len : NULL;
    c.end = out->ptr ? out->ptr + out->cap - 1 : NULL;
    c.st = TD_OK;
    cw_index(&c, doc);
    CW_LIT(&c, "{\"id\":");
    cw_cstr(&c, doc->id);
    CW_LIT(&c, ",\"lang\":");
    cw_cstr(&c, doc->lang);
    cw_source(&c, doc);
    CW_LIT(&c, ",\"title\":");
    cw_cstr(&c, doc->title);
    CW_LIT(&c, ",\"caption\":");
    cw_cstr(&c, doc->caption);

    CW_LIT(&c, ",\"text\":");
    td_status st = cw_body(&c, doc);
    if (st != TD_OK)
        return st;

    cw_blocks(&c, doc);
    cw_date(&c, doc);
    cw_entities(&c, doc);
    cw_quotes(&c, doc);
    cw_times(&c, doc);
    cw_events(&c, doc);
    if (doc->meta.n) {
        CW_LIT(&c, ",\"meta\":{");
        for (size_t i = 0; i < doc->meta.n; i++) {
            const td_kv *kv = TD_VEC_AT(doc->meta, td_kv, i);
            if (i)
                CW_LIT(&c, ",");
            /* as td_jw_keyn writes keys: short ones as they are, long
             * ones escaped */
            size_t kn = strlen(kv->key);
            if (kn + 4 <= 64) {
                CW_LIT(&c, "\"");
                cw_put(&c, kv->key, kn);
                CW_LIT(&c, "\":");
            } else {
                cw_str(&c, kv->key, kn);
                CW_LIT(&c, ":");
            }
            cw_cstr(&c, kv->value);
        }
        CW_LIT(&c, "}");
    }
    if (doc->warnings.n) {
        CW_LIT(&c, ",\"warnings\":[");
        for (size_t i = 0; i < doc->warnings.n; i++) {
            if (i)
                CW_LIT(&c, ",");
            cw_cstr(&c, *TD_VEC_AT(doc->warnings, const char *, i));
        }
        CW_LIT(&c, "]");
    }
    CW_LIT(&c, "}\n");
    if (c.st == TD_OK) {
        out->len = (size_t)(c.o - out->ptr);
        out->ptr[out->len] = '\0';
    }
    return c.st;
}

td_status td_record_write(const td_doc *doc, int flags, td_buf *out)
{
    if (!(flags & TD_RECORD_PRETTY)) {
        /* a record is a few times its text: grow once, not by doubling */
        td_status rs = td_buf_reserve(out, doc->base_len * 4 + 4096);
        return rs == TD_OK ? write_compact(doc, out) : rs;
    }
    /* the pretty record is the compact one re-indented */
    td_buf one;
    td_buf_init(&one, 0);
    td_status st = td_buf_reserve(&one, doc->base_len * 4 + 4096);
    if (st == TD_OK)
        st = write_compact(doc, &one);
    if (st == TD_OK)
        st = td_buf_reserve(out, out->len + one.len + one.len / 2);
    if (st == TD_OK)
        st = td_json_pretty(one.ptr, one.len - 1, out); /* without its '\n' */
    if (st == TD_OK)
        st = td_buf_putc(out, '\n');
    td_buf_release(&one);
    return st;
}
