/* fuzz_reader.c - every reader (format sniffed from the bytes, gzip or
 * not) on arbitrary bytes, then the whole pipeline on what it reads. */
#define _GNU_SOURCE 1
#include "fuzz_common.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    td_options o;
    memset(&o, 0, sizeof o);
    o.max_doc_bytes = 1 << 20;
    o.max_line_bytes = 1 << 20;
    td_reader *rd = NULL;
    if (td_reader_open(path, &o, &rd) == TD_OK) {
        for (int n = 0; n < 1000; n++) {
            td_doc *d = NULL;
            td_status st = td_reader_next(rd, &d);
            if (st == TD_EOF)
                break;
            if (st == TD_OK) {
                fz_process(d);
                td_doc_free(d);
            } else if (!td_reader_error(rd)) {
                abort(); /* an error must come with words */
            }
        }
        td_reader_free(rd);
    }
    close(fd);
    return 0;
}
