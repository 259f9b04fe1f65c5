#include "autograd/optim/optimizer.h"

#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "autograd/creation.h"
#include "autograd/error.h"

namespace acaode {
namespace optim {

absl::Status Optimizer::CheckParams(const char* who, const std::vector<Tensor>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    if (!p.defined()) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": parameter ", i, " is undefined"));
    }
    if (!p.is_leaf() || !p.requires_grad()) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": parameter ", i, " (shape ",
                                                     ShapeToString(p.shape()),
                                                     ") must be a leaf tensor with requires_grad"));
    }
    if (p.device() != Device::kCpu) {
      return absl::InvalidArgumentError(absl::StrCat(who, ": parameter ", i, " is not on the CPU"));
    }
  }
  return absl::OkStatus();
}

void Optimizer::RequireCpu(const char* who) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    const bool grad_off_cpu = p.grad().defined() && p.grad().device() != Device::kCpu;
    if (p.device() != Device::kCpu || grad_off_cpu) {
      throw RuntimeError(absl::StrCat(
          who, ": parameter ", i, " (shape ", ShapeToString(p.shape()), ") is on ",
          DeviceName(p.device()),
          " (moved after the optimizer was made?); the optimizers update CPU parameters only"));
    }
  }
}

Optimizer::State Optimizer::StateDict() const {
  // TensorSlots() and CountSlots() hand out pointers into the subclass; reading only.
  auto& self = const_cast<Optimizer&>(*this);
  State state;
  state["lr"] = Scalar(lr(), DType::kFloat64);
  for (size_t i = 0; i < params_.size(); ++i) {
    for (const auto& [slot, tensors] : self.TensorSlots()) {
      if ((*tensors)[i].defined()) {
        state[absl::StrCat(i, ".", slot)] = (*tensors)[i].detach().clone();
      }
    }
    for (const auto& [slot, counts] : self.CountSlots()) {
      if ((*counts)[i] != 0) {
        state[absl::StrCat(i, ".", slot)] =
            Scalar(static_cast<double>((*counts)[i]), DType::kFloat64);
      }
    }
  }
  return state;
}

absl::Status Optimizer::LoadStateDict(const State& state) {
  const auto bad = [](const std::string& name, const std::string& what) {
    return absl::InvalidArgumentError(
        absl::StrCat("optimizer state_dict entry '", name, "' ", what));
  };
  const auto tensor_slots = TensorSlots();
  const auto count_slots = CountSlots();
  const size_t per_param = tensor_slots.size() + count_slots.size();
  std::vector<size_t> found(params_.size(), 0);
  // Validate everything first.
  auto lr_it = state.find("lr");
  if (lr_it == state.end()) return bad("lr", "is missing");
  const Tensor& lr_t = lr_it->second;
  if (!lr_t.defined() || lr_t.numel() != 1 || !(lr_t.item() > 0) || !std::isfinite(lr_t.item())) {
    return bad("lr", "must hold one finite value > 0");
  }
  for (const auto& [name, t] : state) {
    if (name == "lr") continue;
    const size_t dot = name.find('.');
    size_t i = 0;
    if (dot == std::string::npos || !absl::SimpleAtoi(name.substr(0, dot), &i) ||
        i >= params_.size()) {
      return bad(name, absl::StrCat("is not 'lr' or '<parameter index>.<slot>' with an index "
                                    "below ",
                                    params_.size()));
    }
    const std::string slot = name.substr(dot + 1);
    if (!t.defined() || t.device() != Device::kCpu) return bad(name, "is not a CPU tensor");
    bool known = false;
    for (const auto& entry : tensor_slots) {
      if (entry.first != slot) continue;
      known = true;
      const Tensor& p = params_[i];
      if (t.shape() != p.shape() || t.dtype() != p.dtype()) {
        return bad(name, absl::StrCat("is ", DTypeName(t.dtype()), " ", ShapeToString(t.shape()),
                                      " but parameter ", i, " is ", DTypeName(p.dtype()), " ",
                                      ShapeToString(p.shape())));
      }
    }
    for (const auto& entry : count_slots) {
      if (entry.first != slot) continue;
      known = true;
      const double v = t.numel() == 1 ? t.item() : -1.0;
      if (!(v >= 1) || v != std::floor(v)) return bad(name, "must be one whole number >= 1");
    }
    if (!known) return bad(name, absl::StrCat("names a slot this optimizer does not have"));
    ++found[i];
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    if (found[i] != 0 && found[i] != per_param) {
      return absl::InvalidArgumentError(absl::StrCat("optimizer state_dict: parameter ", i, " has ",
                                                     found[i], " of its ", per_param,
                                                     " state entries"));
    }
  }
  // Then assign.
  set_lr(lr_t.item());
  for (size_t i = 0; i < params_.size(); ++i) {
    for (const auto& [slot, tensors] : tensor_slots) {
      auto it = state.find(absl::StrCat(i, ".", slot));
      (*tensors)[i] = it == state.end() ? Tensor() : it->second.detach().clone();
    }
    for (const auto& [slot, counts] : count_slots) {
      auto it = state.find(absl::StrCat(i, ".", slot));
      (*counts)[i] = it == state.end() ? 0 : static_cast<int64_t>(it->second.item());
    }
  }
  return absl::OkStatus();
}

}  // namespace optim
}  // namespace acaode
