#include "autograd/tensor.h"

#include <cstring>
#include <iomanip>
#include <sstream>
#include <string>
#include <utility>

#include "autograd/core_kernels.h"
#include "autograd/cpu/copy.h"
#include "autograd/dispatch.h"
#include "autograd/engine.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"

namespace acaode {

TensorImpl::TensorImpl(std::shared_ptr<Storage> storage, int64_t offset, Shape shape, DType dtype)
    : storage_(std::move(storage)),
      offset_(offset),
      data_(static_cast<char*>(storage_->data()) + static_cast<size_t>(offset) * DTypeSize(dtype)),
      shape_(std::move(shape)),
      numel_(NumelOf(shape_)),
      dtype_(dtype) {}

namespace internal {

void ThrowDTypeMismatch(const Tensor& t, DType requested) {
  throw ValueError(std::string("Tensor::data: tensor has dtype ") + DTypeName(t.dtype()) +
                   ", accessed as " + DTypeName(requested));
}

void ThrowUndefined(const char* what) {
  throw ValueError(std::string(what) + ": tensor is undefined");
}

void ThrowNotCpu(const char* op, const Tensor& t) {
  throw RuntimeError(std::string(op) + ": " + DeviceName(t.device()) +
                     " tensors are not supported yet (only cpu kernels are "
                     "built); move the tensor with .to(Device::kCpu)");
}

void ThrowUndefinedArg(const char* op, const char* arg) {
  throw ValueError(std::string(op) + ": " + arg + " is undefined");
}

int64_t NormalizeDim(int64_t d, int64_t ndim, const char* op) {
  const int64_t r = d < 0 ? d + ndim : d;
  if (r < 0 || r >= ndim) {
    throw ValueError(std::string(op) + ": dim " + std::to_string(d) +
                     " out of range for a tensor with " + std::to_string(ndim) + " dims");
  }
  return r;
}

}  // namespace internal

namespace {

void CheckDefined(const Tensor& t, const char* what) {
  if (!t.defined()) internal::ThrowUndefined(what);
}

using internal::NormalizeDim;

// A tensor viewing t's storage at element `offset` (relative to t's data)
// with `shape`; no autograd.
Tensor View(const Tensor& t, int64_t offset, Shape shape) {
  return Tensor(std::make_shared<TensorImpl>(t.impl()->storage(), t.impl()->offset() + offset,
                                             std::move(shape), t.dtype()));
}

int64_t ProductOf(const Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

// Zeros of `shape` with g's dtype, then g copied into the block
// [start, start + len) of dim `dim` of it: the adjoint of slicing.
Tensor SliceScatter(const Tensor& g, const Shape& shape, int64_t dim, int64_t start) {
  Tensor out = Empty(shape, g.dtype(), g.device());
  const int64_t outer = ProductOf(shape, 0, static_cast<size_t>(dim));
  const int64_t inner = ProductOf(shape, static_cast<size_t>(dim) + 1, shape.size());
  const int64_t len = g.numel() / std::max<int64_t>(outer * inner, 1);
  fill_kernel(g.device(), g.dtype(), out.numel(), 0.0, out.raw_data());
  copy_blocks_kernel(g.device(), g.dtype(), g.raw_data(),
                     static_cast<char*>(out.raw_data()) + start * inner * DTypeSize(g.dtype()),
                     outer, len * inner, shape[dim] * inner, len * inner);
  return out;
}

}  // namespace

Tensor Empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t d : shape) {
    if (d < 0) {
      throw ValueError("Empty: negative size in shape " + ShapeToString(shape));
    }
  }
  const int64_t n = NumelOf(shape);
  auto storage = Storage::Allocate(static_cast<size_t>(n) * DTypeSize(dtype), device);
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), 0, shape, dtype));
}

int64_t Tensor::size(int64_t d) const {
  CheckDefined(*this, "Tensor::size");
  return shape()[NormalizeDim(d, dim(), "Tensor::size")];
}

double Tensor::item() const {
  CheckDefined(*this, "Tensor::item");
  if (numel() != 1) {
    throw ValueError("Tensor::item: tensor of shape " + ShapeToString(shape()) + " has " +
                     std::to_string(numel()) + " elements, need exactly 1");
  }
  if (device() != Device::kCpu) {
    double v = 0.0;
    float f = 0.0f;
    void* dst = dtype() == DType::kFloat64 ? static_cast<void*>(&v) : static_cast<void*>(&f);
    GetDeviceCopy()(dst, Device::kCpu, raw_data(), device(), nbytes());
    return dtype() == DType::kFloat64 ? v : static_cast<double>(f);
  }
  return DispatchFloat(dtype(), [&](auto tag) {
    using T = decltype(tag);
    return static_cast<double>(*data<T>());
  });
}

