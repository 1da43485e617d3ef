/*
 * cmd_serve.c - `tidings serve`: the query commands over HTTP.
 *
 * A small read-only JSON API for dashboards and notebooks:
 *
 *   GET /search?q=...            tidings search Q
 *   GET /quotes?speaker=...      tidings quotes
 *   GET /entities?type=...       tidings entities
 *   GET /timeline?name=...       tidings timeline NAME
 *   GET /documents/ID            tidings show ID
 *   GET /health                  {"status":"ok",...}
 *   GET /                        the list of endpoints
 *
 * Each request runs the query command itself in a child process (this same
 * executable, through posix_spawn, with an argument vector built from the
 * query string: never a shell), reads its output, and answers with it. So the
 * HTTP answer is byte for byte what the command line prints with
 * --format json (or csv), a query cannot crash or wedge the server, and the
 * server never writes to the database. Parameters are checked against each
 * endpoint's list; an unknown one is a 400, not silently ignored.
 *
 * HTTP is libmicrohttpd's (one thread per connection); at most --jobs queries
 * run at once, the others wait their turn.
 */
#include "cli.h"

#ifdef TD_HAVE_MHD

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include <sqlite3.h>

extern char **environ;

/* ---- endpoints ---- */

/* One endpoint: the command it runs, the query parameter that becomes the
 * command's positional argument (NULL: none; "" : the rest of the path), and
 * the parameters passed on as --name VALUE. */
typedef struct endpoint {
    const char *path;
    const char *command;
    const char *positional;
    const char *options[10];
    const char *summary;
} endpoint;

static const endpoint endpoints[] = {
    {"/search", "search", "q", {"limit", "from", "to", "format", NULL},
     "full-text search: q (FTS5 query), limit, from, to"},
    {"/quotes", "quotes", NULL,
     {"speaker", "about", "entity", "kind", "limit", "from", "to", "format", NULL},
     "who said what: speaker, about | entity, kind (direct|mixed|reported), limit, from, to"},
    {"/entities", "entities", NULL, {"type", "top", "limit", "from", "to", "format", NULL},
     "most mentioned entities: type (person|country|organization), top, from, to"},
    {"/timeline", "timeline", "name", {"by", "limit", "from", "to", "format", NULL},
     "dated mentions, quotes and events of one entity: name, by (day|week|month), from, to"},
    {"/documents/", "show", "", {"no-body", NULL},
     "one stored document with its facts: /documents/ID"},
};
#define N_ENDPOINTS (sizeof endpoints / sizeof endpoints[0])

/* ---- server state ---- */

typedef struct server {
    const char *db;
    char exe[PATH_MAX];
    int jobs;          /* queries running at once, at most */
    int running;
    pthread_mutex_t mu, spawn_mu;
    pthread_cond_t cv;
    size_t max_output; /* bytes of one answer */
    int timeout_s;     /* seconds one query may take */
    bool quiet;
} server;

/* ---- the child process ---- */

typedef struct child_out {
    td_buf out, err;
    int status;     /* exit status, or -1 */
    bool too_big, timed_out, spawn_failed;
} child_out;

static void slot_take(server *sv)
{
    pthread_mutex_lock(&sv->mu);
    while (sv->running >= sv->jobs)
        pthread_cond_wait(&sv->cv, &sv->mu);
    sv->running++;
    pthread_mutex_unlock(&sv->mu);
}

