/* The `make test` hook of the RTL lockstep validation (docs/rtl.md): for every
 * component with a bench (LOCKSTEP_SPEC, from testbenches/validate.mk), its RTL is
 * lint-clean under `verilator --lint-only -Wall`, and its Verilated RTL matches its C
 * cycle model on every signal of every cycle of a short seeded run; the core's bench
 * runs once more with every episode in role 3, the deep core (LOCKSTEP_ROLE_RUNS). The
 * long runs, coverage and planted bugs are `make validate`. */
#include "check.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#ifndef LOCKSTEP_SPEC
#define LOCKSTEP_SPEC ""
#endif
#ifndef VL_BUILD
#define VL_BUILD "build/verilator"
#endif
#ifndef TEST_CYCLES
#define TEST_CYCLES 20000
#endif
#ifndef LOCKSTEP_ROLE_RUNS
#define LOCKSTEP_ROLE_RUNS ""
#endif

static char out[1 << 16];

/* Runs a command; returns its exit status and keeps its output (stdout + stderr). */
static int run(const char *cmd)
{
    char full[4096];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char name[128];
static const char *comp, *files;
static char env_set[128];   /* "CORE_LOCKSTEP_ROLE=3 ": a run with every episode in one role */

static void rtl_is_lint_clean(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "verilator --lint-only -Wall --top-module %s %s", comp, files);
    int rc = run(cmd);
    CHECK(rc == 0 && out[0] == 0, "`%s` exited %d:\n%s", cmd, rc, out);
}

static void rtl_matches_c_model(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s%s/%s/V%s --cycles %d --seed 1 --quiet", env_set, VL_BUILD, comp, comp, TEST_CYCLES);
    int rc = run(cmd);
    char *res = strstr(out, "RESULT ");
    CHECK(rc == 0 && res, "`%s` exited %d (build it with make lockstep-bins):\n%s", cmd, rc, out);
    if (rc == 0 && res) {
        unsigned long long cycles = 0;
        sscanf(strstr(res, "cycles=") + 7, "%llu", &cycles);
        CHECK(cycles == TEST_CYCLES, "compared %llu cycles, wanted %d", cycles, TEST_CYCLES);
    }
}

/* RUN with a name made at run time: rtl_lint_clean_rng, lockstep_rng_matches_c_model_20000_cycles. */
static void run_named(void (*fn)(void), const char *fmt)
{
    snprintf(name, sizeof name, fmt, comp, TEST_CYCLES);
    check_current = name;
    check_failed_in_test = 0;
    fn();
    if (check_failed_in_test) check_failures++;
    else printf("PASS %s\n", name);
    fflush(stdout);
}

int main(void)
{
    static char spec[] = LOCKSTEP_SPEC;   /* "rng:rtl/rng.sv;neuron:rtl/rng.sv rtl/neuron.sv;" */
    int n = 0;
    for (char *save, *item = strtok_r(spec, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        char *colon = strchr(item, ':');
        if (!colon) continue;
        *colon = 0;
        while (*item == ' ') item++;     /* make's foreach joins items with spaces */
        comp = item;
        files = colon + 1;
        run_named(rtl_is_lint_clean, "rtl_%s_is_lint_clean");
        run_named(rtl_matches_c_model, "lockstep_%s_rtl_matches_c_model_for_%d_cycles");
        n++;
    }
    /* "core:3": the core's bench with every episode in role 3 */
    static char roles[] = LOCKSTEP_ROLE_RUNS;
    for (char *save, *item = strtok_r(roles, " ", &save); item; item = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(item, ':');
        if (!colon) continue;
        *colon = 0;
        comp = item;
        char upper[32];
        size_t i = 0;
        for (; comp[i] && i + 1 < sizeof upper; i++) upper[i] = (char)(comp[i] >= 'a' && comp[i] <= 'z' ? comp[i] - 32 : comp[i]);
        upper[i] = 0;
        snprintf(env_set, sizeof env_set, "%s_LOCKSTEP_ROLE=%s ", upper, colon + 1);
        char fmt[128];
        snprintf(fmt, sizeof fmt, "lockstep_%%s_role_%s_rtl_matches_c_model_for_%%d_cycles", colon + 1);
        run_named(rtl_matches_c_model, fmt);
        env_set[0] = 0;
    }
    check_current = "lockstep_benches_exist";
    CHECK(n > 0, "no component in LOCKSTEP_SPEC");
    if (n == 0) check_failures++;
    CHECK_DONE();
}
