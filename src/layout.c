/*
 * layout.c - the layout stage: splits a document's norm text into line
 * blocks and classifies each as header, caption, title, dateline, byline,
 * body or boilerplate; reads the header's (or the input's) date.
 *
 * Crawler dumps put the article's title, photo caption and "related news"
 * headlines of other articles around the body (see DESIGN.md). The
 * classifier reads general signals only:
 *   - position: a title opens the text or follows the body; related
 *     headlines come in runs of a few lines at one edge of the document;
 *   - sentence shape: terminal punctuation, length, sentence breaks,
 *     capitalisation (headline case), links, list marks;
 *   - lexical overlap: a title restates the lead, so its content words are
 *     found in the first body paragraphs; a headline of another article
 *     shares little with the body.
 * It scores the few possible arrangements (no title; title first, body,
 * related after; body, title, related after; related, body, title) and
 * keeps the best. A line is boilerplate only with evidence: a run of
 * headline-shaped lines beside a title, or a navigation line
 * (data/lex/layout_nav.tsv). Bylines and datelines are read near the top
 * with data/lex/layout_byline.tsv and layout_dateline.tsv.
 *
 * Linear in the text: every line is measured once; overlap is counted in
 * a hash set of the body's content words in the scratch arena; only the
 * lines near the two edges are scored.
 */
#include "layout_lines.h"
#include "reader.h"
#include "stage.h"

#include <stdlib.h>
#include <string.h>

/* How many lines at each edge may be title or related headlines. */
#define EDGE_RUN 8
/* Content words of a candidate line looked at for overlap. */
#define CAND_WORDS 48
/* Prose paragraphs that make the lead. */
#define LEAD_LINES 3

typedef struct layout_res {
    td_lay_stop stop;
    td_lexicon *byline, *dateline, *nav;
} layout_res;

/* ---- resources --------------------------------------------------------- */

typedef struct stop_build {
    td_lay_stop *st;
} stop_build;

static void stop_add(const td_lex_entry *e, void *arg)
{
    td_lay_stop *st = ((stop_build *)arg)->st;
    size_t chars = 0;
    for (const char *p = e->key; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > st->maxchars)
        st->maxchars = chars;
    td_lay_stop_add(st, td_lay_word_hash(e->key, strlen(e->key)));
}

static td_status load_stop(layout_res *lr, const td_options *opts, char **err)
{
    td_lexicon *lx = NULL;
    td_status st = td_lexicon_load(opts, "layout_stop.tsv", TD_LEX_FOLD, &lx, err);
    if (st != TD_OK)
        return st;
    size_t size = 64;
    while (size < 8 * td_lexicon_size(lx))
        size <<= 1;
    lr->stop.keys = calloc(size, sizeof *lr->stop.keys);
    if (!lr->stop.keys) {
        td_lexicon_free(lx);
        return TD_ENOMEM;
    }
    lr->stop.mask = size - 1;
    stop_build b = {&lr->stop};
    td_lexicon_each(lx, stop_add, &b);
    td_lexicon_free(lx);
    return TD_OK;
}

void td_layout_release(td_resources *res)
{
    layout_res *lr = res ? res->layout : NULL;
    if (!lr)
        return;
    free(lr->stop.keys);
    td_lexicon_free(lr->byline);
    td_lexicon_free(lr->dateline);
    td_lexicon_free(lr->nav);
    free(lr);
    res->layout = NULL;
}

td_status td_layout_init(td_resources *res, char **err)
{
    layout_res *lr = calloc(1, sizeof *lr);
    if (!lr)
        return TD_ENOMEM;
    res->layout = lr;
    td_status st = load_stop(lr, &res->opts, err);
    if (st == TD_OK)
        st = td_lexicon_load(&res->opts, "layout_byline.tsv", TD_LEX_FOLD, &lr->byline, err);
    if (st == TD_OK)
        st = td_lexicon_load(&res->opts, "layout_dateline.tsv", 0, &lr->dateline, err);
    if (st == TD_OK)
        st = td_lexicon_load(&res->opts, "layout_nav.tsv", TD_LEX_FOLD, &lr->nav, err);
    if (st != TD_OK)
        td_layout_release(res);
    return st;
}

/* ---- the date ---------------------------------------------------------- */

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The input's date: the caller's word, taken as given (a full timestamp
 * gives its day; 1 January stays a day). */
