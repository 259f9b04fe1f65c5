// The avx2 variant of the per-instruction-set kernels (Note [Kernels per instruction set]
// in autograd/cpu/isa/isa.h); compiled with the flags of its Bazel target.
#define ACAODE_ISA_NS avx2
#define ACAODE_ISA_ENUM Isa::kAvx2
#define ACAODE_SIMD_BYTES 32
#include "autograd/cpu/isa/kernels_impl.h"
