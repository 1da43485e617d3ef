/* query.c - shared options, output formats and name look-up of the query
 * commands (see query.h). */
#include "query.h"

#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char q_help[] =
    "      --db PATH        the database (default: $TIDINGS_DB, else ./tidings.db)\n"
    "      --format F       table (default), json or csv\n"
    "      --limit N        at most N rows (0: all)\n"
    "      --from DATE      only documents dated on or after DATE (YYYY, YYYY-MM or\n"
    "                       YYYY-MM-DD); a document dated only to the year or month\n"
    "                       matches when its interval overlaps the range\n"
    "      --to DATE        only documents dated on or before DATE\n";

void q_opts_init(q_opts *o, long default_limit)
{
    memset(o, 0, sizeof *o);
    const char *env = getenv("TIDINGS_DB");
    o->db = env && *env ? env : "tidings.db";
    o->limit = default_limit;
    o->tty = isatty(1) != 0;
}

static bool date_arg(const char *v, char lo[11], char hi[11])
{
    size_t n = strlen(v);
    if (n != 4 && n != 7 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++)
        if (i == 4 || i == 7 ? v[i] != '-' : (v[i] < '0' || v[i] > '9'))
            return false;
    td_precision p = n == 10 ? TD_PREC_DAY : n == 7 ? TD_PREC_MONTH : TD_PREC_YEAR;
    if (!td_store_date_interval(v, p, lo, hi))
        return false;
    /* the interval must be as precise as what was written (no 2022-13) */
    return (n == 10 && strcmp(lo, v) == 0) || (n == 7 && strncmp(lo, v, 7) == 0) || n == 4;
}

int q_parse(q_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    bool known = strcmp(a, "--db") == 0 || strcmp(a, "--format") == 0 ||
                 strcmp(a, "--limit") == 0 || strcmp(a, "--from") == 0 ||
                 strcmp(a, "--to") == 0;
    if (!known)
        return 0;
    if (*i + 1 >= argc) {
        cli_error("option %s needs an argument", a);
        return -1;
    }
    const char *v = argv[++*i];
    char lo[11], hi[11];
    if (strcmp(a, "--db") == 0) {
        o->db = v;
    } else if (strcmp(a, "--format") == 0) {
        if (strcmp(v, "table") == 0)
            o->format = Q_TABLE;
        else if (strcmp(v, "json") == 0)
            o->format = Q_JSON;
        else if (strcmp(v, "csv") == 0)
            o->format = Q_CSV;
        else if (strcmp(v, "jsonl") == 0)
            o->format = Q_JSONL;
        else {
            cli_error("--format wants table, json or csv, not '%s'", v);
            return -1;
        }
    } else if (strcmp(a, "--limit") == 0) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 0) {
            cli_error("--limit wants a number (0: all), not '%s'", v);
            return -1;
        }
        o->limit = n == 0 ? -1 : n;
    } else if (!date_arg(v, lo, hi)) {
        cli_error("%s wants a date YYYY, YYYY-MM or YYYY-MM-DD, not '%s'", a, v);
        return -1;
    } else if (strcmp(a, "--from") == 0) {
        memcpy(o->lo, lo, 11);
    } else {
        memcpy(o->hi, hi, 11);
    }
    return 1;
}

td_store *q_open(const q_opts *o)
{
    td_store *st = NULL;
    char *err = NULL;
    if (td_store_open(o->db, TD_STORE_READONLY, &st, &err) != TD_OK) {
        cli_error("%s", err ? err : "cannot open the database");
        free(err);
        return NULL;
    }
    return st;
}

void q_date_sql(const q_opts *o, const char *alias, td_buf *sql)
{
    if (o->lo[0])
        td_buf_printf(sql, " AND %s.date_hi >= '%s'", alias, o->lo);
    if (o->hi[0])
        td_buf_printf(sql, " AND %s.date_lo <= '%s'", alias, o->hi);
}

sqlite3_stmt *q_prepare(td_store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(td_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
        cli_error("query failed: %s", sqlite3_errmsg(td_store_db(st)));
        return NULL;
    }
    return s;
}

