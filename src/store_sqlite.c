/*
 * store_sqlite.c - the embedded SQLite store (see store.h): opening and
 * migrating the database, storing a processed document with its facts in
 * one savepoint, merging entities across documents, name folding.
 */
#include "store.h"

#include "json.h"
#include "lexicon.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zlib.h>

/* ---- statements -------------------------------------------------------- */

enum {
    S_FIND,
    S_INS_DOC,
    S_UPD_DOC,
    S_ENT_FIND,
    S_ENT_INS,
    S_ENT_FILL,
    S_MEN_INS,
    S_QUO_INS,
    S_TIM_INS,
    S_EVT_INS,
    S_OLD_ENTS,
    S_DEL_MEN,
    S_DEL_QUO,
    S_DEL_TIM,
    S_DEL_EVT,
    S_DEL_SCOPED,
    S_ENT_GC,
    S_FTS_INS,
    S_FTS_DEL,
    S_QFTS_INS,
    S_QFTS_DEL,
    S_QDAY_MAX,
    S_COUNT
};

#define DOC_COLS                                                                           \
    "id, hash, record_hash, source_path, source_offset, source_line, url, warc_record_id, " \
    "lang, title, caption, body, date, date_precision, date_source, date_header, date_note, " \
    "date_lo, date_hi, record, record_size"

static const char *const stmt_sql[S_COUNT] = {
    [S_FIND] = "SELECT doc, hash, record_hash FROM documents WHERE id = ?1",
    [S_INS_DOC] = "INSERT INTO documents (" DOC_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                  "?9, ?10, ?11, ?12, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?13)",
    [S_UPD_DOC] = "UPDATE documents SET id = ?1, hash = ?2, record_hash = ?3, source_path = ?4, "
                  "source_offset = ?5, source_line = ?6, url = ?7, warc_record_id = ?8, "
                  "lang = ?9, title = ?10, caption = ?11, body = ?12, date = ?14, "
                  "date_precision = ?15, date_source = ?16, date_header = ?17, date_note = ?18, "
                  "date_lo = ?19, date_hi = ?20, record = ?21, record_size = ?13, "
                  "ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE doc = ?22",
    [S_ENT_FIND] = "SELECT entity, role IS NULL, acronym IS NULL, cameo IS NULL FROM entities "
                   "WHERE key = ?1 AND type = ?2 AND country = ?3 AND scope = ?4",
    [S_ENT_INS] = "INSERT INTO entities (type, name, key, last, country, scope, role, acronym, "
                  "cameo) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_ENT_FILL] = "UPDATE entities SET role = coalesce(role, ?2), acronym = coalesce(acronym, "
                   "?3), cameo = coalesce(cameo, ?4) WHERE entity = ?1",
    [S_MEN_INS] = "INSERT INTO mentions (doc, ord, local, entity, count, span_start, spans) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_QUO_INS] = "INSERT INTO quotes (doc, kind, span_start, span_end, text, spans, "
                  "speaker_entity, speaker_name, speaker_key, speaker_last, speaker_start, "
                  "speaker_end, speaker_text, cue_start, cue_end, cue_text, date_lo, quote) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                  "?17, ?18)",
    [S_TIM_INS] = "INSERT INTO times (doc, span_start, span_end, text, type, value, mod) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_EVT_INS] = "INSERT INTO events (doc, actor, target, code, span_start, span_end, text, "
                  "quad_class, goldstein) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_OLD_ENTS] = "SELECT DISTINCT entity FROM mentions WHERE doc = ?1 UNION "
                   "SELECT speaker_entity FROM quotes WHERE doc = ?1 AND speaker_entity "
                   "IS NOT NULL",
    [S_DEL_MEN] = "DELETE FROM mentions WHERE doc = ?1",
    [S_DEL_QUO] = "DELETE FROM quotes WHERE doc = ?1",
    [S_DEL_TIM] = "DELETE FROM times WHERE doc = ?1",
    [S_DEL_EVT] = "DELETE FROM events WHERE doc = ?1",
    [S_DEL_SCOPED] = "DELETE FROM entities WHERE scope = ?1",
    [S_ENT_GC] = "DELETE FROM entities WHERE entity = ?1 AND scope = 0 AND NOT EXISTS "
                 "(SELECT 1 FROM mentions WHERE entity = ?1) AND NOT EXISTS "
                 "(SELECT 1 FROM quotes WHERE speaker_entity = ?1)",
    [S_FTS_INS] = "INSERT INTO documents_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
    [S_FTS_DEL] = "INSERT INTO documents_fts (documents_fts, rowid, title, body) "
                  "SELECT 'delete', doc, title, body FROM documents WHERE doc = ?1",
    [S_QFTS_INS] = "INSERT INTO quotes_fts (rowid, text) VALUES (?1, ?2)",
    [S_QFTS_DEL] = "INSERT INTO quotes_fts (quotes_fts, rowid, text) SELECT 'delete', quote, "
                   "text FROM quotes WHERE doc = ?1",
    [S_QDAY_MAX] = "SELECT max(quote) FROM quotes WHERE quote BETWEEN ?1 AND ?2",
};

/* Migrations: migrations[v] takes a database from version v to v + 1.
 * Version 0 is an empty file: it gets the whole schema. */
static const char *const migrations[] = {
    NULL, /* 0 -> 1: the whole schema, td_store_schema() */
    /* 1 -> 2: the covering index of document dates */
    "CREATE INDEX IF NOT EXISTS documents_dates ON documents (doc, date_lo, date_hi, "
    "date_precision, date);",
    /* 2 -> 3: covering indexes for the quotes query */
    "DROP INDEX quotes_speaker; DROP INDEX quotes_speaker_key; DROP INDEX quotes_speaker_last;"
    "CREATE INDEX quotes_speaker ON quotes (speaker_entity, doc, span_start);"
    "CREATE INDEX quotes_speaker_key ON quotes (speaker_key, doc, span_start);"
    "CREATE INDEX quotes_speaker_last ON quotes (speaker_last, doc, span_start);"
    "CREATE INDEX quotes_place ON quotes (quote, doc, span_start);"
    "CREATE INDEX entities_acronym ON entities (lower(acronym));",
    /* 3 -> 4: quotes carry their document's date_lo and are indexed in date
     * order; the documents' full-text index leaves out the quotes (they are
     * in the body) and the documents.quotes column goes */
    "ALTER TABLE quotes ADD COLUMN date_lo TEXT;"
    "UPDATE quotes SET date_lo = (SELECT date_lo FROM documents WHERE doc = quotes.doc);"
    "DROP INDEX quotes_speaker; DROP INDEX quotes_speaker_key; DROP INDEX quotes_speaker_last;"
    "DROP INDEX quotes_place;"
    "DROP INDEX entities_last; CREATE INDEX entities_last ON entities (last, scope);"
    "CREATE INDEX quotes_speaker ON quotes (speaker_entity, speaker_key, date_lo, doc, "
    "span_start);"
    "CREATE INDEX quotes_speaker_key ON quotes (speaker_key, date_lo, doc, span_start);"
    "CREATE INDEX quotes_speaker_last ON quotes (speaker_last, date_lo, doc, span_start);"
    "CREATE INDEX quotes_date ON quotes (date_lo, doc, span_start);"
    "CREATE INDEX quotes_place ON quotes (quote, date_lo, doc, span_start);"
    "DROP TABLE documents_fts;"
    "ALTER TABLE documents DROP COLUMN quotes;"
    "CREATE VIRTUAL TABLE documents_fts USING fts5 (title, body, content = 'documents', "
    "content_rowid = 'doc', tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');",
    /* 4 -> 5: a quote's id is its place in date order, (day of date_lo) *
     * 2^31 + its number on that day, so that the quotes table and
     * quotes_fts list quotes in date order by their rowid; quotes_date and
     * quotes_place go, the speaker indexes keep only their key; entities
     * get an index (key, scope) ... */
    "DROP TABLE quotes_fts;"
    "CREATE TABLE quotes_v5 (quote INTEGER PRIMARY KEY, doc INTEGER NOT NULL, "
    "kind TEXT NOT NULL, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, "
    "text TEXT NOT NULL, spans TEXT, speaker_entity INTEGER, speaker_name TEXT, "
    "speaker_key TEXT, speaker_last TEXT, speaker_start INTEGER, speaker_end INTEGER, "
    "speaker_text TEXT, cue_start INTEGER, cue_end INTEGER, cue_text TEXT, date_lo TEXT);"
    "INSERT INTO quotes_v5 SELECT (coalesce(CAST(julianday(date_lo) AS INTEGER), 0) << 31) + "
    "row_number() OVER (PARTITION BY date_lo ORDER BY doc, span_start, quote), doc, kind, "
    "span_start, span_end, text, spans, speaker_entity, speaker_name, speaker_key, "
    "speaker_last, speaker_start, speaker_end, speaker_text, cue_start, cue_end, cue_text, "
    "date_lo FROM quotes;"
    "DROP TABLE quotes;"
    "ALTER TABLE quotes_v5 RENAME TO quotes;"
    "CREATE INDEX quotes_doc ON quotes (doc);"
    "CREATE INDEX quotes_speaker ON quotes (speaker_entity);"
    "CREATE INDEX quotes_speaker_key ON quotes (speaker_key);"
    "CREATE INDEX quotes_speaker_last ON quotes (speaker_last);"
    "CREATE VIRTUAL TABLE quotes_fts USING fts5 (text, content = 'quotes', "
    "content_rowid = 'quote', tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');"
    "CREATE INDEX entities_key ON entities (key, scope);"
    /* ... the record is stored compressed (sqlar_compress), with its
     * size ... */
    "ALTER TABLE documents ADD COLUMN record_size INTEGER NOT NULL DEFAULT 0;"
    "UPDATE documents SET record = sqlar_compress(CAST(record AS BLOB)), "
    "record_size = length(CAST(record AS BLOB));"
    /* ... and one mentions row per entity and document, its mentions
     * packed in `spans`, clustered by document (WITHOUT ROWID) */
    "CREATE TABLE mentions6 (doc INTEGER NOT NULL, ord INTEGER NOT NULL, local INTEGER NOT "
    "NULL, entity INTEGER NOT NULL, count INTEGER NOT NULL, span_start INTEGER NOT NULL, "
    "spans TEXT NOT NULL, PRIMARY KEY (doc, ord)) WITHOUT ROWID;"
    "INSERT INTO mentions6 SELECT doc, row_number() OVER (PARTITION BY doc ORDER BY "
    "min(r)) - 1, local, entity, count(*), min(span_start), json_group_array(json_array("
    "span_start, span_end, text, form)) FROM (SELECT rowid AS r, * FROM mentions ORDER BY "
    "doc, local, entity, rowid) GROUP BY doc, local, entity;"
    "DROP TABLE mentions; ALTER TABLE mentions6 RENAME TO mentions;"
    "CREATE INDEX mentions_entity ON mentions (entity, doc, count);",
    /* 5 -> 6: the full-text indexes keep 16 MB of new terms in memory
     * before writing a segment (1 MB before) */
    "INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 16777216);"
    "INSERT INTO quotes_fts (quotes_fts, rank) VALUES ('hashsize', 16777216);",
};

/* ---- transliteration rules --------------------------------------------- */

enum { AT_ANY, AT_INITIAL, AT_FINAL };

typedef struct rule {
    char from[16], to[16];
    int at;
} rule;

#define MAX_RULES 64

/* ---- entity cache ------------------------------------------------------ */

/* The shared entities this store has met, by "type, country, name as
 * written": a document's entities are merged without a SELECT (nor a fold)
 * each. It lives across this store's own transactions and is emptied when
 * another connection has committed since (PRAGMA data_version, read at
 * every begin under the write lock), at every rollback and when a
 * replaced document's entities may be removed, so it never holds an id
 * another transaction could have changed. */
typedef struct ent_slot {
    char *key;               /* NULL: empty */
    sqlite3_int64 entity;
    bool role, acronym, cameo; /* the column is known not NULL */
} ent_slot;

typedef struct ent_cache {
    ent_slot *slots;
    size_t cap, n; /* cap: a power of 2 */
} ent_cache;

#define ENT_CACHE_MAX 65536

static void cache_clear(ent_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].key);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

static uint64_t cache_hash(const char *k)
{
    uint64_t h = 1469598103934665603ull;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

/* The slot of key: its own, or the empty one it would go in (NULL when
 * the cache is not allocated). */
static ent_slot *cache_find(ent_cache *c, const char *key)
{
    if (!c->cap)
        return NULL;
    for (size_t i = (size_t)cache_hash(key) & (c->cap - 1);; i = (i + 1) & (c->cap - 1))
        if (!c->slots[i].key || strcmp(c->slots[i].key, key) == 0)
            return &c->slots[i];
}

/* Remember key -> entity; a full or failing cache just stops growing. */
static ent_slot *cache_put(ent_cache *c, const char *key, sqlite3_int64 entity)
{
    if (c->n >= ENT_CACHE_MAX)
        return NULL;
    if ((c->n + 1) * 2 > c->cap) {
        ent_cache g = {calloc(c->cap ? c->cap * 2 : 1024, sizeof(ent_slot)),
                       c->cap ? c->cap * 2 : 1024, c->n};
        if (!g.slots)
            return NULL;
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i].key)
                *cache_find(&g, c->slots[i].key) = c->slots[i];
        free(c->slots);
        *c = g;
    }
    ent_slot *sl = cache_find(c, key);
    if (sl->key)
        return sl;
    char *k = strdup(key);
    if (!k)
        return NULL;
    sl->key = k;
    sl->entity = entity;
    sl->role = sl->acronym = sl->cameo = false;
    c->n++;
    return sl;
}

