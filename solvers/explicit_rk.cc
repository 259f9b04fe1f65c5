#include "solvers/explicit_rk.h"

#include <optional>
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
  StepImpl(f, t, t + h, z, h, nullptr, k1, out, compute_error);
}

void ExplicitRk::StepTo(const DynamicsFn& f, double t0, double t1, const Tensor& z,
                        const Tensor& k1, RkStep* out, bool compute_error) {
  StepImpl(f, t0, t1, z, t1 - t0, nullptr, k1, out, compute_error);
}

void ExplicitRk::Step(const DynamicsFn& f, double t, const Tensor& z, const Tensor& h,
                      const Tensor& k1, RkStep* out, bool compute_error) {
  const double h_value = h.item();
  StepImpl(f, t, t + h_value, z, h_value, &h, k1, out, compute_error);
}

Tensor ExplicitRk::Increment(const Tensor& base, const double* w, double h, const Tensor* h_taped,
                             const std::vector<Tensor>& k, int n) {
  if (h_taped == nullptr) return Combine(base, w, h, k, n);
  // h taped: h ⊙ (Σ_j w_j k_j), so that the result is differentiable with respect to h.
  const Tensor scaled = Mul(*h_taped, Combine(Tensor(), w, 1.0, k, n));
  return base.defined() ? Add(base, scaled) : scaled;
}

void ExplicitRk::StepImpl(const DynamicsFn& f, double t, double t_end, const Tensor& z, double h,
                          const Tensor* h_taped, const Tensor& k1, RkStep* out,
                          bool compute_error) {
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
    Tensor zi = Increment(z, tab.a[i], h, h_taped, out->k, i);
    // FSAL: the last stage's input is exactly z + h Σ b_j k_j (same coefficients).
    if (fsal && i == s - 1) {
      out->z_new = zi;
      if (fsal_stage_on_leaf_ && h_taped == nullptr) {  // Note [Taped steps from a leaf]
        zi = zi.detach();
        zi.set_requires_grad(true);
        out->z_new_leaf = zi;
      }
    }
    // Note [Step end time]: c_i = 1 stages at exactly t_end (a taped h: at t + c_i h).
    const double ti = tab.c[i] == 1.0 && h_taped == nullptr ? t_end : t + tab.c[i] * h;
    out->k.push_back(f(ti, zi));
    ++out->f_evals;
  }
  if (!fsal) out->z_new = Increment(z, tab.b, h, h_taped, out->k, s);
  if (compute_error && tab.embedded()) {
    // error = h Σ b_error_i k_i (no base: avoids a zeros tensor and cancellation). With a
    // double h it only steers the (double) step size and is not taped; with a taped h the
    // naive method differentiates the step-size search through it.
    std::optional<NoGradGuard> untaped;
    if (h_taped == nullptr) untaped.emplace();
    out->error = Increment(Tensor(), tab.b_error, h, h_taped, out->k, s);
    if (tab.has_secondary_error()) {
      out->error_secondary = Increment(Tensor(), tab.b_error_secondary, h, h_taped, out->k, s);
    }
  }
}

}  // namespace solvers
}  // namespace acaode
