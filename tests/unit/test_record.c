/*
 * test_record.c - the record writer (record.c): the compact record into a
 * capped buffer (td_buf max) holds the same bytes as into an uncapped one
 * whenever they fit, and is refused (TD_ETOOBIG) when they do not; every
 * span of a long text whose norm offsets differ from its base offsets is
 * written as td_doc_span_to_base() maps it; the body text is its lines
 * joined by newlines; the names of kinds, types and forms are doc.c's.
 */
#include "harness.h"
#include "fixture.h"

#include "buf.h"

/* Fill text with copies of s while they fit in under `upto` bytes; its
 * length. */
static size_t repeat(char *text, const char *s, size_t upto)
{
    size_t n = 0, sl = strlen(s);
    while (n + sl < upto) {
        memcpy(text + n, s, sl);
        n += sl;
    }
    text[n] = 0;
    return n;
}

TEST(capped_buffer)
{
    /* plain text of 3,500 bytes: the record fits a buffer of base_len * 4 +
     * 4096 bytes (what td_record_write reserves), the worst case of its
     * escaped body (6 bytes a byte) does not */
    char text[4096];
    size_t n = repeat(text, "Officials met in Vienna on Monday, March 3, 2008 to talk. ", 3500);
    td_doc *doc = fx_run(text, "2008-03-04");
    CHECK(doc != NULL);
    if (!doc)
        return;
    td_buf free_b, capped;
    td_buf_init(&free_b, 0);
    CHECK(td_record_write(doc, 0, &free_b) == TD_OK);
    CHECK(free_b.len > n);
    CHECK(strstr(free_b.ptr, "\"times\":[{") != NULL);

    td_buf_init(&capped, n * 4 + 4096);
    CHECK(td_record_write(doc, 0, &capped) == TD_OK);
    CHECK(capped.len == free_b.len && capped.ptr &&
          memcmp(capped.ptr, free_b.ptr, free_b.len) == 0);
    td_buf_release(&capped);

    td_buf_init(&capped, free_b.len - 1); /* one byte short */
    CHECK(td_record_write(doc, 0, &capped) == TD_ETOOBIG);
    td_buf_release(&capped);

    td_buf_release(&free_b);
    td_doc_free(doc);
}

/* `"span":[s,e],"text":` of sp mapped to base, found in rec after *from
 * (spans of a list come in order); advances *from. */
static int has_span(const char *rec, const char **from, const td_doc *doc, td_span sp)
{
    td_span b = td_doc_span_to_base(doc, sp);
    char want[64];
    snprintf(want, sizeof want, "\"span\":[%u,%u],\"text\":", (unsigned)b.s, (unsigned)b.e);
    const char *at = strstr(*from, want);
    if (!at)
        return 0;
    *from = at + 1;
    (void)rec;
    return 1;
}

TEST(spans_mapped)
{
    /* about 60 KB (many buckets of the writer's index, more than 64 bytes
     * each), with a decomposed e + U+0301 in every sentence: NFC makes it
     * one character, so norm offsets drift from base ones all along */
    static char text[70000];
    size_t n = repeat(text,
                      "Jose\xCC\x81 Lavrov said on Monday that Russia and China met in Vienna.\n",
                      60000);
    td_doc *doc = fx_run(text, "2008-03-04");
    CHECK(doc != NULL);
    if (!doc)
        return;
    CHECK(doc->map_n > 100);
    CHECK(doc->norm_len < n);
    td_buf rec;
    td_buf_init(&rec, 0);
    CHECK(td_record_write(doc, 0, &rec) == TD_OK);
    size_t spans = 0, found = 0;
    const char *from = rec.ptr ? rec.ptr : "";
    for (size_t i = 0; i < doc->entities.n && rec.ptr; i++) {
        const td_entity *e = TD_VEC_AT(doc->entities, td_entity, i);
        for (size_t k = 0; k < e->mentions.n; k++, spans++)
            found += (size_t)has_span(rec.ptr, &from, doc, TD_VEC_AT(e->mentions, td_mention, k)->span);
    }
    for (size_t i = 0; i < doc->times.n && rec.ptr; i++, spans++)
        found += (size_t)has_span(rec.ptr, &from, doc, TD_VEC_AT(doc->times, td_time, i)->span);
    CHECK(spans > 1000);
    CHECK(found == spans);

    /* the body text: the lines, NFC, one "\n" between them */
    const char *body = rec.ptr ? strstr(rec.ptr, ",\"text\":\"Jos\xC3\xA9 Lavrov said") : NULL;
    CHECK(body != NULL);
    CHECK(body && strstr(body, "Vienna.\\nJos\xC3\xA9 Lavrov") != NULL);
    CHECK(body && strstr(body, "Vienna.\",\"blocks\"") != NULL);
    td_buf_release(&rec);
    td_doc_free(doc);
}

