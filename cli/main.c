/* main.c - the tidings command: dispatch to a subcommand. */
#include "cli.h"

#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

const cli_cmd cli_commands[] = {
    {"extract", cmd_extract, "print one JSON record per document (no database)"},
    {"ingest", cmd_ingest, "store records in an SQLite database (tidings.db)"},
    {"search", cmd_search, "full-text search of the stored documents"},
    {"quotes", cmd_quotes, "who said what: stored quotes by speaker, topic, kind"},
    {"entities", cmd_entities, "the most mentioned entities, with first and last date"},
    {"timeline", cmd_timeline, "mentions, quotes and events of one entity over time"},
    {"show", cmd_show, "one stored document with its facts"},
    {"export", cmd_export, "a whole table as CSV or JSON lines"},
    {"serve", cmd_serve, "answer the query commands over HTTP, as JSON"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tidings COMMAND [OPTIONS] [ARGS]\n\n"
               "tidings turns raw news (crawler text dumps, JSON lines, HTML, WARC) into\n"
               "facts: title, body, date, entities, quotes, time expressions, events.\n\n"
               "Commands:\n");
    for (const cli_cmd *c = cli_commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\nRun 'tidings COMMAND --help' for a command's options.\n"
               "Exit status: 0 every document read, 1 some failed, 2 usage error,\n"
               "3 fatal error (resources, database).\n");
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is an EPIPE write error, handled */
    /* Documents come and go by the thousand: keep freed memory in the
     * process instead of returning it to the kernel after every one. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("tidings %s\n", TIDINGS_VERSION);
        return 0;
    }
    for (const cli_cmd *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'tidings --help')", argv[1]);
    return EXIT_USAGE;
}
