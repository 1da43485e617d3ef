/*
 * docdate.c - the publication date: what the evidence supports, and why.
 *
 * td_docdate_decide() runs inside the time stage (time.c), between tagging
 * and normalisation, because relative expressions need the decided date;
 * the docdate stage itself has nothing left to do.
 *
 * - A JSON input's `date` is the caller's word: kept as given.
 * - A dateline ("MOSCOW, Nov 18 (Reuters) -", a first line that is only a
 *   date, as in Wikinews) is evidence of the day (source "dateline"); a
 *   dateline without a year takes the header's year, or gives no day.
 * - A crawler header date (layout.c) is checked against the text:
 *     an absolute date the text speaks of as past (past-tense cue nearest
 *     to it) or a known past event (data/lex/time_events.tsv) later than
 *     the header date, or a date the text speaks of as future earlier than
 *     it, contradicts it; a 1 January header is a placeholder look.
 *   Then only what the evidence supports is kept: the year (when the
 *   contradiction lies in the same year) or nothing, with a note.
 * - Nothing else claims a day: without a dateline or a header the date is
 *   unknown.
 */
#include "time_stage.h"

#include "stage.h"

#include <stdio.h>
#include <string.h>

td_status td_docdate_init(td_resources *res, char **err)
{
    (void)res;
    (void)err;
    return TD_OK;
}

void td_docdate_release(td_resources *res) { (void)res; }

td_status td_docdate_run(td_stage_ctx *ctx, td_doc *doc)
{
    (void)ctx;
    (void)doc; /* decided in the time stage: see td_docdate_decide() */
    return TD_OK;
}

/* ---- evidence ---------------------------------------------------------- */

typedef struct bound {
    long z;        /* days; 0 with !set */
    bool set;
    int y;
    td_span span;  /* the evidence */
    char what[24]; /* its date as written for the note */
} bound;

static bool in_dateline_block(const td_doc *doc, td_span sp)
{
    int b = td_doc_block_at(doc, sp.s);
    return b >= 0 && TD_DOC_BLOCK(doc, b)->kind == TD_BLOCK_DATELINE;
}

/* The first dateline date in the first three read lines, or NULL. */
static const td_tx *find_dateline(const td_doc *doc, const td_tx *tx, size_t n)
{
    for (size_t i = 0; i < n && tx[i].line <= 2; i++) {
        const td_tx *t = &tx[i];
        if (t->action != TX_DATE || !t->m || !t->d || t->m > 12 || t->d > 31)
            continue;
        if (t->line_is_date || t->dateline_shape || in_dateline_block(doc, t->span))
            return t;
    }
    return NULL;
}

static int year4(const td_tx *t) { return t->y2 ? (t->y < 50 ? 2000 + t->y : 1900 + t->y) : t->y; }

/* Past-tense absolute dates (and known events) bound the date from below;
 * future-tense ones with a month from above. */
static void bounds(const td_tx *tx, size_t n, const td_tx *skip, const td_tx_event *ev,
                   size_t nev, bound *lo, bound *hi)
{
    for (size_t i = 0; i < n; i++) {
        const td_tx *t = &tx[i];
        if (t == skip || t->action != TX_DATE || !t->y || t->y2 || t->y < 1000 || t->m > 12)
            continue;
        if (t->near_tense < 0 && t->m) {
            /* a bare year is weak evidence ("2020 Nissan Sentra", a bond
             * "due 2025"): only a date with its month bounds from below */
            long z = td_days_from_civil(t->y, t->m ? t->m : 1, t->d ? t->d : 1);
            if (!lo->set || z > lo->z) {
                lo->set = true;
                lo->z = z;
                lo->y = t->y;
                lo->span = t->span;
            }
        } else if (t->near_tense > 0 && t->m) {
            int m = t->m;
            long z = td_days_from_civil(t->y, m, t->d ? t->d : td_days_in_month(t->y, m));
            if (!hi->set || z < hi->z) {
                hi->set = true;
                hi->z = z;
                hi->y = t->y;
                hi->span = t->span;
            }
        }
    }
    for (size_t i = 0; i < nev; i++) {
        long z = td_days_from_civil(ev[i].y, ev[i].m, ev[i].d);
        if (!lo->set || z > lo->z) {
            lo->set = true;
            lo->z = z;
            lo->y = ev[i].y;
            lo->span = ev[i].span;
        }
    }
}

static const char *quote(td_doc *doc, td_span sp)
{
    uint32_t n = sp.e - sp.s;
    return td_arena_printf(&doc->arena, "“%.*s”", (int)(n > 80 ? 80 : n), doc->norm + sp.s);
}

