#include "autograd/ops/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "autograd/creation.h"
#include "autograd/cuda/nn_ops.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"

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

}  // namespace

Tensor LogSoftmax(const Tensor& x, int64_t dim) {
  if (!x.defined()) internal::ThrowUndefinedArg("LogSoftmax", "input");
  const int64_t nd = x.dim();
  if (nd == 0 || dim < -nd || dim >= nd) {
    throw ValueError(absl::StrCat("LogSoftmax: dim ", dim, " out of range for shape ",
                                  ShapeToString(x.shape())));
  }
  if (dim < 0) dim += nd;
  if (x.device() == Device::kCuda) return cuda::LogSoftmaxOp(x, dim);
  const DimView v = ViewAround(x, dim);
  Tensor y = Empty(x.shape(), x.dtype());
  if (x.numel() == 0) return y;
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LogSoftmaxKernel<T>(x.data<T>(), v, y.data<T>());
  });
  if (NeedsGrad(x)) {
    // dx = dy - softmax(x) * sum_dim(dy), softmax = exp(y)
    Record("LogSoftmaxBackward", {x}, {y}, [v, y = y.detach()](const Grads& g) {
      Tensor dx = Empty(y.shape(), y.dtype());
      DispatchFloat(y.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* py = y.data<T>();
        const T* pg = g[0].data<T>();
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
      return Grads{dx};
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
  if (logits.device() == Device::kCuda) {
    return cuda::CrossEntropyOp(logits, labels, reduction == Reduction::kMean);
  }
  DimView v{n, c, 1};
  Tensor logp = Empty(logits.shape(), logits.dtype());
  Tensor loss = Empty({}, logits.dtype());
  DispatchFloat(logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (n > 0) LogSoftmaxKernel<T>(logits.data<T>(), v, logp.data<T>());
    const T* lp = logp.data<T>();
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) s -= lp[i * c + labels[i]];
    loss.data<T>()[0] = static_cast<T>(s * scale);
  });
  if (NeedsGrad(logits)) {
    // dlogits = (softmax - onehot(labels)) * g * scale
    Record("CrossEntropyBackward", {logits}, {loss}, [labels, scale, n, c, logp](const Grads& g) {
      Tensor dx = Empty(logp.shape(), logp.dtype());
      const double gs = g[0].item() * scale;
      DispatchFloat(logp.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* lp = logp.data<T>();
        T* pd = dx.data<T>();
        for (int64_t i = 0; i < n; ++i) {
          for (int64_t k = 0; k < c; ++k) {
            pd[i * c + k] = static_cast<T>(std::exp(double(lp[i * c + k])) * gs);
          }
          pd[i * c + labels[i]] -= static_cast<T>(gs);
        }
      });
      return Grads{dx};
    });
  }
  return loss;
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
  if (a.device() == Device::kCuda) return cuda::MseLossOp(a, b, reduction == Reduction::kMean);
  const double scale = reduction == Reduction::kMean ? 1.0 / n : 1.0;
  Tensor loss = Empty({}, a.dtype());
  DispatchFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double d = double(pa[i]) - double(pb[i]);
      s += d * d;
    }
    loss.data<T>()[0] = static_cast<T>(s * scale);
  });
  if (NeedsGrad(a, b)) {
    // da = 2 (a - b) g scale, db = -da
    const bool need_a = a.requires_grad(), need_b = b.requires_grad();
    Record("MseLossBackward", {a, b}, {loss}, [a, b, scale, need_a, need_b](const Grads& g) {
      const double gs = 2.0 * g[0].item() * scale;
      Tensor da, db;
      if (need_a) da = Empty(a.shape(), a.dtype());
      if (need_b) db = Empty(a.shape(), a.dtype());
      DispatchFloat(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* pa = a.data<T>();
        const T* pb = b.data<T>();
        const int64_t n = a.numel();
        for (int64_t i = 0; i < n; ++i) {
          const T d = static_cast<T>((double(pa[i]) - double(pb[i])) * gs);
          if (need_a) da.data<T>()[i] = d;
          if (need_b) db.data<T>()[i] = -d;
        }
      });
      return Grads{da, db};
    });
  }
  return loss;
}

}  // namespace acaode
