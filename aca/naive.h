// Direct back-propagation through the solver ("naive" in the ACA paper, Table 1): the
// whole forward solve is recorded on the tape, the step-size search included, and one
// ordinary backward runs through it.
//
//   options.gradient = GradientMethod::kNaive;
//   ASSIGN_OR_RETURN(OdeintResult r, OdeintNaive(f, params, z0, ts, options));
//   Sum(r.ys).backward();
//
// Adaptive stepping: the step size h is a taped 0-d tensor. Each trial computes the
// taped error norm ‖e‖ (solvers::ErrorNormTensor) and the next step size
//   h_new = h · clamp(0.9 · ‖e‖^(−1/(q+1)), 0.2, 10)      (StepSizeController::FactorTensor)
// so rejected trials and the controller are part of the graph (as in torchdiffeq's direct
// backprop). The time is taped as well (t_{i} = t_{i−1} + h_i), so a step shortened to
// land on an output time, h = t_k − t, depends on the earlier step sizes. Constant (not
// taped): the automatic first step (Hairer's heuristic), the factor when ‖e‖ = 0 or after
// a rejection caps it at 1, and dt_max clamps.
// f receives t as a double (solvers::DynamicsFn), so each stage's time t + c_i h is taped
// beside it and f's explicit time dependence reaches the tape through a central difference
// in t (Note [Time argument of f in the naive method], aca/time_gradient.h): two more
// evaluations of f per stage in the backward pass, whose difference is exactly 0 for an
// autonomous f. Without it, the gradient for a time-dependent f would be off by
// O(∂f/∂t · dh/dθ), not by the solver's tolerance.
// Fixed grid (step_size > 0): solvers::Integrate run taped.
//
// Memory: the tape holds every trial's stages and error norm: O(N_f · N_t · m).
#ifndef ACAODE_ACA_NAIVE_H_
#define ACAODE_ACA_NAIVE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "autograd/tensor.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace aca {

// Expects validated options. SolveStats::peak_tape_bytes: allocator bytes held at the end
// of the taped forward solve (the graph and ys) minus those at its start.
absl::StatusOr<OdeintResult> OdeintNaive(const solvers::DynamicsFn& f,
                                         const std::vector<Tensor>& params, const Tensor& z0,
                                         const std::vector<double>& ts,
                                         const OdeintOptions& options);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_NAIVE_H_
