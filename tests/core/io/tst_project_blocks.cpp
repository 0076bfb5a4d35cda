// Project files with blocks (format 2): definitions and uses survive load, save, load unchanged;
// format 1 files open as before and are saved as format 2; every problem in a definition is named
// by its place in the file.
#include <QtTest>

#include "graph/analysis.h"
#include "graph/block.h"
#include "io/project.h"

using namespace nw;
using namespace nw::io;
namespace fs = std::filesystem;

namespace {

const char* kWithBlocks = R"({
  "netwright": 2,
  "name": "blocks",
  "graph": {
    "blocks": [
      {
        "name": "Unit",
        "description": "conv, batch norm, ReLU",
        "params": [
          {"name": "channels", "type": "int", "default": 8, "min": 1},
          {"name": "kernel", "type": "int_pair", "default": 3}
        ],
        "inputs": ["x"],
        "outputs": [{"name": "out", "from": "relu"}],
        "nodes": [
          {"id": "x", "type": "Input", "pos": [0, 0]},
          {
            "id": "conv",
            "type": "Conv2d",
            "params": {"out_channels": "$channels", "kernel_size": "$kernel", "padding": "same"},
            "pos": [0, 80]
          },
          {"id": "bn", "type": "BatchNorm2d", "pos": [0, 160]},
          {"id": "relu", "type": "ReLU", "pos": [0, 240]}
        ],
        "edges": [["x", "conv"], ["conv", "bn"], ["bn", "relu"]]
      },
      {
        "name": "Pair",
        "params": [{"name": "channels", "type": "int"}],
        "inputs": ["x"],
        "outputs": [{"name": "out", "from": "1"}],
        "nodes": [
          {"id": "x", "type": "Input", "pos": [0, 0]},
          {"id": "0", "type": "Block:Unit", "params": {"channels": "$channels"}, "pos": [0, 80]},
          {"id": "1", "type": "Block:Unit", "params": {"channels": "$channels"}, "pos": [0, 160]}
        ],
        "edges": [["x", "0"], ["0", "1"]]
      }
    ],
    "nodes": [
      {"id": "input", "type": "Input", "params": {"shape": [1, 28, 28]}, "pos": [0, 0]},
      {"id": "layer1", "type": "Block:Pair", "params": {"channels": 4}, "pos": [0, 80]},
      {"id": "flatten", "type": "Flatten", "pos": [0, 160]},
      {"id": "fc", "type": "Linear", "params": {"out_features": 10}, "pos": [0, 240]}
    ],
    "edges": [["input", "layer1"], ["layer1", "flatten"], ["flatten", "fc"]]
  }
})";

nlohmann::json with_blocks() {
  return nlohmann::json::parse(kWithBlocks);
}

Project parse(const nlohmann::json& j) {
  return project_from_json(j, fs::temp_directory_path(), "b.nwproj");
}

QString error_of(const nlohmann::json& j) {
  try {
    parse(j);
  } catch (const ProjectError& e) {
    return QString::fromStdString(e.what());
  }
  return "(no error)";
}

}  // namespace

class TestProjectBlocks : public QObject {
  Q_OBJECT
 private slots:
  void blocksLoad() {
    const Project p = parse(with_blocks());
    QCOMPARE(p.graph.blocks().size(), size_t(2));
    const graph::BlockDef* unit = p.graph.find_block("Unit");
    QVERIFY(unit);
    QVERIFY(unit->params.at(1).kind == graph::ParamKind::IntPair);
    QCOMPARE(unit->body.node("conv").params.at("out_channels"), nlohmann::json("$channels"));
    QCOMPARE(p.graph.node("layer1").type, std::string("Block:Pair"));
    const graph::Analysis a = graph::analyze(p.graph);
    QVERIFY(a.ok());
    QCOMPARE(a.nodes.at("layer1").outputs.at(0), (graph::SampleShape{4, 28, 28}));
    QCOMPARE(a.nodes.at("fc").params.at("in_features"), nlohmann::json(4 * 28 * 28));
  }

