#include "aca/internal/adjoint_math.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace acaode {
namespace aca {
namespace detail {
namespace {

template <class T>
bool AllZeroT(const Tensor& t) {
  const T* p = t.data<T>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

template <class T>
double MaxAbsDiffT(const Tensor& a, const Tensor& b) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double d = std::abs(static_cast<double>(pa[i]) - static_cast<double>(pb[i]));
    if (std::isnan(d)) return d;
    if (d > worst) worst = d;
  }
  return worst;
}

}  // namespace

double MaxOrNaN(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
}

bool AllZero(const Tensor& t) {
  // |t| summed is 0 exactly when all are 0 (nan and inf give nonzero).
  if (t.device() != Device::kCpu) return Sum(Abs(t)).item() == 0.0;
  return t.dtype() == DType::kFloat32 ? AllZeroT<float>(t) : AllZeroT<double>(t);
}

double MaxAbsDiff(const Tensor& a, const Tensor& b) {
  if (a.device() != Device::kCpu || b.device() != Device::kCpu) {
    return MaxAbsDiff(a.to(Device::kCpu), b.to(Device::kCpu));
  }
  return a.dtype() == DType::kFloat32 ? MaxAbsDiffT<float>(a, b) : MaxAbsDiffT<double>(a, b);
}

void MaxAbsDiffAccumulator::Add(const Tensor& a, const Tensor& b) {
  if (a.device() == Device::kCpu && b.device() == Device::kCpu) {
    host_max_ = MaxOrNaN(host_max_, MaxAbsDiff(a, b));
    return;
  }
  if (a.numel() == 0) return;
  NoGradGuard no_grad;
  const Tensor d = Abs(Sub(a, b));
  device_stats_.push_back(Max(d));
  device_stats_.push_back(Sum(d));
}

double MaxAbsDiffAccumulator::Value() const {
  double worst = host_max_;
  if (device_stats_.empty()) return worst;
  const Tensor host = Stack(device_stats_, 0).to(Device::kCpu).to(DType::kFloat64);
  const double* p = host.data<double>();
  for (int64_t i = 0; i + 1 < host.numel(); i += 2) {
    worst = MaxOrNaN(worst, std::isnan(p[i + 1]) ? NAN : p[i]);
  }
  return worst;
}

Tensor AddOrSet(const Tensor& acc, const Tensor& x) {
  if (!x.defined()) return acc;
  if (!acc.defined()) return x;
  return Add(acc, x);
}

Tensor AddOutputGrad(const Tensor& lambda, const Tensor& g_k) {
  if (!lambda.defined() && AllZero(g_k)) return lambda;
  return AddOrSet(lambda, g_k);
}

std::vector<int64_t> WantedParams(const Node& node, size_t n_params) {
  std::vector<int64_t> wanted;
  for (size_t j = 0; j < n_params; ++j) {
    if (node.needs_input_grad(1 + j)) wanted.push_back(static_cast<int64_t>(j));
  }
  return wanted;
}

}  // namespace detail
}  // namespace aca
}  // namespace acaode
