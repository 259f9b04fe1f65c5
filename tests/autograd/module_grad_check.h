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
  for (const auto& [name, p] : module.NamedParameters()) {
    if (p.dtype() != DType::kFloat64) {
      return ::testing::AssertionFailure() << "parameter " << name << " is not float64";
    }
    const std::vector<double> analytic =
        p.grad().defined() ? ToVector(p.grad()) : std::vector<double>(p.numel(), 0.0);
    double* d = p.mutable_data<double>();
    for (int64_t j = 0; j < p.numel(); ++j) {
      const double saved = d[j];
      double plus, minus;
      {
        NoGradGuard no_grad;
        d[j] = saved + kFiniteDiffStep;
        plus = Sum(Mul(f(), w)).item();
        d[j] = saved - kFiniteDiffStep;
        minus = Sum(Mul(f(), w)).item();
        d[j] = saved;
      }
      const double numeric = (plus - minus) / (2 * kFiniteDiffStep);
      const double err = std::abs(analytic[j] - numeric);
      if (!(err <= kGradAbsTol + kGradRelTol * std::abs(numeric))) {
        return ::testing::AssertionFailure()
               << "parameter " << name << " element " << j << ": analytic " << analytic[j]
               << " vs numeric " << numeric;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace testing
}  // namespace acaode

#endif  // ACAODE_TESTS_AUTOGRAD_MODULE_GRAD_CHECK_H_
