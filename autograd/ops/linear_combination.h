// The fused linear combination used by Runge-Kutta stages (hot path).
//
//   // z + h*(a21*k1)  or  z + h*(b1*k1 + ... + b7*k7)
//   Tensor z1 = LinearCombination(z, {h * a21}, {k1});
//
// out = base + sum_i coeffs[i] * terms[i], in one pass over the data with no
// temporaries; terms with a zero coefficient are skipped (not read).
// Differentiable: d out/d base = I, d out/d terms[i] = coeffs[i] I.
// All tensors must have base's shape and dtype (else ValueError); coeffs
// and terms must have equal lengths.
#ifndef ACAODE_AUTOGRAD_OPS_LINEAR_COMBINATION_H_
#define ACAODE_AUTOGRAD_OPS_LINEAR_COMBINATION_H_

#include <vector>

#include "autograd/tensor.h"

namespace acaode {

Tensor LinearCombination(const Tensor& base, const std::vector<double>& coeffs,
                         const std::vector<Tensor>& terms);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_LINEAR_COMBINATION_H_
