#pragma once
// The recurrent part of the optional layer-kernel interface: whole-sequence LSTM and GRU kernels
// for one layer and one direction, forward and backward through time. A device implements them
// as fused kernels (cuDNN in issue 19; core/cpu/rnn_*.cpp on the CPU) or gets the generic ones
// (kernels/generic_rnn_kernels.h); nn::functional::lstm/gru stack layers, add dropout and record
// ONE autograd node per layer around them.
//
// Shapes (T steps, N batch, I input features, H hidden, G gates: 4 for LSTM, 3 for GRU):
//   x      (T, N, I), or (N, T, I) when batch_first
//   y      (T, N, H), or (N, T, H) when batch_first: the hidden state of every step
//   hx, cx (N, H)     initial states; undefined means zeros (cx: LSTM only)
//   w_ih (G*H, I), w_hh (G*H, H), b_ih (G*H), b_hh (G*H); biases undefined for bias=False
// Gate order is PyTorch's: LSTM i, f, g, o; GRU r, z, n with
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.
// Every tensor is contiguous, on the kernel's device, and of one floating dtype; the caller
// checks that and allocates the outputs.
#include "tensor/tensor.h"

namespace nw {

struct RnnLayerDesc {
  int64_t seq_len = 0;      // T
  int64_t batch = 0;        // N
  int64_t input_size = 0;   // I
  int64_t hidden_size = 0;  // H
  bool batch_first = false;
};

struct RnnWeights {
  Tensor w_ih, w_hh, b_ih, b_hh;
};

struct RnnForwardArgs {
  Tensor x, hx, cx;
  RnnWeights w;
  // Keep what backward needs in the returned reserve (cuDNN's training mode). Without it the
  // reserve is still returned but must not be passed to backward.
  bool train = false;
  // Outputs, written by the kernel. y is required; hy and cy are optional (hy is also y's last
  // step, so a caller that keeps y may leave it undefined).
  Tensor y, hy, cy;
};

struct RnnBackwardArgs {
  // The forward's inputs, its y and its reserve, unchanged since the forward.
  Tensor x, hx, cx;
  RnnWeights w;
  Tensor y, reserve;
  // Upstream gradients; any may be undefined (zeros). dy has y's shape, dhy and dcy (N, H).
  Tensor dy, dhy, dcy;
  // Which gradients to compute; weight gradients come as a set (biases when w has them).
  bool need_dx = false, need_dhx = false, need_dcx = false, need_dweights = false;
};

// Gradients of one layer; undefined where not requested.
struct RnnGrads {
  Tensor dx, dhx, dcx;
  RnnWeights dw;
};

class RnnKernels {
 public:
  virtual ~RnnKernels() = default;
  // Both return the reserve: device-specific saved activations, opaque to the caller.
  virtual Tensor lstm_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) = 0;
  virtual RnnGrads lstm_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) = 0;
  virtual Tensor gru_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) = 0;
  virtual RnnGrads gru_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) = 0;
};

// The RNN kernels of `device`: the ones its backend registered (the CPU's always; a plugin's
// fused ones, cuDNN in issue 19), else the fallback (core/kernels/generic_rnn_kernels.h, built
// from the ops every backend has). An unusable device throws backend_for's DeviceError.
RnnKernels& rnn_kernels_for(const Device& device);
// Called by a device backend that implements the RNN kernels; nullptr withdraws them.
void register_rnn_kernels(DeviceType type, RnnKernels* kernels);
// Called once by core/kernels/, above this registry: what a device without its own gets.
void register_fallback_rnn_kernels(RnnKernels* kernels);

}  // namespace nw
