/*
 * store_clone.c - a copy of a processed document holding what
 * td_store_put() reads (store.h), so that a writer thread can store it
 * while the pipeline goes on with the next documents. Keep it in step with
 * store_sqlite.c: a field the store reads must be copied here.
 */
#include "store.h"

#include <string.h>

static const char *dup(td_arena *a, const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = td_arena_strdup(a, s);
    if (!d)
        *ok = false;
    return d;
}

/* Copy the items of a vector of n elements of size sz. */
static void copy_vec(td_arena *a, td_vec *dst, const td_vec *src, size_t sz, bool *ok)
{
    memset(dst, 0, sizeof *dst);
    if (src->n == 0)
        return;
    dst->items = td_arena_alloc(a, src->n * sz);
    if (!dst->items) {
        *ok = false;
        return;
    }
    memcpy(dst->items, src->items, src->n * sz);
    dst->n = dst->cap = src->n;
}

static void *copy_bytes(td_arena *a, const void *p, size_t n, bool *ok)
{
    if (!p || n == 0)
        return NULL;
    void *d = td_arena_alloc(a, n);
    if (!d)
        *ok = false;
    else
        memcpy(d, p, n);
    return d;
}

static void copy_facts(td_doc *c, const td_doc *d, bool *ok)
{
    td_arena *a = &c->arena;
    copy_vec(a, &c->entities, &d->entities, sizeof(td_entity), ok);
    for (size_t i = 0; i < c->entities.n && *ok; i++) {
        td_entity *e = TD_VEC_AT(c->entities, td_entity, i);
        const td_entity *o = TD_VEC_AT(d->entities, td_entity, i);
        e->name = dup(a, o->name, ok);
        e->role = dup(a, o->role, ok);
        e->acronym = dup(a, o->acronym, ok);
        e->cameo = dup(a, o->cameo, ok);
        copy_vec(a, &e->mentions, &o->mentions, sizeof(td_mention), ok);
    }
    copy_vec(a, &c->quotes, &d->quotes, sizeof(td_quote), ok);
    for (size_t i = 0; i < c->quotes.n && *ok; i++) {
        td_quote *q = TD_VEC_AT(c->quotes, td_quote, i);
        const td_quote *o = TD_VEC_AT(d->quotes, td_quote, i);
        q->speaker_name = dup(a, o->speaker_name, ok);
        copy_vec(a, &q->spans, &o->spans, sizeof(td_span), ok);
    }
    copy_vec(a, &c->times, &d->times, sizeof(td_time), ok);
    for (size_t i = 0; i < c->times.n && *ok; i++) {
        td_time *t = TD_VEC_AT(c->times, td_time, i);
        const td_time *o = TD_VEC_AT(d->times, td_time, i);
        t->value = dup(a, o->value, ok);
        t->mod = dup(a, o->mod, ok);
    }
    copy_vec(a, &c->events, &d->events, sizeof(td_event), ok);
    for (size_t i = 0; i < c->events.n && *ok; i++) {
        td_event *e = TD_VEC_AT(c->events, td_event, i);
        const td_event *o = TD_VEC_AT(d->events, td_event, i);
        e->actor = dup(a, o->actor, ok);
        e->target = dup(a, o->target, ok);
        e->code = dup(a, o->code, ok);
    }
}

td_status td_store_doc_clone(const td_doc *d, td_doc **out)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = d->base ? d->base : "";
    in.text_len = d->base ? d->base_len : 0;
    in.id = d->id;
    in.title = d->in_title;
    in.date = d->in_date;
    in.url = d->url;
    in.path = d->path;
    in.offset = d->offset;
    in.line = d->line;
    td_doc *c = NULL;
    td_status st = td_doc_new(&in, &c);
    if (st != TD_OK)
        return st;
    bool ok = true;
    td_arena *a = &c->arena;
    c->warc_record_id = dup(a, d->warc_record_id, &ok);
    memcpy(c->lang, d->lang, sizeof c->lang);
    c->title = dup(a, d->title, &ok);
    c->caption = dup(a, d->caption, &ok);
    c->norm = copy_bytes(a, d->norm, d->norm_len + 1, &ok);
    c->norm_len = d->norm ? d->norm_len : 0;
    c->map_n = d->map_n;
    c->map_norm = copy_bytes(a, d->map_norm, d->map_n * sizeof(uint32_t), &ok);
    c->map_base = copy_bytes(a, d->map_base, d->map_n * sizeof(uint32_t), &ok);
    copy_vec(a, &c->blocks, &d->blocks, sizeof(td_block), &ok);
    c->date = d->date;
    c->date.value = dup(a, d->date.value, &ok);
    c->date.source = dup(a, d->date.source, &ok);
    c->date.header = dup(a, d->date.header, &ok);
    c->date.note = dup(a, d->date.note, &ok);
    copy_facts(c, d, &ok);
    if (!ok) {
        td_doc_free(c);
        return TD_ENOMEM;
    }
    *out = c;
    return TD_OK;
}
