/* YAML documents as a tree of nodes that remember the file, line and column of
 * every key and value (libyaml event API underneath), so that whoever reads the
 * tree can point at the exact spot of a bad value. Also the file-level
 * composition: "extends: base.yaml" overlays a document on another.
 *
 * Input decides how deep a tree is and how many keys a mapping has, so nothing
 * here recurses per level (the tree is built and freed with explicit stacks, and
 * YT_MAX_DEPTH bounds it anyway) and nothing compares every key with every other
 * (a mapping's keys are looked up in a hash table while it is built or merged). */
#include "yaml_tree.h"
#include "input_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Messages quote file names and values from the input, which may hold a newline or
 * a terminal escape; they are shown as \n, \t, \xHH so a message stays one line. */
static void escape_controls(char *s, size_t cap)
{
    char out[2048];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < sizeof out; p++) {
        if (*p >= 0x20 && *p != 0x7f) { out[o++] = (char)*p; continue; }
        out[o++] = '\\';
        if (*p == '\n') out[o++] = 'n';
        else if (*p == '\t') out[o++] = 't';
        else if (*p == '\r') out[o++] = 'r';
        else o += (size_t)sprintf(out + o, "x%02x", *p);
    }
    out[o] = 0;
    snprintf(s, cap, "%s", out);
}

int yt_fail(struct yloader *L, const char *file, int line, int col, const char *fmt, ...)
{
    int n = snprintf(L->err, L->errlen, "%s:%d:%d: ", file, line, col);
    if (n >= 0 && (size_t)n < L->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->err + n, L->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    escape_controls(L->err, L->errlen);
    return -1;
}

const char *yt_intern(struct yloader *L, const char *name)
{
    for (int i = 0; i < L->n_files; i++)
        if (!strcmp(L->files[i], name)) return L->files[i];
    if (L->n_files == (int)(sizeof L->files / sizeof L->files[0])) return "(too many files)";
    L->files[L->n_files] = strdup(name);
    return L->files[L->n_files++];
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) { perror("realloc"); exit(1); }
    return p;
}

/* Depth first with a stack of the nodes still to free: a node's children go on
 * the stack before the node goes, so the stack holds at most every node once. */
void node_free(struct ynode *n)
{
    if (!n) return;
    struct ynode **todo = NULL;
    size_t k = 0, cap = 0;
    for (;;) {
        if (k + (size_t)n->n > cap) {
            while (k + (size_t)n->n > cap) cap = cap ? 2 * cap : 64;
            todo = xrealloc(todo, cap * sizeof *todo);
        }
        for (int i = 0; i < n->n; i++)
            if (n->items[i]) todo[k++] = n->items[i];
        free(n->items);
        free(n->key);
        free(n->value);
        free(n);
        if (!k) break;
        n = todo[--k];
    }
    free(todo);
}

struct ynode *node_new(enum nkind k, const char *file, const yaml_mark_t *m)
{
    struct ynode *n = calloc(1, sizeof *n);
    if (!n) { perror("calloc"); exit(1); }
    n->kind = k;
    n->file = file;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    return n;
}

void node_push(struct ynode *parent, struct ynode *child)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? 2 * parent->cap : 8;
        parent->items = xrealloc(parent->items, (size_t)parent->cap * sizeof *parent->items);
    }
    parent->items[parent->n++] = child;
}

/* The keys of one mapping, hashed: slot -> 1 + the item's index, 0 when empty. */
struct keyset {
    int *slot;
    size_t cap;             /* a power of two, at least twice the keys held */
    int n;
};

static size_t key_hash(const char *s)
{
    size_t h = 14695981039346656037u;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The index of the item of `map` with key `key`, or -1. */
static int keyset_find(const struct keyset *ks, const struct ynode *map, const char *key)
{
    if (!ks->cap) return -1;
    for (size_t i = key_hash(key) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1)) {
        if (!ks->slot[i]) return -1;
        if (!strcmp(map->items[ks->slot[i] - 1]->key, key)) return ks->slot[i] - 1;
    }
}

