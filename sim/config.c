/* Configuration loading: YAML (libyaml event API) -> a small node tree that keeps
 * the file, line and column of every key and value -> typed structs through one
 * schema table. The schema says what each key is (type, range); the workload
 * files say what it is set to, so nothing here carries a default.
 *
 * Two ways to compose files, both resolved relative to the including file:
 *   extends: base.yaml        at the top of a document: start from base, then overlay
 *   device: devices/gv.yaml   any section may be given as the path of a file holding it
 * "--set a.b=c" parses c as YAML and overlays it before validation, so an override
 * is checked exactly as the file is. */
#include "config.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum ftype { F_INT, F_DOUBLE, F_BOOL, F_STRING, F_DLIST };

struct field {
    const char *path;       /* dotted key */
    enum ftype type;
    size_t off;             /* offset in struct config */
    double min, max;        /* inclusive range (ints and doubles, list items, string length) */
    const char *const *choices; /* allowed strings, NULL-terminated, or NULL */
    size_t count_off;       /* F_DLIST: offset of the int count */
};

#define OFF(m) offsetof(struct config, m)
#define INT(p, m, lo, hi) { p, F_INT, OFF(m), lo, hi, NULL, 0 }
#define DBL(p, m, lo, hi) { p, F_DOUBLE, OFF(m), lo, hi, NULL, 0 }
#define BOOL(p, m) { p, F_BOOL, OFF(m), 0, 1, NULL, 0 }
#define STR(p, m, ch) { p, F_STRING, OFF(m), 0, CFG_STR - 1, ch, 0 }
#define DLIST(p, m, n, lo, hi) { p, F_DLIST, OFF(m), lo, hi, NULL, OFF(n) }

static const char *const init_choices[] = { "glorot_uniform", NULL };

/* Sections group fields; a field's section is its path up to the last dot.
 * Fields of one section are contiguous (config_to_json relies on it). */
static const char *const sections[] = {
    "chip", "chip.router", "device", "network", "dataset", "training", "technology", NULL
};

