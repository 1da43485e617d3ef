/*
 * time_norm.c - TIMEX3 values for the candidates of time.c.
 *
 * Each rule's action (time_rules.tsv) names one normaliser here; the words
 * inside its groups are read through time_words.tsv (month 3, unit Y, mod
 * START...). Relative expressions are resolved against the document date
 * only as far as its precision allows: with the year only, "next year" is
 * resolved and "Friday" stays XXXX-WXX-5. Direction follows the sentence's
 * tense: a bare month or weekday in a past-tense sentence points back.
 */
#include "time_stage.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- calendar ---------------------------------------------------------- */

long td_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void td_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int td_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int weekday(long z) { return (int)(((z % 7) + 7 + 3) % 7) + 1; } /* 1 Mon .. 7 Sun */

static void iso_week(long z, int *wy, int *wn)
{
    long thu = z + (4 - weekday(z));
    int y, m, d;
    td_civil_from_days(thu, &y, &m, &d);
    *wy = y;
    *wn = (int)((thu - td_days_from_civil(y, 1, 1)) / 7) + 1;
}

/* ---- reading groups ---------------------------------------------------- */

static bool has(const td_tx *t, int g) { return t->g[g].e > t->g[g].s; }

static const td_lex_entry *word(const time_res *r, const td_doc *doc, td_span sp)
{
    return td_lexicon_get(r->words, doc->norm + sp.s, sp.e - sp.s);
}

static const char *wfield(const time_res *r, const td_doc *doc, td_span sp, const char *cls)
{
    const td_lex_entry *e = word(r, doc, sp);
    if (!e || strcmp(td_lex_field(e, 0), cls) != 0)
        return NULL;
    return td_lex_field(e, 1);
}

/* Does the group's text contain w (ASCII, case-insensitive)? */
static bool gtext_has(const td_doc *doc, const td_tx *t, int g, const char *w)
{
    if (!has(t, g))
        return false;
    size_t n = strlen(w), len = t->g[g].e - t->g[g].s;
    const char *s = doc->norm + t->g[g].s;
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(s + i, w, n) == 0)
            return true;
    return false;
}

static int digits(const td_doc *doc, td_span sp, bool *ok)
{
    int v = 0, n = 0;
    for (uint32_t i = sp.s; i < sp.e; i++) {
        char c = doc->norm[i];
        if (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            n++;
        }
    }
    *ok = n > 0 && n <= 4;
    return v;
}

void td_time_parse_parts(const time_res *r, const td_doc *doc, td_tx *t)
{
    bool ok;
    if (has(t, TG_Y)) {
        int v = digits(doc, t->g[TG_Y], &ok);
        if (ok) {
            t->y = v;
            t->y2 = v < 100;
        }
    }
    if (has(t, TG_M)) {
        const char *v = wfield(r, doc, t->g[TG_M], "month");
        if (!v)
            v = wfield(r, doc, t->g[TG_M], "mon3");
        t->m = v ? atoi(v) : digits(doc, t->g[TG_M], &ok);
    }
    if (has(t, TG_D))
        t->d = digits(doc, t->g[TG_D], &ok);
    if (has(t, TG_WD)) {
        const char *v = wfield(r, doc, t->g[TG_WD], "wday");
        t->wd = v ? atoi(v) : 0;
    }
}

static bool dig2(const char *v) { return v[0] >= '0' && v[0] <= '9' && v[1] >= '0' && v[1] <= '9'; }

/* What sscanf(v, "%4d-%2d-%2d") gives for the usual shapes (YYYY,
 * YYYY-MM, YYYY-MM-DD, anything after them); -1 for the others. */
static int fast_ymd(const char *v, int *y, int *m, int *d)
{
    if (!dig2(v) || !dig2(v + 2))
        return -1;
    *y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
    if (v[4] != '-')
        return 1;
    if (!dig2(v + 5))
        return -1;
    *m = (v[5] - '0') * 10 + (v[6] - '0');
    if (v[7] != '-')
        return 2;
    if (!dig2(v + 8))
        return -1;
    *d = (v[8] - '0') * 10 + (v[9] - '0');
    return 3;
}

