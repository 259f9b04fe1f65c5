// Tests of the nn layers (autograd/nn/): parameter names and PyTorch
// initialisation bounds, forward values against direct formulas, input and
// parameter gradients through the harness, float32 vs float64, train/eval,
// the ODE-function interface, and bad input.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/conv.h"
#include "autograd/nn/init.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/norm.h"
#include "autograd/nn/ode_module.h"
#include "autograd/nn/rnn.h"
#include "autograd/nn/sequential.h"
#include "autograd/ops/conv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"
#include "tests/autograd/module_grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::acaode::testing::GradCheck;
using ::acaode::testing::Inputs;
using ::acaode::testing::ModuleGradCheck;
using ::acaode::testing::RandInput;
using ::acaode::testing::Reseed;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Names(const nn::NamedTensors& named) {
  std::vector<std::string> out;
  for (const auto& e : named) out.push_back(e.first);
  return out;
}

// max |v| over the tensor.
double MaxAbs(const Tensor& t) {
  double m = 0;
  for (double v : ToVector(t)) m = std::max(m, std::abs(v));
  return m;
}

// The uniform(-bound, bound) init: inside the bound; with enough samples
// reaching close to it; the mean within 4 standard errors
// (bound / sqrt(3 n)) of 0.
void ExpectUniformInit(const Tensor& t, double bound) {
  const std::vector<double> v = ToVector(t);
  double mean = 0;
  for (double x : v) {
    EXPECT_LE(std::abs(x), bound);
    mean += x / v.size();
  }
  if (v.size() >= 30) {
    EXPECT_GT(MaxAbs(t), 0.8 * bound);
  }
  EXPECT_LT(std::abs(mean), 4 * bound / std::sqrt(3.0 * v.size()));
}

TEST(Linear, NamesInitAndForward) {
  Generator gen(1);
  nn::Linear fc(50, 40, gen);
  EXPECT_THAT(Names(fc.NamedParameters()), ElementsAre("weight", "bias"));
  EXPECT_EQ(fc.weight().shape(), (Shape{40, 50}));
  ExpectUniformInit(fc.weight(), 1 / std::sqrt(50.0));  // kaiming_uniform(a=sqrt 5)
  ExpectUniformInit(fc.bias(), 1 / std::sqrt(50.0));
  EXPECT_EQ(fc.NumParameters(), 40 * 50 + 40);
  // Same seed, same values (reproducible).
  Generator gen2(1);
  nn::Linear fc2(50, 40, gen2);
  EXPECT_TRUE(AllClose(fc2.weight(), ToVector(fc.weight()), 0.0));

  Tensor x = RandInput({3, 50});
  const std::vector<double> xv = ToVector(x), wv = ToVector(fc.weight()), bv = ToVector(fc.bias());
  std::vector<double> expect;
  for (int n = 0; n < 3; ++n)
    for (int o = 0; o < 40; ++o) {
      double s = bv[o];
      for (int i = 0; i < 50; ++i) s += xv[n * 50 + i] * wv[o * 50 + i];
      expect.push_back(s);
    }
  EXPECT_TRUE(AllClose(fc.Forward(x), expect, 1e-12));
  nn::Linear nobias(3, 2, gen, /*bias=*/false);
  EXPECT_THAT(Names(nobias.NamedParameters()), ElementsAre("weight"));
}

TEST(Linear, Gradients) {
  Reseed(2);
  Generator gen(2);
  nn::Linear fc(4, 3, gen);
  Tensor x = RandInput({5, 4});
  EXPECT_TRUE(ModuleGradCheck(fc, [&] { return fc.Forward(x); }));
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return fc.Forward(v[0]); }, {x}));
}

TEST(Linear, Float32MatchesFloat64) {
  Generator g64(3), g32(3);
  nn::Linear a(8, 6, g64), b(8, 6, g32, true, DType::kFloat32);
  Reseed(3);
  Tensor x = RandInput({4, 8});
  Tensor y64 = a.Forward(x), y32 = b.Forward(x.to(DType::kFloat32));
  EXPECT_EQ(y32.dtype(), DType::kFloat32);
  EXPECT_TRUE(AllClose(y32, ToVector(y64), 1e-5));
}