static void slot_give(server *sv)
{
    pthread_mutex_lock(&sv->mu);
    sv->running--;
    pthread_cond_signal(&sv->cv);
    pthread_mutex_unlock(&sv->mu);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read the child's standard output and error until both close, the answer
 * grows over the cap, or the time runs out. */
static void drain(server *sv, pid_t pid, int fo, int fe, child_out *r)
{
    struct pollfd p[2] = {{fo, POLLIN, 0}, {fe, POLLIN, 0}};
    double deadline = now_s() + sv->timeout_s;
    char chunk[65536];
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        double left = deadline - now_s();
        if (left <= 0) {
            r->timed_out = true;
            break;
        }
        int n = poll(p, 2, (int)(left * 1000) + 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (int k = 0; k < 2; k++) {
            if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(p[k].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(p[k].fd);
                p[k].fd = -1;
                continue;
            }
            td_buf *b = k == 0 ? &r->out : &r->err;
            if (b->len + (size_t)got > sv->max_output) {
                r->too_big = true;
                goto stop;
            }
            td_buf_append(b, chunk, (size_t)got);
        }
    }
stop:
    for (int k = 0; k < 2; k++)
        if (p[k].fd >= 0)
            close(p[k].fd);
    if (r->timed_out || r->too_big)
        kill(pid, SIGKILL);
    int st = 0;
    pid_t w;
    while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
        ;
    r->status = w == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A pipe whose ends close on exec. Callers hold sv->spawn_mu, so no other
 * thread's child inherits an end between pipe() and fcntl() (pipe2 is a GNU
 * extension under our feature macros). */
static int cloexec_pipe(int p[2])
{
    if (pipe(p) < 0)
        return -1;
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

static void run_child(server *sv, char **argv, child_out *r)
{
    int po[2], pe[2];
    pthread_mutex_lock(&sv->spawn_mu);
    if (cloexec_pipe(po) < 0) {
        pthread_mutex_unlock(&sv->spawn_mu);
        r->spawn_failed = true;
        return;
    }
    if (cloexec_pipe(pe) < 0) {
        pthread_mutex_unlock(&sv->spawn_mu);
        close(po[0]);
        close(po[1]);
        r->spawn_failed = true;
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int e = posix_spawn(&pid, sv->exe, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(po[1]);
    close(pe[1]);
    pthread_mutex_unlock(&sv->spawn_mu);
    if (e != 0) {
        close(po[0]);
        close(pe[0]);
        r->spawn_failed = true;
        return;
    }
    drain(sv, pid, po[0], pe[0], r);
}

/* ---- requests ---- */

static void jstr(td_buf *b, const char *s, size_t len)
{
    td_buf_putc(b, '"');
    td_json_escape(b, s, len);
    td_buf_putc(b, '"');
}

#define MAX_PARAMS 16

typedef struct args {
    const endpoint *ep;
    const char *key[MAX_PARAMS], *val[MAX_PARAMS];
    int n;
    const char *format;
    const char *positional;
    const char *bad;  /* the first parameter not allowed, if any */
} args;

static bool allowed(const endpoint *ep, const char *key)
{
    for (const char *const *o = ep->options; *o; o++)
        if (strcmp(*o, key) == 0)
            return true;
    return false;
}

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    args *a = cls;
    if (a->bad)
        return MHD_YES;
    if (a->ep->positional && a->ep->positional[0] && strcmp(key, a->ep->positional) == 0)
        a->positional = value ? value : "";
    else if (!allowed(a->ep, key) || a->n == MAX_PARAMS || strlen(key) > 20)
        a->bad = key;
    else if (strcmp(key, "format") == 0)
        a->format = value ? value : "";
    else {
        a->key[a->n] = key;
        a->val[a->n++] = value ? value : "";
    }
    return MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *type,
                              const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

/* {"error": MSG} with the given status; a trailing newline of MSG dropped. */
static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned code, const char *msg,
                                    size_t len)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_buf_puts(&b, "{\"error\":");
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    jstr(&b, msg, len);
    td_buf_puts(&b, "}\n");
    enum MHD_Result r = answer(c, code, "application/json", b.ptr, b.len);
    td_buf_release(&b);
    return r;
}

static enum MHD_Result answer_index(struct MHD_Connection *c, const server *sv)
{
    td_buf b;
    td_buf_init(&b, 0);
    td_buf_puts(&b, "{\"service\":\"tidings\",\"version\":");
    jstr(&b, TIDINGS_VERSION, strlen(TIDINGS_VERSION));
    td_buf_puts(&b, ",\"database\":");
    jstr(&b, sv->db, strlen(sv->db));
    td_buf_puts(&b, ",\"endpoints\":{");
    for (size_t k = 0; k < N_ENDPOINTS; k++) {
        jstr(&b, endpoints[k].path, strlen(endpoints[k].path));
        td_buf_putc(&b, ':');
        jstr(&b, endpoints[k].summary, strlen(endpoints[k].summary));
        td_buf_putc(&b, ',');
    }
    td_buf_puts(&b, "\"/health\":\"the database is readable: its number of documents\"}}\n");
    enum MHD_Result r = answer(c, MHD_HTTP_OK, "application/json", b.ptr, b.len);
    td_buf_release(&b);
    return r;
}

/* Opens the database read-only and counts the documents. */
static enum MHD_Result answer_health(struct MHD_Connection *c, const server *sv, unsigned *code)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long long n = -1;
    int rc = sqlite3_open_v2(sv->db, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 2000);
        rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM documents", -1, &s, NULL);
    }
    if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    char msg[600];
    enum MHD_Result r;
    if (n < 0) {
        snprintf(msg, sizeof msg, "database %.400s: %s", sv->db,
                 db ? sqlite3_errmsg(db) : "cannot open");
        *code = MHD_HTTP_SERVICE_UNAVAILABLE;
        r = answer_error(c, *code, msg, strlen(msg));
    } else {
        td_buf b;
        td_buf_init(&b, 0);
        td_buf_puts(&b, "{\"status\":\"ok\",\"database\":");
        jstr(&b, sv->db, strlen(sv->db));
        snprintf(msg, sizeof msg, ",\"documents\":%lld}\n", n);
        td_buf_puts(&b, msg);
        *code = MHD_HTTP_OK;
        r = answer(c, *code, "application/json", b.ptr, b.len);
        td_buf_release(&b);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return r;
}

/* The HTTP status for a command's exit: 0 found; 1 nothing found (an empty
 * list is still an answer, a missing document is a 404); 2 a bad query. */
static unsigned status_of(const child_out *r)
{
    if (r->status == 0)
        return MHD_HTTP_OK;
    if (r->status == EXIT_SOME_FAILED)
        return r->out.len ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND;
    if (r->status == EXIT_USAGE)
        return MHD_HTTP_BAD_REQUEST;
    return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

static enum MHD_Result bad_request(struct MHD_Connection *c, unsigned *code, const char *msg)
{
    *code = MHD_HTTP_BAD_REQUEST;
    return answer_error(c, *code, msg, strlen(msg));
}

static enum MHD_Result run_query(struct MHD_Connection *c, server *sv, const endpoint *ep,
                                 const char *rest, unsigned *code)
{
    args a;
    memset(&a, 0, sizeof a);
    a.ep = ep;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &a);
    char msg[300];
    if (a.bad) {
        snprintf(msg, sizeof msg, "unknown parameter '%.100s' for %s (see GET /)", a.bad,
                 ep->path);
        return bad_request(c, code, msg);
    }
    const char *pos = ep->positional && !ep->positional[0] ? rest : a.positional;
    if (ep->positional && (!pos || !*pos)) {
        snprintf(msg, sizeof msg, "%s needs %s", ep->path,
                 ep->positional[0] ? ep->positional : "an id in the path");
        return bad_request(c, code, msg);
    }
    if (pos && pos[0] == '-')
        return bad_request(c, code, "a query, name or id may not start with '-'");
    const char *fmt = a.format ? a.format : "json";
    if (strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0)
        return bad_request(c, code, "format is json or csv");

    /* tidings COMMAND --db DB --format F [--KEY VALUE]... [POSITIONAL] */
    char names[MAX_PARAMS][24];
    char *argv[8 + 2 * MAX_PARAMS];
    int n = 0;
    argv[n++] = (char *)"tidings";
    argv[n++] = (char *)ep->command;
    argv[n++] = (char *)"--db";
    argv[n++] = (char *)sv->db;
    argv[n++] = (char *)"--format";
    argv[n++] = (char *)fmt;
    for (int k = 0; k < a.n; k++) {
        snprintf(names[k], sizeof names[k], "--%s", a.key[k]);
        argv[n++] = names[k];
        if (strcmp(a.key[k], "no-body") != 0)
            argv[n++] = (char *)a.val[k];
    }
    if (pos)
        argv[n++] = (char *)pos;
    argv[n] = NULL;

    child_out r;
    memset(&r, 0, sizeof r);
    td_buf_init(&r.out, 0);
    td_buf_init(&r.err, 0);
    slot_take(sv);
    run_child(sv, argv, &r);
    slot_give(sv);

    enum MHD_Result ret;
    if (r.spawn_failed) {
        *code = MHD_HTTP_INTERNAL_SERVER_ERROR;
        snprintf(msg, sizeof msg, "cannot run %.200s: %s", sv->exe, strerror(errno));
        ret = answer_error(c, *code, msg, strlen(msg));
    } else if (r.timed_out) {
        *code = MHD_HTTP_GATEWAY_TIMEOUT;
        snprintf(msg, sizeof msg, "the query took longer than %d s (--timeout)", sv->timeout_s);
        ret = answer_error(c, *code, msg, strlen(msg));
    } else if (r.too_big) {
        *code = MHD_HTTP_INTERNAL_SERVER_ERROR;
        snprintf(msg, sizeof msg, "the answer is over %zu MB (--max-output): use limit",
                 sv->max_output >> 20);
        ret = answer_error(c, *code, msg, strlen(msg));
    } else {
        *code = status_of(&r);
        if (*code == MHD_HTTP_OK)
            ret = answer(c, *code, strcmp(fmt, "csv") == 0 ? "text/csv; charset=utf-8"
                                                            : "application/json",
                         r.out.ptr ? r.out.ptr : "", r.out.len);
        else {
            /* "tidings: " is how the command line starts an error. */
            const char *e = r.err.ptr ? r.err.ptr : "";
            size_t len = r.err.len;
            if (len > 9 && memcmp(e, "tidings: ", 9) == 0)
                e += 9, len -= 9;
            ret = answer_error(c, *code, e, len);
        }
    }
    td_buf_release(&r.out);
    td_buf_release(&r.err);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    server *sv = cls;
    if (!*state) { /* first call: headers only; answer on the next */
        *state = (void *)1;
        return MHD_YES;
    }
    if (*upload_size) { /* GET only: ignore a body */
        *upload_size = 0;
        return MHD_YES;
    }
    double t0 = now_s();
    unsigned code = MHD_HTTP_OK;
    enum MHD_Result ret;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        code = MHD_HTTP_METHOD_NOT_ALLOWED;
        ret = answer_error(c, code, "only GET", 8);
    } else if (strcmp(url, "/") == 0) {
        ret = answer_index(c, sv);
    } else if (strcmp(url, "/health") == 0) {
        ret = answer_health(c, sv, &code);
    } else {
        const endpoint *ep = NULL;
        const char *rest = NULL;
        for (size_t k = 0; k < N_ENDPOINTS && !ep; k++) {
            size_t len = strlen(endpoints[k].path);
            if (endpoints[k].path[len - 1] == '/' ? strncmp(url, endpoints[k].path, len) == 0
                                                  : strcmp(url, endpoints[k].path) == 0) {
                ep = &endpoints[k];
                rest = url + len;
            }
        }
        if (ep)
            ret = run_query(c, sv, ep, rest, &code);
        else {
            code = MHD_HTTP_NOT_FOUND;
            ret = answer_error(c, code, "no such endpoint (see GET /)", 28);
        }
    }
    if (!sv->quiet)
        fprintf(stderr, "%s %s %u %.1f ms\n", method, url, code, (now_s() - t0) * 1000);
    return ret;
}

