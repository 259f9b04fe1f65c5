// CUDA host launchers for reductions over all or chosen dims.
//
//   cuda::ReduceIndex ix = cuda::MakeReduceIndex(x_shape, {0, 2});
//   void* scratch = <device memory of cuda::ReduceScratchBytes(ix) bytes, or null if 0>;
//   cuda::LaunchReduce(cuda::ReduceOp::kSum, ix, x, out, nullptr, scratch, stream);
//   cuda::LaunchReduce(cuda::ReduceOp::kMax, ix, x, val, idx, scratch, stream);
//
// out has ix.outputs elements (row-major over the kept dims); for kMax/kMin
// `arg` (may be null) receives the position of the extremum along the
// reduced elements (row-major over the reduced dims; the first one on ties).
// Sums accumulate in double for float and double inputs, like the CPU
// kernels (autograd/cpu/reduce.h). kMean divides by ix.reduced.
// NaN: kMax/kMin skip NaNs (the CPU keeps a NaN only when it is the first
// element); an all-NaN row gives NaN.
//
// A reduction with few outputs and many reduced elements is split across blocks (Note
// [Split reductions], index.h) and needs `scratch`, ReduceScratchBytes(ix) bytes of device
// memory that stays untouched until the launch has run on `stream` (memory of the caching
// allocator, freed after the call, is: its reuse is ordered on the same stream).
//
// Memory: x, out, arg and scratch are device memory; asynchronous on `stream`.
#ifndef ACAODE_AUTOGRAD_CUDA_REDUCE_H_
#define ACAODE_AUTOGRAD_CUDA_REDUCE_H_

#include <cstddef>
#include <cstdint>

#include "autograd/cuda/index.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

enum class ReduceOp : int { kSum, kMean, kMax, kMin };

inline size_t ReduceScratchBytes(const ReduceIndex& ix) {
  return ReduceScratchBytes(ix.outputs, PlanReduceSplit(ix.outputs, ix.reduced));
}

template <class T>
void LaunchReduce(ReduceOp op, const ReduceIndex& ix, const T* x, T* out, int64_t* arg,
                  void* scratch, Stream stream);

// out[i] = pos[i] as T (ArgMax's values), i < n.
template <class T>
void LaunchPositionsAsValues(int64_t n, const int64_t* pos, T* out, Stream stream);

// The backward of an extremum along the middle dim of v: out[v.At(o, pos[j], i)] = dy[j] for
// each j = o * v.inner + i; the other elements of out (zeroed by the caller) are untouched.
template <class T>
void LaunchScatterAtPositions(const OriView& v, const T* dy, const int64_t* pos, T* out,
                              Stream stream);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_REDUCE_H_
