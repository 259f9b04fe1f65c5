// All tensor operations (umbrella header).
//
//   #include "autograd/ops.h"
//   Tensor h = Tanh(Add(MatMul(x, w1), b1));
//   Tensor loss = Mean(Square(Sub(MatMul(h, w2), y)));
//   loss.backward();
//
// Families (one header + one .cc each, in autograd/ops/):
//   elementwise.h         Add Sub Mul Div Maximum Minimum (broadcasting),
//                         operators, Neg Pow Exp Log Sqrt Abs Square Tanh
//                         Sigmoid Relu Softplus Sin Cos Clamp, SumToShape
//   matmul.h              MatMul (2-D, batched)
//   reduce.h              Sum Mean Max Min ArgMax Norm
//   shape.h               Reshape Transpose Permute Slice IndexSelect Concat
//                         Stack Split Unsqueeze Squeeze Flatten
//   linear_combination.h  LinearCombination (fused RK stage sum)
//   inplace.h             CopyInPlace FillInPlace ScaleInPlace AxpyInPlace
//                         (no autograd; optimizers)
//
// Every op records a node when grad mode is on and an input requires grad;
// the result of an op never aliases an input's storage unless its comment
// says "view". Bad input throws ValueError naming the op and the argument.
//
// How to add an op (the pattern every op in autograd/ops/*.cc follows):
//  1. Declare it in the family header (or a new autograd/ops/<family>.h
//     included below), with its contract in a comment.
//  2. In the .cc: validate arguments (ValueError naming op + argument), check
//     the device with CheckCpu (autograd/dispatch.h), allocate the output
//     with Empty(...) (caching allocator), and run the CPU kernel -- a loop
//     from autograd/cpu/ or a new one there -- inside DispatchFloat so it
//     works for float and double.
//  3. Right below, record the backward when NeedsGrad(inputs...), with the
//     derivative as a one-line comment, using ops (which do not record,
//     since backward runs with grad mode off):
//
//       // d tanh(x) = (1 - tanh(x)^2) dx
//       if (NeedsGrad(x)) {
//         Record("TanhBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
//           return Grads{Mul(g[0], Sub(1.0, Square(y)))};
//         });
//       }
//
//     Save inputs as they are and outputs only detached (Note [Saved
//     tensors], node.h). Return one gradient per input, of the input's shape
//     (SumToShape for broadcast inputs), or Tensor() for "none".
//  4. Add a gradient check in tests/autograd/ (a few lines with
//     tests/autograd/grad_check.h), a float32-vs-float64 forward check and
//     a bad-input test.
#ifndef ACAODE_AUTOGRAD_OPS_H_
#define ACAODE_AUTOGRAD_OPS_H_

#include "autograd/ops/elementwise.h"
#include "autograd/ops/inplace.h"
#include "autograd/ops/linear_combination.h"
#include "autograd/ops/matmul.h"
#include "autograd/ops/reduce.h"
#include "autograd/ops/shape.h"

#endif  // ACAODE_AUTOGRAD_OPS_H_
