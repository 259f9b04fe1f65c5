// Analytic oracles for the gradient tests of tests/aca: dz/dt = A z, whose solution is
// z(t) = expm(A (t − t0)) z0, and the gradients of L = Σ_k <w_k, z(t_k)> with respect to z0
// and A, through the Fréchet derivative of expm computed by the block-matrix identity
//   expm([[X, E], [0, X]]) = [[expm(X), L(X, E)], [0, expm(X)]]
// (Higham, Functions of Matrices, 2008, Thm. 3.6), with Eigen's MatrixFunctions.
//
//   LinearOracle o(A, ts);
//   o.Z(z0)          // the exact states at ts
//   o.GradZ0(z0, w)  // dL/dz0,  o.GradA(z0, w): dL/dA
#ifndef ACAODE_TESTS_ACA_LINEAR_ORACLE_H_
#define ACAODE_TESTS_ACA_LINEAR_ORACLE_H_

#include <Eigen/Dense>
#include <unsupported/Eigen/MatrixFunctions>
#include <vector>

namespace acaode {
namespace aca {
namespace testing {

// L(X, E): the Fréchet derivative of expm at X in direction E.
inline Eigen::MatrixXd ExpmFrechet(const Eigen::MatrixXd& x, const Eigen::MatrixXd& e) {
  const Eigen::Index n = x.rows();
  Eigen::MatrixXd block = Eigen::MatrixXd::Zero(2 * n, 2 * n);
  block.topLeftCorner(n, n) = x;
  block.bottomRightCorner(n, n) = x;
  block.topRightCorner(n, n) = e;
  const Eigen::MatrixXd big = block.exp();
  return big.topRightCorner(n, n);
}

// States are rows: z0 is [B, D] (one initial state per row), w[k] is [B, D].
class LinearOracle {
 public:
  LinearOracle(Eigen::MatrixXd a, std::vector<double> ts) : a_(std::move(a)), ts_(std::move(ts)) {}

  // z(ts[k]) for every k: each row b of z0 maps to expm(A τ) z0_b, τ = ts[k] − ts[0].
  std::vector<Eigen::MatrixXd> Z(const Eigen::MatrixXd& z0) const {
    std::vector<Eigen::MatrixXd> out;
    for (double t : ts_) {
      const Eigen::MatrixXd m = (a_ * (t - ts_[0])).exp();
      out.push_back(z0 * m.transpose());
    }
    return out;
  }

  // dL/dz0 = Σ_k w_k expm(A τ_k)  (row form of expm(A τ)ᵀ w).
  Eigen::MatrixXd GradZ0(const std::vector<Eigen::MatrixXd>& w) const {
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(w[0].rows(), w[0].cols());
    for (size_t k = 0; k < ts_.size(); ++k) {
      g += w[k] * (a_ * (ts_[k] - ts_[0])).exp();
    }
    return g;
  }

  // dL/dA_ij = Σ_k Σ_b w_kbᵀ L(A τ_k, τ_k E_ij) z0_b.
  Eigen::MatrixXd GradA(const Eigen::MatrixXd& z0, const std::vector<Eigen::MatrixXd>& w) const {
    const Eigen::Index d = a_.rows();
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(d, d);
    for (size_t k = 0; k < ts_.size(); ++k) {
      const double tau = ts_[k] - ts_[0];
      for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) {
          Eigen::MatrixXd e = Eigen::MatrixXd::Zero(d, d);
          e(i, j) = tau;
          const Eigen::MatrixXd l = ExpmFrechet(a_ * tau, e);
          // Σ_b w_b · (L z0_b) = trace(w (z0 Lᵀ)ᵀ) = sum(w ∘ (z0 Lᵀ)).
          g(i, j) += (w[k].array() * (z0 * l.transpose()).array()).sum();
        }
      }
    }
    return g;
  }

 private:
  Eigen::MatrixXd a_;
  std::vector<double> ts_;
};

}  // namespace testing
}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_TESTS_ACA_LINEAR_ORACLE_H_
