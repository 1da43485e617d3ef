/* fuzz_pipeline.c - arbitrary bytes as a document's text through the whole
 * pipeline; every span in bounds, and the offset-map property: the base
 * slice of each token normalises to the token's text (quote direction
 * aside). */
#include "fuzz_common.h"

#include "stage.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fold(const char *s, size_t n, char *o, size_t *on)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] >= 0x98 && (unsigned char)s[i + 2] <= 0x9D) {
            o[j++] = (unsigned char)s[i + 2] >= 0x9C ? '"' : '\'';
            i += 2;
            continue;
        }
        o[j++] = s[i];
    }
    *on = j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    if (size > 1 << 16)
        return 0;
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.text = (const char *)data;
    in.text_len = size;
    td_doc *d = NULL;
    if (td_doc_new(&in, &d) != TD_OK)
        return 0;
    fz_process(d);
    for (size_t i = 0; i < d->toks.n && i < 200; i++) {
        td_token *t = TD_DOC_TOK(d, i);
        td_span b = td_doc_span_to_base(d, t->span);
        td_doc_input si;
        memset(&si, 0, sizeof si);
        si.text = d->base + b.s;
        si.text_len = b.e - b.s;
        td_doc *s = NULL;
        if (td_doc_new(&si, &s) != TD_OK)
            continue;
        if (td_normalize_run(NULL, s) == TD_OK) {
            size_t n = t->span.e - t->span.s;
            char *w = malloc(n + 1), *g = malloc(s->norm_len + 1);
            size_t wl, gl;
            fold(d->norm + t->span.s, n, w, &wl);
            fold(s->norm, s->norm_len, g, &gl);
            if (wl != gl || memcmp(w, g, wl) != 0)
                abort();
            free(w);
            free(g);
        }
        td_doc_free(s);
    }
    td_doc_free(d);
    return 0;
}
