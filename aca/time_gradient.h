// Gradients with respect to the output times t_0 .. t_K of a solve (torchdiffeq's
// `odeint` gives them too). Used by Odeint when ts is a tensor that requires grad.
//
//   OutputTimeGradients time_grads(f, options.save_state, ts, ts_values);
//   Tensor z0_at_t0 = time_grads.AttachToOrigin(z0);        // before the solve
//   ... ys, stats = the chosen gradient method's solve from z0_at_t0 ...
//   ys = time_grads.AttachToOutputs(ys, stats);             // after it
//
// Note [Output-time gradients]
// For the exact flow z(t) of dz/dt = f(t, z) with z(t_0) = z_0, the outputs are
// y_k = z(t_k) and, with g_k = dL/dy_k and a = dL/dz_0 (the adjoint at t_0, every g_k
// included),
//   dL/dt_k = <g_k, f(t_k, y_k)>                         for k >= 1,
//   dL/dt_0 = -<a - g_0, f(t_0, z_0)>                   (y_0 = z_0 does not move with t_0).
// Two identity nodes carry them, so every gradient method supplies `a` its own way:
//  * the one on ys gives <g_k, f(t_k, y_k)> for every k, k = 0 included;
//  * the one on z0 (where the method's backward pass ends, with the full a) gives
//    -<a, f(t_0, z_0)>, reusing f(t_0, y_0) from the first (y_0 = z_0).
// The engine sums the two into dL/dt_0, which is then -<a - g_0, f(t_0, z_0)>.
//
// These are the derivatives of the exact solution, evaluated on the computed one (as
// torchdiffeq's adjoint computes them); they match finite differences of the computed
// solution to within the solver's tolerance, not to round-off (the steps land on the t_k, so
// moving t_k also moves the steps). They cost K + 1 evaluations of f in the backward
// pass, counted in SolveStats::backward_f_evals; `save_state` (as
// OdeintOptions::save_state) puts f's state back after them.
//
// Note [Time argument of f in the naive method]
// The naive method tapes the step size h, so a stage's time t_i = t + c_i h depends on the
// parameters too, and k_i = f(t_i, Y_i) moves with it by (dt_i) ∂f/∂t. f takes its time as
// a double, so that term would be lost: for a non-autonomous f the gradient through the
// step-size search would then be wrong by O(1), not by the solver's tolerance.
// WithStageTime puts it back: the stage time is taped (t_tape + c_i h) and k_i's gradient g
// flows into it as <g, ∂f/∂t(t_i, Y_i)>, ∂f/∂t by a central difference with step
// ε = eps^(1/3) max(1, |t_i|) (relative error about eps^(2/3)). For an autonomous f the two
// evaluations are bitwise equal, the difference is exactly 0 and nothing flows.
#ifndef ACAODE_ACA_TIME_GRADIENT_H_
#define ACAODE_ACA_TIME_GRADIENT_H_

#include <memory>
#include <vector>

#include "aca/stats.h"
#include "autograd/tensor.h"
#include "solvers/explicit_rk.h"
#include "solvers/step_driver.h"

namespace acaode {
namespace aca {

class OutputTimeGradients {
 public:
  // ts: 1-D, on the CPU, the solve's output times (it need not require grad); times: its
  // values.
  OutputTimeGradients(solvers::DynamicsFn f, solvers::SaveState save_state, const Tensor& ts,
                      std::vector<double> times);

  // z0 as a fresh view whose gradient a, on its way back to z0, also flows into ts[0] as
  // -<a, f(t_0, z0)>.
  Tensor AttachToOrigin(const Tensor& z0) const;

  // ys ([K + 1, *z0.shape()]) as a fresh view whose gradient g, on its way back, also flows
  // into ts as <g_k, f(t_k, y_k)>; the evaluations of f are counted in stats.
  Tensor AttachToOutputs(const Tensor& ys, const std::shared_ptr<SolveStats>& stats) const;

 private:
  struct Shared;  // f, save_state, the times, and f(t_0, y_0) of the latest backward pass
  std::shared_ptr<Shared> shared_;
  Tensor ts_;
};

// k = f(t, y) as a fresh view whose gradient g also flows into t_taped (a 0-d tensor whose
// value is t) as <g, ∂f/∂t(t, y)> (Note [Time argument of f in the naive method]); the two
// evaluations of f are counted in stats.
Tensor WithStageTime(const solvers::DynamicsFn& f, const solvers::SaveState& save_state,
                     const std::shared_ptr<SolveStats>& stats, const Tensor& k,
                     const Tensor& t_taped, double t, const Tensor& y);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_TIME_GRADIENT_H_
