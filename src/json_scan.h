/*
 * json_scan.h - where a JSON string writer must stop: the first byte that
 * may need an escape (a control, '"', '\\', DEL, or 0xE2, the lead byte of
 * U+2028/U+2029). Shared by the td_jw writer (json.c) and the compact
 * record writer (record.c), which both copy the clean runs whole.
 */
#ifndef TD_JSON_SCAN_H
#define TD_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 1: the byte needs a look. */
static const unsigned char td_json_needs_look[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1, [0x7f] = 1, [0xE2] = 1,
};

/* Nonzero when one of the 8 bytes of x needs a look (exact as to "some
 * byte", not as to which one). */
static inline uint64_t td_json_swar_look(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t lt = (x - ones * 0x20) & ~x; /* bytes < 0x20 */
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t del = x ^ (ones * 0x7f), e2 = x ^ (ones * 0xE2);
    uint64_t z = ((q - ones) & ~q) | ((bs - ones) & ~bs) | ((del - ones) & ~del) |
                 ((e2 - ones) & ~e2);
    return (lt | z) & highs;
}

/* The first index >= i of s[0..len) of a byte that needs a look, or len. */
static inline size_t td_json_clean_until(const char *s, size_t i, size_t len)
{
#if defined(__SSE2__)
    /* 16 bytes at a time, and the exact place from the mask */
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f), e2 = _mm_set1_epi8((char)0xE2);
    const __m128i c1f = _mm_set1_epi8(0x1f);
    while (len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, e2)));
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f)); /* bytes <= 0x1f */
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (len - i >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (td_json_swar_look(x))
            break;
        i += 8;
    }
    while (i < len && !td_json_needs_look[(unsigned char)s[i]])
        i++;
    return i;
}

#endif
