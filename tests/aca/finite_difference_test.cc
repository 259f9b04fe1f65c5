// ACA on a fixed grid (rk4) against central finite differences of the loss with respect
// to every parameter of an MLP vector field (2 -> 16 -> 2, tanh) and every entry of z0.
#include <cmath>
#include <cstdio>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/aca/test_mlp.h"
#include "tests/autograd/grad_check.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::TestMlp;

class FiniteDifferenceTest : public ::testing::TestWithParam<GradientMethod> {};

TEST_P(FiniteDifferenceTest, MlpParametersRk4) {
  TestMlp mlp(2, 16, 21);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(9);
  Tensor z0 = RandNormal({3, 2}, 0.0, 1.0, gen).set_requires_grad(true);
  Tensor w = RandNormal({3, 3, 2}, 0.0, 1.0, gen);
  const std::vector<double> ts = {0.0, 0.6, 1.5};
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  OdeintOptions options;
  options.method = "rk4";
  options.step_size = 0.05;
  options.gradient = GetParam();
  // L = Σ w ∘ ys + 0.5 Σ ys²  (a loss on every output time).
  auto loss_of = [&](const Tensor& z_init) {
    absl::StatusOr<OdeintResult> r = Odeint(f, params, z_init, ts, options);
    EXPECT_THAT(r.status(), IsOk());
    return Add(Sum(Mul(r->ys, w)), Mul(Sum(Square(r->ys)), 0.5));
  };
  loss_of(z0).backward();

  std::vector<Tensor> all = params;
  all.push_back(z0);
  const std::vector<std::vector<double>> fd = ::acaode::testing::CentralDifferences(
      [&] { return loss_of(z0.detach()).item(); }, all, /*h=*/1e-5);
  double worst = 0, scale = 0;
  int64_t checked = 0;
  for (size_t j = 0; j < all.size(); ++j) {
    const std::vector<double> g = ToVector(all[j].grad());
    for (size_t i = 0; i < g.size(); ++i) {
      worst = std::max(worst, std::abs(fd[j][i] - g[i]));
      scale = std::max(scale, std::abs(fd[j][i]));
      ++checked;
    }
  }
  std::printf("%s: %lld entries, max |grad - fd| = %.3e, max |fd| = %.3e, rel %.3e\n",
              GradientMethodName(GetParam()), static_cast<long long>(checked), worst, scale,
              worst / scale);
  EXPECT_LT(worst / scale, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Methods, FiniteDifferenceTest,
                         ::testing::Values(GradientMethod::kAca, GradientMethod::kNaive),
                         [](const ::testing::TestParamInfo<GradientMethod>& info) {
                           return std::string(GradientMethodName(info.param));
                         });

}  // namespace
}  // namespace aca
}  // namespace acaode
