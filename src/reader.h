/*
 * reader.h - the format readers behind td_reader (library-internal).
 *
 * Each reader takes documents from a td_source. On an error in one
 * document it fills rd->err ("file:line: what" or "file: byte N: what"),
 * returns the status, and the next call goes on with the next document.
 */
#ifndef TD_READER_H
#define TD_READER_H

#include "doc.h"
#include "source.h"

typedef enum { TD_FMT_TEXT, TD_FMT_JSONL, TD_FMT_HTML, TD_FMT_WARC } td_format;

struct td_reader {
    td_source *src;
    td_options opts;
    td_format fmt;
    char *path;      /* as given; "-" is "<stdin>" in messages */
    char err[1024];
    char warn[1024];
    long lineno;     /* lines read so far (text, JSON lines) */
    bool done;
    /* text reader: the header line that starts the next document */
    td_buf pending;
    uint64_t pending_off;
    long pending_line;
    bool has_pending;
    void *state; /* a format's own state (WARC) */
    /* JSON lines: the decoded text and the small fields of one line, kept
     * from line to line (cleared, not freed: no allocation per line) */
    td_buf jtext;
    td_arena jtmp;
};

const char *td_reader_name(const td_reader *rd); /* path for messages */
void td_reader_set_error(td_reader *rd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

td_status td_read_text_next(td_reader *rd, td_doc **out);
td_status td_read_jsonl_next(td_reader *rd, td_doc **out);
td_status td_read_html_next(td_reader *rd, td_doc **out);
td_status td_read_warc_next(td_reader *rd, td_doc **out);
void td_read_warc_free(td_reader *rd);

/* True when line[0..len) starts a crawler-layout document:
 * optional spaces, "date", a space, YYYY-MM-DD, then a space or the end. */
bool td_text_is_header(const char *line, size_t len);

/* Process-wide libxml2 set-up (xmlInitParser); once, before threads
 * (td_resources_load calls it). */
void td_html_global_init(void);

/* Make a document from HTML bytes (read_html.c): the base text is the
 * extracted main text; title, date, url and metadata come from the page.
 * `charset` is the HTTP header's charset or NULL. On failure *err (static
 * or arena-free text) says why. */
td_status td_html_to_doc(const char *html, size_t len, const char *charset,
                         const td_doc_input *meta, td_doc **out, const char **err);

#endif
