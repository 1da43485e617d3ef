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

/* The byte-at-a-time escaper the fast one (8 bytes at a time) must match. */
static void ref_escape(td_buf *b, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"')
            td_buf_puts(b, "\\\"");
        else if (c == '\\')
            td_buf_puts(b, "\\\\");
        else if (c == '\n')
            td_buf_puts(b, "\\n");
        else if (c == '\t')
            td_buf_puts(b, "\\t");
        else if (c == '\r')
            td_buf_puts(b, "\\r");
        else if (c < 0x20 || c == 0x7f)
            td_buf_printf(b, "\\u%04x", c);
        else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
            td_buf_puts(b, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else
            td_buf_append(b, &c, 1);
    }
}

TEST(escape_matches_bytewise_at_every_alignment)
{
    static const unsigned char alpha[] = {'a', 'Z', ' ', '"', '\\', '\n', '\t', '\r', 0x01, 0x1f,
                                          0x20, 0x7f, 0x80, 0xA8, 0xA9, 0xE2, 0xC3, 0xFF};
    unsigned seed = 12345;
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
        unsigned char s[64];
        size_t n = (size_t)(round % 41);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly clean text, so long clean runs meet escapes anywhere */
            unsigned r = (seed >> 16) % 64;
            s[i] = r < sizeof alpha ? alpha[r] : (unsigned char)('a' + r % 26);
        }
        td_buf got, want;
        td_buf_init(&got, 0);
        td_buf_init(&want, 0);
        td_json_escape(&got, (const char *)s, n);
        ref_escape(&want, s, n);
        if (got.len != want.len || (n && memcmp(got.ptr, want.ptr, got.len) != 0))
            bad++;
        td_buf_release(&got);
        td_buf_release(&want);
    }
    CHECK_INT(bad, 0);
}

TEST(writer_string_in_reserved_buffer_matches_bytewise)
{
    /* td_jw_str escapes in place when the buffer already has room for the
     * worst case (as a record's does): the same bytes as the reference */
    static const unsigned char alpha[] = {'a', '"', '\\', '\n', 0x01, 0x7f, 0xE2, 0x80, 0xA8, 0xA9};
    unsigned seed = 777;
    int bad = 0;
    for (int round = 0; round < 2000; round++) {
        unsigned char s[64];
        size_t n = (size_t)(round % 47);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 40;
            s[i] = r < sizeof alpha ? alpha[r] : (unsigned char)('a' + r % 26);
        }
        td_buf got, want;
        td_buf_init(&got, 0);
        td_buf_init(&want, 0);
        td_buf_reserve(&got, 1024);
        td_json_w w;
        td_jw_init(&w, &got, false);
        td_jw_str(&w, (const char *)s, n);
        td_buf_putc(&want, '"');
        ref_escape(&want, s, n);
        td_buf_putc(&want, '"');
        if (w.st != TD_OK || got.len != want.len || memcmp(got.ptr, want.ptr, got.len) != 0 ||
            got.ptr[got.len] != '\0')
            bad++;
        td_buf_release(&got);
        td_buf_release(&want);
    }
    CHECK_INT(bad, 0);
}

/* Write one object with spans after a key and as array elements, either
 * with td_jw_span or with the general calls. */
static void spans_obj(td_buf *b, bool pretty, bool fast)
{
    static const long long v[][2] = {{0, 0}, {7, 12}, {-3, 100}, {123456789012LL, 9}};
    td_json_w w;
    td_jw_init(&w, b, pretty);
    td_jw_obj(&w);
    for (size_t i = 0; i < 4; i++) {
        td_jw_key(&w, "span");
        if (fast) {
            td_jw_span(&w, v[i][0], v[i][1]);
        } else {
            td_jw_arr_inline(&w);
            td_jw_int(&w, v[i][0]);
            td_jw_int(&w, v[i][1]);
            td_jw_arr_end(&w);
        }
    }
    td_jw_key(&w, "spans");
    td_jw_arr(&w);
    for (size_t i = 0; i < 4; i++) {
        if (fast) {
            td_jw_span(&w, v[i][0], v[i][1]);
        } else {
            td_jw_arr_inline(&w);
            td_jw_int(&w, v[i][0]);
            td_jw_int(&w, v[i][1]);
            td_jw_arr_end(&w);
        }
    }
    td_jw_arr_end(&w);
    td_jw_obj_end(&w);
}

