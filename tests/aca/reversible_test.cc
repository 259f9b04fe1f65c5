// MALI (gradient kMali, aca/reversible.h): gradients against the analytic ones on
// dz/dt = A z, against plain backprop through the same ALF steps, against finite
// differences; reconstruction of z0 by inversion (van der Pol) versus the continuous
// adjoint's; undamped growth versus damped stability on dz/dt = −10 z; constant
// checkpoint memory; option validation.
#include "aca/reversible.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/error.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "solvers/alf.h"
#include "tests/aca/linear_oracle.h"
#include "tests/aca/test_mlp.h"
#include "tests/aca/test_util.h"
#include "tests/autograd/grad_check.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using ::testing::AllOf;
using testing::FromEigen;
using ::testing::HasSubstr;
using testing::LinearOracle;
using testing::MaxRelErr;
using testing::RelErr;
using testing::TestMlp;
using testing::ToEigen;

OdeintOptions MaliOptions(double tol = 1e-6, double damping = 0.0, double step_size = 0.0) {
  OdeintOptions options;
  options.method = "alf";
  options.gradient = GradientMethod::kMali;
  options.rtol = options.atol = tol;
  options.mali_damping = damping;
  options.step_size = step_size;
  return options;
}

struct Grads {
  std::vector<double> z0;
  std::vector<std::vector<double>> params;
};

Grads Collect(const Tensor& z0, const std::vector<Tensor>& params) {
  Grads g;
  g.z0 = ToVector(z0.grad());
  for (const Tensor& p : params) g.params.push_back(ToVector(p.grad()));
  return g;
}

void ZeroGrads(Tensor& z0, std::vector<Tensor>& params) {
  z0.zero_grad();
  for (Tensor& p : params) p.zero_grad();
}

double WorstRelDiff(const Grads& a, const Grads& b) {
  double worst = MaxRelErr(a.z0, b.z0);
  for (size_t j = 0; j < a.params.size(); ++j) {
    worst = std::max(worst, MaxRelErr(a.params[j], b.params[j]));
  }
  return worst;
}

// L = Σ_k sin(k + 1) Σ ys[k]².
Tensor Loss(const std::vector<Tensor>& ys) {
  Tensor loss = Scalar(0.0);
  for (size_t k = 0; k < ys.size(); ++k) {
    loss = Add(loss, Mul(Sum(Square(ys[k])), std::sin(static_cast<double>(k) + 1.0)));
  }
  return loss;
}

std::vector<Tensor> Rows(const Tensor& ys, size_t n) {
  std::vector<Tensor> rows;
  for (size_t k = 0; k < n; ++k) rows.push_back(ys[k]);
  return rows;
}

// ---------------------------------------------------------------------------------------
// dz/dt = A z against expm and its Fréchet derivative.

