/* See settings_diff.h. The texts are small (one line per schema field), so a
 * linear search per key is plenty. */
#include "settings_diff.h"

#include <stdio.h>
#include <string.h>

static int wanted(const char *key, size_t len, const char *const *prefixes)
{
    if (!prefixes) return 1;
    for (const char *const *p = prefixes; *p; p++)
        if (strlen(*p) <= len && !strncmp(key, *p, strlen(*p))) return 1;
    return 0;
}

/* The value of `key` (len bytes) in text, and its length; NULL when absent. */
static const char *value_of(const char *text, const char *key, size_t len, size_t *vlen)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (!strncmp(l, key, len) && l[len] == '=') {
            const char *v = l + len + 1, *end = strchr(v, '\n');
            *vlen = end ? (size_t)(end - v) : strlen(v);
            return v;
        }
    }
    return NULL;
}

int settings_first_difference(const char *was, const char *now, const char *const *prefixes,
                              struct settings_diff *d)
{
    for (const char *l = now; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *eq = strchr(l, '='), *end = strchr(l, '\n');
        if (!eq || (end && eq > end)) continue;
        size_t klen = (size_t)(eq - l);
        if (!wanted(l, klen, prefixes)) continue;
        size_t nlen = end ? (size_t)(end - eq - 1) : strlen(eq + 1), wlen = 0;
        const char *w = value_of(was, l, klen, &wlen);
        if (w && wlen == nlen && !memcmp(w, eq + 1, nlen)) continue;
        snprintf(d->key, sizeof d->key, "%.*s", (int)klen, l);
        snprintf(d->now, sizeof d->now, "%.*s", (int)nlen, eq + 1);
        if (w) snprintf(d->was, sizeof d->was, "%.*s", (int)wlen, w);
        else snprintf(d->was, sizeof d->was, "(absent)");
        return 1;
    }
    return 0;
}
