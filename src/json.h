/*
 * json.h - a small streaming JSON writer and a lenient reader for the few
 * fields tidings takes from a JSON line.
 *
 * The writer escapes control characters, '"', '\\' and U+2028/U+2029, and
 * never consults the locale. It records the first error in w->st; check it
 * once at the end.
 *
 * The reader does not build a tree: it finds the top-level members of one
 * object and hands back their raw bytes; td_json_string() decodes a string
 * value. It is lenient where crawler lines are broken (invalid UTF-8, lone
 * surrogates, \u0000 become U+FFFD and are counted) and strict on structure
 * (a malformed line is an error with its byte offset).
 */
#ifndef TD_JSON_H
#define TD_JSON_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct td_json_w {
    td_buf *b;
    td_status st;
    int depth;
    bool pretty;
    bool need_comma[64];
    bool after_key;
    int inline_from; /* depth from which pretty output stays on one line (0: none) */
} td_json_w;

void td_jw_init(td_json_w *w, td_buf *b, bool pretty);
/* Append json[0..len), one compact JSON value (no white space outside
 * strings, as td_jw writes with pretty false), to out re-indented the way
 * a pretty td_jw writes: two spaces a level, "key": value, an array that
 * holds only numbers on one line ([s, e]), empty [] and {}. Bytes of
 * strings and numbers are copied as they are. */
td_status td_json_pretty(const char *json, size_t len, td_buf *out);
void td_jw_obj(td_json_w *w);
void td_jw_obj_end(td_json_w *w);
void td_jw_arr(td_json_w *w);
void td_jw_arr_end(td_json_w *w);
/* An array kept on one line even in pretty output ([12, 40] spans). */
void td_jw_arr_inline(td_json_w *w);
/* [s, e] on one line: the same bytes as td_jw_arr_inline, two td_jw_int
 * and td_jw_arr_end. */
void td_jw_span(td_json_w *w, long long s, long long e);
/* A key of n bytes; td_jw_key() is inline so a literal's length is known
 * at compile time. */
void td_jw_keyn(td_json_w *w, const char *key, size_t n);
static inline void td_jw_key(td_json_w *w, const char *key) { td_jw_keyn(w, key, strlen(key)); }
void td_jw_str(td_json_w *w, const char *s, size_t len);
void td_jw_cstr(td_json_w *w, const char *s); /* NULL writes null */
void td_jw_int(td_json_w *w, long long v);
void td_jw_num(td_json_w *w, double v);
void td_jw_bool(td_json_w *w, bool v);
void td_jw_null(td_json_w *w);
void td_jw_raw(td_json_w *w, const char *json, size_t len); /* a valid JSON value */
/* key + value shorthands */
void td_jw_kstrn(td_json_w *w, const char *key, size_t n, const char *s);
void td_jw_kintn(td_json_w *w, const char *key, size_t n, long long v);
static inline void td_jw_kstr(td_json_w *w, const char *key, const char *s) /* NULL -> null */
{
    td_jw_kstrn(w, key, strlen(key), s);
}
static inline void td_jw_kint(td_json_w *w, const char *key, long long v)
{
    td_jw_kintn(w, key, strlen(key), v);
}

/* Escape s as the body of a JSON string (no quotes) onto b. */
td_status td_json_escape(td_buf *b, const char *s, size_t len);
/* s[0..len) escaped as td_json_escape() does, between quotes, straight into
 * out, which has room for the worst case (len * 6 + 2 bytes); returns the
 * bytes written. */
size_t td_json_escape_quoted(char *out, const char *s, size_t len);
/* The same without the quotes: room for len * 6 bytes. */
size_t td_json_escape_raw(char *out, const char *s, size_t len);

typedef enum {
    TD_JSON_STRING, TD_JSON_NUMBER, TD_JSON_OBJECT, TD_JSON_ARRAY, TD_JSON_TRUE,
    TD_JSON_FALSE, TD_JSON_NULL
} td_json_type;

typedef struct td_json_member {
    const char *key; /* raw key bytes, without quotes, escapes undecoded */
    size_t key_len;
    td_json_type type;
    const char *raw; /* the value's raw bytes (strings with their quotes) */
    size_t raw_len;
} td_json_member;

/* Parse the object in s[0..len) (white space around it allowed). Up to max
 * members are stored in m, *n receives their count (more are skipped).
 * On a structural error returns TD_EFORMAT and *err_off the byte offset,
 * *err_what a static description. */
td_status td_json_object(const char *s, size_t len, td_json_member *m, size_t max, size_t *n,
                         size_t *err_off, const char **err_what);

/* A string member to decode while td_json_object_take() skips it, which
 * saves a second pass over it. Set key, key_len and out (appended to) and
 * clear the rest. seen: a stored member had the key (the first such, which
 * td_json_get() returns); done: it was a string and out holds it decoded
 * as td_json_string() would, its repairs added to repairs. When not done
 * (not a string, or a string td_json_string() refuses), out is unchanged. */
typedef struct td_json_take {
    const char *key;
    size_t key_len;
    td_buf *out;
    size_t repairs;
    bool seen, done;
} td_json_take;

/* td_json_object() that also decodes the member tk names (tk may be NULL). */
td_status td_json_object_take(const char *s, size_t len, td_json_member *m, size_t max, size_t *n,
                              size_t *err_off, const char **err_what, td_json_take *tk);

/* The member named key (an unescaped ASCII key), or NULL. */
const td_json_member *td_json_get(const td_json_member *m, size_t n, const char *key);

/* Decode a string value (raw with its quotes) onto out as valid UTF-8;
 * *repairs is increased by the number of replaced units. */
td_status td_json_string(const char *raw, size_t len, td_buf *out, size_t *repairs);

#endif
