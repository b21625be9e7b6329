/* The parameters the golden model is built from (ssnn_build): the network's
 * widths, the learning settings it reads and the device. sim/ssnn_setup.c fills
 * it from a workload's network:, training: and device: sections. */
#ifndef SSNN_CFG_H
#define SSNN_CFG_H
#include <stdint.h>

struct device_cfg;

struct ssnn_cfg {
    int n_layers;                   /* entries of layers: L + 2 */
    const int *layers;              /* widths, input first, output last */
    int64_t seed;
    int rate_membrane;              /* hidden membrane from pixel intensities (docs/learning-rule.md §4a) */
    double beta;                    /* backward gain, every hidden layer's unless beta_layers */
    int n_beta_layers;              /* L when given, else 0 */
    const double *beta_layers;      /* hidden layer l's gain, layer 1 first */
    int n_pulse_layers;             /* L + 1 when given, else 0 */
    const double *pulse_steps_layers; /* per matrix W1..WL, W_out: multiplies the pulse amplitude */
    const struct device_cfg *device;
};
#endif
