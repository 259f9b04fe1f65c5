#include "autograd/ops/loss.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "autograd/creation.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/nn_kernels.h"

namespace acaode {
namespace {

// x viewed as [outer, len, inner] around `dim`.
struct DimView {
  int64_t outer = 1, len = 1, inner = 1;
};

DimView ViewAround(const Tensor& x, int64_t dim) {
  DimView v;
  for (int64_t d = 0; d < dim; ++d) v.outer *= x.size(d);
  v.len = x.size(dim);
  for (int64_t d = dim + 1; d < x.dim(); ++d) v.inner *= x.size(d);
  return v;
}

template <class T>
void LogSoftmaxKernel(const T* x, const DimView& v, T* y) {
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t i = 0; i < v.inner; ++i) {
      const T* px = x + o * v.len * v.inner + i;
      T* py = y + o * v.len * v.inner + i;
      T mx = -std::numeric_limits<T>::infinity();
      for (int64_t k = 0; k < v.len; ++k) mx = std::max(mx, px[k * v.inner]);
      double s = 0.0;
      for (int64_t k = 0; k < v.len; ++k) s += std::exp(double(px[k * v.inner] - mx));
      const T lse = mx + static_cast<T>(std::log(s));
      for (int64_t k = 0; k < v.len; ++k) py[k * v.inner] = px[k * v.inner] - lse;
    }
  }
}

Tensor LogSoftmaxCpu(const Tensor& x, int64_t dim) {
  const DimView v = ViewAround(x, dim);
  Tensor y = Empty(x.shape(), x.dtype());
  if (x.numel() == 0) return y;
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LogSoftmaxKernel<T>(x.data<T>(), v, y.data<T>());
  });
  return y;
}

Tensor LogSoftmaxBackwardCpu(const Tensor& y, const Tensor& dy, int64_t dim) {
  const DimView v = ViewAround(y, dim);
  Tensor dx = Empty(y.shape(), y.dtype());
  DispatchFloat(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* py = y.data<T>();
    const T* pg = dy.data<T>();
    T* pd = dx.data<T>();
    for (int64_t o = 0; o < v.outer; ++o) {
      for (int64_t i = 0; i < v.inner; ++i) {
        const int64_t base = o * v.len * v.inner + i;
        double s = 0.0;
        for (int64_t k = 0; k < v.len; ++k) s += pg[base + k * v.inner];
        for (int64_t k = 0; k < v.len; ++k) {
          const int64_t q = base + k * v.inner;
          pd[q] = static_cast<T>(pg[q] - std::exp(double(py[q])) * s);
        }
      }
    }
  });
  return dx;
}

NllResult NllLossCpu(const Tensor& logp, const std::vector<int64_t>& labels, double scale) {
  const int64_t n = logp.size(0), c = logp.size(1);
  NllResult r;
  r.labels = Storage::Allocate(sizeof(int64_t) * labels.size(), Device::kCpu);
  if (!labels.empty()) {
    std::memcpy(r.labels->data(), labels.data(), sizeof(int64_t) * labels.size());
  }
  r.loss = Empty({}, logp.dtype());
  DispatchFloat(logp.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* lp = logp.data<T>();
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) s -= lp[i * c + labels[i]];
    r.loss.data<T>()[0] = static_cast<T>(s * scale);
  });
  return r;
}

Tensor CrossEntropyBackwardCpu(const Tensor& logp, const std::shared_ptr<Storage>& labels,
                               const Tensor& g, double scale) {
  const int64_t n = logp.size(0), c = logp.size(1);
  const int64_t* label = static_cast<const int64_t*>(labels->data());
  Tensor dx = Empty(logp.shape(), logp.dtype());
  const double gs = g.item() * scale;
  DispatchFloat(logp.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* lp = logp.data<T>();
    T* pd = dx.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t k = 0; k < c; ++k) {
        pd[i * c + k] = static_cast<T>(std::exp(double(lp[i * c + k])) * gs);
      }
      pd[i * c + label[i]] -= static_cast<T>(gs);
    }
  });
  return dx;
}

Tensor MseLossCpu(const Tensor& a, const Tensor& b, double scale) {
  Tensor loss = Empty({}, a.dtype());
  DispatchFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    double s = 0.0;
    for (int64_t i = 0; i < a.numel(); ++i) {
      const double d = double(pa[i]) - double(pb[i]);
      s += d * d;
    }
    loss.data<T>()[0] = static_cast<T>(s * scale);
  });
  return loss;
}

MseGrads MseLossBackwardCpu(const Tensor& a, const Tensor& b, const Tensor& g, double scale,
                            bool need_a, bool need_b) {
  const double gs = 2.0 * g.item() * scale;
  MseGrads d;
  if (need_a) d.da = Empty(a.shape(), a.dtype());
  if (need_b) d.db = Empty(a.shape(), a.dtype());
  DispatchFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    for (int64_t i = 0; i < a.numel(); ++i) {
      const T v = static_cast<T>((double(pa[i]) - double(pb[i])) * gs);
      if (need_a) d.da.data<T>()[i] = v;
      if (need_b) d.db.data<T>()[i] = -v;
    }
  });
  return d;
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, int64_t)> log_softmax_kernel("LogSoftmax", LogSoftmaxCpu);
DeviceDispatch<Tensor(const Tensor&, const Tensor&, int64_t)> log_softmax_backward_kernel(
    "LogSoftmax backward", LogSoftmaxBackwardCpu);
DeviceDispatch<NllResult(const Tensor&, const std::vector<int64_t>&, double)> nll_loss_kernel(
    "CrossEntropy", NllLossCpu);
