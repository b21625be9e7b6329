/* A test's scratch directory and the files in it: a fresh mkdtemp directory
 * under /tmp, paths inside it, whole files written and read back, and its
 * removal at the end. A fixture that cannot be written is no test: the helpers
 * that write exit 2. Static inline so that a test includes what it uses
 * without -Wunused-function. */
#ifndef SCRATCH_H
#define SCRATCH_H
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory /tmp/ssnn_TEST_XXXXXX into dir; exits 2 if none can be made. */
static inline void scratch_make(char *dir, size_t n, const char *test)
{
    snprintf(dir, n, "/tmp/ssnn_%s_XXXXXX", test);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
}

/* Removes the files a test left in dir, then dir (the tests make no subdirectories). */
static inline void scratch_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1200];
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(dir);
}

/* Removes dir and everything under it (rm -rf): 0 when it went. */
static inline int scratch_remove_tree(const char *dir)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static inline void path_in(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static inline int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file as a string, or NULL when it cannot be opened. */
static inline char *file_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    char *s = malloc(cap);
    while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) s = realloc(s, cap *= 2);
    }
    fclose(f);
    s[n] = 0;
    return s;
}

/* The same, but "" for a file that is not there: for a check that searches what
 * a run left, so that a missing file fails the search instead of crashing it. */
static inline char *file_text_or_empty(const char *path)
{
    char *s = file_text(path);
    return s ? s : strdup("");
}

static inline void write_filev(const char *path, const char *fmt, va_list ap)
{
    /* A fresh file rather than a truncated one: ext4 flushes a truncated
     * rewrite to disk, which makes test_config's 2000 rewrites take seconds. */
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (!f || vfprintf(f, fmt, ap) < 0 || fclose(f)) {
        printf("fixture: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
}

/* Writes path with printf-style content. */
__attribute__((format(printf, 2, 3)))
static inline void write_file(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    write_filev(path, fmt, ap);
    va_end(ap);
}
#endif