/* Adds item `index` of `map` (whose key is not in the set yet). */
static void keyset_add(struct keyset *ks, const struct ynode *map, int index)
{
    if (2 * (size_t)(ks->n + 1) > ks->cap) {
        struct keyset grown = { NULL, ks->cap ? 2 * ks->cap : 16, 0 };
        grown.slot = calloc(grown.cap, sizeof *grown.slot);
        if (!grown.slot) { perror("calloc"); exit(1); }
        for (size_t i = 0; i < ks->cap; i++)
            if (ks->slot[i]) keyset_add(&grown, map, ks->slot[i] - 1);
        free(ks->slot);
        *ks = grown;
    }
    size_t i = key_hash(map->items[index]->key) & (ks->cap - 1);
    while (ks->slot[i]) i = (i + 1) & (ks->cap - 1);
    ks->slot[i] = index + 1;
    ks->n++;
}

static void keyset_free(struct keyset *ks)
{
    free(ks->slot);
    *ks = (struct keyset){ 0 };
}

struct ynode *map_get(const struct ynode *map, const char *key)
{
    for (int i = 0; i < map->n; i++)
        if (!strcmp(map->items[i]->key, key)) return map->items[i];
    return NULL;
}

const char *kind_name(enum nkind k)
{
    return k == N_MAP ? "a mapping" : k == N_SEQ ? "a list" : "a scalar";
}

static int next_event(struct yloader *L, yaml_parser_t *p, const char *file, yaml_event_t *ev)
{
    if (yaml_parser_parse(p, ev)) return 0;
    return yt_fail(L, file, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                "YAML syntax error: %s%s%s", p->problem ? p->problem : "unknown",
                p->context ? " " : "", p->context ? p->context : "");
}

static int fail_at_event(struct yloader *L, const char *file, const yaml_event_t *ev, const char *msg)
{
    return yt_fail(L, file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "%s", msg);
}

/* A mapping or list whose items are still being read. */
struct open_node {
    struct ynode *n;
    struct keyset keys;     /* of a mapping: for duplicates */
    char *key;              /* of a mapping: the key whose value comes next, or NULL */
    int kline, kcol;
};

/* Builds the tree of one YAML value from libyaml events, starting at `first`
 * (which stays the caller's), with the collections not yet closed on a stack of
 * at most YT_MAX_DEPTH: a node joins its parent once it is complete. */
static int build_tree(struct yloader *L, yaml_parser_t *p, const char *file, const yaml_event_t *first,
                      struct ynode **out)
{
    struct open_node open[YT_MAX_DEPTH];
    int depth = 0, r = -1;
    yaml_event_t ev;
    const yaml_event_t *e = first;
    *out = NULL;
    for (;;) {
        struct open_node *top = depth ? &open[depth - 1] : NULL;
        struct ynode *done = NULL;     /* a value this event completes */
        if (top && top->n->kind == N_MAP && !top->key && e->type != YAML_MAPPING_END_EVENT) {
            /* A mapping alternates key and value events; keys must be plain strings. */
            if (e->type != YAML_SCALAR_EVENT) {
                fail_at_event(L, file, e, "a key must be a plain string");
                break;
            }
            const char *key = (const char *)e->data.scalar.value;
            int dup = keyset_find(&top->keys, top->n, key);
            if (dup >= 0) {
                yt_fail(L, file, (int)e->start_mark.line + 1, (int)e->start_mark.column + 1,
                        "duplicate key '%s' (first at line %d)", key, top->n->items[dup]->kline);
                break;
            }
            top->key = strdup(key);
            top->kline = (int)e->start_mark.line + 1;
            top->kcol = (int)e->start_mark.column + 1;
        } else if (e->type == YAML_SCALAR_EVENT) {
            done = node_new(N_SCALAR, file, &e->start_mark);
            done->value = strdup((const char *)e->data.scalar.value);
            done->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        } else if (e->type == YAML_MAPPING_START_EVENT || e->type == YAML_SEQUENCE_START_EVENT) {
            if (depth == YT_MAX_DEPTH) {
                yt_fail(L, file, (int)e->start_mark.line + 1, (int)e->start_mark.column + 1,
                        "mappings and lists nest deeper than %d levels", YT_MAX_DEPTH);
                break;
            }
            open[depth++] = (struct open_node){
                node_new(e->type == YAML_MAPPING_START_EVENT ? N_MAP : N_SEQ, file, &e->start_mark), { 0 }, NULL, 0, 0 };
        } else if (top && (e->type == YAML_MAPPING_END_EVENT || e->type == YAML_SEQUENCE_END_EVENT)) {
            done = top->n;
            keyset_free(&top->keys);
            depth--;
        } else if (e->type == YAML_ALIAS_EVENT) {
            fail_at_event(L, file, e, "aliases (*name) are not supported; write the value out");
            break;
        } else {
            fail_at_event(L, file, e, "unexpected YAML event");
            break;
        }
        if (done && !depth) {
            *out = done;
            r = 0;
            break;
        }
        if (done) {
            top = &open[depth - 1];
            done->key = top->key;
            done->kline = top->key ? top->kline : done->line;
            done->kcol = top->key ? top->kcol : done->col;
            top->key = NULL;
            node_push(top->n, done);
            if (top->n->kind == N_MAP) keyset_add(&top->keys, top->n, top->n->n - 1);
        }
        if (e != first) yaml_event_delete(&ev);
        if (next_event(L, p, file, &ev)) {
            e = first;
            break;
        }
        e = &ev;
    }
    if (e != first) yaml_event_delete(&ev);
    /* On failure: the collections still open, each holding only complete items. */
    while (depth > 0) {
        struct open_node *o = &open[--depth];
        keyset_free(&o->keys);
        free(o->key);
        node_free(o->n);
    }
    return r;
}

