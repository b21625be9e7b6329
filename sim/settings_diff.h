/* Which setting differs between two runs: compares the "key=value" lines of
 * config_to_lines (a checkpoint keeps those of the run that wrote it), so that a
 * refusal names the setting instead of listing every one that might. */
#ifndef SETTINGS_DIFF_H
#define SETTINGS_DIFF_H
#include <stddef.h>

struct settings_diff {
    char key[128];
    char was[256], now[256];    /* "(absent)" when one side lacks the key */
};

/* The first key (in the order of `now`) whose value differs from `was`, among the
 * keys starting with one of `prefixes` (NULL-terminated; NULL = every key). Returns
 * 1 and fills d when one differs, 0 when they agree. */
int settings_first_difference(const char *was, const char *now, const char *const *prefixes,
                              struct settings_diff *d);
#endif
