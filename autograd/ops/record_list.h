// Internal helper for NN ops with optional inputs (bias, affine weights):
// records a backward node over a run-time list of inputs.
//
//   std::vector<Tensor> inputs = {x, w};
//   if (b.defined()) inputs.push_back(b);
//   RecordList("FooBackward", inputs, y, [..](const Grads& g) {
//     return Grads{dx, dw, db_if_present};   // one per entry of `inputs`
//   });
//
// Same as Record (autograd/function.h) but the inputs are a vector, so an
// undefined optional input is simply left out. Call only when NeedsGrad.
#ifndef ACAODE_AUTOGRAD_OPS_RECORD_LIST_H_
#define ACAODE_AUTOGRAD_OPS_RECORD_LIST_H_

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/function.h"

namespace acaode {
namespace internal {

template <class F>
void RecordList(const char* name, const std::vector<Tensor>& inputs, const Tensor& output,
                F&& backward) {
  auto node = std::make_shared<LambdaNode<std::decay_t<F>>>(name, std::forward<F>(backward));
  std::vector<Edge>& edges = node->mutable_next_edges();
  edges.reserve(inputs.size());
  for (const Tensor& in : inputs) edges.push_back(GradientEdge(in));
  node->set_num_outputs(1);
  output.impl()->set_grad_fn(node, 0);
}

}  // namespace internal
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_RECORD_LIST_H_
