// The three gradient methods against each other on a time-dependent MLP vector field
// (batch of states, several output times): at tight tolerances they agree, and ACA at a
// tight tolerance is the reference for the others (diffrax test_adjoint's "against").
#include <cmath>
#include <cstdio>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/aca/test_mlp.h"
#include "tests/aca/test_util.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

using testing::MaxRelErr;
using testing::TestMlp;

struct SolveResult {
  std::vector<double> ys;
  std::vector<std::vector<double>> grads;  // z0, then each parameter
};

// time_dependent: f(t, z) = mlp(t, z), else mlp(0, z) (autonomous).
SolveResult Solve(GradientMethod method, double tol, bool time_dependent,
                  const OdeintOptions& base = OdeintOptions()) {
  TestMlp mlp(3, 24, 17);
  std::vector<Tensor> params = mlp.parameters();
  Generator gen(8);
  Tensor z0 = RandNormal({5, 3}, 0.0, 1.0, gen).set_requires_grad(true);
  Tensor w = RandNormal({4, 5, 3}, 0.0, 1.0, gen);
  DynamicsFn f = [&mlp, time_dependent](double t, const Tensor& z) {
    return mlp(time_dependent ? t : 0.0, z);
  };
  OdeintOptions options = base;
  options.rtol = options.atol = tol;
  options.gradient = method;
  absl::StatusOr<OdeintResult> r = Odeint(f, params, z0, {0.0, 0.3, 1.2, 2.5}, options);
  EXPECT_THAT(r.status(), IsOk());
  if (!r.ok()) return {};
  Sum(Mul(Tanh(r->ys), w)).backward();
  SolveResult out;
  out.ys = ToVector(r->ys.detach());
  out.grads.push_back(ToVector(z0.grad()));
  for (const Tensor& p : params) out.grads.push_back(ToVector(p.grad()));
  return out;
}

double GradDiff(const SolveResult& a, const SolveResult& b) {
  double worst = 0;
  for (size_t i = 0; i < a.grads.size(); ++i) {
    worst = std::max(worst, MaxRelErr(a.grads[i], b.grads[i]));
  }
  return worst;
}

// The naive method on the time-dependent field relies on its taped stage times (Note [Time
// argument of f in the naive method]); without them its gradient is off by O(1).
TEST(MethodsAgreeTest, TightTolerancesAgreeLooseOnesConverge) {
  for (bool time_dependent : {true, false}) {
    const SolveResult reference = Solve(GradientMethod::kAca, 1e-11, time_dependent);
    for (GradientMethod method :
         {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
      const double loose = GradDiff(Solve(method, 1e-4, time_dependent), reference);
      const double tight = GradDiff(Solve(method, 1e-8, time_dependent), reference);
      std::printf(
          "%-8s %-14s grad max rel diff from ACA(1e-11): tol 1e-4 %.3e, "
          "tol 1e-8 %.3e\n",
          GradientMethodName(method), time_dependent ? "f(t, z)" : "f(z)", loose, tight);
      EXPECT_LT(tight, 1e-6);
      EXPECT_LT(tight, loose);
    }
  }
}

TEST(MethodsAgreeTest, PerComponentTolerances) {
  OdeintOptions options;
  options.atol_tensor = FromVector({1e-9, 1e-9, 1e-9}, {3});
  options.rtol_tensor = FromVector({1e-9, 1e-9, 1e-9}, {3});
  const SolveResult reference = Solve(GradientMethod::kAca, 1e-11, false);
  for (GradientMethod method : {GradientMethod::kAca, GradientMethod::kNaive}) {
    const SolveResult r = Solve(method, 1.0, false, options);  // the tensors replace the scalars
    const double diff = GradDiff(r, reference);
    std::printf("%-8s per-component tol 1e-9: grad max rel diff %.3e\n", GradientMethodName(method),
                diff);
    EXPECT_LT(diff, 1e-6);
  }
}

}  // namespace
}  // namespace aca
}  // namespace acaode

namespace acaode {
namespace aca {
namespace {

// Gradients go only where asked: z0 without requires_grad gets none, the parameters do;
// with nothing requiring grad (or grad mode off) ys is a plain tensor.
TEST(MethodsAgreeTest, GradientsOnlyWhereAsked) {
  for (GradientMethod method :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    Tensor k = Scalar(-0.3).set_requires_grad(true);
    Tensor z0 = FromVector({1.0, 2.0}, {2});
    DynamicsFn f = [&k](double, const Tensor& z) { return Mul(z, k); };
    OdeintOptions options;
    options.gradient = method;
    options.rtol = options.atol = 1e-10;
    absl::StatusOr<OdeintResult> r = Odeint(f, {k}, z0, {0.0, 1.0}, options);
    ASSERT_THAT(r.status(), IsOk());
    ASSERT_TRUE(r->ys.requires_grad());
    Sum(r->ys[1]).backward();
    EXPECT_FALSE(z0.grad().defined());
    // d/dk Σ z0 e^{k} = 3 e^{-0.3}.
    EXPECT_NEAR(k.grad().item(), 3 * std::exp(-0.3), 1e-8) << GradientMethodName(method);

    Tensor k_const = Scalar(-0.3);
    DynamicsFn g = [&k_const](double, const Tensor& z) { return Mul(z, k_const); };
    absl::StatusOr<OdeintResult> plain = Odeint(g, {k_const}, z0, {0.0, 1.0}, options);
    ASSERT_THAT(plain.status(), IsOk());
    EXPECT_FALSE(plain->ys.requires_grad());
  }
}

// A single output time: ys = [z0] and dL/dz0 = dL/dys[0].
TEST(MethodsAgreeTest, SingleOutputTime) {
  for (GradientMethod method :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    Tensor z0 = FromVector({1.0, -2.0}, {2}).set_requires_grad(true);
    DynamicsFn f = [](double, const Tensor& z) { return Neg(z); };
    OdeintOptions options;
    options.gradient = method;
    absl::StatusOr<OdeintResult> r = Odeint(f, {}, z0, {0.5}, options);
    ASSERT_THAT(r.status(), IsOk());
    EXPECT_EQ(r->ys.shape(), (Shape{1, 2}));
    EXPECT_EQ(ToVector(r->ys.detach()), (std::vector<double>{1.0, -2.0}));
    Sum(Mul(r->ys, 3.0)).backward();
    EXPECT_EQ(ToVector(z0.grad()), (std::vector<double>{3.0, 3.0})) << GradientMethodName(method);
  }
}

}  // namespace
}  // namespace aca
}  // namespace acaode
