// The backward engine, grad mode, the custom-Function API and Vjp/Grad.
#include <cmath>
#include <memory>
#include <stdexcept>
#include <thread>

#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::acaode::testing::GradCheck;
using ::acaode::testing::Inputs;
using ::acaode::testing::RandInput;
using ::testing::HasSubstr;

TEST(Engine, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = FromVector({1, 2, 3}, {3}).set_requires_grad(true);
  Sum(Square(x)).backward();
  EXPECT_TRUE(AllClose(x.grad(), {2, 4, 6}));
  Sum(Mul(x, 3.0)).backward();
  EXPECT_TRUE(AllClose(x.grad(), {5, 7, 9}));
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  Sum(x).backward();
  EXPECT_TRUE(AllClose(x.grad(), {1, 1, 1}));
}

TEST(Engine, SharedSubexpressionDiamond) {
  // y = a * a + a, a = 2 x: dy/dx = 2 (2 a + 1).
  Tensor x = FromVector({0.5, -1.0}, {2}).set_requires_grad(true);
  Tensor a = Mul(x, 2.0);
  Sum(Add(Mul(a, a), a)).backward();
  EXPECT_TRUE(AllClose(x.grad(), {2 * (2 * 1.0 + 1), 2 * (2 * -2.0 + 1)}));
}

TEST(Engine, RetainGraphAllowsSecondBackward) {
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  Tensor y = Sum(Exp(x));
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  EXPECT_TRUE(AllClose(x.grad(), {2 * std::exp(1.0), 2 * std::exp(2.0)}, 1e-12));
}

TEST(Engine, FreedGraphThrows) {
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  Tensor y = Sum(Exp(x));
  y.backward();
  EXPECT_THAT([&] { y.backward(); }, ::testing::ThrowsMessage<RuntimeError>(
                                         HasSubstr("graph was freed; pass retain_graph=true")));
}

TEST(Engine, NonScalarBackwardNeedsGradOutput) {
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  Tensor y = Mul(x, 2.0);
  EXPECT_THAT([&] { y.backward(); },
              ::testing::ThrowsMessage<ValueError>(
                  HasSubstr("grad_output must be given for a non-scalar output of shape [2]")));
  EXPECT_THAT([&] { y.backward(Ones({3})); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("grad_output of shape [3]")));
  y.backward(FromVector({1, 10}, {2}));
  EXPECT_TRUE(AllClose(x.grad(), {2, 20}));
  // A one-element non-0-d output needs no grad_output.
  Tensor x2 = FromVector({3}, {1, 1}).set_requires_grad(true);
  Square(x2).backward();
  EXPECT_TRUE(AllClose(x2.grad(), {6}));
}

TEST(Engine, BackwardWithoutGradErrors) {
  EXPECT_THAT([] { Sum(Ones({2})).backward(); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("does not require grad")));
}

TEST(Engine, LeafBackwardAccumulatesIntoItself) {
  Tensor x = Scalar(3.0).set_requires_grad(true);
  x.backward();
  EXPECT_EQ(x.grad().item(), 1.0);
}

TEST(Engine, NonLeafHasNoGradAndCannotBeMarked) {
  Tensor x = Ones({2}).set_requires_grad(true);
  Tensor y = Mul(x, 2.0);
  EXPECT_FALSE(y.is_leaf());
  EXPECT_THAT([&] { y.set_requires_grad(false); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("only leaves")));
  Sum(y).backward();
  EXPECT_FALSE(y.grad().defined());
}

TEST(Engine, DeepChainBackwardAndDestruction) {
  // 200k nodes: neither backward nor graph destruction may recurse.
  Tensor x = Scalar(1.0).set_requires_grad(true);
  {
    Tensor y = x;
    for (int i = 0; i < 100000; ++i) y = Mul(Add(y, 0.0), 1.0);
    y.backward();
    EXPECT_EQ(x.grad().item(), 1.0);
  }
  {
    Tensor y = x;
    for (int i = 0; i < 200000; ++i) y = Add(y, 1.0);
  }  // destroyed without backward
  SUCCEED();
}

