/* No input crashes or hangs the simulator: what it reads is a regular file, read
 * within what its format allows, and a refusal is one line and exit 2. Runs the
 * built binary (SSNNSIM, set by tools/run-tests; default build/ssnnsim) from the
 * repository root, each run under `timeout`, so that a run that would hang (a FIFO
 * given as a file to read) fails its check with exit 124 instead of holding the
 * suite. The checks:
 *   - YAML nested 10^5 deep (lists, closed or not, and mappings), as the config,
 *     an extends: target, a section file, a sweep file or a --set value: refused
 *     where it passes the depth limit (it overflowed the stack: exit 139);
 *   - a mapping of 150 000 keys over another (extends:) loads in linear time
 *     (every key was compared with every other: minutes);
 *   - a YAML file longer than the limit is refused, naming the limit;
 *   - a FIFO, a device or a directory as any file the run reads is refused at once;
 *   - a checkpoint is read only as far as its header gives. */
#include "check.h"
#include "noise_set.h"
#include "proc.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT_S "60"      /* far beyond any check here; a hang ends as exit 124 */
#define DEPTH 100000

static char bin[1024];
static char repo[1024];
static char tmpdir[256];
static char cfg_path[600];      /* a valid workload on the tiny noise set */
static char img[600], lab[600];
static char fifo[600];          /* a FIFO no one writes to */

/* Runs the binary with the given arguments (NULL-terminated) under timeout. */
#define run(...) run_in(tmpdir, 1, "timeout " TIMEOUT_S, bin, __VA_ARGS__)

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* Exit 2 and one line of stderr holding `want`. */
static int refused(const struct result *r, const char *want)
{
    return r->code == 2 && lines(r->err) == 1 && strstr(r->err, want);
}

/* A file of `head`, then `n` copies of `unit`, then `tail`. */
static void write_repeated(const char *path, const char *head, const char *unit, long n, const char *tail)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        printf("fixture: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    fputs(head, f);
    for (long i = 0; i < n; i++) fputs(unit, f);
    fputs(tail, f);
    if (fclose(f)) exit(2);
}

/* ---- nesting ------------------------------------------------------------- */

static void deep_nesting_is_refused_where_it_passes_the_limit(void)
{
    /* The top mapping is the first level, so the 64th bracket passes the limit:
     * column 3 + 64 in "a: [[[...", 3 + 4 * 64 in "a: {a: {a: ...". */
    static const struct { const char *name, *unit, *close, *where; } shapes[] = {
        { "open", "[", "", ":1:67: " },
        { "closed", "[", "]", ":1:67: " },
        { "mappings", "{a: ", "}", ":1:256: " },
    };
    const char *msg = "mappings and lists nest deeper than 64 levels";
    for (int s = 0; s < 3; s++) {
        char deep[600], tail[16], want[800];
        snprintf(deep, sizeof deep, "%s/deep-%s.yaml", tmpdir, shapes[s].name);
        snprintf(tail, sizeof tail, "%s", shapes[s].close);
        FILE *f = fopen(deep, "wb");
        if (!f) exit(2);
        fputs("a: ", f);
        for (int i = 0; i < DEPTH; i++) fputs(shapes[s].unit, f);
        for (int i = 0; i < DEPTH && *tail; i++) fputs(tail, f);
        fputs("\n", f);
        fclose(f);
        snprintf(want, sizeof want, "%s%s%s", deep, shapes[s].where, msg);

        struct result r = run("train", deep, "--quiet", NULL);
        CHECK(refused(&r, want), "%s as the config: exit %d, stderr: %.300s", shapes[s].name, r.code, r.err);
        result_free(&r);

        /* Reached through another file: extends:, a section, a sweep. */
        char via[600];
        path_in(via, sizeof via, tmpdir, "via.yaml");
        write_file(via, "extends: '%s'\n", deep);
        r = run("train", via, "--quiet", NULL);
        CHECK(refused(&r, want), "%s by extends: exit %d, stderr: %.300s", shapes[s].name, r.code, r.err);
        result_free(&r);
        write_file(via, "extends: '%s'\ndevice: '%s'\n", cfg_path, deep);
        r = run("train", via, "--quiet", NULL);
        CHECK(refused(&r, want), "%s as a section file: exit %d, stderr: %.300s", shapes[s].name, r.code, r.err);
        result_free(&r);
        r = run("sweep", deep, "--quiet", NULL);
        CHECK(refused(&r, want), "%s as a sweep file: exit %d, stderr: %.300s", shapes[s].name, r.code, r.err);
        result_free(&r);
    }
    /* A --set value is at most a few hundred characters, still past the limit
     * (a --set value's YAML errors point at where the value starts). */
    char set[600] = "training.update_gate=";
    for (size_t k = strlen(set); k < 320; k++) set[k] = '[';
    struct result r = run("train", cfg_path, "--quiet", "--set", set, NULL);
    CHECK(refused(&r, "--set:1:22: mappings and lists nest deeper than 64 levels"), "--set: exit %d, stderr: %.300s",
          r.code, r.err);
    result_free(&r);
}