static void ymd_str(char *buf, size_t n, long z)
{
    int y, m, d;
    td_civil_from_days(z, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

static void set_date(td_doc *doc, const char *value, td_precision p, const char *source,
                     const char *note)
{
    doc->date.value = value;
    doc->date.precision = value ? p : TD_PREC_UNKNOWN;
    doc->date.source = source;
    doc->date.note = note;
}

/* ---- decisions --------------------------------------------------------- */

/* Returns true when the date is decided (the dateline settles it, or
 * disagrees with the header so that only their common part is kept). */
static bool from_dateline(td_doc *doc, const td_tx *dl, bool header)
{
    int y = dl->y ? year4(dl) : header ? doc->date.given_y : 0;
    if (!y || dl->d > td_days_in_month(y, dl->m))
        return false;
    const char *v = td_arena_printf(&doc->arena, "%04d-%02d-%02d", y, dl->m, dl->d);
    if (!v)
        return false;
    if (header && y == doc->date.given_y && dl->m == doc->date.given_m &&
        dl->d == doc->date.given_d) {
        set_date(doc, v, TD_PREC_DAY, "header", "header date confirmed by the dateline");
        return true;
    }
    if (header && !dl->y) {
        /* a dateline without a year that disagrees with the header: two
         * witnesses that differ; keep only what both support */
        if (dl->m == doc->date.given_m) {
            set_date(doc, td_arena_printf(&doc->arena, "%04d-%02d", y, dl->m), TD_PREC_MONTH,
                     "header",
                     td_arena_printf(&doc->arena,
                                     "header date %s and the dateline %s disagree on the "
                                     "day: only the month is kept",
                                     doc->date.header ? doc->date.header : "",
                                     quote(doc, dl->span)));
        } else {
            set_date(doc, td_arena_printf(&doc->arena, "%04d", y), TD_PREC_YEAR, "header",
                     td_arena_printf(&doc->arena,
                                     "header date %s and the dateline %s disagree: only "
                                     "the year is kept",
                                     doc->date.header ? doc->date.header : "",
                                     quote(doc, dl->span)));
        }
        return true;
    }
    const char *note = header ? td_arena_printf(&doc->arena,
                                                "header date %s differs from the dateline %s%s",
                                                doc->date.header ? doc->date.header : "",
                                                quote(doc, dl->span),
                                                dl->y ? "" : " (year from the header)")
                              : NULL;
    set_date(doc, v, TD_PREC_DAY, "dateline", note);
    return true;
}

static void check_header(td_doc *doc, const bound *lo, const bound *hi, const td_tx *tx,
                         size_t n)
{
    int gy = doc->date.given_y, gm = doc->date.given_m, gd = doc->date.given_d;
    if (gy < 1000 || gm < 1 || gm > 12 || gd < 1 || gd > td_days_in_month(gy, gm))
        return;
    long hz = td_days_from_civil(gy, gm, gd);
    const char *h = doc->date.header ? doc->date.header : "";
    bool placeholder = gm == 1 && gd == 1;
    const char *why = NULL;
    int bad_year = 0;
    char ds[16];
    if (lo->set && lo->z > hz) {
        ymd_str(ds, sizeof ds, lo->z);
        why = td_arena_printf(&doc->arena, "the text speaks of %s (%s) as past",
                              quote(doc, lo->span), ds);
        bad_year = lo->y > gy;
    } else if (hi->set && hi->z < hz) {
        ymd_str(ds, sizeof ds, hi->z);
        why = td_arena_printf(&doc->arena, "the text speaks of %s (%s) as future",
                              quote(doc, hi->span), ds);
        bad_year = hi->y < gy;
    }
    const char *yv = td_arena_printf(&doc->arena, "%04d", gy);
    if (why && bad_year) {
        set_date(doc, NULL, TD_PREC_UNKNOWN, "header",
                 td_arena_printf(&doc->arena,
                                 "header date %s contradicted: %s; neither its day nor its "
                                 "year is supported",
                                 h, why));
    } else if (why) {
        set_date(doc, yv, TD_PREC_YEAR, "header",
                 td_arena_printf(&doc->arena,
                                 "header date %s %scannot be the day of publication: %s; "
                                 "only the year is kept",
                                 h, placeholder ? "is 1 January with no time (a placeholder "
                                                  "look) and "
                                                : "",
                                 why));
    } else if (placeholder) {
        set_date(doc, yv, TD_PREC_YEAR, "header",
                 doc->date.note ? doc->date.note
                                : "header date is 1 January with no time, a placeholder "
                                  "look: only the year is kept");
    } else {
        set_date(doc, h[0] ? td_arena_strndup(&doc->arena, h, 10) : NULL, TD_PREC_DAY,
                 "header", doc->date.note);
        for (size_t i = 0; i < n; i++)
            if (tx[i].action == TX_DATE && tx[i].y == gy && !tx[i].y2 && tx[i].m == gm &&
                tx[i].d == gd) {
                doc->date.note = "header date confirmed by the same date in the text";
                break;
            }
    }
}

void td_docdate_decide(td_doc *doc, const td_tx *tx, size_t ntx, const td_tx_event *ev,
                       size_t nev)
{
    if (doc->date.source && strcmp(doc->date.source, "input") == 0)
        return; /* the caller's word */
    bool header = doc->date.source && strcmp(doc->date.source, "header") == 0 &&
                  doc->date.given_y > 0;
    const td_tx *dl = find_dateline(doc, tx, ntx);
    if (dl && from_dateline(doc, dl, header))
        return;
    if (!header) {
        if (!doc->date.value)
            set_date(doc, NULL, TD_PREC_UNKNOWN, NULL, NULL);
        return;
    }
    bound lo = {0}, hi = {0};
    bounds(tx, ntx, dl, ev, nev, &lo, &hi);
    check_header(doc, &lo, &hi, tx, ntx);
}