TEST(ReversibleTest, LinearGradientMatchesAnalytic) {
  Eigen::MatrixXd a_value(2, 2);
  a_value << -0.5, 1.2, -0.8, 0.1;
  Eigen::MatrixXd z0_value(3, 2);
  z0_value << 1.0, -0.5, 0.3, 0.7, -1.2, 0.4;
  const std::vector<double> ts = {0.0, 0.5, 1.0, 2.0};
  std::vector<Eigen::MatrixXd> w;
  for (size_t k = 0; k < ts.size(); ++k) {
    Eigen::MatrixXd m(3, 2);
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 2; ++j) m(i, j) = std::sin(1.0 + 0.7 * k + 1.3 * i - 0.4 * j);
    }
    w.push_back(m);
  }
  LinearOracle oracle(a_value, ts);
  const std::vector<double> tols = {1e-4, 1e-6, 1e-8};
  std::vector<double> err_z0, err_a;
  for (double tol : tols) {
    Tensor a = FromEigen(a_value).set_requires_grad(true);
    Tensor z0 = FromEigen(z0_value).set_requires_grad(true);
    DynamicsFn f = [&a](double, const Tensor& z) { return MatMul(z, Transpose(a, 0, 1)); };
    absl::StatusOr<OdeintResult> r = Odeint(f, {a}, z0, ts, MaliOptions(tol));
    ASSERT_THAT(r.status(), IsOk());
    std::vector<Tensor> wt;
    for (const auto& m : w) wt.push_back(FromEigen(m));
    Sum(Mul(r->ys, Stack(wt, 0))).backward();
    ASSERT_TRUE(r->stats->backward_done);
    err_z0.push_back(RelErr(ToEigen(z0.grad(), 3, 2), oracle.GradZ0(w)));
    err_a.push_back(RelErr(ToEigen(a.grad(), 2, 2), oracle.GradA(z0_value, w)));
    double err_ys = 0;
    const std::vector<Eigen::MatrixXd> exact = oracle.Z(z0_value);
    for (size_t k = 0; k < ts.size(); ++k) {
      err_ys = std::max(err_ys, RelErr(ToEigen(r->ys[k], 3, 2), exact[k]));
    }
    std::printf(
        "mali tol=%.0e  %lld steps (+%lld rejected)  dL/dz0 rel err %.3e  dL/dA rel "
        "err %.3e  ys %.3e  reconstruction |z0~ - z0| %.2e\n",
        tol, static_cast<long long>(r->stats->accepted_steps),
        static_cast<long long>(r->stats->rejected_steps), err_z0.back(), err_a.back(), err_ys,
        MaxRelErr(ToVector(r->stats->adjoint_reconstructed_z0), ToVector(z0.detach())));
    // Every output time is an accepted time.
    for (double t : ts) {
      EXPECT_NE(std::find(r->accepted_times.begin(), r->accepted_times.end(), t),
                r->accepted_times.end());
    }
    // Forward: v0, the first-step probe, one f per trial; backward: inverse + replay per
    // step, plus v0 = f(t0, z0).
    EXPECT_EQ(r->stats->forward_f_evals, 2 + r->stats->accepted_steps + r->stats->rejected_steps);
    EXPECT_EQ(r->stats->backward_f_evals, 2 * r->stats->accepted_steps + 1);
  }
  for (size_t i = 0; i < tols.size(); ++i) {
    EXPECT_LT(err_z0[i], 50 * tols[i]) << "tol " << tols[i];
    EXPECT_LT(err_a[i], 50 * tols[i]) << "tol " << tols[i];
  }
  EXPECT_LT(err_z0[2], err_z0[0] / 100);
  EXPECT_LT(err_a[2], err_a[0] / 100);
}

// Integration backward in time (decreasing ts) and a float32 solve.
TEST(ReversibleTest, BackwardInTimeMatchesAnalytic) {
  Eigen::MatrixXd a_value(2, 2);
  a_value << -0.3, 0.9, -0.7, 0.05;
  Eigen::MatrixXd z0_value(1, 2);
  z0_value << 0.8, -0.4;
  const std::vector<double> ts = {2.0, 1.2, 0.0};
  std::vector<Eigen::MatrixXd> w;
  for (size_t k = 0; k < ts.size(); ++k) {
    Eigen::MatrixXd m(1, 2);
    m << std::cos(1.0 + k), std::sin(0.5 + 2.0 * k);
    w.push_back(m);
  }
  Tensor a = FromEigen(a_value).set_requires_grad(true);
  Tensor z0 = FromEigen(z0_value).set_requires_grad(true);
  DynamicsFn f = [&a](double, const Tensor& z) { return MatMul(z, Transpose(a, 0, 1)); };
  absl::StatusOr<OdeintResult> r = Odeint(f, {a}, z0, ts, MaliOptions(1e-8));
  ASSERT_THAT(r.status(), IsOk());
  std::vector<Tensor> wt;
  for (const auto& m : w) wt.push_back(FromEigen(m));
  Sum(Mul(r->ys, Stack(wt, 0))).backward();
  LinearOracle oracle(a_value, ts);
  const double err_z0 = RelErr(ToEigen(z0.grad(), 1, 2), oracle.GradZ0(w));
  const double err_a = RelErr(ToEigen(a.grad(), 2, 2), oracle.GradA(z0_value, w));
  std::printf("backward in time: %lld steps, dL/dz0 rel err %.3e, dL/dA rel err %.3e\n",
              static_cast<long long>(r->stats->accepted_steps), err_z0, err_a);
  EXPECT_LT(err_z0, 1e-6);
  EXPECT_LT(err_a, 1e-6);
  EXPECT_GT(r->accepted_times[1], r->accepted_times[2]);
}

