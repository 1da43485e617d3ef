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
    td_buf sql, match;
    td_buf_init(&sql, 0);
    td_buf_init(&match, 0);
    int code = EXIT_FATAL;
    if (a.speaker && q_resolve(st, a.speaker, NULL, &sp) < 0)
        goto out;
    if (a.about && q_fts_query(st, "quotes_fts", a.about, &match) < 0)
        goto out;
    if (a.entity && q_resolve(st, a.entity, NULL, &en) < 0)
        goto out;
    /* The matching quotes are ranked on narrow columns first (the sorter
     * then holds 4 numbers a row, not every quote's text, title and url),
     * from covering indexes when only the speaker is asked for (the
     * speaker indexes carry doc and span_start, documents_dates the
     * dates); only the LIMIT rows that win are read in full. */
    td_buf_puts(&sql, "WITH top AS (SELECT x.quote AS quote, d.date_lo AS lo, x.doc AS doc, "
                      "x.ss AS ss FROM ");
    if (a.speaker) {
        const char *sel = "SELECT quote, doc, span_start AS ss FROM quotes WHERE";
        /* speaker_last is the last word of speaker_key: for a one-word
         * name the quotes with speaker_key = ?1 are among those with
         * speaker_last = ?1 */
        td_buf_printf(&sql, "(%s %s = ?1", sel, sp.one_word ? "speaker_last" : "speaker_key");
        if (sp.n)
            td_buf_printf(&sql, " UNION %s speaker_entity IN (%s)", sel, sp.ids.ptr);
        td_buf_puts(&sql, ") x");
    } else {
        td_buf_puts(&sql, "(SELECT quote, doc, span_start AS ss FROM quotes INDEXED BY "
                          "quotes_place) x");
    }
    td_buf_puts(&sql, " JOIN documents d INDEXED BY documents_dates ON d.doc = x.doc");
    if (a.kind || a.entity)
        td_buf_puts(&sql, " JOIN quotes q ON q.quote = x.quote");
    td_buf_puts(&sql, " WHERE 1");
    if (a.kind)
        td_buf_puts(&sql, " AND q.kind = ?2");
    if (a.about)
        td_buf_puts(&sql, " AND x.quote IN (SELECT rowid FROM quotes_fts WHERE quotes_fts "
                          "MATCH ?3)");
    if (a.entity)
        td_buf_printf(&sql, " AND EXISTS (SELECT 1 FROM mentions m WHERE m.doc = x.doc AND "
                            "m.entity IN (%s) AND m.span_start >= q.span_start AND "
                            "m.span_end <= q.span_end)", en.n ? en.ids.ptr : "NULL");
    q_date_sql(&o, "d", &sql);
    td_buf_printf(&sql, " ORDER BY d.date_lo, x.doc, x.ss, x.quote LIMIT %ld) ", o.limit);
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
    if (a.speaker)
        sqlite3_bind_text(s, 1, sp.key.ptr, -1, SQLITE_STATIC);
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
    td_store_close(st);
    return code;
}
