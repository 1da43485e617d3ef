/*
 * html_enc.c - decide the encoding of an HTML page and convert it to valid
 * UTF-8 before libxml2 sees it (ENGINEERING.md: a lying <meta charset>
 * must not truncate the page). Conversion from other charsets uses iconv
 * with a fresh descriptor per page (reentrant); undecodable bytes become
 * U+FFFD and are counted. NUL bytes become U+FFFD too (libxml2 stops at
 * them).
 */
#include "html_internal.h"
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

static const char REPL[] = "\xEF\xBF\xBD";

static bool ascii_ieq(const char *a, size_t n, const char *b)
{
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

/* The WHATWG encoding labels that matter, mapped to iconv names. */
static const char *canon_label(const char *l, size_t n)
{
    static const struct {
        const char *label, *name;
    } map[] = {
        {"utf-8", "UTF-8"},          {"utf8", "UTF-8"},
        {"unicode-1-1-utf-8", "UTF-8"}, {"iso-8859-1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"},
        {"latin-1", "WINDOWS-1252"},   {"us-ascii", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"},     {"windows-1252", "WINDOWS-1252"},
        {"cp1252", "WINDOWS-1252"},    {"x-cp1252", "WINDOWS-1252"},
        {"iso-8859-15", "ISO-8859-15"}, {"gb2312", "GB18030"},
        {"gbk", "GB18030"},            {"gb18030", "GB18030"},
        {"x-gbk", "GB18030"},          {"utf-16", "UTF-16"},
        {"utf-16le", "UTF-16LE"},      {"utf-16be", "UTF-16BE"},
        {"shift_jis", "SHIFT_JIS"},    {"sjis", "SHIFT_JIS"},
        {"x-sjis", "SHIFT_JIS"},       {"windows-31j", "CP932"},
        {"euc-jp", "EUC-JP"},          {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"},   {"big5", "BIG5-HKSCS"},
        {"koi8-r", "KOI8-R"},          {"koi8-u", "KOI8-U"},
        {"windows-1251", "WINDOWS-1251"}, {"cp1251", "WINDOWS-1251"},
        {"windows-1250", "WINDOWS-1250"}, {"windows-1253", "WINDOWS-1253"},
        {"windows-1254", "WINDOWS-1254"}, {"windows-1255", "WINDOWS-1255"},
        {"windows-1256", "WINDOWS-1256"}, {"windows-1257", "WINDOWS-1257"},
        {"windows-1258", "WINDOWS-1258"}, {"iso-8859-2", "ISO-8859-2"},
        {"iso-8859-5", "ISO-8859-5"},  {"iso-8859-7", "ISO-8859-7"},
        {"iso-8859-9", "WINDOWS-1254"}, {"tis-620", "CP874"},
        {"windows-874", "CP874"},
    };
    while (n && (*l == ' ' || *l == '"' || *l == '\'')) {
        l++;
        n--;
    }
    while (n && (l[n - 1] == ' ' || l[n - 1] == '"' || l[n - 1] == '\''))
        n--;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ascii_ieq(l, n, map[i].label))
            return map[i].name;
    return NULL;
}

const char *td_html_charset_param(const char *ctype, size_t len, char *buf, size_t n)
{
    for (size_t i = 0; i + 8 <= len; i++) {
        if (strncasecmp(ctype + i, "charset=", 8) != 0)
            continue;
        size_t s = i + 8, e = s;
        while (e < len && ctype[e] != ';' && ctype[e] != ' ' && ctype[e] != '\r' &&
               ctype[e] != '\n' && ctype[e] != '>' && ctype[e] != '/' && ctype[e] != ',')
            e++;
        while (s < e && (ctype[s] == '"' || ctype[s] == '\''))
            s++;
        while (e > s && (ctype[e - 1] == '"' || ctype[e - 1] == '\''))
            e--;
        if (e == s || e - s >= n)
            return NULL;
        memcpy(buf, ctype + s, e - s);
        buf[e - s] = '\0';
        return buf;
    }
    return NULL;
}

/* <meta charset=X> or <meta http-equiv content="...; charset=X"> in the
 * first 16 KiB. */
static const char *meta_charset(const char *p, size_t len, char *buf, size_t n)
{
    if (len > 16384)
        len = 16384;
    for (size_t i = 0; i + 5 < len; i++) {
        if (p[i] != '<' || strncasecmp(p + i + 1, "meta", 4) != 0)
            continue;
        size_t e = i + 5;
        while (e < len && p[e] != '>')
            e++;
        const char *cs = td_html_charset_param(p + i, e - i, buf, n);
        if (cs)
            return cs;
        i = e;
    }
    return NULL;
}

static bool has_non_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

/* Append UTF-8 s[0..len) repaired, with NUL bytes replaced. */
static td_status put_utf8(const char *s, size_t len, td_buf *out, size_t *repairs)
{
    size_t start = out->len;
    td_status st = td_buf_reserve(out, len + 1);
    if (st == TD_OK)
        st = td_utf8_repair(s, len, out, repairs, NULL);
    if (st != TD_OK)
        return st;
    char *q = out->ptr + start;
    size_t m = out->len - start;
    if (!memchr(q, '\0', m))
        return TD_OK;
    /* rare: rebuild without NULs */
    td_buf t;
    td_buf_init(&t, out->max);
    for (size_t i = 0; i < m && st == TD_OK; i++) {
        if (q[i] == '\0') {
            st = td_buf_append(&t, REPL, 3);
            (*repairs)++;
        } else {
            st = td_buf_putc(&t, q[i]);
        }
    }
    if (st == TD_OK) {
        out->len = start;
        st = td_buf_append(out, t.ptr, t.len);
    }
    td_buf_release(&t);
    return st;
}

static td_status put_iconv(const char *s, size_t len, const char *from, td_buf *out,
                           size_t *repairs)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return TD_EUSAGE;
    td_buf tmp;
    td_buf_init(&tmp, out->max);
    td_status st = td_buf_reserve(&tmp, len + len / 2 + 64);
    char *in = (char *)(uintptr_t)s;
    size_t inleft = len;
    while (st == TD_OK && inleft > 0) {
        st = td_buf_reserve(&tmp, inleft + 64);
        if (st != TD_OK)
            break;
        char *o = tmp.ptr + tmp.len;
        size_t oleft = tmp.cap - tmp.len;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        tmp.len = (size_t)(o - tmp.ptr);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            st = td_buf_reserve(&tmp, tmp.cap - tmp.len + 4096);
            continue;
        }
        /* EILSEQ or EINVAL: one byte becomes U+FFFD */
        st = td_buf_append(&tmp, REPL, 3);
        (*repairs)++;
        in++;
        inleft--;
    }
    iconv_close(cd);
    if (st == TD_OK)
        st = put_utf8(tmp.ptr ? tmp.ptr : "", tmp.len, out, repairs);
    td_buf_release(&tmp);
    return st;
}

