/*
 * store.h - the embedded SQLite store: documents and their facts, FTS5.
 *
 *     td_store *st;  td_store_open("tidings.db", 0, &st, &err)
 *                    td_store_begin(st)                 one transaction per batch
 *                    td_store_put(st, doc, rec, len, &r)  per document
 *                    td_store_commit(st)
 *                    td_store_close(st)
 *
 * The schema is data/schema.sql (compiled in: td_store_schema()), its
 * version PRAGMA user_version; opening an older database migrates it, a
 * newer one is refused.
 *
 * Durability: the database runs in WAL mode with synchronous=NORMAL. A
 * batch is "committed" when td_store_commit() returns TD_OK: from then on it
 * survives the process being killed (kill -9, Ctrl-C, a crash). After an
 * operating-system crash or power loss the last few committed batches may
 * roll back, but the database is never corrupt. An unfinished batch is
 * rolled back as a whole. Readers (the query commands, another process) see
 * the last committed state while an ingest runs.
 *
 * Identity: a document is its id. td_store_put() of an id already stored
 * with the same content hash (text, input title, date, url) changes nothing
 * (TD_STORE_UNCHANGED); with TD_STORE_REPLACE a different content or
 * record (its "source", where it was read from, aside) replaces the old
 * rows (TD_STORE_REPLACED), without it a different content is refused
 * (TD_STORE_CONFLICT). The same text under another id is
 * another document.
 *
 * Errors: functions return a td_status (TD_EBUSY when another process holds
 * the write lock past the busy timeout, TD_EDB otherwise) and
 * td_store_error() says what happened in words (read-only file, disk full,
 * not a tidings database...). One store per thread.
 */
#ifndef TD_STORE_H
#define TD_STORE_H

#include "buf.h"
#include "doc.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define TD_STORE_SCHEMA_VERSION 6
#define TD_STORE_DEFAULT_BUSY_MS 5000

/* data/schema.sql, compiled in (store_schema.c): its lines, each without
 * its newline, NULL-terminated; td_store_schema() appends the whole text
 * (NUL-terminated). */
extern const char *const td_store_schema_lines[];
td_status td_store_schema(td_buf *out);

typedef struct td_store td_store;

enum {
    TD_STORE_READONLY = 1, /* open an existing database for queries only */
    TD_STORE_REPLACE = 2   /* td_store_put replaces changed documents */
};

typedef enum {
    TD_STORE_STORED = 0, /* a new document */
    TD_STORE_UNCHANGED,  /* same id, same content: nothing written */
    TD_STORE_REPLACED,   /* same id, new content or record (TD_STORE_REPLACE) */
    TD_STORE_CONFLICT    /* same id, other content, TD_STORE_REPLACE not given */
} td_store_result;

/* Open (creating it unless TD_STORE_READONLY) the database at path. On
 * failure *err (if not NULL) receives a message to free(). */
td_status td_store_open(const char *path, unsigned flags, td_store **out, char **err);
/* Roll back an open transaction and close. NULL is allowed. */
void td_store_close(td_store *st);

/* How long to wait for another writer's lock (default 5000 ms). */
void td_store_set_busy_timeout(td_store *st, int ms);

/* Checkpoints (copying the WAL back into the database) run on a thread of
 * the store's own, with its own connection, after a commit leaves `frames`
 * pages or more in the WAL (default 8192, 32 MB); td_store_checkpoints()
 * counts those run so far. */
void td_store_set_checkpoint_frames(td_store *st, int frames);
long td_store_checkpoints(td_store *st);

/* The words for the last error on this store ("" when none). */
const char *td_store_error(const td_store *st);

/* Transactions: put() outside begin/commit runs in its own transaction. A
 * put() that fails inside a transaction rolls the whole transaction back
 * (the batch is lost, the database stays as it was before begin). */
td_status td_store_begin(td_store *st);
td_status td_store_commit(td_store *st);
void td_store_rollback(td_store *st);

/* Store a processed document and its record (JSON, as td_record_write
 * wrote it; NULL: written here). */
td_status td_store_put(td_store *st, const td_doc *doc, const char *record, size_t record_len,
                       td_store_result *result);

/* What td_store_put() computes from a document and its record before
 * writing: the hashes that tell whether it changed, the texts of the
 * full-text index (the body) and the compressed record. td_store_prepare() needs no store and may run on
 * another thread than the one that stores (tidings ingest runs it in its
 * sink, on cli_run's main thread, while the writer thread stores earlier
 * documents);
 * td_store_put_prepared() then stores the document as td_store_put()
 * does. Release with td_store_prep_release() (also after a failed
 * prepare). */
/* A hash as stored (documents.hash, record_hash), with its NUL. */
#define TD_STORE_HASH_SIZE 35

typedef struct td_store_prep {
    char hash[TD_STORE_HASH_SIZE], record_hash[TD_STORE_HASH_SIZE];
    td_buf body; /* NUL-terminated */
    /* the record as stored (documents.record): zlib-compressed in the
     * format of the sqlite3 shell's sqlar_compress (empty: stored as it is,
     * compression did not make it smaller), and its size uncompressed
     * (documents.record_size) */
    td_buf record;
    size_t record_size;
} td_store_prep;
td_status td_store_prepare(const td_doc *doc, const char *record, size_t record_len,
                           td_store_prep *p);
td_status td_store_put_prepared(td_store *st, const td_doc *doc, const char *record,
                                size_t record_len, const td_store_prep *prep,
                                td_store_result *result);
void td_store_prep_release(td_store_prep *p);

/* A copy of a processed document with everything td_store_put() reads
 * (store_clone.c), for storing it on another thread; free with
 * td_doc_free(). */
td_status td_store_doc_clone(const td_doc *doc, td_doc **out);

/* Fold a name the way entity keys are folded (case, diacritics,
 * punctuation, transliteration variants: "Sergei Lavrov" and "Sergey
 * LAVROV" give "sergei lavrov"); appends to out. */
td_status td_store_fold(const td_store *st, const char *name, td_buf *out);

/* Interval of days [lo, hi] (YYYY-MM-DD, NUL-terminated, 11 bytes each) a
 * date value of the given precision covers ("2022", year: 2022-01-01 to
 * 2022-12-31). False when the value is not a date. */
bool td_store_date_interval(const char *value, td_precision prec, char lo[11], char hi[11]);

/* Every connection of a store has the SQL functions of the sqlite3
 * shell's sqlar extension: sqlar_compress(X) (a BLOB X zlib-compressed
 * when that makes it smaller, anything else as it is) and
 * sqlar_uncompress(X, SIZE) (X as it is when SIZE is its length, else X
 * uncompressed to SIZE bytes; here returned as text), so that
 * sqlar_uncompress(record, record_size) is a document's JSON record. */

/* The SQLite connection, for queries. */
sqlite3 *td_store_db(td_store *st);

#endif
