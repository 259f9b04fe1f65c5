// Fused affine map y = x W^T + b, as torch.nn.functional.linear.
//
//   Tensor w = ...;                    // [out, in] (PyTorch's layout)
//   Tensor y = Linear(x, w, b);        // x [..., in] -> y [..., out]
//
// One GEMM forward (autograd/cpu/gemm.h) and one node (instead of Transpose + MatMul + Add):
//   dx = dy W,  dW = dy^T x (leading dims flattened),  db = sum_rows dy.
// `bias` may be undefined.
//
// Errors (ValueError): x with no dims, w not 2-D, x.size(-1) != w.size(1),
// bias not of shape [out], dtype mismatch.
#ifndef ACAODE_AUTOGRAD_OPS_LINEAR_H_
#define ACAODE_AUTOGRAD_OPS_LINEAR_H_

#include "autograd/tensor.h"

namespace acaode {

Tensor Linear(const Tensor& input, const Tensor& weight, const Tensor& bias);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_LINEAR_H_
