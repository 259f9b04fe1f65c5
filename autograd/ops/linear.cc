#include "autograd/ops/linear.h"

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/gemm.h"
#include "autograd/dispatch.h"
#include "autograd/cuda/nn_ops.h"
#include "autograd/function.h"
#include "autograd/ops/record_list.h"

namespace acaode {
namespace {

template <class T>
using MatR = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using RowVec = Eigen::Matrix<T, 1, Eigen::Dynamic>;

void CheckArgs(const Tensor& x, const Tensor& w, const Tensor& b) {
  if (!x.defined()) internal::ThrowUndefinedArg("Linear", "input");
  if (!w.defined()) internal::ThrowUndefinedArg("Linear", "weight");
  if (x.device() != w.device()) {
    throw ValueError("Linear: input and weight on different devices (cpu and cuda)");
  }
  if (w.dim() != 2) {
    throw ValueError(absl::StrCat("Linear: weight must be 2-D [out, in], got ",
                                  ShapeToString(w.shape())));
  }
  if (x.dim() < 1 || x.size(-1) != w.size(1)) {
    throw ValueError(absl::StrCat("Linear: input ", ShapeToString(x.shape()),
                                  " does not end in weight's in_features ",
                                  w.size(1), " (weight ", ShapeToString(w.shape()),
                                  ")"));
  }
  if (x.dtype() != w.dtype()) {
    throw ValueError(absl::StrCat("Linear: dtype mismatch: input ", DTypeName(x.dtype()),
                                  ", weight ", DTypeName(w.dtype())));
  }
  if (b.defined()) {
    if (b.device() != x.device()) {
      throw ValueError("Linear: bias and input on different devices (cpu and cuda)");
    }
    if (b.dim() != 1 || b.size(0) != w.size(0)) {
      throw ValueError(absl::StrCat("Linear: bias must have shape [", w.size(0),
                                    "], got ", ShapeToString(b.shape())));
    }
    if (b.dtype() != x.dtype()) {
      throw ValueError(absl::StrCat("Linear: dtype mismatch: input ",
                                    DTypeName(x.dtype()), ", bias ",
                                    DTypeName(b.dtype())));
    }
  }
}

}  // namespace

Tensor Linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  CheckArgs(x, w, b);
  if (x.device() == Device::kCuda) return cuda::LinearOp(x, w, b);
  const int64_t in = w.size(1), out = w.size(0);
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Empty(out_shape, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    cpu::Gemm<T>(false, true, rows, out, in, x.data<T>(), w.data<T>(), py, false);
    if (b.defined()) {
      Eigen::Map<MatR<T>>(py, rows, out).rowwise() +=
          Eigen::Map<const RowVec<T>>(b.data<T>(), out);
    }
  });
  if (NeedsGrad(x, w, b)) {
    std::vector<Tensor> inputs = {x, w};
    if (b.defined()) inputs.push_back(b);
    const bool need_x = x.requires_grad(), need_w = w.requires_grad();
    const bool need_b = b.defined() && b.requires_grad();
    // dx = dy W; dW = dy^T x; db = sum_rows dy
    internal::RecordList(
        "LinearBackward", inputs, y,
        [x, w, has_b = b.defined(), rows, in, out, need_x, need_w,
         need_b](const Grads& g) {
          Tensor dx, dw, db;
          DispatchFloat(x.dtype(), [&](auto tag) {
            using T = decltype(tag);
            const T* pg = g[0].data<T>();
            if (need_x) {
              dx = Empty(x.shape(), x.dtype());
              cpu::Gemm<T>(false, false, rows, in, out, pg, w.data<T>(), dx.data<T>(),
                             false);
            }
            if (need_w) {
              dw = Empty(w.shape(), w.dtype());
              cpu::Gemm<T>(true, false, out, in, rows, pg, x.data<T>(), dw.data<T>(),
                             false);
            }
            if (need_b) {
              db = Empty({out}, x.dtype());
              Eigen::Map<RowVec<T>>(db.data<T>(), out) =
                  Eigen::Map<const MatR<T>>(pg, rows, out).colwise().sum();
            }
          });
          Grads res = {dx, dw};
          if (has_b) res.push_back(db);
          return res;
        });
  }
  return y;
}

}  // namespace acaode
