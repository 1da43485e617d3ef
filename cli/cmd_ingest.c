/* cmd_ingest.c - tidings ingest: run the pipeline and store every record in
 * the SQLite database, one transaction per batch. With --jobs > 1 a writer
 * thread stores the documents (copies of them, td_store_doc_clone, with
 * their hashes and index texts made by td_store_prepare on the thread that
 * runs the sink: cli_run's main thread, itself a pipeline thread) while
 * the pipeline threads go on with the next ones. The writer is what limits
 * ingest, so it runs at a higher priority than the pipeline threads (see
 * lower_priority). */
#define _GNU_SOURCE 1 /* syscall, RUSAGE_THREAD */
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h> /* not <time.h>: src/time.h would shadow it */
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

static const char help[] =
    "usage: tidings ingest [OPTIONS] [FILE|DIR|-]...\n\n"
    "Read news documents, run the pipeline and store every record with its\n"
    "entities, mentions, quotes, time expressions and events in an SQLite\n"
    "database (WAL mode, full-text index). With no FILE, or with -, read\n"
    "standard input. A document is its id: ingesting the same id with the same\n"
    "content again adds nothing; --replace updates documents whose content (or\n"
    "record) changed. The same text under another id is another document.\n\n"
    "Options:\n"
    "      --db PATH        the database (default: $TIDINGS_DB, else ./tidings.db);\n"
    "                       created when missing\n"
    "      --replace        replace documents stored with other content\n"
    "      --batch N        documents per transaction (default 5000); a crash or\n"
    "                       Ctrl-C loses at most the batch being written\n"
    "      --busy-timeout MS  wait this long for another writer (default 5000)\n"
    "      --progress       a progress line on standard error (default: when it\n"
    "                       is a terminal)\n"
    "      --no-progress    no progress line\n"
    "  -v, --verbose        a line on standard error for every committed batch and\n"
    "                       every failed document (else the summary names the\n"
    "                       first five)\n"
    "%s"
    "  -h, --help           this help\n\n"
    "A batch is committed when its line is printed (--verbose): it then\n"
    "survives the process being killed; the database is never corrupted.\n"
    "A summary goes to standard error at the end (unless --quiet).\n\n"
    "Exit status: 0 every document stored or unchanged, 1 some documents failed\n"
    "or were refused (same id, other content), 2 usage error, 3 fatal error\n"
    "(database locked, read-only, disk full), 130 interrupted (the batches\n"
    "written so far are kept).\n\n"
    "Example:\n"
    "  tidings ingest data/sample/ --db news.db\n";

#define MAX_REASONS 5
/* Documents per transaction. Every commit writes each page it changed to
 * the WAL, and the pages of the indexes whose keys arrive in no order
 * (mentions by entity, quotes by speaker) are changed by nearly every
 * batch: at 100k documents a batch of 1,000 wrote 41.8 KB of WAL per
 * document, one of 5,000 25.1 KB. */
#define INGEST_BATCH 5000
/* Documents waiting for the writer. A sink that finds the queue full
 * sleeps until the writer has taken half of it (QUEUE_WAKE left): one
 * wake-up of the pipeline side per 128 documents, not one per document,
 * each of which could take the writer's CPU from it for a moment. */
#define QUEUE_CAP 256
#define QUEUE_WAKE (QUEUE_CAP / 2)
/* How much nicer than the writer the pipeline threads run (see
 * lower_priority): at nice 5 a thread weighs a third of a nice-0 one, so
 * the scheduler leaves the writer a core of its own (its weight 1024
 * against the two pipeline threads' 2 x 335) rather than three equal
 * threads taking turns on two cores, while the pipeline threads still get
 * their share beside other programs. */
#define PIPELINE_NICE 5

typedef struct job {
    td_doc *doc;
    char *rec;
    size_t len;
    td_store_prep prep; /* hashes and index texts, made on the sink's thread */
} job;

