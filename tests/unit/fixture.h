/*
 * fixture.h - shared set-up for unit tests that run the whole pipeline:
 * resources and one pipeline loaded once (fx_load), a document made from a
 * string and run through every stage (fx_run). Include after harness.h.
 */
#ifndef TD_FIXTURE_H
#define TD_FIXTURE_H

#include "doc.h"
#include "tidings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static td_resources *fx_res;
static td_pipeline *fx_pl;

/* 0 on success; prints why and returns 1 otherwise. */
static int fx_load(const td_options *opts)
{
    char *err = NULL;
    if (td_resources_load(opts, &fx_res, &err) != TD_OK || td_pipeline_new(fx_res, &fx_pl) != TD_OK) {
        fprintf(stderr, "cannot load resources: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    return 0;
}

static void fx_release(void)
{
    td_pipeline_free(fx_pl);
    td_resources_free(fx_res);
}

/* text (with an input date, or NULL) through the pipeline; NULL on failure. */
static td_doc *fx_run(const char *text, const char *date)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = strlen(text);
    in.date = date;
    td_doc *doc = NULL;
    if (td_doc_new(&in, &doc) != TD_OK)
        return NULL;
    if (td_pipeline_run(fx_pl, doc) != TD_OK) {
        td_doc_free(doc);
        return NULL;
    }
    return doc;
}

#endif
