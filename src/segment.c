/*
 * segment.c - sentences and tokens with byte spans (norm offsets).
 *
 * Only blocks the stages read are segmented (never boilerplate), so no
 * later stage sees a token of a related headline. A sentence never crosses
 * a line: in every layout tidings reads, a line is a paragraph or a
 * heading. Within a line a sentence ends at . ! ? … (with the closing
 * quotes and brackets after it) before a capitalised word, a digit, an
 * opening quote or the end of the line; a known abbreviation (data/lex/
 * abbrev.tsv) ends one only where its class allows it.
 *
 * Tokens follow Penn Treebank habits where they help the stages: "Russia's"
 * is "Russia" + "'s", "don't" is "do" + "n't"; "U.S." and "Mr." are one
 * token; numbers keep their inner separators ("1,000.5", "2022-11-18").
 */
#include "stage.h"
#include "utf8.h"

#include <string.h>
#include <utf8proc.h>

td_status td_segment_init(td_resources *res, char **err)
{
    return td_lexicon_load(&res->opts, "abbrev.tsv", 0, &res->abbrev, err);
}

void td_segment_release(td_resources *res)
{
    td_lexicon_free(res->abbrev);
    res->abbrev = NULL;
}

enum { C_SPACE, C_NL, C_LETTER, C_UPPER, C_DIGIT, C_MARK, C_PUNCT, C_OPENQ, C_CLOSEQ, C_APOS, C_SYM };

static const unsigned char ascii_cls[128] = {
#define S C_SPACE
#define P C_PUNCT
#define Y C_SYM
    P, P, P, P, P, P, P, P, P, S, C_NL, P, P, P, P, P,
    P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    S, P, P, Y, Y, Y, Y, C_APOS, P, P, Y, Y, P, P, P, P,
    C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, P, P, Y, Y, Y, P,
    Y, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,
    C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, P, Y, P, Y, Y,
    P, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER,
    C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, C_LETTER, P, Y, P, Y, P,
#undef S
#undef P
#undef Y
};

static int cls(int32_t cp)
{
    if (cp < 0x80 && cp >= 0)
        return ascii_cls[cp];
    if (cp < 0x80) {
        if (cp == ' ' || cp == '\t')
            return C_SPACE;
        if (cp == '\n')
            return C_NL;
        if (cp >= 'a' && cp <= 'z')
            return C_LETTER;
        if (cp >= 'A' && cp <= 'Z')
            return C_UPPER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        if (cp == '\'')
            return C_APOS;
        if (strchr("$%&@#+=<>^|~*_\\", (int)cp))
            return C_SYM;
        return C_PUNCT;
    }
    if (cp == 0x201C || cp == 0x2018)
        return C_OPENQ;
    if (cp == 0x201D || cp == 0x2019)
        return C_CLOSEQ;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return C_UPPER;
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
        return C_SPACE;
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
        return C_SYM;
    default:
        return C_PUNCT;
    }
}

static inline bool is_wordc(int c) { return c == C_LETTER || c == C_UPPER || c == C_MARK || c == C_DIGIT; }

typedef struct {
    const char *s;
    size_t len;
} text;

/* The class of a non-ASCII character (out of line: rare in news text). */
static int cls_at_utf8(text t, size_t i, size_t *l)
{
    return cls(td_utf8_decode(t.s + i, t.len - i, l));
}

/* The class and length of the character at t.s[i] (C_NL, length 0, at the
 * end); ASCII by table without a call. */
static inline int cls_at(text t, size_t i, size_t *l)
{
    if (i >= t.len) {
        *l = 0;
        return C_NL;
    }
    unsigned char c = (unsigned char)t.s[i];
    if (c < 0x80) {
        *l = 1;
        return ascii_cls[c];
    }
    return cls_at_utf8(t, i, l);
}