  void roundTripIsIdentical() {
    const Project first = parse(with_blocks());
    const std::string text = to_string(first);
    const Project second = parse_project(text, fs::temp_directory_path());
    QCOMPARE(to_string(second), text);
    QCOMPARE(to_json(second), to_json(first));
    QCOMPARE(to_json(first)["graph"], with_blocks()["graph"]);
    // Definitions come before the nodes that use them.
    QVERIFY(text.find("\"blocks\"") < text.find("\"id\": \"input\""));
  }

  void formatOneOpensUnchangedAndSavesAsTwo() {
    nlohmann::json j = with_blocks();
    j["netwright"] = 1;
    j["graph"].erase("blocks");
    j["graph"]["nodes"][1] = {{"id", "layer1"}, {"type", "ReLU"}, {"pos", {0, 80}}};
    const Project p = parse(j);
    const nlohmann::json out = to_json(p);
    QCOMPARE(out["netwright"], nlohmann::json(2));
    QVERIFY(!out["graph"].contains("blocks"));
    QCOMPARE(out["graph"], j["graph"]);
    QCOMPARE(out["name"], j["name"]);
  }

  void problemsInDefinitionsNameTheirPlace_data() {
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("parameter type") << "/graph/blocks/0/params/0/type"
                                    << R"("integer")"
                                    << "graph.blocks[0].params[0].type: expected one of";
    QTest::newRow("bad default")
        << "/graph/blocks/0/params/0/default"
        << "0"
        << "graph.blocks[0].params[0].default: expected a positive integer, got 0";
    QTest::newRow("input port not an Input")
        << "/graph/blocks/0/inputs/0"
        << R"("conv")"
        << "graph.blocks[0].inputs[0]: 'conv' is not an Input node of the block's body";
    QTest::newRow("output from nowhere")
        << "/graph/blocks/0/outputs/0/from"
        << R"("relu9")"
        << "graph.blocks[0].outputs[0].from: 'relu9' is not a node of the block's body";
    QTest::newRow("duplicate name") << "/graph/blocks/1/name"
                                    << R"("Unit")"
                                    << "graph.blocks[1].name: a second block named 'Unit'";
    QTest::newRow("bad name") << "/graph/blocks/0/name"
                              << R"("Conv Unit")"
                              << "graph.blocks[0].name: block name 'Conv Unit' contains ' '";
    QTest::newRow("unknown block")
        << "/graph/nodes/1/type"
        << R"("Block:Pairs")"
        << R"(graph.nodes[1].type: unknown block "Pairs"; did you mean "Pair"?)";
    QTest::newRow("unknown use parameter")
        << "/graph/nodes/1/params"
        << R"({"chanels": 4})"
        << "graph.nodes[1].params.chanels: Block:Pair has no parameter 'chanels'";
    QTest::newRow("reference outside a block")
        << "/graph/nodes/3/params/out_features"
        << R"("$channels")"
        << "graph.nodes[3].params.out_features: expected a positive integer";
    QTest::newRow("unknown key") << "/graph/blocks/0/edge"
                                 << "[]"
                                 << "graph.blocks[0].edge: unknown key for a block";
    QTest::newRow("port of a use") << "/graph/edges/1/0"
                                   << R"("layer1:1")"
                                   << "graph.edges[1]: node 'layer1' has no output port 1; "
                                      "Block:Pair has 1 output port (0: out)";
    QTest::newRow("body edge") << "/graph/blocks/1/edges/1/1"
                               << R"("2")"
                               << "graph.blocks[1].edges[1]: unknown node '2'";
  }

  void problemsInDefinitionsNameTheirPlace() {
    QFETCH(QString, pointer);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    nlohmann::json j = with_blocks();
    j[nlohmann::json::json_pointer(pointer.toStdString())] =
        nlohmann::json::parse(value.toStdString());
    const QString message = error_of(j);
    // The place first: a skipped definition may leave its uses unknown after it.
    QVERIFY2(message.contains(QRegularExpression("^b\\.nwproj: \\d+ problems?\n  " +
                                                 QRegularExpression::escape(expected))),
             qPrintable(message));
  }
};

QTEST_APPLESS_MAIN(TestProjectBlocks)
#include "tst_project_blocks.moc"
