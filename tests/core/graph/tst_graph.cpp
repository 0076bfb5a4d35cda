// Graph edits: what each edit checks, that a failed edit changes nothing and tells no one, and
// that listeners hear about every successful edit after it is done.
#include <QtTest>

#include "graph/graph.h"

using namespace nw;
using namespace nw::graph;
using Kind = GraphChange::Kind;

namespace {

// The message of the GraphError that `edit` throws; fails the test when it throws nothing.
template <typename F>
std::string error_of(F&& edit) {
  try {
    edit();
  } catch (const GraphError& e) {
    return e.what();
  }
  return "<no GraphError>";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A listener that records every change, and checks that the change is already visible.
struct Recorder {
  explicit Recorder(Graph& g) : graph(g) {
    token = g.subscribe([this](const GraphChange& c) {
      changes.push_back(c);
      if (c.kind == Kind::NodeAdded || c.kind == Kind::NodeRenamed)
        seen_node &= !!graph.find(c.node);
      if (c.kind == Kind::NodeRemoved) seen_node &= !graph.find(c.node);
    });
  }
  std::vector<Kind> kinds() const {
    std::vector<Kind> out;
    for (const auto& c : changes) out.push_back(c.kind);
    return out;
  }
  Graph& graph;
  int token = 0;
  bool seen_node = true;
  std::vector<GraphChange> changes;
};

Graph two_linears() {
  Graph g;
  g.add_node("Input", "input", {{"shape", {784}}});
  g.add_node("Linear", "fc1", {{"out_features", 512}});
  g.add_node("Linear", "fc2", {{"out_features", 10}});
  g.connect({"input", 0}, {"fc1", 0});
  g.connect({"fc1", 0}, {"fc2", 0});
  return g;
}

}  // namespace

class TestGraph : public QObject {
  Q_OBJECT
 private slots:
  void addNodeChecksTheType() {
    Graph g;
    const std::string e = error_of([&] { g.add_node("Liner", "fc1"); });
    QVERIFY2(contains(e, "unknown layer type 'Liner'") && contains(e, "did you mean 'Linear'"),
             e.c_str());
    QVERIFY(g.nodes().empty());
  }

  void addNodeChecksTheId() {
    Graph g;
    g.add_node("Linear", "fc1", {{"out_features", 3}});
    std::string e = error_of([&] { g.add_node("Linear", "fc1"); });
    QVERIFY2(contains(e, "'fc1' already exists") && contains(e, "'fc1_2'"), e.c_str());
    e = error_of([&] { g.add_node("Linear", "fc 1"); });
    QVERIFY2(contains(e, "contains ' '"), e.c_str());
    QVERIFY(contains(error_of([&] { g.add_node("Linear", ".fc"); }), "starts or ends with '.'"));
    QVERIFY(contains(error_of([&] { g.add_node("Linear", "a..b"); }), "empty part"));
    QCOMPARE(g.nodes().size(), size_t(1));
    QVERIFY(!check_node_id("layer1.0.conv1"));
    QVERIFY(check_node_id(""));
  }

  void addNodeChecksTheParameters() {
    Graph g;
    std::string e = error_of([&] { g.add_node("Linear", "fc1", {{"out_feature", 3}}); });
    QVERIFY2(contains(e, "node 'fc1' (Linear): unknown parameter 'out_feature'") &&
                 contains(e, "in_features, out_features, bias"),
             e.c_str());
    e = error_of([&] { g.add_node("Linear", "fc1", {{"out_features", -3}}); });
    QCOMPARE(e,
             std::string("node 'fc1' (Linear): out_features: expected a positive integer, got -3"));
    QVERIFY(g.nodes().empty());
  }

  void emptyIdPicksAFreeOne() {
    Graph g;
    QCOMPARE(g.add_node("Linear"), std::string("linear"));
    QCOMPARE(g.add_node("Linear"), std::string("linear_2"));
    QCOMPARE(g.unique_id("linear"), std::string("linear_3"));
    QCOMPARE(g.unique_id("conv"), std::string("conv"));
  }

  void everyEditNotifiesAfterItIsDone() {
    Graph g;
    Recorder r(g);
    g.add_node("Input", "input", {{"shape", {4}}});
    g.add_node("Linear", "fc", {{"out_features", 2}});
    g.connect({"input", 0}, {"fc", 0});
    g.set_param("fc", "out_features", 3);
    g.move_node("fc", {10, 20});
    g.set_trainable("fc", false);
    g.set_label("fc", "head");
    g.rename_node("fc", "head");
    g.disconnect({"input", 0}, {"head", 0});
    g.remove_node("head");
    g.clear();
    const std::vector<Kind> want = {Kind::NodeAdded,    Kind::NodeAdded,   Kind::EdgeAdded,
                                    Kind::ParamChanged, Kind::NodeMoved,   Kind::NodeChanged,
                                    Kind::NodeChanged,  Kind::NodeRenamed, Kind::EdgeRemoved,
                                    Kind::NodeRemoved,  Kind::Reset};
    QVERIFY(r.kinds() == want);
    QVERIFY(r.seen_node);
    QCOMPARE(r.changes[3].param, std::string("out_features"));
    QCOMPARE(r.changes[7].node, std::string("head"));
    QCOMPARE(r.changes[7].old_id, std::string("fc"));
    QVERIFY(r.changes[2].edge == (Edge{{"input", 0}, {"fc", 0}}));
  }