/* Append a token to doc->toks, written whole; false when out of memory. */
static inline bool put_tok(td_doc *doc, size_t s, size_t e, int type, unsigned flags,
                           uint16_t block)
{
    td_token *t;
    if (doc->toks.n < doc->toks.cap) /* the reserved room (td_segment_run) */
        t = (td_token *)doc->toks.items + doc->toks.n++;
    else if (!(t = td_vec_push(&doc->arena, &doc->toks, sizeof *t)))
        return false;
    td_token v = {{(uint32_t)s, (uint32_t)e}, (uint8_t)type, (uint8_t)flags, block};
    *t = v;
    return true;
}

/* Length of a clitic at s[i..e) of a word ("'s", "n't"), or 0. */
static size_t clitic_len(const char *s, size_t i, size_t e)
{
    /* every clitic has its apostrophe 2 or 3 bytes before the end */
    if (e - i < 3 || (s[e - 2] != '\'' && s[e - 3] != '\''))
        return 0;
    static const char *const cl[] = {"'s", "'S", "'re", "'ve", "'ll", "'d", "'m", "n't", "N'T", NULL};
    for (int k = 0; cl[k]; k++) {
        size_t n = strlen(cl[k]);
        if (e - i > n && memcmp(s + e - n, cl[k], n) == 0)
            return n;
    }
    return 0;
}

static void set_case_flags(const char *norm, td_token *t);

/* The tokens split_line() must look at (punctuation, abbreviations) are
 * noted as they are cut, up to this many a line (more: it reads them all) */
#define SEG_CAND_MAX 512

/* The end of the ASCII letters and digits from norm[j] on (a word longer
 * than 16 bytes), 16 bytes a load; *small gets whether one of them is a
 * small letter. SIZE_MAX when the word reaches the last 16 bytes of the
 * text (cut the long way). */
static size_t long_word_end(const char *norm, size_t norm_len, size_t j, unsigned *small)
{
    unsigned acc = 0;
    while (norm_len - j >= 16) {
        unsigned sm, stop = ~td_ascii_alnum16(norm + j, &sm) & 0xffffu;
        if (stop) {
            *small = acc | (sm & (stop - 1) & ~stop);
            return j + (unsigned)__builtin_ctz(stop);
        }
        acc |= sm;
        j += 16;
    }
    *small = acc;
    return SIZE_MAX;
}

/* One line being cut, for the long way (cut_slow). */
typedef struct {
    const td_resources *res;
    td_doc *doc;
    const char *norm;
    size_t norm_len, b; /* the text's length, the line's end */
    uint32_t *cand; /* split_line()'s candidates, nc of them */
    size_t nc;
    unsigned pend;  /* the flags the next token gets (space before, line start) */
    uint16_t block;
} seg_line;

/* Cut the token (or the white space) at norm[i] of the line the long way:
 * every class of character, abbreviations, initialisms, clitics, numbers,
 * marks. Returns the offset after it (and the space after it), SIZE_MAX
 * when out of memory. Out of line: the short way's loop keeps its
 * registers. */
