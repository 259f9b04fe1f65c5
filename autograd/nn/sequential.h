// nn::Sequential: modules applied one after another (torch.nn.Sequential).
//
//   auto net = std::make_shared<nn::Sequential>();
//   net->Push(std::make_shared<nn::Linear>(2, 16, gen));
//   net->Push(std::make_shared<nn::Tanh>());
//   Tensor y = net->Forward(x);
//
// Children are named "0", "1", ... so parameters read "0.weight", "0.bias".
//
// A Linear directly followed by a Tanh or ReLU runs as one fused op
// (LinearActivation, autograd/ops/linear.h): the same values and gradients bit for bit,
// one node and one pass over the output fewer.
#ifndef ACAODE_AUTOGRAD_NN_SEQUENTIAL_H_
#define ACAODE_AUTOGRAD_NN_SEQUENTIAL_H_

#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "autograd/cpu/isa/kernels.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/module.h"
#include "autograd/ops/linear.h"

namespace acaode {
namespace nn {

class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  explicit Sequential(std::vector<std::shared_ptr<Module>> modules) : Sequential() {
    for (auto& m : modules) Push(std::move(m));
  }

  // Appends a module (ValueError if null).
  void Push(std::shared_ptr<Module> module) {
    RegisterModule(std::to_string(layers_.size()), module);
    layers_.push_back(std::move(module));
    fused_.push_back(cpu::Activation::kNone);
    const size_t n = layers_.size();
    if (n >= 2 && typeid(*layers_[n - 2]) == typeid(Linear)) {
      const Module& act = *layers_[n - 1];
      if (typeid(act) == typeid(Tanh)) fused_[n - 2] = cpu::Activation::kTanh;
      if (typeid(act) == typeid(ReLU)) fused_[n - 2] = cpu::Activation::kRelu;
    }
  }

  Tensor Forward(const Tensor& x) override {
    Tensor h = x;
    for (size_t i = 0; i < layers_.size(); ++i) {
      if (fused_[i] != cpu::Activation::kNone) {
        const auto& linear = static_cast<const Linear&>(*layers_[i]);
        h = LinearActivation(h, linear.weight(), linear.bias(), fused_[i]);
        ++i;  // the activation ran inside
        continue;
      }
      h = layers_[i]->Forward(h);
    }
    return h;
  }

  size_t size() const { return layers_.size(); }
  const std::shared_ptr<Module>& operator[](size_t i) const { return layers_.at(i); }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
  // fused_[i] != kNone: layers_[i] is a Linear and layers_[i + 1] that activation.
  std::vector<cpu::Activation> fused_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_SEQUENTIAL_H_
