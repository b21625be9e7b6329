/* One core and its network interface, cycle by cycle (see core_io.h). */
#include "core_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

int core_io_chip_init(struct core_io_chip *ch, int n_in, int n_h, int n_out, int core_neurons, int lanes,
                      int xbar_rows, double dw_min, double w_max, char *err, size_t errlen)
{
    memset(ch, 0, sizeof *ch);
    if (n_in < 1 || n_h < 1 || n_out < 1 || core_neurons < 1 || lanes < 1 || n_out > core_neurons ||
        n_in + 1 > xbar_rows || n_h + 1 > xbar_rows || dw_min <= 0 || w_max < dw_min) {
        snprintf(err, errlen,
                 "core_io: a %d-%d-%d network does not fit cores of %d neurons with one tile of %d rows "
                 "(dw_min %g, w_max %g)",
                 n_in, n_h, n_out, core_neurons, xbar_rows, dw_min, w_max);
        return -1;
    }
    /* the ideal device: every option off (0) */
    ch->dev.dw_min = dw_min;
    ch->dev.w_max = w_max;
    rpu_params_init(&ch->rp, &ch->dev);
    if (activation_init(&ch->act, dw_min)) {
        snprintf(err, errlen, "core_io: out of memory for the activation tables");
        return -1;
    }
    struct chip_shared *sh = &ch->sh;
    sh->n_in = n_in;
    sh->n_h = n_h;
    sh->n_out = n_out;
    sh->rp = &ch->rp;
    sh->dev = &ch->dev;
    sh->lanes = lanes;
    sh->xbar_rows = xbar_rows;
    sh->act = &ch->act;
    sh->n_input_cores = ceil_div(n_in, core_neurons);
    sh->n_hidden_cores = ceil_div(n_h, core_neurons);
    sh->hidden_per_core = core_neurons;
    sh->input_nodes = calloc((size_t)sh->n_input_cores, sizeof(int));
    sh->hidden_nodes = calloc((size_t)sh->n_hidden_cores, sizeof(int));
    sh->hidden_first = calloc((size_t)sh->n_hidden_cores, sizeof(int));
    ch->pixels = calloc((size_t)n_in, 1);
    if (!sh->input_nodes || !sh->hidden_nodes || !sh->hidden_first || !ch->pixels) {
        core_io_chip_free(ch);
        snprintf(err, errlen, "core_io: out of memory");
        return -1;
    }
    for (int i = 0; i < sh->n_input_cores; i++) sh->input_nodes[i] = i;
    for (int h = 0; h < sh->n_hidden_cores; h++) {
        sh->hidden_nodes[h] = sh->n_input_cores + h;
        sh->hidden_first[h] = h * core_neurons;
    }
    sh->output_node = sh->n_input_cores + sh->n_hidden_cores;
    sh->master_node = 0;
    sh->pixels = ch->pixels;
    sh->label = -1;
    ch->n_cores = sh->n_input_cores + sh->n_hidden_cores + 1;
    return 0;
}

int core_io_chip_init_deep(struct core_io_chip *ch, int n_in, int n_h, int n_h2, int n_out, int core_neurons,
                           int lanes, int xbar_rows, double dw_min, double w_max, char *err, size_t errlen)
{
    if (n_h2 < 1 || n_h2 + 1 > xbar_rows) {
        snprintf(err, errlen, "core_io: a second hidden layer of %d does not fit one tile of %d rows", n_h2, xbar_rows);
        return -1;
    }
    if (core_io_chip_init(ch, n_in, n_h, n_out, core_neurons, lanes, xbar_rows, dw_min, w_max, err, errlen))
        return -1;
    struct chip_shared *sh = &ch->sh;
    const int c1 = ceil_div(n_h, core_neurons), c2 = ceil_div(n_h2, core_neurons), nh = c1 + c2;
    int *nodes = realloc(sh->hidden_nodes, (size_t)nh * sizeof(int));
    if (nodes) sh->hidden_nodes = nodes;
    int *firsts = realloc(sh->hidden_first, (size_t)nh * sizeof(int));
    if (firsts) sh->hidden_first = firsts;
    if (!nodes || !firsts) {
        core_io_chip_free(ch);
        snprintf(err, errlen, "core_io: out of memory");
        return -1;
    }
    for (int h = 0; h < nh; h++) {
        sh->hidden_nodes[h] = sh->n_input_cores + h;
        sh->hidden_first[h] = (h < c1 ? h : h - c1) * core_neurons;
    }
    ch->width[0] = n_in;
    ch->width[1] = n_h;
    ch->width[2] = n_h2;
    ch->width[3] = n_out;
    ch->layer_core0[0] = 0;
    ch->layer_core0[1] = c1;
    ch->layer_core0[2] = nh;
    sh->n_h = n_h2;                 /* the top layer: what the output core reads */
    sh->n_hidden_cores = nh;
    sh->depth = 2;
    sh->width = ch->width;
    sh->layer_core0 = ch->layer_core0;
    sh->beta_layer = ch->beta_layer;
    sh->output_node = sh->n_input_cores + nh;
    ch->n_cores = sh->n_input_cores + nh + 1;
    return 0;
}

