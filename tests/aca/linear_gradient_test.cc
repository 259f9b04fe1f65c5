// Gradients of dz/dt = A z (and dz/dt = αz) against the analytic ones (expm and its
// Fréchet derivative, tests/aca/linear_oracle.h), for the three gradient methods.
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/aca/linear_oracle.h"
#include "tests/aca/test_util.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::FromEigen;
using testing::LinearOracle;
using testing::RelErr;
using testing::ToEigen;

struct GradErrors {
  double z0 = 0;  // relative error of dL/dz0
  double a = 0;   // relative error of dL/dA
  double ys = 0;  // relative error of the states
};

// Solves dz/dt = A z (rows of z0 are a batch) through ts, L = Σ_k <w_k, z(t_k)>, and
// compares the gradients with the oracle.
GradErrors SolveAndCompare(GradientMethod method, double tol, const Eigen::MatrixXd& a_value,
                           const Eigen::MatrixXd& z0_value, const std::vector<double>& ts,
                           const std::vector<Eigen::MatrixXd>& w, DType dtype = DType::kFloat64,
                           const std::string& solver = "dopri5", double step_size = 0.0) {
  const Eigen::Index b = z0_value.rows(), d = z0_value.cols();
  Tensor a = FromEigen(a_value, dtype).set_requires_grad(true);
  Tensor z0 = FromEigen(z0_value, dtype).set_requires_grad(true);
  DynamicsFn f = [&a](double, const Tensor& z) { return MatMul(z, Transpose(a, 0, 1)); };
  OdeintOptions options;
  options.method = solver;
  options.rtol = tol;
  options.atol = tol;
  options.step_size = step_size;
  options.gradient = method;
  absl::StatusOr<OdeintResult> r = Odeint(f, {a}, z0, ts, options);
  EXPECT_THAT(r.status(), IsOk());
  if (!r.ok()) return {1, 1, 1};
  std::vector<Tensor> wt;
  for (const auto& m : w) wt.push_back(FromEigen(m, dtype));
  Tensor loss = Sum(Mul(r->ys, Stack(wt, 0)));
  loss.backward();
  EXPECT_TRUE(r->stats->backward_done);
  LinearOracle oracle(a_value, ts);
  GradErrors e;
  e.z0 = RelErr(ToEigen(z0.grad(), b, d), oracle.GradZ0(w));
  e.a = RelErr(ToEigen(a.grad(), d, d), oracle.GradA(z0_value, w));
  const std::vector<Eigen::MatrixXd> exact = oracle.Z(z0_value);
  for (size_t k = 0; k < ts.size(); ++k) {
    e.ys = std::max(e.ys, RelErr(ToEigen(r->ys[k], b, d), exact[k]));
  }
  return e;
}

Eigen::MatrixXd SpiralA() {
  Eigen::MatrixXd a(2, 2);
  a << -0.5, 1.2, -0.8, 0.1;
  return a;
}

Eigen::MatrixXd BatchZ0() {
  Eigen::MatrixXd z(3, 2);
  z << 1.0, -0.5, 0.3, 0.7, -1.2, 0.4;
  return z;
}

std::vector<Eigen::MatrixXd> Weights(size_t n, Eigen::Index b, Eigen::Index d) {
  std::vector<Eigen::MatrixXd> w;
  for (size_t k = 0; k < n; ++k) {
    Eigen::MatrixXd m(b, d);
    for (Eigen::Index i = 0; i < b; ++i) {
      for (Eigen::Index j = 0; j < d; ++j) {
        m(i, j) = std::sin(1.0 + 0.7 * static_cast<double>(k) + 1.3 * i - 0.4 * j);
      }
    }
    w.push_back(m);
  }
  return w;
}

class LinearGradientTest : public ::testing::TestWithParam<GradientMethod> {};

