// The block library (issue 20): the built-in blocks analyze, count and compile as torchvision's
// modules do; block files round-trip, are written atomically and are refused with the place and
// the fix when bad; importing a block into a project reuses equal definitions and renames
// different ones.
#include <QtTest>

#include <fstream>

#include "graph/analysis.h"
#include "graph/block.h"
#include "graph/compile.h"
#include "io/block_file.h"
#include "io/block_import.h"
#include "io/block_library.h"
#include "io/project.h"
#include "nn/module.h"

using namespace nw;
namespace fs = std::filesystem;

namespace {

const io::BlockFile& builtin(const std::string& name) {
  for (const io::BlockFile& b : io::builtin_blocks())
    if (b.name == name) return b;
  throw Error("no built-in block " + name);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The message of the BlockFileError that parsing `text` throws; empty when it throws none.
QString parse_error(const std::string& text) {
  try {
    io::parse_block_file(text, "bad.nwblock");
  } catch (const io::BlockFileError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// Input -> one use of `block` with `params`: the smallest graph that uses a block.
graph::Graph one_use(const std::string& block, const graph::ParamMap& params, const Shape& input) {
  graph::Graph g;
  const std::string name = io::import_block(g, builtin(block).graph, block);
  g.add_node("Input", "input", {{"shape", input}});
  g.add_node(graph::kBlockPrefix + name, "use", params);
  g.connect({"input", 0}, {"use", 0});
  return g;
}

// A block that uses ConvBNReLU twice: nesting for the round trip and the import.
graph::Graph two_convs() {
  graph::Graph g;
  io::import_block(g, builtin("ConvBNReLU").graph, "ConvBNReLU");
  graph::BlockDef def;
  def.name = "TwoConvs";
  def.inputs = {"x"};
  def.outputs = {{"out", {"c2", 0}}};
  g.define_block(std::move(def));
  graph::Graph& body = g.block_body("TwoConvs");
  body.add_node("Input", "x");
  body.add_node("Block:ConvBNReLU", "c1", {{"out_channels", 16}});
  body.add_node("Block:ConvBNReLU", "c2", {{"out_channels", 32}});
  body.connect({"x", 0}, {"c1", 0});
  body.connect({"c1", 0}, {"c2", 0});
  return g;
}

}  // namespace

class TestBlockLibrary : public QObject {
  Q_OBJECT

 private slots:
  void builtinsAreListed() {
    QStringList names;
    for (const io::BlockFile& b : io::builtin_blocks()) names << QString::fromStdString(b.name);
    QCOMPARE(names, QStringList(
                        {"BasicBlock", "DownBlock", "Bottleneck", "BottleneckDown", "ConvBNReLU"}));
    const io::BlockLibrary library;  // no user folder
    QCOMPARE(library.blocks().size(), size_t(5));
    QVERIFY(library.blocks().front().builtin);
    QVERIFY(library.problems().empty());
  }

  // Parameter counts are torchvision 0.14's, counted with
  // sum(p.numel() for p in m.parameters()) for the module named in each row.
  void builtinsCountAsTorchvision_data() {
    QTest::addColumn<QString>("block");
    QTest::addColumn<QString>("params");  // JSON object
    QTest::addColumn<QString>("input");   // JSON list
    QTest::addColumn<QString>("output");
    QTest::addColumn<qint64>("parameters");
    QTest::newRow("BasicBlock(64, 64)") << "BasicBlock"
                                        << R"({"channels": 64})"
                                        << "[64, 56, 56]"
                                        << "[64, 56, 56]" << qint64(73984);
    QTest::newRow("BasicBlock(64, 128, 2, downsample)") << "DownBlock"
                                                        << R"({"channels": 128, "stride": 2})"
                                                        << "[64, 56, 56]"
                                                        << "[128, 28, 28]" << qint64(230144);
    QTest::newRow("Bottleneck(256, 64)") << "Bottleneck"
                                         << R"({"width": 64, "channels": 256})"
                                         << "[256, 56, 56]"
                                         << "[256, 56, 56]" << qint64(70400);
    QTest::newRow("Bottleneck(64, 64, 1, downsample)")
        << "BottleneckDown"
        << R"({"width": 64, "channels": 256, "stride": 1})"
        << "[64, 56, 56]"
        << "[256, 56, 56]" << qint64(75008);
    QTest::newRow("Bottleneck(256, 128, 2, downsample)")
        << "BottleneckDown"
        << R"({"width": 128, "channels": 512, "stride": 2})"
        << "[256, 56, 56]"
        << "[512, 28, 28]" << qint64(379392);
    QTest::newRow("Conv2dNormActivation(3, 32, 3, 2, 1)")
        << "ConvBNReLU"
        << R"({"out_channels": 32, "kernel_size": 3, "stride": 2, "padding": 1})"
        << "[3, 32, 32]"
        << "[32, 16, 16]" << qint64(928);
  }
  void builtinsCountAsTorchvision() {
    QFETCH(QString, block);
    QFETCH(QString, params);
    QFETCH(QString, input);
    QFETCH(QString, output);
    QFETCH(qint64, parameters);
    const auto p = nlohmann::json::parse(params.toStdString()).get<graph::ParamMap>();
    const auto in = nlohmann::json::parse(input.toStdString()).get<Shape>();
    const graph::Graph g = one_use(block.toStdString(), p, in);
    const graph::Analysis a = graph::analyze(g);
    QVERIFY2(a.ok(), a.errors().empty() ? "" : a.errors().front().message.c_str());
    const graph::NodeInfo& use = a.nodes.at("use");
    QCOMPARE(use.outputs.at(0), nlohmann::json::parse(output.toStdString()).get<Shape>());
    QVERIFY(use.block.has_value() && use.block->parameters.has_value());
    QCOMPARE(*use.block->parameters, int64_t(parameters));
    const auto net = graph::compile(g);
    QCOMPARE(net->num_parameters(), int64_t(parameters));
  }

  void fileRoundTripKeepsNestedDefinitions() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "TwoConvs.nwblock";
    const graph::Graph g = two_convs();
    io::save_block_file(g, "TwoConvs", path);
    const io::BlockFile read = io::load_block_file(path);
    QCOMPARE(read.name, std::string("TwoConvs"));
    QCOMPARE(read.graph.blocks().size(), size_t(2));  // and ConvBNReLU, which it uses
    QCOMPARE(io::blocks_used_by(read.graph, "TwoConvs"),
             std::vector<std::string>({"ConvBNReLU", "TwoConvs"}));
    QCOMPARE(io::block_file_text(read.graph, "TwoConvs"), read_text(path));
    QCOMPARE(io::block_file_text(read.graph, "TwoConvs"), io::block_file_text(g, "TwoConvs"));
  }

  void saveIsAtomic() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    const fs::path path = folder / "ConvBNReLU.nwblock";
    write_text(path, std::string(20000, 'x'));  // longer than the block: nothing of it may stay
    io::save_block_file(builtin("ConvBNReLU").graph, "ConvBNReLU", path);
    QCOMPARE(read_text(path), io::block_file_text(builtin("ConvBNReLU").graph, "ConvBNReLU"));
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(folder)) ++files;
    QCOMPARE(files, 1);  // no temporary file left beside it
    // A block that is not there writes nothing: the old file stays whole.
    QVERIFY_THROWS_EXCEPTION(graph::GraphError,
                             io::save_block_file(builtin("ConvBNReLU").graph, "Nope", path));
    QCOMPARE(read_text(path), io::block_file_text(builtin("ConvBNReLU").graph, "ConvBNReLU"));
    // A folder that does not exist: an error naming the path, and no file.
    QVERIFY_THROWS_EXCEPTION(
        Error, io::save_block_file(builtin("ConvBNReLU").graph, "ConvBNReLU", folder / "no/x"));
  }

