/* Running a built binary as a user does and looking at what it left: a command
 * line of single-quoted words run by sh, stdin from /dev/null, stdout and
 * stderr into files, and the exit status as a number (128 + the signal for a
 * crash). The command is the caller's, so a launcher in front of the binary
 * (test_mpi's mpirun) or fixed leading arguments (test_systemc's
 * `train CONFIG --quiet`) are words it writes there. */
#ifndef PROC_H
#define PROC_H
#include "scratch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Appends s single-quoted for sh. */
static inline void quote(char *out, size_t n, const char *s)
{
    size_t k = strlen(out);
    if (k + 1 < n) out[k++] = '\'';
    for (; *s && k + 5 < n; s++) {
        if (*s == '\'') { memcpy(out + k, "'\\''", 4); k += 4; }
        else out[k++] = *s;
    }
    if (k + 1 < n) out[k++] = '\'';
    out[k] = 0;
}

/* Appends " 'arg'" for arg and every argument after it up to a NULL. */
static inline void quote_args(char *cmd, size_t n, const char *arg, va_list ap)
{
    for (const char *a = arg; a; a = va_arg(ap, const char *)) {
        size_t k = strlen(cmd);
        if (k + 1 < n) cmd[k++] = ' ';
        cmd[k] = 0;
        quote(cmd, n, a);
    }
}

/* Runs cmd (shell words) with stdout into out_path and stderr into err_path
 * ("/dev/null" discards); returns the exit status, 128 + signal, or -1. */
static inline int sh_run(const char *cmd, const char *out_path, const char *err_path)
{
    char full[20480];   /* the longest command a test builds (16 KiB) and two quoted paths */
    if (strlen(cmd) + 3000 > sizeof full) return -1;   /* refuses rather than run a cut command */
    snprintf(full, sizeof full, "%s </dev/null >", cmd);
    quote(full, sizeof full, out_path);
    size_t k = strlen(full);
    snprintf(full + k, sizeof full - k, " 2>");
    quote(full, sizeof full, err_path);
    int st = system(full);
    return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A finished run: how it ended and what it printed ("" for what was discarded). */
struct result {
    int code;           /* exit status, or 128+signal */
    char *out, *err;
};

static inline void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* sh_run, then reads back what it printed. */
static inline struct result run_captured(const char *cmd, const char *out_path, const char *err_path)
{
    struct result r;
    r.code = sh_run(cmd, out_path, err_path);
    r.out = file_text_or_empty(out_path);
    r.err = file_text_or_empty(err_path);
    return r;
}

/* Runs exe after the shell words `pre` ("" for none: "timeout 60", "cd 'DIR' &&")
 * with the arguments from arg up to a NULL; stderr into dir/stderr, stdout into
 * dir/stdout with keep_out, else discarded. */
static inline struct result run_v(const char *dir, int keep_out, const char *pre, const char *exe, const char *arg,
                                  va_list ap)
{
    char cmd[8192], out[600], err[600];
    snprintf(cmd, sizeof cmd, "%s%s", pre, *pre ? " " : "");
    quote(cmd, sizeof cmd, exe);
    quote_args(cmd, sizeof cmd, arg, ap);
    if (keep_out) path_in(out, sizeof out, dir, "stdout");
    else snprintf(out, sizeof out, "/dev/null");
    path_in(err, sizeof err, dir, "stderr");
    return run_captured(cmd, out, err);
}

/* The same with the arguments listed: run_in(tmpdir, 1, "", bin, "train", cfg, NULL). */
static inline struct result run_in(const char *dir, int keep_out, const char *pre, const char *exe, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    struct result r = run_v(dir, keep_out, pre, exe, arg, ap);
    va_end(ap);
    return r;
}

/* bin = $SSNNSIM (tools/run-tests sets it) or build/ssnnsim. */
static inline void sim_bin(char *bin, size_t n)
{
    const char *env = getenv("SSNNSIM");
    snprintf(bin, n, "%s", env && *env ? env : "build/ssnnsim");
}

/* sim_bin, and repo = the working directory, which must be the repository root:
 * 0, or 1 after a FAIL line for `test` (no such executable, run from elsewhere). */
static inline int sim_find(const char *test, char *bin, size_t nb, char *repo, size_t nr)
{
    sim_bin(bin, nb);
    if (access(bin, X_OK)) {
        printf("FAIL %s: %s is not an executable (build it first)\n", test, bin);
        return 1;
    }
    char probe[1200];
    snprintf(probe, sizeof probe, "%s/workloads/mnist.yaml", getcwd(repo, nr) ? repo : "?");
    if (access(probe, R_OK)) {
        printf("FAIL %s: %s not found; run the tests from the repository root\n", test, probe);
        return 1;
    }
    return 0;
}
#endif
