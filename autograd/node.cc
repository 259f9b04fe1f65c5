#include "autograd/node.h"

#include <utility>
#include <vector>

namespace acaode {
namespace {
// See Note [Iterative graph destruction]: while the outermost ~Node drains
// the successors it released, nested destructors append to its queue. A raw
// pointer (no thread_local destructor) keeps this safe at thread exit.
thread_local std::vector<std::shared_ptr<Node>>* tls_pending = nullptr;
}  // namespace

Node::~Node() {
  if (tls_pending != nullptr) {
    for (Edge& e : next_edges_) {
      if (e.node && e.node.use_count() == 1) {
        tls_pending->push_back(std::move(e.node));
      }
    }
    return;
  }
  std::vector<std::shared_ptr<Node>> pending;
  for (Edge& e : next_edges_) {
    if (e.node && e.node.use_count() == 1) pending.push_back(std::move(e.node));
  }
  if (pending.empty()) return;
  tls_pending = &pending;
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    n.reset();  // its ~Node appends its own uniquely owned successors
  }
  tls_pending = nullptr;
}

Edge GradientEdge(const Tensor& t) {
  Edge e;
  if (!t.defined() || !t.requires_grad()) return e;
  if (t.grad_fn()) {
    e.node = t.grad_fn();
    e.input_nr = t.output_nr();
  } else {
    e.leaf = t.impl_ptr();
  }
  return e;
}

}  // namespace acaode
