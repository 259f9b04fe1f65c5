// One convergence-order test over all tableaux: fixed steps h = 2^-k on y' = A y over
// [0, 2], reference exp(2A) y0 (Eigen's matrix exponential); the least-squares slope of
// log(error) against log(h) must be within ±0.3 of the method's order.
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "solvers/butcher_tableau.h"
#include "solvers/integrate.h"
#include "tests/solvers/problems.h"

namespace acaode {
namespace solvers {
namespace testing {
namespace {

struct Case {
  const ButcherTableau* tableau;
  int k_min;  // h from 2^-k_min ...
  int k_max;  // ... to 2^-k_max: errors well above round-off (~1e-14) and in the
              // asymptotic regime
};

// Ranges chosen from the error table of each method (printed by this test on failure):
// dopri8 reaches round-off at h = 1/16, so it uses h = 1/2 .. 1/8; tsit5's leading (z^6)
// error coefficient on linear problems is tiny, so for h ≥ 1/16 the h^6 term dominates
// (apparent order 5.6) and the asymptotic range is h = 1/32 .. 1/128 (errors 1e-10..1e-13).
const Case kCases[] = {
    {&kEuler, 4, 10}, {&kMidpoint, 4, 10}, {&kHeun, 4, 10}, {&kRk4, 2, 8},    {&kHeunEuler, 4, 10},
    {&kBosh3, 2, 8},  {&kDopri5, 2, 6},    {&kTsit5, 5, 7}, {&kDopri8, 1, 3},
};

class ConvergenceTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConvergenceTest, FittedSlopeMatchesOrder) {
  const Case& c = GetParam();
  const TestProblem p = GetProblem(Problem::kLinear);
  const double t_end = 2.0;
  const std::vector<double> exact = LinearExact(p.y0, t_end);
  std::vector<double> hs, errors;
  std::string table;
  for (int k = c.k_min; k <= c.k_max; ++k) {
    IntegrateOptions options;
    options.method = c.tableau->name;
    options.step_size = std::ldexp(1.0, -k);
    auto sol = Integrate(p.f, p.z0(), {0.0, t_end}, options);
    ASSERT_TRUE(sol.ok()) << sol.status();
    // A fixed grid takes exactly the steps asked for.
    EXPECT_EQ(sol->stats.accepted_steps, static_cast<int64_t>(std::ldexp(t_end, k)));
    EXPECT_EQ(sol->stats.rejected_steps, 0);
    hs.push_back(options.step_size);
    errors.push_back(MaxAbsDiff(ToVector(sol->ys[1]), exact));
    table += " h=2^-" + std::to_string(k) + ": " + std::to_string(errors.back());
  }
  const double slope = LogLogSlope(hs, errors);
  EXPECT_NEAR(slope, c.tableau->order, 0.3) << c.tableau->name << table;
  RecordProperty("fitted_order", std::to_string(slope));
  std::printf("[ order ] %-10s expected %d fitted %.3f\n", c.tableau->name, c.tableau->order,
              slope);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, ConvergenceTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.tableau->name);
                         });

// The embedded solution b̂ converges at its own (lower) order: z_new − error is ẑ_new.
TEST(ConvergenceTest, EmbeddedSolutionsConvergeAtTheirOrder) {
  const TestProblem p = GetProblem(Problem::kLinear);
  for (const ButcherTableau* tab : AllTableaux()) {
    if (!tab->embedded()) continue;
    ExplicitRk rk(*tab);
    RkStep step;
    std::vector<double> hs, local_errors;
    // Local error of ẑ from the exact state: O(h^(embedded_order + 1)).
    for (int k = 3; k <= 6; ++k) {
      const double h = std::ldexp(1.0, -k);
      rk.Step(p.f, 0.0, p.z0(), h, Tensor(), &step);
      std::vector<double> z_hat = ToVector(step.z_new);
      const std::vector<double> e = ToVector(step.error);
      for (size_t i = 0; i < z_hat.size(); ++i) z_hat[i] -= e[i];
      hs.push_back(h);
      local_errors.push_back(MaxAbsDiff(z_hat, LinearExact(p.y0, h)));
    }
    EXPECT_NEAR(LogLogSlope(hs, local_errors), tab->embedded_order + 1, 0.3) << tab->name;
  }
}

}  // namespace
}  // namespace testing
}  // namespace solvers
}  // namespace acaode
