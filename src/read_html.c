/*
 * read_html.c - HTML pages: decide the encoding (html_enc.c), parse with
 * libxml2's HTML parser (quietly: errors are collected, never printed),
 * read the page's metadata (html_meta.c) and its main text
 * (html_extract.c), and make the document whose base text is that main
 * text. Also the reader for a file holding one HTML page.
 *
 * libxml2 2.9.14: xmlInitParser() runs once in td_html_global_init()
 * (called while the resources load, before threads). The parser's error
 * channel is the per-thread structured handler, set around each parse and
 * restored after it, so concurrent pipelines do not see each other's
 * errors and the application's own handler survives.
 */
#include "html_internal.h"
#include "reader.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <string.h>

void td_html_global_init(void) { xmlInitParser(); }

typedef struct parse_errors {
    unsigned n;
    char first[160];
} parse_errors;

static void collect_error(void *ctx, xmlErrorPtr e)
{
    parse_errors *pe = ctx;
    if (pe->n++ == 0 && e && e->message) {
        snprintf(pe->first, sizeof pe->first, "line %d: %s", e->line, e->message);
        size_t l = strlen(pe->first);
        while (l && (pe->first[l - 1] == '\n' || pe->first[l - 1] == ' '))
            pe->first[--l] = '\0';
    }
}

static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)msg;
    parse_errors *pe = ctx;
    if (pe)
        pe->n++;
}

static xmlDocPtr parse(const char *utf8, size_t len, const char *url, parse_errors *pe)
{
    xmlStructuredErrorFunc old_s = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_g = xmlGenericError;
    void *old_gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(pe, collect_error);
    xmlSetGenericErrorFunc(pe, quiet_generic);
    xmlDocPtr doc = NULL;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (ctxt) {
        int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                   HTML_PARSE_RECOVER | HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT |
                   HTML_PARSE_IGNORE_ENC;
        doc = htmlCtxtReadMemory(ctxt, utf8, (int)len, url, "UTF-8", opts);
        htmlFreeParserCtxt(ctxt);
    }
    xmlSetStructuredErrorFunc(old_sctx, old_s);
    xmlSetGenericErrorFunc(old_gctx, old_g);
    return doc;
}

static td_status add_meta(td_doc *d, const char *key, const char *value)
{
    if (!value || !*value)
        return TD_OK;
    td_kv *kv = td_vec_push(&d->arena, &d->meta, sizeof *kv);
    if (!kv)
        return TD_ENOMEM;
    kv->key = key;
    kv->value = td_arena_strdup(&d->arena, value);
    return kv->value ? TD_OK : TD_ENOMEM;
}

static td_status fill_doc(td_doc *d, const td_html_meta *m, const td_html_text *t,
                          const td_doc_input *in)
{
    td_arena *a = &d->arena;
    d->content_type = "html";
    if (!d->url && (m->canonical_url))
        d->url = td_arena_strdup(a, m->canonical_url);
    if (!d->in_title && m->title)
        d->in_title = td_arena_strdup(a, m->title);
    if (!(in && in->date) && m->date) {
        d->in_date = td_arena_strdup(a, m->date);
        d->in_date_source = "metadata";
    }
    td_status st = TD_OK;
    const char *author = m->author ? m->author : t->byline;
    if (author && (!strncmp(author, "By ", 3) || !strncmp(author, "by ", 3)))
        author += 3;
    if (st == TD_OK)
        st = add_meta(d, "author", author);
    if (st == TD_OK)
        st = add_meta(d, "site_name", m->site_name);
    if (st == TD_OK)
        st = add_meta(d, "canonical_url", m->canonical_url);
    if (st == TD_OK)
        st = add_meta(d, "lang", m->lang);
    if (st == TD_OK && m->date)
        st = add_meta(d, "date_source", m->date_source);
    if (st == TD_OK)
        st = add_meta(d, "caption", t->caption);
    if (st == TD_OK && t->byline && m->author)
        st = add_meta(d, "byline", t->byline);
    return st;
}

