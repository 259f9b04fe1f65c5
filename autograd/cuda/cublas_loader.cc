// See cublas_loader.h, Note [cuBLAS at run time].
#include "autograd/cuda/cublas_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "autograd/error.h"

namespace acaode {
namespace cuda {
namespace {

#define ACAODE_STR2(x) #x
#define ACAODE_STR(x) ACAODE_STR2(x)
// The soname of the cuBLAS this code was compiled against, e.g. "libcublas.so.13".
constexpr const char* kCublasSoname = "libcublas.so." ACAODE_STR(CUBLAS_VER_MAJOR);

template <class Fn>
void Resolve(void* lib, const char* symbol, const std::string& file, Fn* out) {
  void* p = dlsym(lib, symbol);
  if (p == nullptr) {
    throw RuntimeError("cuBLAS: " + file + " has no entry point " + symbol +
                       " (a cuBLAS older than the toolkit acaode was built with?)");
  }
  *out = reinterpret_cast<Fn>(p);
}

CublasApi Load() {
  const char* env = std::getenv("ACAODE_CUBLAS_LIBRARY");
  const std::string file = env != nullptr && *env != '\0' ? env : kCublasSoname;
  void* lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    throw RuntimeError("cuBLAS could not be loaded (" + file + ": " +
                       (why != nullptr ? why : "unknown error") +
                       "); GPU matrix products need the CUDA toolkit's cuBLAS on the loader "
                       "path (LD_LIBRARY_PATH) or ACAODE_CUBLAS_LIBRARY set to its file");
  }
  CublasApi api{};
  Resolve(lib, "cublasCreate_v2", file, &api.create);
  Resolve(lib, "cublasSetMathMode", file, &api.set_math_mode);
  Resolve(lib, "cublasSetStream_v2", file, &api.set_stream);
  Resolve(lib, "cublasSgemm_v2", file, &api.sgemm);
  Resolve(lib, "cublasDgemm_v2", file, &api.dgemm);
  Resolve(lib, "cublasSgemmStridedBatched", file, &api.sgemm_strided_batched);
  Resolve(lib, "cublasDgemmStridedBatched", file, &api.dgemm_strided_batched);
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
