#include "solvers/explicit_rk.h"

#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/linear_combination.h"

namespace acaode {
namespace solvers {

ExplicitRk::ExplicitRk(const ButcherTableau& tableau) : tableau_(&tableau) {
  coeffs_.reserve(kMaxStages);
  terms_.reserve(kMaxStages);
}

Tensor ExplicitRk::Combine(const Tensor& base, const double* w, double scale,
                           const std::vector<Tensor>& k, int n) {
  coeffs_.clear();
  terms_.clear();
  for (int j = 0; j < n; ++j) {
    if (w[j] == 0.0) continue;
    coeffs_.push_back(scale * w[j]);
    terms_.push_back(k[j]);
  }
  if (base.defined()) return LinearCombination(base, coeffs_, terms_);
  // No base: the first term scaled becomes the base of the fused op.
  if (terms_.empty()) return Mul(k[0], 0.0);
  const double c0 = coeffs_.front();
  const Tensor t0 = terms_.front();
  coeffs_.erase(coeffs_.begin());
  terms_.erase(terms_.begin());
  const Tensor first = Mul(t0, c0);
  return terms_.empty() ? first : LinearCombination(first, coeffs_, terms_);
}

void ExplicitRk::Step(const DynamicsFn& f, double t, const Tensor& z, double h, const Tensor& k1,
                      RkStep* out, bool compute_error) {
  StepImpl(f, t, t + h, z, h, k1, out, compute_error);
}

void ExplicitRk::StepTo(const DynamicsFn& f, double t0, double t1, const Tensor& z,
                        const Tensor& k1, RkStep* out, bool compute_error) {
  StepImpl(f, t0, t1, z, t1 - t0, k1, out, compute_error);
}

void ExplicitRk::StepImpl(const DynamicsFn& f, double t, double t_end, const Tensor& z, double h,
                          const Tensor& k1, RkStep* out, bool compute_error) {
  const ButcherTableau& tab = *tableau_;
  const int s = tab.stages;
  const bool fsal = tab.fsal();
  out->k.clear();
  out->f_evals = 0;
  out->error = Tensor();
  out->error_secondary = Tensor();
  out->z_new_leaf = Tensor();
  if (k1.defined()) {
    out->k.push_back(k1);
  } else {
    out->k.push_back(f(t, z));
    ++out->f_evals;
  }
  for (int i = 1; i < s; ++i) {
    // Z_i = z + h Σ_{j<i} a_ij k_j;  k_i = f(t + c_i h, Z_i).
    Tensor zi = Combine(z, tab.a[i], h, out->k, i);
    // FSAL: the last stage's input is exactly z + h Σ b_j k_j (same coefficients).
    if (fsal && i == s - 1) {
      out->z_new = zi;
      if (fsal_stage_on_leaf_) {  // Note [Taped steps from a leaf]
        zi = zi.detach();
        zi.set_requires_grad(true);
        out->z_new_leaf = zi;
      }
    }
    // Note [Step end time]: c_i = 1 stages at exactly t_end.
    out->k.push_back(f(tab.c[i] == 1.0 ? t_end : t + tab.c[i] * h, zi));
    ++out->f_evals;
  }
  if (!fsal) out->z_new = Combine(z, tab.b, h, out->k, s);
  if (compute_error && tab.embedded()) {
    NoGradGuard untaped;  // only steers the (double) step size
    // error = h Σ b_error_i k_i (no base: avoids a zeros tensor and cancellation).
    out->error = Combine(Tensor(), tab.b_error, h, out->k, s);
    if (tab.has_secondary_error()) {
      out->error_secondary = Combine(Tensor(), tab.b_error_secondary, h, out->k, s);
    }
  }
}

void ExplicitRk::Step(const DynamicsFn& f, double t, const Tensor& z, const Tensor& h,
                      const Tensor& k1, RkStep* out, bool compute_error) {
  const ButcherTableau& tab = *tableau_;
  const int s = tab.stages;
  const bool fsal = tab.fsal();
  const double h_value = h.item();
  out->k.clear();
  out->f_evals = 0;
  out->error = Tensor();
  out->error_secondary = Tensor();
  if (k1.defined()) {
    out->k.push_back(k1);
  } else {
    out->k.push_back(f(t, z));
    ++out->f_evals;
  }
  for (int i = 1; i < s; ++i) {
    // Z_i = z + h (Σ_{j<i} a_ij k_j), h taped.
    Tensor zi = Add(z, Mul(h, Combine(Tensor(), tab.a[i], 1.0, out->k, i)));
    if (fsal && i == s - 1) out->z_new = zi;
    out->k.push_back(f(t + tab.c[i] * h_value, zi));
    ++out->f_evals;
  }
  if (!fsal) out->z_new = Add(z, Mul(h, Combine(Tensor(), tab.b, 1.0, out->k, s)));
  if (compute_error && tab.embedded()) {
    out->error = Mul(h, Combine(Tensor(), tab.b_error, 1.0, out->k, s));
    if (tab.has_secondary_error()) {
      out->error_secondary = Mul(h, Combine(Tensor(), tab.b_error_secondary, 1.0, out->k, s));
    }
  }
}

}  // namespace solvers
}  // namespace acaode