TEST(ReversibleTest, Float32GradientsMatchFloat64) {
  std::vector<std::vector<double>> grads;
  for (DType dtype : {DType::kFloat64, DType::kFloat32}) {
    TestMlp mlp(3, 8, 5, 1.0, dtype);
    std::vector<Tensor> params = mlp.parameters();
    Generator gen(6);
    Tensor z0 = RandNormal({2, 3}, 0.0, 1.0, gen, dtype).set_requires_grad(true);
    DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
    absl::StatusOr<OdeintResult> r =
        Odeint(f, params, z0, {0.0, 1.0}, MaliOptions(1e-5, 0.0, /*step_size=*/0.02));
    ASSERT_THAT(r.status(), IsOk());
    Sum(Square(r->ys)).backward();
    std::vector<double> g = ToVector(z0.grad());
    for (const Tensor& p : params) {
      const std::vector<double> gp = ToVector(p.grad());
      g.insert(g.end(), gp.begin(), gp.end());
    }
    grads.push_back(g);
  }
  const double err = MaxRelErr(grads[1], grads[0]);
  std::printf("float32 vs float64 MALI gradient: max rel diff %.3e\n", err);
  EXPECT_LT(err, 1e-4);
}

// ---------------------------------------------------------------------------------------
// MALI's gradient is that of the discrete ALF solution: equal to plain taped backprop
// through the same accepted steps, up to the inversion round-off.

struct ExactCase {
  double damping;
  double step_size;  // 0 = adaptive
};

// Damped: a fixed grid of 20 steps (the damped inversion loses 0.22 digits per step).
class ReversibleExactnessTest : public ::testing::TestWithParam<ExactCase> {};

TEST_P(ReversibleExactnessTest, EqualsBackpropThroughTheSameAlfSteps) {
  const double damping = GetParam().damping;
  TestMlp mlp(/*d=*/2, /*hidden=*/16, /*seed=*/7, /*scale=*/1.5);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(3);
  Tensor z0 = RandNormal({4, 2}, 0.0, 1.0, gen).set_requires_grad(true);
  const std::vector<double> ts = {0.0, 0.4, 1.1, 2.0};
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  absl::StatusOr<OdeintResult> r =
      Odeint(f, params, z0, ts, MaliOptions(1e-6, damping, GetParam().step_size));
  ASSERT_THAT(r.status(), IsOk());
  Loss(Rows(r->ys, ts.size())).backward();
  const Grads mali = Collect(z0, params);
  const std::vector<double> grid = r->accepted_times;
  ASSERT_GE(grid.size(), 21u);

  ZeroGrads(z0, params);
  solvers::AlfOptions alf;
  alf.eta = 1.0 - damping;
  solvers::AlfState s{ts[0], z0, f(ts[0], z0)};
  std::vector<Tensor> ys_ref = {z0};
  size_t k = 1;
  for (size_t i = 1; i < grid.size(); ++i) {
    s = solvers::AlfStep(f, s, grid[i] - grid[i - 1], alf);
    s.t = grid[i];
    if (k < ts.size() && grid[i] == ts[k]) {
      ys_ref.push_back(s.z);
      ++k;
    }
  }
  ASSERT_EQ(ys_ref.size(), ts.size());
  for (size_t j = 0; j < ts.size(); ++j) {
    EXPECT_EQ(ToVector(ys_ref[j].detach()), ToVector(r->ys[j].detach())) << "output " << j;
  }
  Loss(ys_ref).backward();
  const Grads ref = Collect(z0, params);
  const double worst = WorstRelDiff(mali, ref);
  std::printf(
      "damping %.2f: %zu ALF steps (+%lld rejected); MALI vs backprop of the same "
      "steps: max rel diff %.3e; replay max |diff| %.2e\n",
      damping, grid.size() - 1, static_cast<long long>(r->stats->rejected_steps), worst,
      r->stats->replay_max_abs_diff);
  EXPECT_LT(worst, 1e-9);
  EXPECT_LT(r->stats->replay_max_abs_diff, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Damping, ReversibleExactnessTest,
                         ::testing::Values(ExactCase{0.0, 0.0}, ExactCase{0.0, 0.1},
                                           ExactCase{0.2, 0.1}));

// A long damped solve: the inversion diverges, backward says so and writes no gradient.
TEST(ReversibleTest, LongDampedInversionIsRejectedInBackward) {
  TestMlp mlp(2, 16, 7, 1.5);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(3);
  Tensor z0 = RandNormal({4, 2}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, {0.0, 2.0}, MaliOptions(1e-6, 0.2));
  ASSERT_THAT(r.status(), IsOk());
  ASSERT_GT(r->stats->accepted_steps, 200);
  try {
    Sum(r->ys).backward();
    ADD_FAILURE() << "expected a RuntimeError";
  } catch (const RuntimeError& e) {
    std::printf("%s\n", e.what());
    EXPECT_THAT(e.what(), HasSubstr("mali_damping"));
  }
  EXPECT_FALSE(z0.grad().defined());
  for (const Tensor& p : params) EXPECT_FALSE(p.grad().defined());
}

// ---------------------------------------------------------------------------------------
// Central finite differences (float64) on a fixed grid, an MLP f with explicit t.

class ReversibleFiniteDifferenceTest : public ::testing::TestWithParam<double> {};

TEST_P(ReversibleFiniteDifferenceTest, FixedGridMatchesCentralDifferences) {
  const double damping = GetParam();
  TestMlp mlp(3, 8, 21);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(9);
  Tensor z0 = RandNormal({2, 3}, 0.0, 1.0, gen).set_requires_grad(true);
  const std::vector<double> ts = {0.0, 0.35, 1.0};
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  const OdeintOptions options = MaliOptions(1e-6, damping, /*step_size=*/0.05);
  auto loss_value = [&]() {
    NoGradGuard no_grad;
    absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, ts, options);
    EXPECT_THAT(r.status(), IsOk());
    return Loss(Rows(r->ys, ts.size())).item();
  };
  absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, ts, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->stats->accepted_steps, 20);  // 7 to t = 0.35, 13 to t = 1
  Loss(Rows(r->ys, ts.size())).backward();
  const Grads mali = Collect(z0, params);

  std::vector<Tensor> all = {z0};
  for (const Tensor& p : params) all.push_back(p);
  const std::vector<std::vector<double>> fd =
      ::acaode::testing::CentralDifferences(loss_value, all, /*h=*/1e-6);
  double worst = 0;
  for (size_t j = 0; j < all.size(); ++j) {
    worst = std::max(worst, MaxRelErr(j == 0 ? mali.z0 : mali.params[j - 1], fd[j]));
  }
  std::printf("damping %.2f: MALI vs central differences, max rel err %.3e\n", damping, worst);
  EXPECT_LT(worst, 1e-7);
}

