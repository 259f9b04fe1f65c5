// nn::Linear: y = x W^T + b (torch.nn.Linear).
//
//   Generator gen(0);
//   auto fc = std::make_shared<nn::Linear>(64, 32, gen);   // 64 -> 32
//   Tensor y = fc->Forward(x);                              // x [..., 64]
//
// Parameters "weight" [out, in] and "bias" [out] (unless bias = false),
// initialised as PyTorch does: weight kaiming_uniform(a = sqrt(5)), i.e.
// U(-1/sqrt(in), 1/sqrt(in)), and bias U(-1/sqrt(in), 1/sqrt(in)).
#ifndef ACAODE_AUTOGRAD_NN_LINEAR_H_
#define ACAODE_AUTOGRAD_NN_LINEAR_H_

#include <cstdint>

#include "autograd/creation.h"
#include "autograd/nn/module.h"

namespace acaode {
namespace nn {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, Generator& gen, bool bias = true,
         DType dtype = DType::kFloat64);
  Tensor Forward(const Tensor& x) override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without bias

 private:
  Tensor weight_, bias_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_LINEAR_H_
