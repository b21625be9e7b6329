/* The configuration loader: every bad input is refused with one line
 * "file:line:col: message" pointing at the exact spot, good input lands in the
 * typed structs, and --set overrides are checked exactly as the files are.
 * Fixtures are written into a fresh mkdtemp directory; the valid ones extend
 * (or are flattened from) the repository's workloads/mnist.yaml, found from the
 * working directory (tests run from the repository root). Ends with a seeded
 * mutation run: 2000 damaged copies of a valid config must never crash the
 * loader and must always fail with a well-formed one-line message. */
#include "check.h"
#include "scratch.h"

#include "config.h"
#include "json.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static char repo[1024];     /* absolute path of the repository root */
static char tmpdir[256];
static char ext[1200];      /* "extends: '<tmp>/mnist-l1.yaml'\n" */
static char deep_ext[1200]; /* "extends: '<repo>/workloads/mnist.yaml'\n" */
static char *flat;          /* base.yaml + mnist.yaml + their section files as one document */
static char *flat_l1;       /* the same with network.layers spelled network.input/hidden/output */

/* ---- fixtures ------------------------------------------------------------ */

/* Writes tmpdir/name with printf-style content; path receives the full name. */
__attribute__((format(printf, 3, 4)))
static void fixture(char *path, const char *name, const char *fmt, ...)
{
    path_in(path, 512, tmpdir, name);
    va_list ap;
    va_start(ap, fmt);
    write_filev(path, fmt, ap);
    va_end(ap);
}

/* A file extending workloads/mnist.yaml as written before network.layers (the
 * one-hidden-layer spelling network.input/hidden/output, which the tests of
 * single keys override): line 1 is the extends line, so the text given here
 * starts on line 2. */
static void ext_fixture(char *path, const char *name, const char *rest)
{
    fixture(path, name, "%s%s", ext, rest);
}

/* The same over workloads/mnist.yaml itself (network.layers). */
static void layers_fixture(char *path, const char *name, const char *rest)
{
    fixture(path, name, "%s%s", deep_ext, rest);
}

struct sbuf { char *p; size_t n, cap; };

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap) b->cap = b->cap ? 2 * b->cap : 4096;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

/* "key: some/file.yaml" (optionally followed by a comment) at the top level:
 * copies the key and the file name out. */
static int include_line(const char *line, size_t len, char *key, char *file)
{
    size_t i = 0;
    while (i < len && (islower((unsigned char)line[i]) || line[i] == '_')) i++;
    if (i == 0 || i + 2 > len || line[i] != ':' || line[i + 1] != ' ') return 0;
    snprintf(key, 64, "%.*s", (int)i, line);
    i += 2;
    while (i < len && line[i] == ' ') i++;
    size_t s = i;
    while (i < len && line[i] != ' ' && line[i] != '#') i++;
    if (i - s < 6 || strncmp(line + i - 5, ".yaml", 5)) return 0;
    snprintf(file, 256, "%.*s", (int)(i - s), line + s);
    return 1;
}

/* Where the value starts on a "  train_images: FILE" line (any of the four dataset
 * files) with a relative FILE; 0 for any other line. */
static size_t dataset_file_value(const char *line, size_t len)
{
    static const char *const keys[] = { "  train_images: ", "  train_labels: ", "  test_images: ",
                                        "  test_labels: " };
    for (int i = 0; i < 4; i++) {
        size_t k = strlen(keys[i]);
        if (len > k && !strncmp(line, keys[i], k) && line[k] != '/') return k;
    }
    return 0;
}

/* Appends s single-quoted for YAML. */
static void sb_quoted(struct sbuf *b, const char *s)
{
    sb_add(b, "'", 1);
    for (; *s; s++) sb_add(b, *s == '\'' ? "''" : s, *s == '\'' ? 2 : 1);
    sb_add(b, "'", 1);
}

/* Appends `path`, with every line of a section file indented under its key, and
 * dataset files named relative to it prefixed with its directory (the loader reads
 * them from there, and the flattened copy lives elsewhere). */
static int flatten_file(struct sbuf *b, const char *path, const char *skip_key)
{
    char *text = file_text(path);
    if (!text) return -1;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char key[64], file[256];
        size_t v;
        if (skip_key && !strncmp(line, skip_key, strlen(skip_key))) {
            /* the extends line: dropped, its target is flattened in already */
        } else if ((v = dataset_file_value(line, len))) {
            char full[2400];
            snprintf(full, sizeof full, "%s/%.*s", dir, (int)(len - v), line + v);
            sb_add(b, line, v);
            sb_quoted(b, full);
            sb_add(b, "\n", 1);
        } else if (include_line(line, len, key, file)) {
            char sub[1400];
            snprintf(sub, sizeof sub, "%s/%s", dir, file);
            char *st = file_text(sub);
            if (!st) { free(text); return -1; }
            sb_add(b, key, strlen(key));
            sb_add(b, ":\n", 2);
            for (char *l = st; *l;) {
                char *e = strchr(l, '\n');
                size_t n = e ? (size_t)(e - l) : strlen(l);
                sb_add(b, "  ", 2);
                sb_add(b, l, n);
                sb_add(b, "\n", 1);
                l += n + (e != NULL);
            }
            free(st);
        } else {
            sb_add(b, line, len);
            sb_add(b, "\n", 1);
        }
        line += len + (nl != NULL);
    }
    free(text);
    return 0;
}

/* base.yaml with its section files inlined, then mnist.yaml without its extends. */
static char *flatten_mnist(void)
{
    struct sbuf b = { 0 };
    char p[1200];
    snprintf(p, sizeof p, "%s/workloads/base.yaml", repo);
    if (flatten_file(&b, p, NULL)) return NULL;
    snprintf(p, sizeof p, "%s/workloads/mnist.yaml", repo);
    if (flatten_file(&b, p, "extends:")) return NULL;
    return b.p;
}

/* The flattened workload with its network.layers line replaced by the keys of
 * the one-hidden-layer spelling. */
static char *spell_l1(const char *text)
{
    const char *l = text ? strstr(text, "\n  layers: [784, 500, 10]") : NULL;
    if (!l) return NULL;
    const char *e = strchr(l + 1, '\n');
    struct sbuf b = { 0 };
    sb_add(&b, text, (size_t)(l - text));
    const char *keys = "\n  input: 784\n  hidden: 500\n  output: 10";
    sb_add(&b, keys, strlen(keys));
    sb_add(&b, e, strlen(e));
    return b.p;
}

/* ---- expectations ------------------------------------------------------- */

static int load(const char *path, const char *const *sets, int n, struct config *c, char *err)
{
    struct config_override ov[16];
    for (int i = 0; i < n; i++) ov[i] = (struct config_override){ .text = sets[i] };
    err[0] = 0;
    return config_load(path, ov, n, c, err, 1024);
}

static struct config cfg;   /* large; one at a time */

static void expect_ok(const char *path, const char *const *sets, int n)
{
    char err[1024];
    int rc = load(path, sets, n, &cfg, err);
    CHECK(rc == 0, "expected %s to load, got \"%s\"", path, err);
}

/* Fails with exactly `want` (one line). */
static void expect_error(const char *path, const char *const *sets, int n, const char *want)
{
    char err[1024];
    int rc = load(path, sets, n, &cfg, err);
    CHECK(rc == -1, "loaded, expected \"%s\"", want);
    CHECK(!strcmp(err, want), "got  \"%s\"\n         want \"%s\"", err, want);
    CHECK(!strchr(err, '\n'), "message has a newline: \"%s\"", err);
}

/* Fails with a message starting with `prefix` (the position) and holding
 * `part` (for libyaml's own wording, which may change between versions). */
static void expect_error_at(const char *path, const char *const *sets, int n,
                            const char *prefix, const char *part)
{
    char err[1024];
    int rc = load(path, sets, n, &cfg, err);
    CHECK(rc == -1, "loaded, expected \"%s...%s\"", prefix, part);
    CHECK(!strncmp(err, prefix, strlen(prefix)) && strstr(err + strlen(prefix), part),
          "got  \"%s\"\n         want \"%s...%s...\"", err, prefix, part);
    CHECK(!strchr(err, '\n'), "message has a newline: \"%s\"", err);
}

