/* json.c - streaming JSON writer and lenient member reader; see json.h. */
#include "json.h"

#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- writer ------------------------------------------------------------ */

/* The end of the string that starts at json[i] (its opening quote). */
static size_t string_end(const char *json, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (json[i] == '\\')
            i++;
        else if (json[i] == '"')
            return i + 1;
    }
    return len;
}

/* Does the array opening at json[i] hold only numbers (and is not empty)? */
static bool numbers_only(const char *json, size_t len, size_t i)
{
    size_t k = i + 1;
    if (k < len && json[k] == ']')
        return false;
    for (; k < len && json[k] != ']'; k++)
        if (json[k] != ',' && json[k] != '-' && json[k] != '.' && json[k] != '+' &&
            json[k] != 'e' && json[k] != 'E' && (json[k] < '0' || json[k] > '9'))
            return false;
    return k < len;
}

static td_status pretty_newline(td_buf *out, int depth)
{
    td_status st = td_buf_putc(out, '\n');
    for (int d = 0; st == TD_OK && d < depth; d++)
        st = td_buf_append(out, "  ", 2);
    return st;
}

td_status td_json_pretty(const char *json, size_t len, td_buf *out)
{
    td_status st = TD_OK;
    int depth = 0;
    for (size_t i = 0; i < len && st == TD_OK;) {
        char c = json[i];
        if (c == '"') {
            size_t e = string_end(json, len, i);
            st = td_buf_append(out, json + i, e - i);
            i = e;
        } else if ((c == '[' || c == '{') && i + 1 < len && json[i + 1] == (c == '[' ? ']' : '}')) {
            st = td_buf_append(out, json + i, 2); /* empty */
            i += 2;
        } else if (c == '[' && numbers_only(json, len, i)) {
            st = td_buf_putc(out, '[');
            for (i++; st == TD_OK && json[i] != ']'; i++)
                st = json[i] == ',' ? td_buf_append(out, ", ", 2) : td_buf_putc(out, json[i]);
            if (st == TD_OK)
                st = td_buf_putc(out, ']');
            i++;
        } else if (c == '[' || c == '{') {
            st = td_buf_putc(out, c);
            if (st == TD_OK)
                st = pretty_newline(out, ++depth);
            i++;
        } else if (c == ']' || c == '}') {
            st = pretty_newline(out, depth > 0 ? --depth : 0);
            if (st == TD_OK)
                st = td_buf_putc(out, c);
            i++;
        } else if (c == ',') {
            st = td_buf_putc(out, ',');
            if (st == TD_OK)
                st = pretty_newline(out, depth);
            i++;
        } else if (c == ':') {
            st = td_buf_append(out, ": ", 2);
            i++;
        } else {
            size_t e = i;
            while (e < len && json[e] != ',' && json[e] != ']' && json[e] != '}' && json[e] != ':')
                e++;
            st = td_buf_append(out, json + i, e - i);
            i = e;
        }
    }
    return st;
}

void td_jw_init(td_json_w *w, td_buf *b, bool pretty)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->pretty = pretty;
}

/* Room for n more bytes at the end of w->b (its length unchanged), or NULL
 * with w->st set. A record reserves its likely size once, so this is almost
 * always one comparison. */
static inline char *room(td_json_w *w, size_t n)
{
    td_buf *b = w->b;
    if (w->st != TD_OK)
        return NULL;
    if (!b->ptr || b->cap - b->len <= n) {
        w->st = td_buf_reserve(b, n);
        if (w->st != TD_OK)
            return NULL;
    }
    return b->ptr + b->len;
}

/* The n bytes written at room() now belong to the buffer. */
static inline void commit(td_json_w *w, size_t n)
{
    w->b->len += n;
    w->b->ptr[w->b->len] = '\0';
}

/* memcpy for the short strings a record is made of: fixed-size moves the
 * compiler inlines instead of a library call per key. */
static inline void copy_short(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n > 16) {
        memcpy(d, s, n);
    } else {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    }
}

static inline void put(td_json_w *w, const char *s, size_t n)
{
    char *p = room(w, n);
    if (p) {
        copy_short(p, s, n);
        commit(w, n);
    }
}