void td_time_anchor(const td_doc *doc, td_anchor *an)
{
    memset(an, 0, sizeof *an);
    const char *v = doc->date.value;
    if (!v || doc->date.precision == TD_PREC_UNKNOWN)
        return;
    int y = 0, m = 0, d = 0;
    int n = fast_ymd(v, &y, &m, &d);
    if (n < 0)
        n = sscanf(v, "%4d-%2d-%2d", &y, &m, &d);
    if (n < 1 || y < 1000)
        return;
    an->y = y;
    an->prec = TD_PREC_YEAR;
    if (n >= 2 && m >= 1 && m <= 12 && doc->date.precision >= TD_PREC_MONTH) {
        an->m = m;
        an->prec = TD_PREC_MONTH;
        if (n >= 3 && d >= 1 && d <= td_days_in_month(y, m) && doc->date.precision >= TD_PREC_DAY) {
            an->d = d;
            an->prec = TD_PREC_DAY;
        }
    }
}

/* A number written in digits or words; NAN for a vague count (several). */
static double number(const time_res *r, const td_doc *doc, td_span sp)
{
    const char *s = doc->norm + sp.s;
    size_t n = sp.e - sp.s;
    if (n && s[0] >= '0' && s[0] <= '9') {
        double v = 0, frac = 0;
        size_t i = 0;
        for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','); i++)
            if (s[i] != ',')
                v = v * 10 + (s[i] - '0');
        if (i < n && s[i] == '.') {
            double f = 0.1;
            for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, f /= 10)
                frac += (s[i] - '0') * f;
        }
        if (i + 4 <= n && memcmp(s + n - 3, "1/2", 3) == 0)
            frac += 0.5;
        return v + frac;
    }
    const td_lex_entry *whole = word(r, doc, sp);
    if (whole && strcmp(td_lex_field(whole, 0), "numx") == 0)
        return NAN;
    if (whole && strcmp(td_lex_field(whole, 0), "art") == 0)
        return 1;
    if (whole && strcmp(td_lex_field(whole, 0), "num") == 0)
        return atof(td_lex_field(whole, 1));
    double total = 0, cur = 0;
    size_t i = 0;
    bool any = false;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '-'))
            i++;
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '-')
            j++;
        if (j == i)
            break;
        if (j - i == 3 && strncasecmp(s + i, "and", 3) == 0) {
            i = j;
            continue;
        }
        if (j - i == 1 && (s[i] == 'a' || s[i] == 'A') && j + 5 <= n &&
            strncasecmp(s + j + 1, "half", 4) == 0) {
            cur += 0.5;
            break;
        }
        const td_lex_entry *e = td_lexicon_get(r->words, s + i, j - i);
        if (!e || strcmp(td_lex_field(e, 0), "num") != 0)
            return NAN;
        double v = atof(td_lex_field(e, 1));
        any = true;
        if (v == 100)
            cur = (cur ? cur : 1) * 100;
        else if (v == 1000) {
            total += (cur ? cur : 1) * 1000;
            cur = 0;
        } else
            cur += v;
        i = j;
    }
    return any ? total + cur : NAN;
}

static const char *unit_of(const time_res *r, const td_doc *doc, const td_tx *t)
{
    if (!has(t, TG_U))
        return NULL;
    if (gtext_has(doc, t, TG_U, "fiscal"))
        return "Y";
    return wfield(r, doc, t->g[TG_U], "unit");
}

static const char *mod_of(const time_res *r, const td_doc *doc, const td_tx *t)
{
    if (!has(t, TG_MD))
        return NULL;
    const char *v = wfield(r, doc, t->g[TG_MD], "mod");
    return v && *v ? v : NULL;
}

