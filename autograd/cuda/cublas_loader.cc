// See cublas_loader.h, Note [cuBLAS at run time].
#include "autograd/cuda/cublas_loader.h"

#include "autograd/cuda/dynamic_library.h"

namespace acaode {
namespace cuda {
namespace {

#define ACAODE_STR2(x) #x
#define ACAODE_STR(x) ACAODE_STR2(x)
// The soname of the cuBLAS this code was compiled against, e.g. "libcublas.so.13".
constexpr const char* kCublasSoname = "libcublas.so." ACAODE_STR(CUBLAS_VER_MAJOR);

CublasApi Load() {
  const DynamicLibrary lib("cuBLAS", "ACAODE_CUBLAS_LIBRARY", kCublasSoname,
                           "GPU matrix products need the CUDA toolkit's cuBLAS on the loader "
                           "path (LD_LIBRARY_PATH) or ACAODE_CUBLAS_LIBRARY set to its file");
  const char* older = " (a cuBLAS older than the toolkit acaode was built with?)";
  CublasApi api{};
  lib.Resolve("cublasCreate_v2", &api.create, older);
  lib.Resolve("cublasSetMathMode", &api.set_math_mode, older);
  lib.Resolve("cublasSetStream_v2", &api.set_stream, older);
  lib.Resolve("cublasSgemm_v2", &api.sgemm, older);
  lib.Resolve("cublasDgemm_v2", &api.dgemm, older);
  lib.Resolve("cublasSgemmStridedBatched", &api.sgemm_strided_batched, older);
  lib.Resolve("cublasDgemmStridedBatched", &api.dgemm_strided_batched, older);
  return api;
}

}  // namespace

const CublasApi& Cublas() {
  // A failed load throws out of the initializer, so the next call tries again.
  static const CublasApi api = Load();
  return api;
}

}  // namespace cuda
}  // namespace acaode
