/* ssnnsim command line: `ssnnsim <command> CONFIG.yaml [options]`.
 * The only place that chooses exit codes: 0 ok, 1 runtime failure, 2 bad input
 * or usage. Options that set config keys (--seed, --epochs, ...) become --set
 * overrides, so they are validated exactly like the YAML. */
#include "config.h"
#include "energy_report.h"
#include "mpi_world.h"
#include "noc.h"
#include "output_lock.h"
#include "output_path.h"
#include "run_files.h"
#include "sweep.h"
#include "train.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SSNNSIM_VERSION "0.1.0"
#define MAX_SETS 256

enum option_id { O_ENGINE = 256, O_CHECK, O_RESUME, O_CHECKPOINT, O_OUT, O_CSV, O_SET, O_SEED, O_EPOCHS, O_SAMPLES,
                 O_TEST_SAMPLES, O_WAVES, O_WAVE_CORES, O_WAVE_NEURONS, O_WAVE_SAMPLES, O_WAVE_CYCLES, O_QUIET, O_HELP };

/* Every option of any command, for getopt; each command then takes or refuses it. */
static const struct option options[] = {
    { "engine", required_argument, NULL, O_ENGINE },
    { "check", no_argument, NULL, O_CHECK },
    { "resume", required_argument, NULL, O_RESUME },
    { "checkpoint", required_argument, NULL, O_CHECKPOINT },
    { "out", required_argument, NULL, O_OUT },
    { "csv", required_argument, NULL, O_CSV },
    { "set", required_argument, NULL, O_SET },
    { "seed", required_argument, NULL, O_SEED },
    { "epochs", required_argument, NULL, O_EPOCHS },
    { "samples", required_argument, NULL, O_SAMPLES },
    { "test-samples", required_argument, NULL, O_TEST_SAMPLES },
    { "waves", required_argument, NULL, O_WAVES },
    { "wave-cores", required_argument, NULL, O_WAVE_CORES },
    { "wave-neurons", required_argument, NULL, O_WAVE_NEURONS },
    { "wave-samples", required_argument, NULL, O_WAVE_SAMPLES },
    { "wave-cycles", required_argument, NULL, O_WAVE_CYCLES },
    { "quiet", no_argument, NULL, O_QUIET },
    { "help", no_argument, NULL, O_HELP },
    { NULL, 0, NULL, 0 },
};

/* An option as one command sees it: the lines `CMD --help` shows for it, or, for
 * an option the command does not take, why (a refused option is a usage error:
 * silently ignoring one made `sweep --out` write nothing). */
struct command_option {
    int id;
    const char *help;       /* NULL: refused */
    const char *why_not;
};
#define TAKES(id, help) { id, help, NULL }
#define REFUSES(id, why) { id, NULL, why }

#define H_ENGINE                                                                                            \
    "  --engine NAME       golden (the bit-defining model), chip (cycle-level, counts cycles and flits)\n" \
    "                      or systemc (the same chip as SystemC modules; chip.rtl swaps in RTL routers)\n"
#define H_CHECK "  --check             chip engines: assert that no flit is left in flight at any step boundary\n"
#define H_OUT "  --out FILE          write the result JSON (chip engines: FILE.energy.csv beside it)\n"
#define H_SET "  --set KEY=VALUE     override any config key (dotted), repeatable\n"
#define H_SEED "  --seed N            training.seed\n"
#define H_EPOCHS "  --epochs N          training.epochs\n"
#define H_SAMPLES "  --samples N         use only the first N training samples\n"
#define H_TEST_SAMPLES "  --test-samples N    use only the first N test samples\n"
#define H_WAVES                                                                                             \
    "  --waves FILE        chip engine: write waveforms (.fst or .vcd) and FILE.gtkw for GTKWave;\n"       \
    "                      systemc: an sc_trace VCD (.vcd) with the same signal names\n"
