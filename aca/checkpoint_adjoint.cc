#include "aca/checkpoint_adjoint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
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
#include "solvers/error_norm.h"
#include "solvers/integrate.h"
#include "util/interrupt.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {
using detail::AddOrSet;
using detail::AddOutputGrad;
using detail::MaxAbsDiffAccumulator;

CheckpointAdjointNode::CheckpointAdjointNode(solvers::DynamicsFn f,
                                             const solvers::ButcherTableau& tableau,
                                             std::vector<Tensor> params, std::vector<double> times,
                                             std::unique_ptr<StepStore> store, Tensor z_last,
                                             std::vector<int64_t> output_index,
                                             std::shared_ptr<SolveStats> stats)
    : f_(std::move(f)),
      tableau_(&tableau),
      params_(std::move(params)),
      times_(std::move(times)),
      store_(std::move(store)),
      z_last_(std::move(z_last)),
      output_index_(std::move(output_index)),
      stats_(std::move(stats)) {}

void CheckpointAdjointNode::ReleaseSavedState() {
  f_ = nullptr;
  params_.clear();
  times_.clear();
  store_.reset();
  z_last_ = Tensor();
  output_index_.clear();
}

std::vector<Tensor> CheckpointAdjointNode::Backward(const std::vector<Tensor>& grad_outputs) {
  if (released()) internal::ThrowGraphFreed(name());
  const StateRestoreScope keep_state(save_state_);  // OdeintOptions::save_state
  const Tensor& g = grad_outputs.empty() ? Tensor() : grad_outputs[0];
  std::vector<Tensor> result(1 + params_.size());
  if (!g.defined()) return result;

  const std::vector<int64_t> wanted = detail::WantedParams(*this, params_.size());
  std::vector<Tensor> param_grads(params_.size());

  solvers::ExplicitRk rk(*tableau_);
  solvers::RkStep step;
  // Note [FSAL stage in the replay]: for an FSAL tableau the last stage is f at the new
  // point; it only feeds the error estimate and the next step's k_1 (z_new is that stage's
  // input). Neither the replay nor a recomputation needs it, so its evaluation is skipped:
  // the last call of the stepper gets the stage input back instead of f's value (unused).
  const bool fsal = tableau_->fsal();
  const int stages = tableau_->stages;
  int stage = 0;
  const solvers::DynamicsFn replay_f = [&](double t, const Tensor& z) -> Tensor {
    if (fsal && ++stage == stages) return z;
    return f_(t, z);
  };
  int64_t evals = 0;
  // z_{j+1} from z_j, untaped, bit for bit the forward's (binomial checkpointing).
  solvers::RkStep advance_step;
  const auto advance = [&](int64_t j, const Tensor& z_j) -> Tensor {
    ThrowIfInterrupted("the ACA backward pass (recomputing a checkpoint)");
    NoGradGuard untaped;
    stage = 0;
    rk.StepTo(replay_f, times_[j], times_[j + 1], z_j, Tensor(), &advance_step,
              /*compute_error=*/false);
    evals += fsal ? advance_step.f_evals - 1 : advance_step.f_evals;
    Tensor z_next = advance_step.z_new;
    advance_step.k.clear();
    advance_step.z_new = Tensor();
    return z_next;
  };
  StepStore& store = *store_;
  const int64_t n_steps = store.steps();
  int64_t k = static_cast<int64_t>(output_index_.size()) - 1;
  Tensor lambda;  // undefined = 0
  size_t peak = 0;
  MaxAbsDiffAccumulator replay_diff;
  int64_t replayed = 0;
  Tensor z_i = z_last_;  // the state at the end of step i, when known
  std::vector<Tensor> inputs;
  for (int64_t i = n_steps; i >= 1; --i) {
    ThrowIfInterrupted("the ACA backward pass");  // Note [Interrupting a solve]
    while (k >= 0 && output_index_[k] == i) lambda = AddOutputGrad(lambda, g[k--]);
    if (!lambda.defined()) {  // no loss downstream of this step: zero adjoint
      z_i = Tensor();
      continue;
    }
    const double t0 = times_[i - 1];
    std::vector<Tensor> grads;
    inputs.clear();
    if (store.HasTape(i)) {
      // Kept from the forward pass: the graph the replay would record.
      StepTape tape = store.TakeTape(i);
      inputs.push_back(tape.start);
      for (int64_t j : wanted) inputs.push_back(params_[j]);
      grads = Grad({tape.end}, {lambda}, inputs);
      z_i = Tensor();
    } else {
      const Tensor z_before = store.StateBefore(i, advance);
      EnableGradGuard enable;
      const size_t before = CpuBytesInUse();
      Tensor z_prev = z_before.detach();
      z_prev.set_requires_grad(true);
      // StepTo: the same times as the forward step (Note [Step end time]).
      stage = 0;
      rk.StepTo(replay_f, t0, times_[i], z_prev, Tensor(), &step, /*compute_error=*/false);
      evals += fsal ? step.f_evals - 1 : step.f_evals;
      ++replayed;
      const size_t now = CpuBytesInUse();
      peak = std::max(peak, now > before ? now - before : 0);
      if (z_i.defined()) {
        replay_diff.Add(step.z_new.detach(), z_i);
      }
      inputs.push_back(z_prev);
      for (int64_t j : wanted) inputs.push_back(params_[j]);
      grads = Grad({step.z_new}, {lambda}, inputs);
      // Drop the local graph now (the stages hold it).
      step.k.clear();
      step.z_new = Tensor();
      step.error = Tensor();
      step.error_secondary = Tensor();
      z_i = z_before;
    }
    lambda = grads[0];
    for (size_t w = 0; w < wanted.size(); ++w) {
      param_grads[wanted[w]] = AddOrSet(param_grads[wanted[w]], grads[1 + w]);
    }
    if (!solvers::AllFinite(lambda)) {
      throw RuntimeError(absl::StrCat(
          "CheckpointAdjointBackward: the adjoint dL/dz became non-finite (NaN or inf) while "
          "back-propagating through step ",
          i, " of ", n_steps, " from t = ", t0, " to t = ", times_[i],
          "; check f's derivatives and the loss (no parameter gradient was written)"));
    }
  }
  while (k >= 0 && output_index_[k] == 0) lambda = AddOutputGrad(lambda, g[k--]);

  stats_->backward_f_evals += evals;
  stats_->peak_tape_bytes = std::max(stats_->peak_tape_bytes, peak);
  stats_->replay_max_abs_diff = detail::MaxOrNaN(stats_->replay_max_abs_diff, replay_diff.Value());
  stats_->replayed_steps += replayed;
  stats_->recomputed_steps = store.recomputed_steps();
  stats_->peak_held_bytes = std::max(stats_->peak_held_bytes, store.peak_held_bytes());
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
  std::vector<Tensor> inputs;
  inputs.reserve(1 + params.size());
  inputs.push_back(z0);
  for (const Tensor& p : params) inputs.push_back(p);
  const bool needs_grad = NeedsGrad(inputs);

  // What the backward pass will need (Note [Memory budget]); nothing without a gradient.
  const Tensor z0_value = z0.detach();
  auto store = std::make_unique<StepStore>(options.memory_budget, z0_value);
  solvers::IntegrateOptions integrate_options = ForwardIntegrateOptions(options);
  StepStore* kept = store.get();
  if (needs_grad && store->wants_tapes()) {
    integrate_options.tape_step = [kept] { return kept->wants_tapes(); };
  }
  if (needs_grad && options.memory_budget < 0) {  // Note [Taped last step]
    integrate_options.tape_trials_ending_at = ts.back();
  }
  solvers::StepObserver observer = nullptr;
  if (needs_grad) {
    observer = [kept](const solvers::AcceptedStep& s) {
      const bool taped = s.step.z_new.requires_grad();
      kept->Add(taped ? s.z1.detach() : s.z1, taped ? s.step.z_new : Tensor(),
                taped ? s.z0 : Tensor(), s.trial_bytes);
    };
  }
  OdeintResult result;
  result.stats = std::make_shared<SolveStats>();
  solvers::Solution sol;
  {
    NoGradGuard no_grad;  // taped steps turn it on themselves (IntegrateOptions::tape_step)
    ASSIGN_OR_RETURN(sol, solvers::Integrate(f, z0_value, ts, integrate_options, observer));
  }
  SolveStats& stats = *result.stats;
  stats.forward_f_evals = sol.stats.f_evals;
  stats.accepted_steps = sol.stats.accepted_steps;
  stats.rejected_steps = sol.stats.rejected_steps;
  stats.memory_budget = options.memory_budget;
  stats.retained_steps = store->retained_steps();
  stats.peak_held_bytes = store->peak_held_bytes();
  // The states held for the backward pass (kept tapes excluded).
  stats.checkpoint_bytes = needs_grad ? store->held_bytes() - store->tape_bytes() : 0;
  result.accepted_times = sol.accepted_times;
  if (!needs_grad) {
    result.ys = sol.ys;
    return result;
  }
  Tensor z_last = sol.ys[static_cast<int64_t>(ts.size()) - 1];
  auto node = std::make_shared<CheckpointAdjointNode>(
      f, *tableau, params, std::move(sol.accepted_times), std::move(store), std::move(z_last),
      std::move(sol.output_index), result.stats);
  node->set_save_state(options.save_state);
  result.ys = ApplyFunction(node, inputs, {sol.ys})[0];
  return result;
}

}  // namespace aca
}  // namespace acaode