td_status td_html_to_doc(const char *html, size_t len, const char *charset,
                         const td_doc_input *meta, td_doc **out, const char **err)
{
    *err = NULL;
    if (len > TD_HTML_MAX_BYTES) {
        *err = "HTML page over the 64 MiB cap";
        return TD_ETOOBIG;
    }
    xmlInitParser(); /* a no-op once td_html_global_init() ran */
    td_buf utf8;
    td_buf_init(&utf8, 0);
    const char *enc = "UTF-8";
    size_t repairs = 0;
    td_status st = TD_OK;
    const char *text = html;
    size_t text_len = len;
    if (!td_html_is_clean_utf8(html, len, charset)) { /* else parsed in place */
        st = td_html_decode(html, len, charset, &utf8, &enc, &repairs);
        text = utf8.ptr ? utf8.ptr : "";
        text_len = utf8.len;
    }
    if (st != TD_OK) {
        *err = "cannot decode the page";
        td_buf_release(&utf8);
        return st;
    }
    if (text_len > INT32_MAX) {
        td_buf_release(&utf8);
        *err = "HTML page too large";
        return TD_ETOOBIG;
    }
    parse_errors pe = {0, ""};
    const char *url = meta && meta->url ? meta->url : NULL;
    xmlDocPtr doc = parse(text, text_len, url, &pe);
    td_buf_release(&utf8);
    if (!doc) {
        /* nothing parsable (empty page): an empty document, not an error */
        td_doc_input in = meta ? *meta : (td_doc_input){0};
        in.text = "";
        in.text_len = 0;
        st = td_doc_create(&in, out);
        if (st == TD_OK)
            (*out)->content_type = "html";
        return st;
    }
    td_arena tmp;
    td_arena_init(&tmp);
    td_html_meta m;
    td_html_text t;
    memset(&t, 0, sizeof t);
    td_buf_init(&t.body, 0);
    st = td_html_meta_read(doc, url, &tmp, &m);
    if (st == TD_OK)
        st = td_html_extract(doc, &m, &tmp, &t);
    xmlFreeDoc(doc);
    if (st == TD_OK) {
        td_doc_input in = meta ? *meta : (td_doc_input){0};
        in.text = t.body.ptr ? t.body.ptr : "";
        in.text_len = t.body.len;
        st = td_doc_create(&in, out);
        if (st == TD_OK)
            st = fill_doc(*out, &m, &t, meta);
        if (st == TD_OK && repairs)
            td_doc_warn(*out, "HTML: %zu undecodable byte%s in %s replaced by U+FFFD", repairs,
                        repairs == 1 ? "" : "s", enc);
        if (st == TD_OK && pe.n)
            td_doc_warn(*out, "HTML: %u parser error%s repaired (first: %s)", pe.n,
                        pe.n == 1 ? "" : "s", pe.first[0] ? pe.first : "?");
        if (st != TD_OK && *out) {
            td_doc_free(*out);
            *out = NULL;
        }
    }
    if (st != TD_OK)
        *err = td_strerror(st);
    td_buf_release(&t.body);
    td_arena_release(&tmp);
    return st;
}

td_status td_read_html_next(td_reader *rd, td_doc **out)
{
    if (rd->done)
        return TD_EOF;
    rd->done = true;
    size_t cap = rd->opts.max_line_bytes > TD_HTML_MAX_BYTES ? TD_HTML_MAX_BYTES
                                                             : rd->opts.max_line_bytes;
    td_buf b;
    td_buf_init(&b, cap + 1);
    size_t got;
    td_status st = td_source_read(rd->src, cap + 1, &b, &got);
    if (st == TD_OK && got > cap)
        st = TD_ETOOBIG;
    if (st != TD_OK) {
        const char *why = st == TD_ETRUNC || st == TD_EIO ? td_source_error(rd->src) : NULL;
        td_reader_set_error(rd, "%s: %s%s%s", td_reader_name(rd), td_strerror(st),
                            why ? ": " : "", why ? why : "");
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