static td_status input_date(td_doc *doc)
{
    const char *d = doc->in_date;
    size_t n = strlen(d);
    while (n && (d[n - 1] == ' ' || d[n - 1] == '\n'))
        n--;
    td_docdate *dd = &doc->date;
    dd->source = doc->in_date_source ? doc->in_date_source : "input";
    int mo = n >= 7 && digits(d + 5, 2) ? num(d + 5, 2) : 0;
    int dy = n >= 10 && digits(d + 8, 2) ? num(d + 8, 2) : 0;
    if (n >= 10 && digits(d, 4) && d[4] == '-' && mo >= 1 && mo <= 12 && d[7] == '-' &&
        dy >= 1 && dy <= 31) {
        dd->value = td_arena_strndup(&doc->arena, d, 10);
        dd->precision = TD_PREC_DAY;
        dd->given_y = num(d, 4);
        dd->given_m = num(d + 5, 2);
        dd->given_d = num(d + 8, 2);
    } else if (n >= 7 && digits(d, 4) && d[4] == '-' && mo >= 1 && mo <= 12 &&
               (n == 7 || !(d[7] >= '0' && d[7] <= '9'))) {
        dd->value = td_arena_strndup(&doc->arena, d, 7);
        dd->precision = TD_PREC_MONTH;
        dd->given_y = num(d, 4);
        dd->given_m = num(d + 5, 2);
    } else if (n >= 4 && digits(d, 4) && (n == 4 || !(d[4] >= '0' && d[4] <= '9'))) {
        dd->value = td_arena_strndup(&doc->arena, d, 4);
        dd->precision = TD_PREC_YEAR;
        dd->given_y = num(d, 4);
    } else {
        dd->value = td_arena_strndup(&doc->arena, d, n);
        dd->precision = TD_PREC_UNKNOWN;
        dd->note = "input date not in ISO 8601 form: kept as given";
    }
    return dd->value ? TD_OK : TD_ENOMEM;
}

/* The header line's date (d points at YYYY-MM-DD). */
static td_status header_date(td_doc *doc, const char *d)
{
    doc->date.header = td_arena_strndup(&doc->arena, d, 10);
    if (!doc->date.header)
        return TD_ENOMEM;
    if (doc->date.value)
        return TD_OK; /* the input's date wins */
    doc->date.source = "header";
    doc->date.given_y = num(d, 4);
    doc->date.given_m = num(d + 5, 2);
    doc->date.given_d = num(d + 8, 2);
    if (memcmp(d + 4, "-01-01", 6) == 0) {
        doc->date.value = td_arena_strndup(&doc->arena, d, 4);
        doc->date.precision = TD_PREC_YEAR;
        doc->date.note = "header date is 1 January with no time, a placeholder look: "
                         "only the year is kept";
    } else {
        doc->date.value = doc->date.header;
        doc->date.precision = TD_PREC_DAY;
    }
    return doc->date.value ? TD_OK : TD_ENOMEM;
}

/* ---- blocks ------------------------------------------------------------ */

static td_status add_block(td_doc *doc, td_block_kind k, uint32_t s, uint32_t e)
{
    td_block *b = td_vec_push(&doc->arena, &doc->blocks, sizeof *b);
    if (!b)
        return TD_ENOMEM;
    b->kind = k;
    b->span.s = s;
    b->span.e = e;
    return TD_OK;
}

/* The header line: a header block over the date, a caption block over the
 * text after it (when any). */
static td_status header_blocks(td_doc *doc, uint32_t s, uint32_t e)
{
    const char *l = doc->norm + s;
    uint32_t i = 0, n = e - s;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    td_status st = header_date(doc, l + i + 5);
    if (st != TD_OK)
        return st;
    uint32_t cap_s = s + i + 15;
    while (cap_s < e && (doc->norm[cap_s] == ' ' || doc->norm[cap_s] == '\t'))
        cap_s++;
    uint32_t cap_e = e;
    while (cap_e > cap_s && (doc->norm[cap_e - 1] == ' ' || doc->norm[cap_e - 1] == '\t'))
        cap_e--;
    st = add_block(doc, TD_BLOCK_HEADER, s, cap_s < e ? cap_s : e);
    if (st == TD_OK && cap_s < e) {
        st = add_block(doc, TD_BLOCK_CAPTION, cap_s, e);
        if (st == TD_OK && !doc->caption) {
            doc->caption = td_arena_strndup(&doc->arena, doc->norm + cap_s, cap_e - cap_s);
            if (!doc->caption)
                st = TD_ENOMEM;
        }
    }
    return st;
}

/* ---- scoring ----------------------------------------------------------- */

typedef struct cand {
    double title;   /* how much better this line reads as the title than as body */
    double related; /* ... as another article's headline (-10: never) */
} cand;

/* A distinct content word of a candidate line (its entry in the set q)
 * and how often the line has it. */
typedef struct cand_word {
    uint32_t ent;
    uint32_t mult;
} cand_word;

typedef struct lay_ctx {
    td_doc *doc;
    const layout_res *lr;
    td_arena *scratch;
    td_lay_line *lines; /* every line of the document */
    size_t nlines;
    uint32_t *idx;      /* the lines that count: not blank, not the header */
    size_t m;
    uint64_t *words;    /* word hashes of every line (layout_lines.h) */
    td_lay_set q;       /* the candidates' content words, counted in the body;
                           an entry's tag: the last candidate line (idx + 1)
                           with it, its at: the word's index in that cw */
    cand_word *cw;      /* the edge lines' distinct content words: the idx */
    uint32_t *cw_at;    /* idx j has cw[cw_at[j] .. + cw_n[j]) */
    uint8_t *cw_n;
    bool has_core;
    bool header;        /* the document opens with a crawler header line */
    uint8_t *kind;      /* td_block_kind per line */
} lay_ctx;

