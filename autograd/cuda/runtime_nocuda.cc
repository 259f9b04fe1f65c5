// runtime.h for builds without the CUDA toolkit: no devices, clear errors.
#include <string>

#include "autograd/cuda/runtime.h"
#include "autograd/error.h"

namespace acaode {
namespace cuda {
namespace {
constexpr char kReason[] = "acaode was built without the CUDA toolkit";
}  // namespace

bool BuiltWithCuda() { return false; }

int DeviceCount(std::string* reason) {
  if (reason != nullptr) *reason = kReason;
  return 0;
}

bool IsAvailable() { return false; }

void RequireDevice(const char* what) {
  throw RuntimeError(std::string(what) + ": no CUDA device: " + kReason);
}

void Check(int status, const char* what) {
  if (status != 0) throw RuntimeError(std::string(what) + ": " + kReason);
}

Stream CurrentStream() {
  RequireDevice("cuda stream");
  return nullptr;
}
void Synchronize() { RequireDevice("cuda synchronize"); }
void* Malloc(size_t) {
  RequireDevice("cuda allocation");
  return nullptr;
}
void Free(void*) {}
void CopyBytes(void*, Device, const void*, Device, size_t) { RequireDevice("cuda copy"); }
void CopyBlocks2D(void*, size_t, const void*, size_t, size_t, size_t) {
  RequireDevice("cuda copy");
}

}  // namespace cuda
}  // namespace acaode