/* "file:line:col: message" on one line, file without ':', message non-empty. */
static int well_formed(const char *s)
{
    const char *p = s;
    if (*p == ':' || !*p) return 0;
    while (*p && *p != ':') p++;
    for (int k = 0; k < 2; k++) {
        if (*p++ != ':' || !isdigit((unsigned char)*p)) return 0;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p++ != ':' || *p++ != ' ' || !*p) return 0;
    return strchr(s, '\n') == NULL;
}

/* ---- a small JSON checker (RFC 8259 grammar, no semantics) --------------- */

static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
    return p;
}

static const char *js_value(const char *p, int depth);

static const char *js_string(const char *p)
{
    if (*p++ != '"') return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20) return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++) if (!isxdigit((unsigned char)p[i])) return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || !*p) {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *js_number(const char *p)
{
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (isdigit((unsigned char)*p)) while (isdigit((unsigned char)*p)) p++;
    else return NULL;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return NULL;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return NULL;
        while (isdigit((unsigned char)*p)) p++;
    }
    return p;
}

static const char *js_value(const char *p, int depth)
{
    if (depth > 64) return NULL;
    p = js_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int obj = *p == '{';
        p = js_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (obj) {
                if (!(p = js_string(js_ws(p)))) return NULL;
                p = js_ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = js_value(p, depth + 1))) return NULL;
            p = js_ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
        }
    }
    if (*p == '"') return js_string(p);
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    return js_number(p);
}

static int json_valid(const char *s)
{
    const char *p = js_value(s, 0);
    return p && !*js_ws(p);
}

static char *render_json(const struct config *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct json j;
    json_init(&j, f);
    config_to_json(c, &j);
    json_finish(&j);
    fclose(f);
    return text;
}

/* ---- valid input --------------------------------------------------------- */

static void mnist_workload_loads(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    expect_ok(p, NULL, 0);
    CHECK(cfg.network.input == 784 && cfg.dataset.rows == 28 && cfg.dataset.cols == 28,
          "input %d rows %d cols %d", cfg.network.input, cfg.dataset.rows, cfg.dataset.cols);
    CHECK(cfg.network.output == cfg.dataset.classes, "output %d classes %d", cfg.network.output,
          cfg.dataset.classes);
    CHECK(!strcmp(cfg.dataset.name, "mnist") && !strcmp(cfg.network.init, "glorot_uniform"),
          "dataset '%s' init '%s'", cfg.dataset.name, cfg.network.init);
    CHECK(cfg.chip.mesh_x >= 1 && cfg.chip.router.flit_bits >= 8 && cfg.tech.crossbar.e_cell_read_pj > 0,
          "sections from files not filled: mesh_x %d flit_bits %d e_syn_op %g", cfg.chip.mesh_x,
          cfg.chip.router.flit_bits, cfg.tech.crossbar.e_cell_read_pj);
    CHECK(cfg.training.n_gate >= 1, "update_gate has %d entries", cfg.training.n_gate);
    CHECK(!strcmp(cfg.path, p), "path '%s'", cfg.path);
}

/* Every workload the repository ships (the .yaml files in workloads/ and workloads/noc/,
 * but base.yaml, which holds no dataset and only serves `extends`) loads: a user's
 * first command must not meet a typo. */
static void every_shipped_workload_loads(void)
{
    static const char *const dirs[] = { "workloads", "workloads/noc" };
    int seen = 0;
    for (int d = 0; d < 2; d++) {
        char dir[1200];
        snprintf(dir, sizeof dir, "%s/%s", repo, dirs[d]);
        DIR *h = opendir(dir);
        CHECK(h != NULL, "cannot open %s", dir);
        if (!h) continue;
        struct dirent *e;
        while ((e = readdir(h))) {
            size_t n = strlen(e->d_name);
            if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") || !strcmp(e->d_name, "base.yaml")) continue;
            char p[1600];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            expect_ok(p, NULL, 0);
            seen++;
        }
        closedir(h);
    }
    CHECK(seen >= 9, "only %d workload files found", seen);
}

static void flattened_fixture_matches_workload(void)
{
    char p[512], q[512];
    CHECK(flat != NULL, "could not flatten workloads/base.yaml + mnist.yaml");
    if (!flat) return;
    ext_fixture(p, "ok.yaml", "");
    expect_ok(p, NULL, 0);
    char *a = render_json(&cfg);
    fixture(q, "flat.yaml", "%s", flat);
    expect_ok(q, NULL, 0);
    char *b = render_json(&cfg);
    CHECK(a && b && !strcmp(a, b), "flattened config differs from the extends one:\n%s\n---\n%s", a, b);
    free(a);
    free(b);
}

/* ---- malformed YAML ------------------------------------------------------ */

static void yaml_unclosed_bracket(void)
{
    char p[512], want[2048];
    ext_fixture(p, "bracket.yaml", "network: {input: [1, 2\n");
    snprintf(want, sizeof want, "%s:3:1: ", p);
    expect_error_at(p, NULL, 0, want, "YAML syntax error: ");
}

static void yaml_bad_indentation(void)
{
    char p[512], want[2048];
    ext_fixture(p, "indent.yaml", "network:\n  input: 784\n hidden: 3\n");
    snprintf(want, sizeof want, "%s:4:2: ", p);
    expect_error_at(p, NULL, 0, want, "YAML syntax error: ");
}

static void yaml_tab_indentation(void)
{
    char p[512], want[2048];
    ext_fixture(p, "tab.yaml", "network:\n\thidden: 3\n");
    snprintf(want, sizeof want, "%s:3:1: ", p);
    expect_error_at(p, NULL, 0, want, "YAML syntax error: ");
}

static void yaml_complex_key_rejected(void)
{
    char p[512], want[2048];
    ext_fixture(p, "cplx.yaml", "? [a]\n: 1\n");
    snprintf(want, sizeof want, "%s:2:3: a key must be a plain string", p);
    expect_error(p, NULL, 0, want);
}

static void yaml_top_must_be_mapping(void)
{
    char p[512], want[2048];
    fixture(p, "list.yaml", "- 1\n- 2\n");
    snprintf(want, sizeof want, "%s:1:1: expected a mapping of keys at the top, got a list", p);
    expect_error(p, NULL, 0, want);
}

/* ---- keys and types ------------------------------------------------------ */

static void unknown_key_top_level(void)
{
    char p[512], want[2048];
    ext_fixture(p, "unk.yaml", "foo: 1\n");
    snprintf(want, sizeof want, "%s:2:1: unknown key 'foo'", p);
    expect_error(p, NULL, 0, want);
}

static void unknown_key_nested(void)
{
    char p[512], want[2048];
    ext_fixture(p, "unk2.yaml", "network:\n  hiden: 1\n");
    snprintf(want, sizeof want, "%s:3:3: unknown key 'network.hiden'", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "unk3.yaml", "chip:\n  router:\n    vc: 2\n");
    snprintf(want, sizeof want, "%s:4:5: unknown key 'chip.router.vc'", p);
    expect_error(p, NULL, 0, want);
}

/* The error points into the section file, not at the line that includes it. */
static void unknown_key_in_included_file(void)
{
    char p[512], d[512], want[2048];
    fixture(d, "dev.yaml", "extends: '%s/workloads/devices/ideal.yaml'\nbogus: 1\n", repo);
    ext_fixture(p, "inc.yaml", "device: dev.yaml\n");
    snprintf(want, sizeof want, "%s:2:1: unknown key 'device.bogus'", d);
    expect_error(p, NULL, 0, want);
}

static void wrong_type_string_for_int(void)
{
    char p[512], want[2048];
    ext_fixture(p, "t1.yaml", "network:\n  hidden: abc\n");
    snprintf(want, sizeof want, "%s:3:11: network.hidden: expected an integer, got 'abc'", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "t1b.yaml", "network:\n  hidden: 1.5\n");
    snprintf(want, sizeof want, "%s:3:11: network.hidden: expected an integer, got '1.5'", p);
    expect_error(p, NULL, 0, want);
}

