/* arena.c - bump allocator for one document; see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct td_arena_chunk {
    td_arena_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN (64u * 1024u)

static long fail_countdown = -1;

void td_set_alloc_failure_countdown(long n) { fail_countdown = n; }

static int should_fail(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0)
        return 1;
    fail_countdown--;
    return 0;
}

void *td_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *td_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void td_arena_init(td_arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void td_arena_release(td_arena *a)
{
    td_arena_chunk *c = a->head;
    while (c) {
        td_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void td_arena_reset(td_arena *a)
{
    td_arena_chunk *c = a->head;
    if (!c)
        return;
    td_arena_chunk *rest = c->next;
    while (rest) {
        td_arena_chunk *next = rest->next;
        free(rest);
        rest = next;
    }
    c->next = NULL;
    c->used = 0;
    a->total = 0;
}

void *td_arena_alloc(td_arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    td_arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = CHUNK_MIN;
        if (c && c->size < 4u * 1024u * 1024u)
            size = c->size * 2; /* grow geometrically: few chunks per doc */
        if (size < n)
            size = n;
        if (size > SIZE_MAX - sizeof(td_arena_chunk))
            return NULL;
        td_arena_chunk *nc = td_malloc(sizeof(td_arena_chunk) + size);
        if (!nc)
            return NULL;
        nc->used = 0;
        nc->size = size;
        if (c && c->size - c->used >= 1024 && n > size / 2) {
            /* A big block: keep the current chunk open for small ones. */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    return p;
}

void *td_arena_calloc(td_arena *a, size_t n)
{
    void *p = td_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *td_arena_strndup(td_arena *a, const char *s, size_t len)
{
    char *p = td_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *td_arena_strdup(td_arena *a, const char *s)
{
    return s ? td_arena_strndup(a, s, strlen(s)) : NULL;
}

char *td_arena_printf(td_arena *a, const char *fmt, ...)
{
    /* one formatting pass into a stack buffer for the usual short result
     * (values like "2024-05-01T10:00"); a second only when it is longer */
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    if ((size_t)n < sizeof tmp)
        return td_arena_strndup(a, tmp, (size_t)n);
    char *p = td_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *td_vec_push(td_arena *a, td_vec *v, size_t sz)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 8;
        void *items = td_arena_alloc(a, ncap * sz);
        if (!items)
            return NULL;
        if (v->n)
            memcpy(items, v->items, v->n * sz);
        v->items = items;
        v->cap = ncap;
    }
    void *p = (char *)v->items + v->n * sz;
    memset(p, 0, sz);
    v->n++;
    return p;
}

int td_vec_reserve(td_arena *a, td_vec *v, size_t n, size_t sz)
{
    if (v->cap - v->n >= n)
        return 0;
    size_t ncap = v->n + n;
    void *items = td_arena_alloc(a, ncap * sz);
    if (!items)
        return -1;
    if (v->n)
        memcpy(items, v->items, v->n * sz);
    v->items = items;
    v->cap = ncap;
    return 0;
}
