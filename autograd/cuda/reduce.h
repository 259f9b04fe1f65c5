// CUDA host launchers for reductions over all or chosen dims.
//
//   cuda::ReduceIndex ix = cuda::MakeReduceIndex(x_shape, {0, 2});
//   cuda::LaunchReduce(cuda::ReduceOp::kSum, ix, x, out, nullptr, stream);
//   cuda::LaunchReduce(cuda::ReduceOp::kMax, cuda::MakeReduceIndex(shape, {1}), x, val, idx, s);
//
// out has ix.outputs elements (row-major over the kept dims); for kMax/kMin
// `arg` (may be null) receives the position of the extremum along the
// reduced elements (row-major over the reduced dims; the first one on ties).
// Sums accumulate in double for float and double inputs, like the CPU
// kernels (autograd/cpu/reduce.h). kMean divides by ix.reduced.
// NaN: kMax/kMin skip NaNs (the CPU keeps a NaN only when it is the first
// element); an all-NaN row gives NaN.
//
// Memory: x, out and arg are device memory; asynchronous on `stream`.
#ifndef ACAODE_AUTOGRAD_CUDA_REDUCE_H_
#define ACAODE_AUTOGRAD_CUDA_REDUCE_H_

#include <cstdint>

#include "autograd/cuda/index.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

enum class ReduceOp : int { kSum, kMean, kMax, kMin };

template <class T>
void LaunchReduce(ReduceOp op, const ReduceIndex& ix, const T* x, T* out, int64_t* arg,
                  Stream stream);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_REDUCE_H_
