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
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/kernels.h"
#include "autograd/ops/reduce.h"

namespace acaode {

// ---------------------------------------------------------------------------
// The CPU kernels of the elementwise tables (autograd/ops/kernels.h; Note [Device dispatch]).

namespace {

// y = f(x) for each kind of unary op (autograd/elementwise_op.h).
Tensor UnaryCpu(UnaryOp op, const Tensor& x, UnaryParams p) {
  switch (op) {
    case UnaryOp::kNeg:
      return cpu::Map(x, [](auto v) { return -v; });
    case UnaryOp::kExp:
      return cpu::MapArray(x, [](const auto& a) { return a.exp(); });
    case UnaryOp::kLog:
      return cpu::MapArray(x, [](const auto& a) { return a.log(); });
    case UnaryOp::kSqrt:
      return cpu::MapArray(x, [](const auto& a) { return a.sqrt(); });
    case UnaryOp::kAbs:
      return cpu::Map(x, [](auto e) { return std::abs(e); });
    case UnaryOp::kSquare:
      return cpu::Map(x, [](auto e) { return e * e; });
    case UnaryOp::kTanh:
      return cpu::Tanh(x);  // the vectorised kernels (Note [Vectorised tanh])
    case UnaryOp::kSigmoid:
      return cpu::Map(x, [](auto e) {
        using T = decltype(e);
        // Stable for both signs: never exponentiates a large positive number.
        if (e >= T(0)) return T(1) / (T(1) + std::exp(-e));
        const T ex = std::exp(e);
        return ex / (T(1) + ex);
      });
    case UnaryOp::kRelu:
      return cpu::Map(x, [](auto e) {
        using T = decltype(e);
        return e > T(0) ? e : T(0);
      });
    case UnaryOp::kSoftplus:
      // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
      return cpu::Map(x, [](auto e) {
        using T = decltype(e);
        return (e > T(0) ? e : T(0)) + std::log1p(std::exp(-std::abs(e)));
      });
    case UnaryOp::kSin:
      return cpu::MapArray(x, [](const auto& a) { return a.sin(); });
    case UnaryOp::kCos:
      return cpu::MapArray(x, [](const auto& a) { return a.cos(); });
    case UnaryOp::kPow:
      return cpu::Map(x, [q = p.p0](auto e) {
        using T = decltype(e);
        return static_cast<T>(std::pow(e, static_cast<T>(q)));
      });
    case UnaryOp::kClamp:
      return cpu::Map(x, [lo = p.p0, hi = p.p1](auto e) {
        using T = decltype(e);
        return std::min(std::max(e, static_cast<T>(lo)), static_cast<T>(hi));
      });
    case UnaryOp::kAddScalar:
      return cpu::Map(x, [s = p.p0](auto v) { return v + static_cast<decltype(v)>(s); });
    case UnaryOp::kMulScalar:
      return cpu::Map(x, [s = p.p0](auto v) { return v * static_cast<decltype(v)>(s); });
    case UnaryOp::kDivScalar:
      return cpu::Map(x, [s = p.p0](auto v) { return v / static_cast<decltype(v)>(s); });
    case UnaryOp::kRSubScalar:
      return cpu::Map(x, [s = p.p0](auto v) { return static_cast<decltype(v)>(s) - v; });
    case UnaryOp::kRDivScalar:
      return cpu::Map(x, [s = p.p0](auto v) { return static_cast<decltype(v)>(s) / v; });
    case UnaryOp::kFill:
      break;
  }
  throw RuntimeError("unary op " + std::to_string(static_cast<int>(op)) + " has no CPU kernel");
}

// dx = dy f'(saved), saved being x or y as UnaryGradOp says.
Tensor UnaryGradCpu(UnaryGradOp op, const Tensor& g, const Tensor& saved, UnaryParams p) {
  switch (op) {
    case UnaryGradOp::kPow:
      return cpu::Map2(g, saved, [q = p.p0](auto gv, auto xv) {
        using T = decltype(gv);
        if (q == 0.0) return T(0);
        return gv * static_cast<T>(q) * static_cast<T>(std::pow(xv, static_cast<T>(q - 1)));
      });
    case UnaryGradOp::kExp:
      return cpu::Map2(g, saved, [](auto gv, auto yv) { return gv * yv; });
    case UnaryGradOp::kLog:
      return cpu::Map2(g, saved, [](auto gv, auto xv) { return gv / xv; });
    case UnaryGradOp::kSqrt:
      return cpu::Map2(g, saved, [](auto gv, auto yv) { return gv / (yv + yv); });
    case UnaryGradOp::kAbs:
      return cpu::Map2(g, saved, [](auto gv, auto xv) {
        using T = decltype(gv);
        return xv > T(0) ? gv : (xv < T(0) ? -gv : T(0));
      });
    case UnaryGradOp::kSquare:
      return cpu::Map2(g, saved, [](auto gv, auto xv) { return (gv + gv) * xv; });
    case UnaryGradOp::kTanh:
      return cpu::TanhGrad(g, saved);
    case UnaryGradOp::kSigmoid:
      return cpu::Map2(g, saved, [](auto gv, auto yv) {
        using T = decltype(gv);
        return gv * yv * (T(1) - yv);
      });
    case UnaryGradOp::kRelu:
      return cpu::ReluGrad(g, saved);
    case UnaryGradOp::kSoftplus:
      return cpu::Map2(g, saved, [](auto gv, auto xv) {
        using T = decltype(gv);
        const T s =
            xv >= T(0) ? T(1) / (T(1) + std::exp(-xv)) : std::exp(xv) / (T(1) + std::exp(xv));
        return gv * s;
      });
    case UnaryGradOp::kSin:
      return cpu::Map2(g, saved, [](auto gv, auto xv) { return gv * std::cos(xv); });
    case UnaryGradOp::kCos:
      return cpu::Map2(g, saved, [](auto gv, auto xv) { return -gv * std::sin(xv); });
    case UnaryGradOp::kClamp:
      return cpu::Map2(g, saved, [lo = p.p0, hi = p.p1](auto gv, auto xv) {
        using T = decltype(gv);
        return (xv >= static_cast<T>(lo) && xv <= static_cast<T>(hi)) ? gv : T(0);
      });
    case UnaryGradOp::kRDivScalar:
      return cpu::Map2(g, saved, [s = p.p0](auto gv, auto bv) {
        return -static_cast<decltype(gv)>(s) * gv / (bv * bv);
      });
  }
  throw RuntimeError("unary derivative " + std::to_string(static_cast<int>(op)) +
                     " has no CPU kernel");
}

// out = f(a, b) with NumPy broadcasting to out_shape.
Tensor BinaryCpu(BinaryOp op, const Tensor& a, const Tensor& b, const Shape& out_shape) {
  switch (op) {
    case BinaryOp::kAdd:
      return cpu::Broadcast(a, b, out_shape, [](auto p, auto q) { return p + q; });
    case BinaryOp::kSub:
      return cpu::Broadcast(a, b, out_shape, [](auto p, auto q) { return p - q; });
    case BinaryOp::kMul:
      return cpu::Broadcast(a, b, out_shape, [](auto p, auto q) { return p * q; });
    case BinaryOp::kDiv:
      return cpu::Broadcast(a, b, out_shape, [](auto p, auto q) { return p / q; });
    case BinaryOp::kMaximum:
      return cpu::Broadcast(a, b, out_shape, [](auto p, auto q) { return p > q ? p : q; });
    case BinaryOp::kMinimum:
      return cpu::Broadcast(a, b, out_shape, [](auto p, auto q) { return p < q ? p : q; });
    case BinaryOp::kMaxMask:
    case BinaryOp::kMinMask:
      // 1 where a wins, 0 where b wins, 1/2 on ties
      return cpu::Broadcast(a, b, out_shape, [is_max = op == BinaryOp::kMaxMask](auto p, auto q) {
        using T = decltype(p);
        if (p == q) return T(0.5);
        return ((p > q) == is_max) ? T(1) : T(0);
      });
  }
  throw RuntimeError("binary op " + std::to_string(static_cast<int>(op)) + " has no CPU kernel");
}

Tensor BroadcastToCpu(const Tensor& t, const Shape& shape) {
  Tensor out = Empty(shape, t.dtype());
  if (out.numel() > 0) {
    const cpu::BroadcastPlan plan = cpu::MakeBroadcastPlan(t.shape(), shape, shape);
    DispatchFloat(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* po = out.mutable_data<T>();
      // The second operand is the output itself, read but ignored.
      cpu::BroadcastLoop(t.data<T>(), static_cast<const T*>(po), po, plan,
                         [](T x, T) { return x; });
    });
  }
  return out;
}

// The device a binary op of a and b runs on: theirs, where a one-element CPU operand may
// join an operand on another device (it is moved there). ValueError for any other mix, an
// undefined operand or a dtype mismatch.
Device BinaryDevice(const char* op, const Tensor& a, const Tensor& b) {
  if (!a.defined()) internal::ThrowUndefinedArg(op, "first argument");
  if (!b.defined()) internal::ThrowUndefinedArg(op, "second argument");
  const Device device = a.device() != Device::kCpu ? a.device() : b.device();
  for (const Tensor* t : {&a, &b}) {
    if (t->device() != device && t->numel() != 1) {
      throw ValueError(std::string(op) +
                       ": tensors on different devices (cpu and cuda); move them with "
                       ".to(device) first");
    }
  }
  cpu::CheckSameDType(op, a, b);
  return device;
}

// A broadcasting binary op on the device of its operands.
Tensor BinaryOnDevice(const char* op, BinaryOp kind, const Tensor& a, const Tensor& b) {
  const Device device = BinaryDevice(op, a, b);
  const Shape out_shape =
      a.shape() == b.shape() ? a.shape() : BroadcastShapes(a.shape(), b.shape(), op);
  return binary_kernel(device, kind, a.to(device), b.to(device), out_shape);
}

}  // namespace

