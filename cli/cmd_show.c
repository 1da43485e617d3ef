/* cmd_show.c - tidings show: one stored document with its facts (or its
 * whole JSON record with --format json). */
#include "query.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tidings show [OPTIONS] ID\n\n"
    "One stored document: its metadata, body, and tables of its entities,\n"
    "quotes, time expressions and events. ID is the document's id (or a prefix\n"
    "of it that matches one document). With --format json, the stored record.\n\n"
    "Options:\n"
    "      --db PATH        the database (default: $TIDINGS_DB, else ./tidings.db)\n"
    "      --format F       table (default) or json\n"
    "      --no-body        leave the body out\n"
    "  -h, --help           this help\n\n"
    "Example:\n"
    "  tidings show wikinews-100911\n";

/* The doc number of id (exact, else a unique prefix); 0 none, -1 ambiguous. */
static sqlite3_int64 find_doc(td_store *st, const char *id)
{
    sqlite3_stmt *s = q_prepare(st, "SELECT doc FROM documents WHERE id = ?1 UNION ALL "
                                    "SELECT doc FROM (SELECT doc FROM documents WHERE "
                                    "substr(id, 1, length(?1)) = ?1 LIMIT 2)");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_int64 got = 0;
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        sqlite3_int64 d = sqlite3_column_int64(s, 0);
        if (n == 0)
            got = d;
        n++;
    }
    sqlite3_finalize(s);
    /* rows: the exact hit (if any), then up to 2 prefix hits */
    if (n == 0)
        return 0;
    return n == 1 || n == 2 || (n == 3 && got) ? got : -1;
}

static int section(td_store *st, const q_opts *o, const char *title, const char *sql,
                   sqlite3_int64 doc)
{
    sqlite3_stmt *s = q_prepare(st, sql);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, doc);
    printf("\n%s\n", title);
    long n = q_print(s, o, stdout);
    if (n == 0)
        printf("(none)\n");
    sqlite3_finalize(s);
    return n < 0 ? -1 : 0;
}

static const char *const sections[][2] = {
    /* one mentions row per entity (schema version 5), its mentions in spans */
    {"Entities", "SELECT m.local AS id, e.name AS name, e.type AS type, e.country AS country, "
                 "sum(m.count) AS mentions, (SELECT group_concat(DISTINCT json_extract(j.value, "
                 "'$[2]')) FROM mentions n, json_each(n.spans) j WHERE n.doc = ?1 AND n.local "
                 "= m.local AND n.entity = m.entity) AS forms FROM mentions m JOIN entities e "
                 "ON e.entity = m.entity WHERE m.doc = ?1 GROUP BY m.local, m.entity ORDER BY "
                 "min(m.span_start), m.local"},
    {"Quotes", "SELECT q.kind AS kind, coalesce(e.name, q.speaker_name) AS speaker, "
               "q.span_start AS start, q.text AS quote FROM quotes q LEFT JOIN entities e ON "
               "e.entity = q.speaker_entity WHERE q.doc = ?1 ORDER BY q.span_start, q.quote"},
    {"Times", "SELECT text, type, value, span_start AS start FROM times WHERE doc = ?1 "
              "ORDER BY span_start, rowid"},
    {"Events", "SELECT actor, code, target, text FROM events WHERE doc = ?1 ORDER BY "
               "span_start, rowid"},
};

static int show_table(td_store *st, const q_opts *o, sqlite3_int64 doc, bool body)
{
    sqlite3_stmt *s = q_prepare(st, "SELECT id, title, caption, date, date_precision, "
                                    "date_source, date_note, source_path, source_line, url, "
                                    "lang, body FROM documents WHERE doc = ?1");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, doc);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return -1;
    }
#define COL(i) ((const char *)sqlite3_column_text(s, i))
    printf("id:      %s\n", COL(0));
    printf("title:   %s\n", COL(1) ? COL(1) : "(none)");
    if (COL(2))
        printf("caption: %s\n", COL(2));
    if (COL(3))
        printf("date:    %s (%s, from %s)%s%s\n", COL(3), COL(4), COL(5) ? COL(5) : "?",
               COL(6) ? ": " : "", COL(6) ? COL(6) : "");
    else
        printf("date:    unknown\n");
    if (COL(7))
        printf(sqlite3_column_type(s, 8) == SQLITE_NULL ? "source:  %s\n" : "source:  %s:%s\n",
               COL(7), COL(8));
    if (COL(9))
        printf("url:     %s\n", COL(9));
    printf("lang:    %s\n", COL(10) ? COL(10) : "und");
    if (body)
        printf("\n%s\n", COL(11) ? COL(11) : "");
#undef COL
    sqlite3_finalize(s);
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (section(st, o, sections[i][0], sections[i][1], doc) < 0)
            return -1;
    return 0;
}

int cmd_show(int argc, char **argv)
{
    q_opts o;
    q_opts_init(&o, -1);
    const char *id = NULL;
    bool body = true;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int r = q_parse(&o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            printf(help);
            return 0;
        } else if (strcmp(s, "--no-body") == 0) {
            body = false;
        } else if (s[0] != '-' && !id) {
            id = s;
        } else {
            cli_error("show: unexpected '%s' (see 'tidings show --help')", s);
            return EXIT_USAGE;
        }
    }
    if (!id) {
        cli_error("show: give a document ID (see 'tidings search' to find one)");
        return EXIT_USAGE;
    }
    if (o.format == Q_CSV) {
        cli_error("show: --format table or json (export writes CSV)");
        return EXIT_USAGE;
    }
    td_store *st = q_open(&o);
    if (!st)
        return EXIT_FATAL;
    int code = EXIT_ALL_READ;
    sqlite3_int64 doc = find_doc(st, id);
    if (doc <= 0) {
        cli_error(doc < 0 ? "'%s' is the start of several ids: give more of it"
                          : "no document '%s' in %s", id, o.db);
        code = EXIT_SOME_FAILED;
    } else if (o.format == Q_JSON || o.format == Q_JSONL) {
        sqlite3_stmt *s = q_prepare(st, "SELECT sqlar_uncompress(record, record_size) FROM "
                                        "documents WHERE doc = ?1");
        if (s) {
            sqlite3_bind_int64(s, 1, doc);
            if (sqlite3_step(s) == SQLITE_ROW)
                printf("%s\n", (const char *)sqlite3_column_text(s, 0));
            sqlite3_finalize(s);
        }
    } else {
        o.limit = -1;
        if (show_table(st, &o, doc, body) < 0)
            code = EXIT_FATAL;
    }
    td_store_close(st);
    return code;
}
