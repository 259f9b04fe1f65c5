// The one stepping loop: step-size control, landing on output times, the fixed grid and
// the failure checks, shared by every solver that steps (Note [One stepping loop]).
//
//   class MyRule : public solvers::StepRule { ... Trial / Accept ... };
//   StepDriver driver(limits, controller_options, error_order, t0, direction);
//   driver.set_h_abs(first_step);                  // adaptive: the first |h|
//   while (driver.t() != t_stop) RETURN_IF_ERROR(driver.Step(t_stop, rule));
//
// Note [One stepping loop]: a method contributes only its step (StepRule::Trial: one trial
// from the current state to an exact end time, and its scaled error norm) and what
// accepting it means (StepRule::Accept). The driver owns the rest, identically for all:
//  * adaptive: trials of size |h| ≤ dt_max toward t_stop, the last one clipped to land on
//    t_stop exactly; the controller (controller.h) accepts or rejects and scales |h|; after
//    a clipped step the size planned before clipping is kept when larger;
//  * fixed grid: steps to the grid points t0 + k·step_size, an output time within
//    1e-10 steps of a grid point replacing it, one before it ending a shortened step;
//  * failures: max_steps trials, |h| below max(dt_min, 10 ulp(t)), trials that stay
//    non-finite down to that size, a non-finite fixed step, and Ctrl-C
//    (Note [Interrupting a solve]) — each a Status naming the method, the time and what to
//    change (the rule may add a method-specific hint).
// solvers::Stepper (RK methods, taped or not), MALI's ALF solve (aca/reversible.cc) and the
// naive method's taped step-size search (aca/naive.cc: a rule whose h is a tensor on the
// tape, kept equal to the driver's through StepRule::Decided) run on it.
#ifndef ACAODE_SOLVERS_STEP_DRIVER_H_
#define ACAODE_SOLVERS_STEP_DRIVER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "solvers/controller.h"

namespace acaode {
namespace solvers {

// One method's step, as the driver needs it.
class StepRule {
 public:
  virtual ~StepRule() = default;
  // The method's name for messages ("dopri5", "ALF").
  virtual std::string Name() const = 0;
  // Advice appended to failure messages, e.g. "set mali_damping ..."; "" for none.
  virtual std::string Hint() const { return ""; }
  // One trial from the current state at t to exactly t_new. With `with_error` (adaptive):
  // the scaled error norm (error_norm.h), NaN when the trial produced a non-finite value.
  // Without (fixed grid): 0, or NaN when the new state is non-finite.
  virtual double Trial(double t, double t_new, bool with_error) = 0;
  // Adaptive runs: after each trial's decision (before Accept when accepted), the
  // controller's verdict and the |h| the next trial or step will start from. A rule that
  // keeps its own copy of h (the naive method's taped h) follows it here.
  virtual void Decided(const StepDecision& /*decision*/, double /*next_h_abs*/) {}
  // The last trial becomes the current state, at t_new.
  virtual void Accept(double t_new) = 0;
};

// Saves the state f keeps beside its parameters (e.g. BatchNorm's running statistics) and
// returns a function that puts that state back; the restore may be called several times.
using SaveState = std::function<std::function<void()>()>;

struct StepLimits {
  double step_size = 0.0;  // > 0: fixed grid
  int64_t max_steps = 100000;
  double dt_min = 0.0;
  double dt_max = 0.0;
  // For messages only.
  double rtol = 0.0;
  double atol = 0.0;
};

class StepDriver {
 public:
  StepDriver(const StepLimits& limits, const ControllerOptions& controller, int error_order,
             double t0, double direction);

  // One accepted step toward t_stop (rejected trials included), never past it and landing
  // exactly on it when it reaches it. No-op when t() == t_stop.
  absl::Status Step(double t_stop, StepRule& rule);

  double t() const { return t_; }
  int64_t accepted() const { return accepted_; }
  int64_t rejected() const { return rejected_; }
  // |h| the next adaptive trial starts from (before clipping); 0 = not chosen yet.
  double h_abs() const { return h_abs_; }
  void set_h_abs(double h_abs) { h_abs_ = h_abs; }
  bool fixed() const { return limits_.step_size > 0; }
  // Adaptive runs: f's state is saved before each step's first trial and put back after
  // every rejected trial, so that only accepted trials change it (the paper's Appendix A:
  // f.load_state_dict(state) before each trial). Empty (the default): nothing is saved.
  void set_save_state(SaveState save_state) { save_state_ = std::move(save_state); }

 private:
  absl::Status StepFixed(double t_stop, StepRule& rule);
  absl::Status StepAdaptive(double t_stop, StepRule& rule);
  std::string Advice(const std::string& hint, const char* otherwise) const;

  StepLimits limits_;
  StepSizeController controller_;
  double t0_;
  double direction_;
  double t_;
  double h_abs_ = 0.0;
  int64_t grid_index_ = 0;  // fixed grid: t() is at or after grid point grid_index_
  int64_t accepted_ = 0;
  int64_t rejected_ = 0;
  SaveState save_state_;
};

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_STEP_DRIVER_H_
