/*
 * normalize.c - the text the stages read, and the map back to the base.
 *
 * NFC (utf8proc, per combining sequence, ASCII fast path); canonical quote
 * marks that keep opening vs closing and tell an apostrophe from a closing
 * single quote; dashes and hyphens; every Unicode space to ' '; CR and
 * invisible characters dropped. Wherever the output bytes differ from the
 * input bytes, a pair of checkpoints (norm offset, base offset) is recorded,
 * so td_doc_to_base() maps any norm offset back exactly at those edges.
 * Then the language is identified (langid.c).
 */
#include "langid.h"
#include "stage.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <utf8proc.h>

#define OPEN_DQ "\xE2\x80\x9C"  /* “ */
#define CLOSE_DQ "\xE2\x80\x9D" /* ” */
#define OPEN_SQ "\xE2\x80\x98"  /* ‘ */
#define CLOSE_SQ "\xE2\x80\x99" /* ’ */
#define EM_DASH "\xE2\x80\x94"

typedef struct {
    td_buf out;
    td_buf mn, mb; /* checkpoints as uint32 arrays */
    uint32_t last_n, last_b;
    bool has_last;
    bool open_single; /* an opening single quote is pending on this line */
    td_status st;
} norm_state;

static void checkpoint(norm_state *ns, size_t n, size_t b)
{
    if (ns->st != TD_OK)
        return;
    if (ns->has_last && ns->last_n == n && ns->last_b == b)
        return;
    uint32_t un = (uint32_t)n, ub = (uint32_t)b;
    ns->st = td_buf_append(&ns->mn, &un, sizeof un);
    if (ns->st == TD_OK)
        ns->st = td_buf_append(&ns->mb, &ub, sizeof ub);
    ns->last_n = un;
    ns->last_b = ub;
    ns->has_last = true;
}

/* Replace base[b0..b1) by repl[0..rl). */
static void emit_changed(norm_state *ns, size_t b0, size_t b1, const char *repl, size_t rl)
{
    checkpoint(ns, ns->out.len, b0);
    if (ns->st == TD_OK)
        ns->st = td_buf_append(&ns->out, repl, rl);
    checkpoint(ns, ns->out.len, b1);
}

static void emit_same(norm_state *ns, const char *s, size_t n)
{
    if (ns->st == TD_OK)
        ns->st = td_buf_append(&ns->out, s, n);
}

static bool is_letter_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static bool is_alnum_cp(int32_t cp)
{
    return is_letter_cp(cp) || (cp >= '0' && cp <= '9');
}

/* The code point before output position (already normalised), or -1. */
static int32_t prev_out_cp(const norm_state *ns)
{
    size_t n = ns->out.len;
    if (n == 0)
        return -1;
    size_t i = n - 1;
    while (i > 0 && ((unsigned char)ns->out.ptr[i] & 0xC0) == 0x80)
        i--;
    size_t l;
    return td_utf8_decode(ns->out.ptr + i, n - i, &l);
}

static int32_t next_cp(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return -1;
    size_t l;
    return td_utf8_decode(s + i, len - i, &l);
}

static bool opens_context(int32_t prev)
{
    /* a straight double quote after these opens a quotation */
    return prev < 0 || prev == ' ' || prev == '\n' || prev == '(' || prev == '[' ||
           prev == '{' || prev == 0x2014 || prev == 0x2013 || prev == 0x201C || prev == 0x2018 ||
           prev == '-' || prev == '/' || prev == ':';
}

/* Decide a single quote mark (' or ’ or ‘) at base[i..i+l). */
static void single_quote(norm_state *ns, const char *s, size_t len, size_t i, size_t l,
                         int32_t cp)
{
    int32_t prev = prev_out_cp(ns);
    int32_t next = next_cp(s, len, i + l);
    const char *r;
    if (cp == 0x2018 || cp == 0x201B || cp == 0x201A || cp == 0x2039) {
        if (cp == 0x2018 && is_alnum_cp(prev) && is_alnum_cp(next))
            r = "'"; /* mis-typed apostrophe */
        else {
            r = OPEN_SQ;
            ns->open_single = true;
        }
    } else if (is_alnum_cp(prev) && is_alnum_cp(next)) {
        r = "'"; /* don't, Russia's */
    } else if (is_alnum_cp(prev) || prev == '.' || prev == ',' || prev == '?' || prev == '!') {
        if (ns->open_single) {
            r = CLOSE_SQ;
            ns->open_single = false;
        } else {
            r = "'"; /* countries' */
        }
    } else if (next >= '0' && next <= '9') {
        r = "'"; /* '90s */
    } else if (opens_context(prev) && is_alnum_cp(next)) {
        r = OPEN_SQ;
        ns->open_single = true;
    } else if (ns->open_single) {
        r = CLOSE_SQ;
        ns->open_single = false;
    } else {
        r = "'";
    }
    if (l == strlen(r) && memcmp(s + i, r, l) == 0)
        emit_same(ns, s + i, l);
    else
        emit_changed(ns, i, i + l, r, strlen(r));
}

