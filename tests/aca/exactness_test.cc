// ACA is exact for the discrete solution: its gradient equals the gradient of the same
// accepted step sequence with the step sizes held fixed, computed by plain taped
// back-propagation through a loop of the solvers' stepper over the recorded grid.
#include <cmath>
#include <cstdio>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "solvers/butcher_tableau.h"
#include "solvers/explicit_rk.h"
#include "tests/aca/test_mlp.h"
#include "tests/aca/test_util.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::MaxRelErr;
using testing::TestMlp;

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

// L = Σ_k Σ sin(k + 1) · ys[k]².
Tensor Loss(const std::vector<Tensor>& ys) {
  Tensor loss = Scalar(0.0);
  for (size_t k = 0; k < ys.size(); ++k) {
    loss = Add(loss, Mul(Sum(Square(ys[k])), std::sin(static_cast<double>(k) + 1.0)));
  }
  return loss;
}

class ExactnessTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ExactnessTest, AcaEqualsBackpropOfTheAcceptedSteps) {
  const std::string method = GetParam();
  TestMlp mlp(/*d=*/2, /*hidden=*/16, /*seed=*/7, /*scale=*/1.5);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(3);
  Tensor z0 = RandNormal({4, 2}, 0.0, 1.0, gen).set_requires_grad(true);
  const std::vector<double> ts = {0.0, 0.4, 1.1, 2.0};
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };

  OdeintOptions options;
  options.method = method;
  options.rtol = 1e-8;
  options.atol = 1e-9;
  absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, ts, options);
  ASSERT_THAT(r.status(), IsOk());
  std::vector<Tensor> ys;
  for (size_t k = 0; k < ts.size(); ++k) ys.push_back(r->ys[k]);
  Loss(ys).backward();
  const Grads aca = Collect(z0, params);
  const std::vector<double> grid = r->accepted_times;
  ASSERT_GT(grid.size(), 8u);
  std::printf("%s: %zu accepted steps, %lld rejected, replay max |diff| = %g\n", method.c_str(),
              grid.size() - 1, static_cast<long long>(r->stats->rejected_steps),
              r->stats->replay_max_abs_diff);
  EXPECT_EQ(r->stats->replay_max_abs_diff, 0.0);  // the replay is bitwise the forward
  // One replay per accepted step but the last, whose graph the forward pass kept (Note
  // [Taped last step]); FSAL methods skip the unused last stage.
  const solvers::ButcherTableau& tab = **solvers::FindTableau(method);
  EXPECT_EQ(r->stats->retained_steps, 1);
  EXPECT_EQ(r->stats->replayed_steps, r->stats->accepted_steps - 1);
  EXPECT_EQ(r->stats->backward_f_evals,
            (r->stats->accepted_steps - 1) * (tab.fsal() ? tab.stages - 1 : tab.stages));

  // Plain backprop through the same steps (from t_{i−1} to t_i, h held fixed).
  ZeroGrads(z0, params);
  solvers::ExplicitRk rk(**solvers::FindTableau(method));
  solvers::RkStep step;
  Tensor z = z0;
  std::vector<Tensor> ys_ref = {z0};
  size_t k = 1;
  for (size_t i = 1; i < grid.size(); ++i) {
    rk.StepTo(f, grid[i - 1], grid[i], z, Tensor(), &step, false);
    z = step.z_new;
    if (k < ts.size() && grid[i] == ts[k]) {
      ys_ref.push_back(z);
      ++k;
    }
  }
  ASSERT_EQ(ys_ref.size(), ts.size());
  for (size_t j = 0; j < ts.size(); ++j) {
    EXPECT_EQ(ToVector(ys_ref[j].detach()), ToVector(r->ys[j].detach())) << "output " << j;
  }
  Loss(ys_ref).backward();
  const Grads ref = Collect(z0, params);
  double worst = MaxRelErr(aca.z0, ref.z0);
  for (size_t j = 0; j < params.size(); ++j) {
    worst = std::max(worst, MaxRelErr(aca.params[j], ref.params[j]));
  }
  std::printf("%s: ACA vs backprop of the accepted steps: max rel diff %.3e\n", method.c_str(),
              worst);
  EXPECT_LT(worst, 1e-10);
}

INSTANTIATE_TEST_SUITE_P(Methods, ExactnessTest,
                         ::testing::Values("dopri5", "bosh3", "heun_euler", "tsit5", "dopri8"));

// On a fixed grid the naive method differentiates the same computation as ACA.
TEST(ExactnessTest, NaiveEqualsAcaOnFixedGrid) {
  TestMlp mlp(2, 16, 11);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(5);
  Tensor z0 = RandNormal({3, 2}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  std::vector<Grads> grads;
  for (GradientMethod m : {GradientMethod::kAca, GradientMethod::kNaive}) {
    ZeroGrads(z0, params);
    OdeintOptions options;
    options.method = "rk4";
    options.step_size = 0.07;
    options.gradient = m;
    absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, {0.0, 0.5, 1.0}, options);
    ASSERT_THAT(r.status(), IsOk());
    Loss({r->ys[0], r->ys[1], r->ys[2]}).backward();
    grads.push_back(Collect(z0, params));
  }
  double worst = MaxRelErr(grads[0].z0, grads[1].z0);
  for (size_t j = 0; j < params.size(); ++j) {
    worst = std::max(worst, MaxRelErr(grads[0].params[j], grads[1].params[j]));
  }
  EXPECT_LT(worst, 1e-12);
}

}  // namespace
}  // namespace aca
}  // namespace acaode