DeviceDispatch<Tensor(const Tensor&, const std::shared_ptr<Storage>&, const Tensor&, double)>
    cross_entropy_backward_kernel("CrossEntropy backward", CrossEntropyBackwardCpu);
DeviceDispatch<Tensor(const Tensor&, const Tensor&, double)> mse_loss_kernel("MseLoss", MseLossCpu);
DeviceDispatch<MseGrads(const Tensor&, const Tensor&, const Tensor&, double, bool, bool)>
    mse_loss_backward_kernel("MseLoss backward", MseLossBackwardCpu);

Tensor LogSoftmax(const Tensor& x, int64_t dim) {
  if (!x.defined()) internal::ThrowUndefinedArg("LogSoftmax", "input");
  const int64_t nd = x.dim();
  if (nd == 0 || dim < -nd || dim >= nd) {
    throw ValueError(absl::StrCat("LogSoftmax: dim ", dim, " out of range for shape ",
                                  ShapeToString(x.shape())));
  }
  if (dim < 0) dim += nd;
  Tensor y = log_softmax_kernel(x.device(), x, dim);
  if (x.numel() > 0 && NeedsGrad(x)) {
    // dx = dy - softmax(x) * sum_dim(dy), softmax = exp(y)
    Record("LogSoftmaxBackward", {x}, {y}, [dim, y = y.detach()](const Grads& g) {
      return Grads{log_softmax_backward_kernel(y.device(), y, g[0], dim)};
    });
  }
  return y;
}

Tensor CrossEntropy(const Tensor& logits, const std::vector<int64_t>& labels, Reduction reduction) {
  if (!logits.defined()) internal::ThrowUndefinedArg("CrossEntropy", "logits");
  if (logits.dim() != 2) {
    throw ValueError(absl::StrCat("CrossEntropy: logits must be 2-D [N, C], got ",
                                  ShapeToString(logits.shape())));
  }
  const int64_t n = logits.size(0), c = logits.size(1);
  if (static_cast<int64_t>(labels.size()) != n) {
    throw ValueError(
        absl::StrCat("CrossEntropy: got ", labels.size(), " labels for ", n, " rows of logits"));
  }
  if (n == 0 && reduction == Reduction::kMean) {
    throw ValueError("CrossEntropy: mean over an empty batch");
  }
  for (int64_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || labels[i] >= c) {
      throw ValueError(absl::StrCat("CrossEntropy: label ", labels[i], " at index ", i,
                                    " is outside [0, ", c, ")"));
    }
  }
  const double scale = reduction == Reduction::kMean ? 1.0 / n : 1.0;
  const Device device = logits.device();
  const Tensor logp = log_softmax_kernel(device, logits, 1);
  NllResult r = nll_loss_kernel(device, logp, labels, scale);
  if (NeedsGrad(logits)) {
    // dlogits = (softmax - onehot(labels)) * g * scale
    Record("CrossEntropyBackward", {logits}, {r.loss},
           [logp, labels = r.labels, scale](const Grads& g) {
             return Grads{cross_entropy_backward_kernel(logp.device(), logp, labels, g[0], scale)};
           });
  }
  return r.loss;
}

Tensor CrossEntropy(const Tensor& logits, const Tensor& labels, Reduction reduction) {
  if (!labels.defined()) internal::ThrowUndefinedArg("CrossEntropy", "labels");
  if (labels.dim() != 1) {
    throw ValueError(absl::StrCat("CrossEntropy: labels must be 1-D, got shape ",
                                  ShapeToString(labels.shape())));
  }
  const std::vector<double> values = ToVector(labels);
  std::vector<int64_t> ints(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!(values[i] == std::floor(values[i])) || std::abs(values[i]) > 1e15) {
      throw ValueError(
          absl::StrCat("CrossEntropy: label ", values[i], " at index ", i, " is not an integer"));
    }
    ints[i] = static_cast<int64_t>(values[i]);
  }
  return CrossEntropy(logits, ints, reduction);
}

Tensor MseLoss(const Tensor& a, const Tensor& b, Reduction reduction) {
  if (!a.defined()) internal::ThrowUndefinedArg("MseLoss", "input");
  if (!b.defined()) internal::ThrowUndefinedArg("MseLoss", "target");
  if (a.device() != b.device()) {
    throw ValueError("MseLoss: input and target on different devices (cpu and cuda)");
  }
  if (a.shape() != b.shape()) {
    throw ValueError(absl::StrCat("MseLoss: input shape ", ShapeToString(a.shape()),
                                  " differs from target shape ", ShapeToString(b.shape())));
  }
  if (a.dtype() != b.dtype()) {
    throw ValueError(absl::StrCat("MseLoss: input dtype ", DTypeName(a.dtype()),
                                  " differs from target dtype ", DTypeName(b.dtype())));
  }
  const int64_t n = a.numel();
  if (n == 0 && reduction == Reduction::kMean) {
    throw ValueError("MseLoss: mean over an empty input");
  }
  const double scale = reduction == Reduction::kMean ? 1.0 / n : 1.0;
  Tensor loss = mse_loss_kernel(a.device(), a, b, scale);
  if (NeedsGrad(a, b)) {
    // da = 2 (a - b) g scale, db = -da
    Record("MseLossBackward", {a, b}, {loss},
           [a = a.detach(), b = b.detach(), scale, need_a = a.requires_grad(),
            need_b = b.requires_grad()](const Grads& g) {
             MseGrads d = mse_loss_backward_kernel(a.device(), a, b, g[0], scale, need_a, need_b);
             return Grads{d.da, d.db};
           });
  }
  return loss;
}

}  // namespace acaode
