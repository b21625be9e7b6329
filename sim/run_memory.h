/* What a run holds in memory (docs/scale.md "Memory"): the bytes each model
 * allocates, by what they grow with (models/mem_account.h), summed into bytes per
 * synapse and per neuron, and the process's peak resident set as the kernel
 * measured it. The computed figures go into the result file (they depend on the
 * configuration alone); the measured peak only into the report on stderr, since
 * it changes from run to run, machine to machine and rank count to rank count. */
#ifndef RUN_MEMORY_H
#define RUN_MEMORY_H
#include <stdint.h>
#include <stdio.h>

#include "mem_account.h"

struct ssnn;
struct ann;
struct chip;
struct json;

struct run_memory {
    uint64_t synapses;          /* weight cells of W1..WL and W_out, bias rows included */
    uint64_t neurons;           /* units of every layer, the input encoders included */
    struct mem_account golden, ann, chip;
    int has_ann, has_chip;
    uint64_t data_bytes;        /* the dataset splits held (images, labels) and the epoch order */
};

/* The account of a run's models; ann and chip may be NULL (not built). rate_scratch
 * is the rate read-out's buffer in floats, data_bytes what the run loaded. */
void run_memory_count(struct run_memory *m, const struct ssnn *net, const struct ann *ann, const struct chip *chip,
                      uint64_t rate_scratch, uint64_t data_bytes);

/* The sum over the models built. */
struct mem_account run_memory_sum(const struct run_memory *m);

/* "memory": {...} into the open JSON object. */
void run_memory_json(struct json *j, const struct run_memory *m);

/* The report's line: measured peak, and the account it is made of. */
void run_memory_print(FILE *f, const struct run_memory *m);

/* The process's peak resident set in bytes (getrusage's ru_maxrss), 0 if unknown. */
uint64_t peak_rss_bytes(void);
#endif
