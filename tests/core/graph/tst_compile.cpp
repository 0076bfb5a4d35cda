// From graph to module: PyTorch's state_dict keys and shapes, forward equal to a hand-built
// network with the same weights, nesting of dotted ids, input checks, trainable flags, and the
// summary's counts.
#include <QtTest>

#include "graph/compile.h"
#include "nn/layers/activation.h"
#include "nn/layers/linear.h"
#include "nn/layers/rnn.h"
#include "nn/layers/shape.h"
#include "nn/sequential.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::graph;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> keys(const nn::StateDict& sd) {
  std::vector<std::string> out;
  for (const auto& [k, _] : sd) out.push_back(k);
  return out;
}

Shape shape_of(const nn::StateDict& sd, const std::string& key) {
  for (const auto& [k, t] : sd)
    if (k == key) return t.sizes();
  return {};
}

// input -> [flatten] -> fc1 (512) -> [relu] -> fc2 (10); the bracketed nodes when `full`.
Graph mlp(bool full) {
  Graph g;
  g.add_node("Input", "input", {{"shape", full ? ParamValue{1, 28, 28} : ParamValue{784}}});
  g.add_node("Linear", "fc1", {{"out_features", 512}});
  g.add_node("Linear", "fc2", {{"out_features", 10}});
  if (!full) {
    g.connect({"input", 0}, {"fc1", 0});
    g.connect({"fc1", 0}, {"fc2", 0});
    return g;
  }
  g.add_node("Flatten", "flatten");
  g.add_node("ReLU", "relu");
  g.connect({"input", 0}, {"flatten", 0});
  g.connect({"flatten", 0}, {"fc1", 0});
  g.connect({"fc1", 0}, {"relu", 0});
  g.connect({"relu", 0}, {"fc2", 0});
  return g;
}

}  // namespace

