/*
 * read_warc.c - WARC and WARC.gz files (CC-NEWS layout: response records
 * holding an HTTP message; one gzip member per record, which td_source
 * inflates as one stream and checks for truncation).
 *
 * Records are read one at a time; each HTML response (2xx, an HTML
 * Content-Type or, without one, content that looks like HTML) becomes one
 * document with source.warc_record_id and source.offset (the byte offset of
 * the record's "WARC/" line in the decompressed stream). Other records
 * (request, metadata, warcinfo, images, redirects) are skipped.
 *
 * Content-Length is never trusted blindly: it is capped, and the block it
 * announces must end where the next record begins (CRLF CRLF, or the end
 * of the file). When it does not, the record is reported with its offset
 * and the reader resynchronises on the next line starting with "WARC/".
 * HTTP chunked transfer coding and gzip/deflate content coding are undone
 * (with the same cap).
 */
#define _GNU_SOURCE 1
#include "html_internal.h"
#include "reader.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define WARC_MAX_LINE 65536u
#define WARC_MAX_HEADERS 256

typedef struct warc_state {
    bool resync;          /* skip lines until one starts with "WARC/" */
    bool have_start;      /* the "WARC/" line of the next record was read */
    uint64_t start_off;
    td_buf block, payload;
} warc_state;

typedef struct warc_rec {
    uint64_t off;
    char type[32];
    char id[256];
    char uri[2048];
    char ctype[256];
    bool has_len;
    uint64_t len;
} warc_rec;

static warc_state *state(td_reader *rd)
{
    if (!rd->state) {
        warc_state *s = calloc(1, sizeof *s);
        if (!s)
            return NULL;
        td_buf_init(&s->block, 0);
        td_buf_init(&s->payload, 0);
        rd->state = s;
    }
    return rd->state;
}

void td_read_warc_free(td_reader *rd)
{
    warc_state *s = rd->state;
    if (!s)
        return;
    td_buf_release(&s->block);
    td_buf_release(&s->payload);
    free(s);
    rd->state = NULL;
}

static size_t record_cap(const td_reader *rd)
{
    return rd->opts.max_line_bytes ? rd->opts.max_line_bytes : TD_DEFAULT_MAX_LINE_BYTES;
}

/* A source failure ends the input: say where and why. */
static td_status source_fail(td_reader *rd, td_status st, uint64_t off)
{
    const char *why = td_source_error(rd->src);
    td_reader_set_error(rd, "%s: record at byte %llu: %s%s%s", td_reader_name(rd),
                        (unsigned long long)off, td_strerror(st), why && *why ? ": " : "",
                        why ? why : "");
    rd->done = true;
    return st;
}

