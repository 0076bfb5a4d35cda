// The CPU GRU layer kernel, forward and backward through time (see cpu_rnn.h for the plan).
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h
// Unlike the LSTM, the hidden projection of the n gate is scaled by r before it is added, so each
// step's h w_hh^T goes to its own buffer. The reserve holds r, z, n and W_hn h + b_hn per
// (step, sequence) row, time-major.
#include <algorithm>

#include "cpu/cpu_rnn.h"
#include "cpu/rnn_math.h"
#include "cpu/rnn_slices.h"
#include "tensor/creation.h"

namespace nw::cpu {

using rnn::gemm;
using rnn::SeqRows;

namespace {

template <typename T>
struct GruStep {
  int64_t batch, hidden;
  const T* gx;  // row n at gx + n * gx_ld: x w_ih^T
  int64_t gx_ld;
  const T* gh;  // (N, 3H): h w_hh^T
  const T* b_ih;
  const T* b_hh;
  const T* h_prev;  // row n at h_prev + n * h_prev_ld (0 for a row of zeros)
  int64_t h_prev_ld;
  T* saved;  // (N, 4H): r, z, n, W_hn h + b_hn
  T* h;      // row n at h + n * h_ld
  int64_t h_ld;
};

template <typename T>
NW_RNN_INLINE void gru_cell(int64_t H, const T* __restrict gx, const T* __restrict gh,
                            const T* __restrict bi, const T* __restrict bh,
                            const T* __restrict h_prev, T* __restrict s, T* __restrict h) {
  // The gate blocks of one row never overlap; without this GCC gives up on alias checks.
#pragma GCC ivdep
  for (int64_t j = 0; j < H; ++j) {
    const T r = rnn_math::sigmoid(gx[j] + bi[j] + gh[j] + bh[j]);
    const T z = rnn_math::sigmoid(gx[H + j] + bi[H + j] + gh[H + j] + bh[H + j]);
    const T hn = gh[2 * H + j] + bh[2 * H + j];
    const T n = rnn_math::tanh(gx[2 * H + j] + bi[2 * H + j] + r * hn);
    s[j] = r;
    s[H + j] = z;
    s[2 * H + j] = n;
    s[3 * H + j] = hn;
    h[j] = n + z * (h_prev[j] - n);
  }
}

template <typename T>
NW_RNN_INLINE void gru_step_impl(const GruStep<T>& s) {
  const int64_t H = s.hidden;
  for (int64_t n = 0; n < s.batch; ++n)
    gru_cell(H, s.gx + n * s.gx_ld, s.gh + n * 3 * H, s.b_ih, s.b_hh, s.h_prev + n * s.h_prev_ld,
             s.saved + n * 4 * H, s.h + n * s.h_ld);
}

NW_RNN_SIMD void gru_step(const GruStep<float>& s) {
  gru_step_impl(s);
}
void gru_step(const GruStep<double>& s) {
  gru_step_impl(s);
}

template <typename T>
struct GruStepBack {
  int64_t batch, hidden;
  const T* saved;   // (N, 4H) from the forward
  const T* h_prev;  // as in GruStep
  int64_t h_prev_ld;
  const T* dy;  // row n at dy + n * dy_ld (0 for a row of zeros)
  int64_t dy_ld;
  T* dh;   // (N, H) in: gradient reaching h from step t + 1; out: its direct part for h_prev
  T* dgx;  // rows at dgx + n * dg_ld: gradients of x w_ih^T + b_ih
  T* dgh;  // same rows: gradients of h w_hh^T + b_hh
  int64_t dg_ld;
  T* db_ih;
  T* db_hh;
};

template <typename T>
NW_RNN_INLINE void gru_cell_back(int64_t H, const T* __restrict s, const T* __restrict h_prev,
                                 const T* __restrict dy, T* __restrict dh, T* __restrict dgx,
                                 T* __restrict dgh, T* __restrict dbi, T* __restrict dbh) {
  // The gate blocks of one row never overlap; without this GCC gives up on alias checks.
#pragma GCC ivdep
  for (int64_t j = 0; j < H; ++j) {
    const T r = s[j], z = s[H + j], n = s[2 * H + j], hn = s[3 * H + j];
    const T g = dy[j] + dh[j];
    const T dn = g * (T(1) - z) * (T(1) - n * n);
    const T dz = g * (h_prev[j] - n) * z * (T(1) - z);
    const T dr = dn * hn * r * (T(1) - r);
    dh[j] = g * z;
    dgx[j] = dr;
    dgx[H + j] = dz;
    dgx[2 * H + j] = dn;
    dgh[j] = dr;
    dgh[H + j] = dz;
    dgh[2 * H + j] = dn * r;
    dbi[j] += dr;
    dbi[H + j] += dz;
    dbi[2 * H + j] += dn;
    dbh[j] += dr;
    dbh[H + j] += dz;
    dbh[2 * H + j] += dn * r;
  }
}

template <typename T>
NW_RNN_INLINE void gru_step_back_impl(const GruStepBack<T>& s) {
  const int64_t H = s.hidden;
  for (int64_t n = 0; n < s.batch; ++n)
    gru_cell_back(H, s.saved + n * 4 * H, s.h_prev + n * s.h_prev_ld, s.dy + n * s.dy_ld,
                  s.dh + n * H, s.dgx + n * s.dg_ld, s.dgh + n * s.dg_ld, s.db_ih, s.db_hh);
}

NW_RNN_SIMD void gru_step_back(const GruStepBack<float>& s) {
  gru_step_back_impl(s);
}
void gru_step_back(const GruStepBack<double>& s) {
  gru_step_back_impl(s);
}

// h_{t-1} of step t: y's previous step, hx, or a row of zeros (leading dimension 0).
template <typename T>
std::pair<const T*, int64_t> previous_hidden(const SeqRows& r, int64_t t, int64_t H, const T* y,
                                             const Tensor& hx, const T* zeros) {
  if (t > 0) return {y + (t - 1) * r.step * H, r.batch * H};
  if (hx.defined()) return {hx.data_ptr<T>(), H};
  return {zeros, 0};
}

template <typename T>
Tensor forward(const RnnLayerDesc& d, const RnnForwardArgs& a) {
  const int64_t T_ = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 3 * H;
  const int64_t rows = T_ * N;
  const SeqRows r(d);
  const TensorOptions opts(a.x.dtype());
  Tensor reserve = empty({rows * 4 * H}, opts);
  Tensor gx_t = empty({rows, G}, opts), gh_t = zeros({N, G}, opts);
  T* gx = gx_t.data_ptr<T>();
  T* gh = gh_t.data_ptr<T>();
  T* y = a.y.data_ptr<T>();
  const T* w_hh = a.w.w_hh.data_ptr<T>();
  const std::vector<T> b_ih = rnn::bias_or_zeros<T>(a.w.b_ih, G);
  const std::vector<T> b_hh = rnn::bias_or_zeros<T>(a.w.b_hh, G);
  const std::vector<T> zero_row(size_t(H), T(0));

  gemm<T>(false, true, rows, G, I, T(1), a.x.data_ptr<T>(), I, a.w.w_ih.data_ptr<T>(), I, T(0), gx,
          G);
  const int slices = rnn::batch_slices(N);
  rnn::for_each_slice(N, slices, [&](int, int64_t n0, int64_t n) {
    const int64_t row0 = n0 * r.batch;  // sequence n0's row at step 0
    T* gh_s = gh + n0 * G;
    for (int64_t t = 0; t < T_; ++t) {
      auto [h_prev, h_ld] = previous_hidden<T>(r, t, H, y, a.hx, zero_row.data());
      h_prev += n0 * h_ld;
      if (h_ld != 0) gemm<T>(false, true, n, G, H, T(1), h_prev, h_ld, w_hh, H, T(0), gh_s, G);
      gru_step(GruStep<T>{n, H, gx + (t * r.step + row0) * G, r.batch * G, gh_s, b_ih.data(),
                          b_hh.data(), h_prev, h_ld, reserve.data_ptr<T>() + (t * N + n0) * 4 * H,
                          y + (t * r.step + row0) * H, r.batch * H});
    }
  });
  rnn::copy_last_step<T>(d, a.y, a.hy);
  return reserve;
}

template <typename T>
RnnGrads backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) {
  const int64_t T_ = d.seq_len, N = d.batch, I = d.input_size, H = d.hidden_size, G = 3 * H;
  const int64_t rows = T_ * N;
  const SeqRows r(d);
  const TensorOptions opts(a.x.dtype());
  const T* saved = a.reserve.data_ptr<T>();
  const T* y = a.y.data_ptr<T>();
  const std::vector<T> zero_row(size_t(H), T(0));
  const T* dy = a.dy.defined() ? a.dy.data_ptr<T>() : zero_row.data();
  const int64_t dy_ld = a.dy.defined() ? r.batch * H : 0;
  const int64_t dy_step = a.dy.defined() ? r.step * H : 0;

  Tensor dgx_t = empty({rows, G}, opts), dgh_t = empty({rows, G}, opts);
  T* dgx = dgx_t.data_ptr<T>();
  T* dgh = dgh_t.data_ptr<T>();
  std::vector<T> dh(size_t(N * H), T(0)), db_ih(size_t(G), T(0)), db_hh(size_t(G), T(0));
  if (a.dhy.defined()) std::copy_n(a.dhy.data_ptr<T>(), N * H, dh.begin());
  const T* w_hh = a.w.w_hh.data_ptr<T>();

  const bool last_dh = a.need_dhx && a.hx.defined();
  const int slices = rnn::batch_slices(N);
  // Each slice sums its own bias gradients (ih, then hh); adding the slices afterwards keeps the
  // result independent of scheduling (for a fixed thread count).
  std::vector<T> db_parts(size_t(slices * 2 * G), T(0));
  rnn::for_each_slice(N, slices, [&](int s, int64_t n0, int64_t n) {
    const int64_t row0 = n0 * r.batch;
    T* dh_s = dh.data() + n0 * H;
    T* db_s = db_parts.data() + s * 2 * G;
    for (int64_t t = T_ - 1; t >= 0; --t) {
      auto [h_prev, h_ld] = previous_hidden<T>(r, t, H, y, a.hx, zero_row.data());
      h_prev += n0 * h_ld;
      const int64_t off = (t * r.step + row0) * G;
      gru_step_back(GruStepBack<T>{n, H, saved + (t * N + n0) * 4 * H, h_prev, h_ld,
                                   dy + t * dy_step + n0 * dy_ld, dy_ld, dh_s, dgx + off, dgh + off,
                                   r.batch * G, db_s, db_s + G});
      if (t > 0) rnn::prefetch_rows(saved + ((t - 1) * N + n0) * 4 * H, 1, n * 4 * H, 0);
      if (t > 1) rnn::prefetch_rows(y + ((t - 2) * r.step + row0) * H, n, H, r.batch * H);
      if (t > 0 || last_dh)
        gemm<T>(false, false, n, H, G, T(1), dgh + off, r.batch * G, w_hh, H, T(1), dh_s, H);
    }
  });
  for (int s = 0; s < slices; ++s)
    for (int64_t j = 0; j < G; ++j) {
      db_ih[size_t(j)] += db_parts[size_t(s * 2 * G + j)];
      db_hh[size_t(j)] += db_parts[size_t(s * 2 * G + G + j)];
    }

  RnnGrads out;
  if (a.need_dhx && a.hx.defined()) {
    out.dhx = empty({N, H}, opts);
    std::copy(dh.begin(), dh.end(), out.dhx.data_ptr<T>());
  }
  if (a.need_dx) {
    out.dx = empty(a.x.sizes(), opts);
    gemm<T>(false, false, rows, I, G, T(1), dgx, G, a.w.w_ih.data_ptr<T>(), I, T(0),
            out.dx.data_ptr<T>(), I);
  }
  if (a.need_dweights) {
    out.dw.w_ih = empty(a.w.w_ih.sizes(), opts);
    gemm<T>(true, false, G, I, rows, T(1), dgx, G, a.x.data_ptr<T>(), I, T(0),
            out.dw.w_ih.data_ptr<T>(), I);
    out.dw.w_hh = empty(a.w.w_hh.sizes(), opts);
    rnn::hidden_weight_grad<T>(d, dgh, G, a.y, a.hx, out.dw.w_hh);
    if (a.w.b_ih.defined()) {
      out.dw.b_ih = empty({G}, opts);
      std::copy(db_ih.begin(), db_ih.end(), out.dw.b_ih.data_ptr<T>());
    }
    if (a.w.b_hh.defined()) {
      out.dw.b_hh = empty({G}, opts);
      std::copy(db_hh.begin(), db_hh.end(), out.dw.b_hh.data_ptr<T>());
    }
  }
  return out;
}

}  // namespace

Tensor CpuRnnKernels::gru_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) {
  rnn::check_kernel_dtype(a.x, "gru_forward");
  return a.x.dtype() == kFloat32 ? forward<float>(d, a) : forward<double>(d, a);
}

RnnGrads CpuRnnKernels::gru_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) {
  rnn::check_kernel_dtype(a.x, "gru_backward");
  return a.x.dtype() == kFloat32 ? backward<float>(d, a) : backward<double>(d, a);
}

}  // namespace nw::cpu