TEST(Conv2d, InitShapesAndGradients) {
  Generator gen(4);
  nn::Conv2dOptions o;
  o.padding = 1;
  nn::Conv2d conv(3, 5, 3, gen, o);
  EXPECT_THAT(Names(conv.NamedParameters()), ElementsAre("weight", "bias"));
  EXPECT_EQ(conv.weight().shape(), (Shape{5, 3, 3, 3}));
  ExpectUniformInit(conv.weight(), 1 / std::sqrt(27.0));
  ExpectUniformInit(conv.bias(), 1 / std::sqrt(27.0));
  Reseed(4);
  Tensor x = RandInput({2, 3, 4, 4});
  Tensor y = conv.Forward(x);
  EXPECT_EQ(y.shape(), (Shape{2, 5, 4, 4}));
  EXPECT_TRUE(AllClose(y, ToVector(Conv2d(x, conv.weight(), conv.bias(), {1, 1})), 0.0));
  EXPECT_TRUE(ModuleGradCheck(conv, [&] { return conv.Forward(x); }));
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return conv.Forward(v[0]); }, {x}));
  EXPECT_THROW(nn::Conv2d(0, 1, 3, gen), ValueError);
}

TEST(GroupNorm, ParametersAndGradients) {
  nn::GroupNorm gn(2, 4);
  EXPECT_THAT(Names(gn.NamedParameters()), ElementsAre("weight", "bias"));
  EXPECT_TRUE(AllClose(gn.weight(), {1, 1, 1, 1}, 0.0));
  EXPECT_TRUE(AllClose(gn.bias(), {0, 0, 0, 0}, 0.0));
  Reseed(5);
  // Non-trivial affine parameters for the check.
  {
    NoGradGuard ng;
    CopyInPlace(gn.weight(), RandInput({4}));
    CopyInPlace(gn.bias(), RandInput({4}));
  }
  Tensor x = RandInput({2, 4, 3, 3});
  EXPECT_TRUE(ModuleGradCheck(gn, [&] { return gn.Forward(x); }));
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return gn.Forward(v[0]); }, {x}));
  EXPECT_THAT(
      [&] {
        gn.Forward(Zeros({2, 3, 3, 3}));
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("expected input [N, 4")));
  EXPECT_THROW(nn::GroupNorm(3, 4), ValueError);
}

TEST(BatchNorm2d, TrainEvalAndBuffers) {
  nn::BatchNorm2d bn(3);
  EXPECT_THAT(Names(bn.NamedParameters()), ElementsAre("weight", "bias"));
  EXPECT_THAT(Names(bn.NamedBuffers()), ElementsAre("running_mean", "running_var"));
  Reseed(6);
  Tensor x = Add(RandInput({4, 3, 2, 2}), 3.0);  // mean about 3
  Tensor y = bn.Forward(x);
  // Training: per-channel batch statistics, so each output channel has
  // mean 0 and (biased) variance about 1.
  Tensor m = Mean(y, {0, 2, 3});
  EXPECT_TRUE(AllClose(m, {0, 0, 0}, 1e-12));
  // Running mean moved 10% of the way to the batch mean (about 3).
  for (double v : ToVector(bn.running_mean())) EXPECT_NEAR(v, 0.3, 0.06);
  bn.Eval();
  EXPECT_FALSE(bn.is_training());
  const std::vector<double> rm = ToVector(bn.running_mean());
  Tensor y_eval = bn.Forward(x);
  EXPECT_TRUE(AllClose(bn.running_mean(), rm, 0.0));  // no update in eval
  // Eval output = (x - running_mean) / sqrt(running_var + eps).
  const std::vector<double> xv = ToVector(x), rv = ToVector(bn.running_var());
  const std::vector<double> ye = ToVector(y_eval);
  for (int64_t q = 0; q < x.numel(); ++q) {
    const int64_t c = (q / 4) % 3;
    EXPECT_NEAR(ye[q], (xv[q] - rm[c]) / std::sqrt(rv[c] + 1e-5), 1e-12);
  }
  EXPECT_THROW(bn.Forward(Zeros({4, 3})), ValueError);
}

TEST(BatchNorm2d, Gradients) {
  Reseed(7);
  nn::BatchNorm2d bn(2);
  {
    NoGradGuard ng;
    CopyInPlace(bn.weight(), RandInput({2}));
    CopyInPlace(bn.bias(), RandInput({2}));
  }
  Tensor x = RandInput({3, 2, 2, 2});
  EXPECT_TRUE(ModuleGradCheck(bn, [&] { return bn.Forward(x); }));
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return bn.Forward(v[0]); }, {x}));
  bn.Eval();
  EXPECT_TRUE(ModuleGradCheck(bn, [&] { return bn.Forward(x); }));
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return bn.Forward(v[0]); }, {x}));
}

