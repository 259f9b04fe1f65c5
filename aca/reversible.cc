#include "aca/reversible.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "aca/internal/adjoint_math.h"
#include "aca/state_scope.h"
#include "autograd/creation.h"
#include "autograd/engine.h"
#include "autograd/error.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "solvers/controller.h"
#include "solvers/error_norm.h"
#include "solvers/initial_step.h"
#include "solvers/integrate.h"
#include "solvers/step_driver.h"
#include "util/interrupt.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {
namespace {

// Note [Damped inversion check].
constexpr double kMaxReconstructionError = 1e-4;

using detail::AddOrSet;
using detail::AddOutputGrad;
using detail::MaxAbsDiff;
using detail::MaxAbsDiffAccumulator;

// The untaped ALF forward solve: only the current state is kept.
struct ForwardResult {
  std::vector<Tensor> rows;  // the states at ts
  std::vector<double> times;
  std::vector<int64_t> output_index;
  solvers::AlfState end;
};

// The ALF forward solve as a StepRule of the shared stepping loop (Note [One stepping loop]
// in solvers/step_driver.h).
class AlfSolver final : public solvers::StepRule {
 public:
  AlfSolver(const solvers::DynamicsFn& f, const OdeintOptions& options, SolveStats* stats)
      : f_(f),
        options_(options),
        alf_(MaliAlfOptions(options)),
        tol_(ForwardIntegrateOptions(options).tolerances()),
        stats_(stats) {}

  absl::StatusOr<ForwardResult> Solve(const Tensor& z0, const std::vector<double>& ts) {
    RETURN_IF_ERROR(tol_.Validate(z0));
    if (!solvers::AllFinite(z0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("z0 contains a non-finite value (NaN or inf) at t = ", ts.front(),
                       ": pass a finite state"));
    }
    const double t0 = ts.front();
    const double direction = ts.back() >= ts.front() ? 1.0 : -1.0;
    solvers::StepDriver driver(
        solvers::StepLimits{options_.step_size, options_.max_steps, options_.dt_min,
                            options_.dt_max, options_.rtol, options_.atol},
        solvers::ControllerOptions(), kAlfErrorEstimatorOrder, t0, direction);
    driver.set_save_state(options_.save_state);
    ForwardResult out;
    s_.t = t0;
    s_.z = z0;
    s_.v = f_(t0, z0);
    ++stats_->forward_f_evals;
    if (!s_.v.defined() || s_.v.shape() != z0.shape() || s_.v.dtype() != z0.dtype()) {
      return absl::InvalidArgumentError(
          absl::StrCat("f(t0, z0) must return a tensor of z0's shape and dtype ",
                       DTypeName(z0.dtype()), " (the ALF velocity v0 = f(t0, z0))"));
    }
    if (!solvers::AllFinite(s_.v)) {
      return absl::FailedPreconditionError(
          absl::StrCat("non-finite derivative: f(t, z0) contains NaN or inf at t = ", t0,
                       " (the initial state); check f and z0"));
    }
    if (options_.step_size > 0) {
      driver.set_h_abs(options_.step_size);
    } else if (ts.size() > 1) {
      driver.set_h_abs(options_.first_step > 0
                           ? std::min(options_.first_step, options_.dt_max)
                           : solvers::SelectInitialStep(f_, t0, z0, s_.v, ts.back(),
                                                        kAlfErrorEstimatorOrder, tol_,
                                                        options_.dt_max, &stats_->forward_f_evals));
    }
    out.rows.push_back(z0);
    out.times.push_back(t0);
    out.output_index.push_back(0);
    for (size_t k = 1; k < ts.size(); ++k) {
      while (s_.t != ts[k]) {
        const absl::Status status = driver.Step(ts[k], *this);
        stats_->accepted_steps = driver.accepted();
        stats_->rejected_steps = driver.rejected();
        RETURN_IF_ERROR(status);
        out.times.push_back(s_.t);
        if (options_.on_accepted_step) options_.on_accepted_step(s_.t, s_.z);
      }
      out.rows.push_back(s_.z);
      out.output_index.push_back(static_cast<int64_t>(out.times.size()) - 1);
    }
    out.end = s_;
    return out;
  }

  // StepRule.
  std::string Name() const override { return "ALF"; }
  std::string Hint() const override {
    return "set mali_damping if the dynamics decay (undamped ALF is unstable there)";
  }

  // One ALF trial from s_ to exactly t_new, kept in next_. Note [ALF error estimate]:
  // e = (h/2)(v' − v).
  double Trial(double /*t*/, double t_new, bool with_error) override {
    next_ = solvers::AlfStep(f_, s_, t_new - s_.t, alf_);
    next_.t = t_new;  // exactly (Note [Step end time] in solvers/explicit_rk.h)
    ++stats_->forward_f_evals;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const bool finite = solvers::AllFinite(next_.z) && solvers::AllFinite(next_.v);
    if (!with_error) return finite ? 0.0 : kNaN;
    const Tensor error = Mul(Sub(next_.v, s_.v), 0.5 * (t_new - s_.t));
    const double norm = solvers::ErrorNorm(error, Tensor(), s_.z, next_.z, tol_);
    return finite && std::isfinite(norm) ? norm : kNaN;
  }