/* ---- checkpoints --------------------------------------------------------
 * A writable store copies the WAL back into the database (a checkpoint) on
 * a thread of its own, with its own connection, rather than in the commit
 * that passed CKPT_FRAMES frames of WAL: at 100k documents the copy and its
 * fsyncs were a good part of the writer's time, and the writer is what
 * limits ingest. The WAL then only starts over from its beginning when a
 * write transaction begins after a checkpoint that copied all of it, which
 * an ingest that begins its next batch at once rarely leaves room for: so
 * once the WAL holds CKPT_WAIT_FRAMES frames, td_store_begin() waits for
 * the running checkpoint to end (the WAL then starts over). */
#define CKPT_FRAMES 8192       /* 32 MB of 4 KB pages */
#define CKPT_WAIT_FRAMES 65536 /* 256 MB */

typedef struct ckpt {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    sqlite3 *db;     /* the checkpointer's connection */
    bool started;    /* the thread runs (else checkpoints are inline) */
    bool want, busy, stop;
    int frames;      /* frames in the WAL at the last commit */
    int at;          /* frames that start a checkpoint (CKPT_FRAMES) */
    long runs;       /* checkpoints run */
} ckpt;

/* Names folded by this store's writer (speakers of quotes, entities the
 * entity cache does not hold): a name -> key table, as folding (NFKC,
 * case, rules) costs more than the insert it is for and names repeat.
 * Folding reads no database, so the table is never out of date; it stops
 * growing at FOLD_CACHE_MAX. */
typedef struct fold_slot {
    char *name, *key; /* name NULL: empty */
} fold_slot;

typedef struct fold_cache {
    fold_slot *slots;
    size_t cap, n; /* cap: a power of 2 */
} fold_cache;

#define FOLD_CACHE_MAX 16384

/* The quotes of a transaction wait here for their quotes_fts entries,
 * which are written at commit in rowid order (qfts_flush). A quote's id is
 * its place in date order, and documents arrive in no date order; FTS5
 * writes its pending terms out as a new segment whenever a rowid is lower
 * than the last one, which made quotes_fts a third of the writer's time
 * (a new segment, then merges, for nearly every document). In rowid order
 * a batch makes one segment per 1 MB of terms, as documents_fts does. */
typedef struct qfts_entry {
    sqlite3_int64 id;
    size_t off, len; /* its text in qfts_list.text */
} qfts_entry;

typedef struct qfts_list {
    qfts_entry *v;
    size_t n, cap;
    td_buf text;
} qfts_list;

/* Pending text past this is written out before the commit (a batch of a
 * million documents still needs bounded memory). */
#define QFTS_MAX_TEXT ((size_t)32 << 20)

struct td_store {
    sqlite3 *db;
    char *path;
    fold_cache folds;
    ckpt ck;
    unsigned flags;
    int busy_ms;
    bool in_tx;
    sqlite3_stmt *stmt[S_COUNT];
    ent_cache cache; /* shared entities seen (see ent_cache) */
    long long data_version; /* PRAGMA data_version when the cache was checked */
    bool cache_valid;       /* the cache may be kept at the next begin */
    /* the last quote id given in this transaction and the base of its day
     * (see quote_id); qday_base -1: none */
    sqlite3_int64 qday_base, qday_last;
    rule rules[MAX_RULES];
    int n_rules;
    td_buf scratch[4]; /* put_ctx's tmp, key, ck and spans (see td_store_put_prepared) */
    qfts_list qfts; /* quotes_fts entries of this transaction not written yet */
    char err[1024];
};

/* A scratch buffer grown past this is freed after its document. */
#define SCRATCH_KEEP ((size_t)1 << 20)

static void set_err(td_store *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void set_err(td_store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
}

/* Turn an SQLite result code into a status and words on st. */
static td_status db_fail(td_store *st, int rc, const char *what)
{
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        set_err(st, "%s: the database is locked by another process (waited %d ms)", what,
                st->busy_ms);
        return TD_EBUSY;
    case SQLITE_FULL:
        set_err(st, "%s: disk full (%s)", what, msg);
        return TD_EDB;
    case SQLITE_READONLY:
        set_err(st, "%s: the database is read-only (%s)", what, msg);
        return TD_EDB;
    case SQLITE_NOTADB:
        set_err(st, "%s: not an SQLite database", what);
        return TD_EDB;
    case SQLITE_CORRUPT:
        set_err(st, "%s: the database is corrupt (%s)", what, msg);
        return TD_EDB;
    case SQLITE_NOMEM:
        set_err(st, "%s: out of memory", what);
        return TD_ENOMEM;
    default:
        set_err(st, "%s: %s", what, msg);
        return TD_EDB;
    }
}

static td_status load_rules(td_store *st)
{
    const char *p;
    size_t len;
    bool owned;
    td_status s = td_data_read(NULL, "store_translit.tsv", &p, &len, &owned);
    if (s != TD_OK) {
        set_err(st, "store_translit.tsv: %s", td_strerror(s));
        return s;
    }
    const char *end = p + len;
    long line = 0;
    for (const char *l = p; l < end && s == TD_OK;) {
        const char *nl = memchr(l, '\n', (size_t)(end - l));
        const char *le = nl ? nl : end;
        line++;
        if (le > l && *l != '#') {
            char tmp[128];
            size_t n = (size_t)(le - l);
            if (n >= sizeof tmp)
                n = sizeof tmp - 1;
            memcpy(tmp, l, n);
            tmp[n] = '\0';
            char *from = tmp, *to = strchr(from, '\t'), *at = to ? strchr(to + 1, '\t') : NULL;
            if (!to || !at || st->n_rules >= MAX_RULES || (size_t)(to - from) >= 16 ||
                (size_t)(at - to - 1) >= 16 || to == from) {
                set_err(st, "store_translit.tsv:%ld: want 'from<TAB>to<TAB>any|initial|final'",
                        line);
                s = TD_EFORMAT;
                break;
            }
            *to++ = '\0';
            *at++ = '\0';
            rule *r = &st->rules[st->n_rules++];
            strcpy(r->from, from);
            strcpy(r->to, to);
            r->at = strcmp(at, "initial") == 0 ? AT_INITIAL : strcmp(at, "final") == 0 ? AT_FINAL
                                                                                         : AT_ANY;
        }
        l = nl ? nl + 1 : end;
    }
    if (owned)
        free((void *)p);
    return s;
}

