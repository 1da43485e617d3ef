/* test_reader.c - the text and JSON-lines readers, gzip, paths. */
#include "harness.h"
#include "tmpdir.h"

#include "doc.h"
#include "tidings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Read every document; returns how many, fills ids/errors (first 8). */
static int read_all(const char *path, td_doc **docs, int max, int *errors)
{
    td_reader *rd = NULL;
    *errors = 0;
    if (td_reader_open(path, NULL, &rd) != TD_OK)
        return -1;
    int n = 0;
    for (;;) {
        td_doc *d = NULL;
        td_status st = td_reader_next(rd, &d);
        if (st == TD_EOF)
            break;
        if (st != TD_OK) {
            (*errors)++;
            if (st == TD_EIO || st == TD_ETRUNC)
                break;
            continue;
        }
        if (n < max)
            docs[n] = d;
        else
            td_doc_free(d);
        n++;
    }
    td_reader_free(rd);
    return n;
}

TEST(text_many_documents)
{
    const char t[] = " date 2022-01-01 Caption one\nBody one.\nTitle one\n"
                     "date 2022-02-03\nBody two.\n date 2022-03-04 Cap\nBody three.";
    const char *p = tmp_write("many.txt", t, sizeof t - 1);
    td_doc *d[8];
    int err;
    int n = read_all(p, d, 8, &err);
    CHECK_INT(n, 3);
    CHECK_INT(err, 0);
    if (n != 3)
        return;
    size_t len;
    CHECK_STR(td_doc_base(d[0], &len), " date 2022-01-01 Caption one\nBody one.\nTitle one");
    CHECK_INT(d[0]->offset, 0);
    CHECK_INT(d[0]->line, 1);
    CHECK_STR(d[1]->base, "date 2022-02-03\nBody two.");
    CHECK_INT(d[1]->offset, strstr(t, "date 2022-02-03") - t);
    CHECK_INT(d[1]->line, 4);
    CHECK_STR(d[2]->base, " date 2022-03-04 Cap\nBody three.");
    CHECK_INT(d[2]->line, 6);
    for (int i = 0; i < n; i++)
        td_doc_free(d[i]);
}

TEST(text_without_header_is_one_document)
{
    const char t[] = "Just a story.\nWith two lines.\n";
    const char *p = tmp_write("one.txt", t, sizeof t - 1);
    td_doc *d[2];
    int err;
    CHECK_INT(read_all(p, d, 2, &err), 1);
    CHECK_STR(d[0]->base, "Just a story.\nWith two lines.");
    td_doc_free(d[0]);
}

TEST(jsonl_fields_and_repairs)
{
    const char t[] = "{\"id\": \"a1\", \"text\": \"Caf\\u00e9 \\ud83d x\\u0000y\", \"date\": "
                     "\"2022-11-18T10:00:00Z\", \"url\": \"http://x\", \"config\": {\"k\": [1]}}\n"
                     "\n"
                     "{\"id\": 7, \"text\": \"second\"}\n"
                     "{\"id\": \"bad\", \"text\": \"unterminated}\n"
                     "{\"title\": \"no text\"}\n"
                     "{\"text\": \"raw \xff byte\"}\n";
    const char *p = tmp_write("in.jsonl", t, sizeof t - 1);
    td_doc *d[8];
    int err;
    int n = read_all(p, d, 8, &err);
    CHECK_INT(n, 3);
    CHECK_INT(err, 2);
    if (n != 3)
        return;
    CHECK_STR(d[0]->id, "a1");
    CHECK_STR(d[0]->base, "Caf\xC3\xA9 \xEF\xBF\xBD x\xEF\xBF\xBDy");
    CHECK_INT(d[0]->invalid_bytes, 2);
    CHECK_STR(d[0]->in_date, "2022-11-18T10:00:00Z");
    CHECK_STR(d[0]->url, "http://x");
    CHECK_STR(d[0]->in_config, "{\"k\": [1]}");
    CHECK_INT(d[0]->line, 1);
    CHECK_STR(d[1]->id, "7");
    CHECK_INT(d[1]->line, 3);
    CHECK_STR(d[2]->base, "raw \xEF\xBF\xBD byte");
    CHECK_INT(d[2]->line, 6);
    for (int i = 0; i < n; i++)
        td_doc_free(d[i]);
}