/* Is the idx entry j one of the edge lines scored (the others never
 * take part)? */
static bool edge_line(const lay_ctx *c, size_t j)
{
    return !(j > EDGE_RUN + 2 && j + EDGE_RUN + 3 < c->m);
}

/* Does the line have its overlap with the body measured? A long line is
 * no headline: its shape says so without overlap. */
static bool overlap_line(const lay_ctx *c, const td_lay_line *ln)
{
    return c->has_core && ln->words <= 40;
}

/* The first CAND_WORDS distinct content words of the candidate line idx
 * j (function words dropped), in order, with their multiplicities in the
 * line, into out; returns their count. Each is put in the set q, whose
 * entry remembers the last line that had it and where: a repeat in the
 * line is one probe of q, linear in the line. */
static size_t distinct_words(lay_ctx *c, size_t j, const td_lay_line *ln, cand_word *out)
{
    const td_lay_stop *stop = &c->lr->stop;
    const uint64_t *w = c->words + ln->w0;
    uint32_t tag = (uint32_t)j + 1;
    size_t nd = 0;
    for (size_t i = 0; i < ln->wn; i++) {
        uint64_t h = w[i];
        if (td_lay_stop_has(stop, h))
            continue;
        /* a word new to the line once CAND_WORDS are kept is left out */
        size_t q = nd < CAND_WORDS ? td_lay_set_slot(&c->q, h) : td_lay_set_find(&c->q, h);
        if (q == SIZE_MAX)
            continue;
        if (c->q.tag[q] == tag) {
            out[c->q.at[q]].mult++;
            continue;
        }
        if (nd == CAND_WORDS)
            continue;
        c->q.tag[q] = tag;
        c->q.at[q] = (uint8_t)nd;
        out[nd].ent = (uint32_t)q;
        out[nd].mult = 1;
        nd++;
    }
    return nd;
}

/* Overlap of a line with the body: the shares of its first CAND_WORDS
 * distinct content words (cw[0..nd), from distinct_words()) found in the
 * lead, in the body (core), and at least twice in the body (topic words).
 * Counts of the line's own words are subtracted when the line itself fed
 * a set. */
typedef struct overlap3 {
    double lead, core, topic;
} overlap3;

static overlap3 overlap(const lay_ctx *c, const cand_word *cw, size_t nd, bool own_lead,
                        bool own_core)
{
    overlap3 o = {0.0, 0.0, 0.0};
    if (nd == 0)
        return o;
    size_t lead = 0, core = 0, topic = 0;
    for (size_t u = 0; u < nd; u++) {
        uint32_t kl = c->q.count[cw[u].ent][1]; /* put there by build_sets() */
        uint32_t kc = c->q.count[cw[u].ent][0];
        if (own_lead)
            kl = kl > cw[u].mult ? kl - cw[u].mult : 0;
        if (own_core)
            kc = kc > cw[u].mult ? kc - cw[u].mult : 0;
        lead += kl > 0;
        core += kc > 0;
        topic += kc > 1;
    }
    o.lead = (double)lead / (double)nd;
    o.core = (double)core / (double)nd;
    o.topic = (double)topic / (double)nd;
    return o;
}

static bool headline_case(const td_lay_line *ln)
{
    unsigned n = (unsigned)ln->cap + ln->low;
    return n >= 2 && ln->cap * 10u >= 6u * n;
}

/* The line's shape as a headline of any article (no overlap yet). */
static double headline_shape(const td_lay_line *ln)
{
    double s = 0.0;
    if (ln->words == 0)
        return -10.0;
    if (ln->words > 30)
        s -= 3.0;
    else if (ln->words > 22)
        s -= 1.0;
    if (ln->words <= 1)
        s -= 1.2;
    else if (ln->words <= 2)
        s -= 0.4;
    switch (ln->end) {
    case TD_LAY_END_PERIOD: s -= 1.0; break;
    case TD_LAY_END_BANG: s -= 0.3; break;
    case TD_LAY_END_COLON: s -= 1.5; break;
    case TD_LAY_END_ELLIPSIS: s -= 0.3; break;
    default: break;
    }
    s -= 0.6 * (ln->sents > 3 ? 3 : ln->sents);
    if (ln->first_low)
        s -= 1.0;
    if (ln->lead_mark || ln->link)
        s -= 1.5;
    if (ln->digitw * 2 > ln->words)
        s -= 1.0;
    if (headline_case(ln))
        s += 0.3;
    if (ln->prose)
        s -= 0.5;
    return s;
}

