#include "autograd/nn/rnn.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "autograd/nn/init.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/linear.h"
#include "autograd/ops/shape.h"

namespace acaode {
namespace nn {
namespace {

void CheckSizes(const char* layer, int64_t input_size, int64_t hidden_size) {
  if (input_size < 1 || hidden_size < 1) {
    throw ValueError(absl::StrCat(layer, ": input_size and hidden_size must be >= 1, got ",
                                  input_size, ", ", hidden_size));
  }
}

void CheckInput(const char* layer, const Tensor& x, int64_t input_size) {
  if (!x.defined() || x.dim() != 2 || x.size(1) != input_size) {
    throw ValueError(absl::StrCat(layer, ": input must have shape [N, ", input_size, "], got ",
                                  x.defined() ? ShapeToString(x.shape()) : "undefined"));
  }
}

// A state [N, H] (zeros if undefined), checked.
Tensor StateOrZeros(const char* layer, const char* what, const Tensor& s, const Tensor& x,
                    int64_t hidden) {
  if (!s.defined()) return Zeros({x.size(0), hidden}, x.dtype()).to(x.device());
  if (s.shape() != Shape{x.size(0), hidden}) {
    throw ValueError(absl::StrCat(layer, ": ", what, " must have shape [", x.size(0), ", ", hidden,
                                  "], got ", ShapeToString(s.shape())));
  }
  return s;
}

// One LSTM step (see rnn.h for the equations).
LstmState LstmStep(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                   const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh, int64_t hidden) {
  Tensor gates = Add(::acaode::Linear(x, w_ih, b_ih), ::acaode::Linear(h, w_hh, b_hh));
  std::vector<Tensor> g = Split(gates, {hidden, hidden, hidden, hidden}, 1);
  Tensor c_new =
      Add(Mul(::acaode::Sigmoid(g[1]), c), Mul(::acaode::Sigmoid(g[0]), ::acaode::Tanh(g[2])));
  Tensor h_new = Mul(::acaode::Sigmoid(g[3]), ::acaode::Tanh(c_new));
  return {h_new, c_new};
}

}  // namespace

LSTMCell::LSTMCell(int64_t input_size, int64_t hidden_size, Generator& gen, bool bias, DType dtype)
    : Module("LSTMCell"), input_size_(input_size), hidden_size_(hidden_size) {
  CheckSizes("LSTMCell", input_size, hidden_size);
  const double k = 1.0 / std::sqrt(double(hidden_size));
  w_ih_ = RegisterParameter("weight_ih",
                            UniformSymmetric({4 * hidden_size, input_size}, k, gen, dtype));
  w_hh_ = RegisterParameter("weight_hh",
                            UniformSymmetric({4 * hidden_size, hidden_size}, k, gen, dtype));
  if (bias) {
    b_ih_ = RegisterParameter("bias_ih", UniformSymmetric({4 * hidden_size}, k, gen, dtype));
    b_hh_ = RegisterParameter("bias_hh", UniformSymmetric({4 * hidden_size}, k, gen, dtype));
  }
}

LstmState LSTMCell::Forward(const Tensor& x, const LstmState& state) {
  CheckInput("LSTMCell", x, input_size_);
  const Tensor h = StateOrZeros("LSTMCell", "state.h", state.h, x, hidden_size_);
  const Tensor c = StateOrZeros("LSTMCell", "state.c", state.c, x, hidden_size_);
  return LstmStep(x, h, c, w_ih_, w_hh_, b_ih_, b_hh_, hidden_size_);
}

LSTM::LSTM(int64_t input_size, int64_t hidden_size, Generator& gen, int64_t num_layers, bool bias,
           DType dtype)
    : Module("LSTM"), input_size_(input_size), hidden_size_(hidden_size), num_layers_(num_layers) {
  CheckSizes("LSTM", input_size, hidden_size);
  if (num_layers < 1) {
    throw ValueError(absl::StrCat("LSTM: num_layers must be >= 1, got ", num_layers));
  }
  const double k = 1.0 / std::sqrt(double(hidden_size));
  for (int64_t l = 0; l < num_layers; ++l) {
    const int64_t in = l == 0 ? input_size : hidden_size;
    const std::string sfx = absl::StrCat("_l", l);
    w_ih_.push_back(RegisterParameter("weight_ih" + sfx,
                                      UniformSymmetric({4 * hidden_size, in}, k, gen, dtype)));
    w_hh_.push_back(RegisterParameter(
        "weight_hh" + sfx, UniformSymmetric({4 * hidden_size, hidden_size}, k, gen, dtype)));
    if (bias) {
      b_ih_.push_back(
          RegisterParameter("bias_ih" + sfx, UniformSymmetric({4 * hidden_size}, k, gen, dtype)));
      b_hh_.push_back(
          RegisterParameter("bias_hh" + sfx, UniformSymmetric({4 * hidden_size}, k, gen, dtype)));
    } else {
      b_ih_.emplace_back();
      b_hh_.emplace_back();
    }
  }
}

LstmOutput LSTM::Forward(const Tensor& x, const LstmState& state) {
  if (!x.defined() || x.dim() != 3 || x.size(2) != input_size_ || x.size(0) < 1) {
    throw ValueError(absl::StrCat("LSTM: input must have shape [T >= 1, N, ", input_size_,
                                  "], got ", x.defined() ? ShapeToString(x.shape()) : "undefined"));
  }
  const int64_t steps = x.size(0), batch = x.size(1);
  const Shape state_shape = {num_layers_, batch, hidden_size_};
  for (const Tensor* s : {&state.h, &state.c}) {
    if (s->defined() && s->shape() != state_shape) {
      throw ValueError(absl::StrCat("LSTM: initial state must have shape ",
                                    ShapeToString(state_shape), ", got ",
                                    ShapeToString(s->shape())));
    }
  }
  std::vector<Tensor> inputs;
  for (int64_t t = 0; t < steps; ++t) inputs.push_back(x[t]);
  std::vector<Tensor> h_final, c_final;
  for (int64_t l = 0; l < num_layers_; ++l) {
    Tensor h =
        state.h.defined() ? state.h[l] : Zeros({batch, hidden_size_}, x.dtype()).to(x.device());
    Tensor c =
        state.c.defined() ? state.c[l] : Zeros({batch, hidden_size_}, x.dtype()).to(x.device());
    for (int64_t t = 0; t < steps; ++t) {
      LstmState s = LstmStep(inputs[t], h, c, w_ih_[l], w_hh_[l], b_ih_[l], b_hh_[l], hidden_size_);
      h = s.h;
      c = s.c;
      inputs[t] = h;  // input of the next layer
    }
    h_final.push_back(h);
    c_final.push_back(c);
  }
  return {Stack(inputs, 0), {Stack(h_final, 0), Stack(c_final, 0)}};
}

GRUCell::GRUCell(int64_t input_size, int64_t hidden_size, Generator& gen, bool bias, DType dtype)
    : Module("GRUCell"), input_size_(input_size), hidden_size_(hidden_size) {
  CheckSizes("GRUCell", input_size, hidden_size);
  const double k = 1.0 / std::sqrt(double(hidden_size));
  w_ih_ = RegisterParameter("weight_ih",
                            UniformSymmetric({3 * hidden_size, input_size}, k, gen, dtype));
  w_hh_ = RegisterParameter("weight_hh",
                            UniformSymmetric({3 * hidden_size, hidden_size}, k, gen, dtype));
  if (bias) {
    b_ih_ = RegisterParameter("bias_ih", UniformSymmetric({3 * hidden_size}, k, gen, dtype));
    b_hh_ = RegisterParameter("bias_hh", UniformSymmetric({3 * hidden_size}, k, gen, dtype));
  }
}

Tensor GRUCell::Forward(const Tensor& x, const Tensor& h_in) {
  CheckInput("GRUCell", x, input_size_);
  const Tensor h = StateOrZeros("GRUCell", "h", h_in, x, hidden_size_);
  const int64_t hs = hidden_size_;
  std::vector<Tensor> gi = Split(::acaode::Linear(x, w_ih_, b_ih_), {hs, hs, hs}, 1);
  std::vector<Tensor> gh = Split(::acaode::Linear(h, w_hh_, b_hh_), {hs, hs, hs}, 1);
  Tensor r = ::acaode::Sigmoid(Add(gi[0], gh[0]));
  Tensor z = ::acaode::Sigmoid(Add(gi[1], gh[1]));
  Tensor n = ::acaode::Tanh(Add(gi[2], Mul(r, gh[2])));
  // h' = (1 - z) n + z h = n + z (h - n)
  return Add(n, Mul(z, Sub(h, n)));
}

}  // namespace nn
}  // namespace acaode
