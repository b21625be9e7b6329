/* FILE.lock, flocked for the length of a run (see output_lock.h). Taking it is
 * open (creating), flock without waiting, then a check that the path still names
 * the inode locked: a run that ended may have removed it in between, and a lock on
 * a removed file would let a third run create and lock a new one alongside. */
#define _DEFAULT_SOURCE     /* flock */
#include "output_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether fd is the file at path now. */
static int still_there(int fd, const char *path)
{
    struct stat a, b;
    return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The pid the holder wrote, as text ("unknown" before it has written it). */
static void holder(int fd, char *pid, size_t n)
{
    char buf[32];
    ssize_t k = pread(fd, buf, sizeof buf - 1, 0);
    size_t len = 0;
    while (k > 0 && len < (size_t)k && buf[len] >= '0' && buf[len] <= '9') len++;
    snprintf(pid, n, "%.*s", (int)len, len ? buf : "unknown");
}

int output_lock_take(const char *output, struct output_lock *lk, char *err, size_t errlen)
{
    *lk = (struct output_lock){ -1, NULL };
    size_t len = strlen(output) + 6;
    char *path = malloc(len);
    if (!path) { perror("malloc"); exit(1); }
    snprintf(path, len, "%s.lock", output);
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
            free(path);
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB)) {
            int e = errno;
            if (e == EWOULDBLOCK) {
                char pid[32];
                holder(fd, pid, sizeof pid);
                snprintf(err, errlen, "in use by another run (pid %s, which holds %s)", pid, path);
                close(fd);
                free(path);
                return -1;
            }
            close(fd);      /* no flock here (ENOLCK, EINVAL): unguarded, as documented */
            free(path);
            return 0;
        }
        if (!still_there(fd, path)) {
            close(fd);
            continue;
        }
        char pid[32];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            unlink(path);
            close(fd);
            free(path);
            return -1;
        }
        lk->fd = fd;
        lk->path = path;
        return 0;
    }
    snprintf(err, errlen, "%s keeps being replaced", path);
    free(path);
    return -1;
}

void output_lock_release(struct output_lock *lk)
{
    if (lk->fd >= 0) {
        if (still_there(lk->fd, lk->path)) unlink(lk->path);
        close(lk->fd);
    }
    free(lk->path);
    *lk = (struct output_lock){ -1, NULL };
}
