/*
 * read_warc.c - WARC and WARC.gz (placeholder until the HTML/WARC issue
 * lands: refuses WARC input with a clear error).
 */
#include "reader.h"

td_status td_read_warc_next(td_reader *rd, td_doc **out)
{
    (void)out;
    if (rd->done)
        return TD_EOF;
    rd->done = true;
    td_reader_set_error(rd, "%s: WARC input is not supported yet", td_reader_name(rd));
    return TD_EFORMAT;
}

void td_read_warc_free(td_reader *rd) { (void)rd; }
