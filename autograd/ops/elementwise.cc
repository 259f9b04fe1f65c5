// Elementwise ops. Each op: forward kernel, then (when recording) its
// backward with the derivative as a one-line comment. See "How to add an
// op" in autograd/ops.h.
#include "autograd/ops/elementwise.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "autograd/cpu/elementwise.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/cuda/tensor_ops.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/reduce.h"

namespace acaode {

namespace {
bool IsCuda(const Tensor& t) { return t.device() == Device::kCuda; }
// Broadcasting binary op: the CUDA kernel for cuda tensors, else the CPU loop.
template <class F>
Tensor BinaryOnDevice(const char* op, cuda::BinaryOp cop, const Tensor& a, const Tensor& b, F&& f) {
  if (a.defined() && b.defined() && cuda::OnCuda(op, a, b)) {
    if (a.dtype() != b.dtype()) cpu::CheckBinaryArgs(op, a.to(Device::kCpu), b.to(Device::kCpu));
    return cuda::Binary(cop, cuda::ToCuda(a), cuda::ToCuda(b),
                        BroadcastShapes(a.shape(), b.shape(), op));
  }
  return cpu::Broadcast(op, a, b, std::forward<F>(f));
}
}  // namespace

// ---------------------------------------------------------------------------
// Broadcasting helpers.

Shape BroadcastShapes(const Shape& a, const Shape& b, const char* op) {
  const size_t nd = std::max(a.size(), b.size());
  Shape out(nd);
  for (size_t i = 0; i < nd; ++i) {
    const int64_t da = i < nd - a.size() ? 1 : a[i - (nd - a.size())];
    const int64_t db = i < nd - b.size() ? 1 : b[i - (nd - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw ValueError(std::string(op) + ": cannot broadcast shapes " + ShapeToString(a) + " and " +
                       ShapeToString(b));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor SumToShape(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  const int64_t lead = t.dim() - static_cast<int64_t>(shape.size());
  if (lead < 0) {
    throw ValueError("SumToShape: cannot reduce shape " + ShapeToString(t.shape()) + " to " +
                     ShapeToString(shape));
  }
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < t.dim(); ++i) {
    if (i < lead) {
      dims.push_back(i);
      continue;
    }
    const int64_t want = shape[i - lead];
    if (want == t.shape()[i]) continue;
    if (want != 1) {
      throw ValueError("SumToShape: cannot reduce shape " + ShapeToString(t.shape()) + " to " +
                       ShapeToString(shape));
    }
    dims.push_back(i);
  }
  return Sum(t, dims, /*keepdim=*/true).reshape(shape);
}

Tensor BroadcastTo(const Tensor& t, const Shape& shape) {
  if (!t.defined()) internal::ThrowUndefinedArg("BroadcastTo", "tensor");
  if (t.shape() == shape) return t;
  if (BroadcastShapes(t.shape(), shape, "BroadcastTo") != shape) {
    throw ValueError("BroadcastTo: cannot broadcast shape " + ShapeToString(t.shape()) + " to " +
                     ShapeToString(shape));
  }
  Tensor out = IsCuda(t) ? cuda::BroadcastTo(t, shape) : Empty(shape, t.dtype());
  if (!IsCuda(t) && out.numel() > 0) {
    const cpu::BroadcastPlan plan = cpu::MakeBroadcastPlan(t.shape(), shape, shape);
    DispatchFloat(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* po = out.mutable_data<T>();
      // The second operand is the output itself, read but ignored.
      cpu::BroadcastLoop(t.data<T>(), static_cast<const T*>(po), po, plan,
                         [](T x, T) { return x; });
    });
  }
  // d broadcast(x) = sum over the stretched dims of dy
  if (NeedsGrad(t)) {
    Record("BroadcastToBackward", {t}, {out},
           [in_shape = t.shape()](const Grads& g) { return Grads{SumToShape(g[0], in_shape)}; });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Binary ops with broadcasting.

Tensor Add(const Tensor& a, const Tensor& b) {
  Tensor y =
      BinaryOnDevice("Add", cuda::BinaryOp::kAdd, a, b, [](auto p, auto q) { return p + q; });
  // d(a + b) = da + db
  if (NeedsGrad(a, b)) {
    Record("AddBackward", {a, b}, {y}, [sa = a.shape(), sb = b.shape()](const Grads& g) {
      return Grads{SumToShape(g[0], sa), SumToShape(g[0], sb)};
    });
  }
  return y;
}

Tensor Sub(const Tensor& a, const Tensor& b) {
  Tensor y =
      BinaryOnDevice("Sub", cuda::BinaryOp::kSub, a, b, [](auto p, auto q) { return p - q; });
  // d(a - b) = da - db
  if (NeedsGrad(a, b)) {
    Record("SubBackward", {a, b}, {y},
           [sa = a.shape(), sb = b.shape(), need_b = b.requires_grad()](const Grads& g) {
             return Grads{SumToShape(g[0], sa), need_b ? SumToShape(Neg(g[0]), sb) : Tensor()};
           });
  }
  return y;
}

Tensor Mul(const Tensor& a, const Tensor& b) {
  Tensor y =
      BinaryOnDevice("Mul", cuda::BinaryOp::kMul, a, b, [](auto p, auto q) { return p * q; });
  // d(a b) = b da + a db
  if (NeedsGrad(a, b)) {
    Record("MulBackward", {a, b}, {y}, [a, b](const Grads& g) {
      return Grads{a.requires_grad() ? SumToShape(Mul(g[0], b), a.shape()) : Tensor(),
                   b.requires_grad() ? SumToShape(Mul(g[0], a), b.shape()) : Tensor()};
    });
  }
  return y;
}

Tensor Div(const Tensor& a, const Tensor& b) {
  Tensor y =
      BinaryOnDevice("Div", cuda::BinaryOp::kDiv, a, b, [](auto p, auto q) { return p / q; });
  // d(a / b) = da / b - (a / b^2) db = da / b - y db / b
  if (NeedsGrad(a, b)) {
    Record("DivBackward", {a, b}, {y}, [a, b, y = y.detach()](const Grads& g) {
      Tensor ga, gb;
      if (a.requires_grad()) ga = SumToShape(Div(g[0], b), a.shape());
      if (b.requires_grad()) {
        gb = SumToShape(Neg(Div(Mul(g[0], y), b)), b.shape());
      }
      return Grads{ga, gb};
    });
  }
  return y;
}

namespace {

// Shared by Maximum and Minimum: `pick_a` is 1 where a wins, 0 where b
// wins, 1/2 on ties.
Tensor MaxMinBackwardMask(const Tensor& a, const Tensor& b, bool is_max) {
  return BinaryOnDevice("MaximumBackward",
                        is_max ? cuda::BinaryOp::kMaxMask : cuda::BinaryOp::kMinMask, a, b,
                        [is_max](auto p, auto q) {
                          using T = decltype(p);
                          if (p == q) return T(0.5);
                          return ((p > q) == is_max) ? T(1) : T(0);
                        });
}

Tensor MaxMin(const char* name, const Tensor& a, const Tensor& b, bool is_max) {
  Tensor y = is_max ? BinaryOnDevice(name, cuda::BinaryOp::kMaximum, a, b,
                                     [](auto p, auto q) { return p > q ? p : q; })
                    : BinaryOnDevice(name, cuda::BinaryOp::kMinimum, a, b,
                                     [](auto p, auto q) { return p < q ? p : q; });
  // d max(a, b) = [a > b] da + [b > a] db (halves on ties)
  if (NeedsGrad(a, b)) {
    Record(is_max ? "MaximumBackward" : "MinimumBackward", {a, b}, {y},
           [a, b, is_max](const Grads& g) {
             Tensor mask = MaxMinBackwardMask(a, b, is_max);
             Tensor ga, gb;
             if (a.requires_grad()) ga = SumToShape(Mul(g[0], mask), a.shape());
             if (b.requires_grad()) {
               gb = SumToShape(Mul(g[0], Sub(1.0, mask)), b.shape());
             }
             return Grads{ga, gb};
           });
  }
  return y;
}

}  // namespace

Tensor Maximum(const Tensor& a, const Tensor& b) { return MaxMin("Maximum", a, b, true); }
Tensor Minimum(const Tensor& a, const Tensor& b) { return MaxMin("Minimum", a, b, false); }

// ---------------------------------------------------------------------------
// With a scalar.

namespace {
void CheckUnary(const char* op, const Tensor& x) {
  if (!x.defined()) internal::ThrowUndefinedArg(op, "tensor");
}
}  // namespace

Tensor Add(const Tensor& a, double s) {
  CheckUnary("Add", a);
  Tensor y = IsCuda(a) ? cuda::Unary(cuda::UnaryOp::kAddScalar, a, {s, 0.0})
                       : cpu::Map(a, [s](auto v) { return v + static_cast<decltype(v)>(s); });
  // d(a + s) = da
  if (NeedsGrad(a)) {
    Record("AddScalarBackward", {a}, {y}, [](const Grads& g) { return Grads{g[0]}; });
  }
  return y;
}
Tensor Add(double s, const Tensor& b) { return Add(b, s); }

Tensor Sub(const Tensor& a, double s) { return Add(a, -s); }

Tensor Sub(double s, const Tensor& b) {
  CheckUnary("Sub", b);
  Tensor y = IsCuda(b) ? cuda::Unary(cuda::UnaryOp::kRSubScalar, b, {s, 0.0})
                       : cpu::Map(b, [s](auto v) { return static_cast<decltype(v)>(s) - v; });
  // d(s - b) = -db
  if (NeedsGrad(b)) {
    Record("RSubScalarBackward", {b}, {y}, [](const Grads& g) { return Grads{Neg(g[0])}; });
  }
  return y;
}

Tensor Mul(const Tensor& a, double s) {
  CheckUnary("Mul", a);
  Tensor y = IsCuda(a) ? cuda::Unary(cuda::UnaryOp::kMulScalar, a, {s, 0.0})
                       : cpu::Map(a, [s](auto v) { return v * static_cast<decltype(v)>(s); });
  // d(s a) = s da
  if (NeedsGrad(a)) {
    Record("MulScalarBackward", {a}, {y}, [s](const Grads& g) { return Grads{Mul(g[0], s)}; });
  }
  return y;
}
Tensor Mul(double s, const Tensor& b) { return Mul(b, s); }

Tensor Div(const Tensor& a, double s) {
  CheckUnary("Div", a);
  Tensor y = IsCuda(a) ? cuda::Unary(cuda::UnaryOp::kDivScalar, a, {s, 0.0})
                       : cpu::Map(a, [s](auto v) { return v / static_cast<decltype(v)>(s); });
  // d(a / s) = da / s
  if (NeedsGrad(a)) {
    Record("DivScalarBackward", {a}, {y}, [s](const Grads& g) { return Grads{Div(g[0], s)}; });
  }
  return y;
}

Tensor Div(double s, const Tensor& b) {
  CheckUnary("Div", b);
  Tensor y = IsCuda(b) ? cuda::Unary(cuda::UnaryOp::kRDivScalar, b, {s, 0.0})
                       : cpu::Map(b, [s](auto v) { return static_cast<decltype(v)>(s) / v; });
  // d(s / b) = -s / b^2 db
  if (NeedsGrad(b)) {
    Record("RDivScalarBackward", {b}, {y}, [b, s](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kRDivScalar, g[0], b, {s, 0.0})
                                : cpu::Map2(g[0], b, [s](auto gv, auto bv) {
                                    return -static_cast<decltype(gv)>(s) * gv / (bv * bv);
                                  })};
    });
  }
  return y;
}

Tensor operator+(const Tensor& a, const Tensor& b) { return Add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return Sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return Mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return Div(a, b); }
Tensor operator+(const Tensor& a, double b) { return Add(a, b); }
Tensor operator-(const Tensor& a, double b) { return Sub(a, b); }
Tensor operator*(const Tensor& a, double b) { return Mul(a, b); }
Tensor operator/(const Tensor& a, double b) { return Div(a, b); }
Tensor operator+(double a, const Tensor& b) { return Add(a, b); }
Tensor operator-(double a, const Tensor& b) { return Sub(a, b); }
Tensor operator*(double a, const Tensor& b) { return Mul(a, b); }
Tensor operator/(double a, const Tensor& b) { return Div(a, b); }
Tensor operator-(const Tensor& a) { return Neg(a); }

// ---------------------------------------------------------------------------
// Unary ops. Backward formulas are fused into one pass with cpu::Map2 over
// (grad, saved) pairs.

Tensor Neg(const Tensor& x) {
  CheckUnary("Neg", x);
  Tensor y =
      IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kNeg, x, {}) : cpu::Map(x, [](auto v) { return -v; });
  // d(-x) = -dx
  if (NeedsGrad(x)) {
    Record("NegBackward", {x}, {y}, [](const Grads& g) { return Grads{Neg(g[0])}; });
  }
  return y;
}

Tensor Pow(const Tensor& x, double p) {
  CheckUnary("Pow", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kPow, x, {p, 0.0}) : cpu::Map(x, [p](auto v) {
    using T = decltype(v);
    return static_cast<T>(std::pow(v, static_cast<T>(p)));
  });
  // d x^p = p x^(p-1) dx
  if (NeedsGrad(x)) {
    Record("PowBackward", {x}, {y}, [x, p](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kPow, g[0], x, {p, 0.0})
                                : cpu::Map2(g[0], x, [p](auto gv, auto xv) {
                                    using T = decltype(gv);
                                    if (p == 0.0) return T(0);
                                    return gv * static_cast<T>(p) *
                                           static_cast<T>(std::pow(xv, static_cast<T>(p - 1)));
                                  })};
    });
  }
  return y;
}

