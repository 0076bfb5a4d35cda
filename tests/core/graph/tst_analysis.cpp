// The validator: one test per diagnostic kind, with the message asserted, and shape inference
// filling inferred parameters from the incoming shapes.
#include <QtTest>

#include <algorithm>
#include <chrono>

#include "graph/analysis.h"

using namespace nw;
using namespace nw::graph;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The one diagnostic on `id` (or the whole graph for ""), with its severity; fails otherwise.
Diagnostic only(const Analysis& a, const std::string& id) {
  const auto list = a.for_node(id);
  if (list.size() != 1) {
    std::string all;
    for (const auto& d : a.diagnostics) all += "\n  [" + d.node + "] " + d.message;
    qWarning("expected one diagnostic on '%s', got %zu:%s", id.c_str(), list.size(), all.c_str());
    return {Diagnostic::Severity::Error, id, -2, "<none>"};
  }
  return list.front();
}

Graph mlp_linear() {
  Graph g;
  g.add_node("Input", "input", {{"shape", {784}}});
  g.add_node("Linear", "fc1", {{"out_features", 512}});
  g.add_node("Linear", "fc2", {{"out_features", 10}});
  g.connect({"input", 0}, {"fc1", 0});
  g.connect({"fc1", 0}, {"fc2", 0});
  return g;
}

}  // namespace

class TestAnalysis : public QObject {
  Q_OBJECT
 private slots:
  void linearChainInfersInFeatures() {
    const Analysis a = analyze(mlp_linear());
    QVERIFY(a.ok());
    QVERIFY(a.diagnostics.empty());
    QCOMPARE(a.output, std::string("fc2"));
    QVERIFY((a.order == std::vector<std::string>{"input", "fc1", "fc2"}));
    QVERIFY((a.inputs == std::vector<std::string>{"input"}));
    QVERIFY(a.nodes.at("fc1").params.at("in_features") == 784);
    QVERIFY(a.nodes.at("fc2").params.at("in_features") == 512);
    QVERIFY(a.nodes.at("fc2").params.at("bias") == true);  // the default, completed
    QVERIFY((a.nodes.at("fc2").inputs == std::vector<SampleShape>{{512}}));
    QVERIFY((a.nodes.at("fc2").outputs == std::vector<SampleShape>{{10}}));
  }

  void mlpThroughFlattenInfers784And512() {
    Graph g;
    g.add_node("Input", "input", {{"shape", {1, 28, 28}}});
    g.add_node("Flatten", "flatten");
    g.add_node("Linear", "fc1", {{"out_features", 512}});
    g.add_node("ReLU", "relu");
    g.add_node("Linear", "fc2", {{"out_features", 10}});
    g.connect({"input", 0}, {"flatten", 0});
    g.connect({"flatten", 0}, {"fc1", 0});
    g.connect({"fc1", 0}, {"relu", 0});
    g.connect({"relu", 0}, {"fc2", 0});
    const Analysis a = analyze(g);
    QVERIFY(a.ok());
    QVERIFY(a.nodes.at("fc1").params.at("in_features") == 784);
    QVERIFY(a.nodes.at("fc2").params.at("in_features") == 512);
    QCOMPARE(format_shape(a.nodes.at("flatten").outputs.at(0)), std::string("(N, 784)"));
    QCOMPARE(format_shape(a.nodes.at("fc2").outputs.at(0)), std::string("(N, 10)"));
  }

  void missingInputNode() {
    Graph g;
    g.add_node("Linear", "fc", {{"out_features", 2}});
    const Analysis a = analyze(g);
    QVERIFY(!a.ok());
    const Diagnostic d = only(a, "");
    QVERIFY2(contains(d.message, "no Input node") && contains(d.message, "add one"),
             d.message.c_str());
    // Without an Input every node counts, so its own problems show too.
    const Diagnostic port = only(a, "fc");
    QCOMPARE(port.port, 0);
    QCOMPARE(port.message, std::string("input 0 is not connected; connect an output to it"));
    // The port is said once, by the message.
    QCOMPARE(port.to_string(g),
             std::string("node 'fc' (Linear): input 0 is not connected; connect an output to it"));
  }