typedef struct ingest {
    td_store *store;
    long batch, in_batch, batches;
    uint64_t stored, unchanged, replaced, conflicts, failed, committed;
    uint64_t bytes, total_bytes;
    char *reasons[MAX_REASONS];
    char *conflict_ids[MAX_REASONS];
    char *fatal;
    bool progress, quiet, verbose;
    double t0, last_draw;
    /* the writer thread (threaded) and its queue; mu guards the counters,
     * fatal and the queue */
    bool threaded, closing;
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t can_put, can_take;
    job queue[QUEUE_CAP];
    size_t qhead, qn;
} ingest;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void draw(ingest *g, bool final)
{
    double el = now() - g->t0;
    double mbs = el > 0 ? (double)g->bytes / 1e6 / el : 0;
    uint64_t docs = g->stored + g->unchanged + g->replaced + g->conflicts + g->failed;
    fprintf(stderr, "\r\033[K%llu documents, %.1f MB/s, %llu stored, %llu unchanged",
            (unsigned long long)docs, mbs, (unsigned long long)g->stored,
            (unsigned long long)g->unchanged);
    if (g->failed)
        fprintf(stderr, ", %llu failed", (unsigned long long)g->failed);
    if (!final && g->total_bytes > g->bytes && mbs > 0)
        fprintf(stderr, ", about %.0f s left",
                (double)(g->total_bytes - g->bytes) / 1e6 / mbs);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
    g->last_draw = now();
}

static void keep(char **list, const char *s)
{
    for (int i = 0; i < MAX_REASONS; i++)
        if (!list[i]) {
            list[i] = strdup(s);
            return;
        }
}

/* Commit the batch (on the thread that stores); 1 on failure (the caller
 * records it). */
static int commit(ingest *g)
{
    if (g->in_batch == 0)
        return 0;
    if (td_store_commit(g->store) != TD_OK)
        return 1;
    g->batches++;
    g->committed += (uint64_t)g->in_batch;
    if (g->verbose)
        fprintf(stderr, "tidings: committed batch %ld: %ld documents, %llu in all\n",
                g->batches, g->in_batch, (unsigned long long)g->committed);
    g->in_batch = 0;
    return 0;
}

static void set_fatal(ingest *g, const td_doc *doc)
{
    const char *id = doc ? td_doc_id(doc) : NULL;
    const char *e = td_store_error(g->store);
    size_t n = strlen(e) + (id ? strlen(id) : 1) + 32;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, doc ? "document %s: %s" : "%s%s", doc ? (id ? id : "?") : "", e);
    pthread_mutex_lock(&g->mu);
    if (!g->fatal)
        g->fatal = m;
    else
        free(m);
    pthread_mutex_unlock(&g->mu);
}

/* Store one document (on the writer thread when threaded, with what the
 * sink's thread prepared); 1 on a fatal error. */
static int store_one(ingest *g, const td_doc *doc, const char *rec, size_t len,
                     const td_store_prep *prep)
{
    if (g->in_batch == 0 && td_store_begin(g->store) != TD_OK) {
        set_fatal(g, NULL);
        return 1;
    }
    td_store_result r;
    td_status s = prep ? td_store_put_prepared(g->store, doc, rec, len, prep, &r)
                       : td_store_put(g->store, doc, rec, len, &r);
    if (s != TD_OK) {
        set_fatal(g, doc);
        return 1;
    }
    pthread_mutex_lock(&g->mu);
    g->in_batch++;
    g->bytes += doc->base_len;
    switch (r) {
    case TD_STORE_STORED: g->stored++; break;
    case TD_STORE_UNCHANGED: g->unchanged++; break;
    case TD_STORE_REPLACED: g->replaced++; break;
    case TD_STORE_CONFLICT:
        g->conflicts++;
        keep(g->conflict_ids, td_doc_id(doc));
        break;
    }
    bool full = g->in_batch >= g->batch;
    pthread_mutex_unlock(&g->mu);
    if (full && commit(g)) {
        set_fatal(g, NULL);
        return 1;
    }
    return 0;
}

