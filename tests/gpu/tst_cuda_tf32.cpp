// TF32 on a GPU: off by default, float32 products match a float64 CPU reference to 1e-4
// relative; switched on (nw::set_allow_tf32), they lose precision on tensor-core GPUs (compute
// capability 8 and later) and stay within TF32's own error. The same for convolution (cuDNN's
// math type follows the switch, and its algorithm cache keeps the two settings apart). Skips
// without a CUDA device.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "backend/cuda_plugin.h"
#include "backend/layer_kernels.h"
#include "backend/math_mode.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

// The largest |got - want| relative to the largest |want|.
double relative_error(const Tensor& got, const Tensor& want) {
  const Tensor g = got.to(kCPU).to(kFloat64), w = want.to(kFloat64);
  return (g - w).abs().max().item<double>() / w.abs().max().item<double>();
}

}  // namespace

class TestCudaTf32 : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const CudaStatus& st = cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
  }

  void off_by_default_and_an_opt_in() {
    QVERIFY(!allow_tf32());
    manual_seed(3);
    const Tensor a = randn({256, 1024}), b = randn({1024, 256});
    const Tensor want = matmul(a.to(kFloat64), b.to(kFloat64));
    const Device cuda("cuda:0");
    const double off = relative_error(matmul(a.to(cuda), b.to(cuda)), want);
    set_allow_tf32(true);
    const double on = relative_error(matmul(a.to(cuda), b.to(cuda)), want);
    set_allow_tf32(false);
    qInfo("relative error against float64: TF32 off %.2e, on %.2e", off, on);
    QVERIFY2(off < 1e-4, qPrintable(QString::number(off)));
    QVERIFY2(on < 5e-2, qPrintable(QString::number(on)));
    const bool tensor_cores =
        cuda_status().devices.find("compute capability 8") != std::string::npos ||
        cuda_status().devices.find("compute capability 9") != std::string::npos;
    if (tensor_cores) QVERIFY2(on > off, "TF32 on changed nothing on a tensor-core GPU");
  }

  void convolution_follows_the_switch() {
    QVERIFY(!allow_tf32());
    manual_seed(4);
    const Tensor x = randn({8, 64, 16, 16}), w = randn({64, 64, 3, 3});
    ConvGeometry g;
    g.pad_h = g.pad_w = 1;
    Tensor want = zeros({8, 64, 16, 16}, TensorOptions(kFloat64));
    layer_kernels_for(kCPU).conv2d_forward(x.to(kFloat64), w.to(kFloat64), Tensor(), want, g);
    const Device cuda("cuda:0");
    const auto run = [&] {
      Tensor out = zeros({8, 64, 16, 16}, TensorOptions(kFloat32).device(cuda));
      layer_kernels_for(cuda).conv2d_forward(x.to(cuda), w.to(cuda), Tensor(), out, g);
      return relative_error(out, want);
    };
    const double off = run();
    set_allow_tf32(true);
    const double on = run();
    set_allow_tf32(false);
    const double off_again = run();  // the FMA choice is still cached for TF32 off
    qInfo("convolution relative error against float64: TF32 off %.2e, on %.2e", off, on);
    QVERIFY2(off < 1e-4, qPrintable(QString::number(off)));
    QCOMPARE(off_again, off);
    QVERIFY2(on < 5e-2, qPrintable(QString::number(on)));
    const bool tensor_cores =
        cuda_status().devices.find("compute capability 8") != std::string::npos ||
        cuda_status().devices.find("compute capability 9") != std::string::npos;
    if (tensor_cores) QVERIFY2(on > off, "TF32 on changed nothing on a tensor-core GPU");
  }
};

QTEST_APPLESS_MAIN(TestCudaTf32)
#include "tst_cuda_tf32.moc"