static void wrong_type_list_for_number(void)
{
    char p[512], want[2048];
    ext_fixture(p, "t2.yaml", "training:\n  beta: [1]\n");
    snprintf(want, sizeof want, "%s:3:9: training.beta: expected a number, got a list", p);
    expect_error(p, NULL, 0, want);
}

static void wrong_type_mapping_for_scalar(void)
{
    char p[512], want[2048];
    ext_fixture(p, "t3.yaml", "network:\n  hidden: {a: 1}\n");
    snprintf(want, sizeof want, "%s:3:11: network.hidden: expected an integer, got a mapping", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "t3b.yaml", "network:\n  init: [glorot_uniform]\n");
    snprintf(want, sizeof want, "%s:3:9: network.init: expected a string, got a list", p);
    expect_error(p, NULL, 0, want);
}

static void wrong_type_quoted_number_rejected(void)
{
    char p[512], want[2048];
    ext_fixture(p, "t4.yaml", "network:\n  hidden: \"16\"\n");
    snprintf(want, sizeof want, "%s:3:11: network.hidden: expected an integer, got '16'", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "t4b.yaml", "training:\n  beta: '4.0'\n");
    snprintf(want, sizeof want, "%s:3:9: training.beta: expected a number, got '4.0'", p);
    expect_error(p, NULL, 0, want);
}

static void wrong_type_section_not_a_mapping(void)
{
    char p[512], want[2048];
    ext_fixture(p, "t5.yaml", "network: [1, 2]\n");
    snprintf(want, sizeof want,
             "%s:2:10: network: expected a mapping (or the name of a file holding one), got a list", p);
    expect_error(p, NULL, 0, want);
}

static void string_choice_enforced(void)
{
    char p[512], want[2048];
    ext_fixture(p, "ch.yaml", "network:\n  init: he_normal\n");
    snprintf(want, sizeof want, "%s:3:9: network.init: 'he_normal' is not one of: glorot_uniform", p);
    expect_error(p, NULL, 0, want);
}

/* technology.crossbar.kind decides how a synaptic update is priced (docs/energy.md,
 * "Pricing rules"): digital or analogue, anything else refused where it is written. */
static void synapse_kind_is_digital_or_analogue(void)
{
    char p[512], want[2048];
    ext_fixture(p, "kind.yaml", "technology:\n  crossbar:\n    kind: memristive\n");
    snprintf(want, sizeof want, "%s:4:11: technology.crossbar.kind: 'memristive' is not one of: digital, analogue", p);
    expect_error(p, NULL, 0, want);
}

/* A key deleted from the flattened workload is named, at the section that lacks it. */
static void missing_required_key(void)
{
    CHECK(flat != NULL, "no flattened fixture");
    if (!flat) return;
    /* Drop "  hidden: ..." from the network section. */
    CHECK(flat_l1 != NULL, "no one-hidden-layer spelling of the flattened workload");
    if (!flat_l1) return;
    char *text = strdup(flat_l1);
    char *net = strstr(text, "\nnetwork:\n");
    CHECK(net != NULL, "no 'network:' block in the flattened workload");
    if (!net) { free(text); return; }
    char *h = strstr(net, "\n  hidden:");
    CHECK(h != NULL, "no network.hidden in the flattened workload");
    if (!h) { free(text); return; }
    char *e = strchr(h + 1, '\n');
    memmove(h, e, strlen(e) + 1);
    /* The network mapping starts at its first key, on the line after "network:". */
    int line = 1;
    for (char *c = text; c <= net; c++) line += *c == '\n';
    char p[512], want[2048];
    fixture(p, "missing.yaml", "%s", text);
    snprintf(want, sizeof want, "%s:%d:3: missing required key 'network.hidden'", p, line + 1);
    expect_error(p, NULL, 0, want);
    free(text);
}

static void out_of_range_low(void)
{
    char p[512], want[2048];
    ext_fixture(p, "r1.yaml", "network:\n  hidden: 0\n");
    snprintf(want, sizeof want, "%s:3:11: network.hidden: 0 is out of range [1, 65536]", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "r1b.yaml", "training:\n  beta: -0.5\n");
    snprintf(want, sizeof want, "%s:3:9: training.beta: -0.5 is out of range [0, 1e+06]", p);
    expect_error(p, NULL, 0, want);
}

static void out_of_range_high(void)
{
    char p[512], want[2048];
    ext_fixture(p, "r2.yaml", "network:\n  hidden: 65537\n");
    snprintf(want, sizeof want, "%s:3:11: network.hidden: 65537 is out of range [1, 65536]", p);
    expect_error(p, NULL, 0, want);
    /* A list item is checked on its own and pointed at. */
    ext_fixture(p, "r2b.yaml", "training:\n  update_gate: [1, 1.5]\n");
    snprintf(want, sizeof want, "%s:3:20: training.update_gate: 1.5 is out of range [0, 1]", p);
    expect_error(p, NULL, 0, want);
    /* Device steps per coincidence are whole numbers from 1. */
    ext_fixture(p, "r2c.yaml", "training:\n  pulse_steps: [4, 2.5]\n");
    snprintf(want, sizeof want, "%s:3:20: training.pulse_steps: 2.5 is not a whole number", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "r2d.yaml", "training:\n  pulse_steps: [2, 0]\n");
    snprintf(want, sizeof want, "%s:3:20: training.pulse_steps: 0 is out of range [1, 64]", p);
    expect_error(p, NULL, 0, want);
}

/* A digital synapse has no device terms: energy.c would add them to its per-op
 * figures (docs/energy.md, "Pricing rules"), so they are refused where given. */
static void digital_synapse_refuses_analogue_terms(void)
{
    char p[512], want[2048];
    ext_fixture(p, "dig1.yaml", "technology:\n  crossbar:\n    g_max_us: 40.0\n");
    snprintf(want, sizeof want, "%s:4:15: technology.crossbar.g_max_us: 40 is an analogue device term, but "
             "technology.crossbar.kind is digital (an SRAM synapse: its energy is in e_cell_read_pj and "
             "e_pulse_pj); set it to 0 or kind: analogue", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "dig2.yaml", "technology:\n  crossbar:\n    half_select: true\n");
    snprintf(want, sizeof want, "%s:4:18: technology.crossbar.half_select: 1 is an analogue device term", p);
    expect_error_at(p, NULL, 0, want, "kind is digital");
    /* the same terms on an analogue synapse are its device */
    ext_fixture(p, "dig3.yaml", "technology:\n  crossbar:\n    kind: analogue\n    g_max_us: 40.0\n");
    expect_ok(p, NULL, 0);
}

static void duplicate_key(void)
{
    char p[512], want[2048];
    ext_fixture(p, "dup.yaml", "network:\n  hidden: 5\n  hidden: 6\n");
    snprintf(want, sizeof want, "%s:4:3: duplicate key 'hidden' (first at line 3)", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "dup2.yaml", "training:\n  T: 4\nnetwork:\n  hidden: 5\ntraining:\n  T: 8\n");
    snprintf(want, sizeof want, "%s:6:1: duplicate key 'training' (first at line 2)", p);
    expect_error(p, NULL, 0, want);
}

static void alias_rejected(void)
{
    char p[512], want[2048];
    ext_fixture(p, "alias.yaml", "network:\n  hidden: &h 5\n  output: *h\n");
    snprintf(want, sizeof want, "%s:4:11: aliases (*name) are not supported; write the value out", p);
    expect_error(p, NULL, 0, want);
}

static void two_documents_rejected(void)
{
    char p[512], want[2048];
    ext_fixture(p, "docs.yaml", "---\nfoo: 1\n");
    snprintf(want, sizeof want, "%s:2:1: only one YAML document is allowed per file", p);
    expect_error(p, NULL, 0, want);
}

