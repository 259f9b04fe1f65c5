// CUDA reductions (see reduce.h). Three shapes of work:
//  - many outputs, short reductions: one thread per output (coalesced along
//    the innermost kept dim, e.g. bias gradients summed over the batch);
//  - few outputs, long reductions (a whole-tensor sum): each output split
//    across blocks, then the blocks' partials combined (Note [Split
//    reductions], index.h);
//  - otherwise one block per output, threads striding over the reduced
//    elements and combining through shared memory.
#include <math.h>

#include "autograd/cuda/launch.cuh"
#include "autograd/cuda/launcher_lists.h"
#include "autograd/cuda/reduce.h"

namespace acaode {
namespace cuda {
namespace {

template <class T>
using Ext = ExtremumCandidate<T>;

__device__ __forceinline__ bool IsSum(ReduceOp op) {
  return op == ReduceOp::kSum || op == ReduceOp::kMean;
}

template <class T>
__global__ void ReducePerThread(ReduceOp op, ReduceIndex ix, const T* x, T* out, int64_t* arg) {
  ACAODE_GRID_LOOP(o, ix.outputs) {
    const T* p = x + ix.KeptOffset(o);
    if (IsSum(op)) {
      double acc = 0.0;
      for (int64_t k = 0; k < ix.reduced; ++k) acc += static_cast<double>(p[ix.ReducedOffset(k)]);
      if (op == ReduceOp::kMean) acc /= static_cast<double>(ix.reduced);
      out[o] = static_cast<T>(acc);
    } else {
      const bool is_max = op == ReduceOp::kMax;
      Ext<T> e{p[0], -1};
      for (int64_t k = 0; k < ix.reduced; ++k) {
        const T v = p[ix.ReducedOffset(k)];
        if (Beats(is_max, v, k, e)) e = Ext<T>{v, k};
      }
      if (e.k < 0) e = Ext<T>{p[0], 0};  // all NaN
      out[o] = e.v;
      if (arg != nullptr) arg[o] = e.k;
    }
  }
}

// The block's extremum of each thread's candidate e (blockDim.x == kThreads); valid in
// thread 0, k = -1 when no thread had one.
template <class T>
__device__ Ext<T> BlockExtremum(bool is_max, Ext<T> e) {
  __shared__ T sv[kThreads];
  __shared__ int64_t sk[kThreads];
  sv[threadIdx.x] = e.v;
  sk[threadIdx.x] = e.k;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const Ext<T> mine{sv[threadIdx.x], sk[threadIdx.x]};
      if (Beats(is_max, sv[threadIdx.x + s], sk[threadIdx.x + s], mine)) {
        sv[threadIdx.x] = sv[threadIdx.x + s];
        sk[threadIdx.x] = sk[threadIdx.x + s];
      }
    }
    __syncthreads();
  }
  const Ext<T> best{sv[0], sk[0]};
  __syncthreads();  // sv/sk may be reused by the caller's next call
  return best;
}

// The final value of output o from its sum, or from its extremum (all NaN: the first
// element and position 0, as the CPU).
template <class T>
__device__ void WriteSum(ReduceOp op, const ReduceIndex& ix, int64_t o, double acc, T* out) {
  if (op == ReduceOp::kMean) acc /= static_cast<double>(ix.reduced);
  out[o] = static_cast<T>(acc);
}
template <class T>
__device__ void WriteExtremum(const ReduceIndex& ix, int64_t o, Ext<T> e, const T* x, T* out,
                              int64_t* arg) {
  if (e.k < 0) e = Ext<T>{x[ix.KeptOffset(o)], 0};
  out[o] = e.v;
  if (arg != nullptr) arg[o] = e.k;
}

// One block per (output, chunk) of the split (Note [Split reductions]). Unsplit
// (chunks == 1), each block writes its output; split, its partial: part_v (the sum, or the
// extremum as double, exact for float and double) and part_k (the extremum's position over
// the whole reduced range, -1 for a chunk of NaNs only).
template <class T>
__global__ void ReduceChunks(ReduceOp op, ReduceIndex ix, ReduceSplit split, const T* x, T* out,
                             int64_t* arg, double* part_v, int64_t* part_k) {
  const int64_t jobs = ix.outputs * split.chunks;
  for (int64_t job = blockIdx.x; job < jobs; job += gridDim.x) {
    const int64_t o = job / split.chunks;
    const int64_t c = job % split.chunks;
    const int64_t begin = split.Begin(c), end = split.End(c, ix.reduced);
    const T* p = x + ix.KeptOffset(o);
    if (IsSum(op)) {
      double acc = 0.0;
      for (int64_t k = begin + threadIdx.x; k < end; k += blockDim.x) {
        acc += static_cast<double>(p[ix.ReducedOffset(k)]);
      }
      acc = BlockSum(acc);
      if (threadIdx.x == 0) {
        if (split.chunks == 1) {
          WriteSum(op, ix, o, acc, out);
        } else {
          part_v[job] = acc;
        }
      }
    } else {
      const bool is_max = op == ReduceOp::kMax;
      Ext<T> e{p[0], -1};
      for (int64_t k = begin + threadIdx.x; k < end; k += blockDim.x) {
        const T v = p[ix.ReducedOffset(k)];
        if (Beats(is_max, v, k, e)) e = Ext<T>{v, k};
      }
      e = BlockExtremum(is_max, e);
      if (threadIdx.x == 0) {
        if (split.chunks == 1) {
          WriteExtremum(ix, o, e, x, out, arg);
        } else {
          part_v[job] = static_cast<double>(e.v);
          part_k[job] = e.k;
        }
      }
    }
  }
}

// Pass 2 of a split reduction: one block per output combines its chunks' partials.
template <class T>
__global__ void CombineChunks(ReduceOp op, ReduceIndex ix, ReduceSplit split, const T* x, T* out,
                              int64_t* arg, const double* part_v, const int64_t* part_k) {
  for (int64_t o = blockIdx.x; o < ix.outputs; o += gridDim.x) {
    const double* pv = part_v + o * split.chunks;
    if (IsSum(op)) {
      double acc = 0.0;
      for (int64_t c = threadIdx.x; c < split.chunks; c += blockDim.x) acc += pv[c];
      acc = BlockSum(acc);
      if (threadIdx.x == 0) WriteSum(op, ix, o, acc, out);
    } else {
      const bool is_max = op == ReduceOp::kMax;
      const int64_t* pk = part_k + o * split.chunks;
      Ext<T> e{T(0), -1};
      for (int64_t c = threadIdx.x; c < split.chunks; c += blockDim.x) {
        const T v = static_cast<T>(pv[c]);
        if (Beats(is_max, v, pk[c], e)) e = Ext<T>{v, pk[c]};
      }
      e = BlockExtremum(is_max, e);
      if (threadIdx.x == 0) WriteExtremum(ix, o, e, x, out, arg);
    }
  }
}

template <class T>
__global__ void PositionsAsValues(int64_t n, const int64_t* pos, T* out) {
  ACAODE_GRID_LOOP(i, n) { out[i] = static_cast<T>(pos[i]); }
}

template <class T>
__global__ void ScatterAtPositions(OriView v, const T* dy, const int64_t* pos, T* out) {
  ACAODE_GRID_LOOP(j, v.outer * v.inner) {
    const int64_t o = j / v.inner, i = j % v.inner;
    out[v.At(o, pos[j], i)] = dy[j];
  }
}

unsigned CappedBlocks(int64_t n) { return static_cast<unsigned>(n < 65535 ? n : 65535); }

}  // namespace

