#include "autograd/nn/conv.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "autograd/nn/init.h"
#include "autograd/ops/conv.h"

namespace acaode {
namespace nn {

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, Generator& gen,
               Conv2dOptions options)
    : Module("Conv2d"), options_(options) {
  if (in_channels < 1 || out_channels < 1 || kernel_size < 1) {
    throw ValueError(
        absl::StrCat("Conv2d: in_channels, out_channels and kernel_size must be >= 1, got ",
                     in_channels, ", ", out_channels, ", ", kernel_size));
  }
  if (options.stride < 1 || options.padding < 0) {
    throw ValueError(absl::StrCat("Conv2d: need stride >= 1 and padding >= 0, got stride ",
                                  options.stride, ", padding ", options.padding));
  }
  const Shape wshape = {out_channels, in_channels, kernel_size, kernel_size};
  weight_ = RegisterParameter("weight", KaimingUniform(wshape, std::sqrt(5.0), gen, options.dtype));
  if (options.bias) {
    const double bound = 1.0 / std::sqrt(double(FanIn(wshape)));
    bias_ = RegisterParameter("bias", UniformSymmetric({out_channels}, bound, gen, options.dtype));
  }
}

Tensor Conv2d::Forward(const Tensor& x) {
  return ::acaode::Conv2d(x, weight_, bias_, {options_.stride, options_.padding});
}

}  // namespace nn
}  // namespace acaode
