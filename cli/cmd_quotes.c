/* cmd_quotes.c - tidings quotes: who said what, by speaker, topic, entity,
 * kind and date. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tidings quotes [OPTIONS]\n\n"
    "List stored quotes (one row per attribution) with their date, kind,\n"
    "speaker and document, oldest first. A date known only to the year or the\n"
    "month shows as such (2022) and matches any --from/--to range it overlaps.\n\n"
    "Options:\n"
    "      --speaker NAME   quotes by NAME: full name, surname (lavrov), a\n"
    "                       transliteration variant (Sergei), any case\n"
    "      --about TEXT     quotes whose words match TEXT (full-text)\n"
    "      --entity NAME    quotes that mention the entity NAME\n"
    "      --kind K         direct, mixed or reported\n"
    "%s"
    "  -h, --help           this help\n\n"
    "Example:\n"
    "  tidings quotes --speaker lavrov --kind direct --from 2022-11-01 --to 2022-11-30\n";

/* The quotes matching --about: reading the quotes in date order
 * (quotes_date, sequential, about 20 times cheaper a quote than looking up
 * one match in quotes_place) until LIMIT of them match is tried when,
 * were the matches spread evenly, it would read fewer than SCAN_PER_HIT
 * quotes per match (a bit of a bitmap of the matches is tested for each
 * quote read). Matches bunch in time (a topic's quotes are from a few
 * weeks), so the scan gets a budget of SCAN_BUDGET virtual-machine steps
 * per match, about the cost of the sort; past it, the matches are sorted
 * instead (at worst about twice the sort alone). */
#define SCAN_PER_HIT 10.0
#define SCAN_BUDGET 100 /* steps: about 10 quotes read */
#define SCAN_TICK 100   /* steps between two budget checks */

typedef struct qargs {
    const char *speaker, *about, *entity, *kind;
} qargs;

static int parse(int argc, char **argv, q_opts *o, qargs *a)
{
    for (int i = 1; i < argc; i++) {
        int r = q_parse(o, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        const char *s = argv[i];
        const char **slot = strcmp(s, "--speaker") == 0  ? &a->speaker
                            : strcmp(s, "--about") == 0  ? &a->about
                            : strcmp(s, "--entity") == 0 ? &a->entity
                            : strcmp(s, "--kind") == 0   ? &a->kind
                                                         : NULL;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            printf(help, q_help);
            return 1;
        }
        if (!slot || i + 1 >= argc) {
            cli_error("quotes: unexpected '%s' (see 'tidings quotes --help')", s);
            return -1;
        }
        *slot = argv[++i];
    }
    if (a->kind && strcmp(a->kind, "direct") != 0 && strcmp(a->kind, "mixed") != 0 &&
        strcmp(a->kind, "reported") != 0) {
        cli_error("--kind wants direct, mixed or reported, not '%s'", a->kind);
        return -1;
    }
    return 0;
}

/* " WHERE cond AND ..." of the options, on quotes q (and, for --from,
 * documents d). */
static void filters(td_buf *sql, const qargs *a, const q_name *en, const q_opts *o,
                    const char *cond)
{
    if (o->lo[0])
        td_buf_puts(sql, " JOIN documents d INDEXED BY documents_dates ON d.doc = q.doc");
    td_buf_printf(sql, " WHERE %s", cond);
    if (a->kind)
        td_buf_puts(sql, " AND q.kind = ?2");
    /* the unary + keeps the index order: the matches are not the driver
     * unless cond names them */
    if (a->about && !strstr(cond, "quotes_fts") && !strstr(cond, "td_about_hit"))
        td_buf_puts(sql, " AND +q.quote IN (SELECT rowid FROM quotes_fts WHERE quotes_fts "
                         "MATCH ?3)");
    if (a->entity)
        td_buf_printf(sql, " AND EXISTS (SELECT 1 FROM mentions m, json_each(m.spans) j "
                           "WHERE m.doc = q.doc AND m.entity IN (%s) AND "
                           "json_extract(j.value, '$[0]') >= q.span_start AND "
                           "json_extract(j.value, '$[1]') <= q.span_end)",
                      en->n ? en->ids.ptr : "NULL");
    if (o->lo[0])
        td_buf_printf(sql, " AND d.date_hi >= '%s'", o->lo);
    if (o->hi[0])
        td_buf_printf(sql, " AND q.date_lo <= '%s'", o->hi);
}

/* The quotes matching --about, as a bitmap by quote id, for
 * td_about_hit(quote) in SQL: testing a bit costs less than looking the
 * quote up in a set of ids SQLite builds from the full-text query. */
typedef struct hitset {
    unsigned char *bits;
    sqlite3_int64 n; /* bits */
    double hits;     /* quotes that match */
} hitset;

static void hit_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const hitset *h = sqlite3_user_data(cx);
    sqlite3_int64 q = sqlite3_value_int64(argv[0]);
    sqlite3_result_int(cx, q >= 0 && q < h->n && ((h->bits[q >> 3] >> (q & 7)) & 1));
}

