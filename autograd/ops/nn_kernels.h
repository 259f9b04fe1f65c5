// The kernels of the NN ops (Linear, convolution, normalisation, pooling, losses), one table per
// kernel with an entry per device (Note [Device dispatch], autograd/device_dispatch.h). The ops in
// autograd/ops/{linear,conv,norm,pool,loss}.cc validate their arguments, call these and record the
// backward once for every device; the CPU kernels are defined beside the ops, the CUDA
// kernels are registered by autograd/cuda/kernel_registration.cc.
//
// Contract of every kernel: its arguments were validated by the op, and every tensor lives
// on the device whose kernel runs; outputs are new contiguous tensors on that device. A
// gradient not asked for (its flag in GradsNeeded false) is returned undefined.
#ifndef ACAODE_AUTOGRAD_OPS_NN_KERNELS_H_
#define ACAODE_AUTOGRAD_OPS_NN_KERNELS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "autograd/cpu/im2col.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/device_dispatch.h"
#include "autograd/storage.h"
#include "autograd/tensor.h"

namespace acaode {

// Which of an op's inputs need a gradient.
struct GradsNeeded {
  bool x = false, w = false, b = false;
};

// ---- Linear: y = act(x W^T + b) over the last dim of x [..., in], W [out, in], b [out] or
// undefined, act one of cpu::Activation.

extern DeviceDispatch<Tensor(const Tensor& x, const Tensor& w, const Tensor& b,
                             cpu::Activation act)>
    linear_kernel;
// The pre-activation's gradient from the output's: tanh (1 - y^2) dy, relu [y > 0] dy.
extern DeviceDispatch<Tensor(const Tensor& dy, const Tensor& y, cpu::Activation act)>
    activation_backward_kernel;
struct LinearGrads {
  Tensor dx, dw, db;
};
// dx = dp W, dW = dp^T x, db = sum_rows dp for dp the pre-activation's gradient (rows = x's
// leading dims flattened).
extern DeviceDispatch<LinearGrads(const Tensor& dp, const Tensor& x, const Tensor& w,
                                  const GradsNeeded& need)>
    linear_backward_kernel;

// ---- Conv2d: y = conv2d(x [N, C, H, W], w [O, C, KH, KW]) + b [O] (b may be undefined).

// What the backward kernel reads. The forward kernel keeps what its device needs for the
// gradients asked for: the CPU the im2col matrix (or, through oneDNN, the input) when the
// weight gradient is needed, CUDA the input. The op then adds the weight (dx needs it).
struct Conv2dSaved {
  Tensor x, w, col;
};
struct Conv2dGrads {
  Tensor dx, dw, db;
};
extern DeviceDispatch<Tensor(const cpu::ConvGeometry& g, const Tensor& x, const Tensor& w,
                             const Tensor& b, const GradsNeeded& need, Conv2dSaved* saved)>
    conv2d_kernel;
// dL/dx = col2im(W^T G), dL/dW = G col^T, dL/db = sum G, with G = dy as [O, N*OH*OW].
extern DeviceDispatch<Conv2dGrads(const cpu::ConvGeometry& g, const Conv2dSaved& saved,
                                  const Tensor& dy, const GradsNeeded& need)>
    conv2d_backward_kernel;

// ---- GroupNorm and BatchNorm over x [N, C, ...]: statistics per (sample, group) or per
// channel, then y = (x - mean) rstd w + b with w, b per channel (each may be undefined).

// What the backward reads: mean and rstd = 1 / sqrt(var + eps) as float64 tensors on the
// device, one per (sample, group) or per channel.
struct NormSaved {
  Tensor mean, rstd;
};
struct NormGrads {
  Tensor dx, dw, db;
};
extern DeviceDispatch<Tensor(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b,
                             double eps, NormSaved* saved)>
    group_norm_kernel;
// With the batch's statistics when training or without running statistics (then, when
// training with them, also running = (1 - momentum) running + momentum stat in place, the
// variance unbiased); otherwise with the running statistics.
extern DeviceDispatch<Tensor(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                             const Tensor& w, const Tensor& b, bool training, double momentum,
                             double eps, NormSaved* saved)>
    batch_norm_kernel;
// groups = 0 for BatchNorm's per-channel statistics; batch_stats: the statistics came from
// x (so the gradient flows through them), else they were constants.
extern DeviceDispatch<NormGrads(const Tensor& x, const Tensor& dy, int64_t groups,
                                const NormSaved& saved, const Tensor& w, bool batch_stats,
                                const GradsNeeded& need)>
    norm_backward_kernel;

// ---- AvgPool2d with a square window (count_include_pad: every window divides by k^2).

extern DeviceDispatch<Tensor(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding)>
    avg_pool2d_kernel;
// dx[window] += dy / k^2
extern DeviceDispatch<Tensor(const Tensor& dy, const Shape& x_shape, int64_t kernel, int64_t stride,
                             int64_t padding)>
    avg_pool2d_backward_kernel;

// ---- AdaptiveAvgPool2d to 1x1: the mean of each H x W plane, [N, C, H, W] -> [N, C, 1, 1].

extern DeviceDispatch<Tensor(const Tensor& x)> plane_mean_kernel;
// dx[n, c, h, w] = dy[n, c] / (H W)
extern DeviceDispatch<Tensor(const Tensor& dy, const Shape& x_shape)> plane_mean_backward_kernel;

// ---- LogSoftmax along dim (0 <= dim < x.dim()), and its backward from the output y.

extern DeviceDispatch<Tensor(const Tensor& x, int64_t dim)> log_softmax_kernel;
// dx = dy - exp(y) sum_dim(dy)
extern DeviceDispatch<Tensor(const Tensor& y, const Tensor& dy, int64_t dim)>
    log_softmax_backward_kernel;

// ---- CrossEntropy from log-probabilities logp [N, C] (the log_softmax of the logits).

// The loss -scale * sum_i logp[i, labels[i]] (0-d), and the labels as int64 in the device's
// memory, copied there once for the backward.
struct NllResult {
  Tensor loss;
  std::shared_ptr<Storage> labels;
};
extern DeviceDispatch<NllResult(const Tensor& logp, const std::vector<int64_t>& labels,
                                double scale)>
    nll_loss_kernel;
// dlogits = (exp(logp) - onehot(labels)) g scale, g the 0-d gradient of the loss.
extern DeviceDispatch<Tensor(const Tensor& logp, const std::shared_ptr<Storage>& labels,
                             const Tensor& g, double scale)>
    cross_entropy_backward_kernel;

// ---- MseLoss: scale * sum (a - b)^2 (0-d).

extern DeviceDispatch<Tensor(const Tensor& a, const Tensor& b, double scale)> mse_loss_kernel;
struct MseGrads {
  Tensor da, db;
};
// da = 2 (a - b) g scale, db = -da, each only where asked.
extern DeviceDispatch<MseGrads(const Tensor& a, const Tensor& b, const Tensor& g, double scale,
                               bool need_a, bool need_b)>
    mse_loss_backward_kernel;

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_NN_KERNELS_H_
