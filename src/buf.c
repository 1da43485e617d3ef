/* buf.c - growable byte buffers with a cap; see buf.h. */
#include "buf.h"

#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void td_buf_init(td_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void td_buf_release(td_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

td_status td_buf_reserve(td_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return TD_ETOOBIG;
    size_t need = b->len + extra + 1; /* room for a NUL */
    if (b->max && need > b->max + 1)
        return TD_ETOOBIG;
    if (need <= b->cap)
        return TD_OK;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (b->max && ncap > b->max + 1)
        ncap = b->max + 1;
    char *p = td_realloc(b->ptr, ncap);
    if (!p)
        return TD_ENOMEM;
    b->ptr = p;
    b->cap = ncap;
    return TD_OK;
}

td_status td_buf_append_slow(td_buf *b, const void *p, size_t n)
{
    td_status st = td_buf_reserve(b, n);
    if (st != TD_OK)
        return st;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return TD_OK;
}

td_status td_buf_putc(td_buf *b, char c) { return td_buf_append(b, &c, 1); }

td_status td_buf_puts(td_buf *b, const char *s) { return td_buf_append(b, s, strlen(s)); }

td_status td_buf_printf(td_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return TD_EINTERNAL;
    td_status st = td_buf_reserve(b, (size_t)n);
    if (st != TD_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return TD_OK;
}
