// MALI: the reversible gradient method (Zhuang, Dvornek, Tatikonda, Duncan, "MALI: a memory
// efficient and reverse accurate integrator for neural ODEs", ICLR 2021) as an autograd
// node. Selected by OdeintOptions::gradient = kMali with method = "alf".
//
//   aca::OdeintOptions options;
//   options.method = "alf";
//   options.gradient = aca::GradientMethod::kMali;
//   options.mali_damping = 0.0;                       // undamped ALF (the paper's default)
//   ASSIGN_OR_RETURN(OdeintResult r, Odeint(f, mlp->Parameters(), z0, ts, options));
//   Sum(Square(r.ys)).backward();                     // runs ReversibleAdjointNode::Backward
//
// Forward (tape off): the asymmetric leapfrog (ALF, solvers/alf.h) on the augmented state
// (z, v) with v_0 = f(t_0, z_0). Steps land exactly on every output time; only the end
// state (z_N, v_N) and the accepted times t_0..t_N are kept (memory O(N_f + 1) in states;
// the times are N + 1 doubles).
//
// Note [ALF error estimate]: with k_1 = z + v h/2, u_1 = f(t + h/2, k_1) and
// v' = v + 2η(u_1 − v) the ALF update is z' = z + (h/2)(v + v') (for η = 1 this is the
// explicit midpoint rule z + h u_1 carried by v). The lower-order companion is the Euler
// step with the carried velocity, ẑ' = z + h v, and the error estimate is their difference
//   e = z' − ẑ' = (h/2)(v' − v)       (= (h²/2) f'f + O(h³) when v = f(t, z)),
// measured with the solvers' error norm (RMS of e / (atol + rtol·max(|z|, |z'|)),
// solvers/error_norm.h) and fed to the integral controller (solvers/controller.h) with
// error-estimator order q = 1 (e ~ h^(q+1)); the automatic first step uses the same q.
// e also sees the velocity's parasitic mode: when v oscillates (undamped ALF on a
// decaying mode, Note [ALF damping and stability] in solvers/alf.h), v' − v is large and
// the controller shrinks h. The estimate is conservative (the local error of z' is
// O(h³)); this mirrors MALI's use of ALF as a low-order adaptive solver.
// Fixed grid (step_size > 0): the grid t_0 + k·step_size, the last step before an output
// time shortened to land on it (as solvers::Stepper).
//
// Backward, with the adjoints λ_z = dL/dz_i, λ_v = dL/dv_i (λ_z starts at dL/dz(t_N),
// λ_v at 0), going from the last step to the first:
//   for i = N, ..., 1:
//     λ_z += dL/dz(t_i) when t_i is an output time
//     (z_{i−1}, v_{i−1}) = AlfInverse(f, (t_i, z_i, v_i), h_i)     (untaped; 1 f eval)
//     replay step i taped from the recovered state:
//       (ẑ_i, v̂_i) = AlfStep(f, (t_{i−1}, z_{i−1}, v_{i−1}), h_i)    (1 f eval)
//     g_θ += ∂/∂θ <(λ_z, λ_v), (ẑ_i, v̂_i)>,  (λ_z, λ_v) ← VJP w.r.t. (z_{i−1}, v_{i−1})
//     drop the local graph
//   λ_z += dL/dz(t_0) when asked; then through v_0 = f(t_0, z_0):
//     λ_z += λ_vᵀ ∂f/∂z (t_0, z_0),  g_θ += λ_vᵀ ∂f/∂θ               (1 f eval)
//   return (λ_z = dL/dz_0, g_θ)
// Parameter gradients are returned to the engine, which writes .grad only after Backward
// returned (nothing is written when f throws or the adjoint turns non-finite).
// The gradient is that of the discrete ALF solution with the step sizes held fixed, exact
// up to the round-off of the inversion (docs/architecture.md, "Gradient methods"): the
// recovered states differ from the forward ones by round-off, amplified by at most
// 1/|1 − 2η| per step when damped. Backward checks the recovered z_0 against the true one
// and throws acaode::RuntimeError (writing no .grad) when they differ by more than 1e-4
// relative (Note [Damped inversion check] in reversible.cc). Diagnostics filled by backward
// (SolveStats): adjoint_reconstructed_z0 = z_0 as recovered by inverting every step
// (compare with z0), replay_max_abs_diff = the largest |replayed (z_i, v_i) − the state it
// was recovered from|.
//
// Damping (OdeintOptions::mali_damping = d ∈ [0, 1), d ≠ 1/2): the ALF damping η = 1 − d
// of solvers/alf.h (d = 0: η = 1, the undamped, second-order, perfectly conditioned step).
// By Note [ALF damping and stability]: the undamped step never damps a decaying mode
// (on dz/dt = −10z it grows at every h); with 0 < d < 1/2 or 1/2 < d < 1, a real decaying
// mode λ is damped exactly for −2d/(1 − d) < λh < 0, but the step is first order and the
// inversion amplifies round-off by 1/|1 − 2η| = 1/|2d − 1| per step; d = 1/2 makes the
// step non-invertible and is rejected by OdeintOptions::Validate. In practice the
// damped inversion loses |log10|1 − 2η|| digits per step (η = 0.8: 0.22 digits), so it
// suits short solves (tens of steps) only; longer ones fail the backward check above.
// Undamped ALF on contracting dynamics: its parasitic mode grows like exp(∫|λ| dt)
// whatever h (det M = −1); the error estimate sees it, so the adaptive solve shrinks h
// until max_steps (e.g. van der Pol from y(0) = (2, 0), which contracts onto a small
// limit cycle): use a fixed grid, damping, or another gradient method there.
//
// Lifetime: the node keeps f (and what it captures), the parameters, z_0, the end state
// and the times until backward runs (or the output is destroyed).
#ifndef ACAODE_ACA_REVERSIBLE_H_
#define ACAODE_ACA_REVERSIBLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "autograd/node.h"
#include "autograd/tensor.h"
#include "solvers/alf.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace aca {