static const struct field schema[] = {
    INT("chip.mesh_x", chip.mesh_x, 1, 256),
    INT("chip.mesh_y", chip.mesh_y, 1, 256),
    INT("chip.core_neurons", chip.core_neurons, 1, 65536),
    INT("chip.xbar_rows", chip.xbar_rows, 1, 65536),
    INT("chip.xbar_cols", chip.xbar_cols, 1, 65536),
    INT("chip.tiles_per_core", chip.tiles_per_core, 1, 1024),
    DBL("chip.clock_mhz", chip.clock_mhz, 1e-3, 1e5),
    INT("chip.router.buffer_depth", chip.router.buffer_depth, 1, 1024),
    INT("chip.router.pipeline", chip.router.pipeline, 1, 64),
    INT("chip.router.link_latency", chip.router.link_latency, 1, 1024),
    INT("chip.router.vcs", chip.router.vcs, 1, 16),
    INT("chip.router.flit_bits", chip.router.flit_bits, 8, 1024),
    INT("chip.router.watchdog_cycles", chip.router.watchdog_cycles, 1, 1e15),

    STR("device.name", device.name, NULL),
    DBL("device.dw_min", device.dw_min, 1e-6, 1),
    DBL("device.w_max", device.w_max, 1e-6, 100),
    DBL("device.step_dtod", device.step_dtod, 0, 2),
    DBL("device.step_ctoc", device.step_ctoc, 0, 2),
    DBL("device.bound_dtod", device.bound_dtod, 0, 1),
    DBL("device.asymmetry", device.asymmetry, -1.9, 1.9),
    BOOL("device.soft_bounds", device.soft_bounds),
    DBL("device.read_noise", device.read_noise, 0, 10),

    INT("network.input", network.input, 1, 1 << 20),
    INT("network.hidden", network.hidden, 1, 1 << 16),
    INT("network.output", network.output, 2, 1024),
    STR("network.init", network.init, init_choices),

    STR("dataset.name", dataset.name, NULL),
    STR("dataset.train_images", dataset.train_images, NULL),
    STR("dataset.train_labels", dataset.train_labels, NULL),
    STR("dataset.test_images", dataset.test_images, NULL),
    STR("dataset.test_labels", dataset.test_labels, NULL),
    INT("dataset.classes", dataset.classes, 2, 1024),
    INT("dataset.label_offset", dataset.label_offset, 0, 255),
    BOOL("dataset.transpose", dataset.transpose),
    INT("dataset.rows", dataset.rows, 1, 4096),
    INT("dataset.cols", dataset.cols, 1, 4096),

    INT("training.T", training.T, 1, 65536),
    INT("training.T_test", training.T_test, 1, 65536),
    INT("training.epochs", training.epochs, 0, 10000),
    DBL("training.beta", training.beta, 0, 1e6),
    DLIST("training.update_gate", training.update_gate, training.n_gate, 0, 1),
    INT("training.seed", training.seed, 0, 9007199254740991.0),
    INT("training.samples", training.samples, 0, 1e12),
    INT("training.test_samples", training.test_samples, 0, 1e12),
    BOOL("training.shuffle", training.shuffle),
    BOOL("training.ann_baseline", training.ann_baseline),
    STR("training.checkpoint", training.checkpoint, NULL),

    STR("technology.name", tech.name, NULL),
    DBL("technology.e_syn_op_pj", tech.e_syn_op_pj, 0, 1e9),
    DBL("technology.e_syn_update_pj", tech.e_syn_update_pj, 0, 1e9),
    DBL("technology.e_neuron_active_pj", tech.e_neuron_active_pj, 0, 1e9),
    DBL("technology.e_neuron_idle_pj", tech.e_neuron_idle_pj, 0, 1e9),
    DBL("technology.e_spike_local_pj", tech.e_spike_local_pj, 0, 1e9),
    DBL("technology.e_hop_ew_pj", tech.e_hop_ew_pj, 0, 1e9),
    DBL("technology.e_hop_ns_pj", tech.e_hop_ns_pj, 0, 1e9),
    DBL("technology.t_hop_ew_ns", tech.t_hop_ew_ns, 0, 1e9),
    DBL("technology.t_hop_ns_ns", tech.t_hop_ns_ns, 0, 1e9),
    DBL("technology.e_rng_pj", tech.e_rng_pj, 0, 1e9),
    DBL("technology.e_wta_pj", tech.e_wta_pj, 0, 1e9),
    DBL("technology.e_barrier_pj", tech.e_barrier_pj, 0, 1e9),
    DBL("technology.e_router_buffer_pj", tech.e_router_buffer_pj, 0, 1e9),
    DBL("technology.e_router_switch_pj", tech.e_router_switch_pj, 0, 1e9),
    DBL("technology.e_router_arb_pj", tech.e_router_arb_pj, 0, 1e9),
    DBL("technology.e_link_pj", tech.e_link_pj, 0, 1e9),
    DBL("technology.p_static_core_mw", tech.p_static_core_mw, 0, 1e9),
    DBL("technology.p_static_router_mw", tech.p_static_router_mw, 0, 1e9),
};
#define N_FIELDS (sizeof schema / sizeof schema[0])

/* ---- the node tree ------------------------------------------------------ */

enum nkind { N_MAP, N_SEQ, N_SCALAR };

struct node {
    enum nkind kind;
    const char *file;       /* points into the loader's file-name list */
    int line, col;          /* 1-based, of the value */
    int kline, kcol;        /* of the key, when this node is a mapping value */
    char *key;              /* when the child of a map */
    char *value;            /* scalar text */
    int plain;              /* scalar was unquoted (may be a number or bool) */
    struct node **items;
    int n, cap;
};

struct loader {
    char *files[64];        /* every file name a node may point to */
    int n_files;
    int depth;              /* include depth, to refuse cycles */
    char *err;
    size_t errlen;
};

