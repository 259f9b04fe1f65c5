// In-place updates without autograd, for optimizers and solver internals.
//
//   {
//     NoGradGuard no_grad;
//     AxpyInPlace(param, -lr, param.grad());   // param -= lr * grad
//   }
//
// They write into the destination's storage (visible through every view of
// it) and record nothing. To protect the graph they throw RuntimeError when
// grad mode is on and the destination requires grad. Shapes must match
// exactly and dtypes agree (else ValueError).
#ifndef ACAODE_AUTOGRAD_OPS_INPLACE_H_
#define ACAODE_AUTOGRAD_OPS_INPLACE_H_

#include "autograd/tensor.h"

namespace acaode {

// dst = src
void CopyInPlace(const Tensor& dst, const Tensor& src);
// dst = value
void FillInPlace(const Tensor& dst, double value);
// dst = alpha * dst
void ScaleInPlace(const Tensor& dst, double alpha);
// dst += alpha * x
void AxpyInPlace(const Tensor& dst, double alpha, const Tensor& x);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_INPLACE_H_
