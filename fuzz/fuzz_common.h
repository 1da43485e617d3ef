/* fuzz_common.h - shared set-up for the libFuzzer targets: resources and a
 * pipeline loaded once, a check that every span of a record lies in the
 * base text and repeats it. Any violation aborts (a finding). */
#ifndef TD_FUZZ_COMMON_H
#define TD_FUZZ_COMMON_H

#include "doc.h"
#include "tidings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static td_resources *fz_res;
static td_pipeline *fz_pl;

static void fz_init(void)
{
    if (fz_res)
        return;
    td_options o;
    memset(&o, 0, sizeof o);
    char *err = NULL;
    if (td_resources_load(&o, &fz_res, &err) != TD_OK || td_pipeline_new(fz_res, &fz_pl) != TD_OK) {
        fprintf(stderr, "fuzz: cannot load resources: %s\n", err ? err : "?");
        abort();
    }
}

static void fz_check_span(const td_doc *d, td_span sp)
{
    if (sp.s > sp.e || sp.e > d->norm_len)
        abort();
    td_span b = td_doc_span_to_base(d, sp);
    if (b.s > b.e || b.e > d->base_len)
        abort();
}

/* Run the pipeline and the record writer; check every span. */
static void fz_process(td_doc *d)
{
    if (td_pipeline_run(fz_pl, d) != TD_OK)
        return;
    for (size_t i = 0; i < d->blocks.n; i++)
        fz_check_span(d, TD_DOC_BLOCK(d, i)->span);
    for (size_t i = 0; i < d->toks.n; i++)
        fz_check_span(d, TD_DOC_TOK(d, i)->span);
    for (size_t i = 0; i < d->quotes.n; i++)
        fz_check_span(d, TD_VEC_AT(d->quotes, td_quote, i)->span);
    for (size_t i = 0; i < d->times.n; i++)
        fz_check_span(d, TD_VEC_AT(d->times, td_time, i)->span);
    for (size_t i = 0; i < d->entities.n; i++) {
        td_entity *e = TD_VEC_AT(d->entities, td_entity, i);
        for (size_t k = 0; k < e->mentions.n; k++)
            fz_check_span(d, TD_VEC_AT(e->mentions, td_mention, k)->span);
    }
    td_buf b = {0};
    if (td_record_write(d, 0, &b) != TD_OK)
        abort();
    free(b.ptr);
}

#endif
