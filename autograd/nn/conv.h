// nn::Conv2d: 2-D convolution layer, NCHW (torch.nn.Conv2d with groups = 1).
//
//   nn::Conv2dOptions opts;
//   opts.padding = 1;
//   auto conv = std::make_shared<nn::Conv2d>(3, 16, /*kernel_size=*/3, gen, opts);
//   Tensor y = conv->Forward(x);   // [N, 3, H, W] -> [N, 16, H, W]
//
// Parameters "weight" [out, in, k, k] and "bias" [out], initialised as
// PyTorch: kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in))
// with fan_in = in * k * k, and the bias with the same bound.
#ifndef ACAODE_AUTOGRAD_NN_CONV_H_
#define ACAODE_AUTOGRAD_NN_CONV_H_

#include <cstdint>

#include "autograd/creation.h"
#include "autograd/nn/module.h"

namespace acaode {
namespace nn {

struct Conv2dOptions {
  int64_t stride = 1;
  int64_t padding = 0;
  bool bias = true;
  DType dtype = DType::kFloat64;
};

class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, Generator& gen,
         Conv2dOptions options = {});
  Tensor Forward(const Tensor& x) override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const Conv2dOptions& options() const { return options_; }

 private:
  Conv2dOptions options_;
  Tensor weight_, bias_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_CONV_H_
