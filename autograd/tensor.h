// Tensor: an n-dimensional array with reverse-mode automatic differentiation.
//
// A Tensor is a cheap-to-copy handle (a shared_ptr to a TensorImpl). Its data
// is contiguous row-major, `numel()` elements of `dtype()` starting at an
// offset into a refcounted Storage; views (reshape, operator[], slice along
// dim 0, detach) share the storage with their base, so writing through one is
// visible in the other.
//
//   Tensor w = RandNormal({3, 2}, 0.0, 1.0, gen).set_requires_grad(true);
//   Tensor x = FromVector({1, 2, 3, 4, 5, 6}, {2, 3});
//   Tensor loss = Sum(Square(MatMul(x, w)));
//   loss.backward();
//   const Tensor& g = w.grad();   // dloss/dw, shape [3, 2]
//
// Autograd: a tensor produced by an op while grad mode is on (grad_mode.h)
// and any input requires grad carries `grad_fn()`, the node that computes
// the gradients of its inputs (function.h). Leaves are tensors without
// grad_fn; backward() accumulates (+=) into the `grad()` of leaves that
// require grad. Higher-order gradients are not supported: backward runs with
// grad mode off, so gradients never carry a graph themselves.
//
// Thread safety: distinct tensors may be used from distinct threads; one
// tensor (or graph) must not be mutated or backpropagated concurrently.
#ifndef ACAODE_AUTOGRAD_TENSOR_H_
#define ACAODE_AUTOGRAD_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "autograd/dtype.h"
#include "autograd/error.h"
#include "autograd/storage.h"

namespace acaode {

class Node;
class TensorImpl;

class Tensor {
 public:
  // An undefined tensor (no data); defined() is false. Used for "no
  // gradient" (= zero) in backward functions.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }

  // --- metadata (all require defined(); they do not check) ---
  inline const Shape& shape() const;
  inline int64_t dim() const;
  inline int64_t numel() const;
  // Size of dimension d; negative d counts from the end. ValueError if out of
  // range.
  int64_t size(int64_t d) const;
  inline DType dtype() const;
  inline Device device() const;
  // numel() * DTypeSize(dtype()).
  inline size_t nbytes() const;

  // --- data ---
  // Pointer to the first element. ValueError if T does not match dtype().
  template <class T>
  T* data();
  template <class T>
  const T* data() const;
  // Writable pointer through a const handle (the handle is const, not the
  // data); for kernels writing outputs and in-place updates.
  template <class T>
  T* mutable_data() const;
  inline void* raw_data() const;
  // The single element as double. ValueError unless numel() == 1.
  double item() const;

  // --- autograd ---
  inline bool requires_grad() const;
  // Marks a leaf as requiring grad (or not). ValueError on a non-leaf.
  Tensor& set_requires_grad(bool requires_grad);
  // The accumulated gradient; undefined until a backward reaches this leaf.
  inline const Tensor& grad() const;
  // Replaces the gradient (e.g. by an optimizer or a test); `grad` must be
  // undefined or have this tensor's shape and dtype (else ValueError).
  void set_grad(const Tensor& grad);
  // Resets the gradient to undefined (the next backward writes it afresh).
  void zero_grad();
  // True for tensors without grad_fn (created by the user or under no-grad).
  inline bool is_leaf() const;
  // The node that produced this tensor (null for leaves).
  inline const std::shared_ptr<Node>& grad_fn() const;
  // Which output of grad_fn() this tensor is.
  inline uint32_t output_nr() const;
  // Back-propagates from this tensor: accumulates d(this)/d(leaf) . grad_output
  // into every reachable leaf that requires grad. grad_output may be omitted
  // only for a one-element tensor (it is then 1); otherwise ValueError. It
  // must have this tensor's shape and dtype. Without retain_graph the saved
  // tensors of the traversed nodes are released, and a second backward
  // through them throws RuntimeError. ValueError if this tensor does not
  // require grad.
  void backward(const Tensor& grad_output = Tensor(), bool retain_graph = false) const;

  // --- copies and views ---
  // A view sharing storage, without grad_fn and not requiring grad.
  Tensor detach() const;
  // A copy with its own storage (differentiable).
  Tensor clone() const;
  // A copy converted to `dtype` (differentiable); returns *this if equal.
  Tensor to(DType dtype) const;
  // A copy on `device` (differentiable); returns *this if equal. Uses the
  // copy a backend installed with RegisterDeviceCopy (allocator.h);
  // RuntimeError when none is installed (a build without CUDA).
  Tensor to(Device device) const;
  // Same data with a new shape (one entry may be -1 = inferred); shares
  // storage; differentiable. ValueError if the element counts differ.
  Tensor reshape(Shape shape) const;
  // Selects index i along dim 0 (negative counts from the end); the result
  // has dim() - 1 dimensions, shares storage and is differentiable.
  Tensor operator[](int64_t i) const;
  // Elements [start, end) along `dim` (negative values count from the end;
  // need 0 <= start <= end <= size(dim) after that, else ValueError).
  // Differentiable. Shares storage when the slice is contiguous (dim 0, or
  // all dims before `dim` have size 1); otherwise copies.
  Tensor slice(int64_t dim, int64_t start, int64_t end) const;

