// Odeint: solve dz/dt = f(t, z) through the output times ts and return the states as a
// tensor on the tape, with the gradient method chosen by one option.
//
//   std::shared_ptr<nn::Sequential> mlp = ...;      // f's parameters
//   aca::DynamicsFn f = [mlp](double t, const Tensor& z) { return mlp->Forward(z); };
//   aca::OdeintOptions options;                     // dopri5, ACA gradients
//   options.rtol = options.atol = 1e-6;
//   ASSIGN_OR_RETURN(aca::OdeintResult r,
//                    aca::Odeint(f, mlp->Parameters(), z0, {0.0, 0.5, 1.0}, options));
//   Tensor loss = Sum(Square(r.ys));                // r.ys: [3, *z0.shape()]
//   loss.backward();                                // gradients reach z0 and mlp's params
//   std::cout << *r.stats;                          // backward fields filled now
//
// The flow (docs/architecture.md, "The flow of one training step"): options are validated,
// the forward solve runs, and ys carries the chosen method's node (ACA:
// CheckpointAdjointNode; adjoint: ContinuousAdjointNode; MALI: ReversibleAdjointNode;
// naive: the recorded solve itself).
//
// (aca/odeint_module.h takes an nn::OdeModule instead of f and params.)
// `params` are the tensors f depends on that gradients should reach (e.g. a module's
// Parameters()); ACA and the adjoint need them listed (they compute dL/dθ themselves), the
// naive method reaches them through f's graph anyway. ts must be strictly monotone
// (increasing or decreasing: integration backward in time works); ts[0] is z0's time.
// z0 may have any shape (e.g. a batch [B, D]); the error norm is taken over all its
// elements. float32 and float64.
//
// Errors: bad options, ts or z0 give InvalidArgument naming what is wrong; solver failures
// (max steps, step-size underflow, non-finite values) in the forward solve give
// ResourceExhausted / FailedPrecondition; the same failures in a backward pass throw
// acaode::RuntimeError from backward() with no parameter .grad written. An exception
// thrown by f propagates unchanged.
#ifndef ACAODE_ACA_ODEINT_H_
#define ACAODE_ACA_ODEINT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "autograd/tensor.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace aca {

using DynamicsFn = solvers::DynamicsFn;

absl::StatusOr<OdeintResult> Odeint(const DynamicsFn& f, const std::vector<Tensor>& params,
                                    const Tensor& z0, const std::vector<double>& ts,
                                    const OdeintOptions& options = OdeintOptions());

// The output times as a tensor (1-D, float32 or float64, on the CPU). When ts requires grad,
// a backward pass also gives dL/dts, for every gradient method (aca/time_gradient.h,
// Note [Output-time gradients]); otherwise the same as the overload above.
absl::StatusOr<OdeintResult> Odeint(const DynamicsFn& f, const std::vector<Tensor>& params,
                                    const Tensor& z0, const Tensor& ts,
                                    const OdeintOptions& options = OdeintOptions());

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_ODEINT_H_
