/* The SystemC engine (sim/systemc/, docs/systemc.md) against the native chip
 * engine, through the built binary (SSNNSIM, set by tools/run-tests): a short
 * training run and its evaluation give the same result file -- weights_sha256,
 * every spike counter, every cycle and NoC count -- whether the chip is clocked
 * by sim/chip.c or by SystemC, with C routers, one RTL router or every router
 * RTL. The teeth: ssnnsim-planted-link (built with PLANT_SC_LINK_DELAY, its C
 * links one cycle slow) and ssnnsim-planted-gate-{held,early} (idle RTL routers
 * gated wrongly) must differ. The same for `ssnnsim noc`: the synthetic-traffic
 * sweep on the SystemC engine's mesh, C routers, one RTL router or all RTL,
 * gives the native mesh's table, CSV and JSON byte for byte, and the planted
 * builds do not. Also: the sc_trace VCD carries the native dump's signal names,
 * and chip.rtl is checked like every config key. */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char bin[1024], planted[1100];
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600];

/* ---- helpers ------------------------------------------------------------- */

/* Runs `exe train CONFIG --quiet ARGS...` (NULL-terminated); stdout is
 * discarded, stderr kept. */
#define run_train(exe, ...) run_in(tmpdir, 0, "", exe, "train", cfg_path, "--quiet", __VA_ARGS__)

/* Deletes the first occurrence of `key` and what follows up to `end` (inclusive). */
static void cut(char *s, const char *key, char end)
{
    char *p = strstr(s, key);
    if (!p) return;
    char *q = strchr(p, end);
    if (!q) return;
    memmove(p, q + 1, strlen(q + 1) + 1);
}

/* The result file without what names the engine: the engine and chip.rtl. */
static char *result_body(const char *path)
{
    char *s = file_text_or_empty(path);
    cut(s, "\"engine\":", '\n');
    cut(s, "\"rtl\":", ']');
    return s;
}

/* The line of `a` where a and b first differ, and b's, for the message. */
static void first_difference(const char *a, const char *b, char *out, size_t n)
{
    size_t i = 0, line = 0;
    while (a[i] && a[i] == b[i]) i++;
    size_t s = i;
    while (s > 0 && a[s - 1] != '\n') s--;
    for (size_t k = 0; k < s; k++) line += a[k] == '\n';
    const char *ea = strchr(a + s, '\n'), *eb = strchr(b + s, '\n');
    snprintf(out, n, "line %zu: native '%.*s', systemc '%.*s'", line + 1, (int)(ea ? ea - (a + s) : 60), a + s,
             (int)(eb ? eb - (b + s) : 60), b + s);
}

/* The short training run every equality check uses. */
#define SHORT_RUN "--samples", "6", "--test-samples", "3", "--set", "training.T_test=8"

static char *native_result;

static const char *native(void)
{
    if (native_result) return native_result;
    char out[600];
    path_in(out, sizeof out, tmpdir, "native.json");
    struct result r = run_train(bin, "--engine", "chip", SHORT_RUN, "--out", out, NULL);
    if (r.code) printf("native run: exit %d: %.400s\n", r.code, r.err);
    result_free(&r);
    native_result = result_body(out);
    return native_result;
}

/* Runs the SystemC engine with `rtl` as chip.rtl; 1 when its result equals the native one. */
static int systemc_equals_native(const char *exe, const char *rtl, char *why, size_t n)
{
    char out[600], set[100];
    path_in(out, sizeof out, tmpdir, "systemc.json");
    snprintf(set, sizeof set, "chip.rtl=%s", rtl);
    unlink(out);
    struct result r = run_train(exe, "--engine", "systemc", "--set", set, SHORT_RUN, "--out", out, NULL);
    if (r.code) {
        snprintf(why, n, "exit %d: %.400s", r.code, r.err);
        result_free(&r);
        return 0;
    }
    result_free(&r);
    char *got = result_body(out);
    const char *want = native();
    int same = want[0] && !strcmp(want, got);
    if (!same) first_difference(want, got, why, n);
    free(got);
    return same;
}

/* ---- equality with the native engine --------------------------------------- */

static void systemc_training_equals_native_chip(void)
{
    char why[800];
    CHECK(strstr(native(), "\"weights_sha256\"") && strstr(native(), "\"cycles\""), "native result incomplete");
    CHECK(systemc_equals_native(bin, "[]", why, sizeof why), "%s", why);
}

