// optim::Adam (Kingma & Ba, 2015), exactly torch.optim.Adam's update
// (amsgrad = false), with a per-parameter step count t:
//
//   g = grad + weight_decay * p
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//
//   optim::AdamOptions o;
//   o.lr = 1e-3;
//   ASSIGN_OR_RETURN(std::unique_ptr<optim::Adam> adam, optim::Adam::Create(params, o));
#ifndef ACAODE_AUTOGRAD_OPTIM_ADAM_H_
#define ACAODE_AUTOGRAD_OPTIM_ADAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "autograd/optim/optimizer.h"

namespace acaode {
namespace optim {

struct AdamOptions {
  double lr = 1e-3;           // > 0
  double beta1 = 0.9;         // in [0, 1)
  double beta2 = 0.999;       // in [0, 1)
  double eps = 1e-8;          // >= 0
  double weight_decay = 0.0;  // >= 0 (L2 penalty added to the gradient)
  absl::Status Validate() const;
};

class Adam : public Optimizer {
 public:
  static absl::StatusOr<std::unique_ptr<Adam>> Create(std::vector<Tensor> params,
                                                      const AdamOptions& options);
  void Step() override;
  double lr() const override { return options_.lr; }
  void set_lr(double lr) override { options_.lr = lr; }
  const AdamOptions& options() const { return options_; }

 private:
  Adam(std::vector<Tensor> params, const AdamOptions& options);
  std::vector<std::pair<std::string, std::vector<Tensor>*>> TensorSlots() override {
    return {{"exp_avg", &exp_avg_}, {"exp_avg_sq", &exp_avg_sq_}};
  }
  std::vector<std::pair<std::string, std::vector<int64_t>*>> CountSlots() override {
    return {{"step", &steps_}};
  }
  AdamOptions options_;
  std::vector<int64_t> steps_;
  std::vector<Tensor> exp_avg_, exp_avg_sq_;  // undefined until first used
};

}  // namespace optim
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPTIM_ADAM_H_
