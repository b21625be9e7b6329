/* Waveform writer (see waves.h). The FST backend is gtkwave's fstapi, compiled
 * from Verilator's copy (the Makefile builds it); the VCD backend is plain text.
 * Declarations are recorded first so that the save file can mirror the scopes. */
#include "waves.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstapi.h"

struct var {
    char path[160];         /* full dotted name, for the save file */
    int width, is_signed;
    uint64_t value;
    int written;            /* a value has been emitted */
    fstHandle fst;
    char vcd_id[8];
    int group_depth;        /* scope depth at declaration */
};

struct waves {
    char path[1024];
    int fst_mode;
    void *fst;
    FILE *vcd;
    char scope[16][64];
    int open[16];           /* the save file shows the group expanded */
    char group[64];         /* the save file's own group in progress (waves_group), or "" */
    int group_open;
    int depth;
    struct var *vars;
    int n_vars, cap_vars;
    /* the save file, built as declarations arrive */
    char *gtkw;
    size_t gtkw_len, gtkw_cap;
    int defs_done;
    uint64_t now;
    int time_emitted;       /* a time stamp has been written */
    int *pending;           /* pulses to clear at now + 1 */
    int n_pending, cap_pending;
    uint64_t changes;
    double zoom;            /* initial zoom of the save file (GTKWave's log2 scale) */
    uint64_t timestart;     /* where the save file opens */
};

static void gtkw_add(struct waves *w, const char *fmt, const char *a)
{
    char line[400];
    int n = snprintf(line, sizeof line, fmt, a);
    if (n < 0) return;
    if (w->gtkw_len + (size_t)n + 1 > w->gtkw_cap) {
        w->gtkw_cap = (w->gtkw_cap + (size_t)n + 1) * 2;
        w->gtkw = realloc(w->gtkw, w->gtkw_cap);
        if (!w->gtkw) { perror("realloc"); exit(1); }
    }
    memcpy(w->gtkw + w->gtkw_len, line, (size_t)n + 1);
    w->gtkw_len += (size_t)n;
}

