/* Minimal test harness: each test program holds several named checks.
 * A check prints "PASS name" or "FAIL name: why" with the numbers that broke it;
 * tools/run-tests counts the lines. The process exits non-zero if any check failed. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <stdlib.h>

static int check_failed_in_test;
static int check_failures;

/* Record a failure of the current check, with a printf-style explanation. */
#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            if (!check_failed_in_test) printf("FAIL %s: ", check_current);     \
            else printf("     ... ");                                          \
            printf(__VA_ARGS__);                                               \
            printf("  [%s:%d]\n", __FILE__, __LINE__);                         \
            check_failed_in_test = 1;                                          \
        }                                                                      \
    } while (0)

static const char *check_current = "";

/* Run one named check: RUN(router_never_drops_a_flit). */
#define RUN(fn)                                                                \
    do {                                                                       \
        check_current = #fn;                                                   \
        check_failed_in_test = 0;                                              \
        fn();                                                                  \
        if (check_failed_in_test) check_failures++;                            \
        else printf("PASS %s\n", #fn);                                         \
        fflush(stdout);                                                        \
    } while (0)

#define CHECK_DONE() return check_failures ? 1 : 0

#endif
