/* The simulator over MPI ranks (docs/scale.md), as a user runs it: mpirun on
 * loopback, oversubscribed, against the single-process binary. A chip training
 * run and a NoC run must write byte-identical results (weights_sha256, spike
 * counts, cycles, energy, CSV) for 1, 2, 3 and 4 ranks, a distributed sweep the
 * serial CSV, and the two planted partition bugs (sim/partition.c,
 * PARTITION_PLANT) must be caught: a boundary flit delivered one cycle late
 * changes the results, a window longer than the lookahead is refused.
 * Binaries: SSNNSIM (set by tools/run-tests; default build/ssnnsim) and,
 * beside it, ssnnsim-mpi and ssnnsim-mpi-plant1/2 (`make MPI=1`, built by
 * `make test`). Runs from the repository root on a tiny IDX dataset. */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <string.h>
#include <unistd.h>

static char bin[1024], mpibin[1100], plant1[1100], plant2[1100];
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600], deep_path[600], sweep_path[600], noc_path[600];

/* ---- helpers ------------------------------------------------------------- */

/* Runs `ranks` copies of `exe` under mpirun (ranks 0: the plain binary, no
 * mpirun) with the arguments in `args` (one string, shell words), stdout into
 * tag.out, stderr into tag.err. Returns the exit status. */
static int launch(int ranks, const char *exe, const char *tag, const char *args)
{
    char cmd[8192] = "", out[700], err[700];
    if (ranks) snprintf(cmd, sizeof cmd, "mpirun --oversubscribe -np %d ", ranks);
    quote(cmd, sizeof cmd, exe);
    size_t k = strlen(cmd);
    snprintf(cmd + k, sizeof cmd - k, " %s", args);
    snprintf(out, sizeof out, "%s/%s.out", tmpdir, tag);
    snprintf(err, sizeof err, "%s/%s.err", tmpdir, tag);
    return sh_run(cmd, out, err);
}

/* 1 when both files exist and hold the same bytes. */
static int same_file(const char *a, const char *b)
{
    char *x = file_text(a), *y = file_text(b);
    int same = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return same;
}

static void show_err(const char *tag)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s.err", tmpdir, tag);
    char *e = file_text(p);
    if (e && *e) printf("     stderr of %s: %.600s\n", tag, e);
    free(e);
}

/* The first line where two files differ, for the failure message. */
static void show_diff(const char *a, const char *b)
{
    char *x = file_text(a), *y = file_text(b);
    if (!x || !y) {
        printf("     %s: %s\n", x ? b : a, "missing");
    } else {
        int line = 1;
        size_t i = 0;
        for (; x[i] && x[i] == y[i]; i++) line += x[i] == '\n';
        size_t s = i;
        while (s > 0 && x[s - 1] != '\n') s--;
        printf("     first difference at line %d:\n       %.120s\n       %.120s\n", line, x + s, y + s);
    }
    free(x);
    free(y);
}

/* Runs a train command on the serial binary and on `exe` with each rank count
 * in `ranks` (0-terminated) and checks result JSON and energy CSV are identical. */
static void train_identical(const char *exe, const int *ranks, const char *extra)
{
    char args[4096], ref[700], refcsv[700], out[700], csv[700], tag[64];
    path_in(ref, sizeof ref, tmpdir, "serial.json");
    path_in(refcsv, sizeof refcsv, tmpdir, "serial.energy.csv");
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s' %s", cfg_path, ref, extra);
    int rc = launch(0, bin, "serial", args);
    CHECK(rc == 0, "serial run exited %d", rc);
    if (rc) show_err("serial");
    for (const int *n = ranks; *n; n++) {
        snprintf(tag, sizeof tag, "np%d", *n);
        snprintf(out, sizeof out, "%s/%s.json", tmpdir, tag);
        snprintf(csv, sizeof csv, "%s/%s.energy.csv", tmpdir, tag);
        snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s' %s", cfg_path, out, extra);
        rc = launch(*n, exe, tag, args);
        CHECK(rc == 0, "%d ranks: exited %d", *n, rc);
        if (rc) show_err(tag);
        int same = same_file(ref, out);
        CHECK(same, "%d ranks: result JSON differs from the single-process one", *n);
        if (!same) show_diff(ref, out);
        CHECK(same_file(refcsv, csv), "%d ranks: energy CSV differs from the single-process one", *n);
    }
}