#define H_WAVE_CORES "  --wave-cores LIST   cores to dump: all or indices, e.g. 0,4,6\n"
#define H_WAVE_NEURONS "  --wave-neurons N    first N neurons of each dumped core (output core: all)\n"
#define H_WAVE_SAMPLES "  --wave-samples [A:]N  dump N samples from A (0 = all)\n"
#define H_WAVE_CYCLES                                                                                       \
    "  --wave-cycles A[:B] only cycles A..B\n"                                                             \
    "                      (the --wave* options set waves.file, .cores, ...: defaults in the workload's waves section)\n"
#define H_QUIET "  --quiet             no progress output\n"
#define H_HELP "  --help              this text\n"

#define WHY_TRAIN_CSV "train writes its result with --out"
#define WHY_SWEEP_WAVES "one run, one dump: dump a point with ssnnsim train"
#define WHY_NOC_TRAINS "the NoC alone trains nothing"
#define WHY_NOC_DATA "the NoC alone runs synthetic traffic, no dataset"

struct command {
    const char *name;
    const char *summary;
    const char *intro;      /* before the options in --help, or "" */
    const char *engines[4]; /* the --engine values it runs (NULL-ended), the default first */
    const char *why_not_engine; /* for the others */
    const char *seed_key;   /* what --seed sets */
    struct command_option options[24];  /* ended by id 0 */
};

