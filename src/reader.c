/* reader.c - open an input, tell its format from its content, dispatch to
 * the format's reader; expand directories. See tidings.h. */
#define _GNU_SOURCE 1
#include "reader.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *td_reader_name(const td_reader *rd)
{
    return strcmp(rd->path, "-") == 0 ? "<stdin>" : rd->path;
}

void td_reader_set_error(td_reader *rd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err, sizeof rd->err, fmt, ap);
    va_end(ap);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

/* Tell the format from the first bytes (after decompression). */
static td_format sniff(const char *p, size_t n, const char *path)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        i = 3;
    if (n - i >= 5 && memcmp(p + i, "WARC/", 5) == 0)
        return TD_FMT_WARC;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < n && p[i] == '{')
        return TD_FMT_JSONL;
    if (i < n && p[i] == '<') {
        /* <!doctype html>, <html, <head, <meta, <!--, <body, <div ... */
        const char *rest = p + i;
        size_t m = n - i;
        static const char *const tags[] = {"<!doctype", "<html", "<head", "<meta", "<!--",
                                           "<body", "<div", "<?xml", "<title", "<article",
                                           "<p", "<script", "<link", NULL};
        for (int k = 0; tags[k]; k++) {
            size_t tl = strlen(tags[k]);
            if (m >= tl && strncasecmp(rest, tags[k], tl) == 0)
                return TD_FMT_HTML;
        }
    }
    /* no content clue: fall back to the name */
    if (has_suffix(path, ".html") || has_suffix(path, ".htm") || has_suffix(path, ".html.gz"))
        return TD_FMT_HTML;
    if (has_suffix(path, ".jsonl") || has_suffix(path, ".jsonl.gz"))
        return TD_FMT_JSONL;
    return TD_FMT_TEXT;
}

td_status td_reader_open(const char *path, const td_options *opts, td_reader **out)
{
    td_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return TD_ENOMEM;
    if (opts)
        rd->opts = *opts;
    if (!rd->opts.max_doc_bytes)
        rd->opts.max_doc_bytes = TD_DEFAULT_MAX_DOC_BYTES;
    if (!rd->opts.max_line_bytes)
        rd->opts.max_line_bytes = TD_DEFAULT_MAX_LINE_BYTES;
    rd->path = strdup(path);
    if (!rd->path) {
        free(rd);
        return TD_ENOMEM;
    }
    td_buf_init(&rd->pending, 0);
    td_buf_init(&rd->jtext, rd->opts.max_doc_bytes);
    td_arena_init(&rd->jtmp);
    td_status st = td_source_open(path, &rd->src);
    if (st != TD_OK) {
        free(rd->path);
        free(rd);
        return st;
    }
    const char *p;
    size_t n;
    st = td_source_peek(rd->src, 4096, &p, &n);
    if (st != TD_OK && st != TD_EOF) {
        td_reader_free(rd);
        return st;
    }
    rd->fmt = sniff(p, n, path);
    *out = rd;
    return TD_OK;
}

td_status td_reader_next(td_reader *rd, td_doc **out)
{
    rd->err[0] = '\0';
    rd->warn[0] = '\0';
    switch (rd->fmt) {
    case TD_FMT_JSONL:
        return td_read_jsonl_next(rd, out);
    case TD_FMT_HTML:
        return td_read_html_next(rd, out);
    case TD_FMT_WARC:
        return td_read_warc_next(rd, out);
    case TD_FMT_TEXT:
    default:
        return td_read_text_next(rd, out);
    }
}

const char *td_reader_error(const td_reader *rd) { return rd->err[0] ? rd->err : NULL; }
const char *td_reader_warning(const td_reader *rd) { return rd->warn[0] ? rd->warn : NULL; }
uint64_t td_reader_consumed(const td_reader *rd) { return td_source_consumed(rd->src); }

void td_reader_free(td_reader *rd)
{
    if (!rd)
        return;
    if (rd->fmt == TD_FMT_WARC)
        td_read_warc_free(rd);
    td_source_close(rd->src);
    td_buf_release(&rd->pending);
    td_buf_release(&rd->jtext);
    td_arena_release(&rd->jtmp);
    free(rd->path);
    free(rd);
}

/* ---- paths ------------------------------------------------------------- */

typedef struct {
    char **v;
    size_t n, cap;
} strlist;

static td_status sl_push(strlist *l, const char *s)
{
    if (l->n + 1 >= l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        char **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return TD_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n] = strdup(s);
    if (!l->v[l->n])
        return TD_ENOMEM;
    l->n++;
    l->v[l->n] = NULL;
    return TD_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static td_status walk(const char *dir, strlist *l, char **err, int depth)
{
    if (depth > 64)
        return TD_OK;
    DIR *d = opendir(dir);
    if (!d) {
        if (err && asprintf(err, "%s: %s", dir, strerror(errno)) < 0)
            *err = NULL;
        return TD_EIO;
    }
    strlist names = {0};
    struct dirent *de;
    td_status st = TD_OK;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* hidden files and . .. */
        st = sl_push(&names, de->d_name);
        if (st != TD_OK)
            break;
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_names);
    for (size_t i = 0; i < names.n && st == TD_OK; i++) {
        char *path;
        if (asprintf(&path, "%s/%s", dir, names.v[i]) < 0) {
            st = TD_ENOMEM;
            break;
        }
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            st = walk(path, l, err, depth + 1);
        else if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            st = sl_push(l, path);
        free(path);
    }
    for (size_t i = 0; i < names.n; i++)
        free(names.v[i]);
    free(names.v);
    return st;
}

td_status td_path_expand(const char *const *paths, size_t n, char ***out, char **err)
{
    strlist l = {0};
    td_status st = TD_OK;
    for (size_t i = 0; i < n && st == TD_OK; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            st = walk(paths[i], &l, err, 0);
        else
            st = sl_push(&l, paths[i]);
    }
    if (st == TD_OK && !l.v) {
        l.v = calloc(1, sizeof *l.v); /* an empty list */
        if (!l.v)
            st = TD_ENOMEM;
    }
    if (st != TD_OK) {
        if (l.v) {
            for (size_t i = 0; i < l.n; i++)
                free(l.v[i]);
            free(l.v);
        }
        return st;
    }
    *out = l.v;
    return TD_OK;
}

void td_path_list_free(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}