// dz/dt = A z, a batch of 3 states, several output times with a loss on each: every
// method's gradient error shrinks with the tolerance; ACA and naive meet the analytic
// gradient to about the tolerance.
TEST_P(LinearGradientTest, AzErrorShrinksWithTolerance) {
  const GradientMethod method = GetParam();
  const std::vector<double> ts = {0.0, 0.5, 1.0, 2.0};
  const std::vector<double> tols = {1e-4, 1e-6, 1e-8};
  std::vector<GradErrors> errors;
  for (double tol : tols) {
    errors.push_back(
        SolveAndCompare(method, tol, SpiralA(), BatchZ0(), ts, Weights(ts.size(), 3, 2)));
    std::printf("%-8s tol=%.0e  dL/dz0 rel err %.3e  dL/dA rel err %.3e  ys %.3e\n",
                GradientMethodName(method), tol, errors.back().z0, errors.back().a,
                errors.back().ys);
  }
  EXPECT_LT(errors[2].z0, errors[0].z0 / 10);
  EXPECT_LT(errors[2].a, errors[0].a / 10);
  if (method != GradientMethod::kAdjoint) {
    for (size_t i = 0; i < tols.size(); ++i) {
      EXPECT_LT(errors[i].z0, 20 * tols[i]) << "tol " << tols[i];
      EXPECT_LT(errors[i].a, 20 * tols[i]) << "tol " << tols[i];
    }
  } else {
    EXPECT_LT(errors[2].z0, 1e-6);
    EXPECT_LT(errors[2].a, 1e-6);
  }
}

// dz/dt = α z, one component: dL/dz0 = e^{αT}, dL/dα = T e^{αT} z0 for L = z(T).
TEST_P(LinearGradientTest, AlphaZMatchesClosedForm) {
  const GradientMethod method = GetParam();
  const double alpha0 = -0.7, z00 = 1.5, t_end = 2.0;
  std::vector<double> prev = {1, 1};
  for (double tol : {1e-5, 1e-9}) {
    Tensor alpha = Scalar(alpha0).set_requires_grad(true);
    Tensor z0 = FromVector({z00}, {1}).set_requires_grad(true);
    DynamicsFn f = [&alpha](double, const Tensor& z) { return Mul(z, alpha); };
    OdeintOptions options;
    options.rtol = options.atol = tol;
    options.gradient = method;
    absl::StatusOr<OdeintResult> r = Odeint(f, {alpha}, z0, {0.0, t_end}, options);
    ASSERT_THAT(r.status(), IsOk());
    Sum(r->ys[1]).backward();
    const double e = std::exp(alpha0 * t_end);
    const double err_z0 = std::abs(z0.grad().item() - e) / e;
    const double err_alpha = std::abs(alpha.grad().item() - t_end * e * z00) / (t_end * e * z00);
    std::printf("%-8s alpha z tol=%.0e  dL/dz0 rel err %.3e  dL/dalpha rel err %.3e\n",
                GradientMethodName(method), tol, err_z0, err_alpha);
    EXPECT_LT(err_z0, 100 * tol);
    EXPECT_LT(err_alpha, 100 * tol);
    if (tol < 1e-6) {
      EXPECT_LT(err_z0, prev[0]);
      EXPECT_LT(err_alpha, prev[1]);
    }
    prev = {err_z0, err_alpha};
  }
}

// Integration backward in time (decreasing ts).
TEST_P(LinearGradientTest, BackwardInTime) {
  const std::vector<double> ts = {1.0, 0.2, -1.0};
  GradErrors e =
      SolveAndCompare(GetParam(), 1e-8, SpiralA(), BatchZ0(), ts, Weights(ts.size(), 3, 2));
  std::printf("%-8s backward in time: dL/dz0 %.3e dL/dA %.3e ys %.3e\n",
              GradientMethodName(GetParam()), e.z0, e.a, e.ys);
  EXPECT_LT(e.ys, 1e-6);
  EXPECT_LT(e.z0, 1e-6);
  EXPECT_LT(e.a, 1e-6);
}

// Fixed grid (rk4, h = 0.01): fourth order, so the gradient is accurate to ~1e-9.
TEST_P(LinearGradientTest, FixedGridRk4) {
  const std::vector<double> ts = {0.0, 0.55, 1.0};
  GradErrors e = SolveAndCompare(GetParam(), 1e-6, SpiralA(), BatchZ0(), ts,
                                 Weights(ts.size(), 3, 2), DType::kFloat64, "rk4", 0.01);
  std::printf("%-8s rk4 h=0.01: dL/dz0 %.3e dL/dA %.3e\n", GradientMethodName(GetParam()), e.z0,
              e.a);
  EXPECT_LT(e.z0, 1e-8);
  EXPECT_LT(e.a, 1e-8);
}

// float32: the gradient meets the analytic one to float32 accuracy.
TEST_P(LinearGradientTest, Float32) {
  const std::vector<double> ts = {0.0, 1.0};
  GradErrors e = SolveAndCompare(GetParam(), 1e-5, SpiralA(), BatchZ0(), ts,
                                 Weights(ts.size(), 3, 2), DType::kFloat32);
  std::printf("%-8s float32 tol 1e-5: dL/dz0 %.3e dL/dA %.3e\n", GradientMethodName(GetParam()),
              e.z0, e.a);
  EXPECT_LT(e.z0, 2e-4);
  EXPECT_LT(e.a, 2e-4);
}

