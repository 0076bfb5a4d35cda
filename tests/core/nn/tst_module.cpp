// Module bookkeeping: names, modes, placement, state_dict round trips and their errors.
#include <QtTest>

#include "nn/init.h"
#include "nn/layers/activation.h"
#include "nn/layers/merge.h"
#include "nn/layers/shape.h"
#include "nn/module.h"
#include "nn/sequential.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::nn;

namespace {

// A two-parameter affine map with a buffer, written against the Module API only.
class Affine : public Module {
 public:
  Affine(int64_t in, int64_t out) : Module("Affine") {
    weight = register_parameter("weight", zeros({out, in}));
    bias = register_parameter("bias", zeros({out}));
    calls = register_buffer("calls", zeros({1}));
    scratch = register_buffer("scratch", zeros({2}), /*persistent=*/false);
    init::kaiming_uniform_(weight, std::sqrt(5.0));
  }
  using Module::forward;
  Tensor forward(const Tensor& x) override { return x.matmul(weight.t()) + bias; }
  std::string extra_repr() const override { return "in=" + std::to_string(weight.size(1)); }
  Tensor weight, bias, calls, scratch;
};

class Net : public Module {
 public:
  Net() : Module("Net") {
    fc1 = register_module("fc1", std::make_shared<Affine>(4, 3));
    act = register_module("act", std::make_shared<ReLU>());
    fc2 = register_module("fc2", std::make_shared<Affine>(3, 2));
  }
  using Module::forward;
  Tensor forward(const Tensor& x) override { return fc2->forward(act->forward(fc1->forward(x))); }
  std::shared_ptr<Affine> fc1, fc2;
  std::shared_ptr<ReLU> act;
};

std::vector<std::string> keys(const NamedTensors& named) {
  std::vector<std::string> out;
  for (const auto& [k, _] : named) out.push_back(k);
  return out;
}

}  // namespace