/* ---- checks -------------------------------------------------------------- */

static void chip_train_is_bit_identical_on_1_2_4_ranks(void)
{
    /* 2 x 4 mesh, six cores on rows 0-2: every band boundary carries traffic. */
    static const int ranks[] = { 1, 2, 4, 0 };
    train_identical(mpibin, ranks, "");
}

static void chip_train_is_bit_identical_with_3_cycle_links_and_checks(void)
{
    /* Windows of 3 cycles; uneven bands (3 ranks over 4 rows); conservation
     * asserted at every step on every rank. */
    static const int ranks[] = { 3, 0 };
    train_identical(mpibin, ranks, "--check --set chip.router.link_latency=3 --set chip.router.buffer_depth=2");
}

/* The first number after `key` in a file (0 when absent). */
static unsigned long long number_in(const char *path, const char *key)
{
    char *t = file_text(path);
    const char *k = t ? strstr(t, key) : NULL;
    unsigned long long v = k ? strtoull(k + strlen(key), NULL, 10) : 0;
    free(t);
    return v;
}

/* One chip on the system clock (chip.barrier_cycles, docs/scale.md): identical on
 * 2 and 3 ranks with windows of 3 cycles and --check, and exactly D cycles a step
 * more than the one-chip clock, with the same weights. */
static void one_chip_on_the_system_clock_is_identical_on_ranks(void)
{
    static const int ranks[] = { 2, 3, 0 };
    const char *links = "--check --set chip.router.link_latency=3 --set chip.router.buffer_depth=2";
    char extra[512], plain[700], args[4096];
    snprintf(extra, sizeof extra, "%s --set chip.barrier_cycles=3", links);
    train_identical(mpibin, ranks, extra);
    path_in(plain, sizeof plain, tmpdir, "plain-clock.json");
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s' %s", cfg_path, plain, links);
    int rc = launch(0, bin, "plain-clock", args);
    char ref[700];
    path_in(ref, sizeof ref, tmpdir, "serial.json");
    unsigned long long c0 = number_in(plain, "\"train_cycles\": "), c1 = number_in(ref, "\"train_cycles\": ");
    unsigned long long steps = number_in(ref, "\"steps\": ");
    CHECK(rc == 0 && steps > 0 && c1 - c0 == 3 * steps, "train cycles %llu on the system clock, %llu on the one-chip "
          "clock, %llu steps: expected 3 more a step", c1, c0, steps);
    char *a = file_text(plain), *b = file_text(ref);
    const char *wa = a ? strstr(a, "\"weights_sha256\"") : NULL, *wb = b ? strstr(b, "\"weights_sha256\"") : NULL;
    CHECK(wa && wb && !strncmp(wa, wb, 86), "the barrier delay changed the weights");
    free(a);
    free(b);
}

static void checkpoint_resume_and_infer_are_identical_on_2_ranks(void)
{
    /* Rank 0 writes the checkpoint; a resumed run and an inference from it on
     * 2 ranks match the single process. */
    char a[4096], ck1[700], ck2[700], r1[700], r2[700], i1[700], i2[700];
    path_in(ck1, sizeof ck1, tmpdir, "s.ckpt");
    path_in(ck2, sizeof ck2, tmpdir, "p.ckpt");
    path_in(r1, sizeof r1, tmpdir, "s-resume.json");
    path_in(r2, sizeof r2, tmpdir, "p-resume.json");
    path_in(i1, sizeof i1, tmpdir, "s-infer.json");
    path_in(i2, sizeof i2, tmpdir, "p-infer.json");
    const char *common = "--engine chip --quiet --set training.samples=6";
    snprintf(a, sizeof a, "train '%s' %s --checkpoint '%s'", cfg_path, common, ck1);
    int rc = launch(0, bin, "ck-s", a);
    snprintf(a, sizeof a, "train '%s' %s --checkpoint '%s'", cfg_path, common, ck2);
    int rc2 = launch(2, mpibin, "ck-p", a);
    CHECK(rc == 0 && rc2 == 0, "training exited %d and %d", rc, rc2);
    CHECK(same_file(ck1, ck2), "the checkpoint written on 2 ranks differs");
    snprintf(a, sizeof a, "train '%s' %s --set training.epochs=2 --resume '%s' --out '%s'", cfg_path, common, ck1, r1);
    rc = launch(0, bin, "rs-s", a);
    snprintf(a, sizeof a, "train '%s' %s --set training.epochs=2 --resume '%s' --out '%s'", cfg_path, common, ck1, r2);
    rc2 = launch(2, mpibin, "rs-p", a);
    CHECK(rc == 0 && rc2 == 0, "resumed runs exited %d and %d", rc, rc2);
    CHECK(same_file(r1, r2), "the resumed run on 2 ranks differs");
    snprintf(a, sizeof a, "infer '%s' %s --checkpoint '%s' --out '%s'", cfg_path, common, ck1, i1);
    rc = launch(0, bin, "in-s", a);
    snprintf(a, sizeof a, "infer '%s' %s --checkpoint '%s' --out '%s'", cfg_path, common, ck1, i2);
    rc2 = launch(2, mpibin, "in-p", a);
    CHECK(rc == 0 && rc2 == 0, "inference exited %d and %d", rc, rc2);
    CHECK(same_file(i1, i2), "inference on 2 ranks differs");
}

