// The generic RNN kernels (kernels/generic_rnn_kernels.h, device-neutral tensor ops: what a GPU
// without its own recurrent kernels runs) against the CPU kernels, both on CPU tensors with the
// same inputs: y, h_n, c_n, the reserve (both keep the CPU layout) and every gradient of the
// backward. float32 within 1e-6 + 1e-5 |b|, float64 within 1e-12 + 1e-10 |b|.
#include <QtTest>

#include <string>

#include "backend/threads.h"
#include "cpu/cpu_rnn.h"
#include "kernels/generic_rnn_kernels.h"
#include "support/rnn_cases.h"

namespace nw {
namespace {

using test::rnn::Backward;
using test::rnn::Case;
using test::rnn::Inputs;

// Every difference between the generic and the CPU kernels on one case, "" when there is none.
std::string compare(const Case& c, const Backward& b, const test::Tolerance& tol) {
  const Inputs in = test::rnn::make_inputs(c, b);
  return test::rnn::compare(test::rnn::run(generic_rnn_kernels(), c.lstm, in, b),
                            test::rnn::run(cpu::cpu_rnn_kernels(), c.lstm, in, b), "generic", tol);
}
std::string compare(const Case& c, const Backward& b) {
  return compare(c, b, test::parity_tolerance(c.dtype));
}

}  // namespace
}  // namespace nw

Q_DECLARE_METATYPE(nw::test::rnn::Backward)

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

  // With several threads the CPU kernels run each slice of the batch on its own thread
  // (cpu_rnn.h: batch_slices); 25 sequences on 3 threads make slices of 8, 8 and 9, where every
  // slice's offsets into x, y, the states, the reserve and the gradients must line up.
  void sliced_batch_matches_data() { test::rnn::add_layer_rows(); }
  void sliced_batch_matches() {
    QCOMPARE(cpu::rnn::batch_slices(25), 3);  // initTestCase asked for 3 threads
    const Case c = test::rnn::layer_row(7, 25);
    // The weight gradients sum 175 rows, with cancellation, in float32: rounding reaches 2e-6
    // there (the float64 rows check the slicing itself to 1e-12).
    const test::Tolerance tol =
        c.dtype == kFloat64 ? test::parity_tolerance(kFloat64) : test::Tolerance{1e-5, 1e-4};
    const std::string errors = compare(c, Backward{}, tol);
    QVERIFY2(errors.empty(), errors.c_str());
  }
  void initTestCase() { set_num_threads(3); }
  void cleanupTestCase() { set_num_threads(0); }

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
