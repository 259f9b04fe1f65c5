#include "solvers/error_norm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "autograd/creation.h"
#include "autograd/dtype.h"
#include "autograd/error.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/reduce.h"

namespace acaode {
namespace solvers {
namespace {

// Whether `t` (a tolerance tensor) broadcasts to z's shape by our fast-path rule: one
// element, or its shape equals z's trailing dimensions (leading 1s allowed).
bool BroadcastsTo(const Tensor& t, const Shape& z_shape) {
  if (t.numel() == 1) return true;
  const Shape& s = t.shape();
  size_t lead = 0;
  while (lead < s.size() && s[lead] == 1 && s.size() - lead > z_shape.size()) ++lead;
  const size_t n = s.size() - lead;
  if (n > z_shape.size()) return false;
  for (size_t i = 0; i < n; ++i) {
    if (s[lead + i] != z_shape[z_shape.size() - n + i]) return false;
  }
  return true;
}

// Element i of a tolerance: the tensor (broadcast by i mod numel) or the scalar.
class TolAccessor {
 public:
  TolAccessor(const Tensor& t, double scalar, const Shape& z_shape) : scalar_(scalar) {
    if (!t.defined()) return;
    if (!BroadcastsTo(t, z_shape)) {
      throw ValueError(absl::StrCat("ErrorNorm: tolerance of shape ", ShapeToString(t.shape()),
                                    " does not broadcast to the state's shape ",
                                    ShapeToString(z_shape)));
    }
    n_ = t.numel();
    if (t.dtype() == DType::kFloat64) {
      d_ = t.data<double>();
    } else {
      f_ = t.data<float>();
    }
  }
  double operator()(int64_t i) const {
    if (d_) return d_[i % n_];
    if (f_) return f_[i % n_];
    return scalar_;
  }