/* ---- name folding ------------------------------------------------------ */

#define WORD_MAX 128

/* Apply the rules to one word w[0..*n) (ASCII lower case), in place. */
static void fold_word(const td_store *st, char *w, size_t *n)
{
    char tmp[WORD_MAX * 2];
    for (int i = 0; i < st->n_rules; i++) {
        const rule *r = &st->rules[i];
        size_t fl = strlen(r->from), tl = strlen(r->to);
        if (*n < fl)
            continue;
        if (r->at == AT_INITIAL || r->at == AT_FINAL) {
            size_t at = r->at == AT_INITIAL ? 0 : *n - fl;
            if (*n > fl && memcmp(w + at, r->from, fl) == 0 && *n - fl + tl < WORD_MAX) {
                memmove(w + at + tl, w + at + fl, *n - at - fl);
                memcpy(w + at, r->to, tl);
                *n = *n - fl + tl;
            }
            continue;
        }
        size_t o = 0;
        for (size_t k = 0; k < *n;) {
            if (k + fl <= *n && memcmp(w + k, r->from, fl) == 0) {
                memcpy(tmp + o, r->to, tl);
                o += tl;
                k += fl;
            } else {
                tmp[o++] = w[k++];
            }
            if (o >= WORD_MAX)
                return; /* too long to fold further */
        }
        memcpy(w, tmp, o);
        *n = o;
    }
    /* doubled letters collapse */
    size_t o = 0;
    for (size_t k = 0; k < *n; k++)
        if (o == 0 || w[k] != w[o - 1] || !(w[k] >= 'a' && w[k] <= 'z'))
            w[o++] = w[k];
    *n = o;
}

static td_status flush_word(const td_store *st, char *w, size_t *n, bool ascii, td_buf *out,
                            bool *first)
{
    if (*n == 0)
        return TD_OK;
    td_status s = TD_OK;
    if (!*first)
        s = td_buf_putc(out, ' ');
    *first = false;
    if (ascii && *n < WORD_MAX)
        fold_word(st, w, n);
    if (s == TD_OK)
        s = td_buf_append(out, w, *n);
    *n = 0;
    return s;
}

td_status td_store_fold(const td_store *st, const char *name, td_buf *out)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)name, 0, &m,
                                       UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                           UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                           UTF8PROC_STRIPMARK);
    const char *s = ml >= 0 ? (const char *)m : name;
    size_t len = ml >= 0 ? (size_t)ml : strlen(name);
    char w[WORD_MAX * 2];
    size_t n = 0;
    bool ascii = true, first = true;
    td_status rs = TD_OK;
    for (size_t i = 0; i < len && rs == TD_OK;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            i++;
            continue;
        }
        if (cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0x2018) {
            i += (size_t)k; /* O'Brien -> obrien */
            continue;
        }
        utf8proc_category_t c = utf8proc_category(cp);
        bool keep = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
                    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO) ||
                    (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME);
        if (keep && n + (size_t)k < sizeof w - 1) {
            if (cp < 128)
                w[n++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            else {
                memcpy(w + n, s + i, (size_t)k);
                n += (size_t)k;
                ascii = false;
            }
        } else if (!keep) {
            rs = flush_word(st, w, &n, ascii, out, &first);
            ascii = true;
        }
        i += (size_t)k;
    }
    if (rs == TD_OK)
        rs = flush_word(st, w, &n, ascii, out, &first);
    free(m);
    if (rs == TD_OK)
        rs = td_buf_reserve(out, 1);
    if (rs == TD_OK)
        out->ptr[out->len] = '\0';
    return rs;
}

static void fold_cache_clear(fold_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->slots[i].name);
        free(c->slots[i].key);
    }
    free(c->slots);
    memset(c, 0, sizeof *c);
}

static fold_slot *fold_find(fold_cache *c, const char *name)
{
    for (size_t i = (size_t)cache_hash(name) & (c->cap - 1);; i = (i + 1) & (c->cap - 1))
        if (!c->slots[i].name || strcmp(c->slots[i].name, name) == 0)
            return &c->slots[i];
}

/* Remember name -> key; a full or failing cache just stops growing. */
static void fold_remember(fold_cache *c, const char *name, const char *key)
{
    if (c->n >= FOLD_CACHE_MAX)
        return;
    if ((c->n + 1) * 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        fold_cache g = {calloc(cap, sizeof(fold_slot)), cap, c->n};
        if (!g.slots)
            return;
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i].name)
                *fold_find(&g, c->slots[i].name) = c->slots[i];
        free(c->slots);
        *c = g;
    }
    fold_slot *sl = fold_find(c, name);
    if (sl->name)
        return;
    char *n = strdup(name), *k = strdup(key);
    if (!n || !k) {
        free(n);
        free(k);
        return;
    }
    sl->name = n;
    sl->key = k;
    c->n++;
}

/* td_store_fold through the store's table of folded names; out is
 * cleared first. */
static td_status fold_cached(td_store *st, const char *name, td_buf *out)
{
    td_buf_clear(out);
    if (st->folds.cap) {
        fold_slot *sl = fold_find(&st->folds, name);
        if (sl->name) {
            size_t n = strlen(sl->key);
            td_status s = td_buf_reserve(out, n + 1);
            if (s == TD_OK) {
                memcpy(out->ptr, sl->key, n + 1); /* with its NUL, as td_store_fold */
                out->len = n;
            }
            return s;
        }
    }
    td_status s = td_store_fold(st, name, out);
    if (s == TD_OK)
        fold_remember(&st->folds, name, out->ptr ? out->ptr : "");
    return s;
}

/* ---- dates ------------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

static int digits(const char *s, int n);

/* The Julian day number of "YYYY-MM-DD" as SQLite's
 * CAST(julianday(d) AS INTEGER) gives it (the day that begins at its
 * noon before: 2440587 for 1970-01-01); 0 for no date. */
static sqlite3_int64 julian_day(const char *d)
{
    if (!d || strlen(d) < 10)
        return 0;
    int y = digits(d, 4), m = digits(d + 5, 2), dd = digits(d + 8, 2);
    if (y < 0 || m < 1 || m > 12 || dd < 1)
        return 0;
    /* days from 1970-01-01 (H. Hinnant's days_from_civil) */
    long long yy = y - (m <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400, mp = (m + 9) % 12;
    long long doy = (153 * mp + 2) / 5 + dd - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return 2440587 + era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool td_store_date_interval(const char *v, td_precision prec, char lo[11], char hi[11])
{
    if (!v)
        return false;
    size_t len = strlen(v);
    int y = len >= 4 ? digits(v, 4) : -1, m = -1, d = -1;
    if (y < 0 || (len > 4 && v[4] != '-' && v[4] != 'T'))
        return false;
    if (len >= 7 && v[4] == '-')
        m = digits(v + 5, 2);
    if (m >= 1 && m <= 12 && len >= 10 && v[7] == '-')
        d = digits(v + 8, 2);
    if (m < 1 || m > 12)
        m = -1;
    if (m < 0 || d < 1 || d > days_in_month(y, m))
        d = -1;
    td_precision have = d > 0 ? TD_PREC_DAY : m > 0 ? TD_PREC_MONTH : TD_PREC_YEAR;
    if (prec != TD_PREC_UNKNOWN && prec < have)
        have = prec;
    char a[32], b[32];
    if (have == TD_PREC_YEAR) {
        snprintf(a, sizeof a, "%04d-01-01", y);
        snprintf(b, sizeof b, "%04d-12-31", y);
    } else if (have == TD_PREC_MONTH) {
        snprintf(a, sizeof a, "%04d-%02d-01", y, m);
        snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, days_in_month(y, m));
    } else {
        snprintf(a, sizeof a, "%04d-%02d-%02d", y, m, d);
        memcpy(b, a, sizeof b);
    }
    memcpy(lo, a, 10);
    lo[10] = '\0';
    memcpy(hi, b, 10);
    hi[10] = '\0';
    return true;
}

/* ---- compressed records -----------------------------------------------
 * documents.record holds the JSON record as the sqlite3 shell's sqlar
 * extension stores a file: a zlib stream (compress2), or the bytes as they
 * are when compressing does not make them smaller; record_size is the
 * size uncompressed, so sqlar_uncompress(record, record_size) gives the
 * record back, in the shell as in tidings (both functions are registered
 * on every connection of a store). Records are compressed at the fastest
 * level: at 6.8 KB a record, level 1 leaves 33% of it, the default level
 * 30%, for 1.6 times the time. */
#define RECORD_ZLEVEL 1
/* A 16 KB window and a 16 KB hash table (memLevel 6) instead of zlib's
 * 32 KB and 64 KB defaults: setting up and clearing those cost a third of
 * compressing a 6.8 KB record, for the same size within 1%. */
#define RECORD_ZWBITS 14
#define RECORD_ZMEMLEVEL 6

/* Compress n bytes at p into out (cleared first); out is left empty when
 * that does not make them smaller. */
static td_status record_compress(const void *p, size_t n, td_buf *out)
{
    td_buf_clear(out);
    if (n == 0 || n > 0x7fffffff)
        return TD_OK; /* stored as it is */
    z_stream z;
    memset(&z, 0, sizeof z);
    uLong bound = compressBound((uLong)n);
    td_status s = td_buf_reserve(out, (size_t)bound + 1);
    if (s != TD_OK)
        return s;
    if (deflateInit2(&z, RECORD_ZLEVEL, Z_DEFLATED, RECORD_ZWBITS, RECORD_ZMEMLEVEL,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return TD_ENOMEM;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->ptr;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t dl = (size_t)z.total_out;
    deflateEnd(&z);
    if (rc == Z_STREAM_END && dl < n)
        out->len = dl;
    return TD_OK;
}

/* sqlar_compress(X) */
static void sqlar_compress_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(cx, argv[0]);
        return;
    }
    const void *p = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    td_buf out;
    td_buf_init(&out, 0);
    if (record_compress(p, (size_t)n, &out) != TD_OK)
        sqlite3_result_error_nomem(cx);
    else if (out.len)
        sqlite3_result_blob(cx, out.ptr, (int)out.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_value(cx, argv[0]);
    td_buf_release(&out);
}

/* sqlar_uncompress(X, SIZE), as text */
static void sqlar_uncompress_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_int64 sz = sqlite3_value_int64(argv[1]);
    int n = sqlite3_value_bytes(argv[0]);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    if (sz <= 0 || sz == n) {
        const unsigned char *t = sqlite3_value_text(argv[0]);
        sqlite3_result_text(cx, (const char *)t, sqlite3_value_bytes(argv[0]), SQLITE_TRANSIENT);
        return;
    }
    if (sz > 0x7fffffff) {
        sqlite3_result_error(cx, "sqlar_uncompress: size too large", -1);
        return;
    }
    const void *p = sqlite3_value_blob(argv[0]);
    char *out = sqlite3_malloc64((sqlite3_uint64)sz);
    uLongf ol = (uLongf)sz;
    if (!out)
        sqlite3_result_error_nomem(cx);
    else if (uncompress((Bytef *)out, &ol, p, (uLong)n) != Z_OK)
        sqlite3_result_error(cx, "sqlar_uncompress: not a zlib stream of that size", -1);
    else
        sqlite3_result_text(cx, out, (int)ol, SQLITE_TRANSIENT);
    sqlite3_free(out);
}

static int register_functions(sqlite3 *db)
{
    int rc = sqlite3_create_function(db, "sqlar_compress", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     sqlar_compress_fn, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "sqlar_uncompress", 2,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     NULL, sqlar_uncompress_fn, NULL, NULL);
    return rc;
}

/* ---- opening ----------------------------------------------------------- */

static td_status exec(td_store *st, const char *sql, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? TD_OK : db_fail(st, rc, what);
}

static td_status pragma_int(td_store *st, const char *sql, long long *v)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_fail(st, rc, "cannot read the database");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(st, rc, "cannot read the database");
    return TD_OK;
}

