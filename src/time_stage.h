/*
 * time_stage.h - what the time stage (time.c) and the document date (docdate.c)
 * share (library-internal).
 *
 * time.c tags candidate time expressions with the rules of
 * data/lex/time_rules.tsv, hands the absolute ones to td_docdate_decide()
 * (which checks the publication date against them), then resolves every
 * relative expression against the decided date.
 */
#ifndef TD_TIME_STAGE_H
#define TD_TIME_STAGE_H

#include "doc.h"
#include "lexicon.h"
#include "pattern.h"

/* The named groups a rule may fill (time_rules.tsv). */
enum {
    TG_Y, TG_M, TG_D, TG_WD, TG_MD, TG_REL, TG_N, TG_N2, TG_U, TG_DIR, TG_Q, TG_SS,
    TG_POD, TG_HH, TG_MI, TG_AP, TG_TZ, TG_DEC, TG_CENT, TG_DR, TG_COUNT
};

/* A candidate time expression with its parsed parts (0 / NULL: absent). */
typedef struct td_tx {
    td_span g[TG_COUNT]; /* the groups (empty span: not matched) */
    td_span span;
    int rule;        /* index into the rule table */
    int action;      /* TX_* of time.c */
    td_time_type type;
    int y, m, d, wd; /* calendar parts as written (y: 4 digits, or 2 with y2) */
    bool y2;         /* the year was written with two digits */
    int tense;       /* -1 past, 0 unknown, +1 future (the sentence's cues) */
    int near_tense;  /* the tense cue nearest to the expression (for evidence) */
    int line;        /* index of the read line (block) it is in, from 0 */
    bool line_is_date; /* the expression is (nearly) all of its line */
    bool dateline_shape; /* "CITY, Mon DD (Agency) -" */
} td_tx;

/* Known past events (data/lex/time_events.tsv) found in the text. */
typedef struct td_tx_event {
    td_span span;
    int y, m, d;
} td_tx_event;

/* Decide doc->date from the date given with the document and the evidence
 * in the text; see docdate.c. tx are in text order. */
void td_docdate_decide(td_doc *doc, const td_tx *tx, size_t ntx, const td_tx_event *ev,
                       size_t nev);

/* ---- inside the time stage (time.c, time_norm.c) ---------------------- */

/* How a rule's groups become a value (column 3 of time_rules.tsv). */
enum {
    TX_DATE, TX_WDAY, TX_DAYREL, TX_REL, TX_AGO, TX_DUR, TX_SET, TX_LIT, TX_QUARTER,
    TX_DECADE, TX_CLOCK, TX_SEASON
};

typedef struct time_rule {
    td_time_type type;
    int action;
    char value[32]; /* the rule's value column ("" for -) */
    int need;       /* its need set (column 6), -1: none */
} time_rule;

/* Need sets of time_rules.tsv, and the slots of their word table. */
enum { TIME_NEEDS = 32, TIME_NEED_SLOTS = 256 };

