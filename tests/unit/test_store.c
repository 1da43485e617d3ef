/*
 * test_store.c - the SQLite store: schema file, name folding, date
 * intervals, idempotent re-ingest, --replace, entity merging, date overlap,
 * FTS, error paths. Documents are built here (their lists filled by hand),
 * so these tests do not depend on the pipeline stages.
 *
 * `test_store --fixture PATH` writes the fixture database that
 * tests/cli/store.sh queries with exact expected output.
 */
#include "harness.h"

#include "store.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- building documents ------------------------------------------------- */

static td_doc *mk(const char *id, const char *title, const char *text, const char *date,
                  td_precision prec)
{
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.text_len = strlen(text);
    in.id = id;
    in.title = title;
    in.path = "fixture.jsonl";
    td_doc *d = NULL;
    if (td_doc_new(&in, &d) != TD_OK)
        return NULL;
    d->norm = d->base; /* no normalisation: norm offsets are base offsets */
    d->norm_len = d->base_len;
    strcpy(d->lang, "en");
    d->title = d->in_title;
    if (date) {
        d->date.value = td_arena_strdup(&d->arena, date);
        d->date.precision = prec;
        d->date.source = prec == TD_PREC_DAY ? "input" : "header";
        if (prec == TD_PREC_YEAR)
            d->date.note = "the header's 1 January looks like a placeholder";
    }
    return d;
}

/* The nth (0-based) occurrence of needle in the text. */
static td_span at(const td_doc *d, const char *needle, int nth)
{
    const char *p = d->base;
    for (;;) {
        p = strstr(p, needle);
        if (!p) {
            fprintf(stderr, "fixture: '%s' not found\n", needle);
            abort();
        }
        if (nth-- == 0)
            break;
        p++;
    }
    uint32_t s = (uint32_t)(p - d->base);
    return td_span_make(s, s + (uint32_t)strlen(needle));
}

static int ent(td_doc *d, td_entity_type t, const char *name, const char *cc, const char *cameo)
{
    td_entity *e = td_vec_push(&d->arena, &d->entities, sizeof *e);
    e->id = (int)d->entities.n;
    e->type = t;
    e->name = name;
    snprintf(e->country, sizeof e->country, "%s", cc);
    e->cameo = cameo;
    return e->id;
}

static void men(td_doc *d, int id, const char *text, int nth, td_mention_form f)
{
    td_entity *e = TD_VEC_AT(d->entities, td_entity, id - 1);
    td_mention *m = td_vec_push(&d->arena, &e->mentions, sizeof *m);
    m->span = at(d, text, nth);
    m->form = f;
}

static void quo(td_doc *d, td_quote_kind k, const char *text, int speaker, const char *name,
                const char *stext, int snth)
{
    td_quote *q = td_vec_push(&d->arena, &d->quotes, sizeof *q);
    q->kind = k;
    q->span = at(d, text, 0);
    if (name) {
        q->has_speaker = true;
        q->speaker_entity = speaker;
        q->speaker_name = name;
        q->speaker_span = at(d, stext, snth);
    }
}

static void tim(td_doc *d, const char *text, const char *value)
{
    td_time *t = td_vec_push(&d->arena, &d->times, sizeof *t);
    t->span = at(d, text, 0);
    t->type = TD_TIME_DATE;
    t->value = value;
}

static void evt(td_doc *d, const char *actor, const char *code, const char *target,
                const char *text)
{
    td_event *e = td_vec_push(&d->arena, &d->events, sizeof *e);
    e->actor = actor;
    e->code = code;
    e->target = target;
    e->span = at(d, text, 0);
    e->quad_class = -1;
}

