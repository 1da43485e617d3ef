/* source.c - buffered byte source over files and gzip streams; see source.h. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RAW_CHUNK (256u * 1024u)
#define BUF_MIN (1024u * 1024u)

struct td_source {
    int fd;
    bool own_fd;
    char *path;
    /* decompressed (or plain) bytes in buf[pos..len) */
    char *buf;
    size_t pos, len, cap;
    uint64_t base_off; /* stream offset of buf[0] */
    bool eof;
    /* gzip */
    bool gz;
    z_stream zs;
    unsigned char *raw;
    size_t raw_len;
    bool raw_eof;
    bool member_end; /* the last inflate call ended a member */
    uint64_t consumed, produced;
    td_status sticky; /* a stream error, reported once the bytes before it are read */
    char err[256];
};

static td_status read_raw(td_source *s, unsigned char *dst, size_t n, size_t *got)
{
    for (;;) {
        ssize_t r = read(s->fd, dst, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(s->err, sizeof s->err, "%s", strerror(errno));
            return TD_EIO;
        }
        *got = (size_t)r;
        s->consumed += (uint64_t)r;
        return TD_OK;
    }
}

td_status td_source_open(const char *path, td_source **out)
{
    td_source *s = calloc(1, sizeof *s);
    if (!s)
        return TD_ENOMEM;
    s->path = strdup(path);
    if (!s->path) {
        free(s);
        return TD_ENOMEM;
    }
    if (strcmp(path, "-") == 0) {
        s->fd = 0;
    } else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            td_status st = errno == ENOENT ? TD_ENOENT : TD_EIO;
            snprintf(s->err, sizeof s->err, "%s", strerror(errno));
            free(s->path);
            free(s);
            return st;
        }
        s->own_fd = true;
        struct stat sb;
        if (fstat(s->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            close(s->fd);
            free(s->path);
            free(s);
            return TD_EUSAGE;
        }
    }
    s->cap = BUF_MIN;
    s->buf = malloc(s->cap);
    s->raw = malloc(RAW_CHUNK);
    if (!s->buf || !s->raw) {
        td_source_close(s);
        return TD_ENOMEM;
    }
    /* sniff the gzip magic */
    size_t got = 0;
    td_status st = read_raw(s, s->raw, RAW_CHUNK, &got);
    if (st != TD_OK) {
        td_source_close(s);
        return st;
    }
    s->raw_len = got;
    if (got >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b) {
        s->gz = true;
        memset(&s->zs, 0, sizeof s->zs);
        if (inflateInit2(&s->zs, 15 + 32) != Z_OK) {
            td_source_close(s);
            return TD_ENOMEM;
        }
        s->zs.next_in = s->raw;
        s->zs.avail_in = (uInt)got;
    } else {
        memcpy(s->buf, s->raw, got);
        s->len = got;
        s->raw_len = 0;
        if (got == 0)
            s->eof = true;
    }
    *out = s;
    return TD_OK;
}

void td_source_close(td_source *s)
{
    if (!s)
        return;
    if (s->gz)
        inflateEnd(&s->zs);
    if (s->own_fd)
        close(s->fd);
    free(s->buf);
    free(s->raw);
    free(s->path);
    free(s);
}

bool td_source_is_gzip(const td_source *s) { return s->gz; }
const char *td_source_path(const td_source *s) { return s->path; }
uint64_t td_source_offset(const td_source *s) { return s->base_off + s->pos; }
uint64_t td_source_consumed(const td_source *s) { return s->consumed; }
const char *td_source_error(const td_source *s) { return s->err[0] ? s->err : NULL; }

/* Make room for at least `want` more bytes at the end of buf. */
static td_status make_room(td_source *s, size_t want)
{
    if (s->pos > 0 && (s->pos >= s->len || s->pos > s->cap / 2 || s->cap - s->len < want)) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->base_off += s->pos;
        s->pos = 0;
    }
    if (s->cap - s->len >= want)
        return TD_OK;
    size_t ncap = s->cap;
    while (ncap - s->len < want)
        ncap *= 2;
    char *nb = realloc(s->buf, ncap);
    if (!nb)
        return TD_ENOMEM;
    s->buf = nb;
    s->cap = ncap;
    return TD_OK;
}

static td_status fill_(td_source *s);

/* Append more bytes to buf; sets eof at the end. Errors are sticky. */
static td_status fill(td_source *s)
{
    if (s->sticky != TD_OK)
        return s->sticky;
    td_status st = fill_(s);
    if (st != TD_OK)
        s->sticky = st;
    return st;
}