/* (0,0) hosts an input core and the barrier master: every core's BARRIER arrives
 * there and every RELEASE leaves from it, so it idles between bursts (what the
 * clock gating of idle RTL routers acts on); (1,0) carries an input core's spikes. */
static void systemc_with_one_rtl_router_equals_native_chip(void)
{
    char why[800];
    CHECK(systemc_equals_native(bin, "[router_0_0]", why, sizeof why), "%s", why);
    CHECK(systemc_equals_native(bin, "[router_1_0]", why, sizeof why), "%s", why);
}

static void systemc_with_every_router_rtl_equals_native_chip(void)
{
    char why[800];
    CHECK(systemc_equals_native(bin, "[router]", why, sizeof why), "%s", why);
}

static void systemc_equals_native_chip_on_slow_links_and_two_vcs(void)
{
    /* Links of 3 cycles and 2 VCs per class: router_io's link registers and VC
     * allocation against the mesh's (every RTL check above uses the default router). */
    char out[600], why[800];
    path_in(out, sizeof out, tmpdir, "native-ll3.json");
    struct result r = run_train(bin, "--engine", "chip", "--set", "chip.router.link_latency=3", "--set",
                                "chip.router.vcs=2", SHORT_RUN, "--out", out, NULL);
    CHECK(r.code == 0, "native: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    char *want = result_body(out);
    path_in(out, sizeof out, tmpdir, "systemc-ll3.json");
    r = run_train(bin, "--engine", "systemc", "--set", "chip.router.link_latency=3", "--set", "chip.router.vcs=2",
                  SHORT_RUN, "--out", out, NULL);
    CHECK(r.code == 0, "systemc: exit %d: %.300s", r.code, r.err);
    result_free(&r);
    char *got = result_body(out);
    if (strcmp(want, got)) {
        first_difference(want, got, why, sizeof why);
        CHECK(0, "%s", why);
    }
    CHECK(strstr(want, "\"link_latency\": 3"), "the run did not use 3-cycle links");
    free(want);
    free(got);
}

static void planted_slow_link_is_caught(void)
{
    char why[800];
    CHECK(!systemc_equals_native(planted, "[]", why, sizeof why),
          "%s (PLANT_SC_LINK_DELAY) gives the native result: the equality checks cannot see a link's timing", planted);
    CHECK(strstr(why, "cycles") != NULL, "the planted slow link should change cycle counts first, got: %s", why);
}

/* An idle RTL router gets no clock edge (rtl_router.cpp); the two ways that can go
 * wrong, planted, must each be caught with one RTL router and with every router RTL. */
static void planted_clock_gating_is_caught(void)
{
    const char *variant[] = { "held", "early" };
    const char *rtl[] = { "[router_0_0]", "[router]" };
    for (int v = 0; v < 2; v++)
        for (int k = 0; k < 2; k++) {
            char exe[1100], why[800];
            snprintf(exe, sizeof exe, "%s-planted-gate-%s", bin, variant[v]);
            CHECK(access(exe, X_OK) == 0, "%s is not an executable (make test builds it)", exe);
            CHECK(!systemc_equals_native(exe, rtl[k], why, sizeof why),
                  "%s with chip.rtl=%s gives the native result: a gated router went unnoticed", exe, rtl[k]);
        }
}

/* Starts `exe train <noise set> --quiet --engine systemc --set chip.rtl=RTL [--set EXTRA]
 * --samples 6 --test-samples 3 --out OUT` with its output discarded, stderr into ERR. */
static pid_t spawn_systemc(const char *exe, const char *rtl, const char *extra, const char *out, const char *err)
{
    char set[100];
    snprintf(set, sizeof set, "chip.rtl=%s", rtl);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen(err, "w", stderr)) _exit(126);
        if (extra)
            execl(exe, exe, "train", cfg_path, "--quiet", "--engine", "systemc", "--set", set, "--set", extra,
                  "--samples", "6", "--test-samples", "3", "--out", out, (char *)NULL);
        else
            execl(exe, exe, "train", cfg_path, "--quiet", "--engine", "systemc", "--set", set, "--samples", "6",
                  "--test-samples", "3", "--out", out, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static const struct timespec tenth = { 0, 100 * 1000 * 1000 };

/* Waits up to `tenths` tenths of a second for pid; on time-out kills it. 1 if it ended. */
static int ended_within(pid_t pid, int tenths, int *st)
{
    for (int t = 0; t < tenths; t++) {
        if (waitpid(pid, st, WNOHANG) == pid) return 1;
        nanosleep(&tenth, NULL);
    }
    if (waitpid(pid, st, WNOHANG) == pid) return 1;
    kill(pid, SIGKILL);
    waitpid(pid, st, 0);
    return 0;
}

/* A router that stops being clocked with a flit inside (ssnnsim-planted-gate-held,
 * router (3,0) RTL) counts nothing on its watchdog: the engine must still stop,
 * with a message naming it, not hang (the guard below is a hang guard, not a
 * timing check: the stall is reported after 10^5 quiet network cycles). */
static void a_router_that_stops_is_reported_not_hung(void)
{
    char exe[1100], out[600], err[600];
    snprintf(exe, sizeof exe, "%s-planted-gate-held", bin);
    path_in(out, sizeof out, tmpdir, "stuck.json");
    path_in(err, sizeof err, tmpdir, "stuck.err");
    int st = 0;
    int ended = ended_within(spawn_systemc(exe, "[router_3_0]", NULL, out, err), 600, &st);
    char *msg = file_text_or_empty(err);
    CHECK(ended, "a run whose router (3,0) stopped still ran after 60 s");
    CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(msg, "no flit delivered for 100000 cycles") &&
              strstr(msg, "router (3,0) RTL"),
          "status %#x, stderr: %.300s", st, msg);
    CHECK(!exists(out), "the failed run left a result file");
    free(msg);
}

/* A sample that takes long (T = 65536 under SystemC, ~a minute): the first SIGTERM
 * waits for its end, a second one stops the run at once, killed by the signal. */
static void a_second_signal_stops_a_run_in_a_long_sample(void)
{
    char out[600], err[600];
    path_in(out, sizeof out, tmpdir, "long.json");
    path_in(err, sizeof err, tmpdir, "long.err");
    for (int attempt = 0; attempt < 3; attempt++) {
        pid_t pid = spawn_systemc(bin, "[]", "training.T=65536", out, err);
        int st = 0;
        for (int t = 0; t < 10 + 20 * attempt; t++) nanosleep(&tenth, NULL);    /* into the first sample */
        kill(pid, SIGTERM);
        for (int t = 0; t < 10; t++) nanosleep(&tenth, NULL);
        if (waitpid(pid, &st, WNOHANG) == pid) {
            /* Gone on the first signal: it came before the handler (try later), or the sample ended. */
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the run ended after one SIGTERM (status %#x)", st);
            continue;
        }
        kill(pid, SIGTERM);
        int gone = ended_within(pid, 300, &st);
        CHECK(gone && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
              "a second SIGTERM did not stop the run (%s, status %#x)", gone ? "ended" : "killed after 30 s", st);
        CHECK(!exists(out), "the stopped run left a result file");
        return;
    }
    CHECK(0, "three starts each ended on the first signal: the handler was never reached");
}

/* ---- ssnnsim noc ------------------------------------------------------------- */

/* Small sweeps that run in well under a second each with C routers: a 4x4 mesh,
 * uniform traffic below, near and past saturation; 3-flit packets of all three
 * classes (VCs and packet framing) towards a hotspot at (1,1); and the uniform
 * sweep with 2-flit packets of all classes on 3-cycle links, 2 VCs per class. */
static char noc_uniform[600], noc_hotspot[600], noc_slow[600];
#define N_NOC_OPTS 9
static char noc_opts[N_NOC_OPTS][600];

/* A sweep's outputs: stdout (the table), the CSV, and the JSON without chip.rtl. */
struct noc_run {
    int code;
    char *err, *table, *csv, *json;
};

static void noc_run_free(struct noc_run *r)
{
    free(r->err), free(r->table), free(r->csv), free(r->json);
}

/* `exe noc CONFIG --quiet --engine ENGINE [--set chip.rtl=RTL]` (rtl NULL: no --set). */
static struct noc_run run_noc(const char *exe, const char *config, const char *engine, const char *rtl)
{
    char cmd[8192] = "", out[600], err[600], csv[600], json[600], set[100];
    path_in(out, sizeof out, tmpdir, "noc.out");
    path_in(err, sizeof err, tmpdir, "noc.err");
    path_in(csv, sizeof csv, tmpdir, "noc.csv");
    path_in(json, sizeof json, tmpdir, "noc.json");
    unlink(csv);
    unlink(json);
    quote(cmd, sizeof cmd, exe);
    strcat(cmd, " noc ");
    quote(cmd, sizeof cmd, config);
    strcat(cmd, " --quiet --engine ");
    quote(cmd, sizeof cmd, engine);
    if (rtl) {
        snprintf(set, sizeof set, "chip.rtl=%s", rtl);
        strcat(cmd, " --set ");
        quote(cmd, sizeof cmd, set);
    }
    strcat(cmd, " --csv ");
    quote(cmd, sizeof cmd, csv);
    strcat(cmd, " --out ");
    quote(cmd, sizeof cmd, json);
    struct result r = run_captured(cmd, out, err);
    struct noc_run n = { .code = r.code, .err = r.err, .table = r.out, .csv = file_text_or_empty(csv),
                         .json = result_body(json) };
    return n;
}

/* 1 when the SystemC sweep (exe, chip.rtl = rtl) gives the native one's table,
 * CSV and JSON; else 0 with the first difference in why. */
static int noc_equals_native(const char *exe, const char *config, const char *rtl, char *why, size_t n)
{
    struct noc_run want = run_noc(bin, config, "chip", NULL), got = run_noc(exe, config, "systemc", rtl);
    int same = 0;
    if (want.code || !want.csv[0] || !strstr(want.json, "\"points\"")) {
        snprintf(why, n, "native: exit %d: %.300s", want.code, want.err);
    } else if (got.code) {
        snprintf(why, n, "exit %d: %.300s", got.code, got.err);
    } else if (strcmp(want.csv, got.csv)) {
        first_difference(want.csv, got.csv, why, n);
    } else if (strcmp(want.table, got.table)) {
        first_difference(want.table, got.table, why, n);
    } else if (strcmp(want.json, got.json)) {
        first_difference(want.json, got.json, why, n);
    } else {
        same = 1;
    }
    noc_run_free(&want);
    noc_run_free(&got);
    return same;
}

static void systemc_noc_equals_native_noc(void)
{
    const char *configs[] = { noc_uniform, noc_hotspot };
    const char *rtl[] = { "[]", "[router_1_1]", "[router_0_0]", "[router]" };
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < 4; k++) {
            char why[800];
            CHECK(noc_equals_native(bin, configs[c], rtl[k], why, sizeof why), "%s, chip.rtl=%s: %s", configs[c],
                  rtl[k], why);
        }
}

/* C routers on 3-cycle links with 2 VCs per class (router_io's link registers and
 * VC allocation against the mesh's; the RTL build has the default router). */
static void systemc_noc_equals_native_noc_on_slow_links_and_two_vcs(void)
{
    char why[800];
    CHECK(noc_equals_native(bin, noc_slow, "[]", why, sizeof why), "%s", why);
}

/* Every router microarchitecture option and the latency accounting (docs/noc.md
 * "Router microarchitectures"), alone and together, with multi-flit packets of all
 * classes on 2 VCs per class: C routers under SystemC give the native mesh's
 * table, CSV and JSON byte for byte (router_io's link registers carry the pipelined
 * router's one-cycle-later credits). An RTL router is refused with them. */
static void systemc_noc_equals_native_noc_for_every_router_option(void)
{
    for (int k = 0; k < N_NOC_OPTS; k++) {
        char why[800];
        CHECK(noc_equals_native(bin, noc_opts[k], "[]", why, sizeof why), "%s: %s", noc_opts[k], why);
    }
    struct noc_run r = run_noc(bin, noc_opts[0], "systemc", "[router_1_1]");
    CHECK(r.code == 2 && strstr(r.err, "chip.rtl: rtl/router.sv is the default router") && !r.csv[0],
          "pipelined router with an RTL router: exit %d, stderr: %.300s", r.code, r.err);
    noc_run_free(&r);
}

/* The teeth: a C link one cycle slow moves the curve; an RTL router gated wrongly
 * breaks flow control or delivers a flit twice (the tags see it). */
static void planted_bugs_change_the_noc_sweep(void)
{
    char why[800];
    CHECK(!noc_equals_native(planted, noc_uniform, "[]", why, sizeof why),
          "%s (PLANT_SC_LINK_DELAY) gives the native noc sweep", planted);
    CHECK(strstr(why, "line 2:") != NULL, "the slow link should move the first point's latency, got: %s", why);
    const char *variant[] = { "held", "early" };
    const char *rtl[] = { "[router_1_1]", "[router]" };
    for (int v = 0; v < 2; v++)
        for (int k = 0; k < 2; k++) {
            char exe[1100];
            snprintf(exe, sizeof exe, "%s-planted-gate-%s", bin, variant[v]);
            CHECK(!noc_equals_native(exe, noc_uniform, rtl[k], why, sizeof why),
                  "%s with chip.rtl=%s gives the native noc sweep", exe, rtl[k]);
        }
}

static void noc_rtl_needs_the_systemc_engine(void)
{
    struct noc_run r = run_noc(bin, noc_uniform, "chip", "[router]");
    CHECK(r.code == 2 && strstr(r.err, "--set:1:10: chip.rtl: RTL components run under --engine systemc only") &&
              !r.csv[0],
          "exit %d, stderr: %.300s", r.code, r.err);
    noc_run_free(&r);
    char cmd[4000] = "", vcd[600], errp[600];
    path_in(vcd, sizeof vcd, tmpdir, "noc.vcd");
    path_in(errp, sizeof errp, tmpdir, "stderr");
    quote(cmd, sizeof cmd, bin);
    strcat(cmd, " noc ");
    quote(cmd, sizeof cmd, noc_uniform);
    strcat(cmd, " --quiet --engine systemc --waves ");
    quote(cmd, sizeof cmd, vcd);
    struct result w = run_captured(cmd, "/dev/null", errp);
    CHECK(w.code == 2 && strstr(w.err, "--engine chip") && !exists(vcd), "--waves: exit %d, stderr: %.300s", w.code,
          w.err);
    result_free(&w);
}

/* ---- waveforms ------------------------------------------------------------- */

/* Full dotted names of a VCD's variables (scopes joined by '.'), one per line,
 * without `skip_root` (SystemC's VCD puts everything under a scope "SystemC"). */
static int vcd_names(const char *path, const char *skip_root, char *names, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[1024], scope[16][128];
    int depth = 0, count = 0;
    names[0] = 0;
    while (fgets(line, sizeof line, f)) {
        char a[128], b[128], c[128], d[128];
        if (sscanf(line, " $scope %127s %127s", a, b) == 2) {
            if (depth < 16) snprintf(scope[depth], sizeof scope[depth], "%s", b);
            depth++;
        } else if (strstr(line, "$upscope")) {
            depth--;
        } else if (sscanf(line, " $var %127s %127s %127s %127s", a, b, c, d) == 4) {
            char full[700] = "";
            for (int i = 0; i < depth && i < 16; i++) {
                if (i == 0 && skip_root && !strcmp(scope[0], skip_root)) continue;
                strcat(full, scope[i]);
                strcat(full, ".");
            }
            strcat(full, d);
            size_t k = strlen(names);
            if (k + strlen(full) + 2 < n) snprintf(names + k, n - k, "%s\n", full);
            count++;
        } else if (strstr(line, "$enddefinitions")) {
            break;
        }
    }
    fclose(f);
    return count;
}

static int has_name(const char *names, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = names; (p = strstr(p, name)); p++)
        if ((p == names || p[-1] == '\n') && p[n] == '\n') return 1;
    return 0;
}

