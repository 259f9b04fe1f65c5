// End-to-end training: an MLP on a small regression and a small conv net
// on synthetic images must reach a stated low loss (the layers, losses,
// backward and optimizers working together). Seeds are fixed, so the runs
// are deterministic; the thresholds leave a margin over the observed
// values noted beside them.
#include <cmath>
#include <memory>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/conv.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/norm.h"
#include "autograd/nn/sequential.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/pool.h"
#include "autograd/optim/adam.h"
#include "autograd/optim/lr_scheduler.h"
#include "autograd/optim/sgd.h"
#include "gtest/gtest.h"

namespace acaode {
namespace {

using ModulePtr = std::shared_ptr<nn::Module>;

// A module from a lambda (pooling ops have no layer classes).
class Lambda : public nn::Module {
 public:
  explicit Lambda(std::function<Tensor(const Tensor&)> f) : Module("Lambda"), f_(std::move(f)) {}
  Tensor Forward(const Tensor& x) override { return f_(x); }

 private:
  std::function<Tensor(const Tensor&)> f_;
};

TEST(Fit, MlpRegression) {
  // y = sin(2 x1) cos(x2) on 256 points of [-1, 1]^2 (variance ~ 0.2).
  Generator gen(1);
  const int64_t n = 256;
  Tensor x = RandUniform({n, 2}, -1, 1, gen, DType::kFloat32);
  std::vector<double> xv = ToVector(x), yv(n);
  for (int64_t i = 0; i < n; ++i) yv[i] = std::sin(2 * xv[2 * i]) * std::cos(xv[2 * i + 1]);
  Tensor y = FromVector(yv, {n, 1}, DType::kFloat32);

  nn::Sequential net({std::make_shared<nn::Linear>(2, 32, gen, true, DType::kFloat32),
                      std::make_shared<nn::Tanh>(),
                      std::make_shared<nn::Linear>(32, 32, gen, true, DType::kFloat32),
                      std::make_shared<nn::Tanh>(),
                      std::make_shared<nn::Linear>(32, 1, gen, true, DType::kFloat32)});
  optim::AdamOptions o;
  o.lr = 1e-2;
  auto adam = optim::Adam::Create(net.Parameters(), o).value();
  auto sched = optim::MultiStepLr::Create(adam.get(), {1000, 1500}, 0.3).value();
  const double initial = MseLoss(net.Forward(x), y).item();
  double loss = initial;
  for (int step = 0; step < 2000; ++step) {
    adam->ZeroGrad();
    Tensor l = MseLoss(net.Forward(x), y);
    l.backward();
    adam->Step();
    sched->Step();
    loss = l.item();
  }
  {
    NoGradGuard ng;
    loss = MseLoss(net.Forward(x), y).item();
  }
  RecordProperty("final_mse", std::to_string(loss));
  EXPECT_GT(initial, 0.1);
  EXPECT_LT(loss, 1e-4) << "initial " << initial;  // observed 1.0e-5
}

// 8x8 one-channel images: class 0 has a horizontal bar, class 1 a vertical
// bar, at a random position, with Gaussian noise (std 0.3).
void MakeBars(int64_t n, Generator& gen, Tensor* images, std::vector<int64_t>* labels) {
  std::vector<double> img(n * 64);
  labels->resize(n);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t cls = static_cast<int64_t>(gen.NextUniform() * 2);
    const int64_t pos = static_cast<int64_t>(gen.NextUniform() * 8);
    (*labels)[i] = cls;
    for (int64_t r = 0; r < 8; ++r)
      for (int64_t c = 0; c < 8; ++c) {
        const bool on = cls == 0 ? r == pos : c == pos;
        img[i * 64 + r * 8 + c] = (on ? 1.0 : 0.0) + 0.3 * gen.NextNormal();
      }
  }
  *images = FromVector(img, {n, 1, 8, 8}, DType::kFloat32);
}

double Accuracy(const Tensor& logits, const std::vector<int64_t>& labels) {
  const std::vector<double> l = ToVector(logits);
  int correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const int64_t pred = l[2 * i + 1] > l[2 * i] ? 1 : 0;
    correct += pred == labels[i];
  }
  return static_cast<double>(correct) / labels.size();
}

TEST(Fit, ConvNetOnSyntheticImages) {
  Generator gen(2);
  Tensor train_x, test_x;
  std::vector<int64_t> train_y, test_y;
  MakeBars(128, gen, &train_x, &train_y);
  MakeBars(128, gen, &test_x, &test_y);
  nn::Conv2dOptions c;
  c.padding = 1;
  c.dtype = DType::kFloat32;
  nn::BatchNormOptions b;
  b.dtype = DType::kFloat32;
  nn::Sequential net(std::vector<ModulePtr>{
      std::make_shared<nn::Conv2d>(1, 8, 3, gen, c),
      std::make_shared<nn::GroupNorm>(2, 8, 1e-5, true, DType::kFloat32),
      std::make_shared<nn::ReLU>(),
      std::make_shared<Lambda>([](const Tensor& t) { return AvgPool2d(t, {2}); }),
      std::make_shared<nn::Conv2d>(8, 8, 3, gen, c), std::make_shared<nn::BatchNorm2d>(8, b),
      std::make_shared<nn::ReLU>(),
      std::make_shared<Lambda>([](const Tensor& t) { return AdaptiveAvgPool2d1x1(t); }),
      std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(8, 2, gen, true, DType::kFloat32)});
  optim::SgdOptions o;
  o.lr = 0.1;
  o.momentum = 0.9;
  auto sgd = optim::Sgd::Create(net.Parameters(), o).value();
  double loss = 0;
  for (int step = 0; step < 150; ++step) {
    sgd->ZeroGrad();
    Tensor l = CrossEntropy(net.Forward(train_x), train_y);
    l.backward();
    sgd->Step();
    loss = l.item();
  }
  net.Eval();
  NoGradGuard ng;
  const double train_loss = CrossEntropy(net.Forward(train_x), train_y).item();
  const double test_acc = Accuracy(net.Forward(test_x), test_y);
  RecordProperty("final_train_loss", std::to_string(train_loss));
  EXPECT_LT(loss, 0.01);
  // Eval mode (BatchNorm running statistics); observed 4.7e-4.
  EXPECT_LT(train_loss, 0.01);
  EXPECT_GE(test_acc, 0.95);
}

}  // namespace
}  // namespace acaode