static const struct command commands[] = {
    { "train", "train SSNN-BP (and the float ANN baseline) and evaluate it", "",
      { "golden", "chip", "systemc", NULL }, NULL, "training.seed",
      { TAKES(O_ENGINE, H_ENGINE), TAKES(O_CHECK, H_CHECK),
        TAKES(O_RESUME, "  --resume CKPT       continue from a checkpoint (identical final weights)\n"),
        TAKES(O_CHECKPOINT, "  --checkpoint FILE   write a checkpoint after every epoch (default: training.checkpoint)\n"),
        TAKES(O_OUT, H_OUT), REFUSES(O_CSV, WHY_TRAIN_CSV),
        TAKES(O_SET, H_SET), TAKES(O_SEED, H_SEED), TAKES(O_EPOCHS, H_EPOCHS), TAKES(O_SAMPLES, H_SAMPLES),
        TAKES(O_TEST_SAMPLES, H_TEST_SAMPLES), TAKES(O_WAVES, H_WAVES), TAKES(O_WAVE_CORES, H_WAVE_CORES),
        TAKES(O_WAVE_NEURONS, H_WAVE_NEURONS), TAKES(O_WAVE_SAMPLES, H_WAVE_SAMPLES),
        TAKES(O_WAVE_CYCLES, H_WAVE_CYCLES), TAKES(O_QUIET, H_QUIET), TAKES(O_HELP, H_HELP) } },
    { "infer", "evaluate a checkpoint on the test set (WTA and rate read-outs)", "",
      { "golden", "chip", "systemc", NULL }, NULL, "training.seed",
      { TAKES(O_ENGINE, H_ENGINE), TAKES(O_CHECK, H_CHECK),
        REFUSES(O_RESUME, "infer reads the checkpoint to evaluate from --checkpoint"),
        TAKES(O_CHECKPOINT, "  --checkpoint FILE   the checkpoint to evaluate (required)\n"),
        TAKES(O_OUT, H_OUT), REFUSES(O_CSV, "infer writes its result with --out"),
        TAKES(O_SET, H_SET),
        /* Only the settings that say what the weights are must match the checkpoint's;
         * the seed still draws the evaluation's spikes. */
        TAKES(O_SEED, "  --seed N            training.seed: seeds the evaluation's random streams\n"),
        REFUSES(O_EPOCHS, "infer evaluates a checkpoint; it trains no epoch"),
        REFUSES(O_SAMPLES, "infer trains nothing; --test-samples sets how many test samples it evaluates"),
        TAKES(O_TEST_SAMPLES, H_TEST_SAMPLES), TAKES(O_WAVES, H_WAVES), TAKES(O_WAVE_CORES, H_WAVE_CORES),
        TAKES(O_WAVE_NEURONS, H_WAVE_NEURONS), TAKES(O_WAVE_SAMPLES, H_WAVE_SAMPLES),
        TAKES(O_WAVE_CYCLES, H_WAVE_CYCLES), TAKES(O_QUIET, H_QUIET), TAKES(O_HELP, H_HELP) } },
    { "sweep", "run a sweep file: one design point per combination of values",
      "  CONFIG is a sweep file (workloads/sweeps/*.yaml); writes CSV and a plot\n",
      { "golden", "chip", "systemc", NULL }, NULL, "training.seed",  /* sweep_command explains systemc */
      { TAKES(O_ENGINE, "  --engine NAME       golden (the bit-defining model) or chip (cycle-level: adds energy columns\n"
                        "                      and the accuracy/energy Pareto front)\n"),
        TAKES(O_CHECK, H_CHECK),
        REFUSES(O_RESUME, "every point of a sweep is a fresh training run"),
        REFUSES(O_CHECKPOINT, "every point of a sweep is a fresh training run"),
        REFUSES(O_OUT, "the sweep writes its table with --csv"),
        TAKES(O_CSV, "  --csv FILE          where the table goes (default: results/<sweep>.csv; plot beside it)\n"),
        TAKES(O_SET, "  --set KEY=VALUE     override any config key (dotted) at every point, repeatable\n"),
        TAKES(O_SEED, H_SEED), TAKES(O_EPOCHS, H_EPOCHS), TAKES(O_SAMPLES, H_SAMPLES),
        TAKES(O_TEST_SAMPLES, H_TEST_SAMPLES), REFUSES(O_WAVES, WHY_SWEEP_WAVES),
        REFUSES(O_WAVE_CORES, WHY_SWEEP_WAVES), REFUSES(O_WAVE_NEURONS, WHY_SWEEP_WAVES),
        REFUSES(O_WAVE_SAMPLES, WHY_SWEEP_WAVES), REFUSES(O_WAVE_CYCLES, WHY_SWEEP_WAVES),
        TAKES(O_QUIET, H_QUIET), TAKES(O_HELP, H_HELP) } },
    { "noc", "the mesh NoC alone under synthetic traffic: latency and throughput vs offered load", "",
      { "chip", "systemc", NULL }, "the network has no golden model: chip or systemc", "noc.seed",
      { TAKES(O_ENGINE, "  --engine NAME       chip (the native mesh) or systemc (the same network as SystemC modules;\n"
                        "                      chip.rtl swaps in RTL routers): the same table, CSV and JSON\n"),
        REFUSES(O_CHECK, "noc checks flit conservation at every rate point anyway"),
        REFUSES(O_RESUME, WHY_NOC_TRAINS), REFUSES(O_CHECKPOINT, WHY_NOC_TRAINS),
        TAKES(O_OUT, "  --out FILE          write the result JSON\n"),
        TAKES(O_CSV, "  --csv FILE          where the table goes (default: results/noc-<config>.csv; plot beside it)\n"),
        TAKES(O_SET, H_SET), TAKES(O_SEED, "  --seed N            noc.seed (the traffic's random streams)\n"),
        REFUSES(O_EPOCHS, WHY_NOC_TRAINS), REFUSES(O_SAMPLES, WHY_NOC_DATA), REFUSES(O_TEST_SAMPLES, WHY_NOC_DATA),
        TAKES(O_WAVES, "  --waves FILE        write the routers' port signals (.fst or .vcd) and FILE.gtkw for GTKWave\n"),
        TAKES(O_WAVE_CORES, "  --wave-cores LIST   routers to dump: all or ids y * mesh_x + x, e.g. 0,9\n"),
        REFUSES(O_WAVE_NEURONS, "noc dumps routers, which have no neurons"),
        TAKES(O_WAVE_SAMPLES, "  --wave-samples [A:]N  dump N rate points from A (0 = all)\n"),
        TAKES(O_WAVE_CYCLES, "  --wave-cycles A[:B] only cycles A..B of the sweep\n"
                             "                      (the --wave* options set waves.file, .cores, ...: defaults in the workload's waves section)\n"),
        TAKES(O_QUIET, H_QUIET), TAKES(O_HELP, H_HELP) } },
    { NULL, NULL, NULL, { NULL }, NULL, NULL, { { 0, NULL, NULL } } },
};

