/*
 * tidings.h - the public API of libtidings.
 *
 * tidings turns raw news (crawler text dumps, JSON lines, HTML pages, WARC
 * files) into records: title, body, publication date, entities, quotes,
 * time expressions and coded events, every fact with the byte span of its
 * evidence in the document's base text.
 *
 * The life of a document:
 *
 *     td_resources *res;   td_resources_load(&opts, &res)    once per process
 *     td_pipeline  *pl;    td_pipeline_new(res, &pl)         once per thread
 *     td_reader    *rd;    td_reader_open(path, &opts, &rd)  once per input
 *     td_doc       *doc;   td_reader_next(rd, &doc)          per document
 *                          td_pipeline_run(pl, doc)
 *                          td_record_write(doc, flags, &buf)
 *                          td_doc_free(doc)
 *
 * Ownership: every object is freed by the matching *_free function; a
 * document owns everything the stages attach to it (one arena). Functions
 * that can fail return a td_status; results come back through out
 * parameters, which are left untouched on failure. The library never prints,
 * never exits and never aborts: td_reader_error() and td_strerror() give the
 * words, the caller decides where they go.
 */
#ifndef TIDINGS_H
#define TIDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TIDINGS_VERSION "0.1.0"

/* ---- errors ------------------------------------------------------------ */

/* Status codes, stable across versions. X-macro: one list, enum and words. */
#define TD_STATUS_LIST(X)                                                    \
    X(TD_OK, "ok")                                                           \
    X(TD_EOF, "end of input")                                                \
    X(TD_ENOMEM, "out of memory")                                            \
    X(TD_EIO, "read or write error")                                         \
    X(TD_ENOENT, "no such file or directory")                                \
    X(TD_EFORMAT, "malformed input")                                         \
    X(TD_ETOOBIG, "input over the size cap")                                 \
    X(TD_ETRUNC, "truncated input")                                          \
    X(TD_EUSAGE, "invalid argument")                                         \
    X(TD_EDB, "database error")                                              \
    X(TD_EBUSY, "database is locked")                                        \
    X(TD_EINTERNAL, "internal error")

typedef enum {
#define TD_X_ENUM(name, words) name,
    TD_STATUS_LIST(TD_X_ENUM)
#undef TD_X_ENUM
        TD_STATUS_COUNT
} td_status;

/* The words for a status; a static string, never NULL. */
const char *td_strerror(td_status st);

/* ---- limits ------------------------------------------------------------ */

/* One document (its base text) may not exceed this many bytes by default;
 * over it the reader reports TD_ETOOBIG for that document and goes on. */
#define TD_DEFAULT_MAX_DOC_BYTES (16u * 1024u * 1024u)
/* One JSON line may not exceed this (it may hold HTML as well as text). */
#define TD_DEFAULT_MAX_LINE_BYTES (64u * 1024u * 1024u)
/* A gzip stream may not inflate to more than this many times its size. */
#define TD_DEFAULT_MAX_GZIP_RATIO 1000u

/* ---- options and shared resources ------------------------------------- */

typedef struct td_options {
    size_t max_doc_bytes;  /* 0: TD_DEFAULT_MAX_DOC_BYTES */
    size_t max_line_bytes; /* 0: TD_DEFAULT_MAX_LINE_BYTES */
    const char *data_dir;  /* lexicon directory overriding the built-in
                              copies; NULL: $TIDINGS_DATA_DIR, else built in */
    const char *const *user_lexicons; /* extra lexicon files (--lexicon) */
    size_t n_user_lexicons;
    const char *event_dict_dir; /* PETRARCH dictionaries; NULL: built in */
    bool skip_lang;             /* treat every document as English */
} td_options;

/* Read-only resources shared by every pipeline: lexicons, compiled patterns,
 * dictionaries. Thread-safe to share once loaded. */
typedef struct td_resources td_resources;

/* Load the resources. On failure *err (if not NULL) receives a message the
 * caller must free() naming the file and line at fault. */
