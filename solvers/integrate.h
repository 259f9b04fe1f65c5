// Integrate(): solve dz/dt = f(t, z) from ts[0] through every ts[i], without gradients of
// its own (it runs the same differentiable ops, so under grad mode with taped inputs the
// whole solve is recorded, with step sizes held as plain doubles).
//
//   IntegrateOptions options;
//   options.method = "dopri5";
//   options.rtol = 1e-8;
//   options.atol = 1e-8;
//   ASSIGN_OR_RETURN(Solution sol, Integrate(f, z0, {0.0, 0.5, 1.0}, options));
//   Tensor z_half = sol.ys[1];                     // exactly at t = 0.5 (a step ends there)
//   sol.stats.accepted_steps;                      // statistics
//
// Output times: steps are clipped so that one ends exactly on every requested time — the
// states at ts are step end points, never interpolated (ACA replays those steps).
// Integration runs forward (increasing ts) or backward (decreasing ts).
//
// The stepping loop is the `Stepper` class, reusable by other drivers (aca/: the ACA
// forward pass records every accepted (t_i, z_i) through a StepObserver; the naive
// method runs it taped). Integrate() is a loop over output times calling
// Stepper::AdvanceTo.
//
// Failures (a Status, never an abort; the message says what happened, the time reached
// and what to change):
//   InvalidArgument     bad options or ts (Validate(), unknown method, a fixed-step-only
//                       method without step_size, empty / non-monotone / non-finite ts).
//   ResourceExhausted   max_steps trials made before reaching the next output time.
//   FailedPrecondition  step size below dt_min or below float spacing ("underflow"), or a
//                       non-finite state or derivative.
#ifndef ACAODE_SOLVERS_INTEGRATE_H_
#define ACAODE_SOLVERS_INTEGRATE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "autograd/tensor.h"
#include "solvers/butcher_tableau.h"
#include "solvers/controller.h"
#include "solvers/dense_output.h"
#include "solvers/error_norm.h"
#include "solvers/explicit_rk.h"
#include "solvers/solve_options.h"
#include "solvers/step_driver.h"

namespace acaode {
namespace solvers {

// The options of solvers::Integrate and Stepper: those of every solve (SolveOptions,
// solvers/solve_options.h) and the solver-level ones below.
struct IntegrateOptions : SolveOptions {
  // Note [Block error norms] (error_norm.h): the error norm part by part; empty = one RMS
  // norm over the whole state.
  std::vector<NormBlock> norm_blocks;
  // Step-size controller (integral by default; controller.h).
  ControllerOptions controller;
  // Keep every accepted state z_i in Solution::accepted_states (the ACA forward pass
  // needs them as checkpoints). Accepted times are always kept.
  bool record_accepted = false;
  // Keep what Solution::Evaluate needs (each step's stages: memory ∝ steps × stages).
  // Hermite (fixed-step methods, heun_euler, bosh3) costs one extra f evaluation at the
  // end, dopri8's own interpolant 3 extra evaluations per step; dopri5 and tsit5 none.
  bool dense_output = false;
  // Note [Taped steps from a leaf] (explicit_rk.h). When set, asked before every step
  // (and once by Stepper::Create, for f(t0, z0)); while it answers true the step runs with
  // grad mode on and starts from a leaf — the stepper's state is a detached view of the
  // last z_new that requires grad — so AcceptedStep::step.z_new's graph reaches exactly
  // AcceptedStep::z0 and f's parameters, and AcceptedStep::trial_bytes is measured. Once
  // it has answered false it must keep answering false (the k_1 carried over from an
  // untaped step is untaped). Solution::ys is then built from detached states. ACA's tape
  // retention uses it (aca/step_store.h); everything else leaves it empty.
  // Under taped steps, SolveOptions::on_accepted_step sees the step's leaf as z.
  std::function<bool()> tape_step;
  // Note [Taped last step]: when finite (and the step is not already taped by tape_step),
  // every trial that ends exactly at this time runs with grad mode on from a leaf holding
  // its start state, with its k_1 evaluated anew on that leaf (one f evaluation more than
  // the k_1 an FSAL tableau carries over): AcceptedStep::z0 is then the leaf,
  // AcceptedStep::step.z_new the taped end and trial_bytes is measured, as under
  // tape_step, while the stepper's state and Solution::ys stay detached. ACA without a
  // memory budget sets it to the last output time and keeps the last step's graph instead
  // of replaying it (aca/step_store.h).
  double tape_trials_ending_at = std::numeric_limits<double>::quiet_NaN();

  // OK, or InvalidArgument naming the field, its value and the violated constraint.
  // Checks everything that does not depend on z0 (the tolerance tensors' shapes are
  // checked by Integrate / Stepper::Create).
  absl::Status Validate() const;

