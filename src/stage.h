/*
 * stage.h - how a stage plugs into the pipeline (library-internal).
 *
 * A stage is one file in src/ with one job. It exports
 *
 *     td_status td_<stage>_init(td_resources *res, char **err);  (optional)
 *     td_status td_<stage>_run(td_stage_ctx *ctx, td_doc *doc);
 *
 * and one line in the table of pipeline.c. _init runs once per process
 * while the resources load (load lexicons into res->...); _run runs per
 * document and may use ctx->scratch, a per-thread arena released after
 * every document. A stage reads what earlier stages left on the document
 * and adds its own lists; it never prints.
 */
#ifndef TD_STAGE_H
#define TD_STAGE_H

#include "doc.h"
#include "lexicon.h"

typedef struct td_langid td_langid;

/* Shared read-only resources; each stage owns one field (or a few). */
struct td_resources {
    td_options opts;
    /* segment */
    td_lexicon *abbrev;    /* abbreviations that do not end a sentence */
    /* layout */
    void *layout;          /* owned by layout.c */
    /* time */
    void *time;            /* owned by time.c */
    /* entities */
    void *entities;        /* owned by entities.c */
    /* quotes */
    void *quotes;          /* owned by quotes.c */
    /* events */
    void *events;          /* owned by events.c */
    /* html */
    void *html;            /* owned by read_html.c */
};

typedef struct td_stage_ctx {
    const td_resources *res;
    td_arena scratch;  /* per-thread, released after each document */
    td_langid *langid; /* per-thread language identifier */
    void *stage_state[16]; /* per-thread state a stage may keep, by index */
} td_stage_ctx;

/* Free what stages keep in ctx: its scratch arena and every stage_state
 * (not langid, which its creator frees). ctx may be used again after. */
void td_stage_ctx_release(td_stage_ctx *ctx);

typedef struct td_stage {
    const char *name;
    td_status (*init)(td_resources *res, char **err);
    void (*release)(td_resources *res);
    td_status (*run)(td_stage_ctx *ctx, td_doc *doc);
    bool english_only;
} td_stage;

/* The stages, in data-flow order (pipeline.c). */
extern const td_stage td_stages[];
extern const size_t td_stage_count;

#define TD_STAGE_DECL(name)                                                  \
    td_status td_##name##_init(td_resources *res, char **err);               \
    void td_##name##_release(td_resources *res);                             \
    td_status td_##name##_run(td_stage_ctx *ctx, td_doc *doc);

TD_STAGE_DECL(normalize)
TD_STAGE_DECL(layout)
TD_STAGE_DECL(segment)
TD_STAGE_DECL(time)
TD_STAGE_DECL(docdate)
TD_STAGE_DECL(entities)
TD_STAGE_DECL(quotes)
TD_STAGE_DECL(events)

#endif
