/* One run per output: a run holds an advisory lock (flock) on FILE.lock, beside
 * each file it writes, from before its work starts until it ends, and a second
 * run on the same file is refused at once, naming the first one's pid, which the
 * lock file holds. Two runs writing one checkpoint would each rename its own over
 * the other's. The lock is the flock, not the file: it dies with its process, so
 * a run killed with -9 leaves FILE.lock behind unlocked and the next run takes it
 * (a run that ends removes it). A sidecar rather than FILE itself, because FILE is
 * replaced by a rename, and a lock on the replaced inode would guard nothing. On
 * a file system without flock the run goes on unguarded. */
#ifndef OUTPUT_LOCK_H
#define OUTPUT_LOCK_H
#include <stddef.h>

struct output_lock {
    int fd;                 /* -1: none held */
    char *path;             /* FILE.lock */
};

/* Takes the lock of `output`: 0, or -1 with why in err ("in use by another run
 * (pid 4242, which holds FILE.lock)", "cannot create FILE.lock: ..."). */
int output_lock_take(const char *output, struct output_lock *lk, char *err, size_t errlen);
/* Removes the lock file (if it is still ours) and lets go of the lock. */
void output_lock_release(struct output_lock *lk);
#endif
