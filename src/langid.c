/* langid.c - language identification; see langid.h. */
#include "langid.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libexttextcat/textcat.h>

#ifndef TD_TEXTCAT_DIR
#define TD_TEXTCAT_DIR "/usr/share/libexttextcat/"
#endif

struct td_langid {
    void *tc;
    int tried; /* textcat loaded on first need: most runs never need it */
};

td_langid *td_langid_new(void)
{
    return calloc(1, sizeof(td_langid));
}

static void *textcat(td_langid *li)
{
    if (!li->tried) {
        li->tried = 1;
        li->tc = special_textcat_Init(TD_TEXTCAT_DIR "fpdb.conf", TD_TEXTCAT_DIR);
    }
    return li->tc;
}

void td_langid_free(td_langid *li)
{
    if (!li)
        return;
    if (li->tc)
        textcat_Done(li->tc);
    free(li);
}

/* English function words: a share above ~15% of the words is English.
 * A word of up to 4 small ASCII letters is packed into one integer (its
 * first letter in the low byte; letters are never 0, so the length is
 * implied) and told by a switch: no scan of a word list per word. */
#define EN_K1(a) ((uint32_t)(unsigned char)(a))
#define EN_K2(a, b) (EN_K1(a) | EN_K1(b) << 8)
#define EN_K3(a, b, c) (EN_K2(a, b) | EN_K1(c) << 16)
#define EN_K4(a, b, c, d) (EN_K3(a, b, c) | EN_K1(d) << 24)

/* 1: an English function word; 2: one that no other Latin-script
 * language uses as a word ("the", "of", "and", "said", ...). */
static int is_en_word(const char *w, size_t n)
{
    if (n == 0 || n > 4)
        return 0;
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k |= EN_K1(w[i]) << (8 * i);
    switch (k) {
    /* only in English */
    case EN_K3('t', 'h', 'e'):
    case EN_K2('o', 'f'):
    case EN_K3('a', 'n', 'd'):
    case EN_K2('t', 'o'):
    case EN_K4('t', 'h', 'a', 't'):
    case EN_K4('w', 'i', 't', 'h'):
    case EN_K4('s', 'a', 'i', 'd'):
    case EN_K4('f', 'r', 'o', 'm'):
    case EN_K4('h', 'a', 'v', 'e'):
    case EN_K3('h', 'a', 's'):
    case EN_K4('t', 'h', 'i', 's'):
    case EN_K3('f', 'o', 'r'):
    case EN_K2('b', 'y'):
    case EN_K2('a', 't'):
    case EN_K3('h', 'i', 's'):
    case EN_K3('a', 'r', 'e'):
        return 2;
    /* English, but words of other languages too */
    case EN_K2('i', 'n'):
    case EN_K1('a'):
    case EN_K2('i', 's'):
    case EN_K2('o', 'n'):
    case EN_K3('w', 'a', 's'):
    case EN_K2('h', 'e'):
    case EN_K2('i', 't'):
    case EN_K2('a', 's'):
    case EN_K2('b', 'e'):
    case EN_K2('a', 'n'):
    case EN_K4('w', 'i', 'l', 'l'):
    case EN_K3('n', 'o', 't'):
        return 1;
    default:
        return 0;
    }
}

void td_langid_detect(td_langid *li, const char *text, size_t len, char *out, size_t outsz)
{
    size_t lim = len < 1500 ? len : 1500;
    size_t words = 0, en = 0, en_only = 0, nonascii = 0;
    size_t i = 0;
    while (i < lim) {
        while (i < lim && !((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) {
            /* letters outside ASCII: lead bytes, general punctuation aside */
            if ((unsigned char)text[i] >= 0xC2 && (unsigned char)text[i] != 0xE2)
                nonascii++;
            i++;
        }
        size_t s = i;
        char w[8];
        size_t wl = 0;
        uint64_t stop = 0;
        if (lim - i >= 8) {
            /* a word of up to 7 letters (most): found and folded from one
             * load (i is at a letter here) */
            uint64_t raw;
            memcpy(&raw, text + i, 8);
            stop = ~td_swar_alpha(td_load_le64(text + i)) & 0x8080808080808080ull;
            if (stop) {
                raw |= 0x2020202020202020ull;
                memcpy(w, &raw, 8);
                wl = (size_t)__builtin_ctzll(stop) >> 3;
                i += wl;
            }
        }
        while (!stop && i < lim && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) {
            if (wl < sizeof w)
                w[wl++] = (char)(text[i] | 0x20);
            i++;
        }
        if (i > s) {
            if (words >= 40 && en * 100 >= words * 20 && nonascii == 0)
                break; /* plainly English: no need to read on */
            words++;
            int k = i - s <= sizeof w ? is_en_word(w, wl) : 0;
            en += k > 0;
            en_only += k == 2;
        }
    }
    if (words >= 8 && en * 100 >= words * 15 && nonascii * 4 < lim) {
        snprintf(out, outsz, "en");
        return;
    }
    /* tables, results and listings: few function words, but English ones,
     * in text with next to no letters outside ASCII */
    if (en_only >= 2 && en_only * 100 >= words && nonascii * 100 < lim) {
        snprintf(out, outsz, "en");
        return;
    }
    if (words > 0 && words < 8 && en * 3 >= words && nonascii * 4 < lim) {
        snprintf(out, outsz, "en"); /* a short English headline or note */
        return;
    }
    if (!li || lim < 20 || !textcat(li)) {
        snprintf(out, outsz, lim < 20 && words > 0 && nonascii == 0 ? "en" : "und");
        return;
    }
    const char *r = textcat_Classify(li->tc, text, lim);
    /* "[en--utf8][...]" or "SHORT" / "UNKNOWN" */
    if (!r || r[0] != '[') {
        /* no verdict: ASCII text with English function words is English */
        snprintf(out, outsz, en > 0 && nonascii * 100 < lim ? "en" : "und");
        return;
    }
    size_t k = 0;
    r++;
    while (r[k] && r[k] != '-' && r[k] != ']' && k + 1 < outsz && k < 3)
        k++;
    if (k == 0 || k >= outsz) {
        snprintf(out, outsz, "und");
        return;
    }
    memcpy(out, r, k);
    out[k] = '\0';
    if (strcmp(out, "zh") == 0 || k > 2) {
        /* three-letter codes have no ISO 639-1 form: keep them */
    }
}
