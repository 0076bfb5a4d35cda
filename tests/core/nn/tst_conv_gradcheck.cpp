// Finite-difference Jacobian checks, in float64, for the convolution, pooling and batch-norm ops:
// every gradient each op gives (input, weight, bias) against central differences of its forward
// pass. Plus a check that the CPU kernels' chunked batch path agrees with one image at a time.
#include <QtTest>

#include <algorithm>
#include <random>

#include "autograd/grad_mode.h"
#include "nn/functional/batchnorm.h"
#include "nn/functional/conv.h"
#include "nn/functional/pooling.h"
#include "support/gradcheck.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace {

namespace F = nw::nn::functional;
using nw::Shape;
using nw::Tensor;
using Args = std::vector<Tensor>;

struct GradcheckCase {
  nw::test::GradcheckFn f;
  Args inputs;
};

// Inputs come from a fixed std::mt19937_64 rather than nw::randn, so a bug in the core's random
// generator cannot change what this test checks.
class Inputs {
 public:
  Tensor uniform(const Shape& s, double lo = -1, double hi = 1) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> v(nw::numel_of(s));
    for (double& x : v) x = u(gen_);
    return nw::from_vector<double>(v, s, nw::kFloat64);
  }
  Tensor positive(const Shape& s) { return uniform(s, 0.5, 1.5); }
  // A shuffled grid 0.05 apart: no two elements of a pooling window within eps of each other.
  Tensor distinct(const Shape& s) {
    std::vector<double> v(nw::numel_of(s));
    for (size_t i = 0; i < v.size(); ++i) v[i] = 0.05 * double(i) - 0.025 * double(v.size());
    std::shuffle(v.begin(), v.end(), gen_);
    return nw::from_vector<double>(v, s, nw::kFloat64);
  }

 private:
  std::mt19937_64 gen_{20240611};
};

Tensor f64(const Shape& s, double value) {
  return nw::full(s, value, nw::kFloat64);
}

}  // namespace

Q_DECLARE_METATYPE(GradcheckCase)

class TestConvGradcheck : public QObject {
  Q_OBJECT

 private slots:
  void op_data();
  void op();
  void chunkedBatchMatchesOneImageAtATime();
};

