// The matrix product used by the NN ops (Conv2d, Linear): the AVX-512
// SGEMM (autograd/cpu/sgemm_avx512.h) for large float32 products on CPUs
// that have it (m*n*k >= kNnGemmAvx512MinWork; below that its packing
// costs more than it gains), else Eigen's GEMM.
//
//   // C[M, N] = A[M, K] * B^T, B stored [N, K]
//   cpu::NnGemm<float>(false, true, m, n, k, a, b, c, /*accumulate=*/false);
//
// Contract as cpu::Gemm (autograd/cpu/gemm.h): row-major buffers, op(A) is
// [M, K] (A stored [K, M] when trans_a), op(B) is [K, N] (B stored [N, K]
// when trans_b), C (=|+=) op(A) op(B), C not aliasing A or B.
#ifndef ACAODE_AUTOGRAD_CPU_NN_GEMM_H_
#define ACAODE_AUTOGRAD_CPU_NN_GEMM_H_

#include <Eigen/Dense>
#include <cstdint>
#include <type_traits>

#include "autograd/cpu/sgemm_avx512.h"

namespace acaode {
namespace cpu {

inline constexpr int64_t kNnGemmAvx512MinWork = int64_t{1} << 21;

template <class T>
void NnGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
            const T* a, const T* b, T* c, bool accumulate) {
  if constexpr (std::is_same_v<T, float>) {
    if (m * n * k >= kNnGemmAvx512MinWork && HasAvx512()) {
      SgemmAvx512(trans_a, trans_b, m, n, k, a, b, c, accumulate);
      return;
    }
  }
  using MatR = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using MatC = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  Eigen::Map<MatR> cm(c, m, n);
  // A stored [K, M] row-major is op(A)^T, i.e. op(A) viewed column-major.
  auto run = [&](const auto& am, const auto& bm) {
    if (accumulate) {
      cm.noalias() += am * bm;
    } else {
      cm.noalias() = am * bm;
    }
  };
  if (!trans_a && !trans_b) {
    run(Eigen::Map<const MatR>(a, m, k), Eigen::Map<const MatR>(b, k, n));
  } else if (!trans_a && trans_b) {
    run(Eigen::Map<const MatR>(a, m, k), Eigen::Map<const MatC>(b, k, n));
  } else if (trans_a && !trans_b) {
    run(Eigen::Map<const MatC>(a, m, k), Eigen::Map<const MatR>(b, k, n));
  } else {
    run(Eigen::Map<const MatC>(a, m, k), Eigen::Map<const MatC>(b, k, n));
  }
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_NN_GEMM_H_
