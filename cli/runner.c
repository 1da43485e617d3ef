/*
 * runner.c - read the inputs on the main thread, run the pipeline over a
 * batch of documents on N threads (one pipeline per thread, shared
 * read-only resources), then hand records to the sink in input order.
 */
#define _GNU_SOURCE 1
#include "cli.h"

#include "../src/buf.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("tidings: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

typedef struct slot {
    td_doc *doc;
    char *err; /* reader or pipeline error (malloc'd) */
    td_buf rec;
} slot;

typedef struct batch {
    slot *slots;
    size_t n;
    atomic_size_t next;
    td_pipeline **pls;
    int flags;
} batch;

typedef struct worker_arg {
    batch *b;
    int idx;
} worker_arg;

static void process(batch *b, int w)
{
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            break;
        slot *s = &b->slots[i];
        if (!s->doc)
            continue;
        td_status st = td_pipeline_run(b->pls[w], s->doc);
        td_buf_clear(&s->rec); /* kept from the slot's last document */
        if (st == TD_OK)
            st = td_record_write(s->doc, b->flags, &s->rec);
        if (st != TD_OK) {
            const char *path = NULL;
            if (asprintf(&s->err, "%s: document %s: %s", path ? path : "pipeline",
                         td_doc_id(s->doc) ? td_doc_id(s->doc) : "?", td_strerror(st)) < 0)
                s->err = NULL;
            td_doc_free(s->doc);
            s->doc = NULL;
        }
    }
}

