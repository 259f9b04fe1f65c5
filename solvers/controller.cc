#include "solvers/controller.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "autograd/ops/elementwise.h"

namespace acaode {
namespace solvers {

absl::Status ControllerOptions::Validate() const {
  if (!(std::isfinite(safety) && safety > 0 && safety <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("controller.safety = ", safety, " is invalid: need 0 < safety <= 1"));
  }
  if (!(std::isfinite(min_factor) && min_factor > 0 && min_factor <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat("controller.min_factor = ", min_factor,
                                                   " is invalid: need 0 < min_factor <= 1"));
  }
  if (!(std::isfinite(max_factor) && max_factor >= 1)) {
    return absl::InvalidArgumentError(absl::StrCat("controller.max_factor = ", max_factor,
                                                   " is invalid: need finite max_factor >= 1"));
  }
  if (!(pi_beta >= 0 && pi_beta < 0.2)) {
    return absl::InvalidArgumentError(
        absl::StrCat("controller.pi_beta = ", pi_beta, " is invalid: need 0 <= pi_beta < 0.2"));
  }
  return absl::OkStatus();
}

StepSizeController::StepSizeController(const ControllerOptions& options, int error_estimator_order)
    : options_(options), exponent_(1.0 / (std::max(error_estimator_order, 1) + 1)) {}

void StepSizeController::Reset() {
  rejected_ = false;
  previous_error_ = 1e-4;
}

StepDecision StepSizeController::Decide(double error_norm) {
  const ControllerOptions& o = options_;
  StepDecision d;
  if (!(error_norm <= 1.0)) {  // also NaN
    d.accept = false;
    d.factor = std::isfinite(error_norm)
                   ? std::max(o.min_factor, o.safety * std::pow(error_norm, -exponent_))
                   : o.min_factor;
    rejected_ = true;
    return d;
  }
  d.accept = true;
  if (error_norm == 0.0) {
    d.factor = o.max_factor;
  } else if (o.kind == ControllerKind::kPI) {
    const double alpha = exponent_ - 0.75 * o.pi_beta;
    d.factor = o.safety * std::pow(error_norm, -alpha) * std::pow(previous_error_, o.pi_beta);
  } else {
    d.factor = o.safety * std::pow(error_norm, -exponent_);
  }
  d.factor = std::min(o.max_factor, std::max(o.min_factor, d.factor));
  if (rejected_) d.factor = std::min(1.0, d.factor);
  previous_error_ = std::max(error_norm, 1e-4);
  rejected_ = false;
  return d;
}

Tensor StepSizeController::FactorTensor(const Tensor& error_norm) const {
  // factor = clamp(safety · ‖e‖^(−1/(q+1)), min_factor, max_factor)
  return Clamp(Mul(Pow(error_norm, -exponent_), options_.safety), options_.min_factor,
               options_.max_factor);
}

}  // namespace solvers
}  // namespace acaode