TEST(Activations, MatchOpsAndFlatten) {
  Reseed(8);
  Tensor x = RandInput({2, 3, 2});
  EXPECT_TRUE(AllClose(nn::ReLU().Forward(x), ToVector(Relu(x)), 0.0));
  EXPECT_TRUE(AllClose(nn::Tanh().Forward(x), ToVector(Tanh(x)), 0.0));
  EXPECT_TRUE(AllClose(nn::Sigmoid().Forward(x), ToVector(Sigmoid(x)), 0.0));
  EXPECT_TRUE(AllClose(nn::Softplus().Forward(x), ToVector(Softplus(x)), 0.0));
  Tensor f = nn::Flatten().Forward(x);
  EXPECT_EQ(f.shape(), (Shape{2, 6}));
  EXPECT_TRUE(AllClose(f, ToVector(x), 0.0));
  EXPECT_EQ(nn::Flatten(0).Forward(x).shape(), (Shape{12}));
}

TEST(Sequential, NamesForwardTrainEvalZeroGrad) {
  Generator gen(9);
  auto net = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(3, 4, gen), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(4, 2, gen)});
  EXPECT_THAT(Names(net->NamedParameters()),
              ElementsAre("0.weight", "0.bias", "2.weight", "2.bias"));
  EXPECT_EQ(net->size(), 3u);
  Reseed(9);
  Tensor x = RandInput({5, 3});
  auto l0 = std::static_pointer_cast<nn::Linear>((*net)[0]);
  auto l2 = std::static_pointer_cast<nn::Linear>((*net)[2]);
  EXPECT_TRUE(AllClose(net->Forward(x), ToVector(l2->Forward(Tanh(l0->Forward(x)))), 0.0));
  EXPECT_TRUE(ModuleGradCheck(*net, [&] { return net->Forward(x); }));
  for (const Tensor& p : net->Parameters()) EXPECT_TRUE(p.grad().defined());
  net->ZeroGrad();
  for (const Tensor& p : net->Parameters()) EXPECT_FALSE(p.grad().defined());
  net->Eval();
  EXPECT_FALSE(l0->is_training());
  net->Train();
  EXPECT_TRUE(l2->is_training());
  EXPECT_THROW(net->Push(nullptr), ValueError);
}

// A module whose Forward(x) is not defined.
class NoForward : public nn::Module {
 public:
  NoForward() : Module("NoForward") {}
  void AddTwice() {
    RegisterParameter("p", Zeros({1}));
    RegisterParameter("p", Zeros({1}));
  }
  void AddDotted() { RegisterParameter("a.b", Zeros({1})); }
};

TEST(Module, ErrorsAreClear) {
  NoForward m;
  EXPECT_THAT([&] { m.Forward(Zeros({1})); },
              ::testing::ThrowsMessage<RuntimeError>(HasSubstr("NoForward")));
  EXPECT_THAT([&] { m.AddTwice(); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("'p' is already registered")));
  EXPECT_THROW(m.AddDotted(), ValueError);
}

// --- recurrent cells: direct loop formulas as oracles -----------------------

double Sig(double v) { return 1 / (1 + std::exp(-v)); }

// gates[n, r] = b_ih[r] + b_hh[r] + W_ih[r,:] x[n,:] + W_hh[r,:] h[n,:]
std::vector<double> Gates(const std::vector<double>& x, const std::vector<double>& h,
                          const nn::TensorDict& p, int64_t n, int64_t in, int64_t hid, int64_t rows,
                          bool split_hh, std::vector<double>* hh_part) {
  const std::vector<double> wih = ToVector(p.at("weight_ih")), whh = ToVector(p.at("weight_hh"));
  const std::vector<double> bih = ToVector(p.at("bias_ih")), bhh = ToVector(p.at("bias_hh"));
  std::vector<double> g(n * rows);
  if (hh_part) hh_part->assign(n * rows, 0);
  for (int64_t s = 0; s < n; ++s)
    for (int64_t r = 0; r < rows; ++r) {
      double a = bih[r], b = bhh[r];
      for (int64_t i = 0; i < in; ++i) a += wih[r * in + i] * x[s * in + i];
      for (int64_t j = 0; j < hid; ++j) b += whh[r * hid + j] * h[s * hid + j];
      g[s * rows + r] = split_hh ? a : a + b;
      if (hh_part) (*hh_part)[s * rows + r] = b;
    }
  return g;
}

