#include "aca/continuous_adjoint.h"

#include <algorithm>
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
#include "util/interrupt.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {
using detail::AllZero;

ContinuousAdjointNode::ContinuousAdjointNode(solvers::DynamicsFn f, std::vector<Tensor> params,
                                             std::vector<double> ts, Tensor ys,
                                             solvers::IntegrateOptions backward_options,
                                             AdjointNorm norm, std::shared_ptr<SolveStats> stats)
    : f_(std::move(f)),
      params_(std::move(params)),
      ts_(std::move(ts)),
      ys_(std::move(ys)),
      backward_options_(std::move(backward_options)),
      norm_(norm),
      stats_(std::move(stats)) {}

void ContinuousAdjointNode::ReleaseSavedState() {
  f_ = nullptr;
  params_.clear();
  ys_ = Tensor();
}

std::vector<Tensor> ContinuousAdjointNode::Backward(const std::vector<Tensor>& grad_outputs) {
  if (released()) internal::ThrowGraphFreed(name());
  const StateRestoreScope keep_state(save_state_);  // OdeintOptions::save_state
  std::vector<Tensor> result(1 + params_.size());
  if (grad_outputs.empty() || !grad_outputs[0].defined()) return result;
  const Tensor& g = grad_outputs[0];

  // Layout of the augmented state: [z (n), a (n), g_θ_j (numel of each wanted θ_j)].
  const Shape shape = ys_[0].shape();
  const int64_t n = ys_[0].numel();
  const std::vector<int64_t> wanted = detail::WantedParams(*this, params_.size());
  std::vector<Tensor> wanted_params;
  std::vector<int64_t> sizes = {n, n};
  int64_t n_param_elems = 0;
  for (int64_t j : wanted) {
    wanted_params.push_back(params_[j]);
    sizes.push_back(params_[j].numel());
    n_param_elems += params_[j].numel();
  }

  // The backward solve's error norm over the blocks of the layout above.
  solvers::IntegrateOptions options = backward_options_;
  if (norm_ != AdjointNorm::kRms) {
    for (size_t b = 0; b < sizes.size(); ++b) {
      options.norm_blocks.push_back(
          solvers::NormBlock{sizes[b], b < 2 || norm_ == AdjointNorm::kMixed});
    }
  }

  int64_t evals = 0;
  size_t peak = 0;
  const solvers::DynamicsFn& f = f_;
  // Augmented dynamics: [f(t, z), −aᵀ ∂f/∂z, −aᵀ ∂f/∂θ].
  solvers::DynamicsFn aug = [&](double t, const Tensor& y) -> Tensor {
    const Tensor z = y.slice(0, 0, n).reshape(shape);
    const Tensor a = y.slice(0, n, 2 * n).reshape(shape);
    std::vector<Tensor> parts;
    parts.reserve(sizes.size());
    {
      EnableGradGuard enable;
      const size_t before = CpuBytesInUse();
      Tensor zz = z.detach();
      zz.set_requires_grad(true);
      Tensor fz = f(t, zz);
      ++evals;
      const size_t now = CpuBytesInUse();
      peak = std::max(peak, now > before ? now - before : 0);
      std::vector<Tensor> inputs = {zz};
      inputs.insert(inputs.end(), wanted_params.begin(), wanted_params.end());
      std::vector<Tensor> vjp;
      if (fz.requires_grad()) {
        vjp = Grad({fz}, {a}, inputs);
      } else {  // f depends on neither z nor the parameters
        for (const Tensor& in : inputs) vjp.push_back(ZerosLike(in));
      }
      NoGradGuard no_grad;
      parts.push_back(fz.detach().reshape({n}));
      for (const Tensor& v : vjp) parts.push_back(Neg(v).reshape({v.numel()}));
    }
    return Concat(parts, 0);
  };

  // Start at the last output with a nonzero gradient: z is reset to the forward's state
  // at every output time, so the intervals after it would only carry a = 0, g_θ = 0.
  int64_t last = static_cast<int64_t>(ts_.size()) - 1;
  while (last > 0 && AllZero(g[last])) --last;
  Tensor a = g[last];
  Tensor z = ys_[last];
  Tensor gp = Zeros({n_param_elems}, ys_.dtype()).to(ys_.device());
  int64_t accepted = 0, rejected = 0;
  for (int64_t k = last; k >= 1; --k) {
    Tensor y0 = Concat({z.reshape({n}), a.reshape({n}), gp}, 0);
    absl::StatusOr<solvers::Solution> sol =
        solvers::Integrate(aug, y0, {ts_[k], ts_[k - 1]}, options);
    if (absl::IsCancelled(sol.status())) throw Interrupted(std::string(sol.status().message()));
    if (!sol.ok()) {
      throw RuntimeError(absl::StrCat(
          "ContinuousAdjointBackward: the backward solve of the augmented system [z, a, "
          "g_theta] from t = ",
          ts_[k], " to t = ", ts_[k - 1], " failed: ", sol.status().message(),
          " (set OdeintOptions.adjoint to change its solver; no parameter gradient was "
          "written)"));
    }
    accepted += sol->stats.accepted_steps;
    rejected += sol->stats.rejected_steps;
    const Tensor y = sol->ys[1];
    std::vector<Tensor> parts = Split(y, {n, n, n_param_elems}, 0);
    if (k == 1) stats_->adjoint_reconstructed_z0 = parts[0].reshape(shape).clone();
    a = Add(parts[1].reshape(shape), g[k - 1]);
    gp = parts[2];
    z = ys_[k - 1];
  }
  if (last == 0) stats_->adjoint_reconstructed_z0 = ys_[0].clone();

  stats_->backward_f_evals += evals;
  stats_->backward_accepted_steps += accepted;
  stats_->backward_rejected_steps += rejected;
  stats_->peak_tape_bytes = std::max(stats_->peak_tape_bytes, peak);
  stats_->backward_done = true;
  if (needs_input_grad(0)) result[0] = a;
  if (!wanted.empty()) {
    std::vector<int64_t> param_sizes(sizes.begin() + 2, sizes.end());
    std::vector<Tensor> pg = Split(gp, param_sizes, 0);
    for (size_t w = 0; w < wanted.size(); ++w) {
      result[1 + wanted[w]] = pg[w].reshape(params_[wanted[w]].shape());
    }
  }
  return result;
}

