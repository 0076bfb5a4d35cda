// Behaviour of nw::nn::functional beyond the PyTorch values: error messages, grad_fn names,
// dropout's statistics and reproducibility, no-grad mode, and the fused CPU kernels against the
// composed path on tensors large enough to run in parallel.
#include <QtTest>

#include <functional>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "nn/functional/activation.h"
#include "nn/functional/dropout.h"
#include "nn/functional/embedding.h"
#include "nn/functional/kernel_path.h"
#include "nn/functional/linear.h"
#include "nn/functional/loss.h"
#include "nn/functional/normalization.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace F = nw::nn::functional;
using nw::Tensor;

namespace {

// The message of the exception `f` throws as E; fails the test when it throws nothing or else.
template <typename E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "no exception";
}

#define EXPECT_MESSAGE(E, expr, fragment)                                               \
  do {                                                                                  \
    const std::string msg = message_of<E>([&] { (void)(expr); });                       \
    QVERIFY2(msg.find(fragment) != std::string::npos, ("message was: " + msg).c_str()); \
  } while (0)

QString grad_fn_name(const Tensor& t) {
  return t.grad_fn() ? t.grad_fn()->name() : "(none)";
}

}  // namespace

class TestFunctional : public QObject {
  Q_OBJECT

 private slots:
  void linearShapeErrorsNameTheFix();
  void classLossErrorsNameTheTarget();
  void argumentErrors();
  void gradFnNamesFollowPyTorch();
  void noGradRecordsNothing();
  void dropoutIsReproducibleAndScaled();
  void dropoutZeroesAboutPOfTheElements();
  void dropout2dDropsWholeChannels();
  void dropoutIdentityCases();
  void fusedKernelsMatchComposedPathInParallel();
  void crossEntropyMatchesNllOfLogSoftmax();
  void linearBackwardTakesExpandedGradients();
  void reductionNames();
};

void TestFunctional::linearShapeErrorsNameTheFix() {
  const Tensor x = nw::zeros({4, 1600}), w = nw::zeros({10, 512}), b = nw::zeros({10});
  EXPECT_MESSAGE(nw::ShapeError, F::linear(x, w, b),
                 "linear: input has 1600 features in its last dimension but weight expects 512 "
                 "(weight shape (10, 512)");
  EXPECT_MESSAGE(nw::ShapeError, F::linear(x, w, b), "set in_features to 1600");
  EXPECT_MESSAGE(nw::ShapeError, F::linear(nw::zeros({4, 512}), w, nw::zeros({3})),
                 "bias must have shape (10,)");
  EXPECT_MESSAGE(nw::DTypeError, F::linear(nw::zeros({4, 512}, nw::kFloat64), w),
                 "input is float64 but weight is float32");
  EXPECT_MESSAGE(nw::ShapeError, F::linear(nw::zeros({512}), nw::zeros({512})),
                 "weight must be 2-D");
}

void TestFunctional::classLossErrorsNameTheTarget() {
  const Tensor logits = nw::zeros({5, 10});
  const Tensor bad = nw::tensor({1, 2, 3, 12, 0});
  EXPECT_MESSAGE(nw::IndexError, F::cross_entropy(logits, bad),
                 "cross_entropy: target 12 is out of range for 10 classes at position 3");
  EXPECT_MESSAGE(nw::IndexError, F::nll_loss(logits, nw::tensor({1, 2, -1, 0, 0})),
                 "nll_loss: target -1 is out of range for 10 classes at position 2");
  EXPECT_MESSAGE(nw::IndexError,
                 F::cross_entropy(nw::zeros({2, 3, 2}), nw::tensor({{0, 1}, {5, 2}})),
                 "target 5 is out of range for 3 classes at position (1, 0)");
  EXPECT_MESSAGE(nw::DTypeError, F::cross_entropy(logits, nw::zeros({5})),
                 "target must hold int64 class indices, got float32");
  EXPECT_MESSAGE(nw::DTypeError, F::cross_entropy(logits, nw::zeros({5, 10})),
                 "class-probability targets are not supported");
  EXPECT_MESSAGE(nw::ShapeError, F::cross_entropy(logits, nw::zeros({5, 1}, nw::kInt64)),
                 "input of shape (5, 10) needs a target of shape (5,), got (5, 1); reshape it with "
                 "target.reshape({5})");
  EXPECT_MESSAGE(nw::ShapeError,
                 F::cross_entropy(logits, nw::zeros({5}, nw::kInt64), nw::ones({9})),
                 "weight of shape (9,) must hold one value per class, shape (10,)");
  EXPECT_MESSAGE(nw::Error,
                 F::cross_entropy(logits, nw::zeros({5}, nw::kInt64), Tensor(), -100,
                                  nw::nn::Reduction::Mean, 1.5),
                 "label_smoothing must lie in [0, 1]");
  // -100 is ignored, not out of range.
  QVERIFY(F::cross_entropy(logits, nw::tensor({1, -100, 3, 9, 0})).defined());
}