static int fail(struct loader *L, const char *file, int line, int col, const char *fmt, ...)
{
    int n = snprintf(L->err, L->errlen, "%s:%d:%d: ", file, line, col);
    if (n < 0 || (size_t)n >= L->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err + n, L->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *intern_file(struct loader *L, const char *name)
{
    for (int i = 0; i < L->n_files; i++)
        if (!strcmp(L->files[i], name)) return L->files[i];
    if (L->n_files == (int)(sizeof L->files / sizeof L->files[0])) return "(too many files)";
    L->files[L->n_files] = strdup(name);
    return L->files[L->n_files++];
}

static void node_free(struct node *n)
{
    if (!n) return;
    for (int i = 0; i < n->n; i++) node_free(n->items[i]);
    free(n->items);
    free(n->key);
    free(n->value);
    free(n);
}

static struct node *node_new(enum nkind k, const char *file, const yaml_mark_t *m)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n) { perror("calloc"); exit(1); }
    n->kind = k;
    n->file = file;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    return n;
}

static void node_push(struct node *parent, struct node *child)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? 2 * parent->cap : 8;
        parent->items = realloc(parent->items, (size_t)parent->cap * sizeof *parent->items);
        if (!parent->items) { perror("realloc"); exit(1); }
    }
    parent->items[parent->n++] = child;
}

static struct node *map_get(const struct node *map, const char *key)
{
    for (int i = 0; i < map->n; i++)
        if (!strcmp(map->items[i]->key, key)) return map->items[i];
    return NULL;
}

static const char *kind_name(enum nkind k)
{
    return k == N_MAP ? "a mapping" : k == N_SEQ ? "a list" : "a scalar";
}

/* Builds the tree of one YAML document from libyaml events (recursive descent). */
static int parse_node(struct loader *L, yaml_parser_t *p, const char *file,
                      yaml_event_t *ev, struct node **out);

static int next_event(struct loader *L, yaml_parser_t *p, const char *file, yaml_event_t *ev)
{
    if (yaml_parser_parse(p, ev)) return 0;
    return fail(L, file, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                "YAML syntax error: %s%s%s", p->problem ? p->problem : "unknown",
                p->context ? " " : "", p->context ? p->context : "");
}

static int parse_children(struct loader *L, yaml_parser_t *p, const char *file, struct node *n)
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
                int r = fail(L, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                             "a key must be a plain string");
                yaml_event_delete(&ev);
                return r;
            }
            key = strdup((const char *)ev.data.scalar.value);
            kline = (int)ev.start_mark.line + 1;
            kcol = (int)ev.start_mark.column + 1;
            yaml_event_delete(&ev);
            struct node *dup = map_get(n, key);
            if (dup) {
                int r = fail(L, file, kline, kcol, "duplicate key '%s' (first at line %d)",
                             key, dup->kline);
                free(key);
                return r;
            }
            if (next_event(L, p, file, &ev)) { free(key); return -1; }
        }
        struct node *child;
        int r = parse_node(L, p, file, &ev, &child);
        yaml_event_delete(&ev);
        if (r) { free(key); return -1; }
        child->key = key;
        child->kline = key ? kline : child->line;
        child->kcol = key ? kcol : child->col;
        node_push(n, child);
    }
}

static int parse_node(struct loader *L, yaml_parser_t *p, const char *file,
                      yaml_event_t *ev, struct node **out)
{
    *out = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        struct node *n = node_new(N_SCALAR, file, &ev->start_mark);
        n->value = strdup((const char *)ev->data.scalar.value);
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        *out = n;
        return 0;
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        struct node *n = node_new(ev->type == YAML_MAPPING_START_EVENT ? N_MAP : N_SEQ,
                                  file, &ev->start_mark);
        if (parse_children(L, p, file, n)) { node_free(n); return -1; }
        *out = n;
        return 0;
    }
    case YAML_ALIAS_EVENT:
        return fail(L, file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "aliases (*name) are not supported; write the value out");
    default:
        return fail(L, file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "unexpected YAML event");
    }
}

/* Parses one YAML document from a buffer or a file into a tree. An empty
 * document yields an empty mapping. */
