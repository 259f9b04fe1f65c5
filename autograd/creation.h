// Creating tensors: constants, host data, ranges and seeded random numbers.
//
//   Tensor z = Zeros({2, 3});                       // float64 by default
//   Tensor x = FromVector({1, 2, 3, 4}, {2, 2}, DType::kFloat32);
//   Tensor t = Linspace(0.0, 1.0, 11, DType::kFloat64);
//   Generator gen(42);
//   Tensor w = RandNormal({64, 64}, 0.0, 0.1, gen, DType::kFloat32);
//   std::vector<double> v = ToVector(x);            // {1, 2, 3, 4}
//
// All creation functions return leaves that do not require grad. They throw
// ValueError for a negative size or bad argument (message names the
// function and the argument).
#ifndef ACAODE_AUTOGRAD_CREATION_H_
#define ACAODE_AUTOGRAD_CREATION_H_

#include <cstdint>
#include <vector>

#include "autograd/dtype.h"
#include "autograd/tensor.h"

namespace acaode {

Tensor Zeros(const Shape& shape, DType dtype = DType::kFloat64);
Tensor Ones(const Shape& shape, DType dtype = DType::kFloat64);
Tensor Full(const Shape& shape, double value, DType dtype = DType::kFloat64);
// Same shape, dtype and device as t.
Tensor ZerosLike(const Tensor& t);
Tensor OnesLike(const Tensor& t);
Tensor FullLike(const Tensor& t, double value);

// Copies `values` (row-major) into a new tensor; values.size() must equal
// NumelOf(shape) (else ValueError).
Tensor FromVector(const std::vector<double>& values, const Shape& shape,
                  DType dtype = DType::kFloat64);
// Copies NumelOf(shape) elements from host memory; the dtype follows the
// pointer type.
Tensor FromData(const float* data, const Shape& shape);
Tensor FromData(const double* data, const Shape& shape);
// A 0-d tensor.
Tensor Scalar(double value, DType dtype = DType::kFloat64);
// All elements, row-major, as double.
std::vector<double> ToVector(const Tensor& t);

// start, start + step, ... while < end (> end for a negative step), like
// NumPy's arange: n = ceil((end - start) / step). ValueError if step == 0.
Tensor Arange(double start, double end, double step = 1.0, DType dtype = DType::kFloat64);
// n points from a to b inclusive (n >= 1; n == 1 gives {a}); the last point
// is exactly b. ValueError if n < 1.
Tensor Linspace(double a, double b, int64_t n, DType dtype = DType::kFloat64);

// A reproducible random number generator: the same seed gives the same
// sequence on every run and platform (own xoshiro256** seeded by
// splitmix64; normals by Box-Muller from our own uniforms, computed in
// double, so a float32 tensor holds the float64 values rounded).
class Generator {
 public:
  explicit Generator(uint64_t seed);

  // Next raw 64-bit output of xoshiro256**.
  uint64_t NextU64();
  // Uniform on [0, 1) with 53 random bits.
  double NextUniform();
  // Standard normal (Box-Muller; the second value of each pair is cached).
  double NextNormal();

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  uint64_t s_[4];
  bool has_cached_normal_ = false;
  double cached_normal_ = 0.0;
};

// Uniform on [lo, hi) (ValueError unless lo < hi).
Tensor RandUniform(const Shape& shape, double lo, double hi, Generator& gen,
                   DType dtype = DType::kFloat64);
// Normal with the given mean and standard deviation (std >= 0).
Tensor RandNormal(const Shape& shape, double mean, double std, Generator& gen,
                  DType dtype = DType::kFloat64);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CREATION_H_
