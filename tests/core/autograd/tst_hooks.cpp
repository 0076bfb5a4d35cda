// Post-accumulate-grad hooks (autograd/hooks.h): when they run, what they see, how they go.
#include <QtTest>

#include "autograd/hooks.h"
#include "tensor/creation.h"
#include "tensor/errors.h"
#include "tensor/ops.h"

using namespace nw;

class TestHooks : public QObject {
  Q_OBJECT
 private slots:
  // w reaches the loss by two paths; the hook runs once, after both are summed into .grad.
  void firesOnceAfterTheWholeSum() {
    Tensor w = tensor({1., 2.}).requires_grad_();
    int calls = 0;
    std::vector<double> seen;
    auto handle = autograd::add_post_accumulate_grad_hook(w, [&](const Tensor& leaf) {
      ++calls;
      QVERIFY(leaf.is_same(w));
      seen = leaf.grad().to_vector<double>();
    });
    ((w * w).sum() + (w * 3.0).sum()).backward();  // d/dw = 2w + 3
    QCOMPARE(calls, 1);
    QCOMPARE(seen, (std::vector<double>{5., 7.}));
  }

  // Without zero_grad the second pass adds to the first; the hook sees the running total.
  void seesTheAccumulatedGradientOncePerBackward() {
    Tensor w = tensor({1., 2.}).requires_grad_();
    int calls = 0;
    std::vector<double> seen;
    auto handle = autograd::add_post_accumulate_grad_hook(w, [&](const Tensor& leaf) {
      ++calls;
      seen = leaf.grad().to_vector<double>();
    });
    (w * 2.0).sum().backward();
    (w * 5.0).sum().backward();
    QCOMPARE(calls, 2);
    QCOMPARE(seen, (std::vector<double>{7., 7.}));
  }

  // A leaf that backward does not reach gets no call.
  void unreachedLeafIsNotCalled() {
    Tensor used = tensor({1.}).requires_grad_();
    Tensor unused = tensor({1.}).requires_grad_();
    int calls = 0;
    auto handle = autograd::add_post_accumulate_grad_hook(unused, [&](const Tensor&) { ++calls; });
    (used * 2.0).sum().backward();
    QCOMPARE(calls, 0);
  }

  void handleRemovesTheHook() {
    Tensor w = tensor({1.}).requires_grad_();
    int a = 0, b = 0;
    auto ha = autograd::add_post_accumulate_grad_hook(w, [&](const Tensor&) { ++a; });
    {
      auto hb = autograd::add_post_accumulate_grad_hook(w, [&](const Tensor&) { ++b; });
      (w * 1.0).sum().backward();
    }
    (w * 1.0).sum().backward();
    ha.reset();
    (w * 1.0).sum().backward();
    QCOMPARE(a, 2);
    QCOMPARE(b, 1);
    QCOMPARE(w.grad().item<double>(), 3.0);  // the gradient itself is not the hooks' business
  }

  // A moved handle owns the hook; the moved-from one removes nothing.
  void movedHandleKeepsTheHook() {
    Tensor w = tensor({1.}).requires_grad_();
    int calls = 0;
    autograd::HookHandle kept;
    {
      auto h = autograd::add_post_accumulate_grad_hook(w, [&](const Tensor&) { ++calls; });
      kept = std::move(h);
    }
    (w * 1.0).sum().backward();
    QCOMPARE(calls, 1);
  }

  void refusesTensorsThatAreNotLeavesRequiringGrad() {
    Tensor w = tensor({1.}).requires_grad_();
    Tensor y = w * 2.0;
    Tensor plain = tensor({1.});
    auto noop = [](const Tensor&) {};
    QVERIFY_THROWS_EXCEPTION(AutogradError, (void)autograd::add_post_accumulate_grad_hook(y, noop));
    QVERIFY_THROWS_EXCEPTION(AutogradError,
                             (void)autograd::add_post_accumulate_grad_hook(plain, noop));
    QVERIFY_THROWS_EXCEPTION(AutogradError,
                             (void)autograd::add_post_accumulate_grad_hook(Tensor(), noop));
  }
};

QTEST_APPLESS_MAIN(TestHooks)
#include "tst_hooks.moc"