/* Three hidden layers on the 2 x 4 mesh (784-32-24-16-10: four input cores, one
 * core per hidden layer, the output core): gradient spikes cross band boundaries
 * between hidden layers. Training and inference from its checkpoint match the
 * single process on 1, 2 and 4 ranks. */
static void depth_3_train_and_infer_are_identical_on_1_2_4_ranks(void)
{
    static const int ranks[] = { 1, 2, 4, 0 };
    char a[4096], ck[700], ref[700], out[700], tag[64];
    path_in(ck, sizeof ck, tmpdir, "deep.ckpt");
    path_in(ref, sizeof ref, tmpdir, "deep-infer-serial.json");
    char saved[600];
    snprintf(saved, sizeof saved, "%s", cfg_path);
    snprintf(cfg_path, sizeof cfg_path, "%s", deep_path);
    train_identical(mpibin, ranks, "");
    snprintf(a, sizeof a, "train '%s' --engine chip --quiet --checkpoint '%s'", cfg_path, ck);
    int rc = launch(0, bin, "deep-ck", a);
    CHECK(rc == 0, "deep training for the checkpoint exited %d", rc);
    snprintf(a, sizeof a, "infer '%s' --engine chip --quiet --checkpoint '%s' --out '%s'", cfg_path, ck, ref);
    rc = launch(0, bin, "deep-in", a);
    CHECK(rc == 0, "deep inference exited %d", rc);
    char *t = file_text(ref);
    CHECK(t && strstr(t, "\"layers\": ["), "the deep inference result has no per-layer counters");
    free(t);
    for (const int *n = ranks; *n; n++) {
        snprintf(tag, sizeof tag, "deep-in-np%d", *n);
        snprintf(out, sizeof out, "%s/%s.json", tmpdir, tag);
        snprintf(a, sizeof a, "infer '%s' --engine chip --quiet --checkpoint '%s' --out '%s'", cfg_path, ck, out);
        rc = launch(*n, mpibin, tag, a);
        CHECK(rc == 0, "%d ranks: deep inference exited %d", *n, rc);
        if (rc) show_err(tag);
        int same = same_file(ref, out);
        CHECK(same, "%d ranks: deep inference result differs from the single-process one", *n);
        if (!same) show_diff(ref, out);
    }
    snprintf(cfg_path, sizeof cfg_path, "%s", saved);
}

