// The backward engine: runs the graph of Nodes from some roots back to the
// leaves.
//
// Algorithm: a depth-first pass from the roots counts, for each reachable
// node, how many edges point to it; nodes then run in an order where every
// node runs after all nodes that send it gradient (a topological order of the
// reversed graph). Gradients arriving at the same node output are summed;
// gradients arriving at a leaf are accumulated into its .grad with +=.
// Backward functions run with grad mode off.
//
//   Tensor loss = ...;
//   RunBackward({loss}, {Tensor()}, /*retain_graph=*/false);  // = loss.backward()
//   std::vector<Tensor> g = Grad({loss}, {Tensor()}, {w, b}); // no .grad written
#ifndef ACAODE_AUTOGRAD_ENGINE_H_
#define ACAODE_AUTOGRAD_ENGINE_H_

#include <vector>

#include "autograd/tensor.h"

namespace acaode {

// Back-propagates grad_outputs[i] (undefined = ones, allowed only for a
// one-element output) from outputs[i], accumulating into the .grad of every
// reachable leaf that requires grad. See Tensor::backward for the errors.
void RunBackward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
                 bool retain_graph);

// Returns d(sum_i <outputs[i], grad_outputs[i]>)/d(inputs[j]) for each j,
// without touching any .grad. Each input must require grad (a leaf or an
// interior tensor of the graph); an input the outputs do not depend on gets
// zeros of its shape.
std::vector<Tensor> Grad(const std::vector<Tensor>& outputs,
                         const std::vector<Tensor>& grad_outputs, const std::vector<Tensor>& inputs,
                         bool retain_graph = false);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_ENGINE_H_
