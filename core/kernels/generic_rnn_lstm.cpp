// The generic LSTM layer kernel, forward and backward through time, in device-neutral tensor ops
// (see generic_rnn_kernels.h for the plan and the reserve's layout).
//   gates = x w_ih^T + h w_hh^T + b_ih + b_hh, split as i, f, g, o
//   c' = sigmoid(f) c + sigmoid(i) tanh(g),  h' = sigmoid(o) tanh(c')
#include "autograd/grad_mode.h"
#include "kernels/generic_rnn_kernels.h"
#include "tensor/ops.h"

namespace nw::generic_rnn {

namespace {

// Views of the reserve: the activated gates (T*N, 4H) in x's row order, c and tanh(c) (T, N, H).
struct LstmReserve {
  Tensor gates, cells, tanh_c;
};

LstmReserve split_reserve(const RnnLayerDesc& d, const Tensor& reserve) {
  const int64_t T = d.seq_len, N = d.batch, H = d.hidden_size, rows = T * N, G = 4 * H;
  return {reserve.narrow(0, 0, rows * G).view({rows, G}),
          reserve.narrow(0, rows * G, rows * H).view({T, N, H}),
          reserve.narrow(0, rows * (G + H), rows * H).view({T, N, H})};
}

// b_ih + b_hh, the bias every gate adds once; undefined without biases.
Tensor summed_bias(const RnnWeights& w) {
  if (w.b_ih.defined() && w.b_hh.defined()) return w.b_ih + w.b_hh;
  return w.b_ih.defined() ? w.b_ih : w.b_hh;
}

}  // namespace

Tensor GenericRnnKernels::lstm_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) {
  check_dtype(a.x, "lstm_forward");
  NoGradGuard no_grad;
  const int64_t T = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 4 * H;
  Tensor reserve = empty({T * N * (G + 2 * H)}, options_of(a.x));
  const LstmReserve r = split_reserve(d, reserve);
  write(r.gates, matmul(a.x.reshape({T * N, I}), a.w.w_ih.t()));
  const Tensor gates = as_seq(d, r.gates), w_hh_t = a.w.w_hh.t(), bias = summed_bias(a.w);

  for (int64_t t = 0; t < T; ++t) {
    Tensor g = step(d, gates, t);  // (N, 4H): x w_ih^T in, activations out
    const Tensor h_prev = t == 0 ? a.hx : step(d, a.y, t - 1);
    Tensor pre = g;
    if (h_prev.defined()) pre = pre + matmul(h_prev, w_hh_t);
    if (bias.defined()) pre = pre + bias;
    Tensor act = sigmoid(pre);
    act.narrow(1, 2 * H, H).copy_(tanh(pre.narrow(1, 2 * H, H)));
    g.copy_(act);
    const Tensor i = act.narrow(1, 0, H), f = act.narrow(1, H, H), gg = act.narrow(1, 2 * H, H),
                 o = act.narrow(1, 3 * H, H);
    const Tensor c_prev = t == 0 ? a.cx : r.cells[t - 1];
    const Tensor c = c_prev.defined() ? f * c_prev + i * gg : i * gg;
    const Tensor tc = tanh(c);
    r.cells[t].copy_(c);
    r.tanh_c[t].copy_(tc);
    step(d, a.y, t).copy_(o * tc);
  }
  if (a.hy.defined()) write(a.hy, step(d, a.y, T - 1));
  if (a.cy.defined()) write(a.cy, r.cells[T - 1]);
  return reserve;
}

RnnGrads GenericRnnKernels::lstm_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) {
  check_dtype(a.x, "lstm_backward");
  NoGradGuard no_grad;
  const int64_t T = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 4 * H;
  const TensorOptions opts = options_of(a.x);
  const LstmReserve r = split_reserve(d, a.reserve);
  const Tensor gates = as_seq(d, r.gates);
  const Tensor dgates_rows = empty({T * N, G}, opts), dgates = as_seq(d, dgates_rows);
  const bool want_dhx = a.need_dhx && a.hx.defined();
  // dh: the gradient reaching h_t from step t + 1 (dhy at the last step); dc likewise for c_t.
  Tensor dh = a.dhy.defined() ? a.dhy.clone() : zeros({N, H}, opts);
  Tensor dc = a.dcy.defined() ? a.dcy.clone() : zeros({N, H}, opts);

  for (int64_t t = T - 1; t >= 0; --t) {
    const Tensor act = step(d, gates, t);
    const Tensor i = act.narrow(1, 0, H), f = act.narrow(1, H, H), gg = act.narrow(1, 2 * H, H),
                 o = act.narrow(1, 3 * H, H);
    const Tensor tc = r.tanh_c[t];
    const Tensor c_prev = t == 0 ? a.cx : r.cells[t - 1];
    const Tensor dht = a.dy.defined() ? step(d, a.dy, t) + dh : dh;
    const Tensor dct = dc + dht * o * (1.0 - tc * tc);
    Tensor dg = step(d, dgates, t);
    dg.narrow(1, 0, H).copy_(dct * gg * i * (1.0 - i));
    if (c_prev.defined())
      dg.narrow(1, H, H).copy_(dct * c_prev * f * (1.0 - f));
    else
      dg.narrow(1, H, H).zero_();
    dg.narrow(1, 2 * H, H).copy_(dct * i * (1.0 - gg * gg));
    dg.narrow(1, 3 * H, H).copy_(dht * tc * o * (1.0 - o));
    dc = dct * f;
    if (t > 0 || want_dhx) dh = matmul(dg, a.w.w_hh);
  }

  RnnGrads out;
  if (want_dhx) out.dhx = dh;
  if (a.need_dcx && a.cx.defined()) out.dcx = dc;
  if (a.need_dx) out.dx = matmul(dgates_rows, a.w.w_ih).view(a.x.sizes());
  if (a.need_dweights) {
    out.dw.w_ih = matmul(dgates_rows.t(), a.x.reshape({T * N, I}));
    out.dw.w_hh = matmul(dgates_rows.t(), previous_hidden(d, a.y, a.hx));
    // Both biases enter every gate pre-activation once, so both get the summed gate gradients.
    if (a.w.b_ih.defined()) out.dw.b_ih = dgates_rows.sum({0});
    if (a.w.b_hh.defined()) out.dw.b_hh = dgates_rows.sum({0});
  }
  return out;
}

}  // namespace nw::generic_rnn