/* The fixture corpus: five documents, written for these tests. */
static td_doc *fixture(int i)
{
    td_doc *d = NULL;
    int a, b, c;
    switch (i) {
    case 0:
        d = mk("fx-1", "Lavrov meets Wang Yi in Moscow",
               "Sergey Lavrov met Wang Yi in Moscow on Friday. “Our ties with China are "
               "strong,” Lavrov said. He said Russia would deepen trade with China.",
               "2022-11-18", TD_PREC_DAY);
        a = ent(d, TD_ENT_PERSON, "Sergey Lavrov", "RU", "RUSGOV");
        men(d, a, "Sergey Lavrov", 0, TD_FORM_NAME);
        men(d, a, "Lavrov", 1, TD_FORM_NAME);
        men(d, a, "He", 0, TD_FORM_PRONOUN);
        b = ent(d, TD_ENT_PERSON, "Wang Yi", "CN", NULL);
        men(d, b, "Wang Yi", 0, TD_FORM_NAME);
        c = ent(d, TD_ENT_COUNTRY, "China", "CN", "CHN");
        men(d, c, "China", 0, TD_FORM_NAME);
        men(d, c, "China", 1, TD_FORM_NAME);
        c = ent(d, TD_ENT_COUNTRY, "Russia", "RU", "RUS");
        men(d, c, "Russia", 0, TD_FORM_NAME);
        men(d, c, "Moscow", 0, TD_FORM_METONYM);
        quo(d, TD_QUOTE_DIRECT, "Our ties with China are strong,", a, "Sergey Lavrov", "Lavrov",
            1);
        quo(d, TD_QUOTE_REPORTED, "Russia would deepen trade with China", a, "Sergey Lavrov",
            "He", 0);
        tim(d, "Friday", "2022-11-18");
        evt(d, "RUSGOV", "040", "CHN", "Sergey Lavrov met Wang Yi in Moscow on Friday.");
        break;
    case 1:
        d = mk("fx-2", "Russia accuses the West",
               "Sergei Lavrov said the West was waging a “hybrid war” on Russia.", "2022",
               TD_PREC_YEAR);
        a = ent(d, TD_ENT_PERSON, "Sergei Lavrov", "RU", NULL);
        men(d, a, "Sergei Lavrov", 0, TD_FORM_NAME);
        c = ent(d, TD_ENT_COUNTRY, "Russia", "RU", "RUS");
        men(d, c, "Russia", 0, TD_FORM_NAME);
        quo(d, TD_QUOTE_MIXED, "the West was waging a “hybrid war” on Russia", a,
            "Sergei Lavrov", "Sergei Lavrov", 0);
        quo(d, TD_QUOTE_DIRECT, "hybrid war", a, "Sergei Lavrov", "Sergei Lavrov", 0);
        break;
    case 2:
        d = mk("fx-3", "Lavrov in Minsk",
               "Lavrov arrived in Minsk. “We are ready,” Lavrov told reporters.", "2023-01-05",
               TD_PREC_DAY);
        a = ent(d, TD_ENT_PERSON, "Lavrov", "RU", NULL);
        men(d, a, "Lavrov", 0, TD_FORM_NAME);
        men(d, a, "Lavrov", 1, TD_FORM_NAME);
        b = ent(d, TD_ENT_LOCATION, "Minsk", "BY", NULL);
        men(d, b, "Minsk", 0, TD_FORM_NAME);
        quo(d, TD_QUOTE_DIRECT, "We are ready,", a, "Lavrov", "Lavrov", 1);
        break;
    case 3:
        d = mk("fx-4", "Two Smiths on trade",
               "John Smith and Adam Smith spoke about Türkiye and the U.S. economy.",
               "2022-11-20", TD_PREC_DAY);
        a = ent(d, TD_ENT_PERSON, "John Smith", "US", NULL);
        men(d, a, "John Smith", 0, TD_FORM_NAME);
        b = ent(d, TD_ENT_PERSON, "Adam Smith", "GB", NULL);
        men(d, b, "Adam Smith", 0, TD_FORM_NAME);
        c = ent(d, TD_ENT_COUNTRY, "Türkiye", "TR", "TUR");
        men(d, c, "Türkiye", 0, TD_FORM_NAME);
        c = ent(d, TD_ENT_COUNTRY, "United States", "US", "USA");
        men(d, c, "U.S.", 0, TD_FORM_ACRONYM);
        break;
    case 4:
        d = mk("fx-5", "A note", "An undated note about China.", NULL, TD_PREC_UNKNOWN);
        c = ent(d, TD_ENT_COUNTRY, "China", "CN", "CHN");
        men(d, c, "China", 0, TD_FORM_NAME);
        break;
    }
    return d;
}

#define N_FIXTURE 5

static char tmpdir[] = "/tmp/td_store_XXXXXX";

