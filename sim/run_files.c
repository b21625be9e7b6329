/* A run's files by identity (see run_files.h). A path is looked at once: an
 * output after its directory was made (output_path.c), an input when it is
 * compared, a config file as it was read (config.h, struct config_file). */
#include "run_files.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *copy(const char *s)
{
    char *c = strdup(s);
    if (!c) { perror("strdup"); exit(1); }
    return c;
}

/* The file's identity, or its directory's and its name when it is not there: 0,
 * or -1 when neither can be looked at. `name` points into path. */
static int identify(const char *path, struct run_file *f)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        *f = (struct run_file){ .exists = 1, .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino };
        return 0;
    }
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (stat(dir, &st)) return -1;
    *f = (struct run_file){ .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino,
                            .name = (char *)(slash ? slash + 1 : path) };
    return 0;
}

static int same(const struct run_file *a, const struct run_file *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && (a->exists || !strcmp(a->name, b->name));
}

/* The recorded output that f is, or NULL; the checkpoint resumed from may be written. */
static const struct run_file *clash(const struct run_files *rf, const struct run_file *f)
{
    for (int i = 0; i < rf->n; i++) {
        const struct run_file *o = &rf->out[i];
        if (same(f, o) && !(f->role == RF_RESUMED && o->role == RF_CHECKPOINT)) return o;
    }
    return NULL;
}

int run_files_output(struct run_files *rf, const char *path, enum run_file_role role, const char *named,
                     const char *what, char *err, size_t errlen)
{
    struct run_file f;
    if (identify(path, &f)) return 0;
    const struct run_file *o = clash(rf, &f);
    if (o) {
        snprintf(err, errlen, "%s is %s", named, o->what);
        return -1;
    }
    if (rf->n == rf->cap) {
        rf->cap = rf->cap ? 2 * rf->cap : 8;
        rf->out = realloc(rf->out, (size_t)rf->cap * sizeof *rf->out);
        if (!rf->out) { perror("realloc"); exit(1); }
    }
    f.role = role;
    f.name = f.exists ? NULL : copy(f.name);
    f.named = copy(named);
    f.what = copy(what);
    rf->out[rf->n++] = f;
    return 0;
}

static int input_clash(const struct run_files *rf, const struct run_file *f, const char *what, char *err,
                       size_t errlen)
{
    const struct run_file *o = clash(rf, f);
    if (!o) return 0;
    snprintf(err, errlen, "%s is %s", o->named, what);
    return -1;
}

int run_files_input(struct run_files *rf, const char *path, enum run_file_role role, const char *what, char *err,
                    size_t errlen)
{
    struct run_file f;
    if (identify(path, &f)) return 0;   /* its reader will say why it cannot be read */
    f.role = role;
    return input_clash(rf, &f, what, err, errlen);
}

int run_files_config(struct run_files *rf, const struct config *cfg, int datasets, char *err, size_t errlen)
{
    char what[700];
    for (int i = 0; i < cfg->n_files; i++) {
        const struct config_file *c = &cfg->files[i];
        struct run_file f = { .exists = 1, .dev = c->dev, .ino = c->ino };
        if (c->included) snprintf(what, sizeof what, "read by the config %s (extends: or a section file)", cfg->path);
        else snprintf(what, sizeof what, "the config being read");
        if (input_clash(rf, &f, what, err, errlen)) return -1;
    }
    if (!datasets) return 0;
    const struct { const char *key, *path; } data[] = {
        { "dataset.train_images", cfg->dataset.train_images }, { "dataset.train_labels", cfg->dataset.train_labels },
        { "dataset.test_images", cfg->dataset.test_images }, { "dataset.test_labels", cfg->dataset.test_labels },
    };
    for (int i = 0; i < 4; i++) {
        snprintf(what, sizeof what, "the dataset file %s", data[i].key);
        if (data[i].path[0] && run_files_input(rf, data[i].path, RF_PLAIN, what, err, errlen)) return -1;
    }
    return 0;
}

void run_files_free(struct run_files *rf)
{
    for (int i = 0; i < rf->n; i++) {
        free(rf->out[i].name);
        free(rf->out[i].named);
        free(rf->out[i].what);
    }
    free(rf->out);
    *rf = (struct run_files){ 0 };
}