TEST(Engine, MlpGradientsOfAllParameters) {
  // A two-layer MLP with a broadcast bias: every parameter through the harness.
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        Tensor h = Tanh(Add(MatMul(v[0], v[1]), v[2]));
        return Mean(Square(Sub(MatMul(h, v[3]), v[4])));
      },
      {RandInput({5, 3}), RandInput({3, 4}), RandInput({4}), RandInput({4, 2}),
       RandInput({5, 2})}));
}

TEST(Engine, Float32GradientsMatchFloat64) {
  auto grads = [](DType dtype) {
    Generator gen(3);
    Tensor x = RandNormal({6, 3}, 0, 1, gen).to(dtype);
    Tensor w = RandNormal({3, 3}, 0, 1, gen).to(dtype).set_requires_grad(true);
    Tensor b = RandNormal({3}, 0, 1, gen).to(dtype).set_requires_grad(true);
    Sum(Sigmoid(Add(MatMul(x, w), b))).backward();
    return std::make_pair(ToVector(w.grad()), ToVector(b.grad()));
  };
  const auto g64 = grads(DType::kFloat64);
  const auto g32 = grads(DType::kFloat32);
  for (size_t i = 0; i < g64.first.size(); ++i) EXPECT_NEAR(g32.first[i], g64.first[i], 1e-5);
  for (size_t i = 0; i < g64.second.size(); ++i) EXPECT_NEAR(g32.second[i], g64.second[i], 1e-5);
}

TEST(Engine, GradientBufferIsNotAliasedWithUserTensors) {
  // The seed passed by the user must not be modified by accumulation.
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  Tensor seed = FromVector({1, 1}, {2});
  Add(Mul(x, 1.0), x).backward(seed);
  EXPECT_TRUE(AllClose(seed, {1, 1}));
  EXPECT_TRUE(AllClose(x.grad(), {2, 2}));
  Mul(x, 1.0).backward(seed);
  EXPECT_TRUE(AllClose(x.grad(), {3, 3}));
  EXPECT_TRUE(AllClose(seed, {1, 1}));
}

TEST(GradMode, NoGradGuardStopsRecording) {
  Tensor x = Ones({2}).set_requires_grad(true);
  EXPECT_TRUE(IsGradEnabled());
  {
    NoGradGuard no_grad;
    EXPECT_FALSE(IsGradEnabled());
    Tensor y = Mul(x, 2.0);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
    {
      EnableGradGuard enable;
      EXPECT_TRUE(Mul(x, 2.0).requires_grad());
    }
    EXPECT_FALSE(IsGradEnabled());
  }
  EXPECT_TRUE(IsGradEnabled());
}

TEST(GradMode, IsThreadLocal) {
  NoGradGuard no_grad;
  bool other_thread_enabled = false;
  std::thread t([&] { other_thread_enabled = IsGradEnabled(); });
  t.join();
  EXPECT_TRUE(other_thread_enabled);
  EXPECT_FALSE(IsGradEnabled());
}

TEST(GradMode, GuardRestoresOnException) {
  try {
    NoGradGuard no_grad;
    throw std::runtime_error("user error");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(IsGradEnabled());
}

TEST(GradMode, DetachCutsTheGraph) {
  Tensor x = FromVector({2}, {1}).set_requires_grad(true);
  Tensor y = Mul(x, x.detach());  // d/dx = x (the detached factor is constant)
  Sum(y).backward();
  EXPECT_TRUE(AllClose(x.grad(), {2}));
}

// A custom Function: y = c * x^3 with a saved context.
struct CubeFn {
  double c;
  std::vector<Tensor> Forward(FunctionContext& ctx, const std::vector<Tensor>& in) {
    ctx.SaveForBackward({in[0]});
    ctx.saved_doubles = {c};
    return {Mul(Pow(in[0], 3.0), c)};
  }
  std::vector<Tensor> Backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
    const Tensor& x = ctx.saved_tensors()[0];
    // d c x^3 = 3 c x^2 dx
    return {Mul(g[0], Mul(Square(x), 3.0 * ctx.saved_doubles[0]))};
  }
};

