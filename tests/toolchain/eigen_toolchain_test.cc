// Proves the C++ toolchain and Eigen: a GEMM and a linear solve against hand-computed values.
#include <Eigen/Dense>

#include "gtest/gtest.h"

namespace acaode {
namespace {

TEST(EigenToolchainTest, RowMajorGemmAndSolve) {
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Matrix a(2, 3), b(3, 2);
  a << 1, 2, 3, 4, 5, 6;
  b << 7, 8, 9, 10, 11, 12;
  const Matrix c = a * b;  // [[58, 64], [139, 154]]
  EXPECT_DOUBLE_EQ(c(0, 0), 58);
  EXPECT_DOUBLE_EQ(c(0, 1), 64);
  EXPECT_DOUBLE_EQ(c(1, 0), 139);
  EXPECT_DOUBLE_EQ(c(1, 1), 154);
  const Eigen::Vector2d x = c.partialPivLu().solve(Eigen::Vector2d(122, 293));
  EXPECT_NEAR(x(0), 1.0, 1e-12);  // 58 + 64 = 122, 139 + 154 = 293
  EXPECT_NEAR(x(1), 1.0, 1e-12);
}

}  // namespace
}  // namespace acaode