Tensor Exp(const Tensor& x) {
  CheckUnary("Exp", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kExp, x, {})
                       : cpu::MapArray(x, [](const auto& a) { return a.exp(); });
  // d exp(x) = exp(x) dx
  if (NeedsGrad(x)) {
    Record("ExpBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kExp, g[0], y, {})
                                : cpu::Map2(g[0], y, [](auto gv, auto yv) { return gv * yv; })};
    });
  }
  return y;
}

Tensor Log(const Tensor& x) {
  CheckUnary("Log", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kLog, x, {})
                       : cpu::MapArray(x, [](const auto& a) { return a.log(); });
  // d log(x) = dx / x
  if (NeedsGrad(x)) {
    Record("LogBackward", {x}, {y}, [x](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kLog, g[0], x, {})
                                : cpu::Map2(g[0], x, [](auto gv, auto xv) { return gv / xv; })};
    });
  }
  return y;
}

Tensor Sqrt(const Tensor& x) {
  CheckUnary("Sqrt", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kSqrt, x, {})
                       : cpu::MapArray(x, [](const auto& a) { return a.sqrt(); });
  // d sqrt(x) = dx / (2 sqrt(x))
  if (NeedsGrad(x)) {
    Record("SqrtBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
      return Grads{IsCuda(g[0])
                       ? cuda::UnaryGrad(cuda::UnaryGradOp::kSqrt, g[0], y, {})
                       : cpu::Map2(g[0], y, [](auto gv, auto yv) { return gv / (yv + yv); })};
    });
  }
  return y;
}

