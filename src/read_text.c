/*
 * read_text.c - plain text in the crawler layout.
 *
 * A line " date YYYY-MM-DD <caption>" starts a document; one file may hold
 * many documents one after another; a file without such a line is one
 * document. A document's base text runs from the first byte of its header
 * line to the byte before the newline that precedes the next header (the
 * layout stage reads the header line itself).
 */
#include "reader.h"

#include <string.h>

bool td_text_is_header(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (len - i < 15 || memcmp(line + i, "date ", 5) != 0)
        return false;
    const char *d = line + i + 5;
    for (int k = 0; k < 10; k++) {
        if (k == 4 || k == 7) {
            if (d[k] != '-')
                return false;
        } else if (d[k] < '0' || d[k] > '9') {
            return false;
        }
    }
    return len - i == 15 || d[10] == ' ' || d[10] == '\t' || d[10] == '\r';
}

td_status td_read_text_next(td_reader *rd, td_doc **out)
{
    if (rd->done)
        return TD_EOF;
    size_t max = rd->opts.max_doc_bytes;
    td_buf doc;
    td_buf_init(&doc, 0);
    uint64_t start_off = 0;
    long start_line = 0;
    bool have_start = false;
    bool too_big = false;
    td_status st;

    if (rd->has_pending) {
        st = td_buf_append(&doc, rd->pending.ptr, rd->pending.len);
        if (st != TD_OK)
            goto out_release;
        start_off = rd->pending_off;
        start_line = rd->pending_line;
        have_start = true;
        rd->has_pending = false;
    }
    for (;;) {
        const char *line;
        size_t len;
        uint64_t off;
        st = td_source_line(rd->src, max, &line, &len, &off);
        if (st == TD_EOF) {
            rd->done = true;
            break;
        }
        rd->lineno++;
        if (st == TD_ETOOBIG) {
            too_big = true;
            if (!have_start) {
                start_off = off;
                start_line = rd->lineno;
                have_start = true;
            }
            continue;
        }
        if (st != TD_OK) {
            td_reader_set_error(rd, "%s: byte %llu: %s", td_reader_name(rd),
                                (unsigned long long)td_source_offset(rd->src),
                                td_source_error(rd->src) ? td_source_error(rd->src)
                                                         : td_strerror(st));
            rd->done = true;
            goto out_release;
        }
        if (td_text_is_header(line, len) && have_start) {
            td_buf_clear(&rd->pending);
            st = td_buf_append(&rd->pending, line, len);
            if (st != TD_OK)
                goto out_release;
            rd->pending_off = off;
            rd->pending_line = rd->lineno;
            rd->has_pending = true;
            break;
        }
        if (!have_start) {
            start_off = off;
            start_line = rd->lineno;
            have_start = true;
        } else if (!too_big) {
            st = td_buf_putc(&doc, '\n');
            if (st != TD_OK)
                goto out_release;
        }
        if (too_big || doc.len + len > max) {
            too_big = true;
            continue;
        }
        st = td_buf_append(&doc, line, len);
        if (st != TD_OK)
            goto out_release;
    }
    if (!have_start) {
        st = TD_EOF;
        goto out_release;
    }
    if (too_big) {
        td_reader_set_error(rd, "%s:%ld: document at byte %llu is over the %zu-byte cap: skipped",
                            td_reader_name(rd), start_line, (unsigned long long)start_off, max);
        st = TD_ETOOBIG;
        goto out_release;
    }
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = doc.ptr ? doc.ptr : "";
    in.text_len = doc.len;
    in.path = td_reader_name(rd);
    in.offset = start_off;
    in.line = start_line;
    st = td_doc_create(&in, out);
    if (st == TD_OK)
        (*out)->content_type = "text";
out_release:
    td_buf_release(&doc);
    return st;
}
