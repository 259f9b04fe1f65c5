// Recurrent layers: nn::LSTMCell, nn::LSTM (sequence, stacked layers) and
// nn::GRUCell, with PyTorch's equations, parameter names and initialisation
// (every parameter U(-1/sqrt(hidden), 1/sqrt(hidden))).
//
//   nn::LSTMCell cell(/*input_size=*/3, /*hidden_size=*/8, gen);
//   nn::LstmState s = cell.Forward(x_t, {});      // zero initial state
//   s = cell.Forward(x_next, s);                  // s.h, s.c: [N, 8]
//
//   nn::LSTM lstm(3, 8, gen, /*num_layers=*/2);
//   nn::LstmOutput out = lstm.Forward(xs, {});    // xs [T, N, 3]
//   // out.output [T, N, 8] (last layer), out.state.h / .c [2, N, 8]
//
//   nn::GRUCell gru(3, 8, gen);
//   Tensor h = gru.Forward(x_t, Tensor());        // undefined h = zeros
//
// LSTM (gates i, f, g, o in this order in the stacked weights):
//   [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh
//   c' = sigmoid(f) c + sigmoid(i) tanh(g),  h' = sigmoid(o) tanh(c')
// GRU (gates r, z, n):
//   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
//   z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
//   n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),  h' = (1 - z) n + z h
// Parameters: weight_ih [G*H, I], weight_hh [G*H, H], bias_ih, bias_hh
// [G*H] (G = 4 for LSTM, 3 for GRU); LSTM layer k appends "_l<k>".
// Module::Forward(x) runs from a zero state and returns h' (cells) or the
// output sequence (LSTM).
#ifndef ACAODE_AUTOGRAD_NN_RNN_H_
#define ACAODE_AUTOGRAD_NN_RNN_H_

#include <cstdint>
#include <vector>

#include "autograd/creation.h"
#include "autograd/nn/module.h"

namespace acaode {
namespace nn {

// Hidden and cell state; undefined members mean zeros.
struct LstmState {
  Tensor h;
  Tensor c;
};

struct LstmOutput {
  Tensor output;    // [T, N, H] hidden states of the last layer
  LstmState state;  // final h and c, each [num_layers, N, H]
};

class LSTMCell : public Module {
 public:
  LSTMCell(int64_t input_size, int64_t hidden_size, Generator& gen, bool bias = true,
           DType dtype = DType::kFloat64);
  // x [N, I]; state.h, state.c [N, H] (or undefined).
  LstmState Forward(const Tensor& x, const LstmState& state);
  Tensor Forward(const Tensor& x) override { return Forward(x, LstmState{}).h; }

  int64_t hidden_size() const { return hidden_size_; }

 private:
  int64_t input_size_, hidden_size_;
  Tensor w_ih_, w_hh_, b_ih_, b_hh_;
};

class LSTM : public Module {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, Generator& gen, int64_t num_layers = 1,
       bool bias = true, DType dtype = DType::kFloat64);
  // x [T, N, I] (sequence first); state.h, state.c [num_layers, N, H] or
  // undefined.
  LstmOutput Forward(const Tensor& x, const LstmState& state);
  Tensor Forward(const Tensor& x) override { return Forward(x, LstmState{}).output; }

 private:
  int64_t input_size_, hidden_size_, num_layers_;
  std::vector<Tensor> w_ih_, w_hh_, b_ih_, b_hh_;
};

class GRUCell : public Module {
 public:
  GRUCell(int64_t input_size, int64_t hidden_size, Generator& gen, bool bias = true,
          DType dtype = DType::kFloat64);
  // x [N, I]; h [N, H] or undefined (zeros). Returns h'.
  Tensor Forward(const Tensor& x, const Tensor& h);
  Tensor Forward(const Tensor& x) override { return Forward(x, Tensor()); }

 private:
  int64_t input_size_, hidden_size_;
  Tensor w_ih_, w_hh_, b_ih_, b_hh_;
};

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_RNN_H_