/* ---- the command ---- */

static const char help[] =
    "usage: tidings serve [OPTIONS]\n"
    "\n"
    "Answer the query commands over HTTP, as JSON (read-only). Each request runs\n"
    "the command in a child process, so the answer is exactly what the command\n"
    "line prints with --format json (or csv with format=csv).\n"
    "\n"
    "  GET /search?q=QUERY[&limit=N&from=DAY&to=DAY]\n"
    "  GET /quotes?[speaker=NAME&about=TEXT|entity=NAME&kind=K&limit=N&from=&to=]\n"
    "  GET /entities?[type=T&top=N&from=&to=]\n"
    "  GET /timeline?name=NAME[&by=day|week|month&from=&to=]\n"
    "  GET /documents/ID[?no-body]\n"
    "  GET /health      the database is readable: {\"status\":\"ok\",\"documents\":N}\n"
    "  GET /            these endpoints, as JSON\n"
    "Status: 200 an answer (an empty list too), 400 a bad parameter, 404 no such\n"
    "document or endpoint, 503 database unreadable, 504 --timeout passed; errors\n"
    "come as {\"error\": \"...\"}.\n"
    "\n"
    "Options:\n"
    "      --db PATH        the database (default: $TIDINGS_DB, else ./tidings.db)\n"
    "      --port N         TCP port (default 8080; 0 picks a free one, printed)\n"
    "      --bind ADDR      IPv4 address to listen on (default 127.0.0.1; 0.0.0.0\n"
    "                       for every interface: there is no authentication)\n"
    "      --jobs N         queries run at once, at most (default 4)\n"
    "      --timeout S      seconds one query may run (default 30)\n"
    "      --max-output MB  largest answer (default 64)\n"
    "  -q, --quiet          no request log on standard error\n"
    "  -h, --help           this help\n"
    "\n"
    "Example:\n"
    "  tidings serve --db news.db --port 8080 &\n"
    "  curl 'http://127.0.0.1:8080/quotes?speaker=lavrov&kind=direct'\n";