absl::StatusOr<OdeintResult> OdeintAdjoint(const solvers::DynamicsFn& f,
                                           const std::vector<Tensor>& params, const Tensor& z0,
                                           const std::vector<double>& ts,
                                           const OdeintOptions& options) {
  OdeintResult result;
  result.stats = std::make_shared<SolveStats>();
  solvers::Solution sol;
  {
    NoGradGuard no_grad;
    ASSIGN_OR_RETURN(sol, solvers::Integrate(f, z0.detach(), ts, ForwardIntegrateOptions(options)));
  }
  SolveStats& stats = *result.stats;
  stats.forward_f_evals = sol.stats.f_evals;
  stats.accepted_steps = sol.stats.accepted_steps;
  stats.rejected_steps = sol.stats.rejected_steps;
  result.accepted_times = sol.accepted_times;

  std::vector<Tensor> inputs = {z0};
  inputs.insert(inputs.end(), params.begin(), params.end());
  if (!NeedsGrad(inputs)) {
    result.ys = sol.ys;
    return result;
  }
  auto node = std::make_shared<ContinuousAdjointNode>(f, params, ts, sol.ys.detach(),
                                                      AdjointIntegrateOptions(options),
                                                      options.adjoint.norm, result.stats);
  node->set_save_state(options.save_state);
  result.ys = ApplyFunction(node, inputs, {sol.ys})[0];
  return result;
}

}  // namespace aca
}  // namespace acaode
