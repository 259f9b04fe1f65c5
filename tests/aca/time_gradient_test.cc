// Gradients with respect to the output times (Note [Output-time gradients],
// aca/time_gradient.h), for every gradient method. Oracles: the analytic derivative of
// dz/dt = λz, and central differences of the computed solution at a tight tolerance for a
// non-autonomous nonlinear f, forward and backward in time.
#include <cmath>
#include <memory>
#include <vector>

#include "aca/odeint.h"
#include "aca/options.h"
#include "autograd/creation.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using ::testing::HasSubstr;

// L = sum_k w_k sum_i y_k,i^2 with w_k = k + 1, so that every output (y_0 included) has a
// nonzero gradient.
Tensor WeightedLoss(const Tensor& ys) {
  const int64_t n = ys.shape()[0];
  std::vector<double> w;
  for (int64_t k = 0; k < n; ++k) w.push_back(static_cast<double>(k + 1));
  Shape shape(static_cast<size_t>(ys.dim()), 1);
  shape[0] = n;
  const Tensor weights = FromVector(w, shape, ys.dtype());
  return Sum(Mul(Square(ys), weights));
}

OdeintOptions Tight(GradientMethod gradient, double tol) {
  OdeintOptions options;
  options.gradient = gradient;
  options.method = gradient == GradientMethod::kMali ? "alf" : "dopri5";
  options.rtol = tol;
  options.atol = tol;
  options.adjoint.rtol = tol;
  options.adjoint.atol = tol;
  return options;
}

// dL/dts of WeightedLoss(odeint(f, z0, ts)).
std::vector<double> TimeGradient(const DynamicsFn& f, const std::vector<Tensor>& params,
                                 const Tensor& z0, const std::vector<double>& times,
                                 const OdeintOptions& options) {
  Tensor ts = FromVector(times, {static_cast<int64_t>(times.size())}).set_requires_grad(true);
  absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, ts, options);
  EXPECT_THAT(r.status(), IsOk());
  if (!r.ok()) return {};
  WeightedLoss(r->ys).backward();
  EXPECT_TRUE(ts.grad().defined());
  if (!ts.grad().defined()) return {};
  return std::vector<double>(ts.grad().data<double>(), ts.grad().data<double>() + times.size());
}

double LossAt(const DynamicsFn& f, const Tensor& z0, const std::vector<double>& times,
              const OdeintOptions& options) {
  NoGradGuard no_grad;
  absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, times, options);
  EXPECT_THAT(r.status(), IsOk());
  return r.ok() ? WeightedLoss(r->ys).item() : NAN;
}

const GradientMethod kMethods[] = {GradientMethod::kAca, GradientMethod::kAdjoint,
                                   GradientMethod::kNaive, GradientMethod::kMali};

// dz/dt = λ z: y_k = z0 e^{λ (t_k − t_0)}, so with L = sum_k w_k |z0|^2 e^{2λ(t_k − t_0)},
// dL/dt_k = 2λ w_k |y_k|^2 (k >= 1) and dL/dt_0 = −sum_{k>=1} dL/dt_k.
TEST(TimeGradientTest, LinearDecayMatchesTheAnalyticDerivative) {
  const double lambda = -0.7;
  const std::vector<double> times = {0.2, 0.5, 1.1, 1.6};
  const Tensor z0 = FromVector({1.0, -2.0}, {2});
  std::vector<double> expected(times.size(), 0.0);
  for (size_t k = 1; k < times.size(); ++k) {
    const double norm2 = 5.0 * std::exp(2 * lambda * (times[k] - times[0]));
    expected[k] = 2 * lambda * static_cast<double>(k + 1) * norm2;
    expected[0] -= expected[k];
  }
  for (GradientMethod method : kMethods) {
    SCOPED_TRACE(GradientMethodName(method));
    // MALI's ALF is second order: a looser tolerance keeps its step count small.
    const bool mali = method == GradientMethod::kMali;
    const DynamicsFn f = [lambda](double, const Tensor& z) { return Mul(z, lambda); };
    const std::vector<double> got =
        TimeGradient(f, {}, z0, times, Tight(method, mali ? 1e-9 : 1e-10));
    ASSERT_EQ(got.size(), times.size());
    for (size_t k = 0; k < times.size(); ++k) {
      EXPECT_NEAR(got[k], expected[k], (mali ? 1e-6 : 1e-8) * std::abs(expected[k])) << "k=" << k;
    }
  }
}

// f(t, z) = tanh(z W) (1 + 0.5 sin 3t) + 0.3 cos t: nonlinear and non-autonomous, so
// dL/dt_0 is not just −sum of the others.
DynamicsFn NonAutonomous(const Tensor& w) {
  return [w](double t, const Tensor& z) {
    return Add(Mul(Tanh(MatMul(z, w)), 1.0 + 0.5 * std::sin(3 * t)), 0.3 * std::cos(t));
  };
}

