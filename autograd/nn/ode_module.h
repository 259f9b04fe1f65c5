// ODE right-hand sides as modules: f(t, z) = dz/dt, what the solvers and
// the aca library evaluate.
//
//   class Decay : public nn::OdeModule {
//    public:
//     Decay() : OdeModule("Decay") { k_ = RegisterParameter("k", Scalar(0.5)); }
//     Tensor Forward(double t, const Tensor& z) override { return -k_ * z; }
//    private:
//     Tensor k_;
//   };
//
//   // Any Module as an autonomous ODE (t ignored): f(t, z) = net(z).
//   auto f = std::make_shared<nn::AutonomousOde>(net);
//   Tensor dz = f->Forward(0.0, z);
//
// Contract: Forward(t, z) returns a tensor of z's shape and dtype and is a
// differentiable function of z and the parameters (recorded when grad mode
// is on). It must not keep state between calls that changes its value
// (solvers evaluate it at rejected trial points and replay it in backward).
#ifndef ACAODE_AUTOGRAD_NN_ODE_MODULE_H_
#define ACAODE_AUTOGRAD_NN_ODE_MODULE_H_

#include <memory>
#include <string>
#include <utility>

#include "autograd/error.h"
#include "autograd/nn/module.h"

namespace acaode {
namespace nn {

class OdeModule : public Module {
 public:
  explicit OdeModule(std::string type_name) : Module(std::move(type_name)) {}
  using Module::Forward;
  // dz/dt at time t and state z.
  virtual Tensor Forward(double t, const Tensor& z) = 0;
};

// Wraps a Module g as the autonomous ODE f(t, z) = g(z). The wrapped module
// is the child "func" (its parameters read "func.<name>").
class AutonomousOde : public OdeModule {
 public:
  explicit AutonomousOde(std::shared_ptr<Module> func) : OdeModule("AutonomousOde") {
    if (!func) throw ValueError("AutonomousOde: func is null");
    func_ = RegisterModule("func", std::move(func));
  }
  using OdeModule::Forward;
  Tensor Forward(double /*t*/, const Tensor& z) override { return func_->Forward(z); }
  const std::shared_ptr<Module>& func() const { return func_; }

 private:
  std::shared_ptr<Module> func_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_ODE_MODULE_H_
