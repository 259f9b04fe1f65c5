// Element types, devices and shapes of tensors.
//
//   Shape s = {2, 3};
//   ShapeToString(s);            // "[2, 3]"
//   DTypeSize(DType::kFloat32);  // 4
//   DTypeOf<double>();           // DType::kFloat64
#ifndef ACAODE_AUTOGRAD_DTYPE_H_
#define ACAODE_AUTOGRAD_DTYPE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace acaode {

enum class DType { kFloat32, kFloat64 };

// Where a tensor's storage lives. Only kCpu has kernels today; kCuda is the
// seam for the CUDA backend (see autograd/dispatch.h, CheckCpu).
enum class Device { kCpu, kCuda };

// Sizes of each dimension, outermost first (row-major). {} is a 0-d scalar.
using Shape = std::vector<int64_t>;

// "[2, 3]"; "[]" for a 0-d shape.
std::string ShapeToString(const Shape& shape);

// Product of the sizes (1 for a 0-d shape).
int64_t NumelOf(const Shape& shape);

// Bytes per element: 4 for kFloat32, 8 for kFloat64.
size_t DTypeSize(DType dtype);

// "float32" / "float64".
const char* DTypeName(DType dtype);

// "cpu" / "cuda".
const char* DeviceName(Device device);

// The DType of a C++ element type (float or double).
template <class T>
constexpr DType DTypeOf();
template <>
constexpr DType DTypeOf<float>() {
  return DType::kFloat32;
}
template <>
constexpr DType DTypeOf<double>() {
  return DType::kFloat64;
}

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_DTYPE_H_
