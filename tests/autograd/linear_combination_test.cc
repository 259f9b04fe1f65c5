// LinearCombination: values, zero-coefficient skipping, gradients, errors.
#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::acaode::testing::Float32MatchesFloat64;
using ::acaode::testing::GradCheck;
using ::acaode::testing::Inputs;
using ::acaode::testing::RandInput;
using ::testing::HasSubstr;

TEST(LinearCombination, Values) {
  const Tensor z = FromVector({1, 2}, {2});
  const Tensor k1 = FromVector({10, 20}, {2});
  const Tensor k2 = FromVector({100, 200}, {2});
  EXPECT_TRUE(AllClose(LinearCombination(z, {0.5, -0.01}, {k1, k2}), {5, 10}));
  EXPECT_TRUE(AllClose(LinearCombination(z, {}, {}), {1, 2}));
  // Larger than one chunk, so the chunked loop is exercised across chunks.
  const Tensor big = RandInput({5000});
  const Tensor t = RandInput({5000});
  EXPECT_TRUE(AllClose(LinearCombination(big, {2.0}, {t}), ToVector(Add(big, Mul(t, 2.0))), 1e-15));
}

TEST(LinearCombination, ManyTerms) {
  // More terms than fit the inline index buffer: sum_{i<40} i * 1 = 780.
  std::vector<double> coeffs;
  std::vector<Tensor> terms;
  for (int i = 0; i < 40; ++i) {
    coeffs.push_back(i);
    terms.push_back(Ones({2}));
  }
  EXPECT_TRUE(AllClose(LinearCombination(Zeros({2}), coeffs, terms), {780, 780}));
}

TEST(LinearCombination, ZeroCoefficientTermIsNotRead) {
  const Tensor z = FromVector({1, 2}, {2});
  // An undefined (or mis-shaped) term with coefficient 0 is skipped.
  EXPECT_TRUE(AllClose(LinearCombination(z, {0.0, 1.0}, {Tensor(), z}), {2, 4}));
  EXPECT_TRUE(AllClose(LinearCombination(z, {0.0}, {Zeros({7})}), {1, 2}));
}

TEST(LinearCombination, Gradients) {
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return LinearCombination(v[0], {0.3, 0.0, -1.7}, {v[1], v[2], v[3]});
      },
      {RandInput({3, 2}), RandInput({3, 2}), RandInput({3, 2}), RandInput({3, 2})}));
  // Composed like an RK stage: k2 = f(z + h a21 k1).
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        Tensor k1 = Tanh(v[0]);
        Tensor k2 = Tanh(LinearCombination(v[0], {0.5}, {k1}));
        return LinearCombination(v[0], {0.25, 0.75}, {k1, k2});
      },
      {RandInput({4})}));
  EXPECT_TRUE(Float32MatchesFloat64(
      [](const Inputs& v) {
        return LinearCombination(v[0], {0.1, 2.0}, {v[1], v[0]});
      },
      {RandInput({9}), RandInput({9})}));
}

TEST(LinearCombination, Errors) {
  EXPECT_THAT([] { LinearCombination(Zeros({2}), {1.0}, {Zeros({3})}); },
              ::testing::ThrowsMessage<ValueError>(
                  HasSubstr("LinearCombination: term 0 (float64 [3]) does not match base "
                            "(float64 [2])")));
  EXPECT_THROW(LinearCombination(Zeros({2}), {1.0, 2.0}, {Zeros({2})}), ValueError);
  EXPECT_THROW(LinearCombination(Zeros({2}), {1.0}, {Zeros({2}, DType::kFloat32)}), ValueError);
}

}  // namespace
}  // namespace acaode
