/*
 * query.h - what the query commands share: --db/--format/--limit/--from/--to,
 * opening the store read-only, printing rows as a table, JSON or CSV, and
 * resolving a person's or organisation's name to entity rows.
 */
#ifndef TD_CLI_QUERY_H
#define TD_CLI_QUERY_H

#include "cli.h"
#include "store.h"

typedef enum { Q_TABLE = 0, Q_JSON, Q_CSV, Q_JSONL } q_format;

typedef struct q_opts {
    const char *db;  /* --db, else $TIDINGS_DB, else tidings.db */
    q_format format;
    long limit;      /* -1: none */
    char lo[11], hi[11]; /* --from / --to as days; "" when not given */
    bool tty;        /* standard output is a terminal */
} q_opts;

void q_opts_init(q_opts *o, long default_limit);
/* Consume one shared option at argv[*i]: 1 consumed, 0 not one, -1 usage
 * error (printed). */
int q_parse(q_opts *o, int argc, char **argv, int *i);
extern const char q_help[];

/* Open the database read-only; prints the error and returns NULL. */
td_store *q_open(const q_opts *o);

/* Append " AND <alias>.date_hi >= '..' AND <alias>.date_lo <= '..'" for
 * --from/--to (the dates were checked, no quoting needed). */
void q_date_sql(const q_opts *o, const char *alias, td_buf *sql);

/* Prepare sql, printing the error. */
sqlite3_stmt *q_prepare(td_store *st, const char *sql);

/* Print every row of a bound statement. Columns whose name starts with '_'
 * are left out of tables (JSON and CSV carry them, without the '_').
 * Returns the number of rows, or -1 on an error (printed). */
long q_print(sqlite3_stmt *s, const q_opts *o, FILE *out);

/* The entity rows a name designates: full name, surname of a person,
 * transliteration variant, acronym, case-insensitively. When several
 * different names match, a note on standard error lists them (all are
 * kept). type may be NULL. ids is what goes inside "IN (...)" in SQL: a
 * comma-separated list of entity ids, or, when bare surnames kept to their
 * document match (there can be thousands), a SELECT of them all ("" when
 * none); key the folded name; one_word whether it is one word. n is 0 when
 * nothing matches, else the number of shared entities, plus one when bare
 * surnames match. Returns n, -1 on error. */
typedef struct q_name {
    td_buf ids;
    td_buf key;
    bool one_word;
    long n;
} q_name;
long q_resolve(td_store *st, const char *name, const char *type, q_name *out);
void q_name_release(q_name *n);

/* A full-text query for FTS5 table `table`: text as given when it is valid
 * FTS5 syntax, else every word as a quoted phrase ("U.S." -> "\"U.S.\"").
 * Returns 0 (as given), 1 (quoted), -1 on error (printed). */
int q_fts_query(td_store *st, const char *table, const char *text, td_buf *out);

/* Append a quoted SQL string literal. */
void q_sql_str(td_buf *sql, const char *s);

#endif
