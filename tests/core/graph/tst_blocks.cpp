// Blocks in the core: a use analyzes and compiles as the same network built flat (shapes,
// parameter counts, MACs, checkpoint keys, outputs bit for bit), nested uses give PyTorch's
// nested keys, and every way a block can be wrong is reported on the use, with its path.
#include <QtTest>

#include "graph/block.h"
#include "graph/compile.h"
#include "graph/param_count.h"
#include "tensor/creation.h"
#include "tensor/generator.h"

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

// Every error, one per line, as the CLI prints them.
std::string errors(const Graph& g) {
  const Analysis a = analyze(g);
  std::string out;
  for (const Diagnostic& d : a.errors()) out += d.to_string(g) + "\n";
  return out;
}

ParamSpec int_param(const std::string& name, ParamValue def = nullptr) {
  return {.name = name, .kind = ParamKind::Int, .default_value = std::move(def), .min = 1};
}

// Unit(channels): x -> conv (3x3, no bias) -> bn -> relu.
void define_unit(Graph& g) {
  BlockDef def;
  def.name = "Unit";
  def.params = {int_param("channels", 8)};
  def.inputs = {"x"};
  def.outputs = {{"out", {"relu", 0}}};
  g.define_block(std::move(def));
  Graph& b = g.block_body("Unit");
  b.add_node("Input", "x");
  b.add_node("Conv2d", "conv",
             {{"out_channels", "$channels"}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}});
  b.add_node("BatchNorm2d", "bn");
  b.add_node("ReLU", "relu");
  b.connect({"x", 0}, {"conv", 0});
  b.connect({"conv", 0}, {"bn", 0});
  b.connect({"bn", 0}, {"relu", 0});
}

// Stage(channels): two Units in a row, "0" and "1", as torchvision's layer1.0 and layer1.1.
void define_stage(Graph& g) {
  BlockDef def;
  def.name = "Stage";
  def.params = {int_param("channels")};
  def.inputs = {"x"};
  def.outputs = {{"out", {"1", 0}}};
  g.define_block(std::move(def));
  Graph& b = g.block_body("Stage");
  b.add_node("Input", "x");
  b.add_node("Block:Unit", "0", {{"channels", "$channels"}});
  b.add_node("Block:Unit", "1", {{"channels", "$channels"}});
  b.connect({"x", 0}, {"0", 0});
  b.connect({"0", 0}, {"1", 0});
}

// input (3, 8, 8) -> layer1 (Stage, 4 channels) -> flatten -> fc (10).
Graph two_level() {
  Graph g;
  define_unit(g);
  define_stage(g);
  g.add_node("Input", "input", {{"shape", {3, 8, 8}}});
  g.add_node("Block:Stage", "layer1", {{"channels", 4}});
  g.add_node("Flatten", "flatten");
  g.add_node("Linear", "fc", {{"out_features", 10}});
  g.connect({"input", 0}, {"layer1", 0});
  g.connect({"layer1", 0}, {"flatten", 0});
  g.connect({"flatten", 0}, {"fc", 0});
  return g;
}

// The same network written flat, with the dotted ids the blocks expand to.
Graph two_level_flat() {
  Graph g;
  g.add_node("Input", "input", {{"shape", {3, 8, 8}}});
  std::string prev = "input";
  for (const std::string u : {"layer1.0.", "layer1.1."}) {
    g.add_node("Conv2d", u + "conv",
               {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}});
    g.add_node("BatchNorm2d", u + "bn");
    g.add_node("ReLU", u + "relu");
    g.connect({prev, 0}, {u + "conv", 0});
    g.connect({u + "conv", 0}, {u + "bn", 0});
    g.connect({u + "bn", 0}, {u + "relu", 0});
    prev = u + "relu";
  }
  g.add_node("Flatten", "flatten");
  g.add_node("Linear", "fc", {{"out_features", 10}});
  g.connect({prev, 0}, {"flatten", 0});
  g.connect({"flatten", 0}, {"fc", 0});
  return g;
}

// input (1, 8, 8) -> unit -> flatten -> fc: a base for the error cases.
Graph one_use(ParamMap params = {{"channels", 4}}) {
  Graph g;
  define_unit(g);
  g.add_node("Input", "input", {{"shape", {1, 8, 8}}});
  g.add_node("Block:Unit", "unit", std::move(params));
  g.add_node("Flatten", "flatten");
  g.connect({"input", 0}, {"unit", 0});
  g.connect({"unit", 0}, {"flatten", 0});
  return g;
}

}  // namespace