class TestModule : public QObject {
  Q_OBJECT
 private slots:
  void namesFollowPyTorch() {
    Net net;
    QCOMPARE(keys(net.named_parameters()),
             (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}));
    QCOMPARE(keys(net.named_buffers()),
             (std::vector<std::string>{"fc1.calls", "fc1.scratch", "fc2.calls", "fc2.scratch"}));
    // Non-persistent buffers stay out of the state_dict, and each module's entries come
    // together (parameters, then buffers), as in PyTorch.
    QCOMPARE(keys(net.state_dict()),
             (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc1.calls", "fc2.weight",
                                       "fc2.bias", "fc2.calls"}));
    QCOMPARE(net.named_modules().size(), size_t(3));
    QVERIFY(net.child("act") != nullptr);
    QVERIFY(net.child("nope") == nullptr);
  }

  void parametersAreTrainableLeaves() {
    Net net;
    for (const auto& p : net.parameters()) {
      QVERIFY(p.is_leaf());
      QVERIFY(p.requires_grad());
    }
    QCOMPARE(net.num_parameters(), int64_t(4 * 3 + 3 + 3 * 2 + 2));
    net.fc1->weight.requires_grad_(false);  // freezing one tensor
    QCOMPARE(net.num_parameters(true), int64_t(3 + 3 * 2 + 2));
  }

  void backwardReachesEveryParameterAndZeroGradClears() {
    manual_seed(0);
    Net net;
    Tensor x = randn({5, 4});
    net.forward(x).sum().backward();
    for (const auto& [name, p] : net.named_parameters()) QVERIFY2(p.grad().defined(), name.c_str());
    net.zero_grad(/*set_to_none=*/false);
    for (const auto& p : net.parameters()) QCOMPARE(p.grad().abs().sum().item<float>(), 0.0f);
    net.zero_grad();
    for (const auto& p : net.parameters()) QVERIFY(!p.grad().defined());
  }

  void trainAndEvalPropagate() {
    Net net;
    QVERIFY(net.is_training() && net.fc1->is_training());
    net.eval();
    QVERIFY(!net.is_training() && !net.fc1->is_training() && !net.act->is_training());
    net.train();
    QVERIFY(net.fc2->is_training());
  }

  void stateDictRoundTripCopiesValues() {
    manual_seed(1);
    Net a;
    manual_seed(2);
    Net b;
    QVERIFY(!a.fc1->weight.equal(b.fc1->weight));
    Tensor handle = b.fc1->weight;
    auto report = b.load_state_dict(a.state_dict());
    QVERIFY(report.missing.empty() && report.unexpected.empty() && report.mismatched.empty());
    QVERIFY(handle.equal(a.fc1->weight));  // loaded in place: existing handles see it
    Tensor x = randn({3, 4});
    QVERIFY(a.forward(x).equal(b.forward(x)));
    // As in PyTorch, the entries are detached views of the live tensors (no copy).
    StateDict s = a.state_dict();
    QVERIFY(s[0].second.storage() == a.fc1->weight.storage());
    QVERIFY(!s[0].second.requires_grad());
  }

  void strictLoadListsEveryProblemAndChangesNothing() {
    Net net;
    StateDict s = net.state_dict();
    s.erase(s.begin());                        // fc1.weight missing
    s.emplace_back("fc3.weight", zeros({1}));  // unexpected
    s[0].second = zeros({7});                  // fc1.bias wrong shape
    Tensor before = net.fc1->bias.clone();
    try {
      net.load_state_dict(s);
      QFAIL("strict load should have thrown");
    } catch (const ShapeError& e) {
      QString m = e.what();
      QVERIFY2(m.contains("missing keys:\n    fc1.weight"), qPrintable(m));
      QVERIFY2(m.contains("unexpected keys:\n    fc3.weight"), qPrintable(m));
      QVERIFY2(m.contains("fc1.bias: checkpoint (7,), model (3,)"), qPrintable(m));
      QVERIFY2(m.contains("strict=false"), qPrintable(m));
    }
    QVERIFY(net.fc1->bias.equal(before));
    auto report = net.load_state_dict(s, /*strict=*/false);
    QCOMPARE(report.missing, std::vector<std::string>{"fc1.weight"});
    QCOMPARE(report.unexpected, std::vector<std::string>{"fc3.weight"});
    QCOMPARE(report.mismatched.size(), size_t(1));
  }

  void toDtypeConvertsInPlace() {
    Net net;
    Tensor handle = net.fc2->weight;
    net.to(kFloat64);
    QCOMPARE(handle.dtype(), kFloat64);
    QCOMPARE(net.fc1->calls.dtype(), kFloat64);
    QVERIFY(handle.requires_grad());
    Tensor y = net.forward(randn({2, 4}, kFloat64));
    QCOMPARE(y.dtype(), kFloat64);
    QVERIFY_THROWS_EXCEPTION(DTypeError, net.to(kInt64));
  }

  void sequentialChainsAndNamesByPosition() {
    Sequential seq{std::make_shared<Affine>(4, 3), std::make_shared<ReLU>(),
                   std::make_shared<Affine>(3, 2)};
    QCOMPARE(seq.size(), size_t(3));
    QCOMPARE(keys(seq.named_parameters()),
             (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
    Tensor y = seq.forward(randn({6, 4}));
    QCOMPARE(y.sizes(), (Shape{6, 2}));
    Sequential named{{"flatten", std::make_shared<Flatten>()},
                     {"id", std::make_shared<Identity>()}};
    QCOMPARE(named.forward(zeros({2, 3, 4})).sizes(), (Shape{2, 12}));
  }

  void reprReadsLikePyTorch() {
    Sequential seq{std::make_shared<Flatten>(), std::make_shared<ReLU>(),
                   std::make_shared<Unflatten>(1, Shape{2, 5})};
    QCOMPARE(QString::fromStdString(seq.repr()),
             QString("Sequential(\n"
                     "  (0): Flatten(start_dim=1, end_dim=-1)\n"
                     "  (1): ReLU()\n"
                     "  (2): Unflatten(dim=1, unflattened_size=(2, 5))\n"
                     ")"));
    Net net;
    QVERIFY(QString::fromStdString(net.repr()).startsWith("Net(\n  (fc1): Affine(in=4)\n"));
  }

  void mergeLayers() {
    Add add;
    Concat cat1(1);
    Tensor a = ones({2, 3}), b = full({2, 3}, 2.0);
    QVERIFY(add.forward({a, b}).equal(full({2, 3}, 3.0)));
    QCOMPARE(cat1.forward({a, b}).sizes(), (Shape{2, 6}));
    QVERIFY_THROWS_EXCEPTION(Error, add.forward(std::vector<Tensor>{}));
    QVERIFY_THROWS_EXCEPTION(ShapeError, Unflatten(1, {4, 2}).forward(zeros({2, 6})));
  }

  void registrationRefusesDuplicateAndDottedNames() {
    class Bad : public Module {
     public:
      Bad() : Module("Bad") {}
      void dup() {
        register_parameter("w", zeros({1}));
        register_parameter("w", zeros({1}));
      }
      void dotted() { register_parameter("a.b", zeros({1})); }
    };
    Bad bad;
    QVERIFY_THROWS_EXCEPTION(Error, bad.dup());
    QVERIFY_THROWS_EXCEPTION(Error, bad.dotted());
  }

  void initMatchesPyTorchBounds() {
    manual_seed(3);
    Tensor w = empty({256, 100});
    init::kaiming_uniform_(w, std::sqrt(5.0));  // Linear's default: +-1/sqrt(fan_in)
    QVERIFY(w.abs().max().item<float>() <= 0.1f);
    QVERIFY(w.abs().max().item<float>() > 0.099f);
    QCOMPARE(init::fan_in_and_fan_out(empty({32, 4, 3, 3})),
             (std::pair<int64_t, int64_t>{36, 288}));
    Tensor n = empty({20000});
    init::normal_(n, 1.0, 2.0);
    QVERIFY(std::abs(n.mean().item<float>() - 1.0f) < 0.1f);
    QVERIFY(std::abs(n.std().item<float>() - 2.0f) < 0.1f);
  }
};

QTEST_APPLESS_MAIN(TestModule)
#include "tst_module.moc"
