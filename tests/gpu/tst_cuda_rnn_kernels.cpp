// The RNN kernels CUDA serves (rnn_kernels_for(cuda:0): the generic fallback until cuDNN, issue
// 19) against the CPU's own on the same inputs: y, h_n, c_n, the reserve (both keep the CPU
// layout) and every gradient, for LSTM and GRU, with and without bias and initial states, both
// layouts, float32 and float64, and with upstream gradients missing or gradients unrequested.
// float32 within 1e-5 + 1e-4 |b| (the GPU's GEMMs sum in another order), float64 within
// 1e-12 + 1e-10 |b|. Without a usable CUDA device every test skips and says why.
#include <QtTest>

#include <string>

#include "backend/cuda_plugin.h"
#include "support/rnn_cases.h"

namespace nw {
namespace {

using test::rnn::Backward;
using test::rnn::Case;

const Device kCuda("cuda:0");

std::string compare(const Case& c, const Backward& b) {
  const test::rnn::Inputs in = test::rnn::make_inputs(c, b);
  const test::Tolerance tol =
      c.dtype == kFloat64 ? test::Tolerance{1e-12, 1e-10} : test::Tolerance{1e-5, 1e-4};
  return test::rnn::compare(
      test::rnn::run(rnn_kernels_for(kCuda), c.lstm, test::rnn::to_device(in, kCuda), b),
      test::rnn::run(rnn_kernels_for(kCPU), c.lstm, in, b), "cuda", tol);
}

}  // namespace
}  // namespace nw

Q_DECLARE_METATYPE(nw::test::rnn::Backward)

using nw::kFloat32;
using nw::kFloat64;
using nw::test::rnn::Backward;
using nw::test::rnn::Case;

// Outside namespace nw, so that QtTest names it "TestCudaRnnKernels" and CTest's skip pattern
// (tests/gpu/CMakeLists.txt) matches its initTestCase skip.
class TestCudaRnnKernels : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const nw::CudaStatus& st = nw::cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
  }

  void matches_cpu_kernels_data() { nw::test::rnn::add_layer_rows(); }
  void matches_cpu_kernels() {
    const Case c = nw::test::rnn::layer_row(7, 3);
    const std::string errors = nw::compare(c, Backward{});
    QVERIFY2(errors.empty(), errors.c_str());
  }

  // Missing upstream gradients and unrequested gradients leave the same ones undefined.
  void partial_upstream_and_requests_data() {
    QTest::addColumn<bool>("lstm");
    QTest::addColumn<Backward>("backward");
    for (bool lstm : {true, false}) {
      const std::string cell = lstm ? "lstm" : "gru";
      QTest::newRow((cell + " no dy").c_str()) << lstm << Backward{false, true, true};
      QTest::newRow((cell + " dy only").c_str()) << lstm << Backward{true, false, false};
      QTest::newRow((cell + " dx only").c_str())
          << lstm << Backward{true, true, true, true, false, false, false};
      QTest::newRow((cell + " weights only").c_str())
          << lstm << Backward{true, true, true, false, false, false, true};
    }
  }
  void partial_upstream_and_requests() {
    QFETCH(bool, lstm);
    QFETCH(Backward, backward);
    const Case c{lstm, true, true, false, 4, 2, kFloat64};
    const std::string errors = nw::compare(c, backward);
    QVERIFY2(errors.empty(), errors.c_str());
  }
};

QTEST_APPLESS_MAIN(TestCudaRnnKernels)
#include "tst_cuda_rnn_kernels.moc"
