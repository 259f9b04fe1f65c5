#include "solvers/alf.h"

#include <algorithm>
#include <cmath>
#include <complex>

#include "absl/strings/str_cat.h"
#include "autograd/ops/linear_combination.h"

namespace acaode {
namespace solvers {

absl::Status AlfOptions::Validate() const {
  if (!(eta > 0 && eta <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("alf.eta = ", eta, " is invalid: need 0 < eta <= 1"));
  }
  if (std::abs(eta - 0.5) <= 1e-6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "alf.eta = ", eta, " is invalid: at eta = 1/2 the ALF step forgets v and has no inverse"));
  }
  return absl::OkStatus();
}

AlfState AlfStep(const DynamicsFn& f, const AlfState& s, double h, const AlfOptions& options) {
  const double eta = options.eta;
  const double s1 = s.t + h / 2;
  const Tensor k1 = LinearCombination(s.z, {h / 2}, {s.v});  // z + v h/2
  const Tensor u1 = f(s1, k1);
  AlfState out;
  out.t = s.t + h;
  // v' = v + 2η (u1 − v)
  out.v = eta == 1.0 ? LinearCombination(u1, {1.0, -1.0}, {u1, s.v})
                     : LinearCombination(s.v, {2 * eta, -2 * eta}, {u1, s.v});
  out.z = LinearCombination(k1, {h / 2}, {out.v});  // k1 + v' h/2
  return out;
}

AlfState AlfInverse(const DynamicsFn& f, const AlfState& s, double h, const AlfOptions& options) {
  const double eta = options.eta;
  const double s1 = s.t - h / 2;
  const Tensor k1 = LinearCombination(s.z, {-h / 2}, {s.v});  // z' − v' h/2
  const Tensor u1 = f(s1, k1);
  AlfState out;
  out.t = s.t - h;
  // v = (v' − 2η u1) / (1 − 2η)
  const double inv = 1.0 / (1.0 - 2 * eta);
  out.v = eta == 1.0 ? LinearCombination(u1, {1.0, -1.0}, {u1, s.v})  // 2 u1 − v'
                     : LinearCombination(s.v, {inv - 1.0, -2 * eta * inv}, {s.v, u1});
  out.z = LinearCombination(k1, {-h / 2}, {out.v});  // k1 − v h/2
  return out;
}

double AlfSpectralRadius(double eta, std::complex<double> x) {
  using C = std::complex<double>;
  const C m00 = 1.0 + eta * x;
  const C m01 = 0.5 * x * (2.0 - 2.0 * eta + eta * x);
  const C m10 = 2.0 * eta;
  const C m11 = 1.0 - 2.0 * eta + eta * x;
  const C tr = m00 + m11;
  const C det = m00 * m11 - m01 * m10;
  const C disc = std::sqrt(tr * tr - 4.0 * det);
  return std::max(std::abs((tr + disc) / 2.0), std::abs((tr - disc) / 2.0));
}

}  // namespace solvers
}  // namespace acaode