static inline void put1(td_json_w *w, char c)
{
    char *p = room(w, 1);
    if (p) {
        *p = c;
        commit(w, 1);
    }
}

static void newline(td_json_w *w)
{
    if (!w->pretty)
        return;
    if (w->inline_from && w->depth >= w->inline_from) {
        if (w->b->len && w->b->ptr[w->b->len - 1] == ',')
            put1(w, ' ');
        return;
    }
    put1(w, '\n');
    for (int i = 0; i < w->depth; i++)
        put(w, "  ", 2);
}

/* Before a value: a comma and indentation unless it follows a key. */
static inline void before_value(td_json_w *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->need_comma[w->depth])
            put1(w, ',');
        w->need_comma[w->depth] = true;
        newline(w);
    }
}

static void open(td_json_w *w, char c)
{
    before_value(w);
    put1(w, c);
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
    put1(w, c);
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

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Where a JSON string writer must stop: the first byte that may need an
 * escape (a control, '"', '\\', DEL, or 0xE2, the lead byte of
 * U+2028/U+2029). */

/* 1: the byte needs a look. */
static const unsigned char needs_look[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1, [0x7f] = 1, [0xE2] = 1,
};

/* Nonzero when one of the 8 bytes of x needs a look (exact as to "some
 * byte", not as to which one). */
static inline uint64_t swar_look(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t lt = (x - ones * 0x20) & ~x; /* bytes < 0x20 */
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t del = x ^ (ones * 0x7f), e2 = x ^ (ones * 0xE2);
    uint64_t z = ((q - ones) & ~q) | ((bs - ones) & ~bs) | ((del - ones) & ~del) |
                 ((e2 - ones) & ~e2);
    return (lt | z) & highs;
}

/* The first index >= i of s[0..len) of a byte that needs a look, or len. */
static inline size_t clean_until(const char *s, size_t i, size_t len)
{
#if defined(__SSE2__)
    /* 16 bytes at a time, and the exact place from the mask */
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f), e2 = _mm_set1_epi8((char)0xE2);
    const __m128i c1f = _mm_set1_epi8(0x1f);
    while (len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, e2)));
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f)); /* bytes <= 0x1f */
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    if (i < len && len >= 16) {
        /* the last 16 bytes once more, the ones already seen masked off */
        size_t at = len - 16;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, e2)));
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f));
        unsigned mask = (unsigned)_mm_movemask_epi8(m) >> (i - at);
        return mask ? i + (size_t)__builtin_ctz(mask) : len;
    }
#endif
    while (len - i >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (swar_look(x))
            break;
        i += 8;
    }
    while (i < len && !needs_look[(unsigned char)s[i]])
        i++;
    return i;
}

/* The escape for s[i] (n bytes wide) into out (at least 6 bytes); returns
 * its length, 0 when s[i] stays as it is. */
static size_t escape_one(const char *s, size_t i, size_t len, char *out, size_t *n)
{
    static const char hex[] = "0123456789abcdef";
    static const char two[256] = {['"'] = '"', ['\\'] = '\\', ['\n'] = 'n', ['\t'] = 't',
                                  ['\r'] = 'r'};
    unsigned char c = (unsigned char)s[i];
    *n = 1;
    if (two[c]) {
        out[0] = '\\';
        out[1] = two[c];
        return 2;
    }
    if (c < 0x20 || c == 0x7f) {
        memcpy(out, "\\u00", 4);
        out[4] = hex[c >> 4];
        out[5] = hex[c & 15];
        return 6;
    }
    if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
        memcpy(out, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
        *n = 3;
        return 6;
    }
    return 0;
}

td_status td_json_escape(td_buf *b, const char *s, size_t len)
{
    size_t start = 0, i = 0;
    td_status st = TD_OK;
    while (st == TD_OK) {
        i = clean_until(s, i, len);
        if (i >= len)
            break;
        char esc[8];
        size_t skip;
        size_t el = escape_one(s, i, len, esc, &skip);
        if (el == 0) {
            i++; /* a 0xE2 of another character: part of the clean run */
            continue;
        }
        st = td_buf_append(b, s + start, i - start);
        if (st == TD_OK)
            st = td_buf_append(b, esc, el);
        i += skip;
        start = i;
    }
    if (st == TD_OK)
        st = td_buf_append(b, s + start, len - start);
    return st;
}