void core_io_chip_free(struct core_io_chip *ch)
{
    activation_free(&ch->act);
    free(ch->sh.input_nodes);
    free(ch->sh.hidden_nodes);
    free(ch->sh.hidden_first);
    free(ch->pixels);
    memset(ch, 0, sizeof *ch);
}

void core_io_place(const struct core_io_chip *ch, enum core_role role, int index, int *node, int *first, int *count)
{
    const struct chip_shared *sh = &ch->sh;
    int cn = sh->hidden_per_core;
    switch (role) {
    case CORE_INPUT:
        *node = sh->input_nodes[index];
        *first = index * cn;
        *count = sh->n_in - *first < cn ? sh->n_in - *first : cn;
        break;
    case CORE_HIDDEN: {
        int l = 0;      /* its layer, and that layer's width */
        while (sh->depth > 1 && l + 1 < sh->depth && index >= sh->layer_core0[l + 1]) l++;
        int n = sh->depth > 1 ? sh->width[l + 1] : sh->n_h;
        *node = sh->hidden_nodes[index];
        *first = sh->hidden_first[index];
        *count = n - *first < cn ? n - *first : cn;
        break;
    }
    default:
        *node = sh->output_node;
        *first = 0;
        *count = sh->n_out;
    }
}

int core_io_init(struct core_io *c, const struct core_io_chip *ch, enum core_role role, int index)
{
    memset(c, 0, sizeof *c);
    int node, first, count;
    core_io_place(ch, role, index, &node, &first, &count);
    if (core_init(&c->k, role, node, index, first, count, &ch->sh)) return -1;
    if (node == ch->sh.master_node) c->k.n_cores = ch->n_cores;
    return 0;
}

void core_io_free(struct core_io *c)
{
    core_free(&c->k);
    free(c->box.f);
    free(c->q);
    memset(c, 0, sizeof *c);
}

static void enqueue(struct core_io *c, const struct flit *f)
{
    if (c->count == c->cap) {
        uint32_t cap = c->cap ? 2 * c->cap : 64;
        struct flit *n = malloc((size_t)cap * sizeof *n);
        if (!n) { perror("core_io"); exit(1); }
        for (uint32_t i = 0; i < c->count; i++) n[i] = c->q[(c->head + i) % c->cap];
        free(c->q);
        c->q = n;
        c->head = 0;
        c->cap = cap;
    }
    c->q[(c->head + c->count) % c->cap] = *f;
    c->count++;
}

int core_io_step(struct core_io *c, const struct flit *in, int ready, struct flit *out)
{
    int offered = c->count > 0;
    if (offered) {
        *out = c->q[c->head];
        if (ready) {
            c->head = c->head + 1 == c->cap ? 0 : c->head + 1;
            c->count--;
        }
    }
    if (c->k.state == CS_COMPUTE && core_io_finish_at(c) <= c->now) core_finish(&c->k, c->now, &c->box);
    if (in) core_receive(&c->k, in, c->now, &c->box);
    for (int i = 0; i < c->box.n; i++) enqueue(c, &c->box.f[i]);
    c->box.n = 0;
    c->now++;
    return offered;
}
