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

#include <string.h>

static void span(td_json_w *w, const td_doc *doc, td_span sp)
{
    td_span b = td_doc_span_to_base(doc, sp);
    td_jw_span(w, b.s, b.e);
}

static void span_and_text(td_json_w *w, const td_doc *doc, td_span sp)
{
    td_span b = td_doc_span_to_base(doc, sp);
    td_jw_key(w, "span");
    td_jw_span(w, b.s, b.e);
    td_jw_key(w, "text");
    td_jw_str(w, doc->base + b.s, b.e - b.s);
}

static void write_source(td_json_w *w, const td_doc *doc)
{
    td_jw_key(w, "source");
    td_jw_obj(w);
    td_jw_kstr(w, "path", doc->path);
    td_jw_kint(w, "offset", (long long)doc->offset);
    td_jw_key(w, "line");
    if (doc->line > 0)
        td_jw_int(w, doc->line);
    else
        td_jw_null(w);
    td_jw_kstr(w, "url", doc->url);
    td_jw_kstr(w, "warc_record_id", doc->warc_record_id);
    td_jw_obj_end(w);
}

static void write_entities(td_json_w *w, const td_doc *doc)
{
    td_jw_key(w, "entities");
    td_jw_arr(w);
    for (size_t i = 0; i < doc->entities.n; i++) {
        const td_entity *e = TD_VEC_AT(doc->entities, td_entity, i);
        td_jw_obj(w);
        td_jw_kint(w, "id", e->id);
        td_jw_kstr(w, "type", td_entity_type_name(e->type));
        td_jw_kstr(w, "name", e->name);
        if (e->role)
            td_jw_kstr(w, "role", e->role);
        if (e->country[0])
            td_jw_kstr(w, "country", e->country);
        if (e->acronym)
            td_jw_kstr(w, "acronym", e->acronym);
        if (e->cameo)
            td_jw_kstr(w, "cameo", e->cameo);
        td_jw_key(w, "mentions");
        td_jw_arr(w);
        for (size_t k = 0; k < e->mentions.n; k++) {
            const td_mention *m = TD_VEC_AT(e->mentions, td_mention, k);
            td_jw_obj(w);
            span_and_text(w, doc, m->span);
            td_jw_kstr(w, "form", td_mention_form_name(m->form));
            td_jw_obj_end(w);
        }
        td_jw_arr_end(w);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void write_quotes(td_json_w *w, const td_doc *doc)
{
    td_jw_key(w, "quotes");
    td_jw_arr(w);
    for (size_t i = 0; i < doc->quotes.n; i++) {
        const td_quote *q = TD_VEC_AT(doc->quotes, td_quote, i);
        td_jw_obj(w);
        td_jw_kstr(w, "kind", td_quote_kind_name(q->kind));
        span_and_text(w, doc, q->span);
        if (q->spans.n > 0) {
            td_jw_key(w, "spans");
            td_jw_arr(w);
            for (size_t k = 0; k < q->spans.n; k++)
                span(w, doc, *TD_VEC_AT(q->spans, td_span, k));
            td_jw_arr_end(w);
        }
        td_jw_key(w, "speaker");
        if (q->has_speaker) {
            td_jw_obj(w);
            td_jw_key(w, "entity");
            if (q->speaker_entity > 0)
                td_jw_int(w, q->speaker_entity);
            else
                td_jw_null(w);
            td_jw_kstr(w, "name", q->speaker_name);
            span_and_text(w, doc, q->speaker_span);
            td_jw_obj_end(w);
        } else {
            td_jw_null(w);
        }
        td_jw_key(w, "cue");
        if (q->has_cue) {
            td_jw_obj(w);
            span_and_text(w, doc, q->cue);
            td_jw_obj_end(w);
        } else {
            td_jw_null(w);
        }
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void write_times(td_json_w *w, const td_doc *doc)
{
    td_jw_key(w, "times");
    td_jw_arr(w);
    for (size_t i = 0; i < doc->times.n; i++) {
        const td_time *t = TD_VEC_AT(doc->times, td_time, i);
        td_jw_obj(w);
        span_and_text(w, doc, t->span);
        td_jw_kstr(w, "type", td_time_type_name(t->type));
        td_jw_kstr(w, "value", t->value);
        if (t->mod)
            td_jw_kstr(w, "mod", t->mod);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void write_events(td_json_w *w, const td_doc *doc)
{
    td_jw_key(w, "events");
    td_jw_arr(w);
    for (size_t i = 0; i < doc->events.n; i++) {
        const td_event *ev = TD_VEC_AT(doc->events, td_event, i);
        td_jw_obj(w);
        td_jw_kstr(w, "actor", ev->actor);
        td_jw_kstr(w, "target", ev->target);
        td_jw_kstr(w, "code", ev->code);
        span_and_text(w, doc, ev->span);
        if (ev->quad_class >= 0)
            td_jw_kint(w, "quad_class", ev->quad_class);
        if (ev->has_goldstein) {
            td_jw_key(w, "goldstein");
            td_jw_num(w, ev->goldstein);
        }
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

td_status td_record_write(const td_doc *doc, int flags, td_buf *out)
{
    td_json_w w;
    td_jw_init(&w, out, (flags & TD_RECORD_PRETTY) != 0);
    /* a record is a few times its text: grow once, not by doubling */
    td_status rs = td_buf_reserve(out, doc->base_len * 4 + 4096);
    if (rs != TD_OK)
        return rs;
    td_jw_obj(&w);
    td_jw_kstr(&w, "id", doc->id);
    td_jw_kstr(&w, "lang", doc->lang);
    write_source(&w, doc);
    td_jw_kstr(&w, "title", doc->title);
    td_jw_kstr(&w, "caption", doc->caption);

    td_buf body;
    td_buf_init(&body, 0);
    /* the body text is at most the text and a newline a block: size once */
    td_status st = td_buf_reserve(&body, (doc->norm ? doc->norm_len : doc->base_len) + doc->blocks.n);
    if (st == TD_OK)
        st = td_doc_body_text(doc, &body);
    if (st != TD_OK) {
        td_buf_release(&body);
        return st;
    }
    td_jw_key(&w, "text");
    td_jw_str(&w, body.ptr ? body.ptr : "", body.len);
    td_buf_release(&body);

    td_jw_key(&w, "blocks");
    td_jw_arr(&w);
    for (size_t i = 0; i < doc->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(doc, i);
        td_jw_obj(&w);
        td_jw_kstr(&w, "kind", td_block_kind_name(b->kind));
        td_jw_key(&w, "span");
        span(&w, doc, b->span);
        td_jw_obj_end(&w);
    }
    td_jw_arr_end(&w);

    td_jw_key(&w, "boilerplate");
    td_jw_arr(&w);
    for (size_t i = 0; i < doc->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(doc, i);
        if (b->kind == TD_BLOCK_BOILERPLATE) {
            /* as written in the input: boilerplate is not read, only shown */
            td_span bs = td_doc_span_to_base(doc, b->span);
            td_jw_str(&w, doc->base + bs.s, bs.e - bs.s);
        }
    }
    td_jw_arr_end(&w);

    td_jw_key(&w, "date");
    td_jw_obj(&w);
    td_jw_kstr(&w, "value", doc->date.value);
    td_jw_kstr(&w, "precision", td_precision_name(doc->date.value ? doc->date.precision : TD_PREC_UNKNOWN));
    td_jw_kstr(&w, "source", doc->date.source);
    td_jw_kstr(&w, "header", doc->date.header);
    td_jw_kstr(&w, "note", doc->date.note);
    td_jw_obj_end(&w);

    write_entities(&w, doc);
    write_quotes(&w, doc);
    write_times(&w, doc);
    write_events(&w, doc);

    if (doc->meta.n) {
        td_jw_key(&w, "meta");
        td_jw_obj(&w);
        for (size_t i = 0; i < doc->meta.n; i++) {
            const td_kv *kv = TD_VEC_AT(doc->meta, td_kv, i);
            td_jw_kstr(&w, kv->key, kv->value);
        }
        td_jw_obj_end(&w);
    }
    if (doc->warnings.n) {
        td_jw_key(&w, "warnings");
        td_jw_arr(&w);
        for (size_t i = 0; i < doc->warnings.n; i++)
            td_jw_cstr(&w, *TD_VEC_AT(doc->warnings, const char *, i));
        td_jw_arr_end(&w);
    }
    td_jw_obj_end(&w);
    if (w.st == TD_OK)
        w.st = td_buf_putc(out, '\n');
    return w.st;
}
