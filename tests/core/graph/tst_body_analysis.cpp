// The analysis of a block's body as the editor shows it: shapes through one use (the first by
// default, or a chosen one), nested levels, and an error inside a use on the inner node its
// path names.
#include <QtTest>

#include "graph/block.h"
#include "graph/body_analysis.h"

using namespace nw;
using namespace nw::graph;

namespace {

ParamSpec int_param(const std::string& name, ParamValue def = nullptr) {
  return {.name = name, .kind = ParamKind::Int, .default_value = std::move(def), .min = 1};
}

// Unit(channels): x -> conv (3x3, padding 1) -> relu. Stage(channels): Units "0" and "1".
// input (3, 8, 8) -> layer1 (Stage, 4) -> layer2 (Stage, 6) -> flatten.
Graph nested() {
  Graph g;
  BlockDef unit;
  unit.name = "Unit";
  unit.params = {int_param("channels", 8)};
  unit.inputs = {"x"};
  unit.outputs = {{"out", {"relu", 0}}};
  g.define_block(std::move(unit));
  Graph& u = g.block_body("Unit");
  u.add_node("Input", "x");
  u.add_node("Conv2d", "conv", {{"out_channels", "$channels"}, {"kernel_size", 3}, {"padding", 1}});
  u.add_node("ReLU", "relu");
  u.connect({"x", 0}, {"conv", 0});
  u.connect({"conv", 0}, {"relu", 0});

  BlockDef stage;
  stage.name = "Stage";
  stage.params = {int_param("channels")};
  stage.inputs = {"x"};
  stage.outputs = {{"out", {"1", 0}}};
  g.define_block(std::move(stage));
  Graph& s = g.block_body("Stage");
  s.add_node("Input", "x");
  s.add_node("Block:Unit", "0", {{"channels", "$channels"}});
  s.add_node("Block:Unit", "1", {{"channels", "$channels"}});
  s.connect({"x", 0}, {"0", 0});
  s.connect({"0", 0}, {"1", 0});

  g.add_node("Input", "input", {{"shape", {3, 8, 8}}});
  g.add_node("Block:Stage", "layer1", {{"channels", 4}});
  g.add_node("Block:Stage", "layer2", {{"channels", 6}});
  g.add_node("Flatten", "flatten");
  g.connect({"input", 0}, {"layer1", 0});
  g.connect({"layer1", 0}, {"layer2", 0});
  g.connect({"layer2", 0}, {"flatten", 0});
  return g;
}

SampleShape out(const BodyAnalysis& b, const std::string& id) {
  auto it = b.analysis.nodes.find(id);
  if (it == b.analysis.nodes.end() || !it->second.shapes_known || it->second.outputs.empty())
    return {};
  return it->second.outputs.front();
}

}  // namespace

class TestBodyAnalysis : public QObject {
  Q_OBJECT

 private slots:
  void first_use_by_default() {
    const Graph g = nested();
    const Analysis whole = analyze(g);
    QVERIFY(whole.ok());
    const BodyAnalysis b = analyze_body(g, whole, {"Stage"});
    QCOMPARE(b.uses, (std::vector<std::string>{"layer1"}));
    // The Input node carries the use's input; a nested use its block's output.
    QCOMPARE(out(b, "x"), (SampleShape{3, 8, 8}));
    QCOMPARE(out(b, "0"), (SampleShape{4, 8, 8}));
    QCOMPARE(out(b, "1"), (SampleShape{4, 8, 8}));
    QVERIFY(b.analysis.diagnostics.empty());
  }