static const char *db_path(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static long long count(td_store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(td_store_db(st), sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static td_store_result put(td_store *st, td_doc *d)
{
    td_store_result r = TD_STORE_CONFLICT;
    td_status s = td_store_put(st, d, NULL, 0, &r);
    if (s != TD_OK)
        fprintf(stderr, "put %s: %s\n", d->id, td_store_error(st));
    return s == TD_OK ? r : (td_store_result)-1;
}

static td_store *open_fixture(const char *name)
{
    td_store *st = NULL;
    char *err = NULL;
    unlink(db_path(name));
    if (td_store_open(db_path(name), 0, &st, &err) != TD_OK) {
        fprintf(stderr, "open: %s\n", err);
        free(err);
        return NULL;
    }
    td_store_begin(st);
    for (int i = 0; i < N_FIXTURE; i++) {
        td_doc *d = fixture(i);
        put(st, d);
        td_doc_free(d);
    }
    td_store_commit(st);
    return st;
}

/* ---- tests -------------------------------------------------------------- */

TEST(schema_file_matches_compiled_copy)
{
    FILE *f = fopen("data/schema.sql", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char file[1 << 16];
    size_t n = fread(file, 1, sizeof file - 1, f);
    fclose(f);
    file[n] = '\0';
    td_buf b;
    td_buf_init(&b, 0);
    CHECK(td_store_schema(&b) == TD_OK);
    CHECK(b.ptr && strcmp(b.ptr, file) == 0);
    td_buf_release(&b);
}

static const char *fold(td_store *st, const char *s)
{
    static char out[256];
    td_buf b;
    td_buf_init(&b, 0);
    td_store_fold(st, s, &b);
    snprintf(out, sizeof out, "%s", b.ptr ? b.ptr : "");
    td_buf_release(&b);
    return out;
}

TEST(fold_names)
{
    td_store *st = NULL;
    CHECK(td_store_open(db_path("fold.db"), 0, &st, NULL) == TD_OK);
    if (!st)
        return;
    CHECK_STR(fold(st, "Sergey Lavrov"), "sergei lavrov");
    CHECK_STR(fold(st, "SERGEI  LAVROV"), "sergei lavrov");
    CHECK_STR(fold(st, "Zelenskyy"), fold(st, "Zelensky"));
    CHECK_STR(fold(st, "Zelenskiy"), fold(st, "Zelensky"));
    CHECK_STR(fold(st, "Dmitriy Peskov"), fold(st, "Dmitry Peskov"));
    CHECK_STR(fold(st, "Aleksei"), fold(st, "Alexei"));
    CHECK_STR(fold(st, "Türkiye"), "turkiye");
    CHECK_STR(fold(st, "O’Brien"), "obrien");
    CHECK_STR(fold(st, "Jean-Yves Le Drian"), "jean yves le drian");
    char keep[256];
    snprintf(keep, sizeof keep, "%s", fold(st, "Sergey Lavrov"));
    CHECK(strcmp(keep, fold(st, "Sergey Lavrova")) != 0);
    td_store_close(st);
}

TEST(date_intervals)
{
    char lo[11], hi[11];
    CHECK(td_store_date_interval("2022", TD_PREC_YEAR, lo, hi));
    CHECK_STR(lo, "2022-01-01");
    CHECK_STR(hi, "2022-12-31");
    CHECK(td_store_date_interval("2024-02", TD_PREC_MONTH, lo, hi));
    CHECK_STR(hi, "2024-02-29");
    CHECK(td_store_date_interval("2022-11-18T10:00:00Z", TD_PREC_DAY, lo, hi));
    CHECK_STR(lo, "2022-11-18");
    CHECK_STR(hi, "2022-11-18");
    CHECK(td_store_date_interval("2022-01-01", TD_PREC_YEAR, lo, hi));
    CHECK_STR(hi, "2022-12-31");
    CHECK(td_store_date_interval("2022-02-30", TD_PREC_DAY, lo, hi)); /* falls back to month */
    CHECK_STR(hi, "2022-02-28");
    CHECK(!td_store_date_interval("Friday", TD_PREC_DAY, lo, hi));
    CHECK(!td_store_date_interval(NULL, TD_PREC_DAY, lo, hi));
}

TEST(idempotent_reingest)
{
    td_store *st = open_fixture("idem.db");
    CHECK(st != NULL);
    if (!st)
        return;
    const char *tables[] = {"documents", "entities", "mentions", "quotes", "times", "events"};
    long long before[6];
    for (int i = 0; i < 6; i++) {
        char q[64];
        snprintf(q, sizeof q, "SELECT count(*) FROM %s", tables[i]);
        before[i] = count(st, q);
    }
    CHECK_INT(before[0], 5);
    CHECK_INT(before[3], 5);
    for (int i = 0; i < N_FIXTURE; i++) {
        td_doc *d = fixture(i);
        CHECK_INT(put(st, d), TD_STORE_UNCHANGED);
        td_doc_free(d);
    }
    for (int i = 0; i < 6; i++) {
        char q[64];
        snprintf(q, sizeof q, "SELECT count(*) FROM %s", tables[i]);
        CHECK_INT(count(st, q), before[i]);
    }
    /* the same text under another id is another document */
    td_doc *d = mk("fx-1-copy", "Lavrov meets Wang Yi in Moscow",
                   "Sergey Lavrov met Wang Yi in Moscow on Friday. “Our ties with China are "
                   "strong,” Lavrov said. He said Russia would deepen trade with China.",
                   "2022-11-18", TD_PREC_DAY);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    CHECK_INT(count(st, "SELECT count(*) FROM documents"), 6);
    CHECK_INT(count(st, "PRAGMA user_version"), TD_STORE_SCHEMA_VERSION);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE date_precision = 'year'"), 1);
    td_store_close(st);
}

TEST(replace_updates)
{
    td_store *st = open_fixture("replace.db");
    CHECK(st != NULL);
    if (!st)
        return;
    td_doc *d = mk("fx-3", "Lavrov in Minsk", "Lavrov left Minsk.", "2023-01-06", TD_PREC_DAY);
    int a = ent(d, TD_ENT_LOCATION, "Minsk", "BY", NULL);
    men(d, a, "Minsk", 0, TD_FORM_NAME);
    CHECK_INT(put(st, d), TD_STORE_CONFLICT);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE body LIKE 'Lavrov arrived%'"), 1);
    td_store_close(st);
    CHECK(td_store_open(db_path("replace.db"), TD_STORE_REPLACE, &st, NULL) == TD_OK);
    CHECK_INT(put(st, d), TD_STORE_REPLACED);
    CHECK_INT(put(st, d), TD_STORE_UNCHANGED);
    td_doc_free(d);
    CHECK_INT(count(st, "SELECT count(*) FROM documents"), 5);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE id = 'fx-3' AND "
                        "date = '2023-01-06' AND body = 'Lavrov left Minsk.'"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes q JOIN documents d USING (doc) "
                        "WHERE d.id = 'fx-3'"), 0);
    /* the bare surname entity of the old version is gone, Minsk is kept */
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE key = 'lavrov'"), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE name = 'Minsk'"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'arrived'"), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'left'"),
              1);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'ready'"), 0);
    td_store_close(st);
}

TEST(entity_merging)
{
    td_store *st = open_fixture("merge.db");
    CHECK(st != NULL);
    if (!st)
        return;
    /* Sergey and Sergei Lavrov (same type, country) are one entity */
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE key = 'sergei lavrov'"), 1);
    CHECK_INT(count(st, "SELECT count(DISTINCT doc) FROM mentions m JOIN entities e USING "
                        "(entity) WHERE e.key = 'sergei lavrov'"), 2);
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE name = 'Sergey Lavrov'"), 1);
    /* China in fx-1 and fx-5 is one entity; Russia too */
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE name = 'China'"), 1);
    /* a bare surname stays in its document */
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE key = 'lavrov' AND scope <> 0"), 1);
    td_doc *d = mk("fx-6", "t", "Lavrov spoke.", "2023-02-01", TD_PREC_DAY);
    int a = ent(d, TD_ENT_PERSON, "Lavrov", "RU", NULL);
    men(d, a, "Lavrov", 0, TD_FORM_NAME);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE key = 'lavrov'"), 2);
    /* another country or type is another entity */
    d = mk("fx-7", "t", "Sergey Lavrov, a chess player, and Lavrov Ltd.", "2023-02-02",
           TD_PREC_DAY);
    a = ent(d, TD_ENT_PERSON, "Sergey Lavrov", "", NULL);
    men(d, a, "Sergey Lavrov", 0, TD_FORM_NAME);
    a = ent(d, TD_ENT_ORGANIZATION, "Lavrov Ltd", "", NULL);
    men(d, a, "Lavrov Ltd", 0, TD_FORM_NAME);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE key = 'sergei lavrov'"), 2);
    /* the shared row keeps what its first document said (cameo) */
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE key = 'sergei lavrov' AND "
                        "country = 'RU' AND cameo = 'RUSGOV'"), 1);
    /* quotes point at the shared entity */
    CHECK_INT(count(st, "SELECT count(DISTINCT speaker_entity) FROM quotes WHERE "
                        "speaker_key = 'sergei lavrov'"), 1);
    td_store_close(st);
}