/* Could the line be another article's headline at all? Five to 25 words
 * (headlines of other articles are never shorter), no sentence end, no
 * list mark or link, not a line of figures ("Fulham 1 Carlisle 0"). */
static bool related_shape(const td_lay_line *ln)
{
    return ln->tokens >= 5 && ln->tokens <= 25 && ln->end != TD_LAY_END_PERIOD &&
           ln->end != TD_LAY_END_COLON && !ln->first_low && !ln->lead_mark && !ln->link &&
           ln->digitw * 3 <= ln->tokens && !(ln->digitw >= 2 && ln->num_end) &&
           ln->sents <= 1 && !ln->prose;
}

static bool in_lead(uint32_t li, const uint32_t *lead_lines, size_t nlead)
{
    for (size_t i = 0; i < nlead; i++)
        if (lead_lines[i] == li)
            return true;
    return false;
}

static void score_line(const lay_ctx *c, size_t j, const uint32_t *lead_lines, size_t nlead,
                       cand *out)
{
    uint32_t li = c->idx[j];
    const td_lay_line *ln = &c->lines[li];
    double lead = 0.0, core = 0.0, topic = 0.0;
    if (overlap_line(c, ln)) {
        overlap3 o = overlap(c, c->cw + c->cw_at[j], c->cw_n[j], in_lead(li, lead_lines, nlead),
                             ln->prose);
        lead = o.lead;
        core = o.core;
        topic = o.topic;
    }
    out->title = headline_shape(ln) + 2.0 * lead + 1.0 * core + 1.0 * topic;
    if (!related_shape(ln))
        out->related = -10.0;
    else
        out->related = 0.9 + (headline_case(ln) ? 0.3 : 0.0) - 1.0 * core -
                       0.3 * lead;
}

/* Does the line have a content word (not a function word)? */
static bool has_content(const lay_ctx *c, const td_lay_line *ln)
{
    for (size_t i = 0; i < ln->wn; i++)
        if (!td_lay_stop_has(&c->lr->stop, c->words[ln->w0 + i]))
            return true;
    return false;
}

/* Count the body's words: core = every prose line, lead = the first prose
 * lines. Only the content words of the lines whose overlap is read are
 * counted (the set q holds them): a body word is one probe of a small
 * table, and function words are never there. */
static bool build_sets(lay_ctx *c, uint32_t *lead_lines, size_t *nlead)
{
    *nlead = 0;
    c->has_core = false;
    for (size_t j = 0; j < c->m; j++) {
        const td_lay_line *ln = &c->lines[c->idx[j]];
        if (!ln->prose)
            continue;
        if (*nlead < LEAD_LINES)
            lead_lines[(*nlead)++] = c->idx[j];
        if (!c->has_core)
            c->has_core = has_content(c, ln);
    }
    if (!c->has_core)
        return true;
    /* the candidates' distinct content words, once, then their set */
    size_t room = 0;
    for (size_t j = 0; j < c->m; j++) {
        const td_lay_line *ln = &c->lines[c->idx[j]];
        if (edge_line(c, j) && overlap_line(c, ln))
            room += ln->wn < CAND_WORDS ? ln->wn : CAND_WORDS;
    }
    c->cw = td_arena_alloc(c->scratch, (room ? room : 1) * sizeof *c->cw);
    c->cw_at = td_arena_alloc(c->scratch, c->m * sizeof *c->cw_at);
    c->cw_n = td_arena_calloc(c->scratch, c->m);
    if (!c->cw || !c->cw_at || !c->cw_n)
        return false;
    if (!td_lay_set_init(&c->q, c->scratch, room))
        return false;
    size_t nq = 0;
    for (size_t j = 0; j < c->m; j++) {
        const td_lay_line *ln = &c->lines[c->idx[j]];
        c->cw_at[j] = (uint32_t)nq;
        if (edge_line(c, j) && overlap_line(c, ln)) {
            size_t nd = distinct_words(c, j, ln, c->cw + nq);
            c->cw_n[j] = (uint8_t)nd;
            nq += nd;
        }
    }
    size_t seen_lead = 0;
    for (size_t j = 0; j < c->m; j++) {
        const td_lay_line *ln = &c->lines[c->idx[j]];
        if (!ln->prose)
            continue;
        size_t lead = seen_lead < *nlead;
        seen_lead++;
        const uint64_t *w = c->words + ln->w0;
        for (size_t i = 0; i < ln->wn; i++) {
            size_t q = td_lay_set_find(&c->q, w[i]);
            if (q != SIZE_MAX) {
                c->q.count[q][0]++;
                c->q.count[q][1] += (uint32_t)lead;
            }
        }
    }
    return true;
}

/* The arrangement chosen: title line (index into idx, or -1), related
 * headlines idx[0..head) and idx[tail..m). */
typedef struct arrangement {
    double score;
    long title;
    size_t head, tail;
} arrangement;

