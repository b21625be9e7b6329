/* Regular files only (see input_file.h). The kind is asked of stat before anything
 * is opened, since opening a FIFO for reading blocks until a writer comes and
 * opening some devices acts on them; the open itself is non-blocking and the
 * descriptor is checked again, so a path swapped for a FIFO between the two cannot
 * hang the run either. */
#include "input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    return S_ISDIR(m) ? "directory" : S_ISFIFO(m) ? "fifo" : S_ISCHR(m) ? "character device"
         : S_ISBLK(m) ? "block device" : S_ISSOCK(m) ? "socket" : "special file";
}

int input_open(const char *path, const char **kind, struct stat *out)
{
    *kind = NULL;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        *kind = kind_of(st.st_mode);
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    int bad = fstat(fd, &st);
    if (bad || !S_ISREG(st.st_mode)) {
        int e = errno;
        if (!bad) *kind = kind_of(st.st_mode);
        close(fd);
        errno = e;
        return -1;
    }
    /* Reads block again, as the readers expect of a file (zlib treats EAGAIN as an error). */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (out) *out = st;
    return fd;
}

int input_read_max(int fd, size_t max, char **buf, size_t *len)
{
    size_t cap = max < 65536 ? max + 1 : 65536, n = 0;
    char *b = malloc(cap + 1);
    if (!b) return -1;
    for (;;) {
        if (n == cap && cap < max + 1) {
            size_t grow = cap * 2 < max + 1 ? cap * 2 : max + 1;
            char *nb = realloc(b, grow + 1);
            if (!nb) { free(b); return -1; }
            b = nb;
            cap = grow;
        }
        if (n == cap) break;            /* max + 1 bytes: more than allowed */
        ssize_t k = read(fd, b + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) { int e = errno; free(b); errno = e; return -1; }
        if (k == 0) break;
        n += (size_t)k;
    }
    int over = n > max;
    if (over) n = max;
    b[n] = 0;
    *buf = b;
    *len = n;
    return over;
}