td_status td_resources_load(const td_options *opts, td_resources **out, char **err);
void td_resources_free(td_resources *res);

/* ---- documents --------------------------------------------------------- */

typedef struct td_doc td_doc;

/* A document made from a string: a JSON input's fields, all optional but
 * text (NULL fields are absent). The text is copied; invalid UTF-8 is
 * repaired (U+FFFD) and counted. */
typedef struct td_doc_input {
    const char *text;
    size_t text_len;
    const char *id, *title, *date, *url;
    const char *path;   /* provenance: file name */
    uint64_t offset;    /* provenance: byte offset in the file */
    long line;          /* provenance: line number, 0 if none */
} td_doc_input;

td_status td_doc_new(const td_doc_input *in, td_doc **out);
void td_doc_free(td_doc *doc);

/* The base text the spans of the record index (valid UTF-8). */
const char *td_doc_base(const td_doc *doc, size_t *len);
/* The document's id (never NULL after td_pipeline_run). */
const char *td_doc_id(const td_doc *doc);

/* ---- readers ----------------------------------------------------------- */

typedef struct td_reader td_reader;

/* Open a file ("-" is standard input). The format (plain text in crawler
 * layout, JSON lines, HTML, WARC, each possibly gzip-compressed) is told
 * from the content. A directory is not a file: see td_path_expand(). */
td_status td_reader_open(const char *path, const td_options *opts, td_reader **out);

/* The next document. TD_EOF at the end. On any other error the document is
 * skipped, td_reader_error() tells what and where (file, line or byte), and
 * the next call goes on with the next document when the input allows it
 * (TD_EIO and TD_ETRUNC end the input). */
td_status td_reader_next(td_reader *rd, td_doc **out);

/* The message for the last error, or NULL. Owned by the reader. */
const char *td_reader_error(const td_reader *rd);
/* Warnings (repairs) of the last document, one per line, or NULL. */
const char *td_reader_warning(const td_reader *rd);
/* Bytes consumed so far (compressed bytes for gzip), for progress. */
uint64_t td_reader_consumed(const td_reader *rd);
void td_reader_free(td_reader *rd);

/* Expand a list of paths: directories recursively, sorted by name.
 * *out is a NULL-terminated malloc'd array of malloc'd strings; free with
 * td_path_list_free(). */
td_status td_path_expand(const char *const *paths, size_t n, char ***out, char **err);
void td_path_list_free(char **list);

/* ---- pipeline ---------------------------------------------------------- */

typedef struct td_pipeline td_pipeline;

/* One pipeline per thread; res must outlive it. */
td_status td_pipeline_new(const td_resources *res, td_pipeline **out);
/* Run every stage on doc, in data-flow order. */
td_status td_pipeline_run(td_pipeline *pl, td_doc *doc);
void td_pipeline_free(td_pipeline *pl);

/* Per-stage timing, off by default. When on, td_pipeline_run adds the CPU
 * time of the calling thread spent in each stage to the pipeline's own
 * counters (two clock reads a stage; results are unchanged). */
void td_pipeline_set_timing(td_pipeline *pl, bool on);
/* The stages, in the order they run: their number and names ("normalize",
 * "layout", ...; static strings). */
size_t td_pipeline_stage_count(void);
const char *td_pipeline_stage_name(size_t i);
/* Seconds stage i took in this pipeline while timing was on (0 when i is
 * out of range). */
double td_pipeline_stage_seconds(const td_pipeline *pl, size_t i);

/* ---- records ----------------------------------------------------------- */

/* A growable byte buffer with a cap; the owner frees ptr with free(). */
typedef struct td_buf {
    char *ptr;
    size_t len, cap, max; /* max 0: no cap */
} td_buf;

enum { TD_RECORD_PRETTY = 1 };

/* Append the document's record (one JSON object and a newline) to out. */
td_status td_record_write(const td_doc *doc, int flags, td_buf *out);

#ifdef __cplusplus
}
#endif
#endif