static void systemc_vcd_names_are_the_native_names(void)
{
    char nat[600], sc[600];
    path_in(nat, sizeof nat, tmpdir, "native.vcd");
    path_in(sc, sizeof sc, tmpdir, "systemc.vcd");
    struct result a = run_train(bin, "--engine", "chip", "--samples", "1", "--test-samples", "1", "--set",
                                "training.T_test=2", "--waves", nat, NULL);
    struct result b = run_train(bin, "--engine", "systemc", "--samples", "1", "--test-samples", "1", "--set",
                                "training.T_test=2", "--waves", sc, NULL);
    CHECK(a.code == 0 && b.code == 0, "exit %d / %d: %.300s %.300s", a.code, b.code, a.err, b.err);
    result_free(&a);
    result_free(&b);
    static char nn[1 << 20], sn[1 << 18];
    int n_nat = vcd_names(nat, NULL, nn, sizeof nn), n_sc = vcd_names(sc, "SystemC", sn, sizeof sn);
    CHECK(n_nat > 0 && n_sc > 0, "no variables: native %d, systemc %d", n_nat, n_sc);
    /* Every SystemC signal is a native one, except the crossbar tiles', which
     * only the SystemC engine has as modules of their own. */
    int shared = 0, tiles = 0, checked = 0;
    for (char *p = sn, *e; *p; p = e + 1) {
        e = strchr(p, '\n');
        *e = 0;
        if (strstr(p, ".tile")) tiles++;
        else if (has_name(nn, p)) shared++;
        else if (checked++ < 3) CHECK(0, "systemc signal %s is not in the native dump", p);
        *e = '\n';
    }
    CHECK(shared + tiles == n_sc, "%d of %d systemc signals have a native name (%d tile signals)", shared, n_sc, tiles);
    static const char *const must[] = { "chip.sample", "chip.step", "chip.core_2_1.winner",
                                        "chip.core_0_1.update_pulses", "chip.router_1_0.E_valid",
                                        "chip.router_1_0.L_occupancy", "chip.router_1_0.W_credits" };
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        CHECK(has_name(sn, must[i]) && has_name(nn, must[i]), "%s: in systemc %d, in native %d", must[i],
              has_name(sn, must[i]), has_name(nn, must[i]));
}

