/* bench_ner.c - entity recognition speed: tokens per second of the entities
 * stage alone. Reads JSON lines ({"text": ...}), runs the stages before it
 * (normalize, layout, segment, time, docdate) untimed, then times
 * td_entities_run on every document; repeats the timed pass REPEAT times and
 * prints the median tokens/s and MB/s (of norm text).
 *
 *   bench_ner FILE.jsonl [REPEAT]
 * Built by bench/ner.sh against the static library (no CMake change). */
#include "doc.h"
#include "json.h"
#include "stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this thread: the cost per core, not disturbed by other
 * processes waiting for the same cores. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The "text" field of one JSON line (a minimal reader: enough for the corpora). */
static char *text_of(const char *line)
{
    const char *p = strstr(line, "\"text\"");
    if (!p)
        return NULL;
    p = strchr(p + 6, '"');
    if (!p)
        return NULL;
    p++;
    char *out = malloc(strlen(p) + 1);
    size_t n = 0;
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': out[n++] = '\n'; break;
            case 't': out[n++] = '\t'; break;
            case 'u': {
                unsigned cp = 0;
                sscanf(p + 1, "%4x", &cp);
                p += 4;
                if (cp < 0x80) out[n++] = (char)cp;
                else if (cp < 0x800) { out[n++] = (char)(0xC0 | (cp >> 6)); out[n++] = (char)(0x80 | (cp & 63)); }
                else { out[n++] = (char)(0xE0 | (cp >> 12)); out[n++] = (char)(0x80 | ((cp >> 6) & 63)); out[n++] = (char)(0x80 | (cp & 63)); }
                break;
            }
            default: out[n++] = *p;
            }
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ner FILE.jsonl [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    if (repeat < 1)
        repeat = 1;
    td_options o;
    memset(&o, 0, sizeof o);
    o.skip_lang = true;
    td_resources *res;
    char *err = NULL;
    if (td_resources_load(&o, &res, &err) != TD_OK) {
        fprintf(stderr, "bench_ner: %s\n", err ? err : "resources");
        return 1;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    td_doc **docs = NULL;
    size_t nd = 0, cap = 0, toks = 0, bytes = 0;
    td_stage_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.res = res;
    td_arena_init(&ctx.scratch);
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        char *t = text_of(line);
        if (!t)
            continue;
        td_doc_input in;
        memset(&in, 0, sizeof in);
        in.text = t;
        in.text_len = strlen(t);
        td_doc *d;
        if (td_doc_new(&in, &d) == TD_OK) {
            td_normalize_run(&ctx, d);
            d->english = true;
            td_layout_run(&ctx, d);
            td_segment_run(&ctx, d);
            td_arena_reset(&ctx.scratch);
            if (nd == cap) {
                cap = cap ? cap * 2 : 256;
                docs = realloc(docs, cap * sizeof *docs);
            }
            docs[nd++] = d;
            toks += d->toks.n;
            bytes += d->norm_len;
        }
        free(t);
    }
    free(line);
    fclose(f);
    /* baseline in the same run: the timed region with nothing in it */
    double base = 0;
    for (size_t i = 0; i < nd; i++) {
        double t0 = now();
        base += now() - t0;
    }
    double *secs = calloc((size_t)repeat, sizeof *secs);
    size_t ents = 0;
    for (int r = 0; r < repeat; r++) {
        double total = 0;
        ents = 0;
        for (size_t i = 0; i < nd; i++) {
            docs[i]->entities.n = 0;
            double t0 = now();
            td_entities_run(&ctx, docs[i]);
            total += now() - t0;
            td_arena_reset(&ctx.scratch);
            ents += docs[i]->entities.n;
        }
        secs[r] = total;
    }
    qsort(secs, (size_t)repeat, sizeof *secs, cmp_d);
    double med = secs[repeat / 2] - base;
    if (med <= 0)
        med = 1e-9;
    printf("docs %zu tokens %zu bytes %zu entities %zu\n", nd, toks, bytes, ents);
    printf("baseline (empty timed region, subtracted): %.4f s\n", base);
    printf("entities stage: median of %d: %.4f s CPU, %.0f tokens/s, %.1f MB/s, %.1f ns/byte\n",
           repeat, med, (double)toks / med, (double)bytes / med / 1e6, med * 1e9 / (double)bytes);
    for (size_t i = 0; i < nd; i++)
        td_doc_free(docs[i]);
    free(docs);
    free(secs);
    td_stage_ctx_release(&ctx);
    td_resources_free(res);
    return 0;
}
