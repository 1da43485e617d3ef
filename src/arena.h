/*
 * arena.h - bump allocation for one document, and arena-backed vectors.
 *
 * Everything a stage attaches to a document is allocated from the
 * document's arena and freed at once with it; nothing is freed one by one.
 * Allocation failure returns NULL (the caller returns TD_ENOMEM).
 */
#ifndef TD_ARENA_H
#define TD_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct td_arena_chunk td_arena_chunk;

typedef struct td_arena {
    td_arena_chunk *head;
    size_t total; /* bytes handed out, for statistics */
} td_arena;

void td_arena_init(td_arena *a);
/* Release every chunk; the arena can be used again afterwards. */
void td_arena_release(td_arena *a);
/* Forget every allocation but keep the newest chunk for reuse. */
void td_arena_reset(td_arena *a);
/* n bytes, aligned to 16, uninitialised. NULL on failure. */
void *td_arena_alloc(td_arena *a, size_t n);
/* n zeroed bytes. */
void *td_arena_calloc(td_arena *a, size_t n);
/* A NUL-terminated copy of s[0..len). */
char *td_arena_strndup(td_arena *a, const char *s, size_t len);
char *td_arena_strdup(td_arena *a, const char *s);
/* printf into the arena. */
char *td_arena_printf(td_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Test hook: the process-wide allocator used for chunks and buffers. The
 * failing-allocation tests set a countdown; after it reaches zero every
 * allocation fails. Not for production use, not thread-safe to change. */
void *td_malloc(size_t n);
void *td_realloc(void *p, size_t n);
void td_set_alloc_failure_countdown(long n); /* -1: never fail */

/* A vector whose storage lives in an arena. Growing copies; the old block
 * stays in the arena until the document is freed. */
typedef struct td_vec {
    void *items;
    size_t n, cap;
} td_vec;

/* Append one zeroed element of size sz; returns it, or NULL. */
void *td_vec_push(td_arena *a, td_vec *v, size_t sz);

/* Make room for at least n more elements of size sz. */
int td_vec_reserve(td_arena *a, td_vec *v, size_t n, size_t sz);

#define TD_VEC_AT(v, type, i) (&((type *)(v).items)[i])

#endif