  void failedEditsChangeNothingAndTellNoOne() {
    Graph g = two_linears();
    const Graph before = g;
    Recorder r(g);
    QVERIFY_THROWS_EXCEPTION(GraphError, g.add_node("Nope"));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.remove_node("missing"));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.rename_node("fc1", "fc2"));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.rename_node("fc1", "bad id"));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.set_param("fc1", "out_features", 0));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.set_param("fc1", "nope", 1));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.move_node("missing", {1, 1}));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.connect({"fc1", 1}, {"fc2", 0}));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.connect({"fc1", 0}, {"input", 0}));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.connect({"fc1", 0}, {"fc2", 0}));  // a duplicate
    QVERIFY_THROWS_EXCEPTION(GraphError, g.disconnect({"input", 0}, {"fc2", 0}));
    QVERIFY(r.changes.empty());
    QCOMPARE(g.nodes().size(), before.nodes().size());
    QVERIFY(g.edges() == before.edges());
    QVERIFY(g.node("fc1").params.at("out_features") == ParamValue(512));
  }

  void connectNamesThePortsThatExist() {
    Graph g = two_linears();
    std::string e = error_of([&] { g.connect({"fc1", 0}, {"fc2", 1}); });
    QVERIFY2(contains(e, "node 'fc2' (Linear) has no input 1; its inputs are 0..0"), e.c_str());
    e = error_of([&] { g.connect({"fc2", 0}, {"input", 0}); });
    QVERIFY2(contains(e, "node 'input' (Input) has no input ports"), e.c_str());
    e = error_of([&] { g.connect({"fc1", 0}, {"fc2", 0}); });
    QVERIFY2(contains(e, "already connected"), e.c_str());
    // A second edge into one input is the validator's to report, not an edit error.
    g.connect({"input", 0}, {"fc2", 0});
    QCOMPARE(g.edges_into("fc2").size(), size_t(2));
  }

  void renameCarriesTheEdges() {
    Graph g = two_linears();
    g.rename_node("fc1", "hidden");
    QVERIFY(!g.find("fc1"));
    QCOMPARE(g.edges_out_of("hidden").size(), size_t(1));
    QCOMPARE(g.edges_into("hidden").size(), size_t(1));
    QCOMPARE(g.edges_into("fc2").front().from.node, std::string("hidden"));
    g.rename_node("hidden", "hidden");  // no-op
    QVERIFY(g.find("hidden"));
  }

  void removeDropsTheNodesEdgesFirst() {
    Graph g = two_linears();
    Recorder r(g);
    g.remove_node("fc1");
    QVERIFY(g.edges().empty());
    QVERIFY(
        (r.kinds() == std::vector<Kind>{Kind::EdgeRemoved, Kind::EdgeRemoved, Kind::NodeRemoved}));
    QVERIFY(r.seen_node);
  }

  void nullUnpinsAParameter() {
    Graph g = two_linears();
    g.set_param("fc2", "in_features", 512);
    QCOMPARE(g.node("fc2").params.size(), size_t(2));
    Recorder r(g);
    g.set_param("fc2", "in_features", nullptr);
    QCOMPARE(g.node("fc2").params.count("in_features"), size_t(0));
    g.set_param("fc2", "in_features", nullptr);  // already unpinned: nothing to tell
    g.set_param("fc2", "out_features", 10);      // unchanged: nothing to tell
    QCOMPARE(r.changes.size(), size_t(1));
  }

  // BatchNorm's momentum=None is a value of its own: null pins it, unset_param unpins it.
  void nullPinsNoneWhereNoneIsAValue() {
    Graph g;
    g.add_node("BatchNorm2d", "bn");
    Recorder r(g);
    g.set_param("bn", "momentum", nullptr);
    QVERIFY(g.node("bn").params.count("momentum"));
    QVERIFY(g.node("bn").params.at("momentum").is_null());
    g.set_param("bn", "momentum", nullptr);  // unchanged
    g.unset_param("bn", "momentum");
    QCOMPARE(g.node("bn").params.count("momentum"), size_t(0));
    g.unset_param("bn", "momentum");  // already unpinned
    QCOMPARE(r.changes.size(), size_t(2));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.unset_param("bn", "momentom"));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.set_param("bn", "eps", "x"));
  }

  void nodesFromFilesGetTheSameChecks() {
    Graph g;
    Node n;
    n.id = "fc";
    n.type = "Linear";
    n.params = {{"out_features", 4}, {"in_features", nullptr}};  // null: not set
    n.extra = {{"color", "red"}};
    g.add_node(n);
    QCOMPARE(g.node("fc").params.size(), size_t(1));
    QVERIFY(g.node("fc").extra.at("color") == ParamValue("red"));
    n.id = "fc2";
    n.params = {{"bias", 3}};
    const std::string e = error_of([&] { g.add_node(n); });
    QVERIFY2(contains(e, "node 'fc2' (Linear): bias: expected true or false"), e.c_str());
  }

  void unsubscribeAndCopiesDropListeners() {
    Graph g;
    int heard = 0;
    const int token = g.subscribe([&](const GraphChange&) { ++heard; });
    g.add_node("Linear", "a", {{"out_features", 1}});
    Graph copy = g;
    copy.add_node("Linear", "b", {{"out_features", 1}});
    QCOMPARE(heard, 1);
    QCOMPARE(copy.nodes().size(), size_t(2));
    g.unsubscribe(token);
    g.add_node("Linear", "c", {{"out_features", 1}});
    QCOMPARE(heard, 1);
    QVERIFY_THROWS_EXCEPTION(GraphError, g.node("b"));
  }
};

QTEST_APPLESS_MAIN(TestGraph)
#include "tst_graph.moc"