/* The stage's read-only resources (res->time). */
typedef struct time_res {
    td_lexicon *words;     /* time_words.tsv */
    td_lexicon *tense;     /* time_tense.tsv */
    td_pattern_set *ps;    /* time_rules.tsv */
    time_rule *rules;
    size_t nrules;
    td_pattern_set *events; /* time_events.tsv */
    int *event_ymd;         /* 3 ints per event rule */
    size_t nevents;
    struct time_wmask {
        const td_lex_entry *e; /* a word of time_words.tsv */
        td_pattern_mask m;     /* the rules that may start with it */
        td_pattern_mask *next; /* [128]: of those, the ones that may match
                                  when one space and this ASCII byte follow */
    } *masks;                  /* sorted by entry address */
    size_t nmasks;
    struct time_group {
        int g;    /* TG_* */
        int n[2]; /* its PCRE2 group numbers (n[1] 0: none) */
    } groups[128][TG_COUNT]; /* rule: the groups it has, first ngroups */
    uint8_t ngroups[128];
    /* Every single word of words and tense in one open-addressing table
     * (power of two, folded keys, hashes stored): one probe per token
     * gives its role, tense cue and rule mask (see time.c, word_info). */
    struct time_wslot {
        const char *key; /* folded (the lexicon's hkey); NULL: empty */
        uint32_t h;
        uint8_t len;
        struct time_winfo {
            uint8_t flags; /* WI_* of time.c */
            uint8_t role;  /* R_* of its time_words.tsv class */
            int8_t cue;    /* its time_tense.tsv cue: -1 past, +1 future, 0 */
            int16_t mask;  /* index into masks, -1: none */
        } wi;
    } *wtab;
    uint32_t wtab_mask;
    bool wtab_slow; /* some key is not ASCII: look words up in the lexicons */
    uint8_t bloom[8192]; /* quick hash of a key -> WB_* of time.c: most
                            tokens are ruled out by one load */
    /* The need filter (column 6 of time_rules.tsv, see time.c): need
     * set k (bit k) is a list of words; need_rules[k] the rules that need
     * one of them; need_tab the words (folded, open addressing). */
    char *need_src[TIME_NEEDS];
    td_pattern_mask need_rules[TIME_NEEDS];
    td_pattern_mask need_drop[TIME_NEEDS / 8][256]; /* [g][b]: the rules of the
                                sets 8g + k for the bits k of b */
    int nneeds;
    struct time_need {
        uint32_t h, bits; /* quick hash (low 32 bits); need sets */
        uint8_t len;      /* 0: empty */
        char w[23];
    } need_tab[TIME_NEED_SLOTS];
    uint32_t need_lens[32 * 32]; /* need_pair(first byte, last byte) -> bit n:
                                    a need word of n bytes begins and ends so */
    bool masks_cached; /* masks came from time_masks.tsv (time_masks.c) */
} time_res;

/* ---- the word masks as data (time_masks.c) ------------------------------ */

/* The key of the masks for the time data of opts (16 hex digits). */
td_status td_time_masks_key(const td_options *opts, char out[17]);
/* The index in r->masks (sorted by entry address) of entry e's mask, or -1. */
int td_time_mask_index(const time_res *r, const td_lex_entry *e);
/* Is text (of time_masks.tsv) made under key? */
bool td_time_masks_match(const char *key, const char *text, size_t len);
/* Fill the masks of r->masks[0, nmasks) (their entries set, in
 * td_lexicon_each order) from the text of time_masks.tsv made under key;
 * TD_EFORMAT when it is another key or does not fit (some next may then be
 * allocated). */
td_status td_time_masks_load(time_res *r, const char *key, const char *text, size_t len);
/* The text of time_masks.tsv for r (masks sorted by entry) under key. */
td_status td_time_masks_render(const time_res *r, const char *key, td_buf *b);
/* That text for the time data of opts, computed from the rules (slow: for
 * the test that keeps the shipped file current); caller frees *out. */
td_status td_time_masks_make(const td_options *opts, char **out, size_t *len, char **err);
/* Did the stage of res take its masks from time_masks.tsv? */
bool td_time_masks_cached(const td_resources *res);

/* The date relative expressions are resolved against. */
typedef struct td_anchor {
    int y, m, d;
    td_precision prec; /* TD_PREC_UNKNOWN: none */
} td_anchor;

/* Fill y m d wd (and y2) of t from its groups. */
void td_time_parse_parts(const time_res *r, const td_doc *doc, td_tx *t);
/* The anchor from doc->date. */
void td_time_anchor(const td_doc *doc, td_anchor *an);
/* The TIMEX3 of t against an; false when t is not a valid expression. */
bool td_time_normalise(const time_res *r, td_doc *doc, const td_anchor *an, const td_tx *t,
                       td_time *out);

/* Civil-date helpers shared by both files. */
long td_days_from_civil(int y, int m, int d);
void td_civil_from_days(long z, int *y, int *m, int *d);
int td_days_in_month(int y, int m);

#endif