void TestConvGradcheck::op_data() {
  QTest::addColumn<GradcheckCase>("c");
  Inputs in;
  auto row = [](const char* name, nw::test::GradcheckFn f, Args inputs) {
    QTest::newRow(name) << GradcheckCase{std::move(f), std::move(inputs)};
  };

  // ---- conv2d: x, weight, bias
  row("conv2d", [](const Args& x) { return F::conv2d(x[0], x[1], x[2]); },
      {in.uniform({2, 3, 5, 5}), in.uniform({4, 3, 3, 3}), in.uniform({4})});
  row("conv2d_no_bias", [](const Args& x) { return F::conv2d(x[0], x[1]); },
      {in.uniform({2, 2, 4, 5}), in.uniform({3, 2, 2, 3})});
  row("conv2d_strided_padded",
      [](const Args& x) {
        return F::conv2d(x[0], x[1], x[2], {2, 3}, {1, 2});
      },
      {in.uniform({2, 2, 7, 8}), in.uniform({3, 2, 3, 2}), in.uniform({3})});
  row("conv2d_same_even", [](const Args& x) { return F::conv2d(x[0], x[1], x[2], 1, "same"); },
      {in.uniform({1, 2, 5, 6}), in.uniform({3, 2, 4, 2}), in.uniform({3})});
  row("conv2d_dilated", [](const Args& x) { return F::conv2d(x[0], x[1], x[2], 1, 2, 2); },
      {in.uniform({1, 2, 7, 7}), in.uniform({2, 2, 3, 3}), in.uniform({2})});
  row("conv2d_grouped", [](const Args& x) { return F::conv2d(x[0], x[1], x[2], 1, 1, 1, 2); },
      {in.uniform({2, 4, 5, 5}), in.uniform({6, 2, 3, 3}), in.uniform({6})});
  row("conv2d_depthwise", [](const Args& x) { return F::conv2d(x[0], x[1], x[2], 2, 1, 1, 3); },
      {in.uniform({1, 3, 6, 6}), in.uniform({6, 1, 3, 3}), in.uniform({6})});
  row("conv2d_pointwise", [](const Args& x) { return F::conv2d(x[0], x[1], x[2]); },
      {in.uniform({2, 3, 4, 4}), in.uniform({2, 3, 1, 1}), in.uniform({2})});
  row("conv2d_large_plane",  // 16 x 16 output positions: the per-image path
      [](const Args& x) { return F::conv2d(x[0], x[1], x[2], 1, 1); },
      {in.uniform({1, 1, 16, 16}), in.uniform({2, 1, 3, 3}), in.uniform({2})});
  row("conv2d_unbatched", [](const Args& x) { return F::conv2d(x[0], x[1], x[2]); },
      {in.uniform({2, 4, 4}), in.uniform({3, 2, 2, 2}), in.uniform({3})});

  // ---- conv1d
  row("conv1d", [](const Args& x) { return F::conv1d(x[0], x[1], x[2], 2, 1, 2); },
      {in.uniform({2, 3, 9}), in.uniform({4, 3, 3}), in.uniform({4})});
  row("conv1d_same_grouped",
      [](const Args& x) { return F::conv1d(x[0], x[1], x[2], 1, "same", 1, 2); },
      {in.uniform({2, 4, 7}), in.uniform({4, 2, 4}), in.uniform({4})});

  // ---- conv_transpose2d: weight (in, out/groups, kH, kW)
  row("conv_transpose2d", [](const Args& x) { return F::conv_transpose2d(x[0], x[1], x[2]); },
      {in.uniform({2, 3, 4, 4}), in.uniform({3, 2, 3, 3}), in.uniform({2})});
  row("conv_transpose2d_output_padding",
      [](const Args& x) { return F::conv_transpose2d(x[0], x[1], x[2], 2, 1, 1); },
      {in.uniform({1, 2, 4, 4}), in.uniform({2, 3, 3, 3}), in.uniform({3})});
  row("conv_transpose2d_grouped_dilated",
      [](const Args& x) {
        return F::conv_transpose2d(x[0], x[1], x[2], {2, 1}, 1, 0, 2, 2);
      },
      {in.uniform({1, 4, 4, 4}), in.uniform({4, 1, 3, 3}), in.uniform({2})});

  // ---- pooling (distinct values keep every max away from a tie)
  row("max_pool2d_2x2", [](const Args& x) { return F::max_pool2d(x[0], 2); },
      {in.distinct({2, 2, 6, 6})});
  row("max_pool2d_ceil_padded", [](const Args& x) { return F::max_pool2d(x[0], 3, 2, 1, 1, true); },
      {in.distinct({1, 2, 8, 8})});
  row("max_pool2d_dilated_overlapping",
      [](const Args& x) {
        return F::max_pool2d(x[0], {2, 3}, 1, 0, 2);
      },
      {in.distinct({1, 2, 6, 7})});
  row("avg_pool2d", [](const Args& x) { return F::avg_pool2d(x[0], 2); },
      {in.uniform({2, 2, 6, 6})});
  row("avg_pool2d_ceil_padded", [](const Args& x) { return F::avg_pool2d(x[0], 3, 2, 1, true); },
      {in.uniform({1, 2, 8, 8})});
  row("avg_pool2d_exclude_pad",
      [](const Args& x) { return F::avg_pool2d(x[0], 3, 2, 1, true, false); },
      {in.uniform({1, 2, 7, 7})});
  row("avg_pool2d_divisor",
      [](const Args& x) { return F::avg_pool2d(x[0], 2, 1, 1, false, true, 3); },
      {in.uniform({1, 2, 5, 5})});
  row("adaptive_avg_pool2d_nondivisible",
      [](const Args& x) {
        return F::adaptive_avg_pool2d(x[0], {3, 4});
      },
      {in.uniform({2, 2, 7, 9})});
  row("adaptive_avg_pool2d_larger",
      [](const Args& x) {
        return F::adaptive_avg_pool2d(x[0], {4, 5});
      },
      {in.uniform({1, 2, 3, 3})});

  // ---- batch_norm: x, weight, bias; running stats made fresh inside, as buffers are
  const int64_t C = 3;
  auto bn = [C](bool training, bool running) {
    return [=](const Args& x) {
      Tensor rm = running ? f64({C}, 0.1) : Tensor(), rv = running ? f64({C}, 1.3) : Tensor();
      const Tensor w = x.size() > 1 ? x[1] : Tensor(), b = x.size() > 2 ? x[2] : Tensor();
      return F::batch_norm(x[0], rm, rv, w, b, training, 0.1, 1e-5);
    };
  };
  row("batch_norm_2d_train", bn(true, true),
      {in.uniform({3, C, 3, 3}), in.positive({C}), in.uniform({C})});
  row("batch_norm_2d_eval", bn(false, true),
      {in.uniform({3, C, 3, 3}), in.positive({C}), in.uniform({C})});
  row("batch_norm_1d_train", bn(true, false),
      {in.uniform({6, C}), in.positive({C}), in.uniform({C})});
  row("batch_norm_3d_train", bn(true, true),
      {in.uniform({2, C, 4}), in.positive({C}), in.uniform({C})});
  row("batch_norm_3d_eval", bn(false, true),
      {in.uniform({2, C, 4}), in.positive({C}), in.uniform({C})});
  row("batch_norm_no_affine_train", bn(true, true), {in.uniform({4, C, 2, 2})});
}

