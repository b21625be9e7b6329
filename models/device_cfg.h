/* The parameters of the synaptic device (the workload's device: section, a preset
 * from workloads/devices/): what models/rpu.c turns into each cell's steps, bounds
 * and noise. The preset's name is the configuration's, not the model's. */
#ifndef DEVICE_CFG_H
#define DEVICE_CFG_H

struct device_cfg {
    double dw_min;          /* weight change of one device step */
    double w_max;           /* bounds are +-w_max (states +-round(w_max/dw_min)) */
    double step_dtod;       /* device-to-device relative std of the step */
    double step_ctoc;       /* cycle-to-cycle relative std of each step */
    double bound_dtod;      /* device-to-device relative std of the bounds */
    double asymmetry;       /* up/down imbalance: up = 1+a/2, down = 1-a/2 (relative) */
    int soft_bounds;        /* step shrinks linearly towards the bound it moves to */
    double read_noise;      /* std of the noise on each integrated read, in weight units */
};
#endif