class TestBlocks : public QObject {
  Q_OBJECT
 private slots:
  void useShowsShapeCountAndMacsOfItsLayers() {
    const Graph g = two_level();
    const Analysis a = analyze(g);
    QVERIFY2(a.ok(), errors(g).c_str());
    const NodeInfo& use = a.nodes.at("layer1");
    QVERIFY(use.shapes_known);
    QCOMPARE(use.outputs.at(0), (SampleShape{4, 8, 8}));
    QCOMPARE(use.inputs.at(0), (SampleShape{3, 8, 8}));
    QCOMPARE(use.params.at("channels"), ParamValue(4));
    QVERIFY(use.block.has_value());
    // conv 4x3x3x3 + bn 2x4, conv 4x4x3x3 + bn 2x4
    QCOMPARE(use.block->parameters.value_or(-1), int64_t(108 + 8 + 144 + 8));
    QCOMPARE(a.nodes.at("fc").params.at("in_features"), ParamValue(256));
    QVERIFY((a.order == std::vector<std::string>{"input", "layer1", "flatten", "fc"}));
    QCOMPARE(a.output, std::string("fc"));
    QCOMPARE(a.inner.at("layer1.1.conv").params.at("in_channels"), ParamValue(4));
  }

  // The block-built network against the flat one: shapes, counts, MACs, keys and outputs.
  void useEqualsTheFlatGraph() {
    const Graph blocks = two_level(), flat = two_level_flat();
    const Analysis a = analyze(blocks), f = analyze(flat);
    QVERIFY(a.ok() && f.ok());
    QVERIFY(a.nodes.at("layer1").outputs == f.nodes.at("layer1.1.relu").outputs);
    QVERIFY(a.nodes.at("fc").params == f.nodes.at("fc").params);
    manual_seed(3);
    auto net = compile(blocks);
    manual_seed(4);
    auto ref = compile(flat);
    const Summary s = summarize(*ref);
    int64_t inside = 0, macs = 0;
    for (const SummaryRow& r : s.rows)
      if (r.id.rfind("layer1.", 0) == 0) {
        inside += r.parameters;
        macs += r.macs;
      }
    QCOMPARE(a.nodes.at("layer1").block->parameters.value_or(-1), inside);
    QCOMPARE(a.nodes.at("layer1").block->macs, macs);
    QVERIFY(macs > 0);
    QVERIFY(keys(net->state_dict()) == keys(ref->state_dict()));
    QCOMPARE(net->num_parameters(), ref->num_parameters());
    ref->load_state_dict(net->state_dict());
    net->eval();
    ref->eval();
    const Tensor x = randn({2, 3, 8, 8});
    QVERIFY(net->forward(x).equal(ref->forward(x)));  // bit for bit: the same kernels run
  }

  void nestedUsesGivePyTorchNestedKeys() {
    auto net = compile(two_level());
    const std::vector<std::string> expected = {"layer1.0.conv.weight",
                                               "layer1.0.bn.weight",
                                               "layer1.0.bn.bias",
                                               "layer1.0.bn.running_mean",
                                               "layer1.0.bn.running_var",
                                               "layer1.0.bn.num_batches_tracked",
                                               "layer1.1.conv.weight",
                                               "layer1.1.bn.weight",
                                               "layer1.1.bn.bias",
                                               "layer1.1.bn.running_mean",
                                               "layer1.1.bn.running_var",
                                               "layer1.1.bn.num_batches_tracked",
                                               "fc.weight",
                                               "fc.bias"};
    QVERIFY(keys(net->state_dict()) == expected);
    // The modules that hold a use's layers are of the block's type, as PyTorch's classes.
    QCOMPARE(net->child("layer1")->type_name(), std::string("Stage"));
    QCOMPARE(net->child("layer1")->child("0")->type_name(), std::string("Unit"));
  }

  void editingADefinitionUpdatesEveryUse() {
    Graph g = two_level();
    g.block_body("Unit").set_param("conv", "kernel_size", 1);
    g.block_body("Unit").set_param("conv", "padding", 0);
    const Analysis a = analyze(g);
    QVERIFY(a.ok());
    QCOMPARE(a.nodes.at("layer1").block->parameters.value_or(-1), int64_t(12 + 8 + 16 + 8));
    g.set_param("layer1", "channels", 6);
    QCOMPARE(analyze(g).nodes.at("layer1").outputs.at(0), (SampleShape{6, 8, 8}));
  }

  void copiesOwnTheirDefinitions() {
    Graph g = two_level();
    Graph copy = g;
    copy.block_body("Unit").set_param("conv", "kernel_size", 5);
    QCOMPARE(g.find_block("Unit")->body.node("conv").params.at("kernel_size"), ParamValue(3));
    QVERIFY(analyze(copy).ok());
    g.remove_block("Stage");
    QVERIFY(copy.find_block("Stage"));
  }

  // The example: an error inside a block shows on the use, with the path to the layer.
  void errorInsideABlockIsOnTheUse() {
    Graph g = one_use();
    g.block_body("Unit").set_param("conv", "in_channels", 64);
    const Analysis a = analyze(g);
    QCOMPARE(a.errors().size(), size_t(1));
    const Diagnostic d = a.errors().front();
    QCOMPARE(d.node, std::string("unit"));
    QVERIFY2(d.message.rfind("unit/conv: in_channels is set to 64, but the input has 1 channels",
                             0) == 0,
             d.message.c_str());
  }