  void chosen_use_and_nested_levels() {
    const Graph g = nested();
    const Analysis whole = analyze(g);
    const BodyAnalysis b = analyze_body(g, whole, {"Stage"}, {"layer2"});
    QCOMPARE(b.uses, (std::vector<std::string>{"layer2"}));
    QCOMPARE(out(b, "x"), (SampleShape{4, 8, 8}));
    QCOMPARE(out(b, "1"), (SampleShape{6, 8, 8}));
    // Unit inside layer2's Stage, through its use "1": the layers' own entries.
    const BodyAnalysis inner = analyze_body(g, whole, {"Stage", "Unit"}, {"layer2", "1"});
    QCOMPARE(inner.uses, (std::vector<std::string>{"layer2", "1"}));
    QCOMPARE(out(inner, "x"), (SampleShape{6, 8, 8}));
    QCOMPARE(out(inner, "conv"), (SampleShape{6, 8, 8}));
    QCOMPARE(inner.analysis.nodes.at("conv").params.at("in_channels"), ParamValue(6));
    // A name that is not a use there falls back to the first use.
    const BodyAnalysis first = analyze_body(g, whole, {"Stage", "Unit"}, {"flatten", "nope"});
    QCOMPARE(first.uses, (std::vector<std::string>{"layer1", "0"}));
    QCOMPARE(out(first, "conv"), (SampleShape{4, 8, 8}));
  }

  void error_inside_is_on_the_named_node() {
    Graph g = nested();
    // A pinned in_channels that only layer1's first unit can take (3 channels in).
    g.block_body("Unit").set_param("conv", "in_channels", 3);
    const Analysis whole = analyze(g);
    QVERIFY(!whole.ok());
    // Seen from Stage through layer1: its second unit fails (4 channels in), on its node of
    // the Stage body; the first (3 channels in) is fine. Past the error no shape is known, so
    // layer2 has none to report.
    const BodyAnalysis stage = analyze_body(g, whole, {"Stage"});
    QCOMPARE(stage.uses, (std::vector<std::string>{"layer1"}));
    QCOMPARE(stage.analysis.diagnostics.size(), size_t(1));
    const Diagnostic& d = stage.analysis.diagnostics.front();
    QVERIFY(d.severity == Diagnostic::Severity::Error);
    QCOMPARE(d.node, std::string("1"));
    QVERIFY2(d.message.rfind("conv: ", 0) == 0, d.message.c_str());
    QVERIFY(analyze_body(g, whole, {"Stage"}, {"layer2"}).analysis.diagnostics.empty());
    // Seen from Unit through layer1/1 (4 channels in): the conv itself.
    const BodyAnalysis unit = analyze_body(g, whole, {"Stage", "Unit"}, {"layer1", "1"});
    QVERIFY(!unit.analysis.for_node("conv").empty());
    QVERIFY(unit.analysis.for_node("relu").empty());
    // Through layer1/0 (3 channels in) the conv is right: nothing is marked.
    const BodyAnalysis fine = analyze_body(g, whole, {"Stage", "Unit"}, {"layer1", "0"});
    QVERIFY(fine.analysis.diagnostics.empty());
  }

  void paths_of_messages() {
    QCOMPARE(diagnostic_path("layer1/0/conv: in_channels is 3"),
             (std::vector<std::string>{"layer1", "0", "conv"}));
    QCOMPARE(diagnostic_path("layer2.0/conv1: x"), (std::vector<std::string>{"layer2.0", "conv1"}));
    QVERIFY(diagnostic_path("input 0 is not connected").empty());
    QVERIFY(diagnostic_path("expects N/C: 4").empty());  // a space: no path of ids
  }

  void undefined_block_throws() {
    const Graph g = nested();
    QVERIFY_THROWS_EXCEPTION(GraphError, analyze_body(g, analyze(g), {"Nope"}));
    // A block with no use: nothing known, nothing thrown.
    Graph lone = nested();
    lone.remove_node("layer1");
    lone.remove_node("layer2");
    const BodyAnalysis b = analyze_body(lone, analyze(lone), {"Stage"});
    QVERIFY(b.uses.empty());
    QVERIFY(b.analysis.nodes.empty());
  }
};

QTEST_APPLESS_MAIN(TestBodyAnalysis)
#include "tst_body_analysis.moc"