static void double_quote(norm_state *ns, size_t i, size_t l, const char *s, int32_t cp)
{
    const char *r;
    if (cp == 0x201C || cp == 0x201E || cp == 0x201F || cp == 0x00AB || cp == 0x301D)
        r = OPEN_DQ;
    else if (cp == 0x201D || cp == 0x00BB || cp == 0x301E)
        r = CLOSE_DQ;
    else /* straight " or '' or ＂ */
        r = opens_context(prev_out_cp(ns)) ? OPEN_DQ : CLOSE_DQ;
    if (l == 3 && memcmp(s + i, r, 3) == 0)
        emit_same(ns, s + i, l);
    else
        emit_changed(ns, i, i + l, r, 3);
}

/* NFC of one combining sequence base[i..j); returns false on failure. */
static void nfc_segment(norm_state *ns, const char *s, size_t i, size_t j)
{
    utf8proc_int32_t cps[64];
    utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s + i,
                                            (utf8proc_ssize_t)(j - i), cps, 64,
                                            UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0 || n > 64) {
        emit_same(ns, s + i, j - i); /* too long a sequence: keep as is */
        return;
    }
    n = utf8proc_normalize_utf32(cps, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        emit_same(ns, s + i, j - i);
        return;
    }
    char tmp[64 * 4];
    size_t tl = 0;
    for (utf8proc_ssize_t k = 0; k < n; k++)
        tl += (size_t)utf8proc_encode_char(cps[k], (utf8proc_uint8_t *)tmp + tl);
    if (tl == j - i && memcmp(tmp, s + i, tl) == 0)
        emit_same(ns, s + i, tl);
    else
        emit_changed(ns, i, j, tmp, tl);
}

static bool is_combining(int32_t cp)
{
    if (cp < 0x300)
        return false;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    return p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN ||
           p->category == UTF8PROC_CATEGORY_MC || (cp >= 0x1160 && cp <= 0x11FF);
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Nonzero when one of the 8 bytes of x may end a plain ASCII run: a byte
 * >= 0x80, a control byte (newline included: it resets a pending single
 * quote), DEL, or one of " ' ` (exact as to "some byte", not which). */
static inline uint64_t swar_stop(uint64_t x)
{
    uint64_t lt = (x - ONES * 0x20) & ~x;
    uint64_t q = x ^ (ONES * '"'), a = x ^ (ONES * '\''), g = x ^ (ONES * '`');
    uint64_t del = x ^ (ONES * 0x7f);
    return (x | lt | ((q - ONES) & ~q) | ((a - ONES) & ~a) | ((g - ONES) & ~g) |
            ((del - ONES) & ~del)) & HIGHS;
}

static td_status normalize_text(norm_state *ns, const char *s, size_t len)
{
    size_t i = 0;
    checkpoint(ns, 0, 0);
    while (i < len && ns->st == TD_OK) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            /* ASCII run: copy while the next byte is ASCII too */
            size_t j = i;
            while (j < len) {
#if defined(__SSE2__)
                /* plain ASCII 16 bytes at a time (a signed compare with
                 * 0x20 takes both control and non-ASCII bytes) */
                while (len - j >= 16) {
                    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
                    __m128i m = _mm_or_si128(
                        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
                        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('`'))),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))));
                    unsigned mask = (unsigned)_mm_movemask_epi8(m);
                    if (mask) {
                        j += (size_t)__builtin_ctz(mask);
                        break;
                    }
                    j += 16;
                }
