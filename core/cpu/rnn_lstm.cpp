// The CPU LSTM layer kernel, forward and backward through time (see cpu_rnn.h for the plan).
//   gates = x w_ih^T + b_ih + h w_hh^T + b_hh, split as i, f, g, o
//   c' = sigmoid(f) c + sigmoid(i) tanh(g),  h' = sigmoid(o) tanh(c')
// The reserve holds, per (step, sequence) row: the four activated gates (in x's row order, where
// the input GEMM put them), then c and tanh(c) (time-major).
#include <algorithm>
#include <cstring>

#include "cpu/cpu_rnn.h"
#include "cpu/rnn_math.h"
#include "cpu/rnn_slices.h"
#include "tensor/creation.h"

namespace nw::cpu {

using rnn::gemm;
using rnn::SeqRows;

namespace {

template <typename T>
struct LstmStep {
  int64_t batch, hidden;
  T* gates;  // row n at gates + n * gates_ld: pre-activations in, activations out
  int64_t gates_ld;
  const T* bias;    // (4H) b_ih + b_hh
  const T* c_prev;  // (N, H)
  T* c;             // (N, H)
  T* tanh_c;        // (N, H)
  T* h;             // row n at h + n * h_ld
  int64_t h_ld;
};

template <typename T>
NW_RNN_INLINE void lstm_cell(int64_t H, T* __restrict g, const T* __restrict bias,
                             const T* __restrict c_prev, T* __restrict c, T* __restrict tanh_c,
                             T* __restrict h) {
  // The gate blocks of one row never overlap; without this GCC gives up on alias checks.
#pragma GCC ivdep
  for (int64_t j = 0; j < H; ++j) {
    const T i = rnn_math::sigmoid(g[j] + bias[j]);
    const T f = rnn_math::sigmoid(g[H + j] + bias[H + j]);
    const T gg = rnn_math::tanh(g[2 * H + j] + bias[2 * H + j]);
    const T o = rnn_math::sigmoid(g[3 * H + j] + bias[3 * H + j]);
    const T cj = f * c_prev[j] + i * gg;
    const T tc = rnn_math::tanh(cj);
    g[j] = i;
    g[H + j] = f;
    g[2 * H + j] = gg;
    g[3 * H + j] = o;
    c[j] = cj;
    tanh_c[j] = tc;
    h[j] = o * tc;
  }
}

template <typename T>
NW_RNN_INLINE void lstm_step_impl(const LstmStep<T>& s) {
  const int64_t H = s.hidden;
  for (int64_t n = 0; n < s.batch; ++n)
    lstm_cell(H, s.gates + n * s.gates_ld, s.bias, s.c_prev + n * H, s.c + n * H, s.tanh_c + n * H,
              s.h + n * s.h_ld);
}

NW_RNN_SIMD void lstm_step(const LstmStep<float>& s) {
  lstm_step_impl(s);
}
void lstm_step(const LstmStep<double>& s) {
  lstm_step_impl(s);
}

template <typename T>
struct LstmStepBack {
  int64_t batch, hidden;
  const T* act;  // activated gates, row n at act + n * act_ld
  int64_t act_ld;
  const T* c_prev;  // (N, H)
  const T* tanh_c;  // (N, H)
  const T* dy;      // row n at dy + n * dy_ld (dy_ld 0 for a row of zeros)
  int64_t dy_ld;
  const T* dh;  // (N, H) gradient reaching h from step t + 1
  T* dc;        // (N, H) in: gradient of c from step t + 1; out: of c_prev
  T* dgates;    // row n at dgates + n * act_ld: gradients of the gate pre-activations
  T* dbias;     // (4H) accumulates the gate gradients
};

template <typename T>
NW_RNN_INLINE void lstm_cell_back(int64_t H, const T* __restrict a, const T* __restrict c_prev,
                                  const T* __restrict tanh_c, const T* __restrict dy,
                                  const T* __restrict dh_next, T* __restrict dc, T* __restrict dg,
                                  T* __restrict db) {
  // The gate blocks of one row never overlap; without this GCC gives up on alias checks.
#pragma GCC ivdep
  for (int64_t j = 0; j < H; ++j) {
    const T i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
    const T tc = tanh_c[j];
    const T dh = dy[j] + dh_next[j];
    const T dcj = dc[j] + dh * o * (T(1) - tc * tc);
    const T di = dcj * gg * i * (T(1) - i);
    const T df = dcj * c_prev[j] * f * (T(1) - f);
    const T dgg = dcj * i * (T(1) - gg * gg);
    const T d_o = dh * tc * o * (T(1) - o);
    dc[j] = dcj * f;
    dg[j] = di;
    dg[H + j] = df;
    dg[2 * H + j] = dgg;
    dg[3 * H + j] = d_o;
    db[j] += di;
    db[H + j] += df;
    db[2 * H + j] += dgg;
    db[3 * H + j] += d_o;
  }
}

template <typename T>
NW_RNN_INLINE void lstm_step_back_impl(const LstmStepBack<T>& s) {
  const int64_t H = s.hidden;
  for (int64_t n = 0; n < s.batch; ++n)
    lstm_cell_back(H, s.act + n * s.act_ld, s.c_prev + n * H, s.tanh_c + n * H, s.dy + n * s.dy_ld,
                   s.dh + n * H, s.dc + n * H, s.dgates + n * s.act_ld, s.dbias);
}

NW_RNN_SIMD void lstm_step_back(const LstmStepBack<float>& s) {
  lstm_step_back_impl(s);
}
void lstm_step_back(const LstmStepBack<double>& s) {
  lstm_step_back_impl(s);
}

template <typename T>
const T* ptr_or(const Tensor& t, const T* fallback) {
  return t.defined() ? t.data_ptr<T>() : fallback;
}

template <typename T>
Tensor forward(const RnnLayerDesc& d, const RnnForwardArgs& a) {
  const int64_t T_ = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 4 * H;
  const int64_t rows = T_ * N;
  const SeqRows r(d);
  Tensor reserve = empty({rows * (G + 2 * H)}, TensorOptions(a.x.dtype()));
  T* gates = reserve.data_ptr<T>();
  T* cells = gates + rows * G;
  T* tanh_c = cells + rows * H;
  T* y = a.y.data_ptr<T>();
  const T* w_hh = a.w.w_hh.data_ptr<T>();
  const std::vector<T> bias = rnn::summed_bias<T>(a.w, G);
  const std::vector<T> zeros(size_t(N * H), T(0));

  gemm<T>(false, true, rows, G, I, T(1), a.x.data_ptr<T>(), I, a.w.w_ih.data_ptr<T>(), I, T(0),
          gates, G);
  const T* hx = ptr_or<T>(a.hx, nullptr);
  const T* cx = ptr_or<T>(a.cx, zeros.data());
  const int slices = rnn::batch_slices(N);
  rnn::for_each_slice(N, slices, [&](int, int64_t n0, int64_t n) {
    const int64_t row0 = n0 * r.batch;  // sequence n0's row at step 0
    for (int64_t t = 0; t < T_; ++t) {
      T* g = gates + (t * r.step + row0) * G;
      const T* h_prev = t == 0 ? (hx ? hx + n0 * H : nullptr) : y + ((t - 1) * r.step + row0) * H;
      const int64_t h_ld = t == 0 ? H : r.batch * H;
      if (h_prev) gemm<T>(false, true, n, G, H, T(1), h_prev, h_ld, w_hh, H, T(1), g, r.batch * G);
      const T* c_prev = (t == 0 ? cx : cells + (t - 1) * N * H) + n0 * H;
      lstm_step(LstmStep<T>{n, H, g, r.batch * G, bias.data(), c_prev, cells + (t * N + n0) * H,
                            tanh_c + (t * N + n0) * H, y + (t * r.step + row0) * H, r.batch * H});
    }
  });
  rnn::copy_last_step<T>(d, a.y, a.hy);
  if (a.cy.defined())
    std::memcpy(a.cy.data_ptr<T>(), cells + (T_ - 1) * N * H, size_t(N * H) * sizeof(T));
  return reserve;
}

template <typename T>
RnnGrads backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) {
  const int64_t T_ = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 4 * H;
  const int64_t rows = T_ * N;
  const SeqRows r(d);
  const T* gates = a.reserve.data_ptr<T>();
  const T* cells = gates + rows * G;
  const T* tanh_c = cells + rows * H;
  const std::vector<T> zeros(size_t(N * H), T(0));
  const T* dy = ptr_or<T>(a.dy, zeros.data());
  const int64_t dy_ld = a.dy.defined() ? r.batch * H : 0;
  const int64_t dy_step = a.dy.defined() ? r.step * H : 0;

  Tensor dgates_t = empty({rows, G}, TensorOptions(a.x.dtype()));
  T* dgates = dgates_t.data_ptr<T>();
  // dh: gradient reaching h_{t} from step t + 1 (dhy at the last step); dc likewise for c_t.
  std::vector<T> dh(zeros), dc(zeros), dbias(size_t(G), T(0));
  if (a.dhy.defined()) std::copy_n(a.dhy.data_ptr<T>(), N * H, dh.begin());
  if (a.dcy.defined()) std::copy_n(a.dcy.data_ptr<T>(), N * H, dc.begin());
  const T* w_hh = a.w.w_hh.data_ptr<T>();

  const T* cx = ptr_or<T>(a.cx, zeros.data());
  const bool last_dh = a.need_dhx && a.hx.defined();
  const int slices = rnn::batch_slices(N);
  // Each slice sums its own bias gradients; adding the slices afterwards keeps the result
  // independent of scheduling (for a fixed thread count).
  std::vector<T> dbias_parts(size_t(slices * G), T(0));
  rnn::for_each_slice(N, slices, [&](int s, int64_t n0, int64_t n) {
    const int64_t row0 = n0 * r.batch;
    T* dh_s = dh.data() + n0 * H;
    T* dc_s = dc.data() + n0 * H;
    for (int64_t t = T_ - 1; t >= 0; --t) {
      const T* c_prev = (t == 0 ? cx : cells + (t - 1) * N * H) + n0 * H;
      T* dg = dgates + (t * r.step + row0) * G;
      lstm_step_back(LstmStepBack<T>{n, H, gates + (t * r.step + row0) * G, r.batch * G, c_prev,
                                     tanh_c + (t * N + n0) * H, dy + t * dy_step + n0 * dy_ld,
                                     dy_ld, dh_s, dc_s, dg, dbias_parts.data() + s * G});
      if (t > 0) {
        rnn::prefetch_rows(gates + ((t - 1) * r.step + row0) * G, n, G, r.batch * G);
        rnn::prefetch_rows(tanh_c + ((t - 1) * N + n0) * H, 1, n * H, 0);
        if (t > 1) rnn::prefetch_rows(cells + ((t - 2) * N + n0) * H, 1, n * H, 0);
      }
      if (t > 0 || last_dh)
        gemm<T>(false, false, n, H, G, T(1), dg, r.batch * G, w_hh, H, T(0), dh_s, H);
    }
  });
  for (int s = 0; s < slices; ++s)
    for (int64_t j = 0; j < G; ++j) dbias[size_t(j)] += dbias_parts[size_t(s * G + j)];

  RnnGrads out;
  if (a.need_dhx && a.hx.defined()) {
    out.dhx = empty({N, H}, TensorOptions(a.x.dtype()));
    std::copy(dh.begin(), dh.end(), out.dhx.data_ptr<T>());
  }
  if (a.need_dcx && a.cx.defined()) {
    out.dcx = empty({N, H}, TensorOptions(a.x.dtype()));
    std::copy(dc.begin(), dc.end(), out.dcx.data_ptr<T>());
  }
  if (a.need_dx) {
    out.dx = empty(a.x.sizes(), TensorOptions(a.x.dtype()));
    gemm<T>(false, false, rows, I, G, T(1), dgates, G, a.w.w_ih.data_ptr<T>(), I, T(0),
            out.dx.data_ptr<T>(), I);
  }
  if (a.need_dweights) {
    out.dw.w_ih = empty(a.w.w_ih.sizes(), TensorOptions(a.x.dtype()));
    gemm<T>(true, false, G, I, rows, T(1), dgates, G, a.x.data_ptr<T>(), I, T(0),
            out.dw.w_ih.data_ptr<T>(), I);
    out.dw.w_hh = empty(a.w.w_hh.sizes(), TensorOptions(a.x.dtype()));
    rnn::hidden_weight_grad<T>(d, dgates, G, a.y, a.hx, out.dw.w_hh);
    // Both biases enter every gate pre-activation once, so both get the summed gate gradients.
    for (Tensor* db : {&out.dw.b_ih, &out.dw.b_hh}) {
      const Tensor& b = db == &out.dw.b_ih ? a.w.b_ih : a.w.b_hh;
      if (!b.defined()) continue;
      *db = empty({G}, TensorOptions(a.x.dtype()));
      std::copy(dbias.begin(), dbias.end(), db->data_ptr<T>());
    }
  }
  return out;
}

}  // namespace

Tensor CpuRnnKernels::lstm_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) {
  rnn::check_kernel_dtype(a.x, "lstm_forward");
  return a.x.dtype() == kFloat32 ? forward<float>(d, a) : forward<double>(d, a);
}

RnnGrads CpuRnnKernels::lstm_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) {
  rnn::check_kernel_dtype(a.x, "lstm_backward");
  return a.x.dtype() == kFloat32 ? backward<float>(d, a) : backward<double>(d, a);
}

}  // namespace nw::cpu