TEST(date_overlap)
{
    td_store *st = open_fixture("dates.db");
    CHECK(st != NULL);
    if (!st)
        return;
    /* November 2022: fx-1 (18th), fx-4 (20th) and fx-2 (only the year: 2022) */
    CHECK_INT(count(st, "SELECT group_concat(id) = 'fx-1,fx-2,fx-4' FROM (SELECT id FROM "
                        "documents WHERE date_hi >= '2022-11-01' AND date_lo <= '2022-11-30' "
                        "ORDER BY id)"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE date_hi >= '2023-01-01'"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE date IS NULL AND "
                        "date_precision = 'unknown'"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE id = 'fx-2' AND date = '2022' "
                        "AND date_lo = '2022-01-01' AND date_hi = '2022-12-31'"), 1);
    td_store_close(st);
}

TEST(full_text_search)
{
    td_store *st = open_fixture("fts.db");
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'hybrid'"), 1);
    /* diacritics removed: Türkiye matches turkiye */
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'turkiye'"), 1);
    /* "U.S." is the tokens u, s: the phrase finds it */
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'\"U.S.\"'"), 1);
    /* the title column */
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'title:minsk'"), 1);
    /* quotes are indexed on their own, and found in the body */
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'china'"), 2);
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'body:ready'"), 1);
    sqlite3_exec(td_store_db(st), "INSERT INTO documents_fts(documents_fts, rank) "
                                  "VALUES('integrity-check', 1)", NULL, NULL, NULL);
    CHECK_INT(sqlite3_errcode(td_store_db(st)), SQLITE_OK);
    td_store_close(st);
}

TEST(errors_are_clear)
{
    td_store *st = NULL;
    char *err = NULL;
    CHECK_INT(td_store_open(db_path("missing.db"), TD_STORE_READONLY, &st, &err), TD_ENOENT);
    CHECK(err && strstr(err, "no database"));
    free(err);
    err = NULL;
    /* not a database */
    FILE *f = fopen(db_path("junk.db"), "w");
    fputs("this is not sqlite, this is a long enough line of text to look like a file\n", f);
    fclose(f);
    CHECK(td_store_open(db_path("junk.db"), 0, &st, &err) != TD_OK);
    CHECK(err && strstr(err, "not an SQLite database"));
    free(err);
    err = NULL;
    /* a read-only store refuses writes */
    st = open_fixture("ro.db");
    td_store_close(st);
    CHECK(td_store_open(db_path("ro.db"), TD_STORE_READONLY, &st, &err) == TD_OK);
    td_doc *d = fixture(0);
    td_store_result r;
    CHECK_INT(td_store_put(st, d, NULL, 0, &r), TD_EUSAGE);
    td_store_close(st);
    /* a locked database: another connection holds the write lock */
    sqlite3 *other = NULL;
    sqlite3_open(db_path("ro.db"), &other);
    CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    CHECK(td_store_open(db_path("ro.db"), 0, &st, &err) == TD_OK);
    td_store_set_busy_timeout(st, 100);
    CHECK_INT(td_store_begin(st), TD_EBUSY);
    CHECK(strstr(td_store_error(st), "locked by another process") != NULL);
    td_store_close(st);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    /* a full disk (simulated with a page cap) */
    CHECK(td_store_open(db_path("ro.db"), 0, &st, &err) == TD_OK);
    long long pages = count(st, "PRAGMA page_count");
    char q[64];
    snprintf(q, sizeof q, "PRAGMA max_page_count = %lld", pages);
    sqlite3_exec(td_store_db(st), q, NULL, NULL, NULL);
    td_buf big;
    td_buf_init(&big, 0);
    for (int i = 0; i < 20000; i++)
        td_buf_printf(&big, "word%d ", i);
    td_doc_free(d);
    d = mk("big", "big", big.ptr, "2022-01-02", TD_PREC_DAY);
    td_buf_release(&big);
    CHECK(td_store_put(st, d, NULL, 0, &r) != TD_OK);
    CHECK(strstr(td_store_error(st), "disk full") != NULL);
    td_doc_free(d);
    /* the store goes on after the failed document */
    CHECK_INT(count(st, "SELECT count(*) FROM documents"), 5);
    td_store_close(st);
    CHECK(td_store_open(db_path("ro.db"), TD_STORE_READONLY, &st, NULL) == TD_OK);
    CHECK_INT(count(st, "PRAGMA integrity_check") == -1, 0);
    td_store_close(st);
}

TEST(batch_rollback)
{
    td_store *st = open_fixture("batch.db");
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK(td_store_begin(st) == TD_OK);
    td_doc *d = mk("fx-9", "t", "Uncommitted text.", "2023-03-03", TD_PREC_DAY);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    td_store_rollback(st);
    CHECK_INT(count(st, "SELECT count(*) FROM documents"), 5);
    td_store_close(st);
}

/* A person in a document of its own, put in a transaction of its own. */
static td_store_result put_person(td_store *st, const char *id, const char *name)
{
    char text[128];
    snprintf(text, sizeof text, "%s spoke on Monday.", name);
    td_doc *d = mk(id, "t", text, "2023-04-03", TD_PREC_DAY);
    int a = ent(d, TD_ENT_PERSON, name, "RU", NULL);
    men(d, a, name, 0, TD_FORM_NAME);
    td_store_result r = put(st, d);
    td_doc_free(d);
    return r;
}

