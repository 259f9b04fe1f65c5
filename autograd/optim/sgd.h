// optim::Sgd: stochastic gradient descent with momentum, Nesterov momentum
// and weight decay, exactly torch.optim.SGD's update:
//
//   g = grad + weight_decay * p
//   if momentum != 0:
//     b = g                                      (first step)
//     b = momentum * b + (1 - dampening) * g     (later steps)
//     g = nesterov ? g + momentum * b : b
//   p = p - lr * g
//
//   optim::SgdOptions o;
//   o.lr = 0.1;
//   o.momentum = 0.9;
//   ASSIGN_OR_RETURN(std::unique_ptr<optim::Sgd> sgd, optim::Sgd::Create(params, o));
#ifndef ACAODE_AUTOGRAD_OPTIM_SGD_H_
#define ACAODE_AUTOGRAD_OPTIM_SGD_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "autograd/optim/optimizer.h"

namespace acaode {
namespace optim {

struct SgdOptions {
  double lr = 0.01;           // > 0
  double momentum = 0.0;      // >= 0
  double dampening = 0.0;     // in [0, 1]; 0 with nesterov
  double weight_decay = 0.0;  // >= 0 (L2 penalty added to the gradient)
  bool nesterov = false;      // needs momentum > 0 and dampening == 0
  // InvalidArgument naming the field, its value and the constraint.
  absl::Status Validate() const;
};

class Sgd : public Optimizer {
 public:
  static absl::StatusOr<std::unique_ptr<Sgd>> Create(std::vector<Tensor> params,
                                                     const SgdOptions& options);
  void Step() override;
  double lr() const override { return options_.lr; }
  void set_lr(double lr) override { options_.lr = lr; }
  const SgdOptions& options() const { return options_; }

 private:
  Sgd(std::vector<Tensor> params, const SgdOptions& options);
  std::vector<std::pair<std::string, std::vector<Tensor>*>> TensorSlots() override {
    return {{"momentum_buffer", &momentum_buffers_}};
  }
  SgdOptions options_;
  std::vector<Tensor> momentum_buffers_;  // undefined until first used
};

}  // namespace optim
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPTIM_SGD_H_
