#include "autograd/ops/linear_combination.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/cpu/isa/kernels.h"
#include "autograd/cpu/parallel.h"
#include "autograd/cuda/tensor_ops.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"

namespace acaode {
namespace {

// Elements per chunk: base and the running sum of a chunk stay in L1 while
// each term is added, so every term is read once and out written once.
constexpr int64_t kChunk = 2048;

}  // namespace

Tensor LinearCombination(const Tensor& base, const std::vector<double>& coeffs,
                         const std::vector<Tensor>& terms) {
  if (!base.defined()) internal::ThrowUndefinedArg("LinearCombination", "base");
  if (coeffs.size() != terms.size()) {
    throw ValueError("LinearCombination: " + std::to_string(coeffs.size()) + " coeffs but " +
                     std::to_string(terms.size()) + " terms");
  }
  // Indices of the terms with a nonzero coefficient; on the stack for up to
  // kMaxInline terms (every RK tableau), so the untaped hot path allocates
  // nothing but the output.
  constexpr size_t kMaxInline = 32;
  size_t used_inline[kMaxInline];
  std::vector<size_t> used_heap;
  size_t* used = used_inline;
  if (terms.size() > kMaxInline) {
    used_heap.resize(terms.size());
    used = used_heap.data();
  }
  size_t num_used = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (coeffs[i] == 0.0) continue;
    const Tensor& t = terms[i];
    if (!t.defined()) {
      throw ValueError("LinearCombination: term " + std::to_string(i) + " is undefined");
    }
    if (t.device() != base.device()) {
      throw ValueError("LinearCombination: term " + std::to_string(i) + " is on " +
                       DeviceName(t.device()) + " but base is on " + DeviceName(base.device()));
    }
    if (t.shape() != base.shape() || t.dtype() != base.dtype()) {
      throw ValueError("LinearCombination: term " + std::to_string(i) + " (" +
                       DTypeName(t.dtype()) + " " + ShapeToString(t.shape()) +
                       ") does not match base (" + DTypeName(base.dtype()) + " " +
                       ShapeToString(base.shape()) + ")");
    }
    used[num_used++] = i;
  }
  Tensor out;
  if (base.device() == Device::kCuda) {
    std::vector<double> cs;
    std::vector<Tensor> ts;
    for (size_t u = 0; u < num_used; ++u) {
      cs.push_back(coeffs[used[u]]);
      ts.push_back(terms[used[u]]);
    }
    out = cuda::LinearCombination(base, cs, ts);
  } else {
    out = Empty(base.shape(), base.dtype());
    DispatchFloat(base.dtype(), [&](auto tag) {
      using T = decltype(tag);
      // The used coefficients and term pointers, on the stack like `used`.
      double cs_inline[kMaxInline];
      const T* ts_inline[kMaxInline];
      std::vector<double> cs_heap;
      std::vector<const T*> ts_heap;
      double* cs = cs_inline;
      const T** ts = ts_inline;
      if (num_used > kMaxInline) {
        cs_heap.resize(num_used);
        ts_heap.resize(num_used);
        cs = cs_heap.data();
        ts = ts_heap.data();
      }
      for (size_t u = 0; u < num_used; ++u) {
        cs[u] = coeffs[used[u]];
        ts[u] = terms[used[u]].data<T>();
      }
      const T* pb = base.data<T>();
      T* po = out.mutable_data<T>();
      const int64_t n = base.numel();
      const int64_t num_chunks = (n + kChunk - 1) / kChunk;
      // The loop of the active instruction set (autograd/cpu/isa/kernels.h).
      cpu::ParallelFor(num_chunks, cpu::kElementwiseGrain / kChunk, [&](int64_t c0, int64_t c1) {
        cpu::LinearCombinationKernel<T>(pb, cs, ts, static_cast<int64_t>(num_used), c0 * kChunk,
                                        std::min(n, c1 * kChunk), po);
      });
    });
  }
  // d out = d base + sum_i c_i d terms_i
  bool needs = NeedsGrad(base);
  for (size_t u = 0; u < num_used; ++u) needs = needs || NeedsGrad(terms[used[u]]);
  if (needs) {
    std::vector<Tensor> inputs;
    std::vector<double> cs;
    inputs.push_back(base);
    for (size_t u = 0; u < num_used; ++u) {
      inputs.push_back(terms[used[u]]);
      cs.push_back(coeffs[used[u]]);
    }
    std::vector<bool> req;
    for (const Tensor& t : inputs) req.push_back(t.requires_grad());
    // On the CPU each term's gradient c_i·g reaches the engine as g with the scale c_i
    // (Node::input_grad_scale), which sums it in one pass without a scaled copy; the
    // gradients of an RK step's stages are sums of many such terms.
    const bool on_cpu = base.device() == Device::kCpu;
    auto node = std::make_shared<LambdaNode<std::function<Grads(const Grads&)>>>(
        "LinearCombinationBackward", [cs, req, on_cpu](const Grads& g) {
          Grads out;
          out.reserve(req.size());
          out.push_back(req[0] ? g[0] : Tensor());
          for (size_t i = 0; i < cs.size(); ++i) {
            out.push_back(!req[i + 1] ? Tensor()
                          : on_cpu    ? g[0]
                                      : cuda::Unary(cuda::UnaryOp::kMulScalar, g[0], {cs[i], 0.0}));
          }
          return out;
        });
    if (on_cpu) {
      std::vector<double> scales = {1.0};
      scales.insert(scales.end(), cs.begin(), cs.end());
      node->set_input_grad_scales(std::move(scales));
    }
    out = ApplyFunction(node, inputs, {out})[0];
  }
  return out;
}

}  // namespace acaode