#ifdef TD_INGEST_TIMING
static double tsec(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif

static void *writer(void *arg)
{
    ingest *g = arg;
#ifdef TD_INGEST_TIMING
    double w0 = tsec(CLOCK_MONOTONIC), waited = 0;
    long empty = 0;
#endif
    pthread_mutex_lock(&g->mu);
    for (;;) {
#ifdef TD_INGEST_TIMING
        if (g->qn == 0 && !g->closing) {
            double t = tsec(CLOCK_MONOTONIC);
            empty++;
            while (g->qn == 0 && !g->closing)
                pthread_cond_wait(&g->can_take, &g->mu);
            waited += tsec(CLOCK_MONOTONIC) - t;
        }
#endif
        while (g->qn == 0 && !g->closing)
            pthread_cond_wait(&g->can_take, &g->mu);
        if (g->qn == 0)
            break;
        job j = g->queue[g->qhead];
        g->qhead = (g->qhead + 1) % QUEUE_CAP;
        g->qn--;
        bool skip = g->fatal != NULL;
        if (g->qn <= QUEUE_WAKE)
            pthread_cond_signal(&g->can_put);
        pthread_mutex_unlock(&g->mu);
        if (!skip)
            store_one(g, j.doc, j.rec, j.len, &j.prep);
        td_store_prep_release(&j.prep);
        td_doc_free(j.doc);
        free(j.rec);
        pthread_mutex_lock(&g->mu);
    }
    pthread_mutex_unlock(&g->mu);
#ifdef TD_INGEST_TIMING
    /* a measuring build (-DTD_INGEST_TIMING): the writer thread's CPU time,
     * what limits ingest with --jobs 2 */
    fprintf(stderr, "tidings: ingest: writer thread %.3f s CPU, %.3f s wall, %.3f s waiting "
                    "for documents (%ld times)\n",
            tsec(CLOCK_THREAD_CPUTIME_ID), tsec(CLOCK_MONOTONIC) - w0, waited, empty);
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    unsigned long long run = 0, rq = 0, slices = 0;
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    if (f) {
        if (fscanf(f, "%llu %llu %llu", &run, &rq, &slices) != 3)
            run = rq = slices = 0;
        fclose(f);
    }
    fprintf(stderr, "tidings: ingest: writer: %ld voluntary, %ld involuntary switches; "
                    "ran %.3f s, waited for a CPU %.3f s\n",
            ru.ru_nvcsw, ru.ru_nivcsw, (double)run / 1e9, (double)rq / 1e9);
#endif
    return NULL;
}

/* Hand a copy of the document to the writer thread; 1 to stop. */
static int enqueue(ingest *g, const td_doc *doc, const td_buf *rec)
{
    job j = {NULL, malloc(rec->len + 1), rec->len, {{0}, {0}, {0}, {0}, 0}};
    if (!j.rec || td_store_doc_clone(doc, &j.doc) != TD_OK ||
        td_store_prepare(doc, rec->ptr, rec->len, &j.prep) != TD_OK) {
        td_store_prep_release(&j.prep);
        td_doc_free(j.doc);
        free(j.rec);
        pthread_mutex_lock(&g->mu);
        if (!g->fatal)
            g->fatal = strdup("out of memory");
        pthread_mutex_unlock(&g->mu);
        return 1;
    }
    memcpy(j.rec, rec->ptr, rec->len);
    j.rec[rec->len] = '\0';
    pthread_mutex_lock(&g->mu);
    while (g->qn == QUEUE_CAP && !g->fatal)
        pthread_cond_wait(&g->can_put, &g->mu);
    bool stop = g->fatal != NULL;
    if (!stop) {
        g->queue[(g->qhead + g->qn) % QUEUE_CAP] = j;
        g->qn++;
        pthread_cond_signal(&g->can_take);
    }
    pthread_mutex_unlock(&g->mu);
    if (stop) {
        td_store_prep_release(&j.prep);
        td_doc_free(j.doc);
        free(j.rec);
    }
    return stop;
}

static int sink(void *arg, td_doc *doc, const td_buf *rec, const char *err)
{
    ingest *g = arg;
    if (interrupted)
        return 1;
    if (!doc) {
        pthread_mutex_lock(&g->mu);
        g->failed++;
        keep(g->reasons, err);
        pthread_mutex_unlock(&g->mu);
        if (g->verbose) { /* else the summary lists the first few */
            if (g->progress)
                fputs("\r\033[K", stderr);
            cli_error("%s", err);
        }
        return 0;
    }
    pthread_mutex_lock(&g->mu);
    bool stop = g->fatal != NULL;
    pthread_mutex_unlock(&g->mu);
    if (stop)
        return 1;
    if (g->threaded ? enqueue(g, doc, rec) : store_one(g, doc, rec->ptr, rec->len, NULL))
        return 1;
    if (g->progress && now() - g->last_draw > 0.2) {
        pthread_mutex_lock(&g->mu);
        draw(g, false);
        pthread_mutex_unlock(&g->mu);
    }
    return 0;
}

static uint64_t total_size(char **paths)
{
    uint64_t t = 0;
    for (size_t i = 0; paths[i]; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) == 0 && S_ISREG(sb.st_mode))
            t += (uint64_t)sb.st_size;
    }
    return t;
}