static void noc_run_is_bit_identical_on_1_2_4_ranks(void)
{
    const char *extra[] = { "", "--set chip.router.link_latency=2 --set noc.packet_flits=3 --set noc.traffic_class=mixed "
                                "--set chip.router.vcs=2 --set noc.traffic=transpose" };
    static const int ranks[] = { 1, 2, 3, 4 };
    for (int e = 0; e < 2; e++) {
        char args[4096], ref[700], refj[700], reft[700], out[700], outj[700], outt[700], tag[64];
        path_in(ref, sizeof ref, tmpdir, "noc-serial.csv");
        path_in(refj, sizeof refj, tmpdir, "noc-serial.json");
        path_in(reft, sizeof reft, tmpdir, "noc-serial.out");
        snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s' --out '%s' %s", noc_path, ref, refj, extra[e]);
        int rc = launch(0, bin, "noc-serial", args);
        CHECK(rc == 0, "serial noc exited %d", rc);
        for (int i = 2 * e; i < 4; i += 1 + 2 * e) {   /* 1, 2, 3, 4 ranks; then 3 */
            snprintf(tag, sizeof tag, "noc-np%d", ranks[i]);
            snprintf(out, sizeof out, "%s/%s.csv", tmpdir, tag);
            snprintf(outj, sizeof outj, "%s/%s.json", tmpdir, tag);
            snprintf(outt, sizeof outt, "%s/%s.out", tmpdir, tag);
            snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s' --out '%s' %s", noc_path, out, outj, extra[e]);
            rc = launch(ranks[i], mpibin, tag, args);
            CHECK(rc == 0, "%d ranks: exited %d", ranks[i], rc);
            if (rc) show_err(tag);
            CHECK(same_file(ref, out), "%s, %d ranks: CSV differs", *extra[e] ? extra[e] : "defaults", ranks[i]);
            CHECK(same_file(refj, outj), "%s, %d ranks: JSON differs", *extra[e] ? extra[e] : "defaults", ranks[i]);
            CHECK(same_file(reft, outt), "%s, %d ranks: table differs", *extra[e] ? extra[e] : "defaults", ranks[i]);
        }
    }
}

/* docs/scale.md's run over hosts, with a hostfile of two localhost slots for the
 * two hosts (the command as the docs give it, --map-by node): the noc table, CSV and
 * JSON of two ranks placed by the hostfile are the single process's. */
static void a_hostfile_of_two_localhost_slots_gives_the_serial_result(void)
{
    char hosts[700], args[4096], ref[700], refj[700], out[700], outj[700], cmd[8192] = "";
    path_in(hosts, sizeof hosts, tmpdir, "hosts");
    FILE *f = fopen(hosts, "w");
    CHECK(f != NULL, "cannot write %s", hosts);
    if (!f) return;
    fprintf(f, "localhost slots=2\n");
    fclose(f);
    path_in(ref, sizeof ref, tmpdir, "host-serial.csv");
    path_in(refj, sizeof refj, tmpdir, "host-serial.json");
    path_in(out, sizeof out, tmpdir, "host-np2.csv");
    path_in(outj, sizeof outj, tmpdir, "host-np2.json");
    snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s' --out '%s'", noc_path, ref, refj);
    int rc = launch(0, bin, "host-serial", args);
    CHECK(rc == 0, "serial noc exited %d", rc);
    snprintf(cmd, sizeof cmd, "timeout 120 mpirun --hostfile ");
    quote(cmd, sizeof cmd, hosts);
    size_t k = strlen(cmd);
    snprintf(cmd + k, sizeof cmd - k, " -np 2 --map-by node ");
    quote(cmd, sizeof cmd, mpibin);
    k = strlen(cmd);
    snprintf(cmd + k, sizeof cmd - k, " noc '%s' --quiet --csv '%s' --out '%s'", noc_path, out, outj);
    char so[700], se[700];
    path_in(so, sizeof so, tmpdir, "host-np2.out");
    path_in(se, sizeof se, tmpdir, "host-np2.err");
    rc = sh_run(cmd, so, se);
    CHECK(rc == 0, "mpirun --hostfile (localhost slots=2) -np 2 exited %d", rc);
    if (rc) show_err("host-np2");
    CHECK(same_file(ref, out), "hostfile run: CSV differs from the single process's");
    CHECK(same_file(refj, outj), "hostfile run: JSON differs from the single process's");
}

static void distributed_sweep_csv_equals_serial_csv(void)
{
    char args[4096], ref[700], out[700], tag[64];
    path_in(ref, sizeof ref, tmpdir, "sweep-serial.csv");
    snprintf(args, sizeof args, "sweep '%s' --quiet --csv '%s'", sweep_path, ref);
    int rc = launch(0, bin, "sweep-serial", args);
    CHECK(rc == 0, "serial sweep exited %d", rc);
    static const int ranks[] = { 2, 4 };   /* 5 points of unequal cost (T): not dealt round-robin */
    for (int i = 0; i < 2; i++) {
        snprintf(tag, sizeof tag, "sweep-np%d", ranks[i]);
        snprintf(out, sizeof out, "%s/%s.csv", tmpdir, tag);
        snprintf(args, sizeof args, "sweep '%s' --quiet --csv '%s'", sweep_path, out);
        rc = launch(ranks[i], mpibin, tag, args);
        CHECK(rc == 0, "%d ranks: exited %d", ranks[i], rc);
        if (rc) show_err(tag);
        int same = same_file(ref, out);
        CHECK(same, "%d ranks: CSV differs from the serial one", ranks[i]);
        if (!same) show_diff(ref, out);
    }
}