  void cycleNamesItsNodes() {
    Graph g = mlp_linear();
    g.add_node("Linear", "loop_a", {{"out_features", 4}});
    g.add_node("Linear", "loop_b", {{"out_features", 4}});
    g.connect({"loop_a", 0}, {"loop_b", 0});
    g.connect({"loop_b", 0}, {"loop_a", 0});
    const Analysis a = analyze(g);
    QVERIFY(!a.ok());
    const Diagnostic d = only(a, "loop_a");
    QVERIFY2(contains(d.message, "cycle: 'loop_a' -> 'loop_b' -> 'loop_a'") &&
                 contains(d.message, "remove one of these edges"),
             d.message.c_str());
    QVERIFY(a.for_node("loop_b").empty());
    QCOMPARE(a.order.size(), size_t(3));  // the acyclic part
  }

  void unconnectedInputOfAMergeNode() {
    Graph g = mlp_linear();
    g.add_node("Add", "add");
    g.connect({"fc2", 0}, {"add", 0});
    const Analysis a = analyze(g);
    const Diagnostic d = only(a, "add");
    QCOMPARE(d.port, 1);
    QCOMPARE(d.message, std::string("input 1 is not connected; connect an output to it"));
    QCOMPARE(d.to_string(g),
             std::string("node 'add' (Add): input 1 is not connected; connect an output to it"));
  }

  void twoEdgesIntoOneInput() {
    Graph g = mlp_linear();
    g.connect({"input", 0}, {"fc2", 0});
    const Analysis a = analyze(g);
    const Diagnostic d = only(a, "fc2");
    QCOMPARE(d.port, 0);
    QVERIFY2(contains(d.message, "input 0 has 2 incoming edges (from 'fc1', 'input')") &&
                 contains(d.message, "disconnect all but one"),
             d.message.c_str());
  }

  void missingRequiredParameter() {
    Graph g = mlp_linear();
    g.set_param("fc2", "out_features", nullptr);
    const Analysis a = analyze(g);
    const Diagnostic d = only(a, "fc2");
    QVERIFY2(contains(d.message, "out_features is required") && contains(d.message, "set it"),
             d.message.c_str());
    QVERIFY(!a.nodes.at("fc2").shapes_known);
    QVERIFY(a.output == "fc2");
    // What the input tells is still inferred (the inspector shows it): in_features 512.
    QVERIFY(a.nodes.at("fc2").params.at("in_features") == 512);
    QVERIFY((a.nodes.at("fc2").inputs == std::vector<SampleShape>{{512}}));
    QVERIFY(a.nodes.at("fc2").outputs.empty());
  }

  void shapeErrorNamesNodeAndFixAndSilencesDownstream() {
    Graph g = mlp_linear();
    g.set_param("fc1", "in_features", 100);
    const Analysis a = analyze(g);
    const Diagnostic d = only(a, "fc1");
    QCOMPARE(d.port, 0);
    QVERIFY2(contains(d.message,
                      "in_features is set to 100, but the input has 784 features; "
                      "set in_features to 784"),
             d.message.c_str());
    const std::string line = d.to_string(g);
    QVERIFY2(line.rfind("node 'fc1' (Linear), input 0: in_features is set to 100", 0) == 0,
             line.c_str());
    QVERIFY(a.for_node("fc2").empty());  // downstream: no shapes, no noise
    QVERIFY(!a.nodes.at("fc2").shapes_known);
    QVERIFY(a.nodes.at("fc2").outputs.empty());
    QCOMPARE(a.errors().size(), size_t(1));
  }

  void pinnedMatchingValueIsAccepted() {
    Graph g = mlp_linear();
    g.set_param("fc1", "in_features", 784);
    QVERIFY(analyze(g).ok());
  }

  void twoOutputsAreNamed() {
    Graph g = mlp_linear();
    g.add_node("Linear", "aux", {{"out_features", 3}});
    g.connect({"fc1", 0}, {"aux", 0});
    const Analysis a = analyze(g);
    const Diagnostic d = only(a, "");
    QVERIFY2(contains(d.message, "the network has 2 outputs: 'fc2', 'aux'"), d.message.c_str());
    QVERIFY(a.output.empty());
  }

  void danglingNodesAreWarnings() {
    Graph g = mlp_linear();
    g.add_node("Linear", "spare", {{"out_features", 3}});
    g.add_node("Linear", "spare_2");  // no out_features: not reported while it is left out
    g.connect({"spare", 0}, {"spare_2", 0});
    const Analysis a = analyze(g);
    QVERIFY(a.ok());
    QCOMPARE(a.output, std::string("fc2"));
    for (const char* id : {"spare", "spare_2"}) {
      const Diagnostic d = only(a, id);
      QVERIFY(d.severity == Diagnostic::Severity::Warning);
      QVERIFY2(contains(d.message, "not connected to the network") &&
                   contains(d.message, "connect it or delete it"),
               d.message.c_str());
    }
  }