static void empty_file(void)
{
    char p[512], want[2048];
    fixture(p, "empty.yaml", "%s", "");
    snprintf(want, sizeof want, "%s:1:1: ", p);
    expect_error_at(p, NULL, 0, want, "missing required key '");
    fixture(p, "comments.yaml", "# nothing but a comment\n");
    snprintf(want, sizeof want, "%s:1:1: ", p);
    expect_error_at(p, NULL, 0, want, "missing required key '");
}

static void missing_file(void)
{
    char p[512], want[2048];
    snprintf(p, sizeof p, "%s/no-such.yaml", tmpdir);
    snprintf(want, sizeof want, "%s:1:1: cannot open: No such file or directory", p);
    expect_error(p, NULL, 0, want);
}

/* ---- includes and extends ------------------------------------------------ */

static void include_missing_section_file(void)
{
    char p[512], want[2048];
    ext_fixture(p, "incmiss.yaml", "network:\n  hidden: 20\ndevice: devices/nope.yaml\n");
    snprintf(want, sizeof want, "%s:4:9: cannot open '%s/devices/nope.yaml': No such file or directory",
             p, tmpdir);
    expect_error(p, NULL, 0, want);
}

static void extends_missing_file(void)
{
    char p[512], want[2048];
    fixture(p, "extmiss.yaml", "# a comment first\nextends: nope.yaml\n");
    snprintf(want, sizeof want, "%s:2:10: cannot open '%s/nope.yaml': No such file or directory",
             p, tmpdir);
    expect_error(p, NULL, 0, want);
}

/* A quoted value may hold a newline or a terminal escape; the message quotes it
 * escaped, so it stays one line (found by the fuzzer). */
static void control_characters_in_a_quoted_name_are_escaped(void)
{
    char p[512], want[2048];
    fixture(p, "extctl.yaml", "extends: \"no\\npe\\e[1m.yaml\"\n");
    snprintf(want, sizeof want, "%s:1:10: cannot open '%s/no\\npe\\x1b[1m.yaml': No such file or directory",
             p, tmpdir);
    expect_error(p, NULL, 0, want);
}

/* A string value (a file name, a name) with a control character is refused where
 * it is: it would reach messages, reports and JSON. */
static void control_character_in_a_string_value(void)
{
    char p[512], want[1024];
    ext_fixture(p, "ctlval.yaml", "dataset:\n  train_images: \"data/x\\ty\"\n");
    snprintf(want, sizeof want, "%s:3:17: dataset.train_images: control character \\x09 in 'data/x\\ty'", p);
    expect_error(p, NULL, 0, want);
}

static void extends_cycle_is_an_error(void)
{
    char a[512], b[512], s[512], want[2048];
    fixture(a, "cyc_a.yaml", "extends: cyc_b.yaml\n");
    fixture(b, "cyc_b.yaml", "extends: cyc_a.yaml\n");
    char err[1024];
    int rc = load(a, NULL, 0, &cfg, err);
    CHECK(rc == -1, "a extends b extends a loaded");
    CHECK(well_formed(err) && strstr(err, "cycle"), "message \"%s\"", err);
    snprintf(want, sizeof want, "%s:1:10: ", a);
    char want_b[2048];
    snprintf(want_b, sizeof want_b, "%s:1:10: ", b);
    CHECK(!strncmp(err, want, strlen(want)) || !strncmp(err, want_b, strlen(want_b)),
          "not at an extends line: \"%s\"", err);
    fixture(s, "cyc_self.yaml", "extends: cyc_self.yaml\n");
    snprintf(want, sizeof want, "%s:1:10: includes nest too deep (a cycle?) at '%s'", s, s);
    expect_error(s, NULL, 0, want);
}

static void extends_overlays_keys_of_included_section(void)
{
    char p[512];
    /* base.yaml names device, chip and technology as files; one key of each
     * may be changed without restating the rest. */
    ext_fixture(p, "ovl.yaml", "device:\n  read_noise: 0.25\nchip:\n  router:\n    vcs: 3\n");
    expect_ok(p, NULL, 0);
    CHECK(cfg.device.read_noise == 0.25 && cfg.chip.router.vcs == 3, "read_noise %g vcs %d",
          cfg.device.read_noise, cfg.chip.router.vcs);
    CHECK(cfg.device.dw_min > 0 && cfg.chip.mesh_x >= 1 && cfg.chip.router.buffer_depth >= 1,
          "rest of the section lost: dw_min %g mesh_x %d buffer_depth %d", cfg.device.dw_min,
          cfg.chip.mesh_x, cfg.chip.router.buffer_depth);
    /* A section named by a file replaces the base's section as a whole. */
    char d[512], want[2048];
    fixture(d, "partial_dev.yaml", "name: partial\n");
    ext_fixture(p, "ovl2.yaml", "device: partial_dev.yaml\n");
    snprintf(want, sizeof want, "%s:1:1: missing required key 'device.dw_min'", d);
    expect_error(p, NULL, 0, want);
}

/* ---- cross-field rules --------------------------------------------------- */

static void network_input_must_match_dataset(void)
{
    char p[512], want[2048];
    ext_fixture(p, "in.yaml", "network:\n  input: 700\n");
    snprintf(want, sizeof want,
             "%s:3:10: network.input: 700 does not match the dataset's 28x28 = 784 pixels", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "in2.yaml", "network:\n  input: 756\ndataset:\n  rows: 27\n");
    expect_ok(p, NULL, 0);
    ext_fixture(p, "out.yaml", "network: {output: 9}\n");
    snprintf(want, sizeof want, "%s:2:19: network.output: 9 does not match dataset.classes = 10", p);
    expect_error(p, NULL, 0, want);
}

static void device_states_must_fit_16_bits(void)
{
    char p[512], want[2048];
    ext_fixture(p, "states.yaml", "device:\n  w_max: 100\n");
    snprintf(want, sizeof want,
             "%s:3:10: device: w_max/dw_min = 100000 states (with bound variation) must lie in "
             "[1, 16000] to fit a 16-bit conductance state", p);
    expect_error(p, NULL, 0, want);
}

static void extends_must_be_a_file_name(void)
{
    char p[512], want[2048];
    fixture(p, "extlist.yaml", "extends: [a.yaml]\n");
    snprintf(want, sizeof want, "%s:1:10: extends: expected a file name", p);
    expect_error(p, NULL, 0, want);
}

static void string_too_long(void)
{
    char p[512], want[2048], name[CFG_STR + 2];
    memset(name, 'x', CFG_STR);
    name[CFG_STR] = 0;
    char text[CFG_STR + 64];
    snprintf(text, sizeof text, "dataset:\n  name: %s\n", name);
    ext_fixture(p, "long.yaml", text);
    snprintf(want, sizeof want, "%s:3:9: dataset.name: string longer than %d characters", p, CFG_STR - 1);
    expect_error(p, NULL, 0, want);
}

/* ---- depth: network.layers ------------------------------------------------ */

static void layers_is_the_shape_at_any_depth(void)
{
    char p[512];
    layers_fixture(p, "l1.yaml", "");
    expect_ok(p, NULL, 0);
    CHECK(cfg.network.n_layers == 3 && cfg.network.layers[1] == 500 && cfg.network.hidden == 500 &&
          cfg.network.input == 784 && cfg.network.output == 10,
          "[784, 500, 10]: %d widths, hidden %d/%d", cfg.network.n_layers, cfg.network.layers[1], cfg.network.hidden);
    char *a = render_json(&cfg);
    ext_fixture(p, "l1old.yaml", "");
    expect_ok(p, NULL, 0);
    CHECK(cfg.network.n_layers == 3 && cfg.network.layers[0] == 784 && cfg.network.layers[2] == 10,
          "input/hidden/output did not fill layers: %d widths", cfg.network.n_layers);
    char *b = render_json(&cfg);
    /* One hidden layer writes the spelling it always wrote, however it was given. */
    CHECK(a && b && !strcmp(a, b) && strstr(a, "\"hidden\": 500") && !strstr(a, "\"layers\""),
          "the two spellings of 784-500-10 differ or changed:\n%s\n---\n%s", a, b);
    free(a);
    free(b);
    layers_fixture(p, "l3.yaml", "network:\n  layers: [784, 300, 200, 100, 10]\n");
    expect_ok(p, NULL, 0);
    CHECK(cfg.network.n_layers == 5 && cfg.network.layers[3] == 100 && cfg.network.hidden == 300,
          "[784, 300, 200, 100, 10]: %d widths, layer 3 %d, hidden %d", cfg.network.n_layers, cfg.network.layers[3],
          cfg.network.hidden);
    a = render_json(&cfg);
    CHECK(a && strstr(a, "\"layers\": [") && !strstr(a, "\"hidden\"") && !strstr(a, "beta_layers"),
          "a deep network writes layers only (and no per-layer list it was not given):\n%s", a);
    free(a);
}

