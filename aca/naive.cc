#include "aca/naive.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "aca/time_gradient.h"
#include "autograd/creation.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/ops.h"
#include "solvers/butcher_tableau.h"
#include "solvers/controller.h"
#include "solvers/error_norm.h"
#include "solvers/initial_step.h"
#include "solvers/integrate.h"
#include "solvers/step_driver.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {
namespace {

// Identity on ys that records, when backward passes through it, that it did.
class NaiveStatsNode final : public Node {
 public:
  explicit NaiveStatsNode(std::shared_ptr<SolveStats> stats) : stats_(std::move(stats)) {}
  std::vector<Tensor> Backward(const std::vector<Tensor>& grads) override {
    stats_->backward_done = true;
    return {grads[0]};
  }
  std::string name() const override { return "NaiveOdeintBackward"; }

 private:
  std::shared_ptr<SolveStats> stats_;
};

// The naive method's step on the one stepping loop (Note [One stepping loop]): an RK trial
// whose step size h is a 0-d tensor on the tape, so that backprop runs through the step-size
// search. The driver owns the control as for every method; this rule keeps its taped h equal
// in value to the driver's |h| (StepRule::Decided): the controller's factor is taped where
// the controller used its formula, and a size the driver set otherwise (kept after landing,
// capped at dt_max) is the planned taped h or a constant.
class TapedStepRule final : public solvers::StepRule {
 public:
  TapedStepRule(const solvers::DynamicsFn& f, const solvers::ButcherTableau& tab,
                const solvers::Tolerances& tol, const solvers::ControllerOptions& controller,
                const Tensor& z0, const Tensor& k1, double t0, double signed_h0,
                const OdeintOptions& options, std::vector<double>* accepted_times,
                std::shared_ptr<SolveStats> stats)
      : f_(f),
        tab_(tab),
        tol_(tol),
        controller_(controller, tab.error_estimator_order),
        rk_(tab),
        dtype_(z0.dtype()),
        direction_(signed_h0 >= 0 ? 1.0 : -1.0),
        z_(z0),
        k1_(k1),
        t_tape_(Scalar(t0, z0.dtype())),
        h_(Scalar(signed_h0, z0.dtype())),
        options_(options),
        accepted_times_(accepted_times),
        stats_(std::move(stats)) {}

  std::string Name() const override { return absl::StrCat(tab_.name, " (naive method)"); }

  // The output time the driver is stepping to (a trial ending there lands on it).
  void set_target(double target) { target_ = target; }
  const Tensor& z() const { return z_; }

