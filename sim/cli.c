/* ssnnsim command line: `ssnnsim <command> CONFIG.yaml [options]`.
 * The only place that chooses exit codes: 0 ok, 1 runtime failure, 2 bad input
 * or usage. Options that set config keys (--seed, --epochs, ...) become --set
 * overrides, so they are validated exactly like the YAML. */
#include "config.h"
#include "mpi_world.h"
#include "noc.h"
#include "sweep.h"
#include "train.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SSNNSIM_VERSION "0.1.0"
#define MAX_SETS 256

struct command {
    const char *name;
    const char *summary;
    const char *usage;      /* command-specific options */
};

static const struct command commands[] = {
    { "train", "train SSNN-BP (and the float ANN baseline) and evaluate it",
      "  --resume CKPT       continue from a checkpoint (identical final weights)\n"
      "  --checkpoint FILE   write a checkpoint after every epoch (default: training.checkpoint)\n" },
    { "infer", "evaluate a checkpoint on the test set (WTA and rate read-outs)",
      "  --checkpoint FILE   the checkpoint to evaluate (required)\n" },
    { "sweep", "run a sweep file: one design point per combination of values",
      "  CONFIG is a sweep file (workloads/sweeps/*.yaml); writes CSV and a plot\n"
      "  --csv FILE          where the table goes (default: results/<sweep>.csv)\n" },
    { "noc", "the mesh NoC alone under synthetic traffic: latency and throughput vs offered load",
      "  --csv FILE          where the table goes (default: results/noc-<config>.csv; plot beside it)\n" },
    { NULL, NULL, NULL },
};

static void usage_main(FILE *f)
{
    fprintf(f, "usage: ssnnsim <command> CONFIG.yaml [options]\n\ncommands:\n");
    for (const struct command *c = commands; c->name; c++) fprintf(f, "  %-8s %s\n", c->name, c->summary);
    fprintf(f, "\nssnnsim <command> --help shows the options of a command; ssnnsim --version\n");
}