static void layers_and_an_old_key_are_refused_at_layers(void)
{
    char p[512], want[2048], base[1200];
    snprintf(base, sizeof base, "%s/workloads/base.yaml:7:11: network.layers: the shape is given twice", repo);
    layers_fixture(p, "both.yaml", "network:\n  hidden: 40\n");
    snprintf(want, sizeof want, "network.layers and network.hidden (at %s:3:11)", p);
    expect_error_at(p, NULL, 0, base, want);
    const char *s[] = { "network.output=10" };
    layers_fixture(p, "ok.yaml", "");
    expect_error_at(p, s, 1, base, "network.layers and network.output (at --set:1:16)");
    /* and the other way round: layers over the old spelling, at the --set */
    ext_fixture(p, "old.yaml", "");
    const char *t[] = { "network.layers=[784, 40, 10]" };
    expect_error_at(p, t, 1, "--set:1:16: network.layers: the shape is given twice", "network.input (at ");
}

static void layers_are_checked_where_they_are_written(void)
{
    struct { const char *text, *want; } c[] = {
        { "[784, 0, 10]", "3:17: network.layers: hidden width 0 is out of range [1, 65536]" },
        { "[784, 65537, 10]", "3:17: network.layers: hidden width 65537 is out of range [1, 65536]" },
        { "[784, 500, 1]", "3:22: network.layers: output width 1 is out of range [2, 1024]" },
        { "[700, 500, 10]", "3:12: network.layers: input 700 does not match the dataset's 28x28 = 784 pixels" },
        { "[784, 500, 9]", "3:22: network.layers: output 9 does not match dataset.classes = 10" },
        { "[784, 10]", "3:11: network.layers: expected [input, hidden widths..., output] with at least one "
                       "hidden layer, got 2 widths" },
        { "784", "3:11: network.layers: expected a list of 1 to 64 whole numbers, e.g. [784, 500, 10]" },
        { "[784, 1.5, 10]", "3:17: network.layers: expected a whole number, got '1.5'" },
        { "[]", "3:11: network.layers: the list is empty: expected [input, hidden widths..., output], e.g. [784, 500, 10]" },
        { "[784]", "3:11: network.layers: expected [input, hidden widths..., output] with at least one hidden layer, "
                   "got 1 width" },
        { "[784, -5, 10]", "3:17: network.layers: hidden width -5 is out of range [1, 65536]" },
        { "[784, 500, -3]", "3:22: network.layers: output width -3 is out of range [2, 1024]" },
        { "[784, 99999999999, 10]", "3:17: network.layers: width 99999999999 is out of range (at most 1048576)" },
        { "[784, 16384, 16384, 10]", "3:11: network.layers: 281477130 weights (with biases) exceed the 268435456 a "
                                     "run holds (16-bit states, 512 MiB)" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char p[512], body[200], want[2048];
        snprintf(body, sizeof body, "network:\n  layers: %s\n", c[i].text);
        layers_fixture(p, "bad_layers.yaml", body);
        snprintf(want, sizeof want, "%s:%s", p, c[i].want);
        expect_error(p, NULL, 0, want);
    }
}

static void per_layer_lists_have_one_entry_per_layer(void)
{
    char p[512], want[2048];
    const char *net = "network:\n  layers: [784, 100, 100, 10]\ntraining:\n";
    char body[400];
    snprintf(body, sizeof body, "%s  beta_layers: [1, 2, 3]\n", net);
    layers_fixture(p, "bl.yaml", body);
    snprintf(want, sizeof want, "%s:5:16: training.beta_layers: 3 entries for 2 hidden layers (one backward gain "
             "per hidden layer, layer 1 first)", p);
    expect_error(p, NULL, 0, want);
    snprintf(body, sizeof body, "%s  pulse_steps_layers: [1, 2]\n", net);
    layers_fixture(p, "pl.yaml", body);
    snprintf(want, sizeof want, "%s:5:23: training.pulse_steps_layers: 2 entries for 3 weight matrices "
             "(W1..W2 and W_out, in that order)", p);
    expect_error(p, NULL, 0, want);
    snprintf(body, sizeof body, "%s  pulse_steps: [2, 1]\n  pulse_steps_layers: [1, 40, 1]\n", net);
    layers_fixture(p, "pk.yaml", body);
    snprintf(want, sizeof want, "%s:6:27: training.pulse_steps_layers: 40 times the largest training.pulse_steps 2 "
             "is 80 device steps per coincidence, more than 64", p);
    expect_error(p, NULL, 0, want);
    snprintf(body, sizeof body, "%s  beta_layers: [2, 8]\n  pulse_steps_layers: [1, 2, 4]\n", net);
    layers_fixture(p, "lists.yaml", body);
    expect_ok(p, NULL, 0);
    CHECK(cfg.training.n_beta_layers == 2 && cfg.training.beta_layers[1] == 8 && cfg.training.n_pulse_layers == 3 &&
          cfg.training.pulse_steps_layers[2] == 4, "lists read as %d/%g, %d/%g", cfg.training.n_beta_layers,
          cfg.training.beta_layers[1], cfg.training.n_pulse_layers, cfg.training.pulse_steps_layers[2]);
    char *a = render_json(&cfg);
    CHECK(a && strstr(a, "\"beta_layers\": [") && strstr(a, "\"pulse_steps_layers\": ["),
          "given per-layer lists are not written:\n%s", a);
    free(a);
}

/* ---- --set overrides ----------------------------------------------------- */

static void set_value_applied(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "network.hidden=123", "training.beta=2.5", "network.hidden=77",
                        "dataset.name=other" };
    expect_ok(p, s, 4);
    CHECK(cfg.network.hidden == 77, "hidden %d (the last --set wins)", cfg.network.hidden);
    CHECK(cfg.training.beta == 2.5, "beta %g", cfg.training.beta);
    CHECK(!strcmp(cfg.dataset.name, "other"), "name '%s'", cfg.dataset.name);
}

static void set_unknown_key(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "network.hidden=5", "foo.bar=1" };
    expect_error(p, s, 2, "--set:2:1: unknown key 'foo.bar'");
    const char *s2[] = { "network.hidden.x=3" };
    expect_error(p, s2, 1, "--set:1:1: unknown key 'network.hidden.x'");
}

static void set_bad_value(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "network.hidden=abc" };
    expect_error(p, s, 1, "--set:1:16: network.hidden: expected an integer, got 'abc'");
    const char *s2[] = { "training.update_gate=[1, 2]" };
    expect_error(p, s2, 1, "--set:1:26: training.update_gate: 2 is out of range [0, 1]");
    const char *s3[] = { "network.input=1" };
    expect_error(p, s3, 1, "--set:1:15: network.input: 1 does not match the dataset's 28x28 = 784 pixels");
}

static void set_bad_syntax(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "network.hidden=[1" };
    expect_error_at(p, s, 1, "--set:1:16: ", "YAML syntax error: ");
    const char *s2[] = { "network.hidden=*x" };
    expect_error(p, s2, 1, "--set:1:16: aliases (*name) are not supported; write the value out");
}

static void set_without_equals(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "network.hidden" };
    expect_error(p, s, 1, "--set:1:1: expected key=value, got 'network.hidden'");
    const char *s2[] = { "=3" };
    expect_error(p, s2, 1, "--set:1:1: expected key=value, got '=3'");
}