void NaiveLstmStep(const std::vector<double>& x, std::vector<double>* h, std::vector<double>* c,
                   const nn::TensorDict& p, int64_t n, int64_t in, int64_t hid) {
  const std::vector<double> g = Gates(x, *h, p, n, in, hid, 4 * hid, false, nullptr);
  for (int64_t s = 0; s < n; ++s)
    for (int64_t j = 0; j < hid; ++j) {
      const double* gs = &g[s * 4 * hid];
      const double cn =
          Sig(gs[hid + j]) * (*c)[s * hid + j] + Sig(gs[j]) * std::tanh(gs[2 * hid + j]);
      (*c)[s * hid + j] = cn;
      (*h)[s * hid + j] = Sig(gs[3 * hid + j]) * std::tanh(cn);
    }
}

TEST(LSTMCell, ForwardMatchesFormulaAndGradients) {
  Generator gen(10);
  nn::LSTMCell cell(3, 4, gen);
  EXPECT_THAT(Names(cell.NamedParameters()),
              ElementsAre("weight_ih", "weight_hh", "bias_ih", "bias_hh"));
  for (const auto& e : cell.NamedParameters()) ExpectUniformInit(e.second, 0.5);
  Reseed(10);
  Tensor x = RandInput({2, 3}), h = RandInput({2, 4}), c = RandInput({2, 4});
  nn::LstmState s = cell.Forward(x, {h, c});
  std::vector<double> hv = ToVector(h), cv = ToVector(c);
  NaiveLstmStep(ToVector(x), &hv, &cv, cell.StateDict(), 2, 3, 4);
  EXPECT_TRUE(AllClose(s.h, hv, 1e-12));
  EXPECT_TRUE(AllClose(s.c, cv, 1e-12));
  // Zero state by default.
  std::vector<double> h0(8, 0), c0(8, 0);
  NaiveLstmStep(ToVector(x), &h0, &c0, cell.StateDict(), 2, 3, 4);
  EXPECT_TRUE(AllClose(cell.Forward(x), h0, 1e-12));

  EXPECT_TRUE(ModuleGradCheck(cell, [&] {
    nn::LstmState t = cell.Forward(x, {h, c});
    return Add(t.h, Mul(t.c, 0.5));
  }));
  EXPECT_TRUE(GradCheck(
      [&](const Inputs& v) {
        nn::LstmState t = cell.Forward(v[0], {v[1], v[2]});
        return Add(t.h, Mul(t.c, 0.5));
      },
      {x, h, c}));
  EXPECT_THAT(
      [&] {
        cell.Forward(Zeros({2, 5}));
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("input must have shape [N, 3]")));
  EXPECT_THROW(cell.Forward(x, {Zeros({2, 3}), Tensor()}), ValueError);
}

TEST(LSTM, SequenceMatchesChainedFormulaAndGradients) {
  Generator gen(11);
  nn::LSTM lstm(3, 4, gen, /*num_layers=*/2);
  EXPECT_THAT(Names(lstm.NamedParameters()),
              ElementsAre("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                          "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"));
  Reseed(11);
  const int64_t steps = 3, n = 2;
  Tensor x = RandInput({steps, n, 3});
  nn::LstmOutput out = lstm.Forward(x, {});
  EXPECT_EQ(out.output.shape(), (Shape{steps, n, 4}));
  EXPECT_EQ(out.state.h.shape(), (Shape{2, n, 4}));
  // Oracle: chained loop cells, layer by layer.
  const nn::TensorDict sd = lstm.StateDict();
  std::vector<std::vector<double>> seq;
  for (int64_t t = 0; t < steps; ++t) seq.push_back(ToVector(x[t]));
  std::vector<double> final_h, final_c;
  for (int layer = 0; layer < 2; ++layer) {
    nn::TensorDict p;
    for (const char* k : {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
      p[k] = sd.at(std::string(k) + "_l" + std::to_string(layer));
    }
    std::vector<double> h(n * 4, 0), c(n * 4, 0);
    for (int64_t t = 0; t < steps; ++t) {
      NaiveLstmStep(seq[t], &h, &c, p, n, layer == 0 ? 3 : 4, 4);
      seq[t] = h;
    }
    final_h.insert(final_h.end(), h.begin(), h.end());
    final_c.insert(final_c.end(), c.begin(), c.end());
  }
  std::vector<double> flat;
  for (const auto& s : seq) flat.insert(flat.end(), s.begin(), s.end());
  EXPECT_TRUE(AllClose(out.output, flat, 1e-12));
  EXPECT_TRUE(AllClose(out.state.h, final_h, 1e-12));
  EXPECT_TRUE(AllClose(out.state.c, final_c, 1e-12));

  Tensor h0 = RandInput({2, n, 4}), c0 = RandInput({2, n, 4});
  EXPECT_TRUE(ModuleGradCheck(lstm, [&] { return lstm.Forward(x, {h0, c0}).output; }));
  EXPECT_TRUE(GradCheck(
      [&](const Inputs& v) {
        nn::LstmOutput o = lstm.Forward(v[0], {v[1], v[2]});
        return Add(Sum(o.output), Sum(o.state.c));
      },
      {x, h0, c0}));
  EXPECT_THROW(lstm.Forward(Zeros({3, 2, 5}), {}), ValueError);
  EXPECT_THROW(lstm.Forward(x, {Zeros({1, n, 4}), Tensor()}), ValueError);
}

TEST(GRUCell, ForwardMatchesFormulaAndGradients) {
  Generator gen(12);
  nn::GRUCell cell(3, 4, gen);
  for (const auto& e : cell.NamedParameters()) ExpectUniformInit(e.second, 0.5);
  EXPECT_EQ(cell.StateDict().at("weight_ih").shape(), (Shape{12, 3}));
  Reseed(12);
  Tensor x = RandInput({2, 3}), h = RandInput({2, 4});
  std::vector<double> hh;
  const std::vector<double> hv = ToVector(h);
  const std::vector<double> gi = Gates(ToVector(x), hv, cell.StateDict(), 2, 3, 4, 12, true, &hh);
  std::vector<double> expect(8);
  for (int s = 0; s < 2; ++s)
    for (int j = 0; j < 4; ++j) {
      const double r = Sig(gi[s * 12 + j] + hh[s * 12 + j]);
      const double z = Sig(gi[s * 12 + 4 + j] + hh[s * 12 + 4 + j]);
      const double nn_ = std::tanh(gi[s * 12 + 8 + j] + r * hh[s * 12 + 8 + j]);
      expect[s * 4 + j] = (1 - z) * nn_ + z * hv[s * 4 + j];
    }
  EXPECT_TRUE(AllClose(cell.Forward(x, h), expect, 1e-12));
  EXPECT_TRUE(ModuleGradCheck(cell, [&] { return cell.Forward(x, h); }));
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return cell.Forward(v[0], v[1]); }, {x, h}));
  EXPECT_THROW(cell.Forward(x, Zeros({2, 5})), ValueError);
}