static const char *option_name(int id)
{
    for (const struct option *o = options; o->name; o++)
        if (o->val == id) return o->name;
    return "?";
}

static const struct command_option *command_option(const struct command *c, int id)
{
    for (const struct command_option *o = c->options; o->id; o++)
        if (o->id == id) return o;
    return NULL;
}

static void usage_main(FILE *f)
{
    fprintf(f, "usage: ssnnsim <command> CONFIG.yaml [options]\n\ncommands:\n");
    for (const struct command *c = commands; c->name; c++) fprintf(f, "  %-8s %s\n", c->name, c->summary);
    fprintf(f, "\nssnnsim <command> --help shows the options of a command; ssnnsim --version\n");
}

static void usage_command(FILE *f, const struct command *c)
{
    fprintf(f, "usage: ssnnsim %s CONFIG.yaml [options]\n%s\n\n%s", c->name, c->summary, c->intro);
    for (const struct command_option *o = c->options; o->id; o++)
        if (o->help) fputs(o->help, f);
}

/* 0 when `cmd` takes option `id`, else the usage error's exit status after its line. */
static int refuse_option(const struct command *cmd, int id)
{
    const struct command_option *o = command_option(cmd, id);
    if (o && o->help) return 0;
    fprintf(stderr, "ssnnsim %s: --%s does not apply (%s)\n", cmd->name, option_name(id),
            o ? o->why_not : "not an option of this command");
    return 2;
}

static int too_many_overrides(const struct command *cmd, int id)
{
    fprintf(stderr, "ssnnsim %s: --%s: more than %d overrides (--set and the options that set a key count together)\n",
            cmd->name, option_name(id), MAX_SETS);
    return 2;
}

/* What a run writes: its outputs by identity (run_files.h) and the locks it holds
 * on them (output_lock.h), from before its work starts until it ends. */
#define MAX_OUTPUTS 4       /* --out, --checkpoint, --waves, --csv: each with its lock */
struct run_outputs {
    struct run_files files;
    struct output_lock locks[MAX_OUTPUTS];
    const char *locked[MAX_OUTPUTS];
    char named[MAX_OUTPUTS][1200];
    int n;
};

static void release_outputs(struct run_outputs *ro)
{
    for (int i = 0; i < ro->n; i++) output_lock_release(&ro->locks[i]);
    ro->n = 0;
    run_files_free(&ro->files);
}

/* A file the run writes, made ready (output_path.h) with the files written beside
 * it, and compared with the outputs before it; named by its option, or by its
 * config key where the file set it. 0 or 2. */
