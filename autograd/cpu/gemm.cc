#include "autograd/cpu/gemm.h"

#include <Eigen/Core>
#include <algorithm>

#include "autograd/cpu/parallel.h"

namespace acaode {
namespace cpu {
namespace {
// Multiply-adds per thread below which a GEMM is not split further.
constexpr int64_t kGemmGrainMacs = int64_t{1} << 20;
}  // namespace

template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
          bool accumulate) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using ConstMap = Eigen::Map<const Mat>;
  Eigen::Map<Mat> cm(c, m, n);
  if (k == 0) {
    if (!accumulate) cm.setZero();
    return;
  }
  // Stored shapes; op() by lazy transposes that Eigen folds into its GEMM.
  ConstMap am(a, trans_a ? k : m, trans_a ? m : k);
  ConstMap bm(b, trans_b ? n : k, trans_b ? k : n);
  // Rows of C are independent: split them over threads when the product is
  // big enough to amortise the hand-off (each chunk is one Eigen GEMM).
  const int64_t grain_rows = std::max<int64_t>(1, kGemmGrainMacs / std::max<int64_t>(1, n * k));
  auto run = [&](const auto& lhs, const auto& rhs) {
    ParallelFor(m, grain_rows, [&](int64_t r0, int64_t r1) {
      auto c_rows = cm.middleRows(r0, r1 - r0);
      if (accumulate) {
        c_rows.noalias() += lhs.middleRows(r0, r1 - r0) * rhs;
      } else {
        c_rows.noalias() = lhs.middleRows(r0, r1 - r0) * rhs;
      }
    });
  };
  if (!trans_a && !trans_b) run(am, bm);
  if (!trans_a && trans_b) run(am, bm.transpose());
  if (trans_a && !trans_b) run(am.transpose(), bm);
  if (trans_a && trans_b) run(am.transpose(), bm.transpose());
}

template void Gemm<float>(bool, bool, int64_t, int64_t, int64_t, const float*, const float*, float*,
                          bool);
template void Gemm<double>(bool, bool, int64_t, int64_t, int64_t, const double*, const double*,
                           double*, bool);

}  // namespace cpu
}  // namespace acaode
