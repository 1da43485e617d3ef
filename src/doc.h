/*
 * doc.h - the document every stage reads and fills (library-internal).
 *
 * Two texts:
 *   base  the document's bytes as the record's spans index them (the JSON
 *         `text` field; a text file's own bytes; HTML's extracted text),
 *         made valid UTF-8 (invalid bytes became U+FFFD and were counted).
 *   norm  the text the stages read: NFC, canonical quote marks (“ ” ‘ ’ for
 *         quotes, ' for apostrophes), dashes (— for dash-like marks, - for
 *         hyphens), spaces (every Unicode space is ' ', CR and zero-width
 *         characters are dropped). td_doc_to_base() maps a norm offset back.
 *
 * ALL SPANS STORED ON A DOCUMENT ARE NORM OFFSETS. The record writer maps
 * them to base offsets; a stage never has to.
 *
 * Stages fill, in data-flow order:
 *   normalize  norm, map, lang
 *   layout     blocks, title/caption, header date (date)
 *   segment    sents, toks
 *   time       times, date (checked)
 *   entities   entities (with mentions)
 *   quotes     quotes
 *   events     events
 * Every list is ordered by first byte offset before the record is written.
 */
#ifndef TD_DOC_H
#define TD_DOC_H

#include "arena.h"
#include "tidings.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct td_span {
    uint32_t s, e; /* [s, e) byte offsets into norm */
} td_span;

static inline td_span td_span_make(uint32_t s, uint32_t e)
{
    td_span sp = {s, e};
    return sp;
}

/* ---- blocks (layout) --------------------------------------------------- */

typedef enum {
    TD_BLOCK_BODY = 0,
    TD_BLOCK_HEADER,      /* the crawler's " date YYYY-MM-DD caption" line */
    TD_BLOCK_TITLE,
    TD_BLOCK_CAPTION,
    TD_BLOCK_DATELINE,
    TD_BLOCK_BYLINE,
    TD_BLOCK_BOILERPLATE,
    TD_BLOCK_KIND_COUNT
} td_block_kind;

const char *td_block_kind_name(td_block_kind k);

typedef struct td_block {
    td_block_kind kind;
    td_span span; /* one line, without its newline */
} td_block;

/* ---- sentences and tokens (segment) ------------------------------------ */

typedef enum {
    TD_TOK_WORD = 0, /* letters, digits inside, hyphens, apostrophes: Russia's */
    TD_TOK_NUM,      /* 1,000.5  2022-11-18  24th */
    TD_TOK_PUNCT,    /* . , ; : ! ? ( ) — … etc. */
    TD_TOK_QUOTE_OPEN,  /* “ or ‘ (after normalisation) */
    TD_TOK_QUOTE_CLOSE, /* ” or ’ */
    TD_TOK_SYM          /* $ % & @ # and other symbols */
} td_tok_type;

enum {
    TD_TOKF_CAP = 1,        /* first character is an upper-case letter */
    TD_TOKF_ALLCAPS = 2,    /* every letter upper case, at least one letter */
    TD_TOKF_SENT_START = 4, /* first token of its sentence */
    TD_TOKF_ABBREV = 8,     /* a known abbreviation ending in '.' (Mr.) */
    TD_TOKF_SPACE_BEFORE = 16, /* white space precedes it */
    TD_TOKF_LINE_START = 32    /* first token of its line */
};

typedef struct td_token {
    td_span span;
    uint8_t type;  /* td_tok_type */
    uint8_t flags; /* TD_TOKF_* */
    uint16_t block; /* index into doc->blocks (0xffff: none) */
} td_token;

typedef struct td_sentence {
    td_span span;
    uint32_t tok_first, tok_count;
    uint16_t block; /* index into doc->blocks */
} td_sentence;

/* ---- the publication date ---------------------------------------------- */

typedef enum {
    TD_PREC_UNKNOWN = 0,
    TD_PREC_YEAR,
    TD_PREC_MONTH,
    TD_PREC_DAY
} td_precision;