static void summary(ingest *g, const char *db, double secs)
{
    uint64_t docs = g->stored + g->unchanged + g->replaced + g->conflicts + g->failed;
    fprintf(stderr,
            "tidings: ingest: %llu documents: %llu stored, %llu unchanged, %llu replaced, "
            "%llu refused, %llu failed (%.1f s, %.0f documents/s) into %s\n",
            (unsigned long long)docs, (unsigned long long)g->stored,
            (unsigned long long)g->unchanged, (unsigned long long)g->replaced,
            (unsigned long long)g->conflicts, (unsigned long long)g->failed, secs,
            secs > 0 ? (double)docs / secs : 0.0, db);
    if (g->conflicts) {
        fprintf(stderr, "tidings: refused: %llu with an id already stored with other content "
                        "(use --replace), e.g.", (unsigned long long)g->conflicts);
        for (int i = 0; i < MAX_REASONS && g->conflict_ids[i]; i++)
            fprintf(stderr, " %s", g->conflict_ids[i]);
        fputc('\n', stderr);
    }
    for (int i = 0; i < MAX_REASONS && g->reasons[i]; i++)
        fprintf(stderr, "tidings: failed: %s\n", g->reasons[i]);
    if (g->failed > MAX_REASONS)
        fprintf(stderr, "tidings: failed: ... and %llu more\n",
                (unsigned long long)(g->failed - MAX_REASONS));
}

static int parse_long(const char *opt, const char *v, long min, long max, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < min || n > max) {
        cli_error("%s wants a number from %ld to %ld, not '%s'", opt, min, max, v);
        return -1;
    }
    *out = n;
    return 0;
}

typedef struct ingest_args {
    const char *db;
    bool replace;
    long batch, busy;
    int progress;
} ingest_args;

/* Parse the command line into c, a and the input list; -1 usage error,
 * 1 help printed, 0 go on. */
static int parse_args(int argc, char **argv, cli_common *c, ingest_args *a, const char **in,
                      size_t *n_in, ingest *g)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int r = cli_parse_common(c, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        bool has_arg = i + 1 < argc;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            printf(help, cli_common_help);
            return 1;
        } else if (strcmp(s, "--db") == 0 && has_arg) {
            a->db = argv[++i];
        } else if (strcmp(s, "--replace") == 0) {
            a->replace = true;
        } else if (strcmp(s, "--batch") == 0 && has_arg) {
            if (parse_long(s, argv[++i], 1, 1000000, &a->batch))
                return -1;
        } else if (strcmp(s, "--busy-timeout") == 0 && has_arg) {
            if (parse_long(s, argv[++i], 0, 3600000, &a->busy))
                return -1;
        } else if (strcmp(s, "--progress") == 0) {
            a->progress = 1;
        } else if (strcmp(s, "--no-progress") == 0) {
            a->progress = 0;
        } else if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0) {
            g->verbose = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            cli_error("ingest: unknown option '%s' or missing argument (see 'tidings ingest "
                      "--help')", s);
            return -1;
        } else {
            in[(*n_in)++] = s;
        }
    }
    return 0;
}

static void ingest_free(ingest *g)
{
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->can_put);
    pthread_cond_destroy(&g->can_take);
    for (int i = 0; i < MAX_REASONS; i++) {
        free(g->reasons[i]);
        free(g->conflict_ids[i]);
    }
    free(g->fatal);
}