__attribute__((noinline)) static size_t cut_slow(seg_line *L, size_t i)
{
    const char *norm = L->norm;
    const size_t norm_len = L->norm_len, b = L->b;
    text t = {norm, b};
    size_t l;
    int c = cls_at(t, i, &l);
    if (c == C_SPACE || c == C_NL) {
        L->pend |= TD_TOKF_SPACE_BEFORE;
        return i + l;
    }
    size_t st = i;
    int type = TD_TOK_PUNCT;
    unsigned flags = 0;
    if (c == C_LETTER || c == C_UPPER || c == C_MARK) {
        type = TD_TOK_WORD;
        size_t j = i;
        /* letters, marks, digits; inner hyphens, apostrophes, periods
         * of initialisms (U.S.), ampersands of AT&T */
        for (;;) {
            /* ASCII letters and digits, the common case, 8 at a time */
            j += td_ascii_alnum_run((const unsigned char *)norm + j, b - j, norm_len - j);
            size_t l2;
            int c2 = cls_at(t, j, &l2);
            if (is_wordc(c2)) {
                j += l2;
                continue;
            }
            if ((c2 == C_APOS || (c2 == C_PUNCT && (norm[j] == '-'))) && j > st) {
                size_t l3;
                int c3 = cls_at(t, j + l2, &l3);
                if (is_wordc(c3)) {
                    j += l2;
                    continue;
                }
            }
            break;
        }
        /* initialism: single letters with periods, "U.S.", "a.m." */
        size_t k = st;
        bool initialism = false;
        /* only a letter followed by a period can open one */
        bool maybe_init = c != C_MARK && st + l < b && norm[st + l] == '.';
        while (maybe_init) {
            size_t l2, l3;
            int c2 = cls_at(t, k, &l2);
            if (!(c2 == C_LETTER || c2 == C_UPPER))
                break;
            if (k + l2 < b && norm[k + l2] == '.') {
                int c3 = cls_at(t, k + l2 + 1, &l3);
                k += l2 + 1;
                if (c3 == C_LETTER || c3 == C_UPPER) {
                    initialism = k - st > 2 || initialism;
                    continue;
                }
                if (k - st > 2)
                    initialism = true;
            }
            break;
        }
        if (initialism && k > j) {
            j = k;
            flags |= TD_TOKF_ABBREV;
        } else if (j < b && norm[j] == '.') {
            /* Mr. / Jan. / an initial "J." */
            const td_lex_entry *ab = td_lexicon_get(L->res->abbrev, norm + st, j + 1 - st);
            size_t l2;
            int c0 = cls_at(t, st, &l2);
            if (ab || (c0 == C_UPPER && st + l2 == j)) {
                j++;
                flags |= TD_TOKF_ABBREV;
            }
        }
        /* split a clitic off the word */
        size_t cl = (flags & TD_TOKF_ABBREV) ? 0 : clitic_len(norm, st, j);
        if (cl) {
            if (!put_tok(L->doc, st, j - cl, TD_TOK_WORD, L->pend, L->block))
                return SIZE_MAX;
            set_case_flags(norm, TD_DOC_TOK(L->doc, L->doc->toks.n - 1));
            L->pend = 0;
            st = j - cl;
        }
        i = j;
    } else if (c == C_DIGIT) {
        type = TD_TOK_NUM;
        size_t j = i;
        for (;;) {
            size_t l2;
            int c2 = cls_at(t, j, &l2);
            if (is_wordc(c2)) {
                j += l2;
                continue;
            }
            char ch = j < b ? norm[j] : 0;
            if ((ch == ',' || ch == '.' || ch == ':' || ch == '/' || ch == '-') && j + 1 < b &&
                norm[j + 1] >= '0' && norm[j + 1] <= '9') {
                j += 1;
                continue;
            }
            break;
        }
        i = j;
    } else if (c == C_OPENQ) {
        type = TD_TOK_QUOTE_OPEN;
        i += l;
    } else if (c == C_CLOSEQ) {
        type = TD_TOK_QUOTE_CLOSE;
        i += l;
    } else if (c == C_APOS) {
        /* a clitic after a closing quote or a bare apostrophe */
        size_t j = i + 1;
        while (j < b && ((norm[j] >= 'a' && norm[j] <= 'z')))
            j++;
        type = j - i > 1 && j - i <= 3 ? TD_TOK_WORD : TD_TOK_PUNCT;
        i = type == TD_TOK_WORD ? j : i + 1;
    } else if (c == C_SYM) {
        type = TD_TOK_SYM;
        i += l;
    } else {
        /* punctuation: runs of the same ASCII mark stay one token (... --) */
        char ch = norm[i];
        size_t j = i + l;
        if (l == 1 && (ch == '.' || ch == '-' || ch == '!' || ch == '?'))
            while (j < b && norm[j] == ch)
                j++;
        i = j;
    }
    /* combining marks belong to the character before them (no break
     * inside a grapheme cluster, UAX #29 GB9); the normaliser maps a
     * character and its marks as one unit, so a token that ended
     * before them would have no exact base span. Marks start at
     * U+0300, a lead byte >= 0xCC. */
    while (i < b && (unsigned char)norm[i] >= 0xCC) {
        size_t l2;
        if (cls_at(t, i, &l2) != C_MARK)
            break;
        i += l2;
    }
    if (!put_tok(L->doc, st, i, type, flags | L->pend, L->block))
        return SIZE_MAX;
    if (type == TD_TOK_PUNCT || (flags & TD_TOKF_ABBREV)) {
        if (L->nc < SEG_CAND_MAX)
            L->cand[L->nc] = (uint32_t)(L->doc->toks.n - 1);
        if (L->nc != SIZE_MAX)
            L->nc++;
        if (L->nc > SEG_CAND_MAX)
            L->nc = SIZE_MAX; /* too many: split_line() reads every token */
    }
    if (type == TD_TOK_WORD)
        set_case_flags(norm, TD_DOC_TOK(L->doc, L->doc->toks.n - 1));
    L->pend = 0;
    if (i < b && norm[i] == ' ') {
        L->pend = TD_TOKF_SPACE_BEFORE; /* the space after it */
        i++;
    }
    return i;
}

