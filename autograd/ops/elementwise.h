// Elementwise ops: unary maps and binary ops with NumPy broadcasting.
//
//   Tensor y = Tanh(Add(MatMul(x, w), b));   // b of shape [N] broadcasts
//   Tensor z = 2.0 * x - y / 3.0;
//
// Broadcasting follows NumPy: shapes are aligned at their last dimension; a
// dimension of size 1 (or a missing leading one) stretches to the other's
// size. Incompatible shapes or different dtypes throw ValueError naming the
// op and both shapes/dtypes. The gradient of a broadcast input is summed
// over the stretched dimensions (SumToShape).
#ifndef ACAODE_AUTOGRAD_OPS_ELEMENTWISE_H_
#define ACAODE_AUTOGRAD_OPS_ELEMENTWISE_H_

#include "autograd/tensor.h"

namespace acaode {

// --- binary (broadcasting) ---
Tensor Add(const Tensor& a, const Tensor& b);
Tensor Sub(const Tensor& a, const Tensor& b);
Tensor Mul(const Tensor& a, const Tensor& b);
Tensor Div(const Tensor& a, const Tensor& b);
// Elementwise max/min; where a == b the gradient goes half to each.
Tensor Maximum(const Tensor& a, const Tensor& b);
Tensor Minimum(const Tensor& a, const Tensor& b);

// With a scalar (no broadcasting machinery, one pass).
Tensor Add(const Tensor& a, double b);
Tensor Add(double a, const Tensor& b);
Tensor Sub(const Tensor& a, double b);
Tensor Sub(double a, const Tensor& b);
Tensor Mul(const Tensor& a, double b);
Tensor Mul(double a, const Tensor& b);
Tensor Div(const Tensor& a, double b);
Tensor Div(double a, const Tensor& b);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);
Tensor operator-(const Tensor& a);

// --- unary ---
Tensor Neg(const Tensor& x);
// x^p for a real exponent p (NaN for negative x and non-integer p).
Tensor Pow(const Tensor& x, double p);
Tensor Exp(const Tensor& x);
Tensor Log(const Tensor& x);
Tensor Sqrt(const Tensor& x);
// Gradient sign(x) (0 at x == 0).
Tensor Abs(const Tensor& x);
Tensor Square(const Tensor& x);
Tensor Tanh(const Tensor& x);
Tensor Sigmoid(const Tensor& x);
// Gradient 1 for x > 0, else 0.
Tensor Relu(const Tensor& x);
// log(1 + exp(x)), computed stably.
Tensor Softplus(const Tensor& x);
Tensor Sin(const Tensor& x);
Tensor Cos(const Tensor& x);
// min(max(x, lo), hi); gradient 1 where lo <= x <= hi, else 0. ValueError
// if lo > hi.
Tensor Clamp(const Tensor& x, double lo, double hi);

// --- broadcasting helpers ---
// The broadcast shape of a and b; ValueError("<op>: cannot broadcast shapes
// [..] and [..]") if incompatible.
Shape BroadcastShapes(const Shape& a, const Shape& b, const char* op);
// Copies t stretched to `shape` (which t must broadcast to). Differentiable.
Tensor BroadcastTo(const Tensor& t, const Shape& shape);
// Sums t over the dimensions stretched when broadcasting `shape` to
// t.shape(), giving a tensor of `shape` (t itself if equal). The adjoint of
// BroadcastTo; used by every broadcasting backward. Differentiable.
Tensor SumToShape(const Tensor& t, const Shape& shape);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_ELEMENTWISE_H_