static void consider(arrangement *best, double score, long title, size_t head, size_t tail)
{
    if (score > best->score + 1e-9) {
        best->score = score;
        best->title = title;
        best->head = head;
        best->tail = tail;
    }
}

/* A run of headline-shaped lines longer than related headlines come in
 * is a list of the body (results, fixtures, a table of contents). */
static bool list_run(const cand *cd, size_t m, bool from_head)
{
    size_t n = 0;
    for (size_t i = 0; i < m && n <= EDGE_RUN + 2; i++) {
        size_t j = from_head ? i : m - 1 - i;
        if (cd[j].related <= -10.0)
            break;
        n++;
    }
    return n > EDGE_RUN + 2;
}

/* Title first, body, related headlines after (a crawler layout: only with
 * the header). The run is the best-scoring suffix of related lines. */
static void title_first(const lay_ctx *c, const cand *cd, bool tail_list, arrangement *best)
{
    size_t m = c->m;
    double sum = 0.0, bsum = 0.0;
    size_t btail = m;
    for (size_t r = 1; c->header && !tail_list && r <= EDGE_RUN && r + 2 <= m; r++) {
        double rr = cd[m - r].related;
        if (rr <= -10.0)
            break;
        sum += rr;
        /* a line ending in ':' introduces a list: not a related run */
        if (sum > bsum && c->lines[c->idx[m - r - 1]].end != TD_LAY_END_COLON) {
            bsum = sum;
            btail = m - r;
        }
    }
    /* a strong title left in the body just before the run speaks against
     * this reading */
    double doubt = btail < m && cd[btail - 1].title > 0.0 ? cd[btail - 1].title : 0.0;
    consider(best, cd[0].title + bsum - 0.5 * doubt, 0, 0, btail);
}

/* Body, title, related headlines after: every line after the title is
 * one. Without the crawler header, a title followed by related lines must
 * stand on its own, or be followed by a run of at least three lines that
 * all read as other headlines. */
static void title_after(const lay_ctx *c, const cand *cd, bool tail_list, double after,
                        arrangement *best)
{
    size_t m = c->m;
    double sum = 0.0;
    for (size_t k = m - 1; k >= 1 && m - 1 - k <= EDGE_RUN && !(tail_list && k + 1 < m); k--) {
        bool listed = c->lines[c->idx[k - 1]].end == TD_LAY_END_COLON;
        bool run = m - 1 - k >= 3 && sum >= 3.0 && cd[k].title >= 0.2;
        if (!listed && (c->header || k == m - 1 || cd[k].title >= 1.5 || run))
            consider(best, cd[k].title + sum + after, (long)k, 0, k + 1);
        double rr = cd[k].related;
        if (rr <= -10.0)
            break;
        sum += rr;
    }
}

/* Related headlines first, body, title last (a crawler layout: only with
 * the header). The run is the best-scoring prefix of related lines. */
static void related_first(const lay_ctx *c, const cand *cd, bool head_list, double after,
                          arrangement *best)
{
    size_t m = c->m;
    double sum = 0.0, bsum = 0.0;
    size_t bhead = 0;
    for (size_t a = 1; c->header && !head_list && a <= EDGE_RUN && a + 2 <= m; a++) {
        double rr = cd[a - 1].related;
        if (rr <= -10.0)
            break;
        sum += rr;
        if (sum > bsum) {
            bsum = sum;
            bhead = a;
        }
    }
    consider(best, cd[m - 1].title + bsum + after, (long)(m - 1), bhead, m);
}

/* Score every arrangement and keep the best; cd[j] holds the scores of the
 * edge lines j (the others never take part). No title is the baseline: with
 * the crawler header a title is all but certain, without it a line must
 * earn it. A title after the body is the crawler's habit (a small prior). */
static arrangement arrange(const lay_ctx *c, const cand *cd)
{
    size_t m = c->m;
    arrangement best = {c->header ? -2.0 : 0.9, -1, 0, m};
    if (m == 0)
        return best;
    if (m == 1) { /* only a headline */
        consider(&best, cd[0].title + (c->has_core ? 0.0 : 1.0), 0, 0, m);
        return best;
    }
    bool head_list = list_run(cd, m, true), tail_list = list_run(cd, m, false);
    double after = c->header ? 0.4 : 0.0;
    title_first(c, cd, tail_list, &best);
    title_after(c, cd, tail_list, after, &best);
    related_first(c, cd, head_list, after, &best);
    return best;
}

/* ---- navigation, bylines, datelines ------------------------------------ */

static bool nav_line(const lay_ctx *c, const td_lay_line *ln)
{
    if (ln->words > 8 || ln->te - ln->ts > 80)
        return false; /* navigation lines are short */
    const char *t = c->doc->norm;
    uint32_t s = ln->ts, e = ln->te;
    while (e > s && (t[e - 1] == ':' || t[e - 1] == '>' || t[e - 1] == ' '))
        e--;
    if (e - s >= 3 && (unsigned char)t[e - 2] == 0xC2 && (unsigned char)t[e - 1] == 0xBB)
        e -= 2;
    while (e > s && t[e - 1] == ' ')
        e--;
    return e > s && td_lexicon_get(c->lr->nav, t + s, e - s) != NULL;
}

