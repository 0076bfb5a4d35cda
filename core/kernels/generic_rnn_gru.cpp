// The generic GRU layer kernel, forward and backward through time, in device-neutral tensor ops
// (see generic_rnn_kernels.h for the plan and the reserve's layout).
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h
#include "autograd/grad_mode.h"
#include "kernels/generic_rnn_kernels.h"
#include "tensor/ops.h"

namespace nw::generic_rnn {

Tensor GenericRnnKernels::gru_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) {
  check_dtype(a.x, "gru_forward");
  NoGradGuard no_grad;
  const int64_t T = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 3 * H;
  const TensorOptions opts = options_of(a.x);
  Tensor reserve = empty({T * N * 4 * H}, opts);
  const Tensor saved_all = reserve.view({T, N, 4 * H});
  Tensor gx_rows = matmul(a.x.reshape({T * N, I}), a.w.w_ih.t());
  if (a.w.b_ih.defined()) gx_rows = gx_rows + a.w.b_ih;
  const Tensor gx = as_seq(d, gx_rows), w_hh_t = a.w.w_hh.t();

  for (int64_t t = 0; t < T; ++t) {
    const Tensor x_t = step(d, gx, t);  // (N, 3H): x w_ih^T + b_ih
    const Tensor h_prev = t == 0 ? a.hx : step(d, a.y, t - 1);
    // h w_hh^T + b_hh; without a previous state or a bias it is zero.
    Tensor h_t = h_prev.defined() ? matmul(h_prev, w_hh_t) : zeros({N, G}, opts);
    if (a.w.b_hh.defined()) h_t = h_t + a.w.b_hh;
    const Tensor rz = sigmoid(x_t.narrow(1, 0, 2 * H) + h_t.narrow(1, 0, 2 * H));
    const Tensor r = rz.narrow(1, 0, H), z = rz.narrow(1, H, H), hn = h_t.narrow(1, 2 * H, H);
    const Tensor n = tanh(x_t.narrow(1, 2 * H, H) + r * hn);
    const Tensor saved = saved_all[t];
    saved.narrow(1, 0, 2 * H).copy_(rz);
    saved.narrow(1, 2 * H, H).copy_(n);
    saved.narrow(1, 3 * H, H).copy_(hn);
    step(d, a.y, t).copy_(h_prev.defined() ? n + z * (h_prev - n) : n - z * n);
  }
  if (a.hy.defined()) write(a.hy, step(d, a.y, T - 1));
  return reserve;
}

RnnGrads GenericRnnKernels::gru_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) {
  check_dtype(a.x, "gru_backward");
  NoGradGuard no_grad;
  const int64_t T = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 3 * H;
  const TensorOptions opts = options_of(a.x);
  const Tensor saved_all = a.reserve.view({T, N, 4 * H});
  // Gradients of x w_ih^T + b_ih and of h w_hh^T + b_hh, (T*N, 3H) in x's row order.
  const Tensor dgx_rows = empty({T * N, G}, opts), dgx = as_seq(d, dgx_rows);
  const Tensor dgh_rows = empty({T * N, G}, opts), dgh = as_seq(d, dgh_rows);
  const bool want_dhx = a.need_dhx && a.hx.defined();
  Tensor dh = a.dhy.defined() ? a.dhy.clone() : zeros({N, H}, opts);

  for (int64_t t = T - 1; t >= 0; --t) {
    const Tensor s = saved_all[t];
    const Tensor r = s.narrow(1, 0, H), z = s.narrow(1, H, H), n = s.narrow(1, 2 * H, H),
                 hn = s.narrow(1, 3 * H, H);
    const Tensor h_prev = t == 0 ? a.hx : step(d, a.y, t - 1);
    const Tensor g = a.dy.defined() ? step(d, a.dy, t) + dh : dh;
    const Tensor dn = g * (1.0 - z) * (1.0 - n * n);
    const Tensor dz = (h_prev.defined() ? g * (h_prev - n) : -(g * n)) * z * (1.0 - z);
    const Tensor dr = dn * hn * r * (1.0 - r);
    Tensor dx_t = step(d, dgx, t), dh_t = step(d, dgh, t);
    dx_t.narrow(1, 0, H).copy_(dr);
    dx_t.narrow(1, H, H).copy_(dz);
    dx_t.narrow(1, 2 * H, H).copy_(dn);
    dh_t.narrow(1, 0, 2 * H).copy_(dx_t.narrow(1, 0, 2 * H));
    dh_t.narrow(1, 2 * H, H).copy_(dn * r);
    dh = g * z;
    if (t > 0 || want_dhx) dh = dh + matmul(dh_t, a.w.w_hh);
  }

  RnnGrads out;
  if (want_dhx) out.dhx = dh;
  if (a.need_dx) out.dx = matmul(dgx_rows, a.w.w_ih).view(a.x.sizes());
  if (a.need_dweights) {
    out.dw.w_ih = matmul(dgx_rows.t(), a.x.reshape({T * N, I}));
    out.dw.w_hh = matmul(dgh_rows.t(), previous_hidden(d, a.y, a.hx));
    if (a.w.b_ih.defined()) out.dw.b_ih = dgx_rows.sum({0});
    if (a.w.b_hh.defined()) out.dw.b_hh = dgh_rows.sum({0});
  }
  return out;
}

}  // namespace nw::generic_rnn