INSTANTIATE_TEST_SUITE_P(Damping, ReversibleFiniteDifferenceTest, ::testing::Values(0.0, 0.3, 0.7));

// ---------------------------------------------------------------------------------------
// Reverse accuracy on van der Pol (μ = 0.15, y(0) = (2, 0), T = 20): inverting the ALF
// steps recovers z0 to round-off; the continuous adjoint's backward solve does not.

constexpr double kMu = 0.15;

Tensor VanDerPol(double, const Tensor& z) {
  const Tensor y1 = z.slice(0, 0, 1);
  const Tensor y2 = z.slice(0, 1, 2);
  return Concat({y2, Sub(Mul(Sub(kMu, Square(y1)), y2), y1)}, 0);
}

TEST(ReversibleTest, VanDerPolReconstructionBeatsTheAdjoint) {
  for (double tol : {1e-5, 1e-7}) {  // the adjoint's tolerance (MALI: fixed grid)
    Tensor z0 = FromVector({2.0, 0.0}, {2}).set_requires_grad(true);
    // Undamped ALF needs small steps here (reversible.h: the contraction onto the limit
    // cycle feeds its parasitic mode): a fixed grid of 20000 steps.
    absl::StatusOr<OdeintResult> r =
        Odeint(VanDerPol, {}, z0, {0.0, 20.0}, MaliOptions(tol, 0.0, /*step_size=*/1e-3));
    ASSERT_THAT(r.status(), IsOk());
    Sum(r->ys[1]).backward();
    const std::vector<double> rec = ToVector(r->stats->adjoint_reconstructed_z0);
    const double mali_miss = std::hypot(rec[0] - 2.0, rec[1]);

    Tensor z0_adj = FromVector({2.0, 0.0}, {2}).set_requires_grad(true);
    OdeintOptions adjoint;
    adjoint.rtol = adjoint.atol = tol;
    adjoint.gradient = GradientMethod::kAdjoint;
    absl::StatusOr<OdeintResult> ra = Odeint(VanDerPol, {}, z0_adj, {0.0, 20.0}, adjoint);
    ASSERT_THAT(ra.status(), IsOk());
    Sum(ra->ys[1]).backward();
    const std::vector<double> rec_adj = ToVector(ra->stats->adjoint_reconstructed_z0);
    const double adjoint_miss = std::hypot(rec_adj[0] - 2.0, rec_adj[1]);
    std::printf(
        "tol %.0e: MALI %lld ALF steps, |z0~ - z0| = %.3e; continuous adjoint "
        "(dopri5) |z0~ - z0| = %.3e\n",
        tol, static_cast<long long>(r->stats->accepted_steps), mali_miss, adjoint_miss);
    EXPECT_LT(mali_miss, 1e-10);
    EXPECT_GT(adjoint_miss, 1e-9);
    EXPECT_GT(adjoint_miss, 100 * mali_miss);
    // The forward solution is accurate (reference: scipy solve_ivp at rtol = atol = 1e-12).
    const std::vector<double> end = ToVector(r->ys[1]);
    EXPECT_NEAR(end[0], 0.78106218, 1e-4);
    EXPECT_NEAR(end[1], 0.12882579, 1e-4);
  }
}