static void boundary_flit_one_cycle_late_is_caught(void)
{
    /* The same comparison the checks above make must fail on the planted bug. */
    char args[4096], ref[700], out[700];
    path_in(ref, sizeof ref, tmpdir, "serial.json");
    path_in(out, sizeof out, tmpdir, "plant1.json");
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s'", cfg_path, ref);
    int rc = launch(0, bin, "serial", args);
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s'", cfg_path, out);
    int rc1 = launch(2, plant1, "plant1", args);
    CHECK(rc == 0 && rc1 == 0, "runs exited %d and %d", rc, rc1);
    CHECK(!same_file(ref, out), "a boundary flit delivered a cycle late went unnoticed: results identical");
    char noc_ref[700], noc_out[700];
    path_in(noc_ref, sizeof noc_ref, tmpdir, "noc-serial.json");
    path_in(noc_out, sizeof noc_out, tmpdir, "noc-plant1.json");
    snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s/noc-serial.csv' --out '%s'", noc_path, tmpdir, noc_ref);
    launch(0, bin, "noc-serial", args);
    snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s/noc-plant1.csv' --out '%s'", noc_path, tmpdir, noc_out);
    rc1 = launch(2, plant1, "noc-plant1", args);
    CHECK(rc1 == 0, "noc exited %d", rc1);
    CHECK(!same_file(noc_ref, noc_out), "noc: a boundary flit delivered a cycle late went unnoticed");
}

/* Training `config` on 2 ranks of the planted binary with windows of twice the
 * lookahead: exit 1, "exceeds the lookahead", no result file (tag: output names). */
static void plant2_refused(const char *config, const char *tag)
{
    char args[4096], out[700], p[700], name[64];
    snprintf(name, sizeof name, "%s.json", tag);
    path_in(out, sizeof out, tmpdir, name);
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s'", config, out);
    int rc = launch(2, plant2, tag, args);
    CHECK(rc == 1, "%s: exit status %d, expected 1", tag, rc);
    snprintf(name, sizeof name, "%s.err", tag);
    path_in(p, sizeof p, tmpdir, name);
    char *e = file_text(p);
    CHECK(e && strstr(e, "exceeds the lookahead"), "%s: stderr does not say the lookahead was broken: %.300s", tag,
          e ? e : "");
    free(e);
    CHECK(access(out, F_OK) != 0, "a failed run left %s behind", out);
}

static void window_longer_than_lookahead_is_refused(void) { plant2_refused(cfg_path, "plant2"); }

/* Training `config` on 2 ranks with chip.fault `kind` at node 4 (rank 1's): every
 * rank stops (no hang: `timeout`), exit 1, "rank 1:" and `says`, no result file. */
static void fault_stops_every_rank(const char *config, const char *kind, const char *says)
{
    char args[4096], p[700], out[700];
    path_in(out, sizeof out, tmpdir, "fault.json");
    snprintf(args, sizeof args,
             "train '%s' --engine chip --quiet --set chip.fault.kind=%s --set chip.fault.node=4 "
             "--set chip.fault.after_flits=50 --out '%s'", config, kind, out);
    char cmd[8192] = "timeout 120 mpirun --oversubscribe -np 2 ";
    quote(cmd, sizeof cmd, mpibin);
    size_t k = strlen(cmd);
    snprintf(cmd + k, sizeof cmd - k, " %s", args);
    path_in(p, sizeof p, tmpdir, "fault.err");
    int rc = sh_run(cmd, "/dev/null", p);
    CHECK(rc == 1, "%s: exit status %d, expected 1 (124: a rank hung)", kind, rc);
    char *e = file_text(p);
    CHECK(e && strstr(e, "ssnnsim: rank 1: ") && strstr(e, says), "%s: stderr: %.300s", kind, e ? e : "");
    free(e);
    CHECK(access(out, F_OK) != 0, "%s: a failed run left %s behind", kind, out);
}