struct waves *waves_open(const char *path, char *err, size_t errlen)
{
    size_t n = strlen(path);
    int fst = n > 4 && !strcmp(path + n - 4, ".fst");
    int vcd = n > 4 && !strcmp(path + n - 4, ".vcd");
    if (!fst && !vcd) {
        snprintf(err, errlen, "%s: a waveform file must end in .fst or .vcd", path);
        return NULL;
    }
    struct waves *w = calloc(1, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s", path);
    w->fst_mode = fst;
    if (fst) {
        w->fst = fstWriterCreate(path, 1);
        if (!w->fst) {
            snprintf(err, errlen, "%s: cannot create the FST file", path);
            free(w);
            return NULL;
        }
        fstWriterSetTimescaleFromString(w->fst, "1 ns");
        fstWriterSetPackType(w->fst, FST_WR_PT_LZ4);
    } else {
        w->vcd = fopen(path, "w");
        if (!w->vcd) {
            snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
            free(w);
            return NULL;
        }
        fprintf(w->vcd, "$comment ssnnsim spike waveforms; time in clock cycles $end\n$timescale 1ns $end\n");
    }
    return w;
}

void waves_scope(struct waves *w, const char *name) { waves_scope_view(w, name, 0); }

void waves_scope_view(struct waves *w, const char *name, int open)
{
    if (w->depth < 16) snprintf(w->scope[w->depth], sizeof w->scope[0], "%s", name);
    w->depth++;
    if (w->fst) fstWriterSetScope(w->fst, FST_ST_VCD_MODULE, name, NULL);
    else fprintf(w->vcd, "$scope module %s $end\n", name);
    /* Scopes below the top become (closed) groups in the save file. */
    if (w->depth > 1) gtkw_add(w, open ? "@800200\n-%s\n" : "@c00200\n-%s\n", name);
    if (w->depth < 16) w->open[w->depth - 1] = open;
}

void waves_upscope(struct waves *w)
{
    if (w->depth > 1)
        gtkw_add(w, w->open[w->depth - 1] ? "@1000200\n-%s\n" : "@1400200\n-%s\n", w->scope[w->depth - 1]);
    w->depth--;
    if (w->fst) fstWriterSetUpscope(w->fst);
    else fprintf(w->vcd, "$upscope $end\n");
}

void waves_group(struct waves *w, const char *name, int open)
{
    waves_group_end(w);
    snprintf(w->group, sizeof w->group, "%s", name);
    w->group_open = open;
    gtkw_add(w, open ? "@800200\n-%s\n" : "@c00200\n-%s\n", name);
}

void waves_group_end(struct waves *w)
{
    if (!w->group[0]) return;
    gtkw_add(w, w->group_open ? "@1000200\n-%s\n" : "@1400200\n-%s\n", w->group);
    w->group[0] = 0;
}

int waves_var(struct waves *w, const char *name, int width, int is_signed)
{
    if (w->n_vars == w->cap_vars) {
        w->cap_vars = w->cap_vars ? 2 * w->cap_vars : 256;
        w->vars = realloc(w->vars, (size_t)w->cap_vars * sizeof *w->vars);
        if (!w->vars) { perror("realloc"); exit(1); }
    }
    int id = w->n_vars++;
    struct var *v = &w->vars[id];
    memset(v, 0, sizeof *v);
    v->width = width;
    v->is_signed = is_signed;
    size_t k = 0;
    for (int d = 0; d < w->depth && d < 16; d++)
        k += (size_t)snprintf(v->path + k, sizeof v->path - k, "%s.", w->scope[d]);
    snprintf(v->path + k, sizeof v->path - k, "%s", name);
    char full[200];
    if (width > 1) snprintf(full, sizeof full, "%s[%d:0]", v->path, width - 1);
    else snprintf(full, sizeof full, "%s", v->path);
    /* Display: binary for single wires, (signed) decimal for buses. */
    gtkw_add(w, width == 1 ? "@28\n%s\n" : is_signed ? "@424\n%s\n" : "@24\n%s\n", full);
    if (w->fst) {
        v->fst = fstWriterCreateVar(w->fst, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, (uint32_t)width, name, 0);
    } else {
        /* VCD identifiers: printable characters 33..126, base 94. */
        int x = id, i = 0;
        do {
            v->vcd_id[i++] = (char)(33 + x % 94);
            x /= 94;
        } while (x && i < 7);
        v->vcd_id[i] = 0;
        if (width > 1) fprintf(w->vcd, "$var wire %d %s %s [%d:0] $end\n", width, v->vcd_id, name, width - 1);
        else fprintf(w->vcd, "$var wire 1 %s %s $end\n", v->vcd_id, name);
    }
    return id;
}

static void emit_time(struct waves *w, uint64_t t)
{
    if (w->time_emitted && t == w->now) return;
    w->now = t;
    w->time_emitted = 1;
    if (w->fst) fstWriterEmitTimeChange(w->fst, t);
    else fprintf(w->vcd, "#%llu\n", (unsigned long long)t);
}

static void emit_value(struct waves *w, int id, uint64_t value)
{
    struct var *v = &w->vars[id];
    if (v->written && v->value == value) return;
    v->value = value;
    v->written = 1;
    w->changes++;
    char bits[66];
    for (int b = 0; b < v->width; b++) bits[b] = (char)('0' + ((value >> (v->width - 1 - b)) & 1));
    bits[v->width] = 0;
    if (w->fst) fstWriterEmitValueChange(w->fst, v->fst, bits);
    else if (v->width == 1) fprintf(w->vcd, "%c%s\n", bits[0], v->vcd_id);
    else fprintf(w->vcd, "b%s %s\n", bits, v->vcd_id);
}

/* Ends the declarations and starts every signal at 0. */
static void begin_values(struct waves *w)
{
    if (w->defs_done) return;
    w->defs_done = 1;
    if (w->vcd) fprintf(w->vcd, "$enddefinitions $end\n");
    emit_time(w, 0);
    for (int i = 0; i < w->n_vars; i++) emit_value(w, i, 0);
}

/* Moves time forward to t, first clearing the pulses of the cycle before. */
static void advance(struct waves *w, uint64_t t)
{
    begin_values(w);
    if (t <= w->now) return;
    if (w->n_pending) {
        emit_time(w, w->now + 1);
        for (int i = 0; i < w->n_pending; i++) emit_value(w, w->pending[i], 0);
        w->n_pending = 0;
    }
    emit_time(w, t);
}

void waves_set(struct waves *w, int id, uint64_t t, uint64_t value)
{
    advance(w, t);
    emit_value(w, id, value);
}

void waves_pulse(struct waves *w, int id, uint64_t t) { waves_pulse_value(w, id, t, 1); }

void waves_pulse_value(struct waves *w, int id, uint64_t t, uint64_t value)
{
    advance(w, t);
    for (int i = 0; i < w->n_pending; i++)
        if (w->pending[i] == id) {      /* already pulsed this cycle: the values add up */
            emit_value(w, id, w->vars[id].value + value);
            return;
        }
    emit_value(w, id, value);
    if (w->n_pending == w->cap_pending) {
        w->cap_pending = w->cap_pending ? 2 * w->cap_pending : 256;
        w->pending = realloc(w->pending, (size_t)w->cap_pending * sizeof *w->pending);
        if (!w->pending) { perror("realloc"); exit(1); }
    }
    w->pending[w->n_pending++] = id;
}

uint64_t waves_changes(const struct waves *w) { return w->changes; }

void waves_zoom(struct waves *w, double zoom) { w->zoom = zoom; }

void waves_timestart(struct waves *w, uint64_t t) { w->timestart = t; }

int waves_close(struct waves *w, char *err, size_t errlen)
{
    advance(w, w->now + 1);   /* clears the last pulses */
    int rc = 0;
    if (w->fst) fstWriterClose(w->fst);
    else if (fclose(w->vcd)) {
        snprintf(err, errlen, "%s: write failed: %s", w->path, strerror(errno));
        rc = -1;
    }
    char gp[1100];
    snprintf(gp, sizeof gp, "%.*s.gtkw", (int)(strlen(w->path) - 4), w->path);
    FILE *g = fopen(gp, "w");
    if (!g) {
        snprintf(err, errlen, "%s: cannot create: %s", gp, strerror(errno));
        rc = -1;
    } else {
        const char *base = strrchr(w->path, '/');
        fprintf(g, "[*] GTKWave save file written by ssnnsim\n[dumpfile] \"%s\"\n", base ? base + 1 : w->path);
        fprintf(g, "[timestart] %llu\n[size] 1400 900\n*%.6f %llu\n[sst_width] 260\n[signals_width] 300\n"
                   "[treeopen] chip.\n",
                (unsigned long long)w->timestart, w->zoom, (unsigned long long)w->timestart);
        if (w->gtkw) fwrite(w->gtkw, 1, w->gtkw_len, g);
        if (fclose(g)) rc = -1;
    }
    free(w->vars);
    free(w->pending);
    free(w->gtkw);
    free(w);
    return rc;
}