static int prepare_output(struct run_outputs *outs, const struct command *cmd, const struct config *cfg,
                          const char *option, const char *key, const char *path, const char *beside1,
                          const char *beside2, enum run_file_role role)
{
    char why[1400], where[400], *named = outs->named[outs->n], what[1300], named2[2600], what2[1400];
    if (option) {
        snprintf(named, sizeof outs->named[0], "ssnnsim %s: %s %s", cmd->name, option, path);
        snprintf(what, sizeof what, "also %s", option);
    } else {
        config_where(cfg, key, where, sizeof where);
        snprintf(named, sizeof outs->named[0], "%s: %s: '%s'", where, key, path);
        snprintf(what, sizeof what, "also %s (%s)", key, where);
    }
    if (output_path_prepare(path, why, sizeof why)) {
        fprintf(stderr, "%s: %s\n", named, why);
        return 2;
    }
    const char *beside[2] = { beside1, beside2 };
    for (int i = 0; i < 2; i++)
        if (beside[i] && output_path_prepare(beside[i], why, sizeof why)) {
            fprintf(stderr, "%s: %s (written beside it): %s\n", named, beside[i], why);
            return 2;
        }
    if (run_files_output(&outs->files, path, role, named, what, why, sizeof why)) {
        fprintf(stderr, "%s\n", why);
        return 2;
    }
    for (int i = 0; i < 2; i++) {
        if (!beside[i]) continue;
        snprintf(named2, sizeof named2, "%s: %s (written beside it)", named, beside[i]);
        snprintf(what2, sizeof what2, "the file written beside %s", option ? option : key);
        if (run_files_output(&outs->files, beside[i], RF_PLAIN, named2, what2, why, sizeof why)) {
            fprintf(stderr, "%s\n", why);
            return 2;
        }
    }
    outs->locks[outs->n] = (struct output_lock){ -1, NULL };
    outs->locked[outs->n++] = path;     /* locked once every file has been compared */
    return 0;
}

/* Every file the command will write, checked before any data is read or any run
 * starts (cfg is NULL for sweep, which writes its table): made ready, compared
 * with each other and with what the run reads (`sweep` compares its points' files
 * as it loads them), then locked. Rank 0 alone writes, so it alone checks; the
 * other ranks stop with it. 0 or 2. */
static int prepare_outputs(struct run_outputs *outs, const struct command *cmd, const char *path,
                           const struct config *cfg, const struct run_opts *ro, const char *csv, int waves_option)
{
    int64_t rc = 0;
    int chip = strcmp(ro->engine, "golden") != 0;
    int train = !strcmp(cmd->name, "train");
    char b1[1100], b2[1100], why[1600];
    if (world_rank() == 0) {
        if (csv) {
            const char *pareto = !strcmp(cmd->name, "sweep") && !strcmp(ro->engine, "chip")
                                     ? output_path_beside(csv, ".csv", ".pareto.csv", b2, sizeof b2)
                                     : NULL;
            rc = prepare_output(outs, cmd, cfg, "--csv", NULL, csv,
                                output_path_beside(csv, ".csv", ".png", b1, sizeof b1), pareto, RF_PLAIN);
        }
        if (!rc && ro->out)
            rc = prepare_output(outs, cmd, cfg, "--out", NULL, ro->out,
                                chip ? energy_csv_path(ro->out, b1, sizeof b1) : NULL, NULL, RF_PLAIN);
        if (!rc && train) {
            if (ro->checkpoint)
                rc = prepare_output(outs, cmd, cfg, "--checkpoint", NULL, ro->checkpoint, NULL, NULL, RF_CHECKPOINT);
            else if (cfg->training.checkpoint[0])
                rc = prepare_output(outs, cmd, cfg, NULL, "training.checkpoint", cfg->training.checkpoint, NULL, NULL,
                                    RF_CHECKPOINT);
        }
        /* Only the engines that dump take it (the golden one refuses it); the save
         * file replaces the .fst or .vcd the schema requires, and SystemC writes none. */
        if (!rc && ro->waves && (chip || !strcmp(cmd->name, "noc"))) {
            const char *ext = ro->waves + strlen(ro->waves) - 4;
            rc = prepare_output(outs, cmd, cfg, waves_option ? "--waves" : NULL, "waves.file", ro->waves,
                                strcmp(ro->engine, "systemc") ? output_path_beside(ro->waves, ext, ".gtkw", b1, sizeof b1)
                                                              : NULL,
                                NULL, RF_PLAIN);
        }
        /* What the run reads: the sweep file, or the configuration's files and (to
         * train or evaluate) its datasets; the checkpoint it resumes or evaluates. */
        int bad = 0;
        if (!rc && !cfg) bad = run_files_input(&outs->files, path, RF_PLAIN, "the sweep file being read", why, sizeof why);
        if (!rc && cfg) bad = run_files_config(&outs->files, cfg, strcmp(cmd->name, "noc") != 0, why, sizeof why);
        if (!rc && !bad && ro->resume)
            bad = run_files_input(&outs->files, ro->resume, RF_RESUMED,
                                  train ? "the checkpoint --resume reads" : "the checkpoint --checkpoint evaluates", why,
                                  sizeof why);
        if (bad) {
            fprintf(stderr, "%s\n", why);
            rc = 2;
        }
        for (int i = 0; !rc && i < outs->n; i++)
            if (output_lock_take(outs->locked[i], &outs->locks[i], why, sizeof why)) {
                fprintf(stderr, "%s: %s\n", outs->named[i], why);
                rc = 2;
            }
    }
    world_max_i64(&rc, 1);
    return (int)rc;
}

