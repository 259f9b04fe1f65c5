#include "autograd/optim/adam.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "autograd/dispatch.h"
#include "util/status_macros.h"

namespace acaode {
namespace optim {

absl::Status AdamOptions::Validate() const {
  auto bad = [](const char* field, double v, const char* rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("AdamOptions.", field, " = ", v, ": must be ", rule));
  };
  if (!(lr > 0)) return bad("lr", lr, "> 0");
  if (!(beta1 >= 0 && beta1 < 1)) return bad("beta1", beta1, "in [0, 1)");
  if (!(beta2 >= 0 && beta2 < 1)) return bad("beta2", beta2, "in [0, 1)");
  if (!(eps >= 0)) return bad("eps", eps, ">= 0");
  if (!(weight_decay >= 0)) return bad("weight_decay", weight_decay, ">= 0");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Adam>> Adam::Create(std::vector<Tensor> params,
                                                   const AdamOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  RETURN_IF_ERROR(CheckParams("Adam", params));
  return std::unique_ptr<Adam>(new Adam(std::move(params), options));
}

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Optimizer(std::move(params)),
      options_(options),
      steps_(params_.size(), 0),
      exp_avg_(params_.size()),
      exp_avg_sq_(params_.size()) {}

void Adam::Step() {
  RequireCpu("Adam.step");
  const double lr = options_.lr, b1 = options_.beta1, b2 = options_.beta2;
  const double eps = options_.eps, wd = options_.weight_decay;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    if (!exp_avg_[i].defined()) {
      exp_avg_[i] = Empty(p.shape(), p.dtype());
      exp_avg_sq_[i] = Empty(p.shape(), p.dtype());
      std::memset(exp_avg_[i].raw_data(), 0, p.nbytes());
      std::memset(exp_avg_sq_[i].raw_data(), 0, p.nbytes());
    }
    const int64_t t = ++steps_[i];
    const double step_size = lr / (1.0 - std::pow(b1, double(t)));
    const double sqrt_bc2 = std::sqrt(1.0 - std::pow(b2, double(t)));
    const int64_t n = p.numel();
    DispatchFloat(p.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* pp = static_cast<T*>(p.raw_data());
      const T* pg = grad.data<T>();
      T* pm = static_cast<T*>(exp_avg_[i].raw_data());
      T* pv = static_cast<T*>(exp_avg_sq_[i].raw_data());
      for (int64_t k = 0; k < n; ++k) {
        const double g = double(pg[k]) + wd * double(pp[k]);
        const double m = b1 * double(pm[k]) + (1.0 - b1) * g;
        const double v = b2 * double(pv[k]) + (1.0 - b2) * g * g;
        pm[k] = static_cast<T>(m);
        pv[k] = static_cast<T>(v);
        pp[k] = static_cast<T>(double(pp[k]) - step_size * m / (std::sqrt(v) / sqrt_bc2 + eps));
      }
    });
  }
}

}  // namespace optim
}  // namespace acaode
