#include "autograd/nn/module.h"

#include <cstring>
#include <set>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "autograd/allocator.h"
#include "autograd/error.h"
#include "autograd/grad_mode.h"
#include "autograd/nn/serialize.h"
#include "util/status_macros.h"

namespace acaode {
namespace nn {

Tensor Module::Forward(const Tensor& /*input*/) {
  throw RuntimeError(absl::StrCat(type_name_,
                                  ": Forward(const Tensor&) is not implemented "
                                  "by this module"));
}

void Module::CheckNewName(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw ValueError(absl::StrCat(type_name_, ": invalid member name '", name,
                                  "' (must be non-empty without '.')"));
  }
  auto taken = [&](const auto& list) {
    for (const auto& entry : list) {
      if (entry.first == name) return true;
    }
    return false;
  };
  if (taken(parameters_) || taken(buffers_) || taken(children_)) {
    throw ValueError(absl::StrCat(type_name_, ": name '", name, "' is already registered"));
  }
}

Tensor Module::RegisterParameter(const std::string& name, Tensor value) {
  CheckNewName(name);
  if (!value.defined() || !value.is_leaf()) {
    throw ValueError(
        absl::StrCat(type_name_, ": parameter '", name, "' must be a defined leaf tensor"));
  }
  value.set_requires_grad(true);
  parameters_.emplace_back(name, value);
  return value;
}

Tensor Module::RegisterBuffer(const std::string& name, Tensor value) {
  CheckNewName(name);
  if (!value.defined()) {
    throw ValueError(absl::StrCat(type_name_, ": buffer '", name, "' is undefined"));
  }
  buffers_.emplace_back(name, value);
  return value;
}

void Module::AddChild(const std::string& name, std::shared_ptr<Module> module) {
  CheckNewName(name);
  if (!module) {
    throw ValueError(absl::StrCat(type_name_, ": child '", name, "' is null"));
  }
  children_.emplace_back(name, std::move(module));
}

void Module::CollectParameters(const std::string& prefix, NamedTensors* out) const {
  for (const auto& [name, t] : parameters_) out->emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) {
    child->CollectParameters(prefix + name + ".", out);
  }
}

void Module::CollectBuffers(const std::string& prefix, NamedTensors* out) const {
  for (const auto& [name, t] : buffers_) out->emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) {
    child->CollectBuffers(prefix + name + ".", out);
  }
}

namespace {
// Keeps the first occurrence of each tensor (modules may be shared).
NamedTensors Dedup(NamedTensors all) {
  NamedTensors out;
  std::unordered_set<const TensorImpl*> seen;
  for (auto& entry : all) {
    if (seen.insert(entry.second.impl()).second) out.push_back(std::move(entry));
  }
  return out;
}

// dst's values = src's (same shape and dtype), in dst's storage: a host copy when both are
// on the CPU, else the backend's device copy (never a host write through a device pointer).
void CopyValues(const Tensor& dst, const Tensor& src, DeviceCopyFn copy) {
  if (dst.device() == Device::kCpu && src.device() == Device::kCpu) {
    std::memmove(dst.raw_data(), src.raw_data(), dst.nbytes());
  } else {
    copy(dst.raw_data(), dst.device(), src.raw_data(), src.device(), dst.nbytes());
  }
}
}  // namespace

NamedTensors Module::NamedParameters() const {
  NamedTensors all;
  CollectParameters("", &all);
  return Dedup(std::move(all));
}

NamedTensors Module::NamedBuffers() const {
  NamedTensors all;
  CollectBuffers("", &all);
  return Dedup(std::move(all));
}

std::vector<Tensor> Module::Parameters() const {
  std::vector<Tensor> out;
  for (auto& entry : NamedParameters()) out.push_back(entry.second);
  return out;
}

int64_t Module::NumParameters() const {
  int64_t n = 0;
  for (const Tensor& p : Parameters()) n += p.numel();
  return n;
}

void Module::Train(bool training) {
  training_ = training;
  for (auto& entry : children_) entry.second->Train(training);
}

void Module::ZeroGrad() {
  for (Tensor& p : Parameters()) p.zero_grad();
}