/* A config (`text`, written as tag.yaml) that `ranks` ranks refuse: exit 2, a
 * message holding `want` (its position and wording), and no result file. The
 * command is left in args, the result path in out. */
static void refused_on_ranks(int ranks, const char *tag, const char *text, const char *want, char *args,
                             size_t argsn, char *out, size_t outn)
{
    char p[700], cfg[700], name[64];
    snprintf(name, sizeof name, "%s.json", tag);
    path_in(out, outn, tmpdir, name);
    snprintf(name, sizeof name, "%s.yaml", tag);
    path_in(cfg, sizeof cfg, tmpdir, name);
    write_file(cfg, "extends: '%s'\n%s", cfg_path, text);
    snprintf(args, argsn, "train '%s' --engine chip --quiet --out '%s'", cfg, out);
    int rc = launch(ranks, mpibin, tag, args);
    CHECK(rc == 2, "%d ranks: exit status %d, expected 2", ranks, rc);
    snprintf(name, sizeof name, "%s.err", tag);
    path_in(p, sizeof p, tmpdir, name);
    char *e = file_text(p);
    CHECK(e && strstr(e, want), "stderr: %.300s", e ? e : "");
    free(e);
    CHECK(access(out, F_OK) != 0, "a refused run left %s behind", out);
}

static void more_ranks_than_rows_is_refused(void)
{
    char args[4096], out[700];
    /* file:line:col: message, naming the key that cannot be cut */
    refused_on_ranks(3, "rows", "chip:\n  mesh_x: 4\n  mesh_y: 2\n", "rows.yaml:4:11: 3 ranks cannot split a mesh of 2 rows",
                     args, sizeof args, out, sizeof out);
}

/* A system of chips (docs/system.md): bands of whole chip rows, windows of the
 * system clock (docs/system.md "Barrier"). Identical results for 1, 2 and 3 ranks
 * with conservation checked every step, both placements, a barrier shorter than
 * the link (windows of 2 cycles: few runs, as each window is a collective and the
 * ranks are oversubscribed); the two planted partition bugs caught on a
 * system too; more ranks than chip rows refused at system.chips. */
static void write_system(const char *name, char *path, size_t n, const char *extra)
{
    path_in(path, n, tmpdir, name);
    write_file(path, "extends: '%s'\nchip:\n  mesh_x: 2\n  mesh_y: 2\nsystem:\n  chips: [1, 3]\n"
               "  link: { latency_cycles: 12, cycles_per_flit: 2 }\n%s", cfg_path, extra);
}

static void a_system_of_chips_is_bit_identical_on_1_2_3_ranks(void)
{
    const char *extra[] = { "", "  placement: spread\n", "  placement: spread\n  barrier_cycles: 2\n" };
    /* fill: 4 ranks over 3 chip rows cut router rows, with windows of the on-chip
     * link (3 cycles here: with 1, four oversubscribed ranks under the sanitizers
     * took minutes) */
    static const int ranks[3][4] = { { 2, 4, 0 }, { 1, 3, 0 }, { 2, 0 } };
    static const char *const sets[3] = { "--check --set chip.router.link_latency=3", "--check", "--check" };
    char saved[600];
    snprintf(saved, sizeof saved, "%s", cfg_path);
    for (int i = 0; i < 3; i++) {
        char sys[600];
        write_system(i ? "system-spread.yaml" : "system.yaml", sys, sizeof sys, extra[i]);
        snprintf(cfg_path, sizeof cfg_path, "%s", sys);
        train_identical(mpibin, ranks[i], sets[i]);
        snprintf(cfg_path, sizeof cfg_path, "%s", saved);
    }
}

static void planted_partition_bugs_are_caught_on_a_system(void)
{
    char sys[600], args[4096], ref[700], out[700];
    write_system("system-plant.yaml", sys, sizeof sys, "  placement: spread\n");
    path_in(ref, sizeof ref, tmpdir, "sysplant-serial.json");
    path_in(out, sizeof out, tmpdir, "sysplant.json");
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s'", sys, ref);
    int rc = launch(0, bin, "sysplant-serial", args);
    CHECK(rc == 0, "serial run exited %d", rc);
    snprintf(args, sizeof args, "train '%s' --engine chip --quiet --out '%s'", sys, out);
    rc = launch(2, plant1, "sysplant1", args);
    CHECK(rc != 0 || !same_file(ref, out), "a boundary flit delivered a cycle late went unnoticed (exit %d)", rc);
    unlink(out);
    plant2_refused(sys, "sysplant2");
}