static void *worker(void *p)
{
    worker_arg *a = p;
    process(a->b, a->idx);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_line(const cli_run_stats *st, double t0, uint64_t total_bytes, bool final)
{
    double el = now() - t0;
    double mb = (double)st->bytes / 1e6;
    double rate = el > 0 ? mb / el : 0;
    fprintf(stderr, "\r\033[K%llu documents, %.1f MB, %.1f MB/s", (unsigned long long)st->docs,
            mb, rate);
    if (total_bytes && rate > 0 && st->bytes < total_bytes)
        fprintf(stderr, ", %.0f s left", ((double)(total_bytes - st->bytes) / 1e6) / rate);
    if (st->failed)
        fprintf(stderr, ", %llu failed", (unsigned long long)st->failed);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* The reading side: the open reader and where it is in the path list. */
typedef struct feed {
    char **paths;
    size_t pi;
    td_reader *rd;
    const cli_run_opts *ro;
    cli_run_stats *stats;
} feed;

/* The next slot of b, empty but for its record buffer (kept from batch to
 * batch: a record is written into the room the last one left). */
static slot *slot_take(batch *b)
{
    slot *s = &b->slots[b->n++];
    td_buf rec = s->rec;
    memset(s, 0, sizeof *s);
    s->rec = rec;
    td_buf_clear(&s->rec);
    return s;
}

/* Read up to cap documents into b (main thread only). */
static void fill_batch(feed *f, batch *b, size_t cap)
{
    b->n = 0;
    while (b->n < cap) {
        if (!f->rd) {
            if (!f->paths[f->pi])
                break;
            const char *path = f->paths[f->pi];
            td_status st = td_reader_open(path, f->ro->reader_opts, &f->rd);
            if (st != TD_OK) {
                slot *s = slot_take(b);
                if (asprintf(&s->err, "%s: cannot read: %s",
                             strcmp(path, "-") == 0 ? "<stdin>" : path,
                             st == TD_EUSAGE ? "is a directory" :
                             st == TD_ENOENT ? "no such file" :
                             st == TD_EIO ? strerror(errno) : td_strerror(st)) < 0)
                    s->err = NULL;
                f->rd = NULL;
                f->pi++;
                continue;
            }
        }
        td_doc *doc = NULL;
        td_status st = td_reader_next(f->rd, &doc);
        if (td_reader_warning(f->rd) && !f->ro->quiet) {
            fprintf(stderr, "tidings: warning: %s\n", td_reader_warning(f->rd));
            f->stats->warnings++;
        }
        if (st == TD_EOF) {
            f->stats->bytes += td_reader_consumed(f->rd);
            td_reader_free(f->rd);
            f->rd = NULL;
            f->pi++;
            continue;
        }
        slot *s = slot_take(b);
        if (st == TD_OK) {
            s->doc = doc;
        } else {
            const char *m = td_reader_error(f->rd);
            s->err = strdup(m ? m : td_strerror(st));
            if (st == TD_EIO || st == TD_ETRUNC || (st == TD_ETOOBIG && !m)) {
                f->stats->bytes += td_reader_consumed(f->rd);
                td_reader_free(f->rd);
                f->rd = NULL;
                f->pi++;
            }
        }
    }
}

/* Start the worker threads (1..jobs-1) on b; returns how many started. */
static int start_workers(batch *b, int jobs, pthread_t *th, worker_arg *wa)
{
    atomic_store(&b->next, 0);
    int started = 0;
    for (int i = 1; i < jobs && (size_t)i < b->n; i++) {
        wa[i].b = b;
        wa[i].idx = i;
        if (pthread_create(&th[i], NULL, worker, &wa[i]) != 0)
            break;
        started = i;
    }
    return started;
}

/* Hand the records of b to the sink in order, then to flush, and free the
 * documents (the record buffers stay for the next batch, but a big one). */
static bool hand_out(batch *b, cli_sink sink, int (*flush)(void *), void *arg,
                     cli_run_stats *stats, bool stop)
{
    for (size_t i = 0; i < b->n; i++) {
        slot *s = &b->slots[i];
        if (s->doc) {
            stats->docs++;
            if (!stop && sink(arg, s->doc, &s->rec, NULL) != 0)
                stop = true;
        } else {
            stats->failed++;
            if (!stop && sink(arg, NULL, NULL, s->err ? s->err : "unknown error") != 0)
                stop = true;
        }
        td_doc_free(s->doc);
        s->doc = NULL;
        free(s->err);
        s->err = NULL;
    }
    if (flush && !stop && flush(arg) != 0)
        stop = true;
    for (size_t i = 0; i < b->n; i++) {
        slot *s = &b->slots[i];
        if (s->rec.cap > ((size_t)1 << 20))
            td_buf_release(&s->rec);
        td_buf_clear(&s->rec);
    }
    b->n = 0;
    return stop;
}

/*
 * Two batches in flight: while the worker threads run the pipeline over one
 * batch, the main thread reads the next one, then helps; while the workers
 * start on that next batch, the main thread hands the finished one to the
 * sink. Output order is input order whatever the number of threads.
 */
int cli_run(const td_resources *res, char **paths, const cli_run_opts *ro, cli_sink sink,
            void *arg, cli_run_stats *stats)
{
    return cli_run_flushing(res, paths, ro, sink, NULL, arg, stats);
}

int cli_run_flushing(const td_resources *res, char **paths, const cli_run_opts *ro, cli_sink sink,
                     int (*flush)(void *arg), void *arg, cli_run_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    int jobs = ro->jobs > 0 ? ro->jobs : 1;
    size_t cap = (size_t)jobs * 64;
    batch bb[2];
    memset(bb, 0, sizeof bb);
    td_pipeline **pls = calloc((size_t)jobs, sizeof *pls);
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    worker_arg *wa = calloc((size_t)jobs, sizeof *wa);
    int rc = 0;
    for (int k = 0; k < 2; k++) {
        bb[k].flags = ro->record_flags;
        bb[k].slots = calloc(cap, sizeof *bb[k].slots);
        bb[k].pls = pls;
    }
    if (!bb[0].slots || !bb[1].slots || !pls || !th || !wa) {
        cli_error("out of memory");
        rc = -1;
        goto out_free;
    }
    for (int i = 0; i < jobs; i++) {
        if (td_pipeline_new(res, &pls[i]) != TD_OK) {
            cli_error("out of memory");
            rc = -1;
            goto out_free;
        }
        td_pipeline_set_timing(pls[i], ro->stage_times);
    }
    double t0 = now(), last_draw = 0;
    feed f = {paths, 0, NULL, ro, stats};
    bool stop = false;
    batch *cur = &bb[0], *next = &bb[1];
    fill_batch(&f, cur, cap);
    int started = start_workers(cur, jobs, th, wa);
    while (cur->n > 0) {
        if (!stop)
            fill_batch(&f, next, cap); /* overlaps the workers' run */
        process(cur, 0);
        for (int i = 1; i <= started; i++)
            pthread_join(th[i], NULL);
        started = start_workers(next, jobs, th, wa);
        stop = hand_out(cur, sink, flush, arg, stats, stop); /* overlaps the next run */
        if (ro->progress) {
            double t = now();
            if (t - last_draw > 0.2) {
                cli_run_stats tmp = *stats;
                if (f.rd)
                    tmp.bytes += td_reader_consumed(f.rd);
                progress_line(&tmp, t0, 0, false);
                last_draw = t;
            }
        }
        batch *tmpb = cur;
        cur = next;
        next = tmpb;
    }
    if (f.rd) {
        stats->bytes += td_reader_consumed(f.rd);
        td_reader_free(f.rd);
    }
    stats->seconds = now() - t0;
    if (ro->progress)
        progress_line(stats, t0, 0, true);
out_free:
    if (pls)
        for (int i = 0; i < jobs; i++) {
            for (size_t k = 0; pls[i] && k < CLI_MAX_STAGES; k++)
                stats->stage_seconds[k] += td_pipeline_stage_seconds(pls[i], k);
            td_pipeline_free(pls[i]);
        }
    free(pls);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; bb[k].slots && i < cap; i++)
            td_buf_release(&bb[k].slots[i].rec);
    free(bb[0].slots);
    free(bb[1].slots);
    free(th);
    free(wa);
    return rc;
}
