// Tests of the optimizers and learning-rate schedules (autograd/optim/):
// two or three steps against updates computed by hand from PyTorch's
// formulas (numbers written out below), schedules against their closed
// forms, and option validation.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "autograd/autograd.h"
#include "autograd/optim/adam.h"
#include "autograd/optim/lr_scheduler.h"
#include "autograd/optim/sgd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace {

using ::testing::HasSubstr;

// A one-element parameter p = p0 and a helper feeding it a given gradient.
struct Param {
  explicit Param(double p0, DType dtype = DType::kFloat64)
      : p(Full({1}, p0, dtype).set_requires_grad(true)) {}
  void Grad(double g) { p.set_grad(Full({1}, g, p.dtype())); }
  double value() const { return p.item(); }
  Tensor p;
};

template <class Opt, class Options>
std::unique_ptr<Opt> Make(const std::vector<Tensor>& params, const Options& o) {
  auto r = Opt::Create(params, o);
  EXPECT_THAT(r, IsOk());
  return std::move(r).value();
}

TEST(Sgd, PlainWithWeightDecay) {
  Param x(1.0);
  optim::SgdOptions o;
  o.lr = 0.1;
  o.weight_decay = 0.01;
  auto sgd = Make<optim::Sgd>({x.p}, o);
  x.Grad(0.5);
  sgd->Step();
  // d = 0.5 + 0.01 * 1 = 0.51; p = 1 - 0.1 * 0.51
  EXPECT_NEAR(x.value(), 0.949, 1e-15);
  x.Grad(-1.0);
  sgd->Step();
  // d = -1 + 0.01 * 0.949 = -0.99051; p = 0.949 + 0.099051
  EXPECT_NEAR(x.value(), 1.048051, 1e-15);
}

TEST(Sgd, MomentumWithDampening) {
  Param x(1.0);
  optim::SgdOptions o;
  o.lr = 0.1;
  o.momentum = 0.9;
  o.dampening = 0.1;
  auto sgd = Make<optim::Sgd>({x.p}, o);
  x.Grad(0.5);
  sgd->Step();  // b = 0.5 (first step: no dampening); p = 1 - 0.05
  EXPECT_NEAR(x.value(), 0.95, 1e-15);
  x.Grad(-1.0);
  sgd->Step();  // b = 0.9*0.5 + 0.9*(-1) = -0.45; p = 0.95 + 0.045
  EXPECT_NEAR(x.value(), 0.995, 1e-15);
  x.Grad(0.2);
  sgd->Step();  // b = 0.9*(-0.45) + 0.9*0.2 = -0.225; p = 0.995 + 0.0225
  EXPECT_NEAR(x.value(), 1.0175, 1e-15);
}

TEST(Sgd, NesterovWithWeightDecay) {
  Param x(1.0);
  optim::SgdOptions o;
  o.lr = 0.1;
  o.momentum = 0.9;
  o.nesterov = true;
  o.weight_decay = 0.1;
  auto sgd = Make<optim::Sgd>({x.p}, o);
  x.Grad(0.5);
  sgd->Step();  // g = 0.6; b = 0.6; d = 0.6 + 0.9*0.6 = 1.14; p = 1 - 0.114
  EXPECT_NEAR(x.value(), 0.886, 1e-15);
  x.Grad(-1.0);
  sgd->Step();  // g = -0.9114; b = 0.54 - 0.9114 = -0.3714;
                // d = -0.9114 - 0.33426 = -1.24566; p = 0.886 + 0.124566
  EXPECT_NEAR(x.value(), 1.010566, 1e-14);
}

TEST(Sgd, UsesBackwardGradientsSkipsMissingAndWorksInFloat32) {
  Tensor p = FromVector({1.0, -2.0}, {2}).set_requires_grad(true);
  Tensor q = FromVector({3.0}, {1}).set_requires_grad(true);  // gets no grad
  Tensor r = FromVector({1.5}, {1}, DType::kFloat32).set_requires_grad(true);
  optim::SgdOptions o;
  o.lr = 0.25;
  auto sgd = Make<optim::Sgd>({p, q, r}, o);
  Sum(Square(p)).backward();  // grad 2p
  Sum(Square(r)).backward();
  sgd->Step();  // p - 0.25 * 2p = p / 2
  EXPECT_EQ(ToVector(p), (std::vector<double>{0.5, -1.0}));
  EXPECT_EQ(ToVector(q), (std::vector<double>{3.0}));
  EXPECT_EQ(r.dtype(), DType::kFloat32);
  EXPECT_EQ(ToVector(r), (std::vector<double>{0.75}));
  sgd->ZeroGrad();
  EXPECT_FALSE(p.grad().defined());
}

