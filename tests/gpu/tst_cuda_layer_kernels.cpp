// Every layer kernel that CUDA serves (layer_kernels_for(cuda:0): cuDNN's where the plugin was
// built with it, gpu/cudnn_*.cpp, with the generic kernels for what cuDNN declines) against the
// CPU's own, on the same inputs: convolution forward and both backward passes over several
// geometries (stride, padding, dilation, groups, Conv1d as height 1, an output extent only
// asymmetric padding gives) with the algorithm both from heuristics and from a timed search, max
// pooling (ties, NaN, dilation, ceil mode), average pooling (windows cuDNN takes and those it
// declines) and adaptive pooling forward and backward, batch norm in training and evaluation, with
// and without affine parameters and running statistics, float32 (TF32 off) and float64. Outputs
// agree within tol + |ref| * eps; max-pool indices exactly. Without a usable CUDA device every
// test skips and says why (scripts/test-gpu.sh counts a skip as a failure).
#include <QtTest>

#include <cmath>
#include <limits>
#include <string>

#include "backend/cuda_plugin.h"
#include "backend/layer_kernels.h"
#include "backend/math_mode.h"
#include "support/fixtures.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

const Device kCuda("cuda:0");
const DType kDTypes[] = {kFloat32, kFloat64};

// float32 GEMM-bound results sum dozens of products in another order on the GPU.
double atol_for(DType t, bool gemm) {
  return t == kFloat64 ? 1e-10 : gemm ? 1e-4 : 1e-5;
}
double rtol_for(DType t) {
  return t == kFloat64 ? 1e-10 : 1e-5;
}

void expect_close(const Tensor& got, const Tensor& want, double atol, double rtol,
                  const std::string& what) {
  std::string why;
  QVERIFY2(test::tensors_close(got.to(kCPU), want, atol, rtol, &why), (what + ": " + why).c_str());
}

// A device tensor that is not zero, so an element a kernel fails to write shows.
Tensor garbage(const Shape& s, DType t) {
  return full(s, 7.0, TensorOptions(t).device(kCuda));
}

}  // namespace

class TestCudaLayerKernels : public QObject {
  Q_OBJECT

  LayerKernels& cpu() { return layer_kernels_for(kCPU); }
  LayerKernels& gpu() { return layer_kernels_for(kCuda); }

 private slots:
  void initTestCase() {
    const CudaStatus& st = cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
    qInfo("CUDA layer kernels: %s", gpu().name().c_str());
#ifdef NW_EXPECT_CUDNN
    // The plugin was built with cuDNN: its kernels, not the generic ones, must serve CUDA.
    QVERIFY2(gpu().name().rfind("cudnn", 0) == 0, gpu().name().c_str());
#endif
    QVERIFY(!allow_tf32());  // float32 compared at FP32 precision
    manual_seed(1234);
  }

  void cleanup() {
    set_cudnn_benchmark(false);
  }