/* The command named by argv[1]; NULL with *rc the exit code when there is none to
 * run (--version, --help, an unknown or missing command). */
static const struct command *find_command(int argc, char **argv, int *rc)
{
    *rc = 2;
    if (argc < 2) {
        usage_main(stderr);
        return NULL;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ssnnsim %s\n", SSNNSIM_VERSION);
        *rc = 0;
        return NULL;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_main(stdout);
        *rc = 0;
        return NULL;
    }
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(c->name, argv[1])) return c;
    fprintf(stderr, "ssnnsim: unknown command '%s'\n", argv[1]);
    usage_main(stderr);
    return NULL;
}

/* What the options of one command line say: the run options and the overrides,
 * which keep command-line order (shorthand options are overrides too). */
struct parsed {
    struct run_opts ro;
    struct config_override sets[MAX_SETS];
    int n_sets;
    const char *csv;
    int waves_option;           /* --waves given: waves.file came from it */
};

/* "--name" of option c, as messages about its value name it. */
static const char *option_label(int c)
{
    static char label[sizeof options / sizeof *options][32];
    for (size_t i = 0; options[i].name; i++)
        if (options[i].val == c) {
            if (!label[i][0]) snprintf(label[i], sizeof label[i], "--%s", options[i].name);
            return label[i];
        }
    return "--set";
}

/* An override from option c. A --set's position is "--set:N:col", N counting the
 * --set options (config_load numbers the overrides without a file); a shorthand's
 * value is named by its option ("--samples:1:1"), so that it does not shift the
 * numbers of the --set options after it. `col`: where in the option's value this
 * override's part starts (B of --wave-cycles A:B starts after the colon). */
static void add_override(struct parsed *p, int c, const char *text, int col)
{
    static char set_text[MAX_SETS][600];
    char *t = set_text[p->n_sets];
    snprintf(t, sizeof set_text[0], "%s", text);
    p->sets[p->n_sets++] = c == O_SET ? (struct config_override){ .text = t }
                                      : (struct config_override){ t, option_label(c), 1, 1, col };
}

/* The waves options as overrides of the waves section: [A:]N for samples (first,
 * count), A[:B] for cycles (first, last); the schema checks the numbers. */
static int wave_overrides(const struct command *cmd, int c, const char *arg, struct parsed *p)
{
    char one[600], two[600] = "";
    const char *colon = strchr(arg, ':');
    int split = colon && (c == O_WAVE_SAMPLES || c == O_WAVE_CYCLES);
    if (c == O_WAVES) {
        p->waves_option = 1;
        /* Single-quoted YAML, so that any file name stays a string. */
        size_t k = (size_t)snprintf(one, sizeof one, "waves.file='");
        for (const char *q = arg; *q && k + 3 < sizeof one; q++) {
            if (*q == '\'') one[k++] = '\'';
            one[k++] = *q;
        }
        snprintf(one + k, sizeof one - k, "'");
    } else if (c == O_WAVE_CORES) {
        snprintf(one, sizeof one, "waves.cores=%s", arg);
    } else if (c == O_WAVE_NEURONS) {
        snprintf(one, sizeof one, "waves.neurons=%s", arg);
    } else if (c == O_WAVE_SAMPLES) {
        snprintf(one, sizeof one, "waves.sample_first=%.*s", split ? (int)(colon - arg) : 1, split ? arg : "0");
        snprintf(two, sizeof two, "waves.samples=%s", split ? colon + 1 : arg);
    } else {
        snprintf(one, sizeof one, "waves.cycle_first=%.*s", split ? (int)(colon - arg) : (int)strlen(arg), arg);
        snprintf(two, sizeof two, "waves.cycle_last=%s", split ? colon + 1 : "0");
    }
    if (p->n_sets + 2 > MAX_SETS) return too_many_overrides(cmd, c);
    add_override(p, c, one, 1);
    if (*two) add_override(p, c, two, split ? (int)(colon - arg) + 2 : 1);
    return 0;
}