  double Trial(double t, double t_new, bool /*with_error: always, adaptive only*/) override {
    // Landing on the output time: h = (t − t_tape) + (target − t), whose value is
    // target − t and whose derivative is that of −t_tape.
    h_try_ = t_new == target_ ? Add(Sub(Scalar(t, dtype_), t_tape_), t_new - t) : h_;
    rk_.Step(StageF(t), t, z_, h_try_, k1_, &step_);
    stats_->forward_f_evals += step_.f_evals;
    if (!k1_.defined()) k1_ = step_.k[0];
    error_norm_ =
        solvers::ErrorNormTensor(step_.error, step_.error_secondary, z_, step_.z_new, tol_);
    const double e = error_norm_.item();
    if (!std::isfinite(e) || !solvers::AllFinite(step_.z_new)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return e;
  }

  void Decided(const solvers::StepDecision& decision, double next_h_abs) override {
    const double e = error_norm_.item();
    Tensor factor = Scalar(decision.factor, dtype_);
    if (std::isfinite(e) && e > 0) {
      const Tensor taped = controller_.FactorTensor(error_norm_);
      if (std::abs(taped.item() - decision.factor) <= 1e-12 * decision.factor) factor = taped;
    }
    const Tensor h_next = Mul(h_try_, factor);
    if (SameSize(h_next, next_h_abs)) {
      h_ = h_next;
    } else if (!SameSize(h_, next_h_abs)) {  // the planned h kept after landing stays taped
      h_ = Scalar(direction_ * next_h_abs, dtype_);
    }
  }

  void Accept(double t_new) override {
    t_tape_ = Add(t_tape_, h_try_);
    z_ = step_.z_new;
    k1_ = tab_.fsal() ? step_.k.back() : Tensor();
    accepted_times_->push_back(t_new);
    if (options_.on_accepted_step) options_.on_accepted_step(t_new, z_);
  }

 private:
  static bool SameSize(const Tensor& h, double h_abs) {
    return std::abs(std::abs(h.item()) - h_abs) <= 1e-12 * h_abs;
  }

  // f for this trial's stages: each stage's time t + c_i h is taped as t_tape + c_i h_try,
  // and f's dependence on it reaches the tape (Note [Time argument of f in the naive
  // method], aca/time_gradient.h).
  solvers::DynamicsFn StageF(double t) const {
    const Tensor t_start = t_tape_;
    const Tensor h = h_try_;
    return [this, t, t_start, h](double t_stage, const Tensor& y) {
      Tensor k = f_(t_stage, y);
      if (options_.autonomous || !NeedsGrad(t_start, h)) return k;
      const double c = (t_stage - t) / h.item();
      const Tensor t_taped = c == 0.0 ? t_start : Add(t_start, Mul(h, c));
      return WithStageTime(f_, options_.save_state, stats_, k, t_taped, t_stage, y);
    };
  }

  const solvers::DynamicsFn& f_;
  const solvers::ButcherTableau& tab_;
  const solvers::Tolerances& tol_;
  const solvers::StepSizeController controller_;  // for its taped factor only
  solvers::ExplicitRk rk_;
  solvers::RkStep step_;
  const DType dtype_;
  const double direction_;
  double target_ = 0.0;
  Tensor z_, k1_;
  Tensor t_tape_;  // the current time as a taped sum of the accepted h
  Tensor h_;       // the next trial's h, signed and taped
  Tensor h_try_;   // the last trial's h
  Tensor error_norm_;
  const OdeintOptions& options_;
  std::vector<double>* accepted_times_;
  std::shared_ptr<SolveStats> stats_;
};

// The adaptive taped solve; fills `outs` (the states at ts) and the step counts.
absl::Status SolveTaped(const solvers::DynamicsFn& f, const Tensor& z0,
                        const std::vector<double>& ts, const OdeintOptions& options,
                        std::vector<Tensor>* outs, std::vector<double>* accepted_times,
                        const std::shared_ptr<SolveStats>& stats) {
  const solvers::ButcherTableau& tab = **solvers::FindTableau(options.method);
  const solvers::IntegrateOptions io = ForwardIntegrateOptions(options);
  const solvers::Tolerances tol = io.tolerances();
  RETURN_IF_ERROR(tol.Validate(z0));
  const double dir = ts.back() >= ts.front() ? 1.0 : -1.0;
  const double t0 = ts.front();
  const Tensor k1 = f(t0, z0);
  ++stats->forward_f_evals;
  if (!solvers::AllFinite(k1)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "non-finite derivative: f(t, z0) contains NaN or inf at t = ", t0, "; check f and z0"));
  }
  double h0 = options.first_step;
  if (h0 <= 0) {
    h0 = solvers::SelectInitialStep(f, t0, z0.detach(), k1.detach(), ts.back(),
                                    tab.error_estimator_order, tol, options.dt_max,
                                    &stats->forward_f_evals);
  }
  h0 = std::min(h0, options.dt_max);
  solvers::StepDriver driver(solvers::StepLimits{0.0, options.max_steps, options.dt_min,
                                                 options.dt_max, options.rtol, options.atol},
                             io.controller, tab.error_estimator_order, t0, dir);
  driver.set_save_state(options.save_state);
  driver.set_h_abs(h0);
  TapedStepRule rule(f, tab, tol, io.controller, z0, k1, t0, dir * h0, options, accepted_times,
                     stats);
  outs->push_back(z0);
  accepted_times->push_back(t0);
  absl::Status status;
  for (size_t out = 1; out < ts.size() && status.ok(); ++out) {
    rule.set_target(ts[out]);
    while (status.ok() && driver.t() != ts[out]) status = driver.Step(ts[out], rule);
    if (status.ok()) outs->push_back(rule.z());
  }
  stats->accepted_steps = driver.accepted();
  stats->rejected_steps = driver.rejected();
  return status;
}

}  // namespace

absl::StatusOr<OdeintResult> OdeintNaive(const solvers::DynamicsFn& f,
                                         const std::vector<Tensor>& params, const Tensor& z0,
                                         const std::vector<double>& ts,
                                         const OdeintOptions& options) {
  (void)params;  // reached through f's graph
  RETURN_IF_ERROR(solvers::ValidateTimes(ts));
  OdeintResult result;
  result.stats = std::make_shared<SolveStats>();
  SolveStats& stats = *result.stats;
  const size_t before = CpuBytesInUse();
  Tensor ys;
  if (options.step_size > 0) {
    ASSIGN_OR_RETURN(solvers::Solution sol,
                     solvers::Integrate(f, z0, ts, ForwardIntegrateOptions(options)));
    stats.forward_f_evals = sol.stats.f_evals;
    stats.accepted_steps = sol.stats.accepted_steps;
    stats.rejected_steps = sol.stats.rejected_steps;
    result.accepted_times = std::move(sol.accepted_times);
    ys = sol.ys;
  } else {
    if (!solvers::AllFinite(z0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("z0 contains a non-finite value (NaN or inf) at t = ", ts.front(),
                       ": pass a finite state"));
    }
    std::vector<Tensor> outs;
    RETURN_IF_ERROR(SolveTaped(f, z0, ts, options, &outs, &result.accepted_times, result.stats));
    ys = Stack(outs, 0);
  }
  const size_t after = CpuBytesInUse();
  stats.peak_tape_bytes = ys.requires_grad() && after > before ? after - before : 0;
  if (ys.requires_grad()) {
    ys = ApplyFunction(std::make_shared<NaiveStatsNode>(result.stats), {ys}, {ys.detach()})[0];
  }
  result.ys = ys;
  return result;
}

}  // namespace aca
}  // namespace acaode
