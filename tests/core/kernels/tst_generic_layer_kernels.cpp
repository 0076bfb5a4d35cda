// The generic layer kernels (kernels/generic_layer_kernels.h), run on CPU tensors, against the
// CPU's own kernels on the same inputs: every kernel, many geometries, float32 and float64.
// Tolerances: float32 within 1e-5 |ref| + 1e-5 (1e-4 for convolutions, whose GEMMs sum in
// another order), float64 within 1e-10 (|ref| + 1); max-pool values and indices exactly.
#include <QtTest>

#include <cmath>
#include <limits>

#include "cpu/cpu_layer_kernels.h"
#include "kernels/generic_layer_kernels.h"
#include "nn/functional/batchnorm.h"
#include "nn/functional/conv.h"
#include "nn/functional/pooling.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

LayerKernels& cpu() {
  return cpu_layer_kernels();
}
LayerKernels& gen() {
  return generic_layer_kernels();
}

const DType kDTypes[] = {kFloat32, kFloat64};

Tensor logical_or_of(const Tensor& a, const Tensor& b) {
  return (a.to(kInt64) + b.to(kInt64)) > 0.0;
}

// |got - want| <= atol + rtol |want| everywhere, NaNs in the same places.
void expect_close(const Tensor& got, const Tensor& want, double atol, double rtol,
                  const QString& what) {
  QVERIFY2(got.sizes() == want.sizes(), qPrintable(what + ": shapes differ"));
  const Tensor nan_want = want != want;
  QVERIFY2((nan_want != (got != got)).sum().item() == 0, qPrintable(what + ": NaNs differ"));
  // Equal values pass outright, which covers infinities (inf - inf is NaN).
  const Tensor excess = masked_fill(abs(got - want) - (abs(want) * rtol + atol),
                                    logical_or_of(nan_want, got == want), 0.0)
                            .to(kFloat64);
  const double worst = excess.numel() ? max(excess).item() : 0.0;
  QVERIFY2(worst <= 0,
           qPrintable(what + ": off by " + QString::number(worst) + " beyond tolerance"));
}

double atol_for(DType t, bool gemm) {
  return t == kFloat64 ? 1e-10 : gemm ? 1e-4 : 1e-5;
}
double rtol_for(DType t) {
  return t == kFloat64 ? 1e-10 : 1e-5;
}

Tensor empty_like_shape(const Shape& s, DType t) {
  return zeros(s, TensorOptions(t));
}

// PyTorch's pooled extent, ceil_mode included.
int64_t pooled(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  const int64_t span = in + 2 * p - d * (k - 1) - 1;
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

}  // namespace

