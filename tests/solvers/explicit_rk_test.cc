// The generic explicit-RK stepper: hand-computed steps, FSAL reuse and evaluation counts,
// the taped-h overload, and gradients through a taped step against central finite
// differences (the same code with the tape on and off).
#include "solvers/explicit_rk.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "autograd/autograd.h"
#include "gtest/gtest.h"
#include "solvers/butcher_tableau.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace solvers {
namespace {

// y' = y.
DynamicsFn Exponential() {
  return [](double, const Tensor& z) { return Mul(z, 1.0); };
}

TEST(ExplicitRkTest, HandComputedStepsOnExponentialGrowth) {
  const double h = 0.1;
  const Tensor z = FromVector({1.0, 2.0}, {2});
  RkStep step;
  ExplicitRk euler(kEuler);
  euler.Step(Exponential(), 0.0, z, h, Tensor(), &step);
  EXPECT_EQ(ToVector(step.z_new), (std::vector<double>{1.1, 2.2}));
  EXPECT_FALSE(step.error.defined());

  // RK4 on y' = y is the degree-4 Taylor polynomial of e^h.
  ExplicitRk rk4(kRk4);
  rk4.Step(Exponential(), 0.0, z, h, Tensor(), &step);
  const double taylor = 1 + h + h * h / 2 + h * h * h / 6 + h * h * h * h / 24;
  EXPECT_NEAR(ToVector(step.z_new)[0], taylor, 1e-15);
  EXPECT_NEAR(ToVector(step.z_new)[1], 2 * taylor, 2e-15);
  EXPECT_EQ(step.k.size(), 4u);
  EXPECT_EQ(step.f_evals, 4);

  // Midpoint: 1 + h + h²/2 as well (order 2 on linear problems).
  ExplicitRk midpoint(kMidpoint);
  midpoint.Step(Exponential(), 0.0, z, h, Tensor(), &step);
  EXPECT_NEAR(ToVector(step.z_new)[0], 1 + h + h * h / 2, 1e-15);
}

TEST(ExplicitRkTest, Dopri5ErrorIsTheDifferenceToThePapersEmbeddedSolution) {
  // ẑ with b̂ written out from Dormand & Prince (1980), independent of b_error.
  const std::vector<double> b_hat = {5179.0 / 57600,    0.0,          7571.0 / 16695, 393.0 / 640,
                                     -92097.0 / 339200, 187.0 / 2100, 1.0 / 40};
  DynamicsFn f = [](double t, const Tensor& z) { return Add(Sin(z), Scalar(t)); };
  const Tensor z = FromVector({0.3, -1.2, 2.0}, {3});
  const double h = 0.25;
  ExplicitRk rk(kDopri5);
  RkStep step;
  rk.Step(f, 0.5, z, h, Tensor(), &step);
  std::vector<double> scaled(7);
  for (int i = 0; i < 7; ++i) scaled[i] = h * b_hat[i];
  const Tensor z_hat = LinearCombination(z, scaled, step.k);
  const std::vector<double> expected = ToVector(Sub(step.z_new, z_hat));
  const std::vector<double> error = ToVector(step.error);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(error[i], expected[i], 1e-15) << i;
  EXPECT_GT(std::abs(error[0]), 1e-12);  // a real estimate, not zero
}

TEST(ExplicitRkTest, FsalLastStageIsTheNextFirstStage) {
  int calls = 0;
  DynamicsFn f = [&calls](double t, const Tensor& z) {
    ++calls;
    return Sub(Scalar(std::cos(t)), z);
  };
  const Tensor z = FromVector({1.0, 0.5}, {2});
  for (const ButcherTableau* tab : {&kBosh3, &kDopri5, &kTsit5}) {
    ExplicitRk rk(*tab);
    RkStep step;
    calls = 0;
    rk.StepTo(f, 0.0, 0.2, z, Tensor(), &step);
    EXPECT_EQ(calls, tab->stages);
    EXPECT_EQ(step.f_evals, tab->stages);
    // k_s = f(t1, z_new), bit for bit.
    EXPECT_EQ(ToVector(step.k.back()), ToVector(f(0.2, step.z_new))) << tab->name;
    // Supplying k1 saves one evaluation.
    const Tensor k1 = step.k.back();
    calls = 0;
    rk.StepTo(f, 0.2, 0.4, step.z_new, k1, &step);
    EXPECT_EQ(calls, tab->stages - 1);
    EXPECT_EQ(step.f_evals, tab->stages - 1);
    EXPECT_TRUE(step.k.front().is_same(k1));
  }
  ExplicitRk dop853(kDopri8);
  RkStep step;
  calls = 0;
  dop853.Step(f, 0.0, z, 0.2, Tensor(), &step);
  EXPECT_EQ(calls, 12);
  EXPECT_TRUE(step.error.defined());
  EXPECT_TRUE(step.error_secondary.defined());
}

TEST(ExplicitRkTest, ComputeErrorFalseSkipsTheEstimate) {
  ExplicitRk rk(kDopri5);
  RkStep step;
  rk.Step(Exponential(), 0.0, FromVector({1.0}, {1}), 0.1, Tensor(), &step, false);
  EXPECT_FALSE(step.error.defined());
  EXPECT_NEAR(ToVector(step.z_new)[0], std::exp(0.1), 1e-8);
}

TEST(ExplicitRkTest, TensorStepSizeGivesTheSameStep) {
  DynamicsFn f = [](double t, const Tensor& z) { return Add(Tanh(z), Scalar(0.1 * t)); };
  const Tensor z = FromVector({0.3, -1.2, 2.0}, {3});
  for (const ButcherTableau* tab : AllTableaux()) {
    ExplicitRk rk(*tab);
    RkStep a, b;
    rk.Step(f, 0.5, z, -0.3, Tensor(), &a);
    rk.Step(f, 0.5, z, Scalar(-0.3), Tensor(), &b);
    const std::vector<double> za = ToVector(a.z_new), zb = ToVector(b.z_new);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(za[i], zb[i], 1e-15) << tab->name;
    if (tab->embedded()) {
      const std::vector<double> ea = ToVector(a.error), eb = ToVector(b.error);
      for (int i = 0; i < 3; ++i) EXPECT_NEAR(ea[i], eb[i], 1e-15) << tab->name;
    }
  }
}

TEST(ExplicitRkTest, ExceptionFromFPropagates) {
  DynamicsFn f = [](double t, const Tensor& z) -> Tensor {
    if (t > 0.05) throw std::domain_error("f: t too large");
    return z;
  };
  ExplicitRk rk(kRk4);
  RkStep step;
  EXPECT_THROW(rk.Step(f, 0.0, FromVector({1.0}, {1}), 0.1, Tensor(), &step), std::domain_error);
}

// ---------------------------------------------------------------------------------------
// Taped steps: gradients against central finite differences in float64.

// f(t, z) = tanh(w ⊙ z) + 0.1 z² + sin(t): parameters w, elementwise.
Tensor Rhs(double t, const Tensor& z, const Tensor& w) {
  return Add(Add(Tanh(Mul(w, z)), Mul(Square(z), 0.1)), Scalar(std::sin(t)));
}

// L = Σ v ⊙ z_new + Σ u ⊙ error after one step (h as a tensor when h_tensor defined).
Tensor StepLoss(const ButcherTableau& tab, const Tensor& z, const Tensor& w, double h,
                const Tensor& h_tensor) {
  ExplicitRk rk(tab);
  RkStep step;
  DynamicsFn f = [&w](double t, const Tensor& y) { return Rhs(t, y, w); };
  if (h_tensor.defined()) {
    rk.Step(f, 0.2, z, h_tensor, Tensor(), &step);
  } else {
    rk.Step(f, 0.2, z, h, Tensor(), &step);
  }
  const Tensor v = FromVector({0.7, -0.4, 1.3}, {3});
  Tensor loss = Sum(Mul(step.z_new, v));
  if (step.error.defined()) {
    loss = Add(loss, Sum(Mul(step.error, FromVector({100.0, 50.0, -80.0}, {3}))));
  }
  return loss;
}

TEST(ExplicitRkTapedTest, GradientsMatchFiniteDifferences) {
  const std::vector<double> z0 = {0.3, -1.2, 0.8};
  const std::vector<double> w0 = {0.5, 1.5, -0.7};
  const double h = 0.4;
  const double eps = 1e-6;
  // The taped step runs the taped-h overload; the finite differences the double one.
  for (const ButcherTableau* tab : AllTableaux()) {
    Tensor z = FromVector(z0, {3}).set_requires_grad(true);
    Tensor w = FromVector(w0, {3}).set_requires_grad(true);
    Tensor ht = Scalar(h).set_requires_grad(true);
    Tensor loss = StepLoss(*tab, z, w, h, ht);
    ASSERT_TRUE(loss.requires_grad());
    loss.backward();
    // Central differences of the untaped (double h) step, in z and w.
    const Tensor zc = FromVector(z0, {3}), wc = FromVector(w0, {3});
    const std::vector<std::vector<double>> fd = ::acaode::testing::CentralDifferences(
        [&] { return StepLoss(*tab, zc, wc, h, Tensor()).item(); }, {zc, wc}, eps);
    const std::vector<double> gz = ToVector(z.grad()), gw = ToVector(w.grad());
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(gz[i], fd[0][i], 1e-6 * std::max(1.0, std::abs(fd[0][i])))
          << tab->name << " z" << i;
      EXPECT_NEAR(gw[i], fd[1][i], 1e-6 * std::max(1.0, std::abs(fd[1][i])))
          << tab->name << " w" << i;
    }
  }
}