 private:
  double scalar_;
  int64_t n_ = 1;
  const double* d_ = nullptr;
  const float* f_ = nullptr;
};

template <class T>
double NormImpl(const T* e, const T* e2, const T* z, const T* zn, int64_t n,
                const TolAccessor& rtol, const TolAccessor& atol) {
  double s5 = 0, s3 = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double mag =
        zn ? std::max(std::abs(double(z[i])), std::abs(double(zn[i]))) : std::abs(double(z[i]));
    const double scale = atol(i) + rtol(i) * mag;
    const double r = double(e[i]) / scale;
    s5 += r * r;
    if (e2) {
      const double r3 = double(e2[i]) / scale;
      s3 += r3 * r3;
    }
  }
  if (!e2) return std::sqrt(s5 / double(n));
  // Note [DOP853 error norm].
  if (s5 == 0.0 && s3 == 0.0) return 0.0;
  return s5 / std::sqrt(double(n) * (s5 + 0.01 * s3));
}

void CheckSameShape(const Tensor& a, const Tensor& z, const char* name) {
  if (a.shape() != z.shape() || a.dtype() != z.dtype()) {
    throw ValueError(absl::StrCat("ErrorNorm: ", name, " has shape ", ShapeToString(a.shape()),
                                  " and dtype ", DTypeName(a.dtype()), ", expected ",
                                  ShapeToString(z.shape()), " and ", DTypeName(z.dtype())));
  }
}

// Note [Block error norms]: the largest of the counted blocks' norms.
double BlockNorm(const Tensor& e, const Tensor& e2, const Tensor& z, const Tensor& zn,
                 const Tolerances& tol, const TolAccessor& rtol, const TolAccessor& atol) {
  if (tol.rtol_tensor.defined() || tol.atol_tensor.defined()) {
    throw ValueError("ErrorNorm: block norms take scalar tolerances only");
  }
  int64_t total = 0;
  bool any = false;
  for (const NormBlock& b : tol.blocks) {
    if (b.size < 0) throw ValueError(absl::StrCat("ErrorNorm: a block of size ", b.size));
    total += b.size;
    any = any || b.counted;
  }
  if (total != z.numel() || !any) {
    throw ValueError(absl::StrCat("ErrorNorm: the blocks cover ", total, " elements of a state of ",
                                  z.numel(), any ? "" : ", and none of them counts"));
  }
  double worst = 0;
  int64_t offset = 0;
  for (const NormBlock& b : tol.blocks) {
    if (b.counted && b.size > 0) {
      double v;
      if (z.dtype() == DType::kFloat64) {
        v = NormImpl<double>(
            e.data<double>() + offset, e2.defined() ? e2.data<double>() + offset : nullptr,
            z.data<double>() + offset, zn.defined() ? zn.data<double>() + offset : nullptr, b.size,
            rtol, atol);
      } else {
        v = NormImpl<float>(e.data<float>() + offset,
                            e2.defined() ? e2.data<float>() + offset : nullptr,
                            z.data<float>() + offset,
                            zn.defined() ? zn.data<float>() + offset : nullptr, b.size, rtol, atol);
      }
      if (!(v <= worst)) worst = v;  // NaN propagates
    }
    offset += b.size;
  }
  return worst;
}

// Whether a GPU state's norm is the tensor form (ErrorNormTensor, one scalar to the host):
// with z_new, one error estimate, scalar tolerances and no blocks.
bool TensorFormApplies(const Tensor& zn, const Tensor& e2, const Tolerances& tol) {
  return zn.defined() && !e2.defined() && !tol.rtol_tensor.defined() &&
         !tol.atol_tensor.defined() && tol.blocks.empty();
}

double Dispatch(const Tensor& e, const Tensor& e2, const Tensor& z, const Tensor& zn,
                const Tolerances& tol) {
  if (z.defined() && z.device() != Device::kCpu) {
    if (z.numel() == 0) return 0.0;  // as on the CPU (the tensor form would divide by 0)
    // GPU state: one scalar comes back per step attempt where the tensor
    // form applies; otherwise the operands are copied to the host.
    if (TensorFormApplies(zn, e2, tol)) return ErrorNormTensor(e, e2, z, zn, tol).item();
    auto host = [](const Tensor& t) { return t.defined() ? t.to(Device::kCpu) : t; };
    return Dispatch(host(e), host(e2), host(z), host(zn), tol);
  }
  CheckSameShape(e, z, "error");
  if (e2.defined()) CheckSameShape(e2, z, "error_secondary");
  if (zn.defined()) CheckSameShape(zn, z, "z_new");
  const int64_t n = z.numel();
  if (n == 0) return 0.0;
  const TolAccessor rtol(tol.rtol_tensor, tol.rtol, z.shape());
  const TolAccessor atol(tol.atol_tensor, tol.atol, z.shape());
  if (!tol.blocks.empty()) return BlockNorm(e, e2, z, zn, tol, rtol, atol);
  if (z.dtype() == DType::kFloat64) {
    return NormImpl<double>(e.data<double>(), e2.defined() ? e2.data<double>() : nullptr,
                            z.data<double>(), zn.defined() ? zn.data<double>() : nullptr, n, rtol,
                            atol);
  }
  return NormImpl<float>(e.data<float>(), e2.defined() ? e2.data<float>() : nullptr,
                         z.data<float>(), zn.defined() ? zn.data<float>() : nullptr, n, rtol, atol);
}

}  // namespace

absl::Status Tolerances::Validate(const Tensor& z) const {
  auto bad = [](double x) { return !std::isfinite(x) || x < 0; };
  if (bad(rtol)) {
    return absl::InvalidArgumentError(
        absl::StrCat("rtol = ", rtol, " is invalid: it must be finite and >= 0"));
  }
  if (bad(atol)) {
    return absl::InvalidArgumentError(
        absl::StrCat("atol = ", atol, " is invalid: it must be finite and >= 0"));
  }
  const struct {
    const char* name;
    const Tensor& t;
  } tensors[] = {{"rtol_tensor", rtol_tensor}, {"atol_tensor", atol_tensor}};
  for (const auto& item : tensors) {
    if (!item.t.defined()) continue;
    if (z.defined() && !BroadcastsTo(item.t, z.shape())) {
      return absl::InvalidArgumentError(absl::StrCat(
          item.name, " has shape ", ShapeToString(item.t.shape()),
          ", which does not broadcast to the state's shape ", ShapeToString(z.shape())));
    }
    for (double v : ToVector(item.t)) {
      if (bad(v)) {
        return absl::InvalidArgumentError(
            absl::StrCat(item.name, " contains ", v, ": every tolerance must be finite and >= 0"));
      }
    }
  }
  if (!blocks.empty()) {
    int64_t total = 0;
    bool any = false;
    for (const NormBlock& b : blocks) {
      if (b.size < 0) {
        return absl::InvalidArgumentError(absl::StrCat("norm block of size ", b.size));
      }
      total += b.size;
      any = any || b.counted;
    }
    if (!any) return absl::InvalidArgumentError("no norm block counts: the norm would be 0");
    if (z.defined() && total != z.numel()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the norm blocks cover ", total, " elements of a state of ", z.numel()));
    }
    if (rtol_tensor.defined() || atol_tensor.defined()) {
      return absl::InvalidArgumentError("norm blocks take scalar tolerances only");
    }
  }
  if (!rtol_tensor.defined() && !atol_tensor.defined() && rtol == 0 && atol == 0) {
    return absl::InvalidArgumentError(
        "rtol = 0 and atol = 0: at least one tolerance must be positive");
  }
  return absl::OkStatus();
}

double ErrorNorm(const Tensor& error, const Tensor& error_secondary, const Tensor& z,
                 const Tensor& z_new, const Tolerances& tol) {
  return Dispatch(error, error_secondary, z, z_new, tol);
}

double ErrorNormOfFiniteStep(const Tensor& error, const Tensor& error_secondary, const Tensor& z,
                             const Tensor& z_new, const Tolerances& tol) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (z_new.device() != Device::kCpu && z_new.numel() > 0 &&
      TensorFormApplies(z_new, error_secondary, tol)) {
    // 0 · sum(z_new) is NaN exactly when an element of z_new is NaN or ±inf.
    const double v =
        Add(ErrorNormTensor(error, error_secondary, z, z_new, tol), Mul(Sum(z_new), 0.0)).item();
    return std::isfinite(v) ? v : kNaN;
  }
  const double norm = ErrorNorm(error, error_secondary, z, z_new, tol);
  return std::isfinite(norm) && AllFinite(z_new) ? norm : kNaN;
}