/* What may follow a word cut the short way: 1 for an ASCII byte but ' - .
 * (which may continue it or make it an abbreviation), 2 for a space (taken
 * with the word), 0 for the rest (>= 0x80: a letter, a mark, a quote). */
#define R8(x) x, x, x, x, x, x, x, x
static const unsigned char after_word[256] = {
    R8(1), R8(1), R8(1), R8(1),
    2, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, /* ' ' ... '/' */
    R8(1), R8(1), R8(1), R8(1), R8(1), R8(1), R8(1), R8(1), R8(1), R8(1),
};
#undef R8

/* The end of the word of ASCII letters and digits at norm[i], 16 bytes a
 * load; *small gets 1 when it holds a small letter, else 0. SIZE_MAX when norm[i]
 * is not a letter or the word reaches the last 16 bytes of the text. */
/* Past the reserved room of doc->toks (td_segment_run), n tokens written
 * at *v: grow it and point *v and *cap at the new room; false when out of
 * memory. */
static bool more_room(td_doc *doc, size_t n, td_token **v, size_t *cap)
{
    doc->toks.n = n;
    if (td_vec_reserve(&doc->arena, &doc->toks, *cap + 64, sizeof **v))
        return false;
    *v = doc->toks.items;
    *cap = doc->toks.cap;
    return true;
}

static inline size_t word16(const char *norm, size_t norm_len, size_t i, uint64_t *small)
{
    if (norm_len - i < 16)
        return SIZE_MAX;
    unsigned sm, an = td_ascii_alnum16(norm + i, &sm);
    if (!(an & 1))
        return SIZE_MAX;
    unsigned stop = ~an & 0xffffu, s;
    size_t j;
    if (stop) {
        j = i + (unsigned)__builtin_ctz(stop);
        s = sm & (stop - 1) & ~stop; /* below the stop */
    } else {
        j = long_word_end(norm, norm_len, i + 16, &s);
        s |= sm;
    }
    *small = s != 0;
    return j;
}

/* Tokenise one line norm[a..b); every token gets its case flags as it is
 * cut. The common token, ASCII letters (and digits) ending at a space or
 * a mark that cannot continue the word or make it an abbreviation, is cut
 * here from a 64-byte window of masks (word16(), 16 bytes a load, near the
 * text's end and past the window's), with its case flags from the same
 * masks (every letter a capital: no small letter, as set_case_flags()
 * reads it); so is ASCII punctuation; the rest by cut_slow(). */
