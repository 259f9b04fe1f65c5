#include "autograd/cuda/nn_ops.h"

#include <memory>

#include "autograd/cuda/tensor_ops.h"
#include "autograd/function.h"

namespace acaode {
namespace cuda {

Tensor LinearOp(const Tensor& x, const Tensor& w, const Tensor& b) {
  const int64_t in = w.shape()[1], out = w.shape()[0];
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Empty({rows, out}, x.dtype(), Device::kCuda);
  GemmInto(false, true, x.reshape({rows, in}), w, y, false);  // y = x w^T
  if (b.defined()) y = Binary(BinaryOp::kAdd, y, b, {rows, out});
  y = y.reshape(out_shape);
  // dx = G w, dw = G^T x, db = sum_rows G
  if (NeedsGrad(x, w, b)) {
    auto backward = [x = x.detach(), w = w.detach(), rows, in, out, need_x = x.requires_grad(),
                     need_w = w.requires_grad(), need_b = b.defined() && b.requires_grad(),
                     has_b = b.defined()](const Grads& g) {
      const Tensor g2 = g[0].reshape({rows, out});
      Tensor dx, dw, db;
      if (need_x) {
        dx = Empty({rows, in}, x.dtype(), Device::kCuda);
        GemmInto(false, false, g2, w, dx, false);
        dx = dx.reshape(x.shape());
      }
      if (need_w) {
        dw = Empty({out, in}, x.dtype(), Device::kCuda);
        GemmInto(true, false, g2, x.reshape({rows, in}), dw, false);
      }
      if (need_b) db = Reduce(ReduceOp::kSum, g2, {0});
      return has_b ? Grads{dx, dw, db} : Grads{dx, dw};
    };
    if (b.defined()) {
      Record("LinearBackward", {x, w, b}, {y}, std::move(backward));
    } else {
      Record("LinearBackward", {x, w}, {y}, std::move(backward));
    }
  }
  return y;
}

namespace {

// y = NormApply(x) with the backward of autograd/cpu/norm_kernels.h.
Tensor NormRecorded(const char* name, const Tensor& x, const NormLayout& l, const NormStats& s,
                    const Tensor& w, const Tensor& b, bool batch_stats) {
  Tensor y = NormApply(x, l, s, w, b);
  if (NeedsGrad(x, w, b)) {
    auto backward = [x = x.detach(), w = w.defined() ? w.detach() : Tensor(), l, s, batch_stats,
                     need_x = x.requires_grad(), need_w = w.defined() && w.requires_grad(),
                     need_b = b.defined() && b.requires_grad(), has_w = w.defined(),
                     has_b = b.defined()](const Grads& g) {
      NormGrads d = NormBackward(x, g[0], l, s, w, batch_stats, need_x, need_w, need_b);
      Grads out = {d.dx};
      if (has_w) out.push_back(d.dw);
      if (has_b) out.push_back(d.db);
      return out;
    };
    if (w.defined() && b.defined()) {
      Record(name, {x, w, b}, {y}, std::move(backward));
    } else if (w.defined()) {
      Record(name, {x, w}, {y}, std::move(backward));
    } else if (b.defined()) {
      Record(name, {x, b}, {y}, std::move(backward));
    } else {
      Record(name, {x}, {y}, std::move(backward));
    }
  }
  return y;
}

}  // namespace

Tensor GroupNormOp(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b, double eps) {
  const NormLayout l = MakeNormLayout(x, /*per_channel=*/false, groups);
  const NormStats s = ComputeNormStats(x, l, eps);
  return NormRecorded("GroupNormBackward", x, l, s, w, b, /*batch_stats=*/true);
}

Tensor BatchNormOp(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                   const Tensor& w, const Tensor& b, bool training, double momentum, double eps) {
  const NormLayout l = MakeNormLayout(x, /*per_channel=*/true, 1);
  const bool batch_stats = training || !running_mean.defined();
  NormStats s;
  if (batch_stats) {
    s = ComputeNormStats(x, l, eps);
    if (training && running_mean.defined()) {
      if (x.dtype() == DType::kFloat32) {
        LaunchRunningStats<float>(l.c, static_cast<const double*>(s.mean.raw_data()),
                                  static_cast<const double*>(s.var.raw_data()), momentum, l.count(),
                                  static_cast<float*>(running_mean.raw_data()),
                                  static_cast<float*>(running_var.raw_data()), CurrentStream());
      } else {
        LaunchRunningStats<double>(l.c, static_cast<const double*>(s.mean.raw_data()),
                                   static_cast<const double*>(s.var.raw_data()), momentum,
                                   l.count(), static_cast<double*>(running_mean.raw_data()),
                                   static_cast<double*>(running_var.raw_data()), CurrentStream());
      }
    }
  } else {
    s.mean = Cast(running_mean, DType::kFloat64);
    s.var = Cast(running_var, DType::kFloat64);
    s.rstd = Empty({l.c}, DType::kFloat64, Device::kCuda);
    LaunchRstd(l.c, static_cast<const double*>(s.var.raw_data()), eps,
               static_cast<double*>(s.rstd.raw_data()), CurrentStream());
  }
  return NormRecorded("BatchNormBackward", x, l, s, w, b, batch_stats);
}

}  // namespace cuda
}  // namespace acaode