static void set_list_override(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "training.update_gate=[1, 0.5]" };
    expect_ok(p, s, 1);
    CHECK(cfg.training.n_gate == 2 && cfg.training.update_gate[0] == 1.0 &&
          cfg.training.update_gate[1] == 0.5, "n_gate %d [%g, %g]", cfg.training.n_gate,
          cfg.training.update_gate[0], cfg.training.update_gate[1]);
    const char *s2[] = { "training.update_gate=0.25" };   /* one number is a one-item list */
    expect_ok(p, s2, 1);
    CHECK(cfg.training.n_gate == 1 && cfg.training.update_gate[0] == 0.25, "n_gate %d [%g]",
          cfg.training.n_gate, cfg.training.update_gate[0]);
    const char *s3[] = { "training.update_gate=[]" };
    expect_error(p, s3, 1, "--set:1:22: training.update_gate: expected a list of 1 to 64 numbers");
}

/* Overrides land after the section files are read: a key of an included
 * section can be set, and a whole section can be swapped for another file. */
static void set_applied_after_includes(void)
{
    char p[512], dev[1200];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "device.dw_min=0.002", "chip.router.vcs=2" };
    expect_ok(p, s, 2);
    CHECK(cfg.device.dw_min == 0.002 && cfg.chip.router.vcs == 2, "dw_min %g vcs %d",
          cfg.device.dw_min, cfg.chip.router.vcs);
    CHECK(!strcmp(cfg.device_name, "ideal"), "device '%s'", cfg.device_name);
    snprintf(dev, sizeof dev, "device=%s/workloads/devices/gokmen-vlasov.yaml", repo);
    const char *s2[] = { dev, "device.read_noise=0.125" };
    expect_ok(p, s2, 2);
    CHECK(strcmp(cfg.device_name, "ideal") && cfg.device.read_noise == 0.125,
          "device '%s' read_noise %g", cfg.device_name, cfg.device.read_noise);
    const char *s3[] = { "device=nope.yaml" };
    expect_error(p, s3, 1, "--set:1:8: cannot open 'nope.yaml': No such file or directory");
}

/* "key=" is an empty value, as "key:" is in a file. */
static void set_empty_value(void)
{
    char p[512];
    ext_fixture(p, "ckpt.yaml", "training:\n  checkpoint: some.ckpt\n");
    const char *s[] = { "training.checkpoint=" };
    expect_ok(p, s, 1);
    CHECK(cfg.training.checkpoint[0] == 0, "checkpoint '%s'", cfg.training.checkpoint);
    const char *s2[] = { "network.hidden=" };
    expect_error(p, s2, 1, "--set:1:16: network.hidden: expected an integer, got ''");
}

/* A mapping value overlays the section key by key. */
static void set_mapping_overlays_section(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "chip.router={vcs: 2, pipeline: 3}" };
    expect_ok(p, s, 1);
    CHECK(cfg.chip.router.vcs == 2 && cfg.chip.router.pipeline == 3 && cfg.chip.router.buffer_depth >= 1,
          "vcs %d pipeline %d buffer_depth %d", cfg.chip.router.vcs, cfg.chip.router.pipeline,
          cfg.chip.router.buffer_depth);
    const char *s2[] = { "chip.router={vcs: 2, bogus: 1}" };
    expect_error(p, s2, 1, "--set:1:22: unknown key 'chip.router.bogus'");
}

static void set_below_a_non_section(void)
{
    char p[512];
    ext_fixture(p, "nsec.yaml", "network: [1]\n");
    const char *s[] = { "network.hidden=3" };
    expect_error(p, s, 1, "--set:1:1: 'network' is not a section");
}

/* An override taken from a sweep file reports that file's position. */
static void set_with_origin_points_at_it(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    struct config_override ov = { "network.hidden=abc", "sweep.yaml", 7, 3, 12 };
    char err[1024];
    int rc = config_load(p, &ov, 1, &cfg, err, sizeof err);
    CHECK(rc == -1, "loaded");
    CHECK(!strcmp(err, "sweep.yaml:7:12: network.hidden: expected an integer, got 'abc'"), "got \"%s\"", err);
    struct config_override ov2 = { "nothing.here=1", "sweep.yaml", 9, 5, 19 };
    rc = config_load(p, &ov2, 1, &cfg, err, sizeof err);
    CHECK(rc == -1 && !strcmp(err, "sweep.yaml:9:5: unknown key 'nothing.here'"), "got \"%s\"", err);
}

/* ---- file names ---------------------------------------------------------- */

/* A dataset file a workload names is read relative to that workload, as its
 * extends: is, whatever the working directory: the shipped workloads' names
 * (../data/...), reached through a workload elsewhere that extends them, and a
 * workload's own. "dir/.." goes only where dir is a real directory. */
static void dataset_files_resolve_relative_to_the_file_naming_them(void)
{
    char p[512], want[1400], parent[256], lnk[600];
    ext_fixture(p, "ok.yaml", "");
    expect_ok(p, NULL, 0);
    snprintf(want, sizeof want, "%s/data/mnist/train-images-idx3-ubyte", repo);
    CHECK(!strcmp(cfg.dataset.train_images, want), "train_images '%s', want '%s'", cfg.dataset.train_images, want);
    snprintf(parent, sizeof parent, "%.*s", (int)(strrchr(tmpdir, '/') - tmpdir), tmpdir);
    path_in(lnk, sizeof lnk, tmpdir, "lnk");
    if (symlink("/usr/share", lnk)) { perror("symlink"); exit(2); }
    ext_fixture(p, "rel.yaml", "dataset:\n  train_images: img.idx\n  train_labels: ./sub/../lab.idx\n"
                "  test_images: ../t.idx\n  test_labels: lnk/../u.idx\n");
    expect_ok(p, NULL, 0);
    snprintf(want, sizeof want, "%s/img.idx", tmpdir);
    CHECK(!strcmp(cfg.dataset.train_images, want), "train_images '%s', want '%s'", cfg.dataset.train_images, want);
    /* sub does not exist: the kernel would refuse sub/.., so the name keeps it. */
    snprintf(want, sizeof want, "%s/sub/../lab.idx", tmpdir);
    CHECK(!strcmp(cfg.dataset.train_labels, want), "train_labels '%s', want '%s'", cfg.dataset.train_labels, want);
    snprintf(want, sizeof want, "%s/t.idx", parent);
    CHECK(!strcmp(cfg.dataset.test_images, want), "test_images '%s', want '%s'", cfg.dataset.test_images, want);
    snprintf(want, sizeof want, "%s/lnk/../u.idx", tmpdir);   /* /usr/u.idx, not tmpdir/u.idx */
    CHECK(!strcmp(cfg.dataset.test_labels, want), "test_labels '%s', want '%s'", cfg.dataset.test_labels, want);
    /* From the repository root the shipped workload names its data as it always has. */
    expect_ok("workloads/mnist.yaml", NULL, 0);
    CHECK(!strcmp(cfg.dataset.test_labels, "data/mnist/t10k-labels-idx1-ubyte"), "test_labels '%s'",
          cfg.dataset.test_labels);
}

/* A file name typed on the command line is relative to the working directory, as
 * every command-line path is; one from a sweep file's set:, to the sweep file. */
