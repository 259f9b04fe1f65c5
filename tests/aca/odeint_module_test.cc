// Odeint on an nn::OdeModule (an MLP from nn layers): gradients reach the module's
// parameters, agree across methods, and the module may be dropped before backward.
#include "aca/odeint_module.h"

#include <memory>
#include <vector>

#include "autograd/creation.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/ode_module.h"
#include "autograd/nn/sequential.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/aca/test_util.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

std::shared_ptr<nn::OdeModule> MakeFunc(uint64_t seed) {
  Generator gen(seed);
  auto net = std::make_shared<nn::Sequential>();
  net->Push(std::make_shared<nn::Linear>(2, 16, gen));
  net->Push(std::make_shared<nn::Tanh>());
  net->Push(std::make_shared<nn::Linear>(16, 2, gen));
  return std::make_shared<nn::AutonomousOde>(net);
}

TEST(OdeintModuleTest, MethodsAgreeOnModuleParameters) {
  std::vector<std::vector<std::vector<double>>> grads;
  for (GradientMethod method :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    std::shared_ptr<nn::OdeModule> func = MakeFunc(3);
    Generator gen(4);
    Tensor z0 = RandNormal({8, 2}, 0.0, 1.0, gen);
    OdeintOptions options;
    options.gradient = method;
    options.rtol = options.atol = 1e-10;
    absl::StatusOr<OdeintResult> r = Odeint(func, z0, {0.0, 0.5, 1.0}, options);
    ASSERT_THAT(r.status(), IsOk());
    Sum(Square(r->ys)).backward();
    std::vector<std::vector<double>> g;
    for (const Tensor& p : func->Parameters()) {
      ASSERT_TRUE(p.grad().defined());
      g.push_back(ToVector(p.grad()));
    }
    grads.push_back(g);
  }
  for (size_t m = 1; m < grads.size(); ++m) {
    for (size_t j = 0; j < grads[0].size(); ++j) {
      EXPECT_LT(testing::MaxRelErr(grads[m][j], grads[0][j]), 1e-7) << "method " << m;
    }
  }
}

TEST(OdeintModuleTest, ModuleMayBeDroppedBeforeBackward) {
  std::shared_ptr<nn::OdeModule> func = MakeFunc(5);
  const std::vector<Tensor> params = func->Parameters();
  Tensor z0 = FromVector({0.5, -0.5}, {1, 2});
  absl::StatusOr<OdeintResult> r = Odeint(func, z0, {0.0, 1.0});
  ASSERT_THAT(r.status(), IsOk());
  func.reset();  // the gradient node keeps the module alive
  Sum(r->ys).backward();
  for (const Tensor& p : params) EXPECT_TRUE(p.grad().defined());
}

TEST(OdeintModuleTest, NullModuleIsInvalidArgument) {
  EXPECT_THAT(Odeint(std::shared_ptr<nn::OdeModule>(), Zeros({2}), {0.0, 1.0}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("null")));
}

}  // namespace
}  // namespace aca
}  // namespace acaode
