// Helpers for writing kernels: dtype dispatch and the device seam.
//
//   DispatchFloat(x.dtype(), [&](auto tag) {
//     using T = decltype(tag);            // float or double
//     const T* px = x.data<T>();
//     ...
//   });
//   CheckCpu("Exp", x);   // RuntimeError for CUDA tensors (no kernels yet)
#ifndef ACAODE_AUTOGRAD_DISPATCH_H_
#define ACAODE_AUTOGRAD_DISPATCH_H_

#include <utility>

#include "autograd/dtype.h"
#include "autograd/error.h"
#include "autograd/tensor.h"

namespace acaode {

// Calls f(float{}) or f(double{}) according to dtype and returns its result.
template <class F>
decltype(auto) DispatchFloat(DType dtype, F&& f) {
  if (dtype == DType::kFloat32) return std::forward<F>(f)(float{});
  return std::forward<F>(f)(double{});
}

namespace internal {
[[noreturn]] void ThrowNotCpu(const char* op, const Tensor& t);
[[noreturn]] void ThrowUndefinedArg(const char* op, const char* arg);
}  // namespace internal

// The device seam: every CPU op calls this on its tensor arguments. Throws
// RuntimeError("<op>: cuda tensors are not supported yet ...") for a tensor
// not on the CPU, and ValueError for an undefined tensor.
inline void CheckCpu(const char* op, const Tensor& t) {
  if (!t.defined()) internal::ThrowUndefinedArg(op, "tensor");
  if (t.device() != Device::kCpu) internal::ThrowNotCpu(op, t);
}

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_DISPATCH_H_