Tensor Abs(const Tensor& x) {
  CheckUnary("Abs", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kAbs, x, {})
                       : cpu::Map(x, [](auto v) { return std::abs(v); });
  // d |x| = sign(x) dx
  if (NeedsGrad(x)) {
    Record("AbsBackward", {x}, {y}, [x](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kAbs, g[0], x, {})
                                : cpu::Map2(g[0], x, [](auto gv, auto xv) {
                                    using T = decltype(gv);
                                    return xv > T(0) ? gv : (xv < T(0) ? -gv : T(0));
                                  })};
    });
  }
  return y;
}

Tensor Square(const Tensor& x) {
  CheckUnary("Square", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kSquare, x, {})
                       : cpu::Map(x, [](auto v) { return v * v; });
  // d x^2 = 2 x dx
  if (NeedsGrad(x)) {
    Record("SquareBackward", {x}, {y}, [x](const Grads& g) {
      return Grads{IsCuda(g[0])
                       ? cuda::UnaryGrad(cuda::UnaryGradOp::kSquare, g[0], x, {})
                       : cpu::Map2(g[0], x, [](auto gv, auto xv) { return (gv + gv) * xv; })};
    });
  }
  return y;
}

Tensor Tanh(const Tensor& x) {
  CheckUnary("Tanh", x);
  Tensor y;
  if (IsCuda(x)) {
    y = cuda::Unary(cuda::UnaryOp::kTanh, x, {});
  } else {
    y = Empty(x.shape(), x.dtype());
    DispatchFloat(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* py = y.mutable_data<T>();
      cpu::ParallelFor(x.numel(), cpu::kElementwiseGrain,
                       [&](int64_t b, int64_t e) { cpu::TanhKernel<T>(px + b, py + b, e - b); });
    });
  }
  // d tanh(x) = (1 - tanh(x)^2) dx
  if (NeedsGrad(x)) {
    Record("TanhBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
      if (IsCuda(g[0])) return Grads{cuda::UnaryGrad(cuda::UnaryGradOp::kTanh, g[0], y, {})};
      Tensor dx = Empty(y.shape(), y.dtype());
      DispatchFloat(y.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* pg = g[0].data<T>();
        const T* py = y.data<T>();
        T* pd = dx.mutable_data<T>();
        cpu::ParallelFor(y.numel(), cpu::kElementwiseGrain, [&](int64_t b, int64_t e) {
          cpu::TanhGradKernel<T>(pg + b, py + b, pd + b, e - b);
        });
      });
      return Grads{dx};
    });
  }
  return y;
}