  void conv_matchesCpu_data() {
    QTest::addColumn<QList<int>>("input");     // N, C, H, W
    QTest::addColumn<QList<int>>("weight");    // O, kH, kW
    QTest::addColumn<QList<int>>("geometry");  // stride h, w, pad h, w, dilation h, w, groups
    QTest::addColumn<QList<int>>("extra");     // extra output rows, columns (far-side padding)
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("benchmark");
    using L = QList<int>;
    QTest::newRow("plain") << L{3, 4, 11, 10} << L{8, 3, 3} << L{1, 1, 0, 0, 1, 1, 1} << L{0, 0}
                           << true << false;
    QTest::newRow("strided padded")
        << L{3, 4, 11, 10} << L{8, 3, 3} << L{2, 2, 1, 1, 1, 1, 1} << L{0, 0} << true << false;
    QTest::newRow("dilated grouped")
        << L{3, 4, 11, 10} << L{8, 3, 3} << L{1, 1, 2, 2, 2, 2, 2} << L{0, 0} << false << false;
    QTest::newRow("depthwise") << L{3, 4, 11, 10} << L{8, 3, 3} << L{2, 2, 1, 1, 1, 1, 4} << L{0, 0}
                               << true << false;
    QTest::newRow("unequal h and w")
        << L{2, 6, 13, 9} << L{4, 5, 2} << L{3, 1, 2, 0, 1, 2, 2} << L{0, 0} << true << false;
    QTest::newRow("conv1d") << L{4, 5, 1, 17} << L{7, 1, 3} << L{1, 2, 0, 1, 1, 1, 1} << L{0, 0}
                            << true << false;
    QTest::newRow("conv1d dilated")
        << L{2, 4, 1, 20} << L{6, 1, 5} << L{1, 1, 0, 4, 1, 2, 2} << L{0, 0} << true << false;
    // "same" padding with an even kernel pads one more on the far side; cuDNN declines it.
    QTest::newRow("asymmetric output")
        << L{2, 3, 8, 8} << L{5, 4, 4} << L{1, 1, 1, 1, 1, 1, 1} << L{1, 1} << true << false;
    QTest::newRow("1x1 wide") << L{2, 32, 7, 7} << L{64, 1, 1} << L{1, 1, 0, 0, 1, 1, 1} << L{0, 0}
                              << true << false;
    QTest::newRow("timed search") << L{3, 4, 11, 10} << L{8, 3, 3} << L{2, 2, 1, 1, 1, 1, 1}
                                  << L{0, 0} << true << true;
    QTest::newRow("timed search conv1d")
        << L{4, 5, 1, 17} << L{7, 1, 3} << L{1, 2, 0, 1, 1, 1, 1} << L{0, 0} << true << true;
  }

  void conv_matchesCpu() {
    QFETCH(QList<int>, input);
    QFETCH(QList<int>, weight);
    QFETCH(QList<int>, geometry);
    QFETCH(QList<int>, extra);
    QFETCH(bool, bias);
    QFETCH(bool, benchmark);
    set_cudnn_benchmark(benchmark);
    const int64_t N = input[0], C = input[1], H = input[2], W = input[3];
    const int64_t O = weight[0], kH = weight[1], kW = weight[2];
    ConvGeometry g;
    g.stride_h = geometry[0], g.stride_w = geometry[1], g.pad_h = geometry[2];
    g.pad_w = geometry[3], g.dilation_h = geometry[4], g.dilation_w = geometry[5];
    g.groups = geometry[6];
    const int64_t oH = (H + 2 * g.pad_h - g.dilation_h * (kH - 1) - 1) / g.stride_h + 1 + extra[0];
    const int64_t oW = (W + 2 * g.pad_w - g.dilation_w * (kW - 1) - 1) / g.stride_w + 1 + extra[1];
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const Tensor x = randn({N, C, H, W}, o), w = randn({O, C / g.groups, kH, kW}, o);
      const Tensor b = bias ? randn({O}, o) : Tensor(), gy = randn({N, O, oH, oW}, o);
      const double atol = atol_for(t, true), rtol = rtol_for(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";
      // Twice: the second call runs the algorithm the first chose and cached.
      for (int round = 0; round < 2; ++round) {
        const std::string what = dt + (round ? " (cached algorithm)" : "");
        Tensor want = zeros({N, O, oH, oW}, o), got = garbage({N, O, oH, oW}, t);
        cpu().conv2d_forward(x, w, b, want, g);
        gpu().conv2d_forward(x.to(kCuda), w.to(kCuda), bias ? b.to(kCuda) : Tensor(), got, g);
        expect_close(got, want, atol, rtol, "conv forward" + what);

        Tensor want_gx = zeros(x.sizes(), o), got_gx = garbage(x.sizes(), t);
        cpu().conv2d_backward_data(gy, w, want_gx, g);
        gpu().conv2d_backward_data(gy.to(kCuda), w.to(kCuda), got_gx, g);
        expect_close(got_gx, want_gx, atol, rtol, "conv backward data" + what);

        Tensor want_gw = zeros(w.sizes(), o), got_gw = garbage(w.sizes(), t);
        Tensor want_gb = bias ? zeros({O}, o) : Tensor();
        Tensor got_gb = bias ? garbage({O}, t) : Tensor();
        cpu().conv2d_backward_weight(gy, x, want_gw, want_gb, g);
        gpu().conv2d_backward_weight(gy.to(kCuda), x.to(kCuda), got_gw, got_gb, g);
        expect_close(got_gw, want_gw, atol, rtol, "conv backward weight" + what);
        if (bias) expect_close(got_gb, want_gb, atol, rtol, "conv backward bias" + what);
      }
    }
  }

