/* cmd_export.c - tidings export: a whole table as CSV or JSON lines, for
 * pandas, R and spreadsheets. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tidings export --table T [OPTIONS]\n\n"
    "Write a whole table on standard output, in row order, with a header line\n"
    "(CSV) or one JSON object per line (jsonl). The tables and their columns\n"
    "are described in README.md (and data/schema.sql).\n\n"
    "Options:\n"
    "      --table T        documents, entities, mentions, quotes, times or events\n"
    "      --format F       csv (default) or jsonl\n"
    "      --record         documents: include the whole JSON record column\n"
    "      --db PATH        the database (default: $TIDINGS_DB, else ./tidings.db)\n"
    "      --limit N        at most N rows (default: all)\n"
    "  -h, --help           this help\n\n"
    "Example:\n"
    "  tidings export --table quotes --format csv > quotes.csv\n";

/* What each table exports: its columns, from where, in which order; and,
 * for documents, the record (stored compressed, schema version 5) that
 * --record adds. The mentions table holds one row per entity and document,
 * its mentions packed in `spans`: exported one row per mention, in the
 * order of the record. */
typedef struct export_table {
    const char *name, *cols, *from, *order, *record;
} export_table;

static const export_table tables[] = {
    {"documents",
     "doc, id, hash, record_hash, date, date_precision, date_lo, date_hi, date_source, "
     "date_header, date_note, lang, title, url, source_path, source_offset, source_line, "
     "warc_record_id, ingested_at, caption, body",
     "documents", "rowid", ", sqlar_uncompress(record, record_size) AS record"},
    {"entities", "*", "entities", "rowid", ""},
    {"mentions",
     "m.doc AS doc, m.entity AS entity, m.local AS local, json_extract(j.value, '$[0]') AS "
     "span_start, json_extract(j.value, '$[1]') AS span_end, json_extract(j.value, '$[2]') AS "
     "text, json_extract(j.value, '$[3]') AS form",
     "mentions m, json_each(m.spans) j", "m.doc, m.ord, j.key", ""},
    {"quotes", "*", "quotes", "rowid", ""},
    {"times", "*", "times", "rowid", ""},
    {"events", "*", "events", "rowid", ""},
};

int cmd_export(int argc, char **argv)
{
    q_opts o;
    q_opts_init(&o, -1);
    o.format = Q_CSV;
    const char *table = NULL;
    bool record = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--from") == 0 || strcmp(s, "--to") == 0) {
            cli_error("export: %s is not an export option: export writes whole tables", s);
            return EXIT_USAGE;
        }
        int r = q_parse(&o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            printf(help);
            return 0;
        } else if (strcmp(s, "--table") == 0 && i + 1 < argc) {
            table = argv[++i];
        } else if (strcmp(s, "--record") == 0) {
            record = true;
        } else {
            cli_error("export: unexpected '%s' (see 'tidings export --help')", s);
            return EXIT_USAGE;
        }
    }
    if (o.format == Q_JSON)
        o.format = Q_JSONL;
    if (o.format == Q_TABLE) {
        cli_error("export: --format csv or jsonl");
        return EXIT_USAGE;
    }
    const export_table *t = NULL;
    for (size_t i = 0; table && i < sizeof tables / sizeof tables[0]; i++)
        if (strcmp(table, tables[i].name) == 0)
            t = &tables[i];
    if (!t) {
        cli_error("export: --table wants documents, entities, mentions, quotes, times or "
                  "events");
        return EXIT_USAGE;
    }
    td_store *st = q_open(&o);
    if (!st)
        return EXIT_FATAL;
    td_buf sql;
    td_buf_init(&sql, 0);
    td_buf_printf(&sql, "SELECT %s%s FROM %s ORDER BY %s LIMIT %ld", t->cols,
                  record ? t->record : "", t->from, t->order, o.limit);
    int code = EXIT_FATAL;
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (s) {
        long n = q_print(s, &o, stdout);
        sqlite3_finalize(s);
        code = n < 0 ? EXIT_FATAL : EXIT_ALL_READ;
    }
    if (fflush(stdout) != 0)
        code = EXIT_FATAL;
    td_buf_release(&sql);
    td_store_close(st);
    return code;
}