// ---------------------------------------------------------------------------------------
// dz/dt = −10 z on a fixed grid h = 0.1 (λh = −1): undamped ALF grows by its spectral
// radius 1 + √2 per step; damping d = 0.6 (η = 0.4, damped for λh > −3) decays; d = 0.2
// (η = 0.8, damped only for λh > −0.5) still grows. Gradients stay finite where stable.

TEST(ReversibleTest, UndampedBlowsUpOnDecayDampedStaysBounded) {
  DynamicsFn f = [](double, const Tensor& z) { return Mul(z, -10.0); };
  const std::vector<double> ts = {0.0, 3.0};
  struct Case {
    double damping;
    bool stable;
  };
  for (const Case c : {Case{0.0, false}, Case{0.2, false}, Case{0.6, true}}) {
    const double radius = solvers::AlfSpectralRadius(1.0 - c.damping, {-1.0, 0.0});
    EXPECT_EQ(radius < 1.0, c.stable) << "damping " << c.damping << " radius " << radius;
    Tensor z0 = FromVector({1.0, -0.5}, {2}).set_requires_grad(true);
    absl::StatusOr<OdeintResult> r =
        Odeint(f, {}, z0, ts, MaliOptions(1e-6, c.damping, /*step_size=*/0.1));
    ASSERT_THAT(r.status(), IsOk());
    ASSERT_EQ(r->stats->accepted_steps, 30);
    const std::vector<double> end = ToVector(r->ys[1]);
    const double growth = std::max(std::abs(end[0]), std::abs(end[1]));
    std::printf("damping %.1f: spectral radius %.4f, max |z(3)| = %.3e (exact %.1e)\n", c.damping,
                radius, growth, std::exp(-30.0));
    if (c.stable) {
      EXPECT_LT(growth, 1e-2);
      Sum(r->ys[1]).backward();
      // d z(3)/d z0 of the damped discrete solution: bounded and finite.
      for (double g : ToVector(z0.grad())) {
        EXPECT_TRUE(std::isfinite(g));
        EXPECT_LT(std::abs(g), 1.0);
      }
    } else {
      // Growth like radius^30 (up to the projection on the parasitic eigenvector).
      EXPECT_GT(growth, 1e-3 * std::pow(radius, 30)) << "damping " << c.damping;
      EXPECT_GT(growth, 1e3);
    }
  }
}

// Adaptive undamped ALF on the same decay: the controller cannot follow the parasitic
// mode; it either fails with a named error or its states grow, never a silent decay.
TEST(ReversibleTest, AdaptiveUndampedOnDecayIsNotSilentlyWrong) {
  DynamicsFn f = [](double, const Tensor& z) { return Mul(z, -10.0); };
  Tensor z0 = FromVector({1.0}, {1}).set_requires_grad(true);
  OdeintOptions options = MaliOptions(1e-6);
  options.max_steps = 20000;
  absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, {0.0, 3.0}, options);
  if (!r.ok()) {
    std::printf("adaptive undamped on z' = -10 z: %s\n", r.status().ToString().c_str());
    EXPECT_THAT(r.status().message(), HasSubstr("mali_damping"));
  } else {
    const double end = std::abs(ToVector(r->ys[1])[0]);
    std::printf("adaptive undamped on z' = -10 z: %lld steps, |z(3)| = %.3e (exact %.1e)\n",
                static_cast<long long>(r->stats->accepted_steps), end, std::exp(-30.0));
    EXPECT_GT(r->stats->accepted_steps, 100);
  }
}

