// The scaled RMS error norm (double and Tensor forms), DOP853's combination and the
// tolerance validation, against hand-computed values.
#include "solvers/error_norm.h"

#include <cmath>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace acaode {
namespace solvers {
namespace {

using ::testing::HasSubstr;

TEST(ErrorNormTest, HandComputedScalarTolerances) {
  const Tensor e = FromVector({1e-6, -2e-6}, {2});
  const Tensor z = FromVector({1.0, -3.0}, {2});
  const Tensor zn = FromVector({2.0, -1.0}, {2});
  Tolerances tol{1e-3, 1e-6, Tensor(), Tensor(), {}};
  // scale = atol + rtol · max(|z|, |z_new|) = (0.002001, 0.003001).
  const double r0 = 1e-6 / 0.002001, r1 = -2e-6 / 0.003001;
  const double expected = std::sqrt((r0 * r0 + r1 * r1) / 2);
  EXPECT_NEAR(ErrorNorm(e, Tensor(), z, zn, tol), expected, 1e-15);
  EXPECT_NEAR(ErrorNormTensor(e, Tensor(), z, zn, tol).item(), expected, 1e-15);
  // float32 data.
  EXPECT_NEAR(ErrorNorm(e.to(DType::kFloat32), Tensor(), z.to(DType::kFloat32),
                        zn.to(DType::kFloat32), tol),
              expected, 1e-6 * expected);
  // ScaledNorm: RMS of x / (atol + rtol |z|).
  const double s0 = 1e-6 / (1e-6 + 1e-3), s1 = -2e-6 / (1e-6 + 3e-3);
  EXPECT_NEAR(ScaledNorm(e, z, tol), std::sqrt((s0 * s0 + s1 * s1) / 2), 1e-15);
}

TEST(ErrorNormTest, PerComponentTolerancesBroadcastOverLeadingDimensions) {
  // z of shape [2, 3]; tolerances of shape [3] apply to each row.
  const std::vector<double> e = {1, 2, 3, 4, 5, 6};
  const std::vector<double> z = {1, -1, 2, -2, 3, -3};
  const std::vector<double> atol = {1.0, 2.0, 4.0}, rtol = {0.5, 0.25, 0.0};
  Tolerances tol;
  tol.atol_tensor = FromVector(atol, {3});
  tol.rtol_tensor = FromVector(rtol, {3});
  double sum = 0;
  for (int i = 0; i < 6; ++i) {
    const double scale = atol[i % 3] + rtol[i % 3] * std::abs(z[i]);
    sum += (e[i] / scale) * (e[i] / scale);
  }
  const double expected = std::sqrt(sum / 6);
  const Tensor et = FromVector(e, {2, 3}), zt = FromVector(z, {2, 3});
  EXPECT_NEAR(ErrorNorm(et, Tensor(), zt, zt, tol), expected, 1e-14);
  EXPECT_NEAR(ErrorNormTensor(et, Tensor(), zt, zt, tol).item(), expected, 1e-14);
  // A tolerance that does not broadcast is rejected.
  tol.atol_tensor = FromVector({1.0, 2.0}, {2});
  EXPECT_THROW(ErrorNorm(et, Tensor(), zt, zt, tol), ValueError);
  EXPECT_EQ(tol.Validate(zt).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ErrorNormTest, Dop853CombinationOfTwoEstimates) {
  const Tensor e5 = FromVector({3e-7, -1e-7, 2e-7}, {3});
  const Tensor e3 = FromVector({4e-5, 1e-5, -2e-5}, {3});
  const Tensor z = FromVector({1.0, 2.0, -0.5}, {3});
  Tolerances tol{1e-6, 1e-6, Tensor(), Tensor(), {}};
  double s5 = 0, s3 = 0;
  const double e5v[] = {3e-7, -1e-7, 2e-7}, e3v[] = {4e-5, 1e-5, -2e-5}, zv[] = {1, 2, -0.5};
  for (int i = 0; i < 3; ++i) {
    const double sc = 1e-6 + 1e-6 * std::abs(zv[i]);
    s5 += (e5v[i] / sc) * (e5v[i] / sc);
    s3 += (e3v[i] / sc) * (e3v[i] / sc);
  }
  const double expected = s5 / std::sqrt(3 * (s5 + 0.01 * s3));
  EXPECT_NEAR(ErrorNorm(e5, e3, z, z, tol), expected, 1e-14 * expected);
  EXPECT_NEAR(ErrorNormTensor(e5, e3, z, z, tol).item(), expected, 1e-14 * expected);
  const Tensor zero = ZerosLike(z);
  EXPECT_EQ(ErrorNorm(zero, zero, z, z, tol), 0.0);
  EXPECT_EQ(ErrorNormTensor(zero, zero, z, z, tol).item(), 0.0);
}

TEST(ErrorNormTest, TensorFormIsDifferentiable) {
  // d‖e‖/de_i = e_i / (s_i² N ‖e‖) with s fixed (z, z_new constant).
  const std::vector<double> ev = {1e-5, -3e-5, 2e-5};
  Tensor e = FromVector(ev, {3}).set_requires_grad(true);
  const Tensor z = FromVector({1.0, -2.0, 0.5}, {3});
  Tolerances tol{1e-4, 1e-6, Tensor(), Tensor(), {}};
  Tensor norm = ErrorNormTensor(e, Tensor(), z, z, tol);
  norm.backward();
  const double n = norm.item();
  const std::vector<double> g = ToVector(e.grad());
  const double zv[] = {1.0, -2.0, 0.5};
  for (int i = 0; i < 3; ++i) {
    const double s = 1e-6 + 1e-4 * std::abs(zv[i]);
    EXPECT_NEAR(g[i], ev[i] / (s * s * 3 * n), 1e-9 * std::abs(ev[i] / (s * s * 3 * n)));
  }
}

TEST(ErrorNormTest, AllFinite) {
  EXPECT_TRUE(AllFinite(FromVector({1.0, -2.0}, {2})));
  EXPECT_FALSE(AllFinite(FromVector({1.0, std::nan("")}, {2})));
  EXPECT_FALSE(AllFinite(FromVector({-INFINITY}, {1}).to(DType::kFloat32)));
}

TEST(ErrorNormTest, FiniteStepVerdictIsTheNormOrNaN) {
  const Tensor e = FromVector({1e-6, -2e-6}, {2});
  const Tensor z = FromVector({1.0, -3.0}, {2});
  const Tensor zn = FromVector({2.0, -1.0}, {2});
  Tolerances tol{1e-3, 1e-6, Tensor(), Tensor(), {}};
  EXPECT_EQ(ErrorNormOfFiniteStep(e, Tensor(), z, zn, tol), ErrorNorm(e, Tensor(), z, zn, tol));
  // z_new not finite: the scale is inf and the norm alone would say 0 (or NaN).
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {inf, -inf, std::nan("")}) {
    const Tensor zb = FromVector({2.0, bad}, {2});
    EXPECT_TRUE(std::isnan(ErrorNormOfFiniteStep(e, Tensor(), z, zb, tol))) << bad;
  }
  EXPECT_TRUE(std::isnan(
      ErrorNormOfFiniteStep(FromVector({std::nan(""), 0.0}, {2}), Tensor(), z, zn, tol)));
}

TEST(ErrorNormTest, BlockNormIsTheLargestCountedBlockRms) {
  // Note [Block error norms]: z = 0 (so the scale is atol = 1), error = [3, 4 | 12 | 0, 0, 1].
  const Tensor z = Zeros({6});
  const Tensor e = FromVector({3.0, 4.0, 12.0, 0.0, 0.0, 1.0}, {6});
  Tolerances tol{0.0, 1.0, Tensor(), Tensor(), {}};
  const double rms_all = std::sqrt((9.0 + 16.0 + 144.0 + 1.0) / 6.0);
  EXPECT_DOUBLE_EQ(ErrorNorm(e, Tensor(), z, z, tol), rms_all);
  // Block RMS: sqrt(25 / 2), 12, sqrt(1 / 3).
  tol.blocks = {{2, true}, {1, true}, {3, true}};
  EXPECT_DOUBLE_EQ(ErrorNorm(e, Tensor(), z, z, tol), 12.0);
  tol.blocks = {{2, true}, {1, false}, {3, true}};  // a seminorm: the 12 is ignored
  EXPECT_DOUBLE_EQ(ErrorNorm(e, Tensor(), z, z, tol), std::sqrt(12.5));
  tol.blocks = {{2, false}, {1, false}, {3, true}};
  EXPECT_DOUBLE_EQ(ErrorNorm(e, Tensor(), z, z, tol), std::sqrt(1.0 / 3.0));
  // Float32 states take the same path.
  EXPECT_NEAR(
      ErrorNorm(e.to(DType::kFloat32), Tensor(), z.to(DType::kFloat32), z.to(DType::kFloat32), tol),
      std::sqrt(1.0 / 3.0), 1e-7);
  // The blocks must cover the state, count somewhere, and take scalar tolerances.
  tol.blocks = {{2, true}, {3, true}};
  EXPECT_THROW(ErrorNorm(e, Tensor(), z, z, tol), ValueError);
  EXPECT_THAT(std::string(tol.Validate(z).message()), HasSubstr("cover 5 elements"));
  tol.blocks = {{6, false}};
  EXPECT_THAT(std::string(tol.Validate(z).message()), HasSubstr("no norm block counts"));
  tol.blocks = {{6, true}};
  tol.atol_tensor = FromVector({1.0}, {1});
  EXPECT_THAT(std::string(tol.Validate(z).message()), HasSubstr("scalar tolerances only"));
}

TEST(TolerancesTest, Validate) {
  const Tensor z = Zeros({3});
  EXPECT_TRUE((Tolerances{1e-6, 1e-9, Tensor(), Tensor(), {}}).Validate(z).ok());
  absl::Status s = Tolerances{-1, 1e-9, Tensor(), Tensor(), {}}.Validate(z);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("rtol = -1"));
  s = Tolerances{1e-6, std::numeric_limits<double>::infinity(), Tensor(), Tensor(), {}}.Validate(z);
  EXPECT_THAT(std::string(s.message()), HasSubstr("atol = inf"));
  s = Tolerances{0, 0, Tensor(), Tensor(), {}}.Validate(z);
  EXPECT_THAT(std::string(s.message()), HasSubstr("at least one tolerance"));
  Tolerances t;
  t.atol_tensor = FromVector({1e-6, std::nan(""), 1e-6}, {3});
  s = t.Validate(z);
  EXPECT_THAT(std::string(s.message()), HasSubstr("atol_tensor contains nan"));
}

}  // namespace
}  // namespace solvers
}  // namespace acaode
