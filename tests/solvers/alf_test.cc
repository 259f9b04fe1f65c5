// The ALF step and its inverse: round trips, second-order convergence, the stability
// analysis of Note [ALF damping and stability] against measured growth, a taped gradient.
#include "solvers/alf.h"

#include <cmath>
#include <complex>
#include <vector>

#include "absl/status/status.h"
#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"
#include "tests/solvers/problems.h"
#include "util/status_matchers.h"

namespace acaode {
namespace solvers {
namespace testing {
namespace {

using ::testing::HasSubstr;

AlfState Start(const DynamicsFn& f, double t0, const Tensor& z0) { return {t0, z0, f(t0, z0)}; }

TEST(AlfTest, InverseUndoesOneStep) {
  const TestProblem p = GetProblem(Problem::kVanDerPol);
  for (double eta : {1.0, 0.8, 0.3}) {
    AlfOptions options;
    options.eta = eta;
    const AlfState s{0.4, FromVector({1.3, -0.7}, {2}), FromVector({0.2, 0.9}, {2})};
    const AlfState s1 = AlfStep(p.f, s, 0.1, options);
    const AlfState back = AlfInverse(p.f, s1, 0.1, options);
    EXPECT_DOUBLE_EQ(back.t, 0.4);
    EXPECT_LT(MaxAbsDiff(ToVector(back.z), ToVector(s.z)), 1e-15) << eta;
    EXPECT_LT(MaxAbsDiff(ToVector(back.v), ToVector(s.v)), 1e-14) << eta;
  }
}

TEST(AlfTest, ManyStepsForwardThenBackwardRecoverTheStart) {
  const TestProblem p = GetProblem(Problem::kVanDerPol);
  AlfState s = Start(p.f, 0.0, p.z0());
  const AlfState start = s;
  const double h = 0.01;
  for (int i = 0; i < 500; ++i) s = AlfStep(p.f, s, h);
  for (int i = 0; i < 500; ++i) s = AlfInverse(p.f, s, h);
  EXPECT_NEAR(s.t, 0.0, 1e-12);
  EXPECT_LT(MaxAbsDiff(ToVector(s.z), ToVector(start.z)), 1e-11);
  EXPECT_LT(MaxAbsDiff(ToVector(s.v), ToVector(start.v)), 1e-11);
}

// Undamped ALF is second order; the damped step is first order (Note [ALF damping and
// stability]: v lags the derivative by (1 − η) h f'f).
TEST(AlfTest, ConvergenceOrder) {
  const TestProblem p = GetProblem(Problem::kLinear);
  const double t_end = 2.0;
  const std::vector<double> exact = LinearExact(p.y0, t_end);
  for (double eta : {1.0, 0.8}) {
    AlfOptions options;
    options.eta = eta;
    std::vector<double> hs, errors;
    for (int k = 5; k <= 9; ++k) {
      const double h = std::ldexp(1.0, -k);
      AlfState s = Start(p.f, 0.0, p.z0());
      for (int i = 0; i < static_cast<int>(std::ldexp(t_end, k)); ++i) {
        s = AlfStep(p.f, s, h, options);
      }
      hs.push_back(h);
      errors.push_back(MaxAbsDiff(ToVector(s.z), exact));
    }
    const double slope = LogLogSlope(hs, errors);
    EXPECT_NEAR(slope, eta == 1.0 ? 2.0 : 1.0, 0.3) << "eta " << eta;
    std::printf("[ alf ] eta %.1f fitted order %.3f\n", eta, slope);
  }
}

// z' = λz with λ = −10: x = λh = −1 for h = 0.1.
TEST(AlfTest, StabilityMatchesTheSpectralRadius) {
  const double lambda = -10.0, h = 0.1;
  DynamicsFn f = [lambda](double, const Tensor& z) { return Mul(z, lambda); };
  // x = −1: stable exactly when −2(1 − η)/η < −1, i.e. η < 2/3.
  for (double eta : {1.0, 0.8, 0.6, 0.3}) {
    AlfOptions options;
    options.eta = eta;
    AlfState s = Start(f, 0.0, FromVector({1.0}, {1}));
    const int n = 200;
    for (int i = 0; i < n; ++i) s = AlfStep(f, s, h, options);
    const double size = std::hypot(ToVector(s.z)[0], ToVector(s.v)[0] / lambda);
    const double radius = AlfSpectralRadius(eta, {lambda * h, 0.0});
    // The state grows like radius^n (the dominant mode).
    EXPECT_NEAR(std::log(size) / n, std::log(radius), 0.02) << "eta " << eta;
    if (eta > 2.0 / 3) {
      EXPECT_GE(radius, 1.0);
      EXPECT_GT(size, 1.0);  // blows up although the exact solution decays
    } else {
      EXPECT_LT(radius, 1.0);
      EXPECT_LT(size, 1e-3);
    }
  }
  // The real stability interval −2(1 − η)/η < x < 0, checked at its edges.
  for (double eta : {0.9, 0.8, 0.6, 0.3}) {
    const double edge = -2 * (1 - eta) / eta;
    EXPECT_LT(AlfSpectralRadius(eta, {0.98 * edge, 0.0}), 1.0) << eta;
    EXPECT_GT(AlfSpectralRadius(eta, {1.02 * edge, 0.0}), 1.0) << eta;
  }
  // Undamped: |μ| ≥ 1 for every x (det M = −1), decaying or oscillating.
  for (std::complex<double> x :
       {std::complex<double>(-0.01, 0), {-0.5, 0}, {0, 0.5}, {-0.2, 1.0}}) {
    EXPECT_GE(AlfSpectralRadius(1.0, x), 1.0 - 1e-12) << x;
  }
  // det M = 1 − 2η for every x: the product of the eigenvalue moduli.
  EXPECT_NEAR(AlfSpectralRadius(0.8, {0.0, 0.0}), 1.0, 1e-12);  // consistency root μ = 1
}

TEST(AlfTest, TapedStepGradientMatchesFiniteDifferences) {
  const Tensor w = FromVector({0.5, -1.5}, {2});
  DynamicsFn f = [&w](double, const Tensor& z) { return Tanh(Mul(w, z)); };
  const std::vector<double> z0 = {0.3, -0.8}, v0 = {0.1, 0.4};
  auto loss = [&](const Tensor& z, const Tensor& v) {
    AlfState s{0.0, z, v};
    for (int i = 0; i < 3; ++i) s = AlfStep(f, s, 0.2);
    return Add(Sum(Mul(s.z, FromVector({1.0, 2.0}, {2}))), Sum(s.v));
  };
  Tensor z = FromVector(z0, {2}).set_requires_grad(true);
  Tensor v = FromVector(v0, {2}).set_requires_grad(true);
  loss(z, v).backward();
  const std::vector<double> gz = ToVector(z.grad()), gv = ToVector(v.grad());
  Tensor z_fd = FromVector(z0, {2}), v_fd = FromVector(v0, {2});
  const auto fd =
      acaode::testing::CentralDifferences([&] { return loss(z_fd, v_fd).item(); }, {z_fd, v_fd});
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(gz[i], fd[0][i], 1e-7);
    EXPECT_NEAR(gv[i], fd[1][i], 1e-7);
  }
}

TEST(AlfTest, ValidateRejectsNonInvertibleOrOutOfRangeDamping) {
  AlfOptions o;
  EXPECT_THAT(o.Validate(), IsOk());
  o.eta = 0.5;
  EXPECT_THAT(o.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has no inverse")));
  o.eta = 1.5;
  EXPECT_THAT(o.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("alf.eta = 1.5")));
  o.eta = 0.0;
  EXPECT_FALSE(o.Validate().ok());
}

}  // namespace
}  // namespace testing
}  // namespace solvers
}  // namespace acaode