static td_status tokenize_line(const td_resources *res, td_doc *doc, size_t a, size_t b,
                               uint16_t block, uint32_t *cand, size_t *ncand)
{
    seg_line L = {res, doc, doc->norm, doc->norm_len, b, cand, 0,
                  TD_TOKF_SPACE_BEFORE | TD_TOKF_LINE_START, block};
    const char *norm = doc->norm;
    const size_t norm_len = doc->norm_len;
    /* doc->toks in locals: a token's byte fields may alias anything, so
     * through doc->toks the compiler would reload them after every token */
    td_token *v = doc->toks.items;
    size_t n = doc->toks.n, cap = doc->toks.cap;
    unsigned pend = L.pend;
    /* the masks of the 64 bytes norm[w..w+64): ASCII letters and digits,
     * small letters; none yet (i - w >= 64, wrapping or not) */
    size_t w = a - 64;
    uint64_t wan = 0, wsm = 0;
    /* a window can be loaded at i < wlim (64 bytes readable) */
    const size_t wlim = norm_len >= 64 ? norm_len - 63 : 0;
    size_t i = a;
    while (i < b) {
        unsigned char b0 = (unsigned char)norm[i];
        if (b0 > '9') {
            /* a word from the window's masks while 16 bytes of it are
             * left (a word that reaches its end: word16()) */
            size_t j = SIZE_MAX;
            /* the word's small letters: the low wl bits of small (read
             * only for a capital initial) */
            uint64_t small = 0;
            unsigned wl = 1;
            size_t r = i - w;
            if (r > 48 && i < wlim) {
                td_ascii_alnum64(norm + i, &wan, &wsm);
                w = i;
                r = 0;
            }
            if (r <= 48) { /* 16 bytes of the window left at least */
                uint64_t an = wan >> r;
                if (an & 1) { /* a letter */
                    wl = (unsigned)__builtin_ctzll(~an);
                    if (r + wl < 64) {
                        j = i + wl;
                        small = wsm >> r;
                    } else {
                        wl = 1;
                        j = word16(norm, norm_len, i, &small);
                    }
                }
            } else {
                j = word16(norm, norm_len, i, &small);
            }
            /* j < norm_len (SIZE_MAX: not a word of the short way): the
             * byte after the word is readable */
            unsigned k = j < b ? after_word[(unsigned char)norm[j]] : j == b;
            if (k) {
                if (n == cap && !more_room(doc, n, &v, &cap))
                    goto out_nomem;
                unsigned f = pend;
                if (b0 <= 'Z')
                    f |= TD_TOKF_CAP | ((small & ((1ull << wl) - 1)) ? 0 : TD_TOKF_ALLCAPS);
                td_token *tk = v + n++;
                tk->span.s = (uint32_t)i;
                tk->span.e = (uint32_t)j;
                tk->type = TD_TOK_WORD;
                tk->flags = (uint8_t)f;
                tk->block = block;
                /* the space after it, as below */
                pend = (k & 2) ? TD_TOKF_SPACE_BEFORE : 0;
                i = j + (k >> 1);
                continue;
            }
        }
        if (b0 == ' ') {
            pend |= TD_TOKF_SPACE_BEFORE;
            i++;
            continue;
        }
        if (b0 < 0x80 && ascii_cls[b0] == C_PUNCT) {
            /* ASCII punctuation, as cut_slow() cuts it: runs of the same
             * . - ! ? stay one token; a combining mark after it (a lead
             * byte >= 0xCC) is left to cut_slow() */
            size_t j = i + 1;
            if (b0 == '.' || b0 == '-' || b0 == '!' || b0 == '?')
                while (j < b && (unsigned char)norm[j] == b0)
                    j++;
            unsigned nx = j < b ? (unsigned char)norm[j] : ' ';
            if (nx < 0xCC) {
                if (n == cap && !more_room(doc, n, &v, &cap))
                    goto out_nomem;
                td_token *tk = v + n++;
                tk->span.s = (uint32_t)i;
                tk->span.e = (uint32_t)j;
                tk->type = TD_TOK_PUNCT;
                tk->flags = (uint8_t)pend;
                tk->block = block;
                /* a candidate sentence end for split_line() */
                if (L.nc < SEG_CAND_MAX)
                    cand[L.nc] = (uint32_t)(n - 1);
                if (L.nc != SIZE_MAX)
                    L.nc++;
                if (L.nc > SEG_CAND_MAX)
                    L.nc = SIZE_MAX; /* too many: split_line() reads every token */
                bool sp = nx == ' ' && j < b;
                pend = sp ? TD_TOKF_SPACE_BEFORE : 0;
                i = j + sp;
                continue;
            }
        }
        doc->toks.n = n;
        L.pend = pend;
        i = cut_slow(&L, i);
        if (i == SIZE_MAX)
            return TD_ENOMEM;
        v = doc->toks.items;
        n = doc->toks.n;
        cap = doc->toks.cap;
        pend = L.pend;
    }
    doc->toks.n = n;
    *ncand = L.nc;
    return TD_OK;
out_nomem:
    return TD_ENOMEM;
}