/* The options after the command. -1 to go on, or the exit code (--help: 0). */
static int parse_options(const struct command *cmd, int argc, char **argv, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    p->ro.engine = cmd->engines[0];
    optind = 2;
    int c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        const char *key = NULL;
        if (c >= O_ENGINE && refuse_option(cmd, c)) return 2;
        if ((c == O_OUT || c == O_CHECKPOINT || c == O_RESUME || c == O_CSV || c == O_WAVES) && !*optarg) {
            fprintf(stderr, "ssnnsim %s: --%s: empty file name\n", cmd->name, option_name(c));
            return 2;
        }
        switch (c) {
        case O_ENGINE: p->ro.engine = optarg; break;
        case O_OUT: p->ro.out = optarg; break;
        case O_QUIET: p->ro.quiet = 1; break;
        case O_CHECK: p->ro.check = 1; break;
        case O_RESUME: p->ro.resume = optarg; break;
        case O_CHECKPOINT:
            if (!strcmp(cmd->name, "infer")) p->ro.resume = optarg;
            else p->ro.checkpoint = optarg;
            break;
        case O_CSV: p->csv = optarg; break;
        case O_HELP: usage_command(stdout, cmd); return 0;
        case O_WAVES:
        case O_WAVE_CORES:
        case O_WAVE_NEURONS:
        case O_WAVE_SAMPLES:
        case O_WAVE_CYCLES:
            if (wave_overrides(cmd, c, optarg, p)) return 2;
            break;
        case O_SET: key = ""; break;
        case O_SEED: key = cmd->seed_key; break;
        case O_EPOCHS: key = "training.epochs"; break;
        case O_SAMPLES: key = "training.samples"; break;
        case O_TEST_SAMPLES: key = "training.test_samples"; break;
        default: usage_command(stderr, cmd); return 2;
        }
        if (key) {
            if (p->n_sets == MAX_SETS) return too_many_overrides(cmd, c);
            char text[600];
            if (*key) snprintf(text, sizeof text, "%s=%s", key, optarg);
            else snprintf(text, sizeof text, "%s", optarg);
            add_override(p, c, text, 1);
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, optind >= argc ? "ssnnsim %s: missing CONFIG.yaml\n"
                                       : "ssnnsim %s: expected one CONFIG.yaml, got more arguments\n",
                cmd->name);
        usage_command(stderr, cmd);
        return 2;
    }
    return -1;
}

/* The engine exists, serves this command, and --check has a chip to check. */
static int check_engine(const struct command *cmd, const struct run_opts *ro)
{
    if (strcmp(ro->engine, "golden") && strcmp(ro->engine, "chip") && strcmp(ro->engine, "systemc")) {
        fprintf(stderr, "ssnnsim: unknown engine '%s' (golden, chip, systemc)\n", ro->engine);
        return 2;
    }
    int engine_known = 0;
    for (const char *const *e = cmd->engines; *e; e++) engine_known |= !strcmp(*e, ro->engine);
    if (!engine_known) {
        fprintf(stderr, "ssnnsim %s: --engine %s does not apply (%s)\n", cmd->name, ro->engine, cmd->why_not_engine);
        return 2;
    }
    if (ro->check && !strcmp(ro->engine, "golden")) {
        fprintf(stderr, "ssnnsim %s: --check does not apply to --engine golden (it checks the chip's network: "
                "--engine chip or systemc)\n", cmd->name);
        return 2;
    }
    return 0;
}

