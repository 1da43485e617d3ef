/* cmd_timeline.c - tidings timeline: the dated mentions, quotes and events
 * of one entity, by day, week or month, with a bar chart on a terminal. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tidings timeline [OPTIONS] NAME\n\n"
    "How often NAME (an entity: full name, surname, transliteration variant,\n"
    "acronym; any case) appears over time: per period, the documents that\n"
    "mention it, its mentions, the quotes it is the speaker of and the events\n"
    "whose actor or target is its CAMEO code. Documents dated only to the year\n"
    "(or month) get a period of their own (2022), undated ones 'undated'.\n"
    "On a terminal a bar chart of documents per period follows the table.\n\n"
    "Options:\n"
    "      --by P           day, week (Monday-based, YYYY-Www) or month (default)\n"
    "%s"
    "  -h, --help           this help\n\n"
    "Example:\n"
    "  tidings timeline lavrov --by month\n";

static void chart(sqlite3_stmt *s)
{
    long max = 1;
    while (sqlite3_step(s) == SQLITE_ROW)
        if (sqlite3_column_int64(s, 1) > max)
            max = (long)sqlite3_column_int64(s, 1);
    sqlite3_reset(s);
    putchar('\n');
    while (sqlite3_step(s) == SQLITE_ROW) {
        long n = (long)sqlite3_column_int64(s, 1);
        long w = n * 50 / max;
        printf("%-10s ", (const char *)sqlite3_column_text(s, 0));
        for (long i = 0; i < w; i++)
            fputs("\xe2\x96\x88", stdout); /* █ */
        if (w == 0 && n > 0)
            fputs("\xe2\x96\x8f", stdout); /* ▏ */
        printf(" %ld\n", n);
    }
}

static void build_sql(td_buf *sql, const q_name *nm, const q_opts *o, const char *by)
{
    const char *ids = nm->n ? nm->ids.ptr : "NULL";
    const char *fmt = strcmp(by, "day") == 0 ? "%Y-%m-%d" : strcmp(by, "week") == 0 ? "%Y-W%W"
                                                                                     : "%Y-%m";
    const char *coarse = strcmp(by, "month") == 0 ? "d.date_precision NOT IN ('day', 'month')"
                                                  : "d.date_precision <> 'day'";
    td_buf_printf(sql,
                  "WITH hits(doc, men, quo, evt) AS ("
                  "SELECT doc, sum(count), 0, 0 FROM mentions WHERE entity IN (%s) GROUP BY doc "
                  "UNION ALL SELECT doc, 0, 1, 0 FROM quotes WHERE speaker_entity IN (%s) "
                  "OR %s = ?1 " /* speaker_last: the last word of speaker_key */
                  "UNION ALL SELECT doc, 0, 0, 1 FROM events WHERE actor IN (SELECT cameo FROM "
                  "entities WHERE entity IN (%s)) OR target IN (SELECT cameo FROM entities "
                  "WHERE entity IN (%s))) "
                  "SELECT CASE WHEN d.date_lo IS NULL THEN 'undated' WHEN %s THEN d.date "
                  "ELSE strftime('%s', d.date_lo) END AS period, "
                  "count(DISTINCT h.doc) AS documents, sum(h.men) AS mentions, "
                  "sum(h.quo) AS quotes, sum(h.evt) AS events, "
                  "max(%s) AS _imprecise "
                  "FROM hits h JOIN documents d INDEXED BY documents_dates ON d.doc = h.doc "
                  "WHERE 1",
                  ids, ids, nm->one_word ? "speaker_last" : "speaker_key", ids, ids, coarse, fmt,
                  coarse);
    q_date_sql(o, "d", sql);
    td_buf_printf(sql, " GROUP BY period ORDER BY min(d.date_lo IS NULL), min(d.date_lo), "
                       "period LIMIT %ld", o->limit);
}

int cmd_timeline(int argc, char **argv)
{
    q_opts o;
    q_opts_init(&o, -1);
    const char *name = NULL, *by = "month";
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int r = q_parse(&o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            printf(help, q_help);
            return 0;
        }
        if (strcmp(s, "--by") == 0 && i + 1 < argc &&
            (strcmp(argv[i + 1], "day") == 0 || strcmp(argv[i + 1], "week") == 0 ||
             strcmp(argv[i + 1], "month") == 0)) {
            by = argv[++i];
        } else if (s[0] != '-' && !name) {
            name = s;
        } else {
            cli_error("timeline: unexpected '%s' (--by wants day, week or month; see "
                      "'tidings timeline --help')", s);
            return EXIT_USAGE;
        }
    }
    if (!name) {
        cli_error("timeline: give a NAME (see 'tidings timeline --help')");
        return EXIT_USAGE;
    }
    td_store *st = q_open(&o);
    if (!st)
        return EXIT_FATAL;
    q_name nm;
    int code = EXIT_FATAL;
    td_buf sql;
    td_buf_init(&sql, 0);
    if (q_resolve(st, name, NULL, &nm) < 0)
        goto out;
    build_sql(&sql, &nm, &o, by);
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (s) {
        sqlite3_bind_text(s, 1, nm.key.ptr, -1, SQLITE_STATIC);
        long n = q_print(s, &o, stdout);
        if (n > 0 && o.tty && o.format == Q_TABLE) {
            sqlite3_reset(s);
            chart(s);
        }
        sqlite3_finalize(s);
        if (n == 0)
            cli_error("nothing about '%s' in the database", name);
        code = n < 0 ? EXIT_FATAL : n == 0 ? EXIT_SOME_FAILED : EXIT_ALL_READ;
    }
    q_name_release(&nm);
out:
    td_buf_release(&sql);
    td_store_close(st);
    return code;
}
