#include "autograd/optim/optimizer.h"

#include "absl/strings/str_cat.h"
#include "autograd/error.h"

namespace acaode {
namespace optim {

absl::Status Optimizer::CheckParams(const char* who, const std::vector<Tensor>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    if (!p.defined()) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": parameter ", i, " is undefined"));
    }
    if (!p.is_leaf() || !p.requires_grad()) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": parameter ", i, " (shape ",
                                                     ShapeToString(p.shape()),
                                                     ") must be a leaf tensor with requires_grad"));
    }
    if (p.device() != Device::kCpu) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": parameter ", i, " is not on the CPU"));
    }
  }
  return absl::OkStatus();
}

void Optimizer::RequireCpu(const char* who) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    const bool grad_off_cpu = p.grad().defined() && p.grad().device() != Device::kCpu;
    if (p.device() != Device::kCpu || grad_off_cpu) {
      throw RuntimeError(absl::StrCat(
          who, ": parameter ", i, " (shape ", ShapeToString(p.shape()), ") is on ",
          DeviceName(p.device()),
          " (moved after the optimizer was made?); the optimizers update CPU parameters only"));
    }
  }
}

}  // namespace optim
}  // namespace acaode
