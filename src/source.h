/*
 * source.h - a buffered byte source over a file, standard input or a gzip
 * stream (told by its magic bytes), read line by line or in blocks, with
 * the offset of every byte in the (decompressed) stream.
 *
 * gzip: a stream that ends before its trailer is TD_ETRUNC (zlib reports
 * Z_BUF_ERROR at the end), and a stream that inflates to more than
 * TD_DEFAULT_MAX_GZIP_RATIO times its compressed size (plus 64 MiB) is
 * refused as TD_ETOOBIG (a decompression bomb). Multi-member gzip files
 * (one member per WARC record) read as one stream.
 */
#ifndef TD_SOURCE_H
#define TD_SOURCE_H

#include "buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct td_source td_source;

td_status td_source_open(const char *path, td_source **out);
void td_source_close(td_source *src);

bool td_source_is_gzip(const td_source *src);
const char *td_source_path(const td_source *src);

/* Peek at up to n bytes ahead without consuming them; *avail gets how
 * many are there (fewer at the end of the stream). */
td_status td_source_peek(td_source *src, size_t n, const char **p, size_t *avail);

/* The next line without its '\n' (a final line without one is a line too).
 * The line stays valid until the next call. *off is the offset of its first
 * byte in the stream. Lines longer than max are not returned: the rest of
 * such a line is skipped and TD_ETOOBIG returned with *off set (the next
 * call goes on after it). TD_EOF at the end. */
td_status td_source_line(td_source *src, size_t max, const char **line, size_t *len,
                         uint64_t *off);

/* Read exactly n bytes (fewer only at the end: *got) onto out. */
td_status td_source_read(td_source *src, size_t n, td_buf *out, size_t *got);

/* Skip n bytes; *got receives how many were there. */
td_status td_source_skip(td_source *src, uint64_t n, uint64_t *got);

/* Offset of the next byte in the (decompressed) stream. */
uint64_t td_source_offset(const td_source *src);
/* Bytes consumed from the file itself (compressed), for progress. */
uint64_t td_source_consumed(const td_source *src);
/* A message for the last I/O error (static or owned by the source). */
const char *td_source_error(const td_source *src);

#endif
