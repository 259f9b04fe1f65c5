// Shape ops. Views (Reshape, Slice along dim 0, Unsqueeze/Squeeze/Flatten)
// are implemented on Tensor in autograd/tensor.cc; the copying ops are here.
#include "autograd/ops/shape.h"

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/core_kernels.h"
#include "autograd/cpu/copy.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/kernels.h"

namespace acaode {
namespace {

using internal::NormalizeDim;

int64_t Prod(const Shape& s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e; ++i) p *= s[i];
  return p;
}

Tensor PermuteCpu(const Tensor& t, const std::vector<int64_t>& perm) {
  Shape out_shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out_shape[i] = t.shape()[perm[i]];
  Tensor out = Empty(out_shape, t.dtype());
  if (out.numel() > 0) {
    DispatchFloat(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      cpu::PermuteCopy(t.data<T>(), out.mutable_data<T>(), t.shape(), perm);
    });
  }
  return out;
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, const std::vector<int64_t>&)> permute_kernel("Permute",
                                                                                  PermuteCpu);

Tensor Reshape(const Tensor& t, const Shape& shape) {
  if (!t.defined()) internal::ThrowUndefinedArg("Reshape", "tensor");
  return t.reshape(shape);
}

Tensor Slice(const Tensor& t, int64_t dim, int64_t start, int64_t end) {
  if (!t.defined()) internal::ThrowUndefinedArg("Slice", "tensor");
  return t.slice(dim, start, end);
}

Tensor Permute(const Tensor& t, const std::vector<int64_t>& dims) {
  if (!t.defined()) internal::ThrowUndefinedArg("Permute", "tensor");
  const int64_t nd = t.dim();
  if (static_cast<int64_t>(dims.size()) != nd) {
    throw ValueError("Permute: " + std::to_string(dims.size()) +
                     " dims given for a tensor of shape " + ShapeToString(t.shape()));
  }
  std::vector<int64_t> perm(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    perm[i] = NormalizeDim(dims[i], nd, "Permute");
    if (seen[perm[i]]) {
      throw ValueError("Permute: dims are not a permutation (repeated dim " +
                       std::to_string(dims[i]) + ")");
    }
    seen[perm[i]] = true;
  }
  Tensor out = permute_kernel(t.device(), t, perm);
  // d permute(x, p) = permute(dy, p^-1)
  if (NeedsGrad(t)) {
    std::vector<int64_t> inverse(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
    Record("PermuteBackward", {t}, {out},
           [inverse](const Grads& g) { return Grads{Permute(g[0], inverse)}; });
  }
  return out;
}

Tensor Transpose(const Tensor& t, int64_t d0, int64_t d1) {
  if (!t.defined()) internal::ThrowUndefinedArg("Transpose", "tensor");
  const int64_t a = NormalizeDim(d0, t.dim(), "Transpose");
  const int64_t b = NormalizeDim(d1, t.dim(), "Transpose");
  std::vector<int64_t> perm(static_cast<size_t>(t.dim()));
  for (int64_t i = 0; i < t.dim(); ++i) perm[i] = i;
  std::swap(perm[a], perm[b]);
  return Permute(t, perm);
}

Tensor IndexSelect(const Tensor& t, int64_t dim, const std::vector<int64_t>& indices) {
  CheckCpu("IndexSelect", t);
  const int64_t d = NormalizeDim(dim, t.dim(), "IndexSelect");
  const int64_t n = t.shape()[d];
  std::vector<int64_t> idx(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    const int64_t j = indices[i] < 0 ? indices[i] + n : indices[i];
    if (j < 0 || j >= n) {
      throw ValueError("IndexSelect: index " + std::to_string(indices[i]) +
                       " out of range for dim " + std::to_string(dim) + " of size " +
                       std::to_string(n) + " (shape " + ShapeToString(t.shape()) + ")");
    }
    idx[i] = j;
  }
  const int64_t outer = Prod(t.shape(), 0, d);
  const int64_t inner = Prod(t.shape(), d + 1, t.shape().size());
  const int64_t k = static_cast<int64_t>(idx.size());
  Shape out_shape = t.shape();
  out_shape[d] = k;
  Tensor out = Empty(out_shape, t.dtype());
  DispatchFloat(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = t.data<T>();
    T* dst = out.mutable_data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < k; ++i) {
        std::memcpy(dst + (o * k + i) * inner, src + (o * n + idx[i]) * inner,
                    static_cast<size_t>(inner) * sizeof(T));
      }
    }
  });
  // d x[idx] = scatter-add of dy into the selected rows
  if (NeedsGrad(t)) {
    Record("IndexSelectBackward", {t}, {out},
           [in_shape = t.shape(), idx, outer, inner, n, k](const Grads& g) {
             Tensor gx = Empty(in_shape, g[0].dtype());
             std::memset(gx.raw_data(), 0, gx.nbytes());
             DispatchFloat(g[0].dtype(), [&](auto tag) {
               using T = decltype(tag);
               const T* pg = g[0].data<T>();
               T* px = gx.mutable_data<T>();
               for (int64_t o = 0; o < outer; ++o) {
                 for (int64_t i = 0; i < k; ++i) {
                   T* row = px + (o * n + idx[i]) * inner;
                   const T* gr = pg + (o * k + i) * inner;
                   for (int64_t j = 0; j < inner; ++j) row[j] += gr[j];
                 }
               }
             });
             return Grads{gx};
           });
  }
  return out;
}