TEST(entity_cache_across_transactions)
{
    td_store *st = open_fixture("cache.db");
    CHECK(st != NULL);
    if (!st)
        return;
    /* one entity for the same name in two transactions of this store */
    CHECK_INT(put_person(st, "ca-1", "Maria Zakharova"), TD_STORE_STORED);
    CHECK_INT(put_person(st, "ca-2", "Maria Zakharova"), TD_STORE_STORED);
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE name = 'Maria Zakharova'"), 1);
    CHECK_INT(count(st, "SELECT count(DISTINCT entity) FROM mentions WHERE doc IN (SELECT doc "
                        "FROM documents WHERE id IN ('ca-1', 'ca-2'))"), 1);
    /* another connection moves the entity to another id: the cache of
     * this store must not keep the old one */
    sqlite3 *other = NULL;
    CHECK(sqlite3_open(db_path("cache.db"), &other) == SQLITE_OK);
    CHECK(sqlite3_exec(other, "UPDATE entities SET entity = 100000 WHERE name = 'Maria "
                              "Zakharova'; UPDATE mentions SET entity = 100000 WHERE entity "
                              "NOT IN (SELECT entity FROM entities)", NULL, NULL, NULL) ==
          SQLITE_OK);
    sqlite3_close(other);
    CHECK_INT(put_person(st, "ca-3", "Maria Zakharova"), TD_STORE_STORED);
    CHECK_INT(count(st, "SELECT count(*) FROM mentions m JOIN documents d USING (doc) "
                        "WHERE d.id = 'ca-3' AND m.entity = 100000"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM entities WHERE name = 'Maria Zakharova'"), 1);
    /* a rolled-back transaction forgets the entities it made */
    CHECK(td_store_begin(st) == TD_OK);
    CHECK_INT(put_person(st, "ca-4", "Dmitry Peskov"), TD_STORE_STORED);
    td_store_rollback(st);
    CHECK_INT(put_person(st, "ca-5", "Dmitry Peskov"), TD_STORE_STORED);
    CHECK_INT(count(st, "SELECT count(*) FROM mentions m JOIN entities e USING (entity) "
                        "WHERE e.name = 'Dmitry Peskov'"), 1);
    td_store_close(st);
}

/* The size of the WAL file in frames of 4 KB pages: the most it held
 * since it was made. */
static long long wal_frames(const char *path)
{
    char p[300];
    struct stat sb;
    snprintf(p, sizeof p, "%s-wal", path);
    return stat(p, &sb) == 0 ? (long long)sb.st_size / (4096 + 24) : -1;
}

TEST(checkpoints_on_their_thread)
{
    td_store *st = open_fixture("ckpt.db");
    CHECK(st != NULL);
    if (!st)
        return;
    /* a checkpoint after every commit that leaves 4 frames or more; the
     * WAL starts over once it holds 32 (8 times as many) */
    td_store_set_checkpoint_frames(st, 4);
    for (int i = 0; i < 60; i++) {
        char id[32], name[64];
        snprintf(id, sizeof id, "ck-%d", i);
        snprintf(name, sizeof name, "Person Number%c%c", 'a' + i % 26, 'a' + i / 26);
        CHECK_INT(put_person(st, id, name), TD_STORE_STORED);
    }
    CHECK(td_store_checkpoints(st) > 0);
    /* 60 transactions of a few frames each: the WAL started over */
    long long most = wal_frames(db_path("ckpt.db"));
    if (most <= 0 || most >= 100)
        fprintf(stderr, "WAL of %lld frames\n", most);
    CHECK(most > 0 && most < 100);
    CHECK_INT(count(st, "SELECT count(*) FROM documents"), 65);
    CHECK_INT(count(st, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check "
                        "= 'ok'"), 1);
    td_store_close(st);
}

TEST(record_hash_leaves_out_source)
{
    td_doc *d = mk("rh-1", "t", "Some text.", "2023-05-01", TD_PREC_DAY);
    CHECK(d != NULL);
    if (!d)
        return;
    /* the record writer's layout: id, lang, then source */
    const char *r[] = {
        "{\"id\": \"rh-1\", \"lang\": \"en\", \"source\": {\"path\": \"a.jsonl\", "
        "\"offset\": 0}, \"title\": \"t\", \"date\": {\"source\": \"input\"}}",
        /* another file, with an escaped quote and a brace in its name */
        "{\"id\": \"rh-1\", \"lang\": \"en\", \"source\": {\"path\": \"b\\\"}.jsonl\", "
        "\"offset\": 12}, \"title\": \"t\", \"date\": {\"source\": \"input\"}}\n",
        /* another title */
        "{\"id\": \"rh-1\", \"lang\": \"en\", \"source\": {\"path\": \"a.jsonl\", "
        "\"offset\": 0}, \"title\": \"u\", \"date\": {\"source\": \"input\"}}",
        /* an id that spells a source key (escaped): not taken for one */
        "{\"id\": \"x\\\"source\\\": {\", \"lang\": \"en\", \"source\": {\"path\": "
        "\"a.jsonl\"}, \"title\": \"t\"}",
        "{\"id\": \"x\\\"source\\\": {\", \"lang\": \"en\", \"source\": {\"path\": "
        "\"c.jsonl\"}, \"title\": \"t\"}",
        /* the compact layout the record writer uses now, an id that spells
         * a source key, two sources */
        "{\"id\":\"y\\\"source\\\":{\",\"lang\":\"en\",\"source\":{\"path\":\"a.jsonl\","
        "\"warc_record_id\":null},\"title\":\"t\"}",
        "{\"id\":\"y\\\"source\\\":{\",\"lang\":\"en\",\"source\":{\"path\":\"d}.jsonl\","
        "\"warc_record_id\":null},\"title\":\"t\"}",
        "{\"id\":\"y\\\"source\\\":{\",\"lang\":\"en\",\"source\":{\"path\":\"a.jsonl\","
        "\"warc_record_id\":null},\"title\":\"u\"}",
    };
    td_store_prep p[8];
    for (int i = 0; i < 8; i++)
        CHECK(td_store_prepare(d, r[i], strlen(r[i]), &p[i]) == TD_OK);
    CHECK(strcmp(p[0].record_hash, p[1].record_hash) == 0);
    CHECK(strcmp(p[0].record_hash, p[2].record_hash) != 0);
    CHECK(strcmp(p[3].record_hash, p[4].record_hash) == 0);
    CHECK(strcmp(p[5].record_hash, p[6].record_hash) == 0);
    CHECK(strcmp(p[5].record_hash, p[7].record_hash) != 0);
    CHECK(strcmp(p[0].hash, p[2].hash) == 0); /* the content hash reads the document */
    CHECK(p[0].body.ptr != NULL); /* a NUL-terminated text */
    for (int i = 0; i < 8; i++)
        td_store_prep_release(&p[i]);
    td_doc_free(d);
}

/* The columns and index columns of every table, one line each. */
static void schema_shape(td_store *st, td_buf *out)
{
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(td_store_db(st),
                       "SELECT m.type || ' ' || m.name || ': ' || group_concat(coalesce(c.name, "
                       "'(expr)'), ', ') FROM sqlite_master m, pragma_table_xinfo(m.name) c "
                       "WHERE m.type = 'table' GROUP BY m.name UNION ALL "
                       "SELECT m.type || ' ' || m.name || ' ON ' || m.tbl_name || ': ' || "
                       "group_concat(coalesce(c.name, '(expr)'), ', ') FROM sqlite_master m, "
                       "pragma_index_info(m.name) c WHERE m.type = 'index' GROUP BY m.name "
                       "ORDER BY 1",
                       -1, &s, NULL);
    while (s && sqlite3_step(s) == SQLITE_ROW)
        td_buf_printf(out, "%s\n", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

TEST(quote_ids_in_date_order)
{
    td_store *st = open_fixture("qids.db");
    CHECK(st != NULL);
    if (!st)
        return;
    /* an id is (Julian day of date_lo) * 2^31 + its number on that day */
    CHECK_INT(count(st, "SELECT count(*) FROM quotes WHERE quote >> 31 IS NOT "
                        "CAST(julianday(date_lo) AS INTEGER)"), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes a JOIN quotes b ON a.quote < b.quote "
                        "WHERE a.date_lo > b.date_lo"), 0);
    /* fx-2 (2022, so 2022-01-01) was stored after fx-1 (2022-11-18) but
     * comes first; its two quotes are the day's 1 and 2 */
    CHECK_INT(count(st, "SELECT doc FROM quotes ORDER BY quote LIMIT 1"), 2);
    CHECK_INT(count(st, "SELECT min(quote & 2147483647) * 10 + max(quote & 2147483647) "
                        "FROM quotes WHERE doc = 2"), 12);
    CHECK_INT(count(st, "SELECT max(quote) - min(quote) FROM quotes WHERE doc = 1"), 1);
    td_store_close(st);
    /* a later transaction goes on numbering the day; an undated quote has
     * day 0 and comes first */
    CHECK(td_store_open(db_path("qids.db"), 0, &st, NULL) == TD_OK);
    td_doc *d = mk("fx-6", "Lavrov again", "“We talk,” Lavrov said.", "2022-11-18",
                   TD_PREC_DAY);
    int a = ent(d, TD_ENT_PERSON, "Sergey Lavrov", "RU", NULL);
    men(d, a, "Lavrov", 0, TD_FORM_NAME);
    quo(d, TD_QUOTE_DIRECT, "We talk,", a, "Sergey Lavrov", "Lavrov", 0);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    CHECK_INT(count(st, "SELECT quote & 2147483647 FROM quotes WHERE text = 'We talk,'"), 3);
    d = mk("fx-7", "Undated", "“Later,” Lavrov said.", NULL, TD_PREC_UNKNOWN);
    a = ent(d, TD_ENT_PERSON, "Sergey Lavrov", "RU", NULL);
    men(d, a, "Lavrov", 0, TD_FORM_NAME);
    quo(d, TD_QUOTE_DIRECT, "Later,", a, "Sergey Lavrov", "Lavrov", 0);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    CHECK_INT(count(st, "SELECT quote FROM quotes ORDER BY quote LIMIT 1"), 1);
    /* the full-text index follows the ids */
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts f JOIN quotes q ON q.quote = f.rowid "
                        "WHERE quotes_fts MATCH 'talk' AND q.doc = 6"), 1);
    sqlite3_exec(td_store_db(st), "INSERT INTO quotes_fts(quotes_fts, rank) "
                                  "VALUES('integrity-check', 1)", NULL, NULL, NULL);
    CHECK_INT(sqlite3_errcode(td_store_db(st)), SQLITE_OK);
    td_store_close(st);
}

/* quotes_fts is written at commit in rowid order: the fixture's batch (fx-2,
 * dated 2022, stored after fx-1, dated 2022-11-18, so with lower quote ids)
 * makes one segment; a document replaced inside the batch leaves no
 * entries of its old quotes. */
TEST(quotes_fts_in_rowid_order)
{
    td_store *st = open_fixture("qfts.db");
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_INT(count(st, "SELECT count(*) FROM quotes"), 5);
    CHECK_INT(count(st, "SELECT count(DISTINCT segid) FROM quotes_fts_idx"), 1);
    CHECK_INT(count(st, "SELECT v FROM documents_fts_config WHERE k = 'hashsize'"), 16777216);
    CHECK_INT(count(st, "SELECT v FROM quotes_fts_config WHERE k = 'hashsize'"), 16777216);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'ties'"), 1);
    td_store_close(st);
    CHECK(td_store_open(db_path("qfts.db"), TD_STORE_REPLACE, &st, NULL) == TD_OK);
    CHECK(td_store_begin(st) == TD_OK);
    td_doc *d = mk("fx-8", "Talks", "“We talk,” Lavrov said.", "2022-11-19", TD_PREC_DAY);
    int a = ent(d, TD_ENT_PERSON, "Sergey Lavrov", "RU", NULL);
    men(d, a, "Lavrov", 0, TD_FORM_NAME);
    quo(d, TD_QUOTE_DIRECT, "We talk,", a, "Sergey Lavrov", "Lavrov", 0);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    d = mk("fx-8", "Talks", "“We listen,” Lavrov said.", "2022-11-19", TD_PREC_DAY);
    a = ent(d, TD_ENT_PERSON, "Sergey Lavrov", "RU", NULL);
    men(d, a, "Lavrov", 0, TD_FORM_NAME);
    quo(d, TD_QUOTE_DIRECT, "We listen,", a, "Sergey Lavrov", "Lavrov", 0);
    CHECK_INT(put(st, d), TD_STORE_REPLACED);
    td_doc_free(d);
    CHECK(td_store_commit(st) == TD_OK);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'talk'"), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'listen'"), 1);
    sqlite3_exec(td_store_db(st), "INSERT INTO quotes_fts(quotes_fts, rank) "
                                  "VALUES('integrity-check', 1)", NULL, NULL, NULL);
    CHECK_INT(sqlite3_errcode(td_store_db(st)), SQLITE_OK);
    /* a rolled-back batch leaves nothing behind for the next one */
    CHECK(td_store_begin(st) == TD_OK);
    d = mk("fx-9", "Gone", "“Never stored,” Lavrov said.", "2022-11-19", TD_PREC_DAY);
    quo(d, TD_QUOTE_DIRECT, "Never stored,", 0, NULL, NULL, 0);
    CHECK_INT(put(st, d), TD_STORE_STORED);
    td_doc_free(d);
    td_store_rollback(st);
    CHECK(td_store_begin(st) == TD_OK);
    CHECK(td_store_commit(st) == TD_OK);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'stored'"), 0);
    sqlite3_exec(td_store_db(st), "INSERT INTO quotes_fts(quotes_fts, rank) "
                                  "VALUES('integrity-check', 1)", NULL, NULL, NULL);
    CHECK_INT(sqlite3_errcode(td_store_db(st)), SQLITE_OK);
    td_store_close(st);
}

