// ACA with a memory budget (Note [Memory budget], aca/step_store.h): for every budget the
// gradient is bit for bit the one without a budget; the bytes held never exceed the
// budget; an unlimited budget replays nothing and evaluates f no more often than the
// forward solve; binomial checkpointing recomputes exactly as many steps as revolve's
// recursion (evaluated here by brute force) prescribes for the states the online placement
// kept.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/engine.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "solvers/butcher_tableau.h"
#include "tests/aca/revolve_oracle.h"
#include "tests/aca/test_mlp.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::TestMlp;

constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

struct Problem {
  std::string method = "dopri5";
  double step_size = 0.0;
  std::vector<double> ts = {0.0, 0.7, 1.5, 3.0};
  // Loss weight of each output time (0: that output does not enter the loss).
  std::vector<double> output_weight = {1.0, 1.0, 1.0, 1.0};
};

struct BudgetRun {
  std::vector<std::vector<double>> grads;  // dL/dz0, then dL/dθ_j
  SolveStats stats;
};

BudgetRun Solve(const Problem& p, int64_t budget) {
  TestMlp mlp(3, 16, 7);
  Generator gen(11);
  Tensor z0 = RandNormal({5, 3}, 0.0, 1.0, gen).set_requires_grad(true);
  Tensor weights = RandNormal({static_cast<int64_t>(p.ts.size()), 5, 3}, 0.0, 1.0, gen);
  std::vector<double> w = ToVector(weights);
  const int64_t per_output = 15;
  for (size_t k = 0; k < p.ts.size(); ++k) {
    for (int64_t e = 0; e < per_output; ++e) w[k * per_output + e] *= p.output_weight[k];
  }
  weights = FromVector(w, weights.shape());
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  OdeintOptions options;
  options.method = p.method;
  options.step_size = p.step_size;
  options.rtol = 1e-7;
  options.atol = 1e-9;
  options.memory_budget = budget;
  absl::StatusOr<OdeintResult> r = Odeint(f, mlp.parameters(), z0, p.ts, options);
  EXPECT_THAT(r.status(), IsOk());
  if (!r.ok()) return {};
  std::vector<Tensor> inputs = {z0};
  for (const Tensor& q : mlp.parameters()) inputs.push_back(q);
  const std::vector<Tensor> g = Grad({Sum(Mul(r->ys, weights))}, {Tensor()}, inputs);
  BudgetRun run;
  for (const Tensor& t : g) run.grads.push_back(ToVector(t));
  run.stats = *r->stats;
  return run;
}

void ExpectBitIdentical(const BudgetRun& a, const BudgetRun& b, const std::string& what) {
  ASSERT_EQ(a.grads.size(), b.grads.size()) << what;
  for (size_t j = 0; j < a.grads.size(); ++j) {
    ASSERT_EQ(a.grads[j].size(), b.grads[j].size()) << what;
    for (size_t e = 0; e < a.grads[j].size(); ++e) {
      // Bitwise: == on doubles (no NaN here), not a tolerance.
      ASSERT_EQ(a.grads[j][e], b.grads[j][e]) << what << ": gradient " << j << "[" << e << "]";
    }
  }
}

using testing::BruteRevolve;

// The recomputations Note [Memory budget] prescribes for n steps and c slots: the forward
// keeps the states at multiples of the least power of two d with ⌊n / d⌋ ≤ c; backward,
// each segment between two kept states is reversed optimally with the slots then free.
int64_t ExpectedRecomputations(int64_t n, int64_t c) {
  int64_t d = 1;
  while (n / d > c) d *= 2;
  std::vector<int64_t> kept = {0};
  for (int64_t i = d; i < n; i += d) kept.push_back(i);  // z_n itself is never needed
  BruteRevolve brute;
  int64_t total = 0;
  int64_t end = n;
  for (size_t m = kept.size(); m-- > 0;) {
    const int64_t held = static_cast<int64_t>(m);  // kept[1..m] (z_0 is not counted)
    total += brute(end - kept[m], c - held);
    end = kept[m];
  }
  return total;
}