/* -1 last/past/previous, +1 next/coming/following, 0 this/current, 2 none. */
static int rel_of(const td_doc *doc, const td_tx *t)
{
    if (!has(t, TG_REL))
        return 2;
    if (gtext_has(doc, t, TG_REL, "year-"))
        return -2;
    if (gtext_has(doc, t, TG_REL, "last") || gtext_has(doc, t, TG_REL, "past") ||
        gtext_has(doc, t, TG_REL, "previous"))
        return -1;
    if (gtext_has(doc, t, TG_REL, "next") || gtext_has(doc, t, TG_REL, "coming") ||
        gtext_has(doc, t, TG_REL, "following"))
        return 1;
    return 0;
}

/* ---- values ------------------------------------------------------------ */

typedef struct outv {
    td_doc *doc;
    td_time *out;
} outv;

/* printf into the arena for the few conversions values use (%d with an
 * optional 0-padded width up to 9, %s, %.Ns, %c): no vsnprintf for the
 * tens of thousands of values a corpus has. Anything else (a negative
 * padded number, another conversion, a value over 63 bytes) goes to
 * td_arena_printf's vsnprintf, so the bytes are always printf's. */
static char *value_printf(td_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Append the decimal digits of v (>= 0) to o, zero-padded to width. */
static char *put_uint(char *o, unsigned v, int width)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int k = n; k < width; k++)
        *o++ = '0';
    while (n)
        *o++ = tmp[--n];
    return o;
}

static char *value_printf(td_arena *a, const char *fmt, ...)
{
    char buf[96], *o = buf, *lim = buf + 64; /* lim: room for one more piece */
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f && o < lim; f++) {
        if (*f != '%') {
            *o++ = *f;
            continue;
        }
        f++;
        int width = 0, prec = -1;
        bool zero = *f == '0';
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        if (*f == '.') {
            prec = 0;
            for (f++; *f >= '0' && *f <= '9'; f++)
                prec = prec * 10 + (*f - '0');
        }
        if (*f == 'd' && prec < 0 && width <= 9 && (zero || width == 0)) {
            int v = va_arg(ap, int);
            if (v < 0 && width)
                goto slow;
            if (v < 0)
                *o++ = '-';
            o = put_uint(o, v < 0 ? 0u - (unsigned)v : (unsigned)v, width);
        } else if (*f == 's' && width == 0) {
            const char *s = va_arg(ap, const char *);
            size_t n = strnlen(s, prec >= 0 ? (size_t)prec : 64);
            if (n >= 64 || (size_t)(buf + sizeof buf - o) <= n)
                goto slow;
            memcpy(o, s, n);
            o += n;
        } else if (*f == 'c' && width == 0 && prec < 0) {
            *o++ = (char)va_arg(ap, int);
        } else {
            goto slow;
        }
    }
    if (o >= lim)
        goto slow;
    va_end(ap);
    return td_arena_strndup(a, buf, (size_t)(o - buf));