  void pool_matchesCpu() {
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const double atol = atol_for(t, false), rtol = rtol_for(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";
      PoolGeometry g;
      g.kernel_h = g.kernel_w = 3, g.stride_h = g.stride_w = 2, g.pad_h = g.pad_w = 1;
      // Ties, -inf planes and a NaN: the first maximum (row-major) and the NaN must win.
      Tensor x = randint(0, 3, {2, 3, 9, 10}).to(t);
      x[0][0].fill_(-std::numeric_limits<double>::infinity());
      x[1][1][2][2].fill_(std::nan(""));
      const Tensor gy = randn({2, 3, 5, 5}, o);

      Tensor want = zeros({2, 3, 5, 5}, o), got = garbage({2, 3, 5, 5}, t);
      Tensor want_i = zeros({2, 3, 5, 5}, TensorOptions(kInt64));
      Tensor got_i = full({2, 3, 5, 5}, -1.0, TensorOptions(kInt64).device(kCuda));
      cpu().max_pool2d_forward(x, want, want_i, g);
      gpu().max_pool2d_forward(x.to(kCuda), got, got_i, g);
      expect_close(got, want, 0, 0, "max pool" + dt);
      expect_close(got_i, want_i, 0, 0, "max pool indices" + dt);
      Tensor want_gx = zeros(x.sizes(), o), got_gx = garbage(x.sizes(), t);
      cpu().max_pool2d_backward(gy, want_i, want_gx);
      gpu().max_pool2d_backward(gy.to(kCuda), got_i, got_gx);
      expect_close(got_gx, want_gx, atol, rtol, "max pool backward" + dt);

      for (bool include_pad : {true, false}) {
        g.count_include_pad = include_pad;
        const std::string what = std::string(include_pad ? " (pad counted)" : "") + dt;
        cpu().avg_pool2d_forward(x, want, g);
        gpu().avg_pool2d_forward(x.to(kCuda), got, g);
        expect_close(got, want, atol, rtol, "avg pool" + what);
        cpu().avg_pool2d_backward(gy, want_gx, g);
        gpu().avg_pool2d_backward(gy.to(kCuda), got_gx, g);
        expect_close(got_gx, want_gx, atol, rtol, "avg pool backward" + what);
      }

      const Tensor ax = randn({2, 3, 9, 10}, o), agy = randn({2, 3, 4, 3}, o);
      Tensor want_a = zeros({2, 3, 4, 3}, o), got_a = garbage({2, 3, 4, 3}, t);
      cpu().adaptive_avg_pool2d_forward(ax, want_a);
      gpu().adaptive_avg_pool2d_forward(ax.to(kCuda), got_a);
      expect_close(got_a, want_a, atol, rtol, "adaptive avg pool" + dt);
      Tensor want_agx = zeros(ax.sizes(), o), got_agx = garbage(ax.sizes(), t);
      cpu().adaptive_avg_pool2d_backward(agy, want_agx);
      gpu().adaptive_avg_pool2d_backward(agy.to(kCuda), got_agx);
      expect_close(got_agx, want_agx, atol, rtol, "adaptive avg pool backward" + dt);
    }
  }

  // The plugin's own max-pool kernel over windows beyond the 3x3 one above: the 2x2 the CPU
  // has a fast path for, a dilated one, and a ceil-mode extent whose last window overhangs.
  void maxPool_geometries_matchCpu_data() {
    QTest::addColumn<QList<int>>("geometry");  // kH, kW, stride h, w, pad h, w, dilation h, w
    QTest::addColumn<int>("extra");            // output rows and columns past the floor extent
    using L = QList<int>;
    QTest::newRow("2x2") << L{2, 2, 2, 2, 0, 0, 1, 1} << 0;
    QTest::newRow("dilated") << L{3, 2, 1, 2, 1, 1, 2, 3} << 0;
    QTest::newRow("ceil mode") << L{3, 3, 2, 2, 1, 1, 1, 1} << 1;
  }