Tensor& Tensor::set_requires_grad(bool requires_grad) {
  CheckDefined(*this, "Tensor::set_requires_grad");
  if (!is_leaf()) {
    throw ValueError(
        "Tensor::set_requires_grad: only leaves can be changed; this tensor "
        "was computed by " +
        grad_fn()->name() + " (use detach() to make a leaf)");
  }
  impl_->set_requires_grad(requires_grad);
  return *this;
}

void Tensor::set_grad(const Tensor& grad) {
  CheckDefined(*this, "Tensor::set_grad");
  if (grad.defined() && (grad.shape() != shape() || grad.dtype() != dtype())) {
    throw ValueError("Tensor::set_grad: gradient of shape " + ShapeToString(grad.shape()) +
                     " and dtype " + DTypeName(grad.dtype()) + " for a tensor of shape " +
                     ShapeToString(shape()) + " and dtype " + DTypeName(dtype()));
  }
  impl_->mutable_grad() = grad;
}

void Tensor::zero_grad() {
  CheckDefined(*this, "Tensor::zero_grad");
  impl_->mutable_grad() = Tensor();
}

void Tensor::backward(const Tensor& grad_output, bool retain_graph) const {
  CheckDefined(*this, "Tensor::backward");
  RunBackward({*this}, {grad_output}, retain_graph);
}

void TensorImpl::ReplaceStorage(std::shared_ptr<Storage> storage, int64_t offset) {
  storage_ = std::move(storage);
  offset_ = offset;
  data_ = static_cast<char*>(storage_->data()) + offset * static_cast<int64_t>(DTypeSize(dtype_));
}

Tensor Tensor::detach() const {
  CheckDefined(*this, "Tensor::detach");
  return View(*this, 0, shape());
}

Tensor Tensor::clone() const {
  CheckDefined(*this, "Tensor::clone");
  Tensor out = Empty(shape(), dtype(), device());
  if (device() != Device::kCpu) {
    if (nbytes() > 0) GetDeviceCopy()(out.raw_data(), device(), raw_data(), device(), nbytes());
  } else {
    std::memcpy(out.raw_data(), raw_data(), nbytes());
  }
  // d clone(x) = dx
  if (NeedsGrad(*this)) {
    Record("CloneBackward", {*this}, {out}, [](const Grads& g) { return Grads{g[0]}; });
  }
  return out;
}

Tensor Tensor::to(DType dtype) const {
  CheckDefined(*this, "Tensor::to");
  if (dtype == this->dtype()) return *this;
  Tensor out = Empty(shape(), dtype, device());
  cast_kernel(device(), this->dtype(), dtype, numel(), raw_data(), out.raw_data());
  // d cast(x) = cast back(dx)
  if (NeedsGrad(*this)) {
    Record("ToBackward", {*this}, {out},
           [src = this->dtype()](const Grads& g) { return Grads{g[0].to(src)}; });
  }
  return out;
}

Tensor Tensor::to(Device device) const {
  CheckDefined(*this, "Tensor::to");
  if (device == this->device()) return *this;
  const DeviceCopyFn copy = GetDeviceCopy();
  if (copy == nullptr) {
    throw RuntimeError(std::string("Tensor::to: cannot move a tensor to ") + DeviceName(device) +
                       ": this build has no CUDA backend");
  }
  Tensor out = Empty(shape(), dtype(), device);
  if (nbytes() > 0) copy(out.raw_data(), device, raw_data(), this->device(), nbytes());
  // d to(x, device) = to(dx, original device)
  if (NeedsGrad(*this)) {
    Record("ToDeviceBackward", {*this}, {out},
           [src = this->device()](const Grads& g) { return Grads{g[0].to(src)}; });
  }
  return out;
}

