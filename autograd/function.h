// Adding nodes to the autograd graph: built-in ops, custom Functions, Vjp.
//
// Three ways, from lowest to highest level:
//
// 1. Record (how every op in autograd/ops/ is written): compute the output
//    with grad mode as it is, then attach a lambda node if needed.
//
//      Tensor Exp(const Tensor& x) {
//        Tensor y = ...forward kernel...;
//        if (NeedsGrad(x)) {
//          // d exp(x) = exp(x) dx
//          Record("ExpBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
//            return Grads{Mul(g[0], y)};
//          });
//        }
//        return y;
//      }
//
// 2. A custom Function with a saved context (for other libraries):
//
//      struct ScaleFn {
//        double c;
//        std::vector<Tensor> Forward(FunctionContext& ctx,
//                                    const std::vector<Tensor>& in) {
//          return {Mul(in[0], c)};
//        }
//        std::vector<Tensor> Backward(FunctionContext& ctx,
//                                     const std::vector<Tensor>& g) {
//          return {Mul(g[0], c)};
//        }
//      };
//      Tensor y = Apply(ScaleFn{2.0}, {x})[0];
//
// 3. A hand-written Node subclass (node.h) attached with ApplyFunction, for
//    nodes with their own state and release logic (e.g. ACA's checkpoint
//    node).
//
// Lifetimes: see Note [Saved tensors] in node.h. Gradients of gradients are
// not supported: backward functions run with grad mode off.
#ifndef ACAODE_AUTOGRAD_FUNCTION_H_
#define ACAODE_AUTOGRAD_FUNCTION_H_

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autograd/engine.h"
#include "autograd/error.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/tensor.h"

namespace acaode {

using Grads = std::vector<Tensor>;

// True when grad mode is on and any argument requires grad: the condition
// for recording a node.
inline bool NeedsGrad(const Tensor& a) { return IsGradEnabled() && a.requires_grad(); }
template <class... Rest>
inline bool NeedsGrad(const Tensor& a, const Rest&... rest) {
  return IsGradEnabled() && (a.requires_grad() || (rest.requires_grad() || ...));
}
bool NeedsGrad(const std::vector<Tensor>& inputs);

// Wires `node` into the graph: its next edges come from `inputs` (one per
// input, invalid for inputs that do not require grad) and each output i
// becomes output i of `node`. Does nothing to the graph (returns `outputs`
// unchanged) unless NeedsGrad(inputs). An output that is one of the inputs,
// or already has a grad_fn or requires grad, is first replaced by a fresh
// view of its storage. Returns the (possibly replaced) outputs.
std::vector<Tensor> ApplyFunction(std::shared_ptr<Node> node, const std::vector<Tensor>& inputs,
                                  std::vector<Tensor> outputs);

// A node whose backward is a callable `Grads(const Grads&)`; the callable and
// its captures are the saved state, destroyed on release.
template <class F>
class LambdaNode final : public Node {
 public:
  LambdaNode(const char* name, F fn) : name_(name), fn_(std::move(fn)) {}
  std::vector<Tensor> Backward(const std::vector<Tensor>& grads) override {
    if (!fn_) ThrowFreed();
    return (*fn_)(grads);
  }
  void ReleaseSavedState() override { fn_.reset(); }
  std::string name() const override { return name_; }

