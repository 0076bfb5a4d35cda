// Group Into Block and Ungroup in the core: grouping a residual unit of a flat graph gives one
// use with the unit's ports, shapes, parameter count and checkpoint keys; ungrouping gives the
// flat graph back.
#include <QtTest>

#include <algorithm>

#include "graph/block_group.h"
#include "graph/compile.h"

using namespace nw;
using namespace nw::graph;

namespace {

// input (4, 8, 8) -> stem (conv 4) -> [u.conv -> u.bn -> u.add(+stem) -> u.relu] -> flatten -> fc
Graph residual() {
  Graph g;
  g.add_node("Input", "input", {{"shape", {4, 8, 8}}}, {0, 0});
  g.add_node("Conv2d", "stem", {{"out_channels", 4}, {"kernel_size", 1}}, {0, 80});
  g.add_node("Conv2d", "u.conv",
             {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}}, {0, 160});
  g.add_node("BatchNorm2d", "u.bn", {}, {0, 240});
  g.add_node("Add", "u.add", {}, {0, 320});
  g.add_node("ReLU", "u.relu", {}, {0, 400});
  g.add_node("Flatten", "flatten", {}, {0, 480});
  g.add_node("Linear", "fc", {{"out_features", 10}}, {0, 560});
  g.connect({"input", 0}, {"stem", 0});
  g.connect({"stem", 0}, {"u.conv", 0});
  g.connect({"u.conv", 0}, {"u.bn", 0});
  g.connect({"u.bn", 0}, {"u.add", 0});
  g.connect({"stem", 0}, {"u.add", 1});
  g.connect({"u.add", 0}, {"u.relu", 0});
  g.connect({"u.relu", 0}, {"flatten", 0});
  g.connect({"flatten", 0}, {"fc", 0});
  return g;
}

// The graph as comparable text: nodes in order with type, params and position; sorted edges.
std::string text(const Graph& g) {
  std::string out;
  for (const Node& n : g.nodes())
    out += n.id + " " + n.type + " " + nlohmann::json(n.params).dump() + " " +
           std::to_string(n.pos[0]) + "," + std::to_string(n.pos[1]) + "\n";
  std::vector<std::string> edges;
  for (const Edge& e : g.edges())
    edges.push_back(e.from.node + ":" + std::to_string(e.from.port) + " -> " + e.to.node + ":" +
                    std::to_string(e.to.port));
  std::sort(edges.begin(), edges.end());
  for (const auto& e : edges) out += e + "\n";
  return out;
}

std::vector<std::string> keys(const nn::StateDict& sd) {
  std::vector<std::string> out;
  for (const auto& [k, _] : sd) out.push_back(k);
  return out;
}

}  // namespace

class TestBlockGroup : public QObject {
  Q_OBJECT
 private slots:
  void groupingMakesOneUseWithTheUnitsPorts() {
    const Graph flat = residual();
    Graph g = flat;
    const std::string use = group_into_block(g, {"u.conv", "u.bn", "u.add", "u.relu"}, "Unit");
    QCOMPARE(use, std::string("u"));
    QCOMPARE(g.nodes().size(), size_t(5));
    const BlockDef* def = g.find_block("Unit");
    QVERIFY(def);
    QCOMPARE(def->inputs, std::vector<std::string>{"in"});  // stem feeds conv and add: one port
    QCOMPARE(def->outputs.size(), size_t(1));
    QCOMPARE(def->outputs[0].from, (PortRef{"relu", 0}));
    QCOMPARE(g.node("u").pos, (std::array<double, 2>{0, 160}));
    QCOMPARE(def->body.node("add").pos, (std::array<double, 2>{0, 160}));
    QCOMPARE(g.edges_into("u").size(), size_t(1));
    const Analysis a = analyze(g), f = analyze(flat);
    QVERIFY(a.ok());
    QVERIFY(a.nodes.at("u").outputs == f.nodes.at("u.relu").outputs);
    QCOMPARE(a.nodes.at("u").block->parameters.value_or(-1), int64_t(4 * 4 * 9 + 8));
    QVERIFY(keys(compile(g)->state_dict()) == keys(compile(flat)->state_dict()));
  }

  void ungroupingGivesTheFlatGraphBack() {
    const Graph flat = residual();
    Graph g = flat;
    const std::string use = group_into_block(g, {"u.conv", "u.bn", "u.add", "u.relu"}, "Unit");
    ungroup(g, use);
    QCOMPARE(text(g), text(flat));
    QVERIFY(g.find_block("Unit"));  // the definition stays for other uses
  }

  void withoutACommonPrefixTheUseGetsANewId() {
    Graph g = residual();
    const std::string use = group_into_block(g, {"stem", "u.conv"}, "Pair");
    QCOMPARE(use, std::string("pair"));
    QVERIFY(g.find_block("Pair")->body.find("u.conv"));
    QVERIFY(analyze(g).ok());
    ungroup(g, use);
    QVERIFY(g.find("pair.stem") && g.find("pair.u.conv"));
  }

  void refusesWhatCannotBeGrouped() {
    Graph g = residual();
    const std::string before = text(g);
    QVERIFY_THROWS_EXCEPTION(GraphError, group_into_block(g, {}, "Unit"));
    QVERIFY_THROWS_EXCEPTION(GraphError, group_into_block(g, {"input", "stem"}, "Unit"));
    QVERIFY_THROWS_EXCEPTION(GraphError, group_into_block(g, {"nope"}, "Unit"));
    QVERIFY_THROWS_EXCEPTION(GraphError, group_into_block(g, {"stem"}, "bad name"));
    QVERIFY_THROWS_EXCEPTION(GraphError, ungroup(g, "stem"));
    QCOMPARE(text(g), before);
  }
};

QTEST_APPLESS_MAIN(TestBlockGroup)
#include "tst_block_group.moc"