static bool num_arg(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse(int argc, char **argv, server *sv, const char **bind, long *port)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        long v;
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            fputs(help, stdout);
            return 0;
        }
        if (strcmp(o, "-q") == 0 || strcmp(o, "--quiet") == 0) {
            sv->quiet = true;
            continue;
        }
        if (i + 1 >= argc) {
            cli_error("serve: unexpected '%s' (see 'tidings serve --help')", o);
            return EXIT_USAGE;
        }
        const char *x = argv[++i];
        if (strcmp(o, "--db") == 0)
            sv->db = x;
        else if (strcmp(o, "--bind") == 0)
            *bind = x;
        else if (strcmp(o, "--port") == 0 && num_arg(x, 0, 65535, &v))
            *port = v;
        else if (strcmp(o, "--jobs") == 0 && num_arg(x, 1, 256, &v))
            sv->jobs = (int)v;
        else if (strcmp(o, "--timeout") == 0 && num_arg(x, 1, 86400, &v))
            sv->timeout_s = (int)v;
        else if (strcmp(o, "--max-output") == 0 && num_arg(x, 1, 4096, &v))
            sv->max_output = (size_t)v << 20;
        else {
            cli_error("serve: bad option or value '%s %s' (see 'tidings serve --help')", o, x);
            return EXIT_USAGE;
        }
    }
    return -1;
}

