#include "autograd/cpu/gemm.h"

#include <Eigen/Core>

namespace acaode {
namespace cpu {

template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
          const T* a, const T* b, T* c, bool accumulate) {
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
  auto run = [&](const auto& lhs, const auto& rhs) {
    if (accumulate) {
      cm.noalias() += lhs * rhs;
    } else {
      cm.noalias() = lhs * rhs;
    }
  };
  if (!trans_a && !trans_b) run(am, bm);
  if (!trans_a && trans_b) run(am, bm.transpose());
  if (trans_a && !trans_b) run(am.transpose(), bm);
  if (trans_a && trans_b) run(am.transpose(), bm.transpose());
}

template void Gemm<float>(bool, bool, int64_t, int64_t, int64_t, const float*,
                          const float*, float*, bool);
template void Gemm<double>(bool, bool, int64_t, int64_t, int64_t,
                           const double*, const double*, double*, bool);

}  // namespace cpu
}  // namespace acaode
