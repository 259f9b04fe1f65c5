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
#include "util/interrupt.h"
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

// The adaptive taped solve; fills `outs` (the states at ts) and the step counts.
absl::Status SolveTaped(const solvers::DynamicsFn& f, const Tensor& z0,
                        const std::vector<double>& ts, const OdeintOptions& options,
                        std::vector<Tensor>* outs, std::vector<double>* accepted_times,
                        SolveStats* stats) {
  const solvers::ButcherTableau& tab = **solvers::FindTableau(options.method);
  const solvers::IntegrateOptions io = ForwardIntegrateOptions(options);
  const solvers::Tolerances tol = io.tolerances();
  RETURN_IF_ERROR(tol.Validate(z0));
  solvers::ExplicitRk rk(tab);
  solvers::RkStep step;
  solvers::StepSizeController controller(io.controller, tab.error_estimator_order);
  const DType dtype = z0.dtype();
  const double dir = ts.back() >= ts.front() ? 1.0 : -1.0;

  double t = ts.front();
  Tensor t_tape = Scalar(t, dtype);
  Tensor z = z0;
  Tensor k1 = f(t, z);
  ++stats->forward_f_evals;
  if (!solvers::AllFinite(k1)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "non-finite derivative: f(t, z0) contains NaN or inf at t = ", t, "; check f and z0"));
  }
  double h0 = options.first_step;
  if (h0 <= 0) {
    h0 = solvers::SelectInitialStep(f, t, z0.detach(), k1.detach(), ts.back(),
                                    tab.error_estimator_order, tol, options.dt_max,
                                    &stats->forward_f_evals);
  }
  Tensor h = Scalar(dir * std::min(h0, options.dt_max), dtype);  // signed, taped later
  outs->push_back(z0);
  accepted_times->push_back(t);

  for (size_t out = 1; out < ts.size(); ++out) {
    const double target = ts[out];
    bool last_trial_nonfinite = false;
    while (t != target) {
      if (InterruptRequested()) {  // Note [Interrupting a solve]
        return InterruptedStatus(absl::StrCat("the naive method's taped solve at t = ", t));
      }
      if (stats->accepted_steps + stats->rejected_steps >= options.max_steps) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "max_steps = ", options.max_steps, " reached at t = ", t, " before t = ", target, " (",
            stats->accepted_steps, " accepted and ", stats->rejected_steps, " rejected steps with ",
            tab.name,
            ", naive method); increase max_steps, loosen rtol/atol, or check whether the "
            "problem is stiff"));
      }
      const double h_abs = std::abs(h.item());
      const double ulp_step = 10 * std::abs(std::nextafter(t, dir * HUGE_VAL) - t);
      if (!(h_abs >= std::max(options.dt_min, ulp_step))) {
        if (last_trial_nonfinite) {
          return absl::FailedPreconditionError(absl::StrCat(
              "non-finite state or derivative (NaN or inf) near t = ", t,
              ": every trial step from there, down to |h| = ", h_abs,
              ", produced NaN or inf; check f for overflow or a singularity near this time"));
        }
        return absl::FailedPreconditionError(
            absl::StrCat("step size underflow at t = ", t, ": |h| = ", h_abs,
                         " is below max(dt_min = ", options.dt_min, ", 10 ulp(t) = ", ulp_step,
                         ") (", tab.name, ", rtol = ", options.rtol, ", atol = ", options.atol,
                         "); loosen rtol/atol or lower dt_min; the problem may be stiff here"));
      }
      const double remaining = std::abs(target - t);
      const bool clipped = h_abs >= remaining;
      // Landing on the output time: h = (t − t_tape) + (target − t), whose value is
      // target − t and whose derivative is that of −t_tape.
      const Tensor h_try = clipped ? Add(Sub(Scalar(t, dtype), t_tape), target - t) : h;
      rk.Step(f, t, z, h_try, k1, &step);
      stats->forward_f_evals += step.f_evals;
      if (!k1.defined()) k1 = step.k[0];
      const Tensor err =
          solvers::ErrorNormTensor(step.error, step.error_secondary, z, step.z_new, tol);
      double e = err.item();
      last_trial_nonfinite = !std::isfinite(e) || !solvers::AllFinite(step.z_new);
      if (last_trial_nonfinite) e = std::numeric_limits<double>::quiet_NaN();
      const solvers::StepDecision decision = controller.Decide(e);
      // The taped factor where the controller used its formula; a constant otherwise.
      Tensor factor;
      if (std::isfinite(e) && e > 0) {
        factor = controller.FactorTensor(err);
        if (std::abs(factor.item() - decision.factor) > 1e-12 * decision.factor) {
          factor = Scalar(decision.factor, dtype);
        }
      } else {
        factor = Scalar(decision.factor, dtype);
      }
      Tensor h_next = Mul(h_try, factor);
      if (!decision.accept) {
        ++stats->rejected_steps;
        h = h_next;
        continue;
      }
      // As solvers::Stepper: after a step shortened to land, keep the planned size if larger.
      if (clipped && std::abs(h_next.item()) < h_abs) h_next = h;
      if (std::abs(h_next.item()) > options.dt_max) h_next = Scalar(dir * options.dt_max, dtype);
      ++stats->accepted_steps;
      t_tape = Add(t_tape, h_try);
      t = clipped ? target : t + h_try.item();
      z = step.z_new;
      k1 = tab.fsal() ? step.k.back() : Tensor();
      h = h_next;
      accepted_times->push_back(t);
      if (options.on_accepted_step) options.on_accepted_step(t, z);
    }
    outs->push_back(z);
  }
  return absl::OkStatus();
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
    RETURN_IF_ERROR(SolveTaped(f, z0, ts, options, &outs, &result.accepted_times, &stats));
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