void td_jw_keyn(td_json_w *w, const char *key, size_t n)
{
    /* keys are the program's own ASCII names: nothing to escape */
    before_value(w);
    if (n + 4 <= 64) {
        char *p = room(w, n + 4);
        if (p) {
            p[0] = '"';
            copy_short(p + 1, key, n);
            p[n + 1] = '"';
            p[n + 2] = ':';
            p[n + 3] = ' ';
            commit(w, n + (w->pretty ? 4 : 3));
        }
    } else {
        put1(w, '"');
        if (w->st == TD_OK)
            w->st = td_json_escape(w->b, key, n);
        put(w, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
    }
    w->after_key = true;
}

#if defined(__SSE2__)
/* Nonzero bits for the bytes of v that need a look (clean_until's set). */
static inline unsigned look16(__m128i v)
{
    const __m128i c1f = _mm_set1_epi8(0x1f);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f));
    return (unsigned)_mm_movemask_epi8(m);
}

/* Nonzero when a byte of v may need a look: '"', '\\', or (v + 1) < 0x21
 * as a signed byte, which holds the controls, DEL and every byte >= 0x80
 * (0xE2 among them). Cheaper than look16(), which settles a hit. */
static inline unsigned rough16(__m128i v)
{
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    m = _mm_or_si128(m, _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x21)));
    return (unsigned)_mm_movemask_epi8(m);
}

#endif

/* Copy s[0..n), n < 16, to o when no byte of it needs a look (true);
 * false (and o untouched) when one may. Overlapping loads cover the
 * string (bytes looked at twice are harmless), so a short string costs no
 * loop and no memcpy call. */
static inline bool copy_clean_short(char *o, const char *s, size_t n)
{
    uint64_t a, b;
    uint32_t x = 0, y = 0;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        a = b = x | (uint64_t)y << 32;
    } else {
        /* s[0], s[n / 2], s[n - 1] cover 1 to 3 bytes; the rest are 'a' */
        a = b = n ? ((uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
                     (uint64_t)(unsigned char)s[n - 1] << 16 | 0x6161616161000000ull)
                  : 0x6161616161616161ull;
    }
#if defined(__SSE2__)
    __m128i v = _mm_set_epi64x((long long)b, (long long)a);
    if (rough16(v) && look16(v))
        return false;
#else
    if (swar_look(a) | swar_look(b))
        return false;
#endif
    if (n >= 8) {
        memcpy(o, &a, 8);
        memcpy(o + n - 8, &b, 8);
    } else if (n >= 4) {
        memcpy(o, &x, 4);
        memcpy(o + n - 4, &y, 4);
    } else if (n) {
        o[0] = s[0];
        o[n / 2] = s[n / 2];
        o[n - 1] = s[n - 1];
    }
    return true;
}

/* Escape s[0..len) as the body of a JSON string straight into out, which
 * has room for the worst case (len * 6 bytes); returns the bytes written.
 * The same escapes as td_json_escape(), without a buffer call per run. */
#if defined(__SSE2__)
/* escape_into in one pass: 16 bytes are stored as they are looked at (the
 * worst-case room leaves space for it), so a clean run is not read twice. */
