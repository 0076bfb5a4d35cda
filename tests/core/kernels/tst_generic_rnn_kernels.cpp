// The generic RNN kernels (backend/generic_rnn_kernels.h, device-neutral tensor ops: what a GPU
// without its own recurrent kernels runs) against the CPU kernels, both on CPU tensors with the
// same inputs: y, h_n, c_n, the reserve (both keep the CPU layout) and every gradient of the
// backward. float32 within 1e-6 + 1e-5 |b|, float64 within 1e-12 + 1e-10 |b|.
#include <QtTest>

#include <string>

#include "backend/generic_rnn_kernels.h"
#include "cpu/cpu_rnn.h"
#include "support/fixtures.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

namespace nw {
namespace {

constexpr int64_t kInput = 5, kHidden = 3;  // hidden != input, so w_ih and w_hh differ in shape

struct Case {
  bool lstm = true, bias = true, states = true, batch_first = false;
  int64_t T = 7, N = 3;
  DType dtype = kFloat64;
};

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

Inputs make_inputs(const Case& c, const Backward& b) {
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

Result run(RnnKernels& k, bool lstm, const Inputs& in, const Backward& b) {
  const RnnLayerDesc& d = in.d;
  const TensorOptions o(in.x.dtype());
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

void expect_close(const std::string& what, const Tensor& actual, const Tensor& expected,
                  std::string& errors) {
  if (actual.defined() != expected.defined()) {
    errors += "\n  " + what + ": generic " + (actual.defined() ? "defined" : "undefined") +
              ", CPU " + (expected.defined() ? "defined" : "undefined");
    return;
  }
  if (!actual.defined()) return;
  const test::Tolerance tol = test::parity_tolerance(expected.dtype());
  std::string why;
  if (!test::tensors_close(actual, expected, tol.atol, tol.rtol, &why))
    errors += "\n  " + what + ": " + why;
}

// Every difference between the generic and the CPU kernels on one case, "" when there is none.
std::string compare(const Case& c, const Backward& b) {
  const Inputs in = make_inputs(c, b);
  const Result gen = run(generic_rnn_kernels(), c.lstm, in, b);
  const Result cpu = run(cpu::cpu_rnn_kernels(), c.lstm, in, b);
  std::string errors;
  expect_close("y", gen.y, cpu.y, errors);
  expect_close("h_n", gen.hy, cpu.hy, errors);
  expect_close("c_n", gen.cy, cpu.cy, errors);
  expect_close("reserve", gen.reserve, cpu.reserve, errors);
  expect_close("dx", gen.g.dx, cpu.g.dx, errors);
  expect_close("dhx", gen.g.dhx, cpu.g.dhx, errors);
  expect_close("dcx", gen.g.dcx, cpu.g.dcx, errors);
  expect_close("dw_ih", gen.g.dw.w_ih, cpu.g.dw.w_ih, errors);
  expect_close("dw_hh", gen.g.dw.w_hh, cpu.g.dw.w_hh, errors);
  expect_close("db_ih", gen.g.dw.b_ih, cpu.g.dw.b_ih, errors);
  expect_close("db_hh", gen.g.dw.b_hh, cpu.g.dw.b_hh, errors);
  return errors;
}

}  // namespace
}  // namespace nw

Q_DECLARE_METATYPE(nw::Backward)

namespace nw {

class TestGenericRnnKernels : public QObject {
  Q_OBJECT

 private slots:
  // Every combination of cell, bias, initial states, layout, length, batch and dtype, with all
  // upstream gradients given and all gradients asked for.
  void matches_cpu_kernels_data() {
    QTest::addColumn<bool>("lstm");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("states");
    QTest::addColumn<bool>("batch_first");
    QTest::addColumn<int>("T");
    QTest::addColumn<int>("N");
    QTest::addColumn<bool>("f64");
    for (bool lstm : {true, false})
      for (bool bias : {true, false})
        for (bool states : {true, false})
          for (bool bf : {false, true})
            for (int T : {1, 7})
              for (int N : {1, 3})
                for (bool f64 : {false, true}) {
                  const std::string name = std::string(lstm ? "lstm" : "gru") +
                                           (bias ? "" : " no_bias") + (states ? " states" : "") +
                                           (bf ? " batch_first" : "") + " T" + std::to_string(T) +
                                           " N" + std::to_string(N) + (f64 ? " f64" : " f32");
                  QTest::newRow(name.c_str()) << lstm << bias << states << bf << T << N << f64;
                }
  }
  void matches_cpu_kernels() {
    QFETCH(bool, lstm);
    QFETCH(bool, bias);
    QFETCH(bool, states);
    QFETCH(bool, batch_first);
    QFETCH(int, T);
    QFETCH(int, N);
    QFETCH(bool, f64);
    const Case c{lstm, bias, states, batch_first, T, N, f64 ? kFloat64 : kFloat32};
    const std::string errors = compare(c, Backward{});
    QVERIFY2(errors.empty(), errors.c_str());
  }

  // Upstream gradients may be missing and gradients may go unrequested: the generic kernels must
  // leave the same gradients undefined and agree on the rest.
  void partial_upstream_and_requests_data() {
    QTest::addColumn<bool>("lstm");
    QTest::addColumn<bool>("batch_first");
    QTest::addColumn<Backward>("backward");
    for (bool lstm : {true, false})
      for (bool bf : {false, true}) {
        const std::string cell = std::string(lstm ? "lstm" : "gru") + (bf ? " batch_first" : "");
        QTest::newRow((cell + " no dy").c_str()) << lstm << bf << Backward{false, true, true};
        QTest::newRow((cell + " dy only").c_str()) << lstm << bf << Backward{true, false, false};
        QTest::newRow((cell + " dcy only").c_str()) << lstm << bf << Backward{false, false, true};
        QTest::newRow((cell + " dx only").c_str())
            << lstm << bf << Backward{true, true, true, true, false, false, false};
        QTest::newRow((cell + " weights only").c_str())
            << lstm << bf << Backward{true, true, true, false, false, false, true};
        QTest::newRow((cell + " states only").c_str())
            << lstm << bf << Backward{true, true, true, false, true, true, false};
      }
  }
  void partial_upstream_and_requests() {
    QFETCH(bool, lstm);
    QFETCH(bool, batch_first);
    QFETCH(Backward, backward);
    for (bool states : {true, false}) {
      const Case c{lstm, true, states, batch_first, 4, 2, kFloat64};
      const std::string errors = compare(c, backward);
      QVERIFY2(errors.empty(),
               (std::string(states ? "with" : "without") + " initial states:" + errors).c_str());
    }
  }

  // The generic kernels work in x's dtype, which must be floating.
  void refuses_integer_input() {
    Case c;
    Inputs in = make_inputs(c, Backward{});
    RnnForwardArgs fa;
    fa.x = in.x.to(kInt64);
    fa.w = in.w;
    QVERIFY_THROWS_EXCEPTION(DTypeError, generic_rnn_kernels().lstm_forward(in.d, fa));
  }
};

}  // namespace nw

QTEST_APPLESS_MAIN(nw::TestGenericRnnKernels)
#include "tst_generic_rnn_kernels.moc"