void q_sql_str(td_buf *sql, const char *s)
{
    td_buf_putc(sql, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            td_buf_putc(sql, '\'');
        td_buf_putc(sql, *s);
    }
    td_buf_putc(sql, '\'');
}

/* ---- output ------------------------------------------------------------ */

typedef struct cell {
    int type; /* SQLITE_INTEGER, _FLOAT, _TEXT, _NULL */
    char *text;
} cell;

#define TABLE_MAX_WIDTH 60

/* Display width: characters, without terminal escapes (\033[...m). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) {
        if (*s == '\033') {
            while (s[1] && *s != 'm')
                s++;
            continue;
        }
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    }
    return w;
}

/* A table cell: one line, at most TABLE_MAX_WIDTH characters. */
static void table_cell(const char *s, char *out, size_t cap)
{
    size_t o = 0, w = 0;
    bool esc = false;
    for (; *s && o + 16 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\033') {
            esc = true;
            while (*s && *s != 'm' && o + 16 < cap)
                out[o++] = *s++;
            if (*s == 'm')
                out[o++] = 'm';
            if (!*s)
                break;
            continue;
        }
        if ((c & 0xc0) != 0x80) {
            if (w == TABLE_MAX_WIDTH - 1) {
                /* is there more than one character left? */
                const char *t = s + 1;
                while (*t && ((unsigned char)*t & 0xc0) == 0x80)
                    t++;
                if (*t) {
                    memcpy(out + o, "\xe2\x80\xa6", 3); /* … */
                    o += 3;
                    if (esc) {
                        memcpy(out + o, "\033[0m", 4);
                        o += 4;
                    }
                    break;
                }
            }
            w++;
        }
        out[o++] = (c == '\n' || c == '\t' || c == '\r') ? ' ' : (char)c;
    }
    out[o] = '\0';
}

static void print_table(cell *cells, long rows, int ncol, sqlite3_stmt *s, FILE *out)
{
    size_t *w = calloc((size_t)ncol, sizeof *w);
    char *buf = malloc(TABLE_MAX_WIDTH * 4 + 16);
    if (!w || !buf) {
        free(w);
        free(buf);
        return;
    }
    for (int c = 0; c < ncol; c++)
        w[c] = width(sqlite3_column_name(s, c));
    for (long r = 0; r < rows; r++)
        for (int c = 0; c < ncol; c++) {
            table_cell(cells[r * ncol + c].text, buf, TABLE_MAX_WIDTH * 4 + 16);
            size_t x = width(buf);
            if (x > w[c])
                w[c] = x;
        }
    int last = -1;
    for (int c = 0; c < ncol; c++)
        if (sqlite3_column_name(s, c)[0] != '_')
            last = c;
    for (long r = -1; r < rows; r++) {
        for (int c = 0; c < ncol; c++) {
            const char *name = sqlite3_column_name(s, c);
            if (name[0] == '_')
                continue;
            if (r < 0)
                snprintf(buf, TABLE_MAX_WIDTH * 4 + 16, "%s", name);
            else
                table_cell(cells[r * ncol + c].text, buf, TABLE_MAX_WIDTH * 4 + 16);
            bool right = r >= 0 && (cells[r * ncol + c].type == SQLITE_INTEGER ||
                                    cells[r * ncol + c].type == SQLITE_FLOAT);
            size_t pad = w[c] - width(buf);
            if (right)
                fprintf(out, "%*s", (int)pad, "");
            fputs(buf, out);
            if (c != last) {
                if (!right)
                    fprintf(out, "%*s", (int)pad, "");
                fputs("  ", out);
            }
        }
        fputc('\n', out);
    }
    free(w);
    free(buf);
}

static void csv_field(const char *s, FILE *out)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static const char *col_name(sqlite3_stmt *s, int c)
{
    const char *n = sqlite3_column_name(s, c);
    return n[0] == '_' ? n + 1 : n;
}

