// nn::Sequential: modules applied one after another (torch.nn.Sequential).
//
//   auto net = std::make_shared<nn::Sequential>();
//   net->Push(std::make_shared<nn::Linear>(2, 16, gen));
//   net->Push(std::make_shared<nn::Tanh>());
//   Tensor y = net->Forward(x);
//
// Children are named "0", "1", ... so parameters read "0.weight", "0.bias".
#ifndef ACAODE_AUTOGRAD_NN_SEQUENTIAL_H_
#define ACAODE_AUTOGRAD_NN_SEQUENTIAL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/nn/module.h"

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
  }

  Tensor Forward(const Tensor& x) override {
    Tensor h = x;
    for (auto& layer : layers_) h = layer->Forward(h);
    return h;
  }

  size_t size() const { return layers_.size(); }
  const std::shared_ptr<Module>& operator[](size_t i) const { return layers_.at(i); }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_SEQUENTIAL_H_