/* A fault in rank 1's chips stops both ranks at a window's end with the
 * single-process message (no hang: `timeout`). */
static void a_fault_in_a_system_stops_every_rank(void)
{
    char sys[600];
    write_system("system-fault.yaml", sys, sizeof sys, "");
    fault_stops_every_rank(sys, "drop_flit", "flits lost in the network");
}

static void more_ranks_than_router_rows_of_a_system_is_refused(void)
{
    char args[4096], out[700];
    refused_on_ranks(4, "chiprows", "chip:\n  mesh_x: 2\n  mesh_y: 1\nsystem:\n  chips: [2, 3]\n"
                     "  link: { latency_cycles: 20, cycles_per_flit: 4 }\n",
                     "chiprows.yaml:4:11: 4 ranks cannot split a mesh of 3 rows", args, sizeof args, out, sizeof out);
}

/* `ssnnsim noc` on a system: bands of chip rows (windows of the inter-chip
 * latency) on 2 ranks, router rows on 3; the same table as one process. The
 * second system's inter-chip links are faster than its on-chip ones, and on 3
 * ranks one band boundary is such a link: the window must be the shorter. */
static void noc_on_a_system_is_identical_on_2_and_3_ranks(void)
{
    const char *chip[] = { "", "  router: { link_latency: 3 }\n" };
    const char *link[] = { "{ latency_cycles: 8, cycles_per_flit: 2 }", "{ latency_cycles: 1, cycles_per_flit: 1 }" };
    for (int k = 0; k < 2; k++) {
        char sys[600], args[4096], ref[700], out[700], tag[48];
        snprintf(tag, sizeof tag, "noc-system%d.yaml", k);
        path_in(sys, sizeof sys, tmpdir, tag);
        write_file(sys, "extends: '%s'\nchip:\n  mesh_x: 3\n  mesh_y: 2\n%ssystem:\n  chips: [2, 2]\n  link: %s\n",
                   noc_path, chip[k], link[k]);
        snprintf(tag, sizeof tag, "noc-system%d-serial.csv", k);
        path_in(ref, sizeof ref, tmpdir, tag);
        snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s'", sys, ref);
        snprintf(tag, sizeof tag, "noc-system%d-serial", k);
        int rc = launch(0, bin, tag, args);
        CHECK(rc == 0, "system %d: serial noc exited %d", k, rc);
        if (rc) show_err(tag);
        for (int np = 2; np <= 3; np++) {
            snprintf(tag, sizeof tag, "noc-system%d-np%d", k, np);
            path_in(out, sizeof out, tmpdir, tag);
            snprintf(args, sizeof args, "noc '%s' --quiet --csv '%s'", sys, out);
            rc = launch(np, mpibin, tag, args);
            CHECK(rc == 0 && same_file(ref, out), "system %d, %d ranks: exit %d, CSV %s", k, np, rc,
                  same_file(ref, out) ? "identical" : "differs");
            if (rc) show_err(tag);
        }
    }
}

static void fault_on_one_rank_stops_every_rank(void)
{
    /* Faults strike a router of rank 1 (node 4, row 2 of 4). */
    fault_stops_every_rank(cfg_path, "drop_flit", "flits lost in the network");
    fault_stops_every_rank(cfg_path, "corrupt_dest", "to a node that hosts no core");
}

static void single_process_binary_refuses_mpirun(void)
{
    char args[1024], p[700];
    snprintf(args, sizeof args, "train '%s' --quiet", cfg_path);
    int rc = launch(2, bin, "nompi", args);
    CHECK(rc == 2, "exit status %d, expected 2", rc);
    path_in(p, sizeof p, tmpdir, "nompi.err");
    char *e = file_text(p);
    CHECK(e && strstr(e, "built without MPI"), "stderr: %.300s", e ? e : "");
    free(e);
}

