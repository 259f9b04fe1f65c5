// The raw kernels autograd's core uses on cuda memory (autograd/core_kernels.h): fills for
// gradient seeds, axpy for gradient sums, scaling, dtype casts for Tensor::to(dtype), block
// copies for slices and Concat. Registered in the core's tables when //autograd/cuda:device loads
// (Note [Device dispatch]).
#include "autograd/core_kernels.h"

#include "autograd/cuda/elementwise.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {
namespace {

void Fill(DType dtype, int64_t n, double value, void* dst) {
  if (dtype == DType::kFloat32) {
    LaunchUnary<float>(UnaryOp::kFill, n, nullptr, static_cast<float*>(dst), {value, 0.0},
                       CurrentStream());
  } else {
    LaunchUnary<double>(UnaryOp::kFill, n, nullptr, static_cast<double*>(dst), {value, 0.0},
                        CurrentStream());
  }
}

void Axpy(DType dtype, int64_t n, double alpha, const void* x, void* y) {
  if (dtype == DType::kFloat32) {
    LaunchAxpy<float>(n, alpha, static_cast<const float*>(x), static_cast<float*>(y),
                      CurrentStream());
  } else {
    LaunchAxpy<double>(n, alpha, static_cast<const double*>(x), static_cast<double*>(y),
                       CurrentStream());
  }
}

void Scale(DType dtype, int64_t n, double alpha, void* y) {
  if (dtype == DType::kFloat32) {
    LaunchUnary<float>(UnaryOp::kMulScalar, n, static_cast<const float*>(y), static_cast<float*>(y),
                       {alpha, 0.0}, CurrentStream());
  } else {
    LaunchUnary<double>(UnaryOp::kMulScalar, n, static_cast<const double*>(y),
                        static_cast<double*>(y), {alpha, 0.0}, CurrentStream());
  }
}

void Cast(DType src_dtype, DType dst_dtype, int64_t n, const void* src, void* dst) {
  if (src_dtype == DType::kFloat32 && dst_dtype == DType::kFloat64) {
    LaunchCast<float, double>(n, static_cast<const float*>(src), static_cast<double*>(dst),
                              CurrentStream());
  } else if (src_dtype == DType::kFloat64 && dst_dtype == DType::kFloat32) {
    LaunchCast<double, float>(n, static_cast<const double*>(src), static_cast<float*>(dst),
                              CurrentStream());
  } else {
    CopyBytes(dst, Device::kCuda, src, Device::kCuda,
              static_cast<size_t>(n) * DTypeSize(src_dtype));
  }
}

void CopyBlocks(DType dtype, const void* src, void* dst, int64_t outer, int64_t src_stride,
                int64_t dst_stride, int64_t count) {
  const size_t es = DTypeSize(dtype);
  if (outer == 1 || (src_stride == count && dst_stride == count)) {
    CopyBytes(dst, Device::kCuda, src, Device::kCuda, static_cast<size_t>(outer * count) * es);
    return;
  }
  CopyBlocks2D(dst, static_cast<size_t>(dst_stride) * es, src, static_cast<size_t>(src_stride) * es,
               static_cast<size_t>(count) * es, static_cast<size_t>(outer));
}

ACAODE_REGISTER_KERNEL(fill_kernel, Device::kCuda, Fill);
ACAODE_REGISTER_KERNEL(axpy_kernel, Device::kCuda, Axpy);
ACAODE_REGISTER_KERNEL(scale_kernel, Device::kCuda, Scale);
ACAODE_REGISTER_KERNEL(cast_kernel, Device::kCuda, Cast);
ACAODE_REGISTER_KERNEL(copy_blocks_kernel, Device::kCuda, CopyBlocks);

}  // namespace

}  // namespace cuda
}  // namespace acaode
