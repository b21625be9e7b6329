/* Output files checked and their directories made before a run (see output_path.h).
 * Whether a file can be created is asked of the directory itself, by creating and
 * removing a probe file: permission bits do not say it (root passes them, /proc
 * and read-only mounts refuse anyway). */
#include "output_path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    return S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* mkdir -p dir; 0, or -1 with why. */
static int make_directories(const char *dir, char *err, size_t errlen)
{
    char part[4096];
    size_t len = strlen(dir);
    if (len >= sizeof part) {
        snprintf(err, errlen, "directory name longer than %zu characters", sizeof part - 1);
        return -1;
    }
    memcpy(part, dir, len + 1);
    /* Each prefix ending before a '/', then the whole: the first that is missing
     * and cannot be made, or is there as something other than a directory, says why. */
    for (size_t i = 1; i <= len; i++) {
        if (i < len && part[i] != '/') continue;
        char keep = part[i];
        part[i] = 0;
        struct stat st;
        if (stat(part, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                snprintf(err, errlen, "%s is not a directory", part);
                return -1;
            }
        } else if (mkdir(part, 0777) && errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory %s: %s", part, strerror(errno));
            return -1;
        }
        part[i] = keep;
    }
    return 0;
}

int output_path_prepare(const char *path, char *err, size_t errlen)
{
    size_t len = strlen(path);
    if (len == 0) {
        snprintf(err, errlen, "empty file name");
        return -1;
    }
    if (path[len - 1] == '/') {
        snprintf(err, errlen, "names a directory, not a file");
        return -1;
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (make_directories(dir, err, errlen)) return -1;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "is a directory");
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "is %s, not a regular file (the output would replace it)", kind_of(st.st_mode));
            return -1;
        }
        if (access(path, W_OK)) {
            snprintf(err, errlen, "is not writable: %s", strerror(errno));
            return -1;
        }
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.ssnnsim-probe-XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        return -1;
    }
    close(fd);
    unlink(probe);
    return 0;
}

const char *output_path_beside(const char *path, const char *ext, const char *with, char *buf, size_t n)
{
    size_t len = strlen(path), el = strlen(ext);
    if (len > el && !strcmp(path + len - el, ext)) len -= el;
    snprintf(buf, n, "%.*s%s", (int)len, path, with);
    return buf;
}