/* The checkpointer thread: a passive checkpoint whenever a commit asks. */
static void *ckpt_main(void *arg)
{
    ckpt *k = arg;
    pthread_mutex_lock(&k->mu);
    for (;;) {
        while (!k->want && !k->stop)
            pthread_cond_wait(&k->cv, &k->mu);
        if (k->stop)
            break;
        k->want = false;
        k->busy = true;
        pthread_mutex_unlock(&k->mu);
        sqlite3_wal_checkpoint_v2(k->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&k->mu);
        k->busy = false;
        k->runs++;
        pthread_cond_broadcast(&k->cv);
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

/* Start the checkpointer (on the first checkpoint); false: checkpoint
 * inline instead. */
static bool ckpt_start(td_store *st)
{
    ckpt *k = &st->ck;
    if (k->started)
        return true;
    if (k->db)
        return false; /* tried and failed before */
    /* a connection checkpoints only once it has read the database (it then
     * knows the WAL) */
    if (sqlite3_open_v2(st->path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(k->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
            SQLITE_OK)
        return false;
    k->started = pthread_create(&k->thread, NULL, ckpt_main, k) == 0;
    return k->started;
}

/* After every commit (sqlite3_wal_hook), on the writer's thread. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    td_store *st = arg;
    ckpt *k = &st->ck;
    pthread_mutex_lock(&k->mu);
    int at = k->at;
    pthread_mutex_unlock(&k->mu);
    if (frames < at)
        return SQLITE_OK;
    if (!ckpt_start(st)) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&k->mu);
        k->runs++;
        pthread_mutex_unlock(&k->mu);
        return SQLITE_OK;
    }
    pthread_mutex_lock(&k->mu);
    k->frames = frames;
    k->want = true;
    pthread_cond_broadcast(&k->cv);
    pthread_mutex_unlock(&k->mu);
    return SQLITE_OK;
}

/* Before a write transaction: when the WAL has grown long, wait for the
 * checkpoint under way, so that this transaction starts the WAL over. */
static void ckpt_wait(td_store *st)
{
    ckpt *k = &st->ck;
    if (!k->started)
        return;
    pthread_mutex_lock(&k->mu);
    if (k->frames >= k->at * (CKPT_WAIT_FRAMES / CKPT_FRAMES)) {
        while (k->want || k->busy)
            pthread_cond_wait(&k->cv, &k->mu);
        k->frames = 0;
    }
    pthread_mutex_unlock(&k->mu);
}

/* Stop the checkpointer (td_store_close; closing the last connection then
 * checkpoints what is left). */
static void ckpt_stop(td_store *st)
{
    ckpt *k = &st->ck;
    if (k->started) {
        pthread_mutex_lock(&k->mu);
        k->stop = true;
        pthread_cond_broadcast(&k->cv);
        pthread_mutex_unlock(&k->mu);
        pthread_join(k->thread, NULL);
    }
    sqlite3_close(k->db);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->cv);
}

/* Create or migrate the schema (writable stores). */
static td_status migrate(td_store *st)
{
    long long ver = 0, tables = 0;
    td_status s = pragma_int(st, "PRAGMA user_version", &ver);
    if (s != TD_OK || ver == TD_STORE_SCHEMA_VERSION)
        return s; /* up to date: no write lock needed */
    s = exec(st, "BEGIN IMMEDIATE", "cannot lock the database");
    if (s != TD_OK)
        return s;
    s = pragma_int(st, "PRAGMA user_version", &ver);
    if (s == TD_OK)
        s = pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables);
    if (s == TD_OK && ver == 0 && tables > 0) {
        set_err(st, "not a tidings database (it has tables but no tidings schema version)");
        s = TD_EDB;
    } else if (s == TD_OK && ver > TD_STORE_SCHEMA_VERSION) {
        set_err(st, "the database has schema version %lld, newer than this tidings (%d): "
                    "upgrade tidings", ver, TD_STORE_SCHEMA_VERSION);
        s = TD_EDB;
    }
    for (; s == TD_OK && ver < TD_STORE_SCHEMA_VERSION; ver++) {
        td_buf schema;
        td_buf_init(&schema, 0);
        const char *sql = migrations[ver];
        if (ver == 0) {
            s = td_store_schema(&schema);
            sql = schema.ptr;
        }
        if (s == TD_OK)
            s = exec(st, sql, "cannot create the schema");
        td_buf_release(&schema);
        if (ver == 0)
            ver = TD_STORE_SCHEMA_VERSION - 1; /* the whole schema is the newest */
        if (s == TD_OK) {
            char q[64];
            snprintf(q, sizeof q, "PRAGMA user_version = %lld", ver + 1);
            s = exec(st, q, "cannot set the schema version");
        }
    }
    if (s == TD_OK)
        return exec(st, "COMMIT", "cannot create the schema");
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return s;
}

static td_status check_version(td_store *st)
{
    long long ver = 0;
    td_status s = pragma_int(st, "PRAGMA user_version", &ver);
    if (s != TD_OK)
        return s;
    if (ver == TD_STORE_SCHEMA_VERSION)
        return TD_OK;
    if (ver == 0)
        set_err(st, "not a tidings database");
    else if (ver > TD_STORE_SCHEMA_VERSION)
        set_err(st, "the database has schema version %lld, newer than this tidings (%d)", ver,
                TD_STORE_SCHEMA_VERSION);
    else
        set_err(st, "the database has schema version %lld: run 'tidings ingest' once to "
                    "migrate it to version %d", ver, TD_STORE_SCHEMA_VERSION);
    return TD_EDB;
}

static td_status open_db(td_store *st, const char *path)
{
    bool ro = (st->flags & TD_STORE_READONLY) != 0;
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (ro && !exists) {
        set_err(st, "%s: no database here (run 'tidings ingest' first)", path);
        return TD_ENOENT;
    }
    if (exists && S_ISDIR(sb.st_mode)) {
        set_err(st, "%s: is a directory, not a database", path);
        return TD_EUSAGE;
    }
    if (!ro && exists && access(path, W_OK) != 0) {
        set_err(st, "%s: the database file is read-only (%s)", path, strerror(errno));
        return TD_EDB;
    }
    int oflags = ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        td_status s = db_fail(st, rc, path);
        if ((rc & 0xff) == SQLITE_CANTOPEN)
            set_err(st, "%s: cannot open or create the database (is the directory there and "
                        "writable?)", path);
        return s;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, st->busy_ms);
    rc = register_functions(st->db);
    if (rc != SQLITE_OK)
        return db_fail(st, rc, path);
    if (!ro && sqlite3_db_readonly(st->db, "main") == 1) {
        set_err(st, "%s: the database is read-only", path);
        return TD_EDB;
    }
    char what[1200];
    snprintf(what, sizeof what, "%s", path);
    /* Check the file is a database before changing the journal mode. */
    long long n = 0;
    td_status s = pragma_int(st, "SELECT count(*) FROM sqlite_master", &n);
    if (s != TD_OK) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", st->err);
        set_err(st, "%s: %s", path, tmp);
        return s;
    }
    if (!ro) {
        sqlite3_stmt *q;
        rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &q, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
            const char *mode = (const char *)sqlite3_column_text(q, 0);
            if (!mode || strcmp(mode, "wal") != 0) {
                set_err(st, "%s: cannot switch the database to WAL mode (journal mode %s)", path,
                        mode ? mode : "?");
                sqlite3_finalize(q);
                return TD_EDB;
            }
            rc = SQLITE_OK;
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_OK)
            return db_fail(st, rc, what);
        /* a checkpoint (and its fsync) every 32 MB of WAL rather than 4 MB,
         * on the checkpointer's thread (wal_hook replaces the automatic
         * checkpoints); a 256 MB page cache keeps the index pages that
         * inserts touch in memory as the database grows past 100k
         * documents */
        s = exec(st, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; "
                     "PRAGMA journal_size_limit = 67108864; "
                     "PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF",
                 what);
        if (s == TD_OK)
            sqlite3_wal_hook(st->db, wal_hook, st);
        if (s == TD_OK)
            s = migrate(st);
    } else {
        /* Queries read the file through mmap; the page cache still takes
         * a fresh page of memory (a page fault) for every page a query
         * touches until it is full, so it is kept small (512 KB): a query
         * that touches 2,000 pages took 1,800 more page faults with 32 MB */
        s = exec(st, "PRAGMA cache_size = -512; PRAGMA query_only = 1; "
                     "PRAGMA mmap_size = 1073741824", what);
        if (s == TD_OK)
            s = check_version(st);
    }
    if (s != TD_OK && strncmp(st->err, path, strlen(path)) != 0) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", st->err);
        set_err(st, "%s: %s", path, tmp);
    }
    return s;
}