void Module::To(Device device) {
  NoGradGuard no_grad;  // autograd/grad_mode.h
  std::vector<Tensor> all = Parameters();
  for (const auto& [name, b] : NamedBuffers()) all.push_back(b);
  std::vector<Tensor> moved;  // all copies first, so a failure moves nothing
  for (const Tensor& t : all) moved.push_back(t.device() == device ? t : t.detach().to(device));
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].device() == device) continue;
    all[i].zero_grad();
    all[i].impl()->ReplaceStorage(moved[i].impl()->storage(), moved[i].impl()->offset());
  }
}

TensorDict Module::StateDict() const {
  TensorDict dict;
  for (const auto& [name, t] : NamedParameters()) dict.emplace(name, t.detach());
  for (const auto& [name, t] : NamedBuffers()) dict.emplace(name, t.detach());
  return dict;
}

absl::Status Module::LoadStateDict(const TensorDict& dict) {
  NamedTensors targets = NamedParameters();
  const NamedTensors buffers = NamedBuffers();
  const size_t num_params = targets.size();
  targets.insert(targets.end(), buffers.begin(), buffers.end());
  // 1. Check everything.
  std::set<std::string> expected;
  for (size_t i = 0; i < targets.size(); ++i) {
    const auto& [name, dst] = targets[i];
    const char* kind = i < num_params ? "parameter" : "buffer";
    expected.insert(name);
    auto it = dict.find(name);
    if (it == dict.end()) {
      return absl::InvalidArgumentError(absl::StrCat("LoadStateDict: ", kind, " '", name, "' of ",
                                                     type_name_,
                                                     " is missing from the state dict"));
    }
    const Tensor& src = it->second;
    if (!src.defined() || src.device() != Device::kCpu) {
      return absl::InvalidArgumentError(
          absl::StrCat("LoadStateDict: ", kind, " '", name,
                       "': state dict entry is undefined or not on the CPU"));
    }
    if (src.shape() != dst.shape()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "LoadStateDict: ", kind, " '", name, "' has shape ", ShapeToString(dst.shape()),
          " but the state dict has ", ShapeToString(src.shape())));
    }
    if (src.dtype() != dst.dtype()) {
      return absl::InvalidArgumentError(
          absl::StrCat("LoadStateDict: ", kind, " '", name, "' has dtype ", DTypeName(dst.dtype()),
                       " but the state dict has ", DTypeName(src.dtype())));
    }
  }
  for (const auto& entry : dict) {
    if (!expected.count(entry.first)) {
      return absl::InvalidArgumentError(absl::StrCat("LoadStateDict: unexpected key '", entry.first,
                                                     "' (no such parameter or buffer in ",
                                                     type_name_, ")"));
    }
  }
  // 2. Commit: copy into the existing storage (handles stay valid). A module on the GPU
  // (Module::To) receives its CPU arrays through the backend's device copy, never a host
  // write through a device pointer.
  const DeviceCopyFn copy = GetDeviceCopy();
  for (const auto& [name, dst] : targets) {
    if (dst.device() != Device::kCpu && copy == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("LoadStateDict: '", name, "' is on ",
                                                        DeviceName(dst.device()),
                                                        " but no device backend is linked in"));
    }
  }
  for (const auto& [name, dst] : targets) {
    const Tensor& src = dict.at(name);
    if (src.raw_data() == dst.raw_data() || dst.nbytes() == 0) continue;
    CopyValues(dst, src, copy);
  }
  return absl::OkStatus();
}

absl::Status Module::Save(const std::string& path) const {
  NamedTensors all = NamedParameters();
  const NamedTensors buffers = NamedBuffers();
  all.insert(all.end(), buffers.begin(), buffers.end());
  return WriteTensorFile(path, all);
}

absl::Status Module::Load(const std::string& path) {
  ASSIGN_OR_RETURN(TensorDict dict, ReadTensorFile(path));
  return LoadStateDict(dict);
}

std::function<void()> SaveBuffers(const Module& module) {
  std::vector<std::pair<Tensor, Tensor>> saved;  // (a buffer, a copy of its values now)
  for (const auto& named : module.NamedBuffers()) {
    const Tensor& buffer = named.second;
    if (!buffer.defined() || buffer.nbytes() == 0) continue;
    NoGradGuard no_grad;
    saved.emplace_back(buffer, buffer.detach().clone());
  }
  return [saved = std::move(saved)] {
    const DeviceCopyFn copy = GetDeviceCopy();
    for (const auto& [buffer, values] : saved) CopyValues(buffer, values, copy);
  };
}

}  // namespace nn
}  // namespace acaode
