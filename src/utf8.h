/*
 * utf8.h - UTF-8 validation, repair and decoding.
 *
 * Text is validated once, at the reader boundary: every invalid sequence
 * (overlong forms, surrogates, bytes past U+10FFFF, truncated sequences)
 * becomes U+FFFD. Inside the library, text is trusted valid UTF-8.
 */
#ifndef TD_UTF8_H
#define TD_UTF8_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Length of the valid sequence at s[0..len), or 0 when invalid there. */
size_t td_utf8_valid_len(const unsigned char *s, size_t len);

/* Offset of the first invalid byte in s[0..len), or len when valid. */
size_t td_utf8_first_invalid(const char *s, size_t len);

/* Append s[0..len) to out with invalid sequences replaced by U+FFFD (one
 * replacement per maximal invalid subpart). *n_invalid (if not NULL) is
 * increased by the number of replacements, *first_invalid (if not NULL and
 * still SIZE_MAX) receives the input offset of the first one. */
td_status td_utf8_repair(const char *s, size_t len, td_buf *out, size_t *n_invalid,
                         size_t *first_invalid);

/* Decode one code point at s (valid UTF-8 assumed); *n gets its length. */
int32_t td_utf8_decode(const char *s, size_t len, size_t *n);

/* Encode cp to out (4 bytes room); returns the length. */
size_t td_utf8_encode(int32_t cp, char *out);

/* 1 for the ASCII letters and digits, 0 for every other byte: the inner
 * loop of word scans (segment, layout). */
extern const unsigned char td_ascii_alnum[256];

#endif
