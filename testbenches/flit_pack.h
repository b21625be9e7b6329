// struct flit (models/flit.h) <-> flit_pkg::flit_t (rtl/flit_pkg.sv) for the
// Verilator benches: the packed struct's first field is the most significant, so
// LSB first the fields are step, neuron, tail, head, tclass, stream, dst, src.
// packet and born are simulator bookkeeping and are not carried.
#ifndef FLIT_PACK_H
#define FLIT_PACK_H
#include <cstdint>
#include <cstdio>

extern "C" {
#include "flit.h"
}

namespace flit_pack {

constexpr int kFlitW = 104;
struct Field {
    const char *name;
    int lsb, width;
};
static const Field kFields[] = { { "step", 0, 32 },  { "neuron", 32, 32 }, { "tail", 64, 1 },  { "head", 65, 1 },
                                 { "tclass", 66, 2 }, { "stream", 68, 4 }, { "dst", 72, 16 }, { "src", 88, 16 } };

inline void put_bits(uint32_t *w, int lsb, int width, uint64_t v)
{
    for (int i = 0; i < width; i++) {
        int b = lsb + i;
        uint32_t bit = 1u << (b & 31);
        if (v >> i & 1) w[b >> 5] |= bit;
        else w[b >> 5] &= ~bit;
    }
}

inline uint64_t get_bits(const uint32_t *w, int lsb, int width)
{
    uint64_t v = 0;
    for (int i = 0; i < width; i++) v |= (uint64_t)(w[(lsb + i) >> 5] >> ((lsb + i) & 31) & 1) << i;
    return v;
}

inline uint64_t field_of(const struct flit &f, int k)
{
    switch (k) {
    case 0: return f.step;
    case 1: return f.neuron;
    case 2: return f.tail;
    case 3: return f.head;
    case 4: return f.tclass;
    case 5: return f.stream;
    case 6: return f.dst;
    default: return f.src;
    }
}

// Writes f into the flit_t at bit `base` of a Verilator wide signal.
inline void pack(uint32_t *w, int base, const struct flit &f)
{
    for (int k = 0; k < 8; k++) put_bits(w, base + kFields[k].lsb, kFields[k].width, field_of(f, k));
}

// The flit_t at bit `base`, as a struct flit (packet and born zero).
inline struct flit unpack(const uint32_t *w, int base)
{
    struct flit f = {};
    f.step = (uint32_t)get_bits(w, base + 0, 32);
    f.neuron = (uint32_t)get_bits(w, base + 32, 32);
    f.tail = (uint8_t)get_bits(w, base + 64, 1);
    f.head = (uint8_t)get_bits(w, base + 65, 1);
    f.tclass = (uint8_t)get_bits(w, base + 66, 2);
    f.stream = (uint8_t)get_bits(w, base + 68, 4);
    f.dst = (uint16_t)get_bits(w, base + 72, 16);
    f.src = (uint16_t)get_bits(w, base + 88, 16);
    return f;
}

// (name.field, expected, got) for every carried field of a flit.
template <class B>
void cmp_flit(B &b, const char *what, long index, const struct flit &e, const uint32_t *w, int base)
{
    char name[64];
    for (int k = 0; k < 8; k++) {
        snprintf(name, sizeof name, "%s.%s", what, kFields[k].name);
        b.cmp(name, index, (int64_t)field_of(e, k), (int64_t)get_bits(w, base + kFields[k].lsb, kFields[k].width));
    }
}

}  // namespace flit_pack
#endif
