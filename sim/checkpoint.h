/* Training checkpoints: everything needed to continue a run bit for bit
 * (conductance states, device parameters, every random stream, counters, the
 * ANN baseline, the per-epoch history, the position in the run).
 * Written atomically: a temporary file, fsync, rename, fsync of the directory,
 * so a crash at any moment leaves the previous checkpoint intact. A SHA-256 of
 * the contents closes the file and is checked on load. */
#ifndef CHECKPOINT_H
#define CHECKPOINT_H
#include <stddef.h>
#include <stdint.h>

#define CKPT_MAX_EPOCHS 10000

struct epoch_record {
    int epoch;                  /* 1-based */
    double train_wta;           /* online training accuracy of the WTA read-out */
    double test_wta, test_rate; /* SSNN-BP on the test set (-1: not evaluated) */
    double ann_train, ann_test; /* ANN baseline (-1: not trained) */
};

struct checkpoint {
    uint8_t config_hash[32];    /* of the settings a resume must share */
    char *settings;             /* those settings as "key=value" lines (NULL in version-1 files) */
    uint64_t settings_size;
    uint32_t epochs_done;       /* completed epochs */
    uint64_t sample_in_epoch;   /* samples of the next epoch already trained */
    uint64_t correct_in_epoch;  /* online WTA hits among them */
    uint64_t ann_correct_in_epoch;
    uint32_t n_records;
    struct epoch_record *records;
    uint8_t *ssnn_state;        /* ssnn_state_save image */
    uint64_t ssnn_size;
    uint8_t *ann_state;         /* ann_state_save image (ann_size 0: none) */
    uint64_t ann_size;
};

/* Returns 0, or -1 with "path: message" in err. */
int checkpoint_write(const char *path, const struct checkpoint *c, char *err, size_t errlen);
/* Allocates the arrays of c; checkpoint_free releases them. Refuses truncated,
 * corrupt (checksum) or foreign files with "path: offset N: message", and what is
 * not a regular file; reads no further than the sizes its header gives. */
int checkpoint_read(const char *path, struct checkpoint *c, char *err, size_t errlen);
void checkpoint_free(struct checkpoint *c);

/* Writes `n` bytes to `path` atomically (a temporary file of this process's own,
 * fsync, rename, fsync of the directory). */
int atomic_write(const char *path, const void *data, size_t n, char *err, size_t errlen);
#endif
