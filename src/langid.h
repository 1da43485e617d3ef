/*
 * langid.h - language identification.
 *
 * A quick test first: running English text has a high share of English
 * function words, which answers "en" for nearly every English article
 * without n-gram statistics. Otherwise libexttextcat (Debian's
 * libexttextcat, the n-gram classifier of LibreOffice, after Cavnar &
 * Trenkle 1994) classifies the first few kilobytes. One handle per thread:
 * textcat keeps per-handle state.
 */
#ifndef TD_LANGID_H
#define TD_LANGID_H

#include <stddef.h>

typedef struct td_langid td_langid;

/* NULL when the classifier's data cannot be loaded: detection then uses
 * the quick test only and answers "und" for non-English text. */
td_langid *td_langid_new(void);
void td_langid_free(td_langid *li);
/* Write the ISO 639-1 code (or "und") of text into out. */
void td_langid_detect(td_langid *li, const char *text, size_t len, char *out, size_t outsz);

#endif
