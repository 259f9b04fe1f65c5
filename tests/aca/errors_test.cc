// Failures: forward failures are a Status, backward failures throw with no parameter
// gradient written, and an exception thrown by f reaches the caller unchanged.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/error.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using ::testing::HasSubstr;

struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ErrorsTest : public ::testing::TestWithParam<GradientMethod> {
 protected:
  OdeintOptions Options() const {
    OdeintOptions o;
    o.gradient = GetParam();
    return o;
  }
};

TEST_P(ErrorsTest, MaxStepsIsResourceExhausted) {
  Tensor k = Scalar(-1.0).set_requires_grad(true);
  Tensor z0 = FromVector({1.0, 0.5}, {2}).set_requires_grad(true);
  DynamicsFn f = [&k](double t, const Tensor& z) { return Mul(Mul(z, k), std::cos(10 * t)); };
  OdeintOptions options = Options();
  options.max_steps = 5;
  options.rtol = options.atol = 1e-10;
  EXPECT_THAT(Odeint(f, {k}, z0, {0.0, 10.0}, options).status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_steps = 5")));
  EXPECT_FALSE(k.grad().defined());
  EXPECT_FALSE(z0.grad().defined());
}

TEST_P(ErrorsTest, BlowUpIsFailedPrecondition) {
  // dz/dt = z², z(0) = 1: z = 1/(1 − t) blows up at t = 1.
  Tensor z0 = FromVector({1.0}, {1}).set_requires_grad(true);
  DynamicsFn f = [](double, const Tensor& z) { return Square(z); };
  absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, {0.0, 2.0}, Options());
  EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_FALSE(z0.grad().defined());
}

TEST_P(ErrorsTest, UserExceptionInForwardPropagatesUnchanged) {
  Tensor z0 = FromVector({1.0}, {1}).set_requires_grad(true);
  int calls = 0;
  DynamicsFn f = [&calls](double, const Tensor& z) -> Tensor {
    if (++calls == 4) throw UserError("f failed on purpose");
    return Neg(z);
  };
  try {
    (void)Odeint(f, {}, z0, {0.0, 1.0}, Options());
    ADD_FAILURE() << "no exception";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "f failed on purpose");
  }
}

TEST_P(ErrorsTest, UserExceptionInBackwardPropagatesAndLeavesGradsUntouched) {
  if (GetParam() == GradientMethod::kNaive) GTEST_SKIP() << "naive does not call f in backward";
  Tensor k = Scalar(-0.5).set_requires_grad(true);
  Tensor z0 = FromVector({1.0, 2.0}, {2}).set_requires_grad(true);
  bool fail = false;
  DynamicsFn f = [&](double, const Tensor& z) -> Tensor {
    if (fail) throw UserError("f failed in backward");
    return Mul(z, k);
  };
  absl::StatusOr<OdeintResult> r = Odeint(f, {k}, z0, {0.0, 1.0}, Options());
  ASSERT_THAT(r.status(), IsOk());
  fail = true;
  EXPECT_THROW(Sum(r->ys).backward(), UserError);
  EXPECT_FALSE(k.grad().defined());
  EXPECT_FALSE(z0.grad().defined());
}

TEST_P(ErrorsTest, NonFiniteInBackwardIsRuntimeErrorAndLeavesGradsUntouched) {
  if (GetParam() == GradientMethod::kNaive) GTEST_SKIP() << "naive does not call f in backward";
  Tensor k = Scalar(-0.5).set_requires_grad(true);
  Tensor z0 = FromVector({1.0, 2.0}, {2}).set_requires_grad(true);
  bool poison = false;
  DynamicsFn f = [&](double, const Tensor& z) -> Tensor {
    Tensor out = Mul(z, k);
    return poison ? Mul(out, std::numeric_limits<double>::quiet_NaN()) : out;
  };
  absl::StatusOr<OdeintResult> r = Odeint(f, {k}, z0, {0.0, 1.0}, Options());
  ASSERT_THAT(r.status(), IsOk());
  poison = true;
  try {
    Sum(r->ys).backward();
    ADD_FAILURE() << "no exception";
  } catch (const RuntimeError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("no parameter gradient was written"));
  }
  EXPECT_FALSE(k.grad().defined());
  EXPECT_FALSE(z0.grad().defined());
}

TEST_P(ErrorsTest, SecondBackwardThroughFreedGraphThrows) {
  Tensor z0 = FromVector({1.0, 2.0}, {2}).set_requires_grad(true);
  DynamicsFn f = [](double, const Tensor& z) { return Neg(z); };
  absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, {0.0, 1.0}, Options());
  ASSERT_THAT(r.status(), IsOk());
  Tensor loss = Sum(r->ys);
  loss.backward();
  EXPECT_THROW(loss.backward(), RuntimeError);
}

TEST_P(ErrorsTest, DtMaxBoundsTheSteps) {
  Tensor z0 = FromVector({1.0, 0.5}, {2}).set_requires_grad(true);
  DynamicsFn f = [](double, const Tensor& z) { return Neg(z); };
  OdeintOptions options = Options();
  options.dt_max = 0.01;
  absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, {0.0, 1.0}, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_GE(r->stats->accepted_steps, 100);
  for (size_t i = 1; i < r->accepted_times.size(); ++i) {
    EXPECT_LE(r->accepted_times[i] - r->accepted_times[i - 1], 0.01 * (1 + 1e-12));
  }
}

TEST_P(ErrorsTest, DtMinIsFailedPrecondition) {
  // Stiff: dz/dt = −1000 (z − cos t) needs |h| ≲ 3e-3 for stability; dt_min forbids it.
  Tensor z0 = FromVector({0.0}, {1}).set_requires_grad(true);
  DynamicsFn f = [](double t, const Tensor& z) { return Mul(Sub(z, std::cos(t)), -1000.0); };
  OdeintOptions options = Options();
  options.dt_min = 0.05;
  options.first_step = 0.1;
  options.rtol = options.atol = 1e-8;
  EXPECT_THAT(Odeint(f, {}, z0, {0.0, 1.0}, options).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("dt_min")));
}

INSTANTIATE_TEST_SUITE_P(Methods, ErrorsTest,
                         ::testing::Values(GradientMethod::kAca, GradientMethod::kAdjoint,
                                           GradientMethod::kNaive),
                         [](const ::testing::TestParamInfo<GradientMethod>& info) {
                           return std::string(GradientMethodName(info.param));
                         });

}  // namespace
}  // namespace aca
}  // namespace acaode
