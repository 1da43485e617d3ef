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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* The 8 bytes at p as one little-endian word (the first byte lowest). */
static inline uint64_t td_load_le64(const void *p)
{
    uint64_t x;
    __builtin_memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* Bit 7 of every byte of x set where that byte is an ASCII letter or digit
 * (td_ascii_alnum), in a few word operations instead of 8 table loads. */
static inline uint64_t td_swar_alnum(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t y = x & (ones * 0x7f);
    uint64_t z = y | (ones * 0x20); /* letters folded to small */
    uint64_t letter = (z + ones * (0x80 - 'a')) & ~(z + ones * (0x80 - 'z' - 1));
    uint64_t digit = (y + ones * (0x80 - '0')) & ~(y + ones * (0x80 - '9' - 1));
    return (letter | digit) & ~x & (ones * 0x80);
}

/* Bit 7 of every byte of x set where that byte is an ASCII letter. */
static inline uint64_t td_swar_alpha(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t z = (x & (ones * 0x7f)) | (ones * 0x20);
    return (z + ones * (0x80 - 'a')) & ~(z + ones * (0x80 - 'z' - 1)) & ~x & (ones * 0x80);
}

/* A bit per byte of the 16 at p (bit k for p[k]): set where the byte is an
 * ASCII letter or digit; *small gets the bits of the small letters a-z.
 * 16 bytes must be readable from p. */
static inline unsigned td_ascii_alnum16(const void *p, unsigned *small)
{
#if defined(__SSE2__)
    __m128i x = _mm_loadu_si128((const __m128i *)p);
    /* a byte + 0x1F is -128..-103 (signed) exactly for 'a'..'z'; with
     * bit 5 set first, for the capitals too; a byte + 0x50 is -128..-119
     * exactly for '0'..'9' */
    __m128i lim = _mm_set1_epi8(-102);
    __m128i sm = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x1F)), lim);
    __m128i le = _mm_cmplt_epi8(
        _mm_add_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x1F)), lim);
    __m128i di = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
    *small = (unsigned)_mm_movemask_epi8(sm);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(le, di));
#else
    const unsigned char *b = (const unsigned char *)p;
    unsigned an = 0, s = 0;
    for (unsigned k = 0; k < 16; k++) {
        an |= (unsigned)td_ascii_alnum[b[k]] << k;
        s |= (unsigned)(b[k] >= 'a' && b[k] <= 'z') << k;
    }
    *small = s;
    return an;
#endif
}

/* td_ascii_alnum16() for the 64 bytes at p: bit k of *an and *small for
 * p[k]. 64 bytes must be readable from p. */
static inline void td_ascii_alnum64(const void *p, uint64_t *an, uint64_t *small)
{
    const char *c = (const char *)p;
    unsigned s0, s1, s2, s3;
    uint64_t a0 = td_ascii_alnum16(c, &s0), a1 = td_ascii_alnum16(c + 16, &s1);
    uint64_t a2 = td_ascii_alnum16(c + 32, &s2), a3 = td_ascii_alnum16(c + 48, &s3);
    *an = a0 | a1 << 16 | a2 << 32 | a3 << 48;
    *small = (uint64_t)s0 | (uint64_t)s1 << 16 | (uint64_t)s2 << 32 | (uint64_t)s3 << 48;
}

/* The number of ASCII letters and digits p[0..n) starts with; avail (>= n)
 * bytes are readable from p, so a scan may load 8 at a time past n. */
static inline size_t td_ascii_alnum_run(const unsigned char *p, size_t n, size_t avail)
{
    size_t i = 0;
    while (avail - i >= 8) {
        uint64_t stop = ~td_swar_alnum(td_load_le64(p + i)) & 0x8080808080808080ull;
        if (stop) {
            i += (size_t)__builtin_ctzll(stop) >> 3;
            return i < n ? i : n;
        }
        i += 8;
        if (i >= n)
            return n;
    }
    while (i < n && td_ascii_alnum[p[i]])
        i++;
    return i;
}

#endif