/* With --jobs 2 on 2 cores there are three busy threads: the writer and
 * two pipeline threads. The writer is what limits ingest (it stores one
 * document at a time), yet a fair scheduler gives it only part of a core
 * whenever both pipeline threads run. So the calling thread, which runs
 * the pipeline and the sink, lowers its own priority once the writer has
 * started; the pipeline threads cli_run starts inherit it (on Linux nice
 * is a thread's own), the writer and the store's checkpointer keep the
 * process's. Elsewhere this does nothing. */
static void lower_priority(void)
{
#ifdef __linux__
    id_t tid = (id_t)syscall(SYS_gettid);
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, tid);
    if (nice == -1 && errno != 0)
        return;
    (void)setpriority(PRIO_PROCESS, tid, nice + PIPELINE_NICE > 19 ? 19 : nice + PIPELINE_NICE);
#endif
}

int cmd_ingest(int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    const char *env = getenv("TIDINGS_DB");
    ingest_args a = {env && *env ? env : "tidings.db", false, INGEST_BATCH,
                     TD_STORE_DEFAULT_BUSY_MS, -1};
    ingest g;
    memset(&g, 0, sizeof g);
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t n_in = 0;
    if (!inputs)
        return EXIT_FATAL;
    int pr = parse_args(argc, argv, &c, &a, inputs, &n_in, &g);
    if (pr != 0) {
        free(inputs);
        return pr < 0 ? EXIT_USAGE : 0;
    }
    char **paths = cli_input_paths(inputs, n_in);
    if (!paths)
        return EXIT_SOME_FAILED;
    char *err = NULL;
    td_status st = td_store_open(a.db, a.replace ? TD_STORE_REPLACE : 0, &g.store, &err);
    if (st != TD_OK) {
        cli_error("%s", err ? err : td_strerror(st));
        free(err);
        td_path_list_free(paths);
        return EXIT_FATAL;
    }
    td_store_set_busy_timeout(g.store, (int)a.busy);
    td_resources *res = cli_load_resources(&c);
    if (!res) {
        td_store_close(g.store);
        td_path_list_free(paths);
        return EXIT_FATAL;
    }
    g.batch = a.batch;
    g.quiet = c.quiet;
    g.progress = a.progress < 0 ? (isatty(2) && !c.quiet) : a.progress == 1;
    g.total_bytes = total_size(paths);
    g.t0 = now();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = (int)SA_RESETHAND; /* a second Ctrl-C kills: WAL keeps the file sound */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.can_put, NULL);
    pthread_cond_init(&g.can_take, NULL);
    g.threaded = c.jobs > 1 && pthread_create(&g.writer, NULL, writer, &g) == 0;
    if (g.threaded)
        lower_priority();
    cli_run_opts ro = {c.jobs, 0, false, c.quiet, &c.opts, false};
    cli_run_stats stats;
    int rc = cli_run(res, paths, &ro, sink, &g, &stats);
    if (g.threaded) {
        pthread_mutex_lock(&g.mu);
        g.closing = true;
        pthread_cond_signal(&g.can_take);
        pthread_mutex_unlock(&g.mu);
        pthread_join(g.writer, NULL);
    }
    if (!g.fatal && commit(&g) != 0)
        set_fatal(&g, NULL);
    if (!g.fatal && g.progress)
        draw(&g, true);
    if (g.fatal)
        td_store_rollback(g.store);
    td_store_close(g.store);
    td_resources_free(res);
    td_path_list_free(paths);
    double secs = now() - g.t0;
    int code = EXIT_ALL_READ;
    if (g.fatal) {
        if (g.progress)
            fputs("\r\033[K", stderr);
        cli_error("%s (the batches committed before are kept)", g.fatal);
        code = EXIT_FATAL;
    } else if (rc < 0) {
        code = EXIT_FATAL;
    } else if (interrupted) {
        code = 130;
    } else if (g.failed || g.conflicts) {
        code = EXIT_SOME_FAILED;
    }
    if (!c.quiet)
        summary(&g, a.db, secs);
    if (interrupted && !g.fatal)
        cli_error("interrupted: %llu documents committed", (unsigned long long)g.committed);
    ingest_free(&g);
    return code;
}