// The error-estimator order q of Note [ALF error estimate] (e ~ h^(q+1)).
inline constexpr int kAlfErrorEstimatorOrder = 1;

// The ALF options for OdeintOptions::mali_damping d: η = 1 − d.
solvers::AlfOptions MaliAlfOptions(const OdeintOptions& options);

class ReversibleAdjointNode final : public Node {
 public:
  // times: t_0..t_N; z0: the input z_0; end: (t_N, z_N, v_N); output_index[k]: the i with
  // t_i = ts[k]; params: the tensors the node's inputs 1.. are (input 0 is z0).
  ReversibleAdjointNode(solvers::DynamicsFn f, solvers::AlfOptions alf, std::vector<Tensor> params,
                        std::vector<double> times, Tensor z0, solvers::AlfState end,
                        std::vector<int64_t> output_index, std::shared_ptr<SolveStats> stats);

  // grad_outputs[0]: dL/dys, shape [ts.size(), *z0.shape()]. Returns {dL/dz0, dL/dθ_j...}.
  // OdeintOptions::save_state: the backward pass puts f's state back as it found it.
  void set_save_state(solvers::SaveState save_state) { save_state_ = std::move(save_state); }
  std::vector<Tensor> Backward(const std::vector<Tensor>& grad_outputs) override;
  void ReleaseSavedState() override;
  std::string name() const override { return "ReversibleAdjointBackward"; }

 private:
  solvers::DynamicsFn f_;
  solvers::AlfOptions alf_;
  std::vector<Tensor> params_;
  std::vector<double> times_;
  Tensor z0_;
  solvers::AlfState end_;
  std::vector<int64_t> output_index_;
  std::shared_ptr<SolveStats> stats_;
  solvers::SaveState save_state_;
};

// MALI: the untaped ALF forward solve keeping only the end state, ys connected to the tape
// through a ReversibleAdjointNode (when grad mode is on and z0 or a parameter requires
// grad). Expects validated options (Odeint validates: method "alf", mali_damping).
// SolveStats::checkpoint_bytes = the bytes of z_N and v_N (independent of the horizon).
absl::StatusOr<OdeintResult> OdeintMali(const solvers::DynamicsFn& f,
                                        const std::vector<Tensor>& params, const Tensor& z0,
                                        const std::vector<double>& ts,
                                        const OdeintOptions& options);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_REVERSIBLE_H_
