// Every layer kernel that CUDA serves (layer_kernels_for(cuda:0): the generic fallback until
// cuDNN, issue 19) against the CPU's own, on the same inputs: convolution forward and both
// backward passes, max, average and adaptive pooling forward and backward, batch norm in training
// and evaluation, float32 and float64. Outputs agree within tol + |ref| * eps; max-pool indices
// exactly. Without a usable CUDA device every test skips and says why (scripts/test-gpu.sh
// counts a skip as a failure).
#include <QtTest>

#include <cmath>
#include <limits>
#include <string>

#include "backend/cuda_plugin.h"
#include "backend/layer_kernels.h"
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
    manual_seed(1234);
  }

  void conv_matchesCpu_data() {
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("pad");
    QTest::addColumn<int>("dilation");
    QTest::addColumn<int>("groups");
    QTest::addColumn<bool>("bias");
    QTest::newRow("plain") << 1 << 0 << 1 << 1 << true;
    QTest::newRow("strided padded") << 2 << 1 << 1 << 1 << true;
    QTest::newRow("dilated grouped") << 1 << 2 << 2 << 2 << false;
    QTest::newRow("depthwise") << 2 << 1 << 1 << 4 << true;
  }

  void conv_matchesCpu() {
    QFETCH(int, stride);
    QFETCH(int, pad);
    QFETCH(int, dilation);
    QFETCH(int, groups);
    QFETCH(bool, bias);
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      ConvGeometry g;
      g.stride_h = g.stride_w = stride;
      g.pad_h = g.pad_w = pad;
      g.dilation_h = g.dilation_w = dilation;
      g.groups = groups;
      const int64_t C = 4, O = 8, K = 3, H = 11, W = 10;
      const int64_t oH = (H + 2 * pad - dilation * (K - 1) - 1) / stride + 1;
      const int64_t oW = (W + 2 * pad - dilation * (K - 1) - 1) / stride + 1;
      const Tensor x = randn({3, C, H, W}, o), w = randn({O, C / groups, K, K}, o);
      const Tensor b = bias ? randn({O}, o) : Tensor(), gy = randn({3, O, oH, oW}, o);
      const double atol = atol_for(t, true), rtol = rtol_for(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";

      Tensor want = zeros({3, O, oH, oW}, o), got = garbage({3, O, oH, oW}, t);
      cpu().conv2d_forward(x, w, b, want, g);
      gpu().conv2d_forward(x.to(kCuda), w.to(kCuda), bias ? b.to(kCuda) : Tensor(), got, g);
      expect_close(got, want, atol, rtol, "conv forward" + dt);

      Tensor want_gx = zeros(x.sizes(), o), got_gx = garbage(x.sizes(), t);
      cpu().conv2d_backward_data(gy, w, want_gx, g);
      gpu().conv2d_backward_data(gy.to(kCuda), w.to(kCuda), got_gx, g);
      expect_close(got_gx, want_gx, atol, rtol, "conv backward data" + dt);

      Tensor want_gw = zeros(w.sizes(), o), got_gw = garbage(w.sizes(), t);
      Tensor want_gb = bias ? zeros({O}, o) : Tensor(), got_gb = bias ? garbage({O}, t) : Tensor();
      cpu().conv2d_backward_weight(gy, x, want_gw, want_gb, g);
      gpu().conv2d_backward_weight(gy.to(kCuda), x.to(kCuda), got_gw, got_gb, g);
      expect_close(got_gw, want_gw, atol, rtol, "conv backward weight" + dt);
      if (bias) expect_close(got_gb, want_gb, atol, rtol, "conv backward bias" + dt);
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

  void batchNorm_matchesCpu_data() {
    QTest::addColumn<bool>("training");
    QTest::newRow("training") << true;
    QTest::newRow("evaluation") << false;
  }

  void batchNorm_matchesCpu() {
    QFETCH(bool, training);
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const double atol = atol_for(t, false), rtol = rtol_for(t);
      const std::string dt = t == kFloat64 ? " float64" : " float32";
      const Tensor x = randn({4, 3, 10}, o) + 3.0, gy = randn({4, 3, 10}, o);
      const Tensor w = randn({3}, o), b = randn({3}, o), rm0 = randn({3}, o);
      const Tensor rv0 = rand({3}, o) + 0.5;
      // [0] on the CPU, [1] on the GPU.
      Tensor rm[2] = {rm0.clone(), rm0.to(kCuda)}, rv[2] = {rv0.clone(), rv0.to(kCuda)};
      Tensor out[2] = {zeros({4, 3, 10}, o), garbage({4, 3, 10}, t)};
      Tensor sm[2] = {zeros({3}, o), garbage({3}, t)}, si[2] = {zeros({3}, o), garbage({3}, t)};
      Tensor gx[2] = {zeros({4, 3, 10}, o), garbage({4, 3, 10}, t)};
      Tensor gw[2] = {zeros({3}, o), garbage({3}, t)}, gb[2] = {zeros({3}, o), garbage({3}, t)};
      cpu().batch_norm_forward(x, w, b, rm[0], rv[0], training, 0.1, 1e-5, out[0], sm[0], si[0]);
      gpu().batch_norm_forward(x.to(kCuda), w.to(kCuda), b.to(kCuda), rm[1], rv[1], training, 0.1,
                               1e-5, out[1], sm[1], si[1]);
      cpu().batch_norm_backward(gy, x, w, sm[0], si[0], training, gx[0], gw[0], gb[0]);
      gpu().batch_norm_backward(gy.to(kCuda), x.to(kCuda), w.to(kCuda), sm[1], si[1], training,
                                gx[1], gw[1], gb[1]);
      for (auto [pair, what] : {std::pair{out, "out"},
                                {rm, "running_mean"},
                                {rv, "running_var"},
                                {sm, "save_mean"},
                                {si, "save_invstd"},
                                {gx, "grad_x"},
                                {gw, "grad_weight"},
                                {gb, "grad_bias"}})
        expect_close(pair[1], pair[0], atol, rtol, std::string("batch norm ") + what + dt);
    }
  }
};

QTEST_APPLESS_MAIN(TestCudaLayerKernels)
#include "tst_cuda_layer_kernels.moc"
