/*
 * pipeline.c - the stages in data-flow order, the shared resources, and
 * what is done once all stages ran (id, ordering of the lists).
 */
#include "langid.h"
#include "reader.h"
#include "stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STAGE(n, eng) {#n, td_##n##_init, td_##n##_release, td_##n##_run, eng}

const td_stage td_stages[] = {
    STAGE(normalize, false), STAGE(layout, false), STAGE(segment, false),
    STAGE(time, false),      STAGE(docdate, false), STAGE(entities, true),
    STAGE(quotes, true),     STAGE(events, true),
};
const size_t td_stage_count = sizeof td_stages / sizeof td_stages[0];

#define MAX_TIMED_STAGES 16

struct td_pipeline {
    td_stage_ctx ctx;
    bool timing;
    double seconds[MAX_TIMED_STAGES]; /* by stage, while timing */
};

td_status td_resources_load(const td_options *opts, td_resources **out, char **err)
{
    if (err)
        *err = NULL;
    td_html_global_init();
    td_resources *res = calloc(1, sizeof *res);
    if (!res)
        return TD_ENOMEM;
    if (opts)
        res->opts = *opts;
    if (!res->opts.max_doc_bytes)
        res->opts.max_doc_bytes = TD_DEFAULT_MAX_DOC_BYTES;
    if (!res->opts.max_line_bytes)
        res->opts.max_line_bytes = TD_DEFAULT_MAX_LINE_BYTES;
    for (size_t i = 0; i < td_stage_count; i++) {
        if (!td_stages[i].init)
            continue;
        td_status st = td_stages[i].init(res, err);
        if (st != TD_OK) {
            td_resources_free(res);
            return st;
        }
    }
    *out = res;
    return TD_OK;
}

void td_resources_free(td_resources *res)
{
    if (!res)
        return;
    for (size_t i = td_stage_count; i-- > 0;)
        if (td_stages[i].release)
            td_stages[i].release(res);
    free(res);
}

td_status td_pipeline_new(const td_resources *res, td_pipeline **out)
{
    td_pipeline *pl = calloc(1, sizeof *pl);
    if (!pl)
        return TD_ENOMEM;
    pl->ctx.res = res;
    td_arena_init(&pl->ctx.scratch);
    if (!res->opts.skip_lang)
        pl->ctx.langid = td_langid_new();
    *out = pl;
    return TD_OK;
}

void td_pipeline_free(td_pipeline *pl)
{
    if (!pl)
        return;
    td_langid_free(pl->ctx.langid);
    td_stage_ctx_release(&pl->ctx);
    free(pl);
}

void td_stage_ctx_release(td_stage_ctx *ctx)
{
    td_arena_release(&ctx->scratch);
    for (size_t i = 0; i < sizeof ctx->stage_state / sizeof ctx->stage_state[0]; i++) {
        free(ctx->stage_state[i]);
        ctx->stage_state[i] = NULL;
    }
}

/* ---- finishing --------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* id: the input's, else the URL, else a hash of the normalised body. */
static td_status assign_id(td_doc *doc)
{
    if (doc->id && *doc->id)
        return TD_OK;
    if (doc->url && *doc->url) {
        doc->id = doc->url;
        return TD_OK;
    }
    uint64_t h = 1469598103934665603ull;
    bool any = false;
    for (size_t i = 0; i < doc->blocks.n; i++) {
        const td_block *b = TD_DOC_BLOCK(doc, i);
        if (b->kind != TD_BLOCK_BODY)
            continue;
        h = fnv1a(h, doc->norm + b->span.s, b->span.e - b->span.s);
        h = fnv1a(h, "\n", 1);
        any = true;
    }
    if (!any && doc->norm)
        h = fnv1a(h, doc->norm, doc->norm_len);
    doc->id = td_arena_printf(&doc->arena, "h%016llx", (unsigned long long)h);
    return doc->id ? TD_OK : TD_ENOMEM;
}

static int cmp_span(td_span a, td_span b)
{
    if (a.s != b.s)
        return a.s < b.s ? -1 : 1;
    if (a.e != b.e)
        return a.e < b.e ? -1 : 1;
    return 0;
}

