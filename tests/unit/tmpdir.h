/*
 * tmpdir.h - a private temporary directory for unit tests that need files:
 * made once (tmp_open), files written into it (tmp_write), and removed with
 * everything in it at the end (tmp_remove; kept when TD_KEEP_TMP is set).
 * Include after harness.h.
 */
#ifndef TD_TMPDIR_H
#define TD_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[256];

/* Make /tmp/td_<tag>_XXXXXX; 0 on success, else prints why and returns 1. */
static int tmp_open(const char *tag)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/td_%s_XXXXXX", tag);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    return 0;
}

/* Write p[0..n) to tmpdir/name; the path (valid until the next call) or NULL. */
static const char *tmp_write(const char *name, const void *p, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t w = fwrite(p, 1, n, f);
    if (fclose(f) != 0 || w != n)
        return NULL;
    return path;
}

/* Remove tmpdir and all in it, unless TD_KEEP_TMP is set. */
static void tmp_remove(void)
{
    if (getenv("TD_KEEP_TMP"))
        return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

#endif