/* Navigation lines at the edges of the text or beside boilerplate (a
 * "Read more" in the middle of the body is left alone: no evidence). */
static void nav_edges(lay_ctx *c)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->m; i++) {
            size_t j = pass ? c->m - 1 - i : i;
            uint32_t li = c->idx[j];
            if (c->kind[li] != TD_BLOCK_BODY || !nav_line(c, &c->lines[li]))
                continue;
            bool edge = j == 0 || j + 1 == c->m;
            bool beside = (j > 0 && c->kind[c->idx[j - 1]] == TD_BLOCK_BOILERPLATE) ||
                          (j + 1 < c->m && c->kind[c->idx[j + 1]] == TD_BLOCK_BOILERPLATE);
            if (edge || beside)
                c->kind[li] = TD_BLOCK_BOILERPLATE;
        }
    }
}

/* Words of a line as [s, e) pairs, up to max; returns the count. */
static size_t split_words(const char *t, uint32_t s, uint32_t e, uint32_t (*w)[2], size_t max)
{
    size_t n = 0;
    uint32_t i = s;
    while (i < e && n < max) {
        while (i < e && t[i] == ' ')
            i++;
        if (i == e)
            break;
        uint32_t ws = i;
        while (i < e && t[i] != ' ')
            i++;
        w[n][0] = ws;
        w[n][1] = i;
        n++;
    }
    while (i < e && t[i] == ' ')
        i++;
    return i < e ? max + 1 : n;
}

static bool upper_start(const char *p)
{
    unsigned char c = (unsigned char)p[0];
    if (c >= 'A' && c <= 'Z')
        return true;
    if (c == 0xC3 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] < 0x9F)
        return true;
    return c == 0xD0 && (unsigned char)p[1] < 0xB0;
}

static bool connector(const char *p, size_t n)
{
    static const char *const words[] = {"and", "&", "de", "da", "van", "von", "der", "del",
                                        "e", "y", "und", "dan", "et", "la", "le", "bin", "al"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], p, n) == 0)
            return true;
    return false;
}

/* "By Jane Doe and John Roe": a byline key, then capitalised name words. */
static bool byline_line(const lay_ctx *c, const td_lay_line *ln)
{
    if (ln->digitw || ln->link)
        return false; /* read before the words are split */
    const char *t = c->doc->norm;
    uint32_t w[12][2];
    size_t n = split_words(t, ln->ts, ln->te, w, 10);
    if (n < 2 || n > 10)
        return false;
    size_t key = 0;
    for (size_t k = 2; k >= 1 && !key; k--)
        if (n > k && td_lexicon_get(c->lr->byline, t + w[0][0], w[k - 1][1] - w[0][0]))
            key = k;
    if (!key)
        return false;
    size_t names = 0;
    for (size_t i = key; i < n; i++) {
        const char *p = t + w[i][0];
        size_t len = w[i][1] - w[i][0];
        while (len && (p[len - 1] == ',' || p[len - 1] == ';'))
            len--;
        if (len == 0)
            continue;
        if (upper_start(p))
            names++;
        else if (!connector(p, len))
            return false;
    }
    return names >= 1 && ln->end != TD_LAY_END_QUEST && ln->end != TD_LAY_END_BANG;
}

static bool all_caps_word(const char *p, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 'a' && ch <= 'z')
            return false;
        if (ch >= 'A' && ch <= 'Z')
            letters++;
    }
    return letters >= 1;
}

static bool is_dash(const char *p, size_t n)
{
    if (n == 1 && (p[0] == '-' || p[0] == '_'))
        return true;
    if (n == 2 && p[0] == '-' && p[1] == '-')
        return true;
    return n == 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
           ((unsigned char)p[2] == 0x93 || (unsigned char)p[2] == 0x94);
}

static bool iso_date(const char *p, size_t n)
{
    return n == 10 && digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && p[7] == '-' &&
           digits(p + 8, 2);
}

/* The agency of "(AP)" / "(Reuters)" at p[0..n), per the lexicon. */
static bool agency(const lay_ctx *c, const char *p, size_t n)
{
    if (n < 3 || p[0] != '(' || p[n - 1] != ')')
        return false;
    const td_lex_entry *e = td_lexicon_get(c->lr->dateline, p + 1, n - 2);
    return e && strcmp(td_lex_field(e, 0), "agency") == 0;
}

static const char *date_word_class(const lay_ctx *c, const char *p, size_t n)
{
    while (n && p[n - 1] == ',')
        n--;
    const td_lex_entry *e = n ? td_lexicon_get(c->lr->dateline, p, n) : NULL;
    return e ? td_lex_field(e, 0) : NULL;
}

