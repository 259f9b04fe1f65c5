#include "aca/internal/adjoint_math.h"

#include <cmath>
#include <cstdint>

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
    if (!(d <= worst)) worst = d;  // NaN propagates
  }
  return worst;
}

}  // namespace

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
