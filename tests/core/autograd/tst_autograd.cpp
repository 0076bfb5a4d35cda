// Autograd engine behaviour: the tutorial block, accumulation, graph lifetime, grad modes.
#include <QtTest>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;

class TestAutograd : public QObject {
  Q_OBJECT
 private slots:
  void tutorialBlockGivesFourPointFive() {
    Tensor x = ones({2, 2}, TensorOptions().requires_grad());
    Tensor y = x + 2.0;
    QCOMPARE(std::string(y.grad_fn()->name()), std::string("AddBackward0"));
    Tensor z = y * y * 3.0;
    QCOMPARE(std::string(z.grad_fn()->name()), std::string("MulBackward0"));
    Tensor out = z.mean();
    QCOMPARE(std::string(out.grad_fn()->name()), std::string("MeanBackward0"));
    QCOMPARE(out.item<float>(), 27.0f);
    out.backward();
    QVERIFY(x.grad().equal(full({2, 2}, 4.5)));
    QVERIFY(x.is_leaf());
    QVERIFY(!y.is_leaf());
    QVERIFY(!y.grad().defined());  // non-leaves do not keep .grad
  }

  void vectorJacobianProductWithExplicitGradient() {
    Tensor x = tensor({1., 2., 3.}).requires_grad_();
    Tensor y = x * 2.0;
    y.backward(tensor({0.1, 1.0, 0.0001}));
    QVERIFY(x.grad().allclose(tensor({0.2, 2.0, 0.0002})));
  }

  void gradientsAccumulateUntilZeroed() {
    Tensor w = tensor({1., 2.}).requires_grad_();
    (w * w).sum().backward();
    (w * w).sum().backward();
    QVERIFY(x_equal(w.grad(), {4, 8}));
    w.grad().zero_();
    (w * 3.0).sum().backward();
    QVERIFY(x_equal(w.grad(), {3, 3}));
  }

  void sharedInputsSumTheirPaths() {
    Tensor a = tensor({2.}).requires_grad_();
    Tensor b = a * a;        // db/da = 2a = 4
    Tensor c = b + a.exp();  // dc/da = 4 + e^2
    Tensor d = c * b;        // dd/da = dc/da * b + c * db/da
    d.sum().backward();
    double e2 = std::exp(2.0);
    double expected = (4 + e2) * 4 + (4 + e2) * 4;
    QVERIFY(std::abs(a.grad().item<double>() - expected) < 1e-4);
  }

  void retainGraphAllowsASecondBackward() {
    Tensor x = tensor({1., 2.}).requires_grad_();
    Tensor y = (x * x).sum();
    y.backward(Tensor(), /*retain_graph=*/true);
    y.backward();
    QVERIFY(x_equal(x.grad(), {4, 8}));
  }

  void noGradGuardStopsRecording() {
    Tensor x = ones({2}, TensorOptions().requires_grad());
    {
      NoGradGuard guard;
      Tensor y = x * 2.0;
      QVERIFY(!y.requires_grad());
      QVERIFY(!is_grad_enabled());
      {
        EnableGradGuard enable;
        QVERIFY((x * 2.0).requires_grad());
      }
      QVERIFY(!is_grad_enabled());
    }
    QVERIFY(is_grad_enabled());
    QVERIFY((x * 2.0).requires_grad());
  }

  void detachCutsTheGraphButSharesMemory() {
    Tensor x = ones({2}, TensorOptions().requires_grad());
    Tensor y = x * 2.0;
    Tensor d = y.detach();
    QVERIFY(!d.requires_grad());
    QVERIFY(d.is_leaf());
    QVERIFY(d.storage() == y.storage());
  }

  void requiresGradToggles() {
    Tensor a = tensor({1., 2.});
    QVERIFY(!(a * 2.0).requires_grad());
    a.requires_grad_();
    QVERIFY((a * 2.0).requires_grad());
    a.requires_grad_(false);
    QVERIFY(!(a * 2.0).requires_grad());
  }

  void integerInputsTakeNoGradient() {
    Tensor w = tensor({1., 2.}).requires_grad_();
    Tensor idx = tensor({1, 0});
    Tensor y = (w.index_select(0, idx) * idx).sum();
    y.backward();
    QVERIFY(x_equal(w.grad(), {0, 1}));  // w[1] was picked and scaled by 1, w[0] by 0
  }

  void gradientFlowsThroughViews() {
    Tensor x = arange(6, kFloat64).reshape({2, 3}).requires_grad_();
    Tensor y = x.t()[1] * 10.0;  // column 1 of x
    y.sum().backward();
    QVERIFY(x_equal(x.grad(), {0, 10, 0, 0, 10, 0}));
  }

 private:
  static bool x_equal(const Tensor& t, std::vector<double> v) { return t.to_vector<double>() == v; }
};

QTEST_APPLESS_MAIN(TestAutograd)
#include "tst_autograd.moc"