void TestConvGradcheck::op() {
  QFETCH(GradcheckCase, c);
  std::string report;
  QVERIFY2(nw::test::gradcheck(c.f, c.inputs, 1e-6, 1e-7, 1e-5, &report), report.c_str());
}

// 64 channels of 15 x 15 take 1 MiB of float64 columns per image, so the CPU kernels process
// this batch of 6 in chunks of 4 and 2 (gathering grad_out per chunk); one image at a time takes
// the per-image path. Both must give the same output and gradients.
void TestConvGradcheck::chunkedBatchMatchesOneImageAtATime() {
  Inputs in;
  const Tensor x = in.uniform({6, 64, 17, 17}), w = in.uniform({8, 32, 3, 3}), b = in.uniform({8}),
               g = in.uniform({6, 8, 15, 15});
  auto run = [&](const Tensor& xs, const Tensor& gs) {
    Tensor xl = xs.clone().requires_grad_(), wl = w.clone().requires_grad_(),
           bl = b.clone().requires_grad_();
    Tensor y = F::conv2d(xl, wl, bl, 1, 0, 1, 2);
    y.backward(gs);
    return std::vector<Tensor>{y.detach(), xl.grad(), wl.grad(), bl.grad()};
  };
  const std::vector<Tensor> batch = run(x, g);
  std::vector<Tensor> ys, gxs;
  Tensor gw = nw::zeros_like(w), gb = nw::zeros_like(b);
  for (int64_t n = 0; n < 6; ++n) {
    auto one = run(x.narrow(0, n, 1), g.narrow(0, n, 1));
    ys.push_back(one[0]);
    gxs.push_back(one[1]);
    gw = gw + one[2];
    gb = gb + one[3];
  }
  QVERIFY(batch[0].allclose(nw::cat(ys), 1e-12, 1e-12));
  QVERIFY(batch[1].allclose(nw::cat(gxs), 1e-12, 1e-12));
  QVERIFY(batch[2].allclose(gw, 1e-12, 1e-12));
  QVERIFY(batch[3].allclose(gb, 1e-12, 1e-12));
}

QTEST_APPLESS_MAIN(TestConvGradcheck)
#include "tst_conv_gradcheck.moc"