Tensor Sigmoid(const Tensor& x) {
  CheckUnary("Sigmoid", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kSigmoid, x, {}) : cpu::Map(x, [](auto v) {
    using T = decltype(v);
    // Stable for both signs: never exponentiates a large positive number.
    if (v >= T(0)) return T(1) / (T(1) + std::exp(-v));
    const T e = std::exp(v);
    return e / (T(1) + e);
  });
  // d sigmoid(x) = s (1 - s) dx
  if (NeedsGrad(x)) {
    Record("SigmoidBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kSigmoid, g[0], y, {})
                                : cpu::Map2(g[0], y, [](auto gv, auto yv) {
                                    using T = decltype(gv);
                                    return gv * yv * (T(1) - yv);
                                  })};
    });
  }
  return y;
}

Tensor Relu(const Tensor& x) {
  CheckUnary("Relu", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kRelu, x, {}) : cpu::Map(x, [](auto v) {
    using T = decltype(v);
    return v > T(0) ? v : T(0);
  });
  // d relu(x) = [x > 0] dx
  if (NeedsGrad(x)) {
    Record("ReluBackward", {x}, {y}, [y = y.detach()](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kRelu, g[0], y, {})
                                : cpu::ReluGrad(g[0], y)};
    });
  }
  return y;
}

