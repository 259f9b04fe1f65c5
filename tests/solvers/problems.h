// Test problems shared by the solver tests (the same definitions as
// tests/solvers/scipy_step_counts.py, which computed the scipy constants).
//
//   TestProblem p = GetProblem(Problem::kVanDerPol);
//   Integrate(p.f, FromVector(p.y0, {p.dim()}), {p.t0, p.t1}, options);
#ifndef ACAODE_TESTS_SOLVERS_PROBLEMS_H_
#define ACAODE_TESTS_SOLVERS_PROBLEMS_H_

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <string>
#include <unsupported/Eigen/MatrixFunctions>
#include <vector>

#include "autograd/creation.h"
#include "autograd/tensor.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace solvers {
namespace testing {

enum class Problem { kLinear, kVanDerPol, kArenstorf, kLotkaVolterra };

// One row of scipy's step statistics (scipy_reference.h).
struct ScipyCount {
  Problem problem;
  const char* method;
  double tol;  // rtol = atol
  int accepted;
  int rejected;
  int nfev;
};

struct TestProblem {
  std::string name;
  DynamicsFn f;
  std::vector<double> y0;
  double t0;
  double t1;
  int64_t dim() const { return static_cast<int64_t>(y0.size()); }
  Tensor z0() const { return FromVector(y0, {dim()}); }
};

// y' = A y with complex eigenvalues −0.1 ± 2i and a real one −0.5.
inline Eigen::Matrix3d LinearMatrix() {
  Eigen::Matrix3d a;
  a << -0.1, 2.0, 0.0, -2.0, -0.1, 0.0, 0.0, 0.0, -0.5;
  return a;
}

// exp(A t) y0 by Eigen's matrix exponential (Padé with scaling and squaring).
inline std::vector<double> LinearExact(const std::vector<double>& y0, double t) {
  const Eigen::Matrix3d e = (LinearMatrix() * t).exp();
  const Eigen::Vector3d y = e * Eigen::Vector3d(y0[0], y0[1], y0[2]);
  return {y[0], y[1], y[2]};
}

inline constexpr double kArenstorfMu = 0.012277471;
inline constexpr double kArenstorfPeriod = 17.0652165601579625588917206249;

// f written on the raw data (these tests exercise the solvers, not autograd).
template <int N, class Rhs>
DynamicsFn MakeFn(Rhs rhs) {
  return [rhs](double t, const Tensor& z) {
    const double* y = z.data<double>();
    double out[N];
    rhs(t, y, out);
    return FromData(out, z.shape());
  };
}

inline TestProblem GetProblem(Problem p) {
  switch (p) {
    case Problem::kLinear: {
      const Eigen::Matrix3d a = LinearMatrix();
      return {"linear",
              MakeFn<3>([a](double, const double* y, double* o) {
                for (int i = 0; i < 3; ++i) o[i] = a(i, 0) * y[0] + a(i, 1) * y[1] + a(i, 2) * y[2];
              }),
              {1.0, 0.0, 2.0},
              0.0,
              10.0};
    }
    case Problem::kVanDerPol:
      return {"van_der_pol",
              MakeFn<2>([](double, const double* y, double* o) {
                o[0] = y[1];
                o[1] = (0.15 - y[0] * y[0]) * y[1] - y[0];
              }),
              {2.0, 0.0},
              0.0,
              15.0};
    case Problem::kArenstorf:
      return {"arenstorf",
              MakeFn<4>([](double, const double* y, double* o) {
                const double mu = kArenstorfMu, mup = 1.0 - kArenstorfMu;
                const double d1 = std::pow((y[0] + mu) * (y[0] + mu) + y[1] * y[1], 1.5);
                const double d2 = std::pow((y[0] - mup) * (y[0] - mup) + y[1] * y[1], 1.5);
                o[0] = y[2];
                o[1] = y[3];
                o[2] = y[0] + 2 * y[3] - mup * (y[0] + mu) / d1 - mu * (y[0] - mup) / d2;
                o[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2;
              }),
              {0.994, 0.0, 0.0, -2.00158510637908252240537862224},
              0.0,
              kArenstorfPeriod};
    case Problem::kLotkaVolterra:
    default:
      return {"lotka_volterra",
              MakeFn<2>([](double, const double* y, double* o) {
                o[0] = 1.5 * y[0] - 1.0 * y[0] * y[1];
                o[1] = -3.0 * y[1] + 1.0 * y[0] * y[1];
              }),
              {10.0, 5.0},
              0.0,
              15.0};
  }
}

inline double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// Least-squares slope of log(y) against log(x).
inline double LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace testing
}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_TESTS_SOLVERS_PROBLEMS_H_
