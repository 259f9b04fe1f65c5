// CUDA reductions (see reduce.h). Two shapes of work:
//  - many outputs, short reductions: one thread per output (coalesced along
//    the innermost kept dim, e.g. bias gradients summed over the batch);
//  - otherwise one block per output, threads striding over the reduced
//    elements and combining through shared memory.
#include <math.h>

#include "autograd/cuda/launch.cuh"
#include "autograd/cuda/launcher_lists.h"
#include "autograd/cuda/reduce.h"

namespace acaode {
namespace cuda {
namespace {

// Running extremum: (value, position); NaN never wins; ties keep the lower
// position.
template <class T>
struct Ext {
  T v;
  int64_t k;
};

template <class T>
__device__ __forceinline__ bool Better(bool is_max, T v, int64_t k, const Ext<T>& e) {
  if (isnan(v)) return false;
  if (e.k < 0 || isnan(e.v)) return true;
  if (v == e.v) return k < e.k;
  return is_max ? v > e.v : v < e.v;
}

template <class T>
__global__ void ReducePerThread(ReduceOp op, ReduceIndex ix, const T* x, T* out, int64_t* arg) {
  ACAODE_GRID_LOOP(o, ix.outputs) {
    const T* p = x + ix.KeptOffset(o);
    if (op == ReduceOp::kSum || op == ReduceOp::kMean) {
      double acc = 0.0;
      for (int64_t k = 0; k < ix.reduced; ++k) acc += static_cast<double>(p[ix.ReducedOffset(k)]);
      if (op == ReduceOp::kMean) acc /= static_cast<double>(ix.reduced);
      out[o] = static_cast<T>(acc);
    } else {
      const bool is_max = op == ReduceOp::kMax;
      Ext<T> e{p[0], -1};
      for (int64_t k = 0; k < ix.reduced; ++k) {
        const T v = p[ix.ReducedOffset(k)];
        if (Better(is_max, v, k, e)) e = Ext<T>{v, k};
      }
      if (e.k < 0) e = Ext<T>{p[0], 0};  // all NaN
      out[o] = e.v;
      if (arg != nullptr) arg[o] = e.k;
    }
  }
}

template <class T>
__global__ void ReducePerBlock(ReduceOp op, ReduceIndex ix, const T* x, T* out, int64_t* arg) {
  __shared__ T sv[kThreads];
  __shared__ int64_t sk[kThreads];
  for (int64_t o = blockIdx.x; o < ix.outputs; o += gridDim.x) {
    const T* p = x + ix.KeptOffset(o);
    if (op == ReduceOp::kSum || op == ReduceOp::kMean) {
      double acc = 0.0;
      for (int64_t k = threadIdx.x; k < ix.reduced; k += blockDim.x) {
        acc += static_cast<double>(p[ix.ReducedOffset(k)]);
      }
      acc = BlockSum(acc);
      if (threadIdx.x == 0) {
        if (op == ReduceOp::kMean) acc /= static_cast<double>(ix.reduced);
        out[o] = static_cast<T>(acc);
      }
    } else {
      const bool is_max = op == ReduceOp::kMax;
      Ext<T> e{p[0], -1};
      for (int64_t k = threadIdx.x; k < ix.reduced; k += blockDim.x) {
        const T v = p[ix.ReducedOffset(k)];
        if (Better(is_max, v, k, e)) e = Ext<T>{v, k};
      }
      sv[threadIdx.x] = e.v;
      sk[threadIdx.x] = e.k;
      __syncthreads();
      for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s && sk[threadIdx.x + s] >= 0) {
          Ext<T> mine{sv[threadIdx.x], sk[threadIdx.x]};
          if (Better(is_max, sv[threadIdx.x + s], sk[threadIdx.x + s], mine)) {
            sv[threadIdx.x] = sv[threadIdx.x + s];
            sk[threadIdx.x] = sk[threadIdx.x + s];
          }
        }
        __syncthreads();
      }
      if (threadIdx.x == 0) {
        if (sk[0] < 0) {  // all NaN
          sv[0] = p[0];
          sk[0] = 0;
        }
        out[o] = sv[0];
        if (arg != nullptr) arg[o] = sk[0];
      }
      __syncthreads();
    }
  }
}

}  // namespace

template <class T>
void LaunchReduce(ReduceOp op, const ReduceIndex& ix, const T* x, T* out, int64_t* arg,
                  Stream stream) {
  if (ix.outputs == 0) return;
  if (ix.reduced == 0) {
    if (op == ReduceOp::kMax || op == ReduceOp::kMin) {
      throw ValueError("cuda::LaunchReduce: max/min over an empty dim");
    }
  }
  if (ix.outputs >= 1024 && ix.reduced <= 1024) {
    ReducePerThread<T><<<GridFor(ix.outputs), kThreads, 0, stream>>>(op, ix, x, out, arg);
  } else {
    const int64_t blocks = ix.outputs < 65535 ? ix.outputs : 65535;
    ReducePerBlock<T><<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(op, ix, x, out, arg);
  }
  CheckLaunch("cuda::LaunchReduce");
}

ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_REDUCE_LAUNCHERS)

}  // namespace cuda
}  // namespace acaode
