// A small MLP vector field for the tests of tests/aca, built from core ops:
//   f(t, z) = tanh(z W1 + b1 + t c) W2 + b2,   z: [B, D], W1: [D, H], W2: [H, D]
// (c makes f depend on t explicitly). Parameters are float64 leaves requiring grad.
#ifndef ACAODE_TESTS_ACA_TEST_MLP_H_
#define ACAODE_TESTS_ACA_TEST_MLP_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "autograd/creation.h"
#include "autograd/ops.h"
#include "autograd/tensor.h"

namespace acaode {
namespace aca {
namespace testing {

struct TestMlp {
  Tensor w1, b1, c, w2, b2;

  TestMlp(int64_t d, int64_t hidden, uint64_t seed, double scale = 1.0,
          DType dtype = DType::kFloat64) {
    Generator gen(seed);
    w1 = RandNormal({d, hidden}, 0.0, scale / std::sqrt(static_cast<double>(d)), gen, dtype);
    b1 = RandNormal({hidden}, 0.0, 0.1, gen, dtype);
    c = RandNormal({hidden}, 0.0, 0.3, gen, dtype);
    w2 = RandNormal({hidden, d}, 0.0, scale / std::sqrt(static_cast<double>(hidden)), gen, dtype);
    b2 = RandNormal({d}, 0.0, 0.1, gen, dtype);
    for (Tensor* p : {&w1, &b1, &c, &w2, &b2}) p->set_requires_grad(true);
  }

  std::vector<Tensor> parameters() const { return {w1, b1, c, w2, b2}; }

  Tensor operator()(double t, const Tensor& z) const {
    return Add(MatMul(Tanh(Add(Add(MatMul(z, w1), b1), Mul(c, t))), w2), b2);
  }
};

}  // namespace testing
}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_TESTS_ACA_TEST_MLP_H_
