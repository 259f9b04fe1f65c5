// The options every solve has, defined once: the forward solve of solvers::Integrate
// (IntegrateOptions, solvers/integrate.h) and of aca::Odeint (aca::OdeintOptions,
// aca/options.h) both extend SolveOptions, so a field, its default and its check live here
// and nowhere else.
#ifndef ACAODE_SOLVERS_SOLVE_OPTIONS_H_
#define ACAODE_SOLVERS_SOLVE_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "autograd/tensor.h"
#include "solvers/step_driver.h"

namespace acaode {
namespace solvers {

struct SolveOptions {
  // Tableau name (solvers/butcher_tableau.h: FindTableau): euler, midpoint, heun, rk4
  // (fixed grid only), heun_euler, bosh3, dopri5, tsit5, dopri8 (adaptive or fixed),
  // aliases rk12, rk23, rk45, dop853; aca::Odeint also takes "alf" (MALI's reversible step).
  std::string method = "dopri5";

  // A step is accepted when the RMS over the components of
  //   err_i / (atol + rtol · max(|z_i|, |z_new,i|))
  // is at most 1 (solvers/error_norm.h).
  double rtol = 1e-6;
  double atol = 1e-8;
  // Optional per-component tolerances, broadcastable to z0; they replace the scalars.
  Tensor rtol_tensor;
  Tensor atol_tensor;

  // |first step|; 0 = chosen by Hairer's algorithm (Solving ODEs I, II.4; initial_step.h).
  double first_step = 0.0;
  // > 0: fixed grid t0 + k·step_size (signed by the direction of integration), no error
  // control; each output time also ends a step, and the last step before it is shortened.
  // 0: adaptive (embedded methods only).
  double step_size = 0.0;
  // The solve (all intervals) fails when this many step trials (accepted + rejected) have
  // been made.
  int64_t max_steps = 100000;
  // The solve fails with "step size underflow" when the controller asks for |h| < dt_min
  // (0: only the floating-point bound 10 · ulp(t) applies). Steps shortened to land on an
  // output time are exempt.
  double dt_min = 0.0;
  // Upper bound on |h| (adaptive runs).
  double dt_max = std::numeric_limits<double>::infinity();

  // Called after every accepted step of the forward solve with the new time and state; z
  // must not be modified. For progress reports and monitoring; an exception it throws ends
  // the solve and propagates. Empty: nothing is called.
  std::function<void(double t, const Tensor& z)> on_accepted_step;
  // Saves the state f keeps beside its parameters (e.g. BatchNorm's running statistics;
  // nn::SaveBuffers makes one for a module) and returns a function that puts it back; the
  // forward solve puts it back after every rejected trial, so that only accepted steps
  // change it (the paper's Appendix A; StepDriver::set_save_state). Empty: not managed.
  SaveState save_state;

  // OK, or InvalidArgument naming the field (after `owner`, e.g. "OdeintOptions."), its
  // value and the constraint it violates, for the step-control fields: first_step,
  // step_size, max_steps, dt_min, dt_max. The method and the tolerances are checked by the
  // extending options, whose rules for them differ.
  absl::Status ValidateStepControl(absl::string_view owner) const;
};

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_SOLVE_OPTIONS_H_
