// The baseline variant of the per-instruction-set kernels (Note [Kernels per instruction set]
// in autograd/cpu/isa/isa.h); compiled with the flags of its Bazel target.
#define ACAODE_ISA_NS baseline
#define ACAODE_ISA_ENUM Isa::kBaseline
#define ACAODE_SIMD_BYTES 16
#include "autograd/cpu/isa/kernels_impl.h"