// ---------------------------------------------------------------------------------------
// Memory: MALI keeps z_N and v_N only, whatever the horizon; its tape holds one step.

TEST(ReversibleTest, CheckpointBytesConstantInTheHorizon) {
  TestMlp mlp(4, 32, 3);
  Generator gen(4);
  Tensor z0 = RandNormal({16, 4}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  std::vector<int64_t> steps;
  std::vector<size_t> peak;
  for (double horizon : {2.0, 4.0, 8.0}) {
    absl::StatusOr<OdeintResult> r =
        Odeint(f, mlp.parameters(), z0, {0.0, horizon}, MaliOptions(1e-5));
    ASSERT_THAT(r.status(), IsOk());
    Sum(r->ys).backward();
    const SolveStats& s = *r->stats;
    std::printf(
        "T=%4.1f mali steps %5lld (+%lld rejected)  checkpoints %zu bytes  peak tape "
        "%zu bytes\n",
        horizon, static_cast<long long>(s.accepted_steps), static_cast<long long>(s.rejected_steps),
        s.checkpoint_bytes, s.peak_tape_bytes);
    EXPECT_EQ(s.checkpoint_bytes, 2 * z0.nbytes());
    steps.push_back(s.accepted_steps);
    peak.push_back(s.peak_tape_bytes);
  }
  ASSERT_GT(steps[2], 2 * steps[0]);
  for (size_t p : peak) {
    EXPECT_GT(p, 0u);
    EXPECT_LE(static_cast<double>(p), 1.05 * static_cast<double>(peak[0]));
  }
}

// ---------------------------------------------------------------------------------------
// Options.

TEST(ReversibleOptionsTest, BadOptionsAreNamed) {
  Tensor z0 = FromVector({1.0}, {1}).set_requires_grad(true);
  DynamicsFn f = [](double, const Tensor& z) { return Mul(z, -1.0); };
  auto status_of = [&](const OdeintOptions& o) {
    return Odeint(f, {}, z0, {0.0, 1.0}, o).status();
  };

  EXPECT_THAT(status_of(MaliOptions(1e-6, 0.5)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("mali_damping"), HasSubstr("0.5"))));
  EXPECT_THAT(status_of(MaliOptions(1e-6, 1.0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mali_damping")));
  EXPECT_THAT(status_of(MaliOptions(1e-6, -0.1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mali_damping")));
  OdeintOptions dopri = MaliOptions();
  dopri.method = "dopri5";
  EXPECT_THAT(status_of(dopri),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("method"), HasSubstr("dopri5"), HasSubstr("alf"))));
  OdeintOptions alf_aca = MaliOptions();
  alf_aca.gradient = GradientMethod::kAca;
  EXPECT_THAT(status_of(alf_aca),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("method = \"alf\"")));
  OdeintOptions damped_aca;
  damped_aca.mali_damping = 0.3;
  EXPECT_THAT(status_of(damped_aca),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mali_damping")));
  // Sound options work, including a single output time and float32.
  EXPECT_THAT(status_of(MaliOptions(1e-6, 0.3)), IsOk());
  absl::StatusOr<OdeintResult> single = Odeint(f, {}, z0, {0.5}, MaliOptions());
  ASSERT_THAT(single.status(), IsOk());
  Sum(single->ys).backward();
  EXPECT_EQ(ToVector(z0.grad()), std::vector<double>({1.0}));
}

TEST(ReversibleTest, UserExceptionInBackwardWritesNoGradient) {
  Tensor w = FromVector({-0.7}, {1}).set_requires_grad(true);
  int calls = 0;
  bool armed = false;
  DynamicsFn f = [&](double, const Tensor& z) {
    ++calls;
    if (armed && calls > 5) throw std::runtime_error("boom from f");
    return Mul(z, w);
  };
  Tensor z0 = FromVector({1.0, 2.0}, {2}).set_requires_grad(true);
  absl::StatusOr<OdeintResult> r = Odeint(f, {w}, z0, {0.0, 1.0}, MaliOptions());
  ASSERT_THAT(r.status(), IsOk());
  armed = true;
  calls = 0;
  EXPECT_THROW(Sum(r->ys).backward(), std::runtime_error);
  EXPECT_FALSE(w.grad().defined());
  EXPECT_FALSE(z0.grad().defined());
}

}  // namespace
}  // namespace aca
}  // namespace acaode
