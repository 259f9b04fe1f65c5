#include "autograd/cpu/gemm.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "autograd/cpu/isa/kernels.h"
#include "autograd/cpu/onednn_runtime.h"
#include "autograd/cpu/parallel.h"

namespace acaode {
namespace cpu {
namespace {
// Multiply-adds per thread below which a GEMM is not split further.
constexpr int64_t kGemmGrainMacs = int64_t{1} << 20;

// One thread's share: rows [r0, r1) of C (rows of op(A): rows of A stored [M, K], or
// columns of A stored [K, M], which start at a + r0 with leading dimension m).
template <class T>
void GemmRows(bool trans_a, bool trans_b, int64_t r0, int64_t r1, int64_t m, int64_t n, int64_t k,
              const T* a, const T* b, T* c, bool accumulate) {
  const int64_t rows = r1 - r0;
  const int64_t lda = trans_a ? m : k, ldb = trans_b ? k : n;
  const T* a_rows = trans_a ? a + r0 : a + r0 * k;
  GemmKernel<T>(trans_a, trans_b, rows, n, k, a_rows, lda, b, ldb, c + r0 * n, n, accumulate);
}

}  // namespace

template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
          bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) std::memset(c, 0, sizeof(T) * static_cast<size_t>(m * n));
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (UseOneDnnSgemm(m, n, k)) {  // threads on its own (OpenMP)
      OneDnnSgemm(trans_a, trans_b, m, n, k, a, b, c, accumulate);
      return;
    }
  }
  // Rows of C are independent: split them over threads when the product is big enough to
  // amortise the hand-off.
  const int64_t grain_rows = std::max<int64_t>(1, kGemmGrainMacs / std::max<int64_t>(1, n * k));
  ParallelFor(m, grain_rows, [&](int64_t r0, int64_t r1) {
    GemmRows<T>(trans_a, trans_b, r0, r1, m, n, k, a, b, c, accumulate);
  });
}

template void Gemm<float>(bool, bool, int64_t, int64_t, int64_t, const float*, const float*, float*,
                          bool);
template void Gemm<double>(bool, bool, int64_t, int64_t, int64_t, const double*, const double*,
                           double*, bool);

}  // namespace cpu
}  // namespace acaode