static void set_file_names_resolve_from_where_they_are_written(void)
{
    char p[512], want[1400], sweep[600], err[1024];
    ext_fixture(p, "rel.yaml", "dataset:\n  train_images: img.idx\n");
    const char *s[] = { "dataset.test_images=sub/t.idx" };
    expect_ok(p, s, 1);
    CHECK(!strcmp(cfg.dataset.test_images, "sub/t.idx"), "--set test_images '%s'", cfg.dataset.test_images);
    snprintf(want, sizeof want, "%s/img.idx", tmpdir);
    CHECK(!strcmp(cfg.dataset.train_images, want), "train_images '%s', want '%s'", cfg.dataset.train_images, want);
    path_in(sweep, sizeof sweep, tmpdir, "sweep.yaml");
    struct config_override ov = { "dataset.test_labels=l.idx", sweep, 4, 3, 23 };
    int rc = config_load(p, &ov, 1, &cfg, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    snprintf(want, sizeof want, "%s/l.idx", tmpdir);
    CHECK(!strcmp(cfg.dataset.test_labels, want), "sweep test_labels '%s', want '%s'", cfg.dataset.test_labels, want);
}

/* tools/get-datasets puts the data in $SSNNSIM_DATA when it is set; the files a
 * workload names in the checkout's data/ are read from there then. */
static void ssnnsim_data_moves_the_checkouts_data_directory(void)
{
    char p[512];
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "dataset.test_labels=data/mnist/t10k-labels-idx1-ubyte", "dataset.test_images=mine.idx" };
    setenv("SSNNSIM_DATA", "/elsewhere/sets/", 1);
    expect_ok(p, s, 2);
    unsetenv("SSNNSIM_DATA");
    CHECK(!strcmp(cfg.dataset.train_images, "/elsewhere/sets/mnist/train-images-idx3-ubyte"), "train_images '%s'",
          cfg.dataset.train_images);
    CHECK(!strcmp(cfg.dataset.test_labels, "/elsewhere/sets/mnist/t10k-labels-idx1-ubyte"), "--set test_labels '%s'",
          cfg.dataset.test_labels);
    CHECK(!strcmp(cfg.dataset.test_images, "mine.idx"), "test_images '%s' (not in data/)", cfg.dataset.test_images);
}

/* ---- scalars ------------------------------------------------------------- */

static void booleans(void)
{
    char p[512], want[2048];
    static const char *const yes[] = { "true", "True", "yes" }, *const no[] = { "false", "False", "no" };
    for (int i = 0; i < 3; i++) {
        char t[200];
        snprintf(t, sizeof t, "training:\n  shuffle: %s\n  ann_baseline: %s\n", yes[i], no[i]);
        ext_fixture(p, "bool.yaml", t);
        expect_ok(p, NULL, 0);
        CHECK(cfg.training.shuffle == 1 && cfg.training.ann_baseline == 0, "%s/%s gave %d/%d",
              yes[i], no[i], cfg.training.shuffle, cfg.training.ann_baseline);
        snprintf(t, sizeof t, "training:\n  shuffle: %s\n  ann_baseline: %s\n", no[i], yes[i]);
        ext_fixture(p, "bool.yaml", t);
        expect_ok(p, NULL, 0);
        CHECK(cfg.training.shuffle == 0 && cfg.training.ann_baseline == 1, "%s/%s gave %d/%d",
              no[i], yes[i], cfg.training.shuffle, cfg.training.ann_baseline);
    }
    static const char *const bad[] = { "maybe", "1", "'true'", "TRUE_" };
    static const char *const shown[] = { "maybe", "1", "true", "TRUE_" };
    for (int i = 0; i < 4; i++) {
        char t[200];
        snprintf(t, sizeof t, "dataset:\n  transpose: %s\n", bad[i]);
        ext_fixture(p, "bool2.yaml", t);
        snprintf(want, sizeof want, "%s:3:14: dataset.transpose: expected true or false, got '%s'", p,
                 shown[i]);
        expect_error(p, NULL, 0, want);
    }
    const char *s[] = { "dataset.transpose=yes" };
    ext_fixture(p, "ok.yaml", "network:\n  input: 784\n");
    expect_ok(p, s, 1);
    CHECK(cfg.dataset.transpose == 1, "transpose %d", cfg.dataset.transpose);
}

static void int64_seed_limits(void)
{
    char p[512], want[2048];
    ext_fixture(p, "seed.yaml", "training:\n  seed: 9007199254740991\n  samples: 1000000000000\n");
    expect_ok(p, NULL, 0);
    CHECK(cfg.training.seed == INT64_C(9007199254740991), "seed %lld", (long long)cfg.training.seed);
    CHECK(cfg.training.samples == INT64_C(1000000000000), "samples %lld", (long long)cfg.training.samples);
    ext_fixture(p, "seed2.yaml", "training:\n  seed: 9007199254740992\n");
    snprintf(want, sizeof want,
             "%s:3:9: training.seed: 9007199254740992 is out of range [0, 9007199254740991]", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "seed3.yaml", "training:\n  seed: 99999999999999999999\n");
    snprintf(want, sizeof want, "%s:3:9: training.seed: expected an integer, got '99999999999999999999'", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "ok.yaml", "");
    const char *s[] = { "training.seed=9007199254740991" };
    expect_ok(p, s, 1);
    CHECK(cfg.training.seed == INT64_C(9007199254740991), "--set seed %lld", (long long)cfg.training.seed);
    const char *s2[] = { "training.seed=-1" };
    expect_error(p, s2, 1, "--set:1:15: training.seed: -1 is out of range [0, 9007199254740991]");
}

/* ---- JSON ---------------------------------------------------------------- */

static void config_to_json_is_valid_and_resolved(void)
{
    char p[512];
    ext_fixture(p, "json.yaml",
                "dataset:\n  name: \"quote\\\" and \\\\ back\"\n"
                "training:\n  seed: 9007199254740991\n  update_gate: [1, 0.5]\n");
    const char *s[] = { "network.hidden=321" };
    expect_ok(p, s, 1);
    char *text = render_json(&cfg);
    CHECK(text && json_valid(text), "not valid JSON:\n%s", text ? text : "(null)");
    static const char *const want[] = {
        "\"hidden\": 321", "\"seed\": 9007199254740991", "\"input\": 784",
        "\"name\": \"quote\\\" and \\\\ back\"", "\"init\": \"glorot_uniform\"",
        "\"shuffle\": true", "\"router\": {", "\"technology\": {", "\"update_gate\": [",
    };
    for (size_t i = 0; text && i < sizeof want / sizeof want[0]; i++)
        CHECK(strstr(text, want[i]), "no %s in:\n%s", want[i], text);
    char *gate = text ? strstr(text, "\"update_gate\": [") : NULL;
    CHECK(gate && strstr(gate, "0.5") && strchr(gate, ']') > strstr(gate, "0.5"), "update_gate not [1, 0.5]");
    free(text);
}

/* ---- mutations ----------------------------------------------------------- */

static uint64_t rng_state = 0x243F6A8885A308D3ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* One random edit: delete a character, insert a YAML-significant or ordinary
 * character, or duplicate a line. `s` has room for the longest line again. */
static void mutate(char *s, size_t *n)
{
    static const char specials[] = ":[]{}-#'\"\t\n";
    static const char plain[] = "0123456789abcdefxyzE.";
    switch (rnd() % 3) {
    case 0:
        if (*n) {
            size_t at = rnd() % *n;
            memmove(s + at, s + at + 1, *n - at);
            (*n)--;
        }
        break;
    case 1: {
        size_t at = rnd() % (*n + 1);
        char c = rnd() % 2 ? specials[rnd() % (sizeof specials - 1)] : plain[rnd() % (sizeof plain - 1)];
        memmove(s + at + 1, s + at, *n - at + 1);
        s[at] = c;
        (*n)++;
        break;
    }
    default: {
        size_t at = rnd() % (*n + 1);
        while (at > 0 && s[at - 1] != '\n') at--;
        size_t end = at;
        while (end < *n && s[end] != '\n') end++;
        if (end < *n) end++;
        size_t len = end - at;
        memmove(s + end + len, s + end, *n - end + 1);
        memcpy(s + end, s + at, len);
        *n += len;
    }
    }
}

static void mutated_configs_fail_cleanly(void)
{
    CHECK(flat != NULL, "no flattened fixture");
    if (!flat) return;
    size_t base = strlen(flat);
    char *buf = malloc(4 * base + 64);
    char p[512];
    snprintf(p, sizeof p, "%s/mutant.yaml", tmpdir);
    int ok = 0, failed = 0, bad = 0;
    for (int i = 0; i < 2000; i++) {
        memcpy(buf, flat, base + 1);
        size_t n = base;
        int edits = 1 + (int)(rnd() % 3);
        for (int k = 0; k < edits; k++) mutate(buf, &n);
        write_file(p, "%s", buf);
        char err[1024] = "";
        if (config_load(p, NULL, 0, &cfg, err, sizeof err) == 0) {
            ok++;
            continue;
        }
        failed++;
        if (!well_formed(err) && bad++ < 5)
            CHECK(0, "mutation %d: malformed message \"%s\" for:\n%s", i, err, buf);
    }
    CHECK(bad == 0, "%d of %d failures had a malformed message", bad, failed);
    CHECK(failed > 500 && ok > 0, "%d loaded, %d failed: the mutations do not exercise both paths", ok,
          failed);
    free(buf);
}

