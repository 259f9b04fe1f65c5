// The continuous adjoint method (Chen et al., "Neural Ordinary Differential Equations",
// NeurIPS 2018; derivation in the ACA paper's Appendix C) as an autograd node.
//
//   options.gradient = GradientMethod::kAdjoint;
//   options.adjoint.rtol = options.adjoint.atol = 1e-9;   // the backward solve's own
//   ASSIGN_OR_RETURN(OdeintResult r, OdeintAdjoint(f, params, z0, ts, options));
//
// Forward: an untaped solve that keeps only the outputs ys.
// Backward: the augmented state y = [z, a, g_θ] (flattened into one 1-D tensor) is
// integrated by solvers::Integrate (the same integrator; JAX's `aug_dynamics` style) from
// ts[k] to ts[k−1] for k = N−1, ..., 1 with the augmented dynamics
//   dz/dt = f(t, z),   da/dt = −aᵀ ∂f/∂z,   dg_θ/dt = −aᵀ ∂f/∂θ,
// starting from z(ts[N−1]) = ys[N−1], a = dL/dz(ts[N−1]), g_θ = 0; at each output time
// dL/dz(ts[k−1]) is added to a and z is reset to the forward's ys[k−1] (as torchdiffeq
// does). Then dL/dz0 = a(ts[0]) and dL/dθ = g_θ(ts[0]). The backward solve starts at the
// last output with a nonzero dL/dz (later intervals would carry a = 0).
// Each augmented evaluation runs f taped on a detached z and takes one VJP (engine Grad)
// with respect to z and the parameters; no .grad is written until the node returns.
//
// z is reconstructed by integrating backward in time, which does not retrace the forward
// trajectory (the ACA paper's Appendix B): the gradient is not reverse-accurate.
// SolveStats::adjoint_reconstructed_z0 keeps the reconstruction of z(ts[0]).
//
// Lifetime: as for ACA, f's captures and the parameters must outlive the backward pass.
#ifndef ACAODE_ACA_CONTINUOUS_ADJOINT_H_
#define ACAODE_ACA_CONTINUOUS_ADJOINT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "autograd/node.h"
#include "autograd/tensor.h"
#include "solvers/explicit_rk.h"
#include "solvers/integrate.h"

namespace acaode {
namespace aca {

class ContinuousAdjointNode final : public Node {
 public:
  // ys: the forward outputs (detached), [ts.size(), *z0.shape()].
  ContinuousAdjointNode(solvers::DynamicsFn f, std::vector<Tensor> params, std::vector<double> ts,
                        Tensor ys, solvers::IntegrateOptions backward_options, AdjointNorm norm,
                        std::shared_ptr<SolveStats> stats);

  // OdeintOptions::save_state: the backward pass puts f's state back as it found it.
  void set_save_state(solvers::SaveState save_state) { save_state_ = std::move(save_state); }
  std::vector<Tensor> Backward(const std::vector<Tensor>& grad_outputs) override;
  void ReleaseSavedState() override;
  std::string name() const override { return "ContinuousAdjointBackward"; }

 private:
  solvers::DynamicsFn f_;
  std::vector<Tensor> params_;
  std::vector<double> ts_;
  Tensor ys_;
  solvers::IntegrateOptions backward_options_;
  AdjointNorm norm_;
  std::shared_ptr<SolveStats> stats_;
  solvers::SaveState save_state_;
};

// The continuous adjoint: untaped forward, ys connected through a ContinuousAdjointNode.
// Expects validated options.
absl::StatusOr<OdeintResult> OdeintAdjoint(const solvers::DynamicsFn& f,
                                           const std::vector<Tensor>& params, const Tensor& z0,
                                           const std::vector<double>& ts,
                                           const OdeintOptions& options);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_CONTINUOUS_ADJOINT_H_