typedef struct td_docdate {
    const char *value;     /* "2022", "2022-11", "2022-11-18"; NULL: none */
    td_precision precision;
    const char *source;    /* input, header, dateline, metadata, text, corpus */
    const char *header;    /* the header line's date as written, or NULL */
    const char *note;      /* why the value is what it is, or NULL */
    /* The date given with the document (input or header) as y/m/d, even
     * when the record's value is coarser: event actor codes use it. */
    int given_y, given_m, given_d;
} td_docdate;

/* ---- entities ---------------------------------------------------------- */

typedef enum {
    TD_ENT_PERSON = 0,
    TD_ENT_COUNTRY,
    TD_ENT_LOCATION,
    TD_ENT_ORGANIZATION,
    TD_ENT_GROUP,
    TD_ENT_TYPE_COUNT
} td_entity_type;

typedef enum {
    TD_FORM_NAME = 0,
    TD_FORM_ACRONYM,
    TD_FORM_DEMONYM,
    TD_FORM_METONYM,
    TD_FORM_PRONOUN,
    TD_FORM_NOMINAL,
    TD_FORM_COUNT
} td_mention_form;

const char *td_entity_type_name(td_entity_type t);
const char *td_precision_name(td_precision p); /* "year", "month", "day", "unknown" */
const char *td_mention_form_name(td_mention_form f);

typedef struct td_mention {
    td_span span;
    td_mention_form form;
} td_mention;

typedef struct td_entity {
    int id;              /* 1-based, in order of first mention */
    td_entity_type type;
    const char *name;    /* canonical name */
    const char *role;    /* "Foreign Minister" or NULL */
    char country[3];     /* ISO 3166-1 alpha-2 or "" */
    const char *acronym; /* or NULL */
    const char *cameo;   /* CAMEO actor code if known, or NULL */
    td_vec mentions;     /* of td_mention */
} td_entity;

/* ---- quotes ------------------------------------------------------------ */

typedef enum { TD_QUOTE_DIRECT = 0, TD_QUOTE_MIXED, TD_QUOTE_REPORTED } td_quote_kind;

const char *td_quote_kind_name(td_quote_kind k);

typedef struct td_quote {
    td_quote_kind kind;
    td_span span;        /* the content, without its quote marks */
    td_vec spans;        /* of td_span: the pieces of a split quote (or empty) */
    bool has_speaker;
    int speaker_entity;  /* entity id, 0: none */
    const char *speaker_name; /* canonical, never a pronoun */
    td_span speaker_span;     /* the local mention ("he") */
    bool has_cue;
    td_span cue;
} td_quote;

/* ---- times ------------------------------------------------------------- */

typedef enum { TD_TIME_DATE = 0, TD_TIME_TIME, TD_TIME_DURATION, TD_TIME_SET } td_time_type;

const char *td_time_type_name(td_time_type t);

typedef struct td_time {
    td_span span;
    td_time_type type;
    const char *value; /* TIMEX3 value */
    const char *mod;   /* TIMEX3 mod (BEFORE, APPROX, ...) or NULL */
} td_time;

/* ---- events ------------------------------------------------------------ */

typedef struct td_event {
    const char *actor, *target, *code; /* CAMEO actor and event codes */
    td_span span;                       /* the sentence or clause coded */
    int quad_class;                     /* 0..4, -1 unknown */
    double goldstein;                   /* NAN when unknown */
    bool has_goldstein;
} td_event;

/* ---- extra string fields ----------------------------------------------- */

typedef struct td_kv {
    const char *key, *value;
} td_kv;

/* ---- the document ------------------------------------------------------ */

struct td_doc {
    td_arena arena;

    /* provenance and input fields (arena strings, NULL when absent) */
    const char *id;
    const char *in_title, *in_date, *url, *in_html;
    const char *in_config;   /* raw JSON of the input's "config" object */
    const char *path;
    uint64_t offset;
    long line;
    const char *warc_record_id;
    const char *content_type; /* reader's hint: "text", "html" */

    /* base text */
    char *base;
    size_t base_len;
    size_t invalid_bytes; /* repaired to U+FFFD by the reader */

