// nn::Module: the base class of layers and models, holding named
// parameters, buffers and child modules (as torch.nn.Module).
//
//   class Mlp : public nn::Module {
//    public:
//     explicit Mlp(Generator& gen) : Module("Mlp") {
//       fc1_ = RegisterModule("fc1", std::make_shared<nn::Linear>(2, 16, gen));
//       fc2_ = RegisterModule("fc2", std::make_shared<nn::Linear>(16, 1, gen));
//     }
//     Tensor Forward(const Tensor& x) override {
//       return fc2_->Forward(Tanh(fc1_->Forward(x)));
//     }
//    private:
//     std::shared_ptr<nn::Linear> fc1_, fc2_;
//   };
//
//   Mlp net(gen);
//   net.NamedParameters();          // {"fc1.weight", ...}, "fc1.bias", ...
//   net.ZeroGrad();
//   absl::Status s = net.Save("/tmp/mlp.bin");
//   s = net.Load("/tmp/mlp.bin");   // refuses corrupt files, net unchanged
//
// Parameters are leaf tensors with requires_grad; buffers (e.g. BatchNorm's
// running statistics) are state without gradient. Names are dotted paths
// through the children ("0.weight" in a Sequential). A parameter handle is
// stable for the life of the module: LoadStateDict and Load copy values
// into the existing tensors, so optimizers holding the handles keep working.
//
// The state dict (parameters and buffers by name) is what Save writes; the
// file format is in autograd/nn/serialize.h.
#ifndef ACAODE_AUTOGRAD_NN_MODULE_H_
#define ACAODE_AUTOGRAD_NN_MODULE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "autograd/tensor.h"

namespace acaode {
namespace nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
// Parameter and buffer names -> tensors.
using TensorDict = std::map<std::string, Tensor>;

class Module {
 public:
  // `type_name` is used in error messages, e.g. "Linear".
  explicit Module(std::string type_name) : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The module's computation. The default throws RuntimeError (modules such
  // as OdeModule define other signatures).
  virtual Tensor Forward(const Tensor& input);

  // Parameters of this module and its children, depth first in registration
  // order, each tensor once.
  std::vector<Tensor> Parameters() const;
  NamedTensors NamedParameters() const;
  NamedTensors NamedBuffers() const;
  // Direct children in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& NamedChildren() const {
    return children_;
  }
  // Total number of parameter elements.
  int64_t NumParameters() const;
  const std::string& type_name() const { return type_name_; }

  // Training mode (default) or evaluation mode, for this module and all
  // children (BatchNorm uses batch statistics only in training).
  void Train(bool training = true);
  void Eval() { Train(false); }
  bool is_training() const { return training_; }

  // Resets the gradient of every parameter to undefined.
  void ZeroGrad();

  // Moves every parameter and buffer of this module and its children to
  // `device` in place (handles held by layers and optimizers see the move;
  // gradients are reset). RuntimeError when the device is unusable (e.g.
  // "no CUDA device: ..."), before anything moved.
  void To(Device device);

  // Parameters and buffers by dotted name, as detached views sharing the
  // module's storage (write through them, or clone to snapshot).
  TensorDict StateDict() const;
  // Copies `dict` into the parameters and buffers. All checks come first:
  // every name must be present, no extra names, each shape and dtype equal
  // (InvalidArgument naming the parameter, e.g. "LoadStateDict: parameter
  // 'fc1.weight' has shape [16, 2] but the state dict has [16, 3]"); only
  // then is anything written, so on error the module is unchanged.
  absl::Status LoadStateDict(const TensorDict& dict);

  // Writes the state dict to `path` (autograd/nn/serialize.h format;
  // written to "<path>.tmp" then renamed, so a crash leaves no half file).
  absl::Status Save(const std::string& path) const;
  // Reads a file written by Save into temporaries, verifies magic, version,
  // size and checksum, then applies LoadStateDict. Any failure (missing,
  // truncated or corrupted file: DataLoss; mismatched parameters:
  // InvalidArgument) leaves the module unchanged.
  absl::Status Load(const std::string& path);

 protected:
  // Adds a parameter (marked requires_grad) and returns its handle.
  // ValueError if the name is empty, contains '.', or is taken.
  Tensor RegisterParameter(const std::string& name, Tensor value);
  // Adds a buffer (state without gradient), e.g. running statistics.
  Tensor RegisterBuffer(const std::string& name, Tensor value);
  // Adds a child module and returns it.
  template <class M>
  std::shared_ptr<M> RegisterModule(const std::string& name, std::shared_ptr<M> module) {
    AddChild(name, module);
    return module;
  }

 private:
  void AddChild(const std::string& name, std::shared_ptr<Module> module);
  void CheckNewName(const std::string& name) const;
  void CollectParameters(const std::string& prefix, NamedTensors* out) const;
  void CollectBuffers(const std::string& prefix, NamedTensors* out) const;

  std::string type_name_;
  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// Saves the values of every buffer of `module` and its children (BatchNorm's running
// statistics) and returns a function that writes them back into the same tensors, in
// place (handles stay valid; on a GPU through the backend's device copy). The function may
// be called any number of times. For aca::OdeintOptions::save_state:
//   options.save_state = [net] { return nn::SaveBuffers(*net); };
std::function<void()> SaveBuffers(const Module& module);

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_MODULE_H_
