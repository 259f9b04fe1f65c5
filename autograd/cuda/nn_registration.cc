// The CUDA kernels of the NN ops in autograd/ops/nn_kernels.h, registered in their device
// tables when this library loads (Note [Device dispatch], autograd/device_dispatch.h). Each
// entry is a tensor-level function of autograd/cuda/tensor_ops.h, or a few lines adapting
// one to the table's contract. Linked (alwayslink) wherever the CUDA backend is.
#include "autograd/cuda/tensor_ops.h"
#include "autograd/device_dispatch.h"
#include "autograd/ops/nn_kernels.h"

namespace acaode {
namespace {

// The backward reads the input's shape for every gradient, so it is always kept.
Tensor Conv2dCuda(const cpu::ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& b,
                  const GradsNeeded& /*need*/, Conv2dSaved* saved) {
  saved->x = x.detach();
  return cuda::Conv2d(x, w, b, g.stride_h, g.pad_h);
}

Conv2dGrads Conv2dBackwardCuda(const cpu::ConvGeometry& g, const Conv2dSaved& saved,
                               const Tensor& dy, const GradsNeeded& need) {
  return cuda::Conv2dBackward(saved.x, saved.w, dy, g.stride_h, g.pad_h, need.x, need.w, need.b);
}

Tensor PlaneMeanCuda(const Tensor& x) {
  const Shape& s = x.shape();
  return cuda::Reduce(cuda::ReduceOp::kMean, x, {2, 3}).reshape({s[0], s[1], 1, 1});
}

Tensor PlaneMeanBackwardCuda(const Tensor& dy, const Shape& x_shape) {
  const double inv = 1.0 / static_cast<double>(x_shape[2] * x_shape[3]);
  return cuda::Unary(cuda::UnaryOp::kMulScalar, cuda::BroadcastTo(dy, x_shape), {inv, 0.0});
}

MseGrads MseLossBackwardCuda(const Tensor& a, const Tensor& b, const Tensor& g, double scale,
                             bool need_a, bool need_b) {
  const Tensor da = cuda::MseBackwardA(a, b, g, scale);
  MseGrads d;
  if (need_a) d.da = da;
  if (need_b) d.db = cuda::Unary(cuda::UnaryOp::kNeg, da);
  return d;
}

ACAODE_REGISTER_KERNEL(conv2d_kernel, Device::kCuda, Conv2dCuda);
ACAODE_REGISTER_KERNEL(conv2d_backward_kernel, Device::kCuda, Conv2dBackwardCuda);
ACAODE_REGISTER_KERNEL(avg_pool2d_kernel, Device::kCuda, cuda::AvgPool2d);
ACAODE_REGISTER_KERNEL(avg_pool2d_backward_kernel, Device::kCuda, cuda::AvgPool2dBackward);
ACAODE_REGISTER_KERNEL(plane_mean_kernel, Device::kCuda, PlaneMeanCuda);
ACAODE_REGISTER_KERNEL(plane_mean_backward_kernel, Device::kCuda, PlaneMeanBackwardCuda);
ACAODE_REGISTER_KERNEL(log_softmax_kernel, Device::kCuda, cuda::LogSoftmax);
ACAODE_REGISTER_KERNEL(log_softmax_backward_kernel, Device::kCuda, cuda::LogSoftmaxBackward);
ACAODE_REGISTER_KERNEL(nll_loss_kernel, Device::kCuda, cuda::NllLoss);
ACAODE_REGISTER_KERNEL(cross_entropy_backward_kernel, Device::kCuda, cuda::CrossEntropyBackward);
ACAODE_REGISTER_KERNEL(mse_loss_kernel, Device::kCuda, cuda::Mse);
ACAODE_REGISTER_KERNEL(mse_loss_backward_kernel, Device::kCuda, MseLossBackwardCuda);

}  // namespace
}  // namespace acaode