static void copy_val(char *dst, size_t n, const char *v, size_t len)
{
    while (len && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static bool parse_len(const char *v, uint64_t *out)
{
    while (*v == ' ')
        v++;
    if (*v < '0' || *v > '9')
        return false;
    uint64_t n = 0;
    for (; *v >= '0' && *v <= '9'; v++) {
        if (n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(*v - '0');
    }
    while (*v == ' ' || *v == '\r')
        v++;
    *out = n;
    return *v == '\0';
}

/* Find the next record's "WARC/" line; TD_EOF at the end. Junk before it
 * is skipped (and reported when not blank). */
static td_status find_start(td_reader *rd, warc_state *s, bool *junk, uint64_t *junk_off)
{
    *junk = false;
    for (;;) {
        const char *line;
        size_t len;
        uint64_t off;
        td_status st = td_source_line(rd->src, WARC_MAX_LINE, &line, &len, &off);
        if (st == TD_ETOOBIG) {
            if (!*junk)
                *junk_off = off;
            *junk = true;
            continue;
        }
        if (st != TD_OK)
            return st;
        if (len >= 5 && memcmp(line, "WARC/", 5) == 0) {
            s->start_off = off;
            s->have_start = true;
            return TD_OK;
        }
        if (!s->resync && !(len == 0 || (len == 1 && line[0] == '\r')) && !*junk) {
            *junk = true;
            *junk_off = off;
        }
    }
}

static td_status read_headers(td_reader *rd, warc_rec *r)
{
    for (int n = 0;; n++) {
        const char *line;
        size_t len;
        uint64_t off;
        td_status st = td_source_line(rd->src, WARC_MAX_LINE, &line, &len, &off);
        if (st == TD_EOF)
            return TD_ETRUNC;
        if (st != TD_OK)
            return st;
        if (len && line[len - 1] == '\r')
            len--;
        if (len == 0)
            return TD_OK;
        if (n >= WARC_MAX_HEADERS)
            return TD_ETOOBIG;
        const char *colon = memchr(line, ':', len);
        if (!colon)
            continue;
        size_t kl = (size_t)(colon - line), vl = len - kl - 1;
        const char *v = colon + 1;
        if (kl == 9 && !strncasecmp(line, "WARC-Type", 9))
            copy_val(r->type, sizeof r->type, v, vl);
        else if (kl == 14 && !strncasecmp(line, "WARC-Record-ID", 14))
            copy_val(r->id, sizeof r->id, v, vl);
        else if (kl == 15 && !strncasecmp(line, "WARC-Target-URI", 15))
            copy_val(r->uri, sizeof r->uri, v, vl);
        else if (kl == 12 && !strncasecmp(line, "Content-Type", 12))
            copy_val(r->ctype, sizeof r->ctype, v, vl);
        else if (kl == 14 && !strncasecmp(line, "Content-Length", 14)) {
            char tmp[32];
            copy_val(tmp, sizeof tmp, v, vl);
            r->has_len = parse_len(tmp, &r->len);
        }
    }
}

/* ---- HTTP -------------------------------------------------------------- */

typedef struct http_msg {
    int status;
    char ctype[256];
    bool chunked;
    int coding; /* 0 identity, 1 gzip/deflate, 2 unsupported */
    const char *body;
    size_t body_len;
} http_msg;

static bool parse_http(const char *p, size_t n, http_msg *h)
{
    memset(h, 0, sizeof *h);
    if (n < 12 || memcmp(p, "HTTP/", 5) != 0)
        return false;
    const char *sp = memchr(p, ' ', n < 16 ? n : 16);
    if (!sp)
        return false;
    h->status = atoi(sp + 1);
    size_t i = 0;
    while (i < n && p[i] != '\n')
        i++;
    i++;
    while (i < n) {
        size_t e = i;
        while (e < n && p[e] != '\n')
            e++;
        size_t l = e - i;
        if (l && p[i + l - 1] == '\r')
            l--;
        if (l == 0) {
            h->body = p + (e < n ? e + 1 : n);
            h->body_len = n - (size_t)(h->body - p);
            return true;
        }
        const char *line = p + i, *colon = memchr(line, ':', l);
        if (colon) {
            size_t kl = (size_t)(colon - line);
            char v[256];
            copy_val(v, sizeof v, colon + 1, l - kl - 1);
            if (kl == 12 && !strncasecmp(line, "Content-Type", 12))
                memcpy(h->ctype, v, sizeof v);
            else if (kl == 17 && !strncasecmp(line, "Transfer-Encoding", 17))
                h->chunked = strcasestr(v, "chunked") != NULL;
            else if (kl == 16 && !strncasecmp(line, "Content-Encoding", 16)) {
                if (!strcasecmp(v, "gzip") || !strcasecmp(v, "x-gzip") ||
                    !strcasecmp(v, "deflate"))
                    h->coding = 1;
                else if (*v && strcasecmp(v, "identity") != 0)
                    h->coding = 2;
            }
        }
        i = e + 1;
    }
    h->body = p + n; /* headers without a body */
    h->body_len = 0;
    return true;
}

static td_status dechunk(const char *p, size_t n, td_buf *out)
{
    size_t i = 0;
    while (i < n) {
        char *end;
        unsigned long long sz = strtoull(p + i, &end, 16);
        if (end == p + i)
            return TD_EFORMAT;
        while (i < n && p[i] != '\n')
            i++;
        i++;
        if (sz == 0)
            return TD_OK;
        if (sz > n - (i < n ? i : n))
            sz = n - (i < n ? i : n); /* short last chunk: keep what is there */
        td_status st = td_buf_append(out, p + i, (size_t)sz);
        if (st != TD_OK)
            return st;
        i += (size_t)sz;
        while (i < n && (p[i] == '\r' || p[i] == '\n'))
            i++;
    }
    return TD_OK;
}

static td_status inflate_body(const char *p, size_t n, td_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) /* gzip or zlib header */
        return TD_ENOMEM;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    td_status st = TD_OK;
    for (;;) {
        st = td_buf_reserve(out, 65536);
        if (st != TD_OK)
            break;
        z.next_out = (Bytef *)out->ptr + out->len;
        z.avail_out = (uInt)(out->cap - out->len);
        int zr = inflate(&z, Z_NO_FLUSH);
        out->len = out->cap - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK) {
            st = zr == Z_BUF_ERROR ? TD_ETRUNC : TD_EFORMAT;
            break;
        }
        if (out->len > (uint64_t)TD_DEFAULT_MAX_GZIP_RATIO * n + (1u << 20)) {
            st = TD_ETOOBIG;
            break;
        }
    }
    inflateEnd(&z);
    return st;
}

static bool looks_html(const char *p, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB)
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < n && p[i] == '<';
}

