#include "autograd/engine.h"

#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autograd/core_kernels.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"

namespace acaode {
namespace {

// Per-node bookkeeping for one backward run.
struct NodeTask {
  int64_t pending = 0;        // edges from not-yet-run nodes pointing here
  std::vector<Tensor> grads;  // summed gradient per output of the node
};

// What Grad() wants back instead of writing .grad.
struct Capture {
  std::unordered_map<const TensorImpl*, std::vector<size_t>> leaves;
  std::unordered_map<const Node*, std::vector<std::pair<uint32_t, size_t>>> interior;
  std::vector<Tensor> results;
};

Tensor CopyOf(const Tensor& t) {
  Tensor out = Empty(t.shape(), t.dtype(), t.device());
  if (t.device() != Device::kCpu) {
    GetDeviceCopy()(out.raw_data(), t.device(), t.raw_data(), t.device(), t.nbytes());
    return out;
  }
  std::memcpy(out.raw_data(), t.raw_data(), t.nbytes());
  return out;
}

Tensor FilledLike(const Tensor& t, double value) {
  Tensor out = Empty(t.shape(), t.dtype(), t.device());
  fill_kernel(t.device(), t.dtype(), t.numel(), value, out.raw_data());
  return out;
}

// Who produced a gradient, for error messages only (names are built lazily
// so the hot path allocates no strings).
std::string Source(const Node* from) {
  return from == nullptr ? std::string("the output gradient") : "the gradient from " + from->name();
}

void CheckSameMeta(const Tensor& g, const Tensor& ref, const Node* from) {
  if (g.shape() != ref.shape() || g.dtype() != ref.dtype()) {
    throw RuntimeError("backward: " + Source(from) + " has shape " + ShapeToString(g.shape()) +
                       " and dtype " + DTypeName(g.dtype()) + ", expected shape " +
                       ShapeToString(ref.shape()) + " and dtype " + DTypeName(ref.dtype()));
  }
}

// acc += scale·g (acc owned by the engine or a leaf; same shape and dtype), the product
// rounded before the sum (Node::input_grad_scale).
void AddInto(const Tensor& acc, const Tensor& g, double scale) {
  if (g.device() != acc.device()) {
    throw RuntimeError(std::string("backward: a gradient on ") + DeviceName(g.device()) +
                       " for a tensor on " + DeviceName(acc.device()));
  }
  axpy_kernel(acc.device(), acc.dtype(), acc.numel(), scale, g.raw_data(), acc.raw_data());
}

// scale·g: g itself for scale 1, else a new tensor.
Tensor Scaled(const Tensor& g, double scale) {
  if (scale == 1.0) return g;
  if (g.device() != Device::kCpu) {
    Tensor out = FilledLike(g, 0.0);
    AddInto(out, g, scale);
    return out;
  }
  Tensor out = Empty(g.shape(), g.dtype());
  DispatchFloat(g.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::ScaleKernel<T>(g.data<T>(), static_cast<T>(scale), out.mutable_data<T>(), g.numel());
  });
  return out;
}

// Whether the engine holds the only reference to t and its storage, so it
// may write into t (or keep t) without anyone else seeing it.
bool SolelyOwned(const Tensor& t) {
  return t.impl_ptr().use_count() == 1 && t.impl()->storage().use_count() == 1 &&
         !t.requires_grad();
}

// slot = slot + scale·g; in place only when the engine solely owns the slot.
void SumInto(Tensor& slot, const Tensor& g, double scale, const Node* from) {
  if (!slot.defined()) {
    slot = Scaled(g, scale);
    return;
  }
  CheckSameMeta(g, slot, from);
  if (SolelyOwned(slot)) {
    AddInto(slot, g, scale);
    return;
  }
  Tensor sum = CopyOf(slot);
  AddInto(sum, g, scale);
  slot = std::move(sum);
}

void AccumulateLeaf(TensorImpl* leaf, const Tensor& g_in, double scale, Capture* capture,
                    const Node* from) {
  // A gradient computed on another device (a CPU scalar used with cuda
  // tensors) is brought to the leaf's device.
  const Tensor g = g_in.device() == leaf->device() ? g_in : g_in.to(leaf->device());
  if (g.shape() != leaf->shape() || g.dtype() != leaf->dtype()) {
    throw RuntimeError("backward: " + Source(from) + " has shape " + ShapeToString(g.shape()) +
                       " and dtype " + DTypeName(g.dtype()) + " for a leaf of shape " +
                       ShapeToString(leaf->shape()) + " and dtype " + DTypeName(leaf->dtype()));
  }
  if (capture != nullptr) {
    auto it = capture->leaves.find(leaf);
    if (it != capture->leaves.end()) {
      for (size_t idx : it->second) SumInto(capture->results[idx], g, scale, from);
    }
    return;
  }
  if (!leaf->requires_grad()) return;
  Tensor& acc = leaf->mutable_grad();
  if (!acc.defined()) {
    // Keep a gradient nobody else references; copy a shared one.
    acc = scale != 1.0 ? Scaled(g, scale) : SolelyOwned(g) ? g : CopyOf(g);
  } else {
    AddInto(acc, g, scale);
  }
}

void Execute(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
             bool retain_graph, Capture* capture) {
  if (outputs.size() != grad_outputs.size()) {
    throw ValueError("backward: " + std::to_string(outputs.size()) + " outputs but " +
                     std::to_string(grad_outputs.size()) + " output gradients");
  }
  // Seed gradients.
  std::vector<Tensor> seeds(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& y = outputs[i];
    if (!y.defined()) throw ValueError("backward: output is undefined");
    if (!y.requires_grad()) {
      throw ValueError("backward: the output (shape " + ShapeToString(y.shape()) +
                       ") does not require grad: no input of the computation requires "
                       "grad, or it ran under NoGradGuard");
    }
    const Tensor& g = grad_outputs[i];
    if (!g.defined()) {
      if (y.numel() != 1) {
        throw ValueError(
            "backward: grad_output must be given for a non-scalar output of "
            "shape " +
            ShapeToString(y.shape()));
      }
      seeds[i] = FilledLike(y, 1.0);
    } else {
      if (g.shape() != y.shape() || g.dtype() != y.dtype()) {
        throw ValueError("backward: grad_output of shape " + ShapeToString(g.shape()) +
                         " and dtype " + DTypeName(g.dtype()) + " for an output of shape " +
                         ShapeToString(y.shape()) + " and dtype " + DTypeName(y.dtype()));
      }
      seeds[i] = g;
    }
  }

  NoGradGuard no_grad;  // no higher-order graphs

  // Count, for each reachable node, the edges pointing to it.
  std::unordered_map<Node*, NodeTask> tasks;
  std::vector<Node*> stack;
  std::vector<Node*> roots;
  for (const Tensor& y : outputs) {
    Node* n = y.grad_fn().get();
    if (n == nullptr) continue;
    roots.push_back(n);
    if (tasks.try_emplace(n).second) stack.push_back(n);
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      if (!e.node) continue;
      auto [it, inserted] = tasks.try_emplace(e.node.get());
      ++it->second.pending;
      if (inserted) stack.push_back(e.node.get());
    }
  }