static void a_mapping_of_many_keys_loads_in_linear_time(void)
{
    char base[600], top[600], want[800];
    path_in(base, sizeof base, tmpdir, "keys-base.yaml");
    path_in(top, sizeof top, tmpdir, "keys-top.yaml");
    FILE *f = fopen(base, "wb"), *g = fopen(top, "wb");
    if (!f || !g) exit(2);
    fprintf(g, "extends: keys-base.yaml\n");
    for (int i = 0; i < 150000; i++) {
        fprintf(f, "k%d: 1\n", i);
        fprintf(g, "k%d: 2\n", i);
    }
    fclose(f);
    fclose(g);
    /* Both files whole (duplicates looked for), overlaid (keys matched), then refused. */
    snprintf(want, sizeof want, "%s:2:1: unknown key 'k0'", top);
    struct result r = run("train", top, "--quiet", NULL);
    CHECK(refused(&r, want), "exit %d (124: still comparing keys after " TIMEOUT_S " s), stderr: %.300s", r.code,
          r.err);
    result_free(&r);
}

static void a_yaml_file_over_the_size_limit_is_refused(void)
{
    char big[600], want[800];
    path_in(big, sizeof big, tmpdir, "big.yaml");
    /* 64 bytes a line: the 4 MiB limit is passed at the start of line 65537. */
    write_repeated(big, "", "# a comment that fills a line of sixty-four bytes, no more ....\n", 65600, "");
    snprintf(want, sizeof want, "%s:65537:1: file longer than 4194304 bytes (the limit for a YAML file)", big);
    struct result r = run("train", big, "--quiet", NULL);
    CHECK(refused(&r, want), "exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

/* ---- what is not a regular file ------------------------------------------ */

static void a_fifo_device_or_directory_is_refused_at_once(void)
{
    char via[600], set[700], want[1600], sweep[600];
    /* The config itself. */
    snprintf(want, sizeof want, "%s:1:1: not a regular file (fifo)", fifo);
    struct result r = run("train", fifo, "--quiet", NULL);
    CHECK(refused(&r, want), "config: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    snprintf(want, sizeof want, "%s:1:1: not a regular file (directory)", tmpdir);
    r = run("train", tmpdir, "--quiet", NULL);
    CHECK(refused(&r, want), "a directory as the config: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
    /* Files it pulls in: at the line that names them. */
    path_in(via, sizeof via, tmpdir, "via.yaml");
    write_file(via, "extends: '%s'\n", fifo);
    snprintf(want, sizeof want, "%s:1:10: '%s': not a regular file (fifo)", via, fifo);
    r = run("train", via, "--quiet", NULL);
    CHECK(refused(&r, want), "extends: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    write_file(via, "extends: '%s'\ntechnology: '%s'\n", cfg_path, fifo);
    snprintf(want, sizeof want, "%s:2:13: '%s': not a regular file (fifo)", via, fifo);
    r = run("train", via, "--quiet", NULL);
    CHECK(refused(&r, want), "section file: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    /* A sweep file, and a sweep whose base workload is one. */
    snprintf(want, sizeof want, "%s:1:1: not a regular file (fifo)", fifo);
    r = run("sweep", fifo, "--quiet", NULL);
    CHECK(refused(&r, want), "sweep file: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    path_in(sweep, sizeof sweep, tmpdir, "fifo-sweep.yaml");
    write_file(sweep, "config: '%s'\naxes:\n  - { training.T: [1, 2] }\n", fifo);
    char csv[600];
    path_in(csv, sizeof csv, tmpdir, "fifo-sweep.csv");
    r = run("sweep", sweep, "--quiet", "--csv", csv, NULL);
    CHECK(r.code == 2 && strstr(r.err, "not a regular file") && lines(r.err) == 1,
          "sweep's config: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    /* Data: a dataset file, a device as one. */
    snprintf(set, sizeof set, "dataset.train_images=%s", fifo);
    snprintf(want, sizeof want, "ssnnsim: %s: not a regular file (fifo)", fifo);
    r = run("train", cfg_path, "--quiet", "--set", set, NULL);
    CHECK(refused(&r, want), "dataset file: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    r = run("train", cfg_path, "--quiet", "--set", "dataset.test_labels=/dev/null", NULL);
    CHECK(refused(&r, "ssnnsim: /dev/null: not a regular file (character device)"),
          "/dev/null as a dataset file: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
    /* Checkpoints: resumed from, evaluated. */
    r = run("train", cfg_path, "--quiet", "--resume", fifo, NULL);
    CHECK(refused(&r, want), "--resume: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    r = run("infer", cfg_path, "--quiet", "--checkpoint", fifo, NULL);
    CHECK(refused(&r, want), "infer --checkpoint: exit %d (124: blocked), stderr: %.300s", r.code, r.err);
    result_free(&r);
    r = run("infer", cfg_path, "--quiet", "--checkpoint", "/dev/null", NULL);
    CHECK(refused(&r, "ssnnsim: /dev/null: not a regular file (character device)"),
          "/dev/null as a checkpoint: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

/* ---- checkpoints: as far as the header gives ------------------------------ */

static long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

static void a_checkpoint_is_read_as_far_as_its_header_gives(void)
{
    char ckpt[600], want[800];
    path_in(ckpt, sizeof ckpt, tmpdir, "run.ckpt");
    struct result r = run("train", cfg_path, "--quiet", "--samples", "2", "--test-samples", "2", "--checkpoint", ckpt,
                          NULL);
    long size = size_of(ckpt);
    CHECK(r.code == 0 && size > 48, "fixture: exit %d, %ld bytes, stderr: %.300s", r.code, size, r.err);
    result_free(&r);
    if (size <= 48) return;
    /* A megabyte more than the header gives. */
    FILE *f = fopen(ckpt, "ab");
    if (!f) exit(2);
    for (int i = 0; i < 1 << 20; i++) fputc(0, f);
    fclose(f);
    snprintf(want, sizeof want, "%s: offset %ld: 1048576 bytes after the end of the checkpoint (its header gives %ld bytes)",
             ckpt, size, size);
    r = run("infer", cfg_path, "--quiet", "--checkpoint", ckpt, NULL);
    CHECK(refused(&r, want), "trailing bytes: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
    /* A settings size over what a checkpoint holds (bytes 40..47, after magic and hash). */
    f = fopen(ckpt, "r+b");
    if (!f) exit(2);
    uint64_t huge = (uint64_t)1 << 40;
    fseek(f, 40, SEEK_SET);
    fwrite(&huge, 8, 1, f);
    fclose(f);
    snprintf(want, sizeof want, "%s: offset 40: settings of 1099511627776 bytes, more than the 1048576 a checkpoint holds",
             ckpt);
    r = run("infer", cfg_path, "--quiet", "--checkpoint", ckpt, NULL);
    CHECK(refused(&r, want), "settings size: exit %d, stderr: %.300s", r.code, r.err);
    result_free(&r);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
    if (sim_find("test_inputs", bin, sizeof bin, repo, sizeof repo)) return 1;
    scratch_make(tmpdir, sizeof tmpdir, "inputs");
    /* The workload's own network: what these checks refuse comes before any training. */
    noise_workload(tmpdir, repo, 20, 12345, 1, "training:\n  epochs: 1\n  T: 2\n  T_test: 2\n", img, lab, cfg_path);
    path_in(fifo, sizeof fifo, tmpdir, "a-fifo");
    if (mkfifo(fifo, 0644)) {
        printf("fixture: mkfifo %s: %s\n", fifo, strerror(errno));
        return 2;
    }

    RUN(deep_nesting_is_refused_where_it_passes_the_limit);
    RUN(a_mapping_of_many_keys_loads_in_linear_time);
    RUN(a_yaml_file_over_the_size_limit_is_refused);
    RUN(a_fifo_device_or_directory_is_refused_at_once);
    RUN(a_checkpoint_is_read_as_far_as_its_header_gives);

    scratch_remove_tree(tmpdir);
    CHECK_DONE();
}
