/* cmd_entities.c - tidings entities: the most mentioned entities, with
 * counts and the first and last date they are mentioned. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tidings entities [OPTIONS]\n\n"
    "The most mentioned entities (merged across documents), with their number\n"
    "of mentions and documents and the first and last date of those documents\n"
    "(a date known only to the year or month shows as such: 2022).\n\n"
    "Options:\n"
    "      --type T         person, country, location, organization or group\n"
    "      --top N          the N most mentioned (default 20; same as --limit)\n"
    "%s"
    "  -h, --help           this help\n\n"
    "Example:\n"
    "  tidings entities --type person --top 10\n";

static bool known_type(const char *t)
{
    static const char *const types[] = {"person", "country", "location", "organization",
                                         "group"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t, types[i]) == 0)
            return true;
    return false;
}

int cmd_entities(int argc, char **argv)
{
    q_opts o;
    q_opts_init(&o, 20);
    const char *type = NULL;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--top") == 0)
            argv[i] = (char *)"--limit"; /* the same option */
        int r = q_parse(&o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            printf(help, q_help);
            return 0;
        }
        if (strcmp(s, "--type") == 0 && i + 1 < argc && known_type(argv[i + 1])) {
            type = argv[++i];
            continue;
        }
        cli_error("entities: unexpected '%s'%s (see 'tidings entities --help')", s,
                  strcmp(s, "--type") == 0 ? " or a wrong type" : "");
        return EXIT_USAGE;
    }
    td_store *st = q_open(&o);
    if (!st)
        return EXIT_FATAL;
    td_buf sql;
    td_buf_init(&sql, 0);
    td_buf_puts(&sql, "SELECT e.name AS name, e.type AS type, e.country AS country, "
                      "sum(m.count) AS mentions, count(DISTINCT m.doc) AS documents, "
                      "substr(min(d.date_lo || '|' || d.date), 12) AS first, "
                      "substr(max(d.date_lo || '|' || d.date), 12) AS last, "
                      "e.role AS _role, e.cameo AS _cameo "
                      "FROM mentions m JOIN entities e ON e.entity = m.entity "
                      "JOIN documents d ON d.doc = m.doc WHERE 1");
    if (type)
        td_buf_puts(&sql, " AND e.type = ?1");
    q_date_sql(&o, "d", &sql);
    td_buf_printf(&sql, " GROUP BY m.entity ORDER BY mentions DESC, documents DESC, e.name, "
                        "m.entity LIMIT %ld", o.limit);
    int code = EXIT_FATAL;
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (s) {
        if (type)
            sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
        long n = q_print(s, &o, stdout);
        sqlite3_finalize(s);
        if (n == 0)
            cli_error("no entity matches");
        code = n < 0 ? EXIT_FATAL : n == 0 ? EXIT_SOME_FAILED : EXIT_ALL_READ;
    }
    td_buf_release(&sql);
    td_store_close(st);
    return code;
}
