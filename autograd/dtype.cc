#include "autograd/dtype.h"

#include <string>

namespace acaode {

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  s += "]";
  return s;
}

int64_t NumelOf(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

size_t DTypeSize(DType dtype) { return dtype == DType::kFloat32 ? sizeof(float) : sizeof(double); }

const char* DTypeName(DType dtype) { return dtype == DType::kFloat32 ? "float32" : "float64"; }

const char* DeviceName(Device device) { return device == Device::kCpu ? "cpu" : "cuda"; }

}  // namespace acaode