/* Fill h with the quotes matching match; -1 on error (printed). */
static int hitset_fill(td_store *st, const td_buf *match, hitset *h)
{
    sqlite3_stmt *s = q_prepare(st, "SELECT max(quote) FROM quotes");
    if (!s)
        return -1;
    h->n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) + 1 : 1;
    sqlite3_finalize(s);
    h->bits = calloc((size_t)(h->n + 7) / 8, 1);
    s = h->bits ? q_prepare(st, "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?1") : NULL;
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, match->ptr, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 q = sqlite3_column_int64(s, 0);
        if (q >= 0 && q < h->n) {
            h->bits[q >> 3] |= (unsigned char)(1u << (q & 7));
            h->hits++;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        cli_error("query failed: %s", sqlite3_errmsg(td_store_db(st)));
        return -1;
    }
    return 0;
}

typedef struct budget {
    long ticks, cap;
} budget;

static int over_budget(void *arg)
{
    budget *b = arg;
    return ++b->ticks > b->cap;
}

/* The first LIMIT quotes matching --about (and the other options) in
 * listing order, found by reading the quotes in date order within a budget
 * of steps for the number of matches: their ids go to ids ("1,5,9", ""
 * for none). 1 found, 0 over budget (or not worth trying), -1 error
 * (printed). */
static int about_scan(td_store *st, const qargs *a, const q_name *en, const q_opts *o,
                      const td_buf *match, td_buf *ids)
{
    hitset h = {NULL, 0, 0};
    if (o->limit < 0)
        return 0; /* all of them: sorted */
    if (hitset_fill(st, match, &h) < 0) {
        free(h.bits);
        return -1;
    }
    if (h.hits <= 0 ||
        (double)o->limit * (double)h.n / h.hits > h.hits * SCAN_PER_HIT) {
        free(h.bits);
        return 0;
    }
    sqlite3 *db = td_store_db(st);
    td_buf sql;
    td_buf_init(&sql, 0);
    td_buf_puts(&sql, "SELECT q.quote FROM quotes q INDEXED BY quotes_date");
    filters(&sql, a, en, o, "td_about_hit(q.quote)");
    td_buf_printf(&sql, " ORDER BY q.date_lo, q.doc, q.span_start, q.quote LIMIT %ld",
                  o->limit);
    sqlite3_stmt *s = NULL;
    if (sqlite3_create_function_v2(db, "td_about_hit", 1, SQLITE_UTF8, &h, hit_fn, NULL, NULL,
                                   NULL) == SQLITE_OK)
        s = q_prepare(st, sql.ptr);
    else
        cli_error("query failed: %s", sqlite3_errmsg(db));
    td_buf_release(&sql);
    int rc = SQLITE_ERROR;
    if (s) {
        if (a->kind)
            sqlite3_bind_text(s, 2, a->kind, -1, SQLITE_STATIC);
        budget b = {0, (long)(h.hits * SCAN_BUDGET / SCAN_TICK) + 1};
        sqlite3_progress_handler(db, SCAN_TICK, over_budget, &b);
        td_buf_clear(ids);
        for (long n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW; n++)
            td_buf_printf(ids, "%s%lld", n ? "," : "", (long long)sqlite3_column_int64(s, 0));
        sqlite3_progress_handler(db, 0, NULL, NULL);
        if (rc != SQLITE_DONE && rc != SQLITE_INTERRUPT)
            cli_error("query failed: %s", sqlite3_errmsg(db));
        sqlite3_finalize(s);
    }
    sqlite3_create_function_v2(db, "td_about_hit", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL,
                               NULL);
    free(h.bits);
    return rc == SQLITE_DONE ? 1 : rc == SQLITE_INTERRUPT ? 0 : -1;
}

