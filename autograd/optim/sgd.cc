#include "autograd/optim/sgd.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "autograd/dispatch.h"
#include "util/status_macros.h"

namespace acaode {
namespace optim {

absl::Status SgdOptions::Validate() const {
  auto bad = [](const char* field, double v, const char* rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("SgdOptions.", field, " = ", v, ": must be ", rule));
  };
  if (!(lr > 0)) return bad("lr", lr, "> 0");
  if (!(momentum >= 0)) return bad("momentum", momentum, ">= 0");
  if (!(dampening >= 0 && dampening <= 1)) return bad("dampening", dampening, "in [0, 1]");
  if (!(weight_decay >= 0)) return bad("weight_decay", weight_decay, ">= 0");
  if (nesterov && !(momentum > 0 && dampening == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SgdOptions.nesterov = true needs momentum > 0 and dampening = 0, got momentum ", momentum,
        ", dampening ", dampening));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Sgd>> Sgd::Create(std::vector<Tensor> params,
                                                 const SgdOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  RETURN_IF_ERROR(CheckParams("Sgd", params));
  return std::unique_ptr<Sgd>(new Sgd(std::move(params), options));
}

Sgd::Sgd(std::vector<Tensor> params, const SgdOptions& options)
    : Optimizer(std::move(params)), options_(options), momentum_buffers_(params_.size()) {}

void Sgd::Step() {
  RequireCpu("SGD.step");
  const double lr = options_.lr, mom = options_.momentum, wd = options_.weight_decay;
  const double damp = options_.dampening;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    const int64_t n = p.numel();
    Tensor& buf = momentum_buffers_[i];
    const bool first = !buf.defined();
    if (mom != 0 && first) buf = Empty(p.shape(), p.dtype());
    DispatchFloat(p.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* pp = static_cast<T*>(p.raw_data());
      const T* pg = grad.data<T>();
      T* pb = mom != 0 ? static_cast<T*>(buf.raw_data()) : nullptr;
      for (int64_t k = 0; k < n; ++k) {
        double g = double(pg[k]) + wd * double(pp[k]);
        if (mom != 0) {
          const double b = first ? g : mom * double(pb[k]) + (1.0 - damp) * g;
          pb[k] = static_cast<T>(b);
          g = options_.nesterov ? g + mom * b : b;
        }
        pp[k] = static_cast<T>(double(pp[k]) - lr * g);
      }
    });
  }
}

}  // namespace optim
}  // namespace acaode
