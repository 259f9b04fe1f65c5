// Normalization layers: nn::GroupNorm and nn::BatchNorm2d (as PyTorch's).
//
//   auto gn = std::make_shared<nn::GroupNorm>(/*num_groups=*/8, /*num_channels=*/64);
//   auto bn = std::make_shared<nn::BatchNorm2d>(64);
//   Tensor y = bn->Forward(x);   // training: batch statistics, updates
//   bn->Eval();                  // the running statistics; eval: uses them
//
// Both have parameters "weight" (ones) and "bias" (zeros) of shape [C] when
// affine. BatchNorm2d has buffers "running_mean" (zeros) and "running_var"
// (ones), updated with `momentum` in training (autograd/ops/norm.h).
#ifndef ACAODE_AUTOGRAD_NN_NORM_H_
#define ACAODE_AUTOGRAD_NN_NORM_H_

#include <cstdint>

#include "autograd/nn/module.h"

namespace acaode {
namespace nn {

class GroupNorm : public Module {
 public:
  GroupNorm(int64_t num_groups, int64_t num_channels, double eps = 1e-5, bool affine = true,
            DType dtype = DType::kFloat64);
  Tensor Forward(const Tensor& x) override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 private:
  int64_t num_groups_;
  int64_t num_channels_;
  double eps_;
  Tensor weight_, bias_;
};

struct BatchNormOptions {
  double eps = 1e-5;
  double momentum = 0.1;
  bool affine = true;
  DType dtype = DType::kFloat64;
};

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int64_t num_features, BatchNormOptions options = {});
  // x must be 4-D [N, C, H, W] with C = num_features (else ValueError).
  Tensor Forward(const Tensor& x) override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }
  const Tensor& running_var() const { return running_var_; }

 private:
  int64_t num_features_;
  BatchNormOptions options_;
  Tensor weight_, bias_, running_mean_, running_var_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_NORM_H_