  void Accept(double /*t_new*/) override { s_ = std::move(next_); }

 private:
  const solvers::DynamicsFn& f_;
  const OdeintOptions& options_;
  solvers::AlfOptions alf_;
  solvers::Tolerances tol_;
  SolveStats* stats_;
  solvers::AlfState s_;
  solvers::AlfState next_;
};

}  // namespace

solvers::AlfOptions MaliAlfOptions(const OdeintOptions& options) {
  solvers::AlfOptions alf;
  alf.eta = 1.0 - options.mali_damping;
  return alf;
}

ReversibleAdjointNode::ReversibleAdjointNode(solvers::DynamicsFn f, solvers::AlfOptions alf,
                                             std::vector<Tensor> params, std::vector<double> times,
                                             Tensor z0, solvers::AlfState end,
                                             std::vector<int64_t> output_index,
                                             std::shared_ptr<SolveStats> stats)
    : f_(std::move(f)),
      alf_(alf),
      params_(std::move(params)),
      times_(std::move(times)),
      z0_(std::move(z0)),
      end_(std::move(end)),
      output_index_(std::move(output_index)),
      stats_(std::move(stats)) {}

void ReversibleAdjointNode::ReleaseSavedState() {
  f_ = nullptr;
  params_.clear();
  times_.clear();
  z0_ = Tensor();
  end_ = solvers::AlfState();
  output_index_.clear();
}