TEST(migration_from_version_3)
{
    /* a version-3 database, as the version-3 store wrote the fixture */
    FILE *f = fopen("tests/fixtures/store/v3.sql", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char dump[1 << 16];
    size_t n = fread(dump, 1, sizeof dump - 1, f);
    fclose(f);
    dump[n] = '\0';
    char path[256];
    snprintf(path, sizeof path, "%s", db_path("v3.db"));
    unlink(path);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, dump, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    /* a query command refuses it, ingest migrates it */
    td_store *st = NULL;
    char *err = NULL;
    CHECK(td_store_open(path, TD_STORE_READONLY, &st, &err) == TD_EDB);
    CHECK(err && strstr(err, "schema version 3"));
    free(err);
    err = NULL;
    CHECK(td_store_open(path, 0, &st, &err) == TD_OK);
    if (!st) {
        fprintf(stderr, "open: %s\n", err);
        free(err);
        return;
    }
    CHECK_INT(count(st, "PRAGMA user_version"), TD_STORE_SCHEMA_VERSION);
    /* the same tables, columns and indexes as a new database */
    td_store *fresh = open_fixture("v4.db");
    CHECK(fresh != NULL);
    td_buf a, b;
    td_buf_init(&a, 0);
    td_buf_init(&b, 0);
    schema_shape(st, &a);
    if (fresh)
        schema_shape(fresh, &b);
    CHECK(a.ptr && b.ptr && strcmp(a.ptr, b.ptr) == 0);
    if (a.ptr && b.ptr && strcmp(a.ptr, b.ptr) != 0)
        fprintf(stderr, "migrated:\n%s\nnew:\n%s", a.ptr, b.ptr);
    td_buf_release(&a);
    td_buf_release(&b);
    td_store_close(fresh);
    /* every quote has its document's date_lo; the full-text index is rebuilt */
    CHECK_INT(count(st, "SELECT count(*) FROM quotes WHERE date_lo IS NOT NULL"), 5);
    CHECK_INT(count(st, "SELECT count(*) FROM quotes q WHERE date_lo IS NOT "
                        "(SELECT date_lo FROM documents WHERE doc = q.doc)"), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'hybrid'"), 1);
    CHECK_INT(count(st, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH "
                        "'ready'"), 1);
    /* quotes are renumbered in date order (version 5) and re-indexed */
    CHECK_INT(count(st, "SELECT count(*) FROM quotes WHERE quote >> 31 IS NOT "
                        "CAST(julianday(date_lo) AS INTEGER)"), 0);
    CHECK_INT(count(st, "SELECT q.span_start FROM quotes_fts f JOIN quotes q ON "
                        "q.quote = f.rowid WHERE quotes_fts MATCH 'ready'"), 28);
    /* both full-text indexes keep 16 MB of new terms (version 6) */
    CHECK_INT(count(st, "SELECT v FROM documents_fts_config WHERE k = 'hashsize'"), 16777216);
    CHECK_INT(count(st, "SELECT v FROM quotes_fts_config WHERE k = 'hashsize'"), 16777216);
    /* its hashes are in the legacy form (FNV-1a, no "2:"): the same
     * documents are still unchanged, another content still refused */
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE hash LIKE '2:%'"), 0);
    for (int i = 0; i < N_FIXTURE; i++) {
        td_doc *d = fixture(i);
        CHECK_INT(put(st, d), TD_STORE_UNCHANGED);
        td_doc_free(d);
    }
    td_doc *other = mk("fx-3", "Lavrov in Minsk", "Lavrov left Minsk.", "2023-01-06",
                       TD_PREC_DAY);
    CHECK_INT(put(st, other), TD_STORE_CONFLICT);
    td_doc_free(other);
    sqlite3_exec(td_store_db(st), "INSERT INTO quotes_fts(quotes_fts, rank) "
                                  "VALUES('integrity-check', 1)", NULL, NULL, NULL);
    CHECK_INT(sqlite3_errcode(td_store_db(st)), SQLITE_OK);
    sqlite3_exec(td_store_db(st), "INSERT INTO documents_fts(documents_fts, rank) "
                                  "VALUES('integrity-check', 1)", NULL, NULL, NULL);
    CHECK_INT(sqlite3_errcode(td_store_db(st)), SQLITE_OK);
    CHECK_INT(count(st, "SELECT count(*) FROM pragma_integrity_check WHERE "
                        "integrity_check <> 'ok'"), 0);
    /* the 18 mentions are packed one row per entity of a document (version 5), in
     * the record's order */
    CHECK_INT(count(st, "SELECT sum(count) FROM mentions"), 18);
    CHECK_INT(count(st, "SELECT count(*) FROM mentions m, json_each(m.spans)"), 18);
    CHECK_INT(count(st, "SELECT count(*) FROM mentions WHERE doc = 1"), 4);
    CHECK_INT(count(st, "SELECT count(*) FROM mentions WHERE doc = 1 AND ord = 0 AND local = 1 "
                        "AND count = 3 AND span_start = 0 AND spans = '[[0,13,\"Sergey Lavrov\","
                        "\"name\"],[85,91,\"Lavrov\",\"name\"],[98,100,\"He\",\"pronoun\"]]'"),
              1);
    /* the records are compressed (version 5) and read back whole */
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE record_size = 0 OR "
                        "sqlar_uncompress(record, record_size) NOT LIKE '{\"id\":%}'"), 0);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE length(record) < record_size"),
              count(st, "SELECT count(*) FROM documents"));
    td_store_close(st);
}

