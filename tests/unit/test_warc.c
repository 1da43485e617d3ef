/*
 * test_warc.c - the WARC reader on files built here: plain and gzip (one
 * member per record), record ids and offsets, skipped records (request,
 * warcinfo, images, 404s), a lying HTTP charset, chunked + gzip bodies, a
 * truncated gzip file (complete records out, then a clear error), a wrong
 * Content-Length and one over the cap (reported, the next record read).
 */
#include "harness.h"
#include "tmpdir.h"

#include "buf.h"
#include "doc.h"
#include "reader.h"
#include "tidings.h"

#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>


#define BODY1 "<html><body><p>The first page tells of a harbour that was dredged in spring " \
              "so that larger boats could come in, the port authority said.</p></body></html>"
#define BODY2 "<html><head><meta charset=\"windows-1252\"></head><body><p>\xC5\x81\xC3\xB3" \
              "d\xC5\xBA hosted the second meeting, and the final sentence of this page " \
              "is still here.</p></body></html>"
#define BODY4 "<html><body><p>The fourth page is about a library that opened a new reading " \
              "room for children, with a thousand books donated by residents.</p></body></html>"

typedef struct rec {
    uint64_t off;
    size_t len; /* bytes of the record, up to the next one */
} rec;

/* Append one WARC record; returns its offset. bad_len adds to the
 * Content-Length written (a lying header). */
static uint64_t add_record(td_buf *f, const char *type, const char *id, const char *uri,
                           const char *ctype, const char *block, size_t blen, long bad_len)
{
    uint64_t off = f->len;
    td_buf_printf(f,
                  "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                  "WARC-Date: 2024-01-02T03:04:05Z\r\n",
                  type, id);
    if (uri)
        td_buf_printf(f, "WARC-Target-URI: %s\r\n", uri);
    td_buf_printf(f, "Content-Type: %s\r\nContent-Length: %ld\r\n\r\n", ctype,
                  (long)blen + bad_len);
    td_buf_append(f, block, blen);
    td_buf_puts(f, "\r\n\r\n");
    return off;
}

static uint64_t add_http(td_buf *f, const char *id, const char *uri, const char *headers,
                         const char *body, size_t blen)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_buf_printf(&b, "%s\r\n\r\n", headers);
    td_buf_append(&b, body, blen);
    uint64_t off = add_record(f, "response", id, uri, "application/http; msgtype=response",
                              b.ptr, b.len, 0);
    td_buf_release(&b);
    return off;
}

static void gzip_member(td_buf *out, const char *p, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    td_buf_reserve(out, deflateBound(&z, (uLong)n) + 64);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->ptr + out->len;
    z.avail_out = (uInt)(out->cap - out->len);
    deflate(&z, Z_FINISH);
    out->len = out->cap - z.avail_out;
    deflateEnd(&z);
}

static void gzip_bytes(td_buf *out, const char *p, size_t n) { gzip_member(out, p, n); }

typedef struct got {
    int ndocs, nerr;
    char ids[8][64];
    uint64_t offs[8];
    char *texts[8];
    char errs[8][512];
    td_status last;
} got;

static void read_all(const char *path, size_t cap, got *g)
{
    memset(g, 0, sizeof *g);
    td_options o;
    memset(&o, 0, sizeof o);
    o.max_line_bytes = cap;
    td_reader *rd;
    if (td_reader_open(path, &o, &rd) != TD_OK) {
        g->last = TD_EIO;
        return;
    }
    for (int guard = 0; guard < 100; guard++) {
        td_doc *d = NULL;
        td_status st = td_reader_next(rd, &d);
        g->last = st;
        if (st == TD_EOF)
            break;
        if (st != TD_OK) {
            if (g->nerr < 8)
                snprintf(g->errs[g->nerr], sizeof g->errs[0], "%s",
                         td_reader_error(rd) ? td_reader_error(rd) : "");
            g->nerr++;
            if (st == TD_ETRUNC || st == TD_EIO)
                break;
            continue;
        }
        if (g->ndocs < 8) {
            snprintf(g->ids[g->ndocs], sizeof g->ids[0], "%s",
                     d->warc_record_id ? d->warc_record_id : "");
            g->offs[g->ndocs] = d->offset;
            g->texts[g->ndocs] = strdup(d->base);
        }
        g->ndocs++;
        td_doc_free(d);
    }
    td_reader_free(rd);
}

static void got_free(got *g)
{
    for (int i = 0; i < 8; i++)
        free(g->texts[i]);
}

/* The sample archive: 4 HTML pages among records to skip. offs[] gets the
 * offsets of the four pages, starts[] those of every record. */
