// Elementwise ops. Each op: forward kernel, then (when recording) its
// backward with the derivative as a one-line comment. See "How to add an
// op" in autograd/ops.h.
#include "autograd/ops/elementwise.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "autograd/cpu/elementwise.h"
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

namespace {
// Note [Unary ops]: a unary op is its CUDA kernels (forward and derivative), its CPU
// forward, its CPU derivative, and the tensor its derivative reads (x, or y saved
// detached). RunUnary holds the device seam and the recording for all of them, so that
// each op below is its math only and the CPU and the CUDA derivative read the same saved
// tensor by construction. (Neg and the ops with a scalar differentiate through other ops.)
struct UnarySpec {
  const char* name;           // the op, for errors
  const char* backward_name;  // its node (a string literal, as Record requires)
  cuda::UnaryOp cuda_forward;
  cuda::UnaryGradOp cuda_grad;
  bool grad_reads_output;  // the derivative reads y (else x)
};

// cpu_forward(x) -> y and cpu_grad(g, saved) -> dx on CPU tensors; p: the op's scalars.
template <class CpuForward, class CpuGrad>
Tensor RunUnary(const UnarySpec& op, const Tensor& x, cuda::UnaryParams p, CpuForward&& cpu_forward,
                CpuGrad&& cpu_grad) {
  CheckUnary(op.name, x);
  Tensor y = IsCuda(x) ? cuda::Unary(op.cuda_forward, x, p) : cpu_forward(x);
  if (NeedsGrad(x)) {
    Tensor saved = op.grad_reads_output ? y.detach() : x;
    Record(op.backward_name, {x}, {y},
           [grad_op = op.cuda_grad, p, saved = std::move(saved), cpu_grad](const Grads& g) {
             return Grads{IsCuda(g[0]) ? cuda::UnaryGrad(grad_op, g[0], saved, p)
                                       : cpu_grad(g[0], saved)};
           });
  }
  return y;
}

constexpr bool kReadsX = false, kReadsY = true;
}  // namespace

Tensor Pow(const Tensor& x, double p) {
  // d x^p = p x^(p-1) dx
  return RunUnary(
      {"Pow", "PowBackward", cuda::UnaryOp::kPow, cuda::UnaryGradOp::kPow, kReadsX}, x, {p, 0.0},
      [p](const Tensor& v) {
        return cpu::Map(v, [p](auto e) {
          using T = decltype(e);
          return static_cast<T>(std::pow(e, static_cast<T>(p)));
        });
      },
      [p](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [p](auto gv, auto xv) {
          using T = decltype(gv);
          if (p == 0.0) return T(0);
          return gv * static_cast<T>(p) * static_cast<T>(std::pow(xv, static_cast<T>(p - 1)));
        });
      });
}

Tensor Exp(const Tensor& x) {
  // d exp(x) = exp(x) dx
  return RunUnary(
      {"Exp", "ExpBackward", cuda::UnaryOp::kExp, cuda::UnaryGradOp::kExp, kReadsY}, x, {},
      [](const Tensor& v) { return cpu::MapArray(v, [](const auto& a) { return a.exp(); }); },
      [](const Tensor& g, const Tensor& y) {
        return cpu::Map2(g, y, [](auto gv, auto yv) { return gv * yv; });
      });
}

Tensor Log(const Tensor& x) {
  // d log(x) = dx / x
  return RunUnary(
      {"Log", "LogBackward", cuda::UnaryOp::kLog, cuda::UnaryGradOp::kLog, kReadsX}, x, {},
      [](const Tensor& v) { return cpu::MapArray(v, [](const auto& a) { return a.log(); }); },
      [](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [](auto gv, auto xv) { return gv / xv; });
      });
}

Tensor Sqrt(const Tensor& x) {
  // d sqrt(x) = dx / (2 sqrt(x))
  return RunUnary(
      {"Sqrt", "SqrtBackward", cuda::UnaryOp::kSqrt, cuda::UnaryGradOp::kSqrt, kReadsY}, x, {},
      [](const Tensor& v) { return cpu::MapArray(v, [](const auto& a) { return a.sqrt(); }); },
      [](const Tensor& g, const Tensor& y) {
        return cpu::Map2(g, y, [](auto gv, auto yv) { return gv / (yv + yv); });
      });
}

Tensor Abs(const Tensor& x) {
  // d |x| = sign(x) dx
  return RunUnary(
      {"Abs", "AbsBackward", cuda::UnaryOp::kAbs, cuda::UnaryGradOp::kAbs, kReadsX}, x, {},
      [](const Tensor& v) { return cpu::Map(v, [](auto e) { return std::abs(e); }); },
      [](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [](auto gv, auto xv) {
          using T = decltype(gv);
          return xv > T(0) ? gv : (xv < T(0) ? -gv : T(0));
        });
      });
}