/* The record is stored compressed (version 5) and read back whole with
 * sqlar_uncompress(record, record_size), as in the sqlite3 shell. */
TEST(record_compressed)
{
    td_store *st = open_fixture("record.db");
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE length(record) < record_size"), 5);
    CHECK_INT(count(st, "SELECT count(*) FROM documents WHERE typeof(record) <> 'blob'"), 0);
    td_doc *d = fixture(0);
    td_buf rec;
    td_buf_init(&rec, 0);
    CHECK(d && td_record_write(d, 0, &rec) == TD_OK);
    while (rec.len && rec.ptr[rec.len - 1] == '\n')
        rec.len--;
    sqlite3_stmt *s = NULL;
    CHECK(sqlite3_prepare_v2(td_store_db(st), "SELECT sqlar_uncompress(record, record_size), "
                             "record_size FROM documents WHERE id = ?1", -1, &s, NULL) == SQLITE_OK);
    sqlite3_bind_text(s, 1, d ? d->id : "", -1, SQLITE_STATIC);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int64(s, 1), (long long)rec.len);
    CHECK_INT(sqlite3_column_bytes(s, 0), (long long)rec.len);
    const char *got = (const char *)sqlite3_column_text(s, 0);
    CHECK(got && rec.ptr && memcmp(got, rec.ptr, rec.len) == 0);
    sqlite3_finalize(s);
    /* a blob compression does not shrink is kept as it is; a text is left alone */
    CHECK_INT(count(st, "SELECT sqlar_compress(x'41') = x'41'"), 1);
    CHECK_INT(count(st, "SELECT sqlar_compress('abcabcabcabcabcabcabcabc') = "
                        "'abcabcabcabcabcabcabcabc'"), 1);
    CHECK_INT(count(st, "SELECT length(sqlar_compress(zeroblob(1000))) < 100"), 1);
    CHECK_INT(count(st, "SELECT sqlar_uncompress(sqlar_compress(CAST(printf('%.*c', 500, 'x') "
                        "AS BLOB)), 500) = printf('%.*c', 500, 'x')"), 1);
    td_buf_release(&rec);
    td_doc_free(d);
    td_store_close(st);
}

static int make_fixture(const char *path)
{
    td_store *st = NULL;
    char *err = NULL;
    unlink(path);
    if (td_store_open(path, 0, &st, &err) != TD_OK) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    td_store_begin(st);
    for (int i = 0; i < N_FIXTURE; i++) {
        td_doc *d = fixture(i);
        put(st, d);
        td_doc_free(d);
    }
    int rc = td_store_commit(st) == TD_OK ? 0 : 1;
    td_store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--fixture") == 0)
        return make_fixture(argv[2]);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(schema_file_matches_compiled_copy);
    RUN(fold_names);
    RUN(date_intervals);
    RUN(idempotent_reingest);
    RUN(replace_updates);
    RUN(entity_merging);
    RUN(date_overlap);
    RUN(full_text_search);
    RUN(errors_are_clear);
    RUN(batch_rollback);
    RUN(entity_cache_across_transactions);
    RUN(checkpoints_on_their_thread);
    RUN(record_hash_leaves_out_source);
    RUN(quote_ids_in_date_order);
    RUN(quotes_fts_in_rowid_order);
    RUN(migration_from_version_3);
    RUN(record_compressed);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return DONE();
}