Tensor Tensor::reshape(Shape new_shape) const {
  CheckDefined(*this, "Tensor::reshape");
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < new_shape.size(); ++i) {
    if (new_shape[i] == -1) {
      if (infer >= 0) {
        throw ValueError("Reshape: more than one -1 in shape " + ShapeToString(new_shape));
      }
      infer = static_cast<int>(i);
    } else if (new_shape[i] < 0) {
      throw ValueError("Reshape: negative size in shape " + ShapeToString(new_shape));
    } else {
      known *= new_shape[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel() % known != 0) {
      throw ValueError("Reshape: cannot reshape a tensor of shape " + ShapeToString(shape()) +
                       " to " + ShapeToString(new_shape));
    }
    new_shape[infer] = numel() / known;
  } else if (known != numel()) {
    throw ValueError("Reshape: cannot reshape a tensor of shape " + ShapeToString(shape()) + " (" +
                     std::to_string(numel()) + " elements) to " + ShapeToString(new_shape));
  }
  Tensor out = View(*this, 0, std::move(new_shape));
  // d reshape(x) = reshape back(dx)
  if (NeedsGrad(*this)) {
    Record("ReshapeBackward", {*this}, {out},
           [in_shape = shape()](const Grads& g) { return Grads{g[0].reshape(in_shape)}; });
  }
  return out;
}

Tensor Tensor::operator[](int64_t i) const {
  CheckDefined(*this, "Tensor::operator[]");
  if (dim() == 0) {
    throw ValueError("Tensor::operator[]: cannot index a 0-d tensor");
  }
  const int64_t n = shape()[0];
  const int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) {
    throw ValueError("Tensor::operator[]: index " + std::to_string(i) +
                     " out of range for dim 0 of size " + std::to_string(n) + " (shape " +
                     ShapeToString(shape()) + ")");
  }
  Shape out_shape(shape().begin() + 1, shape().end());
  const int64_t inner = NumelOf(out_shape);
  Tensor out = View(*this, j * inner, std::move(out_shape));
  // d x[j] = dx restricted to row j; adjoint: scatter into zeros
  if (NeedsGrad(*this)) {
    Record("SelectBackward", {*this}, {out}, [in_shape = shape(), j](const Grads& g) {
      return Grads{SliceScatter(g[0], in_shape, 0, j)};
    });
  }
  return out;
}

Tensor Tensor::slice(int64_t d, int64_t start, int64_t end) const {
  CheckDefined(*this, "Slice");
  const int64_t dd = NormalizeDim(d, dim(), "Slice");
  const int64_t n = shape()[dd];
  const int64_t s = start < 0 ? start + n : start;
  const int64_t e = end < 0 ? end + n : end;
  if (s < 0 || e < s || e > n) {
    throw ValueError("Slice: range [" + std::to_string(start) + ", " + std::to_string(end) +
                     ") invalid for dim " + std::to_string(d) + " of size " + std::to_string(n) +
                     " (shape " + ShapeToString(shape()) + ")");
  }
  Shape out_shape = shape();
  out_shape[dd] = e - s;
  const int64_t outer = ProductOf(shape(), 0, static_cast<size_t>(dd));
  const int64_t inner = ProductOf(shape(), static_cast<size_t>(dd) + 1, shape().size());
  Tensor out;
  if (outer == 1) {
    out = View(*this, s * inner, std::move(out_shape));
  } else {
    out = Empty(out_shape, dtype(), device());
    copy_blocks_kernel(device(), dtype(),
                       static_cast<const char*>(raw_data()) + s * inner * DTypeSize(dtype()),
                       out.raw_data(), outer, n * inner, (e - s) * inner, (e - s) * inner);
  }
  // d slice(x) = dx restricted to the block; adjoint: scatter into zeros
  if (NeedsGrad(*this)) {
    Record("SliceBackward", {*this}, {out}, [in_shape = shape(), dd, s](const Grads& g) {
      return Grads{SliceScatter(g[0], in_shape, dd, s)};
    });
  }
  return out;
}

std::string Tensor::ToString() const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream os;
  os << "Tensor(shape=" << ShapeToString(shape()) << ", dtype=" << DTypeName(dtype())
     << ", device=" << DeviceName(device());
  if (requires_grad()) os << ", requires_grad";
  if (grad_fn()) os << ", grad_fn=" << grad_fn()->name();
  if (device() == Device::kCpu) {
    os << ", values=[" << std::setprecision(6);
    const int64_t shown = std::min<int64_t>(numel(), 20);
    DispatchFloat(dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* p = data<T>();
      for (int64_t i = 0; i < shown; ++i) os << (i ? ", " : "") << p[i];
    });
    if (shown < numel()) os << ", ...";
    os << "]";
  }
  os << ")";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.ToString(); }

}  // namespace acaode
