/* HOT_CLONES: the vectorising hot loops (row accumulation, per-unit draws) get an
 * AVX2 copy next to the baseline one on x86-64, picked at load time. Integer
 * code: both copies compute the same bits. Used by the golden model and the
 * chip's cores alike, so the slowdown compares like with like. */
#ifndef HOT_CLONES_H
#define HOT_CLONES_H
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define HOT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HOT_CLONES
#endif
#endif
