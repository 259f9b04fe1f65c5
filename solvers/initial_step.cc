#include "solvers/initial_step.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/ops/linear_combination.h"

namespace acaode {
namespace solvers {

double SelectInitialStep(const DynamicsFn& f, double t0, const Tensor& z0, const Tensor& f0,
                         double t_bound, int error_estimator_order, const Tolerances& tol,
                         double max_step, int64_t* f_evals) {
  NoGradGuard no_grad;
  const double interval = std::abs(t_bound - t0);
  if (interval == 0.0) return 0.0;
  if (z0.numel() == 0) return std::min(interval, max_step);
  const double direction = t_bound > t0 ? 1.0 : -1.0;
  const double d0 = ScaledNorm(z0, z0, tol);
  const double d1 = ScaledNorm(f0, z0, tol);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min(h0, interval);
  const Tensor z1 = LinearCombination(z0, {h0 * direction}, {f0});
  const Tensor f1 = f(t0 + h0 * direction, z1);
  if (f_evals) ++*f_evals;
  const double d2 = ScaledNorm(LinearCombination(f1, {-1.0}, {f0}), z0, tol) / h0;
  double h1;
  if (d1 <= 1e-15 && d2 <= 1e-15) {
    h1 = std::max(1e-6, h0 * 1e-3);
  } else {
    h1 = std::pow(0.01 / std::max(d1, d2), 1.0 / (error_estimator_order + 1));
  }
  if (!(h1 > 0) || !std::isfinite(h1)) h1 = 1e-3 * h0;  // non-finite probe
  return std::min({100 * h0, h1, interval, max_step});
}

}  // namespace solvers
}  // namespace acaode