static void set_case_flags(const char *norm, td_token *t)
{
    if (t->type != TD_TOK_WORD)
        return;
    unsigned char c0 = (unsigned char)norm[t->span.s];
    if (c0 >= 'a' && c0 <= 'z')
        return; /* lower-case initial: neither CAP nor ALLCAPS */
    text tx = {norm, t->span.e};
    size_t l;
    int c = cls_at(tx, t->span.s, &l);
    if (c == C_UPPER)
        t->flags |= TD_TOKF_CAP;
    bool all = true, any = false;
    for (size_t i = t->span.s; i < t->span.e; i += l) {
        unsigned char b = (unsigned char)norm[i];
        if (b < 0x80) {
            /* ASCII: no decoding (the classes of ascii_cls) */
            l = 1;
            if (b >= 'a' && b <= 'z') {
                all = false;
                break;
            }
            if (b >= 'A' && b <= 'Z')
                any = true;
            continue;
        }
        c = cls_at(tx, i, &l);
        if (c == C_LETTER) {
            all = false;
            break;
        }
        if (c == C_UPPER)
            any = true;
        if (l == 0)
            break;
    }
    if (all && any)
        t->flags |= TD_TOKF_ALLCAPS;
}

static bool is_terminal(const td_doc *doc, const td_token *t)
{
    if (t->type != TD_TOK_PUNCT)
        return false;
    char c = doc->norm[t->span.s];
    if (c == '.' || c == '!' || c == '?')
        return true;
    return t->span.e - t->span.s == 3 && memcmp(doc->norm + t->span.s, "\xE2\x80\xA6", 3) == 0;
}

static bool starts_sentence(const td_doc *doc, const td_token *n)
{
    if (n->type == TD_TOK_QUOTE_OPEN || n->type == TD_TOK_NUM)
        return true;
    if (n->type == TD_TOK_WORD)
        return (n->flags & TD_TOKF_CAP) != 0;
    char c = doc->norm[n->span.s];
    return c == '(' || c == '[' || c == '-' || (unsigned char)c == 0xE2;
}

static td_status push_sent(td_doc *doc, size_t t0, size_t t1, uint16_t block)
{
    if (t1 <= t0)
        return TD_OK;
    td_sentence *s;
    if (doc->sents.n < doc->sents.cap) /* the reserved room (td_segment_run) */
        s = (td_sentence *)doc->sents.items + doc->sents.n++;
    else if (!(s = td_vec_push(&doc->arena, &doc->sents, sizeof *s)))
        return TD_ENOMEM;
    s->tok_first = (uint32_t)t0;
    s->tok_count = (uint32_t)(t1 - t0);
    s->span.s = TD_DOC_TOK(doc, t0)->span.s;
    s->span.e = TD_DOC_TOK(doc, t1 - 1)->span.e;
    s->block = block;
    TD_DOC_TOK(doc, t0)->flags |= TD_TOKF_SENT_START;
    return TD_OK;
}

/* Sentences over the tokens [t0, t1) of one line. Only punctuation and
 * abbreviations can end one: with ncand != SIZE_MAX, cand[0..ncand) lists
 * all of them (ascending) and the other tokens are not read. */
