/*
 * bench_time.c - throughput of the time stage alone (tagging, document
 * date, normalisation), measured against the stages it needs run before it.
 *
 *   bench_time FILE...   (any input tidings reads; prints MB/s of base text)
 *
 * Built by bench/time.sh; not part of the library.
 */
#include "stage.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: other load does not count */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    td_resources *res;
    char *err = NULL;
    if (td_resources_load(NULL, &res, &err) != TD_OK) {
        fprintf(stderr, "bench_time: %s\n", err ? err : "cannot load resources");
        return 1;
    }
    td_stage_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.res = res;
    td_arena_init(&ctx.scratch);
    double t_before = 0, t_time = 0;
    bool skip = getenv("BENCH_SKIP_TIME") != NULL; /* for instruction-count baselines */
    size_t bytes = 0, docs = 0;
    for (int a = 1; a < argc; a++) {
        td_reader *rd;
        if (td_reader_open(argv[a], &res->opts, &rd) != TD_OK)
            continue;
        td_doc *doc;
        while (td_reader_next(rd, &doc) == TD_OK) {
            double t0 = now();
            for (size_t i = 0; i < td_stage_count; i++) {
                const td_stage *s = &td_stages[i];
                if (strcmp(s->name, "time") == 0) {
                    double t1 = now();
                    if (!skip)
                        s->run(&ctx, doc);
                    td_arena_reset(&ctx.scratch);
                    t_time += now() - t1;
                    break;
                }
                s->run(&ctx, doc);
                td_arena_reset(&ctx.scratch);
            }
            t_before += now() - t0;
            bytes += doc->base_len;
            docs++;
            td_doc_free(doc);
        }
        td_reader_free(rd);
    }
    double mb = bytes / 1e6;
    printf("bench_time: %zu docs, %.1f MB; stages up to time %.1f MB/s; time stage alone "
           "%.1f MB/s (%.2f ns/byte)\n",
           docs, mb, mb / t_before, mb / t_time, t_time * 1e9 / (double)bytes);
    td_stage_ctx_release(&ctx);
    td_resources_free(res);
    return 0;
}
