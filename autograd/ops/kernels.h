// The kernels of the tensor ops of autograd/ops.h, run through device tables (Note
// [Device dispatch], autograd/device_dispatch.h): the ops validate, call these and record
// the backward once for every device. The CPU kernels are defined beside the ops, the CUDA
// kernels are registered by autograd/cuda/kernel_registration.cc. The NN ops' tables are
// in autograd/ops/nn_kernels.h.
//
// Contract: the arguments were validated by the op, every tensor lives on the device whose
// kernel runs, outputs are new contiguous tensors there, and a gradient not asked for is
// returned undefined.
#ifndef ACAODE_AUTOGRAD_OPS_KERNELS_H_
#define ACAODE_AUTOGRAD_OPS_KERNELS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "autograd/device_dispatch.h"
#include "autograd/elementwise_op.h"
#include "autograd/storage.h"
#include "autograd/tensor.h"

namespace acaode {

// ---- Elementwise ops: the kind of each (and its scalars) is named in
// autograd/elementwise_op.h.

// y = f(x).
extern DeviceDispatch<Tensor(UnaryOp op, const Tensor& x, UnaryParams p)> unary_kernel;
// dx = dy f'(saved), saved being x or y as UnaryGradOp says.
extern DeviceDispatch<Tensor(UnaryGradOp op, const Tensor& dy, const Tensor& saved, UnaryParams p)>
    unary_grad_kernel;
// out = f(a, b) with NumPy broadcasting to out_shape (a and b of one dtype).
extern DeviceDispatch<Tensor(BinaryOp op, const Tensor& a, const Tensor& b, const Shape& out_shape)>
    binary_kernel;
// x stretched to shape (shape is a broadcast of x's).
extern DeviceDispatch<Tensor(const Tensor& x, const Shape& shape)> broadcast_to_kernel;

// ---- LinearCombination: out = base + sum_i coeffs[i] terms[i], i < count (every term of
// base's shape and dtype; no term undefined). Arrays, not vectors, so that the untaped hot
// path of an RK step allocates nothing but the output.

extern DeviceDispatch<Tensor(const Tensor& base, const double* coeffs, const Tensor* const* terms,
                             int64_t count)>
    linear_combination_kernel;

// ---- Permute: x's dims reordered, out's dim d being x's dim perm[d] (perm a permutation).
extern DeviceDispatch<Tensor(const Tensor& x, const std::vector<int64_t>& perm)> permute_kernel;

// ---- Reductions (dims sorted, distinct and in range; results keep the reduced dims as 1).

// The sum over dims (a copy, never an alias, when dims is empty).
extern DeviceDispatch<Tensor(const Tensor& x, const std::vector<int64_t>& dims)> sum_kernel;
// Positions along a dim, one per output of a reduction along it (outer-major), as int64 in
// memory of the device the reduction ran on, so that its backward reads them there.
struct ArgPositions {
  std::shared_ptr<Storage> storage;  // count int64 values
  int64_t count = 0;
  const int64_t* data() const { return static_cast<const int64_t*>(storage->data()); }
  int64_t* mutable_data() const { return static_cast<int64_t*>(storage->data()); }
};
// The max (is_max) or min along a non-empty dim, and in *arg the first position along dim
// attaining each (NaN as in autograd/cpu/reduce.h).
extern DeviceDispatch<Tensor(const Tensor& x, int64_t dim, bool is_max, ArgPositions* arg)>
    extremum_kernel;
// Its backward: zeros of in_shape with dy (keepdim shape) placed at the positions arg.
extern DeviceDispatch<Tensor(const Tensor& dy, const Shape& in_shape, int64_t dim,
                             const ArgPositions& arg)>
    scatter_at_arg_kernel;
// The positions of the max along a non-empty dim, as values of x's dtype.
extern DeviceDispatch<Tensor(const Tensor& x, int64_t dim)> argmax_kernel;

// ---- MatMul of a [..., m, k] and b [k, n] (shared by a's batch) or [..., k, n] (the same
// leading dims): c [..., m, n].

extern DeviceDispatch<Tensor(const Tensor& a, const Tensor& b)> matmul_kernel;
struct MatMulGrads {
  Tensor da, db;
};
// da = dc b^T, db = a^T dc (for a shared b, summed over the batch).
extern DeviceDispatch<MatMulGrads(const Tensor& a, const Tensor& b, const Tensor& dc, bool need_a,
                                  bool need_b)>
    matmul_backward_kernel;

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_KERNELS_H_
