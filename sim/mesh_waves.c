/* Router port signals of a mesh in a waveform dump (see mesh_waves.h). */
#include "mesh_waves.h"
#include "mesh.h"
#include "waves.h"

#include <stdio.h>
#include <stdlib.h>

#define PORTS 5     /* N, E, S, W, local: enum router_port order */

struct mesh_waves {
    struct waves *w;
    int mesh_x, mesh_y, nodes;
    uint64_t hold;
    int *valid;             /* [nodes * 5], -1 for routers not dumped */
    int *occ;               /* [nodes * 5] */
    int *cred;              /* [nodes * 4] */
    uint64_t *dirty_until;  /* [nodes]: with hold, sample this router until then */
    uint32_t *last;         /* [nodes * 9]: occupancies then credits as last written (all start at 0) */
    uint64_t flits;
};

static void *alloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) { perror("mesh_waves"); exit(1); }
    return p;
}

struct mesh_waves *mesh_waves_declare(struct waves *w, int mesh_x, int mesh_y, const unsigned char *selected,
                                      uint64_t hold)
{
    return mesh_waves_declare_chips(w, mesh_x, mesh_y, mesh_x, mesh_y, selected, hold);
}

struct mesh_waves *mesh_waves_declare_chips(struct waves *w, int mesh_x, int mesh_y, int chip_w, int chip_h,
                                            const unsigned char *selected, uint64_t hold)
{
    static const char *const port[PORTS] = { "N", "E", "S", "W", "L" };
    struct mesh_waves *mw = alloc(1, sizeof *mw);
    mw->w = w;
    mw->mesh_x = mesh_x;
    mw->mesh_y = mesh_y;
    mw->nodes = mesh_x * mesh_y;
    mw->hold = hold;
    mw->valid = alloc((size_t)mw->nodes * PORTS, sizeof(int));
    mw->occ = alloc((size_t)mw->nodes * PORTS, sizeof(int));
    mw->cred = alloc((size_t)mw->nodes * 4, sizeof(int));
    mw->dirty_until = alloc((size_t)mw->nodes, sizeof(uint64_t));
    mw->last = alloc((size_t)mw->nodes * 9, sizeof(uint32_t));
    char name[64];
    for (int node = 0; node < mw->nodes; node++) {
        for (int p = 0; p < PORTS; p++) mw->valid[node * PORTS + p] = mw->occ[node * PORTS + p] = -1;
        for (int p = 0; p < 4; p++) mw->cred[node * 4 + p] = -1;
        if (!selected[node]) continue;
        int x = node % mesh_x, y = node / mesh_x;
        if (chip_w == mesh_x && chip_h == mesh_y) snprintf(name, sizeof name, "router_%d_%d", x, y);
        else snprintf(name, sizeof name, "chip_%d_%d_router_%d_%d", x / chip_w, y / chip_h, x % chip_w, y % chip_h);
        waves_scope(w, name);
        for (int p = 0; p < PORTS; p++) {
            snprintf(name, sizeof name, "%s_valid", port[p]);
            mw->valid[node * PORTS + p] = waves_var(w, name, 1, 0);
            snprintf(name, sizeof name, "%s_occupancy", port[p]);
            mw->occ[node * PORTS + p] = waves_var(w, name, 8, 0);
            if (p < 4) {
                snprintf(name, sizeof name, "%s_credits", port[p]);
                mw->cred[node * 4 + p] = waves_var(w, name, 8, 0);
            }
        }
        waves_upscope(w);
    }
    return mw;
}

void mesh_waves_switch(struct mesh_waves *mw, uint64_t t, int node, int out_port)
{
    int id = mw->valid[node * PORTS + out_port];
    if (id >= 0) {
        waves_pulse(mw->w, id, t);
        mw->flits++;
    }
    if (!mw->hold) return;
    /* Buffers and credits change only around a traversal: here, downstream, and
     * upstream when the credit comes back a link latency later. */
    uint64_t until = t + mw->hold;
    int x = node % mw->mesh_x, y = node / mw->mesh_x;
    const int nb[5] = { node, y > 0 ? node - mw->mesh_x : -1, x + 1 < mw->mesh_x ? node + 1 : -1,
                        y + 1 < mw->mesh_y ? node + mw->mesh_x : -1, x > 0 ? node - 1 : -1 };
    for (int i = 0; i < 5; i++)
        if (nb[i] >= 0 && mw->dirty_until[nb[i]] < until) mw->dirty_until[nb[i]] = until;
}

void mesh_waves_sample(struct mesh_waves *mw, const struct mesh *m, uint64_t t)
{
    for (int node = 0; node < mw->nodes; node++) {
        if (mw->occ[node * PORTS] < 0 || (mw->hold && mw->dirty_until[node] < t)) continue;
        uint32_t occ[PORTS];
        int32_t cred[4];
        mesh_router_state(m, node, occ, cred);
        /* Compared here first: most routers stay as they were most cycles. */
        uint32_t *last = &mw->last[node * 9];
        for (int p = 0; p < PORTS; p++)
            if (occ[p] != last[p]) waves_set(mw->w, mw->occ[node * PORTS + p], t, last[p] = occ[p]);
        for (int p = 0; p < 4; p++)
            if ((uint32_t)cred[p] != last[PORTS + p])
                waves_set(mw->w, mw->cred[node * 4 + p], t, last[PORTS + p] = (uint32_t)cred[p]);
    }
}

uint64_t mesh_waves_flits(const struct mesh_waves *mw) { return mw->flits; }

void mesh_waves_free(struct mesh_waves *mw)
{
    if (!mw) return;
    free(mw->valid);
    free(mw->occ);
    free(mw->cred);
    free(mw->dirty_until);
    free(mw->last);
    free(mw);
}