static td_status prepare_all(td_store *st)
{
    for (int i = 0; i < S_COUNT; i++) {
        int rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                    &st->stmt[i], NULL);
        if (rc != SQLITE_OK)
            return db_fail(st, rc, "cannot prepare a statement");
    }
    return TD_OK;
}

td_status td_store_open(const char *path, unsigned flags, td_store **out, char **err)
{
    if (err)
        *err = NULL;
    td_store *st = calloc(1, sizeof *st);
    if (!st)
        return TD_ENOMEM;
    st->flags = flags;
    st->busy_ms = TD_STORE_DEFAULT_BUSY_MS;
    st->qday_base = -1;
    st->ck.at = CKPT_FRAMES;
    pthread_mutex_init(&st->ck.mu, NULL);
    pthread_cond_init(&st->ck.cv, NULL);
    st->path = strdup(path);
    td_status s = st->path ? load_rules(st) : TD_ENOMEM;
    if (s == TD_OK)
        s = open_db(st, path);
    if (s == TD_OK && !(flags & TD_STORE_READONLY))
        s = prepare_all(st);
    if (s != TD_OK) {
        if (err)
            *err = strdup(st->err[0] ? st->err : td_strerror(s));
        td_store_close(st);
        return s;
    }
    *out = st;
    return TD_OK;
}

void td_store_close(td_store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        td_store_rollback(st);
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    cache_clear(&st->cache);
    fold_cache_clear(&st->folds);
    for (int i = 0; i < 4; i++)
        td_buf_release(&st->scratch[i]);
    free(st->qfts.v);
    td_buf_release(&st->qfts.text);
    ckpt_stop(st);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

void td_store_set_busy_timeout(td_store *st, int ms)
{
    st->busy_ms = ms < 0 ? 0 : ms;
    sqlite3_busy_timeout(st->db, st->busy_ms);
}

void td_store_set_checkpoint_frames(td_store *st, int frames)
{
    pthread_mutex_lock(&st->ck.mu);
    st->ck.at = frames < 1 ? 1 : frames;
    pthread_mutex_unlock(&st->ck.mu);
}

long td_store_checkpoints(td_store *st)
{
    pthread_mutex_lock(&st->ck.mu);
    long n = st->ck.runs;
    pthread_mutex_unlock(&st->ck.mu);
    return n;
}

const char *td_store_error(const td_store *st) { return st->err; }

sqlite3 *td_store_db(td_store *st) { return st->db; }

static int qfts_cmp(const void *a, const void *b)
{
    sqlite3_int64 x = ((const qfts_entry *)a)->id, y = ((const qfts_entry *)b)->id;
    return x < y ? -1 : x > y;
}

/* Write the pending quotes_fts entries, in rowid order. */
static td_status qfts_flush(td_store *st)
{
    qfts_list *q = &st->qfts;
    if (q->n == 0)
        return TD_OK;
    qsort(q->v, q->n, sizeof *q->v, qfts_cmp);
    sqlite3_stmt *f = st->stmt[S_QFTS_INS];
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < q->n && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(f, 1, q->v[i].id);
        sqlite3_bind_text(f, 2, q->text.ptr ? q->text.ptr + q->v[i].off : "", (int)q->v[i].len,
                          SQLITE_STATIC);
        rc = sqlite3_step(f);
        sqlite3_reset(f);
    }
    sqlite3_clear_bindings(f);
    q->n = 0;
    td_buf_clear(&q->text);
    return rc == SQLITE_DONE ? TD_OK : db_fail(st, rc, "cannot index a quote");
}

/* Keep a quote's quotes_fts entry for qfts_flush. */
static td_status qfts_add(td_store *st, sqlite3_int64 id, const char *text, size_t len)
{
    qfts_list *q = &st->qfts;
    if (q->text.len + len > QFTS_MAX_TEXT) {
        td_status s = qfts_flush(st);
        if (s != TD_OK)
            return s;
    }
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 1024;
        qfts_entry *v = realloc(q->v, cap * sizeof *v);
        if (!v)
            return TD_ENOMEM;
        q->v = v;
        q->cap = cap;
    }
    td_status s = td_buf_append(&q->text, text, len);
    if (s != TD_OK)
        return s;
    q->v[q->n++] = (qfts_entry){id, q->text.len - len, len};
    return TD_OK;
}

td_status td_store_begin(td_store *st)
{
    if (st->in_tx)
        return TD_OK;
    ckpt_wait(st);
    td_status s = exec(st, "BEGIN IMMEDIATE", "cannot start a transaction");
    st->in_tx = s == TD_OK;
    long long v = 0;
    if (s == TD_OK)
        s = pragma_int(st, "PRAGMA data_version", &v);
    if (s != TD_OK) {
        if (st->in_tx)
            td_store_rollback(st);
        return s;
    }
    if (!st->cache_valid || v != st->data_version)
        cache_clear(&st->cache); /* another connection wrote: its ids may differ */
    st->data_version = v;
    st->cache_valid = true;
    st->qday_base = -1;
    return TD_OK;
}

td_status td_store_commit(td_store *st)
{
    if (!st->in_tx)
        return TD_OK;
    td_status s = qfts_flush(st);
    if (s == TD_OK)
        s = exec(st, "COMMIT", "cannot commit");
    if (s != TD_OK) {
        td_store_rollback(st);
        return s;
    }
    st->in_tx = false;
    return TD_OK;
}

void td_store_rollback(td_store *st)
{
    if (sqlite3_get_autocommit(st->db) == 0)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = false;
    st->cache_valid = false;
    st->qday_base = -1;
    st->qfts.n = 0;
    td_buf_clear(&st->qfts.text);
    cache_clear(&st->cache);
}

/* ---- storing a document ------------------------------------------------ */

typedef struct put_ctx {
    td_store *st;
    const td_doc *doc;
    sqlite3_int64 docid;
    sqlite3_int64 *ent_map; /* local entity id -> entities.entity */
    int ent_max;
    td_buf tmp, key;
    td_buf ck;    /* the entity cache key */
    td_buf spans; /* an entity's mentions, as JSON */
    char date_lo[11]; /* the document's date_lo ("" when undated) */
} put_ctx;

/* ---- hashes ------------------------------------------------------------
 * documents.hash (the content: text, input title, date, url) and
 * documents.record_hash (the record but its "source") tell a re-ingested
 * document from a changed one. They are "2:" and 32 hex digits: two
 * 64-bit lanes of xxHash64's round over 8-byte words (read little-endian,
 * so the same on every machine), each field followed by its length, and
 * xxHash64's final mix. Rows stored before (32 hex digits, no "2:") hold
 * a two-lane FNV-1a of the same bytes, byte by byte (legacy_*), about 10
 * times the instructions: a document found with such a hash is compared
 * by that one (same_hash). */
#define HASH_P1 0x9e3779b185ebca87ull
#define HASH_P2 0xc2b2ae3d27d4eb4full
#define HASH_P3 0x165667b19e3779f9ull

static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static uint64_t hash_round(uint64_t acc, uint64_t w)
{
    return rotl64(acc + w * HASH_P2, 31) * HASH_P1;
}

static uint64_t hash_final(uint64_t h)
{
    h ^= h >> 33;
    h *= HASH_P2;
    h ^= h >> 29;
    h *= HASH_P3;
    return h ^ (h >> 32);
}

/* Hash n bytes at s into the two lanes, then their length. */
static void hash_field(uint64_t h[2], const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t a = h[0], b = h[1];
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a = hash_round(a, le64(p + i));
        b = hash_round(b, le64(p + i + 8));
    }
    if (i + 8 <= n) {
        a = hash_round(a, le64(p + i));
        i += 8;
    }
    uint64_t w = 0;
    for (size_t k = 0; i + k < n; k++)
        w |= (uint64_t)p[i + k] << (8 * k);
    b = hash_round(b, w);
    a = hash_round(a, (uint64_t)n);
    h[0] = a;
    h[1] = b;
}

static void hash_init(uint64_t h[2])
{
    h[0] = HASH_P1 + HASH_P2;
    h[1] = HASH_P2 ^ HASH_P3;
}

static void hash_hex(uint64_t h[2], char out[TD_STORE_HASH_SIZE])
{
    uint64_t a = hash_final(h[0] + rotl64(h[1], 17)), b = hash_final(h[1] ^ h[0] * HASH_P3);
    snprintf(out, TD_STORE_HASH_SIZE, "2:%016llx%016llx", (unsigned long long)a,
             (unsigned long long)b);
}

static void legacy_field(uint64_t h[2], const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h[0] = (h[0] ^ (unsigned char)s[i]) * 1099511628211ull;
        h[1] = (h[1] ^ (unsigned char)s[i]) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    }
    h[0] = (h[0] ^ 0x1f) * 1099511628211ull; /* field separator */
    h[1] = (h[1] ^ 0x1e) * 0x100000001b3ull;
}

static void legacy_init(uint64_t h[2])
{
    h[0] = 1469598103934665603ull;
    h[1] = 0x84222325cbf29ce4ull;
}