static struct run_outputs outs;     /* held until the command returns */

/* `sweep`: its table goes beside the sweep file unless --csv names one. */
static int run_sweep(const struct command *cmd, const char *path, struct parsed *p)
{
    char err[1024], table[1024];
    if (!p->csv && sweep_table_path(path, table, sizeof table, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (!p->csv) p->csv = table;
    int rc = prepare_outputs(&outs, cmd, path, NULL, &p->ro, p->csv, 0);
    p->ro.files = &outs.files;     /* its points' files are compared as they are loaded */
    if (!rc) rc = sweep_command(path, p->sets, p->n_sets, p->csv, &p->ro);
    release_outputs(&outs);
    return rc;
}

/* train, infer, noc: one config, its waves selection, its outputs, the command. */
static int run_config(const struct command *cmd, const char *path, struct parsed *p)
{
    char err[1024], table[1024];
    static struct config cfg;
    if (config_load(path, p->sets, p->n_sets, &cfg, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct run_opts *ro = &p->ro;
    const struct waves_cfg *wc = &cfg.waves;
    ro->waves = wc->file[0] ? wc->file : NULL;
    snprintf(ro->wave_sel.cores, sizeof ro->wave_sel.cores, "%s", wc->cores);
    ro->wave_sel.neurons = wc->neurons;
    ro->wave_sel.sample_first = wc->sample_first;
    ro->wave_sel.samples = wc->samples;
    ro->wave_sel.cycle_first = (uint64_t)wc->cycle_first;
    ro->wave_sel.cycle_last = (uint64_t)wc->cycle_last;
    if (!strcmp(cmd->name, "noc")) {
        if (noc_check_config(&cfg, err, sizeof err)) {     /* a refused config makes no directory */
            fprintf(stderr, "%s\n", err);
            return 2;
        }
        if (!p->csv) p->csv = noc_table_path(&cfg, table, sizeof table);
    }
    int rc = prepare_outputs(&outs, cmd, path, &cfg, ro, p->csv, p->waves_option);
    if (!rc && !strcmp(cmd->name, "train")) rc = train_command(&cfg, ro);
    else if (!rc && !strcmp(cmd->name, "noc")) rc = noc_command(&cfg, ro, p->csv);
    else if (!rc) rc = infer_command(&cfg, ro);
    release_outputs(&outs);
    return rc;
}

static int run(int argc, char **argv)
{
    int rc;
    const struct command *cmd = find_command(argc, argv, &rc);
    if (!cmd) return rc;
    static struct parsed p;
    if ((rc = parse_options(cmd, argc, argv, &p)) >= 0) return rc;
    if (check_engine(cmd, &p.ro)) return 2;
    /* Several MPI ranks: train, infer and noc cut the mesh over them, a sweep
     * spreads its points; rank 0 alone writes and prints. */
    p.ro.partition = world_size() > 1;
    if (world_rank() > 0) {
        p.ro.mute = p.ro.quiet = 1;
        p.ro.out = NULL;
    }
    const char *path = argv[optind];
    return !strcmp(cmd->name, "sweep") ? run_sweep(cmd, path, &p) : run_config(cmd, path, &p);
}

int main(int argc, char **argv)
{
    char err[512];
    if (world_init(&argc, &argv, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    /* Only rank 0 speaks: the others run the same command silently (a failure
     * in a partitioned run reaches rank 0 with the failing rank's message, or
     * that rank prints it on the real stderr before ending the job: world_fail). */
    if (world_rank() > 0 && world_mute()) world_abort(1);
    int rc = run(argc, argv);
    world_finish();
    return rc;
}
