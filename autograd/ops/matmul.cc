// Matrix products on top of cpu::Gemm. For C = A B:
//   dA = dC B^T,   dB = A^T dC
// (per batch; a right factor shared across the batch gets the sum over it,
// computed as one GEMM on the flattened [B*M, K] left factor).
#include "autograd/ops/matmul.h"

#include <algorithm>
#include <string>

#include "autograd/cpu/elementwise.h"
#include "autograd/cpu/gemm.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/kernels.h"

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

// The sizes of a product of a [..., m, k] and b [k, n] (shared) or [..., k, n].
struct MatMulSizes {
  int64_t batch = 1, m = 0, k = 0, n = 0;
  bool b_shared = false;
};

MatMulSizes SizesOf(const Tensor& a, const Tensor& b) {
  const Shape& sa = a.shape();
  MatMulSizes z;
  z.m = sa[sa.size() - 2];
  z.k = sa[sa.size() - 1];
  z.n = b.shape().back();
  z.b_shared = b.dim() == 2;
  for (size_t i = 0; i + 2 < sa.size(); ++i) z.batch *= sa[i];
  return z;
}

Tensor MatMulCpu(const Tensor& a, const Tensor& b) {
  const MatMulSizes z = SizesOf(a, b);
  Shape out_shape(a.shape().begin(), a.shape().end() - 1);
  out_shape.push_back(z.n);
  Tensor out = Empty(out_shape, a.dtype());
  DispatchFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    BatchedGemm<T>(a.data<T>(), b.data<T>(), out.mutable_data<T>(), z.batch, z.m, z.k, z.n,
                   z.b_shared);
  });
  return out;
}

MatMulGrads MatMulBackwardCpu(const Tensor& a, const Tensor& b, const Tensor& dc, bool need_a,
                              bool need_b) {
  const MatMulSizes z = SizesOf(a, b);
  const int64_t m = z.m, k = z.k, n = z.n;
  MatMulGrads d;
  DispatchFloat(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = dc.data<T>();
    if (need_a) {
      d.da = Empty(a.shape(), a.dtype());
      if (z.b_shared) {
        cpu::Gemm<T>(false, true, z.batch * m, k, n, pg, b.data<T>(), d.da.mutable_data<T>(),
                     false);
      } else {
        for (int64_t i = 0; i < z.batch; ++i) {
          cpu::Gemm<T>(false, true, m, k, n, pg + i * m * n, b.data<T>() + i * k * n,
                       d.da.mutable_data<T>() + i * m * k, false);
        }
      }
    }
    if (need_b) {
      d.db = Empty(b.shape(), b.dtype());
      if (z.b_shared) {
        cpu::Gemm<T>(true, false, k, n, z.batch * m, a.data<T>(), pg, d.db.mutable_data<T>(),
                     false);
      } else {
        for (int64_t i = 0; i < z.batch; ++i) {
          cpu::Gemm<T>(true, false, k, n, m, a.data<T>() + i * m * k, pg + i * m * n,
                       d.db.mutable_data<T>() + i * k * n, false);
        }
      }
    }
  });
  return d;
}

// The core for a.dim() >= 2 and b.dim() >= 2 (1-D cases are reshaped by
// MatMul): leading dims of a are the batch; b is either [k, n] (shared) or
// has a's leading dims.
Tensor MatMulCore(const Tensor& a, const Tensor& b) {
  const Shape& sa = a.shape();
  const Shape& sb = b.shape();
  if (sa.back() != sb[sb.size() - 2]) ThrowShapes(a, b, "inner sizes differ");
  if (b.dim() != 2) {
    if (a.dim() != b.dim() || !std::equal(sa.begin(), sa.end() - 2, sb.begin())) {
      ThrowShapes(a, b, "batch dims differ");
    }
  }
  Tensor out = matmul_kernel(a.device(), a, b);
  // dA = dC B^T, dB = A^T dC
  if (NeedsGrad(a, b)) {
    Record("MatMulBackward", {a, b}, {out}, [a, b](const Grads& g) {
      MatMulGrads d =
          matmul_backward_kernel(g[0].device(), a, b, g[0], a.requires_grad(), b.requires_grad());
      return Grads{d.da, d.db};
    });
  }
  return out;
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, const Tensor&)> matmul_kernel("MatMul", MatMulCpu);
DeviceDispatch<MatMulGrads(const Tensor&, const Tensor&, const Tensor&, bool, bool)>
    matmul_backward_kernel("MatMul backward", MatMulBackwardCpu);

Tensor MatMul(const Tensor& a, const Tensor& b) {
  if (a.defined() && b.defined() && (a.device() != Device::kCpu || b.device() != Device::kCpu)) {
    if (a.device() != b.device()) {
      throw ValueError("MatMul: operands on different devices (cpu and cuda)");
    }
    cpu::CheckSameDType("MatMul", a, b);
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