static void print_json_row(cell *row, int ncol, sqlite3_stmt *s, FILE *out)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_json_w w;
    td_jw_init(&w, &b, false);
    td_jw_obj(&w);
    for (int c = 0; c < ncol; c++) {
        td_jw_key(&w, col_name(s, c));
        if (row[c].type == SQLITE_NULL)
            td_jw_null(&w);
        else if (row[c].type == SQLITE_INTEGER || row[c].type == SQLITE_FLOAT)
            td_jw_raw(&w, row[c].text, strlen(row[c].text));
        else
            td_jw_cstr(&w, row[c].text);
    }
    td_jw_obj_end(&w);
    if (b.ptr)
        fwrite(b.ptr, 1, b.len, out);
    td_buf_release(&b);
}

long q_print(sqlite3_stmt *s, const q_opts *o, FILE *out)
{
    int ncol = sqlite3_column_count(s);
    cell *cells = NULL;
    long rows = 0, cap = 0;
    int rc;
    bool stream = o->format != Q_TABLE; /* tables need every row for widths */
    if (o->format == Q_CSV) {
        for (int c = 0; c < ncol; c++) {
            if (c)
                fputc(',', out);
            csv_field(col_name(s, c), out);
        }
        fputc('\n', out);
    } else if (o->format == Q_JSON) {
        fputs("[", out);
    }
    cell *row = calloc((size_t)ncol + 1, sizeof *row);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (!stream && rows == cap) {
            cap = cap ? cap * 2 : 64;
            cell *g = realloc(cells, (size_t)cap * (size_t)ncol * sizeof *g);
            if (!g)
                break;
            cells = g;
        }
        cell *r = stream ? row : cells + rows * ncol;
        for (int c = 0; c < ncol; c++) {
            r[c].type = sqlite3_column_type(s, c);
            const char *t = (const char *)sqlite3_column_text(s, c);
            if (r[c].type == SQLITE_FLOAT) {
                char num[64];
                snprintf(num, sizeof num, "%.2f", sqlite3_column_double(s, c));
                t = num;
                r[c].text = strdup(t);
            } else {
                r[c].text = strdup(t ? t : "");
            }
        }
        if (o->format == Q_CSV) {
            for (int c = 0; c < ncol; c++) {
                if (c)
                    fputc(',', out);
                csv_field(r[c].text, out);
            }
            fputc('\n', out);
        } else if (o->format == Q_JSON || o->format == Q_JSONL) {
            if (o->format == Q_JSON)
                fputs(rows ? ",\n" : "\n", out);
            print_json_row(r, ncol, s, out);
            if (o->format == Q_JSONL)
                fputc('\n', out);
        }
        if (stream)
            for (int c = 0; c < ncol; c++)
                free(r[c].text);
        rows++;
    }
    free(row);
    if (o->format == Q_JSON)
        fputs(rows ? "\n]\n" : "]\n", out);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        cli_error("query failed: %s", sqlite3_errmsg(sqlite3_db_handle(s)));
        rows = -1;
    } else if (!stream && rows > 0) {
        print_table(cells, rows, ncol, s, out);
    }
    if (!stream) {
        for (long i = 0; i < (rows > 0 ? rows : 0) * ncol; i++)
            free(cells[i].text);
        free(cells);
    }
    return rows;
}

/* ---- names ------------------------------------------------------------- */

void q_name_release(q_name *n)
{
    td_buf_release(&n->ids);
    td_buf_release(&n->key);
}

/* The WHERE condition of the entities a name designates, with the name
 * and its folded key as SQL literals. */
static void resolve_cond(td_buf *sql, const q_name *out, const char *name, const char *type)
{
    td_buf_puts(sql, "(key = ");
    q_sql_str(sql, out->key.ptr);
    if (out->one_word) {
        td_buf_puts(sql, " OR last = ");
        q_sql_str(sql, out->key.ptr);
    }
    td_buf_puts(sql, " OR lower(acronym) = lower(");
    q_sql_str(sql, name);
    td_buf_puts(sql, "))");
    if (type) {
        td_buf_puts(sql, " AND type = ");
        q_sql_str(sql, type);
    }
}

