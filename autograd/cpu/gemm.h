// The CPU matrix product on row-major buffers, used by every op that multiplies matrices
// (MatMul, Linear, Conv2d).
//
//   // C[M, N] = A[M, K] * B[K, N]
//   cpu::Gemm<double>(false, false, M, N, K, A, B, C, /*accumulate=*/false);
//   // dA[M, K] = G[M, N] * B^T
//   cpu::Gemm<double>(false, true, M, K, N, G, B, dA, false);
//
// Rows of C are split over the intra-op threads (autograd/cpu/parallel.h) when the product
// is large enough; each part runs the GEMM of the active instruction set
// (autograd/cpu/isa/kernels.h: Eigen's, compiled per variant) or, for large float32
// products on AVX-512 CPUs, the AVX-512 SGEMM (autograd/cpu/sgemm_avx512.h).
#ifndef ACAODE_AUTOGRAD_CPU_GEMM_H_
#define ACAODE_AUTOGRAD_CPU_GEMM_H_

#include <cstdint>

namespace acaode {
namespace cpu {

// float32 products with at least this many multiply-adds (m·n·k) per thread use the
// AVX-512 SGEMM where the active instruction set is avx512; below it, its packing costs
// more than it gains.
inline constexpr int64_t kSgemmAvx512MinWork = int64_t{1} << 21;

// C[M, N] (=|+=) op(A) op(B), where op(A) is [M, K]: A is stored [M, K]
// row-major, or [K, M] when trans_a; likewise op(B) is [K, N], B stored
// [K, N] or [N, K] when trans_b. C must not alias A or B.
template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
          bool accumulate);

extern template void Gemm<float>(bool, bool, int64_t, int64_t, int64_t, const float*, const float*,
                                 float*, bool);
extern template void Gemm<double>(bool, bool, int64_t, int64_t, int64_t, const double*,
                                  const double*, double*, bool);

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_GEMM_H_