Tensor Softplus(const Tensor& x) {
  CheckUnary("Softplus", x);
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kSoftplus, x, {}) : cpu::Map(x, [](auto v) {
    using T = decltype(v);
    return (v > T(0) ? v : T(0)) + std::log1p(std::exp(-std::abs(v)));
  });
  // d softplus(x) = sigmoid(x) dx
  if (NeedsGrad(x)) {
    Record("SoftplusBackward", {x}, {y}, [x](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kSoftplus, g[0], x, {})
                                : cpu::Map2(g[0], x, [](auto gv, auto xv) {
                                    using T = decltype(gv);
                                    const T s = xv >= T(0) ? T(1) / (T(1) + std::exp(-xv))
                                                           : std::exp(xv) / (T(1) + std::exp(xv));
                                    return gv * s;
                                  })};
    });
  }
  return y;
}

Tensor Sin(const Tensor& x) {
  CheckUnary("Sin", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kSin, x, {})
                       : cpu::MapArray(x, [](const auto& a) { return a.sin(); });
  // d sin(x) = cos(x) dx
  if (NeedsGrad(x)) {
    Record("SinBackward", {x}, {y}, [x](const Grads& g) {
      return Grads{IsCuda(g[0])
                       ? cuda::UnaryGrad(cuda::UnaryGradOp::kSin, g[0], x, {})
                       : cpu::Map2(g[0], x, [](auto gv, auto xv) { return gv * std::cos(xv); })};
    });
  }
  return y;
}

Tensor Cos(const Tensor& x) {
  CheckUnary("Cos", x);
  Tensor y = IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kCos, x, {})
                       : cpu::MapArray(x, [](const auto& a) { return a.cos(); });
  // d cos(x) = -sin(x) dx
  if (NeedsGrad(x)) {
    Record("CosBackward", {x}, {y}, [x](const Grads& g) {
      return Grads{IsCuda(g[0])
                       ? cuda::UnaryGrad(cuda::UnaryGradOp::kCos, g[0], x, {})
                       : cpu::Map2(g[0], x, [](auto gv, auto xv) { return -gv * std::sin(xv); })};
    });
  }
  return y;
}

Tensor Clamp(const Tensor& x, double lo, double hi) {
  CheckUnary("Clamp", x);
  if (lo > hi) {
    throw ValueError("Clamp: lo must be <= hi, got lo=" + std::to_string(lo) +
                     ", hi=" + std::to_string(hi));
  }
  Tensor y =
      IsCuda(x) ? cuda::Unary(cuda::UnaryOp::kClamp, x, {lo, hi}) : cpu::Map(x, [lo, hi](auto v) {
        using T = decltype(v);
        return std::min(std::max(v, static_cast<T>(lo)), static_cast<T>(hi));
      });
  // d clamp(x) = [lo <= x <= hi] dx
  if (NeedsGrad(x)) {
    Record("ClampBackward", {x}, {y}, [x, lo, hi](const Grads& g) {
      return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(cuda::UnaryGradOp::kClamp, g[0], x, {lo, hi})
                                : cpu::Map2(g[0], x, [lo, hi](auto gv, auto xv) {
                                    using T = decltype(gv);
                                    return (xv >= static_cast<T>(lo) && xv <= static_cast<T>(hi))
                                               ? gv
                                               : T(0);
                                  })};
    });
  }
  return y;
}

}  // namespace acaode
