// Row-major GEMM on the GPU through cuBLAS.
//
//   // c[m, n] = op(a) op(b) (+ c when accumulate); op(a) is [m, k]
//   cuda::Gemm<float>(false, true, m, n, k, a, b, c, /*accumulate=*/false, stream);
//
// Same contract as the CPU kernel (autograd/cpu/gemm.h): a is stored [m, k]
// (or [k, m] when trans_a), b [k, n] (or [n, k] when trans_b), c [m, n], all
// contiguous row-major. cuBLAS is column-major; a row-major matrix read as
// column-major is its transpose, so c^T = op(b)^T op(a)^T is one column-major
// GEMM with the operands swapped (the transpose trick), no copies.
// Float GEMMs use full FP32 math (no TF32), so results stay comparable with
// the CPU.
//
// Memory: a, b, c are device memory. Asynchronous on `stream` (the cuBLAS
// handle is bound to it). Sizes above INT32_MAX throw ValueError.
#ifndef ACAODE_AUTOGRAD_CUDA_GEMM_H_
#define ACAODE_AUTOGRAD_CUDA_GEMM_H_

#include <cstdint>

#include "autograd/cuda/instantiate.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
          bool accumulate, Stream stream);

// `batch` independent GEMMs; matrix i starts at a + i * stride_a (likewise b,
// c; a stride of 0 reuses one matrix for every batch entry).
template <class T>
void GemmStridedBatched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a,
                        int64_t stride_a, const T* b, int64_t stride_b, T* c, int64_t stride_c,
                        int64_t batch, bool accumulate, Stream stream);

// The two launchers by parameter types (instantiate.h): gemm.cc instantiates them, the
// build without the toolkit defines them as stubs (gemm_nocuda.cc).
#define ACAODE_CUDA_GEMM_LAUNCHERS(X, T)                                                     \
  X(Gemm, (bool, bool, int64_t, int64_t, int64_t, const T*, const T*, T*, bool, Stream))     \
  X(GemmStridedBatched, (bool, bool, int64_t, int64_t, int64_t, const T*, int64_t, const T*, \
                         int64_t, T*, int64_t, int64_t, bool, Stream))

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_GEMM_H_
