/*
 * lexicon.h - word lists as data: TSV files loaded once, shared read-only.
 *
 * A lexicon file has one entry a line: a key, then optional fields, all
 * separated by tabs. Lines starting with '#' and blank lines are skipped.
 * Keys may hold several words separated by single spaces ("United States");
 * td_lexicon_match() finds them over tokens.
 *
 * Files are looked up by name (e.g. "abbrev.tsv") in, first, the data
 * directory of the options (--data-dir, else $TIDINGS_DATA_DIR) and then in
 * the copies compiled into the library from data/lex/, so an installed
 * binary works outside the source tree.
 */
#ifndef TD_LEXICON_H
#define TD_LEXICON_H

#include "tidings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct td_doc td_doc;

typedef struct td_lex_entry {
    const char *key;            /* as written in the file */
    const char *const *fields;  /* the other columns */
    int n_fields;
    int n_words;                /* words in the key */
    const char *hkey;           /* internal: the key as hashed (folded) */
    size_t hkey_len;            /* internal */
    uint32_t id;                /* its place in file order (td_lexicon_each), from 0:
                                 * callers may keep per-entry data in arrays of
                                 * td_lexicon_entries() */
} td_lex_entry;

typedef struct td_lexicon td_lexicon;

enum {
    TD_LEX_FOLD = 1 /* match keys case-insensitively (ASCII and Latin-1 letters) */
};

/* An empty lexicon. */
td_status td_lexicon_new(unsigned flags, td_lexicon **out);
/* Load the named data file into lx; entries already there with the same
 * key are kept (first wins) unless replace is true. On a syntax error *err
 * names the file and line (caller frees). */
td_status td_lexicon_add_named(td_lexicon *lx, const td_options *opts, const char *name,
                               bool replace, char **err);
/* Load a file by path (user lexicons). */
td_status td_lexicon_add_file(td_lexicon *lx, const char *path, bool replace, char **err);
/* Load from memory; `what` names the source in messages. */
td_status td_lexicon_add_text(td_lexicon *lx, const char *text, size_t len, const char *what,
                              bool replace, char **err);
/* Convenience: new + add_named. */
td_status td_lexicon_load(const td_options *opts, const char *name, unsigned flags,
                          td_lexicon **out, char **err);
void td_lexicon_free(td_lexicon *lx);

/* The entry for key[0..len), or NULL. */
const td_lex_entry *td_lexicon_get(const td_lexicon *lx, const char *key, size_t len);
/* The field i of an entry, or "" when absent. */
const char *td_lex_field(const td_lex_entry *e, int i);
size_t td_lexicon_size(const td_lexicon *lx);
/* One more than the largest entry id (>= td_lexicon_size: a replaced
 * entry keeps its id). */
size_t td_lexicon_entries(const td_lexicon *lx);
int td_lexicon_max_words(const td_lexicon *lx);
/* Visit every entry, in file order. */
void td_lexicon_each(const td_lexicon *lx, void (*fn)(const td_lex_entry *e, void *arg),
                     void *arg);

/* Longest entry starting at token tok among tokens [tok, tok_end) of doc:
 * words are joined with one space when white space separates the tokens,
 * with nothing when they touch ("U.S", "." -> "U.S."). *ntok receives the
 * number of tokens matched. NULL when none. */
const td_lex_entry *td_lexicon_match(const td_lexicon *lx, const td_doc *doc, size_t tok,
                                     size_t tok_end, size_t *ntok);

/* Raw bytes of a named data file: from the data directory (malloc'd,
 * *owned set true: free it) or built in (*owned false). TD_ENOENT when
 * neither has it. */
td_status td_data_read(const td_options *opts, const char *name, const char **ptr,
                       size_t *len, bool *owned);
/* The built-in copy only, or NULL. */
const char *td_data_builtin(const char *name, size_t *len);

#endif