static size_t escape_into(char *out, const char *s, size_t len)
{
    char *o = out;
    size_t i = 0, run = 0; /* run: where the bytes copied as they are start */
    for (;;) {
        unsigned mask = 0;
        while (len - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            _mm_storeu_si128((__m128i *)(void *)o, v);
            if (rough16(v) && (mask = look16(v)) != 0)
                break;
            i += 16;
            o += 16;
        }
        if (!mask && i < len && len >= 16 && len - 16 >= run) {
            /* the last 16 bytes once more: those before i went out as they
             * are (run <= at), so storing them again changes nothing */
            size_t at = len - 16;
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
            _mm_storeu_si128((__m128i *)(void *)(o - (i - at)), v);
            mask = look16(v) >> (i - at);
            if (!mask) {
                o += len - i;
                i = len;
            }
        }
        if (mask) {
            size_t k = (size_t)__builtin_ctz(mask);
            i += k;
            o += k;
        } else {
            while (i < len && !needs_look[(unsigned char)s[i]])
                *o++ = s[i++];
            if (i >= len)
                break;
        }
        size_t skip;
        size_t el = escape_one(s, i, len, o, &skip);
        if (el == 0) {
            *o++ = s[i++]; /* a 0xE2 of another character: copied as it is */
            continue;
        }
        o += el;
        i += skip;
        run = i;
    }
    return (size_t)(o - out);
}
#else
static size_t escape_into(char *out, const char *s, size_t len)
{
    char *o = out;
    size_t start = 0, i = 0;
    for (;;) {
        i = clean_until(s, i, len);
        if (i >= len)
            break;
        size_t skip;
        size_t el = escape_one(s, i, len, o + (i - start), &skip);
        if (el == 0) {
            i++; /* a 0xE2 of another character: part of the clean run */
            continue;
        }
        /* the escape went to its place after the run; move the run in */
        memcpy(o, s + start, i - start);
        o += (i - start) + el;
        i += skip;
        start = i;
    }
    memcpy(o, s + start, len - start);
    o += len - start;
    return (size_t)(o - out);
}
#endif

/* td_json_escape_quoted past its fast path (kept out of line, so that the
 * fast path saves no registers). */
__attribute__((noinline)) static size_t escape_quoted_long(char *out, const char *s, size_t len)
{
    out[0] = '"';
    size_t n = 1 + escape_into(out + 1, s, len);
    out[n] = '"';
    return n + 1;
}

size_t td_json_escape_quoted(char *out, const char *s, size_t len)
{
    if (len < 16 && copy_clean_short(out + 1, s, len)) {
        out[0] = '"';
        out[len + 1] = '"';
        return len + 2;
    }
    return escape_quoted_long(out, s, len);
}

size_t td_json_escape_raw(char *out, const char *s, size_t len)
{
    return escape_into(out, s, len);
}

void td_jw_str(td_json_w *w, const char *s, size_t len)
{
    before_value(w);
    td_buf *b = w->b;
    /* fast path: the worst case already fits (a record reserves its size) */
    if (w->st == TD_OK && b->ptr && len < (SIZE_MAX - 8) / 6 && b->cap - b->len > len * 6 + 2) {
        commit(w, td_json_escape_quoted(b->ptr + b->len, s, len));
        return;
    }
    put1(w, '"');
    if (w->st == TD_OK)
        w->st = td_json_escape(w->b, s, len);
    put1(w, '"');
}

void td_jw_cstr(td_json_w *w, const char *s)
{
    if (!s)
        td_jw_null(w);
    else
        td_jw_str(w, s, strlen(s));
}

/* The decimal digits of v, written backwards ending at e; returns the
 * first byte (24 bytes before e are enough). */
static inline char *fmt_int(char *e, long long v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    char *p = e;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        *--p = pairs[d + 1];
        *--p = pairs[d];
    }
    if (u >= 10) {
        *--p = pairs[u * 2 + 1];
        *--p = pairs[u * 2];
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    return p;
}

void td_jw_int(td_json_w *w, long long v)
{
    char tmp[24];
    char *e = tmp + sizeof tmp, *p = fmt_int(e, v);
    before_value(w);
    put(w, p, (size_t)(e - p));
}

