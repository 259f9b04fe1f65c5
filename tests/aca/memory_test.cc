// Memory: ACA keeps N_t states (checkpoint bytes = N_t × state bytes) and its tape holds
// one step at a time (peak tape bytes flat in the horizon), while the naive method's tape
// grows with the number of steps.
#include <cstdio>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/aca/test_mlp.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::TestMlp;

TEST(MemoryTest, CheckpointBytesAreStepsTimesStateBytes) {
  TestMlp mlp(4, 32, 1);
  Generator gen(2);
  Tensor z0 = RandNormal({16, 4}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  OdeintOptions options;
  options.rtol = options.atol = 1e-7;
  absl::StatusOr<OdeintResult> r = Odeint(f, mlp.parameters(), z0, {0.0, 1.0, 3.0}, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_GT(r->stats->accepted_steps, 5);
  EXPECT_EQ(r->stats->checkpoint_bytes,
            static_cast<size_t>(r->stats->accepted_steps) * z0.nbytes());
  EXPECT_EQ(static_cast<int64_t>(r->accepted_times.size()), r->stats->accepted_steps + 1);
}

TEST(MemoryTest, AcaTapeFlatNaiveTapeGrowsWithHorizon) {
  TestMlp mlp(4, 32, 3);
  Generator gen(4);
  Tensor z0 = RandNormal({16, 4}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  std::vector<double> aca_peak, naive_peak;
  std::vector<int64_t> aca_steps, naive_steps;
  for (double horizon : {2.0, 4.0, 8.0}) {
    for (GradientMethod m : {GradientMethod::kAca, GradientMethod::kNaive}) {
      OdeintOptions options;
      options.rtol = options.atol = 1e-6;
      options.gradient = m;
      absl::StatusOr<OdeintResult> r = Odeint(f, mlp.parameters(), z0, {0.0, horizon}, options);
      ASSERT_THAT(r.status(), IsOk());
      Sum(r->ys).backward();
      const SolveStats& s = *r->stats;
      std::printf(
          "T=%4.1f %-6s steps %4lld (+%lld rejected)  peak tape %9zu bytes  "
          "checkpoints %8zu bytes\n",
          horizon, GradientMethodName(m), static_cast<long long>(s.accepted_steps),
          static_cast<long long>(s.rejected_steps), s.peak_tape_bytes, s.checkpoint_bytes);
      (m == GradientMethod::kAca ? aca_peak : naive_peak)
          .push_back(static_cast<double>(s.peak_tape_bytes));
      (m == GradientMethod::kAca ? aca_steps : naive_steps).push_back(s.accepted_steps);
    }
  }
  ASSERT_GT(aca_steps[2], 2 * aca_steps[0]);  // the horizon does add steps
  for (double p : aca_peak) {
    EXPECT_GT(p, 0);
    EXPECT_LE(p, 1.05 * aca_peak[0]);
    EXPECT_GE(p, 0.95 * aca_peak[0]);
  }
  // Naive: bytes grow in proportion to the steps taken (trials included).
  EXPECT_GT(naive_peak[2], 2 * naive_peak[0]);
  EXPECT_GT(naive_peak[0], 5 * aca_peak[0]);
}

}  // namespace
}  // namespace aca
}  // namespace acaode