  // --- identity ---
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  // Same TensorImpl (not merely equal values).
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  // A short human-readable description with values (debugging).
  std::string ToString() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

// The state behind a Tensor handle. Ops and backends use it directly; user
// code goes through Tensor.
class TensorImpl {
 public:
  // A tensor of `shape` viewing `storage` from element `offset` on; the
  // storage must hold at least offset + NumelOf(shape) elements.
  TensorImpl(std::shared_ptr<Storage> storage, int64_t offset, Shape shape, DType dtype);

  const std::shared_ptr<Storage>& storage() const { return storage_; }
  int64_t offset() const { return offset_; }
  void* data() const { return data_; }
  const Shape& shape() const { return shape_; }
  int64_t numel() const { return numel_; }
  DType dtype() const { return dtype_; }
  Device device() const { return storage_->device(); }

  bool requires_grad() const { return requires_grad_; }
  void set_requires_grad(bool r) { requires_grad_ = r; }
  const Tensor& grad() const { return grad_; }
  Tensor& mutable_grad() { return grad_; }
  const std::shared_ptr<Node>& grad_fn() const { return grad_fn_; }
  uint32_t output_nr() const { return output_nr_; }
  // Makes this tensor output `output_nr` of `node` and marks it as requiring
  // grad (used by function.h when recording).
  // Points this tensor at `storage` from element `offset` on (same shape and
  // dtype), e.g. to move a module's parameters between devices in place:
  // every handle of this tensor sees the new data; views of the old storage
  // keep the old one. Not for tensors with a graph.
  void ReplaceStorage(std::shared_ptr<Storage> storage, int64_t offset);
  void set_grad_fn(std::shared_ptr<Node> node, uint32_t output_nr) {
    grad_fn_ = std::move(node);
    output_nr_ = output_nr;
    requires_grad_ = true;
  }

 private:
  std::shared_ptr<Storage> storage_;
  int64_t offset_;
  void* data_;  // storage_->data() + offset_ elements
  Shape shape_;
  int64_t numel_;
  DType dtype_;
  bool requires_grad_ = false;
  uint32_t output_nr_ = 0;
  Tensor grad_;
  std::shared_ptr<Node> grad_fn_;
};

// An uninitialised contiguous tensor from the device's caching allocator.
Tensor Empty(const Shape& shape, DType dtype = DType::kFloat64, Device device = Device::kCpu);

// ---------------------------------------------------------------------------
// Inline definitions.

const Shape& Tensor::shape() const { return impl_->shape(); }
int64_t Tensor::dim() const { return static_cast<int64_t>(impl_->shape().size()); }
int64_t Tensor::numel() const { return impl_->numel(); }
DType Tensor::dtype() const { return impl_->dtype(); }
Device Tensor::device() const { return impl_->device(); }
size_t Tensor::nbytes() const {
  return static_cast<size_t>(impl_->numel()) * DTypeSize(impl_->dtype());
}
void* Tensor::raw_data() const { return impl_->data(); }
bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad(); }
const Tensor& Tensor::grad() const { return impl_->grad(); }
bool Tensor::is_leaf() const { return impl_->grad_fn() == nullptr; }
const std::shared_ptr<Node>& Tensor::grad_fn() const { return impl_->grad_fn(); }
uint32_t Tensor::output_nr() const { return impl_->output_nr(); }

namespace internal {
// Throws ValueError("<what>: tensor has dtype X, accessed as Y").
[[noreturn]] void ThrowDTypeMismatch(const Tensor& t, DType requested);
[[noreturn]] void ThrowUndefined(const char* what);
// A dim index normalised for `ndim` dims (negative counts from the end); ValueError
// "<op>: dim d out of range for a tensor with n dims" otherwise.
int64_t NormalizeDim(int64_t d, int64_t ndim, const char* op);
}  // namespace internal

template <class T>
T* Tensor::data() {
  if (!impl_) internal::ThrowUndefined("Tensor::data");
  if (impl_->dtype() != DTypeOf<T>()) {
    internal::ThrowDTypeMismatch(*this, DTypeOf<T>());
  }
  return static_cast<T*>(impl_->data());
}

template <class T>
const T* Tensor::data() const {
  if (!impl_) internal::ThrowUndefined("Tensor::data");
  if (impl_->dtype() != DTypeOf<T>()) {
    internal::ThrowDTypeMismatch(*this, DTypeOf<T>());
  }
  return static_cast<const T*>(impl_->data());
}

template <class T>
T* Tensor::mutable_data() const {
  if (!impl_) internal::ThrowUndefined("Tensor::mutable_data");
  if (impl_->dtype() != DTypeOf<T>()) {
    internal::ThrowDTypeMismatch(*this, DTypeOf<T>());
  }
  return static_cast<T*>(impl_->data());
}

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_TENSOR_H_
