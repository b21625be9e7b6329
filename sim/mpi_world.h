/* The processes a run spans: the MPI world when ssnnsim is built with MPI
 * (`make MPI=1` -> build/ssnnsim-mpi, -DSSNNSIM_MPI), a world of one process
 * otherwise. Every MPI call of the simulator is in mpi_world.c; the partitioned
 * mesh (partition.c), the chip (chip_partition.c), the NoC benchmark and the
 * sweeps talk to the other ranks through these few collectives. Byte counts are
 * ints, as MPI's are. */
#ifndef MPI_WORLD_H
#define MPI_WORLD_H
#include <stddef.h>
#include <stdint.h>

/* Starts MPI (when built with it). A build without MPI refuses to run as one of
 * several processes an MPI launcher started (each would think it is alone and
 * write the same files): -1 with a message. */
int world_init(int *argc, char ***argv, char *err, size_t errlen);
void world_finish(void);
/* Ends every rank at once: for a failure the other ranks cannot know about. */
void world_abort(int status);
/* Silences this rank (stdout and stderr to /dev/null: rank 0 speaks for all),
 * keeping the real stderr for world_fail; 0, or -1. */
int world_mute(void);
/* A failure only this rank sees: its message on the real stderr, then
 * world_abort(status). */
void world_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
int world_rank(void);
int world_size(void);

/* In place over all ranks: element-wise sum / minimum. */
void world_sum_i64(int64_t *v, int n);
void world_min_u64(uint64_t *v, int n);
void world_max_i64(int64_t *v, int n);
/* Copies `bytes` at buf from rank `root` to every rank. */
void world_bcast(void *buf, size_t bytes, int root);
/* buf holds every rank's block (rank r's: counts[r] bytes at displs[r]); each
 * rank fills its own, and afterwards every rank has all of them. */
void world_allgather(void *buf, const int *counts, const int *displs);
/* Rank `root` receives every rank's `n` bytes at recv + displs[r]. */
void world_gather(const void *send, int n, void *recv, const int *counts, const int *displs, int root);
/* Two exchanges at once (tags 0 and 1), one message latency for both: exchange
 * k sends sbytes[k] to rank to[k] and receives from rank from[k] (either -1:
 * nobody) into rbuf[k]; got[k] is the bytes it received. */
void world_sendrecv2(const void *sbuf[2], const int sbytes[2], const int to[2], void *rbuf[2], int rmax,
                     const int from[2], int got[2]);
#endif
