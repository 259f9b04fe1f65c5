// cuBLAS GEMM (see gemm.h; cuBLAS is loaded at run time, cublas_loader.h); gemm_nocuda.cc replaces
// this file where no toolkit exists.
#include "autograd/cuda/gemm.h"

#include <cuda_runtime.h>

#include <climits>
#include <mutex>
#include <string>

#include "autograd/cuda/cublas_loader.h"
#include "autograd/error.h"

namespace acaode {
namespace cuda {
namespace {

void CheckBlas(cublasStatus_t st, const char* what) {
  if (st == CUBLAS_STATUS_SUCCESS) return;
  throw RuntimeError(std::string(what) + ": cuBLAS error " + std::to_string(static_cast<int>(st)));
}

// One handle per process (Note [CUDA stream order]); guarded because
// cublasSetStream mutates it.
std::mutex& HandleMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

cublasHandle_t Handle(Stream stream) {
  RequireDevice("cuda::Gemm");
  static cublasHandle_t handle = [] {
    cublasHandle_t h = nullptr;
    CheckBlas(Cublas().create(&h), "cublasCreate");
    CheckBlas(Cublas().set_math_mode(h, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    return h;
  }();
  CheckBlas(Cublas().set_stream(handle, stream), "cublasSetStream");
  return handle;
}

int ToInt(int64_t v, const char* name) {
  if (v < 0 || v > INT_MAX) {
    throw ValueError(std::string("cuda::Gemm: ") + name + " = " + std::to_string(v) +
                     " is outside [0, INT32_MAX]");
  }
  return static_cast<int>(v);
}

cublasStatus_t Call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                    int k, const float* alpha, const float* a, int lda, long long sa,
                    const float* b, int ldb, long long sb, const float* beta, float* c, int ldc,
                    long long sc, int batch) {
  if (batch == 1) return Cublas().sgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  return Cublas().sgemm_strided_batched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c,
                                        ldc, sc, batch);
}

cublasStatus_t Call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                    int k, const double* alpha, const double* a, int lda, long long sa,
                    const double* b, int ldb, long long sb, const double* beta, double* c, int ldc,
                    long long sc, int batch) {
  if (batch == 1) return Cublas().dgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  return Cublas().dgemm_strided_batched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c,
                                        ldc, sc, batch);
}

}  // namespace

template <class T>
void GemmStridedBatched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a,
                        int64_t stride_a, const T* b, int64_t stride_b, T* c, int64_t stride_c,
                        int64_t batch, bool accumulate, Stream stream) {
  const int im = ToInt(m, "m"), in = ToInt(n, "n"), ik = ToInt(k, "k");
  const int ib = ToInt(batch, "batch");
  if (im == 0 || in == 0 || ib == 0) return;
  std::lock_guard<std::mutex> lock(HandleMutex());
  cublasHandle_t h = Handle(stream);
  const T alpha = 1, beta = accumulate ? 1 : 0;
  if (ik == 0) {
    // cuBLAS requires k >= 1 for a meaningful product; c = beta * c.
    if (!accumulate) {
      for (int64_t i = 0; i < batch; ++i) {
        Check(cudaMemsetAsync(c + i * stride_c, 0, sizeof(T) * m * n, stream), "cudaMemsetAsync");
      }
    }
    return;
  }
  // Row-major c[m, n] = op(a) op(b)  <=>  column-major c^T[n, m] = op(b)^T op(a)^T.
  const cublasOperation_t op_b = trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_a = trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int ldb = trans_b ? ik : in;
  const int lda = trans_a ? im : ik;
  CheckBlas(Call(h, op_b, op_a, in, im, ik, &alpha, b, ldb, stride_b, a, lda, stride_a, &beta, c,
                 in, stride_c, ib),
            "cuda::Gemm");
}

template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
          bool accumulate, Stream stream) {
  GemmStridedBatched<T>(trans_a, trans_b, m, n, k, a, 0, b, 0, c, 0, 1, accumulate, stream);
}

ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_GEMM_LAUNCHERS)

}  // namespace cuda
}  // namespace acaode
