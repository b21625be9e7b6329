/* Waveform dumps for GTKWave: FST (through the writer that ships with Verilator,
 * include/gtkwave/fstapi.c) or VCD (written here), chosen by the file extension.
 * Hierarchical scopes, integer signals of any width up to 64 bits, time in clock
 * cycles. A pulse is a 1 for one cycle: the writer puts the 0 back by itself.
 * Values are written only when they change. Also writes the GTKWave save file
 * (.gtkw) that groups the signals as they were declared. */
#ifndef WAVES_H
#define WAVES_H
#include <stddef.h>
#include <stdint.h>

struct waves;

/* Opens FILE.fst or FILE.vcd for writing; NULL with a message on failure. */
struct waves *waves_open(const char *path, char *err, size_t errlen);
/* Declarations (before the first value): scopes nest; a group starts a
 * collapsible group in the save file, usually with the scope of the same name. */
void waves_scope(struct waves *w, const char *name);
void waves_upscope(struct waves *w);
/* The same, shown expanded (open = 1) or collapsed in the save file. */
void waves_scope_view(struct waves *w, const char *name, int open);
/* A group of the save file alone (no scope in the dump), around the scopes
 * declared until waves_group_end: GTKWave shows them under one heading. Groups
 * do not nest in one another. */
void waves_group(struct waves *w, const char *name, int open);
void waves_group_end(struct waves *w);
/* Initial zoom of the save file, GTKWave's scale (0 = default, negative = wider). */
void waves_zoom(struct waves *w, double zoom);
/* Time the save file opens at (the start of a cycle window). */
void waves_timestart(struct waves *w, uint64_t t);
/* Returns the signal's id. `is_signed` shows it as signed decimal in GTKWave. */
int waves_var(struct waves *w, const char *name, int width, int is_signed);
/* Values at cycle `t` (t never decreases between calls). */
void waves_set(struct waves *w, int id, uint64_t t, uint64_t value);
void waves_pulse(struct waves *w, int id, uint64_t t);
/* A pulse carrying a value for one cycle (pulses in the same cycle add up). */
void waves_pulse_value(struct waves *w, int id, uint64_t t, uint64_t value);
/* Finishes the dump and writes PATH.gtkw beside it; 0 or -1 with a message. */
int waves_close(struct waves *w, char *err, size_t errlen);
uint64_t waves_changes(const struct waves *w);   /* value changes written so far */
#endif
