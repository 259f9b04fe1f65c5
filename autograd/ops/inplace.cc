#include "autograd/ops/inplace.h"

#include <cstring>
#include <string>

#include "autograd/allocator.h"
#include "autograd/core_kernels.h"
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
  if (dst.raw_data() == src.raw_data() || dst.nbytes() == 0) return;
  if (dst.device() == Device::kCpu && src.device() == Device::kCpu) {
    std::memmove(dst.raw_data(), src.raw_data(), dst.nbytes());
    return;
  }
  // A tensor off the CPU exists only once its backend registered the copy, which treats
  // overlapping ranges as memmove does.
  GetDeviceCopy()(dst.raw_data(), dst.device(), src.raw_data(), src.device(), dst.nbytes());
}

void FillInPlace(const Tensor& dst, double value) {
  CheckDst("FillInPlace", dst);
  fill_kernel(dst.device(), dst.dtype(), dst.numel(), value, dst.raw_data());
}

void ScaleInPlace(const Tensor& dst, double alpha) {
  CheckDst("ScaleInPlace", dst);
  scale_kernel(dst.device(), dst.dtype(), dst.numel(), alpha, dst.raw_data());
}

// The product rounded on its own, then added (axpy_kernel), as p[i] += a x[i] without FMA.
void AxpyInPlace(const Tensor& dst, double alpha, const Tensor& x) {
  CheckDst("AxpyInPlace", dst);
  CheckSrc("AxpyInPlace", dst, x);
  axpy_kernel(dst.device(), dst.dtype(), dst.numel(), alpha, x.raw_data(), dst.raw_data());
}

}  // namespace acaode