TEST(Sgd, OptionsAreValidated) {
  Param x(1.0);
  optim::SgdOptions o;
  o.lr = -1;
  EXPECT_THAT(optim::Sgd::Create({x.p}, o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SgdOptions.lr = -1")));
  o = {};
  o.nesterov = true;
  EXPECT_THAT(optim::Sgd::Create({x.p}, o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nesterov")));
  o = {};
  o.dampening = 2;
  EXPECT_THAT(optim::Sgd::Create({x.p}, o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dampening = 2")));
  EXPECT_THAT(
      optim::Sgd::Create({Zeros({2})}, {}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("parameter 0 (shape [2]) must be a leaf tensor with requires_grad")));
}

TEST(Adam, ThreeStepsByHand) {
  Param x(1.0);
  optim::AdamOptions o;
  o.lr = 0.1;
  auto adam = Make<optim::Adam>({x.p}, o);
  x.Grad(0.5);
  adam->Step();
  // m = 0.05, v = 0.00025, bias corrections 0.1 and 0.001:
  // p = 1 - (0.1 / 0.1) * 0.05 / (sqrt(0.00025) / sqrt(0.001) + 1e-8)
  double p1 = 1 - 0.05 / (0.5 + 1e-8);
  EXPECT_NEAR(x.value(), p1, 1e-15);
  x.Grad(-1.0);
  adam->Step();
  // m = 0.045 - 0.1 = -0.055, v = 0.999*0.00025 + 0.001 = 0.00124975,
  // bias corrections 1 - 0.81 = 0.19 and 1 - 0.998001 = 0.001999.
  double p2 = p1 + (0.1 / 0.19) * 0.055 / (std::sqrt(0.00124975 / 0.001999) + 1e-8);
  EXPECT_NEAR(x.value(), p2, 1e-14);
  x.Grad(0.25);
  adam->Step();
  // m = 0.9*(-0.055) + 0.025 = -0.0245, v = 0.999*0.00124975 + 0.001*0.0625
  //   = 0.00124850025 + 0.0000625 = 0.00131100025,
  // bias corrections 1 - 0.729 = 0.271 and 1 - 0.997002999 = 0.002997001.
  double p3 = p2 + (0.1 / 0.271) * 0.0245 / (std::sqrt(0.00131100025 / 0.002997001) + 1e-8);
  EXPECT_NEAR(x.value(), p3, 1e-14);
}

TEST(Adam, WeightDecayAndPerParameterStepCount) {
  Param x(1.0), y(2.0);
  optim::AdamOptions o;
  o.lr = 0.1;
  o.weight_decay = 0.5;
  auto adam = Make<optim::Adam>({x.p, y.p}, o);
  x.Grad(0.5);  // y has no gradient: skipped, its step count stays 0
  adam->Step();
  // g = 0.5 + 0.5*1 = 1; m = 0.1, v = 0.001; corrected 1 and 1.
  EXPECT_NEAR(x.value(), 1 - 0.1 / (1 + 1e-8), 1e-15);
  EXPECT_EQ(y.value(), 2.0);
  y.Grad(-1.0);
  x.p.zero_grad();
  adam->Step();
  // y's first step: g = -1 + 0.5*2 = 0 -> m = v = 0 -> no move.
  EXPECT_EQ(y.value(), 2.0);
  EXPECT_NEAR(x.value(), 1 - 0.1 / (1 + 1e-8), 1e-15);
}

TEST(Adam, OptionsAreValidated) {
  Param x(1.0);
  optim::AdamOptions o;
  o.beta2 = 1.0;
  EXPECT_THAT(optim::Adam::Create({x.p}, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("AdamOptions.beta2 = 1: must be in [0, 1)")));
  o = {};
  o.eps = -1;
  EXPECT_THAT(optim::Adam::Create({x.p}, o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("eps")));
}

std::unique_ptr<optim::Sgd> SgdWithLr(const Param& x, double lr) {
  optim::SgdOptions o;
  o.lr = lr;
  return Make<optim::Sgd>({x.p}, o);
}

TEST(LrSchedules, StepLr) {
  Param x(1.0);
  auto sgd = SgdWithLr(x, 0.1);
  auto r = optim::StepLr::Create(sgd.get(), 3, 0.5);
  ASSERT_THAT(r, IsOk());
  auto& s = *r.value();
  // lr = 0.1 * 0.5^floor(e / 3)
  const std::vector<double> want = {0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125};
  for (size_t e = 1; e <= want.size(); ++e) {
    s.Step();
    EXPECT_NEAR(sgd->lr(), want[e - 1], 1e-16) << "epoch " << e;
  }
  EXPECT_EQ(s.epoch(), 9);
  EXPECT_FALSE(optim::StepLr::Create(sgd.get(), 0).ok());
}

TEST(LrSchedules, MultiStepLr) {
  Param x(1.0);
  auto sgd = SgdWithLr(x, 0.1);
  auto r = optim::MultiStepLr::Create(sgd.get(), {2, 5}, 0.1);
  ASSERT_THAT(r, IsOk());
  // lr = 0.1 * 0.1^(number of milestones <= e), e = 1..7
  const std::vector<double> want = {0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001};
  for (double w : want) {
    r.value()->Step();
    EXPECT_NEAR(sgd->lr(), w, 1e-17);
  }
  EXPECT_THAT(optim::MultiStepLr::Create(sgd.get(), {5, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("strictly increasing")));
}

TEST(LrSchedules, ExponentialLrDrivesTheOptimizer) {
  Param x(1.0);
  auto sgd = SgdWithLr(x, 0.2);
  auto r = optim::ExponentialLr::Create(sgd.get(), 0.9);
  ASSERT_THAT(r, IsOk());
  for (int e = 1; e <= 5; ++e) {
    r.value()->Step();
    EXPECT_NEAR(sgd->lr(), 0.2 * std::pow(0.9, e), 1e-16);
  }
  // The next SGD step uses the scheduled lr: p = 1 - 0.2*0.9^5 * 1.
  x.Grad(1.0);
  sgd->Step();
  EXPECT_NEAR(x.value(), 1 - 0.2 * std::pow(0.9, 5), 1e-15);
  EXPECT_THAT(optim::ExponentialLr::Create(sgd.get(), 0.0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gamma = 0")));
  EXPECT_FALSE(optim::ExponentialLr::Create(nullptr, 0.5).ok());
}

// Resuming from StateDict(): k steps, save, m more steps must equal k steps, then a fresh
// optimizer (made with another lr) over copies of the parameters that loads the state and
// takes the same m steps, bit for bit. The gradients are g = p^3 - 1 (elementwise).
template <class Opt, class Options>
void ExpectResumeIsExact(const Options& options, int k, int m) {
  Generator gen(7);
  auto params = std::vector<Tensor>{RandUniform({3, 2}, -1, 1, gen).set_requires_grad(true),
                                    RandUniform({4}, -1, 1, gen).set_requires_grad(true)};
  auto steps = [](optim::Optimizer& opt, const std::vector<Tensor>& ps, int n) {
    for (int s = 0; s < n; ++s) {
      for (const Tensor& p : ps) {
        NoGradGuard no_grad;
        const_cast<Tensor&>(p).set_grad(Sub(Mul(Mul(p, p), p), 1.0));
      }
      opt.Step();
    }
  };
  auto opt = Make<Opt>(params, options);
  steps(*opt, params, k);
  const optim::Optimizer::State state = opt->StateDict();
  std::vector<Tensor> copies;
  for (const Tensor& p : params) copies.push_back(p.detach().clone().set_requires_grad(true));
  steps(*opt, params, m);
  Options other = options;
  other.lr = options.lr * 3;  // restored from the state
  auto resumed = Make<Opt>(copies, other);
  ASSERT_THAT(resumed->LoadStateDict(state), IsOk());
  EXPECT_EQ(resumed->lr(), options.lr);
  steps(*resumed, copies, m);
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(ToVector(params[i]), ToVector(copies[i])) << "parameter " << i;
  }
}

TEST(OptimizerState, AdamResumesExactly) {
  optim::AdamOptions o;
  o.lr = 0.05;
  o.weight_decay = 0.01;
  ExpectResumeIsExact<optim::Adam>(o, 3, 4);
}

TEST(OptimizerState, SgdWithMomentumResumesExactly) {
  optim::SgdOptions o;
  o.lr = 0.05;
  o.momentum = 0.9;
  o.nesterov = true;
  ExpectResumeIsExact<optim::Sgd>(o, 3, 4);
}

TEST(OptimizerState, NamesItsEntriesAndRejectsBadOnesChangingNothing) {
  Param x(1.0), y(2.0);
  optim::AdamOptions o;
  o.lr = 0.1;
  auto adam = Make<optim::Adam>({x.p, y.p}, o);
  x.Grad(1.0);  // y has no gradient: no state
  adam->Step();
  optim::Optimizer::State state = adam->StateDict();
  std::vector<std::string> names;
  for (const auto& [name, t] : state) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.exp_avg", "0.exp_avg_sq", "0.step", "lr"}));
  EXPECT_EQ(state["0.step"].item(), 1.0);

  auto fresh = Make<optim::Adam>({x.p, y.p}, o);
  const auto rejects = [&](optim::Optimizer::State bad, const char* what) {
    const absl::Status status = fresh->LoadStateDict(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << what;
    EXPECT_THAT(std::string(status.message()), HasSubstr(what));
  };
  optim::Optimizer::State missing_lr = state;
  missing_lr.erase("lr");
  rejects(missing_lr, "'lr' is missing");
  optim::Optimizer::State wrong_shape = state;
  wrong_shape["0.exp_avg"] = Zeros({2});
  rejects(wrong_shape, "'0.exp_avg' is float64 [2] but parameter 0 is float64 [1]");
  optim::Optimizer::State unknown = state;
  unknown["0.momentum_buffer"] = Zeros({1});
  rejects(unknown, "'0.momentum_buffer' names a slot this optimizer does not have");
  optim::Optimizer::State partial = state;
  partial.erase("0.exp_avg_sq");
  rejects(partial, "parameter 0 has 2 of its 3 state entries");
  optim::Optimizer::State bad_index = state;
  bad_index["5.step"] = Scalar(1.0);
  rejects(bad_index, "'5.step' is not 'lr' or '<parameter index>.<slot>'");
  EXPECT_TRUE(fresh->StateDict().size() == 1);  // only "lr": nothing was loaded
}

}  // namespace
}  // namespace acaode
