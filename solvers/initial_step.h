// The automatic first step size: Hairer, Nørsett & Wanner, Solving ODEs I, Section II.4,
// "Starting step size" (the algorithm of scipy's `select_initial_step`).
//
// With sc = atol + rtol·|z0| and ‖·‖ the RMS norm weighted by 1/sc (ScaledNorm):
//   d0 = ‖z0‖, d1 = ‖f0‖;  h0 = 0.01 d0/d1 (1e-6 if d0 or d1 < 1e-5), h0 ≤ |t_bound − t0|;
//   f1 = f(t0 + h0·dir, z0 + h0·dir·f0);  d2 = ‖f1 − f0‖ / h0;
//   h1 = (0.01 / max(d1, d2))^(1/(q+1))  (max(1e-6, 1e-3 h0) if d1, d2 ≤ 1e-15);
//   h = min(100 h0, h1, |t_bound − t0|, max_step).
// Costs one evaluation of f. Runs untaped (NoGradGuard).
//
//   int64_t evals = 0;
//   double h = SelectInitialStep(f, t0, z0, f0, t1, tableau.error_estimator_order, tol,
//                                /*max_step=*/inf, &evals);
#ifndef ACAODE_SOLVERS_INITIAL_STEP_H_
#define ACAODE_SOLVERS_INITIAL_STEP_H_

#include <cstdint>

#include "autograd/tensor.h"
#include "solvers/error_norm.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace solvers {

// Returns |h| (> 0 unless t_bound == t0). f0 = f(t0, z0); q = the tableau's
// error_estimator_order (the local error is assumed to behave like h^(q+1)). Adds the
// evaluation it makes to *f_evals if non-null. If the probe f1 is not finite, falls back
// to 1e-3 h0 (the solve then reports the non-finite derivative itself).
double SelectInitialStep(const DynamicsFn& f, double t0, const Tensor& z0, const Tensor& f0,
                         double t_bound, int error_estimator_order, const Tolerances& tol,
                         double max_step, int64_t* f_evals);

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_INITIAL_STEP_H_