TEST(CustomFunction, GradientAndFreedContext) {
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Apply(CubeFn{1.5}, {v[0]})[0]; },
                        {RandInput({2, 3})}));
  Tensor x = Scalar(2.0).set_requires_grad(true);
  Tensor y = Apply(CubeFn{1.0}, {x})[0];
  EXPECT_FALSE(y.is_leaf());
  y.backward();
  EXPECT_EQ(x.grad().item(), 12.0);
  EXPECT_THROW(y.backward(), RuntimeError);
}

TEST(CustomFunction, NoRecordingWhenNotNeeded) {
  Tensor y = Apply(CubeFn{1.0}, {Scalar(2.0)})[0];
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.item(), 8.0);
}

// A function returning its input unchanged must not hijack the input.
struct IdentityFn {
  std::vector<Tensor> Forward(FunctionContext&, const std::vector<Tensor>& in) { return {in[0]}; }
  std::vector<Tensor> Backward(FunctionContext&, const std::vector<Tensor>& g) {
    return {Mul(g[0], 2.0)};  // deliberately not the identity's gradient
  }
};

TEST(CustomFunction, OutputAliasingInputGetsFreshImpl) {
  Tensor x = Scalar(1.0).set_requires_grad(true);
  Tensor y = Apply(IdentityFn{}, {x})[0];
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(y.is_leaf());
  y.backward();
  EXPECT_EQ(x.grad().item(), 2.0);
}

struct WrongShapeFn {
  std::vector<Tensor> Forward(FunctionContext&, const std::vector<Tensor>& in) {
    return {Mul(in[0], 1.0)};
  }
  std::vector<Tensor> Backward(FunctionContext&, const std::vector<Tensor>&) { return {Ones({5})}; }
};

TEST(CustomFunction, WrongGradientShapeIsAClearError) {
  Tensor x = Ones({2}).set_requires_grad(true);
  EXPECT_THAT([&] { Sum(Apply(WrongShapeFn{}, {x})[0]).backward(); },
              ::testing::ThrowsMessage<RuntimeError>(
                  HasSubstr("the gradient from FunctionNode has shape [5] and dtype float64 for a "
                            "leaf of shape [2]")));
}

TEST(GradCheckHarness, CatchesAWrongBackward) {
  // The harness must fail on a wrong derivative (here 2x instead of 1x).
  EXPECT_FALSE(
      GradCheck([](const Inputs& v) { return Apply(IdentityFn{}, {v[0]})[0]; }, {RandInput({3})}));
}

// A hand-written Node with two outputs, attached with ApplyFunction.
class SplitSignNode : public Node {
 public:
  std::vector<Tensor> Backward(const std::vector<Tensor>& g) override {
    // outputs: (x, -x): d/dx = g0 - g1 (undefined = zero)
    Tensor out;
    if (g[0].defined()) out = g[0];
    if (g[1].defined()) out = out.defined() ? Sub(out, g[1]) : Neg(g[1]);
    return {out};
  }
  std::string name() const override { return "SplitSignNode"; }
};

TEST(CustomNode, MultipleOutputsAndUnusedOutput) {
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  std::vector<Tensor> outs;
  {
    NoGradGuard no_grad;
    outs = {x.clone(), Neg(x)};
  }
  outs = ApplyFunction(std::make_shared<SplitSignNode>(), {x}, outs);
  Sum(Mul(outs[1], 3.0)).backward(Tensor(), /*retain_graph=*/true);  // 2nd output only
  EXPECT_TRUE(AllClose(x.grad(), {-3, -3}));
  x.zero_grad();
  Sum(outs[0] + outs[1] * 2.0).backward();
  EXPECT_TRUE(AllClose(x.grad(), {-1, -1}));
}

