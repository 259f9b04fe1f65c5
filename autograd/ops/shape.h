// Shape ops: reshape, transpose/permute, slicing, indexing, concat/stack/split.
//
//   Tensor xt = Transpose(x, 0, 1);
//   Tensor y = Permute(img, {0, 2, 3, 1});
//   std::vector<Tensor> parts = Split(z, {2, 3}, /*dim=*/1);
//   Tensor zz = Concat({z0, z1}, 0);
//
// All are differentiable. Negative dims count from the end. Reshape and
// slicing along dim 0 share storage with the input; the others copy.
#ifndef ACAODE_AUTOGRAD_OPS_SHAPE_H_
#define ACAODE_AUTOGRAD_OPS_SHAPE_H_

#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {

// Same as t.reshape(shape).
Tensor Reshape(const Tensor& t, const Shape& shape);
// Swaps two dimensions (copies).
Tensor Transpose(const Tensor& t, int64_t d0, int64_t d1);
// Output dim i is input dim dims[i]; dims must be a permutation.
Tensor Permute(const Tensor& t, const std::vector<int64_t>& dims);
// Same as t.slice(dim, start, end).
Tensor Slice(const Tensor& t, int64_t dim, int64_t start, int64_t end);
// Picks `indices` (repeats allowed, negative count from the end) along dim.
Tensor IndexSelect(const Tensor& t, int64_t dim, const std::vector<int64_t>& indices);
// Joins along an existing dim; all other dims and dtypes must agree.
Tensor Concat(const std::vector<Tensor>& tensors, int64_t dim);
// Joins along a new dim (all shapes equal).
Tensor Stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
// Cuts along dim into pieces of `sizes` (must sum to t.size(dim)).
std::vector<Tensor> Split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t dim);
// Inserts / removes a size-1 dim (views).
Tensor Unsqueeze(const Tensor& t, int64_t dim);
Tensor Squeeze(const Tensor& t, int64_t dim);
// Collapses dims [start_dim, end] into one (view).
Tensor Flatten(const Tensor& t, int64_t start_dim = 0);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_SHAPE_H_
