/* The MPI world, or a world of one (see mpi_world.h). Collectives go over
 * MPI_COMM_WORLD; the single-process versions are what those collectives
 * compute with one rank. */
#include "mpi_world.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SSNNSIM_MPI
#include <mpi.h>

int world_init(int *argc, char ***argv, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    MPI_Init(argc, argv);
    /* A failing collective must not end the run silently. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    return 0;
}

void world_finish(void) { MPI_Finalize(); }
void world_abort(int status) { MPI_Abort(MPI_COMM_WORLD, status); exit(status); }

int world_rank(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int world_size(void)
{
    int n;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

void world_sum_i64(int64_t *v, int n) { MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD); }
void world_min_u64(uint64_t *v, int n) { MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD); }
void world_max_i64(int64_t *v, int n) { MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD); }

void world_bcast(void *buf, size_t bytes, int root)
{
    /* In chunks: a count is an int. */
    for (size_t off = 0; off < bytes;) {
        int n = bytes - off > (1u << 30) ? 1 << 30 : (int)(bytes - off);
        MPI_Bcast((char *)buf + off, n, MPI_BYTE, root, MPI_COMM_WORLD);
        off += (size_t)n;
    }
}

void world_allgather(void *buf, const int *counts, const int *displs)
{
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
}

void world_gather(const void *send, int n, void *recv, const int *counts, const int *displs, int root)
{
    MPI_Gatherv(send, n, MPI_BYTE, recv, counts, displs, MPI_BYTE, root, MPI_COMM_WORLD);
}

void world_sendrecv2(const void *sbuf[2], const int sbytes[2], const int to[2], void *rbuf[2], int rmax,
                     const int from[2], int got[2])
{
    MPI_Request rq[4];
    MPI_Status st[4];
    int n = 0;
    for (int k = 0; k < 2; k++) {
        got[k] = 0;
        if (from[k] >= 0) MPI_Irecv(rbuf[k], rmax, MPI_BYTE, from[k], k, MPI_COMM_WORLD, &rq[n++]);
    }
    for (int k = 0; k < 2; k++)
        if (to[k] >= 0) MPI_Isend(sbuf[k], sbytes[k], MPI_BYTE, to[k], k, MPI_COMM_WORLD, &rq[n++]);
    MPI_Waitall(n, rq, st);
    for (int k = 0, i = 0; k < 2; k++)
        if (from[k] >= 0) MPI_Get_count(&st[i++], MPI_BYTE, &got[k]);
}

#else /* a world of one */

int world_init(int *argc, char ***argv, char *err, size_t errlen)
{
    (void)argc;
    (void)argv;
    /* Open MPI's mpirun and MPICH's (PMI) say how many they started. */
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    if (!n) n = getenv("PMI_SIZE");
    if (n && atoi(n) > 1) {
        snprintf(err, errlen, "ssnnsim: this binary was built without MPI, yet started as one of %s processes; "
                 "build the MPI one with `make MPI=1` and run build/ssnnsim-mpi", n);
        return -1;
    }
    return 0;
}

void world_finish(void) {}
void world_abort(int status) { exit(status); }
int world_rank(void) { return 0; }
int world_size(void) { return 1; }
void world_sum_i64(int64_t *v, int n) { (void)v; (void)n; }
void world_min_u64(uint64_t *v, int n) { (void)v; (void)n; }
void world_max_i64(int64_t *v, int n) { (void)v; (void)n; }
void world_bcast(void *buf, size_t bytes, int root) { (void)buf; (void)bytes; (void)root; }
void world_allgather(void *buf, const int *counts, const int *displs) { (void)buf; (void)counts; (void)displs; }

void world_gather(const void *send, int n, void *recv, const int *counts, const int *displs, int root)
{
    (void)counts;
    (void)root;
    if (n) memmove((char *)recv + displs[0], send, (size_t)n);
}

void world_sendrecv2(const void *sbuf[2], const int sbytes[2], const int to[2], void *rbuf[2], int rmax,
                     const int from[2], int got[2])
{
    (void)sbuf;
    (void)sbytes;
    (void)to;
    (void)rbuf;
    (void)rmax;
    (void)from;
    got[0] = got[1] = 0;
}
#endif

/* ---- both builds ---------------------------------------------------------------- */

static int real_stderr = 2;

int world_mute(void)
{
    int fd = dup(2);
    if (fd < 0) return -1;
    real_stderr = fd;
    return freopen("/dev/null", "w", stdout) && freopen("/dev/null", "w", stderr) ? 0 : -1;
}

void world_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdprintf(real_stderr, fmt, ap);
    va_end(ap);
    world_abort(status);
    exit(status);
}
