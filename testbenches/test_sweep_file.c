/* Sweep files (sim/sweep.c, docs/sweeps in the README): every shipped one checks,
 * with the number of points it says; a malformed one fails with one
 * "file:line:col: message" line naming the spot, before any point runs. */
#include "check.h"
#include "scratch.h"

#include "sweep.h"

#include <string.h>

static char tmpdir[256];

/* Writes `text` to tmpdir/name and checks it; the message in err. */
static int check_text(const char *name, const char *text, char *path, int *points, char *err, size_t n)
{
    path_in(path, 512, tmpdir, name);
    write_file(path, "%s", text);
    return sweep_check_file(path, points, err, n);
}

static void expect_error(const char *name, const char *text, int line, int col, const char *part)
{
    char path[512], err[1024], want[700];
    int points = -1;
    int rc = check_text(name, text, path, &points, err, sizeof err);
    snprintf(want, sizeof want, "%s:%d:%d: ", path, line, col);
    CHECK(rc == -1, "%s checked, expected an error at %d:%d", name, line, col);
    CHECK(rc == -1 && !strncmp(err, want, strlen(want)) && strstr(err, part), "got  \"%s\"\n         want \"%s...%s...\"",
          err, want, part);
    CHECK(!strchr(err, '\n'), "message has a newline: \"%s\"", err);
}

static void shipped_sweeps_check(void)
{
    const char *file[] = { "accuracy-vs-T", "energy-chip", "energy-pareto", "energy-vs-T" };
    for (int i = 0; i < 4; i++) {
        char path[300], err[1024];
        int points = 0;
        snprintf(path, sizeof path, "workloads/sweeps/%s.yaml", file[i]);
        CHECK(sweep_check_file(path, &points, err, sizeof err) == 0, "%s: %s", path, err);
        CHECK(points > 1, "%s: %d points", path, points);
    }
    char err[1024];
    int points = 0;
    sweep_check_file("workloads/sweeps/accuracy-vs-T.yaml", &points, err, sizeof err);
    CHECK(points == 8, "accuracy-vs-T has T in {1..128}: 8 points, got %d", points);
}

static void points_are_the_product_of_the_axes(void)
{
    char path[512], err[1024];
    int points = 0;
    int rc = check_text("grid.yaml",
                        "config: ../mnist.yaml\n"
                        "axes:\n"
                        "  - training.T: [4, 8, 16]\n"
                        "    device.dw_min: [0.004, 0.002, 0.001]\n"
                        "  - network.hidden: [100, 200]\n",
                        path, &points, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    CHECK(points == 6, "3 x 2 grid: %d points", points);
}

static void unknown_key(void)
{
    expect_error("unknown.yaml", "config: a.yaml\naxes:\n  - training.T: [1]\nsets:\n  a: 1\n", 4, 1,
                 "unknown key 'sets'");
}

static void axes_must_be_a_list(void)
{
    expect_error("axesmap.yaml", "config: a.yaml\naxes:\n  training.T: [1, 2]\n", 3, 3, "axes: expected a list");
}

static void keys_of_one_axis_move_together(void)
{
    expect_error("uneven.yaml", "config: a.yaml\naxes:\n  - training.T: [1, 2]\n    device.dw_min: [0.1]\n", 4, 20,
                 "1 values, but the keys of one axis move together and training.T has 2");
}

/* A value is a scalar or a list of scalars (network.layers): anything deeper is
 * refused where it stands. */
static void values_are_scalars_or_lists_of_scalars(void)
{
    expect_error("nested.yaml", "config: a.yaml\naxes:\n  - training.T: [1, [2, [3]]]\n", 3, 25,
                 "training.T: a list value holds scalars only (no nested list)");
    expect_error("map.yaml", "config: a.yaml\naxes:\n  - training.T: [1, {a: 2}]\n", 3, 21,
                 "training.T: a sweep value is a scalar or a list of scalars");
    expect_error("empty.yaml", "config: a.yaml\naxes:\n  - network.layers: [[4, 2, 2], []]\n", 3, 33,
                 "network.layers: an empty list is not a sweep value");
    expect_error("inmap.yaml", "config: a.yaml\naxes:\n  - network.layers:\n      - [4, {b: 1}, 2]\n", 4, 13,
                 "network.layers: a list value holds scalars only (no nested mapping)");
    char path[512], err[1024];
    int points = 0;
    int rc = check_text("lists.yaml",
                        "config: ../mnist.yaml\n"
                        "axes:\n"
                        "  - network.layers:\n"
                        "      - [784, 100, 10]\n"
                        "      - [784, 50, 50, 10]\n"
                        "    training.T: [8, 16]\n"
                        "plot:\n"
                        "  x: network.layers\n",
                        path, &points, err, sizeof err);
    CHECK(rc == 0 && points == 2, "a list-valued axis: rc %d, %d points: %s", rc, points, rc ? err : "");
    points = 0;
    CHECK(sweep_check_file("workloads/sweeps/depth.yaml", &points, err, sizeof err) == 0 && points == 4,
          "workloads/sweeps/depth.yaml: %d points, 4 expected: %s", points, err);
}

static void missing_config(void)
{
    expect_error("noconfig.yaml", "axes:\n  - training.T: [1]\n", 1, 1, "missing required key 'config'");
}

/* Eight axes of 256 values: 2^64 points overflowed the count before it was bounded. */
static void too_many_points(void)
{
    char text[40000];
    size_t k = (size_t)snprintf(text, sizeof text, "config: a.yaml\naxes:\n");
    for (int a = 0; a < 8; a++) {
        k += (size_t)snprintf(text + k, sizeof text - k, "  - training.k%d: [", a);
        for (int v = 0; v < 256; v++) k += (size_t)snprintf(text + k, sizeof text - k, "%s%d", v ? ", " : "", v);
        k += (size_t)snprintf(text + k, sizeof text - k, "]\n");
    }
    expect_error("huge.yaml", text, 3, 3, "axes: more than 65536 points");
}

static void plot_x_must_be_an_axis_key(void)
{
    expect_error("plotx.yaml", "config: a.yaml\naxes:\n  - training.T: [1, 2]\nplot:\n  x: training.t\n", 5, 6,
                 "plot.x: 'training.t' is not a key of the axes");
}

int main(void)
{
    scratch_make(tmpdir, sizeof tmpdir, "sweepfile");
    RUN(shipped_sweeps_check);
    RUN(points_are_the_product_of_the_axes);
    RUN(unknown_key);
    RUN(axes_must_be_a_list);
    RUN(keys_of_one_axis_move_together);
    RUN(values_are_scalars_or_lists_of_scalars);
    RUN(missing_config);
    RUN(too_many_points);
    RUN(plot_x_must_be_an_axis_key);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
