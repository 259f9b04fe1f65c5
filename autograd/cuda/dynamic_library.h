// A shared library opened at run time (dlopen), for the GPU libraries the extension must
// not link: cuBLAS (Note [cuBLAS at run time]) and NCCL (Note [NCCL at run time]).
//
//   DynamicLibrary lib("NCCL", "ACAODE_NCCL_LIBRARY", "libnccl.so.2", "<how to provide it>");
//   lib.Resolve("ncclGetVersion", &api.get_version);   // RuntimeError when absent
//
// The file is the one the environment variable names, or else the default soname found the
// usual way (LD_LIBRARY_PATH, the ld.so cache). The library stays loaded for the life of
// the process (no dlclose: the resolved entry points outlive this object).
#ifndef ACAODE_AUTOGRAD_CUDA_DYNAMIC_LIBRARY_H_
#define ACAODE_AUTOGRAD_CUDA_DYNAMIC_LIBRARY_H_

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "autograd/error.h"

namespace acaode {
namespace cuda {

class DynamicLibrary {
 public:
  // Opens the library; RuntimeError naming `name`, the file, the loader's message and
  // `how_to_provide` when it cannot be loaded.
  DynamicLibrary(const char* name, const char* env_var, const char* default_file,
                 const std::string& how_to_provide)
      : name_(name) {
    const char* env = std::getenv(env_var);
    file_ = env != nullptr && *env != '\0' ? env : default_file;
    handle_ = dlopen(file_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* why = dlerror();
      throw RuntimeError(name_ + " could not be loaded (" + file_ + ": " +
                         (why != nullptr ? why : "unknown error") + "); " + how_to_provide);
    }
  }

  // *out = the entry point `symbol`; RuntimeError naming it when the library lacks it
  // (`hint` says what that suggests, e.g. an older version).
  template <class Fn>
  void Resolve(const char* symbol, Fn* out, const char* hint = "") const {
    void* p = dlsym(handle_, symbol);
    if (p == nullptr) {
      throw RuntimeError(name_ + ": " + file_ + " has no entry point " + symbol + hint);
    }
    *out = reinterpret_cast<Fn>(p);
  }

  const std::string& file() const { return file_; }

 private:
  std::string name_;
  std::string file_;
  void* handle_ = nullptr;
};

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_DYNAMIC_LIBRARY_H_