class TestCompile : public QObject {
  Q_OBJECT
 private slots:
  void stateDictHasPyTorchKeysAndShapes() {
    auto net = compile(mlp(false));
    const nn::StateDict sd = net->state_dict();
    QVERIFY(
        (keys(sd) == std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}));
    QCOMPARE(shape_of(sd, "fc1.weight"), (Shape{512, 784}));
    QCOMPARE(shape_of(sd, "fc1.bias"), (Shape{512}));
    QCOMPARE(shape_of(sd, "fc2.weight"), (Shape{10, 512}));
    QVERIFY(net->node_module("fc1"));
    QVERIFY(!net->node_module("input"));
    QCOMPARE(net->type_name(), std::string("GraphModule"));
  }

  void forwardEqualsAHandBuiltNetwork() {
    manual_seed(1);
    auto net = compile(mlp(false));
    nn::Sequential ref{{"fc1", std::make_shared<nn::Linear>(784, 512)},
                       {"fc2", std::make_shared<nn::Linear>(512, 10)}};
    ref.load_state_dict(net->state_dict());
    Tensor x = randn({8, 784});
    Tensor y = (*net)(x);
    QCOMPARE(y.sizes(), (Shape{8, 10}));
    QVERIFY(y.equal(ref(x)));
  }

  void mlpThroughFlattenAndReLU() {
    manual_seed(2);
    auto net = compile(mlp(true));
    nn::Sequential ref{{"flatten", std::make_shared<nn::Flatten>()},
                       {"fc1", std::make_shared<nn::Linear>(784, 512)},
                       {"relu", std::make_shared<nn::ReLU>()},
                       {"fc2", std::make_shared<nn::Linear>(512, 10)}};
    ref.load_state_dict(net->state_dict());
    Tensor x = randn({4, 1, 28, 28});
    QVERIFY(net->forward(x).equal(ref(x)));
    QVERIFY((keys(net->state_dict()) ==
             std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}));
  }

  void wrongInputShapeSaysWhatItExpects() {
    Graph g;
    g.add_node("Input", "input", {{"shape", {1, 28, 28}}});
    g.add_node("Linear", "fc", {{"out_features", 3}});
    g.connect({"input", 0}, {"fc", 0});
    auto net = compile(g);
    try {
      (*net)(zeros({64, 784}));
      QFAIL("no ShapeError");
    } catch (const ShapeError& e) {
      QVERIFY2(contains(e.what(), "network input 'input' expects (N, 1, 28, 28), gets (64, 784)"),
               e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ShapeError, net->forward(std::vector<Tensor>{}));
    QCOMPARE((*net)(zeros({2, 1, 28, 28})).sizes(), (Shape{2, 1, 28, 3}));
  }

  void dottedIdsNestAsTorchvisionKeys() {
    Graph g;
    g.add_node("Input", "input", {{"shape", {8}}});
    g.add_node("Linear", "layer1.0.conv1", {{"out_features", 8}});
    g.add_node("Linear", "layer1.0.conv2", {{"out_features", 8}, {"bias", false}});
    g.add_node("Linear", "fc", {{"out_features", 2}});
    g.connect({"input", 0}, {"layer1.0.conv1", 0});
    g.connect({"layer1.0.conv1", 0}, {"layer1.0.conv2", 0});
    g.connect({"layer1.0.conv2", 0}, {"fc", 0});
    auto net = compile(g);
    QVERIFY((keys(net->state_dict()) ==
             std::vector<std::string>{"layer1.0.conv1.weight", "layer1.0.conv1.bias",
                                      "layer1.0.conv2.weight", "fc.weight", "fc.bias"}));
    QVERIFY(net->child("layer1"));
    QVERIFY(net->child("layer1")->child("0"));
    QCOMPARE(net->child("layer1")->child("0")->child("conv2"), net->node_module("layer1.0.conv2"));
    QCOMPARE((*net)(randn({3, 8})).sizes(), (Shape{3, 2}));
  }

  void invalidGraphThrowsEveryError() {
    Graph g = mlp(false);
    g.set_param("fc1", "in_features", 100);
    g.add_node("Linear", "aux", {{"out_features", 3}});
    g.connect({"input", 0}, {"aux", 0});
    try {
      compile(g);
      QFAIL("no GraphError");
    } catch (const GraphError& e) {
      const std::string m = e.what();
      QVERIFY2(contains(m, "node 'fc1' (Linear), input 0: in_features is set to 100"), m.c_str());
      QVERIFY2(contains(m, "the network has 2 outputs: 'fc2', 'aux'"), m.c_str());
      QCOMPARE(std::count(m.begin(), m.end(), '\n'), 1L);  // one line per error
    }
  }

  void danglingNodesAreLeftOut() {
    Graph g = mlp(false);
    g.add_node("Linear", "spare", {{"out_features", 3}});
    auto net = compile(g);
    QVERIFY(!net->node_module("spare"));
    QCOMPARE(net->state_dict().size(), size_t(4));
  }

  void frozenNodesAreNotTrainable() {
    Graph g = mlp(false);
    g.set_trainable("fc1", false);
    auto net = compile(g);
    const auto params = net->trainable_parameters();
    QCOMPARE(params.size(), size_t(2));
    QVERIFY(params[0].sizes() == (Shape{10, 512}));
    net->apply_trainable();
    auto fc1 = std::dynamic_pointer_cast<nn::Linear>(net->node_module("fc1"));
    auto fc2 = std::dynamic_pointer_cast<nn::Linear>(net->node_module("fc2"));
    QVERIFY(!fc1->weight.requires_grad() && !fc1->bias.requires_grad());
    QVERIFY(fc2->weight.requires_grad());
    (*net)(randn({2, 784})).sum().backward();
    QVERIFY(fc2->weight.grad().defined());
    QVERIFY(!fc1->weight.grad().defined());
  }

  void residualBranchesShareTheirInput() {
    manual_seed(3);
    Graph g;
    g.add_node("Input", "input", {{"shape", {16}}});
    g.add_node("Linear", "fc", {{"out_features", 16}});
    g.add_node("ReLU", "relu");
    g.add_node("Add", "add");
    g.connect({"input", 0}, {"fc", 0});
    g.connect({"fc", 0}, {"relu", 0});
    g.connect({"relu", 0}, {"add", 0});
    g.connect({"input", 0}, {"add", 1});
    auto net = compile(g);
    auto fc = std::dynamic_pointer_cast<nn::Linear>(net->node_module("fc"));
    Tensor x = randn({5, 16});
    QVERIFY(net->forward(x).allclose(fc->forward(x).relu() + x, 1e-6, 1e-6));
  }

  void multiOutputNodeFeedsFromItsSecondPort() {
    manual_seed(4);
    Graph g;
    g.add_node("Input", "input", {{"shape", {6, 4}}});
    g.add_node("LSTM", "lstm", {{"hidden_size", 5}});
    g.add_node("Linear", "fc", {{"out_features", 3}});
    g.connect({"input", 0}, {"lstm", 0});
    g.connect({"lstm", 1}, {"fc", 0});
    auto net = compile(g);
    QVERIFY(contains(keys(net->state_dict()).front(), "lstm.weight_ih_l0"));
    auto lstm = std::dynamic_pointer_cast<nn::LSTM>(net->node_module("lstm"));
    auto fc = std::dynamic_pointer_cast<nn::Linear>(net->node_module("fc"));
    QVERIFY(lstm && fc);
    Tensor x = randn({2, 6, 4});
    const nn::RnnOutput r = lstm->forward(x, Tensor(), Tensor());
    QVERIFY(net->forward(x).allclose(fc->forward(r.h_n.select(0, 0)), 1e-6, 1e-6));
  }

  void summaryOfTheMlp() {
    Graph g = mlp(false);
    g.set_trainable("fc2", false);
    const Summary s = summarize(*compile(g));
    QCOMPARE(s.parameters, int64_t(407050));
    QCOMPARE(s.trainable, int64_t(784 * 512 + 512));
    QCOMPARE(s.macs, int64_t(784 * 512 + 512 * 10));
    QCOMPARE(s.rows.size(), size_t(3));
    QCOMPARE(s.rows[0].id, std::string("input"));
    QCOMPARE(s.rows[1].parameters, int64_t(784 * 512 + 512));
    QCOMPARE(s.rows[2].macs, int64_t(5120));
    QVERIFY(s.rows[2].outputs == std::vector<SampleShape>{{10}});
    const std::string table = s.to_string();
    for (const char* part : {"Layer (type)", "Output shape", "Param #", "fc1 (Linear)", "(N, 512)",
                             "Total params: 407,050", "Trainable params: 401,920",
                             "Non-trainable params: 5,130", "MACs per sample: 406,528"})
      QVERIFY2(contains(table, part), table.c_str());
  }

  void summaryOfTheFullMlp() {
    const Summary s = summarize(*compile(mlp(true)));
    QCOMPARE(s.parameters, int64_t(407050));
    QCOMPARE(s.trainable, int64_t(407050));
    QCOMPARE(s.macs, int64_t(784 * 512 + 512 * 10));
    QCOMPARE(s.rows.size(), size_t(5));
    QCOMPARE(s.rows[1].type, std::string("Flatten"));
  }
};

QTEST_APPLESS_MAIN(TestCompile)
#include "tst_compile.moc"
