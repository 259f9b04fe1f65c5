// Matrix products on top of cpu::Gemm. For C = A B:
//   dA = dC B^T,   dB = A^T dC
// (per batch; a right factor shared across the batch gets the sum over it,
// computed as one GEMM on the flattened [B*M, K] left factor).
#include "autograd/ops/matmul.h"

#include <algorithm>
#include <string>

#include "autograd/cpu/elementwise.h"
#include "autograd/cpu/gemm.h"
#include "autograd/cuda/tensor_ops.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"

namespace acaode {
namespace {

[[noreturn]] void ThrowShapes(const Tensor& a, const Tensor& b, const char* why) {
  throw ValueError(std::string("MatMul: ") + why + ": shapes " + ShapeToString(a.shape()) +
                   " and " + ShapeToString(b.shape()));
}

// Batched product of a [batch, m, k] and b [batch, k, n] (or b [k, n] shared
// when b_shared) into out [batch, m, n].
template <class T>
void BatchedGemm(const T* a, const T* b, T* out, int64_t batch, int64_t m, int64_t k, int64_t n,
                 bool b_shared) {
  if (b_shared) {
    cpu::Gemm<T>(false, false, batch * m, n, k, a, b, out, false);
    return;
  }
  for (int64_t i = 0; i < batch; ++i) {
    cpu::Gemm<T>(false, false, m, n, k, a + i * m * k, b + i * k * n, out + i * m * n, false);
  }
}

// The core for a.dim() >= 2 and b.dim() >= 2 (1-D cases are reshaped by
// MatMul): leading dims of a are the batch; b is either [k, n] (shared) or
// has a's leading dims.
Tensor MatMulCore(const Tensor& a, const Tensor& b) {
  const Shape& sa = a.shape();
  const Shape& sb = b.shape();
  const int64_t m = sa[sa.size() - 2], k = sa[sa.size() - 1];
  const int64_t kb = sb[sb.size() - 2], n = sb[sb.size() - 1];
  if (k != kb) ThrowShapes(a, b, "inner sizes differ");
  const bool b_shared = b.dim() == 2;
  if (!b_shared) {
    if (a.dim() != b.dim() || !std::equal(sa.begin(), sa.end() - 2, sb.begin())) {
      ThrowShapes(a, b, "batch dims differ");
    }
  }
  int64_t batch_count = 1;
  for (size_t i = 0; i + 2 < sa.size(); ++i) batch_count *= sa[i];
  Shape out_shape(sa.begin(), sa.end() - 1);
  out_shape.push_back(n);
  const bool on_cuda = a.device() == Device::kCuda;
  Tensor out = on_cuda ? cuda::MatMul(a, b) : Empty(out_shape, a.dtype());
  if (!on_cuda)
    DispatchFloat(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      BatchedGemm<T>(a.data<T>(), b.data<T>(), out.mutable_data<T>(), batch_count, m, k, n,
                     b_shared);
    });
  // dA = dC B^T, dB = A^T dC
  if (NeedsGrad(a, b)) {
    Record("MatMulBackward", {a, b}, {out}, [a, b, m, k, n, batch_count, b_shared](const Grads& g) {
      const Tensor& gc = g[0];
      Tensor ga, gb;
      if (gc.device() == Device::kCuda) {
        auto grads = cuda::MatMulGrads(a, b, gc, a.requires_grad(), b.requires_grad());
        return Grads{grads.first, grads.second};
      }
      DispatchFloat(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* pg = gc.data<T>();
        if (a.requires_grad()) {
          ga = Empty(a.shape(), a.dtype());
          if (b_shared) {
            cpu::Gemm<T>(false, true, batch_count * m, k, n, pg, b.data<T>(), ga.mutable_data<T>(),
                         false);
          } else {
            for (int64_t i = 0; i < batch_count; ++i) {
              cpu::Gemm<T>(false, true, m, k, n, pg + i * m * n, b.data<T>() + i * k * n,
                           ga.mutable_data<T>() + i * m * k, false);
            }
          }
        }
        if (b.requires_grad()) {
          gb = Empty(b.shape(), b.dtype());
          if (b_shared) {
            cpu::Gemm<T>(true, false, k, n, batch_count * m, a.data<T>(), pg, gb.mutable_data<T>(),
                         false);
          } else {
            for (int64_t i = 0; i < batch_count; ++i) {
              cpu::Gemm<T>(true, false, k, n, m, a.data<T>() + i * m * k, pg + i * m * n,
                           gb.mutable_data<T>() + i * k * n, false);
            }
          }
        }
      });
      return Grads{ga, gb};
    });
  }
  return out;
}

}  // namespace

Tensor MatMul(const Tensor& a, const Tensor& b) {
  if (a.defined() && b.defined() && cuda::OnCuda("MatMul", a, b)) {
    if (a.device() != b.device()) {
      throw ValueError("MatMul: operands on different devices (cpu and cuda)");
    }
    if (a.dtype() != b.dtype())
      cpu::CheckBinaryArgs("MatMul", a.to(Device::kCpu), b.to(Device::kCpu));
  } else {
    cpu::CheckBinaryArgs("MatMul", a, b);
  }
  if (a.dim() == 0 || b.dim() == 0) ThrowShapes(a, b, "0-d operand");
  if (a.dim() == 1 && b.dim() == 1) {
    if (a.numel() != b.numel()) ThrowShapes(a, b, "inner sizes differ");
    return MatMulCore(a.reshape({1, a.numel()}), b.reshape({b.numel(), 1})).reshape({});
  }
  if (a.dim() == 1) {
    if (b.dim() != 2) ThrowShapes(a, b, "a 1-D left factor needs a 2-D right");
    return MatMulCore(a.reshape({1, a.numel()}), b).reshape({b.size(1)});
  }
  if (b.dim() == 1) {
    Tensor out = MatMulCore(a, b.reshape({b.numel(), 1}));
    Shape s(a.shape().begin(), a.shape().end() - 1);
    return out.reshape(s);
  }
  if (a.dim() == 2 && b.dim() > 2) {
    ThrowShapes(a, b,
                "a 2-D left factor with a batched right factor is not "
                "supported");
  }
  return MatMulCore(a, b);
}

}  // namespace acaode
