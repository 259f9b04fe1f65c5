// Dense output: each interpolant's local order against the exact solution of y' = A y,
// and Solution::Evaluate through Integrate (forward, backward, errors).
#include "solvers/dense_output.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "autograd/autograd.h"
#include "gtest/gtest.h"
#include "solvers/integrate.h"
#include "tests/solvers/problems.h"

namespace acaode {
namespace solvers {
namespace testing {
namespace {

// Local interpolation error at θ (one step of size h from the exact state at t = 0):
// |p(θh) − exp(Aθh) y0|. For an interpolant of order r it is O(h^(r+1)).
double LocalInterpolationError(const ButcherTableau& tab, InterpolantKind kind, double h,
                               double theta) {
  const TestProblem p = GetProblem(Problem::kLinear);
  ExplicitRk rk(tab);
  RkStep step;
  rk.Step(p.f, 0.0, p.z0(), h, Tensor(), &step);
  DenseSegment s{0.0, h, p.z0(), step.z_new, {}};
  if (kind == InterpolantKind::kHermite) {
    s.k = {step.k.front(), p.f(h, step.z_new)};
  } else {
    s.k = step.k;
    if (kind == InterpolantKind::kDop853) {
      Dop853ExtendStages(p.f, 0.0, h, p.z0(), p.f(h, step.z_new), &s.k);
    }
  }
  return MaxAbsDiff(ToVector(InterpolateSegment(kind, s, theta * h)), LinearExact(p.y0, theta * h));
}

struct OrderCase {
  const ButcherTableau* tableau;
  InterpolantKind kind;
  int local_order;  // interpolant order + 1
  int k_min;        // h = 2^-k_min .. 2^-k_max: asymptotic and above round-off
  int k_max;
};

TEST(DenseOutputTest, InterpolantsHaveTheirOrder) {
  const OrderCase cases[] = {
      {&kDopri5, InterpolantKind::kDopri5, 5, 4, 7},  // Shampine: 4th order
      {&kTsit5, InterpolantKind::kTsit5, 5, 4, 7},    // Tsitouras: 4th order
      {&kRk4, InterpolantKind::kHermite, 4, 4, 7},    // cubic Hermite: 3rd order
      {&kDopri8, InterpolantKind::kDop853, 8, 1, 3},  // Hairer: 7th order
  };
  for (const OrderCase& c : cases) {
    for (double theta : {0.3, 0.5, 0.77}) {
      std::vector<double> hs, errors;
      for (int k = c.k_min; k <= c.k_max; ++k) {
        const double h = std::ldexp(1.0, -k);
        hs.push_back(h);
        errors.push_back(LocalInterpolationError(*c.tableau, c.kind, h, theta));
      }
      const double slope = LogLogSlope(hs, errors);
      EXPECT_NEAR(slope, c.local_order, 0.3) << c.tableau->name << " θ=" << theta;
      std::printf("[ dense ] %-7s θ=%.2f local order %.2f (expected %d)\n", c.tableau->name, theta,
                  slope, c.local_order);
    }
  }
}

TEST(DenseOutputTest, InterpolantsMatchTheStepAtBothEnds) {
  const TestProblem p = GetProblem(Problem::kVanDerPol);
  for (auto [tab, kind] :
       {std::pair{&kDopri5, InterpolantKind::kDopri5}, std::pair{&kTsit5, InterpolantKind::kTsit5},
        std::pair{&kBosh3, InterpolantKind::kHermite}}) {
    ExplicitRk rk(*tab);
    RkStep step;
    rk.StepTo(p.f, 0.5, 0.8, p.z0(), Tensor(), &step);
    DenseSegment s{0.5, 0.8, p.z0(), step.z_new, {}};
    s.k = kind == InterpolantKind::kHermite ? std::vector<Tensor>{step.k.front(), step.k.back()}
                                            : step.k;
    EXPECT_LT(MaxAbsDiff(ToVector(InterpolateSegment(kind, s, 0.5)), p.y0), 1e-15);
    EXPECT_LT(MaxAbsDiff(ToVector(InterpolateSegment(kind, s, 0.8)), ToVector(step.z_new)), 1e-14)
        << tab->name;
  }
}

TEST(DenseOutputTest, SolutionEvaluateAcrossTheGrid) {
  const TestProblem p = GetProblem(Problem::kLinear);
  for (const char* method : {"dopri5", "tsit5", "bosh3", "dopri8", "heun_euler"}) {
    IntegrateOptions options;
    options.method = method;
    options.rtol = 1e-10;
    options.atol = 1e-10;
    options.dense_output = true;
    options.max_steps = 1000000;
    auto sol = Integrate(p.f, p.z0(), {0.0, 2.0, 5.0}, options);
    ASSERT_TRUE(sol.ok()) << sol.status();
    EXPECT_EQ(static_cast<int64_t>(sol->dense.segments().size()), sol->stats.accepted_steps);
    double worst = 0;
    for (int i = 0; i <= 200; ++i) {
      const double t = 5.0 * i / 200;
      auto z = sol->Evaluate(t);
      ASSERT_TRUE(z.ok()) << z.status();
      worst = std::max(worst, MaxAbsDiff(ToVector(*z), LinearExact(p.y0, t)));
    }
    // Between steps the interpolant is a little less accurate than the steps themselves.
    EXPECT_LT(worst, 1e-7) << method;
    EXPECT_EQ(ToVector(*sol->Evaluate(2.0)), ToVector(sol->ys[1])) << method;
    std::printf("[ dense ] %-10s max error over [0, 5] at rtol = atol = 1e-10: %.1e\n", method,
                worst);
  }
}

TEST(DenseOutputTest, BackwardInTimeAndErrors) {
  const TestProblem p = GetProblem(Problem::kLinear);
  IntegrateOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-10;
  options.dense_output = true;
  auto sol = Integrate(p.f, FromVector(LinearExact(p.y0, 3.0), {3}), {3.0, 0.0}, options);
  ASSERT_TRUE(sol.ok()) << sol.status();
  for (double t : {2.9, 1.7, 0.05}) {
    EXPECT_LT(MaxAbsDiff(ToVector(*sol->Evaluate(t)), LinearExact(p.y0, t)), 1e-8) << t;
  }
  EXPECT_EQ(sol->Evaluate(3.5).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sol->Evaluate(-0.1).status().code(), absl::StatusCode::kOutOfRange);
  options.dense_output = false;
  auto plain = Integrate(p.f, p.z0(), {0.0, 1.0}, options);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Evaluate(0.5).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DenseOutputTest, InterpolantForPicksTheMethodsOwn) {
  EXPECT_EQ(InterpolantFor(kDopri5), InterpolantKind::kDopri5);
  EXPECT_EQ(InterpolantFor(kTsit5), InterpolantKind::kTsit5);
  EXPECT_EQ(InterpolantFor(kDopri8), InterpolantKind::kDop853);
  EXPECT_EQ(InterpolantFor(kEuler), InterpolantKind::kHermite);
}

}  // namespace
}  // namespace testing
}  // namespace solvers
}  // namespace acaode
