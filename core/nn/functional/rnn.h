#pragma once
// Multi-layer LSTM and GRU as functions, as PyTorch's _VF.lstm / _VF.gru: the layers nn::LSTM and
// nn::GRU run, usable on their own with any weights. Each layer runs the device's whole-sequence
// kernel (backend/rnn_kernels.h) and records ONE autograd node (LstmBackward0 / GruBackward0)
// whose backward is the kernel's backpropagation through time; per-step graphs would cost more
// than the arithmetic.
//
// Shapes (T steps, N batch, I = input_size, H = hidden_size, L = num_layers):
//   input   (T, N, I), or (N, T, I) with batch_first, or (T, I) unbatched
//   h0, c0  (L, N, H), or (L, H) unbatched; undefined means zeros
//   output  (T, N, H), or (N, T, H) with batch_first: the last layer's hidden state at every
//           step (contiguous either way; PyTorch's batch-first output is a transposed view)
//   h_n, c_n (L, N, H) or (L, H): every layer's state after the last step (c_n: LSTM only)
// params: PyTorch's flat weight order, per layer k: weight_ih_l{k} (G*H, I or H),
// weight_hh_l{k} (G*H, H), then with bias bias_ih_l{k} (G*H) and bias_hh_l{k} (G*H); G is 4
// for LSTM (gates i, f, g, o) and 3 for GRU (r, z, n).
//
// Not supported: bidirectional layers and LSTM projections (proj_size); packed sequences.
#include <vector>

#include "tensor/tensor.h"

namespace nw::nn {

struct RnnOutput {
  Tensor output;
  Tensor h_n;
  Tensor c_n;  // undefined for GRU
};

namespace functional {

struct RnnOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0.0;   // on every layer's output but the last, in training only
  bool training = false;  // dropout is drawn from nw::default_generator()
};

// `who` names the caller in error messages ("LSTM" for the layer, "lstm" by default).
RnnOutput lstm(const Tensor& input, const std::vector<Tensor>& params, const RnnOptions& options,
               const Tensor& h0 = Tensor(), const Tensor& c0 = Tensor(), const char* who = "lstm");
RnnOutput gru(const Tensor& input, const std::vector<Tensor>& params, const RnnOptions& options,
              const Tensor& h0 = Tensor(), const char* who = "gru");

}  // namespace functional
}  // namespace nw::nn