int main(void)
{
    sim_bin(bin, sizeof bin);
    snprintf(mpibin, sizeof mpibin, "%s-mpi", bin);
    snprintf(plant1, sizeof plant1, "%s-mpi-plant1", bin);
    snprintf(plant2, sizeof plant2, "%s-mpi-plant2", bin);
    const char *need[] = { bin, mpibin, plant1, plant2 };
    for (int i = 0; i < 4; i++)
        if (access(need[i], X_OK)) {
            printf("FAIL test_mpi: %s is not an executable (make test builds it; needs mpicc, tools/install-deps)\n",
                   need[i]);
            return 1;
        }
    if (system("command -v mpirun >/dev/null 2>&1")) {
        printf("FAIL test_mpi: no mpirun (Debian openmpi-bin, tools/install-deps)\n");
        return 1;
    }
    if (!getcwd(repo, sizeof repo)) return 2;
    /* Open MPI as root (containers, CI) and without cross-memory attach. */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 0);
    /* Under `make san` the ranks still run with AddressSanitizer and UBSan, but
     * without LeakSanitizer: Open MPI unloads its components at exit, leaving
     * allocations no suppression can name (frames in "<unknown module>"). The
     * same code without MPI is leak-checked by every other test. */
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
    scratch_make(tmpdir, sizeof tmpdir, "mpi");

    /* 16 noisy 28x28 images, labels 0..9. */
    /* 784-48-10 on a 2 x 4 mesh: input cores on rows 0-1, hidden and output on
     * rows 1-2; T = 8 training, 4 test steps. */
    char img[600], lab[600];
    noise_workload(tmpdir, repo, 16, 12345, 0,
                   "network:\n  layers: [784, 48, 10]\n"
                   "chip:\n  mesh_x: 2\n  mesh_y: 4\n"
                   "training:\n  epochs: 1\n  T: 8\n  T_test: 4\n  test_samples: 4\n",
                   img, lab, cfg_path);
    path_in(deep_path, sizeof deep_path, tmpdir, "deep.yaml");
    noise_set_config(deep_path, repo, img, lab,
                     "network:\n  layers: [784, 32, 24, 16, 10]\n"
                     "chip:\n  mesh_x: 2\n  mesh_y: 4\n  tiles_per_core: 5\n"
                     "training:\n  epochs: 1\n  samples: 6\n  T: 8\n  T_test: 4\n  test_samples: 4\n");
    path_in(sweep_path, sizeof sweep_path, tmpdir, "sweep.yaml");
    write_file(sweep_path,
               "name: tiny\nconfig: '%s'\nset:\n  training.samples: 6\n"
               "axes:\n  - training.T: [1, 2, 3, 4, 6]\n", cfg_path);
    path_in(noc_path, sizeof noc_path, tmpdir, "noc.yaml");
    write_file(noc_path,
               "extends: '%s/workloads/noc/uniform.yaml'\n"
               "noc:\n  rates: [0.1, 0.45]\n  warmup_cycles: 200\n  measure_cycles: 500\n  drain_cycles: 1500\n",
               repo);

    RUN(chip_train_is_bit_identical_on_1_2_4_ranks);
    RUN(chip_train_is_bit_identical_with_3_cycle_links_and_checks);
    RUN(one_chip_on_the_system_clock_is_identical_on_ranks);
    RUN(checkpoint_resume_and_infer_are_identical_on_2_ranks);
    RUN(depth_3_train_and_infer_are_identical_on_1_2_4_ranks);
    RUN(noc_run_is_bit_identical_on_1_2_4_ranks);
    RUN(a_hostfile_of_two_localhost_slots_gives_the_serial_result);
    RUN(distributed_sweep_csv_equals_serial_csv);
    RUN(boundary_flit_one_cycle_late_is_caught);
    RUN(window_longer_than_lookahead_is_refused);
    RUN(more_ranks_than_rows_is_refused);
    RUN(a_system_of_chips_is_bit_identical_on_1_2_3_ranks);
    RUN(planted_partition_bugs_are_caught_on_a_system);
    RUN(a_fault_in_a_system_stops_every_rank);
    RUN(more_ranks_than_router_rows_of_a_system_is_refused);
    RUN(noc_on_a_system_is_identical_on_2_and_3_ranks);
    RUN(fault_on_one_rank_stops_every_rank);
    RUN(single_process_binary_refuses_mpirun);

    scratch_remove(tmpdir);
    CHECK_DONE();
}