  Tolerances tolerances() const {
    return Tolerances{rtol, atol, rtol_tensor, atol_tensor, norm_blocks};
  }
};

struct SolveStats {
  int64_t f_evals = 0;  // evaluations of f (stages, first step, Hermite end point)
  int64_t accepted_steps = 0;
  int64_t rejected_steps = 0;
};

// One accepted step, as reported to a StepObserver (references valid during the call).
// The observer runs after the Stepper has moved to (t1, z1).
struct AcceptedStep {
  int64_t index;  // 0, 1, ... in order of acceptance
  double t0;
  double t1;           // t0 + h, exactly an output time when the step was clipped to it
  const Tensor& z0;    // the state at t0
  const Tensor& z1;    // the state at t1 (= step.z_new)
  const RkStep& step;  // stages and error of the accepted trial
  // Taped steps (IntegrateOptions::tape_step): bytes the accepted trial allocated (its
  // graph, stages and z_new), by the CPU allocator; else 0.
  size_t trial_bytes = 0;
};
using StepObserver = std::function<void(const AcceptedStep&)>;

// The stepping loop over one solve. Not copyable; cheap to move.
// The RK stepping loop over one solve: an ExplicitRk step run by the shared StepDriver
// (Note [One stepping loop] in step_driver.h).
class Stepper : private StepRule {
 public:
  // Validates options (also against z0), evaluates f(t0, z0) (must be finite) and picks
  // the first step. t_end only sets the direction and the scale of the automatic first
  // step; the stepper may be advanced to any time in that direction.
  static absl::StatusOr<std::unique_ptr<Stepper>> Create(const DynamicsFn& f, double t0,
                                                         const Tensor& z0, double t_end,
                                                         const IntegrateOptions& options);

  // Takes one accepted step toward t_stop (rejected trials included), never past it and
  // landing exactly on it when the step reaches it. No-op when t() == t_stop.
  absl::Status Step(double t_stop, const StepObserver& observer = nullptr);

  // Steps until t() == t_stop exactly.
  absl::Status AdvanceTo(double t_stop, const StepObserver& observer = nullptr);

  double t() const { return t_; }
  const Tensor& z() const { return z_; }
  // f(t(), z()) when already known (FSAL or start), else undefined.
  const Tensor& k1() const { return k1_; }
  const SolveStats& stats() const { return stats_; }
  // |h| the next trial will use (before clipping).
  double next_step_size() const { return driver_.h_abs(); }
  const ButcherTableau& tableau() const { return rk_.tableau(); }
  bool adaptive() const { return !driver_.fixed(); }
  // Evaluates and caches k1 = f(t(), z()) if not known (counted in stats).
  const Tensor& EnsureK1();

  Stepper(const Stepper&) = delete;
  Stepper& operator=(const Stepper&) = delete;

 private:
  Stepper(const DynamicsFn& f, const ButcherTableau& tableau, const IntegrateOptions& options,
          double t0, const Tensor& z0, double direction);
  absl::Status StepWithDriver(double t_stop);
  // One trial from (t_, z_) to t_new into step_ (measures trial_bytes_ when taping).
  void RunTrial(double t_new, bool compute_error);
  // StepRule (the driver's view of the RK step).
  std::string Name() const override { return rk_.tableau().name; }
  double Trial(double t, double t_new, bool with_error) override;
  void Accept(double t_new) override;

  DynamicsFn f_;
  ExplicitRk rk_;
  Tolerances tol_;
  IntegrateOptions options_;
  double direction_;
  StepDriver driver_;
  const StepObserver* observer_ = nullptr;  // during Step()
  double t_;
  Tensor z_;
  Tensor k1_;
  SolveStats stats_;
  RkStep step_;
  bool taping_ = false;      // IntegrateOptions::tape_step answered true so far
  bool last_taped_ = false;  // the last trial was taped by tape_trials_ending_at
  Tensor last_leaf_;         // its start leaf
  size_t trial_bytes_ = 0;   // of the last trial, when taping
};

struct Solution {
  // The requested times and the states there: ys has shape [ts.size(), *z0.shape()],
  // ys[i] the state at ts[i] (ys[0] = z0).
  std::vector<double> ts;
  Tensor ys;
  // The accepted grid t_0 = ts[0], t_1, ..., t_N (always recorded) ...
  std::vector<double> accepted_times;
  // ... and the states z_i there when options.record_accepted (else empty).
  std::vector<Tensor> accepted_states;
  // accepted_times[output_index[i]] == ts[i] exactly.
  std::vector<int64_t> output_index;
  SolveStats stats;
  // Filled when options.dense_output.
  DenseOutput dense;

  // z(t) by the method's interpolant (dense_output.h) for t within [ts.front(), ts.back()];
  // FailedPrecondition when dense output was not recorded.
  absl::StatusOr<Tensor> Evaluate(double t) const { return dense.Evaluate(t); }
};

// Solves from ts[0] (state z0) through ts[1], ts[2], ... (strictly monotone: all
// increasing or all decreasing; a single time gives ys = [z0]).
absl::StatusOr<Solution> Integrate(const DynamicsFn& f, const Tensor& z0,
                                   const std::vector<double>& ts, const IntegrateOptions& options);

// The same, calling `observer` after every accepted step.
absl::StatusOr<Solution> Integrate(const DynamicsFn& f, const Tensor& z0,
                                   const std::vector<double>& ts, const IntegrateOptions& options,
                                   const StepObserver& observer);

// InvalidArgument unless ts is nonempty, finite and strictly monotone.
absl::Status ValidateTimes(const std::vector<double>& ts);

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_INTEGRATE_H_
