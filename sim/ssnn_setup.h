/* The golden model as a run sets it up: built from a workload's configuration,
 * and the digest of its weights that results and engines are compared by. */
#ifndef SSNN_SETUP_H
#define SSNN_SETUP_H
#include <stddef.h>

#include "ssnn.h"

struct config;

/* ssnn_build with the network:, training: and device: sections of cfg. */
int ssnn_init(struct ssnn *s, const struct config *cfg, char *err, size_t errlen);

/* SHA-256 over the conductance states, W1..WL then W_out, little-endian int16. */
void ssnn_weights_sha256(const struct ssnn *s, char hex[65]);
#endif