    /* normalised text and the map back to base */
    char *norm;
    size_t norm_len;
    uint32_t *map_norm, *map_base; /* checkpoints, see normalize.c */
    size_t map_n;

    char lang[8];  /* ISO 639-1, "und" when unknown */
    bool english;  /* run the English stages */

    td_vec blocks; /* of td_block, in text order, covering every line */
    const char *title, *caption; /* strings for the record (normalised) */
    td_vec boilerplate_lines; /* unused: boilerplate strings come from blocks */

    td_vec sents; /* of td_sentence */
    td_vec toks;  /* of td_token */

    td_docdate date;

    td_vec entities; /* of td_entity */
    td_vec quotes;   /* of td_quote */
    td_vec times;    /* of td_time */
    td_vec events;   /* of td_event */

    td_vec meta;     /* of td_kv: author, site_name, canonical_url, ... */
    td_vec warnings; /* of const char *: repairs and oddities */

    /* Where in_date came from when a reader found it (not the caller):
     * "metadata" for an HTML page's own date; NULL means "input". */
    const char *in_date_source;
};

/* Map a norm offset to a base offset: td_doc_to_base() for a span's start
 * (after any character dropped at that point), td_doc_to_base_end() for its
 * end (before it). td_doc_span_to_base() does both. */
uint32_t td_doc_to_base(const td_doc *doc, uint32_t norm_off);
uint32_t td_doc_to_base_end(const td_doc *doc, uint32_t norm_off);
td_span td_doc_span_to_base(const td_doc *doc, td_span sp);
/* The same two maps for a document with checkpoints (map_n > 0), given k,
 * the number of checkpoints before off: map_norm[i] <= off for a start,
 * map_norm[i] < off for an end. For a caller that finds k faster than a
 * binary search (the record writer, whose spans come in order). */
uint32_t td_doc_base_at(const td_doc *doc, uint32_t off, size_t k);
uint32_t td_doc_base_end_at(const td_doc *doc, uint32_t off, size_t k);

/* Add a warning (copied into the arena). */
void td_doc_warn(td_doc *doc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Convenience accessors. */
#define TD_DOC_TOK(doc, i) TD_VEC_AT((doc)->toks, td_token, i)
#define TD_DOC_SENT(doc, i) TD_VEC_AT((doc)->sents, td_sentence, i)
#define TD_DOC_BLOCK(doc, i) TD_VEC_AT((doc)->blocks, td_block, i)

/* True when block kind k is read by the stages (everything but
 * boilerplate and the header line, whose date is metadata). */
static inline bool td_block_is_read(td_block_kind k)
{
    return k != TD_BLOCK_BOILERPLATE && k != TD_BLOCK_HEADER;
}

/* Append the body as the record's "text": the non-blank body blocks of the
 * norm text (the base text when not normalised), one a line; the whole text
 * when there are no blocks. */
td_status td_doc_body_text(const td_doc *doc, td_buf *out);

/* Is block i a line of the body text (a body block inside the text of
 * length tl, not blank)? The lines td_doc_body_text() joins. */
static inline bool td_doc_body_line(const td_doc *doc, size_t i, const char *t, size_t tl)
{
    const td_block *bl = TD_DOC_BLOCK(doc, i);
    if (bl->kind != TD_BLOCK_BODY || bl->span.e <= bl->span.s || bl->span.e > tl)
        return false;
    size_t k = bl->span.s;
    while (k < bl->span.e && t[k] == ' ')
        k++;
    return k < bl->span.e;
}

/* The block holding norm offset off, or -1. */
int td_doc_block_at(const td_doc *doc, uint32_t off);

/* Make a document with a base text of len bytes taken over from the reader
 * (copied into a new arena; invalid UTF-8 repaired). */
td_status td_doc_create(const td_doc_input *in, td_doc **out);

/* td_doc_create() for a text the caller already made valid UTF-8 (the JSON
 * reader's decoded string: td_json_string() repairs as it decodes), which
 * is not checked again. */
td_status td_doc_create_valid(const td_doc_input *in, td_doc **out);

#endif
