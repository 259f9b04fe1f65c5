#include "solvers/solve_options.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace acaode {
namespace solvers {
namespace {

absl::Status Invalid(absl::string_view owner, absl::string_view field, double value,
                     absl::string_view constraint) {
  return absl::InvalidArgumentError(
      absl::StrCat(owner, field, " = ", value, ": must be ", constraint));
}

}  // namespace

absl::Status SolveOptions::ValidateStepControl(absl::string_view owner) const {
  if (!std::isfinite(first_step) || first_step < 0) {
    return Invalid(owner, "first_step", first_step, "finite and >= 0 (0 = automatic)");
  }
  if (!std::isfinite(step_size) || step_size < 0) {
    return Invalid(owner, "step_size", step_size, "finite and >= 0 (0 = adaptive)");
  }
  if (max_steps <= 0) {
    return Invalid(owner, "max_steps", static_cast<double>(max_steps), "> 0");
  }
  if (!std::isfinite(dt_min) || dt_min < 0) {
    return Invalid(owner, "dt_min", dt_min, "finite and >= 0");
  }
  if (std::isnan(dt_max) || dt_max <= 0) {
    return Invalid(owner, "dt_max", dt_max, "> 0 (infinity = unbounded)");
  }
  if (dt_min > dt_max) {
    return Invalid(owner, "dt_min", dt_min, absl::StrCat("<= dt_max (", dt_max, ")"));
  }
  return absl::OkStatus();
}

}  // namespace solvers
}  // namespace acaode
