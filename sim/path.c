/* Where a file a workload reads is. The rule (README.md, "Configuration"): a name
 * written in a config file is relative to that file, as extends: and section files
 * are, so a workload reads the same files from whatever directory it is run; a name
 * given on the command line (--set) is relative to the working directory, as every
 * command-line path is. Files a run writes (training.checkpoint, waves.file, --out)
 * are not resolved here: they land where the run is started, not in workloads/.
 *
 * Two touches on top of the join:
 *  - "dir/.." is dropped where dir is a real directory, so that the shipped
 *    workloads' ../data/mnist/... run from the repository root reads, and the result
 *    file reports, data/mnist/... as before. A symlink keeps its "..", which the
 *    kernel takes from the link's target, not from the directory holding the link.
 *  - A file in a checkout's data/ directory (ROOT/data/, where ROOT holds
 *    tools/get-datasets) is read from $SSNNSIM_DATA when that is set, as
 *    tools/get-datasets puts it there: the same variable moves the data for both. */
#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_BUF 4096

static int real_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Drops empty and "." components and each "dir/.." whose dir is a real directory. */
static void tidy(char *p)
{
    char src[PATH_BUF];
    size_t len = strlen(p);
    if (len >= sizeof src) return;
    memcpy(src, p, len + 1);
    size_t abs = p[0] == '/', k = abs;  /* p[0..k) is what is kept */
    size_t start[PATH_BUF / 2 + 1];     /* where each kept component starts */
    int depth = 0;
    p[k] = 0;
    for (const char *c = src + abs; *c;) {
        const char *e = strchr(c, '/');
        size_t cl = e ? (size_t)(e - c) : strlen(c);
        int dot = cl == 1 && c[0] == '.', up = cl == 2 && c[0] == '.' && c[1] == '.';
        if (up && depth > 0 && strcmp(p + start[depth - 1], "..") && real_dir(p)) {
            k = start[--depth];
            if (k > abs) k--;           /* and the slash before it */
            p[k] = 0;
        } else if (cl && !dot) {
            if (k > abs) p[k++] = '/';
            start[depth++] = k;
            memcpy(p + k, c, cl);
            k += cl;
            p[k] = 0;
        }
        c += cl + (e != NULL);
    }
    if (k == 0) strcpy(p, ".");
}

/* Length of "ROOT/data/" at the start of p when ROOT is a checkout; 0 if none.
 * The innermost checkout wins. */
static size_t repo_data(const char *p)
{
    size_t found = 0;
    for (const char *d = p; (d = strstr(d, "data/")); d++) {
        if (d > p && d[-1] != '/') continue;
        char probe[PATH_BUF + 32];
        snprintf(probe, sizeof probe, "%.*stools/get-datasets", (int)(d - p), p);
        if (!access(probe, F_OK)) found = (size_t)(d - p) + 5;
    }
    return found;
}

static const char *data_env(void)
{
    const char *env = getenv("SSNNSIM_DATA");
    return env && *env ? env : NULL;
}

int path_resolve(const char *from, const char *name, char *out, size_t n)
{
    char p[PATH_BUF];
    const char *slash = from ? strrchr(from, '/') : NULL;
    int len;
    if (!name[0]) len = snprintf(p, sizeof p, "%s", "");    /* none named */
    else if (name[0] == '/' || !slash) len = snprintf(p, sizeof p, "%s", name);
    else len = snprintf(p, sizeof p, "%.*s/%s", (int)(slash - from), from, name);
    if (len < 0 || (size_t)len >= sizeof p) return -1;
    if (p[0]) tidy(p);
    size_t at = p[0] ? repo_data(p) : 0;
    if (at && data_env()) {
        char q[PATH_BUF];
        len = snprintf(q, sizeof q, "%s/%s", data_env(), p + at);
        if (len < 0 || (size_t)len >= sizeof q) return -1;
        tidy(q);
        memcpy(p, q, strlen(q) + 1);
    }
    if (strlen(p) >= n) return -1;
    memcpy(out, p, strlen(p) + 1);
    return 0;
}

const char *path_in_data_dir(const char *path)
{
    if (!data_env()) {
        size_t at = repo_data(path);
        return at ? path + at : NULL;
    }
    char d[PATH_BUF];
    if ((size_t)snprintf(d, sizeof d, "%s", data_env()) >= sizeof d) return NULL;
    tidy(d);
    if (!strcmp(d, ".")) return path[0] == '/' ? NULL : path;   /* tidy dropped the "./" */
    size_t k = strlen(d);
    if (d[k - 1] == '/') return strncmp(path, d, k) ? NULL : path + k;   /* d is "/" */
    return strncmp(path, d, k) || path[k] != '/' ? NULL : path + k + 1;
}
