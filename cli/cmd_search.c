/* cmd_search.c - tidings search: full-text search (FTS5, bm25 ranking) of
 * the stored titles and bodies, with highlighted snippets. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: tidings search [OPTIONS] QUERY\n\n"
    "Search the stored documents' titles and bodies (SQLite FTS5, ranked by\n"
    "bm25; a title hit weighs most). QUERY is FTS5 syntax: words (all must\n"
    "occur), \"a phrase\", OR, NOT, prefix*; text that is not valid syntax\n"
    "(\"U.S.\") is searched word by word. Case and diacritics do not matter.\n"
    "Matches in the snippet are [bracketed] (bold on a terminal). When more\n"
    "documents match than --candidates, the ones stored last are ranked.\n\n"
    "Options:\n"
    "%s"
    "      --candidates N   rank at most the N matching documents stored last\n"
    "                       (default %d; 0: all, slower on large databases)\n"
    "  -h, --help           this help\n\n"
    "Example:\n"
    "  tidings search 'sanctions Russia' --from 2022 --limit 5\n";

/* " AND rowid IN (the documents --from/--to allow)" */
static void date_filter(const q_opts *o, td_buf *sql)
{
    if (o->lo[0] || o->hi[0]) {
        td_buf_puts(sql, " AND rowid IN (SELECT doc FROM documents d WHERE 1");
        q_date_sql(o, "d", sql);
        td_buf_puts(sql, ")");
    }
}

/* How many matching documents are ranked by default: bm25 reads every
 * ranked document's term positions and length (about 2.5 us each: 35,000
 * matches took 75 ms at 100k documents). */
#define SEARCH_CANDIDATES 4096

/* The smallest rowid of the `cand` matching documents stored last (0: all
 * are ranked); -1 on error. */
static sqlite3_int64 candidate_floor(td_store *st, const q_opts *o, const char *match,
                                     long cand)
{
    if (cand <= 0)
        return 0;
    td_buf sql;
    td_buf_init(&sql, 0);
    td_buf_puts(&sql, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1");
    date_filter(o, &sql);
    td_buf_printf(&sql, " ORDER BY rowid DESC LIMIT 1 OFFSET %ld", cand - 1);
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    td_buf_release(&sql);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_int64 floor = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cli_error("query failed: %s", sqlite3_errmsg(td_store_db(st)));
        return -1;
    }
    return floor;
}

int cmd_search(int argc, char **argv)
{
    q_opts o;
    q_opts_init(&o, 10);
    const char *query = NULL;
    long cand = SEARCH_CANDIDATES;
    for (int i = 1; i < argc; i++) {
        int r = q_parse(&o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf(help, q_help, SEARCH_CANDIDATES);
            return 0;
        }
        if (strcmp(argv[i], "--candidates") == 0) {
            char *end = NULL;
            cand = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
            if (!end || *end || end == argv[i + 1] || cand < 0) {
                cli_error("--candidates wants a number (0: all)");
                return EXIT_USAGE;
            }
            i++;
            continue;
        }
        if (argv[i][0] == '-' || query) {
            cli_error("search: unexpected '%s' (see 'tidings search --help')", argv[i]);
            return EXIT_USAGE;
        }
        query = argv[i];
    }
    if (!query || !*query) {
        cli_error("search: give a QUERY (see 'tidings search --help')");
        return EXIT_USAGE;
    }
    td_store *st = q_open(&o);
    if (!st)
        return EXIT_FATAL;
    td_buf match, sql;
    td_buf_init(&match, 0);
    td_buf_init(&sql, 0);
    int code = EXIT_FATAL;
    if (q_fts_query(st, "documents_fts", query, &match) < 0)
        goto out;
    bool bold = o.tty && o.format == Q_TABLE;
    sqlite3_int64 floor = candidate_floor(st, &o, match.ptr, cand);
    if (floor < 0)
        goto out;
    /* Rank inside FTS5 first (rank = bm25 with a title hit weighing most), and
     * make snippets and read documents for the top rows only. */
    td_buf_puts(&sql, "WITH top AS (SELECT rowid AS doc, rank AS score FROM documents_fts "
                      "WHERE documents_fts MATCH ?1 AND rank MATCH 'bm25(4.0, 1.0)'");
    date_filter(&o, &sql);
    if (floor > 0)
        td_buf_printf(&sql, " AND rowid >= %lld", (long long)floor);
    td_buf_printf(&sql, " ORDER BY rank LIMIT %ld) "
                        "SELECT d.id AS id, d.date AS date, d.title AS title, "
                        "replace(snippet(documents_fts, -1, ?2, ?3, '…', 12), char(10), ' ') "
                        "AS snippet, round(-top.score, 2) AS score, "
                        "d.date_precision AS _date_precision, d.url AS _url "
                        "FROM top CROSS JOIN documents_fts ON documents_fts.rowid = top.doc "
                        "CROSS JOIN documents d ON d.doc = top.doc WHERE documents_fts MATCH ?1 "
                        "ORDER BY top.score, top.doc", o.limit);
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (!s)
        goto out;
    sqlite3_bind_text(s, 1, match.ptr, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, bold ? "\033[1m" : "[", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, bold ? "\033[0m" : "]", -1, SQLITE_STATIC);
    long n = q_print(s, &o, stdout);
    sqlite3_finalize(s);
    if (n == 0)
        cli_error("no document matches '%s'", query);
    code = n < 0 ? EXIT_FATAL : n == 0 ? EXIT_SOME_FAILED : EXIT_ALL_READ;
out:
    td_buf_release(&match);
    td_buf_release(&sql);
    td_store_close(st);
    return code;
}