DeviceDispatch<Tensor(UnaryOp, const Tensor&, UnaryParams)> unary_kernel("unary op", UnaryCpu);
DeviceDispatch<Tensor(UnaryGradOp, const Tensor&, const Tensor&, UnaryParams)> unary_grad_kernel(
    "unary op backward", UnaryGradCpu);
DeviceDispatch<Tensor(BinaryOp, const Tensor&, const Tensor&, const Shape&)> binary_kernel(
    "binary op", BinaryCpu);
DeviceDispatch<Tensor(const Tensor&, const Shape&)> broadcast_to_kernel("BroadcastTo",
                                                                        BroadcastToCpu);

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
  Tensor out = broadcast_to_kernel(t.device(), t, shape);
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
  Tensor y = BinaryOnDevice("Add", BinaryOp::kAdd, a, b);
  // d(a + b) = da + db
  if (NeedsGrad(a, b)) {
    Record("AddBackward", {a, b}, {y}, [sa = a.shape(), sb = b.shape()](const Grads& g) {
      return Grads{SumToShape(g[0], sa), SumToShape(g[0], sb)};
    });
  }
  return y;
}

Tensor Sub(const Tensor& a, const Tensor& b) {
  Tensor y = BinaryOnDevice("Sub", BinaryOp::kSub, a, b);
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
  Tensor y = BinaryOnDevice("Mul", BinaryOp::kMul, a, b);
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
  Tensor y = BinaryOnDevice("Div", BinaryOp::kDiv, a, b);
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

// Shared by Maximum and Minimum: 1 where a wins, 0 where b wins, 1/2 on ties.
Tensor MaxMinBackwardMask(const Tensor& a, const Tensor& b, bool is_max) {
  return BinaryOnDevice("MaximumBackward", is_max ? BinaryOp::kMaxMask : BinaryOp::kMinMask, a, b);
}

Tensor MaxMin(const char* name, const Tensor& a, const Tensor& b, bool is_max) {
  Tensor y = BinaryOnDevice(name, is_max ? BinaryOp::kMaximum : BinaryOp::kMinimum, a, b);
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
  Tensor y = unary_kernel(a.device(), UnaryOp::kAddScalar, a, {s, 0.0});
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
  Tensor y = unary_kernel(b.device(), UnaryOp::kRSubScalar, b, {s, 0.0});
  // d(s - b) = -db
  if (NeedsGrad(b)) {
    Record("RSubScalarBackward", {b}, {y}, [](const Grads& g) { return Grads{Neg(g[0])}; });
  }
  return y;
}

Tensor Mul(const Tensor& a, double s) {
  CheckUnary("Mul", a);
  Tensor y = unary_kernel(a.device(), UnaryOp::kMulScalar, a, {s, 0.0});
  // d(s a) = s da
  if (NeedsGrad(a)) {
    Record("MulScalarBackward", {a}, {y}, [s](const Grads& g) { return Grads{Mul(g[0], s)}; });
  }
  return y;
}
Tensor Mul(double s, const Tensor& b) { return Mul(b, s); }

Tensor Div(const Tensor& a, double s) {
  CheckUnary("Div", a);
  Tensor y = unary_kernel(a.device(), UnaryOp::kDivScalar, a, {s, 0.0});
  // d(a / s) = da / s
  if (NeedsGrad(a)) {
    Record("DivScalarBackward", {a}, {y}, [s](const Grads& g) { return Grads{Div(g[0], s)}; });
  }
  return y;
}

Tensor Div(double s, const Tensor& b) {
  CheckUnary("Div", b);
  Tensor y = unary_kernel(b.device(), UnaryOp::kRDivScalar, b, {s, 0.0});
  // d(s / b) = -s / b^2 db
  if (NeedsGrad(b)) {
    Record("RDivScalarBackward", {b}, {y}, [b, s](const Grads& g) {
      return Grads{unary_grad_kernel(g[0].device(), UnaryGradOp::kRDivScalar, g[0], b, {s, 0.0})};
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
  Tensor y = unary_kernel(x.device(), UnaryOp::kNeg, x, {});
  // d(-x) = -dx
  if (NeedsGrad(x)) {
    Record("NegBackward", {x}, {y}, [](const Grads& g) { return Grads{Neg(g[0])}; });
  }
  return y;
}

namespace {
// Note [Unary ops]: a unary op is the kind of its kernel and of its derivative's
// (autograd/elementwise_op.h; each device's kernels compute them) and the tensor its
// derivative reads (x, or y saved detached). RunUnary validates, runs the kernel of x's
// device and records the backward for all of them, so that each op below is one line and
// every device's derivative reads the same saved tensor by construction. (Neg and the ops
// with a scalar differentiate through other ops.)
struct UnarySpec {
  const char* name;           // the op, for errors
  const char* backward_name;  // its node (a string literal, as Record requires)
  UnaryOp forward;
  UnaryGradOp grad;
  bool grad_reads_output;  // the derivative reads y (else x)
};

// p: the op's scalars.
Tensor RunUnary(const UnarySpec& op, const Tensor& x, UnaryParams p) {
  CheckUnary(op.name, x);
  Tensor y = unary_kernel(x.device(), op.forward, x, p);
  if (NeedsGrad(x)) {
    Tensor saved = op.grad_reads_output ? y.detach() : x;
    Record(op.backward_name, {x}, {y},
           [grad_op = op.grad, p, saved = std::move(saved)](const Grads& g) {
             return Grads{unary_grad_kernel(g[0].device(), grad_op, g[0], saved, p)};
           });
  }
  return y;
}

constexpr bool kReadsX = false, kReadsY = true;
}  // namespace

// d x^p = p x^(p-1) dx
Tensor Pow(const Tensor& x, double p) {
  // x^2 (a squared loss) is x·x: the same value rounded once instead of through pow, and
  // several times cheaper.
  if (p == 2.0) return Square(x);
  return RunUnary({"Pow", "PowBackward", UnaryOp::kPow, UnaryGradOp::kPow, kReadsX}, x, {p, 0.0});
}

// d exp(x) = exp(x) dx
Tensor Exp(const Tensor& x) {
  return RunUnary({"Exp", "ExpBackward", UnaryOp::kExp, UnaryGradOp::kExp, kReadsY}, x, {});
}

// d log(x) = dx / x
Tensor Log(const Tensor& x) {
  return RunUnary({"Log", "LogBackward", UnaryOp::kLog, UnaryGradOp::kLog, kReadsX}, x, {});
}

// d sqrt(x) = dx / (2 sqrt(x))
Tensor Sqrt(const Tensor& x) {
  return RunUnary({"Sqrt", "SqrtBackward", UnaryOp::kSqrt, UnaryGradOp::kSqrt, kReadsY}, x, {});
}

// d |x| = sign(x) dx
Tensor Abs(const Tensor& x) {
  return RunUnary({"Abs", "AbsBackward", UnaryOp::kAbs, UnaryGradOp::kAbs, kReadsX}, x, {});
}

// d x^2 = 2 x dx
Tensor Square(const Tensor& x) {
  return RunUnary({"Square", "SquareBackward", UnaryOp::kSquare, UnaryGradOp::kSquare, kReadsX}, x,
                  {});
}

// d tanh(x) = (1 - tanh(x)^2) dx; on the CPU both through the vectorised kernels (Note
// [Vectorised tanh]).
Tensor Tanh(const Tensor& x) {
  return RunUnary({"Tanh", "TanhBackward", UnaryOp::kTanh, UnaryGradOp::kTanh, kReadsY}, x, {});
}

// d sigmoid(x) = s (1 - s) dx
Tensor Sigmoid(const Tensor& x) {
  return RunUnary({"Sigmoid", "SigmoidBackward", UnaryOp::kSigmoid, UnaryGradOp::kSigmoid, kReadsY},
                  x, {});
}

// d relu(x) = [x > 0] dx
Tensor Relu(const Tensor& x) {
  return RunUnary({"Relu", "ReluBackward", UnaryOp::kRelu, UnaryGradOp::kRelu, kReadsY}, x, {});
}

// softplus(x) = log(1 + e^x); d softplus(x) = sigmoid(x) dx
Tensor Softplus(const Tensor& x) {
  return RunUnary(
      {"Softplus", "SoftplusBackward", UnaryOp::kSoftplus, UnaryGradOp::kSoftplus, kReadsX}, x, {});
}

// d sin(x) = cos(x) dx
Tensor Sin(const Tensor& x) {
  return RunUnary({"Sin", "SinBackward", UnaryOp::kSin, UnaryGradOp::kSin, kReadsX}, x, {});
}

// d cos(x) = -sin(x) dx
Tensor Cos(const Tensor& x) {
  return RunUnary({"Cos", "CosBackward", UnaryOp::kCos, UnaryGradOp::kCos, kReadsX}, x, {});
}

// d clamp(x) = [lo <= x <= hi] dx
Tensor Clamp(const Tensor& x, double lo, double hi) {
  if (lo > hi) {
    throw ValueError("Clamp: lo must be <= hi, got lo=" + std::to_string(lo) +
                     ", hi=" + std::to_string(hi));
  }
  return RunUnary({"Clamp", "ClampBackward", UnaryOp::kClamp, UnaryGradOp::kClamp, kReadsX}, x,
                  {lo, hi});
}

}  // namespace acaode