static void legacy_hex(uint64_t h[2], char out[TD_STORE_HASH_SIZE])
{
    snprintf(out, TD_STORE_HASH_SIZE, "%016llx%016llx", (unsigned long long)h[0],
             (unsigned long long)h[1]);
}

typedef struct hasher {
    void (*init)(uint64_t h[2]);
    void (*field)(uint64_t h[2], const char *s, size_t n);
    void (*hex)(uint64_t h[2], char out[TD_STORE_HASH_SIZE]);
} hasher;

static const hasher hash_v2 = {hash_init, hash_field, hash_hex};
static const hasher hash_legacy = {legacy_init, legacy_field, legacy_hex};

static void content_hash(const hasher *hs, const td_doc *doc, char out[TD_STORE_HASH_SIZE])
{
    uint64_t h[2];
    hs->init(h);
    const char *f[] = {doc->in_title, doc->in_date, doc->url};
    hs->field(h, doc->base ? doc->base : "", doc->base_len);
    for (int i = 0; i < 3; i++)
        hs->field(h, f[i] ? f[i] : "\x01", f[i] ? strlen(f[i]) : 1);
    hs->hex(h, out);
}

/* Where the top-level "source" object of a record written by
 * td_record_write lies ([*a, *b)), found without parsing the whole record:
 * its members before "source" are strings ("id", "lang"; compact or with a
 * space after ':'), and the object holds strings, numbers and null only.
 * False when the record is not like that (it is then parsed). */
static bool source_member(const char *rec, size_t len, size_t *a, size_t *b)
{
    const char *end = rec + len, *lim = rec + (len < 4096 ? len : 4096);
    if (len < 2 || rec[0] != '{')
        return false;
    for (const char *p = rec + 1; p < lim; p++) {
        if (*p == '{' || *p == '[')
            return false; /* another object or array first */
        if (*p != '"')
            continue;
        if (end - p > 8 && memcmp(p, "\"source\"", 8) == 0) {
            const char *v = p + 8;
            while (v < end && *v == ' ')
                v++;
            if (v < end && *v == ':') { /* the key, not a value */
                for (v++; v < end && *v == ' '; v++)
                    ;
                if (v >= end || *v != '{')
                    return false;
                for (const char *q = v + 1; q < end; q++) {
                    if (*q == '"') {
                        for (q++; q < end && *q != '"'; q++)
                            if (*q == '\\')
                                q++;
                    } else if (*q == '{' || *q == '[') {
                        return false;
                    } else if (*q == '}') {
                        *a = (size_t)(v - rec);
                        *b = (size_t)(q + 1 - rec);
                        return true;
                    }
                }
                return false;
            }
        }
        for (p++; p < end && *p != '"'; p++) /* skip the string */
            if (*p == '\\')
                p++;
    }
    return false;
}

/* The record's hash, leaving out its "source" (where the document was read
 * from): reading the same document from another file is no change. */
static void record_hash(const hasher *hs, const char *rec, size_t len,
                        char out[TD_STORE_HASH_SIZE])
{
    uint64_t h[2];
    hs->init(h);
    td_json_member m[64];
    size_t n = 0, eo, a = 0, b = 0;
    const char *ew;
    const td_json_member *src = NULL;
    bool found = source_member(rec, len, &a, &b);
    if (!found && td_json_object(rec, len, m, 64, &n, &eo, &ew) == TD_OK &&
        (src = td_json_get(m, n, "source")) != NULL) {
        a = (size_t)(src->raw - rec);
        b = a + src->raw_len;
        found = true;
    }
    if (found) {
        hs->field(h, rec, a);
        hs->field(h, rec + b, len - b);
    } else {
        hs->field(h, rec, len);
    }
    hs->hex(h, out);
}

/* Whether a stored hash is the one computed now (have, "2:..."); one
 * stored in the legacy form is compared with the legacy hash of the
 * document (record NULL) or of the record. */
