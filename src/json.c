/* json.c - streaming JSON writer and lenient member reader; see json.h. */
#include "json.h"

#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- writer ------------------------------------------------------------ */

void td_jw_init(td_json_w *w, td_buf *b, bool pretty)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->pretty = pretty;
}

static void put(td_json_w *w, const char *s, size_t n)
{
    if (w->st == TD_OK)
        w->st = td_buf_append(w->b, s, n);
}

static void newline(td_json_w *w)
{
    if (!w->pretty)
        return;
    if (w->inline_from && w->depth >= w->inline_from) {
        if (w->b->len && w->b->ptr[w->b->len - 1] == ',')
            put(w, " ", 1);
        return;
    }
    put(w, "\n", 1);
    for (int i = 0; i < w->depth; i++)
        put(w, "  ", 2);
}

/* Before a value: a comma and indentation unless it follows a key. */
static void before_value(td_json_w *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->need_comma[w->depth])
            put(w, ",", 1);
        w->need_comma[w->depth] = true;
        newline(w);
    }
}

static void open(td_json_w *w, char c)
{
    before_value(w);
    put(w, &c, 1);
    if (w->depth < 63)
        w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_(td_json_w *w, char c)
{
    bool had = w->need_comma[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (had)
        newline(w);
    put(w, &c, 1);
    if (w->depth == 0 && w->st == TD_OK)
        w->need_comma[0] = false;
}

void td_jw_obj(td_json_w *w) { open(w, '{'); }
void td_jw_obj_end(td_json_w *w) { close_(w, '}'); }
void td_jw_arr(td_json_w *w) { open(w, '['); }
void td_jw_arr_end(td_json_w *w)
{
    bool was_inline = w->inline_from && w->depth == w->inline_from;
    if (was_inline)
        w->need_comma[w->depth] = false; /* no newline before the ']' */
    close_(w, ']');
    if (was_inline)
        w->inline_from = 0;
}

void td_jw_arr_inline(td_json_w *w)
{
    open(w, '[');
    if (!w->inline_from)
        w->inline_from = w->depth;
}

/* Bytes that may need escaping: controls, '"', '\\', DEL, and 0xE2 (the
 * lead byte of U+2028/U+2029). */
static const unsigned char needs_look[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1, [0x7f] = 1, [0xE2] = 1,
};

td_status td_json_escape(td_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    td_status st = TD_OK;
    for (size_t i = 0; i < len && st == TD_OK; i++) {
        while (i < len && !needs_look[(unsigned char)s[i]])
            i++;
        if (i >= len)
            break;
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char tmp[8];
        size_t skip = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\t')
            esc = "\\t";
        else if (c == '\r')
            esc = "\\r";
        else if (c < 0x20 || c == 0x7f) {
            tmp[0] = '\\';
            tmp[1] = 'u';
            tmp[2] = '0';
            tmp[3] = '0';
            tmp[4] = hex[c >> 4];
            tmp[5] = hex[c & 15];
            tmp[6] = 0;
            esc = tmp;
        } else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
            skip = 3;
        }
        if (esc) {
            st = td_buf_append(b, s + start, i - start);
            if (st == TD_OK)
                st = td_buf_puts(b, esc);
            i += skip - 1;
            start = i + 1;
        }
    }
    if (st == TD_OK)
        st = td_buf_append(b, s + start, len - start);
    return st;
}

void td_jw_key(td_json_w *w, const char *key)
{
    /* keys are the program's own ASCII names: nothing to escape */
    before_value(w);
    size_t n = strlen(key);
    char tmp[64];
    if (n + 4 <= sizeof tmp) {
        tmp[0] = '"';
        memcpy(tmp + 1, key, n);
        tmp[n + 1] = '"';
        tmp[n + 2] = ':';
        tmp[n + 3] = ' ';
        put(w, tmp, n + (w->pretty ? 4 : 3));
    } else {
        put(w, "\"", 1);
        if (w->st == TD_OK)
            w->st = td_json_escape(w->b, key, n);
        put(w, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
    }
    w->after_key = true;
}

void td_jw_str(td_json_w *w, const char *s, size_t len)
{
    before_value(w);
    put(w, "\"", 1);
    if (w->st == TD_OK)
        w->st = td_json_escape(w->b, s, len);
    put(w, "\"", 1);
}

void td_jw_cstr(td_json_w *w, const char *s)
{
    if (!s)
        td_jw_null(w);
    else
        td_jw_str(w, s, strlen(s));
}

void td_jw_int(td_json_w *w, long long v)
{
    char tmp[24];
    char *e = tmp + sizeof tmp, *p = e;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    before_value(w);
    put(w, p, (size_t)(e - p));
}

void td_jw_num(td_json_w *w, double v)
{
    if (!isfinite(v)) {
        td_jw_null(w);
        return;
    }
    /* %g honours LC_NUMERIC; tidings never calls setlocale(LC_NUMERIC),
     * and we still replace a comma defensively. */
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.6g", v);
    for (int i = 0; i < n; i++)
        if (tmp[i] == ',')
            tmp[i] = '.';
    before_value(w);
    put(w, tmp, (size_t)n);
}

void td_jw_bool(td_json_w *w, bool v)
{
    before_value(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void td_jw_null(td_json_w *w)
{
    before_value(w);
    put(w, "null", 4);
}

void td_jw_raw(td_json_w *w, const char *json, size_t len)
{
    before_value(w);
    put(w, json, len);
}

void td_jw_kstr(td_json_w *w, const char *key, const char *s)
{
    td_jw_key(w, key);
    td_jw_cstr(w, s);
}

void td_jw_kint(td_json_w *w, const char *key, long long v)
{
    td_jw_key(w, key);
    td_jw_int(w, v);
}

/* ---- reader ------------------------------------------------------------ */

typedef struct {
    const char *s;
    size_t len, i;
    const char *what;
} rd;

static void ws(rd *r)
{
    while (r->i < r->len) {
        char c = r->s[r->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            r->i++;
        else
            break;
    }
}

static int skip_string(rd *r)
{
    /* at '"' */
    r->i++;
    while (r->i < r->len) {
        char c = r->s[r->i];
        if (c == '"') {
            r->i++;
            return 1;
        }
        if (c == '\\') {
            r->i += 2;
            continue;
        }
        if ((unsigned char)c < 0x20 && c != '\t') {
            r->what = "control character in string";
            return 0;
        }
        r->i++;
    }
    r->what = "unterminated string";
    return 0;
}

static int skip_value(rd *r, int depth, td_json_type *type);

static int skip_container(rd *r, int depth, char close, int is_obj)
{
    r->i++;
    ws(r);
    if (r->i < r->len && r->s[r->i] == close) {
        r->i++;
        return 1;
    }
    for (;;) {
        ws(r);
        if (is_obj) {
            if (r->i >= r->len || r->s[r->i] != '"') {
                r->what = "expected a member name";
                return 0;
            }
            if (!skip_string(r))
                return 0;
            ws(r);
            if (r->i >= r->len || r->s[r->i] != ':') {
                r->what = "expected ':'";
                return 0;
            }
            r->i++;
            ws(r);
        }
        td_json_type t;
        if (!skip_value(r, depth + 1, &t))
            return 0;
        ws(r);
        if (r->i >= r->len) {
            r->what = "unexpected end of line";
            return 0;
        }
        if (r->s[r->i] == ',') {
            r->i++;
            continue;
        }
        if (r->s[r->i] == close) {
            r->i++;
            return 1;
        }
        r->what = is_obj ? "expected ',' or '}'" : "expected ',' or ']'";
        return 0;
    }
}

static int skip_literal(rd *r, const char *lit)
{
    size_t n = strlen(lit);
    if (r->len - r->i >= n && memcmp(r->s + r->i, lit, n) == 0) {
        r->i += n;
        return 1;
    }
    r->what = "invalid literal";
    return 0;
}

static int skip_value(rd *r, int depth, td_json_type *type)
{
    if (depth > 256) {
        r->what = "nesting too deep";
        return 0;
    }
    ws(r);
    if (r->i >= r->len) {
        r->what = "expected a value";
        return 0;
    }
    char c = r->s[r->i];
    switch (c) {
    case '"':
        *type = TD_JSON_STRING;
        return skip_string(r);
    case '{':
        *type = TD_JSON_OBJECT;
        return skip_container(r, depth, '}', 1);
    case '[':
        *type = TD_JSON_ARRAY;
        return skip_container(r, depth, ']', 0);
    case 't':
        *type = TD_JSON_TRUE;
        return skip_literal(r, "true");
    case 'f':
        *type = TD_JSON_FALSE;
        return skip_literal(r, "false");
    case 'n':
        *type = TD_JSON_NULL;
        return skip_literal(r, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            *type = TD_JSON_NUMBER;
            size_t st = r->i;
            while (r->i < r->len && strchr("+-.eE0123456789", r->s[r->i]))
                r->i++;
            return r->i > st;
        }
        r->what = "unexpected character";
        return 0;
    }
}

td_status td_json_object(const char *s, size_t len, td_json_member *m, size_t max, size_t *n,
                         size_t *err_off, const char **err_what)
{
    rd r = {s, len, 0, NULL};
    size_t count = 0;
    ws(&r);
    if (r.i >= len || s[r.i] != '{') {
        r.what = "not a JSON object";
        goto fail;
    }
    r.i++;
    ws(&r);
    if (r.i < len && s[r.i] == '}') {
        r.i++;
        goto done;
    }
    for (;;) {
        ws(&r);
        if (r.i >= len || s[r.i] != '"') {
            r.what = "expected a member name";
            goto fail;
        }
        size_t ks = r.i + 1;
        if (!skip_string(&r))
            goto fail;
        size_t ke = r.i - 1;
        ws(&r);
        if (r.i >= len || s[r.i] != ':') {
            r.what = "expected ':'";
            goto fail;
        }
        r.i++;
        ws(&r);
        size_t vs = r.i;
        td_json_type t;
        if (!skip_value(&r, 1, &t))
            goto fail;
        if (count < max) {
            m[count].key = s + ks;
            m[count].key_len = ke - ks;
            m[count].type = t;
            m[count].raw = s + vs;
            m[count].raw_len = r.i - vs;
            count++;
        }
        ws(&r);
        if (r.i >= len) {
            r.what = "unexpected end of line";
            goto fail;
        }
        if (s[r.i] == ',') {
            r.i++;
            continue;
        }
        if (s[r.i] == '}') {
            r.i++;
            break;
        }
        r.what = "expected ',' or '}'";
        goto fail;
    }
done:
    ws(&r);
    if (r.i != len) {
        r.what = "trailing characters after the object";
        goto fail;
    }
    *n = count;
    return TD_OK;
fail:
    if (err_off)
        *err_off = r.i;
    if (err_what)
        *err_what = r.what ? r.what : "malformed JSON";
    return TD_EFORMAT;
}

const td_json_member *td_json_get(const td_json_member *m, size_t n, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < n; i++)
        if (m[i].key_len == kl && memcmp(m[i].key, key, kl) == 0)
            return &m[i];
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_u4(const char *p, size_t avail)
{
    if (avail < 4)
        return -1;
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

td_status td_json_string(const char *raw, size_t len, td_buf *out, size_t *repairs)
{
    if (len < 2 || raw[0] != '"' || raw[len - 1] != '"')
        return TD_EFORMAT;
    const char *s = raw + 1;
    size_t n = len - 2;
    size_t i = 0;
    td_status st = TD_OK;
    while (i < n && st == TD_OK) {
        size_t j = i;
        while (j < n && s[j] != '\\')
            j++;
        if (j > i)
            st = td_utf8_repair(s + i, j - i, out, repairs, NULL);
        if (j >= n || st != TD_OK)
            break;
        /* escape at j */
        if (j + 1 >= n) {
            st = TD_EFORMAT;
            break;
        }
        char e = s[j + 1];
        i = j + 2;
        char c = 0;
        switch (e) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': {
            int u = read_u4(s + i, n - i);
            if (u < 0) {
                st = TD_EFORMAT;
                break;
            }
            i += 4;
            int32_t cp = u;
            if (u >= 0xD800 && u <= 0xDBFF) {
                int lo = -1;
                if (n - i >= 6 && s[i] == '\\' && s[i + 1] == 'u')
                    lo = read_u4(s + i + 2, n - i - 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else {
                    cp = 0xFFFD; /* lone high surrogate */
                    if (repairs)
                        (*repairs)++;
                }
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                cp = 0xFFFD; /* lone low surrogate */
                if (repairs)
                    (*repairs)++;
            } else if (u == 0) {
                cp = 0xFFFD; /* NUL never enters the library */
                if (repairs)
                    (*repairs)++;
            }
            char enc[4];
            size_t el = td_utf8_encode(cp, enc);
            st = td_buf_append(out, enc, el);
            continue;
        }
        default:
            st = TD_EFORMAT;
            break;
        }
        if (st == TD_OK)
            st = td_buf_putc(out, c);
    }
    if (st == TD_OK && out->ptr == NULL)
        st = td_buf_reserve(out, 0);
    return st;
}
