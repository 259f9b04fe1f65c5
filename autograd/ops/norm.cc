#include "autograd/ops/norm.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/norm_kernels.h"
#include "autograd/creation.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/nn_kernels.h"
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

// The CPU statistics as the device tables keep them (NormSaved: float64 tensors).
NormSaved SavedOf(const std::vector<double>& mean, const std::vector<double>& rstd) {
  const int64_t n = static_cast<int64_t>(mean.size());
  return {FromVector(mean, {n}), FromVector(rstd, {n})};
}

// The layout of x for groups > 0 (GroupNorm) or per channel (groups = 0, BatchNorm).
cpu::NormLayout LayoutWithGroups(const Tensor& x, int64_t groups) {
  cpu::NormLayout l = LayoutOf("norm", x);
  if (groups > 0) {
    l.per_channel = false;
    l.groups = groups;
  }
  return l;
}

Tensor GroupNormCpu(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b, double eps,
                    NormSaved* saved) {
  const cpu::NormLayout l = LayoutWithGroups(x, groups);
  std::vector<double> mean, rstd;
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::GroupNormForward<T>(x.data<T>(), l, eps, w.defined() ? w.data<T>() : nullptr,
                             b.defined() ? b.data<T>() : nullptr, y.data<T>(), &mean, &rstd);
  });
  *saved = SavedOf(mean, rstd);
  return y;
}

Tensor BatchNormCpu(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                    const Tensor& w, const Tensor& b, bool training, double momentum, double eps,
                    NormSaved* saved) {
  const cpu::NormLayout l = LayoutOf("BatchNorm", x);
  std::vector<double> mean, var;
  if (training || !running_mean.defined()) {
    DispatchFloat(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      cpu::NormStats<T>(x.data<T>(), l, &mean, &var);
    });
    if (training && running_mean.defined()) {
      const double m = momentum;
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
  for (double& v : var) v = 1.0 / std::sqrt(v + eps);  // now rstd
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::NormApply<T>(x.data<T>(), l, mean, var, w.defined() ? w.data<T>() : nullptr,
                      b.defined() ? b.data<T>() : nullptr, y.data<T>());
  });
  *saved = SavedOf(mean, var);
  return y;
}

// See cpu/norm_kernels.h for the derivative.
NormGrads NormBackwardCpu(const Tensor& x, const Tensor& dy, int64_t groups, const NormSaved& saved,
                          const Tensor& w, bool batch_stats, const GradsNeeded& need) {
  const cpu::NormLayout l = LayoutWithGroups(x, groups);
  const std::vector<double> mean = ToVector(saved.mean), rstd = ToVector(saved.rstd);
  NormGrads d;
  if (need.x) d.dx = Empty(x.shape(), x.dtype());
  if (need.w) d.dw = Empty({l.c}, x.dtype());
  if (need.b) d.db = Empty({l.c}, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::NormBackward<T>(x.data<T>(), dy.data<T>(), l, mean, rstd,
                         w.defined() ? w.data<T>() : nullptr, batch_stats,
                         need.x ? d.dx.data<T>() : nullptr, need.w ? d.dw.data<T>() : nullptr,
                         need.b ? d.db.data<T>() : nullptr);
  });
  return d;
}

// Records the backward of either norm (groups = 0: BatchNorm) for y, on every device.
Tensor RecordNorm(const char* name, const Tensor& x, int64_t groups, NormSaved saved,
                  const Tensor& w, const Tensor& b, bool batch_stats, const Tensor& y) {
  if (NeedsGrad(x, w, b)) {
    std::vector<Tensor> inputs = {x};
    if (w.defined()) inputs.push_back(w);
    if (b.defined()) inputs.push_back(b);
    const GradsNeeded need{x.requires_grad(), w.defined() && w.requires_grad(),
                           b.defined() && b.requires_grad()};
    internal::RecordList(name, inputs, y,
                         [x, w, has_b = b.defined(), groups, saved = std::move(saved), batch_stats,
                          need](const Grads& g) {
                           NormGrads d = norm_backward_kernel(g[0].device(), x, g[0], groups, saved,
                                                              w, batch_stats, need);
                           Grads out = {d.dx};
                           if (w.defined()) out.push_back(d.dw);
                           if (has_b) out.push_back(d.db);
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

DeviceDispatch<Tensor(const Tensor&, int64_t, const Tensor&, const Tensor&, double, NormSaved*)>
    group_norm_kernel("GroupNorm", GroupNormCpu);
DeviceDispatch<Tensor(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                      bool, double, double, NormSaved*)>
    batch_norm_kernel("BatchNorm", BatchNormCpu);
DeviceDispatch<NormGrads(const Tensor&, const Tensor&, int64_t, const NormSaved&, const Tensor&,
                         bool, const GradsNeeded&)>
    norm_backward_kernel("GroupNorm/BatchNorm backward", NormBackwardCpu);

Tensor GroupNorm(const Tensor& x, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                 double eps) {
  const cpu::NormLayout l = LayoutOf("GroupNorm", x);
  if (num_groups < 1 || l.c % num_groups != 0) {
    throw ValueError(absl::StrCat("GroupNorm: num_groups must be >= 1 and divide the ", l.c,
                                  " channels, got ", num_groups));
  }
  CheckChannelTensor("GroupNorm", "weight", weight, x);
  CheckChannelTensor("GroupNorm", "bias", bias, x);
  CheckEps("GroupNorm", eps);
  NormSaved saved;
  Tensor y = group_norm_kernel(x.device(), x, num_groups, weight, bias, eps, &saved);
  return RecordNorm("GroupNormBackward", x, num_groups, std::move(saved), weight, bias,
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
  if (batch_stats && l.count() < 2) {
    throw ValueError(
        absl::StrCat("BatchNorm: expected more than 1 value per channel when using batch "
                     "statistics, got input of shape ",
                     ShapeToString(x.shape())));
  }
  NormSaved saved;
  Tensor y = batch_norm_kernel(x.device(), x, running_mean, running_var, weight, bias,
                               params.training, params.momentum, params.eps, &saved);
  return RecordNorm("BatchNormBackward", x, /*groups=*/0, std::move(saved), weight, bias,
                    batch_stats, y);
}

}  // namespace acaode
