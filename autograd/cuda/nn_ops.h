// The NN ops on cuda tensors that still record their own backward: what Linear,
// GroupNorm and BatchNorm (autograd/ops/*.h) run once their arguments were validated and
// found on the GPU. Same contracts and formulas as those ops (the CPU path is the
// reference; tests/autograd/cuda/ compares them). Conv2d, the pools and the losses instead
// dispatch to kernels that autograd/cuda/nn_registration.cc registers (Note [Device
// dispatch], autograd/device_dispatch.h).
//
//   if (x.device() == Device::kCuda) return cuda::GroupNormOp(x, groups, w, b, eps);
//
// Memory: every tensor argument lives on the cuda device. Outputs are cuda tensors;
// nothing synchronises with the host except errors.
#ifndef ACAODE_AUTOGRAD_CUDA_NN_OPS_H_
#define ACAODE_AUTOGRAD_CUDA_NN_OPS_H_

#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {
namespace cuda {

// y = x w^T + b over the last dim of x (b may be undefined).
Tensor LinearOp(const Tensor& x, const Tensor& w, const Tensor& b);
Tensor GroupNormOp(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b, double eps);
// running_mean/var: both defined or both undefined; updated in place when
// training.
Tensor BatchNormOp(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                   const Tensor& w, const Tensor& b, bool training, double momentum, double eps);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_NN_OPS_H_