static td_status split_line(const td_resources *res, td_doc *doc, size_t t0, size_t t1,
                            uint16_t block, const uint32_t *cand, size_t ncand)
{
    size_t start = t0;
    bool all = ncand == SIZE_MAX;
    size_t nc = all ? t1 - t0 : ncand;
    size_t next = t0; /* the first token not absorbed by a sentence end */
    for (size_t ci = 0; ci < nc; ci++) {
        size_t i = all ? t0 + ci : cand[ci];
        if (i < next)
            continue;
        next = i + 1;
        td_token *t = TD_DOC_TOK(doc, i);
        bool end = false;
        size_t last = i;
        if (is_terminal(doc, t)) {
            /* absorb closing quotes and brackets */
            while (last + 1 < t1) {
                td_token *n = TD_DOC_TOK(doc, last + 1);
                char c = doc->norm[n->span.s];
                if (n->type == TD_TOK_QUOTE_CLOSE || c == ')' || c == ']' ||
                    (is_terminal(doc, n)))
                    last++;
                else
                    break;
            }
            end = last + 1 >= t1 || starts_sentence(doc, TD_DOC_TOK(doc, last + 1));
            /* "…,” he said." – a closing quote followed by a lower-case word
             * continues the sentence; handled by starts_sentence. */
        } else if ((t->flags & TD_TOKF_ABBREV) && i + 1 < t1) {
            const td_lex_entry *ab =
                td_lexicon_get(res->abbrev, doc->norm + t->span.s, t->span.e - t->span.s);
            const char *klass = ab ? td_lex_field(ab, 0) : "initial";
            td_token *n = TD_DOC_TOK(doc, i + 1);
            if (strcmp(klass, "other") == 0 && n->type == TD_TOK_WORD &&
                (n->flags & TD_TOKF_CAP)) {
                /* "in the U.S. The …": a function word after it starts one */
                static const char *const starters[] = {"The", "He", "She", "It", "They", "We",
                                                       "I", "But", "In", "A", "An", "This",
                                                       "That", "There", "His", "Her", "Its",
                                                       "Their", "And", "On", "At", NULL};
                size_t nl = n->span.e - n->span.s;
                for (int k = 0; starters[k]; k++)
                    if (strlen(starters[k]) == nl &&
                        memcmp(starters[k], doc->norm + n->span.s, nl) == 0)
                        end = true;
            }
        }
        if (end) {
            td_status st = push_sent(doc, start, last + 1, block);
            if (st != TD_OK)
                return st;
            start = last + 1;
            next = last + 1;
        }
    }
    return push_sent(doc, start, t1, block);
}

td_status td_segment_run(td_stage_ctx *ctx, td_doc *doc)
{
    const td_resources *res = ctx->res;
    uint32_t cand[SEG_CAND_MAX];
    /* news text has a token every ~5 bytes and a sentence every ~120 */
    if (td_vec_reserve(&doc->arena, &doc->toks, doc->norm_len / 4 + 16, sizeof(td_token)) ||
        td_vec_reserve(&doc->arena, &doc->sents, doc->norm_len / 64 + 8, sizeof(td_sentence)))
        return TD_ENOMEM;
    for (size_t bi = 0; bi < doc->blocks.n; bi++) {
        const td_block *bl = TD_DOC_BLOCK(doc, bi);
        if (!td_block_is_read(bl->kind))
            continue;
        size_t a = bl->span.s;
        while (a < bl->span.e) {
            const char *nl = memchr(doc->norm + a, '\n', bl->span.e - a);
            size_t e = nl ? (size_t)(nl - doc->norm) : bl->span.e;
            size_t t0 = doc->toks.n, ncand;
            td_status st = tokenize_line(res, doc, a, e, (uint16_t)(bi < 0xffff ? bi : 0xffff),
                                         cand, &ncand);
            if (st != TD_OK)
                return st;
            st = split_line(res, doc, t0, doc->toks.n, (uint16_t)(bi < 0xffff ? bi : 0xffff),
                            cand, ncand);
            if (st != TD_OK)
                return st;
            a = e + 1;
        }
    }
    return TD_OK;
}
