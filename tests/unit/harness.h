/*
 * harness.h - a small unit-test harness.
 *
 *     TEST(name) { CHECK(x == 1); CHECK_STR(got, "want"); }
 *     int main(void) { RUN(name); return DONE(); }
 *
 * A failing check prints file:line, the expression and what was expected,
 * and the test goes on. DONE() prints "N passed, N failed" and returns the
 * exit status (0 when nothing failed).
 */
#ifndef TD_HARNESS_H
#define TD_HARNESS_H

#include <stdio.h>
#include <string.h>

static int th_passed, th_failed, th_cur_failed;
static const char *th_cur;

#define TEST(name) static void name(void)
#define RUN(name)                                                                       \
    do {                                                                                \
        th_cur = #name;                                                                 \
        th_cur_failed = 0;                                                              \
        name();                                                                         \
        if (th_cur_failed)                                                              \
            th_failed++;                                                                \
        else                                                                            \
            th_passed++;                                                                \
    } while (0)
#define CHECK(expr)                                                                     \
    do {                                                                                \
        if (!(expr)) {                                                                  \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, th_cur, \
                    #expr);                                                             \
            th_cur_failed = 1;                                                          \
        }                                                                               \
    } while (0)
#define CHECK_STR(got, want)                                                            \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                        \
            fprintf(stderr, "%s:%d: %s: %s is \"%s\", expected \"%s\"\n", __FILE__,       \
                    __LINE__, th_cur, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");     \
            th_cur_failed = 1;                                                          \
        }                                                                               \
    } while (0)
#define CHECK_INT(got, want)                                                            \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        if (g_ != w_) {                                                                 \
            fprintf(stderr, "%s:%d: %s: %s is %lld, expected %lld\n", __FILE__, __LINE__, \
                    th_cur, #got, g_, w_);                                              \
            th_cur_failed = 1;                                                          \
        }                                                                               \
    } while (0)
#define DONE() (printf("%s: %d passed, %d failed\n", __FILE__, th_passed, th_failed), th_failed != 0)

#endif
