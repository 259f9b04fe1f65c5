// Small tensor helpers shared by the gradient methods' backward passes (not API).
//
//   lambda = AddOutputGrad(lambda, g[k]);   // the adjoint plus dL/dz(t_k), staying "zero"
//   if (!lambda.defined()) continue;        // no loss downstream: skip the step
#ifndef ACAODE_ACA_INTERNAL_ADJOINT_MATH_H_
#define ACAODE_ACA_INTERNAL_ADJOINT_MATH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "autograd/node.h"
#include "autograd/tensor.h"

namespace acaode {
namespace aca {
namespace detail {

// max(a, b), NaN when either is (std::max drops a NaN in its second argument).
double MaxOrNaN(double a, double b);

// Whether every element of t is 0 (NaN and ±inf are not). CPU or CUDA tensors.
bool AllZero(const Tensor& t);

// max_i |a_i − b_i| (untaped; same shape and dtype; NaN propagates). CPU or CUDA tensors.
double MaxAbsDiff(const Tensor& a, const Tensor& b);

// The largest |a_i − b_i| over the pairs added: the replays' agreement with the forward
// pass (SolveStats::replay_max_abs_diff). For GPU states each pair's max (and its sum, which
// is NaN exactly when a difference is NaN: the GPU's max skips NaN) stays on the device
// until Value() copies them all to the host at once, instead of two states per step.
// NaN propagates.
//
//   MaxAbsDiffAccumulator diff;
//   diff.Add(replayed_z, checkpoint_z);  // per step
//   stats->replay_max_abs_diff = diff.Value();
class MaxAbsDiffAccumulator {
 public:
  // Folds in max_i |a_i − b_i| (untaped; same shape, dtype and device).
  void Add(const Tensor& a, const Tensor& b);
  // 0 before any Add.
  double Value() const;

 private:
  double host_max_ = 0;
  std::vector<Tensor> device_stats_;  // per GPU pair: max_i |a_i - b_i|, then sum_i
};

// acc + x, where an undefined tensor stands for 0.
Tensor AddOrSet(const Tensor& acc, const Tensor& x);

// The adjoint λ plus an output's gradient g_k, where an undefined λ stands for 0 and stays
// undefined while the added gradients are zero (a loss on earlier outputs only), so that
// the steps after the last output with a nonzero gradient are not replayed.
Tensor AddOutputGrad(const Tensor& lambda, const Tensor& g_k);

// The indices j of f's n_params parameters whose gradient `node` must return: every
// gradient method's node takes z0 as input 0 and parameter j as input 1 + j.
std::vector<int64_t> WantedParams(const Node& node, size_t n_params);

}  // namespace detail
}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_INTERNAL_ADJOINT_MATH_H_