void TestFunctional::argumentErrors() {
  const Tensor x = nw::rand({3, 4});
  EXPECT_MESSAGE(nw::ShapeError, F::mse_loss(x, nw::rand({3})),
                 "target shape (3,) differs from input shape (3, 4)");
  EXPECT_MESSAGE(nw::ShapeError, F::l1_loss(x, nw::rand({12})), "target.reshape({3, 4})");
  EXPECT_MESSAGE(nw::DTypeError, F::mse_loss(x, nw::zeros({3, 4}, nw::kInt64)),
                 "target must be a floating-point tensor");
  EXPECT_MESSAGE(nw::DTypeError, F::binary_cross_entropy(x, x.to(nw::kFloat64)),
                 "target is float64 but the input is float32");
  EXPECT_MESSAGE(nw::Error, F::binary_cross_entropy(x + 1.5, x), "outside [0, 1]");
  EXPECT_MESSAGE(nw::ShapeError, F::binary_cross_entropy_with_logits(x, x, Tensor(), nw::ones({3})),
                 "pos_weight of shape (3,) does not broadcast to the input shape (3, 4)");
  Tensor w = nw::ones({4}).requires_grad_();
  EXPECT_MESSAGE(nw::AutogradError, F::binary_cross_entropy(x, x, w), "pass weight.detach()");
  EXPECT_MESSAGE(nw::Error, F::dropout(x, 1.5), "dropout probability p must lie in [0, 1]");
  EXPECT_MESSAGE(nw::Error, F::dropout(x, -0.1), "got -0.1");
  EXPECT_MESSAGE(nw::ShapeError, F::dropout2d(x, 0.5), "(N, C, H, W) or (C, H, W)");
  EXPECT_MESSAGE(nw::Error, F::gelu(x, "erf"), "approximate must be \"none\" or \"tanh\"");
  EXPECT_MESSAGE(nw::DTypeError, F::leaky_relu(nw::tensor({1, 2})), "floating-point");
  EXPECT_MESSAGE(nw::DTypeError, F::softmax(nw::tensor({1, 2}), 0), "floating-point");
  EXPECT_MESSAGE(nw::IndexError, F::softmax(x, 2), "dimension 2 is out of range");
  EXPECT_MESSAGE(nw::IndexError, F::embedding(nw::tensor({{0, 7}}), nw::zeros({5, 2})),
                 "embedding: index 7 is out of range for 5 embeddings at position (0, 1)");
  EXPECT_MESSAGE(nw::ShapeError, F::layer_norm(x, {3}), "normalized_shape (3,) does not match");
  EXPECT_MESSAGE(nw::Error, F::smooth_l1_loss(x, x, nw::nn::Reduction::Mean, -1.0),
                 "beta must be >= 0");
}