/* The one document of the stream `p` reads, as a tree. An empty document yields
 * an empty mapping. */
static int parse_stream(struct yloader *L, yaml_parser_t *p, const char *file, struct ynode **out)
{
    yaml_event_t ev;
    int r = -1;
    struct ynode *root = NULL;
    /* stream start, document start */
    if (next_event(L, p, file, &ev)) goto done;
    yaml_event_delete(&ev);
    if (next_event(L, p, file, &ev)) goto done;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        yaml_mark_t m = { 0, 0, 0 };
        root = node_new(N_MAP, file, &m);
        r = 0;
        goto done;
    }
    yaml_event_delete(&ev);
    if (next_event(L, p, file, &ev)) goto done;
    r = build_tree(L, p, file, &ev, &root);
    yaml_event_delete(&ev);
    if (r) goto done;
    r = -1;
    if (next_event(L, p, file, &ev)) goto done;   /* document end */
    yaml_event_delete(&ev);
    if (next_event(L, p, file, &ev)) goto done;
    if (ev.type != YAML_STREAM_END_EVENT) {
        yt_fail(L, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
             "only one YAML document is allowed per file");
        yaml_event_delete(&ev);
        goto done;
    }
    yaml_event_delete(&ev);
    r = 0;
done:
    if (r) { node_free(root); return -1; }
    *out = root;
    return 0;
}