  void unusedInputIsAWarning() {
    Graph g = mlp_linear();
    g.add_node("Input", "extra", {{"shape", {3}}});
    const Analysis a = analyze(g);
    QVERIFY(a.ok());
    QVERIFY((a.inputs == std::vector<std::string>{"input", "extra"}));
    const Diagnostic d = only(a, "extra");
    QVERIFY(d.severity == Diagnostic::Severity::Warning);
    QVERIFY2(contains(d.message, "not connected to any layer"), d.message.c_str());
  }

  void inputWithNothingAfterIt() {
    Graph g;
    g.add_node("Input", "input", {{"shape", {3}}});
    QVERIFY(analyze(g).ok());  // a bare Input passes samples through
    g.add_node("Linear", "fc", {{"out_features", 2}});
    const Analysis a = analyze(g);
    QVERIFY(!a.ok());
    QVERIFY2(contains(only(a, "").message, "connect the Input's output to the first layer"),
             only(a, "").message.c_str());
  }

  void idsCannotNestUnderALayer() {
    Graph g = mlp_linear();
    g.add_node("Linear", "fc2.head", {{"out_features", 2}});
    g.connect({"fc1", 0}, {"fc2.head", 0});
    const Analysis a = analyze(g);
    bool found = false;
    for (const Diagnostic& d : a.for_node("fc2.head"))
      found |= contains(d.message, "nests under node 'fc2'") && contains(d.message, "rename");
    QVERIFY(found);
    // Ids that share a group ("layer1.0.a", "layer1.0.b") are fine.
    Graph ok;
    ok.add_node("Input", "input", {{"shape", {4}}});
    ok.add_node("Linear", "layer1.0.a", {{"out_features", 4}});
    ok.add_node("Linear", "layer1.0.b", {{"out_features", 4}});
    ok.connect({"input", 0}, {"layer1.0.a", 0});
    ok.connect({"layer1.0.a", 0}, {"layer1.0.b", 0});
    QVERIFY(analyze(ok).ok());
  }

  void lstmHiddenPortFeedsTheClassifier() {
    Graph g;
    g.add_node("Input", "input", {{"shape", {28, 28}}});
    g.add_node("LSTM", "lstm", {{"hidden_size", 64}});
    g.add_node("Linear", "fc", {{"out_features", 10}});
    g.connect({"input", 0}, {"lstm", 0});
    g.connect({"lstm", 1}, {"fc", 0});
    const Analysis a = analyze(g);
    QVERIFY(a.ok());
    QCOMPARE(a.output, std::string("fc"));  // the unused "output" port does not make an output
    QVERIFY(a.nodes.at("lstm").params.at("input_size") == 28);
    QCOMPARE(a.nodes.at("lstm").outputs.size(), size_t(2));
    QVERIFY(a.nodes.at("fc").params.at("in_features") == a.nodes.at("lstm").outputs[1].back());
  }

  void residualAddChecksBothBranches() {
    Graph g;
    g.add_node("Input", "input", {{"shape", {16}}});
    g.add_node("Linear", "fc", {{"out_features", 16}});
    g.add_node("Add", "add");
    g.connect({"input", 0}, {"fc", 0});
    g.connect({"fc", 0}, {"add", 0});
    g.connect({"input", 0}, {"add", 1});
    QVERIFY(analyze(g).ok());
    g.set_param("fc", "out_features", 8);
    const Analysis a = analyze(g);
    QVERIFY(!a.ok());
    QVERIFY(!only(a, "add").message.empty());
  }

  void twoHundredNodesAnalyzeQuickly() {
    // A guard against quadratic lookups; bench/bench_graph measures the real figure.
    Graph g;
    g.add_node("Input", "input", {{"shape", {32}}});
    std::string prev = "input";
    for (int i = 0; i < 199; ++i) {
      const std::string id = "fc" + std::to_string(i);
      g.add_node("Linear", id, {{"out_features", 32}});
      g.connect({prev, 0}, {id, 0});
      prev = id;
    }
    std::vector<double> ms;
    for (int run = 0; run < 21; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      const Analysis a = analyze(g);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      QVERIFY(a.ok());
    }
    std::nth_element(ms.begin(), ms.begin() + 10, ms.end());
    QVERIFY2(ms[10] < 5.0, std::to_string(ms[10]).c_str());
  }
};

QTEST_APPLESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