static bool same_hash(const char *stored, const char *have, const td_doc *doc,
                      const char *record, size_t record_len)
{
    if (!stored)
        return false;
    if (strncmp(stored, "2:", 2) == 0)
        return strcmp(stored, have) == 0;
    char old[TD_STORE_HASH_SIZE];
    if (record)
        record_hash(&hash_legacy, record, record_len, old);
    else
        content_hash(&hash_legacy, doc, old);
    return strcmp(stored, old) == 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* A span of the document as base offsets, kept inside the base text. */
static td_span base_span(const put_ctx *c, td_span sp)
{
    td_span b = td_doc_span_to_base(c->doc, sp);
    if (b.e > c->doc->base_len)
        b.e = (uint32_t)c->doc->base_len;
    if (b.s > b.e)
        b.s = b.e;
    return b;
}

static void bind_span_text(put_ctx *c, sqlite3_stmt *s, int i, td_span sp)
{
    td_span b = base_span(c, sp);
    sqlite3_bind_int64(s, i, b.s);
    sqlite3_bind_int64(s, i + 1, b.e);
    sqlite3_bind_text(s, i + 2, c->doc->base ? c->doc->base + b.s : "", (int)(b.e - b.s),
                      SQLITE_STATIC);
}

/* Run a bound statement to its end and reset it. */
static td_status step(put_ctx *c, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return TD_OK;
    return db_fail(c->st, rc, what);
}

/* The body as the record's "text", NUL-terminated. */
static td_status body_text(const td_doc *doc, td_buf *b)
{
    td_status s = td_doc_body_text(doc, b);
    return s == TD_OK ? td_buf_putc(b, '\0') : s;
}

static td_precision precision_of(const char *v)
{
    size_t n = v ? strlen(v) : 0;
    return n >= 10 ? TD_PREC_DAY : n >= 7 ? TD_PREC_MONTH : n >= 4 ? TD_PREC_YEAR
                                                                   : TD_PREC_UNKNOWN;
}

/* Bind the 21 document columns (?1 to ?21; ?13 is record_size). */
static td_status bind_doc(put_ctx *c, sqlite3_stmt *s, const td_store_prep *p,
                          const char *record, size_t record_len)
{
    const td_doc *d = c->doc;
    const char *hash = p->hash, *rhash = p->record_hash;
    const td_buf *body = &p->body;
    const char *date = d->date.value;
    td_precision prec = d->date.precision;
    const char *source = d->date.source;
    if (!date && d->in_date) { /* the caller's word, when no stage set one */
        date = d->in_date;
        prec = precision_of(date);
        source = "input";
    }
    char lo[11], hi[11];
    bool has = td_store_date_interval(date, prec, lo, hi);
    if (has) {
        /* the value as far as its precision goes ("2022-01-01", year: "2022") */
        if (prec == TD_PREC_UNKNOWN || prec > precision_of(date))
            prec = precision_of(date);
    } else {
        prec = TD_PREC_UNKNOWN;
    }
    sqlite3_bind_text(s, 1, d->id ? d->id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, rhash, -1, SQLITE_STATIC);
    bind_text(s, 4, d->path);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)d->offset);
    if (d->line > 0)
        sqlite3_bind_int64(s, 6, d->line);
    else
        sqlite3_bind_null(s, 6);
    bind_text(s, 7, d->url);
    bind_text(s, 8, d->warc_record_id);
    bind_text(s, 9, d->lang);
    bind_text(s, 10, d->title ? d->title : d->in_title);
    bind_text(s, 11, d->caption);
    bind_text(s, 12, body->ptr);
    if (has) {
        size_t vl = prec == TD_PREC_DAY ? 10 : prec == TD_PREC_MONTH ? 7 : 4;
        sqlite3_bind_text(s, 14, date, (int)vl, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(s, 14);
    }
    sqlite3_bind_text(s, 15, td_precision_name(prec), -1, SQLITE_STATIC);
    bind_text(s, 16, has ? source : NULL);
    bind_text(s, 17, d->date.header);
    bind_text(s, 18, d->date.note);
    if (has) {
        memcpy(c->date_lo, lo, sizeof c->date_lo);
        sqlite3_bind_text(s, 19, lo, 10, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 20, hi, 10, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_null(s, 19);
        sqlite3_bind_null(s, 20);
    }
    if (p->record.len)
        sqlite3_bind_blob(s, 21, p->record.ptr, (int)p->record.len, SQLITE_STATIC);
    else
        sqlite3_bind_blob(s, 21, record, (int)record_len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 13, (sqlite3_int64)record_len);
    return TD_OK;
}

/* Last word of a folded name ("" for one word). */
static const char *last_word(const char *key)
{
    const char *sp = strrchr(key, ' ');
    return sp ? sp + 1 : key;
}

/* Fill an entity's role, acronym and CAMEO code where they are NULL. */
static td_status entity_fill(put_ctx *c, const td_entity *e, sqlite3_int64 entity)
{
    sqlite3_stmt *u = c->st->stmt[S_ENT_FILL];
    sqlite3_bind_int64(u, 1, entity);
    bind_text(u, 2, e->role);
    bind_text(u, 3, e->acronym);
    bind_text(u, 4, e->cameo);
    return step(c, u, "cannot update an entity");
}

/* Remember a shared entity for the rest of the transaction. */
static void entity_remember(put_ctx *c, const td_entity *e, sqlite3_int64 entity, bool role,
                            bool acronym, bool cameo)
{
    ent_slot *sl = cache_put(&c->st->cache, c->ck.ptr, entity);
    if (sl) {
        sl->role = role || e->role;
        sl->acronym = acronym || e->acronym;
        sl->cameo = cameo || e->cameo;
    }
}

/* The entity cache key "type\x1fcountry\x1fname" in b (NUL-terminated). */
static td_status cache_key(td_buf *b, const char *type, const char *country, const char *name)
{
    size_t tl = strlen(type), cl = strlen(country), nl = strlen(name);
    td_buf_clear(b);
    td_status s = td_buf_reserve(b, tl + cl + nl + 3);
    if (s != TD_OK)
        return s;
    char *o = b->ptr;
    memcpy(o, type, tl);
    o[tl] = '\x1f';
    memcpy(o + tl + 1, country, cl);
    o[tl + 1 + cl] = '\x1f';
    memcpy(o + tl + cl + 2, name, nl + 1);
    b->len = tl + cl + nl + 2;
    return TD_OK;
}

/* The shared (or, for a bare surname, document-scoped) entity row. */
static td_status entity_row(put_ctx *c, const td_entity *e, const char *name,
                            sqlite3_int64 *out)
{
    td_store *st = c->st;
    const char *type = td_entity_type_name(e->type);
    const char *country = e->country;
    td_status s = cache_key(&c->ck, type, country, name);
    if (s != TD_OK)
        return s;
    ent_slot *sl = cache_find(&st->cache, c->ck.ptr);
    if (sl && sl->key) {
        *out = sl->entity;
        if (!((e->role && !sl->role) || (e->acronym && !sl->acronym) ||
              (e->cameo && !sl->cameo)))
            return TD_OK;
        s = entity_fill(c, e, *out);
        if (s == TD_OK) {
            sl->role = sl->role || e->role;
            sl->acronym = sl->acronym || e->acronym;
            sl->cameo = sl->cameo || e->cameo;
        }
        return s;
    }
    s = fold_cached(st, name, &c->key);
    if (s != TD_OK)
        return s;
    const char *key = c->key.ptr ? c->key.ptr : "";
    if (!*key)
        key = name;
    bool person = e->type == TD_ENT_PERSON;
    sqlite3_int64 scope = person && !strchr(key, ' ') ? c->docid : 0;
    sqlite3_stmt *q = st->stmt[S_ENT_FIND];
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, country, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, scope);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(q, 0);
        bool role = !sqlite3_column_int(q, 1), acronym = !sqlite3_column_int(q, 2),
             cameo = !sqlite3_column_int(q, 3);
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
        if ((e->role && !role) || (e->acronym && !acronym) || (e->cameo && !cameo))
            s = entity_fill(c, e, *out);
        if (s == TD_OK && scope == 0)
            entity_remember(c, e, *out, role, acronym, cameo);
        return s;
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE)
        return db_fail(st, rc, "cannot look up an entity");
    sqlite3_stmt *i = st->stmt[S_ENT_INS];
    sqlite3_bind_text(i, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(i, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(i, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(i, 4, person ? last_word(key) : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(i, 5, country, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i, 6, scope);
    bind_text(i, 7, e->role);
    bind_text(i, 8, e->acronym);
    bind_text(i, 9, e->cameo);
    s = step(c, i, "cannot store an entity");
    if (s == TD_OK) {
        *out = sqlite3_last_insert_rowid(st->db);
        if (scope == 0)
            entity_remember(c, e, *out, false, false, false);
    }
    return s;
}

/* A usable name for an entity: its canonical name, else its first mention. */
static const char *entity_name(put_ctx *c, const td_entity *e)
{
    if (e->name && *e->name)
        return e->name;
    if (e->mentions.n == 0)
        return NULL;
    const td_mention *m = TD_VEC_AT(e->mentions, td_mention, 0);
    td_span b = td_doc_span_to_base(c->doc, m->span);
    if (b.e > c->doc->base_len || b.e <= b.s)
        return NULL;
    td_buf_clear(&c->tmp);
    if (td_buf_append(&c->tmp, c->doc->base + b.s, b.e - b.s) != TD_OK ||
        td_buf_putc(&c->tmp, '\0') != TD_OK)
        return NULL;
    return c->tmp.ptr;
}

/* Write v in decimal at o; the end. */
static char *put_uint(char *o, uint32_t v)
{
    char d[10];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n > 0)
        *o++ = d[--n];
    return o;
}

/* The mentions row of one entity of the document (version 5): its
 * mentions packed as JSON [[start, end, "text", "form"], ...] in c->spans,
 * the first start in *first. */
static td_status mention_spans(put_ctx *c, const td_entity *e, uint32_t *first)
{
    td_buf *b = &c->spans;
    td_buf_clear(b);
    *first = UINT32_MAX;
    for (size_t k = 0; k < e->mentions.n; k++) {
        const td_mention *mn = TD_VEC_AT(e->mentions, td_mention, k);
        td_span sp = base_span(c, mn->span);
        if (sp.s < *first)
            *first = sp.s;
        const char *form = td_mention_form_name(mn->form);
        size_t tl = sp.e - sp.s, fl = strlen(form);
        /* the escaped text takes at most 6 bytes a byte */
        td_status s = td_buf_reserve(b, tl * 6 + fl + 40);
        if (s != TD_OK)
            return s;
        char *o = b->ptr + b->len;
        *o++ = k ? ',' : '[';
        *o++ = '[';
        o = put_uint(o, sp.s);
        *o++ = ',';
        o = put_uint(o, sp.e);
        *o++ = ',';
        o += td_json_escape_quoted(o, c->doc->base ? c->doc->base + sp.s : "", tl);
        *o++ = ',';
        *o++ = '"';
        memcpy(o, form, fl);
        o += fl;
        *o++ = '"';
        *o++ = ']';
        b->len = (size_t)(o - b->ptr);
    }
    if (*first == UINT32_MAX)
        *first = 0;
    return td_buf_append(b, e->mentions.n ? "]" : "[]", e->mentions.n ? 1 : 2);
}

static td_status put_entities(put_ctx *c)
{
    const td_doc *d = c->doc;
    int max = 0;
    for (size_t i = 0; i < d->entities.n; i++) {
        int id = TD_VEC_AT(d->entities, td_entity, i)->id;
        if (id > max && id < (1 << 24))
            max = id;
    }
    c->ent_max = max;
    c->ent_map = calloc((size_t)max + 1, sizeof *c->ent_map);
    if (!c->ent_map)
        return TD_ENOMEM;
    td_status s = TD_OK;
    for (size_t i = 0; i < d->entities.n && s == TD_OK; i++) {
        const td_entity *e = TD_VEC_AT(d->entities, td_entity, i);
        const char *name = entity_name(c, e);
        if (!name)
            continue;
        sqlite3_int64 gid = 0;
        s = entity_row(c, e, name, &gid);
        if (s != TD_OK)
            break;
        if (e->id > 0 && e->id <= max)
            c->ent_map[e->id] = gid;
        if (e->mentions.n == 0)
            continue;
        uint32_t first = 0;
        s = mention_spans(c, e, &first);
        if (s != TD_OK)
            break;
        sqlite3_stmt *m = c->st->stmt[S_MEN_INS];
        sqlite3_bind_int64(m, 1, c->docid);
        sqlite3_bind_int64(m, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(m, 3, e->id);
        sqlite3_bind_int64(m, 4, gid);
        sqlite3_bind_int64(m, 5, (sqlite3_int64)e->mentions.n);
        sqlite3_bind_int64(m, 6, first);
        sqlite3_bind_text(m, 7, c->spans.ptr, (int)c->spans.len, SQLITE_STATIC);
        s = step(c, m, "cannot store the mentions of an entity");
    }
    return s;
}

static td_status spans_json(put_ctx *c, const td_quote *q)
{
    td_buf_clear(&c->tmp);
    td_status s = td_buf_putc(&c->tmp, '[');
    for (size_t k = 0; k < q->spans.n && s == TD_OK; k++) {
        td_span b = td_doc_span_to_base(c->doc, *TD_VEC_AT(q->spans, td_span, k));
        s = td_buf_printf(&c->tmp, "%s[%u,%u]", k ? "," : "", b.s, b.e);
    }
    if (s == TD_OK)
        s = td_buf_append(&c->tmp, "]", 2); /* with its NUL */
    return s;
}

/* The id of a new quote of this document: (day of its date_lo) * 2^31 +
 * its number on that day (one more than the day's last), so that rowid
 * order is date order, then the order quotes were stored in. Undated
 * quotes have day 0 (they come first, as NULL dates sort). */
static td_status quote_id(put_ctx *c, sqlite3_int64 *out)
{
    td_store *st = c->st;
    sqlite3_int64 base = julian_day(c->date_lo) << 31;
    if (st->qday_base != base) {
        sqlite3_stmt *q = st->stmt[S_QDAY_MAX];
        sqlite3_bind_int64(q, 1, base);
        sqlite3_bind_int64(q, 2, base + 0x7fffffffLL);
        int rc = sqlite3_step(q);
        sqlite3_int64 last = rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL
                                 ? sqlite3_column_int64(q, 0)
                                 : base;
        sqlite3_reset(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(st, rc, "cannot number a quote");
        st->qday_base = base;
        st->qday_last = last;
    }
    if (st->qday_last - base >= 0x7fffffffLL) {
        set_err(st, "more than 2,147,483,646 quotes dated %s",
                c->date_lo[0] ? c->date_lo : "never");
        return TD_EDB;
    }
    *out = ++st->qday_last;
    return TD_OK;
}

static td_status put_quote(put_ctx *c, const td_quote *q)
{
    sqlite3_stmt *m = c->st->stmt[S_QUO_INS];
    sqlite3_int64 id = 0;
    td_status s = quote_id(c, &id);
    if (s != TD_OK)
        return s;
    sqlite3_bind_int64(m, 18, id);
    sqlite3_bind_int64(m, 1, c->docid);
    sqlite3_bind_text(m, 2, td_quote_kind_name(q->kind), -1, SQLITE_STATIC);
    bind_span_text(c, m, 3, q->span);
    if (q->spans.n) {
        s = spans_json(c, q);
        if (s != TD_OK)
            return s;
        sqlite3_bind_text(m, 6, c->tmp.ptr, -1, SQLITE_STATIC);
    }
    if (q->has_speaker) {
        if (q->speaker_entity > 0 && q->speaker_entity <= c->ent_max &&
            c->ent_map[q->speaker_entity])
            sqlite3_bind_int64(m, 7, c->ent_map[q->speaker_entity]);
        bind_text(m, 8, q->speaker_name);
        if (q->speaker_name) {
            s = fold_cached(c->st, q->speaker_name, &c->key);
            if (s != TD_OK)
                return s;
            const char *key = c->key.ptr ? c->key.ptr : "";
            sqlite3_bind_text(m, 9, key, -1, SQLITE_STATIC);
            sqlite3_bind_text(m, 10, last_word(key), -1, SQLITE_STATIC);
        }
        bind_span_text(c, m, 11, q->speaker_span);
    }
    if (q->has_cue)
        bind_span_text(c, m, 14, q->cue);
    if (c->date_lo[0])
        sqlite3_bind_text(m, 17, c->date_lo, 10, SQLITE_STATIC);
    s = step(c, m, "cannot store a quote");
    if (s != TD_OK)
        return s;
    td_span b = base_span(c, q->span);
    return qfts_add(c->st, id, c->doc->base ? c->doc->base + b.s : "", b.e - b.s);
}

static td_status put_facts(put_ctx *c)
{
    const td_doc *d = c->doc;
    td_status s = put_entities(c);
    for (size_t i = 0; i < d->quotes.n && s == TD_OK; i++)
        s = put_quote(c, TD_VEC_AT(d->quotes, td_quote, i));
    sqlite3_stmt *m = c->st->stmt[S_TIM_INS];
    for (size_t i = 0; i < d->times.n && s == TD_OK; i++) {
        const td_time *t = TD_VEC_AT(d->times, td_time, i);
        sqlite3_bind_int64(m, 1, c->docid);
        bind_span_text(c, m, 2, t->span);
        sqlite3_bind_text(m, 5, td_time_type_name(t->type), -1, SQLITE_STATIC);
        bind_text(m, 6, t->value);
        bind_text(m, 7, t->mod);
        s = step(c, m, "cannot store a time expression");
    }
    m = c->st->stmt[S_EVT_INS];
    for (size_t i = 0; i < d->events.n && s == TD_OK; i++) {
        const td_event *e = TD_VEC_AT(d->events, td_event, i);
        sqlite3_bind_int64(m, 1, c->docid);
        bind_text(m, 2, e->actor);
        bind_text(m, 3, e->target);
        bind_text(m, 4, e->code);
        bind_span_text(c, m, 5, e->span);
        if (e->quad_class >= 0)
            sqlite3_bind_int(m, 8, e->quad_class);
        if (e->has_goldstein)
            sqlite3_bind_double(m, 9, e->goldstein);
        s = step(c, m, "cannot store an event");
    }
    return s;
}

/* Remove the facts of a document about to be replaced. */
static td_status drop_facts(put_ctx *c)
{
    td_store *st = c->st;
    sqlite3_int64 *old = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *q = st->stmt[S_OLD_ENTS];
    sqlite3_bind_int64(q, 1, c->docid);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            sqlite3_int64 *g = realloc(old, cap * sizeof *old);
            if (!g) {
                free(old);
                sqlite3_reset(q);
                return TD_ENOMEM;
            }
            old = g;
        }
        old[n++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_reset(q);
    td_status s = rc == SQLITE_DONE ? TD_OK : db_fail(st, rc, "cannot read old facts");
    if (s == TD_OK)
        s = qfts_flush(st); /* the old quotes may be among them */
    cache_clear(&st->cache); /* the entities below may go */
    const int del[] = {S_FTS_DEL, S_QFTS_DEL, S_DEL_MEN, S_DEL_QUO, S_DEL_TIM, S_DEL_EVT, S_DEL_SCOPED};
    for (size_t i = 0; i < sizeof del / sizeof del[0] && s == TD_OK; i++) {
        sqlite3_bind_int64(st->stmt[del[i]], 1, c->docid);
        s = step(c, st->stmt[del[i]], "cannot remove old facts");
    }
    for (size_t i = 0; i < n && s == TD_OK; i++) {
        sqlite3_bind_int64(st->stmt[S_ENT_GC], 1, old[i]);
        s = step(c, st->stmt[S_ENT_GC], "cannot remove old entities");
    }
    free(old);
    return s;
}

static td_status put_doc(put_ctx *c, const char *record, size_t record_len,
                         const td_store_prep *p, td_store_result *result)
{
    td_store *st = c->st;
    sqlite3_stmt *f = st->stmt[S_FIND];
    sqlite3_bind_text(f, 1, c->doc->id ? c->doc->id : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(f);
    bool found = rc == SQLITE_ROW;
    bool same = false, same_rec = false;
    if (found) {
        c->docid = sqlite3_column_int64(f, 0);
        const char *h = (const char *)sqlite3_column_text(f, 1);
        const char *rh = (const char *)sqlite3_column_text(f, 2);
        same = same_hash(h, p->hash, c->doc, NULL, 0);
        same_rec = same && same_hash(rh, p->record_hash, NULL, record, record_len);
    }
    sqlite3_reset(f);
    sqlite3_clear_bindings(f);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(st, rc, "cannot look up the document");
    bool replace = (st->flags & TD_STORE_REPLACE) != 0;
    if (found && same && (!replace || same_rec)) {
        *result = TD_STORE_UNCHANGED;
        return TD_OK;
    }
    if (found && !replace) {
        *result = TD_STORE_CONFLICT;
        return TD_OK;
    }
    td_status s = TD_OK;
    if (found)
        s = drop_facts(c);
    sqlite3_stmt *w = st->stmt[found ? S_UPD_DOC : S_INS_DOC];
    if (s == TD_OK)
        s = bind_doc(c, w, p, record, record_len);
    if (s == TD_OK && found)
        sqlite3_bind_int64(w, 22, c->docid);
    if (s == TD_OK)
        s = step(c, w, "cannot store the document");
    else {
        sqlite3_reset(w);
        sqlite3_clear_bindings(w);
    }
    if (s == TD_OK && !found)
        c->docid = sqlite3_last_insert_rowid(st->db);
    if (s == TD_OK) {
        const td_doc *d = c->doc;
        sqlite3_stmt *fi = st->stmt[S_FTS_INS];
        sqlite3_bind_int64(fi, 1, c->docid);
        bind_text(fi, 2, d->title ? d->title : d->in_title);
        bind_text(fi, 3, p->body.ptr);
        s = step(c, fi, "cannot index the document");
    }
    if (s != TD_OK)
        return s;
    s = put_facts(c);
    if (s == TD_OK)
        *result = found ? TD_STORE_REPLACED : TD_STORE_STORED;
    return s;
}

/* The record as stored: without its trailing newlines. */
static size_t record_trim(const char *record, size_t record_len)
{
    while (record_len > 0 && record[record_len - 1] == '\n')
        record_len--;
    return record_len;
}

td_status td_store_prepare(const td_doc *doc, const char *record, size_t record_len,
                           td_store_prep *p)
{
    memset(p, 0, sizeof *p);
    td_buf_init(&p->body, 0);
    td_buf_init(&p->record, 0);
    record_len = record_trim(record, record_len);
    content_hash(&hash_v2, doc, p->hash);
    record_hash(&hash_v2, record, record_len, p->record_hash);
    p->record_size = record_len;
    td_status s = body_text(doc, &p->body);
    if (s == TD_OK)
        s = record_compress(record, record_len, &p->record);
    if (s != TD_OK)
        td_store_prep_release(p);
    return s;
}

void td_store_prep_release(td_store_prep *p)
{
    td_buf_release(&p->body);
    td_buf_release(&p->record);
}

td_status td_store_put(td_store *st, const td_doc *doc, const char *record, size_t record_len,
                       td_store_result *result)
{
    if (st->flags & TD_STORE_READONLY) {
        set_err(st, "the store was opened read-only");
        return TD_EUSAGE;
    }
    td_buf own;
    td_buf_init(&own, 0);
    if (!record) {
        td_status s = td_record_write(doc, 0, &own);
        if (s != TD_OK)
            return s;
        record = own.ptr;
        record_len = own.len;
    }
    td_store_prep p;
    td_status s = td_store_prepare(doc, record, record_len, &p);
    if (s == TD_OK) {
        s = td_store_put_prepared(st, doc, record, record_len, &p, result);
        td_store_prep_release(&p);
    }
    td_buf_release(&own);
    return s;
}

td_status td_store_put_prepared(td_store *st, const td_doc *doc, const char *record,
                                size_t record_len, const td_store_prep *prep,
                                td_store_result *result)
{
    if (st->flags & TD_STORE_READONLY) {
        set_err(st, "the store was opened read-only");
        return TD_EUSAGE;
    }
    st->err[0] = '\0';
    record_len = record_trim(record, record_len);
    /* No savepoint per document: FTS5 flushes its pending terms into a new
     * segment at every savepoint, which made ingest 5 times slower. An
     * error rolls the whole transaction back instead. */
    bool own_tx = !st->in_tx;
    td_status s = own_tx ? td_store_begin(st) : TD_OK;
    if (s != TD_OK)
        return s;
    /* the scratch buffers are the store's, kept from document to document */
    put_ctx c = {st, doc, 0, NULL, 0, st->scratch[0], st->scratch[1], st->scratch[2],
                 st->scratch[3], ""};
    td_store_result r = TD_STORE_UNCHANGED;
    s = put_doc(&c, record, record_len, prep, &r);
    free(c.ent_map);
    td_buf *keep_bufs[4] = {&c.tmp, &c.key, &c.ck, &c.spans};
    for (int i = 0; i < 4; i++) {
        if (keep_bufs[i]->cap > SCRATCH_KEEP)
            td_buf_release(keep_bufs[i]);
        st->scratch[i] = *keep_bufs[i];
    }
    if (s != TD_OK) {
        char keep[sizeof st->err];
        memcpy(keep, st->err, sizeof keep);
        td_store_rollback(st);
        memcpy(st->err, keep, sizeof keep);
        if (!st->err[0])
            set_err(st, "%s", td_strerror(s));
    } else if (own_tx) {
        s = td_store_commit(st);
    }
    if (s == TD_OK)
        *result = r;
    return s;
}