// --- ODE-function interface ---------------------------------------------------

// f(t, z) = -k z + sin(t): a time-dependent right-hand side.
class ForcedDecay : public nn::OdeModule {
 public:
  ForcedDecay() : OdeModule("ForcedDecay") { k_ = RegisterParameter("k", Scalar(0.5)); }
  Tensor Forward(double t, const Tensor& z) override { return Add(Mul(Neg(k_), z), std::sin(t)); }

 private:
  Tensor k_;
};

TEST(OdeModule, TimeDependentAndAutonomousWrapper) {
  ForcedDecay f;
  Tensor z = FromVector({1.0, -2.0}, {2});
  EXPECT_TRUE(AllClose(f.Forward(0.3, z), {-0.5 + std::sin(0.3), 1.0 + std::sin(0.3)}, 1e-15));
  Generator gen(13);
  auto net = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(2, 3, gen), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(3, 2, gen)});
  nn::AutonomousOde ode(net);
  EXPECT_THAT(Names(ode.NamedParameters()),
              ElementsAre("func.0.weight", "func.0.bias", "func.2.weight", "func.2.bias"));
  Tensor zz = FromVector({0.1, 0.2, 0.3, 0.4}, {2, 2});
  EXPECT_TRUE(AllClose(ode.Forward(5.0, zz), ToVector(net->Forward(zz)), 0.0));
  EXPECT_TRUE(ModuleGradCheck(ode, [&] { return ode.Forward(0.0, zz); }));
  // Through the base-class interface the solvers use.
  nn::OdeModule& base = ode;
  EXPECT_TRUE(AllClose(base.Forward(1.0, zz), ToVector(net->Forward(zz)), 0.0));
  EXPECT_THROW(nn::AutonomousOde(nullptr), ValueError);
}

TEST(Init, KaimingUniformGainAndFanIn) {
  EXPECT_EQ(nn::FanIn({8, 3, 5, 5}), 75);
  EXPECT_THROW(nn::FanIn({8}), ValueError);
  Generator gen(14);
  // a = 0 (ReLU gain sqrt 2): bound = sqrt(6 / fan_in).
  ExpectUniformInit(nn::KaimingUniform({200, 24}, 0.0, gen), std::sqrt(6.0 / 24));
  ExpectUniformInit(nn::KaimingUniform({200, 24}, std::sqrt(5.0), gen), 1 / std::sqrt(24.0));
}

}  // namespace
}  // namespace acaode