/* Parses one document from `len` bytes (a NUL among them is the parser's to refuse). */
static int parse_bytes(struct yloader *L, const char *file, const char *text, size_t len, struct ynode **out)
{
    yaml_parser_t p;
    *out = NULL;
    if (!yaml_parser_initialize(&p)) return yt_fail(L, file, 1, 1, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int r = parse_stream(L, &p, file, out);
    yaml_parser_delete(&p);
    return r;
}

int yt_parse(struct yloader *L, const char *file, const char *text, struct ynode **out)
{
    return parse_bytes(L, file, text, strlen(text), out);
}

/* A path relative to the directory of the file that names it. */
void yt_resolve_path(const char *base_file, const char *rel, char *out, size_t n)
{
    const char *slash = strrchr(base_file, '/');
    if (rel[0] == '/' || !slash) snprintf(out, n, "%s", rel);
    else snprintf(out, n, "%.*s/%s", (int)(slash - base_file), base_file, rel);
}

/* Overlays `top` onto `base`: mappings written in top's own file merge key by
 * key; anything else replaces, including a mapping read from another file (an
 * included section names the whole section). The pairs of mappings still to
 * merge wait on a list instead of the C stack; each one's top is taken out of
 * its parent and freed once merged. */
void yt_merge(struct ynode *base, struct ynode *top)
{
    struct pair { struct ynode *base, *top; } *todo = NULL;
    size_t k = 0, cap = 0;
    struct ynode *first_top = top;
    for (;;) {
        struct keyset keys = { 0 };
        for (int i = 0; i < base->n; i++) keyset_add(&keys, base, i);
        for (int i = 0; i < top->n; i++) {
            struct ynode *t = top->items[i];
            int at = keyset_find(&keys, base, t->key);
            struct ynode *b = at >= 0 ? base->items[at] : NULL;
            top->items[i] = NULL;
            if (b && b->kind == N_MAP && t->kind == N_MAP && t->file == top->file) {
                if (k == cap) todo = xrealloc(todo, (cap = cap ? 2 * cap : 16) * sizeof *todo);
                todo[k++] = (struct pair){ b, t };
            } else if (b) {
                base->items[at] = t;    /* same key, same slot */
                node_free(b);
            } else {
                node_push(base, t);
                keyset_add(&keys, base, base->n - 1);
            }
        }
        keyset_free(&keys);
        top->n = 0;
        if (top != first_top) node_free(top);
        if (!k) break;
        k--;
        base = todo[k].base;
        top = todo[k].top;
    }
    free(todo);
}

/* One pass of libyaml's event loop building the tree without recursion (a
 * hostile depth cannot overflow the stack): the loop and its explicit stack
 * belong together, hence the length. */
int yt_load_file(struct yloader *L, const char *path, const char *from_file,
                     int from_line, int from_col, struct ynode **out)
{
    *out = NULL;
    if (L->depth > 8)
        return yt_fail(L, from_file, from_line, from_col, "includes nest too deep (a cycle?) at '%s'", path);
    if (L->n_read == YT_MAX_FILES)
        return yt_fail(L, from_file, from_line, from_col, "more than %d files to read at '%s'", YT_MAX_FILES, path);
    const char *kind;
    struct stat st;
    int fd = input_open(path, &kind, &st);
    if (fd < 0) {
        char why[300];
        if (kind) snprintf(why, sizeof why, "not a regular file (%s)", kind);
        else snprintf(why, sizeof why, "cannot open%s%s", from_file ? "" : ": ", from_file ? "" : strerror(errno));
        if (from_file && kind) return yt_fail(L, from_file, from_line, from_col, "'%s': %s", path, why);
        if (from_file) return yt_fail(L, from_file, from_line, from_col, "cannot open '%s': %s", path, strerror(errno));
        snprintf(L->err, L->errlen, "%s:1:1: %s", path, why);
        escape_controls(L->err, L->errlen);
        return -1;
    }
    const char *file = yt_intern(L, path);
    L->read[L->n_read++] = (struct yt_read){ file, from_file != NULL, (uint64_t)st.st_dev, (uint64_t)st.st_ino };
    char *text;
    size_t len;
    int over = input_read_max(fd, YT_MAX_BYTES, &text, &len);
    int read_errno = errno;
    close(fd);
    if (over < 0) {
        snprintf(L->err, L->errlen, "%s:1:1: cannot read: %s", path, strerror(read_errno));
        escape_controls(L->err, L->errlen);
        return -1;
    }
    if (over) {
        /* Where the limit is passed: the line and character of the first byte past it. */
        int line = 1, col = 1;
        for (size_t i = 0; i < len; i++) {
            if (text[i] == '\n') line++, col = 1;
            else if (((unsigned char)text[i] & 0xc0) != 0x80) col++;
        }
        free(text);
        return yt_fail(L, file, line, col, "file longer than %u bytes (the limit for a YAML file)", YT_MAX_BYTES);
    }
    struct ynode *root;
    int r = parse_bytes(L, file, text, len, &root);
    free(text);
    if (r) return -1;
    if (root->kind != N_MAP) {
        r = yt_fail(L, file, root->line, root->col, "expected a mapping of keys at the top, got %s",
                 kind_name(root->kind));
        node_free(root);
        return r;
    }
    L->depth++;
    if (L->expand && L->expand(L, root)) {
        L->depth--;
        node_free(root);
        return -1;
    }
    struct ynode *ext = map_get(root, "extends");
    if (ext) {
        if (ext->kind != N_SCALAR) {
            L->depth--;
            r = yt_fail(L, file, ext->line, ext->col, "extends: expected a file name");
            node_free(root);
            return r;
        }
        char base_path[2048];
        yt_resolve_path(file, ext->value, base_path, sizeof base_path);
        struct ynode *base;
        if (yt_load_file(L, base_path, file, ext->line, ext->col, &base)) {
            L->depth--;
            node_free(root);
            return -1;
        }
        for (int i = 0; i < root->n; i++)
            if (root->items[i] == ext) {
                memmove(root->items + i, root->items + i + 1, (size_t)(root->n - i - 1) * sizeof *root->items);
                root->n--;
                break;
            }
        node_free(ext);
        yt_merge(base, root);
        node_free(root);
        root = base;
    }
    L->depth--;
    *out = root;
    return 0;
}


void yt_loader_free(struct yloader *L)
{
    for (int i = 0; i < L->n_files; i++) free(L->files[i]);
    L->n_files = 0;
}