TEST(ExplicitRkTapedTest, StepSizeGradientMatchesFiniteDifferences) {
  // Autonomous f, so the taped-h path covers the whole dependence on h.
  const Tensor w = FromVector({0.5, 1.5, -0.7}, {3});
  DynamicsFn f = [&w](double, const Tensor& y) {
    return Add(Tanh(Mul(w, y)), Mul(Square(y), 0.1));
  };
  const Tensor v = FromVector({0.7, -0.4, 1.3}, {3});
  const Tensor u = FromVector({100.0, 50.0, -80.0}, {3});
  const Tensor z = FromVector({0.3, -1.2, 0.8}, {3});
  for (const ButcherTableau* tab : AllTableaux()) {
    ExplicitRk rk(*tab);
    RkStep step;
    auto loss_at = [&](const Tensor& h) {
      rk.Step(f, 0.0, z, h, Tensor(), &step);
      Tensor loss = Sum(Mul(step.z_new, v));
      if (step.error.defined()) loss = Add(loss, Sum(Mul(step.error, u)));
      return loss;
    };
    Tensor h = Scalar(0.4).set_requires_grad(true);
    loss_at(h).backward();
    Tensor h_fd = Scalar(0.4);
    const double fd =
        testing::CentralDifferences([&] { return loss_at(h_fd).item(); }, {h_fd})[0][0];
    EXPECT_NEAR(h.grad().item(), fd, 1e-6 * std::max(1.0, std::abs(fd))) << tab->name;
  }
}

TEST(ExplicitRkTapedTest, SameCodeWithTheTapeOffRecordsNothingAndGivesTheSameValues) {
  Tensor w = FromVector({0.5, 1.5, -0.7}, {3}).set_requires_grad(true);
  DynamicsFn f = [&w](double t, const Tensor& y) { return Rhs(t, y, w); };
  const Tensor z = FromVector({0.3, -1.2, 0.8}, {3});
  ExplicitRk rk(kDopri5);
  RkStep taped, untaped;
  rk.Step(f, 0.0, z, 0.3, Tensor(), &taped);
  {
    NoGradGuard no_grad;
    rk.Step(f, 0.0, z, 0.3, Tensor(), &untaped);
  }
  EXPECT_TRUE(taped.z_new.requires_grad());
  EXPECT_FALSE(untaped.z_new.requires_grad());
  EXPECT_FALSE(untaped.error.requires_grad());
  EXPECT_EQ(ToVector(taped.z_new), ToVector(untaped.z_new));
  EXPECT_EQ(ToVector(taped.error), ToVector(untaped.error));
}

}  // namespace
}  // namespace solvers
}  // namespace acaode