void td_jw_span(td_json_w *w, long long s, long long e)
{
    /* what td_jw_arr_inline, two td_jw_int and td_jw_arr_end write */
    char ta[24], tb[24];
    char *ea = ta + sizeof ta, *pa = fmt_int(ea, s);
    char *eb = tb + sizeof tb, *pb = fmt_int(eb, e);
    size_t na = (size_t)(ea - pa), nb = (size_t)(eb - pb), n = 0;
    before_value(w);
    char *o = room(w, na + nb + 4);
    if (!o)
        return;
    o[n++] = '[';
    memcpy(o + n, pa, na);
    n += na;
    o[n++] = ',';
    if (w->pretty)
        o[n++] = ' ';
    memcpy(o + n, pb, nb);
    n += nb;
    o[n++] = ']';
    commit(w, n);
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

void td_jw_kstrn(td_json_w *w, const char *key, size_t n, const char *s)
{
    td_jw_keyn(w, key, n);
    td_jw_cstr(w, s);
}

void td_jw_kintn(td_json_w *w, const char *key, size_t n, long long v)
{
    td_jw_keyn(w, key, n);
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

/* Nonzero when one of the 8 bytes of x is '"', '\\' or a control byte. */
static inline uint64_t swar_str_stop(uint64_t x)
{
    uint64_t lt = (x - ONES * 0x20) & ~x;
    uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');
    return (lt | ((q - ONES) & ~q) | ((bs - ONES) & ~bs)) & HIGHS;
}

static int skip_string(rd *r)
{
    /* at '"' */
    r->i++;
    while (r->i < r->len) {
#if defined(__SSE2__)
        /* plain bytes 16 at a time, and the exact place from the mask */
        {
            const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
            const __m128i c1f = _mm_set1_epi8(0x1f);
            while (r->len - r->i >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(r->s + r->i));
                __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs));
                m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f));
                unsigned mask = (unsigned)_mm_movemask_epi8(m);
                if (mask) {
                    r->i += (size_t)__builtin_ctz(mask);
                    break;
                }
                r->i += 16;
            }
        }
#endif
        /* plain bytes 8 at a time */
        while (r->len - r->i >= 8) {
            uint64_t x;
            memcpy(&x, r->s + r->i, 8);
            if (swar_str_stop(x))
                break;
            r->i += 8;
        }
        if (r->i >= r->len)
            break;
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

static int take_string(rd *r, td_json_take *tk);

td_status td_json_object(const char *s, size_t len, td_json_member *m, size_t max, size_t *n,
                         size_t *err_off, const char **err_what)
{
    return td_json_object_take(s, len, m, max, n, err_off, err_what, NULL);
}

td_status td_json_object_take(const char *s, size_t len, td_json_member *m, size_t max, size_t *n,
                              size_t *err_off, const char **err_what, td_json_take *tk)
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
        if (tk && !tk->seen && count < max && ke - ks == tk->key_len &&
            memcmp(s + ks, tk->key, tk->key_len) == 0) {
            /* the member td_json_get() would find: decode it while skipping */
            tk->seen = true;
            if (r.i < len && s[r.i] == '"') {
                t = TD_JSON_STRING;
                if (!take_string(&r, tk))
                    goto fail;
            } else if (!skip_value(&r, 1, &t))
                goto fail;
        } else if (!skip_value(&r, 1, &t))
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

/* Copy the plain run at s[0..n) (ASCII bytes but '\\'; in a scan, also
 * not '"' nor a control byte) to the end of out while it has room; returns
 * how many bytes were copied (fewer than n at a byte that is not plain, or
 * when the room ran out). */