static td_status fill_(td_source *s)
{
    if (s->eof)
        return TD_OK;
    td_status st = make_room(s, RAW_CHUNK);
    if (st != TD_OK)
        return st;
    if (!s->gz) {
        size_t got;
        st = read_raw(s, (unsigned char *)s->buf + s->len, s->cap - s->len, &got);
        if (st != TD_OK)
            return st;
        if (got == 0)
            s->eof = true;
        s->len += got;
        return TD_OK;
    }
    size_t before = s->len;
    while (s->len == before) {
        if (s->zs.avail_in == 0 && !s->raw_eof) {
            size_t got;
            st = read_raw(s, s->raw, RAW_CHUNK, &got);
            if (st != TD_OK)
                return st;
            if (got == 0)
                s->raw_eof = true;
            s->zs.next_in = s->raw;
            s->zs.avail_in = (uInt)got;
        }
        if (s->zs.avail_in == 0 && s->raw_eof) {
            if (!s->member_end) {
                snprintf(s->err, sizeof s->err,
                         "gzip stream truncated after %llu compressed bytes",
                         (unsigned long long)s->consumed);
                return TD_ETRUNC;
            }
            s->eof = true;
            return TD_OK;
        }
        s->zs.next_out = (unsigned char *)s->buf + s->len;
        s->zs.avail_out = (uInt)(s->cap - s->len);
        int zr = inflate(&s->zs, Z_NO_FLUSH);
        size_t made = (s->cap - s->len) - s->zs.avail_out;
        s->len += made;
        s->produced += made;
        s->member_end = false;
        if (zr == Z_STREAM_END) {
            s->member_end = true;
            /* another member may follow (one per WARC record) */
            if (s->zs.avail_in == 0 && !s->raw_eof) {
                size_t got;
                st = read_raw(s, s->raw, RAW_CHUNK, &got);
                if (st != TD_OK)
                    return st;
                if (got == 0)
                    s->raw_eof = true;
                s->zs.next_in = s->raw;
                s->zs.avail_in = (uInt)got;
            }
            if (s->zs.avail_in > 0) {
                if (s->zs.next_in[0] != 0x1f) {
                    /* trailing garbage after the last member: stop here */
                    s->eof = true;
                    return TD_OK;
                }
                inflateReset(&s->zs);
            } else {
                s->eof = true;
                return TD_OK;
            }
        } else if (zr == Z_BUF_ERROR) {
            if (s->zs.avail_in == 0 && s->raw_eof) {
                snprintf(s->err, sizeof s->err,
                         "gzip stream truncated after %llu compressed bytes",
                         (unsigned long long)s->consumed);
                return TD_ETRUNC;
            }
        } else if (zr != Z_OK) {
            snprintf(s->err, sizeof s->err, "gzip data corrupt near compressed byte %llu: %s",
                     (unsigned long long)(s->consumed - s->zs.avail_in),
                     s->zs.msg ? s->zs.msg : "inflate error");
            return TD_EFORMAT;
        }
        if (s->produced > (uint64_t)TD_DEFAULT_MAX_GZIP_RATIO * s->consumed + (64u << 20)) {
            snprintf(s->err, sizeof s->err,
                     "gzip stream inflates more than %u times its size: refused",
                     TD_DEFAULT_MAX_GZIP_RATIO);
            return TD_ETOOBIG;
        }
    }
    return TD_OK;
}

td_status td_source_peek(td_source *s, size_t n, const char **p, size_t *avail)
{
    while (s->len - s->pos < n && !s->eof) {
        td_status st = fill(s);
        if (st != TD_OK) {
            if (s->len > s->pos)
                break; /* hand out what came before the error; it recurs later */
            return st;
        }
    }
    *p = s->buf + s->pos;
    *avail = s->len - s->pos < n ? s->len - s->pos : n;
    return TD_OK;
}

td_status td_source_line(td_source *s, size_t max, const char **line, size_t *len,
                         uint64_t *off)
{
    size_t scanned = 0;
    for (;;) {
        char *nl = memchr(s->buf + s->pos + scanned, '\n', s->len - s->pos - scanned);
        if (nl) {
            size_t l = (size_t)(nl - (s->buf + s->pos));
            *off = s->base_off + s->pos;
            if (l > max) {
                s->pos += l + 1;
                return TD_ETOOBIG;
            }
            *line = s->buf + s->pos;
            *len = l;
            s->pos += l + 1;
            return TD_OK;
        }
        scanned = s->len - s->pos;
        if (s->eof) {
            if (scanned == 0)
                return TD_EOF;
            *off = s->base_off + s->pos;
            if (scanned > max) {
                s->pos = s->len;
                return TD_ETOOBIG;
            }
            *line = s->buf + s->pos;
            *len = scanned;
            s->pos = s->len;
            return TD_OK;
        }
        if (scanned > max) {
            /* over the cap: skip to the end of this line */
            *off = s->base_off + s->pos;
            for (;;) {
                s->pos = s->len;
                td_status st = fill(s);
                if (st != TD_OK)
                    return st;
                char *nl2 = memchr(s->buf + s->pos, '\n', s->len - s->pos);
                if (nl2) {
                    s->pos = (size_t)(nl2 - s->buf) + 1;
                    return TD_ETOOBIG;
                }
                if (s->eof) {
                    s->pos = s->len;
                    return TD_ETOOBIG;
                }
            }
        }
        td_status st = fill(s);
        if (st != TD_OK)
            return st;
    }
}

/* Consume up to n bytes, appending them to out unless out is NULL. */
static td_status take(td_source *s, uint64_t n, td_buf *out, uint64_t *got)
{
    uint64_t done = 0;
    while (done < n) {
        if (s->pos == s->len) {
            if (s->eof)
                break;
            td_status st = fill(s);
            if (st != TD_OK)
                return st;
            continue;
        }
        uint64_t chunk = s->len - s->pos;
        if (chunk > n - done)
            chunk = n - done;
        if (out) {
            td_status st = td_buf_append(out, s->buf + s->pos, (size_t)chunk);
            if (st != TD_OK)
                return st;
        }
        s->pos += (size_t)chunk;
        done += chunk;
    }
    *got = done;
    return TD_OK;
}

td_status td_source_read(td_source *s, size_t n, td_buf *out, size_t *got)
{
    uint64_t done = 0;
    td_status st = take(s, n, out, &done);
    if (st == TD_OK)
        *got = (size_t)done;
    return st;
}

td_status td_source_skip(td_source *s, uint64_t n, uint64_t *got)
{
    return take(s, n, NULL, got);
}
