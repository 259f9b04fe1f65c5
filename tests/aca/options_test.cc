// OdeintOptions::Validate and Odeint's checks of its arguments.
#include "aca/options.h"

#include <string>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(OptionsTest, DefaultsAreValid) {
  OdeintOptions options;
  EXPECT_THAT(options.Validate(), IsOk());
  EXPECT_EQ(options.gradient, GradientMethod::kAca);
  EXPECT_EQ(options.method, "dopri5");
}

struct BadCase {
  const char* name;
  void (*mutate)(OdeintOptions&);
  const char* field;
  const char* detail;
};

class BadOptionsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadOptionsTest, NamesFieldValueAndConstraint) {
  OdeintOptions options;
  GetParam().mutate(options);
  EXPECT_THAT(options.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(GetParam().field), HasSubstr(GetParam().detail))));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadOptionsTest,
    ::testing::Values(
        BadCase{"negative_rtol", [](OdeintOptions& o) { o.rtol = -1e-3; }, "rtol = -0.001", ">= 0"},
        BadCase{"nan_atol", [](OdeintOptions& o) { o.atol = std::nan(""); }, "atol = nan",
                "finite"},
        BadCase{"zero_tolerances", [](OdeintOptions& o) { o.rtol = o.atol = 0; }, "atol = 0",
                "> 0"},
        BadCase{"unknown_method", [](OdeintOptions& o) { o.method = "rk99"; }, "method = \"rk99\"",
                "unknown method"},
        BadCase{"fixed_only_method_adaptive", [](OdeintOptions& o) { o.method = "rk4"; },
                "method = \"rk4\"", "step_size > 0"},
        BadCase{"negative_step", [](OdeintOptions& o) { o.step_size = -0.1; }, "step_size = -0.1",
                ">= 0"},
        BadCase{"negative_first_step", [](OdeintOptions& o) { o.first_step = -1; },
                "first_step = -1", ">= 0"},
        BadCase{"zero_max_steps", [](OdeintOptions& o) { o.max_steps = 0; }, "max_steps = 0",
                "> 0"},
        BadCase{"dt_min_above_dt_max",
                [](OdeintOptions& o) {
                  o.dt_min = 1.0;
                  o.dt_max = 0.5;
                },
                "dt_min = 1", "<= dt_max"},
        BadCase{"bad_adjoint_method", [](OdeintOptions& o) { o.adjoint.method = "nope"; },
                "adjoint.method = \"nope\"", "unknown method"},
        BadCase{"inf_adjoint_rtol",
                [](OdeintOptions& o) { o.adjoint.rtol = std::numeric_limits<double>::infinity(); },
                "adjoint.rtol = inf", "finite"},
        BadCase{"negative_adjoint_max_steps", [](OdeintOptions& o) { o.adjoint.max_steps = -2; },
                "adjoint.max_steps = -2", ">= 0"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(OptionsTest, FixedGridAllowsAnyMethod) {
  OdeintOptions options;
  options.method = "rk4";
  options.step_size = 0.1;
  EXPECT_THAT(options.Validate(), IsOk());
}

TEST(OptionsTest, AdjointOptionsDefaultToForward) {
  OdeintOptions options;
  options.method = "bosh3";
  options.rtol = 1e-4;
  options.atol = 1e-5;
  options.max_steps = 77;
  solvers::IntegrateOptions backward = AdjointIntegrateOptions(options);
  EXPECT_EQ(backward.method, "bosh3");
  EXPECT_EQ(backward.rtol, 1e-4);
  EXPECT_EQ(backward.atol, 1e-5);
  EXPECT_EQ(backward.max_steps, 77);
  options.adjoint.method = "dopri5";
  options.adjoint.rtol = 1e-9;
  options.adjoint.atol = 1e-10;
  options.adjoint.max_steps = 5;
  backward = AdjointIntegrateOptions(options);
  EXPECT_EQ(backward.method, "dopri5");
  EXPECT_EQ(backward.rtol, 1e-9);
  EXPECT_EQ(backward.atol, 1e-10);
  EXPECT_EQ(backward.max_steps, 5);
}

TEST(OdeintArgumentsTest, BadArgumentsAreInvalidArgument) {
  DynamicsFn f = [](double, const Tensor& z) { return Neg(z); };
  Tensor z0 = FromVector({1.0, 2.0}, {2});
  EXPECT_THAT(Odeint(f, {}, z0, {0.0, 1.0, 0.5}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ts must be strictly")));
  EXPECT_THAT(Odeint(f, {}, z0, std::vector<double>{}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(Odeint(f, {}, Tensor(), {0.0, 1.0}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("z0")));
  EXPECT_THAT(Odeint(DynamicsFn(), {}, z0, {0.0, 1.0}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f is empty")));
  Tensor p32 = Zeros({2}, DType::kFloat32);
  EXPECT_THAT(Odeint(f, {p32}, z0, {0.0, 1.0}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("params[0]")));
  OdeintOptions bad;
  bad.rtol = -1;
  EXPECT_THAT(Odeint(f, {}, z0, {0.0, 1.0}, bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rtol")));
}

}  // namespace
}  // namespace aca
}  // namespace acaode
