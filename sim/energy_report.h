/* The energy report of a chip run: the chip's shape and counters priced under the
 * run's technology by the energy model (models/energy.h), and written out: into
 * the result file's JSON, as the table at the end of a run, as FILE.energy.csv,
 * and as a sweep's energy columns and Pareto front. */
#ifndef ENERGY_REPORT_H
#define ENERGY_REPORT_H
#include <stddef.h>
#include <stdio.h>

#include "energy.h"
#include "energy_shape.h"

struct config;
struct chip;
struct json;

/* Both accounts of a chip (training counters and chip->infer) under cfg's technology;
 * energy_report_infer_only then drops the training account. */
void energy_report_init(struct energy_report *r, const struct config *cfg, const struct chip *chip);

/* Writes "latency_ns_per_step", "throughput_samples_per_s", "edp_js_per_sample",
 * "energy_pj" and "timing_check" into the open JSON object. */
void energy_json(struct json *j, const struct energy_report *r);
/* The aligned table of the end of a chip run. */
void energy_print(FILE *f, const struct energy_report *r);
/* CSV, one row per (account, phase), pJ per sample per component. 0, or -1 with err. */
int energy_write_csv(const char *path, const struct energy_report *r, char *err, size_t errlen);
/* "<out without .json>.energy.csv" into buf. */
const char *energy_csv_path(const char *out, char *buf, size_t n);

/* End of a chip run: fills r, prints the table to stdout unless quiet, writes the
 * CSV beside `out` (when set). 0, or 1 when the CSV cannot be written (message on stderr). */
int energy_finish_run(struct energy_report *r, const struct config *cfg, const struct chip *chip,
                      const char *out, int quiet);
/* The same for an `infer` run: the inference account alone. */
int energy_finish_infer(struct energy_report *r, const struct config *cfg, const struct chip *chip,
                        const char *out, int quiet);

/* Sweep tables: the energy columns (header starts with a comma), and one row's values. */
void energy_csv_header(FILE *f);
void energy_csv_row(FILE *f, const struct energy_report *r);

/* Marks the points on the Pareto front of (low energy, high accuracy): on[i] = 1
 * when no other point has energy <= and accuracy >= with one of them strict. */
void energy_pareto(const double *energy, const double *accuracy, int n, int *on);
#endif