void CheckAllBudgets(const Problem& p) {
  const BudgetRun base = Solve(p, -1);
  const int64_t n = base.stats.accepted_steps;
  const size_t state = 5 * 3 * sizeof(double);
  ASSERT_GT(n, 8);
  // No budget: the last step's tape is kept from the forward pass (Note [Taped last step]).
  EXPECT_EQ(base.stats.retained_steps, 1);
  EXPECT_EQ(base.stats.replayed_steps, n - 1);
  EXPECT_EQ(base.stats.recomputed_steps, 0);
  const bool fsal = (*solvers::FindTableau(p.method))->fsal();

  const BudgetRun all = Solve(p, kUnlimited);
  ExpectBitIdentical(all, base, "unlimited budget");
  EXPECT_EQ(all.stats.retained_steps, n);
  EXPECT_EQ(all.stats.replayed_steps, 0);
  EXPECT_EQ(all.stats.backward_f_evals, 0);
  // No more evaluations of f than backprop through the accepted steps (= the forward's);
  // without a budget, an FSAL method evaluates the last step's k_1 once more on its leaf.
  EXPECT_EQ(all.stats.forward_f_evals, base.stats.forward_f_evals - (fsal ? 1 : 0));
  const size_t tape = (all.stats.peak_held_bytes - n * state) / n;
  std::printf("%s: %lld steps, state %zu bytes, tape about %zu bytes per step\n", p.method.c_str(),
              static_cast<long long>(n), state, tape);

  // Room for every state and about three tapes.
  const int64_t partial = static_cast<int64_t>(n * state + 3 * tape + tape / 2);
  const BudgetRun some = Solve(p, partial);
  ExpectBitIdentical(some, base, "budget for three tapes");
  EXPECT_LE(some.stats.peak_held_bytes, static_cast<size_t>(partial));
  EXPECT_GE(some.stats.retained_steps, 2);
  EXPECT_LE(some.stats.retained_steps, 4);
  EXPECT_EQ(some.stats.retained_steps + some.stats.replayed_steps, n);
  EXPECT_EQ(some.stats.recomputed_steps, 0);

  // Exactly the states, no tape.
  const BudgetRun states = Solve(p, static_cast<int64_t>(n * state));
  ExpectBitIdentical(states, base, "budget of N states");
  EXPECT_EQ(states.stats.replayed_steps, n);
  EXPECT_EQ(states.stats.recomputed_steps, 0);

  for (int64_t c : {n / 2, int64_t{3}, int64_t{1}, int64_t{0}}) {
    const int64_t budget = static_cast<int64_t>(c * state);
    const BudgetRun few = Solve(p, budget);
    ExpectBitIdentical(few, base, "binomial checkpointing, " + std::to_string(c) + " slots");
    EXPECT_LE(few.stats.peak_held_bytes, static_cast<size_t>(budget)) << c << " slots";
    EXPECT_EQ(few.stats.replayed_steps, n);
    EXPECT_EQ(few.stats.recomputed_steps, ExpectedRecomputations(n, c)) << c << " slots";
    // Offline revolve knowing n in advance: C(n, c) advances, of which its first sweep
    // (n − 1 of them, c ≥ 1) is what the forward pass does anyway.
    const int64_t offline = BruteRevolve()(n, c) - (c >= 1 ? n - 1 : 0);
    std::printf("  %lld slots: %lld steps recomputed online (offline revolve: %lld)\n",
                static_cast<long long>(c), static_cast<long long>(few.stats.recomputed_steps),
                static_cast<long long>(offline));
  }
}

TEST(MemoryBudgetTest, AdaptiveFsalForwardInTime) { CheckAllBudgets(Problem{}); }

TEST(MemoryBudgetTest, AdaptiveNonFsalMethod) {
  Problem p;
  p.method = "dopri8";
  p.ts = {0.0, 2.0, 6.0};
  p.output_weight = {1.0, 1.0, 1.0};
  CheckAllBudgets(p);
}

TEST(MemoryBudgetTest, FixedGrid) {
  Problem p;
  p.method = "rk4";
  p.step_size = 0.1;
  p.ts = {0.0, 1.05, 2.0};
  p.output_weight = {1.0, 1.0, 1.0};
  CheckAllBudgets(p);
}

TEST(MemoryBudgetTest, BackwardInTime) {
  Problem p;
  p.ts = {3.0, 1.0, -0.5};
  p.output_weight = {1.0, 1.0, 1.0};
  CheckAllBudgets(p);
}

TEST(MemoryBudgetTest, LossOnAnEarlierOutputOnly) {
  Problem p;
  p.output_weight = {0.0, 1.0, 0.0, 0.0};  // the steps after t = 0.7 get a zero adjoint
  const BudgetRun base = Solve(p, -1);
  for (int64_t budget : {kUnlimited, int64_t{3 * 15 * 8}, int64_t{0}}) {
    ExpectBitIdentical(Solve(p, budget), base, "budget " + std::to_string(budget));
  }
}

TEST(MemoryBudgetTest, LongFixedGridSolveWithATenthOfTheStates) {
  // 4000 steps, room for 400 states: binomial checkpointing, the same gradient.
  TestMlp mlp(2, 8, 3, 0.5);
  Generator gen(5);
  Tensor z0 = RandNormal({2, 2}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  std::vector<std::vector<double>> grads[2];
  int64_t recomputed = 0;
  for (int k = 0; k < 2; ++k) {
    OdeintOptions options;
    options.method = "euler";
    options.step_size = 1e-3;
    options.memory_budget = k == 0 ? -1 : 400 * static_cast<int64_t>(z0.nbytes());
    absl::StatusOr<OdeintResult> r = Odeint(f, mlp.parameters(), z0, {0.0, 4.0}, options);
    ASSERT_THAT(r.status(), IsOk());
    ASSERT_EQ(r->stats->accepted_steps, 4000);
    std::vector<Tensor> inputs = {z0};
    for (const Tensor& q : mlp.parameters()) inputs.push_back(q);
    for (const Tensor& g : Grad({Sum(Square(r->ys))}, {Tensor()}, inputs)) {
      grads[k].push_back(ToVector(g));
    }
    if (k == 1) {
      EXPECT_LE(r->stats->peak_held_bytes, 400 * z0.nbytes());
      recomputed = r->stats->recomputed_steps;
    }
  }
  EXPECT_EQ(grads[0], grads[1]);
  EXPECT_EQ(recomputed, ExpectedRecomputations(4000, 400));
}

TEST(MemoryBudgetTest, OtherGradientMethodsRejectABudget) {
  OdeintOptions options;
  options.gradient = GradientMethod::kAdjoint;
  options.memory_budget = 1 << 20;
  EXPECT_THAT(options.Validate(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("memory_budget")));
}

}  // namespace
}  // namespace aca
}  // namespace acaode