static int parse_yaml(struct loader *L, const char *file, FILE *f, const char *text,
                      struct node **out)
{
    yaml_parser_t p;
    yaml_event_t ev;
    *out = NULL;
    if (!yaml_parser_initialize(&p)) return fail(L, file, 1, 1, "cannot initialise the YAML parser");
    if (f) yaml_parser_set_input_file(&p, f);
    else yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    int r = -1;
    struct node *root = NULL;
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
        fail(L, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
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
static void resolve_path(const char *base_file, const char *rel, char *out, size_t n)
{
    const char *slash = strrchr(base_file, '/');
    if (rel[0] == '/' || !slash) snprintf(out, n, "%s", rel);
    else snprintf(out, n, "%.*s/%s", (int)(slash - base_file), base_file, rel);
}

static int load_file(struct loader *L, const char *path, const char *from_file,
                     int from_line, int from_col, struct node **out);

static int is_section(const char *path)
{
    for (int i = 0; sections[i]; i++)
        if (!strcmp(sections[i], path)) return 1;
    return 0;
}

/* Replaces section values given as file names by the mapping in that file. */
static int expand_includes(struct loader *L, struct node *map, const char *prefix)
{
    for (int i = 0; i < map->n; i++) {
        struct node *c = map->items[i];
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", c->key);
        if (!is_section(path)) continue;
        if (c->kind == N_SCALAR && c->value[0]) {
            char file[CFG_STR * 2];
            resolve_path(c->file, c->value, file, sizeof file);
            struct node *sub;
            if (load_file(L, file, c->file, c->line, c->col, &sub)) return -1;
            sub->key = c->key;
            c->key = NULL;
            sub->kline = c->kline;
            sub->kcol = c->kcol;
            node_free(c);
            map->items[i] = c = sub;
        }
        if (c->kind == N_MAP && expand_includes(L, c, path)) return -1;
    }
    return 0;
}

/* Overlays `top` onto `base` (mappings merge key by key, anything else replaces). */
static void merge(struct node *base, struct node *top)
{
    for (int i = 0; i < top->n; i++) {
        struct node *t = top->items[i];
        struct node *b = map_get(base, t->key);
        if (b && b->kind == N_MAP && t->kind == N_MAP) {
            merge(b, t);
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

static int load_file(struct loader *L, const char *path, const char *from_file,
                     int from_line, int from_col, struct node **out)
{
    *out = NULL;
    if (L->depth > 8)
        return fail(L, from_file, from_line, from_col, "includes nest too deep (a cycle?) at '%s'", path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (from_file) return fail(L, from_file, from_line, from_col, "cannot open '%s': %s", path, strerror(errno));
        snprintf(L->err, L->errlen, "%s:1:1: cannot open: %s", path, strerror(errno));
        return -1;
    }
    const char *file = intern_file(L, path);
    struct node *root;
    int r = parse_yaml(L, file, f, NULL, &root);
    fclose(f);
    if (r) return -1;
    if (root->kind != N_MAP) {
        r = fail(L, file, root->line, root->col, "expected a mapping of keys at the top, got %s",
                 kind_name(root->kind));
        node_free(root);
        return r;
    }
    L->depth++;
    struct node *ext = map_get(root, "extends");
    if (ext) {
        if (ext->kind != N_SCALAR) {
            L->depth--;
            r = fail(L, file, ext->line, ext->col, "extends: expected a file name");
            node_free(root);
            return r;
        }
        char base_path[CFG_STR * 2];
        resolve_path(file, ext->value, base_path, sizeof base_path);
        struct node *base;
        if (load_file(L, base_path, file, ext->line, ext->col, &base)) {
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
        merge(base, root);
        node_free(root);
        root = base;
    }
    L->depth--;
    *out = root;
    return 0;
}

/* ---- overrides ---------------------------------------------------------- */

static const struct field *find_field(const char *path)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!strcmp(schema[i].path, path)) return &schema[i];
    return NULL;
}

/* Applies "a.b.c=value": the value is parsed as YAML and placed at a.b.c.
 * Positions in messages are "--set:N:col" where N counts the --set options. */
static int apply_override(struct loader *L, struct node *root, const char *text, int index)
{
    char file[32];
    snprintf(file, sizeof file, "--set");
    const char *fname = intern_file(L, file);
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return fail(L, fname, index, 1, "expected key=value, got '%s'", text);
    char key[256];
    size_t klen = (size_t)(eq - text);
    if (klen >= sizeof key) return fail(L, fname, index, 1, "key too long");
    memcpy(key, text, klen);
    key[klen] = 0;
    if (!find_field(key) && !is_section(key))
        return fail(L, fname, index, 1, "unknown key '%s'", key);
    struct node *val;
    if (parse_yaml(L, fname, NULL, eq + 1, &val)) {
        /* Re-anchor the parser's position onto the command line. */
        char *colon = strchr(L->err, ':');
        if (colon) {
            char msg[512];
            char *third = strchr(colon + 1, ':');
            third = third ? strchr(third + 1, ':') : NULL;
            snprintf(msg, sizeof msg, "%s", third ? third + 2 : L->err);
            fail(L, fname, index, (int)klen + 2, "%s", msg);
        }
        return -1;
    }
    val->line = val->kline = index;
    val->col += (int)klen + 1;
    val->kcol = 1;
    /* Walk/create the mappings down to the parent of the last key. */
    struct node *cur = root;
    char *save, *tok = strtok_r(key, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        struct node *c = map_get(cur, tok);
        if (!next) {
            val->key = strdup(tok);
            if (c) {
                for (int i = 0; i < cur->n; i++)
                    if (cur->items[i] == c) cur->items[i] = val;
                node_free(c);
            } else {
                node_push(cur, val);
            }
            return 0;
        }
        if (!c) {
            yaml_mark_t m = { 0, (size_t)index - 1, 0 };
            c = node_new(N_MAP, fname, &m);
            c->key = strdup(tok);
            node_push(cur, c);
        } else if (c->kind != N_MAP) {
            node_free(val);
            return fail(L, fname, index, 1, "'%s' is not a section", tok);
        }
        cur = c;
        tok = next;
    }
    node_free(val);
    return 0;
}

/* ---- validation --------------------------------------------------------- */

static int parse_int(const char *s, int64_t *v)
{
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 0);
    if (errno || end == s || *end) return -1;
    *v = x;
    return 0;
}

static int parse_double(const char *s, double *v)
{
    errno = 0;
    char *end;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(x)) return -1;
    /* strtod accepts hex and "inf"/"nan"; YAML numbers are decimal. */
    for (const char *c = s; *c; c++)
        if ((*c >= 'a' && *c <= 'z' && *c != 'e') || (*c >= 'A' && *c <= 'Z' && *c != 'E')) return -1;
    *v = x;
    return 0;
}

static int parse_bool(const char *s, int *v)
{
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")) { *v = 1; return 0; }
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no")) { *v = 0; return 0; }
    return -1;
}

static int check_double(struct loader *L, const struct field *f, const struct node *n, double *out)
{
    if (n->kind != N_SCALAR || !n->plain || parse_double(n->value, out))
        return fail(L, n->file, n->line, n->col, "%s: expected a number, got %s%s%s%s", f->path,
                    n->kind == N_SCALAR ? "'" : kind_name(n->kind),
                    n->kind == N_SCALAR ? n->value : "", n->kind == N_SCALAR ? "'" : "", "");
    if (*out < f->min || *out > f->max)
        return fail(L, n->file, n->line, n->col, "%s: %g is out of range [%g, %g]", f->path,
                    *out, f->min, f->max);
    return 0;
}

static int set_field(struct loader *L, const struct field *f, const struct node *n, struct config *cfg)
{
    char *dst = (char *)cfg + f->off;
    switch (f->type) {
    case F_INT: {
        int64_t v;
        if (n->kind != N_SCALAR || !n->plain || parse_int(n->value, &v))
            return fail(L, n->file, n->line, n->col, "%s: expected an integer, got %s%s%s", f->path,
                        n->kind == N_SCALAR ? "'" : kind_name(n->kind),
                        n->kind == N_SCALAR ? n->value : "", n->kind == N_SCALAR ? "'" : "");
        if ((double)v < f->min || (double)v > f->max)
            return fail(L, n->file, n->line, n->col, "%s: %lld is out of range [%.0f, %.0f]",
                        f->path, (long long)v, f->min, f->max);
        if (f->max <= 2147483647.0) *(int *)dst = (int)v;
        else *(int64_t *)dst = v;
        return 0;
    }
    case F_DOUBLE:
        return check_double(L, f, n, (double *)dst);
    case F_BOOL:
        if (n->kind != N_SCALAR || !n->plain || parse_bool(n->value, (int *)dst))
            return fail(L, n->file, n->line, n->col, "%s: expected true or false, got %s%s%s", f->path,
                        n->kind == N_SCALAR ? "'" : kind_name(n->kind),
                        n->kind == N_SCALAR ? n->value : "", n->kind == N_SCALAR ? "'" : "");
        return 0;
    case F_STRING:
        if (n->kind != N_SCALAR)
            return fail(L, n->file, n->line, n->col, "%s: expected a string, got %s", f->path,
                        kind_name(n->kind));
        if (strlen(n->value) > (size_t)f->max)
            return fail(L, n->file, n->line, n->col, "%s: string longer than %.0f characters",
                        f->path, f->max);
        if (f->choices) {
            int ok = 0;
            for (int i = 0; f->choices[i]; i++) ok |= !strcmp(f->choices[i], n->value);
            if (!ok) {
                char list[256] = "";
                for (int i = 0; f->choices[i]; i++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", f->choices[i]);
                return fail(L, n->file, n->line, n->col, "%s: '%s' is not one of: %s", f->path,
                            n->value, list);
            }
        }
        snprintf(dst, CFG_STR, "%s", n->value);
        return 0;
    case F_DLIST: {
        double *v = (double *)dst;
        int *count = (int *)((char *)cfg + f->count_off);
        if (n->kind == N_SCALAR) {          /* a single number is a one-item list */
            *count = 1;
            return check_double(L, f, n, v);
        }
        if (n->kind != N_SEQ || n->n == 0 || n->n > CFG_LIST)
            return fail(L, n->file, n->line, n->col, "%s: expected a list of 1 to %d numbers",
                        f->path, CFG_LIST);
        for (int i = 0; i < n->n; i++)
            if (check_double(L, f, n->items[i], &v[i])) return -1;
        *count = n->n;
        return 0;
    }
    }
    return -1;
}

/* Checks every key against the schema and fills the struct; reports the first
 * unknown key, type error or missing key. */
static int validate(struct loader *L, const struct node *map, const char *prefix,
                    struct config *cfg, unsigned char *seen)
{
    for (int i = 0; i < map->n; i++) {
        const struct node *c = map->items[i];
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", c->key);
        if (is_section(path)) {
            if (c->kind != N_MAP)
                return fail(L, c->file, c->line, c->col,
                            "%s: expected a mapping (or the name of a file holding one), got %s",
                            path, kind_name(c->kind));
            if (validate(L, c, path, cfg, seen)) return -1;
            continue;
        }
        const struct field *f = find_field(path);
        if (!f) return fail(L, c->file, c->kline, c->kcol, "unknown key '%s'", path);
        if (set_field(L, f, c, cfg)) return -1;
        seen[f - schema] = 1;
    }
    return 0;
}

/* Cross-field rules the per-key ranges cannot say. */
static int check_consistency(struct loader *L, const struct node *root, const struct config *c)
{
    const struct node *net = map_get(root, "network");
    const struct node *in = net ? map_get(net, "input") : NULL;
    if (in && c->network.input != c->dataset.rows * c->dataset.cols)
        return fail(L, in->file, in->line, in->col,
                    "network.input: %d does not match the dataset's %dx%d = %d pixels",
                    c->network.input, c->dataset.rows, c->dataset.cols, c->dataset.rows * c->dataset.cols);
    const struct node *out = net ? map_get(net, "output") : NULL;
    if (out && c->network.output != c->dataset.classes)
        return fail(L, out->file, out->line, out->col,
                    "network.output: %d does not match dataset.classes = %d",
                    c->network.output, c->dataset.classes);
    const struct node *dev = map_get(root, "device");
    const struct node *wm = dev ? map_get(dev, "w_max") : NULL;
    double states = c->device.w_max / c->device.dw_min;
    if (wm && (states < 1 || states * (1 + 4 * c->device.bound_dtod) > 16000))
        return fail(L, wm->file, wm->line, wm->col,
                    "device: w_max/dw_min = %.0f states (with bound variation) must lie in [1, 16000] to fit a 16-bit conductance state",
                    states);
    return 0;
}

int config_load(const char *path, const struct config_override *ov, int n_ov,
                struct config *cfg, char *err, size_t errlen)
{
    struct loader L = { .err = err, .errlen = errlen };
    struct node *root = NULL;
    int r = -1;
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    if (load_file(&L, path, NULL, 0, 0, &root)) goto done;
    if (expand_includes(&L, root, "")) goto done;
    for (int i = 0; i < n_ov; i++) {
        if (apply_override(&L, root, ov[i].text, i + 1)) goto done;
        if (expand_includes(&L, root, "")) goto done;
    }
    unsigned char seen[N_FIELDS] = { 0 };
    if (validate(&L, root, "", cfg, seen)) goto done;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (seen[i]) continue;
        /* Name the missing key at the section that should hold it. */
        char sec[256];
        snprintf(sec, sizeof sec, "%s", schema[i].path);
        const struct node *at = root;
        char *save, *tok = strtok_r(sec, ".", &save);
        for (; tok; tok = strtok_r(NULL, ".", &save)) {
            const struct node *c = at->kind == N_MAP ? map_get(at, tok) : NULL;
            if (!c) break;
            at = c;
        }
        fail(&L, at->file ? at->file : path, at->line ? at->line : 1, at->col ? at->col : 1,
             "missing required key '%s'", schema[i].path);
        goto done;
    }
    if (check_consistency(&L, root, cfg)) goto done;
    r = 0;
done:
    node_free(root);
    for (int i = 0; i < L.n_files; i++) free(L.files[i]);
    return r;
}

void config_to_json(const struct config *cfg, struct json *j)
{
    /* Sections open and close as the dotted paths change; fields are grouped. */
    char open[8][64];
    int depth = 0;
    json_begin_object(j);
    for (size_t i = 0; i < N_FIELDS; i++) {
        const struct field *f = &schema[i];
        char parts[8][64];
        int np = 0;
        const char *s = f->path;
        while (np < 8) {
            const char *dot = strchr(s, '.');
            size_t len = dot ? (size_t)(dot - s) : strlen(s);
            snprintf(parts[np++], 64, "%.*s", (int)len, s);
            if (!dot) break;
            s = dot + 1;
        }
        int common = 0;
        while (common < depth && common < np - 1 && !strcmp(open[common], parts[common])) common++;
        while (depth > common) { json_end_object(j); depth--; }
        while (depth < np - 1) {
            json_key(j, parts[depth]);
            json_begin_object(j);
            snprintf(open[depth], 64, "%s", parts[depth]);
            depth++;
        }
        json_key(j, parts[np - 1]);
        const char *src = (const char *)cfg + f->off;
        switch (f->type) {
        case F_INT:
            if (f->max <= 2147483647.0) json_int(j, *(const int *)src);
            else json_int(j, *(const int64_t *)src);
            break;
        case F_DOUBLE: json_double(j, *(const double *)src); break;
        case F_BOOL: json_bool(j, *(const int *)src); break;
        case F_STRING: json_string(j, src); break;
        case F_DLIST: {
            int n = *(const int *)((const char *)cfg + f->count_off);
            json_begin_array(j);
            for (int k = 0; k < n; k++) json_double(j, ((const double *)src)[k]);
            json_end_array(j);
            break;
        }
        }
    }
    while (depth > 0) { json_end_object(j); depth--; }
    json_end_object(j);
}