#endif
                /* plain ASCII 8 bytes at a time */
                while (len - j >= 8) {
                    uint64_t x;
                    memcpy(&x, s + j, 8);
                    if (swar_stop(x))
                        break;
                    j += 8;
                }
                if (j >= len)
                    break;
                unsigned char d = (unsigned char)s[j];
                if (d >= 0x80 || d == '"' || d == '\'' || d == '\r' || d == '`' ||
                    (d < 0x20 && d != '\n') || d == 0x7f)
                    break;
                if (d == '\n')
                    ns->open_single = false;
                j++;
            }
            /* the last ASCII letter before a non-ASCII byte may start a
             * combining sequence: leave it to the general path */
            if (j < len && (unsigned char)s[j] >= 0x80 && j > i)
                j--;
            if (j > i) {
                emit_same(ns, s + i, j - i);
                i = j;
                continue;
            }
        }
        size_t l;
        int32_t cp = td_utf8_decode(s + i, len - i, &l);
        if (cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F ||
            cp == 0x00AB || cp == 0x00BB || cp == 0x301D || cp == 0x301E || cp == 0xFF02) {
            double_quote(ns, i, l, s, cp);
            i += l;
        } else if (cp == '\'' && i + 1 < len && s[i + 1] == '\'') {
            double_quote(ns, i, 2, s, '"'); /* '' as a double quote */
            i += 2;
        } else if (cp == '`' && i + 1 < len && s[i + 1] == '`') {
            emit_changed(ns, i, i + 2, OPEN_DQ, 3);
            i += 2;
        } else if (cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x201A || cp == 0x201B ||
                   cp == 0x2039 || cp == 0x203A || cp == '`') {
            single_quote(ns, s, len, i, l, cp == '`' ? 0x2018 : cp);
            i += l;
        } else if (cp == '\r') {
            if (i + 1 < len && s[i + 1] == '\n')
                emit_changed(ns, i, i + 1, "", 0);
            else
                emit_changed(ns, i, i + 1, "\n", 1);
            ns->open_single = false;
            i += 1;
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
            emit_changed(ns, i, i + l, "\n", 1);
            ns->open_single = false;
            i += l;
        } else if ((cp < 0x20 && cp != '\n') || cp == 0x7f || cp == 0xA0 ||
                   (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
                   cp == 0x3000 || (cp >= 0x80 && cp < 0xA0)) {
            emit_changed(ns, i, i + l, " ", 1);
            i += l;
        } else if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF ||
                   cp == 0x00AD || cp == 0x2060) {
            emit_changed(ns, i, i + l, "", 0);
            i += l;
        } else if (cp == 0x2014 || cp == 0x2015 || cp == 0x2E3A) {
            if (cp == 0x2014)
                emit_same(ns, s + i, l);
            else
                emit_changed(ns, i, i + l, EM_DASH, 3);
            i += l;
        } else if (cp == 0x2010 || cp == 0x2011 || cp == 0x2012 || cp == 0x2212 ||
                   cp == 0xFE63 || cp == 0xFF0D) {
            emit_changed(ns, i, i + l, "-", 1);
            i += l;
        } else {
            /* a combining sequence: this code point and the marks after it */
            size_t j = i + l;
            while (j < len) {
                size_t l2;
                int32_t c2 = td_utf8_decode(s + j, len - j, &l2);
                if (!is_combining(c2))
                    break;
                j += l2;
            }
            if (cp < 0x80 && j == i + l)
                emit_same(ns, s + i, l);
            else if (cp < 0x300 && j == i + l && cp != 0xFFFD)
                emit_same(ns, s + i, l); /* Latin-1 and Latin Extended: NFC already */
            else
                nfc_segment(ns, s, i, j);
            i = j;
        }
    }
    checkpoint(ns, ns->out.len, len);
    return ns->st;
}

td_status td_normalize_init(td_resources *res, char **err)
{
    (void)res;
    (void)err;
    return TD_OK;
}

void td_normalize_release(td_resources *res) { (void)res; }

td_status td_normalize_run(td_stage_ctx *ctx, td_doc *doc)
{
    norm_state ns;
    memset(&ns, 0, sizeof ns);
    td_buf_init(&ns.out, 0);
    td_buf_init(&ns.mn, 0);
    td_buf_init(&ns.mb, 0);
    td_status st = td_buf_reserve(&ns.out, doc->base_len + 16);
    if (st == TD_OK)
        st = normalize_text(&ns, doc->base, doc->base_len);
    if (st != TD_OK)
        goto out_release;
    st = TD_ENOMEM;
    doc->norm = td_arena_strndup(&doc->arena, ns.out.ptr, ns.out.len);
    doc->norm_len = ns.out.len;
    if (!doc->norm)
        goto out_release;
    doc->map_n = ns.mn.len / sizeof(uint32_t);
    if (doc->map_n <= 2 && doc->norm_len == doc->base_len &&
        memcmp(doc->norm, doc->base, doc->base_len) == 0) {
        doc->map_n = 0; /* identity */
    } else {
        doc->map_norm = td_arena_alloc(&doc->arena, ns.mn.len);
        doc->map_base = td_arena_alloc(&doc->arena, ns.mb.len);
        if (!doc->map_norm || !doc->map_base)
            goto out_release;
        memcpy(doc->map_norm, ns.mn.ptr, ns.mn.len);
        memcpy(doc->map_base, ns.mb.ptr, ns.mb.len);
    }
    st = TD_OK;
    if (ctx && ctx->langid && !ctx->res->opts.skip_lang) {
        td_langid_detect(ctx->langid, doc->norm, doc->norm_len, doc->lang, sizeof doc->lang);
        doc->english = strcmp(doc->lang, "en") == 0;
    } else {
        strcpy(doc->lang, "en");
        doc->english = true;
    }
out_release:
    td_buf_release(&ns.out);
    td_buf_release(&ns.mn);
    td_buf_release(&ns.mb);
    return st;
}