static td_status decode_rest(const char *html, size_t len, const char *charset, td_buf *out,
                             const char **enc, size_t *repairs);

static td_status convert(const char *s, size_t len, const char *name, td_buf *out,
                         size_t *repairs)
{
    if (strcmp(name, "UTF-8") == 0)
        return put_utf8(s, len, out, repairs);
    size_t before = out->len, rep = *repairs;
    td_status st = put_iconv(s, len, name, out, repairs);
    if (st == TD_EUSAGE) { /* iconv lacks it: fall back */
        out->len = before;
        *repairs = rep;
        st = put_iconv(s, len, "WINDOWS-1252", out, repairs);
    }
    return st;
}

td_status td_html_decode(const char *html, size_t len, const char *charset, td_buf *out,
                         const char **enc, size_t *repairs)
{
    *repairs = 0;
    const unsigned char *u = (const unsigned char *)html;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *enc = "UTF-8";
        return put_utf8(html + 3, len - 3, out, repairs);
    }
    return decode_rest(html, len, charset, out, enc, repairs);
}

bool td_html_is_clean_utf8(const char *html, size_t len, const char *charset)
{
    const unsigned char *u = (const unsigned char *)html;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return false;
    if (memchr(html, '\0', len) || td_utf8_first_invalid(html, len) != len)
        return false;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return true;
    if (has_non_ascii(html, len))
        return true; /* valid UTF-8 with non-ASCII bytes is UTF-8 */
    /* pure ASCII: UTF-8 unless a label names an ASCII-incompatible charset */
    const char *name = charset ? canon_label(charset, strlen(charset)) : NULL;
    char buf[64];
    if (!name) {
        const char *m = meta_charset(html, len, buf, sizeof buf);
        name = m ? canon_label(m, strlen(m)) : NULL;
    }
    return !name || strcmp(name, "UTF-8") == 0 || strcmp(name, "WINDOWS-1252") == 0 ||
           strncmp(name, "ISO-8859", 8) == 0 || strncmp(name, "WINDOWS-12", 10) == 0 ||
           strncmp(name, "UTF-16", 6) == 0;
}

static td_status decode_rest(const char *html, size_t len, const char *charset, td_buf *out,
                             const char **enc, size_t *repairs)
{
    const unsigned char *u = (const unsigned char *)html;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        *enc = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        return convert(html + 2, len - 2, *enc, out, repairs);
    }
    bool valid = td_utf8_first_invalid(html, len) == len;
    if (valid && has_non_ascii(html, len)) {
        *enc = "UTF-8";
        return put_utf8(html, len, out, repairs);
    }
    const char *name = charset ? canon_label(charset, strlen(charset)) : NULL;
    char buf[64];
    if (!name) {
        const char *m = meta_charset(html, len, buf, sizeof buf);
        if (m)
            name = canon_label(m, strlen(m));
        if (name && strncmp(name, "UTF-16", 6) == 0)
            name = NULL; /* a UTF-16 page cannot declare itself in ASCII */
    }
    if (!name)
        name = valid ? "UTF-8" : "WINDOWS-1252";
    else if (strcmp(name, "UTF-8") == 0 && !valid) {
        /* declared UTF-8 but mostly not: a single-byte page mislabelled */
        size_t bad = 0, hi = 0;
        for (size_t i = 0; i < len;) {
            size_t n = td_utf8_valid_len(u + i, len - i);
            if (u[i] >= 0x80)
                hi++;
            if (n == 0) {
                bad++;
                n = 1;
            }
            i += n;
        }
        if (bad * 2 > hi)
            name = "WINDOWS-1252";
    }
    *enc = name;
    return convert(html, len, name, out, repairs);
}