  // Place the seeds.
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& y = outputs[i];
    Node* n = y.grad_fn().get();
    if (n == nullptr) {
      AccumulateLeaf(y.impl(), seeds[i], 1.0, capture, nullptr);
      continue;
    }
    NodeTask& task = tasks[n];
    task.grads.resize(n->num_outputs());
    SumInto(task.grads[y.output_nr()], seeds[i], 1.0, nullptr);
  }

  std::vector<Node*> ready;
  for (Node* n : roots) {
    NodeTask& task = tasks[n];
    if (task.pending == 0) {
      task.pending = -1;  // queued once even if it is a root twice
      ready.push_back(n);
    }
  }

  while (!ready.empty()) {
    Node* n = ready.back();
    ready.pop_back();
    NodeTask& task = tasks[n];
    std::vector<Tensor> grads = std::move(task.grads);
    grads.resize(n->num_outputs());
    if (capture != nullptr) {
      auto it = capture->interior.find(n);
      if (it != capture->interior.end()) {
        for (const auto& [output_nr, idx] : it->second) {
          if (output_nr < grads.size() && grads[output_nr].defined()) {
            SumInto(capture->results[idx], grads[output_nr], 1.0, n);
          }
        }
      }
    }
    bool any = false;
    for (const Tensor& g : grads) any = any || g.defined();
    std::vector<Tensor> input_grads;
    if (any) {
      if (n->released()) internal::ThrowGraphFreed(n->name());
      input_grads = n->Backward(grads);
      if (input_grads.size() != n->next_edges().size()) {
        throw RuntimeError("backward: " + n->name() + " returned " +
                           std::to_string(input_grads.size()) + " gradients for " +
                           std::to_string(n->next_edges().size()) + " inputs");
      }
    }
    grads.clear();
    const std::vector<Edge>& edges = n->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      const bool has = any && input_grads[i].defined();
      if (e.leaf) {
        if (has) AccumulateLeaf(e.leaf.get(), input_grads[i], n->input_grad_scale(i), capture, n);
      } else if (e.node) {
        NodeTask& child = tasks[e.node.get()];
        if (has) {
          child.grads.resize(e.node->num_outputs());
          SumInto(child.grads[e.input_nr], input_grads[i], n->input_grad_scale(i), n);
        }
        if (--child.pending == 0) ready.push_back(e.node.get());
      }
    }
    if (!retain_graph) n->Release();
  }
}

}  // namespace

void RunBackward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
                 bool retain_graph) {
  Execute(outputs, grad_outputs, retain_graph, nullptr);
}

std::vector<Tensor> Grad(const std::vector<Tensor>& outputs,
                         const std::vector<Tensor>& grad_outputs, const std::vector<Tensor>& inputs,
                         bool retain_graph) {
  Capture capture;
  capture.results.resize(inputs.size());
  for (size_t j = 0; j < inputs.size(); ++j) {
    const Tensor& x = inputs[j];
    if (!x.defined() || !x.requires_grad()) {
      throw ValueError("Grad: input " + std::to_string(j) + " does not require grad");
    }
    if (x.grad_fn()) {
      capture.interior[x.grad_fn().get()].emplace_back(x.output_nr(), j);
    } else {
      capture.leaves[x.impl()].push_back(j);
    }
  }
  Execute(outputs, grad_outputs, retain_graph, &capture);
  for (size_t j = 0; j < inputs.size(); ++j) {
    if (!capture.results[j].defined()) {
      capture.results[j] = FilledLike(inputs[j], 0.0);
    }
  }
  return capture.results;
}

}  // namespace acaode
