// Step-size controllers: from the error norm of a trial step to accept/reject and the
// factor for the next step size.
//
// Integral (I) controller (Hairer, Nørsett & Wanner, Solving ODEs I, II.4 eq. (4.13); the
// rule of scipy's solve_ivp), with q = tableau.error_estimator_order:
//   factor = clamp(safety · ‖e‖^(−1/(q+1)), min_factor, max_factor),
// = max_factor when ‖e‖ = 0; after a rejection within the same step the factor of the
// accepted trial is capped at 1 (no growth right after a failure).
// PI controller (Gustafsson 1991; Hairer & Wanner's dopri5.f "stabilized step size
// control", Solving ODEs I, IV.2 p. 31), with β = pi_beta (dopri5.f: 0.04) and
// α = 1/(q+1) − 0.75 β:
//   factor = clamp(safety · ‖e_n‖^(−α) · ‖e_{n−1}‖^β, min_factor, max_factor)
// on acceptance (‖e_{n−1}‖: the previous accepted step's norm, at least 1e-4, starting at
// 1e-4 as in dopri5.f), and the integral rule on rejection.
//
//   StepSizeController controller(options.controller, tableau.error_estimator_order);
//   StepDecision d = controller.Decide(error_norm);
//   h = d.factor * h;   if (d.accept) { t += h_used; ... }
#ifndef ACAODE_SOLVERS_CONTROLLER_H_
#define ACAODE_SOLVERS_CONTROLLER_H_

#include "absl/status/status.h"
#include "autograd/tensor.h"

namespace acaode {
namespace solvers {

enum class ControllerKind { kIntegral, kPI };

struct ControllerOptions {
  ControllerKind kind = ControllerKind::kIntegral;
  // Multiplies the asymptotically optimal factor (margin against a rejection).
  double safety = 0.9;
  // Bounds on h_new / h (one step's shrink and growth).
  double min_factor = 0.2;
  double max_factor = 10.0;
  // PI only: β, the exponent of the previous error norm (dopri5.f's BETA = 0.04).
  double pi_beta = 0.04;

  // InvalidArgument naming the field unless 0 < safety ≤ 1,
  // 0 < min_factor ≤ 1 ≤ max_factor (all finite), 0 ≤ pi_beta < 0.2.
  absl::Status Validate() const;
};

struct StepDecision {
  bool accept = false;
  // Multiply the step size just tried by this factor for the next trial or step.
  double factor = 1.0;
};

class StepSizeController {
 public:
  // error_estimator_order: q of the tableau (ButcherTableau::error_estimator_order ≥ 1).
  StepSizeController(const ControllerOptions& options, int error_estimator_order);

  // Accept iff error_norm ≤ 1 (a NaN or infinite norm is rejected with min_factor).
  // Stateful: remembers whether the current step already had a rejection, and for PI the
  // previous accepted norm. Call once per trial.
  StepDecision Decide(double error_norm);

  // Forget the history (a new solve).
  void Reset();

  // The integral controller's factor as a taped function of a 0-d error-norm tensor, for
  // the naive method that differentiates the step-size search:
  //   clamp(safety · ‖e‖^(−1/(q+1)), min_factor, max_factor)
  // (the ‖e‖ = 0 and post-rejection special cases of Decide are the caller's business).
  Tensor FactorTensor(const Tensor& error_norm) const;

  double exponent() const { return exponent_; }

 private:
  ControllerOptions options_;
  double exponent_;        // 1/(q+1)
  bool rejected_ = false;  // the current step already had a rejected trial
  double previous_error_ = 1e-4;
};

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_CONTROLLER_H_
