/*
 * cli.h - what the subcommands share: the command table, option parsing
 * helpers, and the runner that reads inputs, runs the pipeline on N threads
 * and hands records back in input order.
 */
#ifndef TD_CLI_H
#define TD_CLI_H

#include "tidings.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in --help and the README. */
enum { EXIT_ALL_READ = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2, EXIT_FATAL = 3 };

typedef struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_cmd;

extern const cli_cmd cli_commands[];

/* The subcommands, one file each (cli/cmd_<name>.c). */
int cmd_extract(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_quotes(int argc, char **argv);
int cmd_entities(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Options every pipeline-running command accepts. parse_common() consumes
 * one option at argv[*i] if it is one of them (returning 1), returns 0 if
 * it is not, -1 on a usage error (message printed). */
typedef struct cli_common {
    td_options opts;
    const char *lexicons[64];
    int jobs;
    bool quiet;
} cli_common;

void cli_common_init(cli_common *c);
int cli_parse_common(cli_common *c, int argc, char **argv, int *i);
extern const char cli_common_help[];

/* Load resources, printing the error; NULL on failure. */
td_resources *cli_load_resources(cli_common *c);

/* The files to read for the n inputs given on the command line (standard
 * input when n is 0; directories expanded, sorted): a list for
 * td_path_list_free(), or NULL after printing why. Frees inputs. */
char **cli_input_paths(const char **inputs, size_t n);

/* The runner. */
#define CLI_MAX_STAGES 16

typedef struct cli_run_stats {
    uint64_t docs, failed, warnings, bytes;
    double seconds;
    /* CPU seconds by pipeline stage, summed over the threads (when
     * cli_run_opts.stage_times) */
    double stage_seconds[CLI_MAX_STAGES];
} cli_run_stats;

/* Called on the main thread for each document in input order: doc is the
 * processed document (NULL when it failed: err says why), rec its record
 * (JSON line). Return 0 to go on, non-zero to stop the run. */
typedef int (*cli_sink)(void *arg, td_doc *doc, const td_buf *rec, const char *err);

typedef struct cli_run_opts {
    int jobs;
    int record_flags;
    bool progress; /* draw a progress line on stderr */
    bool quiet;    /* no warnings on stderr */
    const td_options *reader_opts; /* caps for the readers */
    bool stage_times; /* time each pipeline stage (stats->stage_seconds) */
} cli_run_opts;

/* Returns 0 when it ran to the end (failures are counted in stats), -1 on
 * a fatal error (printed). */
int cli_run(const td_resources *res, char **paths, const cli_run_opts *ro, cli_sink sink,
            void *arg, cli_run_stats *stats);

/* Print "tidings: <msg>" to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

int cli_default_jobs(void);

/* cli_run, and flush(arg) once the records of a batch were handed to the
 * sink: the records stay valid until flush returns (so a sink may keep
 * pointers to them and write them all at once). flush returns non-zero to
 * stop the run, as the sink does. */
int cli_run_flushing(const td_resources *res, char **paths, const cli_run_opts *ro, cli_sink sink,
                     int (*flush)(void *arg), void *arg, cli_run_stats *stats);

#endif
