/* cmd_extract.c - tidings extract: one JSON record per document. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* --stats: each stage's CPU seconds and share, then the total, on stderr. */
static void print_stage_times(const cli_run_stats *st)
{
    double total = 0;
    size_t n = td_pipeline_stage_count();
    if (n > CLI_MAX_STAGES)
        n = CLI_MAX_STAGES;
    for (size_t i = 0; i < n; i++)
        total += st->stage_seconds[i];
    fprintf(stderr, "stage        CPU s  share\n");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%-10s %7.3f %5.1f%%\n", td_pipeline_stage_name(i), st->stage_seconds[i],
                total > 0 ? 100 * st->stage_seconds[i] / total : 0.0);
    fprintf(stderr, "%-10s %7.3f  (%.3f s wall for %llu documents, all of the run)\n", "stages",
            total, st->seconds, (unsigned long long)st->docs);
}

static const char help[] =
    "usage: tidings extract [OPTIONS] [FILE|DIR|-]...\n\n"
    "Read news documents and print one JSON record per document on standard\n"
    "output, in input order (JSON lines; see the record format in README.md).\n"
    "No database: a pure stream, fit to run as a mapper (Hadoop Streaming,\n"
    "Spark pipe). With no FILE, or with -, read standard input.\n\n"
    "Inputs, told from their content (gzip-compressed or not):\n"
    "  plain text in crawler layout (a line ' date YYYY-MM-DD caption' starts a\n"
    "  document), JSON lines ({\"text\": ...} or {\"html\": ...}), HTML, WARC.\n"
    "  A directory is read recursively, files in name order.\n\n"
    "Options:\n"
    "      --pretty         indent the JSON (one record is then several lines)\n"
    "      --progress       a progress line on standard error (default: when\n"
    "                       standard error is a terminal and output is not)\n"
    "      --stats          at the end, the CPU seconds each pipeline stage took\n"
    "                       (summed over --jobs threads) on standard error\n"
    "%s"
    "  -h, --help           this help\n\n"
    "Exit status: 0 every document read, 1 some documents failed (each named on\n"
    "standard error with its file and line or byte), 2 usage error, 3 fatal.\n\n"
    "Example:\n"
    "  tidings extract data/sample/lavrov.txt --pretty\n";

/* The records of a batch are gathered (pointers into the runner's buffers,
 * valid until flush returns) and written by one writev: no copy through
 * stdio. Nothing else goes to standard output while the run lasts. */
#define SINK_IOV 256

typedef struct {
    int fd;
    bool quiet;
    bool broken; /* a write failed (EPIPE: the reader went away) */
    int io_errno;
    struct iovec iov[SINK_IOV];
    int n;
} sink_state;

/* Write the gathered records; non-zero on a write error. */
static int sink_flush(void *arg)
{
    sink_state *s = arg;
    struct iovec *v = s->iov;
    int n = s->n;
    s->n = 0;
    while (n > 0 && !s->broken) {
        ssize_t w = writev(s->fd, v, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            s->io_errno = errno;
            s->broken = true;
            break;
        }
        size_t left = (size_t)w;
        while (n > 0 && left >= v->iov_len) { /* the records written whole */
            left -= v->iov_len;
            v++;
            n--;
        }
        if (n > 0) { /* and the part of the next one */
            v->iov_base = (char *)v->iov_base + left;
            v->iov_len -= left;
        }
    }
    return s->broken ? 1 : 0;
}

static int sink(void *arg, td_doc *doc, const td_buf *rec, const char *err)
{
    sink_state *s = arg;
    if (!doc) {
        cli_error("%s", err);
        return 0;
    }
    if (s->n == SINK_IOV && sink_flush(s) != 0)
        return 1;
    if (rec->len) {
        s->iov[s->n].iov_base = rec->ptr;
        s->iov[s->n].iov_len = rec->len;
        s->n++;
    }
    return 0;
}

int cmd_extract(int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    bool pretty = false;
    int progress = -1;
    bool stage_stats = false;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t n_in = 0;
    if (!inputs)
        return EXIT_FATAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = cli_parse_common(&c, argc, argv, &i);
        if (r < 0) {
            free(inputs);
            return EXIT_USAGE;
        }
        if (r > 0)
            continue;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf(help, cli_common_help);
            free(inputs);
            return 0;
        } else if (strcmp(a, "--pretty") == 0) {
            pretty = true;
        } else if (strcmp(a, "--progress") == 0) {
            progress = 1;
        } else if (strcmp(a, "--no-progress") == 0) {
            progress = 0;
        } else if (strcmp(a, "--stats") == 0) {
            stage_stats = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_error("extract: unknown option '%s' (see 'tidings extract --help')", a);
            free(inputs);
            return EXIT_USAGE;
        } else {
            inputs[n_in++] = a;
        }
    }
    char **paths = cli_input_paths(inputs, n_in);
    if (!paths)
        return EXIT_SOME_FAILED;
    td_resources *res = cli_load_resources(&c);
    if (!res) {
        td_path_list_free(paths);
        return EXIT_FATAL;
    }
    fflush(stdout);
    sink_state ss = {fileno(stdout), c.quiet, false, 0, {{NULL, 0}}, 0};
    cli_run_opts ro = {c.jobs, pretty ? TD_RECORD_PRETTY : 0,
                       progress < 0 ? (isatty(2) && !isatty(1) && !c.quiet) : progress == 1,
                       c.quiet, &c.opts, stage_stats};
    cli_run_stats stats;
    int rc = cli_run_flushing(res, paths, &ro, sink, sink_flush, &ss, &stats);
    sink_flush(&ss);
    if (stage_stats && rc == 0)
        print_stage_times(&stats);
    if (!ss.broken && fflush(stdout) != 0) {
        ss.broken = true;
        ss.io_errno = errno;
    }
    td_resources_free(res);
    td_path_list_free(paths);
    if (ss.broken) {
        if (ss.io_errno == EPIPE)
            return EXIT_ALL_READ; /* `tidings extract | head` ends quietly */
        cli_error("write error: %s", strerror(ss.io_errno));
        return EXIT_FATAL;
    }
    if (rc < 0)
        return EXIT_FATAL;
    return stats.failed ? EXIT_SOME_FAILED : EXIT_ALL_READ;
}
