#include "autograd/core_kernels.h"

#include "autograd/cpu/copy.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/dispatch.h"

namespace acaode {
namespace {

void FillCpu(DType dtype, int64_t n, double value, void* dst) {
  DispatchFloat(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(dst);
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(value);
  });
}

void AxpyCpu(DType dtype, int64_t n, double alpha, const void* x, void* y) {
  DispatchFloat(dtype, [&](auto tag) {
    using T = decltype(tag);
    if (alpha == 1.0) {
      cpu::AddIntoKernel<T>(static_cast<T*>(y), static_cast<const T*>(x), n);
    } else {
      cpu::AddScaledIntoKernel<T>(static_cast<T*>(y), static_cast<const T*>(x),
                                  static_cast<T>(alpha), n);
    }
  });
}

void ScaleCpu(DType dtype, int64_t n, double alpha, void* y) {
  DispatchFloat(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(y);
    const T a = static_cast<T>(alpha);
    for (int64_t i = 0; i < n; ++i) p[i] *= a;
  });
}

void CastCpu(DType src_dtype, DType dst_dtype, int64_t n, const void* src, void* dst) {
  DispatchFloat(src_dtype, [&](auto src_tag) {
    using S = decltype(src_tag);
    DispatchFloat(dst_dtype, [&](auto dst_tag) {
      using D = decltype(dst_tag);
      cpu::CastCopy(static_cast<const S*>(src), static_cast<D*>(dst), n);
    });
  });
}

void CopyBlocksCpu(DType dtype, const void* src, void* dst, int64_t outer, int64_t src_stride,
                   int64_t dst_stride, int64_t count) {
  DispatchFloat(dtype, [&](auto tag) {
    using T = decltype(tag);
    cpu::CopyBlocks(static_cast<const T*>(src), static_cast<T*>(dst), outer, src_stride, dst_stride,
                    count);
  });
}

}  // namespace

DeviceDispatch<void(DType, int64_t, double, void*)> fill_kernel("fill", FillCpu);
DeviceDispatch<void(DType, int64_t, double, const void*, void*)> axpy_kernel("gradient sum",
                                                                             AxpyCpu);
DeviceDispatch<void(DType, int64_t, double, void*)> scale_kernel("scale", ScaleCpu);
DeviceDispatch<void(DType, DType, int64_t, const void*, void*)> cast_kernel("dtype cast", CastCpu);
DeviceDispatch<void(DType, const void*, void*, int64_t, int64_t, int64_t, int64_t)>
    copy_blocks_kernel("block copy", CopyBlocksCpu);

}  // namespace acaode