void TestFunctional::gradFnNamesFollowPyTorch() {
  const Tensor x = nw::randn({4, 3}).requires_grad_();
  const Tensor w = nw::randn({2, 3}).requires_grad_(), b = nw::randn({2}).requires_grad_();
  const Tensor t = nw::tensor({0, 2, 1, 1});
  QCOMPARE(grad_fn_name(F::relu(x)), QString("ReluBackward0"));
  QCOMPARE(grad_fn_name(F::leaky_relu(x)), QString("LeakyReluBackward0"));
  QCOMPARE(grad_fn_name(F::elu(x)), QString("EluBackward0"));
  QCOMPARE(grad_fn_name(F::gelu(x)), QString("GeluBackward0"));
  QCOMPARE(grad_fn_name(F::gelu(x, "tanh")), QString("GeluBackward0"));
  QCOMPARE(grad_fn_name(F::silu(x)), QString("SiluBackward0"));
  QCOMPARE(grad_fn_name(F::sigmoid(x)), QString("SigmoidBackward0"));
  QCOMPARE(grad_fn_name(F::tanh(x)), QString("TanhBackward0"));
  QCOMPARE(grad_fn_name(F::softmax(x, 1)), QString("SoftmaxBackward0"));
  QCOMPARE(grad_fn_name(F::log_softmax(x, 1)), QString("LogSoftmaxBackward0"));
  QCOMPARE(grad_fn_name(F::dropout(x, 0.5)), QString("MulBackward0"));
  QCOMPARE(grad_fn_name(F::linear(x, w, b)), QString("AddmmBackward0"));
  QCOMPARE(grad_fn_name(F::linear(x, w)), QString("MmBackward0"));
  QCOMPARE(grad_fn_name(F::embedding(t, x)), QString("EmbeddingBackward0"));
  QCOMPARE(grad_fn_name(F::layer_norm(x, {3})), QString("NativeLayerNormBackward0"));
  QCOMPARE(grad_fn_name(F::cross_entropy(x, t)), QString("NllLossBackward0"));
  QCOMPARE(grad_fn_name(F::nll_loss(x, t)), QString("NllLossBackward0"));
  const Tensor p = nw::sigmoid(x);
  QCOMPARE(grad_fn_name(F::binary_cross_entropy(p, p.detach())),
           QString("BinaryCrossEntropyBackward0"));
  QCOMPARE(grad_fn_name(F::binary_cross_entropy_with_logits(x, p.detach())),
           QString("BinaryCrossEntropyWithLogitsBackward0"));
  QCOMPARE(grad_fn_name(F::mse_loss(x, p.detach())), QString("MseLossBackward0"));
  QCOMPARE(grad_fn_name(F::l1_loss(x, p.detach())), QString("MeanBackward0"));
  QCOMPARE(grad_fn_name(F::smooth_l1_loss(x, p.detach())), QString("SmoothL1LossBackward0"));
}

void TestFunctional::noGradRecordsNothing() {
  const Tensor x = nw::randn({4, 3}).requires_grad_();
  const Tensor w = nw::randn({2, 3}).requires_grad_();
  nw::NoGradGuard no_grad;
  QVERIFY(!F::gelu(x).requires_grad());
  QVERIFY(!F::log_softmax(x, 1).requires_grad());
  QVERIFY(!F::linear(x, w).requires_grad());
  QVERIFY(!F::cross_entropy(x, nw::tensor({0, 1, 2, 0})).requires_grad());
  QVERIFY(!F::dropout(x, 0.5).requires_grad());
}

void TestFunctional::dropoutIsReproducibleAndScaled() {
  const Tensor x = nw::ones({64, 32}).requires_grad_();
  nw::manual_seed(11);
  const Tensor a = F::dropout(x, 0.25);
  nw::manual_seed(11);
  const Tensor b = F::dropout(x, 0.25);
  QVERIFY(a.equal(b));
  QVERIFY(!F::dropout(x, 0.25).equal(a));  // the generator moved on
  // Every element is 0 or 1 / (1 - p), and the gradient is the same mask.
  const Tensor kept = a > 0.0;
  QVERIFY(a.equal(kept.to(nw::kFloat32) * (1.0 / 0.75)));
  a.backward(nw::ones_like(a));
  QVERIFY(x.grad().equal(a.detach()));
}

void TestFunctional::dropoutZeroesAboutPOfTheElements() {
  nw::manual_seed(5);
  for (double p : {0.1, 0.5, 0.9}) {
    const Tensor y = F::dropout(nw::ones({200000}), p);
    const double zero_fraction = (y == 0.0).to(nw::kFloat64).mean().item();
    QVERIFY2(std::abs(zero_fraction - p) < 0.005,
             qPrintable(QString("p = %1, zeroed %2").arg(p).arg(zero_fraction)));
    QVERIFY(std::abs(y.to(nw::kFloat64).mean().item() - 1.0) < 0.02);  // expectation kept
  }
}

void TestFunctional::dropout2dDropsWholeChannels() {
  nw::manual_seed(3);
  for (const nw::Shape& shape : {nw::Shape{8, 16, 5, 5}, nw::Shape{16, 5, 5}}) {
    const Tensor y = F::dropout2d(nw::ones(shape), 0.5);
    const Tensor per_channel = y.sum({-2, -1});  // 0 or 25 * 2 for every (n, c)
    const Tensor zero = per_channel == 0.0, full = per_channel == 50.0;
    QVERIFY((zero.to(nw::kInt64) + full.to(nw::kInt64)).equal(nw::ones_like(zero).to(nw::kInt64)));
    const double dropped = zero.to(nw::kFloat64).mean().item();
    QVERIFY2(dropped > 0.2 && dropped < 0.8, qPrintable(QString::number(dropped)));
  }
}