Tensor Square(const Tensor& x) {
  // d x^2 = 2 x dx
  return RunUnary(
      {"Square", "SquareBackward", cuda::UnaryOp::kSquare, cuda::UnaryGradOp::kSquare, kReadsX}, x,
      {}, [](const Tensor& v) { return cpu::Map(v, [](auto e) { return e * e; }); },
      [](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [](auto gv, auto xv) { return (gv + gv) * xv; });
      });
}

Tensor Tanh(const Tensor& x) {
  // d tanh(x) = (1 - tanh(x)^2) dx; both through the vectorised kernels (Note [Vectorised
  // tanh]).
  return RunUnary(
      {"Tanh", "TanhBackward", cuda::UnaryOp::kTanh, cuda::UnaryGradOp::kTanh, kReadsY}, x, {},
      [](const Tensor& v) { return cpu::Tanh(v); },
      [](const Tensor& g, const Tensor& y) { return cpu::TanhGrad(g, y); });
}

Tensor Sigmoid(const Tensor& x) {
  // d sigmoid(x) = s (1 - s) dx
  return RunUnary(
      {"Sigmoid", "SigmoidBackward", cuda::UnaryOp::kSigmoid, cuda::UnaryGradOp::kSigmoid, kReadsY},
      x, {},
      [](const Tensor& v) {
        return cpu::Map(v, [](auto e) {
          using T = decltype(e);
          // Stable for both signs: never exponentiates a large positive number.
          if (e >= T(0)) return T(1) / (T(1) + std::exp(-e));
          const T ex = std::exp(e);
          return ex / (T(1) + ex);
        });
      },
      [](const Tensor& g, const Tensor& y) {
        return cpu::Map2(g, y, [](auto gv, auto yv) {
          using T = decltype(gv);
          return gv * yv * (T(1) - yv);
        });
      });
}

Tensor Relu(const Tensor& x) {
  // d relu(x) = [x > 0] dx
  return RunUnary(
      {"Relu", "ReluBackward", cuda::UnaryOp::kRelu, cuda::UnaryGradOp::kRelu, kReadsY}, x, {},
      [](const Tensor& v) {
        return cpu::Map(v, [](auto e) {
          using T = decltype(e);
          return e > T(0) ? e : T(0);
        });
      },
      [](const Tensor& g, const Tensor& y) { return cpu::ReluGrad(g, y); });
}

Tensor Softplus(const Tensor& x) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|); d softplus(x) = sigmoid(x) dx
  return RunUnary(
      {"Softplus", "SoftplusBackward", cuda::UnaryOp::kSoftplus, cuda::UnaryGradOp::kSoftplus,
       kReadsX},
      x, {},
      [](const Tensor& v) {
        return cpu::Map(v, [](auto e) {
          using T = decltype(e);
          return (e > T(0) ? e : T(0)) + std::log1p(std::exp(-std::abs(e)));
        });
      },
      [](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [](auto gv, auto xv) {
          using T = decltype(gv);
          const T s =
              xv >= T(0) ? T(1) / (T(1) + std::exp(-xv)) : std::exp(xv) / (T(1) + std::exp(xv));
          return gv * s;
        });
      });
}

Tensor Sin(const Tensor& x) {
  // d sin(x) = cos(x) dx
  return RunUnary(
      {"Sin", "SinBackward", cuda::UnaryOp::kSin, cuda::UnaryGradOp::kSin, kReadsX}, x, {},
      [](const Tensor& v) { return cpu::MapArray(v, [](const auto& a) { return a.sin(); }); },
      [](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [](auto gv, auto xv) { return gv * std::cos(xv); });
      });
}

Tensor Cos(const Tensor& x) {
  // d cos(x) = -sin(x) dx
  return RunUnary(
      {"Cos", "CosBackward", cuda::UnaryOp::kCos, cuda::UnaryGradOp::kCos, kReadsX}, x, {},
      [](const Tensor& v) { return cpu::MapArray(v, [](const auto& a) { return a.cos(); }); },
      [](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [](auto gv, auto xv) { return -gv * std::sin(xv); });
      });
}

Tensor Clamp(const Tensor& x, double lo, double hi) {
  if (lo > hi) {
    throw ValueError("Clamp: lo must be <= hi, got lo=" + std::to_string(lo) +
                     ", hi=" + std::to_string(hi));
  }
  // d clamp(x) = [lo <= x <= hi] dx
  return RunUnary(
      {"Clamp", "ClampBackward", cuda::UnaryOp::kClamp, cuda::UnaryGradOp::kClamp, kReadsX}, x,
      {lo, hi},
      [lo, hi](const Tensor& v) {
        return cpu::Map(v, [lo, hi](auto e) {
          using T = decltype(e);
          return std::min(std::max(e, static_cast<T>(lo)), static_cast<T>(hi));
        });
      },
      [lo, hi](const Tensor& g, const Tensor& xs) {
        return cpu::Map2(g, xs, [lo, hi](auto gv, auto xv) {
          using T = decltype(gv);
          return (xv >= static_cast<T>(lo) && xv <= static_cast<T>(hi)) ? gv : T(0);
        });
      });
}

}  // namespace acaode
