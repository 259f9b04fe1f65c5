// Autograd graph nodes and the edges between them.
//
// A Node is the backward of one recorded operation: given the gradients of
// the op's outputs it returns the gradients of the op's inputs. Its
// next_edges() say where each input gradient goes: to the node that produced
// that input (interior edge), straight into a leaf's .grad (leaf edge), or
// nowhere (the input does not require grad). Nodes are created by ops
// through function.h; subclass Node to write a custom backward.
//
// Note [Saved tensors]
// A node keeps what its backward needs ("saved tensors"). Rules:
//  * Inputs of the op may be saved as they are (the node references their
//    producers through its edges anyway).
//  * Outputs of the op must be saved only as `out.detach()`: saving the
//    output itself makes a cycle out -> grad_fn -> node -> out that leaks.
//  * A saved tensor must not be written in place between forward and
//    backward (there is no version counter to detect it).
//  * The engine calls ReleaseSavedState() after running a node unless
//    retain_graph is set; the saved tensors die then, and a later backward
//    through the node throws RuntimeError ("... graph was freed ...").
//
// Note [Iterative graph destruction]
// Graphs can be very deep (a taped ODE solve records 10^5 nodes in a chain).
// Destroying the head of such a chain recursively would overflow the stack,
// so ~Node hands its uniquely owned successors to a thread-local queue that
// the outermost destructor drains in a loop.
#ifndef ACAODE_AUTOGRAD_NODE_H_
#define ACAODE_AUTOGRAD_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {

class Node;

// Where one input gradient of a node goes. Exactly one of `node` and `leaf`
// is set, or neither (the input did not require grad).
struct Edge {
  std::shared_ptr<Node> node;        // producer of the input (interior)
  uint32_t input_nr = 0;             // which output of `node` the input is
  std::shared_ptr<TensorImpl> leaf;  // the input itself, when it is a leaf
  bool valid() const { return node != nullptr || leaf != nullptr; }
};

// The edge that carries gradient into `t`: to its grad_fn if it has one, to
// the tensor itself if it is a leaf requiring grad, else an invalid edge.
Edge GradientEdge(const Tensor& t);

class Node {
 public:
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  virtual ~Node();

  // grad_outputs[i] is the gradient of output i (undefined = zero; the
  // engine never calls Backward when all are undefined). Returns one
  // gradient per input, i.e. per next_edges() entry, each of that input's
  // shape and dtype, or undefined for zero / not needed. Runs with grad mode
  // off (no higher-order gradients).
  virtual std::vector<Tensor> Backward(const std::vector<Tensor>& grad_outputs) = 0;

  // Drops the saved tensors (see Note [Saved tensors]). Default: nothing.
  virtual void ReleaseSavedState() {}

  // For error messages, e.g. "MulBackward".
  virtual std::string name() const { return "Node"; }

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  // Whether input i's gradient is used (its edge is valid).
  bool needs_input_grad(size_t i) const { return i < next_edges_.size() && next_edges_[i].valid(); }
  uint32_t num_outputs() const { return num_outputs_; }
  void set_num_outputs(uint32_t n) { num_outputs_ = n; }

  // The gradient that reaches input i is input_grad_scale(i) times Backward's i-th result;
  // the engine applies the factor as it sums the gradients (acc += s·g in one pass, the
  // product rounded on its own: the same bits as summing a scaled copy). It lets an op
  // whose input gradients are multiples of one tensor (LinearCombination: c_i·g) return
  // that tensor for each input instead of a scaled copy per input. Default: 1 for every
  // input.
  double input_grad_scale(size_t i) const {
    return i < input_grad_scales_.size() ? input_grad_scales_[i] : 1.0;
  }
  void set_input_grad_scales(std::vector<double> scales) { input_grad_scales_ = std::move(scales); }

  // Called by the engine after Backward when retain_graph is false.
  void Release() {
    released_ = true;
    ReleaseSavedState();
  }
  bool released() const { return released_; }

 private:
  std::vector<Edge> next_edges_;
  std::vector<double> input_grad_scales_;  // empty: all 1
  uint32_t num_outputs_ = 1;
  bool released_ = false;
};

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NODE_H_
