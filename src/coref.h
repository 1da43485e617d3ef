/*
 * coref.h - who a mention refers to: names, surnames and pronouns.
 *
 * A small, per-document resolver the quotes stage uses for speakers and
 * the entity stage may reuse. It keeps, in document order, the persons it
 * was told about (td_coref_note_person) and the person entities already on
 * the document, and answers:
 *
 *   - the full name a bare surname stands for ("Lavrov" -> "Sergey Lavrov"),
 *     from capitalised name runs seen earlier in the document;
 *   - the person a pronoun ("he", "she") refers to: the most recent person
 *     of a compatible gender before it, within a bounded look-back;
 *   - the person a titled mention ("the minister") refers to: the most
 *     recent person introduced with that title word.
 *
 * Everything lives in the arena given to td_coref_new (the stage's scratch
 * arena), and each index is built on its first use; strings it returns are copied into the document's arena. It never
 * holds a pronoun as a name.
 */
#ifndef TD_COREF_H
#define TD_COREF_H

#include "doc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct td_coref td_coref;

enum { TD_GENDER_UNKNOWN = 0, TD_GENDER_M, TD_GENDER_F };

/* Whether token tok is a listed word (an honorific, title, modifier or
 * function word of data/lex/quote_words.tsv): such words are stripped from
 * the front of name runs. */
typedef bool (*td_coref_listed_fn)(void *arg, uint32_t tok);

/* A resolver for doc. listed, when not NULL, classifies tokens (called
 * with arg). Returns NULL when out of memory. */
td_coref *td_coref_new(td_arena *scratch, td_doc *doc, td_coref_listed_fn listed, void *arg);

/* Tell the resolver that a person named `name` (canonical, in the doc
 * arena), with entity id `entity` (0: none), gender g and role word `title`
 * (lower case, or NULL), was mentioned at norm offset pos. */
void td_coref_note_person(td_coref *c, uint32_t pos, const char *name, int entity, int gender,
                          const char *title);

/* The most recent person before pos compatible with gender g (UNKNOWN:
 * any). On success sets *name and *entity (0 when none) and returns true;
 * learns the gender of the person it picked when g is known. */
bool td_coref_resolve_pronoun(td_coref *c, uint32_t pos, int gender, const char **name,
                              int *entity);

/* The most recent person before pos introduced with title word `title`
 * (lower case), or false. */
bool td_coref_resolve_title(const td_coref *c, uint32_t pos, const char *title, size_t len,
                            const char **name, int *entity);

/* The full name ending in the single word s[0..len) that occurs before pos
 * in the document ("Lavrov" -> "Sergey Lavrov"), or NULL. */
const char *td_coref_full_name(td_coref *c, uint32_t pos, const char *s, size_t len);

/* TD_ENOMEM when an index built on first use could not be allocated (the
 * answers then were "none"), else TD_OK. */
td_status td_coref_status(const td_coref *c);

/* The entity with a mention overlapping sp, or NULL. */
const td_entity *td_coref_entity_at(const td_doc *doc, td_span sp);

#endif
