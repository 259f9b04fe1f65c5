#include "autograd/nn/norm.h"

#include "absl/strings/str_cat.h"
#include "autograd/creation.h"
#include "autograd/ops/norm.h"

namespace acaode {
namespace nn {

GroupNorm::GroupNorm(int64_t num_groups, int64_t num_channels, double eps, bool affine, DType dtype)
    : Module("GroupNorm"), num_groups_(num_groups), num_channels_(num_channels), eps_(eps) {
  if (num_groups < 1 || num_channels < 1 || num_channels % num_groups != 0) {
    throw ValueError(absl::StrCat("GroupNorm: num_groups (", num_groups,
                                  ") must be >= 1 and divide num_channels (", num_channels, ")"));
  }
  if (!(eps > 0)) throw ValueError(absl::StrCat("GroupNorm: eps must be > 0, got ", eps));
  if (affine) {
    weight_ = RegisterParameter("weight", Ones({num_channels}, dtype));
    bias_ = RegisterParameter("bias", Zeros({num_channels}, dtype));
  }
}

Tensor GroupNorm::Forward(const Tensor& x) {
  if (x.dim() < 2 || x.size(1) != num_channels_) {
    throw ValueError(absl::StrCat("GroupNorm: expected input [N, ", num_channels_, ", ...], got ",
                                  ShapeToString(x.shape())));
  }
  return ::acaode::GroupNorm(x, num_groups_, weight_, bias_, eps_);
}

BatchNorm2d::BatchNorm2d(int64_t num_features, BatchNormOptions options)
    : Module("BatchNorm2d"), num_features_(num_features), options_(options) {
  if (num_features < 1) {
    throw ValueError(absl::StrCat("BatchNorm2d: num_features must be >= 1, got ", num_features));
  }
  if (!(options.eps > 0) || !(options.momentum >= 0 && options.momentum <= 1)) {
    throw ValueError(absl::StrCat("BatchNorm2d: need eps > 0 and momentum in [0, 1], got eps ",
                                  options.eps, ", momentum ", options.momentum));
  }
  if (options.affine) {
    weight_ = RegisterParameter("weight", Ones({num_features}, options.dtype));
    bias_ = RegisterParameter("bias", Zeros({num_features}, options.dtype));
  }
  running_mean_ = RegisterBuffer("running_mean", Zeros({num_features}, options.dtype));
  running_var_ = RegisterBuffer("running_var", Ones({num_features}, options.dtype));
}

Tensor BatchNorm2d::Forward(const Tensor& x) {
  if (x.dim() != 4 || x.size(1) != num_features_) {
    throw ValueError(absl::StrCat("BatchNorm2d: expected input [N, ", num_features_,
                                  ", H, W], got ", ShapeToString(x.shape())));
  }
  return ::acaode::BatchNorm(x, running_mean_, running_var_, weight_, bias_,
                             {is_training(), options_.momentum, options_.eps});
}

}  // namespace nn
}  // namespace acaode
