#include "autograd/ops/inplace.h"

#include <cstring>
#include <string>

#include "autograd/cuda/tensor_ops.h"
#include "autograd/dispatch.h"
#include "autograd/grad_mode.h"

namespace acaode {
namespace {

void CheckDst(const char* op, const Tensor& dst) {
  if (!dst.defined()) internal::ThrowUndefinedArg(op, "dst");
  if (IsGradEnabled() && dst.requires_grad()) {
    throw RuntimeError(std::string(op) +
                       ": in-place update of a tensor that requires grad "
                       "while grad mode is on would corrupt the graph; wrap "
                       "it in NoGradGuard");
  }
}

void CheckSrc(const char* op, const Tensor& dst, const Tensor& src) {
  if (!src.defined()) internal::ThrowUndefinedArg(op, "src");
  if (src.device() != dst.device() && !(op == std::string("CopyInPlace"))) {
    throw ValueError(std::string(op) + ": source on " + DeviceName(src.device()) +
                     " but destination on " + DeviceName(dst.device()));
  }
  if (src.shape() != dst.shape() || src.dtype() != dst.dtype()) {
    throw ValueError(std::string(op) + ": source " + DTypeName(src.dtype()) + " " +
                     ShapeToString(src.shape()) + " does not match destination " +
                     DTypeName(dst.dtype()) + " " + ShapeToString(dst.shape()));
  }
}

}  // namespace

void CopyInPlace(const Tensor& dst, const Tensor& src) {
  CheckDst("CopyInPlace", dst);
  CheckSrc("CopyInPlace", dst, src);
  if (dst.device() != Device::kCpu || src.device() != Device::kCpu) {
    if (dst.raw_data() != src.raw_data() && dst.nbytes() > 0) cuda::CopyInPlace(dst, src);
    return;
  }
  if (dst.raw_data() != src.raw_data() && dst.nbytes() > 0) {
    std::memmove(dst.raw_data(), src.raw_data(), dst.nbytes());
  }
}

void FillInPlace(const Tensor& dst, double value) {
  CheckDst("FillInPlace", dst);
  if (dst.device() == Device::kCuda) return cuda::FillInPlace(dst, value);
  DispatchFloat(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = dst.mutable_data<T>();
    for (int64_t i = 0; i < dst.numel(); ++i) p[i] = static_cast<T>(value);
  });
}

void ScaleInPlace(const Tensor& dst, double alpha) {
  CheckDst("ScaleInPlace", dst);
  if (dst.device() == Device::kCuda) return cuda::ScaleInPlace(dst, alpha);
  DispatchFloat(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = dst.mutable_data<T>();
    const T a = static_cast<T>(alpha);
    for (int64_t i = 0; i < dst.numel(); ++i) p[i] *= a;
  });
}

void AxpyInPlace(const Tensor& dst, double alpha, const Tensor& x) {
  CheckDst("AxpyInPlace", dst);
  CheckSrc("AxpyInPlace", dst, x);
  if (dst.device() == Device::kCuda) return cuda::AxpyInPlace(dst, alpha, x);
  DispatchFloat(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = dst.mutable_data<T>();
    const T* px = x.data<T>();
    const T a = static_cast<T>(alpha);
    for (int64_t i = 0; i < dst.numel(); ++i) p[i] += a * px[i];
  });
}

}  // namespace acaode
