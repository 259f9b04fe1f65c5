// The CUDA kernels' convolution geometry (autograd/cuda/index.h) as the CPU kernels'
// (autograd/cpu/im2col.h), so that the CUDA tests can compare the two on one case.
#ifndef ACAODE_TESTS_AUTOGRAD_CUDA_CONV_GEOMETRY_H_
#define ACAODE_TESTS_AUTOGRAD_CUDA_CONV_GEOMETRY_H_

#include "autograd/cpu/im2col.h"
#include "autograd/cuda/index.h"

namespace acaode::cuda {

inline cpu::ConvGeometry ToCpu(const ConvGeom& g) {
  cpu::ConvGeometry c;
  c.batch = g.batch;
  c.channels = g.channels;
  c.in_h = g.in_h;
  c.in_w = g.in_w;
  c.kernel_h = g.kernel_h;
  c.kernel_w = g.kernel_w;
  c.stride_h = g.stride_h;
  c.stride_w = g.stride_w;
  c.pad_h = g.pad_h;
  c.pad_w = g.pad_w;
  c.out_h = g.out_h;
  c.out_w = g.out_w;
  return c;
}

}  // namespace acaode::cuda

#endif  // ACAODE_TESTS_AUTOGRAD_CUDA_CONV_GEOMETRY_H_
