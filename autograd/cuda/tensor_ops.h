// Tensor-level functions on cuda tensors: the CUDA kernels behind the ops' device tables
// (Note [Device dispatch], autograd/device_dispatch.h), registered as they are, or through a
// few lines of adaptation, by autograd/cuda/kernel_registration.cc. Each takes validated
// arguments (the op checked shapes, dtypes and devices before dispatching), allocates its
// outputs on the cuda device through the caching allocator and launches on CurrentStream();
// none records autograd nodes (the op does, once for every device). The core (engine sums
// and seeds, clone, Tensor::to(dtype), slices) reaches the GPU through the tables of
// autograd/core_kernels.h, which autograd/cuda/core_kernels.cc fills.
//
// Memory: all Tensor arguments must be contiguous cuda tensors (the device
// check is the caller's; these functions do not read host data). Results are
// cuda tensors. Only item()/ToHost synchronise with the host.
#ifndef ACAODE_AUTOGRAD_CUDA_TENSOR_OPS_H_
#define ACAODE_AUTOGRAD_CUDA_TENSOR_OPS_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "autograd/cuda/elementwise.h"
#include "autograd/cuda/index.h"
#include "autograd/cuda/nn_kernels.h"
#include "autograd/cuda/reduce.h"
#include "autograd/ops/nn_kernels.h"
#include "autograd/tensor.h"

namespace acaode {
namespace cuda {

// --- elementwise ---
Tensor Unary(UnaryOp op, const Tensor& x, UnaryParams p = {});
// dx = dy * f'(saved) (see UnaryGradOp for which of x, y is saved).
Tensor UnaryGrad(UnaryGradOp op, const Tensor& dy, const Tensor& saved, UnaryParams p = {});
// out_shape: the broadcast of a and b (BroadcastShapes).
Tensor Binary(BinaryOp op, const Tensor& a, const Tensor& b, const Shape& out_shape);
Tensor LinearCombination(const Tensor& base, const std::vector<double>& coeffs,
                         const std::vector<Tensor>& terms);
// In place (used inside this backend; the public in-place ops of autograd/ops/inplace.h
// go through the core's kernel tables): y = value; dst = src (same numel/dtype; src may
// be on the host or the device).
void FillInPlace(const Tensor& y, double value);
void CopyInPlace(const Tensor& dst, const Tensor& src);
Tensor Cast(const Tensor& x, DType dtype);

// --- shape ---
Tensor Permute(const Tensor& x, const std::vector<int64_t>& perm);
Tensor Slice(const Tensor& x, int64_t dim, int64_t start, int64_t end);
Tensor BroadcastTo(const Tensor& x, const Shape& shape);
// dst[..., start:start + src.size(dim), ...] = src along dim (concat).
void WriteSlice(const Tensor& dst, int64_t dim, int64_t start, const Tensor& src);

// --- reductions ---
// dims: normalised, distinct, sorted; the result has the kept dims (keepdim
// is the caller's reshape). `positions` (kMax/kMin only, may be null) receives
// the positions along the reduced dims, int64 in device memory, one per output.
Tensor Reduce(ReduceOp op, const Tensor& x, const std::vector<int64_t>& dims,
              std::shared_ptr<Storage>* positions = nullptr);
// The positions as values of `dtype` (ArgMax), shaped `shape`.
Tensor PositionsAsValues(const std::shared_ptr<Storage>& positions, const Shape& shape,
                         DType dtype);
// Zeros of in_shape with dy (one value per output of an extremum along dim) at the positions.
Tensor ScatterAtPositions(const Tensor& dy, const Shape& in_shape, int64_t dim,
                          const std::shared_ptr<Storage>& positions);

// --- products ---
// MatMul core: a [..., m, k], b [k, n] (shared) or [..., k, n] with a's
// leading dims; validated by the caller.
Tensor MatMul(const Tensor& a, const Tensor& b);
// Gradients of MatMul(a, b) (core shapes as above) for dC = gc: dA = dC B^T,
// dB = A^T dC (summed over the batch when b is shared); each only where asked.
std::pair<Tensor, Tensor> MatMulGrads(const Tensor& a, const Tensor& b, const Tensor& gc,
                                      bool need_a, bool need_b);
// c = op(a) op(b) (+ c) on 2-D tensors (row-major, see gemm.h).
void GemmInto(bool trans_a, bool trans_b, const Tensor& a, const Tensor& b, const Tensor& c,
              bool accumulate);

// --- nn ---
// y = conv2d(x [N, C, H, W], w [O, C, K, K], b [O] or undefined).
Tensor Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t padding);
// Gradients of Conv2d for dy [N, O, OH, OW]; each only where asked.
Conv2dGrads Conv2dBackward(const Tensor& x, const Tensor& w, const Tensor& dy, int64_t stride,
                           int64_t padding, bool need_dx, bool need_dw, bool need_db);

Tensor AvgPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding);
Tensor AvgPool2dBackward(const Tensor& dy, const Shape& x_shape, int64_t kernel, int64_t stride,
                         int64_t padding);

// Statistics of x [N, C, ...] per group (float64 cuda tensors of num_stats).
struct NormStats {
  Tensor mean, rstd, var;
};
NormLayout MakeNormLayout(const Tensor& x, bool per_channel, int64_t groups);
NormStats ComputeNormStats(const Tensor& x, const NormLayout& l, double eps);
Tensor NormApply(const Tensor& x, const NormLayout& l, const NormStats& s, const Tensor& w,
                 const Tensor& b);
NormGrads NormBackward(const Tensor& x, const Tensor& dy, const NormLayout& l, const NormStats& s,
                       const Tensor& w, bool batch_stats, bool need_dx, bool need_dw, bool need_db);

Tensor LogSoftmax(const Tensor& x, int64_t dim);
Tensor LogSoftmaxBackward(const Tensor& y, const Tensor& dy, int64_t dim);

// labels: validated host labels; returns the device copy (int64) for the
// backward. loss = -scale * sum_i logp[i, labels[i]] (a 0-d tensor).
NllResult NllLoss(const Tensor& logp, const std::vector<int64_t>& labels, double scale);
Tensor CrossEntropyBackward(const Tensor& logp, const std::shared_ptr<Storage>& labels,
                            const Tensor& g, double scale);
// 0-d: scale * sum (a - b)^2; backward gives da (db = -da).
Tensor Mse(const Tensor& a, const Tensor& b, double scale);
Tensor MseBackwardA(const Tensor& a, const Tensor& b, const Tensor& g, double scale);

// The value of a one-element cuda tensor (synchronises).
double Item(const Tensor& t);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_TENSOR_OPS_H_
