/*
 * fuzz_html.c - libFuzzer target: any bytes as an HTML page (with and
 * without an HTTP charset) through td_html_to_doc, which must never crash,
 * leak or print, and must always give valid UTF-8.
 */
#include "reader.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const charsets[] = {NULL, "utf-8", "windows-1252", "shift_jis",
                                           "no-such-charset"};
    td_html_global_init();
    const char *cs = charsets[size % (sizeof charsets / sizeof charsets[0])];
    td_doc_input in;
    memset(&in, 0, sizeof in);
    in.url = "https://fuzz.example/2020/01/02/page";
    td_doc *d = NULL;
    const char *err = NULL;
    if (td_html_to_doc((const char *)data, size, cs, &in, &d, &err) == TD_OK) {
        if (td_utf8_first_invalid(d->base, d->base_len) != d->base_len)
            abort();
        td_doc_free(d);
    }
    return 0;
}
