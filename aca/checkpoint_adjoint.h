// The adaptive checkpoint adjoint (ACA; Zhuang et al., ICML 2020; the paper's Appendix A) as
// an autograd node.
//
//   ASSIGN_OR_RETURN(OdeintResult r, OdeintAca(f, module->Parameters(), z0, ts, options));
//   Sum(Square(r.ys)).backward();   // runs CheckpointAdjointNode::Backward
//
// Forward (tape off): solvers::Integrate keeps every accepted (t_i, z_i), i = 0..N, in a
// StepStore (aca/step_store.h); every output time ts[k] is one of the t_i (steps land on it).
//
// Backward, with λ the adjoint dL/dz(t_i) (λ starts at dL/dz(t_N)):
//   for i = N, ..., 1:
//     replay step i taped: ẑ_i = ψ(f, t_{i−1}, z_{i−1}, h_i = t_i − t_{i−1})
//       (ExplicitRk::StepTo, the same code and stage times as the forward, so ẑ_i equals
//       z_i bitwise; an FSAL method's last stage, unused here, is not evaluated)
//     g_θ += λᵀ ∂ẑ_i/∂θ,   λ ← λᵀ ∂ẑ_i/∂z_{i−1}       (engine Grad: no .grad is written)
//     drop the local graph
//     λ += dL/dz(t_{i−1}) when t_{i−1} is an output time
//   return (λ = dL/dz0, g_θ)
// Steps after the last output time with a nonzero dL/dz are skipped (λ = 0 there).
// The node returns the parameter gradients to the engine, which accumulates them into
// .grad only after Backward returned: if Backward throws (f throws, or the adjoint turns
// non-finite), no parameter's .grad is touched.
//
// With a memory budget (OdeintOptions::memory_budget, Note [Memory budget] in
// aca/step_store.h) the forward pass may also keep some steps' tapes — the backward pass
// then back-propagates through them instead of replaying — or, when the states do not fit,
// only some states, the others recomputed by binomial checkpointing. The gradient is the
// same bit for bit whatever the budget.
//
// The gradient is that of the discrete solution with the accepted step sizes held fixed:
// exact up to round-off (the paper's Appendix A; docs/architecture.md, "Gradient methods").
// Memory without a budget: the N checkpoints plus one step's graph.
//
// Lifetime: the node keeps f (and whatever f captures), the parameters and the
// checkpoints until backward runs (or the output is destroyed); f's captures must stay
// alive until then.
#ifndef ACAODE_ACA_CHECKPOINT_ADJOINT_H_
#define ACAODE_ACA_CHECKPOINT_ADJOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "aca/step_store.h"
#include "autograd/node.h"
#include "autograd/tensor.h"
#include "solvers/butcher_tableau.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace aca {

class CheckpointAdjointNode final : public Node {
 public:
  // times: t_0..t_N; store: what the forward kept of z_0..z_N (z_0 is the input z0);
  // z_last: z_N; output_index[k]: the i with t_i = ts[k]; params: the tensors the node's
  // inputs 1.. are (input 0 is z0).
  CheckpointAdjointNode(solvers::DynamicsFn f, const solvers::ButcherTableau& tableau,
                        std::vector<Tensor> params, std::vector<double> times,
                        std::unique_ptr<StepStore> store, Tensor z_last,
                        std::vector<int64_t> output_index, std::shared_ptr<SolveStats> stats);

  // grad_outputs[0]: dL/dys, shape [ts.size(), *z0.shape()]. Returns {dL/dz0, dL/dθ_j...}.
  // OdeintOptions::save_state: the backward pass puts f's state back as it found it.
  void set_save_state(solvers::SaveState save_state) { save_state_ = std::move(save_state); }
  std::vector<Tensor> Backward(const std::vector<Tensor>& grad_outputs) override;
  void ReleaseSavedState() override;
  std::string name() const override { return "CheckpointAdjointBackward"; }

 private:
  solvers::DynamicsFn f_;
  const solvers::ButcherTableau* tableau_;
  std::vector<Tensor> params_;
  std::vector<double> times_;
  std::unique_ptr<StepStore> store_;
  Tensor z_last_;
  std::vector<int64_t> output_index_;
  std::shared_ptr<SolveStats> stats_;
  solvers::SaveState save_state_;
};

// ACA: untaped forward solve keeping the accepted states, ys connected to the tape through
// a CheckpointAdjointNode (when grad mode is on and z0 or a parameter requires grad).
// Expects validated options (Odeint validates).
absl::StatusOr<OdeintResult> OdeintAca(const solvers::DynamicsFn& f,
                                       const std::vector<Tensor>& params, const Tensor& z0,
                                       const std::vector<double>& ts, const OdeintOptions& options);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_CHECKPOINT_ADJOINT_H_
