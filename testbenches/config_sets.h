/* A workload loaded in-process as `--set` lines would change it, for the tests
 * that build models and chips themselves: the overrides `sets`, then `more`
 * (either may be NULL with a count of 0), over the YAML file `workload`. */
#ifndef CONFIG_SETS_H
#define CONFIG_SETS_H
#include "config.h"

#include <stdio.h>

/* 0, or -1 with the message in err; with err NULL, the message is printed as
 * "config: MESSAGE". */
static inline int config_load_sets(const char *workload, const char *const *sets, int n, const char *const *more,
                                   int n_more, struct config *cfg, char *err, size_t errlen)
{
    struct config_override ov[64];
    int k = 0;
    for (int i = 0; i < n && k < 64; i++) ov[k++] = (struct config_override){ sets[i], 0, 0, 0, 0 };
    for (int i = 0; i < n_more && k < 64; i++) ov[k++] = (struct config_override){ more[i], 0, 0, 0, 0 };
    char own[1024];
    if (!config_load(workload, ov, k, cfg, err ? err : own, err ? errlen : sizeof own)) return 0;
    if (!err) printf("config: %s\n", own);
    return -1;
}
#endif
