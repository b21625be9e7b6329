/* YAML as a position-keeping node tree (see yaml_tree.c). */
#ifndef YAML_TREE_H
#define YAML_TREE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

/* Limits on what a YAML file may hold (docs/errors.md): a file is read whole, and
 * every walk over a tree (build, free, merge) would otherwise go as deep as the
 * input nests. A workload nests 4 levels; both limits are far beyond any file. */
#define YT_MAX_BYTES (4u << 20)     /* a file longer than this is refused */
#define YT_MAX_DEPTH 64             /* mappings and lists nested deeper are refused */
#define YT_MAX_FILES 64             /* files one load reads (extends:, section files) */

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

/* A file a load read: what the run must not overwrite (sim/run_files.c). */
struct yt_read {
    const char *file;       /* interned */
    int included;           /* 0: the document loaded first; 1: by extends: or as a section */
    uint64_t dev, ino;      /* of the file read, symlinks followed */
};

struct yloader {
    char *files[YT_MAX_FILES];  /* every file name a node may point to */
    int n_files;
    struct yt_read read[YT_MAX_FILES];
    int n_read;
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
/* Parses one document from a string (a file: yt_load_file); an empty document is an
 * empty map. Refuses nesting deeper than YT_MAX_DEPTH at the collection that passes it. */
int yt_parse(struct yloader *L, const char *file, const char *text, struct ynode **out);
/* A path relative to the directory of the file that names it. */
void yt_resolve_path(const char *base_file, const char *rel, char *out, size_t n);
/* Loads a file whose top is a mapping, resolving "extends:". from_file/line/col
 * say who asked for it (NULL for the top document). */
int yt_load_file(struct yloader *L, const char *path, const char *from_file,
                 int from_line, int from_col, struct ynode **out);
/* Overlays top onto base (mappings written in top's file merge key by key; a
 * mapping that came from another file, an included section, replaces); consumes
 * top's items. Iterative, as node_free is: neither uses the C stack per level. */
void yt_merge(struct ynode *base, struct ynode *top);
void yt_loader_free(struct yloader *L);
#endif