long q_resolve(td_store *st, const char *name, const char *type, q_name *out)
{
    memset(out, 0, sizeof *out);
    td_buf_init(&out->ids, 0);
    td_buf_init(&out->key, 0);
    if (td_store_fold(st, name, &out->key) != TD_OK || !out->key.ptr || !out->key.ptr[0]) {
        td_buf_puts(&out->key, "");
        return 0;
    }
    out->one_word = strchr(out->key.ptr, ' ') == NULL;
    td_buf cond, sql;
    td_buf_init(&cond, 0);
    td_buf_init(&sql, 0);
    resolve_cond(&cond, out, name, type);
    /* Bare surnames kept to their document (scope <> 0) can be thousands
     * (a word the entity stage took for a person in every copy of an
     * article): they are not listed one by one but through a subquery.
     * (scope > 0, not <> 0: a range the indexes (key, scope) and (last,
     * scope) can seek.) */
    td_buf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM entities WHERE scope > 0 AND %s)",
                  cond.ptr);
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    if (!s) {
        td_buf_release(&cond);
        td_buf_release(&sql);
        return -1;
    }
    bool scoped = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    td_buf_clear(&sql);
    td_buf_printf(&sql, "SELECT entity, name, type, country FROM entities WHERE scope = 0 AND "
                        "%s ORDER BY name, entity", cond.ptr);
    s = q_prepare(st, sql.ptr);
    td_buf_release(&sql);
    if (!s) {
        td_buf_release(&cond);
        return -1;
    }
    td_buf names;
    td_buf_init(&names, 0);
    long n_names = 0;
    char prev[512] = "";
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (!scoped) {
            if (out->n)
                td_buf_putc(&out->ids, ',');
            td_buf_printf(&out->ids, "%lld", (long long)sqlite3_column_int64(s, 0));
        }
        out->n++;
        const char *nm = (const char *)sqlite3_column_text(s, 1);
        const char *ty = (const char *)sqlite3_column_text(s, 2);
        const char *co = (const char *)sqlite3_column_text(s, 3);
        if (!nm)
            continue;
        char label[512];
        snprintf(label, sizeof label, "%s (%s%s%s)", nm, ty ? ty : "?", co && *co ? ", " : "",
                 co ? co : "");
        if (strcmp(label, prev) == 0)
            continue;
        snprintf(prev, sizeof prev, "%s", label);
        td_buf_printf(&names, "%s%s", n_names ? "; " : "", label);
        n_names++;
    }
    sqlite3_finalize(s);
    if (scoped) {
        out->n++;
        td_buf_printf(&out->ids, "SELECT entity FROM entities WHERE %s", cond.ptr);
    }
    td_buf_release(&cond);
    if (n_names > 1)
        fprintf(stderr, "tidings: note: '%s' is ambiguous, it matches %ld entities: %s; "
                        "showing them all (give the full name to pick one)\n",
                name, n_names, names.ptr);
    td_buf_release(&names);
    if (!out->ids.ptr)
        td_buf_puts(&out->ids, "");
    return out->n;
}

/* ---- full-text queries ------------------------------------------------- */

int q_fts_query(td_store *st, const char *table, const char *text, td_buf *out)
{
    td_buf sql;
    td_buf_init(&sql, 0);
    td_buf_printf(&sql, "SELECT 1 FROM %s WHERE %s MATCH ?1 LIMIT 1", table, table);
    sqlite3_stmt *s = q_prepare(st, sql.ptr);
    td_buf_release(&sql);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    td_buf_clear(out);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        td_buf_puts(out, text);
        return 0;
    }
    /* not FTS5 syntax ("U.S.", "don't"): every word as a phrase */
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (out->len)
            td_buf_putc(out, ' ');
        td_buf_putc(out, '"');
        for (; *p && *p != ' ' && *p != '\t'; p++) {
            if (*p == '"')
                td_buf_putc(out, '"');
            td_buf_putc(out, *p);
        }
        td_buf_putc(out, '"');
    }
    td_buf_putc(out, '\0');
    out->len--;
    return 1;
}