/* A dateline at the start of the line: the bytes it covers (with the
 * spaces after it), 0 when none; *whole when it is the whole line.
 *   PLACE [, Region] [(AGENCY)] —    PLACE in capitals, or an agency
 *   PLACE YYYY-MM-DD                 (a wire dateline on its own line)
 *   [Weekday,] Month D, YYYY         (a date on its own line) */
static uint32_t dateline_len(const lay_ctx *c, const td_lay_line *ln, bool *whole)
{
    const char *t = c->doc->norm;
    uint32_t w[10][2];
    size_t n = split_words(t, ln->ts, ln->te, w, 8);
    *whole = false;
    if (n == 0)
        return 0;
    if (n > 8)
        n = 8; /* only the opening words matter for an inline dateline */
    bool caps = all_caps_word(t + w[0][0], w[0][1] - w[0][0]);
    size_t letters0 = 0;
    for (uint32_t i = w[0][0]; i < w[0][1]; i++)
        letters0 += (t[i] >= 'A' && t[i] <= 'Z');
    bool has_agency = false;
    for (size_t i = 0; i < n && i < 7; i++) {
        const char *p = t + w[i][0];
        size_t len = w[i][1] - w[i][0];
        if (agency(c, p, len)) {
            has_agency = true;
            continue;
        }
        if (i > 0 && is_dash(p, len)) {
            if (!(has_agency || (caps && letters0 >= 3)))
                return 0;
            if (i + 1 < n) {
                /* the text after it is a sentence, not more capitals
                 * ("SOCCER - CITY WIN AGAIN" is a headline) */
                bool lower = false;
                for (uint32_t q = w[i + 1][0]; q < ln->te && !lower; q++)
                    lower = t[q] >= 'a' && t[q] <= 'z';
                return lower ? w[i + 1][0] - ln->s : 0;
            }
            *whole = true;
            return ln->te - ln->s;
        }
        if (i > 0 && iso_date(p, len) && i + 1 == n && caps && letters0 >= 3) {
            *whole = true;
            return ln->te - ln->s;
        }
        if (i > 0 && !has_agency && !upper_start(p) && !(p[0] >= '0' && p[0] <= '9'))
            break;
    }
    /* a date alone: month name, numbers, weekday */
    if (n <= 6 && ln->words <= 6) {
        size_t months = 0, numbers = 0, other = 0;
        for (size_t i = 0; i < n; i++) {
            const char *p = t + w[i][0];
            size_t len = w[i][1] - w[i][0];
            const char *cl = date_word_class(c, p, len);
            if (cl && strcmp(cl, "month") == 0)
                months++;
            else if (cl && strcmp(cl, "weekday") == 0)
                ;
            else if (p[0] >= '0' && p[0] <= '9' && len <= 5)
                numbers++;
            else
                other++;
        }
        if (months == 1 && numbers >= 1 && other == 0) {
            *whole = true;
            return ln->te - ln->s;
        }
    }
    return 0;
}

/* Bylines and datelines among the first lines of the body. */
static void top_lines(lay_ctx *c)
{
    size_t looked = 0;
    for (size_t j = 0; j < c->m && looked < 3; j++) {
        uint32_t li = c->idx[j];
        if (c->kind[li] != TD_BLOCK_BODY)
            continue;
        looked++;
        const td_lay_line *ln = &c->lines[li];
        if (byline_line(c, ln)) {
            c->kind[li] = TD_BLOCK_BYLINE;
            continue;
        }
        bool whole = false;
        if (dateline_len(c, ln, &whole) && whole) {
            c->kind[li] = TD_BLOCK_DATELINE;
            continue;
        }
        if (ln->words >= 6)
            break; /* the first paragraph: its inline dateline is split off later */
    }
}

/* ---- the stage --------------------------------------------------------- */

