/*
 * read_jsonl.c - JSON lines, one document a line:
 *   {"id": "...", "text": "...", "title": "...", "date": "...", "url": "...",
 *    "html": "...", "config": {...}}
 * Only "text" or "html" is required. The decoder is lenient where crawler
 * lines are broken (see json.h): repairs are counted and reported as a
 * warning naming the line; a structurally malformed line is an error naming
 * the line and column, and the next line goes on.
 */
#include "json.h"
#include "reader.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Decode member `key` as a string into the arena (numbers kept as their
 * digits); NULL when absent or null. */
static td_status field(td_doc *doc_or_null, td_arena *a, const td_json_member *m, size_t n,
                       const char *key, char **out, size_t *repairs)
{
    (void)doc_or_null;
    *out = NULL;
    const td_json_member *f = td_json_get(m, n, key);
    if (!f || f->type == TD_JSON_NULL)
        return TD_OK;
    if (f->type == TD_JSON_NUMBER) {
        *out = td_arena_strndup(a, f->raw, f->raw_len);
        return *out ? TD_OK : TD_ENOMEM;
    }
    if (f->type != TD_JSON_STRING)
        return TD_EFORMAT;
    if (f->raw_len >= 2) {
        /* the usual field: no escape, valid UTF-8 (no control byte: the
         * object parser refused those), so it decodes to itself */
        const char *p = f->raw + 1;
        size_t len = f->raw_len - 2;
        if (!memchr(p, '\\', len) && td_utf8_first_invalid(p, len) == len) {
            *out = td_arena_strndup(a, p, len);
            return *out ? TD_OK : TD_ENOMEM;
        }
    }
    td_buf b;
    td_buf_init(&b, 0);
    td_status st = td_json_string(f->raw, f->raw_len, &b, repairs);
    if (st == TD_OK) {
        *out = td_arena_strndup(a, b.ptr ? b.ptr : "", b.len);
        if (!*out)
            st = TD_ENOMEM;
    }
    td_buf_release(&b);
    return st;
}

td_status td_read_jsonl_next(td_reader *rd, td_doc **out)
{
    for (;;) {
        const char *line;
        size_t len;
        uint64_t off;
        td_status st = td_source_line(rd->src, rd->opts.max_line_bytes, &line, &len, &off);
        if (st == TD_EOF)
            return TD_EOF;
        rd->lineno++;
        if (st == TD_ETOOBIG) {
            td_reader_set_error(rd, "%s:%ld: line over the %zu-byte cap: skipped",
                                td_reader_name(rd), rd->lineno, rd->opts.max_line_bytes);
            return st;
        }
        if (st != TD_OK) {
            td_reader_set_error(rd, "%s:%ld: %s", td_reader_name(rd), rd->lineno,
                                td_source_error(rd->src) ? td_source_error(rd->src)
                                                         : td_strerror(st));
            return st;
        }
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
            k++;
        if (k == len)
            continue; /* blank line */

        td_json_member m[32];
        size_t n = 0, err_off = 0;
        const char *what = NULL;
        /* "text" is decoded while the object is parsed: one pass over it */
        td_buf *text = &rd->jtext; /* kept from line to line */
        td_buf_clear(text);
        td_json_take tk = {"text", 4, text, 0, false, false};
        st = td_json_object_take(line, len, m, 32, &n, &err_off, &what, &tk);
        if (st != TD_OK) {
            td_reader_set_error(rd, "%s:%ld:%zu: malformed JSON line: %s", td_reader_name(rd),
                                rd->lineno, err_off + 1, what);
            return st;
        }
        /* text and html are decoded through a buffer with the cap */
        const td_json_member *ft = td_json_get(m, n, "text");
        const td_json_member *fh = td_json_get(m, n, "html");
        if (ft && ft->type != TD_JSON_STRING)
            ft = NULL;
        if (fh && fh->type != TD_JSON_STRING)
            fh = NULL;
        if (!ft && !fh) {
            td_reader_set_error(rd, "%s:%ld: no \"text\" or \"html\" string in the object",
                                td_reader_name(rd), rd->lineno);
            return TD_EFORMAT;
        }
        size_t repairs = 0;
        const td_json_member *body = ft ? ft : fh;
        if (ft && tk.done)
            repairs = tk.repairs;
        else
            st = td_json_string(body->raw, body->raw_len, text, &repairs);
        if (st != TD_OK) {
            if (st == TD_ETOOBIG)
                td_reader_set_error(rd, "%s:%ld: document over the %zu-byte cap: skipped",
                                    td_reader_name(rd), rd->lineno, rd->opts.max_doc_bytes);
            else
                td_reader_set_error(rd, "%s:%ld: bad string in \"%s\": %s", td_reader_name(rd),
                                    rd->lineno, ft ? "text" : "html", td_strerror(st));
            return st;
        }
        td_arena *tmp = &rd->jtmp; /* reset (not freed) after the line */
        char *id = NULL, *title = NULL, *date = NULL, *url = NULL;
        st = field(NULL, tmp, m, n, "id", &id, &repairs);
        if (st == TD_OK)
            st = field(NULL, tmp, m, n, "title", &title, &repairs);
        if (st == TD_OK)
            st = field(NULL, tmp, m, n, "date", &date, &repairs);
        if (st == TD_OK)
            st = field(NULL, tmp, m, n, "url", &url, &repairs);
        if (st != TD_OK) {
            td_reader_set_error(rd, "%s:%ld: a field of the object is not a string: %s",
                                td_reader_name(rd), rd->lineno, td_strerror(st));
            td_arena_reset(tmp);
            return st;
        }
        td_doc_input in;
        memset(&in, 0, sizeof in);
        in.text = text->ptr ? text->ptr : "";
        in.text_len = text->len;
        in.id = id;
        in.title = title;
        in.date = date;
        in.url = url;
        in.path = td_reader_name(rd);
        in.offset = off;
        in.line = rd->lineno;
        if (ft) {
            /* td_json_string() left the text valid UTF-8 */
            st = td_doc_create_valid(&in, out);
            if (st == TD_OK)
                (*out)->content_type = "text";
        } else {
            const char *herr = NULL;
            st = td_html_to_doc(in.text, in.text_len, "utf-8", &in, out, &herr);
            if (st != TD_OK)
                td_reader_set_error(rd, "%s:%ld: HTML: %s", td_reader_name(rd), rd->lineno,
                                    herr ? herr : td_strerror(st));
        }
        td_arena_reset(tmp);
        if (st != TD_OK)
            return st;
        const td_json_member *cfg = td_json_get(m, n, "config");
        if (cfg && cfg->type == TD_JSON_OBJECT)
            (*out)->in_config = td_arena_strndup(&(*out)->arena, cfg->raw, cfg->raw_len);
        if (repairs)
            snprintf(rd->warn, sizeof rd->warn,
                     "%s:%ld: %zu invalid UTF-8 sequence%s, lone surrogate%s or NUL%s replaced by U+FFFD",
                     td_reader_name(rd), rd->lineno, repairs, repairs == 1 ? "" : "s",
                     repairs == 1 ? "" : "s", repairs == 1 ? "" : "s");
        if (repairs) {
            (*out)->invalid_bytes += repairs;
            td_doc_warn(*out, "%zu invalid sequence%s replaced by U+FFFD in the JSON line", repairs,
                        repairs == 1 ? "" : "s");
        }
        return TD_OK;
    }
}