Tensor Concat(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ValueError("Concat: no tensors given");
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined()) {
      throw ValueError("Concat: tensor " + std::to_string(i) + " is undefined");
    }
    if (tensors[i].device() != tensors[0].device()) {
      throw ValueError("Concat: tensor " + std::to_string(i) + " is on " +
                       DeviceName(tensors[i].device()) + ", tensor 0 on " +
                       DeviceName(tensors[0].device()));
    }
  }
  const Tensor& first = tensors[0];
  const int64_t d = NormalizeDim(dim, first.dim(), "Concat");
  Shape out_shape = first.shape();
  out_shape[d] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    bool ok = t.dim() == first.dim() && t.dtype() == first.dtype();
    for (int64_t j = 0; ok && j < t.dim(); ++j) {
      ok = j == d || t.shape()[j] == first.shape()[j];
    }
    if (!ok) {
      throw ValueError("Concat: tensor " + std::to_string(i) + " (" + DTypeName(t.dtype()) + " " +
                       ShapeToString(t.shape()) + ") does not match tensor 0 (" +
                       DTypeName(first.dtype()) + " " + ShapeToString(first.shape()) +
                       ") outside dim " + std::to_string(dim));
    }
    out_shape[d] += t.shape()[d];
  }
  const int64_t outer = Prod(out_shape, 0, d);
  const int64_t inner = Prod(out_shape, d + 1, out_shape.size());
  const int64_t total = out_shape[d];
  Tensor out = Empty(out_shape, first.dtype(), first.device());
  std::vector<int64_t> sizes;
  const size_t es = DTypeSize(first.dtype());
  int64_t at = 0;
  for (const Tensor& t : tensors) {
    const int64_t len = t.shape()[d];
    sizes.push_back(len);
    copy_blocks_kernel(first.device(), first.dtype(), t.raw_data(),
                       static_cast<char*>(out.raw_data()) + at * inner * es, outer, len * inner,
                       total * inner, len * inner);
    at += len;
  }
  // d concat(x_i) = the matching block of dy for each x_i
  if (NeedsGrad(tensors)) {
    std::vector<bool> needs;
    for (const Tensor& t : tensors) needs.push_back(t.requires_grad());
    auto node = std::make_shared<LambdaNode<std::function<Grads(const Grads&)>>>(
        "ConcatBackward", [sizes, d, needs](const Grads& g) {
          Grads out;
          int64_t at = 0;
          for (size_t i = 0; i < sizes.size(); ++i) {
            out.push_back(needs[i] ? g[0].slice(d, at, at + sizes[i]) : Tensor());
            at += sizes[i];
          }
          return out;
        });
    out = ApplyFunction(node, tensors, {out})[0];
  }
  return out;
}

Tensor Unsqueeze(const Tensor& t, int64_t dim) {
  if (!t.defined()) internal::ThrowUndefinedArg("Unsqueeze", "tensor");
  const int64_t d = NormalizeDim(dim, t.dim() + 1, "Unsqueeze");
  Shape s = t.shape();
  s.insert(s.begin() + d, 1);
  return t.reshape(s);
}

Tensor Squeeze(const Tensor& t, int64_t dim) {
  if (!t.defined()) internal::ThrowUndefinedArg("Squeeze", "tensor");
  const int64_t d = NormalizeDim(dim, t.dim(), "Squeeze");
  if (t.shape()[d] != 1) {
    throw ValueError("Squeeze: dim " + std::to_string(dim) + " of shape " +
                     ShapeToString(t.shape()) + " has size " + std::to_string(t.shape()[d]) +
                     ", not 1");
  }
  Shape s = t.shape();
  s.erase(s.begin() + d);
  return t.reshape(s);
}

Tensor Flatten(const Tensor& t, int64_t start_dim) {
  if (!t.defined()) internal::ThrowUndefinedArg("Flatten", "tensor");
  if (t.dim() == 0) return t.reshape({1});
  const int64_t d = NormalizeDim(start_dim, t.dim(), "Flatten");
  Shape s(t.shape().begin(), t.shape().begin() + d);
  s.push_back(Prod(t.shape(), d, t.shape().size()));
  return t.reshape(s);
}

Tensor Stack(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ValueError("Stack: no tensors given");
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined()) {
      throw ValueError("Stack: tensor " + std::to_string(i) + " is undefined");
    }
    if (tensors[i].shape() != tensors[0].shape()) {
      throw ValueError("Stack: tensor " + std::to_string(i) + " has shape " +
                       ShapeToString(tensors[i].shape()) + ", tensor 0 has " +
                       ShapeToString(tensors[0].shape()));
    }
  }
  const int64_t d = NormalizeDim(dim, tensors[0].dim() + 1, "Stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (const Tensor& t : tensors) parts.push_back(Unsqueeze(t, d));
  return Concat(parts, d);
}

std::vector<Tensor> Split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t dim) {
  if (!t.defined()) internal::ThrowUndefinedArg("Split", "tensor");
  const int64_t d = NormalizeDim(dim, t.dim(), "Split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw ValueError("Split: negative size " + std::to_string(s));
    total += s;
  }
  if (total != t.shape()[d]) {
    throw ValueError("Split: sizes sum to " + std::to_string(total) + " but dim " +
                     std::to_string(dim) + " of shape " + ShapeToString(t.shape()) + " has size " +
                     std::to_string(t.shape()[d]));
  }
  std::vector<Tensor> out;
  int64_t at = 0;
  for (int64_t s : sizes) {
    out.push_back(t.slice(d, at, at + s));
    at += s;
  }
  return out;
}

}  // namespace acaode