TEST(jsonl_error_names_line_and_column)
{
    const char t[] = "{\"text\": \"ok\"}\n{\"text\": 12, }\n";
    const char *p = tmp_write("bad.jsonl", t, sizeof t - 1);
    td_reader *rd;
    CHECK(td_reader_open(p, NULL, &rd) == TD_OK);
    td_doc *d = NULL;
    CHECK(td_reader_next(rd, &d) == TD_OK);
    td_doc_free(d);
    CHECK(td_reader_next(rd, &d) == TD_EFORMAT);
    const char *m = td_reader_error(rd);
    CHECK(m && strstr(m, "bad.jsonl:2:") != NULL);
    CHECK(td_reader_next(rd, &d) == TD_EOF);
    td_reader_free(rd);
}

static void gzip_file(const char *path, const char *data, size_t len, size_t cut)
{
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.full", path);
    gzFile g = gzopen(tmp, "wb");
    gzwrite(g, data, (unsigned)len);
    gzclose(g);
    FILE *f = fopen(tmp, "rb");
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unlink(tmp);
    if (cut)
        n = n * cut / 100; /* keep cut percent of it */
    f = fopen(path, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);
}

TEST(gzip_transparent_and_truncation)
{
    char data[8192];
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(data + n, sizeof data - n, "{\"id\": \"d%d\", \"text\": \"doc %d\"}\n", i, i);
    char path[512];
    snprintf(path, sizeof path, "%s/c.jsonl.gz", tmpdir);
    gzip_file(path, data, n, 0);
    td_doc *d[4];
    int err;
    CHECK_INT(read_all(path, d, 4, &err), 100);
    CHECK_INT(err, 0);
    CHECK_STR(d[3]->id, "d3");
    for (int i = 0; i < 4; i++)
        td_doc_free(d[i]);
    snprintf(path, sizeof path, "%s/t.jsonl.gz", tmpdir);
    gzip_file(path, data, n, 60);
    int got = read_all(path, d, 4, &err);
    CHECK(got < 100);
    CHECK_INT(err, 1);
    for (int i = 0; i < got && i < 4; i++)
        td_doc_free(d[i]);
}

TEST(empty_file)
{
    const char *p = tmp_write("empty.txt", "", 0);
    td_doc *d[1];
    int err;
    CHECK_INT(read_all(p, d, 1, &err), 0);
    CHECK_INT(err, 0);
}

TEST(path_expand_sorts_and_recurses)
{
    char sub[600];
    snprintf(sub, sizeof sub, "%s/dir", tmpdir);
    CHECK(mkdir(sub, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/dir/b", tmpdir);
    CHECK(mkdir(sub, 0700) == 0);
    tmp_write("dir/z.txt", "z", 1);
    tmp_write("dir/a.txt", "a", 1);
    tmp_write("dir/b/m.txt", "m", 1);
    tmp_write("dir/.hidden", "h", 1);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/dir", tmpdir);
    const char *in[] = {dir};
    char **out = NULL;
    CHECK(td_path_expand(in, 1, &out, NULL) == TD_OK);
    int n = 0;
    while (out && out[n])
        n++;
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK(strstr(out[0], "/a.txt") != NULL);
        CHECK(strstr(out[1], "/b/m.txt") != NULL);
        CHECK(strstr(out[2], "/z.txt") != NULL);
    }
    td_path_list_free(out);
}

int main(void)
{
    if (tmp_open("reader"))
        return 2;
    RUN(text_many_documents);
    RUN(text_without_header_is_one_document);
    RUN(jsonl_fields_and_repairs);
    RUN(jsonl_error_names_line_and_column);
    RUN(gzip_transparent_and_truncation);
    RUN(empty_file);
    RUN(path_expand_sorts_and_recurses);
    tmp_remove();
    return DONE();
}