TEST(Vjp, MatchesHandComputedJacobianTranspose) {
  // f(x, w) = tanh(W x): vjp with v: (W^T (v * (1 - y^2)), (v * (1 - y^2)) x^T)
  const Tensor w = FromVector({1, 2, -1, 0.5, 0, 3}, {2, 3});
  const Tensor x = FromVector({0.1, -0.2, 0.3}, {3});
  const Tensor v = FromVector({1.0, -2.0}, {2});
  std::vector<Tensor> g =
      Vjp([](const std::vector<Tensor>& in) { return Tanh(MatMul(in[0], in[1])); }, {w, x}, v);
  ASSERT_EQ(g.size(), 2u);
  const std::vector<double> y = ToVector(Tanh(MatMul(w, x)));
  const std::vector<double> s = {1.0 * (1 - y[0] * y[0]), -2.0 * (1 - y[1] * y[1])};
  EXPECT_TRUE(
      AllClose(g[1], {s[0] * 1 + s[1] * 0.5, s[0] * 2 + s[1] * 0, s[0] * -1 + s[1] * 3}, 1e-14));
  EXPECT_TRUE(AllClose(
      g[0], {s[0] * 0.1, s[0] * -0.2, s[0] * 0.3, s[1] * 0.1, s[1] * -0.2, s[1] * 0.3}, 1e-14));
  EXPECT_FALSE(w.requires_grad());  // inputs untouched
}

TEST(Vjp, UnusedInputAndParametersUntouched) {
  Tensor p = Scalar(2.0).set_requires_grad(true);  // a "parameter" fn closes over
  std::vector<Tensor> g = Vjp([&p](const std::vector<Tensor>& in) { return Mul(in[0], p); },
                              {FromVector({1, 2}, {2}), Ones({3})}, Ones({2}));
  EXPECT_TRUE(AllClose(g[0], {2, 2}));
  EXPECT_TRUE(AllClose(g[1], {0, 0, 0}));
  EXPECT_FALSE(p.grad().defined());
  EXPECT_THROW(Vjp([](const std::vector<Tensor>& in) { return in[0]; }, {Ones({2})}, Ones({3})),
               ValueError);
}

TEST(Grad, InteriorAndLeafInputsWithoutTouchingDotGrad) {
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  Tensor h = Square(x);
  Tensor y = Sum(Mul(h, 3.0));
  std::vector<Tensor> g = Grad({y}, {Tensor()}, {h, x});
  EXPECT_TRUE(AllClose(g[0], {3, 3}));
  EXPECT_TRUE(AllClose(g[1], {6, 12}));
  EXPECT_FALSE(x.grad().defined());
  EXPECT_THROW(Grad({Sum(Mul(x, 1.0))}, {Tensor()}, {Ones({2})}), ValueError);
}

TEST(Exceptions, UserErrorPropagatesUnchangedThroughVjp) {
  struct UserError : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  EXPECT_THROW(Vjp([](const std::vector<Tensor>&) -> Tensor { throw UserError("boom"); },
                   {Ones({2})}, Ones({2})),
               UserError);
  EXPECT_TRUE(IsGradEnabled());
}

TEST(InPlace, UpdatesAndGuards) {
  Tensor p = FromVector({1, 2}, {2}).set_requires_grad(true);
  EXPECT_THAT([&] { AxpyInPlace(p, -0.1, Ones({2})); },
              ::testing::ThrowsMessage<RuntimeError>(HasSubstr("NoGradGuard")));
  {
    NoGradGuard no_grad;
    AxpyInPlace(p, -0.5, FromVector({2, 4}, {2}));
    EXPECT_TRUE(AllClose(p, {0, 0}));
    CopyInPlace(p, FromVector({3, 5}, {2}));
    ScaleInPlace(p, 2.0);
    EXPECT_TRUE(AllClose(p, {6, 10}));
    FillInPlace(p, 1.0);
    EXPECT_TRUE(AllClose(p, {1, 1}));
    EXPECT_THROW(CopyInPlace(p, Ones({3})), ValueError);
  }
}

}  // namespace
}  // namespace acaode
