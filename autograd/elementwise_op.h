// The kinds of elementwise op and their scalars, shared by the CPU kernels
// (autograd/ops/elementwise.cc) and the CUDA launchers (autograd/cuda/elementwise.h), so that
// an op names its kernel once for every device (Note [Device dispatch]). Plain enums, no
// dependencies: nvcc compiles against this header.
#ifndef ACAODE_AUTOGRAD_ELEMENTWISE_OP_H_
#define ACAODE_AUTOGRAD_ELEMENTWISE_OP_H_

namespace acaode {

// y = f(x); p0, p1 are the op's scalars where it has any.
enum class UnaryOp : int {
  kNeg,
  kExp,
  kLog,
  kSqrt,
  kAbs,
  kSquare,
  kTanh,
  kSigmoid,
  kRelu,
  kSoftplus,
  kSin,
  kCos,
  kPow,         // x^p0
  kClamp,       // min(max(x, p0), p1)
  kAddScalar,   // x + p0
  kMulScalar,   // x * p0
  kDivScalar,   // x / p0
  kRSubScalar,  // p0 - x
  kRDivScalar,  // p0 / x
  kFill,        // p0 (x is not read and may be null)
};

struct UnaryParams {
  double p0 = 0.0;
  double p1 = 0.0;
};

// dx = dy * f'(.), reading `saved` = x or y as the CPU backward does:
enum class UnaryGradOp : int {
  kPow,         // saved x: dy * p0 * x^(p0-1)  (0 for p0 == 0)
  kExp,         // saved y: dy * y
  kLog,         // saved x: dy / x
  kSqrt,        // saved y: dy / (2 y)
  kAbs,         // saved x: dy * sign(x)
  kSquare,      // saved x: 2 dy x
  kTanh,        // saved y: dy (1 - y^2)
  kSigmoid,     // saved y: dy y (1 - y)
  kRelu,        // saved y: dy [y > 0]
  kSoftplus,    // saved x: dy sigmoid(x)
  kSin,         // saved x: dy cos(x)
  kCos,         // saved x: -dy sin(x)
  kClamp,       // saved x: dy [p0 <= x <= p1]
  kRDivScalar,  // saved x: -p0 dy / x^2
};

enum class BinaryOp : int {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMaximum,
  kMinimum,
  kMaxMask,  // 1 where a > b, 0 where a < b, 1/2 on ties (Maximum's backward)
  kMinMask,  // 1 where a < b, 0 where a > b, 1/2 on ties
};

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_ELEMENTWISE_OP_H_