std::vector<Tensor> ReversibleAdjointNode::Backward(const std::vector<Tensor>& grad_outputs) {
  if (released()) internal::ThrowGraphFreed(name());
  const StateRestoreScope keep_state(save_state_);  // OdeintOptions::save_state
  const Tensor& g = grad_outputs.empty() ? Tensor() : grad_outputs[0];
  std::vector<Tensor> result(1 + params_.size());
  if (!g.defined()) return result;

  const std::vector<int64_t> wanted = detail::WantedParams(*this, params_.size());
  std::vector<Tensor> param_grads(params_.size());
  const int64_t n_steps = static_cast<int64_t>(times_.size()) - 1;
  int64_t k = static_cast<int64_t>(output_index_.size()) - 1;
  Tensor lambda_z, lambda_v;  // undefined = 0
  int64_t evals = 0;
  size_t peak = 0;
  MaxAbsDiffAccumulator replay_diff;
  std::vector<Tensor> inputs;
  solvers::AlfState cur = end_;
  for (int64_t i = n_steps; i >= 1; --i) {
    ThrowIfInterrupted("the MALI backward pass");  // Note [Interrupting a solve]
    while (k >= 0 && output_index_[k] == i) lambda_z = AddOutputGrad(lambda_z, g[k--]);
    const double t_prev = times_[i - 1];
    const double h = times_[i] - t_prev;
    solvers::AlfState prev;
    {
      NoGradGuard no_grad;
      prev = solvers::AlfInverse(f_, cur, h, alf_);
      ++evals;
    }
    prev.t = t_prev;
    if (!lambda_z.defined() && !lambda_v.defined()) {  // no loss downstream: zero adjoint
      cur = std::move(prev);
      continue;
    }
    std::vector<Tensor> grads;
    {
      EnableGradGuard enable;
      const size_t before = CpuBytesInUse();
      Tensor z_prev = prev.z.detach();
      z_prev.set_requires_grad(true);
      Tensor v_prev = prev.v.detach();
      v_prev.set_requires_grad(true);
      solvers::AlfState replay =
          solvers::AlfStep(f_, solvers::AlfState{t_prev, z_prev, v_prev}, h, alf_);
      ++evals;
      const size_t now = CpuBytesInUse();
      peak = std::max(peak, now > before ? now - before : 0);
      replay_diff.Add(replay.z.detach(), cur.z);
      replay_diff.Add(replay.v.detach(), cur.v);
      inputs.clear();
      inputs.push_back(z_prev);
      inputs.push_back(v_prev);
      for (int64_t j : wanted) inputs.push_back(params_[j]);
      grads = Grad({replay.z, replay.v},
                   {lambda_z.defined() ? lambda_z : ZerosLike(cur.z),
                    lambda_v.defined() ? lambda_v : ZerosLike(cur.v)},
                   inputs);
    }
    lambda_z = grads[0];
    lambda_v = grads[1];
    for (size_t w = 0; w < wanted.size(); ++w) {
      param_grads[wanted[w]] = AddOrSet(param_grads[wanted[w]], grads[2 + w]);
    }
    if (!solvers::AllFinite(lambda_z) || !solvers::AllFinite(lambda_v)) {
      throw RuntimeError(absl::StrCat(
          "ReversibleAdjointBackward: the adjoint (dL/dz, dL/dv) became non-finite (NaN or "
          "inf) while replaying ALF step ",
          i, " of ", n_steps, " from t = ", t_prev, " to t = ", times_[i],
          "; check f's derivatives, the loss, and the step's stability (mali_damping) (no "
          "parameter gradient was written)"));
    }
    cur = std::move(prev);
  }
  while (k >= 0 && output_index_[k] == 0) lambda_z = AddOutputGrad(lambda_z, g[k--]);

  // v_0 = f(t_0, z_0): the velocity's adjoint flows into z_0 and θ. The recorded z_0 (the
  // input) is used, not its reconstruction.
  if (lambda_v.defined()) {
    std::vector<Tensor> grads;
    {
      EnableGradGuard enable;
      Tensor z_start = z0_.detach();
      z_start.set_requires_grad(true);
      const Tensor v0 = f_(times_.front(), z_start);
      ++evals;
      inputs.clear();
      inputs.push_back(z_start);
      for (int64_t j : wanted) inputs.push_back(params_[j]);
      grads = Grad({v0}, {lambda_v}, inputs);
    }
    lambda_z = AddOrSet(lambda_z, grads[0]);
    for (size_t w = 0; w < wanted.size(); ++w) {
      param_grads[wanted[w]] = AddOrSet(param_grads[wanted[w]], grads[1 + w]);
    }
  }

  // Note [Damped inversion check]: the damped inverse divides v by (1 − 2η) at every step,
  // so round-off can grow like |1 − 2η|^(−N) (solvers/alf.h). The recovered z_0 is
  // compared with the true one; a miss above kMaxReconstructionError (relative) means
  // the recovered trajectory, and with it the gradient, is not to be trusted.
  const double miss = MaxAbsDiff(cur.z, z0_);
  double scale = 1.0;
  for (double x : ToVector(z0_)) scale = std::max(scale, std::abs(x));
  stats_->adjoint_reconstructed_z0 = cur.z;
  if (!(miss <= kMaxReconstructionError * scale)) {
    throw RuntimeError(absl::StrCat(
        "ReversibleAdjointBackward: inverting the ", n_steps,
        " ALF steps recovered z0 with "
        "max |error| = ",
        miss, " (allowed ", kMaxReconstructionError * scale,
        "): the inversion amplifies round-off (by 1/|1 - 2 eta| = ",
        1.0 / std::abs(1.0 - 2.0 * alf_.eta),
        " per step when damped); lower mali_damping, take fewer steps, or use gradient "
        "\"aca\" (no parameter gradient was written)"));
  }
  stats_->backward_f_evals += evals;
  stats_->peak_tape_bytes = std::max(stats_->peak_tape_bytes, peak);
  stats_->replay_max_abs_diff = detail::MaxOrNaN(stats_->replay_max_abs_diff, replay_diff.Value());
  stats_->backward_done = true;
  if (needs_input_grad(0)) result[0] = lambda_z;
  for (int64_t j : wanted) result[1 + j] = param_grads[j];
  return result;
}

absl::StatusOr<OdeintResult> OdeintMali(const solvers::DynamicsFn& f,
                                        const std::vector<Tensor>& params, const Tensor& z0,
                                        const std::vector<double>& ts,
                                        const OdeintOptions& options) {
  RETURN_IF_ERROR(MaliAlfOptions(options).Validate());
  OdeintResult result;
  result.stats = std::make_shared<SolveStats>();
  SolveStats& stats = *result.stats;
  ForwardResult fwd;
  {
    NoGradGuard no_grad;
    AlfSolver solver(f, options, &stats);
    ASSIGN_OR_RETURN(fwd, solver.Solve(z0.detach(), ts));
  }
  stats.checkpoint_bytes = fwd.end.z.nbytes() + fwd.end.v.nbytes();
  result.accepted_times = fwd.times;
  Tensor ys;
  {
    NoGradGuard no_grad;
    ys = Stack(fwd.rows, 0);
  }
  fwd.rows.clear();

  std::vector<Tensor> inputs;
  inputs.reserve(1 + params.size());
  inputs.push_back(z0);
  for (const Tensor& p : params) inputs.push_back(p);
  if (!NeedsGrad(inputs)) {
    result.ys = ys;
    return result;
  }
  auto node = std::make_shared<ReversibleAdjointNode>(
      f, MaliAlfOptions(options), params, std::move(fwd.times), z0.detach(), std::move(fwd.end),
      std::move(fwd.output_index), result.stats);
  node->set_save_state(options.save_state);
  result.ys = ApplyFunction(node, inputs, {ys})[0];
  return result;
}

}  // namespace aca
}  // namespace acaode
