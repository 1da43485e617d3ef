/*
 * quotes.c - the quotes stage (placeholder: fills nothing yet).
 */
#include "stage.h"

td_status td_quotes_init(td_resources *res, char **err)
{
    (void)res;
    (void)err;
    return TD_OK;
}

void td_quotes_release(td_resources *res) { (void)res; }

td_status td_quotes_run(td_stage_ctx *ctx, td_doc *doc)
{
    (void)ctx;
    (void)doc;
    return TD_OK;
}
