/*
 * fuzz_warc.c - libFuzzer target: any bytes written to a temporary file
 * (named .warc; gzip is told by its magic bytes) and read to the end with
 * the WARC reader, which must never crash, loop or leak.
 */
#include "reader.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/td_fuzz_warc_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    /* make the reader take it as WARC whatever the bytes */
    static const char head[] = "WARC/1.0\r\n";
    bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if ((!gz && write(fd, head, sizeof head - 1) < 0) || write(fd, data, size) < 0) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    td_html_global_init();
    td_options o;
    memset(&o, 0, sizeof o);
    o.max_line_bytes = 1u << 20;
    td_reader *rd;
    if (td_reader_open(path, &o, &rd) == TD_OK) {
        for (int i = 0; i < 10000; i++) {
            td_doc *d = NULL;
            td_status st = td_reader_next(rd, &d);
            if (st == TD_EOF || st == TD_EIO || st == TD_ETRUNC)
                break;
            if (st == TD_OK)
                td_doc_free(d);
        }
        td_reader_free(rd);
    }
    unlink(path);
    return 0;
}
