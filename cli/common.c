/* common.c - options shared by the commands that run the pipeline. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

const char cli_common_help[] =
    "  -j, --jobs N         threads (default: the number of cores); output stays in\n"
    "                       input order\n"
    "      --data-dir DIR   read lexicons from DIR instead of the built-in copies\n"
    "                       (also $TIDINGS_DATA_DIR)\n"
    "      --lexicon FILE   add a lexicon of your own (a watch list); repeatable\n"
    "      --event-dict DIR PETRARCH dictionaries (default: the bundled copy)\n"
    "      --max-doc-bytes N  cap on one document (default 16 MiB); over it the\n"
    "                       document is reported and skipped\n"
    "      --no-lang        treat every document as English\n"
    "  -q, --quiet          no warnings on standard error\n";

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->jobs = cli_default_jobs();
    c->opts.user_lexicons = c->lexicons;
}

static int need_arg(int argc, char **argv, int i)
{
    if (i + 1 >= argc) {
        cli_error("option %s needs an argument", argv[i]);
        return -1;
    }
    return 0;
}

int cli_parse_common(cli_common *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
        if (need_arg(argc, argv, *i))
            return -1;
        char *end;
        long n = strtol(argv[++*i], &end, 10);
        if (*end || n < 1 || n > 256) {
            cli_error("--jobs wants a number from 1 to 256, not '%s'", argv[*i]);
            return -1;
        }
        c->jobs = (int)n;
        return 1;
    }
    if (strcmp(a, "--data-dir") == 0) {
        if (need_arg(argc, argv, *i))
            return -1;
        c->opts.data_dir = argv[++*i];
        return 1;
    }
    if (strcmp(a, "--event-dict") == 0) {
        if (need_arg(argc, argv, *i))
            return -1;
        c->opts.event_dict_dir = argv[++*i];
        return 1;
    }
    if (strcmp(a, "--lexicon") == 0) {
        if (need_arg(argc, argv, *i))
            return -1;
        if (c->opts.n_user_lexicons >= 64) {
            cli_error("at most 64 --lexicon files");
            return -1;
        }
        c->lexicons[c->opts.n_user_lexicons++] = argv[++*i];
        return 1;
    }
    if (strcmp(a, "--max-doc-bytes") == 0) {
        if (need_arg(argc, argv, *i))
            return -1;
        char *end;
        unsigned long long n = strtoull(argv[++*i], &end, 10);
        if (*end || n < 1 || n > (1ull << 31)) {
            cli_error("--max-doc-bytes wants a number from 1 to 2147483648");
            return -1;
        }
        c->opts.max_doc_bytes = (size_t)n;
        return 1;
    }
    if (strcmp(a, "--no-lang") == 0) {
        c->opts.skip_lang = true;
        return 1;
    }
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        c->quiet = true;
        return 1;
    }
    return 0;
}

td_resources *cli_load_resources(cli_common *c)
{
    td_resources *res = NULL;
    char *err = NULL;
    td_status st = td_resources_load(&c->opts, &res, &err);
    if (st != TD_OK) {
        cli_error("cannot load resources: %s", err ? err : td_strerror(st));
        free(err);
        return NULL;
    }
    return res;
}

char **cli_input_paths(const char **inputs, size_t n)
{
    if (n == 0)
        inputs[n++] = "-";
    char **paths = NULL;
    char *err = NULL;
    td_status st = td_path_expand(inputs, n, &paths, &err);
    free(inputs);
    if (st != TD_OK) {
        cli_error("%s", err ? err : td_strerror(st));
        free(err);
        return NULL;
    }
    return paths;
}
