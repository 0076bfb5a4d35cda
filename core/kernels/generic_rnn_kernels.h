#pragma once
// RnnKernels written only with device-neutral tensor ops (matmul, sigmoid, tanh, mul, add,
// narrow, select, copy_, sum), so they run on every device that has a Backend: this is what a
// device without its own (cuDNN) RNN kernels gets. LSTM in generic_rnn_lstm.cpp, GRU in
// generic_rnn_gru.cpp, the shared plumbing in generic_rnn_kernels.cpp.
//
// The plan is the CPU kernels' (core/cpu/cpu_rnn.h): the input projection of all T steps is one
// GEMM, x (T*N, I) @ w_ih^T; each step adds one GEMM h (N, H) @ w_hh^T and a handful of
// elementwise ops. Backward walks the steps in reverse with one GEMM per step for dh; dx and the
// weight gradients are then single GEMMs over all steps.
//
// The reserve has exactly the CPU kernels' layout, so the two can be compared (and swapped):
//   LSTM: flat (T*N*4H + 2*T*N*H): the activated gates i, f, g, o as (T*N, 4H) in x's row order,
//         then c and tanh(c), each (T, N, H) time-major.
//   GRU:  (T, N, 4H) time-major: r, z, n and W_hn h + b_hn.
#include "backend/rnn_kernels.h"
#include "tensor/creation.h"

namespace nw {

// The device-neutral kernels; one instance serves every device and floating dtype.
RnnKernels& generic_rnn_kernels();

namespace generic_rnn {

class GenericRnnKernels final : public RnnKernels {
 public:
  Tensor lstm_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) override;
  RnnGrads lstm_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) override;
  Tensor gru_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) override;
  RnnGrads gru_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) override;
};

// Step t of a per-row sequence tensor seq (T, N, C) time-major or (N, T, C) batch-first: (N, C).
Tensor step(const RnnLayerDesc& d, const Tensor& seq, int64_t t);
// A (T*N, C) buffer in x's row order seen as (T, N, C) or (N, T, C), so that step() applies.
Tensor as_seq(const RnnLayerDesc& d, const Tensor& rows);
// The h_{t-1} of every row of x, (T*N, H) in x's row order: hx (or zeros) at t = 0, y's step
// t - 1 otherwise.
Tensor previous_hidden(const RnnLayerDesc& d, const Tensor& y, const Tensor& hx);
// Writes src into the tensor (or view) dst refers to; dst may be a const handle of the args.
inline void write(Tensor dst, const Tensor& src) {
  dst.copy_(src);
}
// Throws DTypeError unless x is floating (the kernels work in x's dtype).
void check_dtype(const Tensor& x, const char* kernel);
// x's dtype on x's device.
TensorOptions options_of(const Tensor& x);

}  // namespace generic_rnn
}  // namespace nw