int cmd_serve(int argc, char **argv)
{
    server sv;
    memset(&sv, 0, sizeof sv);
    sv.db = getenv("TIDINGS_DB") ? getenv("TIDINGS_DB") : "tidings.db";
    sv.jobs = 4;
    sv.timeout_s = 30;
    sv.max_output = (size_t)64 << 20;
    const char *bind = "127.0.0.1";
    long port = 8080;
    int rc = parse(argc, argv, &sv, &bind, &port);
    if (rc >= 0)
        return rc;

    ssize_t len = readlink("/proc/self/exe", sv.exe, sizeof sv.exe - 1);
    if (len <= 0) {
        cli_error("serve: cannot find this executable: %s", strerror(errno));
        return EXIT_FATAL;
    }
    sv.exe[len] = '\0';
    if (access(sv.db, R_OK) != 0) {
        cli_error("serve: cannot read database %s: %s", sv.db, strerror(errno));
        return EXIT_FATAL;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        cli_error("serve: --bind wants an IPv4 address, not '%s'", bind);
        return EXIT_USAGE;
    }
    pthread_mutex_init(&sv.mu, NULL);
    pthread_mutex_init(&sv.spawn_mu, NULL);
    pthread_cond_init(&sv.cv, NULL);

    /* Ctrl-C and SIGTERM are taken by sigwait below: block them in every
     * thread (MHD's threads inherit this mask). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)60, MHD_OPTION_END);
    if (!d) {
        cli_error("serve: cannot listen on %s:%ld: %s", bind, port, strerror(errno));
        return EXIT_FATAL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned real_port = info ? info->port : (unsigned)port;
    fprintf(stderr, "tidings: serving %s on http://%s:%u/ (Ctrl-C stops)\n", sv.db, bind,
            real_port);
    fflush(stderr);
    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    if (!sv.quiet)
        fprintf(stderr, "tidings: serve stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    pthread_cond_destroy(&sv.cv);
    pthread_mutex_destroy(&sv.mu);
    pthread_mutex_destroy(&sv.spawn_mu);
    return 0;
}

#else /* no libmicrohttpd */

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("serve: this tidings was built without libmicrohttpd "
              "(install libmicrohttpd-dev and rebuild)");
    return EXIT_FATAL;
}

#endif
