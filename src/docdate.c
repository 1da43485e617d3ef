/*
 * docdate.c - the docdate stage (placeholder: fills nothing yet).
 */
#include "stage.h"

td_status td_docdate_init(td_resources *res, char **err)
{
    (void)res;
    (void)err;
    return TD_OK;
}

void td_docdate_release(td_resources *res) { (void)res; }

td_status td_docdate_run(td_stage_ctx *ctx, td_doc *doc)
{
    (void)ctx;
    (void)doc;
    return TD_OK;
}
