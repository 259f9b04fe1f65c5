// Reductions over all elements or chosen dimensions.
//
//   Sum(x)                     // 0-d
//   Sum(x, {0}, /*keepdim=*/true)   // [1, N] from [M, N]
//   Mean(x, {-1})              // negative dims count from the end
//   Max(x, 1)                  // max along dim 1
//
// Dims must be distinct and in range (else ValueError). Max/Min send the
// gradient to the arg-max (to the first one on ties). Mean, Max and Min of
// an empty selection throw ValueError.
#ifndef ACAODE_AUTOGRAD_OPS_REDUCE_H_
#define ACAODE_AUTOGRAD_OPS_REDUCE_H_

#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {

Tensor Sum(const Tensor& t);
Tensor Sum(const Tensor& t, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor Mean(const Tensor& t);
Tensor Mean(const Tensor& t, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor Max(const Tensor& t);
Tensor Max(const Tensor& t, int64_t dim, bool keepdim = false);
Tensor Min(const Tensor& t);
Tensor Min(const Tensor& t, int64_t dim, bool keepdim = false);
// Index of the first maximum along dim, as values of t's dtype (not
// differentiable).
Tensor ArgMax(const Tensor& t, int64_t dim, bool keepdim = false);
// sqrt(sum(t^2)) over all elements; gradient t / norm (0 at t == 0).
Tensor Norm(const Tensor& t);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_REDUCE_H_
