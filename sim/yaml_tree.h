/* YAML as a position-keeping node tree (see yaml_tree.c). */
#ifndef YAML_TREE_H
#define YAML_TREE_H
#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

enum nkind { N_MAP, N_SEQ, N_SCALAR };

struct ynode {
    enum nkind kind;
    const char *file;       /* points into the loader's file-name list */
    int line, col;          /* 1-based, of the value */
    int kline, kcol;        /* of the key, when this node is a mapping value */
    char *key;              /* when the child of a map */
    char *value;            /* scalar text */
    int plain;              /* scalar was unquoted (may be a number or bool) */
    struct ynode **items;
    int n, cap;
};

struct yloader {
    char *files[64];        /* every file name a node may point to */
    int n_files;
    int depth;              /* include depth, to refuse cycles */
    char *err;
    size_t errlen;
    /* Optional: run on each file's top mapping before it is overlaid on the file
     * it extends; `prefix` says where that mapping lands ("" or NULL: the top).
     * config.c uses it to replace section file names by their contents, so that
     * a document can overlay single keys of a section its base names as a file. */
    int (*expand)(struct yloader *L, struct ynode *root);
    const char *prefix;
};

/* Formats "file:line:col: message" into L->err; returns -1. */
int yt_fail(struct yloader *L, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
const char *yt_intern(struct yloader *L, const char *name);
struct ynode *node_new(enum nkind k, const char *file, const yaml_mark_t *m);
void node_free(struct ynode *n);
void node_push(struct ynode *parent, struct ynode *child);
struct ynode *map_get(const struct ynode *map, const char *key);
const char *kind_name(enum nkind k);
/* Parses one document from a file or a string; an empty document is an empty map. */
int yt_parse(struct yloader *L, const char *file, FILE *f, const char *text, struct ynode **out);
/* A path relative to the directory of the file that names it. */
void yt_resolve_path(const char *base_file, const char *rel, char *out, size_t n);
/* Loads a file whose top is a mapping, resolving "extends:". from_file/line/col
 * say who asked for it (NULL for the top document). */
int yt_load_file(struct yloader *L, const char *path, const char *from_file,
                 int from_line, int from_col, struct ynode **out);
/* Overlays top onto base (mappings written in top's file merge key by key; a
 * mapping that came from another file, an included section, replaces); consumes
 * top's items. */
void yt_merge(struct ynode *base, struct ynode *top);
void yt_loader_free(struct yloader *L);
#endif
