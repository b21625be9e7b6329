/* The files one run writes, compared by identity with each other and with every
 * file it reads before any work starts: an output that is an input (`--out
 * my.yaml` would replace the config with the result) or another output (`--out x
 * --checkpoint x`) is refused. Two paths are the same file when they are the same
 * inode (device and inode number, symlinks followed: a hard link or a symlink is
 * caught); a path not there yet is its directory's inode and its name. Writing
 * the checkpoint the run resumed from is allowed: that is how a run goes on
 * (README.md). The outputs are recorded first, then each input is compared with
 * them, so a sweep's thousands of points keep nothing. */
#ifndef RUN_FILES_H
#define RUN_FILES_H
#include <stddef.h>
#include <stdint.h>

struct config;

enum run_file_role {
    RF_PLAIN,
    RF_RESUMED,             /* input: the checkpoint a run resumes from */
    RF_CHECKPOINT,          /* output: the checkpoint it writes, which may be that one */
};

struct run_file {
    enum run_file_role role;
    int exists;
    uint64_t dev, ino;      /* of the file, or, when it is not there yet, of its directory */
    char *name;             /* not there yet: its name in that directory */
    char *named;            /* as a message names it: "ssnnsim train: --out r.json" */
    char *what;             /* what a clash with another output says it is: "also --out" */
};

struct run_files {
    struct run_file *out;
    int n, cap;
};

/* Records an output and compares it with those recorded: 0, or -1 with the clash
 * as one line in err, "NAMED is WHAT" (the other output's `what`). An output whose
 * directory cannot be looked at is not recorded (writing it will fail first). */
int run_files_output(struct run_files *rf, const char *path, enum run_file_role role, const char *named,
                     const char *what, char *err, size_t errlen);
/* Compares an input with the outputs: 0, or -1 with "NAMED is WHAT" in err, NAMED
 * the output's and WHAT what the input is to the run ("the config being read"). */
int run_files_input(struct run_files *rf, const char *path, enum run_file_role role, const char *what, char *err,
                    size_t errlen);
/* The configuration's files (the config, extends:, section files, by the inode
 * they were read from) and, with `datasets`, the dataset files it names. */
int run_files_config(struct run_files *rf, const struct config *cfg, int datasets, char *err, size_t errlen);

void run_files_free(struct run_files *rf);
#endif