TEST(writer_span_same_as_inline_array)
{
    for (int pretty = 0; pretty < 2; pretty++) {
        td_buf a, b;
        td_buf_init(&a, 0);
        td_buf_init(&b, 0);
        spans_obj(&a, pretty != 0, true);
        spans_obj(&b, pretty != 0, false);
        CHECK_STR(a.ptr, b.ptr);
        td_buf_release(&a);
        td_buf_release(&b);
    }
    td_buf b;
    td_buf_init(&b, 0);
    td_json_w w;
    td_jw_init(&w, &b, true);
    td_jw_span(&w, 3, -40);
    CHECK_STR(b.ptr, "[3, -40]");
    td_buf_release(&b);
}

TEST(writer_integers_and_spans)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_json_w w;
    td_jw_init(&w, &b, false);
    td_jw_arr(&w);
    static const long long v[] = {0, 7, 10, 99, 100, 12345, 1000000, -1, -100, 9223372036854775807LL,
                                  -9223372036854775807LL - 1};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        td_jw_int(&w, v[i]);
    td_jw_arr_end(&w);
    CHECK(w.st == TD_OK);
    CHECK_STR(b.ptr, "[0,7,10,99,100,12345,1000000,-1,-100,9223372036854775807,"
                     "-9223372036854775808]");
    td_buf_release(&b);
}

TEST(reader_long_strings_at_every_alignment)
{
    /* a quote, a backslash or a control byte at any place of a long string
     * is seen (the reader skips plain bytes 8 at a time) */
    for (size_t pos = 0; pos < 40; pos++) {
        char line[128], body[64];
        for (size_t i = 0; i < sizeof body; i++)
            body[i] = (char)('a' + i % 26);
        /* an escaped quote at pos: still one member, decoded back */
        memcpy(body + pos, "\\\"", 2);
        int n = snprintf(line, sizeof line, "{\"text\": \"%.*s\", \"id\": \"x\"}", 48, body);
        td_json_member m[4];
        size_t nm = 0, off = 0;
        const char *what = NULL;
        CHECK(td_json_object(line, (size_t)n, m, 4, &nm, &off, &what) == TD_OK);
        CHECK_INT(nm, 2);
        const td_json_member *t = td_json_get(m, nm, "text");
        CHECK(t && t->raw_len == 50);
        td_buf b;
        td_buf_init(&b, 0);
        size_t rep = 0;
        CHECK(t && td_json_string(t->raw, t->raw_len, &b, &rep) == TD_OK && b.len == 47 &&
              b.ptr[pos] == '"');
        td_buf_release(&b);
        /* a raw control byte at pos: an error at that byte */
        memcpy(body + pos, "\x01x", 2);
        n = snprintf(line, sizeof line, "{\"text\": \"%.*s\"}", 48, body);
        CHECK(td_json_object(line, (size_t)n, m, 4, &nm, &off, &what) == TD_EFORMAT);
        CHECK_INT(off, 10 + pos);
    }
}

/* td_json_object_take(): the member decoded while the line is parsed is
 * what td_json_string() makes of it, and nothing when it cannot be. */
