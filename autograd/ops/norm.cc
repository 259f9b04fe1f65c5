#include "autograd/ops/norm.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/norm_kernels.h"
#include "autograd/creation.h"
#include "autograd/cuda/nn_ops.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/record_list.h"

namespace acaode {
namespace {

cpu::NormLayout LayoutOf(const char* op, const Tensor& x) {
  if (!x.defined()) internal::ThrowUndefinedArg(op, "input");
  if (x.dim() < 2) {
    throw ValueError(absl::StrCat(op, ": input must have at least 2 dims [N, C, ...], got ",
                                  ShapeToString(x.shape())));
  }
  cpu::NormLayout l;
  l.n = x.size(0);
  l.c = x.size(1);
  l.s = x.numel() / (l.n * l.c == 0 ? 1 : l.n * l.c);
  return l;
}

// Checks an optional per-channel tensor.
void CheckChannelTensor(const char* op, const char* arg, const Tensor& t, const Tensor& x) {
  if (!t.defined()) return;
  if (t.device() != x.device()) {
    throw ValueError(absl::StrCat(op, ": ", arg, " is on ", DeviceName(t.device()),
                                  " but input is on ", DeviceName(x.device())));
  }
  if (t.dim() != 1 || t.size(0) != x.size(1)) {
    throw ValueError(absl::StrCat(op, ": ", arg, " must have shape [", x.size(1), "], got ",
                                  ShapeToString(t.shape())));
  }
  if (t.dtype() != x.dtype()) {
    throw ValueError(absl::StrCat(op, ": ", arg, " has dtype ", DTypeName(t.dtype()),
                                  " but input has ", DTypeName(x.dtype())));
  }
}

// Runs the forward kernel and records the backward for both norms.
// y = NormApply(x) (unless y is given, already computed) and its backward recorded.
Tensor NormForward(const char* name, const Tensor& x, const cpu::NormLayout& l,
                   std::vector<double> mean, std::vector<double> rstd, const Tensor& w,
                   const Tensor& b, bool batch_stats, Tensor y = Tensor()) {
  if (!y.defined()) {
    y = Empty(x.shape(), x.dtype());
    DispatchFloat(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      cpu::NormApply<T>(x.data<T>(), l, mean, rstd, w.defined() ? w.data<T>() : nullptr,
                        b.defined() ? b.data<T>() : nullptr, y.data<T>());
    });
  }
  if (NeedsGrad(x, w, b)) {
    std::vector<Tensor> inputs = {x};
    if (w.defined()) inputs.push_back(w);
    if (b.defined()) inputs.push_back(b);
    const bool need_x = x.requires_grad();
    const bool need_w = w.defined() && w.requires_grad();
    const bool need_b = b.defined() && b.requires_grad();
    // See cpu/norm_kernels.h for the derivative.
    internal::RecordList(
        name, inputs, y,
        [x, w, has_b = b.defined(), l, mean = std::move(mean), rstd = std::move(rstd), batch_stats,
         need_x, need_w, need_b](const Grads& g) {
          Tensor dx, dw, db;
          if (need_x) dx = Empty(x.shape(), x.dtype());
          if (need_w) dw = Empty({l.c}, x.dtype());
          if (need_b) db = Empty({l.c}, x.dtype());
          DispatchFloat(x.dtype(), [&](auto tag) {
            using T = decltype(tag);
            cpu::NormBackward<T>(x.data<T>(), g[0].data<T>(), l, mean, rstd,
                                 w.defined() ? w.data<T>() : nullptr, batch_stats,
                                 need_x ? dx.data<T>() : nullptr, need_w ? dw.data<T>() : nullptr,
                                 need_b ? db.data<T>() : nullptr);
          });
          Grads out = {dx};
          if (w.defined()) out.push_back(dw);
          if (has_b) out.push_back(db);
          return out;
        });
  }
  return y;
}

void CheckEps(const char* op, double eps) {
  if (!(eps > 0.0)) {
    throw ValueError(absl::StrCat(op, ": eps must be > 0, got ", eps));
  }
}

}  // namespace

Tensor GroupNorm(const Tensor& x, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                 double eps) {
  cpu::NormLayout l = LayoutOf("GroupNorm", x);
  if (num_groups < 1 || l.c % num_groups != 0) {
    throw ValueError(absl::StrCat("GroupNorm: num_groups must be >= 1 and divide the ", l.c,
                                  " channels, got ", num_groups));
  }
  CheckChannelTensor("GroupNorm", "weight", weight, x);
  CheckChannelTensor("GroupNorm", "bias", bias, x);
  CheckEps("GroupNorm", eps);
  if (x.device() == Device::kCuda) return cuda::GroupNormOp(x, num_groups, weight, bias, eps);
  l.per_channel = false;
  l.groups = num_groups;
  std::vector<double> mean, rstd;
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::GroupNormForward<T>(x.data<T>(), l, eps, weight.defined() ? weight.data<T>() : nullptr,
                             bias.defined() ? bias.data<T>() : nullptr, y.data<T>(), &mean, &rstd);
  });
  return NormForward("GroupNormBackward", x, l, std::move(mean), std::move(rstd), weight, bias,
                     /*batch_stats=*/true, y);
}

Tensor BatchNorm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                 const Tensor& weight, const Tensor& bias, BatchNormParams params) {
  const cpu::NormLayout l = LayoutOf("BatchNorm", x);
  CheckChannelTensor("BatchNorm", "weight", weight, x);
  CheckChannelTensor("BatchNorm", "bias", bias, x);
  CheckChannelTensor("BatchNorm", "running_mean", running_mean, x);
  CheckChannelTensor("BatchNorm", "running_var", running_var, x);
  CheckEps("BatchNorm", params.eps);
  if (running_mean.defined() != running_var.defined()) {
    throw ValueError(
        "BatchNorm: running_mean and running_var must both be "
        "defined or both undefined");
  }
  const bool batch_stats = params.training || !running_mean.defined();
  if (x.device() == Device::kCuda) {
    if (batch_stats && l.count() < 2) {
      throw ValueError(
          absl::StrCat("BatchNorm: expected more than 1 value per channel when using batch "
                       "statistics, got input of shape ",
                       ShapeToString(x.shape())));
    }
    return cuda::BatchNormOp(x, running_mean, running_var, weight, bias, params.training,
                             params.momentum, params.eps);
  }
  std::vector<double> mean, var;
  if (batch_stats) {
    if (l.count() < 2) {
      throw ValueError(
          absl::StrCat("BatchNorm: expected more than 1 value per channel when using batch "
                       "statistics, got input of shape ",
                       ShapeToString(x.shape())));
    }
    DispatchFloat(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      cpu::NormStats<T>(x.data<T>(), l, &mean, &var);
    });
    if (params.training && running_mean.defined()) {
      const double m = params.momentum;
      const double unbias = static_cast<double>(l.count()) / (l.count() - 1);
      DispatchFloat(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        T* rm = static_cast<T*>(running_mean.raw_data());
        T* rv = static_cast<T*>(running_var.raw_data());
        for (int64_t c = 0; c < l.c; ++c) {
          rm[c] = static_cast<T>((1.0 - m) * rm[c] + m * mean[c]);
          rv[c] = static_cast<T>((1.0 - m) * rv[c] + m * var[c] * unbias);
        }
      });
    }
  } else {
    mean = ToVector(running_mean);
    var = ToVector(running_var);
  }
  for (double& v : var) v = 1.0 / std::sqrt(v + params.eps);  // now rstd
  return NormForward("BatchNormBackward", x, l, std::move(mean), std::move(var), weight, bias,
                     batch_stats);
}

}  // namespace acaode
