/*
 * test_record.c - the record writer (record.c): the compact record into a
 * capped buffer (td_buf max) holds the same bytes as into an uncapped one
 * whenever they fit, and is refused (TD_ETOOBIG) when they do not.
 */
#include "harness.h"
#include "fixture.h"

#include "buf.h"

TEST(capped_buffer)
{
    /* plain text of 3,500 bytes: the record fits a buffer of base_len * 4 +
     * 4096 bytes (what td_record_write reserves), the worst case of its
     * escaped body (6 bytes a byte) does not */
    char text[4096];
    size_t n = 0;
    const char *s = "Officials met in Vienna on Monday, March 3, 2008 to talk. ";
    size_t sl = strlen(s);
    while (n + sl < 3500) {
        memcpy(text + n, s, sl);
        n += sl;
    }
    text[n] = 0;
    td_doc *doc = fx_run(text, "2008-03-04");
    CHECK(doc != NULL);
    if (!doc)
        return;
    td_buf free_b, capped;
    td_buf_init(&free_b, 0);
    CHECK(td_record_write(doc, 0, &free_b) == TD_OK);
    CHECK(free_b.len > n);
    CHECK(strstr(free_b.ptr, "\"times\":[{") != NULL);

    td_buf_init(&capped, n * 4 + 4096);
    CHECK(td_record_write(doc, 0, &capped) == TD_OK);
    CHECK(capped.len == free_b.len && capped.ptr &&
          memcmp(capped.ptr, free_b.ptr, free_b.len) == 0);
    td_buf_release(&capped);

    td_buf_init(&capped, free_b.len - 1); /* one byte short */
    CHECK(td_record_write(doc, 0, &capped) == TD_ETOOBIG);
    td_buf_release(&capped);

    td_buf_release(&free_b);
    td_doc_free(doc);
}

int main(void)
{
    if (fx_load(NULL))
        return 1;
    RUN(capped_buffer);
    fx_release();
    return DONE();
}