static void systemc_waves_must_be_vcd(void)
{
    char fst[600];
    path_in(fst, sizeof fst, tmpdir, "x.fst");
    struct result r = run_train(bin, "--engine", "systemc", "--samples", "1", "--waves", fst, NULL);
    CHECK(r.code == 2 && strstr(r.err, ".vcd"), "exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

/* ---- configuration ----------------------------------------------------------- */

static void unknown_rtl_component_is_a_config_error(void)
{
    char out[600], bad[700];
    path_in(out, sizeof out, tmpdir, "bad.json");
    path_in(bad, sizeof bad, tmpdir, "bad-rtl.yaml");
    write_file(bad, "extends: '%s'\nchip:\n  rtl: [router, crossbar]\n", cfg_path);
    char cmd[4000] = "";
    quote(cmd, sizeof cmd, bin);
    strcat(cmd, " train ");
    quote(cmd, sizeof cmd, bad);
    strcat(cmd, " --engine systemc --quiet --out ");
    quote(cmd, sizeof cmd, out);
    char errp[600];
    path_in(errp, sizeof errp, tmpdir, "stderr");
    struct result r = run_captured(cmd, "/dev/null", errp);
    char want[1600];
    snprintf(want, sizeof want, "%s:3:17: chip.rtl: unknown component 'crossbar'", bad);
    CHECK(r.code == 2, "exit status %d", r.code);
    CHECK(strstr(r.err, want) != NULL, "stderr '%.300s' lacks '%s'", r.err, want);
    CHECK(access(out, F_OK) != 0, "%s left behind", out);
    result_free(&r);
}

static void rtl_needs_the_systemc_engine(void)
{
    struct result r = run_train(bin, "--engine", "chip", "--set", "chip.rtl=[router]", "--samples", "1", NULL);
    CHECK(r.code == 2 && strstr(r.err, "--set:1:10: chip.rtl: RTL components run under --engine systemc only"),
          "exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

static void rtl_router_of_another_shape_is_refused(void)
{
    /* The Verilated router is built for the default chip's router parameters. */
    struct result r = run_train(bin, "--engine", "systemc", "--set", "chip.rtl=[router_0_0]", "--set",
                                "chip.router.buffer_depth=8", "--samples", "1", NULL);
    CHECK(r.code == 2 && strstr(r.err, "chip.rtl: the RTL router of this build has buffer_depth 4"),
          "exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

int main(void)
{
    sim_bin(bin, sizeof bin);
    snprintf(planted, sizeof planted, "%s-planted-link", bin);
    if (access(bin, X_OK) || access(planted, X_OK)) {
        printf("FAIL test_systemc: %s or %s is not an executable (make test builds both)\n", bin, planted);
        return 1;
    }
    if (!getcwd(repo, sizeof repo)) return 2;
    scratch_make(tmpdir, sizeof tmpdir, "sc");

    /* 12 noisy 28x28 images, labels 0..9, on the default 784-500-10 network and chip. */
    char img[600], lab[600];
    noise_workload(tmpdir, repo, 12, 2024, 1, "training:\n  epochs: 1\n  ann_baseline: false\n", img, lab, cfg_path);
    path_in(noc_uniform, sizeof noc_uniform, tmpdir, "noc-uniform.yaml");
    write_file(noc_uniform, "extends: '%s/workloads/noc/uniform.yaml'\nchip:\n  mesh_x: 4\n  mesh_y: 4\nnoc:\n"
               "  rates: [0.1, 0.4, 0.8]\n  warmup_cycles: 200\n  measure_cycles: 1000\n", repo);
    path_in(noc_hotspot, sizeof noc_hotspot, tmpdir, "noc-hotspot.yaml");
    write_file(noc_hotspot, "extends: '%s/workloads/noc/hotspot.yaml'\nchip:\n  mesh_x: 4\n  mesh_y: 4\nnoc:\n"
               "  rates: [0.1, 0.5]\n  packet_flits: 3\n  traffic_class: mixed\n  hotspot_node: 5\n"
               "  hotspot_fraction: 0.3\n  warmup_cycles: 200\n  measure_cycles: 1000\n", repo);
    path_in(noc_slow, sizeof noc_slow, tmpdir, "noc-slow.yaml");
    write_file(noc_slow, "extends: '%s'\nchip:\n  router:\n    link_latency: 3\n    vcs: 2\nnoc:\n"
               "  packet_flits: 2\n  traffic_class: mixed\n", noc_uniform);

    static const char *const opts[N_NOC_OPTS] = {
        "  router:\n    vcs: 2\n    model: pipelined\n    pipeline: 3\n",
        "  router:\n    vcs: 2\n    model: pipelined\n    pipeline: 2\n    lookahead: true\n",
        "  router:\n    vcs: 2\n    model: pipelined\n    pipeline: 2\n    speculative: true\n",
        "  router:\n    vcs: 2\n    model: pipelined\n    pipeline: 2\n    lookahead: true\n    speculative: true\n",
        "  router:\n    vcs: 2\n    sw_allocator: islip\n",
        "  router:\n    vcs: 2\n    vc_allocator: islip\n",
        "  router:\n    vcs: 2\n    model: pipelined\n    pipeline: 4\n    sw_allocator: islip\n    vc_allocator: islip\n"
        "    link_latency: 2\n",
        "  router:\n    vcs: 2\n    model: pipelined\n    pipeline: 3\n    lookahead: true\n    speculative: true\n"
        "    sw_allocator: islip\n    vc_allocator: islip\n    link_latency: 3\n",
        "  router:\n    vcs: 1\nnoc:\n  latency_accounting: booksim\n",
    };
    for (int k = 0; k < N_NOC_OPTS; k++) {
        char name[64];
        snprintf(name, sizeof name, "noc-opt%d.yaml", k);
        path_in(noc_opts[k], sizeof noc_opts[k], tmpdir, name);
        write_file(noc_opts[k], "extends: '%s'\nchip:\n%s%s", noc_uniform, opts[k],
                   strstr(opts[k], "noc:") ? "" : "noc:\n  packet_flits: 3\n  traffic_class: mixed\n");
    }

    RUN(systemc_training_equals_native_chip);
    RUN(systemc_with_one_rtl_router_equals_native_chip);
    RUN(systemc_with_every_router_rtl_equals_native_chip);
    RUN(systemc_equals_native_chip_on_slow_links_and_two_vcs);
    RUN(planted_slow_link_is_caught);
    RUN(planted_clock_gating_is_caught);
    RUN(a_router_that_stops_is_reported_not_hung);
    RUN(a_second_signal_stops_a_run_in_a_long_sample);
    RUN(systemc_noc_equals_native_noc);
    RUN(systemc_noc_equals_native_noc_on_slow_links_and_two_vcs);
    RUN(systemc_noc_equals_native_noc_for_every_router_option);
    RUN(planted_bugs_change_the_noc_sweep);
    RUN(noc_rtl_needs_the_systemc_engine);
    RUN(systemc_vcd_names_are_the_native_names);
    RUN(systemc_waves_must_be_vcd);
    RUN(unknown_rtl_component_is_a_config_error);
    RUN(rtl_needs_the_systemc_engine);
    RUN(rtl_router_of_another_shape_is_refused);

    scratch_remove(tmpdir);
    free(native_result);
    CHECK_DONE();
}