slow:
    va_end(ap);
    va_start(ap, fmt);
    char *p = NULL;
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (p = td_arena_alloc(a, (size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return p;
}

#define PUT(...) (o->out->value = value_printf(&o->doc->arena, __VA_ARGS__))

static void put_day(outv *o, long z)
{
    int y, m, d;
    td_civil_from_days(z, &y, &m, &d);
    PUT("%04d-%02d-%02d", y, m, d);
}

static long anchor_days(const td_anchor *an) { return td_days_from_civil(an->y, an->m, an->d); }

static int full_year(const td_anchor *an, int y, bool y2)
{
    if (!y2)
        return y;
    if (an->prec == TD_PREC_UNKNOWN)
        return y < 50 ? 2000 + y : 1900 + y;
    int c = an->y / 100 * 100 + y;
    return c > an->y + 20 ? c - 100 : c < an->y - 80 ? c + 100 : c;
}

/* The year of month m (and day d, 0: none) as the sentence refers to it. */
static int infer_year(const td_anchor *an, int m, int d, int rel, int tense)
{
    if (an->prec == TD_PREC_YEAR)
        return an->y;
    int ay = an->y, am = an->m;
    if (rel == -1) /* "last February" in March is February a year before */
        return am - m >= 2 ? ay : ay - 1;
    if (rel == 1)
        return m > am ? ay : ay + 1;
    if (rel == 0)
        return ay;
    if (d && an->prec == TD_PREC_DAY) {
        /* news looks back: the day within 250 days before and 115 after the
         * document date (after a future cue: 30 before, 335 after) */
        long z = anchor_days(an), lo = tense > 0 ? -30 : -250;
        for (int y = ay - 1; y <= ay + 1; y++) {
            int dd = d <= td_days_in_month(y, m) ? d : td_days_in_month(y, m);
            long dz = td_days_from_civil(y, m, dd) - z;
            if (dz >= lo && dz < lo + 365)
                return y;
        }
        return ay;
    }
    if (tense < 0)
        return m <= am ? ay : ay - 1;
    if (tense > 0)
        return m >= am ? ay : ay + 1;
    return m - am > 4 ? ay - 1 : am - m > 7 ? ay + 1 : ay; /* 7 months back, 4 ahead */
}

static bool v_date(const td_anchor *an, const td_tx *t, int rel, outv *o)
{
    int m = t->m, d = t->d;
    const char *fixed = o->out->value; /* a holiday's MM-DD (rule value) */
    o->out->value = NULL;
    if (fixed && sscanf(fixed, "%d-%d", &m, &d) != 2)
        m = t->m, d = t->d;
    if (m < 0 || m > 12 || d < 0 || d > 31 || (d && !m))
        return false;
    int y = t->y ? full_year(an, t->y, t->y2) : 0;
    if (t->y && (y < 1000 || y > 2999))
        return false;
    if (!m) {
        if (!y)
            return false;
        PUT("%04d", y);
        return true;
    }
    if (!y && an->prec >= TD_PREC_YEAR && has(t, TG_U)) /* June last year */
        y = an->y + (rel == -1 || rel == 1 ? rel : 0);
    if (!y && an->prec >= TD_PREC_YEAR)
        y = infer_year(an, m, d, rel, d ? t->tense : t->near_tense);
    if (d && y && d > td_days_in_month(y, m))
        return false;
    char ys[16];
    if (y > 0)
        *put_uint(ys, (unsigned)y, 4) = '\0';
    else
        snprintf(ys, sizeof ys, y ? "%04d" : "XXXX", y);
    if (!d)
        PUT("%s-%02d", ys, m);
    else if (has(t, TG_HH))
        return false; /* handled by the caller */
    else
        PUT("%s-%02d-%02d", ys, m, d);
    return true;
}

/* The day of weekday wd the sentence refers to, relative to the anchor. */
static long weekday_day(const td_anchor *an, int wd, int rel, int tense)
{
    long z = anchor_days(an);
    int aw = weekday(z);
    int back = (aw - wd + 7) % 7, fwd = (wd - aw + 7) % 7;
    if (rel == -1)
        return z - (back ? back : 7);
    if (rel == 1)
        return z + (fwd ? fwd : 7);
    if (rel == 0)
        return z + (wd - aw);
    if (tense > 0)
        return z + (fwd ? fwd : 7);
    return z - back;
}

static const char *pod_of(const time_res *r, const td_doc *doc, const td_tx *t)
{
    if (!has(t, TG_POD))
        return NULL;
    return wfield(r, doc, t->g[TG_POD], "pod");
}

static bool v_wday(const time_res *r, const td_anchor *an, const td_tx *t, outv *o)
{
    const char *pod = pod_of(r, o->doc, t);
    if (!t->wd)
        return false;
    if (pod)
        o->out->type = TD_TIME_TIME;
    if (an->prec < TD_PREC_DAY) {
        if (pod)
            PUT("XXXX-WXX-%dT%s", t->wd, pod);
        else
            PUT("XXXX-WXX-%d", t->wd);
        return true;
    }
    put_day(o, weekday_day(an, t->wd, rel_of(o->doc, t), t->near_tense));
    if (pod)
        PUT("%sT%s", o->out->value, pod);
    return true;
}

static bool v_dayrel(const time_res *r, const td_anchor *an, const td_tx *t, int off,
                     outv *o)
{
    const char *pod = pod_of(r, o->doc, t);
    if (!pod && o->out->type == TD_TIME_TIME)
        pod = "NI";
    if (an->prec < TD_PREC_DAY)
        PUT("XXXX-XX-XX");
    else
        put_day(o, anchor_days(an) + off);
    if (pod)
        PUT("%sT%s", o->out->value, pod);
    return true;
}

static int quarter_of(int m) { return (m - 1) / 3 + 1; }

/* The anchor shifted by n units (u: TIMEX letter), at that unit's grain. */
static bool shifted(const td_anchor *an, const char *u, int n, outv *o)
{
    if (strcmp(u, "Y") == 0) {
        if (an->prec < TD_PREC_YEAR)
            return PUT("XXXX"), true;
        return PUT("%04d", an->y + n), true;
    }
    if (strcmp(u, "DE") == 0 || strcmp(u, "CE") == 0) {
        int div = u[0] == 'D' ? 10 : 100;
        if (an->prec < TD_PREC_YEAR)
            return PUT(div == 10 ? "XXX" : "XX"), true;
        return PUT(div == 10 ? "%03d" : "%02d", an->y / div + n), true;
    }
    if (strcmp(u, "M") == 0 || strcmp(u, "Q") == 0) {
        if (an->prec < TD_PREC_MONTH) {
            if (an->prec == TD_PREC_YEAR)
                PUT(u[0] == 'M' ? "%04d-XX" : "%04d-QX", an->y);
            else
                PUT(u[0] == 'M' ? "XXXX-XX" : "XXXX-QX");
            return true;
        }
        if (u[0] == 'M') {
            int k = an->y * 12 + (an->m - 1) + n;
            return PUT("%04d-%02d", k / 12, k % 12 + 1), true;
        }
        int k = an->y * 4 + (quarter_of(an->m) - 1) + n;
        return PUT("%04d-Q%d", k / 4, k % 4 + 1), true;
    }
    if (an->prec < TD_PREC_DAY) {
        if (strcmp(u, "W") == 0 || strcmp(u, "WE") == 0)
            return PUT(strcmp(u, "WE") == 0 ? "XXXX-WXX-WE" : "XXXX-WXX"), true;
        return PUT("XXXX-XX-XX"), true;
    }
    long z = anchor_days(an);
    if (strcmp(u, "W") == 0 || strcmp(u, "WE") == 0) {
        int wy, wn;
        iso_week(z + 7L * n, &wy, &wn);
        if (u[1] == 'E')
            return PUT("%04d-W%02d-WE", wy, wn), true;
        return PUT("%04d-W%02d", wy, wn), true;
    }
    if (strcmp(u, "D") == 0)
        return put_day(o, z + n), true;
    return put_day(o, z), true; /* hours, minutes: that day */
}

static bool v_rel(const time_res *r, const td_anchor *an, const td_tx *t, outv *o)
{
    const char *u = unit_of(r, o->doc, t);
    if (!u)
        return false;
    int rel = rel_of(o->doc, t);
    if (rel == 2 || rel == -2)
        rel = 0;
    if (strcmp(u, "WE") == 0 && rel == 0 && !gtext_has(o->doc, t, TG_REL, "this") &&
        t->tense < 0 && an->prec == TD_PREC_DAY && weekday(anchor_days(an)) < 6)
        rel = -1; /* "over the weekend" in a past-tense sentence on a weekday */
    return shifted(an, u, rel, o);
}

static void fmt_num(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "X");
    else if (v == floor(v) && v >= 0 && v < 1e9 && n >= 12)
        *put_uint(buf, (unsigned)v, 0) = '\0';
    else if (v == floor(v))
        snprintf(buf, n, "%ld", (long)v);
    else
        snprintf(buf, n, "%.1f", v);
}

static bool v_ago(const time_res *r, const td_anchor *an, const td_tx *t, outv *o)
{
    const char *u = unit_of(r, o->doc, t);
    if (!u && gtext_has(o->doc, t, TG_N, "year"))
        u = "Y";
    if (!u)
        return false;
    double n = 1;
    if (has(t, TG_N) && !gtext_has(o->doc, t, TG_N, "year"))
        n = number(r, o->doc, t->g[TG_N]);
    bool fut = gtext_has(o->doc, t, TG_DIR, "later") || gtext_has(o->doc, t, TG_DIR, "from") ||
               gtext_has(o->doc, t, TG_DIR, "hence") || gtext_has(o->doc, t, TG_DIR, "after");
    if (isnan(n))
        return PUT(fut ? "FUTURE_REF" : "PAST_REF"), true;
    int k = (int)lround(n);
    return shifted(an, u, fut ? k : -k, o);
}

static bool v_dur_impl(const time_res *r, const char *rv, const td_tx *t, outv *o)
{
    const char *u = unit_of(r, o->doc, t);
    if (!u)
        return false;
    double n;
    if (*rv == 'X' || has(t, TG_N2))
        n = NAN;
    else if (*rv == '1')
        n = 1;
    else if (has(t, TG_N))
        n = number(r, o->doc, t->g[TG_N]);
    else
        n = NAN;
    char ns[32];
    if (!isnan(n) && strcmp(u, "DE") == 0) {
        fmt_num(ns, sizeof ns, n * 10);
        return PUT("P%sY", ns), true;
    }
    if (!isnan(n) && strcmp(u, "CE") == 0) {
        fmt_num(ns, sizeof ns, n * 100);
        return PUT("P%sY", ns), true;
    }
    fmt_num(ns, sizeof ns, n);
    if (strcmp(u, "H") == 0 || strcmp(u, "S") == 0)
        return PUT("PT%s%s", ns, u), true;
    if (strcmp(u, "MIN") == 0)
        return PUT("PT%sM", ns), true;
    return PUT("P%s%s", ns, u), true;
}

static bool v_set(const time_res *r, const td_tx *t, outv *o)
{
    if (t->wd)
        return PUT("XXXX-WXX-%d", t->wd), true;
    if (t->m)
        return PUT("XXXX-%02d", t->m), true;
    const char *ss = has(t, TG_U) ? wfield(r, o->doc, t->g[TG_U], "season") : NULL;
    if (ss)
        return PUT("XXXX-%s", ss), true;
    const char *u = unit_of(r, o->doc, t);
    if (!u)
        return false;
    double n = has(t, TG_N) ? number(r, o->doc, t->g[TG_N]) : 1;
    char ns[32];
    fmt_num(ns, sizeof ns, n);
    if (strcmp(u, "H") == 0 || strcmp(u, "S") == 0)
        return PUT("PT%s%s", ns, u), true;
    if (strcmp(u, "MIN") == 0)
        return PUT("PT%sM", ns), true;
    return PUT("P%s%s", ns, u), true;
}

static int ord_of(const time_res *r, const td_doc *doc, td_span sp)
{
    const td_lex_entry *e = td_lexicon_get(r->words, doc->norm + sp.s, sp.e - sp.s);
    if (e && strcmp(td_lex_field(e, 0), "ord") == 0)
        return atoi(td_lex_field(e, 1));
    bool ok;
    return digits(doc, sp, &ok);
}

static bool v_quarter(const time_res *r, const td_anchor *an, const td_tx *t, outv *o)
{
    bool half = false;
    for (uint32_t i = t->span.s; i + 4 <= t->span.e; i++)
        if (strncasecmp(o->doc->norm + i, "half", 4) == 0)
            half = true;
    int q = has(t, TG_Q) ? ord_of(r, o->doc, t->g[TG_Q]) : 0;
    if (q < 0 || q > (half ? 2 : 4))
        return false;
    int rel = rel_of(o->doc, t);
    int y = t->y ? full_year(an, t->y, t->y2) : 0;
    char c = half ? 'H' : 'Q';
    if (!y && an->prec < TD_PREC_MONTH) {
        if (an->prec == TD_PREC_YEAR && q)
            return PUT("%04d-%c%d", an->y, c, q), true;
        return q ? (PUT("XXXX-%c%d", c, q), true) : (PUT("XXXX-%cX", c), true);
    }
    if (y && q)
        return PUT("%04d-%c%d", y, c, q), true;
    if (y)
        return PUT("%04d-%cX", y, c), true;
    int aq = half ? (an->m - 1) / 6 + 1 : quarter_of(an->m), per = half ? 2 : 4;
    y = an->y;
    if (q) {
        if (q > aq && t->tense <= 0)
            y--;
        if (rel == -2)
            y--;
        return PUT("%04d-%c%d", y, c, q), true;
    }
    int k = y * per + (aq - 1);
    bool current = gtext_has(o->doc, t, TG_REL, "current") || gtext_has(o->doc, t, TG_REL, "this");
    if (rel == 1)
        k++;
    else if (!current)
        k--; /* the last completed one: what a report is about */
    if (rel == -2)
        k -= per;
    return PUT("%04d-%c%d", k / per, c, k % per + 1), true;
}

static bool v_decade(const time_res *r, const td_tx *t, outv *o)
{
    static const char *const words[] = {"twenties", "thirties", "forties", "fifties",
                                        "sixties",  "seventies", "eighties", "nineties"};
    if (has(t, TG_CENT)) {
        int c = ord_of(r, o->doc, t->g[TG_CENT]);
        if (gtext_has(o->doc, t, TG_CENT, "twenty-first"))
            c = 21;
        if (c < 1 || c > 30)
            return false;
        return PUT("%02d", c - 1), true;
    }
    if (!has(t, TG_DEC))
        return false;
    const char *s = o->doc->norm + t->g[TG_DEC].s;
    if (s[0] == '\'')
        return PUT("19%c", s[1]), true;
    if (s[0] >= '0' && s[0] <= '9')
        return PUT("%.3s", s), true;
    for (int i = 0; i < 8; i++)
        if (gtext_has(o->doc, t, TG_DEC, words[i]))
            return PUT("19%d", i + 2), true;
    return false;
}

static bool v_season(const time_res *r, const td_anchor *an, const td_tx *t, outv *o)
{
    const char *ss = has(t, TG_SS) ? wfield(r, o->doc, t->g[TG_SS], "season") : NULL;
    if (!ss)
        return false;
    if (t->y)
        return PUT("%04d-%s", full_year(an, t->y, t->y2), ss), true;
    if (an->prec < TD_PREC_YEAR)
        return PUT("XXXX-%s", ss), true;
    int y = an->y;
    if (an->prec >= TD_PREC_MONTH) {
        static const char *const order = "SPSUFAWI";
        int idx = (int)(strstr(order, ss) - order) / 2;
        int cur = an->m >= 3 && an->m <= 5 ? 0 : an->m <= 8 && an->m >= 6 ? 1
                  : an->m >= 9 && an->m <= 11 ? 2 : 3;
        int rel = rel_of(o->doc, t);
        (void)cur;
        if (rel == -1)
            y--; /* "last fall": the one of the year before */
        if (rel == 1 && idx <= cur)
            y++;
    }
    return PUT("%04d-%s", y, ss), true;
}

static bool v_clock(const td_anchor *an, const td_tx *t, outv *o)
{
    const char *hs = o->doc->norm + t->g[TG_HH].s;
    int hh, mi = 0;
    bool ok;
    if (!has(t, TG_HH))
        return false;
    if (hs[0] == 'n' || hs[0] == 'N' || (hs[0] | 0x20) == 'm') {
        hh = (hs[0] | 0x20) == 'n' || (hs[3] | 0x20) == 'd' ? 12 : 24;
    } else {
        hh = digits(o->doc, t->g[TG_HH], &ok);
        if (has(t, TG_MI))
            mi = digits(o->doc, t->g[TG_MI], &ok);
    }
    if (has(t, TG_AP)) {
        bool pm = gtext_has(o->doc, t, TG_AP, "p");
        if (pm && hh < 12)
            hh += 12;
        if (!pm && hh == 12)
            hh = 0;
    }
    if (hh > 24 || mi > 59)
        return false;
    const char *tz = has(t, TG_TZ) && (gtext_has(o->doc, t, TG_TZ, "UTC") ||
                                        gtext_has(o->doc, t, TG_TZ, "GMT") ||
                                        gtext_has(o->doc, t, TG_TZ, "Z"))
                         ? "Z"
                         : "";
    char day[16];
    long z = 0;
    bool known = an->prec == TD_PREC_DAY;
    if (known) {
        z = anchor_days(an);
        if (has(t, TG_DR))
            z += gtext_has(o->doc, t, TG_DR, "yesterday") ? -1
                 : gtext_has(o->doc, t, TG_DR, "tomorrow") ? 1 : 0;
        else if (t->wd)
            z = weekday_day(an, t->wd, 2, t->near_tense);
    }
    if (t->m && t->d && an->prec >= TD_PREC_YEAR) {
        int y = infer_year(an, t->m, t->d, 2, t->tense);
        if (t->d > td_days_in_month(y, t->m))
            return false;
        z = td_days_from_civil(y, t->m, t->d);
        known = true;
    }
    if (known) {
        int y, m, d;
        td_civil_from_days(z, &y, &m, &d);
        if (y > 0 && y <= 9999 && m > 0 && d > 0) {
            char *e = put_uint(day, (unsigned)y, 4);
            *e++ = '-';
            e = put_uint(e, (unsigned)m, 2);
            *e++ = '-';
            *put_uint(e, (unsigned)d, 2) = '\0';
        } else {
            snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
        }
    } else {
        snprintf(day, sizeof day, "XXXX-XX-XX");
    }
    PUT("%sT%02d:%02d%s", day, hh, mi, tz);
    return true;
}

static bool v_iso_time(const td_anchor *an, const td_tx *t, outv *o)
{
    bool ok;
    int hh = digits(o->doc, t->g[TG_HH], &ok), mi = digits(o->doc, t->g[TG_MI], &ok);
    int y = full_year(an, t->y, t->y2);
    if (!t->m || t->m > 12 || !t->d || t->d > td_days_in_month(y, t->m) || hh > 24 || mi > 59)
        return false;
    o->out->type = TD_TIME_TIME;
    PUT("%04d-%02d-%02dT%02d:%02d%s", y, t->m, t->d, hh, mi, has(t, TG_TZ) ? "Z" : "");
    return true;
}

bool td_time_normalise(const time_res *r, td_doc *doc, const td_anchor *an, const td_tx *t,
                       td_time *out)
{
    const time_rule *tr = &r->rules[t->rule];
    memset(out, 0, sizeof *out);
    out->span = t->span;
    out->type = tr->type;
    outv o = {doc, out};
    outv *op = &o;
    bool ok = false;
    switch (t->action) {
    case TX_DATE:
        out->value = tr->value[0] ? tr->value : NULL;
        ok = has(t, TG_HH) ? v_iso_time(an, t, op) : v_date(an, t, rel_of(doc, t), op);
        break;
    case TX_WDAY:
        ok = v_wday(r, an, t, op);
        break;
    case TX_DAYREL:
        ok = v_dayrel(r, an, t, atoi(tr->value), op);
        break;
    case TX_REL:
        ok = v_rel(r, an, t, op);
        break;
    case TX_AGO:
        ok = v_ago(r, an, t, op);
        break;
    case TX_DUR:
        ok = v_dur_impl(r, tr->value, t, op);
        break;
    case TX_SET:
        ok = tr->value[0] ? (out->value = tr->value, true) : v_set(r, t, op);
        break;
    case TX_LIT:
        out->value = tr->value;
        ok = tr->value[0] != 0;
        break;
    case TX_QUARTER:
        ok = v_quarter(r, an, t, op);
        break;
    case TX_DECADE:
        ok = v_decade(r, t, op);
        break;
    case TX_CLOCK:
        ok = v_clock(an, t, op);
        break;
    case TX_SEASON:
        ok = v_season(r, an, t, op);
        break;
    default:
        break;
    }
    if (ok && !out->mod)
        out->mod = mod_of(r, doc, t);
    return ok && out->value;
}