double ScaledNorm(const Tensor& x, const Tensor& z, const Tolerances& tol) {
  return Dispatch(x, Tensor(), z, Tensor(), tol);
}

Tensor ErrorNormTensor(const Tensor& error, const Tensor& error_secondary, const Tensor& z,
                       const Tensor& z_new, const Tolerances& tol) {
  const Tensor mag = Maximum(Abs(z), Abs(z_new));
  const Tensor rtol_term =
      tol.rtol_tensor.defined() ? Mul(tol.rtol_tensor, mag) : Mul(mag, tol.rtol);
  const Tensor scale =
      tol.atol_tensor.defined() ? Add(tol.atol_tensor, rtol_term) : Add(rtol_term, tol.atol);
  if (!error_secondary.defined()) return Sqrt(Mean(Square(Div(error, scale))));
  // Note [DOP853 error norm].
  const Tensor s5 = Sum(Square(Div(error, scale)));
  const Tensor s3 = Sum(Square(Div(error_secondary, scale)));
  if (s5.item() == 0.0 && s3.item() == 0.0) return Mul(s5, 0.0);
  const double n = static_cast<double>(z.numel());
  return Div(s5, Sqrt(Mul(Add(s5, Mul(s3, 0.01)), n)));
}

bool AllFinite(const Tensor& t) {
  // inf * 0 and nan * 0 are nan: one scalar tells for a GPU tensor.
  if (t.device() != Device::kCpu) return std::isfinite(Sum(Mul(t, 0.0)).item());
  const int64_t n = t.numel();
  if (t.dtype() == DType::kFloat64) {
    const double* p = t.data<double>();
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(p[i])) return false;
    }
  } else {
    const float* p = t.data<float>();
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(p[i])) return false;
    }
  }
  return true;
}

}  // namespace solvers
}  // namespace acaode
