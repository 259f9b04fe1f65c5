#include "autograd/creation.h"

#include <cmath>
#include <cstring>
#include <string>

#include "autograd/dispatch.h"

namespace acaode {
namespace {

void CheckShape(const Shape& shape, const char* fn) {
  for (int64_t d : shape) {
    if (d < 0) {
      throw ValueError(std::string(fn) + ": negative size in shape " + ShapeToString(shape));
    }
  }
}

// Fills every element of t with gen_value() (called in row-major order,
// always in double so float32 tensors hold the float64 sequence rounded).
template <class G>
void FillWith(const Tensor& t, G&& gen_value) {
  DispatchFloat(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = t.mutable_data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(gen_value(i));
  });
}

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Tensor Full(const Shape& shape, double value, DType dtype) {
  CheckShape(shape, "Full");
  Tensor t = Empty(shape, dtype);
  FillWith(t, [value](int64_t) { return value; });
  return t;
}

Tensor Zeros(const Shape& shape, DType dtype) {
  CheckShape(shape, "Zeros");
  Tensor t = Empty(shape, dtype);
  std::memset(t.raw_data(), 0, t.nbytes());
  return t;
}

Tensor Ones(const Shape& shape, DType dtype) { return Full(shape, 1.0, dtype); }

// The *Like functions build on the host and move the result to t's device (one copy; they
// are not on any hot path).
Tensor ZerosLike(const Tensor& t) {
  if (!t.defined()) internal::ThrowUndefinedArg("ZerosLike", "tensor");
  return Zeros(t.shape(), t.dtype()).to(t.device());
}
Tensor OnesLike(const Tensor& t) {
  if (!t.defined()) internal::ThrowUndefinedArg("OnesLike", "tensor");
  return Ones(t.shape(), t.dtype()).to(t.device());
}
Tensor FullLike(const Tensor& t, double value) {
  if (!t.defined()) internal::ThrowUndefinedArg("FullLike", "tensor");
  return Full(t.shape(), value, t.dtype()).to(t.device());
}

Tensor FromVector(const std::vector<double>& values, const Shape& shape, DType dtype) {
  CheckShape(shape, "FromVector");
  if (static_cast<int64_t>(values.size()) != NumelOf(shape)) {
    throw ValueError("FromVector: " + std::to_string(values.size()) + " values for shape " +
                     ShapeToString(shape) + " (" + std::to_string(NumelOf(shape)) + " elements)");
  }
  Tensor t = Empty(shape, dtype);
  FillWith(t, [&values](int64_t i) { return values[i]; });
  return t;
}

Tensor FromData(const float* data, const Shape& shape) {
  CheckShape(shape, "FromData");
  Tensor t = Empty(shape, DType::kFloat32);
  if (t.numel() > 0) std::memcpy(t.raw_data(), data, t.nbytes());
  return t;
}

Tensor FromData(const double* data, const Shape& shape) {
  CheckShape(shape, "FromData");
  Tensor t = Empty(shape, DType::kFloat64);
  if (t.numel() > 0) std::memcpy(t.raw_data(), data, t.nbytes());
  return t;
}

Tensor Scalar(double value, DType dtype) { return Full({}, value, dtype); }

std::vector<double> ToVector(const Tensor& t) {
  if (t.defined() && t.device() != Device::kCpu) return ToVector(t.to(Device::kCpu));
  CheckCpu("ToVector", t);
  std::vector<double> v(static_cast<size_t>(t.numel()));
  DispatchFloat(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) v[i] = static_cast<double>(p[i]);
  });
  return v;
}

Tensor Arange(double start, double end, double step, DType dtype) {
  if (step == 0.0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(end)) {
    throw ValueError(
        "Arange: need finite start, end and a nonzero step, got "
        "start=" +
        std::to_string(start) + ", end=" + std::to_string(end) + ", step=" + std::to_string(step));
  }
  const double count = std::ceil((end - start) / step);
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  Tensor t = Empty({n}, dtype);
  FillWith(t, [=](int64_t i) { return start + static_cast<double>(i) * step; });
  return t;
}

Tensor Linspace(double a, double b, int64_t n, DType dtype) {
  if (n < 1) {
    throw ValueError("Linspace: n must be >= 1, got " + std::to_string(n));
  }
  Tensor t = Empty({n}, dtype);
  const double h = n > 1 ? (b - a) / static_cast<double>(n - 1) : 0.0;
  FillWith(t, [=](int64_t i) {
    // Exact end points; the second half counted from b for symmetry.
    if (i == n - 1 && n > 1) return b;
    if (2 * i < n) return a + static_cast<double>(i) * h;
    return b - static_cast<double>(n - 1 - i) * h;
  });
  return t;
}

Generator::Generator(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (uint64_t& s : s_) s = SplitMix64(x);
}

uint64_t Generator::NextU64() {
  // xoshiro256** (Blackman & Vigna, 2018).
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Generator::NextUniform() {
  // The top 53 bits as a fraction in [0, 1).
  return static_cast<double>(NextU64() >> 11) * 0x1.0p-53;
}

double Generator::NextNormal() {
  if (has_cached_normal_) {
    has_cached_normal_ = false;
    return cached_normal_;
  }
  // Box-Muller: u1 in (0, 1] so log(u1) is finite.
  const double u1 = 1.0 - NextUniform();
  const double u2 = NextUniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * M_PI * u2;
  cached_normal_ = r * std::sin(theta);
  has_cached_normal_ = true;
  return r * std::cos(theta);
}

Tensor RandUniform(const Shape& shape, double lo, double hi, Generator& gen, DType dtype) {
  CheckShape(shape, "RandUniform");
  if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi)) {
    throw ValueError("RandUniform: need finite lo < hi, got lo=" + std::to_string(lo) +
                     ", hi=" + std::to_string(hi));
  }
  Tensor t = Empty(shape, dtype);
  FillWith(t, [&](int64_t) { return lo + (hi - lo) * gen.NextUniform(); });
  return t;
}

Tensor RandNormal(const Shape& shape, double mean, double std, Generator& gen, DType dtype) {
  CheckShape(shape, "RandNormal");
  if (!(std >= 0.0) || !std::isfinite(std) || !std::isfinite(mean)) {
    throw ValueError("RandNormal: need finite mean and std >= 0, got mean=" + std::to_string(mean) +
                     ", std=" + std::to_string(std));
  }
  Tensor t = Empty(shape, dtype);
  FillWith(t, [&](int64_t) { return mean + std * gen.NextNormal(); });
  return t;
}

}  // namespace acaode