// A loss on the middle output only (zero gradient for the later ones): the gradient is
// still right, and ACA does not replay the steps after the middle output.
TEST_P(LinearGradientTest, LossOnMiddleOutputOnly) {
  const std::vector<double> ts = {0.0, 1.0, 3.0};
  std::vector<Eigen::MatrixXd> w = Weights(ts.size(), 3, 2);
  w[0].setZero();
  w[2].setZero();
  Tensor a = FromEigen(SpiralA()).set_requires_grad(true);
  Tensor z0 = FromEigen(BatchZ0()).set_requires_grad(true);
  DynamicsFn f = [&a](double, const Tensor& z) { return MatMul(z, Transpose(a, 0, 1)); };
  OdeintOptions options;
  options.rtol = options.atol = 1e-9;
  options.gradient = GetParam();
  absl::StatusOr<OdeintResult> r = Odeint(f, {a}, z0, ts, options);
  ASSERT_THAT(r.status(), IsOk());
  std::vector<Tensor> wt;
  for (const auto& m : w) wt.push_back(FromEigen(m));
  Sum(Mul(r->ys, Stack(wt, 0))).backward();
  LinearOracle oracle(SpiralA(), ts);
  EXPECT_LT(RelErr(ToEigen(z0.grad(), 3, 2), oracle.GradZ0(w)), 1e-7);
  EXPECT_LT(RelErr(ToEigen(a.grad(), 2, 2), oracle.GradA(BatchZ0(), w)), 1e-7);
  if (GetParam() == GradientMethod::kAca) {
    // Steps up to t = 1 only: dopri5 replays cost 6 evaluations each.
    int64_t steps_to_middle = 0;
    while (r->accepted_times[steps_to_middle] != 1.0) ++steps_to_middle;
    EXPECT_EQ(r->stats->backward_f_evals, 6 * steps_to_middle);
    EXPECT_LT(steps_to_middle, r->stats->accepted_steps);
  }
  if (GetParam() == GradientMethod::kAdjoint) {
    // Only the interval [0, 1] is solved backward; z(0) is still reconstructed.
    EXPECT_GT(r->stats->backward_f_evals, 0);
    EXPECT_LT(RelErr(ToEigen(r->stats->adjoint_reconstructed_z0, 3, 2), BatchZ0()), 1e-7);
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, LinearGradientTest,
                         ::testing::Values(GradientMethod::kAca, GradientMethod::kAdjoint,
                                           GradientMethod::kNaive),
                         [](const ::testing::TestParamInfo<GradientMethod>& info) {
                           return std::string(GradientMethodName(info.param));
                         });

// Every adaptive tableau with every gradient method: the gradient meets the analytic one
// at rtol = atol = 1e-8 (loosely for the low-order heun_euler).
class TableauTest : public ::testing::TestWithParam<std::tuple<const char*, GradientMethod>> {};

TEST_P(TableauTest, MeetsAnalyticGradient) {
  const auto [tableau, method] = GetParam();
  const std::vector<double> ts = {0.0, 0.7, 1.5};
  const double tol = std::string(tableau) == "heun_euler" ? 1e-6 : 1e-8;
  GradErrors e = SolveAndCompare(method, tol, SpiralA(), BatchZ0(), ts, Weights(ts.size(), 3, 2),
                                 DType::kFloat64, tableau);
  std::printf("%-10s %-8s tol %.0e: dL/dz0 %.3e dL/dA %.3e\n", tableau, GradientMethodName(method),
              tol, e.z0, e.a);
  EXPECT_LT(e.z0, 100 * tol);
  EXPECT_LT(e.a, 100 * tol);
}

INSTANTIATE_TEST_SUITE_P(
    All, TableauTest,
    ::testing::Combine(::testing::Values("heun_euler", "bosh3", "dopri5", "tsit5", "dopri8"),
                       ::testing::Values(GradientMethod::kAca, GradientMethod::kAdjoint,
                                         GradientMethod::kNaive)),
    [](const ::testing::TestParamInfo<std::tuple<const char*, GradientMethod>>& info) {
      return std::string(std::get<0>(info.param)) + "_" +
             GradientMethodName(std::get<1>(info.param));
    });

}  // namespace
}  // namespace aca
}  // namespace acaode
