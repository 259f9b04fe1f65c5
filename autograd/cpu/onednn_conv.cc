#include "autograd/cpu/onednn_conv.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/onednn_runtime.h"
#include "autograd/error.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace acaode {
namespace cpu {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

enum class Pass : int64_t { kForward, kBackwardData, kBackwardWeights };

// One tensor argument of a primitive: the caller's plain layout and the layout the
// primitive asked for; when they differ, the argument travels through a per-thread buffer
// and a cached reorder (plain -> wanted for inputs, wanted -> plain for outputs).
struct Operand {
  int arg = 0;  // DNNL_ARG_*
  bool output = false;
  memory::desc plain, wanted;
  bool reordered = false;
  dnnl::reorder reorder;
};

struct Plan {
  dnnl::primitive primitive;
  std::vector<Operand> operands;  // in the order of the pointers passed to Run
  memory::desc scratchpad;
};

// (pass, threads, N, C, H, W, O, KH, KW, stride h/w, pad h/w, bias). The thread count is
// part of the key: oneDNN sizes a primitive's scratchpad and work split for the threads
// present when it is created, and it must not run on more.
using PlanKey = std::array<int64_t, 14>;

const dnnl::engine& Engine() {
  static const dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

dnnl::stream& ThreadStream() {
  thread_local dnnl::stream stream(Engine());
  return stream;
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

// Per-thread, growing, 64-byte aligned buffer number `slot`.
void* ScratchBuffer(size_t slot, size_t bytes) {
  thread_local std::vector<std::pair<std::unique_ptr<void, AlignedFree>, size_t>> buffers;
  if (buffers.size() <= slot) buffers.resize(slot + 1);
  auto& [buffer, capacity] = buffers[slot];
  if (capacity < bytes) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    buffer.reset(std::aligned_alloc(64, rounded));
    if (!buffer) throw std::bad_alloc();
    capacity = rounded;
  }
  return buffer.get();
}

memory::desc Any(const memory::dims& dims) { return {dims, memory::data_type::f32, Tag::any}; }
memory::desc Plain(const memory::dims& dims, Tag tag) {
  return {dims, memory::data_type::f32, tag};
}

Operand MakeOperand(int arg, bool output, const memory::desc& plain, const memory::desc& wanted) {
  Operand op;
  op.arg = arg;
  op.output = output;
  op.plain = plain;
  op.wanted = wanted;
  op.reordered = plain != wanted;
  if (op.reordered) {
    const dnnl::engine& eng = Engine();
    op.reorder = output ? dnnl::reorder(dnnl::reorder::primitive_desc(eng, wanted, eng, plain))
                        : dnnl::reorder(dnnl::reorder::primitive_desc(eng, plain, eng, wanted));
  }
  return op;
}

enum class Mode { kIm2Col, kDirect, kAuto };

// ACAODE_CONV: "im2col" (oneDNN off), "direct" (oneDNN's direct kernels only), or unset /
// "auto" (Winograd where oneDNN has it, direct elsewhere). Read once.
Mode ConvMode() {
  static const Mode mode = [] {
    const char* env = std::getenv("ACAODE_CONV");
    if (env == nullptr || std::strcmp(env, "auto") == 0) return Mode::kAuto;
    if (std::strcmp(env, "direct") == 0) return Mode::kDirect;
    if (std::strcmp(env, "im2col") == 0) return Mode::kIm2Col;
    throw ValueError(absl::StrCat("ACAODE_CONV=", env,
                                  " is not one of auto, direct, im2col (the convolution backend)"));
  }();
  return mode;
}

// Builds the primitive for one pass with `algorithm`; throws dnnl::error (status
// dnnl_unimplemented) when oneDNN has no kernel for it.
std::unique_ptr<Plan> BuildPlan(Pass pass, const ConvGeometry& g, int64_t out_c, bool bias,
                                dnnl::algorithm algorithm) {
  const memory::dims src{g.batch, g.channels, g.in_h, g.in_w};
  const memory::dims weights{out_c, g.channels, g.kernel_h, g.kernel_w};
  const memory::dims dst{g.batch, out_c, g.out_h, g.out_w};
  const memory::dims bias_dims{out_c};
  const memory::dims strides{g.stride_h, g.stride_w}, pad{g.pad_h, g.pad_w};
  const dnnl::engine& eng = Engine();
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);

  // The forward descriptor (the hint the backward passes are built from).
  using Fwd = dnnl::convolution_forward;
  const auto training = dnnl::prop_kind::forward_training;
  const Fwd::desc fwd_desc =
      bias ? Fwd::desc(training, algorithm, Any(src), Any(weights), Plain(bias_dims, Tag::x),
                       Any(dst), strides, pad, pad)
           : Fwd::desc(training, algorithm, Any(src), Any(weights), Any(dst), strides, pad, pad);
  const Fwd::primitive_desc fwd_pd(fwd_desc, attr, eng);

  auto plan = std::make_unique<Plan>();
  const memory::desc plain_src = Plain(src, Tag::nchw), plain_dst = Plain(dst, Tag::nchw);
  const memory::desc plain_weights = Plain(weights, Tag::oihw);
  const memory::desc plain_bias = Plain(bias_dims, Tag::x);
  switch (pass) {
    case Pass::kForward:
      plan->primitive = Fwd(fwd_pd);
      plan->operands.push_back(MakeOperand(DNNL_ARG_SRC, false, plain_src, fwd_pd.src_desc()));
      plan->operands.push_back(
          MakeOperand(DNNL_ARG_WEIGHTS, false, plain_weights, fwd_pd.weights_desc()));
      if (bias) {
        plan->operands.push_back(MakeOperand(DNNL_ARG_BIAS, false, plain_bias, fwd_pd.bias_desc()));
      }
      plan->operands.push_back(MakeOperand(DNNL_ARG_DST, true, plain_dst, fwd_pd.dst_desc()));
      plan->scratchpad = fwd_pd.scratchpad_desc();
      break;
    case Pass::kBackwardData: {
      using Bwd = dnnl::convolution_backward_data;
      const Bwd::primitive_desc pd(
          Bwd::desc(algorithm, Any(src), Any(weights), Any(dst), strides, pad, pad), attr, eng,
          fwd_pd);
      plan->primitive = Bwd(pd);
      plan->operands.push_back(
          MakeOperand(DNNL_ARG_DIFF_DST, false, plain_dst, pd.diff_dst_desc()));
      plan->operands.push_back(
          MakeOperand(DNNL_ARG_WEIGHTS, false, plain_weights, pd.weights_desc()));
      plan->operands.push_back(MakeOperand(DNNL_ARG_DIFF_SRC, true, plain_src, pd.diff_src_desc()));
      plan->scratchpad = pd.scratchpad_desc();
      break;
    }
    case Pass::kBackwardWeights: {
      using Bwd = dnnl::convolution_backward_weights;
      const Bwd::desc desc =
          bias ? Bwd::desc(algorithm, Any(src), Any(weights), Plain(bias_dims, Tag::x), Any(dst),
                           strides, pad, pad)
               : Bwd::desc(algorithm, Any(src), Any(weights), Any(dst), strides, pad, pad);
      const Bwd::primitive_desc pd(desc, attr, eng, fwd_pd);
      plan->primitive = Bwd(pd);
      plan->operands.push_back(MakeOperand(DNNL_ARG_SRC, false, plain_src, pd.src_desc()));
      plan->operands.push_back(
          MakeOperand(DNNL_ARG_DIFF_DST, false, plain_dst, pd.diff_dst_desc()));
      plan->operands.push_back(
          MakeOperand(DNNL_ARG_DIFF_WEIGHTS, true, plain_weights, pd.diff_weights_desc()));
      if (bias) {
        plan->operands.push_back(
            MakeOperand(DNNL_ARG_DIFF_BIAS, true, plain_bias, pd.diff_bias_desc()));
      }
      plan->scratchpad = pd.scratchpad_desc();
      break;
    }
  }
  return plan;
}

// The cached plan for (pass, sizes) at `threads` threads; nullptr when unimplemented.
const Plan* GetPlan(Pass pass, const ConvGeometry& g, int64_t out_c, bool bias, int threads) {
  static std::mutex mu;
  static auto* cache = new std::map<PlanKey, std::unique_ptr<Plan>>();
  const PlanKey key{static_cast<int64_t>(pass),
                    threads,
                    g.batch,
                    g.channels,
                    g.in_h,
                    g.in_w,
                    out_c,
                    g.kernel_h,
                    g.kernel_w,
                    g.stride_h,
                    g.stride_w,
                    g.pad_h,
                    g.pad_w,
                    bias ? 1 : 0};
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(key);
  if (it != cache->end()) return it->second.get();
  // Winograd first (auto mode), then direct; no plan when neither is implemented.
  std::vector<dnnl::algorithm> algorithms;
  if (ConvMode() == Mode::kAuto) algorithms.push_back(dnnl::algorithm::convolution_winograd);
  algorithms.push_back(dnnl::algorithm::convolution_direct);
  std::unique_ptr<Plan> plan;
  for (dnnl::algorithm algorithm : algorithms) {
    try {
      plan = BuildPlan(pass, g, out_c, bias, algorithm);
      break;
    } catch (const dnnl::error& e) {
      if (e.status != dnnl_unimplemented) {
        throw RuntimeError(absl::StrCat("oneDNN convolution setup failed: ", e.what()));
      }
    }
  }
  return cache->emplace(key, std::move(plan)).first->second.get();
}

// Runs `plan` on the caller's plain buffers, one per operand, in operand order.
void Run(const Plan& plan, const std::vector<void*>& buffers) {
  const dnnl::engine& eng = Engine();
  dnnl::stream& stream = ThreadStream();
  std::unordered_map<int, memory> args;
  struct PendingOutput {
    const Operand* op;
    memory wanted, user;
  };
  std::vector<PendingOutput> outputs;  // reordered back to the caller's layout at the end
  size_t slot = 0;
  for (size_t i = 0; i < plan.operands.size(); ++i) {
    const Operand& op = plan.operands[i];
    memory user(op.plain, eng, buffers[i]);
    if (!op.reordered) {
      args.emplace(op.arg, user);
      continue;
    }
    memory wanted(op.wanted, eng, ScratchBuffer(slot++, op.wanted.get_size()));
    if (op.output) {
      outputs.push_back({&op, wanted, user});
    } else {
      op.reorder.execute(stream, {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, wanted}});
    }
    args.emplace(op.arg, wanted);
  }
  if (plan.scratchpad.get_size() > 0) {
    args.emplace(DNNL_ARG_SCRATCHPAD,
                 memory(plan.scratchpad, eng, ScratchBuffer(slot++, plan.scratchpad.get_size())));
  }
  plan.primitive.execute(stream, args);
  for (const PendingOutput& out : outputs) {
    out.op->reorder.execute(stream, {{DNNL_ARG_FROM, out.wanted}, {DNNL_ARG_TO, out.user}});
  }
  stream.wait();
}

