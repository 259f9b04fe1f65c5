// The CUDA kernels of the ops' device tables (autograd/ops/kernels.h, autograd/ops/nn_kernels.h),
// registered when this library loads (Note [Device dispatch], autograd/device_dispatch.h). Each
// entry is a tensor-level function of autograd/cuda/tensor_ops.h, or a few lines adapting
// one to the table's contract. Linked (alwayslink) wherever the CUDA backend is.
#include <cstdint>
#include <memory>
#include <vector>

#include "autograd/cuda/nn_kernels.h"
#include "autograd/cuda/runtime.h"
#include "autograd/cuda/tensor_ops.h"
#include "autograd/device_dispatch.h"
#include "autograd/ops/kernels.h"
#include "autograd/ops/nn_kernels.h"

namespace acaode {
namespace {

Tensor LinearCombinationCuda(const Tensor& base, const double* coeffs, const Tensor* const* terms,
                             int64_t count) {
  std::vector<Tensor> ts;
  ts.reserve(count);
  for (int64_t i = 0; i < count; ++i) ts.push_back(*terms[i]);
  return cuda::LinearCombination(base, std::vector<double>(coeffs, coeffs + count), ts);
}

Tensor SumCuda(const Tensor& x, const std::vector<int64_t>& dims) {
  Shape keep = x.shape();
  for (const int64_t d : dims) keep[d] = 1;
  return cuda::Reduce(cuda::ReduceOp::kSum, x, dims).reshape(keep);
}

// The positions stay on the device, where the backward scatters.
Tensor ExtremumCuda(const Tensor& x, int64_t dim, bool is_max, ArgPositions* arg) {
  const Tensor v =
      cuda::Reduce(is_max ? cuda::ReduceOp::kMax : cuda::ReduceOp::kMin, x, {dim}, &arg->storage);
  arg->count = v.numel();
  Shape keep = x.shape();
  keep[dim] = 1;
  return v.reshape(keep);
}

Tensor ScatterAtArgCuda(const Tensor& dy, const Shape& in_shape, int64_t dim,
                        const ArgPositions& arg) {
  return cuda::ScatterAtPositions(dy, in_shape, dim, arg.storage);
}

Tensor ArgMaxCuda(const Tensor& x, int64_t dim) {
  std::shared_ptr<Storage> positions;
  cuda::Reduce(cuda::ReduceOp::kMax, x, {dim}, &positions);
  Shape keep = x.shape();
  keep[dim] = 1;
  return cuda::PositionsAsValues(positions, keep, x.dtype());
}

MatMulGrads MatMulBackwardCuda(const Tensor& a, const Tensor& b, const Tensor& dc, bool need_a,
                               bool need_b) {
  auto grads = cuda::MatMulGrads(a, b, dc, need_a, need_b);
  return {grads.first, grads.second};
}

Tensor LinearCuda(const Tensor& x, const Tensor& w, const Tensor& b, cpu::Activation act) {
  const int64_t in = w.shape()[1], out = w.shape()[0];
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Empty({rows, out}, x.dtype(), Device::kCuda);
  cuda::GemmInto(false, true, x.reshape({rows, in}), w, y, false);  // y = x w^T
  if (b.defined()) y = cuda::Binary(cuda::BinaryOp::kAdd, y, b, {rows, out});
  switch (act) {
    case cpu::Activation::kTanh:
      y = cuda::Unary(cuda::UnaryOp::kTanh, y);
      break;
    case cpu::Activation::kRelu:
      y = cuda::Unary(cuda::UnaryOp::kRelu, y);
      break;
    case cpu::Activation::kNone:
      break;
  }
  return y.reshape(out_shape);
}

Tensor ActivationBackwardCuda(const Tensor& dy, const Tensor& y, cpu::Activation act) {
  return cuda::UnaryGrad(
      act == cpu::Activation::kRelu ? cuda::UnaryGradOp::kRelu : cuda::UnaryGradOp::kTanh, dy, y);
}

LinearGrads LinearBackwardCuda(const Tensor& dp, const Tensor& x, const Tensor& w,
                               const GradsNeeded& need) {
  const int64_t in = w.shape()[1], out = w.shape()[0];
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  const Tensor dp2 = dp.reshape({rows, out});
  LinearGrads d;
  if (need.x) {
    d.dx = Empty({rows, in}, x.dtype(), Device::kCuda);
    cuda::GemmInto(false, false, dp2, w, d.dx, false);
    d.dx = d.dx.reshape(x.shape());
  }
  if (need.w) {
    d.dw = Empty({out, in}, x.dtype(), Device::kCuda);
    cuda::GemmInto(true, false, dp2, x.reshape({rows, in}), d.dw, false);
  }
  if (need.b) d.db = cuda::Reduce(cuda::ReduceOp::kSum, dp2, {0});
  return d;
}

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

Tensor GroupNormCuda(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b, double eps,
                     NormSaved* saved) {
  const cuda::NormLayout l = cuda::MakeNormLayout(x, /*per_channel=*/false, groups);
  const cuda::NormStats s = cuda::ComputeNormStats(x, l, eps);
  *saved = {s.mean, s.rstd};
  return cuda::NormApply(x, l, s, w, b);
}

Tensor BatchNormCuda(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                     const Tensor& w, const Tensor& b, bool training, double momentum, double eps,
                     NormSaved* saved) {
  const cuda::NormLayout l = cuda::MakeNormLayout(x, /*per_channel=*/true, 1);
  cuda::NormStats s;
  if (training || !running_mean.defined()) {
    s = cuda::ComputeNormStats(x, l, eps);
    if (training && running_mean.defined()) {
      const double* mean = static_cast<const double*>(s.mean.raw_data());
      const double* var = static_cast<const double*>(s.var.raw_data());
      if (x.dtype() == DType::kFloat32) {
        cuda::LaunchRunningStats<float>(
            l.c, mean, var, momentum, l.count(), static_cast<float*>(running_mean.raw_data()),
            static_cast<float*>(running_var.raw_data()), cuda::CurrentStream());
      } else {
        cuda::LaunchRunningStats<double>(
            l.c, mean, var, momentum, l.count(), static_cast<double*>(running_mean.raw_data()),
            static_cast<double*>(running_var.raw_data()), cuda::CurrentStream());
      }
    }
  } else {
    s.mean = cuda::Cast(running_mean, DType::kFloat64);
    s.var = cuda::Cast(running_var, DType::kFloat64);
    s.rstd = Empty({l.c}, DType::kFloat64, Device::kCuda);
    cuda::LaunchRstd(l.c, static_cast<const double*>(s.var.raw_data()), eps,
                     static_cast<double*>(s.rstd.raw_data()), cuda::CurrentStream());
  }
  *saved = {s.mean, s.rstd};
  return cuda::NormApply(x, l, s, w, b);
}

NormGrads NormBackwardCuda(const Tensor& x, const Tensor& dy, int64_t groups,
                           const NormSaved& saved, const Tensor& w, bool batch_stats,
                           const GradsNeeded& need) {
  const cuda::NormLayout l = cuda::MakeNormLayout(x, groups == 0, groups == 0 ? 1 : groups);
  cuda::NormStats s;
  s.mean = saved.mean;
  s.rstd = saved.rstd;
  return cuda::NormBackward(x, dy, l, s, w, batch_stats, need.x, need.w, need.b);
}

MseGrads MseLossBackwardCuda(const Tensor& a, const Tensor& b, const Tensor& g, double scale,
                             bool need_a, bool need_b) {
  const Tensor da = cuda::MseBackwardA(a, b, g, scale);
  MseGrads d;
  if (need_a) d.da = da;
  if (need_b) d.db = cuda::Unary(cuda::UnaryOp::kNeg, da);
  return d;
}

ACAODE_REGISTER_KERNEL(unary_kernel, Device::kCuda, cuda::Unary);
ACAODE_REGISTER_KERNEL(unary_grad_kernel, Device::kCuda, cuda::UnaryGrad);
ACAODE_REGISTER_KERNEL(binary_kernel, Device::kCuda, cuda::Binary);
ACAODE_REGISTER_KERNEL(broadcast_to_kernel, Device::kCuda, cuda::BroadcastTo);
ACAODE_REGISTER_KERNEL(linear_combination_kernel, Device::kCuda, LinearCombinationCuda);
ACAODE_REGISTER_KERNEL(permute_kernel, Device::kCuda, cuda::Permute);
ACAODE_REGISTER_KERNEL(sum_kernel, Device::kCuda, SumCuda);
ACAODE_REGISTER_KERNEL(extremum_kernel, Device::kCuda, ExtremumCuda);
ACAODE_REGISTER_KERNEL(scatter_at_arg_kernel, Device::kCuda, ScatterAtArgCuda);
ACAODE_REGISTER_KERNEL(argmax_kernel, Device::kCuda, ArgMaxCuda);
ACAODE_REGISTER_KERNEL(matmul_kernel, Device::kCuda, cuda::MatMul);
ACAODE_REGISTER_KERNEL(matmul_backward_kernel, Device::kCuda, MatMulBackwardCuda);
ACAODE_REGISTER_KERNEL(linear_kernel, Device::kCuda, LinearCuda);
ACAODE_REGISTER_KERNEL(activation_backward_kernel, Device::kCuda, ActivationBackwardCuda);
ACAODE_REGISTER_KERNEL(linear_backward_kernel, Device::kCuda, LinearBackwardCuda);
ACAODE_REGISTER_KERNEL(group_norm_kernel, Device::kCuda, GroupNormCuda);
ACAODE_REGISTER_KERNEL(batch_norm_kernel, Device::kCuda, BatchNormCuda);
ACAODE_REGISTER_KERNEL(norm_backward_kernel, Device::kCuda, NormBackwardCuda);
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