class TestGenericLayerKernels : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { manual_seed(1234); }

  void conv_matchesCpu_data() {
    QTest::addColumn<QVector<int>>("nchw");  // N, C, H, W
    QTest::addColumn<QVector<int>>("okk");   // O, kH, kW
    QTest::addColumn<QVector<int>>("stride");
    QTest::addColumn<QVector<int>>("pad");  // leading padding
    QTest::addColumn<QVector<int>>("far");  // extra padding on the far side only
    QTest::addColumn<QVector<int>>("dilation");
    QTest::addColumn<int>("groups");
    using V = QVector<int>;
    QTest::newRow("basic") << V{2, 3, 8, 8} << V{4, 3, 3} << V{1, 1} << V{0, 0} << V{0, 0}
                           << V{1, 1} << 1;
    QTest::newRow("padded strided")
        << V{2, 3, 9, 7} << V{5, 3, 3} << V{2, 2} << V{1, 1} << V{0, 0} << V{1, 1} << 1;
    QTest::newRow("rect stride pad")
        << V{2, 4, 10, 9} << V{6, 3, 2} << V{2, 3} << V{1, 2} << V{0, 0} << V{1, 1} << 1;
    QTest::newRow("dilated") << V{2, 3, 11, 10} << V{4, 3, 3} << V{1, 1} << V{2, 2} << V{0, 0}
                             << V{2, 3} << 1;
    QTest::newRow("grouped") << V{2, 4, 8, 8} << V{6, 3, 3} << V{1, 1} << V{1, 1} << V{0, 0}
                             << V{1, 1} << 2;
    QTest::newRow("depthwise") << V{2, 6, 9, 9} << V{6, 3, 3} << V{2, 2} << V{1, 1} << V{0, 0}
                               << V{1, 1} << 6;
    QTest::newRow("depthwise x2") << V{3, 3, 7, 8} << V{6, 3, 3} << V{1, 1} << V{1, 1} << V{0, 0}
                                  << V{1, 1} << 3;
    QTest::newRow("pointwise") << V{2, 5, 6, 7} << V{3, 1, 1} << V{1, 1} << V{0, 0} << V{0, 0}
                               << V{1, 1} << 1;
    QTest::newRow("pointwise strided")
        << V{2, 5, 7, 7} << V{3, 1, 1} << V{2, 2} << V{0, 0} << V{0, 0} << V{1, 1} << 1;
    QTest::newRow("same even kernel")
        << V{2, 3, 8, 9} << V{4, 4, 4} << V{1, 1} << V{1, 1} << V{1, 1} << V{1, 1} << 1;
    QTest::newRow("far side only")
        << V{1, 2, 6, 6} << V{3, 3, 2} << V{1, 1} << V{0, 0} << V{2, 1} << V{1, 1} << 1;
    QTest::newRow("conv1d shaped")
        << V{2, 3, 1, 12} << V{4, 1, 5} << V{1, 2} << V{0, 2} << V{0, 0} << V{1, 2} << 1;
    QTest::newRow("stride over kernel")
        << V{2, 2, 11, 11} << V{3, 2, 2} << V{3, 3} << V{0, 0} << V{0, 0} << V{1, 1} << 1;
    QTest::newRow("uncovered last rows")
        << V{2, 3, 10, 10} << V{2, 3, 3} << V{2, 2} << V{0, 0} << V{0, 0} << V{1, 1} << 1;
    QTest::newRow("grouped dilated strided")
        << V{2, 6, 13, 12} << V{9, 3, 2} << V{2, 1} << V{2, 1} << V{1, 0} << V{2, 2} << 3;
  }

  void conv_matchesCpu() {
    QFETCH(QVector<int>, nchw);
    QFETCH(QVector<int>, okk);
    QFETCH(QVector<int>, stride);
    QFETCH(QVector<int>, pad);
    QFETCH(QVector<int>, far);
    QFETCH(QVector<int>, dilation);
    QFETCH(int, groups);
    ConvGeometry g;
    g.stride_h = stride[0], g.stride_w = stride[1];
    g.pad_h = pad[0], g.pad_w = pad[1];
    g.dilation_h = dilation[0], g.dilation_w = dilation[1];
    g.groups = groups;
    const int64_t N = nchw[0], C = nchw[1], H = nchw[2], W = nchw[3];
    const int64_t O = okk[0], kH = okk[1], kW = okk[2];
    const int64_t oH = (H + 2 * g.pad_h + far[0] - g.dilation_h * (kH - 1) - 1) / g.stride_h + 1;
    const int64_t oW = (W + 2 * g.pad_w + far[1] - g.dilation_w * (kW - 1) - 1) / g.stride_w + 1;
    for (DType t : kDTypes) {
      const double atol = atol_for(t, true), rtol = rtol_for(t);
      const QString dt = t == kFloat64 ? " float64" : " float32";
      const Tensor x = randn({N, C, H, W}, TensorOptions(t));
      const Tensor w = randn({O, C / groups, kH, kW}, TensorOptions(t));
      const Tensor b = randn({O}, TensorOptions(t));
      const Tensor gy = randn({N, O, oH, oW}, TensorOptions(t));
      for (bool with_bias : {true, false}) {
        Tensor want = empty_like_shape({N, O, oH, oW}, t),
               got = empty_like_shape({N, O, oH, oW}, t);
        cpu().conv2d_forward(x, w, with_bias ? b : Tensor(), want, g);
        gen().conv2d_forward(x, w, with_bias ? b : Tensor(), got, g);
        expect_close(got, want, atol, rtol, "forward" + dt);
      }
      Tensor want_gx = empty_like_shape({N, C, H, W}, t),
             got_gx = full({N, C, H, W}, 7.0, TensorOptions(t));
      cpu().conv2d_backward_data(gy, w, want_gx, g);
      gen().conv2d_backward_data(gy, w, got_gx, g);
      expect_close(got_gx, want_gx, atol, rtol, "backward data" + dt);
      Tensor want_gw = empty_like_shape(w.sizes(), t),
             got_gw = full(w.sizes(), 7.0, TensorOptions(t));
      Tensor want_gb = empty_like_shape({O}, t), got_gb = full({O}, 7.0, TensorOptions(t));
      cpu().conv2d_backward_weight(gy, x, want_gw, want_gb, g);
      gen().conv2d_backward_weight(gy, x, got_gw, got_gb, g);
      expect_close(got_gw, want_gw, atol, rtol, "backward weight" + dt);
      expect_close(got_gb, want_gb, atol, rtol, "backward bias" + dt);
      got_gw.fill_(7.0);
      gen().conv2d_backward_weight(gy, x, got_gw, Tensor(), g);
      expect_close(got_gw, want_gw, atol, rtol, "backward weight without bias" + dt);
    }
  }

  void pool_matchesCpu_data() {
    QTest::addColumn<QVector<int>>("hw");
    QTest::addColumn<QVector<int>>("kernel");
    QTest::addColumn<QVector<int>>("stride");
    QTest::addColumn<QVector<int>>("pad");
    QTest::addColumn<QVector<int>>("dilation");  // max pooling only
    QTest::addColumn<bool>("ceil_mode");
    using V = QVector<int>;
    QTest::newRow("2x2") << V{8, 8} << V{2, 2} << V{2, 2} << V{0, 0} << V{1, 1} << false;
    QTest::newRow("2x2 odd ceil") << V{7, 9} << V{2, 2} << V{2, 2} << V{0, 0} << V{1, 1} << true;
    QTest::newRow("3x3 s2 p1") << V{9, 10} << V{3, 3} << V{2, 2} << V{1, 1} << V{1, 1} << false;
    QTest::newRow("3x3 s2 p1 ceil") << V{10, 9} << V{3, 3} << V{2, 2} << V{1, 1} << V{1, 1} << true;
    QTest::newRow("rect") << V{9, 11} << V{2, 3} << V{1, 2} << V{1, 1} << V{1, 1} << false;
    QTest::newRow("overlap s1") << V{6, 6} << V{3, 3} << V{1, 1} << V{1, 0} << V{1, 1} << false;
    QTest::newRow("stride over kernel ceil")
        << V{10, 11} << V{2, 2} << V{3, 3} << V{1, 0} << V{1, 1} << true;
    QTest::newRow("1x1 s2") << V{7, 6} << V{1, 1} << V{2, 2} << V{0, 0} << V{1, 1} << true;
    QTest::newRow("dilated") << V{11, 12} << V{3, 2} << V{2, 1} << V{1, 1} << V{2, 3} << true;
  }

  void pool_matchesCpu() {
    QFETCH(QVector<int>, hw);
    QFETCH(QVector<int>, kernel);
    QFETCH(QVector<int>, stride);
    QFETCH(QVector<int>, pad);
    QFETCH(QVector<int>, dilation);
    QFETCH(bool, ceil_mode);
    PoolGeometry g;
    g.kernel_h = kernel[0], g.kernel_w = kernel[1];
    g.stride_h = stride[0], g.stride_w = stride[1];
    g.pad_h = pad[0], g.pad_w = pad[1];
    const int64_t N = 2, C = 3, H = hw[0], W = hw[1];
    for (DType t : kDTypes) {
      const QString dt = t == kFloat64 ? " float64" : " float32";
      const TensorOptions o(t);
      // Max pooling, on random values, on values full of ties, and with NaN and -inf planted.
      PoolGeometry m = g;
      m.dilation_h = dilation[0], m.dilation_w = dilation[1];
      const int64_t oH = pooled(H, m.kernel_h, m.stride_h, m.pad_h, m.dilation_h, ceil_mode);
      const int64_t oW = pooled(W, m.kernel_w, m.stride_w, m.pad_w, m.dilation_w, ceil_mode);
      Tensor special = randint(0, 3, {N, C, H, W}).to(t);
      const double inf = std::numeric_limits<double>::infinity();
      special[0][0].fill_(-inf);  // a whole plane of -inf: windows fall back to their first cell
      special[0][1][0][0].fill_(std::nan(""));
      special[0][1][1][1].fill_(std::nan(""));
      special[1][2][H - 1][W - 1].fill_(std::nan(""));
      special[1][2][H - 1][W - 2].fill_(std::nan(""));
      special[1][1][0].fill_(-inf);
      const Tensor gy = randn({N, C, oH, oW}, o);
      for (const Tensor& x : {randn({N, C, H, W}, o), randint(0, 3, {N, C, H, W}).to(t), special}) {
        Tensor want = empty_like_shape({N, C, oH, oW}, t), got = full({N, C, oH, oW}, 7.0, o);
        Tensor want_i = zeros({N, C, oH, oW}, TensorOptions(kInt64)),
               got_i = full_like(want_i, 7.0);
        cpu().max_pool2d_forward(x, want, want_i, m);
        gen().max_pool2d_forward(x, got, got_i, m);
        expect_close(got, want, 0, 0, "max pool values" + dt);
        QVERIFY2(equal_ints(got_i, want_i), qPrintable("max pool indices" + dt));
        Tensor want_gx = empty_like_shape(x.sizes(), t), got_gx = full(x.sizes(), 7.0, o);
        cpu().max_pool2d_backward(gy, want_i, want_gx);
        gen().max_pool2d_backward(gy, want_i, got_gx);
        expect_close(got_gx, want_gx, atol_for(t, false), rtol_for(t), "max pool backward" + dt);
      }
      // Average pooling: both divisor rules and an override.
      const int64_t aH = pooled(H, g.kernel_h, g.stride_h, g.pad_h, 1, ceil_mode);
      const int64_t aW = pooled(W, g.kernel_w, g.stride_w, g.pad_w, 1, ceil_mode);
      const Tensor x = randn({N, C, H, W}, o), ga = randn({N, C, aH, aW}, o);
      for (int rule = 0; rule < 3; ++rule) {
        PoolGeometry a = g;
        a.count_include_pad = rule != 1;
        a.divisor_override = rule == 2 ? 5 : 0;
        const QString what = QString(" (rule %1)").arg(rule) + dt;
        Tensor want = empty_like_shape({N, C, aH, aW}, t), got = full({N, C, aH, aW}, 7.0, o);
        cpu().avg_pool2d_forward(x, want, a);
        gen().avg_pool2d_forward(x, got, a);
        expect_close(got, want, atol_for(t, false), rtol_for(t), "avg pool" + what);
        Tensor want_gx = empty_like_shape(x.sizes(), t), got_gx = full(x.sizes(), 7.0, o);
        cpu().avg_pool2d_backward(ga, want_gx, a);
        gen().avg_pool2d_backward(ga, got_gx, a);
        expect_close(got_gx, want_gx, atol_for(t, false), rtol_for(t), "avg pool backward" + what);
      }
    }
  }

  void adaptiveAvgPool_matchesCpu_data() {
    QTest::addColumn<QVector<int>>("sizes");  // H, W, oH, oW
    using V = QVector<int>;
    QTest::newRow("7 to 3") << V{7, 7, 3, 3};
    QTest::newRow("10x9 to 4x5") << V{10, 9, 4, 5};
    QTest::newRow("global") << V{5, 6, 1, 1};
    QTest::newRow("identity") << V{6, 8, 6, 8};
    QTest::newRow("upsampling") << V{3, 4, 5, 7};
    QTest::newRow("13 to 7") << V{13, 11, 7, 2};
  }

  void adaptiveAvgPool_matchesCpu() {
    QFETCH(QVector<int>, sizes);
    const int64_t N = 2, C = 3, H = sizes[0], W = sizes[1], oH = sizes[2], oW = sizes[3];
    for (DType t : kDTypes) {
      const QString dt = t == kFloat64 ? " float64" : " float32";
      const TensorOptions o(t);
      const Tensor x = randn({N, C, H, W}, o), gy = randn({N, C, oH, oW}, o);
      Tensor want = empty_like_shape({N, C, oH, oW}, t), got = full({N, C, oH, oW}, 7.0, o);
      cpu().adaptive_avg_pool2d_forward(x, want);
      gen().adaptive_avg_pool2d_forward(x, got);
      expect_close(got, want, atol_for(t, false), rtol_for(t), "adaptive forward" + dt);
      Tensor want_gx = empty_like_shape(x.sizes(), t), got_gx = full(x.sizes(), 7.0, o);
      cpu().adaptive_avg_pool2d_backward(gy, want_gx);
      gen().adaptive_avg_pool2d_backward(gy, got_gx);
      expect_close(got_gx, want_gx, atol_for(t, false), rtol_for(t), "adaptive backward" + dt);
    }
  }

  void batchNorm_matchesCpu_data() {
    QTest::addColumn<QVector<int>>("ncs");
    QTest::addColumn<bool>("training");
    QTest::addColumn<bool>("affine");
    QTest::addColumn<bool>("running");
    using V = QVector<int>;
    for (const V& s : {V{4, 3, 10}, V{8, 5, 1}, V{2, 4, 49}})
      for (bool training : {true, false})
        for (bool affine : {true, false})
          for (bool running : {true, false}) {
            if (!training && !running) continue;  // evaluation needs the running statistics
            QTest::addRow("%dx%dx%d %s%s%s", s[0], s[1], s[2], training ? "train" : "eval",
                          affine ? " affine" : "", running ? " running" : "")
                << s << training << affine << running;
          }
  }

  void batchNorm_matchesCpu() {
    QFETCH(QVector<int>, ncs);
    QFETCH(bool, training);
    QFETCH(bool, affine);
    QFETCH(bool, running);
    const int64_t N = ncs[0], C = ncs[1], S = ncs[2];
    for (DType t : kDTypes) {
      const QString dt = t == kFloat64 ? " float64" : " float32";
      const double atol = atol_for(t, false), rtol = rtol_for(t);
      const TensorOptions o(t);
      // An offset mean, so that a one-pass variance would show.
      const Tensor x = randn({N, C, S}, o) * 2.0 + 3.0, gy = randn({N, C, S}, o);
      const Tensor w = affine ? randn({C}, o) : Tensor(), b = affine ? randn({C}, o) : Tensor();
      const Tensor rm0 = randn({C}, o), rv0 = rand({C}, o) + 0.5;
      Tensor rm[2], rv[2], out[2], sm[2], si[2], gx[2], gw[2], gb[2];
      for (int k = 0; k < 2; ++k) {
        LayerKernels& kern = k == 0 ? cpu() : gen();
        rm[k] = running ? rm0.clone() : Tensor();
        rv[k] = running ? rv0.clone() : Tensor();
        out[k] = full({N, C, S}, 7.0, o), sm[k] = full({C}, 7.0, o), si[k] = full({C}, 7.0, o);
        kern.batch_norm_forward(x, w, b, rm[k], rv[k], training, 0.1, 1e-5, out[k], sm[k], si[k]);
        gx[k] = full({N, C, S}, 7.0, o);
        gw[k] = affine ? full({C}, 7.0, o) : Tensor();
        gb[k] = affine ? full({C}, 7.0, o) : Tensor();
        kern.batch_norm_backward(gy, x, w, sm[0], si[0], training, gx[k], gw[k], gb[k]);
      }
      expect_close(out[1], out[0], atol, rtol, "output" + dt);
      expect_close(sm[1], sm[0], atol, rtol, "save_mean" + dt);
      expect_close(si[1], si[0], atol, rtol, "save_invstd" + dt);
      if (running) {
        expect_close(rm[1], rm[0], atol, rtol, "running_mean" + dt);
        expect_close(rv[1], rv[0], atol, rtol, "running_var" + dt);
      }
      expect_close(gx[1], gx[0], atol, rtol, "grad_x" + dt);
      if (affine) {
        expect_close(gw[1], gw[0], atol, rtol, "grad_weight" + dt);
        expect_close(gb[1], gb[0], atol, rtol, "grad_bias" + dt);
      }
    }
    // grad_x alone, the others skipped.
    const Tensor x = randn({N, C, S}), gy = randn({N, C, S});
    Tensor sm = zeros({C}), si = zeros({C}), out = zeros({N, C, S});
    Tensor rm = zeros({C}), rv = ones({C});
    gen().batch_norm_forward(x, {}, {}, rm, rv, training, 0.1, 1e-5, out, sm, si);
    Tensor want = zeros({N, C, S}), got = zeros({N, C, S});
    cpu().batch_norm_backward(gy, x, {}, sm, si, training, want, {}, {});
    gen().batch_norm_backward(gy, x, {}, sm, si, training, got, {}, {});
    expect_close(got, want, 1e-5, 1e-5, "grad_x only");
  }

  // A small CNN through nn/functional (autograd included), once with the CPU kernels and once
  // with the generic ones registered in their place: outputs, every gradient, running stats.
  void endToEnd_functionalOpsMatch() {
    namespace F = nn::functional;
    struct RestoreCpuKernels {
      ~RestoreCpuKernels() { register_layer_kernels(DeviceType::CPU, &cpu()); }
    } restore;
    for (DType t : kDTypes) {
      const TensorOptions o(t);
      const Tensor x0 = randn({4, 3, 12, 11}, o), w10 = randn({6, 3, 3, 3}, o) * 0.3;
      const Tensor b10 = randn({6}, o), w20 = randn({9, 2, 3, 2}, o) * 0.3;
      const Tensor g0 = randn({6}, o), be0 = randn({6}, o), gy = randn({4, 9, 2, 3}, o);
      std::vector<Tensor> results[2];
      for (int k = 0; k < 2; ++k) {
        register_layer_kernels(DeviceType::CPU, k == 0 ? &cpu() : &gen());
        QCOMPARE(layer_kernels_for(kCPU).name(), std::string(k == 0 ? "cpu" : "generic"));
        Tensor x = x0.clone().requires_grad_(), w1 = w10.clone().requires_grad_();
        Tensor b1 = b10.clone().requires_grad_(), w2 = w20.clone().requires_grad_();
        Tensor gamma = g0.clone().requires_grad_(), beta = be0.clone().requires_grad_();
        Tensor rm = zeros({6}, o), rv = ones({6}, o);
        Tensor h = F::conv2d(x, w1, b1, {2, 1}, 1, {1, 2});  // (4, 6, 6, 9)
        h = relu(F::batch_norm(h, rm, rv, gamma, beta, true));
        h = F::max_pool2d(h, 3, 2, 1, 1, true);      // (4, 6, 4, 5)
        h = F::conv2d(h, w2, {}, 1, "same", 1, 3);   // (4, 9, 4, 5)
        h = F::avg_pool2d(h, 2, 1, 1, true, false);  // (4, 9, 5, 6)
        Tensor y = F::adaptive_avg_pool2d(h, {2, 3});
        y.backward(gy);
        results[k] = {y,           x.grad(), w1.grad(), b1.grad(), w2.grad(), gamma.grad(),
                      beta.grad(), rm,       rv};
      }
      register_layer_kernels(DeviceType::CPU, &cpu());
      const char* names[] = {"y",          "x.grad",    "w1.grad",      "b1.grad",    "w2.grad",
                             "gamma.grad", "beta.grad", "running_mean", "running_var"};
      for (size_t i = 0; i < results[0].size(); ++i)
        expect_close(results[1][i], results[0][i], atol_for(t, true), rtol_for(t) * 10,
                     QString("end to end ") + names[i] + (t == kFloat64 ? " float64" : " float32"));
    }
    QCOMPARE(layer_kernels_for(kCPU).name(), std::string("cpu"));
  }

  void emptyBatches_leaveNothingUnwritten() {
    ConvGeometry g;
    const Tensor x = zeros({0, 2, 5, 5}), w = randn({3, 2, 3, 3}), gy = zeros({0, 3, 3, 3});
    Tensor gw = full({3, 2, 3, 3}, 7.0), gb = full({3}, 7.0);
    gen().conv2d_backward_weight(gy, x, gw, gb, g);
    QCOMPARE(abs(gw).sum().item(), 0.0);
    QCOMPARE(abs(gb).sum().item(), 0.0);
  }

 private:
  static bool equal_ints(const Tensor& a, const Tensor& b) {
    return a.sizes() == b.sizes() && (a != b).sum().item() == 0;
  }
};

QTEST_APPLESS_MAIN(TestGenericLayerKernels)
#include "tst_generic_layer_kernels.moc"