bool Convolve(Pass pass, const ConvGeometry& g, int64_t out_c, bool bias,
              const std::vector<void*>& buffers) {
  if (!OneDnnConvEnabled()) return false;
  const int threads = PrepareOneDnnThreads();
  const Plan* plan = GetPlan(pass, g, out_c, bias, threads);
  if (plan == nullptr) return false;
  try {
    Run(*plan, buffers);
  } catch (const dnnl::error& e) {
    throw RuntimeError(absl::StrCat("oneDNN convolution failed: ", e.what()));
  }
  return true;
}

void* Mutable(const float* p) { return const_cast<float*>(p); }  // oneDNN takes void*

}  // namespace

bool OneDnnConvEnabled() { return ConvMode() != Mode::kIm2Col; }

std::string ConvBackendName() {
  if (!OneDnnConvEnabled()) return "im2col";
  const dnnl_version_t* v = dnnl::version();
  return absl::StrCat("onednn ", v->major, ".", v->minor, ".", v->patch,
                      ConvMode() == Mode::kAuto ? " (winograd, direct)" : " (direct)");
}

bool OneDnnConvForward(const ConvGeometry& g, int64_t out_c, const float* x, const float* w,
                       const float* b, float* y) {
  std::vector<void*> buffers{Mutable(x), Mutable(w)};
  if (b != nullptr) buffers.push_back(Mutable(b));
  buffers.push_back(y);
  return Convolve(Pass::kForward, g, out_c, b != nullptr, buffers);
}

bool OneDnnConvBackwardData(const ConvGeometry& g, int64_t out_c, const float* dy, const float* w,
                            float* dx) {
  return Convolve(Pass::kBackwardData, g, out_c, false, {Mutable(dy), Mutable(w), dx});
}

bool OneDnnConvBackwardWeights(const ConvGeometry& g, int64_t out_c, const float* x,
                               const float* dy, float* dw, float* db) {
  std::vector<void*> buffers{Mutable(x), Mutable(dy), dw};
  if (db != nullptr) buffers.push_back(db);
  return Convolve(Pass::kBackwardWeights, g, out_c, db != nullptr, buffers);
}

}  // namespace cpu
}  // namespace acaode