static size_t build(td_buf *f, uint64_t offs[4], uint64_t starts[16])
{
    size_t n = 0;
    starts[n++] = add_record(f, "warcinfo", "info", NULL, "application/warc-fields",
                             "software: test\r\n", 16, 0);
    starts[n++] = offs[0] =
        add_http(f, "one", "https://a.example/2023/05/06/harbour",
                 "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8", BODY1,
                 strlen(BODY1));
    starts[n++] = add_record(f, "request", "req", "https://a.example/",
                             "application/http; msgtype=request",
                             "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n", 35, 0);
    /* the HTTP header lies: windows-1252 on UTF-8 bytes */
    starts[n++] = offs[1] = add_http(
        f, "two", "https://b.example/lodz",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252", BODY2, strlen(BODY2));
    starts[n++] = add_http(f, "img", "https://b.example/x.jpg",
                           "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg", "\xFF\xD8\xFF\xE0", 4);
    starts[n++] = add_http(f, "404", "https://b.example/missing",
                           "HTTP/1.1 404 Not Found\r\nContent-Type: text/html",
                           "<html><body><p>Not found here at all.</p></body></html>", 55);
    /* chunked transfer coding over a gzip content coding */
    td_buf gz, chunked;
    td_buf_init(&gz, 0);
    td_buf_init(&chunked, 0);
    gzip_bytes(&gz, BODY4, strlen(BODY4));
    size_t half = gz.len / 2;
    td_buf_printf(&chunked, "%zx\r\n", half);
    td_buf_append(&chunked, gz.ptr, half);
    td_buf_printf(&chunked, "\r\n%zx\r\n", gz.len - half);
    td_buf_append(&chunked, gz.ptr + half, gz.len - half);
    td_buf_puts(&chunked, "\r\n0\r\n\r\n");
    starts[n++] = offs[2] = add_http(f, "three", "https://c.example/library",
                                     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                     "Transfer-Encoding: chunked\r\nContent-Encoding: gzip",
                                     chunked.ptr, chunked.len);
    td_buf_release(&gz);
    td_buf_release(&chunked);
    starts[n++] = offs[3] = add_http(f, "four", "https://d.example/harbour-again",
                                     "HTTP/1.1 200 OK\r\nContent-Type: text/html", BODY1,
                                     strlen(BODY1));
    return n;
}

static void check_four(const got *g, const uint64_t offs[4])
{
    CHECK_INT(g->ndocs, 4);
    CHECK_INT(g->nerr, 0);
    CHECK_STR(g->ids[0], "<urn:uuid:one>");
    CHECK_STR(g->ids[1], "<urn:uuid:two>");
    CHECK_STR(g->ids[2], "<urn:uuid:three>");
    CHECK_STR(g->ids[3], "<urn:uuid:four>");
    for (int i = 0; i < 4; i++)
        CHECK_INT(g->offs[i], offs[i]);
    CHECK(g->texts[0] && strstr(g->texts[0], "harbour that was dredged"));
    CHECK(g->texts[1] && strstr(g->texts[1], "\xC5\x81\xC3\xB3""d\xC5\xBA hosted"));
    CHECK(g->texts[1] && strstr(g->texts[1], "is still here."));
    CHECK(g->texts[2] && strstr(g->texts[2], "new reading room for children"));
}

TEST(plain_warc)
{
    td_buf f;
    td_buf_init(&f, 0);
    uint64_t offs[4], starts[16];
    build(&f, offs, starts);
    const char *path = tmp_write("a.warc", f.ptr, f.len);
    got g;
    read_all(path, 0, &g);
    check_four(&g, offs);
    CHECK_INT(g.last, TD_EOF);
    got_free(&g);
    td_buf_release(&f);
}

TEST(gzip_warc_and_truncation)
{
    td_buf f, gz;
    td_buf_init(&f, 0);
    td_buf_init(&gz, 0);
    uint64_t offs[4], starts[16];
    size_t n = build(&f, offs, starts);
    size_t last_member = 0;
    for (size_t i = 0; i < n; i++) {
        size_t end = i + 1 < n ? starts[i + 1] : f.len;
        last_member = gz.len;
        gzip_member(&gz, f.ptr + starts[i], end - starts[i]);
    }
    const char *path = tmp_write("a.warc.gz", gz.ptr, gz.len);
    got g;
    read_all(path, 0, &g);
    check_four(&g, offs);
    got_free(&g);
    /* cut inside the last member: three pages, then a truncation error */
    size_t cut = last_member + (gz.len - last_member) / 2;
    path = tmp_write("cut.warc.gz", gz.ptr, cut);
    read_all(path, 0, &g);
    CHECK_INT(g.ndocs, 3);
    CHECK_INT(g.last, TD_ETRUNC);
    CHECK_INT(g.nerr, 1);
    CHECK(strstr(g.errs[0], "cut.warc.gz") != NULL);
    CHECK(strstr(g.errs[0], "truncated") != NULL);
    got_free(&g);
    td_buf_release(&f);
    td_buf_release(&gz);
}

TEST(bad_content_length)
{
    td_buf f;
    td_buf_init(&f, 0);
    add_http(&f, "one", "https://a.example/1", "HTTP/1.1 200 OK\r\nContent-Type: text/html",
             BODY1, strlen(BODY1));
    char blk[512];
    int bl = snprintf(blk, sizeof blk, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n%s",
                      BODY4);
    /* too long by 100: it would swallow the next record */
    uint64_t bad = add_record(&f, "response", "liar", "https://a.example/2",
                              "application/http; msgtype=response", blk, (size_t)bl, 100);
    /* too short by 7 */
    add_record(&f, "response", "short", "https://a.example/3",
               "application/http; msgtype=response", blk, (size_t)bl, -7);
    add_http(&f, "four", "https://a.example/4", "HTTP/1.1 200 OK\r\nContent-Type: text/html",
             BODY4, strlen(BODY4));
    /* no Content-Length at all */
    td_buf_puts(&f, "WARC/1.0\r\nWARC-Type: response\r\n\r\nsome bytes\r\n\r\n");
    add_http(&f, "five", "https://a.example/5", "HTTP/1.1 200 OK\r\nContent-Type: text/html",
             BODY1, strlen(BODY1));
    const char *path = tmp_write("bad.warc", f.ptr, f.len);
    got g;
    read_all(path, 0, &g);
    CHECK_INT(g.ndocs, 3);
    CHECK_STR(g.ids[0], "<urn:uuid:one>");
    CHECK_STR(g.ids[1], "<urn:uuid:four>");
    CHECK_STR(g.ids[2], "<urn:uuid:five>");
    CHECK_INT(g.nerr, 3);
    char where[64];
    snprintf(where, sizeof where, "record at byte %llu", (unsigned long long)bad);
    CHECK(strstr(g.errs[0], where) != NULL);
    CHECK(strstr(g.errs[0], "Content-Length") != NULL);
    CHECK(strstr(g.errs[1], "short") != NULL);
    CHECK(strstr(g.errs[2], "Content-Length") != NULL);
    CHECK_INT(g.last, TD_EOF);
    got_free(&g);
    td_buf_release(&f);
}

TEST(over_the_cap_and_junk)
{
    td_buf f;
    td_buf_init(&f, 0);
    td_buf_puts(&f, "this is not a WARC header\r\n");
    /* the file must still be told as WARC: start it right, junk after */
    td_buf g0;
    td_buf_init(&g0, 0);
    add_http(&g0, "one", "https://a.example/1", "HTTP/1.1 200 OK\r\nContent-Type: text/html",
             BODY1, strlen(BODY1));
    td_buf_append(&g0, f.ptr, f.len);
    char *big = malloc(20000);
    memset(big, 'x', 20000);
    memcpy(big, "<html><body><p>", 15);
    add_http(&g0, "big", "https://a.example/big", "HTTP/1.1 200 OK\r\nContent-Type: text/html",
             big, 20000);
    add_http(&g0, "two", "https://a.example/2", "HTTP/1.1 200 OK\r\nContent-Type: text/html",
             BODY4, strlen(BODY4));
    const char *path = tmp_write("cap.warc", g0.ptr, g0.len);
    got g;
    read_all(path, 8192, &g);
    CHECK_INT(g.ndocs, 2);
    CHECK_STR(g.ids[0], "<urn:uuid:one>");
    CHECK_STR(g.ids[1], "<urn:uuid:two>");
    CHECK_INT(g.nerr, 2);
    CHECK(strstr(g.errs[0], "not a WARC record header") != NULL);
    CHECK(strstr(g.errs[1], "over the cap") != NULL);
    got_free(&g);
    free(big);
    td_buf_release(&f);
    td_buf_release(&g0);
}

int main(void)
{
    if (tmp_open("warc"))
        return 1;
    td_html_global_init(); /* the process-wide set-up */
    RUN(plain_warc);
    RUN(gzip_warc_and_truncation);
    RUN(bad_content_length);
    RUN(over_the_cap_and_junk);
    tmp_remove();
    return DONE();
}
