// The CPU matrix product on row-major buffers, used by every op that multiplies matrices
// (MatMul, Linear, Conv2d).
//
//   // C[M, N] = A[M, K] * B[K, N]
//   cpu::Gemm<double>(false, false, M, N, K, A, B, C, /*accumulate=*/false);
//   // dA[M, K] = G[M, N] * B^T
//   cpu::Gemm<double>(false, true, M, K, N, G, B, dA, false);
//
// float32 products of medium and large size go to oneDNN's SGEMM, JIT-compiled for the CPU
// (autograd/cpu/onednn_runtime.h). The others are split by rows of C over the intra-op
// threads (autograd/cpu/parallel.h) when large enough, and each part runs the GEMM of the
// active instruction set (autograd/cpu/isa/kernels.h: Eigen's, compiled per variant).
#ifndef ACAODE_AUTOGRAD_CPU_GEMM_H_
#define ACAODE_AUTOGRAD_CPU_GEMM_H_

#include <cstdint>

namespace acaode {
namespace cpu {

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
