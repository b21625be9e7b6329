/* Counter structs defined by a list of their fields (an X-macro): a struct's
 * fields, its sums and every output that writes it expand the one list, so a
 * counter has one name everywhere and a field added to a list reaches them all.
 *   LIST(COUNTER_FIELD)        uint64_t name;            (router.h, mesh.h, core.h, crossbar.h, chip_counters.h)
 *   LIST(COUNTER_CLASS_FIELD)  uint64_t name[TC_COUNT];  one per traffic class (flit.h)
 *   COUNTER_ADD_FUNCTION(NAME, LIST, CLASS_LIST)
 *                              NAME_add(d, a, b) for struct NAME: d += a - b, every counter
 *                              of LIST and each class of CLASS_LIST (COUNTER_NO_CLASS: none);
 *                              d += a when b is NULL */
#ifndef COUNTER_LIST_H
#define COUNTER_LIST_H
#include <stdint.h>

#include "flit.h"

#define COUNTER_FIELD(name) uint64_t name;
#define COUNTER_CLASS_FIELD(name) uint64_t name[TC_COUNT];
#define COUNTER_ADD(name) d->name += a->name - (b ? b->name : 0);
#define COUNTER_CLASS_ADD(name) \
    for (int t_ = 0; t_ < TC_COUNT; t_++) d->name[t_] += a->name[t_] - (b ? b->name[t_] : 0);
#define COUNTER_NO_CLASS(X)
#define COUNTER_ADD_FUNCTION(type, list, class_list)                                            \
    static inline void type##_add(struct type *d, const struct type *a, const struct type *b) \
    {                                                                                           \
        list(COUNTER_ADD) class_list(COUNTER_CLASS_ADD)                                         \
    }
/* How many entries a list has: (0 LIST(COUNTER_ONE)). */
#define COUNTER_ONE(name) +1
#endif