static int cmp_quote(const void *x, const void *y)
{
    const td_quote *a = x, *b = y;
    int c = cmp_span(a->span, b->span);
    if (c)
        return c;
    return (int)a->kind - (int)b->kind;
}

static int cmp_time(const void *x, const void *y)
{
    const td_time *a = x, *b = y;
    return cmp_span(a->span, b->span);
}

static int cmp_event(const void *x, const void *y)
{
    const td_event *a = x, *b = y;
    int c = cmp_span(a->span, b->span);
    if (c)
        return c;
    c = strcmp(a->code ? a->code : "", b->code ? b->code : "");
    if (c)
        return c;
    c = strcmp(a->actor ? a->actor : "", b->actor ? b->actor : "");
    if (c)
        return c;
    return strcmp(a->target ? a->target : "", b->target ? b->target : "");
}

static int cmp_mention(const void *x, const void *y)
{
    const td_mention *a = x, *b = y;
    return cmp_span(a->span, b->span);
}

/* Sort n items of sz bytes by cmp, stably. The lists come from the stages
 * mostly in order already: a first pass checks that (no call to qsort, no
 * buffer), a short list out of order is finished by insertion, and only a
 * long one goes to qsort. glibc's qsort is a merge sort here (stable), so
 * the order of equal items is the same either way. */
static void sort_items(void *items, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
    char *a = items;
    size_t i = 1;
    while (i < n && cmp(a + (i - 1) * sz, a + i * sz) <= 0)
        i++;
    if (i >= n)
        return;
    _Alignas(16) unsigned char tmp[256];
    if (n > 32 || sz > sizeof tmp) {
        qsort(items, n, sz, cmp);
        return;
    }
    for (; i < n; i++) {
        if (cmp(a + (i - 1) * sz, a + i * sz) <= 0)
            continue;
        memcpy(tmp, a + i * sz, sz);
        size_t j = i;
        do {
            memcpy(a + j * sz, a + (j - 1) * sz, sz);
            j--;
        } while (j > 0 && cmp(a + (j - 1) * sz, tmp) > 0);
        memcpy(a + j * sz, tmp, sz);
    }
}

static void finish(td_doc *doc)
{
    sort_items(doc->quotes.items, doc->quotes.n, sizeof(td_quote), cmp_quote);
    sort_items(doc->times.items, doc->times.n, sizeof(td_time), cmp_time);
    sort_items(doc->events.items, doc->events.n, sizeof(td_event), cmp_event);
    for (size_t i = 0; i < doc->entities.n; i++) {
        td_entity *e = TD_VEC_AT(doc->entities, td_entity, i);
        sort_items(e->mentions.items, e->mentions.n, sizeof(td_mention), cmp_mention);
    }
}

void td_pipeline_set_timing(td_pipeline *pl, bool on)
{
    pl->timing = on;
}

size_t td_pipeline_stage_count(void)
{
    return td_stage_count;
}

const char *td_pipeline_stage_name(size_t i)
{
    return i < td_stage_count ? td_stages[i].name : NULL;
}

double td_pipeline_stage_seconds(const td_pipeline *pl, size_t i)
{
    return i < td_stage_count && i < MAX_TIMED_STAGES ? pl->seconds[i] : 0;
}

/* The calling thread's CPU time in seconds (0 where it cannot be read). */
static double thread_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

td_status td_pipeline_run(td_pipeline *pl, td_doc *doc)
{
    td_status st = TD_OK;
    for (size_t i = 0; i < td_stage_count && st == TD_OK; i++) {
        const td_stage *s = &td_stages[i];
        if (s->english_only && !doc->english)
            continue;
        if (pl->timing && i < MAX_TIMED_STAGES) {
            double t0 = thread_seconds();
            st = s->run(&pl->ctx, doc);
            pl->seconds[i] += thread_seconds() - t0;
        } else {
            st = s->run(&pl->ctx, doc);
        }
        td_arena_reset(&pl->ctx.scratch);
    }
    if (st == TD_OK)
        st = assign_id(doc);
    if (st == TD_OK)
        finish(doc);
    return st;
}
