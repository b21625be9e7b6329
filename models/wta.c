/* WTA block cycle model (see wta.h and rtl/wta.sv). */
#include "wta.h"

#include <stdlib.h>
#include <string.h>

int wta_init(struct wta *w, int outputs, int hidden, int lanes, const struct activation *act)
{
    memset(w, 0, sizeof *w);
    w->outputs = outputs;
    w->hidden = hidden;
    w->lanes = lanes;
    w->act = act;
    w->rng_back = calloc((size_t)hidden, sizeof *w->rng_back);
    w->v = calloc((size_t)outputs, sizeof *w->v);
    w->cum = calloc((size_t)outputs, sizeof *w->cum);
    w->fire = calloc((size_t)outputs, 1);
    w->b_pos = calloc((size_t)hidden, 1);
    w->b_neg = calloc((size_t)hidden, 1);
    if (!w->rng_back || !w->v || !w->cum || !w->fire || !w->b_pos || !w->b_neg) {
        wta_free(w);
        return -1;
    }
    wta_reset(w);
    return 0;
}

void wta_free(struct wta *w)
{
    free(w->rng_back);
    free(w->v);
    free(w->cum);
    free(w->fire);
    free(w->b_pos);
    free(w->b_neg);
    memset(w, 0, sizeof *w);
}

void wta_reset(struct wta *w)
{
    w->rng_wta = w->rng_gate = RNG_ZERO_FIX;
    for (int j = 0; j < w->hidden; j++) w->rng_back[j] = RNG_ZERO_FIX;
    w->phase = WTA_IDLE;
    w->group = 0;
    memset(w->v, 0, (size_t)w->outputs * sizeof *w->v);
    memset(w->cum, 0, (size_t)w->outputs * sizeof *w->cum);
    w->vmax = 0;
    w->learn = w->label = 0;
    w->gate_q = 0;
    w->beta_q = 0;
    w->winner = w->gate_open = w->err = w->decided = w->done = 0;
    memset(w->fire, 0, (size_t)w->outputs);
    memset(w->b_pos, 0, (size_t)w->hidden);
    memset(w->b_neg, 0, (size_t)w->hidden);
}

static void load(uint32_t *s, uint32_t seed)
{
    struct rng_unit r = { *s };
    rng_unit_step(&r, 1, seed, 0);
    *s = r.state;
}

void wta_step(struct wta *w, const struct wta_in *in)
{
    const int L = w->lanes;
    w->decided = w->done = 0;
    switch (w->phase) {
    case WTA_IDLE:
        if (!in->start) break;
        memcpy(w->v, in->v, (size_t)w->outputs * sizeof *w->v);
        w->vmax = wta_vmax(in->v, w->outputs);
        memset(w->cum, 0, (size_t)w->outputs * sizeof *w->cum);
        memset(w->b_pos, 0, (size_t)w->hidden);
        memset(w->b_neg, 0, (size_t)w->hidden);
        w->learn = in->learn;
        w->label = in->label;
        w->gate_q = in->gate_q;
        w->beta_q = in->beta_q;
        w->group = 0;
        w->phase = WTA_EXP;
        break;
    case WTA_EXP: {
        int k0 = w->group * L;
        uint64_t run = k0 ? w->cum[k0 - 1] : 0;
        for (int k = k0; k < k0 + L && k < w->outputs; k++) {
            run += wta_weight(w->act, w->vmax, w->v[k]);
            w->cum[k] = run;
        }
        w->group++;
        if (w->group * L >= w->outputs) w->phase = WTA_DRAW;
        break;
    }
    case WTA_DRAW: {
        uint64_t thr = wta_threshold(xorshift32(&w->rng_wta), w->cum[w->outputs - 1]);
        int o = w->outputs - 1;
        for (int k = 0; k < w->outputs; k++)
            if (w->cum[k] > thr) { o = k; break; }
        w->winner = o;
        for (int k = 0; k < w->outputs; k++) w->fire[k] = k == o;
        w->decided = 1;
        w->group = 0;
        if (w->learn) {
            w->gate_open = rng_u16(&w->rng_gate) < w->gate_q;
            w->err = w->gate_open && o != w->label;
            w->phase = WTA_BACK;
        } else {
            w->gate_open = w->err = 0;
            w->done = 1;
            w->phase = WTA_IDLE;
        }
        break;
    }
    case WTA_BACK: {
        int j0 = w->group * L;
        for (int j = j0; j < j0 + L && j < w->hidden; j++) {
            uint32_t u = rng_u16(&w->rng_back[j]);
            int s = w->err ? wta_back_spike(in->back_r[j], w->beta_q, u) : 0;
            w->b_pos[j] = s > 0;
            w->b_neg[j] = s < 0;
        }
        w->group++;
        if (w->group * L >= w->hidden) {
            w->done = 1;
            w->phase = WTA_IDLE;
        }
        break;
    }
    }
    /* A load wins over a draw of the same stream in the same cycle. */
    if (in->seed_wta) load(&w->rng_wta, in->seed);
    if (in->seed_gate) load(&w->rng_gate, in->seed);
    if (in->seed_back && in->seed_idx >= 0 && in->seed_idx < w->hidden) load(&w->rng_back[in->seed_idx], in->seed);
}