template <class T>
void LaunchReduce(ReduceOp op, const ReduceIndex& ix, const T* x, T* out, int64_t* arg,
                  void* scratch, Stream stream) {
  if (ix.outputs == 0) return;
  if (ix.reduced == 0) {
    if (op == ReduceOp::kMax || op == ReduceOp::kMin) {
      throw ValueError("cuda::LaunchReduce: max/min over an empty dim");
    }
  }
  if (ix.outputs >= 1024 && ix.reduced <= 1024) {
    ReducePerThread<T><<<GridFor(ix.outputs), kThreads, 0, stream>>>(op, ix, x, out, arg);
    CheckLaunch("cuda::LaunchReduce");
    return;
  }
  const ReduceSplit split = PlanReduceSplit(ix.outputs, ix.reduced);
  double* part_v = nullptr;
  int64_t* part_k = nullptr;
  if (split.chunks > 1) {
    if (scratch == nullptr) {
      throw ValueError(
          "cuda::LaunchReduce: this reduction is split across blocks and needs "
          "ReduceScratchBytes(ix) bytes of scratch; got none");
    }
    part_v = static_cast<double*>(scratch);
    part_k = reinterpret_cast<int64_t*>(part_v + ix.outputs * split.chunks);
  }
  ReduceChunks<T><<<CappedBlocks(ix.outputs * split.chunks), kThreads, 0, stream>>>(
      op, ix, split, x, out, arg, part_v, part_k);
  if (split.chunks > 1) {
    CombineChunks<T><<<CappedBlocks(ix.outputs), kThreads, 0, stream>>>(op, ix, split, x, out, arg,
                                                                        part_v, part_k);
  }
  CheckLaunch("cuda::LaunchReduce");
}

template <class T>
void LaunchPositionsAsValues(int64_t n, const int64_t* pos, T* out, Stream stream) {
  if (n == 0) return;
  PositionsAsValues<T><<<GridFor(n), kThreads, 0, stream>>>(n, pos, out);
  CheckLaunch("cuda::LaunchPositionsAsValues");
}

template <class T>
void LaunchScatterAtPositions(const OriView& v, const T* dy, const int64_t* pos, T* out,
                              Stream stream) {
  if (v.outer * v.inner == 0) return;
  ScatterAtPositions<T><<<GridFor(v.outer * v.inner), kThreads, 0, stream>>>(v, dy, pos, out);
  CheckLaunch("cuda::LaunchScatterAtPositions");
}

ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_REDUCE_LAUNCHERS)

}  // namespace cuda
}  // namespace acaode
