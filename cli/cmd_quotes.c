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
 * documents d); key is the column that holds the quote's id in the
 * driving table (q.quote, or f.rowid for the full-text index), on which
 * --from and --to also become a range of ids (an id is its day, see
 * data/schema.sql): a document dated to a year at most overlaps a range
 * that begins 366 days after its first day. */
static void filters(td_buf *sql, const qargs *a, const q_name *en, const q_opts *o,
                    const char *cond, const char *key)
{
    if (o->lo[0])
        td_buf_puts(sql, " JOIN documents d INDEXED BY documents_dates ON d.doc = q.doc");
    td_buf_printf(sql, " WHERE %s", cond);
    if (a->kind)
        td_buf_puts(sql, " AND q.kind = ?2");
    if (a->about && !strstr(cond, "quotes_fts"))
        td_buf_puts(sql, " AND q.quote IN (SELECT rowid FROM quotes_fts WHERE quotes_fts "
                         "MATCH ?3)");
    if (a->entity)
        td_buf_printf(sql, " AND EXISTS (SELECT 1 FROM mentions m, json_each(m.spans) j "
                           "WHERE m.doc = q.doc AND m.entity IN (%s) AND "
                           "json_extract(j.value, '$[0]') >= q.span_start AND "
                           "json_extract(j.value, '$[1]') <= q.span_end)",
                      en->n ? en->ids.ptr : "NULL");
    if (o->lo[0])
        td_buf_printf(sql, " AND d.date_hi >= '%s' AND %s >= ((CAST(julianday('%s') AS "
                           "INTEGER) - 366) << 31)", o->lo, key, o->lo);
    if (o->hi[0])
        td_buf_printf(sql, " AND q.date_lo <= '%s' AND %s < ((CAST(julianday('%s') AS "
                           "INTEGER) + 1) << 31)", o->hi, key, o->hi);
}

/* The ids of the entities whose acronym is NAME but not their name (the
 * other quotes of --speaker), for "IN (...)"; 0 none, -1 error (printed). */
static long acronym_ids(td_store *st, const char *name, const q_name *sp, td_buf *ids)
{
    sqlite3_stmt *s = q_prepare(st, sp->one_word
                                        ? "SELECT entity FROM entities WHERE lower(acronym) = "
                                          "lower(?1) AND key <> ?2 AND last <> ?2"
                                        : "SELECT entity FROM entities WHERE lower(acronym) = "
                                          "lower(?1) AND key <> ?2");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sp->key.ptr, -1, SQLITE_STATIC);
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        td_buf_printf(ids, "%s%lld", n++ ? "," : "", (long long)sqlite3_column_int64(s, 0));
    if (rc != SQLITE_DONE) {
        cli_error("query failed: %s", sqlite3_errmsg(td_store_db(st)));
        n = -1;
    }
    sqlite3_finalize(s);
    return n;
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
    /* The matching quotes are found in the order of their ids, which is
     * date order (schema version 5), from an index or the full-text index
     * that holds them in that order, so that the LIMIT stops the scan; only
     * the LIMIT rows that win are read in full. */
    td_buf_puts(&sql, "WITH top AS (");
    if (a.speaker) {
        /* A quote is NAME's when its speaker's folded name is NAME's (or
         * ends with it: speaker_last is the last word of speaker_key, so for
         * a one-word name those with speaker_key = ?1 are among them) ... */
        bool one = sp.one_word;
        td_buf_printf(&sql, "SELECT q.quote AS quote, q.doc AS doc FROM quotes q INDEXED BY %s",
                      one ? "quotes_speaker_last" : "quotes_speaker_key");
        filters(&sql, &a, &en, &o, one ? "q.speaker_last = ?1" : "q.speaker_key = ?1",
                "q.quote");
        /* ... or when its speaker entity has NAME for acronym (merged in
         * order, those the first part did not list). The entities NAME
         * designates by their name are not looked up one by one: their
         * quotes carry that name (a surname can designate thousands of
         * entities, one per document). */
        long na = sp.n ? acronym_ids(st, a.speaker, &sp, &ids) : 0;
        if (na < 0)
            goto out;
        if (na > 0) {
            td_buf cond;
            td_buf_init(&cond, 0);
            td_buf_printf(&cond, "q.speaker_entity %s%s%s AND ", na == 1 ? "= " : "IN (",
                          ids.ptr, na == 1 ? "" : ")");
            if (one)
                td_buf_puts(&cond, "NOT (q.speaker_key IS ?1 OR substr(q.speaker_key, "
                                   "-length(?1) - 1) IS (' ' || ?1))");
            else
                td_buf_puts(&cond, "q.speaker_key IS NOT ?1");
            td_buf_puts(&sql, " UNION ALL SELECT q.quote, q.doc FROM quotes q INDEXED BY "
                              "quotes_speaker");
            filters(&sql, &a, &en, &o, cond.ptr, "q.quote");
            td_buf_release(&cond);
        }
    } else if (a.about) {
        td_buf_puts(&sql, "SELECT f.rowid AS quote, q.doc AS doc FROM quotes_fts f CROSS JOIN "
                          "quotes q ON q.quote = f.rowid");
        filters(&sql, &a, &en, &o, "quotes_fts MATCH ?3", "f.rowid");
    } else {
        td_buf_puts(&sql, "SELECT q.quote AS quote, q.doc AS doc FROM quotes q");
        filters(&sql, &a, &en, &o, "1", "q.quote");
    }
    td_buf_printf(&sql, " ORDER BY quote LIMIT %ld) ", o.limit);
    td_buf_puts(&sql,
                "SELECT d.date AS date, q.kind AS kind, coalesce(e.name, q.speaker_name) AS "
                "speaker, q.text AS quote, d.id AS document, d.date_precision AS "
                "_date_precision, q.speaker_text AS _speaker_text, q.cue_text AS _cue, "
                "q.span_start AS _span_start, q.span_end AS _span_end, d.title AS _title, "
                "d.url AS _url FROM top CROSS JOIN quotes q ON q.quote = top.quote "
                "CROSS JOIN documents d ON d.doc = top.doc "
                "LEFT JOIN entities e ON e.entity = q.speaker_entity "
                "ORDER BY top.quote");
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (!s)
        goto out;
    if (a.speaker) {
        sqlite3_bind_text(s, 1, sp.key.ptr, -1, SQLITE_STATIC);
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
