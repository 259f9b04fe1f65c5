// cuBLAS, loaded with dlopen when the first GPU GEMM runs.
//
//   const cuda::CublasApi& blas = cuda::Cublas();   // throws RuntimeError if not loadable
//   blas.sgemm(handle, CUBLAS_OP_N, ...);
//
// Note [cuBLAS at run time]: the extension must import on machines without the CUDA
// toolkit (a CPU-only user never needs cuBLAS). The CUDA runtime is linked statically
// (libcudart_static.a, which itself loads the driver libcuda.so.1 on first use and reports
// "no device" where there is none), and cuBLAS — hundreds of MB, versioned with the
// toolkit — is not linked at all: Cublas() dlopens libcublas.so.<major> of the toolkit the
// code was compiled against (searched the usual way: LD_LIBRARY_PATH, the ld.so cache;
// ACAODE_CUBLAS_LIBRARY names a file explicitly) and resolves the few entry points the GEMM
// uses. The library stays loaded for the life of the process.
#ifndef ACAODE_AUTOGRAD_CUDA_CUBLAS_LOADER_H_
#define ACAODE_AUTOGRAD_CUDA_CUBLAS_LOADER_H_

#include <cublas_v2.h>

namespace acaode {
namespace cuda {

struct CublasApi {
  decltype(&cublasCreate_v2) create;
  decltype(&cublasSetMathMode) set_math_mode;
  decltype(&cublasSetStream_v2) set_stream;
  decltype(&cublasSgemm_v2) sgemm;
  decltype(&cublasDgemm_v2) dgemm;
  decltype(&cublasSgemmStridedBatched) sgemm_strided_batched;
  decltype(&cublasDgemmStridedBatched) dgemm_strided_batched;
};

// The loaded API (loaded once, thread-safe). Throws RuntimeError naming the library file
// and the loader's message when cuBLAS cannot be loaded or lacks an entry point.
const CublasApi& Cublas();

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_CUBLAS_LOADER_H_
