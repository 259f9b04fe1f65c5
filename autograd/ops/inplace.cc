#include "autograd/ops/inplace.h"

#include <cstring>
#include <string>

#include "autograd/dispatch.h"
#include "autograd/grad_mode.h"

namespace acaode {
namespace {

void CheckDst(const char* op, const Tensor& dst) {
  CheckCpu(op, dst);
  if (IsGradEnabled() && dst.requires_grad()) {
    throw RuntimeError(std::string(op) +
                       ": in-place update of a tensor that requires grad "
                       "while grad mode is on would corrupt the graph; wrap "
                       "it in NoGradGuard");
  }
}

void CheckSrc(const char* op, const Tensor& dst, const Tensor& src) {
  CheckCpu(op, src);
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
  if (dst.raw_data() != src.raw_data() && dst.nbytes() > 0) {
    std::memmove(dst.raw_data(), src.raw_data(), dst.nbytes());
  }
}

void FillInPlace(const Tensor& dst, double value) {
  CheckDst("FillInPlace", dst);
  DispatchFloat(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = dst.mutable_data<T>();
    for (int64_t i = 0; i < dst.numel(); ++i) p[i] = static_cast<T>(value);
  });
}

void ScaleInPlace(const Tensor& dst, double alpha) {
  CheckDst("ScaleInPlace", dst);
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
  DispatchFloat(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = dst.mutable_data<T>();
    const T* px = x.data<T>();
    const T a = static_cast<T>(alpha);
    for (int64_t i = 0; i < dst.numel(); ++i) p[i] += a * px[i];
  });
}

}  // namespace acaode
