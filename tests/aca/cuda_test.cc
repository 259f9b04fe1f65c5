// ACA on CUDA states (Note [Solves on CUDA] in aca/odeint.cc): the same MLP ODE solved and
// differentiated on the CPU and on the GPU in float64 must agree (the same accepted steps,
// the states and every gradient to ~1e-10), fixed grid and adaptive; the other gradient
// methods and the memory budget are refused with a clear error. Skips with the reason
// where no GPU is present.
#include <cmath>
#include <string>
#include <vector>

#include "aca/odeint.h"
#include "autograd/autograd.h"
#include "autograd/cuda/runtime.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/aca/test_mlp.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::TestMlp;

#define REQUIRE_GPU()                                                            \
  do {                                                                           \
    std::string why;                                                             \
    if (cuda::DeviceCount(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why; \
  } while (0)

struct Run {
  std::vector<double> ys;
  std::vector<std::vector<double>> grads;  // dL/dz0, then each parameter's
  std::vector<double> times;
  int64_t replayed_steps = 0;
  double replay_max_abs_diff = -1;
};

Run Solve(Device device, const OdeintOptions& options) {
  TestMlp mlp(3, 16, 5);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(7);
  Tensor z0 = RandNormal({4, 3}, 0.0, 1.0, gen);
  if (device == Device::kCuda) {
    for (Tensor& p : params) p = p.detach().to(Device::kCuda).set_requires_grad(true);
    z0 = z0.to(Device::kCuda);
  }
  z0.set_requires_grad(true);
  const Tensor w1 = params[0], b1 = params[1], c = params[2], w2 = params[3], b2 = params[4];
  DynamicsFn f = [&](double t, const Tensor& z) {
    return Add(MatMul(Tanh(Add(Add(MatMul(z, w1), b1), Mul(c, t))), w2), b2);
  };
  absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, {0.0, 0.5, 1.5}, options);
  EXPECT_THAT(r.status(), IsOk());
  if (!r.ok()) return {};
  std::vector<Tensor> inputs = {z0};
  inputs.insert(inputs.end(), params.begin(), params.end());
  Run run;
  run.ys = ToVector(r->ys.to(Device::kCpu));
  for (const Tensor& g : Grad({Sum(Square(r->ys))}, {Tensor()}, inputs)) {
    run.grads.push_back(ToVector(g.to(Device::kCpu)));
  }
  run.times = r->accepted_times;
  run.replayed_steps = r->stats->replayed_steps;
  run.replay_max_abs_diff = r->stats->replay_max_abs_diff;
  return run;
}

void ExpectAgree(const Run& cpu, const Run& gpu) {
  ASSERT_EQ(cpu.times.size(), gpu.times.size()) << "the GPU took other steps";
  ASSERT_EQ(cpu.ys.size(), gpu.ys.size());
  for (size_t i = 0; i < cpu.ys.size(); ++i) EXPECT_NEAR(gpu.ys[i], cpu.ys[i], 1e-10);
  // The replays retrace the forward steps on each device (the statistic is read once, at
  // the end of the GPU backward pass).
  EXPECT_EQ(gpu.replayed_steps, cpu.replayed_steps);
  EXPECT_GT(gpu.replayed_steps, 0);
  EXPECT_LE(gpu.replay_max_abs_diff, 1e-12);
  EXPECT_GE(gpu.replay_max_abs_diff, 0.0);
  ASSERT_EQ(cpu.grads.size(), gpu.grads.size());
  for (size_t j = 0; j < cpu.grads.size(); ++j) {
    for (size_t e = 0; e < cpu.grads[j].size(); ++e) {
      EXPECT_NEAR(gpu.grads[j][e], cpu.grads[j][e], 1e-9 * (1 + std::abs(cpu.grads[j][e])))
          << "gradient " << j << "[" << e << "]";
    }
  }
}

TEST(AcaOnCuda, AdaptiveMatchesCpu) {
  REQUIRE_GPU();
  OdeintOptions options;
  options.rtol = 1e-7;
  options.atol = 1e-9;
  ExpectAgree(Solve(Device::kCpu, options), Solve(Device::kCuda, options));
}

TEST(AcaOnCuda, FixedGridMatchesCpu) {
  REQUIRE_GPU();
  OdeintOptions options;
  options.method = "rk4";
  options.step_size = 0.05;
  ExpectAgree(Solve(Device::kCpu, options), Solve(Device::kCuda, options));
}

TEST(AcaOnCuda, OtherMethodsAndTheBudgetAreRefused) {
  REQUIRE_GPU();
  Tensor z0 = FromVector({1.0, 2.0}, {2}).to(Device::kCuda);
  DynamicsFn f = [](double, const Tensor& z) { return Neg(z); };
  for (GradientMethod m : {GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    OdeintOptions options;
    options.gradient = m;
    EXPECT_THAT(Odeint(f, {}, z0, {0.0, 1.0}, options).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr("does not run on CUDA states yet")));
  }
  OdeintOptions options;
  options.memory_budget = 1 << 20;
  EXPECT_THAT(Odeint(f, {}, z0, {0.0, 1.0}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("memory_budget")));
}

}  // namespace
}  // namespace aca
}  // namespace acaode
