/* Progress without a terminal (a CI log, `nohup`, a pipe): one plain line per
 * 10 % and, between them, one at least every 10 s, so that a slow run (SystemC
 * with RTL routers: a few samples a second) shows it is alive. Time is driven by
 * a fake clock (progress_clock), so the test measures no wall time. */
#include "check.h"
#include "scratch.h"

#include "progress.h"

#include <string.h>

static double fake_now;
static double fake_clock(void) { return fake_now; }

static char tmpdir[256];

/* Runs fn with stderr going to a file; returns what it printed (free it). */
static char *stderr_of(void (*fn)(void))
{
    char path[600];
    path_in(path, sizeof path, tmpdir, "stderr");
    fflush(stderr);
    FILE *saved = fdopen(dup(fileno(stderr)), "w");
    if (!freopen(path, "w", stderr)) exit(2);
    fn();
    fflush(stderr);
    dup2(fileno(saved), fileno(stderr));
    fclose(saved);
    return file_text(path);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++) n += *s == '\n';
    return n;
}

/* An epoch of 1000 samples, of which `run_samples` are done `run_seconds` apart. */
static uint64_t run_samples;
static double run_seconds;

static void steady_run(void)
{
    struct progress p;
    fake_now = 100;
    progress_start(&p, "epoch 1/1", 1000, 0);
    for (uint64_t n = 1; n <= run_samples; n++) {
        fake_now += run_seconds;
        progress_update(&p, n);
    }
}

/* What steady_run printed for `samples` samples `seconds` apart ("" if unreadable; free it). */
static char *steady_run_prints(uint64_t samples, double seconds)
{
    run_samples = samples;
    run_seconds = seconds;
    char *err = stderr_of(steady_run);
    return err ? err : strdup("");
}

/* 1000 samples at one per 11 s: 1 % after 10 of them, so the 10 % lines alone print nothing. */
static void a_slow_run_prints_a_line_every_10_s(void)
{
    char *err = steady_run_prints(10, 11);
    CHECK(count_lines(err) == 10, "10 updates 11 s apart printed %d lines, want 10:\n%s", count_lines(err), err);
    CHECK(strstr(err, "epoch 1/1: 1% 10/1000"), "the last line shows the count:\n%s", err);
    free(err);
}

/* 1000 samples in 1 s: only the 10 % steps print (10 % .. 90 %). */
static void a_fast_run_prints_one_line_per_10_percent(void)
{
    char *err = steady_run_prints(1000, 0.001);
    CHECK(count_lines(err) == 9, "a 1 s run printed %d lines, want 9 (10 %% .. 90 %%):\n%s", count_lines(err), err);
    free(err);
}

int main(void)
{
    scratch_make(tmpdir, sizeof tmpdir, "progress");
    progress_clock = fake_clock;
    RUN(a_slow_run_prints_a_line_every_10_s);
    RUN(a_fast_run_prints_one_line_per_10_percent);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
