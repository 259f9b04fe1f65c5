// Single-precision GEMM with an AVX-512 micro-kernel, chosen at run time.
//
//   if (cpu::HasAvx512()) {
//     cpu::SgemmAvx512(false, true, m, n, k, a, b, c, /*accumulate=*/false);
//   }
//
// C[M, N] (=|+=) op(A) op(B) on row-major buffers, with the same contract as
// cpu::Gemm (autograd/cpu/gemm.h): op(A) is [M, K] (A stored [K, M] when
// trans_a), op(B) is [K, N] (B stored [N, K] when trans_b); C must not alias
// A or B. Blocked as in BLIS (Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", TOMS 2008): panels of A
// (kMr = 8 rows) and B (kNr = 32 columns) are packed and an 8 x 32 register
// tile of C is accumulated with FMAs. The AVX-512 code is compiled only for
// the functions marked with the target attribute, so the library still runs
// on AVX2-only machines; call SgemmAvx512 only when HasAvx512() is true.
// Why: on AVX-512 machines Eigen's AVX2 SGEMM reaches about half of peak;
// the convolution benchmark is GEMM-bound (Note [nn benchmark results] in
// autograd/benchmarks/nn_bench.cc).
#ifndef ACAODE_AUTOGRAD_CPU_SGEMM_AVX512_H_
#define ACAODE_AUTOGRAD_CPU_SGEMM_AVX512_H_

#include <cstdint>

namespace acaode {
namespace cpu {

// Whether the active instruction set (autograd/cpu/isa/isa.h) is avx512; setting
// ACAODE_CPU_ISA=avx2 makes it false (for comparisons).
bool HasAvx512();

void SgemmAvx512(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
                 const float* b, float* c, bool accumulate);

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_SGEMM_AVX512_H_