void TestFunctional::dropoutIdentityCases() {
  const Tensor x = nw::randn({3, 4}).requires_grad_();
  QVERIFY(F::dropout(x, 0.5, false).is_same(x));
  QVERIFY(F::dropout(x, 0.0, true).is_same(x));
  QVERIFY(F::dropout2d(nw::randn({1, 2, 3, 3}), 0.7, false).defined());
  const Tensor z = F::dropout(x, 1.0);
  QVERIFY(z.equal(nw::zeros({3, 4})));
}

void TestFunctional::fusedKernelsMatchComposedPathInParallel() {
  // 256 x 200 = 51200 elements: above the CPU loops' parallel grain. (The activations have one
  // path, a backend op, which tst_functional_parity checks against PyTorch.)
  nw::manual_seed(9);
  const Tensor x = nw::randn({256, 200}) * 3.0;
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> fns = {
      {"softmax", [](const Tensor& v) { return F::softmax(v, 1); }},
      {"softmax_dim0", [](const Tensor& v) { return F::softmax(v, 0); }},
      {"log_softmax", [](const Tensor& v) { return F::log_softmax(v, 1); }},
      {"log_softmax_dim0", [](const Tensor& v) { return F::log_softmax(v, 0); }},
  };
  const Tensor g = nw::randn({256, 200});
  for (const auto& [name, fn] : fns) {
    Tensor a = x.clone().requires_grad_(), b = x.clone().requires_grad_();
    const Tensor fused = fn(a);
    fused.backward(g);
    Tensor composed;
    {
      F::detail::ComposedPathGuard guard;
      composed = fn(b);
      composed.backward(g);
    }
    QVERIFY2(fused.allclose(composed, 1e-5, 1e-6), name);
    QVERIFY2(a.grad().allclose(b.grad(), 1e-4, 1e-5), name);
  }
}

void TestFunctional::crossEntropyMatchesNllOfLogSoftmax() {
  nw::manual_seed(4);
  const Tensor x = nw::randn({512, 100});
  const Tensor t = nw::randint(0, 100, {512});
  Tensor a = x.clone().requires_grad_(), b = x.clone().requires_grad_();
  const Tensor fused = F::cross_entropy(a, t);
  const Tensor composed = F::nll_loss(F::log_softmax(b, 1), t);
  QVERIFY(fused.allclose(composed, 1e-6, 1e-6));
  fused.backward();
  composed.backward();
  QVERIFY(a.grad().allclose(b.grad(), 1e-5, 1e-8));
}

void TestFunctional::linearBackwardTakesExpandedGradients() {
  // sum() hands linear's backward a stride-0 gradient; each GEMM must still read it right.
  const Tensor x = nw::randn({6, 4}).requires_grad_();
  const Tensor w = nw::randn({3, 4}).requires_grad_(), b = nw::randn({3}).requires_grad_();
  F::linear(x, w, b).sum().backward();
  QVERIFY(x.grad().allclose(nw::ones({6, 3}).matmul(w.detach()), 1e-5, 1e-6));
  QVERIFY(w.grad().allclose(nw::ones({3, 6}).matmul(x.detach()), 1e-5, 1e-6));
  QVERIFY(b.grad().allclose(nw::full({3}, 6.0)));
}

void TestFunctional::reductionNames() {
  using nw::nn::Reduction;
  QVERIFY(nw::nn::reduction_from_string("sum") == Reduction::Sum);
  QVERIFY(nw::nn::reduction_from_string("none") == Reduction::None);
  QVERIFY(nw::nn::reduction_from_string("mean") == Reduction::Mean);
  QCOMPARE(QString(nw::nn::reduction_name(Reduction::Mean)), QString("mean"));
  EXPECT_MESSAGE(nw::Error, nw::nn::reduction_from_string("avg"),
                 "reduction must be \"none\", \"mean\" or \"sum\", got \"avg\"");
}

QTEST_APPLESS_MAIN(TestFunctional)
#include "tst_functional.moc"