 private:
  [[noreturn]] void ThrowFreed() const;
  const char* name_;
  std::optional<F> fn_;
};

namespace internal {
// Throws the RuntimeError for a backward through a released node.
[[noreturn]] void ThrowGraphFreed(const std::string& node_name);
}  // namespace internal

template <class F>
void LambdaNode<F>::ThrowFreed() const {
  internal::ThrowGraphFreed(name_);
}

// Records a LambdaNode named `name` (a string literal) with `backward` as
// the backward of `outputs` (fresh tensors made by the op) from `inputs`.
// The caller checks NeedsGrad first, so nothing is built when not needed.
template <class F>
void Record(const char* name, std::initializer_list<Tensor> inputs,
            std::initializer_list<Tensor> outputs, F&& backward) {
  auto node = std::make_shared<LambdaNode<std::decay_t<F>>>(name, std::forward<F>(backward));
  std::vector<Edge>& edges = node->mutable_next_edges();
  edges.reserve(inputs.size());
  for (const Tensor& in : inputs) edges.push_back(GradientEdge(in));
  node->set_num_outputs(static_cast<uint32_t>(outputs.size()));
  uint32_t i = 0;
  for (const Tensor& out : outputs) out.impl()->set_grad_fn(node, i++);
}

// State shared between a custom Function's Forward and Backward.
class FunctionContext {
 public:
  // Saves tensors for Backward (stored detached, so saving outputs is safe).
  void SaveForBackward(const std::vector<Tensor>& tensors);
  // The saved tensors; RuntimeError once released (graph freed).
  const std::vector<Tensor>& saved_tensors() const;
  // Whether input i requires a gradient (set before Backward is called).
  bool needs_input_grad(size_t i) const {
    return i < needs_input_grad_.size() && needs_input_grad_[i];
  }
  // Releases the saved tensors (called by the engine).
  void Release() {
    saved_.clear();
    released_ = true;
  }

  // Free-form non-tensor state for Backward.
  std::vector<double> saved_doubles;
  std::vector<int64_t> saved_ints;

 private:
  template <class F>
  friend std::vector<Tensor> Apply(F fn, const std::vector<Tensor>& inputs);
  std::vector<Tensor> saved_;
  std::vector<bool> needs_input_grad_;
  bool released_ = false;
};

// The node behind Apply: owns the Function object and its context.
template <class F>
class FunctionNode final : public Node {
 public:
  explicit FunctionNode(F fn) : fn_(std::move(fn)) {}
  std::vector<Tensor> Backward(const std::vector<Tensor>& grads) override {
    return fn_.Backward(ctx_, grads);
  }
  void ReleaseSavedState() override { ctx_.Release(); }
  std::string name() const override { return "FunctionNode"; }
  FunctionContext& ctx() { return ctx_; }
  F& fn() { return fn_; }

 private:
  F fn_;
  FunctionContext ctx_;
};

// Runs fn.Forward(ctx, inputs) with grad mode off and, if NeedsGrad(inputs),
// records a node whose backward is fn.Backward(ctx, grad_outputs); Backward
// returns one gradient per input (undefined = zero). F needs the two
// methods shown in the example at the top of this file.
template <class F>
std::vector<Tensor> Apply(F fn, const std::vector<Tensor>& inputs) {
  auto node = std::make_shared<FunctionNode<F>>(std::move(fn));
  std::vector<Tensor> outputs;
  {
    NoGradGuard no_grad;
    outputs = node->fn().Forward(node->ctx(), inputs);
  }
  if (!NeedsGrad(inputs)) return outputs;
  FunctionContext& ctx = node->ctx();
  ctx.needs_input_grad_.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    ctx.needs_input_grad_[i] = inputs[i].defined() && inputs[i].requires_grad();
  }
  return ApplyFunction(node, inputs, std::move(outputs));
}

template <class F>
std::vector<Tensor> Apply(const std::vector<Tensor>& inputs) {
  return Apply(F{}, inputs);
}

// Vector-Jacobian product: with x = inputs and y = fn(x), returns
// d<y, cotangent>/dx_j for each input (zeros where y does not depend on x_j).
// fn runs with grad mode on, on detached copies of the inputs, so the
// inputs' own graphs and .grad are untouched; gradients flowing into other
// leaves fn uses (e.g. parameters) are not written either. `cotangent` must
// have y's shape; it may be undefined for a one-element y.
std::vector<Tensor> Vjp(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                        const std::vector<Tensor>& inputs, const Tensor& cotangent);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_FUNCTION_H_
