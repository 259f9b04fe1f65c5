#include "aca/checkpoint_adjoint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/creation.h"
#include "autograd/engine.h"
#include "autograd/error.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "solvers/error_norm.h"
#include "solvers/integrate.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {
namespace {

// max_i |a_i − b_i| (untaped; a and b of the same shape and dtype).
template <class T>
double MaxAbsDiffT(const Tensor& a, const Tensor& b) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double d = std::abs(static_cast<double>(pa[i]) - static_cast<double>(pb[i]));
    if (!(d <= worst)) worst = d;  // NaN propagates
  }
  return worst;
}

double MaxAbsDiff(const Tensor& a, const Tensor& b) {
  if (a.device() != Device::kCpu) {
    return MaxAbsDiff(a.to(Device::kCpu), b.to(Device::kCpu));
  }
  return a.dtype() == DType::kFloat32 ? MaxAbsDiffT<float>(a, b) : MaxAbsDiffT<double>(a, b);
}

template <class T>
bool AllZeroT(const Tensor& t) {
  const T* p = t.data<T>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

bool AllZero(const Tensor& t) {
  // |t| summed is 0 exactly when all are 0 (nan and inf give nonzero).
  if (t.device() != Device::kCpu) return Sum(Abs(t)).item() == 0.0;
  return t.dtype() == DType::kFloat32 ? AllZeroT<float>(t) : AllZeroT<double>(t);
}

Tensor AddOrSet(const Tensor& acc, const Tensor& x) {
  if (!x.defined()) return acc;
  if (!acc.defined()) return x;
  return Add(acc, x);
}

// Adds dL/dz(t_k) to the adjoint; an adjoint that is still zero stays undefined while the
// added gradient is zero (a loss on earlier outputs only), so the steps after the last
// output with a nonzero gradient are not replayed.
Tensor AddOutputGrad(const Tensor& lambda, const Tensor& g_k) {
  if (!lambda.defined() && AllZero(g_k)) return lambda;
  return AddOrSet(lambda, g_k);
}

}  // namespace

CheckpointAdjointNode::CheckpointAdjointNode(solvers::DynamicsFn f,
                                             const solvers::ButcherTableau& tableau,
                                             std::vector<Tensor> params,
                                             std::vector<double> times,
                                             std::vector<Tensor> states,
                                             std::vector<int64_t> output_index,
                                             std::shared_ptr<SolveStats> stats)
    : f_(std::move(f)),
      tableau_(&tableau),
      params_(std::move(params)),
      times_(std::move(times)),
      states_(std::move(states)),
      output_index_(std::move(output_index)),
      stats_(std::move(stats)) {}

void CheckpointAdjointNode::ReleaseSavedState() {
  f_ = nullptr;
  params_.clear();
  times_.clear();
  states_.clear();
  output_index_.clear();
}