static void take_case(const char *line, size_t max, size_t cap, int want_done)
{
    td_json_member m[8];
    size_t n = 0, off = 0, off2 = 0, n2 = 0;
    const char *what = NULL, *what2 = NULL;
    td_buf got, ref;
    td_buf_init(&got, cap);
    td_buf_init(&ref, cap);
    td_json_take tk = {"text", 4, &got, 0, false, false};
    td_status st = td_json_object_take(line, strlen(line), m, max, &n, &off, &what, &tk);
    td_status st2 = td_json_object(line, strlen(line), m, max, &n2, &off2, &what2);
    CHECK_INT(st, st2);
    CHECK_INT(off, off2);
    CHECK_INT(n, n2);
    CHECK_INT(tk.done, want_done);
    if (st == TD_OK && tk.done) {
        const td_json_member *t = td_json_get(m, n, "text");
        size_t rep = 0;
        CHECK(t && t->type == TD_JSON_STRING);
        CHECK(t && td_json_string(t->raw, t->raw_len, &ref, &rep) == TD_OK);
        CHECK_INT(tk.repairs, rep);
        CHECK(got.len == ref.len && memcmp(got.ptr, ref.ptr, got.len) == 0);
    } else if (!tk.done) {
        CHECK_INT(got.len, 0);
    }
    td_buf_release(&got);
    td_buf_release(&ref);
}

TEST(take_decodes_as_td_json_string)
{
    take_case("{\"id\": \"a\", \"text\": \"plain text, quite long enough for sixteen\"}", 8, 0, 1);
    take_case("{\"text\": \"a\\\"b\\\\c\\/\\n\\t\\u00e9\\ud83d\\ude00\\ud800 \\u0000x\"}", 8, 0, 1);
    take_case("{\"text\": \"caf\xC3\xA9 \xFF bad \xE2\x80 utf8 and a\ttab in a long run\"}", 8, 0, 1);
    take_case("{\"text\": \"\"}", 8, 0, 1);
    take_case("{\"text\": \"bad \\q escape\"}", 8, 0, 0);      /* left to td_json_string */
    take_case("{\"text\": \"trunc \\u12\"}", 8, 0, 0);
    take_case("{\"text\": \"raw \x01 control\"}", 8, 0, 0);   /* a format error */
    take_case("{\"text\": \"unterminated", 8, 0, 0);
    take_case("{\"text\": 12, \"text\": \"second\"}", 8, 0, 0); /* the first one only */
    take_case("{\"text\": \"first\", \"text\": \"second\"}", 8, 0, 1);
    take_case("{\"id\": \"x\", \"text\": \"not stored\"}", 1, 0, 0);
    take_case("{\"text\": \"0123456789abcdef0123\"}", 8, 8, 0); /* over the cap */
    take_case("{\"text\": \"01234567\", \"id\": \"a much longer member after it\"}", 8, 8, 1);
    take_case("{\"text\": \"ok\" ,, }", 8, 0, 1);                /* then a bad line */
}

TEST(string_cap_holds)
{
    td_buf b;
    td_buf_init(&b, 8);
    size_t rep = 0;
    CHECK(td_json_string("\"12345678\"", 10, &b, &rep) == TD_OK);
    CHECK_INT(b.len, 8);
    td_buf_release(&b);
    td_buf_init(&b, 8);
    CHECK(td_json_string("\"123456789\"", 11, &b, &rep) == TD_ETOOBIG);
    td_buf_release(&b);
    /* escapes shrink a raw string over the cap to one within it */
    td_buf_init(&b, 4);
    CHECK(td_json_string("\"\\u00e9\\u00e9\"", 14, &b, &rep) == TD_OK);
    CHECK_INT(b.len, 4);
    td_buf_release(&b);
}

/* td_json_string against a byte-at-a-time decoding of the same pieces:
 * plain runs longer than 16 bytes cut at every alignment by an escape, an
 * invalid byte (3 bytes once repaired: the text grows past the raw length)
 * or a two-byte letter, in a buffer without a cap, with a cap of exactly the
 * decoded length, and with one byte less. */
