/* YAML documents as a tree of nodes that remember the file, line and column of
 * every key and value (libyaml event API underneath), so that whoever reads the
 * tree can point at the exact spot of a bad value. Also the file-level
 * composition: "extends: base.yaml" overlays a document on another. */
#include "yaml_tree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void node_free(struct ynode *n)
{
    if (!n) return;
    for (int i = 0; i < n->n; i++) node_free(n->items[i]);
    free(n->items);
    free(n->key);
    free(n->value);
    free(n);
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
        parent->items = realloc(parent->items, (size_t)parent->cap * sizeof *parent->items);
        if (!parent->items) { perror("realloc"); exit(1); }
    }
    parent->items[parent->n++] = child;
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

/* Builds the tree of one YAML document from libyaml events (recursive descent). */
static int parse_node(struct yloader *L, yaml_parser_t *p, const char *file,
                      yaml_event_t *ev, struct ynode **out);

static int next_event(struct yloader *L, yaml_parser_t *p, const char *file, yaml_event_t *ev)
{
    if (yaml_parser_parse(p, ev)) return 0;
    return yt_fail(L, file, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                "YAML syntax error: %s%s%s", p->problem ? p->problem : "unknown",
                p->context ? " " : "", p->context ? p->context : "");
}

static int parse_children(struct yloader *L, yaml_parser_t *p, const char *file, struct ynode *n)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(L, p, file, &ev)) return -1;
        if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        char *key = NULL;
        int kline = 0, kcol = 0;
        if (n->kind == N_MAP) {
            /* A mapping alternates key and value events; keys must be plain strings. */
            if (ev.type != YAML_SCALAR_EVENT) {
                int r = yt_fail(L, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                             "a key must be a plain string");
                yaml_event_delete(&ev);
                return r;
            }
            key = strdup((const char *)ev.data.scalar.value);
            kline = (int)ev.start_mark.line + 1;
            kcol = (int)ev.start_mark.column + 1;
            yaml_event_delete(&ev);
            struct ynode *dup = map_get(n, key);
            if (dup) {
                int r = yt_fail(L, file, kline, kcol, "duplicate key '%s' (first at line %d)",
                             key, dup->kline);
                free(key);
                return r;
            }
            if (next_event(L, p, file, &ev)) { free(key); return -1; }
        }
        struct ynode *child;
        int r = parse_node(L, p, file, &ev, &child);
        yaml_event_delete(&ev);
        if (r) { free(key); return -1; }
        child->key = key;
        child->kline = key ? kline : child->line;
        child->kcol = key ? kcol : child->col;
        node_push(n, child);
    }
}

static int parse_node(struct yloader *L, yaml_parser_t *p, const char *file,
                      yaml_event_t *ev, struct ynode **out)
{
    *out = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        struct ynode *n = node_new(N_SCALAR, file, &ev->start_mark);
        n->value = strdup((const char *)ev->data.scalar.value);
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        *out = n;
        return 0;
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        struct ynode *n = node_new(ev->type == YAML_MAPPING_START_EVENT ? N_MAP : N_SEQ,
                                  file, &ev->start_mark);
        if (parse_children(L, p, file, n)) { node_free(n); return -1; }
        *out = n;
        return 0;
    }
    case YAML_ALIAS_EVENT:
        return yt_fail(L, file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "aliases (*name) are not supported; write the value out");
    default:
        return yt_fail(L, file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "unexpected YAML event");
    }
}

/* Parses one YAML document from a buffer or a file into a tree. An empty
 * document yields an empty mapping. */
int yt_parse(struct yloader *L, const char *file, FILE *f, const char *text,
                      struct ynode **out)
{
    yaml_parser_t p;
    yaml_event_t ev;
    *out = NULL;
    if (!yaml_parser_initialize(&p)) return yt_fail(L, file, 1, 1, "cannot initialise the YAML parser");
    if (f) yaml_parser_set_input_file(&p, f);
    else yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    int r = -1;
    struct ynode *root = NULL;
    /* stream start, document start */
    if (next_event(L, &p, file, &ev)) goto done;
    yaml_event_delete(&ev);
    if (next_event(L, &p, file, &ev)) goto done;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        yaml_mark_t m = { 0, 0, 0 };
        root = node_new(N_MAP, file, &m);
        r = 0;
        goto done;
    }
    yaml_event_delete(&ev);
    if (next_event(L, &p, file, &ev)) goto done;
    r = parse_node(L, &p, file, &ev, &root);
    yaml_event_delete(&ev);
    if (r) goto done;
    r = -1;
    if (next_event(L, &p, file, &ev)) goto done;   /* document end */
    yaml_event_delete(&ev);
    if (next_event(L, &p, file, &ev)) goto done;
    if (ev.type != YAML_STREAM_END_EVENT) {
        yt_fail(L, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
             "only one YAML document is allowed per file");
        yaml_event_delete(&ev);
        goto done;
    }
    yaml_event_delete(&ev);
    r = 0;
done:
    yaml_parser_delete(&p);
    if (r) { node_free(root); return -1; }
    *out = root;
    return 0;
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
 * included section names the whole section). */
void yt_merge(struct ynode *base, struct ynode *top)
{
    for (int i = 0; i < top->n; i++) {
        struct ynode *t = top->items[i];
        struct ynode *b = map_get(base, t->key);
        if (b && b->kind == N_MAP && t->kind == N_MAP && t->file == top->file) {
            yt_merge(b, t);
            continue;
        }
        top->items[i] = NULL;
        if (b) {
            for (int k = 0; k < base->n; k++)
                if (base->items[k] == b) base->items[k] = t;
            node_free(b);
        } else {
            node_push(base, t);
        }
    }
    for (int i = 0; i < top->n; i++) node_free(top->items[i]);
    top->n = 0;
}

int yt_load_file(struct yloader *L, const char *path, const char *from_file,
                     int from_line, int from_col, struct ynode **out)
{
    *out = NULL;
    if (L->depth > 8)
        return yt_fail(L, from_file, from_line, from_col, "includes nest too deep (a cycle?) at '%s'", path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (from_file) return yt_fail(L, from_file, from_line, from_col, "cannot open '%s': %s", path, strerror(errno));
        snprintf(L->err, L->errlen, "%s:1:1: cannot open: %s", path, strerror(errno));
        escape_controls(L->err, L->errlen);
        return -1;
    }
    /* A directory, a FIFO or a device would hang or mislead the parser. */
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        fclose(f);
        if (from_file) return yt_fail(L, from_file, from_line, from_col, "'%s' is not a regular file", path);
        snprintf(L->err, L->errlen, "%s:1:1: not a regular file", path);
        escape_controls(L->err, L->errlen);
        return -1;
    }
    const char *file = yt_intern(L, path);
    struct ynode *root;
    int r = yt_parse(L, file, f, NULL, &root);
    fclose(f);
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
