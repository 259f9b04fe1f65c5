#include "solvers/step_driver.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "util/interrupt.h"

namespace acaode {
namespace solvers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

StepDriver::StepDriver(const StepLimits& limits, const ControllerOptions& controller,
                       int error_order, double t0, double direction)
    : limits_(limits),
      controller_(controller, error_order),
      t0_(t0),
      direction_(direction),
      t_(t0) {}

std::string StepDriver::Advice(const std::string& hint, const char* otherwise) const {
  return hint.empty() ? std::string(otherwise) : hint;
}

absl::Status StepDriver::Step(double t_stop, StepRule& rule) {
  if (t_ == t_stop) return absl::OkStatus();
  if (!std::isfinite(t_stop) || direction_ * (t_stop - t_) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot step from t = ", t_, " to t = ", t_stop, ": the solve runs ",
                     direction_ > 0 ? "forward" : "backward", " in time"));
  }
  if (InterruptRequested()) {  // Note [Interrupting a solve]
    return InterruptedStatus(
        absl::StrCat("the solve at t = ", t_, " (", rule.Name(), ", ", accepted_, " steps taken)"));
  }
  return fixed() ? StepFixed(t_stop, rule) : StepAdaptive(t_stop, rule);
}

absl::Status StepDriver::StepFixed(double t_stop, StepRule& rule) {
  const double step = limits_.step_size;
  if (accepted_ >= limits_.max_steps) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_steps = ", limits_.max_steps, " reached at t = ", t_, " before t = ", t_stop, " with ",
        rule.Name(), " and the fixed step_size = ", step, "; increase max_steps or step_size"));
  }
  // The next grid point ahead of t_; an output time before it (or within 1e-10 steps of
  // it) ends this step instead.
  const double g = t0_ + direction_ * static_cast<double>(grid_index_ + 1) * step;
  const double tie = 1e-10 * step;
  double t_new = g;
  bool on_grid = true;
  if (direction_ * (g - t_stop) >= -tie) {
    t_new = t_stop;
    on_grid = std::abs(g - t_stop) <= tie;
  }
  const double h = t_new - t_;
  if (!std::isfinite(rule.Trial(t_, t_new, /*with_error=*/false))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "non-finite state (NaN or inf) at t = ", t_new, " after a fixed step of h = ", h,
        " from t = ", t_, " with ", rule.Name(), "; reduce step_size, ",
        Advice(rule.Hint(), "use an adaptive method"), ", or check f for overflow"));
  }
  if (on_grid) ++grid_index_;
  ++accepted_;
  t_ = t_new;
  rule.Accept(t_new);
  return absl::OkStatus();
}

absl::Status StepDriver::StepAdaptive(double t_stop, StepRule& rule) {
  double h_abs = std::min(h_abs_, limits_.dt_max);
  bool last_trial_nonfinite = false;
  const std::function<void()> restore_state = save_state_ ? save_state_() : nullptr;
  while (true) {
    if (accepted_ + rejected_ >= limits_.max_steps) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "max_steps = ", limits_.max_steps, " reached at t = ", t_, " before t = ", t_stop, " (",
          accepted_, " accepted and ", rejected_, " rejected steps with ", rule.Name(),
          ", last |h| = ", h_abs, "); increase max_steps, loosen rtol/atol, or ",
          Advice(rule.Hint(), "check whether the problem is stiff")));
    }
    const double ulp_step = 10 * std::abs(std::nextafter(t_, direction_ * kInf) - t_);
    if (h_abs < std::max(limits_.dt_min, ulp_step)) {
      const std::string hint = rule.Hint().empty() ? "" : "; " + rule.Hint();
      if (last_trial_nonfinite) {
        return absl::FailedPreconditionError(absl::StrCat(
            "non-finite state or derivative (NaN or inf) near t = ", t_, ": every trial step ",
            "from there, down to |h| = ", h_abs, ", produced NaN or inf with ", rule.Name(),
            "; check f for overflow, division by zero or a singularity near this time", hint));
      }
      if (h_abs < ulp_step) {
        return absl::FailedPreconditionError(absl::StrCat(
            "step size underflow at t = ", t_, ": |h| = ", h_abs, " is below 10 ulp(t) = ",
            ulp_step, " (", rule.Name(), ", rtol = ", limits_.rtol, ", atol = ", limits_.atol,
            "); the solution may blow up or the problem be stiff here; loosen rtol/atol", hint));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "step size |h| = ", h_abs, " fell below dt_min = ", limits_.dt_min, " at t = ", t_, " (",
          rule.Name(), ", rtol = ", limits_.rtol, ", atol = ", limits_.atol,
          "); lower dt_min or loosen rtol/atol; the problem may be stiff here", hint));
    }
    const double remaining = std::abs(t_stop - t_);
    const bool clipped = h_abs >= remaining;
    const double t_new = clipped ? t_stop : t_ + direction_ * h_abs;
    const double h = t_new - t_;
    double norm = rule.Trial(t_, t_new, /*with_error=*/true);
    last_trial_nonfinite = !std::isfinite(norm);
    if (last_trial_nonfinite) norm = std::numeric_limits<double>::quiet_NaN();
    const StepDecision decision = controller_.Decide(norm);
    if (!decision.accept) {
      ++rejected_;
      if (restore_state) restore_state();
      h_abs = std::abs(h) * decision.factor;
      rule.Decided(decision, h_abs);
      continue;
    }
    // After a step shortened to land on t_stop, keep the size planned before shortening
    // when it is larger (the short step says little about the step size the solution
    // needs).
    double next = std::abs(h) * decision.factor;
    if (clipped) next = std::max(next, h_abs);
    h_abs_ = std::min(next, limits_.dt_max);
    rule.Decided(decision, h_abs_);
    ++accepted_;
    t_ = t_new;
    rule.Accept(t_new);
    return absl::OkStatus();
  }
}

}  // namespace solvers
}  // namespace acaode
