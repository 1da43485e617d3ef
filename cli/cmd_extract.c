/* cmd_extract.c - tidings extract: one JSON record per document. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    "%s"
    "  -h, --help           this help\n\n"
    "Exit status: 0 every document read, 1 some documents failed (each named on\n"
    "standard error with its file and line or byte), 2 usage error, 3 fatal.\n\n"
    "Example:\n"
    "  tidings extract data/sample/lavrov.txt --pretty\n";

typedef struct {
    FILE *out;
    bool quiet;
    bool broken; /* EPIPE: the reader went away */
    int io_errno;
} sink_state;

static int sink(void *arg, td_doc *doc, const td_buf *rec, const char *err)
{
    sink_state *s = arg;
    if (!doc) {
        cli_error("%s", err);
        return 0;
    }
    if (fwrite(rec->ptr, 1, rec->len, s->out) != rec->len) {
        s->io_errno = errno;
        s->broken = true;
        return 1;
    }
    return 0;
}

int cmd_extract(int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c);
    bool pretty = false;
    int progress = -1;
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
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    sink_state ss = {stdout, c.quiet, false, 0};
    cli_run_opts ro = {c.jobs, pretty ? TD_RECORD_PRETTY : 0,
                       progress < 0 ? (isatty(2) && !isatty(1) && !c.quiet) : progress == 1,
                       c.quiet, &c.opts};
    cli_run_stats stats;
    int rc = cli_run(res, paths, &ro, sink, &ss, &stats);
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
