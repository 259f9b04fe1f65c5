// Fused affine map y = x W^T + b, as torch.nn.functional.linear.
//
//   Tensor w = ...;                    // [out, in] (PyTorch's layout)
//   Tensor y = Linear(x, w, b);        // x [..., in] -> y [..., out]
//
// One GEMM forward (autograd/cpu/gemm.h) and one node (instead of Transpose + MatMul + Add):
//   dx = dy W,  dW = dy^T x (leading dims flattened),  db = sum_rows dy.
// `bias` may be undefined.
//
// LinearActivation(x, W, b, act) = act(x W^T + b) is the same with the activation fused
// (one node, one pass over y for bias + activation; bitwise equal to Linear then the
// activation op). nn::Sequential uses it for a Linear followed by Tanh or ReLU:
//   d pre = act'(y) ⊙ dy (tanh: (1 − y²) dy; relu: [y > 0] dy), then as Linear with d pre.
//
// Errors (ValueError): x with no dims, w not 2-D, x.size(-1) != w.size(1),
// bias not of shape [out], dtype mismatch.
#ifndef ACAODE_AUTOGRAD_OPS_LINEAR_H_
#define ACAODE_AUTOGRAD_OPS_LINEAR_H_

#include "autograd/cpu/isa/kernels.h"
#include "autograd/tensor.h"

namespace acaode {

Tensor Linear(const Tensor& input, const Tensor& weight, const Tensor& bias);

// act(input weight^T + bias) for act = kNone (= Linear), kTanh or kRelu.
Tensor LinearActivation(const Tensor& input, const Tensor& weight, const Tensor& bias,
                        cpu::Activation act);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_LINEAR_H_
