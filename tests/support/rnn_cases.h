#pragma once
// The cases of the RNN kernel comparisons (tests/core/kernels/tst_generic_rnn_kernels.cpp: the
// generic kernels against the CPU's; tests/gpu/tst_cuda_rnn_kernels.cpp: CUDA's against the
// CPU's): one layer's inputs from a seed, one forward and backward through a kernel set, and
// every difference between two runs.
#include <QtTest>

#include <string>

#include "backend/rnn_kernels.h"
#include "support/fixtures.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

namespace nw::test::rnn {

constexpr int64_t kInput = 5, kHidden = 3;  // hidden != input, so w_ih and w_hh differ in shape

struct Case {
  bool lstm = true, bias = true, states = true, batch_first = false;
  int64_t T = 7, N = 3;
  DType dtype = kFloat64;
};

// The table both comparisons run over: cell x bias x initial states x layout x dtype, as the
// columns lstm, bias, states, batch_first and f64.
inline void add_layer_rows() {
  QTest::addColumn<bool>("lstm");
  QTest::addColumn<bool>("bias");
  QTest::addColumn<bool>("states");
  QTest::addColumn<bool>("batch_first");
  QTest::addColumn<bool>("f64");
  for (bool lstm : {true, false})
    for (bool bias : {true, false})
      for (bool states : {true, false})
        for (bool bf : {false, true})
          for (bool f64 : {false, true}) {
            const std::string name = std::string(lstm ? "lstm" : "gru") + (bias ? "" : " no_bias") +
                                     (states ? " states" : "") + (bf ? " batch_first" : "") +
                                     (f64 ? " f64" : " f32");
            QTest::newRow(name.c_str()) << lstm << bias << states << bf << f64;
          }
}

// The current row of add_layer_rows' table as a Case of T steps and N sequences.
inline Case layer_row(int64_t T, int64_t N) {
  QFETCH(bool, lstm);
  QFETCH(bool, bias);
  QFETCH(bool, states);
  QFETCH(bool, batch_first);
  QFETCH(bool, f64);
  return Case{lstm, bias, states, batch_first, T, N, f64 ? kFloat64 : kFloat32};
}

// Which upstream gradients are given and which gradients are asked for.
struct Backward {
  bool dy = true, dhy = true, dcy = true;
  bool need_dx = true, need_dhx = true, need_dcx = true, need_dweights = true;
};

struct Inputs {
  RnnLayerDesc d;
  Tensor x, hx, cx, dy, dhy, dcy;
  RnnWeights w;
};

inline Inputs make_inputs(const Case& c, const Backward& b) {
  manual_seed(1234);
  const TensorOptions o(c.dtype);
  const int64_t G = (c.lstm ? 4 : 3) * kHidden, N = c.N, T = c.T, H = kHidden;
  Inputs in;
  in.d = RnnLayerDesc{T, N, kInput, H, c.batch_first};
  in.x = randn(c.batch_first ? Shape{N, T, kInput} : Shape{T, N, kInput}, o);
  if (c.states) {
    in.hx = randn({N, H}, o) * 0.5;
    if (c.lstm) in.cx = randn({N, H}, o) * 0.5;
  }
  in.w.w_ih = randn({G, kInput}, o) * 0.5;
  in.w.w_hh = randn({G, H}, o) * 0.5;
  if (c.bias) {
    in.w.b_ih = randn({G}, o) * 0.5;
    in.w.b_hh = randn({G}, o) * 0.5;
  }
  if (b.dy) in.dy = randn(c.batch_first ? Shape{N, T, H} : Shape{T, N, H}, o);
  if (b.dhy) in.dhy = randn({N, H}, o);
  if (b.dcy && c.lstm) in.dcy = randn({N, H}, o);
  return in;
}

struct Result {
  Tensor y, hy, cy, reserve;
  RnnGrads g;
};

inline Result run(RnnKernels& k, bool lstm, const Inputs& in, const Backward& b) {
  const RnnLayerDesc& d = in.d;
  const TensorOptions o = TensorOptions(in.x.dtype()).device(in.x.device());
  RnnForwardArgs fa;
  fa.x = in.x;
  fa.hx = in.hx;
  fa.cx = in.cx;
  fa.w = in.w;
  fa.train = true;
  fa.y = full(d.batch_first ? Shape{d.batch, d.seq_len, d.hidden_size}
                            : Shape{d.seq_len, d.batch, d.hidden_size},
              99.0, o);  // not zeros, so an unwritten element shows
  fa.hy = full({d.batch, d.hidden_size}, 99.0, o);
  if (lstm) fa.cy = full({d.batch, d.hidden_size}, 99.0, o);
  Result r;
  r.reserve = lstm ? k.lstm_forward(d, fa) : k.gru_forward(d, fa);
  r.y = fa.y;
  r.hy = fa.hy;
  r.cy = fa.cy;

  RnnBackwardArgs ba;
  ba.x = in.x;
  ba.hx = in.hx;
  ba.cx = in.cx;
  ba.w = in.w;
  ba.y = fa.y;
  ba.reserve = r.reserve;
  ba.dy = in.dy;
  ba.dhy = in.dhy;
  ba.dcy = in.dcy;
  ba.need_dx = b.need_dx;
  ba.need_dhx = b.need_dhx;
  ba.need_dcx = b.need_dcx;
  ba.need_dweights = b.need_dweights;
  r.g = lstm ? k.lstm_backward(d, ba) : k.gru_backward(d, ba);
  return r;
}

// The same inputs on `device`.
inline Inputs to_device(const Inputs& in, const Device& device) {
  auto move = [&](const Tensor& t) { return t.defined() ? t.to(device) : Tensor(); };
  Inputs out = in;
  for (Tensor* t : {&out.x, &out.hx, &out.cx, &out.dy, &out.dhy, &out.dcy, &out.w.w_ih, &out.w.w_hh,
                    &out.w.b_ih, &out.w.b_hh})
    *t = move(*t);
  return out;
}

// Every difference between `actual` (named `who` in the message) and `expected`, within
// tol.atol + tol.rtol |expected|; "" when there is none. Tensors may live on any device.
inline std::string compare(const Result& actual, const Result& expected, const std::string& who,
                           Tolerance tol) {
  std::string errors;
  auto check = [&](const std::string& what, const Tensor& a, const Tensor& e) {
    if (a.defined() != e.defined()) {
      errors += "\n  " + what + ": " + who + " " + (a.defined() ? "defined" : "undefined") +
                ", CPU " + (e.defined() ? "defined" : "undefined");
      return;
    }
    if (!a.defined()) return;
    std::string why;
    if (!tensors_close(a.to(kCPU), e.to(kCPU), tol.atol, tol.rtol, &why))
      errors += "\n  " + what + ": " + why;
  };
  check("y", actual.y, expected.y);
  check("h_n", actual.hy, expected.hy);
  check("c_n", actual.cy, expected.cy);
  check("reserve", actual.reserve, expected.reserve);
  check("dx", actual.g.dx, expected.g.dx);
  check("dhx", actual.g.dhx, expected.g.dhx);
  check("dcx", actual.g.dcx, expected.g.dcx);
  check("dw_ih", actual.g.dw.w_ih, expected.g.dw.w_ih);
  check("dw_hh", actual.g.dw.w_hh, expected.g.dw.w_hh);
  check("db_ih", actual.g.dw.b_ih, expected.g.dw.b_ih);
  check("db_hh", actual.g.dw.b_hh, expected.g.dw.b_hh);
  return errors;
}

}  // namespace nw::test::rnn
