// Step-size controllers: factors against the formulas with hand-picked numbers.
#include "solvers/controller.h"

#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace acaode {
namespace solvers {
namespace {

using ::testing::HasSubstr;

TEST(IntegralControllerTest, FactorsFollowSafetyTimesNormToMinusOneOverQPlusOne) {
  StepSizeController c(ControllerOptions(), /*error_estimator_order=*/4);  // exponent 1/5
  StepDecision d = c.Decide(0.5);
  EXPECT_TRUE(d.accept);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(0.5, -0.2), 1e-15);
  d = c.Decide(2.0);
  EXPECT_FALSE(d.accept);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(2.0, -0.2), 1e-15);
  // Accepted right after a rejection: no growth.
  d = c.Decide(0.5);
  EXPECT_TRUE(d.accept);
  EXPECT_EQ(d.factor, 1.0);
  // ... and growth again on the next step.
  d = c.Decide(0.5);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(0.5, -0.2), 1e-15);
  // Bounds.
  EXPECT_EQ(c.Decide(0.0).factor, 10.0);
  EXPECT_EQ(c.Decide(1e-30).factor, 10.0);
  d = c.Decide(1e10);
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(d.factor, 0.2);
  // Exactly 1 is accepted; NaN and inf are rejected with the minimum factor.
  EXPECT_TRUE(c.Decide(1.0).accept);
  d = c.Decide(std::numeric_limits<double>::quiet_NaN());
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(d.factor, 0.2);
  d = c.Decide(std::numeric_limits<double>::infinity());
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(d.factor, 0.2);
}

TEST(IntegralControllerTest, ExponentUsesTheErrorEstimatorOrder) {
  StepSizeController bosh3(ControllerOptions(), 2);
  EXPECT_NEAR(bosh3.Decide(0.1).factor, 0.9 * std::pow(0.1, -1.0 / 3), 1e-15);
  StepSizeController dop853(ControllerOptions(), 7);
  EXPECT_NEAR(dop853.Decide(0.1).factor, 0.9 * std::pow(0.1, -1.0 / 8), 1e-15);
}

TEST(PiControllerTest, UsesThePreviousAcceptedNorm) {
  ControllerOptions o;
  o.kind = ControllerKind::kPI;
  StepSizeController c(o, 4);
  const double alpha = 0.2 - 0.75 * 0.04;
  StepDecision d = c.Decide(0.5);
  EXPECT_TRUE(d.accept);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(0.5, -alpha) * std::pow(1e-4, 0.04), 1e-15);
  d = c.Decide(0.25);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(0.25, -alpha) * std::pow(0.5, 0.04), 1e-15);
  // Rejections use the integral rule and leave the history alone.
  d = c.Decide(4.0);
  EXPECT_FALSE(d.accept);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(4.0, -0.2), 1e-15);
  d = c.Decide(0.8);
  EXPECT_EQ(d.factor, std::min(1.0, 0.9 * std::pow(0.8, -alpha) * std::pow(0.25, 0.04)));
  c.Reset();
  d = c.Decide(0.5);
  EXPECT_NEAR(d.factor, 0.9 * std::pow(0.5, -alpha) * std::pow(1e-4, 0.04), 1e-15);
}

TEST(ControllerTest, FactorTensorIsTheClampedIntegralRuleAndDifferentiable) {
  StepSizeController c(ControllerOptions(), 4);
  Tensor e = Scalar(0.3).set_requires_grad(true);
  Tensor factor = c.FactorTensor(e);
  EXPECT_NEAR(factor.item(), 0.9 * std::pow(0.3, -0.2), 1e-15);
  factor.backward();
  // d/de 0.9 e^(-1/5) = -0.18 e^(-6/5).
  EXPECT_NEAR(e.grad().item(), -0.18 * std::pow(0.3, -1.2), 1e-13);
  EXPECT_EQ(c.FactorTensor(Scalar(1e-30)).item(), 10.0);
  EXPECT_EQ(c.FactorTensor(Scalar(1e10)).item(), 0.2);
}

TEST(ControllerTest, ValidateNamesTheField) {
  EXPECT_TRUE(ControllerOptions().Validate().ok());
  ControllerOptions o;
  o.min_factor = 1.5;
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("controller.min_factor = 1.5"));
  o = ControllerOptions();
  o.max_factor = 0.5;
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("controller.max_factor = 0.5"));
  o = ControllerOptions();
  o.safety = 1.2;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o = ControllerOptions();
  o.pi_beta = 0.3;
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("controller.pi_beta = 0.3"));
}

}  // namespace
}  // namespace solvers
}  // namespace acaode