/* ---- the waves section ---------------------------------------------------- */

static void waves_section_is_read_and_overridden(void)
{
    char p[512], err[1024];
    ext_fixture(p, "w0.yaml", "waves:\n  file: out/run.fst\n  cores: 0,4,6\n  neurons: 3\n  sample_first: 5\n"
                              "  samples: 10\n  cycle_first: 100\n  cycle_last: 900\n");
    CHECK(load(p, NULL, 0, &cfg, err) == 0, "%s", err);
    const struct waves_cfg *w = &cfg.waves;
    CHECK(!strcmp(w->file, "out/run.fst") && !strcmp(w->cores, "0,4,6") && w->neurons == 3 && w->sample_first == 5 &&
              w->samples == 10 && w->cycle_first == 100 && w->cycle_last == 900,
          "read %s %s %d %lld %lld %lld %lld", w->file, w->cores, w->neurons, (long long)w->sample_first,
          (long long)w->samples, (long long)w->cycle_first, (long long)w->cycle_last);
    const char *sets[] = { "waves.cores=2", "waves.file='b c.vcd'" };
    CHECK(load(p, sets, 2, &cfg, err) == 0, "%s", err);
    CHECK(!strcmp(cfg.waves.cores, "2") && !strcmp(cfg.waves.file, "b c.vcd") && cfg.waves.neurons == 3,
          "after overrides: cores '%s' file '%s' neurons %d", cfg.waves.cores, cfg.waves.file, cfg.waves.neurons);
    /* The defaults of base.yaml: no dump, every core, 8 neurons, 2 samples. */
    ext_fixture(p, "w1.yaml", "");
    CHECK(load(p, NULL, 0, &cfg, err) == 0, "%s", err);
    CHECK(!cfg.waves.file[0] && !strcmp(cfg.waves.cores, "all") && cfg.waves.neurons == 8 && cfg.waves.samples == 2,
          "defaults: file '%s' cores '%s' neurons %d samples %lld", cfg.waves.file, cfg.waves.cores,
          cfg.waves.neurons, (long long)cfg.waves.samples);
}

static void waves_section_rejects_bad_values(void)
{
    char p[512], want[2048];
    ext_fixture(p, "wb1.yaml", "waves:\n  file: run.txt\n");
    snprintf(want, sizeof want, "%s:3:9: waves.file: 'run.txt' must end in .fst or .vcd", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "wb2.yaml", "waves:\n  cores: 0,,4\n");
    snprintf(want, sizeof want, "%s:3:10: waves.cores: expected all or a comma-separated list of core indices, got '0,,4'", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "wb3.yaml", "waves:\n  cycle_first: 500\n  cycle_last: 100\n");
    snprintf(want, sizeof want, "%s:4:15: waves.cycle_last: 100 is before waves.cycle_first 500", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "wb4.yaml", "waves:\n  neurons: -1\n");
    snprintf(want, sizeof want, "%s:3:12: waves.neurons: -1 is out of range [0, 65536]", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "wb5.yaml", "waves:\n  sample: 3\n");
    snprintf(want, sizeof want, "%s:3:3: unknown key 'waves.sample'", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "wb6.yaml", "waves: [1]\n");
    snprintf(want, sizeof want, "%s:2:8: waves: expected a mapping (or the name of a file holding one), got a list", p);
    expect_error(p, NULL, 0, want);
    ext_fixture(p, "wb7.yaml", "");
    const char *sets[] = { "waves.cores=all,1" };
    expect_error(p, sets, 1, "--set:1:13: waves.cores: expected all or a comma-separated list of core indices, got 'all,1'");
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
    if (!getcwd(repo, sizeof repo)) {
        perror("getcwd");
        return 2;
    }
    char probe[1200];
    snprintf(probe, sizeof probe, "%s/workloads/mnist.yaml", repo);
    if (access(probe, R_OK)) {
        printf("FAIL test_config: %s not found; run the tests from the repository root\n", probe);
        return 1;
    }
    unsetenv("SSNNSIM_DATA");   /* a test sets it where it means to */
    scratch_make(tmpdir, sizeof tmpdir, "config");
    /* Single-quoted, so any path is one plain YAML string. */
    size_t k = (size_t)snprintf(ext, sizeof ext, "extends: '");
    for (const char *c = repo; *c && k + 40 < sizeof ext; c++) {
        if (*c == '\'') ext[k++] = '\'';
        ext[k++] = *c;
    }
    snprintf(ext + k, sizeof ext - k, "/workloads/mnist.yaml'\n");
    snprintf(deep_ext, sizeof deep_ext, "%s", ext);
    flat = flatten_mnist();
    flat_l1 = spell_l1(flat);
    char l1[512];
    fixture(l1, "mnist-l1.yaml", "%s", flat_l1 ? flat_l1 : "");
    snprintf(ext, sizeof ext, "extends: '%s'\n", l1);

    RUN(mnist_workload_loads);
    RUN(flattened_fixture_matches_workload);
    RUN(every_shipped_workload_loads);
    RUN(yaml_unclosed_bracket);
    RUN(yaml_bad_indentation);
    RUN(yaml_tab_indentation);
    RUN(yaml_complex_key_rejected);
    RUN(yaml_top_must_be_mapping);
    RUN(unknown_key_top_level);
    RUN(unknown_key_nested);
    RUN(unknown_key_in_included_file);
    RUN(wrong_type_string_for_int);
    RUN(wrong_type_list_for_number);
    RUN(wrong_type_mapping_for_scalar);
    RUN(wrong_type_quoted_number_rejected);
    RUN(wrong_type_section_not_a_mapping);
    RUN(string_choice_enforced);
    RUN(synapse_kind_is_digital_or_analogue);
    RUN(missing_required_key);
    RUN(out_of_range_low);
    RUN(out_of_range_high);
    RUN(digital_synapse_refuses_analogue_terms);
    RUN(duplicate_key);
    RUN(alias_rejected);
    RUN(two_documents_rejected);
    RUN(empty_file);
    RUN(missing_file);
    RUN(include_missing_section_file);
    RUN(extends_missing_file);
    RUN(control_characters_in_a_quoted_name_are_escaped);
    RUN(control_character_in_a_string_value);
    RUN(extends_cycle_is_an_error);
    RUN(extends_overlays_keys_of_included_section);
    RUN(network_input_must_match_dataset);
    RUN(layers_is_the_shape_at_any_depth);
    RUN(layers_and_an_old_key_are_refused_at_layers);
    RUN(layers_are_checked_where_they_are_written);
    RUN(per_layer_lists_have_one_entry_per_layer);
    RUN(device_states_must_fit_16_bits);
    RUN(extends_must_be_a_file_name);
    RUN(string_too_long);
    RUN(set_value_applied);
    RUN(set_unknown_key);
    RUN(set_bad_value);
    RUN(set_bad_syntax);
    RUN(set_without_equals);
    RUN(set_list_override);
    RUN(set_applied_after_includes);
    RUN(set_empty_value);
    RUN(set_mapping_overlays_section);
    RUN(set_below_a_non_section);
    RUN(set_with_origin_points_at_it);
    RUN(dataset_files_resolve_relative_to_the_file_naming_them);
    RUN(set_file_names_resolve_from_where_they_are_written);
    RUN(ssnnsim_data_moves_the_checkouts_data_directory);
    RUN(booleans);
    RUN(int64_seed_limits);
    RUN(config_to_json_is_valid_and_resolved);
    RUN(mutated_configs_fail_cleanly);
    RUN(waves_section_is_read_and_overridden);
    RUN(waves_section_rejects_bad_values);

    free(flat);
    scratch_remove(tmpdir);
    CHECK_DONE();
}
