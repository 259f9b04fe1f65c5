// The raw kernels autograd's core runs on a tensor's memory, whatever its device: fills for
// gradient seeds, axpy for gradient sums (the engine), dtype casts (Tensor::to), block
// copies (slices, their backward, Concat), and the in-place updates of autograd/ops/inplace.h. One
// table each (Note [Device dispatch], autograd/device_dispatch.h): the CPU kernels are defined in
// core_kernels.cc, a device backend registers its own (autograd/cuda/core_kernels.cc).
//
// Pointers are the device's memory; n and the block sizes count elements of the dtype.
#ifndef ACAODE_AUTOGRAD_CORE_KERNELS_H_
#define ACAODE_AUTOGRAD_CORE_KERNELS_H_

#include <cstdint>

#include "autograd/device_dispatch.h"
#include "autograd/dtype.h"

namespace acaode {

// dst[i] = value, i < n.
extern DeviceDispatch<void(DType dtype, int64_t n, double value, void* dst)> fill_kernel;
// y[i] += alpha x[i], i < n; for alpha != 1 the product is rounded on its own, then added
// (Node::input_grad_scale), and alpha = 1 is a plain sum.
extern DeviceDispatch<void(DType dtype, int64_t n, double alpha, const void* x, void* y)>
    axpy_kernel;
// y[i] *= alpha, i < n.
extern DeviceDispatch<void(DType dtype, int64_t n, double alpha, void* y)> scale_kernel;
// dst[i] = src[i] converted to dst_dtype, i < n.
extern DeviceDispatch<void(DType src_dtype, DType dst_dtype, int64_t n, const void* src, void* dst)>
    cast_kernel;
// dst[o * dst_stride + i] = src[o * src_stride + i], o < outer, i < count.
extern DeviceDispatch<void(DType dtype, const void* src, void* dst, int64_t outer,
                           int64_t src_stride, int64_t dst_stride, int64_t count)>
    copy_blocks_kernel;

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CORE_KERNELS_H_
