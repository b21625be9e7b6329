/* The README's entry points on a machine that has none of the project's packages:
 * `make demo` and `make test` must reach tools/install-deps before anything that
 * needs what it installs. Packages cannot be uninstalled in a test, so the missing
 * packages are simulated by pointing every probe at a path that does not exist
 * (SYSTEMC_INCLUDE, Verilator's include directory, the MPI compiler): `make -n`
 * must still exit 0 and list tools/install-deps before any compile. Also checks
 * that the top-level Makefile holds no parse-time probe at all, since a probe
 * there runs before any recipe. Runs from the repository root. */
#include "check.h"
#include "proc.h"

#include <string.h>

static char tmpdir[256];

/* `make -n TARGET` with every installed-package probe pointed at nothing. */
static struct result make_dry(const char *target)
{
    char cmd[1024], out[600], err[600];
    snprintf(cmd, sizeof cmd,
             "make -n %s SYSTEMC_INCLUDE=/nonexistent/systemc SYSTEMC_LIBDIR=/nonexistent/lib "
             "VL_INC=/nonexistent/verilator/include FST_DIR=/nonexistent/gtkwave MPICC=/nonexistent/mpicc "
             "VERILATOR=/nonexistent/verilator",
             target);
    path_in(out, sizeof out, tmpdir, "stdout");
    path_in(err, sizeof err, tmpdir, "stderr");
    return run_captured(cmd, out, err);
}

/* The first line of text that runs a compiler or Verilator, or NULL. */
static const char *first_compile(const char *text)
{
    static const char *tools[] = {"gcc ", "g++ ", "cc ", "clang ", "mpicc ", "verilator ", "ar "};
    const char *best = NULL;
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
        const char *p = strstr(text, tools[i]);
        if (p && (!best || p < best)) best = p;
    }
    return best;
}

static void entry_points_install_before_they_build(void)
{
    const char *targets[] = {"demo", "test", "all", "san", "bench", "valgrind", "validate", "fuzz", "mpi",
                             "build/ssnnsim"};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        struct result r = make_dry(targets[i]);
        const char *deps = strstr(r.out, "tools/install-deps");
        const char *cc = first_compile(r.out);
        CHECK(r.code == 0, "`make -n %s` with no packages exited %d: %s", targets[i], r.code, r.err);
        CHECK(deps != NULL, "`make -n %s` never runs tools/install-deps:\n%s", targets[i], r.out);
        CHECK(!cc || (deps && deps < cc), "`make -n %s` compiles before tools/install-deps:\n%s", targets[i],
              r.out);
        result_free(&r);
    }
}

/* The fuzzers' library is built without SystemC (SYSTEMC=0): clang's fuzzer flags are
 * C-only here, and g++ refuses them, so verilating the SystemC router under them fails
 * the fuzz pass. A plant's missing dependency file once pulled it in through make's
 * built-in link rule. */
static void the_fuzz_build_verilates_nothing(void)
{
    char build[300], target[700];
    path_in(build, sizeof build, tmpdir, "build-fuzz");
    snprintf(target, sizeof target, "-f mk/build.mk DEPS_DONE=1 BUILD=%s SYSTEMC=0 %s/libssnn.a", build, build);
    struct result r = make_dry(target);
    CHECK(r.code == 0, "`make -n %s` exited %d: %s", target, r.code, r.err);
    CHECK(strstr(r.out, "ar rcs ") != NULL, "`make -n %s` never archives the library:\n%s", target, r.out);
    const char *sc = strstr(r.out, "verilator-sc/");
    CHECK(!sc, "a SYSTEMC=0 build verilates the SystemC router (g++ refuses the fuzzers' flags): %.300s", sc);
    result_free(&r);
}

/* A $(shell), $(error), $(wildcard) or include in the Makefile is evaluated when make
 * reads it, before the deps recipe can install anything. */
static void makefile_has_no_parse_time_probe(void)
{
    char *mk = file_text("Makefile");
    CHECK(mk != NULL, "cannot read Makefile (tests run from the repository root)");
    if (!mk) return;
    const char *probes[] = {"$(shell", "$(error", "$(wildcard", "$(info", "\ninclude ", "\n-include ",
                            "\nsinclude "};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
        CHECK(!strstr(mk, probes[i]), "Makefile holds '%s', evaluated before tools/install-deps runs",
              probes[i][0] == '\n' ? probes[i] + 1 : probes[i]);
    free(mk);
}

int main(void)
{
    scratch_make(tmpdir, sizeof tmpdir, "entry");
    RUN(entry_points_install_before_they_build);
    RUN(makefile_has_no_parse_time_probe);
    RUN(the_fuzz_build_verilates_nothing);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
