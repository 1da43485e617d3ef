/*
 * read_html.c - HTML pages: encoding, parsing (libxml2), main-text
 * extraction and page metadata. (Placeholder until the HTML issue lands:
 * refuses HTML with a clear error.)
 */
#include "reader.h"

#include <string.h>

td_status td_html_to_doc(const char *html, size_t len, const char *charset,
                         const td_doc_input *meta, td_doc **out, const char **err)
{
    (void)html;
    (void)len;
    (void)charset;
    (void)meta;
    (void)out;
    *err = "HTML input is not supported yet";
    return TD_EFORMAT;
}

td_status td_read_html_next(td_reader *rd, td_doc **out)
{
    if (rd->done)
        return TD_EOF;
    rd->done = true;
    td_buf b;
    td_buf_init(&b, rd->opts.max_doc_bytes);
    size_t got;
    td_status st = td_source_read(rd->src, rd->opts.max_doc_bytes + 1, &b, &got);
    if (st == TD_OK && got > rd->opts.max_doc_bytes)
        st = TD_ETOOBIG;
    if (st != TD_OK) {
        td_reader_set_error(rd, "%s: %s", td_reader_name(rd), td_strerror(st));
        td_buf_release(&b);
        return st;
    }
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.path = td_reader_name(rd);
    const char *err = NULL;
    st = td_html_to_doc(b.ptr ? b.ptr : "", b.len, NULL, &in, out, &err);
    if (st != TD_OK)
        td_reader_set_error(rd, "%s: %s", td_reader_name(rd), err ? err : td_strerror(st));
    td_buf_release(&b);
    return st;
}
