// Parameter-free layers: activations and Flatten.
//
//   auto net = std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
//       std::make_shared<nn::Linear>(2, 16, gen), std::make_shared<nn::Tanh>(),
//       std::make_shared<nn::Linear>(16, 1, gen)});
//
// ReLU max(x, 0); Tanh; Sigmoid 1/(1+e^-x); Softplus log(1+e^x) (beta = 1);
// Flatten(start_dim = 1) collapses dims start_dim.. into one ([N, C, H, W]
// -> [N, C*H*W]).
#ifndef ACAODE_AUTOGRAD_NN_ACTIVATION_H_
#define ACAODE_AUTOGRAD_NN_ACTIVATION_H_

#include <cstdint>

#include "autograd/nn/module.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/shape.h"

namespace acaode {
namespace nn {

class ReLU : public Module {
 public:
  ReLU() : Module("ReLU") {}
  Tensor Forward(const Tensor& x) override { return ::acaode::Relu(x); }
};

class Tanh : public Module {
 public:
  Tanh() : Module("Tanh") {}
  Tensor Forward(const Tensor& x) override { return ::acaode::Tanh(x); }
};

class Sigmoid : public Module {
 public:
  Sigmoid() : Module("Sigmoid") {}
  Tensor Forward(const Tensor& x) override { return ::acaode::Sigmoid(x); }
};

class Softplus : public Module {
 public:
  Softplus() : Module("Softplus") {}
  Tensor Forward(const Tensor& x) override { return ::acaode::Softplus(x); }
};

class Flatten : public Module {
 public:
  explicit Flatten(int64_t start_dim = 1) : Module("Flatten"), start_dim_(start_dim) {}
  Tensor Forward(const Tensor& x) override { return ::acaode::Flatten(x, start_dim_); }

 private:
  int64_t start_dim_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_ACTIVATION_H_