  void maxPool_geometries_matchCpu() {
    QFETCH(QList<int>, geometry);
    QFETCH(int, extra);
    PoolGeometry g;
    g.kernel_h = geometry[0], g.kernel_w = geometry[1], g.stride_h = geometry[2];
    g.stride_w = geometry[3], g.pad_h = geometry[4], g.pad_w = geometry[5];
    g.dilation_h = geometry[6], g.dilation_w = geometry[7];
    const int64_t H = 12, W = 12;  // even: the ceil-mode rows' last window starts inside
    const int64_t oH =
        (H + 2 * g.pad_h - g.dilation_h * (g.kernel_h - 1) - 1) / g.stride_h + 1 + extra;
    const int64_t oW =
        (W + 2 * g.pad_w - g.dilation_w * (g.kernel_w - 1) - 1) / g.stride_w + 1 + extra;
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";
      const Tensor x = randint(0, 4, {2, 3, H, W}).to(t), gy = randn({2, 3, oH, oW}, o);
      Tensor want = zeros({2, 3, oH, oW}, o), got = garbage({2, 3, oH, oW}, t);
      Tensor want_i = zeros({2, 3, oH, oW}, TensorOptions(kInt64));
      Tensor got_i = full({2, 3, oH, oW}, -1.0, TensorOptions(kInt64).device(kCuda));
      cpu().max_pool2d_forward(x, want, want_i, g);
      gpu().max_pool2d_forward(x.to(kCuda), got, got_i, g);
      expect_close(got, want, 0, 0, "max pool" + dt);
      expect_close(got_i, want_i, 0, 0, "max pool indices" + dt);
      Tensor want_gx = zeros(x.sizes(), o), got_gx = garbage(x.sizes(), t);
      cpu().max_pool2d_backward(gy, want_i, want_gx);
      gpu().max_pool2d_backward(gy.to(kCuda), got_i, got_gx);
      expect_close(got_gx, want_gx, atol_for(t, false), rtol_for(t), "max pool backward" + dt);
    }
  }

  // Windows cuDNN averages itself (the floor extent) and those it declines: a ceil-mode extent
  // whose last window runs past the padding, and a divisor override.
  void avgPool_geometries_matchCpu_data() {
    QTest::addColumn<QList<int>>("geometry");  // kH, kW, stride h, w, pad h, w
    QTest::addColumn<int>("extra");            // output rows and columns past the floor extent
    QTest::addColumn<bool>("include_pad");
    QTest::addColumn<int>("divisor");
    using L = QList<int>;
    QTest::newRow("2x2") << L{2, 2, 2, 2, 0, 0} << 0 << true << 0;
    QTest::newRow("3x2 padded") << L{3, 2, 1, 2, 1, 1} << 0 << false << 0;
    QTest::newRow("3x2 padded counted") << L{3, 2, 1, 2, 1, 1} << 0 << true << 0;
    QTest::newRow("ceil mode") << L{3, 3, 2, 2, 1, 1} << 1 << true << 0;
    QTest::newRow("divisor override") << L{2, 2, 2, 2, 0, 0} << 0 << true << 3;
  }

  void avgPool_geometries_matchCpu() {
    QFETCH(QList<int>, geometry);
    QFETCH(int, extra);
    QFETCH(bool, include_pad);
    QFETCH(int, divisor);
    PoolGeometry g;
    g.kernel_h = geometry[0], g.kernel_w = geometry[1], g.stride_h = geometry[2];
    g.stride_w = geometry[3], g.pad_h = geometry[4], g.pad_w = geometry[5];
    g.count_include_pad = include_pad, g.divisor_override = divisor;
    const int64_t H = 12, W = 12;  // even: the ceil-mode rows' last window starts inside
    const int64_t oH = (H + 2 * g.pad_h - g.kernel_h) / g.stride_h + 1 + extra;
    const int64_t oW = (W + 2 * g.pad_w - g.kernel_w) / g.stride_w + 1 + extra;
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const double atol = atol_for(t, false), rtol = rtol_for(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";
      const Tensor x = randn({2, 3, H, W}, o), gy = randn({2, 3, oH, oW}, o);
      Tensor want = zeros({2, 3, oH, oW}, o), got = garbage({2, 3, oH, oW}, t);
      cpu().avg_pool2d_forward(x, want, g);
      gpu().avg_pool2d_forward(x.to(kCuda), got, g);
      expect_close(got, want, atol, rtol, "avg pool" + dt);
      Tensor want_gx = zeros(x.sizes(), o), got_gx = garbage(x.sizes(), t);
      cpu().avg_pool2d_backward(gy, want_gx, g);
      gpu().avg_pool2d_backward(gy.to(kCuda), got_gx, g);
      expect_close(got_gx, want_gx, atol, rtol, "avg pool backward" + dt);
    }
  }

  void batchNorm_matchesCpu_data() {
    QTest::addColumn<bool>("training");
    QTest::addColumn<bool>("affine");
    QTest::addColumn<bool>("running");
    QTest::addColumn<int>("spatial");  // S of (N, C, S); 1 for a (N, C) input
    QTest::newRow("training") << true << true << true << 10;
    QTest::newRow("evaluation") << false << true << true << 10;
    QTest::newRow("training, no affine") << true << false << true << 10;
    QTest::newRow("training, no running stats") << true << true << false << 10;
    QTest::newRow("training, (N, C)") << true << true << true << 1;
    QTest::newRow("evaluation, no affine") << false << false << true << 6;
  }

  void batchNorm_matchesCpu() {
    QFETCH(bool, training);
    QFETCH(bool, affine);
    QFETCH(bool, running);
    QFETCH(int, spatial);
    const int64_t S = spatial;
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const double atol = atol_for(t, false), rtol = rtol_for(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";
      const Tensor x = randn({4, 3, S}, o) + 3.0, gy = randn({4, 3, S}, o);
      const Tensor w = randn({3}, o), b = randn({3}, o), rm0 = randn({3}, o);
      const Tensor rv0 = rand({3}, o) + 0.5;
      const auto on_gpu = [](const Tensor& v) { return v.defined() ? v.to(kCuda) : Tensor(); };
      const Tensor wt = affine ? w : Tensor(), bt = affine ? b : Tensor();
      // [0] on the CPU, [1] on the GPU.
      Tensor rm[2] = {running ? rm0.clone() : Tensor(), running ? rm0.to(kCuda) : Tensor()};
      Tensor rv[2] = {running ? rv0.clone() : Tensor(), running ? rv0.to(kCuda) : Tensor()};
      Tensor out[2] = {zeros({4, 3, S}, o), garbage({4, 3, S}, t)};
      Tensor sm[2] = {zeros({3}, o), garbage({3}, t)}, si[2] = {zeros({3}, o), garbage({3}, t)};
      Tensor gx[2] = {zeros({4, 3, S}, o), garbage({4, 3, S}, t)};
      Tensor gw[2] = {affine ? zeros({3}, o) : Tensor(), affine ? garbage({3}, t) : Tensor()};
      Tensor gb[2] = {affine ? zeros({3}, o) : Tensor(), affine ? garbage({3}, t) : Tensor()};
      cpu().batch_norm_forward(x, wt, bt, rm[0], rv[0], training, 0.1, 1e-5, out[0], sm[0], si[0]);
      gpu().batch_norm_forward(x.to(kCuda), on_gpu(wt), on_gpu(bt), rm[1], rv[1], training, 0.1,
                               1e-5, out[1], sm[1], si[1]);
      cpu().batch_norm_backward(gy, x, wt, sm[0], si[0], training, gx[0], gw[0], gb[0]);
      gpu().batch_norm_backward(gy.to(kCuda), x.to(kCuda), on_gpu(wt), sm[1], si[1], training,
                                gx[1], gw[1], gb[1]);
      for (auto [pair, what] : {std::pair{out, "out"},
                                {rm, "running_mean"},
                                {rv, "running_var"},
                                {sm, "save_mean"},
                                {si, "save_invstd"},
                                {gx, "grad_x"},
                                {gw, "grad_weight"},
                                {gb, "grad_bias"}})
        if (pair[0].defined())
          expect_close(pair[1], pair[0], atol, rtol, std::string("batch norm ") + what + dt);
    }
  }
};

QTEST_APPLESS_MAIN(TestCudaLayerKernels)
#include "tst_cuda_layer_kernels.moc"
