// CUDA host launchers for elementwise ops: maps, broadcasting binary ops,
// the fused linear combination of RK stages, gathers (permute, slice,
// broadcast_to), scatters (concat) and dtype casts.
//
//   const float* x;  float* y;   // device memory, n elements each
//   cuda::LaunchUnary(cuda::UnaryOp::kTanh, n, x, y, {}, cuda::CurrentStream());
//   cuda::StridedIndex ix = cuda::MakeBroadcastIndex(a_shape, b_shape, out_shape);
//   cuda::LaunchBinary(cuda::BinaryOp::kMul, ix, out_numel, a, b, out, stream);
//
// Memory: every pointer argument is device memory (cudaMalloc, e.g. a cuda
// Tensor's data) holding the stated number of elements, except the host
// arrays `coeffs` and `terms` of LaunchLinearCombination (host arrays of
// coefficients and of device pointers). Launches are asynchronous on
// `stream`; a launch failure throws acaode::RuntimeError.
//
// The formulas are those of the CPU ops (autograd/ops/elementwise.cc), which
// the tests (tests/autograd/cuda/) compare against.
#ifndef ACAODE_AUTOGRAD_CUDA_ELEMENTWISE_H_
#define ACAODE_AUTOGRAD_CUDA_ELEMENTWISE_H_

#include <cstdint>

#include "autograd/cuda/index.h"
#include "autograd/cuda/runtime.h"
#include "autograd/elementwise_op.h"

namespace acaode {
namespace cuda {

// The elementwise ops' kinds and scalars (UnaryOp, UnaryParams, UnaryGradOp, BinaryOp) are
// autograd's, shared with the CPU kernels (autograd/elementwise_op.h).
using ::acaode::BinaryOp;
using ::acaode::UnaryGradOp;
using ::acaode::UnaryOp;
using ::acaode::UnaryParams;

// y = f(x) for the op's f (UnaryOp).
template <class T>
void LaunchUnary(UnaryOp op, int64_t n, const T* x, T* y, UnaryParams p, Stream stream);

// dx = dy f'(.), reading `saved` (x or y, as UnaryGradOp says).
template <class T>
void LaunchUnaryGrad(UnaryGradOp op, int64_t n, const T* dy, const T* saved, T* dx, UnaryParams p,
                     Stream stream);

// out[i] = f(a[oa], b[ob]) with (oa, ob) = ix.Offsets(i), i < n_out.
template <class T>
void LaunchBinary(BinaryOp op, const StridedIndex& ix, int64_t n_out, const T* a, const T* b,
                  T* out, Stream stream);

// out = base + sum_i coeffs[i] * terms[i] over n elements (out may alias
// base). num_terms <= kMaxLinearTerms; terms with a zero coefficient are not
// read. `coeffs` and `terms` are host arrays; terms[i] are device pointers.
constexpr int kMaxLinearTerms = 16;
template <class T>
void LaunchLinearCombination(int64_t n, const T* base, int num_terms, const double* coeffs,
                             const T* const* terms, T* out, Stream stream);

// y += alpha * x (in-place update, gradient accumulation).
template <class T>
void LaunchAxpy(int64_t n, double alpha, const T* x, T* y, Stream stream);

// out[i] = in[ix.OffsetA(i)], i < n_out (permute, strided slice, broadcast_to).
template <class T>
void LaunchGather(const StridedIndex& ix, int64_t n_out, const T* in, T* out, Stream stream);

// out[ix.OffsetA(i)] = in[i], i < n_in (writing a block into a larger
// tensor, e.g. concat). Targets must be distinct.
template <class T>
void LaunchScatter(const StridedIndex& ix, int64_t n_in, const T* in, T* out, Stream stream);

// y[i] = static_cast<Dst>(x[i]).
template <class Src, class Dst>
void LaunchCast(int64_t n, const Src* x, Dst* y, Stream stream);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_ELEMENTWISE_H_
