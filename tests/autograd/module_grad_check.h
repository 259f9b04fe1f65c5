// Gradient check of a module's parameters (extends grad_check.h to layers).
//
//   nn::Linear fc(3, 2, gen);
//   Tensor x = RandInput({4, 3});
//   EXPECT_TRUE(ModuleGradCheck(fc, [&] { return fc.Forward(x); }));
//
// Runs L = sum(w * f()) with a fixed random w, backward, and compares the
// .grad() of every float64 parameter with central differences of L in that
// parameter (perturbed in place, grad mode off), with grad_check.h's step
// and tolerances. f must be deterministic in the parameters.
#ifndef ACAODE_TESTS_AUTOGRAD_MODULE_GRAD_CHECK_H_
#define ACAODE_TESTS_AUTOGRAD_MODULE_GRAD_CHECK_H_

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/nn/module.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace testing {

inline ::testing::AssertionResult ModuleGradCheck(nn::Module& module,
                                                  const std::function<Tensor()>& f) {
  module.ZeroGrad();
  const Tensor y = f();
  Generator wgen(7);
  const Tensor w = RandUniform(y.shape(), 0.5, 1.5, wgen);
  Sum(Mul(y, w)).backward();
  std::vector<std::string> names;
  std::vector<Tensor> params;
  for (const auto& [name, p] : module.NamedParameters()) {
    if (p.dtype() != DType::kFloat64) {
      return ::testing::AssertionFailure() << "parameter " << name << " is not float64";
    }
    names.push_back(name);
    params.push_back(p);
  }
  const std::vector<std::vector<double>> numeric =
      CentralDifferences([&] { return Sum(Mul(f(), w)).item(); }, params);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const std::vector<double> analytic =
        p.grad().defined() ? ToVector(p.grad()) : std::vector<double>(p.numel(), 0.0);
    for (int64_t j = 0; j < p.numel(); ++j) {
      const double err = std::abs(analytic[j] - numeric[i][j]);
      if (!(err <= kGradAbsTol + kGradRelTol * std::abs(numeric[i][j]))) {
        return ::testing::AssertionFailure()
               << "parameter " << names[i] << " element " << j << ": analytic " << analytic[j]
               << " vs numeric " << numeric[i][j];
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace testing
}  // namespace acaode

#endif  // ACAODE_TESTS_AUTOGRAD_MODULE_GRAD_CHECK_H_