  void errorsNameThePlaceAndTheFix_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown block") << 0 << "node 'unit' (Block:Unit): unknown block 'Unit'";
    QTest::newRow("recursive") << 1 << "block 'Unit' contains itself (Unit -> Unit)";
    QTest::newRow("input not connected")
        << 2 << "node 'unit' (Block:Unit): input 0 is not connected; connect an output to it";
    QTest::newRow("unknown reference")
        << 3
        << "unit/conv: '$chanels' is not a parameter of block 'Unit' (its parameters: "
           "channels)";
    QTest::newRow("resolved value checked")
        << 4 << "unit/conv: out_channels: expected a positive integer";
    QTest::newRow("cycle through a use") << 5 << "is part of a cycle";
    QTest::newRow("required parameter")
        << 6 << "block parameter 'channels' has no value and block 'Unit' gives it no default";
    QTest::newRow("output straight from input")
        << 7 << "output 'out' comes straight from input 'x'; put an Identity node between them";
    QTest::newRow("too deep") << 8 << "blocks nest more than 16 deep";
    QTest::newRow("too many layers") << 9 << "the blocks expand to more than 10000 layers";
  }

  void errorsNameThePlaceAndTheFix() {
    QFETCH(int, which);
    QFETCH(QString, expected);
    Graph g = one_use();
    Graph& body = g.block_body("Unit");
    switch (which) {
      case 0:
        g.remove_block("Unit");
        break;
      case 1:
        body.add_node("Block:Unit", "again");
        body.connect({"relu", 0}, {"again", 0});
        break;
      case 2:
        g.disconnect({"input", 0}, {"unit", 0});
        g.add_node("ReLU", "r");
        g.connect({"input", 0}, {"r", 0});
        g.connect({"r", 0}, {"flatten", 0});
        g.disconnect({"unit", 0}, {"flatten", 0});
        g.add_node("Add", "add");
        g.connect({"unit", 0}, {"add", 0});
        g.connect({"flatten", 0}, {"add", 1});
        break;
      case 3:
        body.set_param("conv", "out_channels", "$chanels");
        break;
      case 4: {
        BlockDef def = *g.find_block("Unit");
        def.params = {{.name = "channels", .kind = ParamKind::Int, .default_value = -3}};
        g.define_block(std::move(def));
        g.unset_param("unit", "channels");
        break;
      }
      case 5:
        g.add_node("Add", "add");
        g.disconnect({"input", 0}, {"unit", 0});
        g.connect({"input", 0}, {"add", 0});
        g.connect({"add", 0}, {"unit", 0});
        g.connect({"unit", 0}, {"add", 1});
        break;
      case 6: {
        BlockDef def = *g.find_block("Unit");
        def.params = {int_param("channels")};
        g.define_block(std::move(def));
        g.unset_param("unit", "channels");
        break;
      }
      case 7: {
        BlockDef def = *g.find_block("Unit");
        def.outputs = {{"out", {"x", 0}}};
        g.define_block(std::move(def));
        break;
      }
      case 8:
      case 9: {
        // A chain of blocks L0 <- L1 <- ... each using the one before: 17 deep, or 5 levels of
        // 10 uses each (10^5 layers).
        const int levels = which == 8 ? 17 : 5, uses = which == 8 ? 1 : 10;
        for (int l = 1; l <= levels; ++l) {
          BlockDef def;
          def.name = "L" + std::to_string(l);
          def.inputs = {"x"};
          def.outputs = {{"out", {"u" + std::to_string(uses - 1), 0}}};
          g.define_block(std::move(def));
          Graph& b = g.block_body("L" + std::to_string(l));
          b.add_node("Input", "x");
          std::string prev = "x";
          for (int u = 0; u < uses; ++u) {
            const std::string id = "u" + std::to_string(u);
            b.add_node(l == 1 ? "Block:Unit" : "Block:L" + std::to_string(l - 1), id);
            b.connect({prev, 0}, {id, 0});
            prev = id;
          }
        }
        g.add_node("Block:L" + std::to_string(levels), "deep");
        g.disconnect({"unit", 0}, {"flatten", 0});
        g.connect({"unit", 0}, {"deep", 0});
        g.connect({"deep", 0}, {"flatten", 0});
        break;
      }
    }
    const std::string out = errors(g);
    QVERIFY2(contains(out, expected.toStdString()), out.c_str());
  }

  void graphRefusesBadUses() {
    Graph g = one_use();
    QVERIFY_THROWS_EXCEPTION(GraphError, g.add_node("Block:Nope", "x"));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.set_param("unit", "chanels", 3));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.connect({"unit", 1}, {"flatten", 0}));
    QVERIFY_THROWS_EXCEPTION(GraphError, g.set_param("unit", "channels", "$channels"));
    QCOMPARE(g.add_node("Block:Unit"), std::string("unit_2"));
  }
};

QTEST_APPLESS_MAIN(TestBlocks)
#include "tst_blocks.moc"