/* rec holds "<key>":"<name>" (name as doc.c's td_*_name writes it). */
static int has_name(const char *rec, const char *key, const char *name)
{
    char want[64];
    snprintf(want, sizeof want, "\"%s\":\"%s\"", key, name);
    return rec && strstr(rec, want) != NULL;
}

/* The record's names of kinds, types and forms are those of doc.c's
 * td_*_name functions, for every value and for one out of range. */
TEST(names_as_doc)
{
    td_doc *doc = fx_run("Sergey Lavrov said on Monday that Russia would stay in Vienna.\n",
                         "2008-03-04");
    CHECK(doc != NULL);
    if (!doc)
        return;
    CHECK(doc->entities.n > 0 && doc->times.n > 0 && doc->quotes.n > 0 && doc->blocks.n > 0);
    if (!doc->entities.n || !doc->times.n || !doc->quotes.n || !doc->blocks.n) {
        td_doc_free(doc);
        return;
    }
    td_entity *e = TD_VEC_AT(doc->entities, td_entity, 0);
    td_mention *m = TD_VEC_AT(e->mentions, td_mention, 0);
    td_time *t = TD_VEC_AT(doc->times, td_time, 0);
    td_quote *q = TD_VEC_AT(doc->quotes, td_quote, 0);
    td_block *b = TD_DOC_BLOCK(doc, doc->blocks.n - 1);
    td_block_kind b0 = b->kind;
    for (int v = 0; v <= 8; v++) {
        m->form = (td_mention_form)v;
        e->type = (td_entity_type)v;
        t->type = (td_time_type)v;
        q->kind = (td_quote_kind)v;
        b->kind = (td_block_kind)v;
        td_buf rec;
        td_buf_init(&rec, 0);
        CHECK(td_record_write(doc, 0, &rec) == TD_OK);
        CHECK(has_name(rec.ptr, "form", td_mention_form_name(m->form)));
        CHECK(has_name(rec.ptr, "type", td_entity_type_name(e->type)));
        CHECK(has_name(rec.ptr, "type", td_time_type_name(t->type)));
        CHECK(has_name(rec.ptr, "kind", td_quote_kind_name(q->kind)));
        CHECK(has_name(rec.ptr, "kind", td_block_kind_name(b->kind)));
        td_buf_release(&rec);
    }
    b->kind = b0;
    td_doc_free(doc);
}

/* Numbers as printf writes them: every power of ten and the number before
 * it up to 10^10 (the writer counts the digits of a 32-bit value from its
 * bit length), 0, and the 32-bit maximum and beyond. */
TEST(numbers_as_printf)
{
    td_doc *doc = fx_run("Officials met in Vienna on Monday.\n", NULL);
    CHECK(doc != NULL);
    if (!doc)
        return;
    uint64_t vals[40];
    size_t nv = 0;
    vals[nv++] = 0;
    for (uint64_t p = 10; p <= 10000000000ull; p *= 10) {
        vals[nv++] = p - 1;
        vals[nv++] = p;
    }
    vals[nv++] = 4294967295ull;
    vals[nv++] = 4294967296ull;
    vals[nv++] = 1234567891ull;
    size_t ok = 0;
    for (size_t i = 0; i < nv; i++) {
        doc->offset = vals[i];
        doc->line = (long)(vals[i] % 1000000007ull) + 1;
        td_buf rec;
        td_buf_init(&rec, 0);
        CHECK(td_record_write(doc, 0, &rec) == TD_OK);
        char want[96];
        snprintf(want, sizeof want, "\"offset\":%llu,\"line\":%ld,", (unsigned long long)vals[i],
                 doc->line);
        ok += rec.ptr && strstr(rec.ptr, want) != NULL;
        td_buf_release(&rec);
    }
    CHECK(ok == nv);
    td_doc_free(doc);
}

int main(void)
{
    if (fx_load(NULL))
        return 1;
    RUN(capped_buffer);
    RUN(spans_mapped);
    RUN(names_as_doc);
    RUN(numbers_as_printf);
    fx_release();
    return DONE();
}
