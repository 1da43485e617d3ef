/*
 * buf.h - growable byte buffers with a cap (td_buf is in tidings.h).
 *
 * A buffer with max != 0 refuses to grow past max bytes and returns
 * TD_ETOOBIG, so hostile input becomes an error, not an out-of-memory kill.
 * The owner frees ptr with free() (td_buf_release).
 */
#ifndef TD_BUF_H
#define TD_BUF_H

#include "tidings.h"

#include <stddef.h>

void td_buf_init(td_buf *b, size_t max);
void td_buf_release(td_buf *b);
td_status td_buf_reserve(td_buf *b, size_t extra);
td_status td_buf_append_slow(td_buf *b, const void *p, size_t n);
/* Append n bytes (the buffer stays NUL-terminated). */
static inline td_status td_buf_append(td_buf *b, const void *p, size_t n)
{
    if (b->ptr && b->cap - b->len > n) {
        if (n)
            __builtin_memcpy(b->ptr + b->len, p, n);
        b->len += n;
        b->ptr[b->len] = '\0';
        return TD_OK;
    }
    return td_buf_append_slow(b, p, n);
}
td_status td_buf_putc(td_buf *b, char c);
td_status td_buf_puts(td_buf *b, const char *s);
td_status td_buf_printf(td_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Keep the storage, forget the content. */
static inline void td_buf_clear(td_buf *b) { b->len = 0; }

#endif