void ExpectMatchesFiniteDifferences(const std::vector<double>& times) {
  const Tensor w = FromVector({0.5, -1.2, 0.8, 0.3, 0.9, -0.4, -0.6, 0.2, 0.7}, {3, 3});
  const DynamicsFn f = NonAutonomous(w);
  const Tensor z0 = FromVector({0.3, -0.5, 0.9, 1.1, 0.2, -0.7}, {2, 3});
  const OdeintOptions reference = Tight(GradientMethod::kAca, 1e-12);
  // A larger step than the default: the loss is a solve at tolerance 1e-12.
  Tensor t = FromVector(times, {static_cast<int64_t>(times.size())});
  const std::vector<double> fd = testing::CentralDifferences(
      [&] { return LossAt(f, z0, ToVector(t), reference); }, {t}, /*h=*/1e-4)[0];
  double scale = 0;
  for (double d : fd) scale = std::max(scale, std::abs(d));
  for (GradientMethod method :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    SCOPED_TRACE(GradientMethodName(method));
    const std::vector<double> got = TimeGradient(f, {w}, z0, times, Tight(method, 1e-11));
    ASSERT_EQ(got.size(), times.size());
    for (size_t k = 0; k < times.size(); ++k) {
      EXPECT_NEAR(got[k], fd[k], 1e-6 * scale) << "k=" << k;
    }
  }
}

TEST(TimeGradientTest, NonAutonomousMatchesFiniteDifferences) {
  ExpectMatchesFiniteDifferences({0.1, 0.4, 0.45, 1.3});
}

TEST(TimeGradientTest, BackwardInTimeMatchesFiniteDifferences) {
  ExpectMatchesFiniteDifferences({1.0, 0.6, -0.2});
}

// The other gradients do not change when ts requires grad.
TEST(TimeGradientTest, StateAndParameterGradientsUnchanged) {
  const Tensor w = FromVector({0.5, -1.2, 0.8, 0.3, 0.9, -0.4, -0.6, 0.2, 0.7}, {3, 3});
  const std::vector<double> times = {0.0, 0.5, 1.0};
  std::vector<std::vector<double>> grads;
  for (bool with_times : {false, true}) {
    Tensor wp = w.clone().set_requires_grad(true);
    Tensor z0 = FromVector({0.3, -0.5, 0.9}, {1, 3}).set_requires_grad(true);
    Tensor ts = FromVector(times, {3}).set_requires_grad(with_times);
    absl::StatusOr<OdeintResult> r =
        Odeint(NonAutonomous(wp), {wp}, z0, ts, Tight(GradientMethod::kAca, 1e-8));
    ASSERT_THAT(r.status(), IsOk());
    WeightedLoss(r->ys).backward();
    std::vector<double> g(wp.grad().data<double>(), wp.grad().data<double>() + 9);
    g.insert(g.end(), z0.grad().data<double>(), z0.grad().data<double>() + 3);
    grads.push_back(g);
    EXPECT_EQ(ts.grad().defined(), with_times);
    // K + 1 = 3 evaluations of f for the time gradients.
    if (with_times) {
      EXPECT_GT(r->stats->backward_f_evals, 3);
    }
  }
  EXPECT_EQ(grads[0], grads[1]);
}

TEST(TimeGradientTest, BadTimesTensorsAreRefused) {
  const DynamicsFn f = [](double, const Tensor& z) { return Neg(z); };
  const Tensor z0 = Ones({2});
  EXPECT_THAT(Odeint(f, {}, z0, Zeros({2, 2}), OdeintOptions()).status().message(),
              HasSubstr("ts must be 1-D"));
  EXPECT_THAT(Odeint(f, {}, z0, Tensor(), OdeintOptions()).status().message(),
              HasSubstr("ts is undefined"));
  Tensor not_monotone = FromVector({0.0, 1.0, 0.5}, {3}).set_requires_grad(true);
  EXPECT_THAT(Odeint(f, {}, z0, not_monotone, OdeintOptions()).status().message(),
              HasSubstr("strictly increasing"));
}

// An f that returns a wrong shape only after the forward solve: the time gradients'
// evaluations in the backward pass find it, and backward() names it.
TEST(TimeGradientTest, WrongShapeFromFInBackwardIsNamed) {
  auto solved = std::make_shared<bool>(false);
  const DynamicsFn f = [solved](double, const Tensor& z) { return *solved ? Ones({5}) : Neg(z); };
  Tensor z0 = Ones({2}).set_requires_grad(true);
  Tensor ts = FromVector({0.0, 1.0}, {2}).set_requires_grad(true);
  absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, ts, Tight(GradientMethod::kNaive, 1e-6));
  ASSERT_THAT(r.status(), IsOk());
  *solved = true;
  try {
    Sum(r->ys).backward();
    ADD_FAILURE() << "backward() did not throw";
  } catch (const RuntimeError& e) {
    EXPECT_THAT(e.what(), HasSubstr("output-time gradient"));
    EXPECT_THAT(e.what(), HasSubstr("[5]"));
  }
}

}  // namespace
}  // namespace aca
}  // namespace acaode