static bool measure_lines(lay_ctx *c, const td_lay_stop *stop)
{
    td_doc *doc = c->doc;
    size_t n = 1;
    for (const char *p = doc->norm, *end = doc->norm + doc->norm_len;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        n++;
    c->lines = td_arena_alloc(c->scratch, n * sizeof *c->lines);
    c->idx = td_arena_alloc(c->scratch, n * sizeof *c->idx);
    c->kind = td_arena_calloc(c->scratch, n);
    if (!c->lines || !c->idx || !c->kind)
        return false;
    const uint64_t *map = td_lay_alnum_map(doc->norm, doc->norm_len, c->scratch);
    if (!map)
        return false;
    size_t capw = 0, nw = 0;
    c->words = NULL;
    uint32_t i = 0, len = (uint32_t)doc->norm_len;
    size_t k = 0;
    for (;;) {
        uint32_t e = i;
        const char *nl = memchr(doc->norm + i, '\n', len - i);
        e = nl ? (uint32_t)(nl - doc->norm) : len;
        if (k == 0 && td_text_is_header(doc->norm + i, e - i)) {
            c->header = true;
            memset(&c->lines[k], 0, sizeof c->lines[k]);
            c->lines[k].s = i;
            c->lines[k].e = e;
            c->lines[k].blank = true; /* not a line of the text proper */
            c->kind[k] = TD_BLOCK_HEADER;
        } else if (!td_lay_line_measure(doc->norm, map, i, e, stop, c->scratch, &c->words, &nw, &capw,
                                        &c->lines[k])) {
            return false;
        }
        if (!c->lines[k].blank)
            c->idx[c->m++] = (uint32_t)k;
        k++;
        if (!nl)
            break;
        i = e + 1;
    }
    c->nlines = k;
    return true;
}

static td_status emit_blocks(lay_ctx *c)
{
    td_doc *doc = c->doc;
    td_status st = TD_OK;
    for (size_t k = 0; k < c->nlines && st == TD_OK; k++) {
        const td_lay_line *ln = &c->lines[k];
        td_block_kind kind = (td_block_kind)c->kind[k];
        if (kind == TD_BLOCK_HEADER) {
            st = header_blocks(doc, ln->s, ln->e);
            continue;
        }
        if (kind == TD_BLOCK_TITLE && !doc->title) {
            doc->title = td_arena_strndup(&doc->arena, doc->norm + ln->ts, ln->te - ln->ts);
            if (!doc->title)
                return TD_ENOMEM;
        }
        st = add_block(doc, kind, ln->s, ln->e);
    }
    return st;
}

/* Split an inline dateline ("MOSCOW (AP) — text") off the first body
 * paragraph: a dateline block, then a body block over the rest. */
static td_status split_dateline(lay_ctx *c)
{
    td_doc *doc = c->doc;
    for (size_t j = 0; j < c->m; j++) {
        uint32_t li = c->idx[j];
        td_block_kind k = (td_block_kind)c->kind[li];
        if (k == TD_BLOCK_BYLINE || k == TD_BLOCK_DATELINE || k == TD_BLOCK_TITLE ||
            k == TD_BLOCK_BOILERPLATE)
            continue;
        const td_lay_line *ln = &c->lines[li];
        bool whole = false;
        uint32_t dl = dateline_len(c, ln, &whole);
        if (!dl || whole)
            return TD_OK;
        /* find the block of this line and split it */
        for (size_t b = 0; b < doc->blocks.n; b++) {
            td_block *bl = TD_DOC_BLOCK(doc, b);
            if (bl->span.s != ln->s || bl->kind != TD_BLOCK_BODY)
                continue;
            td_block *nb = td_vec_push(&doc->arena, &doc->blocks, sizeof *nb);
            if (!nb)
                return TD_ENOMEM;
            td_block *all = (td_block *)doc->blocks.items;
            memmove(&all[b + 2], &all[b + 1], (doc->blocks.n - b - 2) * sizeof *all);
            all[b + 1].kind = TD_BLOCK_BODY;
            all[b + 1].span = td_span_make(ln->s + dl, ln->e);
            all[b].kind = TD_BLOCK_DATELINE;
            all[b].span.e = ln->s + dl;
            return TD_OK;
        }
        return TD_OK;
    }
    return TD_OK;
}

td_status td_layout_run(td_stage_ctx *ctx, td_doc *doc)
{
    const layout_res *lr = ctx->res ? ctx->res->layout : NULL;
    if (!lr)
        return TD_EINTERNAL;
    if (doc->in_date && *doc->in_date) {
        td_status st = input_date(doc);
        if (st != TD_OK)
            return st;
    }
    if (doc->in_title && *doc->in_title)
        doc->title = doc->in_title;
    if (!doc->norm)
        return TD_OK;

    lay_ctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.lr = lr;
    c.scratch = &ctx->scratch;
    if (!measure_lines(&c, &lr->stop))
        return TD_ENOMEM;
    uint32_t lead_lines[LEAD_LINES];
    size_t nlead = 0;
    if (!build_sets(&c, lead_lines, &nlead))
        return TD_ENOMEM;

    /* score the edge lines */
    cand *cd = td_arena_calloc(c.scratch, (c.m ? c.m : 1) * sizeof *cd);
    if (!cd)
        return TD_ENOMEM;
    for (size_t j = 0; j < c.m; j++) {
        if (!edge_line(&c, j)) {
            cd[j].title = -10.0;
            cd[j].related = -10.0;
            continue;
        }
        score_line(&c, j, lead_lines, nlead, &cd[j]);
    }
    arrangement a = arrange(&c, cd);
    for (size_t j = 0; j < c.m; j++) {
        uint32_t li = c.idx[j];
        if ((long)j == a.title)
            c.kind[li] = TD_BLOCK_TITLE;
        else if (j < a.head || j >= a.tail)
            c.kind[li] = TD_BLOCK_BOILERPLATE;
    }
    nav_edges(&c);
    top_lines(&c);
    td_status st = emit_blocks(&c);
    if (st == TD_OK)
        st = split_dateline(&c);
    return st;
}