std::vector<Tensor> CheckpointAdjointNode::Backward(const std::vector<Tensor>& grad_outputs) {
  if (released()) internal::ThrowGraphFreed(name());
  const Tensor& g = grad_outputs.empty() ? Tensor() : grad_outputs[0];
  const int64_t n_params = static_cast<int64_t>(params_.size());
  std::vector<Tensor> result(1 + params_.size());
  if (!g.defined()) return result;

  // The parameters to differentiate (input 1 + j needs grad).
  std::vector<int64_t> wanted;
  for (int64_t j = 0; j < n_params; ++j) {
    if (needs_input_grad(1 + j)) wanted.push_back(j);
  }
  std::vector<Tensor> param_grads(params_.size());

  solvers::ExplicitRk rk(*tableau_);
  solvers::RkStep step;
  // Note [FSAL stage in the replay]: for an FSAL tableau the last stage is f at the new
  // point; it only feeds the error estimate and the next step's k_1 (z_new is that stage's
  // input). The replay computes neither, so its evaluation is skipped: the last call of
  // the stepper gets the stage input back instead of f's value (unused).
  const bool fsal = tableau_->fsal();
  const int stages = tableau_->stages;
  int stage = 0;
  const solvers::DynamicsFn replay_f = [&](double t, const Tensor& z) -> Tensor {
    if (fsal && ++stage == stages) return z;
    return f_(t, z);
  };
  const int64_t n_steps = static_cast<int64_t>(states_.size()) - 1;
  int64_t k = static_cast<int64_t>(output_index_.size()) - 1;
  Tensor lambda;  // undefined = 0
  int64_t evals = 0;
  size_t peak = 0;
  double replay_diff = 0;
  std::vector<Tensor> inputs;
  for (int64_t i = n_steps; i >= 1; --i) {
    while (k >= 0 && output_index_[k] == i) lambda = AddOutputGrad(lambda, g[k--]);
    if (!lambda.defined()) continue;  // no loss downstream of this step: zero adjoint
    const double t0 = times_[i - 1];
    std::vector<Tensor> grads;
    {
      EnableGradGuard enable;
      const size_t before = CpuBytesInUse();
      Tensor z_prev = states_[i - 1].detach();
      z_prev.set_requires_grad(true);
      // StepTo: the same times as the forward step (Note [Step end time]).
      stage = 0;
      rk.StepTo(replay_f, t0, times_[i], z_prev, Tensor(), &step, /*compute_error=*/false);
      evals += fsal ? step.f_evals - 1 : step.f_evals;
      const size_t now = CpuBytesInUse();
      peak = std::max(peak, now > before ? now - before : 0);
      replay_diff = std::max(replay_diff, MaxAbsDiff(step.z_new.detach(), states_[i]));
      inputs.clear();
      inputs.push_back(z_prev);
      for (int64_t j : wanted) inputs.push_back(params_[j]);
      grads = Grad({step.z_new}, {lambda}, inputs);
      // Drop the local graph now (the stages hold it).
      step.k.clear();
      step.z_new = Tensor();
      step.error = Tensor();
      step.error_secondary = Tensor();
    }
    lambda = grads[0];
    for (size_t w = 0; w < wanted.size(); ++w) {
      param_grads[wanted[w]] = AddOrSet(param_grads[wanted[w]], grads[1 + w]);
    }
    if (!solvers::AllFinite(lambda)) {
      throw RuntimeError(absl::StrCat(
          "CheckpointAdjointBackward: the adjoint dL/dz became non-finite (NaN or inf) while "
          "replaying step ", i, " of ", n_steps, " from t = ", t0, " to t = ", times_[i],
          "; check f's derivatives and the loss (no parameter gradient was written)"));
    }
  }
  while (k >= 0 && output_index_[k] == 0) lambda = AddOutputGrad(lambda, g[k--]);

  stats_->backward_f_evals += evals;
  stats_->peak_tape_bytes = std::max(stats_->peak_tape_bytes, peak);
  stats_->replay_max_abs_diff = std::max(stats_->replay_max_abs_diff, replay_diff);
  stats_->backward_done = true;
  if (needs_input_grad(0)) result[0] = lambda;
  for (int64_t j : wanted) result[1 + j] = param_grads[j];
  return result;
}

absl::StatusOr<OdeintResult> OdeintAca(const solvers::DynamicsFn& f,
                                       const std::vector<Tensor>& params, const Tensor& z0,
                                       const std::vector<double>& ts,
                                       const OdeintOptions& options) {
  const solvers::ButcherTableau* tableau = *solvers::FindTableau(options.method);
  solvers::IntegrateOptions integrate_options = ForwardIntegrateOptions(options);
  integrate_options.record_accepted = true;
  OdeintResult result;
  result.stats = std::make_shared<SolveStats>();
  solvers::Solution sol;
  {
    NoGradGuard no_grad;
    ASSIGN_OR_RETURN(sol, solvers::Integrate(f, z0.detach(), ts, integrate_options));
  }
  SolveStats& stats = *result.stats;
  stats.forward_f_evals = sol.stats.f_evals;
  stats.accepted_steps = sol.stats.accepted_steps;
  stats.rejected_steps = sol.stats.rejected_steps;
  for (size_t i = 1; i < sol.accepted_states.size(); ++i) {
    stats.checkpoint_bytes += sol.accepted_states[i].nbytes();
  }
  result.accepted_times = sol.accepted_times;

  std::vector<Tensor> inputs;
  inputs.reserve(1 + params.size());
  inputs.push_back(z0);
  for (const Tensor& p : params) inputs.push_back(p);
  if (!NeedsGrad(inputs)) {
    result.ys = sol.ys;
    return result;
  }
  std::vector<Tensor> states = std::move(sol.accepted_states);
  states[0] = z0.detach();
  auto node = std::make_shared<CheckpointAdjointNode>(
      f, *tableau, params, std::move(sol.accepted_times), std::move(states),
      std::move(sol.output_index), result.stats);
  result.ys = ApplyFunction(node, inputs, {sol.ys})[0];
  return result;
}

}  // namespace aca
}  // namespace acaode
