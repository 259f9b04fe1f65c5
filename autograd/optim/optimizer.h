// optim::Optimizer: the base of parameter-update rules (SGD, Adam).
//
//   ASSIGN_OR_RETURN(auto opt, optim::Adam::Create(net.Parameters(), {}));
//   for (...) {
//     opt->ZeroGrad();
//     Tensor loss = ...;
//     loss.backward();
//     opt->Step();
//   }
//
// Parameters are handles to leaf tensors that require grad; Step() updates
// their storage in place (no autograd; it needs no NoGradGuard) from their
// .grad(), skipping parameters whose grad is undefined, as PyTorch does.
// Not thread-safe; the parameters must outlive the optimizer's use.
//
// StateDict() / LoadStateDict() save and restore what the next steps depend on besides
// the parameters (to resume training exactly): "lr", a 0-d float64 tensor, and for each
// parameter i that has state "<i>.<slot>" entries, e.g. Adam's "3.step", "3.exp_avg" and
// "3.exp_avg_sq", SGD's "3.momentum_buffer" (copies, float64 0-d counts, slot tensors of the
// parameter's shape and dtype).
#ifndef ACAODE_AUTOGRAD_OPTIM_OPTIMIZER_H_
#define ACAODE_AUTOGRAD_OPTIM_OPTIMIZER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "autograd/tensor.h"

namespace acaode {
namespace optim {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient.
  virtual void Step() = 0;
  // Resets every parameter's gradient to undefined.
  void ZeroGrad() {
    for (Tensor& p : params_) p.zero_grad();
  }

  // The learning rate (schedulers set it).
  virtual double lr() const = 0;
  virtual void set_lr(double lr) = 0;
  const std::vector<Tensor>& params() const { return params_; }

  using State = std::map<std::string, Tensor>;
  State StateDict() const;
  // Restores a StateDict() of an optimizer of the same kind over parameters of the same
  // shapes and dtypes. InvalidArgument naming the entry (unknown name, missing "lr",
  // wrong shape or dtype, a parameter with some of its slots only) and nothing changed.
  absl::Status LoadStateDict(const State& state);

 protected:
  // The subclass's per-parameter state, by slot name: tensors (undefined until the
  // parameter's first step) and step counts.
  virtual std::vector<std::pair<std::string, std::vector<Tensor>*>> TensorSlots() = 0;
  virtual std::vector<std::pair<std::string, std::vector<int64_t>*>> CountSlots() { return {}; }

  explicit Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {}
  // OK if every parameter is a defined CPU leaf requiring grad, else
  // InvalidArgument naming the index; `who` prefixes the message.
  static absl::Status CheckParams(const char* who, const std::vector<Tensor>& params);
  // At every Step: the update loops read and write host memory, so a parameter (or its
  // gradient) moved to the GPU after construction (Module::To) is a RuntimeError naming
  // it, never a write through a device pointer.
  void RequireCpu(const char* who) const;

  std::vector<Tensor> params_;
};

}  // namespace optim
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPTIM_OPTIMIZER_H_