static bool html_type(const char *ct)
{
    return strcasestr(ct, "html") != NULL;
}

/* ---- records ----------------------------------------------------------- */

/* Make the document of a response/resource record whose block is in
 * s->block. *skip is set when the record holds no HTML page. */
static td_status record_doc(td_reader *rd, warc_state *s, const warc_rec *r, td_doc **out,
                            bool *skip)
{
    *skip = false;
    const char *body = s->block.ptr ? s->block.ptr : "";
    size_t blen = s->block.len;
    char charset_buf[64];
    const char *charset = NULL;
    bool is_http = strcasestr(r->ctype, "application/http") != NULL ||
                   (blen >= 5 && memcmp(body, "HTTP/", 5) == 0);
    if (is_http) {
        http_msg h;
        if (!parse_http(body, blen, &h)) {
            td_reader_set_error(rd, "%s: record at byte %llu (%s): malformed HTTP message",
                                td_reader_name(rd), (unsigned long long)r->off, r->id);
            return TD_EFORMAT;
        }
        if (h.status < 200 || h.status > 299) {
            *skip = true;
            return TD_OK;
        }
        if (h.ctype[0] ? !html_type(h.ctype) : !looks_html(h.body, h.body_len)) {
            *skip = true;
            return TD_OK;
        }
        charset = td_html_charset_param(h.ctype, strlen(h.ctype), charset_buf,
                                               sizeof charset_buf);
        body = h.body;
        blen = h.body_len;
        td_status st = TD_OK;
        if (h.chunked) {
            td_buf_clear(&s->payload);
            s->payload.max = record_cap(rd);
            st = dechunk(body, blen, &s->payload);
            body = s->payload.ptr ? s->payload.ptr : "";
            blen = s->payload.len;
        }
        if (st == TD_OK && h.coding == 1) {
            td_buf tmp;
            td_buf_init(&tmp, record_cap(rd));
            st = inflate_body(body, blen, &tmp);
            if (st == TD_OK) {
                td_buf_clear(&s->payload);
                st = td_buf_append(&s->payload, tmp.ptr ? tmp.ptr : "", tmp.len);
                body = s->payload.ptr ? s->payload.ptr : "";
                blen = s->payload.len;
            }
            td_buf_release(&tmp);
        } else if (st == TD_OK && h.coding == 2) {
            st = TD_EFORMAT;
        }
        if (st != TD_OK) {
            td_reader_set_error(rd, "%s: record at byte %llu (%s): HTTP body: %s",
                                td_reader_name(rd), (unsigned long long)r->off, r->id,
                                h.coding == 2 ? "unsupported Content-Encoding"
                                              : td_strerror(st));
            return st;
        }
    } else if (!html_type(r->ctype) && !looks_html(body, blen)) {
        *skip = true;
        return TD_OK;
    }
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.path = td_reader_name(rd);
    in.offset = r->off;
    in.url = r->uri[0] ? r->uri : NULL;
    const char *err = NULL;
    td_status st = td_html_to_doc(body, blen, charset, &in, out, &err);
    if (st != TD_OK) {
        td_reader_set_error(rd, "%s: record at byte %llu (%s): HTML: %s", td_reader_name(rd),
                            (unsigned long long)r->off, r->id, err ? err : td_strerror(st));
        return st;
    }
    if (r->id[0])
        (*out)->warc_record_id = td_arena_strdup(&(*out)->arena, r->id);
    (*out)->offset = r->off;
    return TD_OK;
}

/* Check that the block announced by Content-Length ends at a record
 * boundary; *ok false when it does not. *trunc when the stream ends
 * inside it. */
