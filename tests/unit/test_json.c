/* test_json.c - the JSON writer's escaping and the lenient line reader. */
#include "harness.h"

#include "json.h"

#include <stdlib.h>
#include <string.h>

static char *esc(const char *s, size_t n)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_json_escape(&b, s, n);
    td_buf_putc(&b, '\0');
    return b.ptr;
}

TEST(escapes)
{
    char *e = esc("a\"b\\c\nd\te\x01" "f\x7f", 12);
    CHECK_STR(e, "a\\\"b\\\\c\\nd\\te\\u0001f\\u007f");
    free(e);
    e = esc("x\xE2\x80\xA8y\xE2\x80\xA9z\xE2\x80\x9C", 12);
    CHECK_STR(e, "x\\u2028y\\u2029z\xE2\x80\x9C");
    free(e);
}

TEST(writer_nesting_and_numbers)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_json_w w;
    td_jw_init(&w, &b, false);
    td_jw_obj(&w);
    td_jw_kint(&w, "n", -3);
    td_jw_key(&w, "a");
    td_jw_arr(&w);
    td_jw_num(&w, 1.5);
    td_jw_null(&w);
    td_jw_bool(&w, true);
    td_jw_arr_end(&w);
    td_jw_kstr(&w, "s", NULL);
    td_jw_obj_end(&w);
    CHECK(w.st == TD_OK);
    CHECK_STR(b.ptr, "{\"n\":-3,\"a\":[1.5,null,true],\"s\":null}");
    td_buf_release(&b);
}

TEST(capped_buffer_refuses)
{
    td_buf b;
    td_buf_init(&b, 8);
    CHECK(td_buf_append(&b, "12345678", 8) == TD_OK);
    CHECK(td_buf_append(&b, "9", 1) == TD_ETOOBIG);
    td_buf_release(&b);
}

TEST(reader_members)
{
    const char *l = " {\"id\": \"x\", \"n\": 12.5e3, \"o\": {\"k\": [1, {\"z\": null}]}, \"t\": true} ";
    td_json_member m[8];
    size_t n = 0, off = 0;
    const char *what = NULL;
    CHECK(td_json_object(l, strlen(l), m, 8, &n, &off, &what) == TD_OK);
    CHECK_INT(n, 4);
    const td_json_member *o = td_json_get(m, n, "o");
    CHECK(o && o->type == TD_JSON_OBJECT && o->raw_len == strlen("{\"k\": [1, {\"z\": null}]}"));
    CHECK(td_json_get(m, n, "n")->type == TD_JSON_NUMBER);
    CHECK(td_json_get(m, n, "missing") == NULL);
}

TEST(reader_errors_with_offsets)
{
    static const char *const bad[] = {"", "[1]", "{\"a\" 1}", "{\"a\": tru}", "{\"a\": \"x}",
                                      "{\"a\": 1,}", "{\"a\": 1} x", "{\"a\": [1, 2}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        td_json_member m[4];
        size_t n, off = 999;
        const char *what = NULL;
        CHECK(td_json_object(bad[i], strlen(bad[i]), m, 4, &n, &off, &what) == TD_EFORMAT);
        CHECK(what != NULL);
        CHECK(off <= strlen(bad[i]));
    }
}

TEST(strings_repaired)
{
    const char *raw = "\"a\\u00e9\\ud83d\\ude00 \\ud83d x\\u0000 \\n\xff\"";
    td_buf b;
    td_buf_init(&b, 0);
    size_t rep = 0;
    CHECK(td_json_string(raw, strlen(raw), &b, &rep) == TD_OK);
    CHECK_STR(b.ptr, "a\xC3\xA9\xF0\x9F\x98\x80 \xEF\xBF\xBD x\xEF\xBF\xBD \n\xEF\xBF\xBD");
    CHECK_INT(rep, 3);
    td_buf_release(&b);
    td_buf_init(&b, 0);
    CHECK(td_json_string("\"bad \\q\"", 8, &b, &rep) == TD_EFORMAT);
    td_buf_release(&b);
}

int main(void)
{
    RUN(escapes);
    RUN(writer_nesting_and_numbers);
    RUN(capped_buffer_refuses);
    RUN(reader_members);
    RUN(reader_errors_with_offsets);
    RUN(strings_repaired);
    return DONE();
}