  void badFilesSayWhereAndHow_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");  // pieces of the message
    const std::string good = io::block_file_text(builtin("ConvBNReLU").graph, "ConvBNReLU");
    QTest::newRow("truncated") << QString::fromStdString(good.substr(0, good.size() / 2))
                               << QStringList{"bad.nwblock: 1 problem", "line ", "column "};
    std::string newer = good;
    newer.replace(newer.find("\"netwright_block\": 1"), 20, "\"netwright_block\": 2");
    QTest::newRow("newer version")
        << QString::fromStdString(newer)
        << QStringList{
               "netwright_block: this block was written by a newer Netwright (block "
               "format 2); this version reads format 1",
               "update Netwright"};
    QTest::newRow("no version") << R"({"name": "A", "blocks": []})"
                                << QStringList{"netwright_block: missing",
                                               "starts with \"netwright_block\": 1"};
    std::string unknown = good;
    unknown.replace(unknown.find("\"Conv2d\""), 8, "\"Conv2dd\"");
    QTest::newRow("unknown layer")
        << QString::fromStdString(unknown)
        << QStringList{
               "blocks[0].nodes[1].type: unknown layer type \"Conv2dd\"; did you mean "
               "\"Conv2d\"?"};
    QTest::newRow("no definition")
        << R"({"netwright_block": 1, "name": "A", "blocks": []})"
        << QStringList{"name: no definition of 'A' in \"blocks\"; add it"};
    QTest::newRow("not an object") << "[1, 2]" << QStringList{"expected a JSON object"};
  }
  void badFilesSayWhereAndHow() {
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    const QString message = parse_error(text.toStdString());
    for (const QString& piece : expected)
      QVERIFY2(message.contains(piece), qPrintable(message + "\n  lacks: " + piece));
  }

  void importReusesEqualAndRenamesDifferent() {
    graph::Graph project;
    const graph::Graph& lib = builtin("BasicBlock").graph;
    QCOMPARE(io::import_block(project, lib, "BasicBlock"), std::string("BasicBlock"));
    QCOMPARE(io::import_block(project, lib, "BasicBlock"), std::string("BasicBlock"));
    QCOMPARE(project.blocks().size(), size_t(1));
    // Moved inner nodes are still the same block.
    project.block_body("BasicBlock").move_node("conv1", {500, 500});
    QCOMPARE(io::import_block(project, lib, "BasicBlock"), std::string("BasicBlock"));
    // Another kernel is another block: a free name, and the project's one is untouched.
    project.block_body("BasicBlock").set_param("conv1", "kernel_size", 5);
    QCOMPARE(io::import_block(project, lib, "BasicBlock"), std::string("BasicBlock_2"));
    QCOMPARE(project.blocks().size(), size_t(2));
    QCOMPARE(project.find_block("BasicBlock")->body.node("conv1").params.at("kernel_size"),
             graph::ParamValue(5));
    QCOMPARE(io::import_block(project, lib, "BasicBlock"), std::string("BasicBlock_2"));
    QCOMPARE(project.blocks().size(), size_t(2));
  }

  // The built-in BasicBlock and DownBlock are the ResNet-18 fixture's own: adding them to it
  // reuses its definitions.
  void builtinsMatchTheResnet18Fixture() {
    io::Project p = io::load_project(fs::path(NW_FIXTURE_DIR) / "resnet18_blocks.nwproj");
    const std::string before = io::to_string(p);
    for (const char* name : {"BasicBlock", "DownBlock"})
      QCOMPARE(io::import_block(p.graph, builtin(name).graph, name), std::string(name));
    QCOMPARE(io::to_string(p), before);
  }

  void importRenamesNestedUses() {
    graph::Graph project;
    io::import_block(project, builtin("ConvBNReLU").graph, "ConvBNReLU");
    project.block_body("ConvBNReLU").set_param("conv", "bias", true);  // the project's own
    const graph::Graph lib = two_convs();
    QCOMPARE(io::import_block(project, lib, "TwoConvs"), std::string("TwoConvs"));
    QVERIFY(project.find_block("ConvBNReLU_2"));
    const graph::Graph& body = project.find_block("TwoConvs")->body;
    QCOMPARE(body.node("c1").type, std::string("Block:ConvBNReLU_2"));
    QCOMPARE(body.node("c2").type, std::string("Block:ConvBNReLU_2"));
    // And it analyzes: Input(3x32x32) -> TwoConvs gives 32 channels at half the size twice over.
    project.add_node("Input", "input", {{"shape", {3, 32, 32}}});
    project.add_node("Block:TwoConvs", "two");
    project.connect({"input", 0}, {"two", 0});
    const graph::Analysis a = graph::analyze(project);
    QVERIFY2(a.ok(), a.errors().empty() ? "" : a.errors().front().message.c_str());
    QCOMPARE(a.nodes.at("two").outputs.at(0), Shape({32, 32, 32}));
  }

  void importOfAnUndefinedBlockChangesNothing() {
    graph::Graph project;
    QVERIFY_THROWS_EXCEPTION(graph::GraphError,
                             io::import_block(project, builtin("BasicBlock").graph, "Nope"));
    QVERIFY(project.blocks().empty());
  }

  void libraryReadsTheUserFolder() {
    QTemporaryDir dir;
    const fs::path folder = fs::path(dir.path().toStdString()) / "blocks";
    io::BlockLibrary library(folder);  // not there yet: the built-in blocks only
    QCOMPARE(library.blocks().size(), size_t(5));
    const fs::path saved = library.save(two_convs(), "TwoConvs");
    QCOMPARE(saved, folder / "TwoConvs.nwblock");
    QCOMPARE(library.blocks().size(), size_t(6));
    QVERIFY(!library.find("TwoConvs")->builtin);
    QCOMPARE(library.find("TwoConvs")->path, saved);
    write_text(folder / "broken.nwblock", "{\"netwright_block\": 1,");
    library.reload();
    QCOMPARE(library.blocks().size(), size_t(6));
    QCOMPARE(library.problems().size(), size_t(1));
    QVERIFY2(library.problems().front().find("broken.nwblock: 1 problem") != std::string::npos,
             library.problems().front().c_str());
  }

  void defaultFolderIsQtsAppDataLocation() {
    const QByteArray old = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", "/data/home");
    QCOMPARE(io::default_block_dir(), fs::path("/data/home/Netwright/Netwright/blocks"));
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(io::default_block_dir(),
             fs::path(qgetenv("HOME").toStdString()) / ".local/share/Netwright/Netwright/blocks");
    if (!old.isEmpty()) qputenv("XDG_DATA_HOME", old);
  }
};

QTEST_APPLESS_MAIN(TestBlockLibrary)
#include "tst_block_library.moc"