TEST(string_decoded_as_bytewise)
{
    static const char *const raw_piece[] = {"\\n", "\xFF", "\xC3\xA9", "\\\"", "\xFF\xFE\xFD"};
    static const char *const dec_piece[] = {"\n", "\xEF\xBF\xBD", "\xC3\xA9", "\"",
                                            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"};
    const char *plain = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    for (size_t kind = 0; kind < 5; kind++) {
        for (size_t at = 0; at < 40; at++) {
            char raw[256], want[256];
            size_t rn = 0, wn = 0;
            raw[rn++] = '"';
            for (int rep = 0; rep < 3; rep++) { /* plain[0..at) piece, three times */
                memcpy(raw + rn, plain, at);
                memcpy(want + wn, plain, at);
                rn += at;
                wn += at;
                size_t pl = strlen(raw_piece[kind]), dl = strlen(dec_piece[kind]);
                memcpy(raw + rn, raw_piece[kind], pl);
                memcpy(want + wn, dec_piece[kind], dl);
                rn += pl;
                wn += dl;
            }
            memcpy(raw + rn, plain, 20);
            memcpy(want + wn, plain, 20);
            rn += 20;
            wn += 20;
            raw[rn++] = '"';
            for (int cap = 0; cap < 3; cap++) {
                td_buf b;
                td_buf_init(&b, cap == 0 ? 0 : cap == 1 ? wn : wn - 1);
                size_t reps = 0;
                td_status st = td_json_string(raw, rn, &b, &reps);
                if (cap == 2) {
                    CHECK(st == TD_ETOOBIG);
                } else {
                    CHECK(st == TD_OK && b.len == wn && memcmp(b.ptr, want, wn) == 0 &&
                          b.ptr[wn] == '\0');
                    CHECK_INT(reps, kind == 1 ? 3 : kind == 4 ? 9 : 0);
                }
                td_buf_release(&b);
            }
        }
    }
}

/* One value written twice, compact and pretty, by the same calls. */
static void write_sample(td_json_w *w)
{
    td_jw_obj(w);
    td_jw_kstr(w, "s", "a \"[quoted]\", {x: 1}, back\\slash");
    td_jw_key(w, "span");
    td_jw_span(w, 3, -17);
    td_jw_key(w, "empty_a");
    td_jw_arr(w);
    td_jw_arr_end(w);
    td_jw_key(w, "empty_o");
    td_jw_obj(w);
    td_jw_obj_end(w);
    td_jw_key(w, "spans");
    td_jw_arr(w);
    td_jw_span(w, 1, 2);
    td_jw_span(w, 30, 40);
    td_jw_arr_end(w);
    td_jw_key(w, "mixed");
    td_jw_arr(w);
    td_jw_num(w, -2.5);
    td_jw_null(w);
    td_jw_obj(w);
    td_jw_kint(w, "k", 7);
    td_jw_kstr(w, "n", NULL);
    td_jw_obj_end(w);
    td_jw_bool(w, false);
    td_jw_arr_end(w);
    td_jw_obj_end(w);
}

TEST(pretty_reindents_compact_as_the_writer_does)
{
    td_buf compact, want, got;
    td_buf_init(&compact, 0);
    td_buf_init(&want, 0);
    td_buf_init(&got, 0);
    td_json_w w;
    td_jw_init(&w, &compact, false);
    write_sample(&w);
    CHECK(w.st == TD_OK);
    td_jw_init(&w, &want, true);
    write_sample(&w);
    CHECK(w.st == TD_OK);
    CHECK(td_json_pretty(compact.ptr, compact.len, &got) == TD_OK);
    CHECK_INT(got.len, want.len);
    CHECK(got.len == want.len && memcmp(got.ptr, want.ptr, got.len) == 0);
    CHECK(strstr(want.ptr, "\"span\": [3, -17]") != NULL);
    td_buf_release(&compact);
    td_buf_release(&want);
    td_buf_release(&got);
}

int main(void)
{
    RUN(escapes);
    RUN(writer_nesting_and_numbers);
    RUN(capped_buffer_refuses);
    RUN(reader_members);
    RUN(reader_errors_with_offsets);
    RUN(strings_repaired);
    RUN(escape_matches_bytewise_at_every_alignment);
    RUN(writer_string_in_reserved_buffer_matches_bytewise);
    RUN(writer_span_same_as_inline_array);
    RUN(writer_integers_and_spans);
    RUN(reader_long_strings_at_every_alignment);
    RUN(take_decodes_as_td_json_string);
    RUN(string_cap_holds);
    RUN(string_decoded_as_bytewise);
    RUN(pretty_reindents_compact_as_the_writer_does);
    return DONE();
}