static inline size_t copy_plain(const char *s, size_t n, td_buf *out, bool scan)
{
    char *o = out->ptr + out->len;
    size_t room = out->cap - out->len - 1, j = 0;
    if (out->max && out->max - (out->max < out->len ? out->max : out->len) < room)
        room = out->max - (out->max < out->len ? out->max : out->len); /* the cap */
    size_t lim = n < room ? n : room;
#if defined(__SSE2__)
    /* 16 at a time, stored whole (the bytes past a stop are beyond len,
     * inside the room), the stop found from the mask */
    const __m128i bs = _mm_set1_epi8('\\'), q = _mm_set1_epi8('"');
    const __m128i c1f = _mm_set1_epi8(0x1f);
    while (lim - j >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        _mm_storeu_si128((__m128i *)(void *)(o + j), v);
        __m128i m = _mm_or_si128(v, _mm_cmpeq_epi8(v, bs));
        if (scan)
            m = _mm_or_si128(_mm_or_si128(m, _mm_cmpeq_epi8(v, q)),
                             _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return j + (size_t)__builtin_ctz(mask);
        j += 16;
    }
#endif
    while (j < lim && (unsigned char)s[j] < 0x80 && s[j] != '\\' &&
           (!scan || (s[j] != '"' && (unsigned char)s[j] >= 0x20))) {
        o[j] = s[j];
        j++;
    }
    return j;
}

/* The string body s[0..n) decoded onto out, the one pass under
 * td_json_string(): plain runs copied straight into out, runs of non-ASCII
 * bytes checked (and repaired) by td_utf8_repair (a maximal invalid subpart
 * never holds an ASCII byte, so cutting the text at ASCII bytes repairs it
 * as a whole), escapes decoded. With scan, s[0..n) is the rest of a line
 * after an opening quote: the body ends at the first unescaped '"', whose
 * index goes to *end, and a control byte but tab, or no closing quote, is
 * TD_EFORMAT (the caller then parses the string the strict way). */
static inline td_status decode_body(const char *s, size_t n, td_buf *out, size_t *repairs,
                                    bool scan, size_t *end)
{
    size_t i = 0;
    /* the decoded text is rarely longer than the raw one: grow once (never
     * past the cap, which td_buf_reserve still enforces) */
    td_status st = td_buf_reserve(out, out->max && n > out->max ? out->max - out->len : n);
    if (st != TD_OK)
        return st;
    while (i < n && st == TD_OK) {
        size_t k = copy_plain(s + i, n - i, out, scan);
        out->len += k;
        i += k;
        if (i >= n)
            break;
        unsigned char u8 = (unsigned char)s[i];
        if (scan && u8 == '"') {
            *end = i;
            break;
        }
        if (scan && u8 < 0x20) {
            if (u8 != '\t') {
                st = TD_EFORMAT;
                break;
            }
            st = td_buf_putc(out, '\t');
            i++;
            continue;
        }
        if (u8 != '\\' && u8 < 0x80) { /* a plain byte, no room left for it */
            st = td_buf_reserve(out, 16);
            if (st == TD_ETOOBIG)
                st = td_buf_reserve(out, 1);
            continue;
        }
        if (u8 >= 0x80) {
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] >= 0x80)
                j++;
            st = td_utf8_repair(s + i, j - i, out, repairs, NULL);
            i = j;
            continue;
        }
        /* escape at i */
        size_t j = i;
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
        if (st != TD_OK)
            break;
        if (out->cap - out->len > 1 && (!out->max || out->len < out->max))
            out->ptr[out->len++] = c; /* room for it (and the NUL) */
        else
            st = td_buf_putc(out, c);
    }
    if (scan && st == TD_OK && i >= n)
        st = TD_EFORMAT; /* no closing quote */
    if (st == TD_OK && out->ptr == NULL)
        st = td_buf_reserve(out, 0);
    if (out->ptr)
        out->ptr[out->len] = '\0';
    return st;
}

td_status td_json_string(const char *raw, size_t len, td_buf *out, size_t *repairs)
{
    if (len < 2 || raw[0] != '"' || raw[len - 1] != '"')
        return TD_EFORMAT;
    return decode_body(raw + 1, len - 2, out, repairs, false, NULL);
}

/* The string value at r->s[r->i] (its opening quote) decoded onto tk->out
 * while it is skipped; when that fails for any reason the decoded bytes are
 * dropped and the string is skipped the strict way (tk->done stays false,
 * so the caller decodes it again and meets the same error). */
static int take_string(rd *r, td_json_take *tk)
{
    size_t len0 = tk->out->len, reps = 0, end = 0;
    td_status st = decode_body(r->s + r->i + 1, r->len - r->i - 1, tk->out, &reps, true, &end);
    if (st == TD_OK) {
        r->i += end + 2;
        tk->repairs += reps;
        tk->done = true;
        return 1;
    }
    tk->out->len = len0;
    if (tk->out->ptr)
        tk->out->ptr[len0] = '\0';
    return skip_string(r);
}