int cmd_quotes(int argc, char **argv)
{
    q_opts o;
    q_opts_init(&o, 50);
    qargs a = {NULL, NULL, NULL, NULL};
    int pr = parse(argc, argv, &o, &a);
    if (pr)
        return pr < 0 ? EXIT_USAGE : 0;
    td_store *st = q_open(&o);
    if (!st)
        return EXIT_FATAL;
    q_name sp, en;
    memset(&sp, 0, sizeof sp);
    memset(&en, 0, sizeof en);
    int scan = 0;
    td_buf sql, match, ids;
    td_buf_init(&sql, 0);
    td_buf_init(&match, 0);
    td_buf_init(&ids, 0);
    int code = EXIT_FATAL;
    if (a.speaker && q_resolve(st, a.speaker, NULL, &sp) < 0)
        goto out;
    if (a.about && q_fts_query(st, "quotes_fts", a.about, &match) < 0)
        goto out;
    if (a.entity && q_resolve(st, a.entity, NULL, &en) < 0)
        goto out;
    /* The matching quotes are found and ordered (date_lo, doc, span_start,
     * quote) on narrow columns first, from indexes that hold them in that
     * order (schema version 4), so that the LIMIT stops the scan; only the
     * LIMIT rows that win are read in full. */
    td_buf_puts(&sql, "WITH top AS (");
    if (a.speaker) {
        /* A quote is NAME's when its speaker's folded name is NAME's (or
         * ends with it: speaker_last is the last word of speaker_key, so for
         * a one-word name those with speaker_key = ?1 are among them) ... */
        bool one = sp.one_word;
        td_buf_printf(&sql, "SELECT q.quote AS quote, q.date_lo AS lo, q.doc AS doc, "
                            "q.span_start AS ss FROM quotes q INDEXED BY %s",
                      one ? "quotes_speaker_last" : "quotes_speaker_key");
        filters(&sql, &a, &en, &o, one ? "q.speaker_last = ?1" : "q.speaker_key = ?1");
        /* ... or when its speaker entity has NAME for acronym (merged in
         * order, those the first part did not list). The entities NAME
         * designates by their name are not looked up one by one: their
         * quotes carry that name (a surname can designate thousands of
         * entities, one per document). */
        if (sp.n) {
            td_buf cond;
            td_buf_init(&cond, 0);
            td_buf_printf(&cond, "q.speaker_entity IN (SELECT entity FROM entities WHERE "
                                 "lower(acronym) = lower(?4) AND key <> ?1%s) AND ",
                          one ? " AND last <> ?1" : "");
            if (one)
                td_buf_puts(&cond, "NOT (q.speaker_key IS ?1 OR substr(q.speaker_key, "
                                   "-length(?1) - 1) IS (' ' || ?1))");
            else
                td_buf_puts(&cond, "q.speaker_key IS NOT ?1");
            td_buf_puts(&sql, " UNION ALL SELECT q.quote, q.date_lo, q.doc, q.span_start FROM "
                              "quotes q INDEXED BY quotes_speaker");
            filters(&sql, &a, &en, &o, cond.ptr);
            td_buf_release(&cond);
        }
    } else if (a.about && (scan = about_scan(st, &a, &en, &o, &match, &ids)) != 0) {
        /* the scan in date order found them (or failed) */
        if (scan < 0)
            goto out;
        td_buf_printf(&sql, "SELECT q.quote AS quote, q.date_lo AS lo, q.doc AS doc, "
                            "q.span_start AS ss FROM quotes q INDEXED BY quotes_place "
                            "WHERE q.quote IN (%s)", ids.ptr ? ids.ptr : "");
    } else if (a.about) {
        /* few quotes match the words, or they lie far into the listing:
         * they are sorted */
        td_buf_puts(&sql, "SELECT q.quote AS quote, q.date_lo AS lo, q.doc AS doc, "
                          "q.span_start AS ss FROM quotes q INDEXED BY quotes_place");
        filters(&sql, &a, &en, &o, "q.quote IN (SELECT rowid FROM quotes_fts WHERE "
                                   "quotes_fts MATCH ?3)");
    } else {
        td_buf_puts(&sql, "SELECT q.quote AS quote, q.date_lo AS lo, q.doc AS doc, "
                          "q.span_start AS ss FROM quotes q INDEXED BY quotes_date");
        filters(&sql, &a, &en, &o, "1");
    }
    td_buf_printf(&sql, " ORDER BY lo, doc, ss, quote LIMIT %ld) ", o.limit);
    td_buf_puts(&sql,
                "SELECT d.date AS date, q.kind AS kind, coalesce(e.name, q.speaker_name) AS "
                "speaker, q.text AS quote, d.id AS document, d.date_precision AS "
                "_date_precision, q.speaker_text AS _speaker_text, q.cue_text AS _cue, "
                "q.span_start AS _span_start, q.span_end AS _span_end, d.title AS _title, "
                "d.url AS _url FROM top CROSS JOIN quotes q ON q.quote = top.quote "
                "CROSS JOIN documents d ON d.doc = top.doc "
                "LEFT JOIN entities e ON e.entity = q.speaker_entity "
                "ORDER BY top.lo, top.doc, top.ss, top.quote");
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (!s)
        goto out;
    if (a.speaker) {
        sqlite3_bind_text(s, 1, sp.key.ptr, -1, SQLITE_STATIC);
        if (sp.n)
            sqlite3_bind_text(s, 4, a.speaker, -1, SQLITE_STATIC);
    }
    if (a.kind)
        sqlite3_bind_text(s, 2, a.kind, -1, SQLITE_STATIC);
    if (a.about)
        sqlite3_bind_text(s, 3, match.ptr, -1, SQLITE_STATIC);
    long n = q_print(s, &o, stdout);
    sqlite3_finalize(s);
    if (n == 0)
        cli_error("no quote matches");
    code = n < 0 ? EXIT_FATAL : n == 0 ? EXIT_SOME_FAILED : EXIT_ALL_READ;
out:
    if (a.speaker)
        q_name_release(&sp);
    if (a.entity)
        q_name_release(&en);
    td_buf_release(&sql);
    td_buf_release(&match);
    td_buf_release(&ids);
    td_store_close(st);
    return code;
}
