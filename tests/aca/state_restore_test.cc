// OdeintOptions::save_state (the paper's Appendix A: f's state is put back before every
// trial step): a module buffer counting f's evaluations shows which evaluations left their
// mark. Oracle: the solve's own counts. With dopri5 (FSAL) and a given first step, every
// trial evaluates f 6 times after the first evaluation at t0, so when rejected trials are
// undone the count is forward_f_evals − 6 · rejected_steps (less ACA's second evaluation of
// the last step's k_1, also undone); the backward pass (ACA's and
// MALI's replays, the adjoint's evaluations of f) leaves it where the forward left it.
#include <memory>
#include <vector>

#include "aca/odeint.h"
#include "aca/options.h"
#include "autograd/creation.h"
#include "autograd/nn/module.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

// A module whose only state is a buffer counting calls of Count().
class CallCounter : public nn::Module {
 public:
  CallCounter() : nn::Module("CallCounter") { calls_ = RegisterBuffer("calls", Zeros({1})); }
  void Count() const { static_cast<double*>(calls_.raw_data())[0] += 1; }
  double calls() const { return static_cast<const double*>(calls_.raw_data())[0]; }

 private:
  Tensor calls_;
};

struct Counts {
  double calls_after_forward;
  double calls_after_backward;
  int64_t forward_f_evals;
  int64_t backward_f_evals;
  int64_t rejected_steps;
};

// dz/dt = −θ z³ with θ = 20 from z0 = 1 on [0, 1], a first step of 0.9: the first trials
// are rejected. MALI (undamped ALF, unstable on decaying dynamics: aca/reversible.h)
// solves the growth dz/dt = θ z with θ = 0.5 instead.
Counts Solve(GradientMethod gradient, bool save_state) {
  auto counter = std::make_shared<CallCounter>();
  const bool mali = gradient == GradientMethod::kMali;
  Tensor theta = Full({1}, mali ? 0.5 : 20.0).set_requires_grad(true);
  const DynamicsFn f = [counter, theta, mali](double, const Tensor& z) {
    counter->Count();
    return mali ? Mul(theta, z) : Neg(Mul(theta, Mul(z, Mul(z, z))));
  };
  OdeintOptions options;
  options.gradient = gradient;
  options.method = mali ? "alf" : "dopri5";
  options.rtol = 1e-6;
  options.atol = 1e-8;
  if (!mali) options.first_step = 0.9;
  if (save_state) options.save_state = [counter] { return nn::SaveBuffers(*counter); };
  absl::StatusOr<OdeintResult> r = Odeint(f, {theta}, Full({3}, 1.0), {0.0, 1.0}, options);
  EXPECT_THAT(r.status(), IsOk());
  Counts run{counter->calls(), 0, r->stats->forward_f_evals, 0, r->stats->rejected_steps};
  Sum(Slice(r->ys, 0, 1, 2)).backward();
  EXPECT_TRUE(theta.grad().defined());
  run.calls_after_backward = counter->calls();
  run.backward_f_evals = r->stats->backward_f_evals;
  return run;
}

TEST(SaveStateTest, RejectedTrialsAreUndone) {
  for (GradientMethod gradient :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    const Counts run = Solve(gradient, /*save_state=*/true);
    ASSERT_GT(run.rejected_steps, 0) << GradientMethodName(gradient) << ": no rejected trial";
    // ACA also evaluates the last step's k_1 once more, on the leaf of its kept graph (Note
    // [Taped last step]); that evaluation is undone too.
    const int64_t last_step_k1 = gradient == GradientMethod::kAca ? 1 : 0;
    EXPECT_EQ(run.calls_after_forward, run.forward_f_evals - 6 * run.rejected_steps - last_step_k1)
        << GradientMethodName(gradient);
  }
}

TEST(SaveStateTest, WithoutItEveryEvaluationCounts) {
  for (GradientMethod gradient :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kMali}) {
    const Counts run = Solve(gradient, /*save_state=*/false);
    EXPECT_EQ(run.calls_after_forward, run.forward_f_evals) << GradientMethodName(gradient);
    ASSERT_GT(run.backward_f_evals, 0) << GradientMethodName(gradient);
    EXPECT_EQ(run.calls_after_backward, run.forward_f_evals + run.backward_f_evals)
        << GradientMethodName(gradient);
  }
}

TEST(SaveStateTest, BackwardLeavesTheStateAsTheForwardLeftIt) {
  for (GradientMethod gradient :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kMali}) {
    const Counts run = Solve(gradient, /*save_state=*/true);
    ASSERT_GT(run.backward_f_evals, 0) << GradientMethodName(gradient);
    EXPECT_EQ(run.calls_after_backward, run.calls_after_forward) << GradientMethodName(gradient);
  }
}

TEST(SaveStateTest, TheGradientDoesNotChange) {
  // f does not read its state here, so managing it must not change the result.
  for (GradientMethod gradient : {GradientMethod::kAca, GradientMethod::kNaive}) {
    std::vector<double> grads;
    for (bool save_state : {false, true}) {
      auto counter = std::make_shared<CallCounter>();
      Tensor theta = Full({1}, 20.0).set_requires_grad(true);
      const DynamicsFn f = [theta](double, const Tensor& z) {
        return Neg(Mul(theta, Mul(z, Mul(z, z))));
      };
      OdeintOptions options;
      options.gradient = gradient;
      options.first_step = 0.9;
      if (save_state) options.save_state = [counter] { return nn::SaveBuffers(*counter); };
      absl::StatusOr<OdeintResult> r = Odeint(f, {theta}, Full({3}, 1.0), {0.0, 1.0}, options);
      ASSERT_THAT(r.status(), IsOk());
      Sum(r->ys).backward();
      grads.push_back(static_cast<const double*>(theta.grad().raw_data())[0]);
    }
    EXPECT_EQ(grads[0], grads[1]) << GradientMethodName(gradient);
  }
}

}  // namespace
}  // namespace aca
}  // namespace acaode
