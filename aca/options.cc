#include "aca/options.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "solvers/butcher_tableau.h"
#include "solvers/error_norm.h"

namespace acaode {
namespace aca {
namespace {

absl::Status Invalid(const std::string& field, double value, const std::string& constraint) {
  return absl::InvalidArgumentError(
      absl::StrCat("OdeintOptions.", field, " = ", value, ": must be ", constraint));
}

// The named method exists and, unless a fixed grid is used, has an error estimate.
absl::Status CheckMethod(const std::string& field, const std::string& name, bool fixed_grid) {
  absl::StatusOr<const solvers::ButcherTableau*> tableau = solvers::FindTableau(name);
  if (!tableau.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("OdeintOptions.", field, " = \"", name,
                     "\": unknown method; valid: ", solvers::ValidMethodNames()));
  }
  if (!fixed_grid && !(*tableau)->embedded()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "OdeintOptions.", field, " = \"", name,
        "\": has no error estimate, so it needs a fixed grid (set step_size > 0) or use an "
        "embedded method such as dopri5, bosh3, heun_euler"));
  }
  return absl::OkStatus();
}

}  // namespace

const char* AdjointNormName(AdjointNorm norm) {
  switch (norm) {
    case AdjointNorm::kRms:
      return "rms";
    case AdjointNorm::kMixed:
      return "mixed";
    case AdjointNorm::kSeminorm:
      return "seminorm";
  }
  return "?";
}

const char* GradientMethodName(GradientMethod method) {
  switch (method) {
    case GradientMethod::kAca:
      return "aca";
    case GradientMethod::kAdjoint:
      return "adjoint";
    case GradientMethod::kNaive:
      return "naive";
    case GradientMethod::kMali:
      return "mali";
  }
  return "unknown";
}

absl::Status OdeintOptions::Validate() const {
  const bool fixed_grid = step_size > 0;
  absl::Status step_control = ValidateStepControl("OdeintOptions.");
  if (!step_control.ok()) return step_control;
  const bool mali = gradient == GradientMethod::kMali;
  if (mali != (method == "alf")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "OdeintOptions.method = \"", method, "\" with gradient ", GradientMethodName(gradient),
        ": the reversible ALF solver (method \"alf\") goes with gradient kMali (\"mali\") "
        "and only with it"));
  }
  absl::Status method_status = mali ? absl::OkStatus() : CheckMethod("method", method, fixed_grid);
  if (!method_status.ok()) return method_status;
  if (!std::isfinite(mali_damping) || mali_damping < 0 || mali_damping >= 1) {
    return Invalid("mali_damping", mali_damping, "in [0, 1) (0 = undamped ALF)");
  }
  if (std::abs(mali_damping - 0.5) <= 1e-6) {
    return Invalid("mali_damping", mali_damping,
                   "!= 0.5 (at d = 1/2 the ALF step forgets v and has no inverse)");
  }
  if (memory_budget >= 0 && gradient != GradientMethod::kAca) {
    return absl::InvalidArgumentError(absl::StrCat(
        "memory_budget = ", memory_budget, " applies to gradient \"aca\" only, not \"",
        GradientMethodName(gradient), "\"; leave it unset (< 0) for the other methods"));
  }
  if (!mali && mali_damping != 0) {
    return Invalid("mali_damping", mali_damping, "0 unless gradient is kMali (\"mali\")");
  }
  if (!std::isfinite(rtol) || rtol < 0) return Invalid("rtol", rtol, "finite and >= 0");
  if (!std::isfinite(atol) || atol < 0) return Invalid("atol", atol, "finite and >= 0");
  if (!fixed_grid && rtol == 0 && atol == 0 && !rtol_tensor.defined() && !atol_tensor.defined()) {
    return Invalid("atol", atol, "> 0 when rtol is 0 (adaptive stepping needs a tolerance)");
  }
  if (rtol_tensor.defined() || atol_tensor.defined()) {
    solvers::Tolerances tol;
    tol.rtol = rtol;
    tol.atol = atol;
    tol.rtol_tensor = rtol_tensor;
    tol.atol_tensor = atol_tensor;
    absl::Status s = tol.Validate(Tensor());
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("OdeintOptions.rtol_tensor/atol_tensor: ", s.message()));
    }
  }
  if (gradient != GradientMethod::kAca && gradient != GradientMethod::kAdjoint &&
      gradient != GradientMethod::kNaive && gradient != GradientMethod::kMali) {
    return Invalid("gradient", static_cast<double>(gradient),
                   "one of kAca, kAdjoint, kNaive, kMali");
  }
  if (!adjoint.method.empty()) {
    absl::Status s = CheckMethod("adjoint.method", adjoint.method, fixed_grid);
    if (!s.ok()) return s;
  }
  if (std::isnan(adjoint.rtol) || std::isinf(adjoint.rtol)) {
    return Invalid("adjoint.rtol", adjoint.rtol, "finite (< 0 = forward's rtol)");
  }
  if (std::isnan(adjoint.atol) || std::isinf(adjoint.atol)) {
    return Invalid("adjoint.atol", adjoint.atol, "finite (< 0 = forward's atol)");
  }
  if (!fixed_grid && adjoint.rtol == 0 && adjoint.atol == 0) {
    return Invalid("adjoint.atol", adjoint.atol, "> 0 when adjoint.rtol is 0");
  }
  if (adjoint.max_steps < 0) {
    return Invalid("adjoint.max_steps", static_cast<double>(adjoint.max_steps),
                   ">= 0 (0 = forward's max_steps)");
  }
  return absl::OkStatus();
}

solvers::IntegrateOptions ForwardIntegrateOptions(const OdeintOptions& options) {
  solvers::IntegrateOptions o;
  static_cast<solvers::SolveOptions&>(o) = options;  // every field of a solve, as given
  return o;
}

solvers::IntegrateOptions AdjointIntegrateOptions(const OdeintOptions& options) {
  solvers::IntegrateOptions o;
  o.method = options.adjoint.method.empty() ? options.method : options.adjoint.method;
  o.rtol = options.adjoint.rtol >= 0 ? options.adjoint.rtol : options.rtol;
  o.atol = options.adjoint.atol >= 0 ? options.adjoint.atol : options.atol;
  o.step_size = options.step_size;
  o.max_steps = options.adjoint.max_steps > 0 ? options.adjoint.max_steps : options.max_steps;
  o.dt_min = options.dt_min;
  o.dt_max = options.dt_max;
  return o;
}

}  // namespace aca
}  // namespace acaode
