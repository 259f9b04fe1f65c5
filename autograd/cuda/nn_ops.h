// The NN ops on cuda tensors, differentiable: what Conv2d, Linear, GroupNorm,
// BatchNorm, AvgPool2d, LogSoftmax, CrossEntropy and MseLoss
// (autograd/ops/*.h) run once their arguments were validated and found on
// the GPU. Same contracts and formulas as those ops (the CPU path is the
// reference; tests/autograd/cuda/ compares them).
//
//   if (x.device() == Device::kCuda) return cuda::Conv2dOp(x, w, b, stride, padding);
//
// Memory: every tensor argument lives on the cuda device (labels of
// CrossEntropyOp are host integers, copied once). Outputs are cuda tensors;
// nothing synchronises with the host except the running statistics update
// of BatchNormOp (none) and errors.
#ifndef ACAODE_AUTOGRAD_CUDA_NN_OPS_H_
#define ACAODE_AUTOGRAD_CUDA_NN_OPS_H_

#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {
namespace cuda {

// y = conv2d(x, w) + b (b may be undefined).
Tensor Conv2dOp(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t padding);
// y = x w^T + b over the last dim of x (b may be undefined).
Tensor LinearOp(const Tensor& x, const Tensor& w, const Tensor& b);
Tensor GroupNormOp(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b, double eps);
// running_mean/var: both defined or both undefined; updated in place when
// training.
Tensor BatchNormOp(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                   const Tensor& w, const Tensor& b, bool training, double momentum, double eps);
Tensor AvgPool2dOp(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding);
// Mean over each H x W plane: [N, C, H, W] -> [N, C, 1, 1].
Tensor AdaptiveAvgPool2d1x1Op(const Tensor& x);
Tensor LogSoftmaxOp(const Tensor& x, int64_t dim);
// mean: divide by N (else sum). labels validated by the caller.
Tensor CrossEntropyOp(const Tensor& logits, const std::vector<int64_t>& labels, bool mean);
// mean: divide by numel (else sum).
Tensor MseLossOp(const Tensor& a, const Tensor& b, bool mean);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_NN_OPS_H_
