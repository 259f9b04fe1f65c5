// Small helpers shared by the tests of tests/aca: Eigen <-> Tensor conversion and the
// relative error of a gradient.
#ifndef ACAODE_TESTS_ACA_TEST_UTIL_H_
#define ACAODE_TESTS_ACA_TEST_UTIL_H_

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "autograd/creation.h"
#include "autograd/tensor.h"

namespace acaode {
namespace aca {
namespace testing {

// A row-major tensor [rows, cols] from an Eigen matrix.
inline Tensor FromEigen(const Eigen::MatrixXd& m, DType dtype = DType::kFloat64) {
  std::vector<double> v;
  v.reserve(m.size());
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) v.push_back(m(i, j));
  }
  return FromVector(v, {m.rows(), m.cols()}, dtype);
}

// An Eigen matrix [rows, cols] from a tensor with rows * cols elements (row-major).
inline Eigen::MatrixXd ToEigen(const Tensor& t, Eigen::Index rows, Eigen::Index cols) {
  const std::vector<double> v = ToVector(t);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < cols; ++j) m(i, j) = v[i * cols + j];
  }
  return m;
}

// ‖a − b‖ / ‖b‖ (Frobenius).
inline double RelErr(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / b.norm();
}

// max_i |a_i − b_i| / max(max_i |b_i|, tiny) over flattened vectors.
inline double MaxRelErr(const std::vector<double>& a, const std::vector<double>& b) {
  double scale = 1e-300, worst = 0;
  for (double x : b) scale = std::max(scale, std::abs(x));
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst / scale;
}

}  // namespace testing
}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_TESTS_ACA_TEST_UTIL_H_