static void usage_command(FILE *f, const struct command *c)
{
    fprintf(f, "usage: ssnnsim %s CONFIG.yaml [options]\n%s\n\n%s", c->name, c->summary, c->usage);
    fprintf(f,
            "  --engine NAME       golden (the bit-defining model), chip (cycle-level, counts cycles and flits)\n"
            "                      or systemc (the same chip as SystemC modules; chip.rtl swaps in RTL routers)\n"
            "  --check             chip: assert that no flit is left in flight at any step boundary\n"
            "  --waves FILE        chip engine or noc: write waveforms (.fst or .vcd) and FILE.gtkw for GTKWave;\n"
            "                      systemc: an sc_trace VCD (.vcd) with the same signal names\n"
            "  --wave-cores LIST   cores (noc: routers) to dump: all or indices, e.g. 0,4,6\n"
            "  --wave-neurons N    first N neurons of each dumped core (output core: all)\n"
            "  --wave-samples [A:]N  dump N samples (noc: rate points) from A (0 = all)\n"
            "  --wave-cycles A[:B] only cycles A..B\n"
            "                      (these set waves.file, .cores, ...: defaults in the workload's waves section)\n"
            "  --set KEY=VALUE     override any config key (dotted), repeatable\n"
            "  --out FILE          write the result JSON\n"
            "  --seed N            training.seed\n"
            "  --epochs N          training.epochs\n"
            "  --samples N         use only the first N training samples\n"
            "  --test-samples N    use only the first N test samples\n"
            "  --quiet             no progress output\n"
            "  --help              this text\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ssnnsim %s\n", SSNNSIM_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_main(stdout);
        return 0;
    }
    const struct command *cmd = NULL;
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(c->name, argv[1])) cmd = c;
    if (!cmd) {
        fprintf(stderr, "ssnnsim: unknown command '%s'\n", argv[1]);
        usage_main(stderr);
        return 2;
    }

    enum { O_ENGINE = 256, O_SET, O_OUT, O_SEED, O_EPOCHS, O_SAMPLES, O_TEST_SAMPLES, O_QUIET,
           O_RESUME, O_CHECKPOINT, O_CSV, O_HELP, O_WAVES, O_CHECK, O_WAVE_CORES, O_WAVE_NEURONS, O_WAVE_SAMPLES, O_WAVE_CYCLES };
    static const struct option opts[] = {
        { "engine", required_argument, NULL, O_ENGINE },
        { "set", required_argument, NULL, O_SET },
        { "out", required_argument, NULL, O_OUT },
        { "seed", required_argument, NULL, O_SEED },
        { "epochs", required_argument, NULL, O_EPOCHS },
        { "samples", required_argument, NULL, O_SAMPLES },
        { "test-samples", required_argument, NULL, O_TEST_SAMPLES },
        { "quiet", no_argument, NULL, O_QUIET },
        { "resume", required_argument, NULL, O_RESUME },
        { "checkpoint", required_argument, NULL, O_CHECKPOINT },
        { "csv", required_argument, NULL, O_CSV },
        { "waves", required_argument, NULL, O_WAVES },
        { "help", no_argument, NULL, O_HELP },
        { "check", no_argument, NULL, O_CHECK },
        { "wave-cores", required_argument, NULL, O_WAVE_CORES },
        { "wave-neurons", required_argument, NULL, O_WAVE_NEURONS },
        { "wave-samples", required_argument, NULL, O_WAVE_SAMPLES },
        { "wave-cycles", required_argument, NULL, O_WAVE_CYCLES },
        { NULL, 0, NULL, 0 },
    };
    /* Overrides keep command-line order; shorthand options are overrides too. */
    static char set_text[MAX_SETS][600];
    struct config_override sets[MAX_SETS];
    int n_sets = 0;
    struct run_opts ro = { .engine = "golden" };
    int wave_options = 0;       /* the waves section comes from YAML; these override it */
    const char *csv = NULL;
    optind = 2;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case O_ENGINE: ro.engine = optarg; break;
        case O_OUT: ro.out = optarg; break;
        case O_QUIET: ro.quiet = 1; break;
        case O_CHECK: ro.check = 1; break;
        case O_RESUME: ro.resume = optarg; break;
        case O_CHECKPOINT:
            if (!strcmp(cmd->name, "infer")) ro.resume = optarg;
            else ro.checkpoint = optarg;
            break;
        case O_CSV: csv = optarg; break;
        case O_HELP: usage_command(stdout, cmd); return 0;
        case O_WAVES:
        case O_WAVE_CORES:
        case O_WAVE_NEURONS:
        case O_WAVE_SAMPLES:
        case O_WAVE_CYCLES: {
            /* Overrides of the waves section: [A:]N for samples (first, count),
             * A[:B] for cycles (first, last); the schema checks the numbers. */
            char one[600], two[600] = "";
            const char *colon = strchr(optarg, ':');
            int split = colon && (c == O_WAVE_SAMPLES || c == O_WAVE_CYCLES);
            if (c == O_WAVES) {
                /* Single-quoted YAML, so that any file name stays a string. */
                size_t k = (size_t)snprintf(one, sizeof one, "waves.file='");
                for (const char *q = optarg; *q && k + 3 < sizeof one; q++) {
                    if (*q == '\'') one[k++] = '\'';
                    one[k++] = *q;
                }
                snprintf(one + k, sizeof one - k, "'");
            } else if (c == O_WAVE_CORES) {
                snprintf(one, sizeof one, "waves.cores=%s", optarg);
            } else if (c == O_WAVE_NEURONS) {
                snprintf(one, sizeof one, "waves.neurons=%s", optarg);
            } else if (c == O_WAVE_SAMPLES) {
                snprintf(one, sizeof one, "waves.sample_first=%.*s", split ? (int)(colon - optarg) : 1,
                         split ? optarg : "0");
                snprintf(two, sizeof two, "waves.samples=%s", split ? colon + 1 : optarg);
            } else {
                snprintf(one, sizeof one, "waves.cycle_first=%.*s", split ? (int)(colon - optarg) : (int)strlen(optarg),
                         optarg);
                snprintf(two, sizeof two, "waves.cycle_last=%s", split ? colon + 1 : "0");
            }
            if (n_sets + 2 > MAX_SETS) {
                fprintf(stderr, "ssnnsim: more than %d overrides\n", MAX_SETS);
                return 2;
            }
            for (int i = 0; i < 2; i++) {
                const char *t = i ? two : one;
                if (!*t) continue;
                snprintf(set_text[n_sets], sizeof set_text[n_sets], "%s", t);
                sets[n_sets] = (struct config_override){ .text = set_text[n_sets] };
                n_sets++;
            }
            wave_options++;
            break;
        }
        case O_SET: key = ""; break;
        case O_SEED: key = "training.seed"; break;
        case O_EPOCHS: key = "training.epochs"; break;
        case O_SAMPLES: key = "training.samples"; break;
        case O_TEST_SAMPLES: key = "training.test_samples"; break;
        default: usage_command(stderr, cmd); return 2;
        }
        if (key) {
            if (n_sets == MAX_SETS) {
                fprintf(stderr, "ssnnsim: more than %d overrides\n", MAX_SETS);
                return 2;
            }
            if (*key) snprintf(set_text[n_sets], sizeof set_text[n_sets], "%s=%s", key, optarg);
            else snprintf(set_text[n_sets], sizeof set_text[n_sets], "%s", optarg);
            sets[n_sets] = (struct config_override){ .text = set_text[n_sets] };  /* typed: no file position */
            n_sets++;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, optind >= argc ? "ssnnsim %s: missing CONFIG.yaml\n"
                                       : "ssnnsim %s: expected one CONFIG.yaml, got more arguments\n",
                cmd->name);
        usage_command(stderr, cmd);
        return 2;
    }
    if (strcmp(ro.engine, "golden") && strcmp(ro.engine, "chip") && strcmp(ro.engine, "systemc")) {
        fprintf(stderr, "ssnnsim: unknown engine '%s' (golden, chip, systemc)\n", ro.engine);
        return 2;
    }
    const char *path = argv[optind];
    /* Several MPI ranks: train, infer and noc cut the mesh over them, a sweep
     * spreads its points; rank 0 alone writes and prints. */
    ro.partition = world_size() > 1;
    if (world_rank() > 0) {
        ro.mute = ro.quiet = 1;
        ro.out = NULL;
    }
    if (!strcmp(cmd->name, "sweep")) {
        if (wave_options) {
            fprintf(stderr, "ssnnsim sweep: --waves and --wave-* are for train, infer and noc (one run, one dump)\n");
            return 2;
        }
        return sweep_command(path, sets, n_sets, csv, &ro);
    }

    static struct config cfg;
    char err[1024];
    if (config_load(path, sets, n_sets, &cfg, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const struct waves_cfg *wc = &cfg.waves;
    ro.waves = wc->file[0] ? wc->file : NULL;
    snprintf(ro.wave_sel.cores, sizeof ro.wave_sel.cores, "%s", wc->cores);
    ro.wave_sel.neurons = wc->neurons;
    ro.wave_sel.sample_first = wc->sample_first;
    ro.wave_sel.samples = wc->samples;
    ro.wave_sel.cycle_first = (uint64_t)wc->cycle_first;
    ro.wave_sel.cycle_last = (uint64_t)wc->cycle_last;
    if (!strcmp(cmd->name, "train")) return train_command(&cfg, &ro);
    if (!strcmp(cmd->name, "noc")) return noc_command(&cfg, &ro, csv);
    return infer_command(&cfg, &ro);
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
