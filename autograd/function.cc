#include "autograd/function.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace acaode {

bool NeedsGrad(const std::vector<Tensor>& inputs) {
  if (!IsGradEnabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.requires_grad()) return true;
  }
  return false;
}

std::vector<Tensor> ApplyFunction(std::shared_ptr<Node> node, const std::vector<Tensor>& inputs,
                                  std::vector<Tensor> outputs) {
  if (node == nullptr) throw ValueError("ApplyFunction: node is null");
  if (!NeedsGrad(inputs)) return outputs;
  std::vector<Edge>& edges = node->mutable_next_edges();
  edges.clear();
  edges.reserve(inputs.size());
  for (const Tensor& in : inputs) edges.push_back(GradientEdge(in));
  node->set_num_outputs(static_cast<uint32_t>(outputs.size()));
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& out = outputs[i];
    if (!out.defined()) continue;
    bool fresh = !out.requires_grad() && !out.grad_fn();
    for (const Tensor& in : inputs) fresh = fresh && !out.is_same(in);
    if (!fresh) out = out.detach();  // a new impl on the same storage
    out.impl()->set_grad_fn(node, static_cast<uint32_t>(i));
  }
  return outputs;
}

namespace internal {

void ThrowGraphFreed(const std::string& node_name) {
  throw RuntimeError("backward: trying to backward through " + node_name +
                     " a second time, but the graph was freed; pass retain_graph=true to "
                     "the first backward() to backward twice (saved tensors are released "
                     "after a backward without it)");
}

}  // namespace internal

void FunctionContext::SaveForBackward(const std::vector<Tensor>& tensors) {
  saved_.clear();
  saved_.reserve(tensors.size());
  for (const Tensor& t : tensors) {
    saved_.push_back(t.defined() ? t.detach() : Tensor());
  }
}

const std::vector<Tensor>& FunctionContext::saved_tensors() const {
  if (released_) internal::ThrowGraphFreed("FunctionNode");
  return saved_;
}

std::vector<Tensor> Vjp(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                        const std::vector<Tensor>& inputs, const Tensor& cotangent) {
  std::vector<Tensor> xs;
  xs.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) {
      throw ValueError("Vjp: input " + std::to_string(i) + " is undefined");
    }
    xs.push_back(inputs[i].detach().set_requires_grad(true));
  }
  Tensor y;
  {
    EnableGradGuard enable;
    y = fn(xs);
  }
  if (!y.defined()) throw ValueError("Vjp: fn returned an undefined tensor");
  if (cotangent.defined() && (cotangent.shape() != y.shape() || cotangent.dtype() != y.dtype())) {
    throw ValueError("Vjp: cotangent of shape " + ShapeToString(cotangent.shape()) + " and dtype " +
                     DTypeName(cotangent.dtype()) + " for an output of shape " +
                     ShapeToString(y.shape()) + " and dtype " + DTypeName(y.dtype()));
  }
  if (!y.requires_grad()) {
    // y does not depend on any input: all gradients are zero.
    std::vector<Tensor> zeros;
    for (const Tensor& x : xs) {
      Tensor z = Empty(x.shape(), x.dtype());
      std::memset(z.raw_data(), 0, z.nbytes());
      zeros.push_back(z);
    }
    return zeros;
  }
  return Grad({y}, {cotangent}, xs, /*retain_graph=*/false);
}

}  // namespace acaode