static td_status check_block(td_reader *rd, uint64_t len, bool *ok, bool *trunc, size_t *tail)
{
    const char *p;
    size_t avail;
    *ok = false;
    *trunc = false;
    *tail = 0;
    td_status st = td_source_peek(rd->src, (size_t)len + 4, &p, &avail);
    if (st != TD_OK)
        return st;
    if (avail < len) {
        *trunc = true;
        return TD_OK;
    }
    const char *t = p + len;
    size_t rest = avail - (size_t)len;
    if (rest == 0 || (rest >= 4 && memcmp(t, "\r\n\r\n", 4) == 0)) {
        *ok = true;
        *tail = rest >= 4 ? 4 : 0;
    } else if (rest >= 2 && memcmp(t, "\n\n", 2) == 0) {
        *ok = true;
        *tail = 2;
    } else if (rest < 4 && (rest == 2 && memcmp(t, "\r\n", 2) == 0)) {
        *ok = true; /* the file ends after one CRLF */
        *tail = rest;
    }
    return TD_OK;
}

td_status td_read_warc_next(td_reader *rd, td_doc **out)
{
    warc_state *s = state(rd);
    if (!s)
        return TD_ENOMEM;
    for (;;) {
        if (rd->done)
            return TD_EOF;
        if (!s->have_start) {
            bool junk;
            uint64_t junk_off = 0;
            td_status st = find_start(rd, s, &junk, &junk_off);
            if (st == TD_EOF) {
                rd->done = true;
                return TD_EOF;
            }
            if (st != TD_OK)
                return source_fail(rd, st, td_source_offset(rd->src));
            bool was_resync = s->resync;
            s->resync = false;
            if (junk && !was_resync) {
                td_reader_set_error(rd,
                                    "%s: byte %llu: not a WARC record header; skipped to the "
                                    "next record at byte %llu",
                                    td_reader_name(rd), (unsigned long long)junk_off,
                                    (unsigned long long)s->start_off);
                return TD_EFORMAT;
            }
        }
        s->have_start = false;
        warc_rec r;
        memset(&r, 0, sizeof r);
        r.off = s->start_off;
        td_status st = read_headers(rd, &r);
        if (st == TD_ETRUNC || st == TD_EIO)
            return source_fail(rd, st, r.off);
        if (st != TD_OK || !r.has_len) {
            s->resync = true;
            td_reader_set_error(rd, "%s: record at byte %llu: %s", td_reader_name(rd),
                                (unsigned long long)r.off,
                                st != TD_OK ? "malformed WARC header block"
                                            : "missing or invalid Content-Length");
            return st != TD_OK ? st : TD_EFORMAT;
        }
        if (r.len > record_cap(rd)) {
            s->resync = true;
            td_reader_set_error(rd, "%s: record at byte %llu (%s): Content-Length %llu over the "
                                    "cap of %zu bytes; skipped",
                                td_reader_name(rd), (unsigned long long)r.off, r.id,
                                (unsigned long long)r.len, record_cap(rd));
            return TD_ETOOBIG;
        }
        bool ok, trunc;
        size_t tail;
        st = check_block(rd, r.len, &ok, &trunc, &tail);
        if (st != TD_OK)
            return source_fail(rd, st, r.off);
        if (trunc) {
            const char *why = td_source_error(rd->src);
            td_reader_set_error(rd, "%s: record at byte %llu (%s): truncated: Content-Length "
                                    "%llu but the file ends first%s%s",
                                td_reader_name(rd), (unsigned long long)r.off, r.id,
                                (unsigned long long)r.len, why && *why ? "; " : "",
                                why ? why : "");
            rd->done = true;
            return TD_ETRUNC;
        }
        if (!ok) {
            s->resync = true;
            td_reader_set_error(rd, "%s: record at byte %llu (%s): Content-Length %llu does not "
                                    "end at a record boundary; skipped",
                                td_reader_name(rd), (unsigned long long)r.off, r.id,
                                (unsigned long long)r.len);
            return TD_EFORMAT;
        }
        bool wanted = !strcasecmp(r.type, "response") || !strcasecmp(r.type, "resource") ||
                      !strcasecmp(r.type, "conversion");
        td_buf_clear(&s->block);
        size_t got;
        uint64_t skipped;
        if (wanted)
            st = td_source_read(rd->src, (size_t)r.len, &s->block, &got);
        else
            st = td_source_skip(rd->src, r.len, &skipped);
        if (st == TD_OK)
            st = td_source_skip(rd->src, tail, &skipped);
        if (st != TD_OK)
            return source_fail(rd, st, r.off);
        if (!wanted)
            continue;
        bool skip;
        st = record_doc(rd, s, &r, out, &skip);
        if (st != TD_OK || !skip)
            return st;
    }
}
