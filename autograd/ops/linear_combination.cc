#include "autograd/ops/linear_combination.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/cpu/isa/kernels.h"
#include "autograd/cpu/parallel.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/kernels.h"

namespace acaode {
namespace {

// Elements per chunk: base and the running sum of a chunk stay in L1 while
// each term is added, so every term is read once and out written once.
constexpr int64_t kChunk = 2048;

// Terms of an RK tableau fit on the stack.
constexpr int64_t kMaxInline = 32;

Tensor LinearCombinationCpu(const Tensor& base, const double* coeffs, const Tensor* const* terms,
                            int64_t count) {
  Tensor out = Empty(base.shape(), base.dtype());
  DispatchFloat(base.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // The term pointers, on the stack for up to kMaxInline terms.
    const T* ts_inline[kMaxInline];
    std::vector<const T*> ts_heap;
    const T** ts = ts_inline;
    if (count > kMaxInline) {
      ts_heap.resize(count);
      ts = ts_heap.data();
    }
    for (int64_t u = 0; u < count; ++u) ts[u] = terms[u]->data<T>();
    const T* pb = base.data<T>();
    T* po = out.mutable_data<T>();
    const int64_t n = base.numel();
    const int64_t num_chunks = (n + kChunk - 1) / kChunk;
    // The loop of the active instruction set (autograd/cpu/isa/kernels.h).
    cpu::ParallelFor(num_chunks, cpu::kElementwiseGrain / kChunk, [&](int64_t c0, int64_t c1) {
      cpu::LinearCombinationKernel<T>(pb, coeffs, ts, count, c0 * kChunk, std::min(n, c1 * kChunk),
                                      po);
    });
  });
  return out;
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, const double*, const Tensor* const*, int64_t)>
    linear_combination_kernel("LinearCombination", LinearCombinationCpu);

Tensor LinearCombination(const Tensor& base, const std::vector<double>& coeffs,
                         const std::vector<Tensor>& terms) {
  if (!base.defined()) internal::ThrowUndefinedArg("LinearCombination", "base");
  if (coeffs.size() != terms.size()) {
    throw ValueError("LinearCombination: " + std::to_string(coeffs.size()) + " coeffs but " +
                     std::to_string(terms.size()) + " terms");
  }
  // The terms with a nonzero coefficient and their coefficients; on the stack for up to
  // kMaxInline terms (every RK tableau), so the untaped hot path allocates nothing but the
  // output.
  double cs_inline[kMaxInline];
  const Tensor* ts_inline[kMaxInline];
  std::vector<double> cs_heap;
  std::vector<const Tensor*> ts_heap;
  double* used_coeffs = cs_inline;
  const Tensor** used_terms = ts_inline;
  if (terms.size() > static_cast<size_t>(kMaxInline)) {
    cs_heap.resize(terms.size());
    ts_heap.resize(terms.size());
    used_coeffs = cs_heap.data();
    used_terms = ts_heap.data();
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
    used_coeffs[num_used] = coeffs[i];
    used_terms[num_used++] = &t;
  }
  Tensor out = linear_combination_kernel(base.device(), base, used_coeffs, used_terms,
                                         static_cast<int64_t>(num_used));
  // d out = d base + sum_i c_i d terms_i
  bool needs = NeedsGrad(base);
  for (size_t u = 0; u < num_used; ++u) needs = needs || NeedsGrad(*used_terms[u]);
  if (needs) {
    std::vector<Tensor> inputs = {base};
    for (size_t u = 0; u < num_used; ++u) inputs.push_back(*used_terms[u]);
    std::vector<bool> req;
    for (const Tensor& t : inputs) req.push_back(t.requires_grad());
    // Each term's gradient c_i·g reaches the engine as g with the scale c_i
    // (Node::input_grad_scale), which sums it in one pass without a scaled copy; the
    // gradients of an RK step's stages are sums of many such terms.
    auto node = std::make_shared<LambdaNode<std::function<Grads(const Grads&)>>>(
        "LinearCombinationBackward", [req](const Grads& g) {
          Grads out;
          out.reserve(req.size());
          for (const bool wanted : req) out.push_back(wanted ? g[0] : Tensor());
          return out;
        });
    std::vector<double> scales = {1.0};
    scales.insert(scales.end(), used_coeffs, used_coeffs + num_used);
    node->set_input_grad_scales(std::move(scales));
    out = ApplyFunction(node, inputs, {out})[0];
  }
  return out;
}

}  // namespace acaode
