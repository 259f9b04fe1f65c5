// Tableau invariants and order conditions for every method, and the registry.
#include "solvers/butcher_tableau.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace solvers {
namespace {

using ::testing::HasSubstr;

double Factorial(int k) { return k <= 1 ? 1.0 : k * Factorial(k - 1); }

// Σ_i w_i c_i^(k-1) (quadrature condition: = 1/k for k ≤ order).
double Quadrature(const ButcherTableau& t, const double* w, int k) {
  double s = 0;
  for (int i = 0; i < t.stages; ++i) s += w[i] * std::pow(t.c[i], k - 1);
  return s;
}

// w^T A^(k-1) 1 (the coefficient of z^k in the stability function: = 1/k! to order p).
double LinearCoefficient(const ButcherTableau& t, const double* w, int k) {
  std::vector<double> v(t.stages, 1.0);
  for (int m = 1; m < k; ++m) {
    std::vector<double> next(t.stages, 0.0);
    for (int i = 0; i < t.stages; ++i) {
      for (int j = 0; j < i; ++j) next[i] += t.a[i][j] * v[j];
    }
    v = next;
  }
  double s = 0;
  for (int i = 0; i < t.stages; ++i) s += w[i] * v[i];
  return s;
}

// Σ_i w_i c_i a_ij c_j — the order-4 tree condition = 1/8.
double Tree4(const ButcherTableau& t, const double* w) {
  double s = 0;
  for (int i = 0; i < t.stages; ++i) {
    for (int j = 0; j < i; ++j) s += w[i] * t.c[i] * t.a[i][j] * t.c[j];
  }
  return s;
}

class TableauTest : public ::testing::TestWithParam<const ButcherTableau*> {};

TEST_P(TableauTest, InvariantsHold) {
  const ButcherTableau& t = *GetParam();
  EXPECT_LE(TableauDefect(t), 1e-14) << t.name;
  EXPECT_GE(t.stages, 1);
  EXPECT_LE(t.stages, kMaxStages);
}

TEST_P(TableauTest, OrderConditionsOfTheSolution) {
  const ButcherTableau& t = *GetParam();
  // Quadrature and linear (stability polynomial) conditions hold up to the order and
  // the first one beyond it fails (for the linear one) so the claimed order is exact.
  for (int k = 1; k <= t.order; ++k) {
    EXPECT_NEAR(Quadrature(t, t.b, k), 1.0 / k, 1e-13) << t.name << " k=" << k;
    EXPECT_NEAR(LinearCoefficient(t, t.b, k), 1.0 / Factorial(k), 1e-13) << t.name << " k=" << k;
  }
  if (t.order >= 4) {
    EXPECT_NEAR(Tree4(t, t.b), 1.0 / 8, 1e-13) << t.name;
  }
}

TEST_P(TableauTest, EmbeddedSolutionHasItsOrder) {
  const ButcherTableau& t = *GetParam();
  if (!t.embedded()) {
    for (int i = 0; i < kMaxStages; ++i) EXPECT_EQ(t.b_error[i], 0.0);
    return;
  }
  // b̂ = b − b_error satisfies the conditions up to embedded_order, and not at the next.
  double b_hat[kMaxStages];
  for (int i = 0; i < kMaxStages; ++i) b_hat[i] = t.b[i] - t.b_error[i];
  for (int k = 1; k <= t.embedded_order; ++k) {
    EXPECT_NEAR(Quadrature(t, b_hat, k), 1.0 / k, 1e-13) << t.name << " k=" << k;
    EXPECT_NEAR(LinearCoefficient(t, b_hat, k), 1.0 / Factorial(k), 1e-13) << t.name << " k=" << k;
  }
  const int next = t.embedded_order + 1;
  const double defect = std::abs(LinearCoefficient(t, b_hat, next) - 1.0 / Factorial(next)) +
                        std::abs(Quadrature(t, b_hat, next) - 1.0 / next);
  EXPECT_GT(defect, 1e-6) << t.name << ": embedded solution has a higher order than claimed";
  EXPECT_LE(t.error_estimator_order, t.order);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, TableauTest, ::testing::ValuesIn(AllTableaux()),
                         [](const ::testing::TestParamInfo<const ButcherTableau*>& info) {
                           return std::string(info.param->name);
                         });

TEST(TableauTest, Dopri8ThirdOrderEstimator) {
  double b_hat3[kMaxStages];
  for (int i = 0; i < kMaxStages; ++i) b_hat3[i] = kDopri8.b[i] - kDopri8.b_error_secondary[i];
  for (int k = 1; k <= 3; ++k) {
    EXPECT_NEAR(Quadrature(kDopri8, b_hat3, k), 1.0 / k, 1e-13) << k;
    EXPECT_NEAR(LinearCoefficient(kDopri8, b_hat3, k), 1.0 / Factorial(k), 1e-13) << k;
  }
  EXPECT_TRUE(kDopri8.has_secondary_error());
  EXPECT_FALSE(kDopri5.has_secondary_error());
}

TEST(TableauTest, FsalIsDerivedFromTheData) {
  EXPECT_TRUE(kBosh3.fsal());
  EXPECT_TRUE(kDopri5.fsal());
  EXPECT_TRUE(kTsit5.fsal());
  EXPECT_FALSE(kEuler.fsal());
  EXPECT_FALSE(kHeun.fsal());  // c_last = 1 but the last row of a != b
  EXPECT_FALSE(kHeunEuler.fsal());
  EXPECT_FALSE(kRk4.fsal());
  EXPECT_FALSE(kDopri8.fsal());
  ButcherTableau broken = MakeDopri5();
  broken.a[6][0] += 1e-3;  // last row no longer equals b
  EXPECT_FALSE(broken.fsal());
}

TEST(TableauTest, DefectDetectsBrokenTables) {
  ButcherTableau t = MakeRk4();
  t.b[0] += 1e-6;
  EXPECT_GT(TableauDefect(t), 0.5e-6);
  t = MakeDopri5();
  t.a[3][1] += 1e-3;  // row sum no longer c_3
  EXPECT_GT(TableauDefect(t), 0.5e-3);
  t = MakeDopri5();
  t.a[2][2] = 0.1;  // not explicit
  EXPECT_GE(TableauDefect(t), 0.1);
  t = MakeBosh3();
  t.b_error[0] += 1e-4;
  EXPECT_GT(TableauDefect(t), 0.5e-4);
}

TEST(FindTableauTest, CanonicalNamesAndAliases) {
  for (const ButcherTableau* t : AllTableaux()) {
    auto found = FindTableau(t->name);
    ASSERT_TRUE(found.ok()) << t->name;
    EXPECT_EQ(*found, t);
  }
  EXPECT_EQ(*FindTableau("rk12"), &kHeunEuler);
  EXPECT_EQ(*FindTableau("rk23"), &kBosh3);
  EXPECT_EQ(*FindTableau("rk45"), &kDopri5);
  EXPECT_EQ(*FindTableau("dop853"), &kDopri8);
}

TEST(FindTableauTest, UnknownMethodNamesItAndTheValidOnes) {
  EXPECT_THAT(FindTableau("rk99"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("\"rk99\""), HasSubstr("dopri5"),
                                        HasSubstr("rk45 = dopri5"), HasSubstr("tsit5"))));
}

}  // namespace
}  // namespace solvers
}  // namespace acaode
