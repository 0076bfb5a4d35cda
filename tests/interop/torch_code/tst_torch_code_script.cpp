// The script half of generated PyTorch code (core/interop/torch_code.h): what PyTorch code
// cannot express is refused naming the node or the catalog entry, with nothing written, and a
// generated script's main() runs its data, transforms, loss, optimizer, scheduler and loops to
// the end with Debian's PyTorch 1.13.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "interop/torch_code.h"
#include "io/catalog.h"
#include "io/checkpoint.h"
#include "io/project.h"
#include "tensor/creation.h"

using namespace nw;
using json = nlohmann::json;

namespace {

// Tensors in a checkpoint's /model_state_dict, which an HDF5 data source can name.
void write_tensors(const std::filesystem::path& path, nn::StateDict tensors) {
  io::Checkpoint c;
  c.model = std::move(tensors);
  io::write_checkpoint(path, c);
}

}  // namespace

class TestTorchCodeScript : public QObject {
  Q_OBJECT

 private slots:
  // What PyTorch code cannot express fails naming the node or the entry, and writes nothing.
  void refuses_naming_the_cause_data() {
    QTest::addColumn<QString>("nodes");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<QString>("expected");
    const QString input = R"({"id": "input", "type": "Input", "params": {"shape": [4]}})";
    QTest::newRow("an nn.Module method's name")
        << input + R"(, {"id": "eval", "type": "Linear", "params": {"out_features": 2}})"
        << "MSELoss"
        << "node 'eval' (Linear): 'eval' is taken by nn.Module";
    QTest::newRow("a digit first")
        << input + R"(, {"id": "2fc", "type": "Linear", "params": {"out_features": 2}})"
        << "MSELoss"
        << "node '2fc' (Linear): '2fc' cannot be a Python attribute name";
    QTest::newRow("a layer inside a layer")
        << input + R"(, {"id": "fc", "type": "Linear", "params": {"out_features": 2}},
                        {"id": "fc.bn", "type": "BatchNorm1d"})"
        << "MSELoss"
        << "node 'fc.bn' (BatchNorm1d): id 'fc.bn' nests under node 'fc'";
    QTest::newRow("a loss without PyTorch code")
        << input + R"(, {"id": "fc", "type": "Linear", "params": {"out_features": 2}})"
        << "NoTorchLoss"
        << "training.loss: the loss 'NoTorchLoss' has no PyTorch code";
  }

  void refuses_naming_the_cause() {
    QFETCH(QString, nodes);
    QFETCH(QString, loss);
    QFETCH(QString, expected);
    if (!io::losses().find("NoTorchLoss")) {
      io::LossEntry e;
      e.name = "NoTorchLoss";
      e.category = "Test";
      e.description = "a loss with no torch_code writer";
      io::losses().add(e);
    }
    json graph = {{"nodes", json::parse(("[" + nodes + "]").toStdString())}, {"edges", {}}};
    for (size_t i = 1; i < graph["nodes"].size(); ++i)
      graph["edges"].push_back({graph["nodes"][i - 1]["id"], graph["nodes"][i]["id"]});
    const json project = {{"netwright", 1},
                          {"name", "Refused"},
                          {"graph", graph},
                          {"data", {{"train", {{"source", "synthetic"}, {"shape", {4}}}}}},
                          {"training", {{"loss", {{"type", loss.toStdString()}}}}}};
    QTemporaryDir dir;
    const std::filesystem::path out = dir.filePath("net.py").toStdString();
    try {
      interop::write_torch_code(io::project_from_json(project, "."), out);
      QFAIL("no error");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(expected.toStdString()) != std::string::npos, e.what());
    }
    QVERIFY(!std::filesystem::exists(out));
  }

  // One class per block holds a layer only when its code is the same at every use but for
  // parameter values: Reshape writes its output shape, which differs here (4, then 8).
  void refuses_a_block_layer_that_differs_between_uses() {
    const json block = {{"name", "Squash"},
                        {"inputs", {"x"}},
                        {"outputs", {{{"name", "out"}, {"from", "reshape"}}}},
                        {"nodes",
                         {{{"id", "x"}, {"type", "Input"}},
                          {{"id", "reshape"}, {"type", "Reshape"}, {"params", {{"shape", {-1}}}}}}},
                        {"edges", json::array({json::array({"x", "reshape"})})}};
    const json graph = {
        {"blocks", {block}},
        {"nodes",
         {{{"id", "input"}, {"type", "Input"}, {"params", {{"shape", {2, 2}}}}},
          {{"id", "a"}, {"type", "Block:Squash"}},
          {{"id", "fc"}, {"type", "Linear"}, {"params", {{"out_features", 8}}}},
          {{"id", "b"}, {"type", "Block:Squash"}}}},
        {"edges", json::array({json::array({"input", "a"}), json::array({"a", "fc"}),
                               json::array({"fc", "b"})})}};
    const json project = {{"netwright", 2},
                          {"graph", graph},
                          {"data", {{"train", {{"source", "synthetic"}, {"shape", {2, 2}}}}}},
                          {"training", {{"loss", {{"type", "MSELoss"}}}}}};
    QTemporaryDir dir;
    const std::filesystem::path out = dir.filePath("net.py").toStdString();
    try {
      interop::write_torch_code(io::project_from_json(project, "."), out);
      QFAIL("no error");
    } catch (const Error& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("block 'Squash', node 'reshape' (Reshape): its PyTorch code at use 'b'") !=
                       std::string::npos &&
                   what.find("one nn.Module class cannot hold it") != std::string::npos,
               e.what());
    }
    QVERIFY(!std::filesystem::exists(out));
  }

  // main() runs: data, transforms, validation split, loss, optimizer, scheduler, loops.
  void script_trains_data() {
    QTest::addColumn<QString>("training");
    QTest::addColumn<QString>("data");
    QTest::newRow("binary, momentum, StepLR, validation")
        << R"({"loss": {"type": "BCEWithLogitsLoss"}, "epochs": 2, "batch_size": 16,
              "optimizer": {"type": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": true},
              "scheduler": {"type": "StepLR", "step_size": 1, "gamma": 0.5}})"
        << R"({"train": {"source": "synthetic", "shape": [6], "binary": true, "count": 64},
              "test": {"source": "synthetic", "shape": [6], "binary": true, "count": 32,
              "seed": 1}, "validation_fraction": 0.25,
              "transforms": [{"type": "normalize", "mean": 0.1, "std": 2}]})";
    QTest::newRow("classes, AdamW, OneCycleLR per batch, augmentations")
        << R"({"loss": {"type": "CrossEntropyLoss", "label_smoothing": 0.1,
              "weight": [1, 2, 1]}, "epochs": 2, "batch_size": 8,
              "optimizer": {"type": "AdamW", "lr": 0.01, "betas": [0.8, 0.9]},
              "scheduler": {"type": "OneCycleLR", "max_lr": 0.1}})"
        << R"({"train": {"source": "synthetic", "kind": "blobs", "shape": [1, 4, 4],
              "classes": 3, "count": 48},
              "transforms": [{"type": "random_horizontal_flip"},
              {"type": "random_crop", "size": 4, "padding": 1}, {"type": "scale",
              "max_value": 2}]})";
    QTest::newRow("regression, RMSprop, ReduceLROnPlateau")
        << R"({"loss": {"type": "MSELoss"}, "epochs": 2, "batch_size": 16,
              "optimizer": {"type": "RMSprop", "lr": 0.001, "centered": true},
              "scheduler": {"type": "ReduceLROnPlateau", "patience": 0}})"
        << R"({"train": {"source": "hdf5", "path": "regression.h5", "x": "model_state_dict/x",
              "y": "model_state_dict/y"}})";
  }

  void script_trains() {
    QFETCH(QString, training);
    QFETCH(QString, data);
    const json shape = json::parse(data.toStdString())["train"].value("shape", json{1, 4, 4});
    const json loss = json::parse(training.toStdString())["loss"];
    const int64_t classes = loss["type"] == "CrossEntropyLoss" ? 3 : 1;
    const json project = {
        {"netwright", 1},
        {"name", "Script trains"},
        {"graph",
         {{"nodes",
           {{{"id", "input"}, {"type", "Input"}, {"params", {{"shape", shape}}}},
            {{"id", "flatten"}, {"type", "Flatten"}},
            {{"id", "fc"}, {"type", "Linear"}, {"params", {{"out_features", classes}}}}}},
          {"edges",
           json::array({json::array({"input", "flatten"}), json::array({"flatten", "fc"})})}}},
        {"data", json::parse(data.toStdString())},
        {"training", json::parse(training.toStdString())}};
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path tmp = dir.path().toStdString();
    // Real targets shaped as the output, as MSELoss needs them (on both sides).
    write_tensors(tmp / "regression.h5", {{"x", randn({32, 1, 4, 4})}, {"y", randn({32, 1})}});
    interop::write_torch_code(io::project_from_json(project, tmp), tmp / "net.py");
    QProcess python;
    python.setWorkingDirectory(dir.path());
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start("/usr/bin/python3", {"-W", "error::UserWarning", "net.py"});
    QVERIFY2(python.waitForFinished(120000), "net.py did not finish in 120 s");
    const QString said = QString::fromUtf8(python.readAll());
    QVERIFY2(python.exitCode() == 0, qPrintable(said));
    QVERIFY2(said.contains("Epoch 2") && said.contains("loss:"), qPrintable(said));
    QVERIFY(QFile::exists(dir.filePath("model.pt")));
  }
};

QTEST_APPLESS_MAIN(TestTorchCodeScript)
#include "tst_torch_code_script.moc"
