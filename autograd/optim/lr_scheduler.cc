#include "autograd/optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace acaode {
namespace optim {
namespace {

absl::Status CheckCommon(const char* who, const Optimizer* o, double gamma) {
  if (o == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": optimizer is null"));
  }
  if (!(gamma > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(who, ": gamma = ", gamma, ": must be > 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<StepLr>> StepLr::Create(Optimizer* optimizer, int64_t step_size,
                                                       double gamma) {
  absl::Status s = CheckCommon("StepLr", optimizer, gamma);
  if (!s.ok()) return s;
  if (step_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("StepLr: step_size = ", step_size, ": must be >= 1"));
  }
  return std::unique_ptr<StepLr>(new StepLr(optimizer, step_size, gamma));
}

double StepLr::LrAt(int64_t e) const {
  return base_lr() * std::pow(gamma_, double(e / step_size_));
}

absl::StatusOr<std::unique_ptr<MultiStepLr>> MultiStepLr::Create(Optimizer* optimizer,
                                                                 std::vector<int64_t> milestones,
                                                                 double gamma) {
  absl::Status s = CheckCommon("MultiStepLr", optimizer, gamma);
  if (!s.ok()) return s;
  for (size_t i = 0; i < milestones.size(); ++i) {
    if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
      return absl::InvalidArgumentError(
          absl::StrCat("MultiStepLr: milestones[", i, "] = ", milestones[i],
                       ": milestones must be >= 1 and strictly increasing"));
    }
  }
  return std::unique_ptr<MultiStepLr>(new MultiStepLr(optimizer, std::move(milestones), gamma));
}

double MultiStepLr::LrAt(int64_t e) const {
  const auto passed =
      std::upper_bound(milestones_.begin(), milestones_.end(), e) - milestones_.begin();
  return base_lr() * std::pow(gamma_, double(passed));
}

absl::StatusOr<std::unique_ptr<ExponentialLr>> ExponentialLr::Create(Optimizer* optimizer,
                                                                     double gamma) {
  absl::Status s = CheckCommon("ExponentialLr", optimizer, gamma);
  if (!s.ok()) return s;
  return std::unique_ptr<ExponentialLr>(new ExponentialLr(optimizer, gamma));
}

double ExponentialLr::LrAt(int64_t e) const { return base_lr() * std::pow(gamma_, double(e)); }

}  // namespace optim
}  // namespace acaode
