// Generated PyTorch code (core/interop/torch_code.h) for every bundled project, run by Debian's
// PyTorch 1.13 through check_torch_code.py: the script passes py_compile and flake8, Net() loads
// Netwright's checkpoint, gives Netwright's eval-mode outputs on a fixed batch, and one plain SGD
// step (lr 0.1, the project's loss) gives Netwright's parameters and buffers, within 1e-5.
#include <fstream>
#include <set>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "autograd/grad_mode.h"
#include "catalog/torch_call.h"
#include "graph/compile.h"
#include "graph/registry.h"
#include "interop/torch_code.h"
#include "io/catalog.h"
#include "io/checkpoint.h"
#include "io/config.h"
#include "io/project.h"
#include "nn/layers/loss.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "train/metrics.h"

using namespace nw;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::filesystem::path kProjects = std::filesystem::path(NW_SOURCE_DIR) / "projects";

// Tensors in a checkpoint's /model_state_dict, which the checker reads with h5py.
void write_tensors(const std::filesystem::path& path, nn::StateDict tensors) {
  io::Checkpoint c;
  c.model = std::move(tensors);
  io::write_checkpoint(path, c);
}

// Targets the project's loss takes for `output`: class indices, 0/1 values or real values.
Tensor targets_for(train::Task task, const Tensor& output) {
  const int64_t n = output.size(0);
  if (task == train::Task::Classification) {
    std::vector<int64_t> y;
    for (int64_t i = 0; i < n; ++i) y.push_back((3 * i + 1) % output.size(1));
    return from_vector(y, {n}, kInt64);
  }
  if (task == train::Task::Binary) {
    std::vector<float> y;
    for (int64_t i = 0; i < n; ++i) y.push_back(float(i % 2));
    return from_vector(y, {n});
  }
  return randn(output.sizes());
}

std::string task_name(train::Task task) {
  return task == train::Task::Classification ? "classification"
         : task == train::Task::Binary       ? "binary"
                                             : "regression";
}

// Writes the project's script, a checkpoint of freshly initialized weights, a fixed batch with
// Netwright's outputs, and the weights after Netwright's SGD step, then runs the checker.
// The layer types the checks above ran, for the last test.
std::set<std::string>& exercised() {
  static std::set<std::string> types;
  return types;
}

void check_project(const io::Project& project, const QString& name, bool indices = false) {
  for (const graph::Node& n : project.graph.nodes()) exercised().insert(n.type);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  dir.setAutoRemove(qEnvironmentVariableIsEmpty("NW_KEEP_TEMP"));  // to rerun the checker by hand
  const std::filesystem::path tmp = dir.path().toStdString();
  interop::write_torch_code(project, tmp / "net.py");

  manual_seed(7);
  auto net = graph::compile(project.graph);
  net->apply_trainable();
  write_tensors(tmp / "weights.h5", net->state_dict());

  // A small fixed batch: resnet18's 3x224x224 images make each sample costly.
  const graph::SampleShape sample =
      net->analysis().nodes.at(net->analysis().inputs.at(0)).outputs.at(0);
  graph::SampleShape shape = sample;
  shape.insert(shape.begin(), 2);
  // Indices for Embedding: 0 (its padding row) to 9.
  const Tensor x = indices ? randint(0, 10, shape) : randn(shape);
  net->eval();
  const Tensor output = (*net)(x).detach();
  const train::Task task = train::task_for_loss(project.training.loss.value("type", ""));
  const Tensor y = targets_for(task, output);
  // Training mode's forward: batch statistics, and BatchNorm's running statistics updated.
  net->train();
  Tensor train_output;
  {
    NoGradGuard no_grad;
    train_output = (*net)(x);
  }
  write_tensors(tmp / "batch.h5",
                {{"x", x}, {"y", y}, {"output", output}, {"train_output", train_output}});

  // Netwright's side of one plain SGD step. NOTE: in evaluation mode: with batch statistics,
  // ResNet-18's float32 gradients (PyTorch's as Netwright's) differ from float64 ones by 1e-3
  // at random weights, so no float32 implementation could meet 1e-5 there; in evaluation
  // mode they differ by 3e-8.
  net->eval();
  auto loss_fn = std::static_pointer_cast<nn::Loss>(io::make_loss(project.training.loss));
  optim::SGD sgd(net->trainable_parameters(), optim::SGDOptions{.lr = 0.1});
  auto [o, t] = train::align_for_loss(task, (*net)(x), y);
  const Tensor loss = loss_fn->forward(o, t);
  sgd.zero_grad();
  loss.backward();
  sgd.step();
  write_tensors(tmp / "stepped.h5", net->state_dict());

  // `netwright-cli predict` on the same checkpoint and batch: the checker compares it too.
  std::ofstream(tmp / "project.nwproj") << io::to_string(project);
  QProcess cli;
  cli.setProcessChannelMode(QProcess::MergedChannels);
  cli.start(NW_CLI,
            {"predict", QString::fromStdString((tmp / "project.nwproj").string()), "--checkpoint",
             QString::fromStdString((tmp / "weights.h5").string()), "--input",
             QString::fromStdString((tmp / "batch.h5").string()), "--dataset", "model_state_dict/x",
             "--output", QString::fromStdString((tmp / "predicted.h5").string())});
  QVERIFY2(cli.waitForFinished(240000), "netwright-cli predict did not finish in 240 s");
  QVERIFY2(cli.exitCode() == 0, cli.readAll().constData());

  const io::LossEntry* entry = io::losses().find(project.training.loss.value("type", ""));
  QVERIFY(entry);
  const std::string loss_code =
      entry->torch_code(io::complete_spec(project.training.loss, *entry)).code;

  QProcess python;
  python.setProcessChannelMode(QProcess::MergedChannels);
  python.start("/usr/bin/python3",
               {NW_TORCH_CHECKER, QString::fromStdString((tmp / "net.py").string()),
                QString::fromStdString((tmp / "weights.h5").string()),
                QString::fromStdString((tmp / "batch.h5").string()),
                QString::fromStdString((tmp / "stepped.h5").string()),
                QString::fromStdString(task_name(task)), QString::fromStdString(loss_code),
                QString::fromStdString((tmp / "predicted.h5").string())});
  QVERIFY2(python.waitForFinished(240000), "check_torch_code.py did not finish in 240 s");
  const QString said = QString::fromUtf8(python.readAll());
  qInfo().noquote() << name << said.trimmed() << "in" << dir.path();
  QVERIFY2(python.exitCode() == 0, qPrintable(said));
}

}  // namespace

class TestTorchCode : public QObject {
  Q_OBJECT

 private slots:
  // A new layer type without a PyTorch rule fails here.
  void every_layer_type_has_a_rule() {
    for (const graph::LayerType& t : graph::Registry::instance().types())
      QVERIFY2(bool(t.torch_code), (t.name + " has no torch_code rule").c_str());
  }

  void every_training_entry_has_torch_code() {
    for (const auto* e : io::losses().entries()) QVERIFY2(bool(e->torch_code), e->name.c_str());
    for (const auto* e : io::optimizers().entries()) QVERIFY2(bool(e->torch_code), e->name.c_str());
    for (const auto* e : io::schedulers().entries()) QVERIFY2(bool(e->torch_code), e->name.c_str());
    for (const auto* e : io::transforms().entries()) QVERIFY2(bool(e->torch_code), e->name.c_str());
    for (const auto* e : io::data_sources().entries())
      QVERIFY2(bool(e->torch_code), e->name.c_str());
  }

  void bundled_project_data() {
    QTest::addColumn<QString>("file");
    for (const char* name :
         {"binary-classifier.nwproj", "fashion-mnist-mlp.nwproj", "fashion-mnist-cnn.nwproj",
          "fashion-mnist-lstm.nwproj", "resnet18.nwproj", "transfer-learning/base.nwproj",
          "transfer-learning/transfer.nwproj"})
      QTest::newRow(name) << QString::fromStdString((kProjects / name).string());
  }

  void bundled_project() {
    QFETCH(QString, file);
    check_project(io::load_project(file.toStdString()), file.section('/', -2));
  }

  // Every layer type, and the parameters whose PyTorch form differs from Netwright's (padding
  // "same", momentum null, padding_idx, ceil_mode, divisor_override, the LSTM's hidden port), in
  // small networks of their own.
  void layer_types_data() {
    QTest::addColumn<QString>("graph");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<bool>("indices");
    QTest::newRow("Conv1d BatchNorm1d ELU") << R"({
      "nodes": [{"id": "input", "type": "Input", "params": {"shape": [4, 12]}},
        {"id": "conv", "type": "Conv1d", "params": {"out_channels": 6, "kernel_size": 3,
          "padding": "same", "dilation": 2}},
        {"id": "bn", "type": "BatchNorm1d", "params": {"momentum": null}},
        {"id": "elu", "type": "ELU", "params": {"alpha": 0.5}},
        {"id": "flat", "type": "Flatten"},
        {"id": "fc", "type": "Linear", "params": {"out_features": 5}}],
      "edges": [["input", "conv"], ["conv", "bn"], ["bn", "elu"], ["elu", "flat"],
        ["flat", "fc"]]})"
                                            << "CrossEntropyLoss" << false;
    QTest::newRow("ConvTranspose2d pooling Dropout2d SiLU") << R"({
      "nodes": [{"id": "input", "type": "Input", "params": {"shape": [3, 9, 9]}},
        {"id": "up", "type": "ConvTranspose2d", "params": {"out_channels": 4, "kernel_size": 3,
          "stride": 2, "padding": 1, "output_padding": 1, "bias": false}},
        {"id": "avg", "type": "AvgPool2d", "params": {"kernel_size": 3, "stride": 2,
          "padding": 1, "ceil_mode": true, "count_include_pad": false}},
        {"id": "avg2", "type": "AvgPool2d", "params": {"kernel_size": 2, "divisor_override": 3}},
        {"id": "drop", "type": "Dropout2d", "params": {"p": 0.0}},
        {"id": "silu", "type": "SiLU"},
        {"id": "max", "type": "MaxPool2d", "params": {"kernel_size": 2, "ceil_mode": true}},
        {"id": "conv", "type": "Conv2d", "params": {"out_channels": 5, "kernel_size": [1, 2],
          "padding": [1, 0], "groups": 1}},
        {"id": "adapt", "type": "AdaptiveAvgPool2d", "params": {"output_size": [2, 3]}},
        {"id": "flat", "type": "Flatten"},
        {"id": "fc", "type": "Linear", "params": {"out_features": 4}},
        {"id": "soft", "type": "Softmax", "params": {"dim": -1}}],
      "edges": [["input", "up"], ["up", "avg"], ["avg", "avg2"], ["avg2", "drop"],
        ["drop", "silu"], ["silu", "max"], ["max", "conv"], ["conv", "adapt"],
        ["adapt", "flat"], ["flat", "fc"], ["fc", "soft"]]})"
                                                            << "MSELoss" << false;
    QTest::newRow("Concat LayerNorm GELU Unflatten Identity") << R"({
      "nodes": [{"id": "input", "type": "Input", "params": {"shape": [16]}},
        {"id": "a", "type": "Linear", "params": {"out_features": 8}},
        {"id": "b", "type": "Linear", "params": {"out_features": 8, "bias": false}},
        {"id": "cat", "type": "Concat", "params": {"dim": -1}},
        {"id": "norm", "type": "LayerNorm", "params": {"eps": 0.001}},
        {"id": "gelu", "type": "GELU", "params": {"approximate": "tanh"}},
        {"id": "drop", "type": "Dropout", "params": {"p": 0.0}},
        {"id": "unflat", "type": "Unflatten", "params": {"dim": 1, "unflattened_size": [4, 4]}},
        {"id": "same", "type": "Identity"},
        {"id": "norm2", "type": "LayerNorm", "params": {"normalized_shape": [4, 4],
          "elementwise_affine": false}},
        {"id": "flat", "type": "Flatten", "params": {"start_dim": 1, "end_dim": 2}},
        {"id": "fc", "type": "Linear", "params": {"out_features": 3}},
        {"id": "leaky", "type": "LeakyReLU", "params": {"negative_slope": 0.2}},
        {"id": "log", "type": "LogSoftmax"}],
      "edges": [["input", "a"], ["input", "b"], ["a", "cat"], ["b", "cat:1"], ["cat", "norm"],
        ["norm", "gelu"], ["gelu", "drop"], ["drop", "unflat"], ["unflat", "same"],
        ["same", "norm2"], ["norm2", "flat"], ["flat", "fc"], ["fc", "leaky"],
        ["leaky", "log"]]})"
                                                              << "NLLLoss" << false;
    QTest::newRow("LSTM GRU hidden ports LastStep Add Tanh") << R"({
      "nodes": [{"id": "input", "type": "Input", "params": {"shape": [5, 6]}},
        {"id": "lstm", "type": "LSTM", "params": {"hidden_size": 8, "num_layers": 2}},
        {"id": "gru", "type": "GRU", "params": {"hidden_size": 4, "bias": false}},
        {"id": "last", "type": "LastStep"},
        {"id": "fc_h", "type": "Linear", "params": {"out_features": 4}},
        {"id": "gru2", "type": "GRU", "params": {"hidden_size": 4}},
        {"id": "sum", "type": "Add"},
        {"id": "sum2", "type": "Add"},
        {"id": "tanh", "type": "Tanh"}],
      "edges": [["input", "lstm"], ["lstm", "gru"], ["gru", "last"], ["lstm:1", "fc_h"],
        ["input", "gru2"], ["last", "sum"], ["fc_h", "sum:1"], ["sum", "sum2"],
        ["gru2:1", "sum2:1"], ["sum2", "tanh"]]})"
                                                             << "SmoothL1Loss" << false;
    QTest::newRow("Embedding Reshape Sigmoid") << R"({
      "nodes": [{"id": "input", "type": "Input", "params": {"shape": [7]}},
        {"id": "embed", "type": "Embedding", "params": {"num_embeddings": 10,
          "embedding_dim": 6, "padding_idx": 0}},
        {"id": "embed2", "type": "Embedding", "params": {"num_embeddings": 10,
          "embedding_dim": 6}},
        {"id": "sum", "type": "Add"},
        {"id": "reshape", "type": "Reshape", "params": {"shape": [-1]}},
        {"id": "fc", "type": "Linear", "params": {"out_features": 1}},
        {"id": "sigmoid", "type": "Sigmoid"}],
      "edges": [["input", "embed"], ["input", "embed2"], ["embed", "sum"],
        ["embed2", "sum:1"], ["sum", "reshape"], ["reshape", "fc"],
        ["fc", "sigmoid"]]})"
                                               << "BCELoss" << true;
  }

  void layer_types() {
    QFETCH(QString, graph);
    QFETCH(QString, loss);
    QFETCH(bool, indices);
    const nlohmann::json shape =
        nlohmann::json::parse(graph.toStdString())["nodes"][0]["params"]["shape"];
    const nlohmann::json project = {
        {"netwright", 1},
        {"name", "Layer types"},
        {"graph", nlohmann::json::parse(graph.toStdString())},
        {"data", {{"train", {{"source", "synthetic"}, {"shape", shape}}}}},
        {"training", {{"loss", {{"type", loss.toStdString()}}}}}};
    check_project(io::project_from_json(project, "."), QTest::currentDataTag(), indices);
  }

  // Issue 20: a graph with blocks. Each block is an nn.Module class whose instances are the
  // uses, so Net() loads Netwright's checkpoint (strict) and gives its outputs; the block-built
  // ResNet-18 (at 64x64 to keep it cheap: every layer takes it) has torchvision's keys.
  void block_project_data() {
    QTest::addColumn<QString>("graph");
    QTest::newRow("resnet18_blocks") << QString();
    // Nested blocks; a layer parameter that differs between uses without being a block
    // parameter (conv's in_channels: 3, then 8); a frozen layer inside a block; a block named
    // as a class of the training code (Samples), whose class takes another name.
    QTest::newRow("nested blocks") << R"({
      "blocks": [
        {"name": "Unit", "params": [{"name": "width", "type": "int", "default": 8}],
         "inputs": ["x"], "outputs": [{"name": "out", "from": "relu"}],
         "nodes": [{"id": "x", "type": "Input"},
           {"id": "conv", "type": "Conv2d", "params": {"out_channels": "$width",
             "kernel_size": 3, "padding": 1}},
           {"id": "bn", "type": "BatchNorm2d", "trainable": false},
           {"id": "relu", "type": "ReLU"}],
         "edges": [["x", "conv"], ["conv", "bn"], ["bn", "relu"]]},
        {"name": "Samples", "params": [{"name": "width", "type": "int"}],
         "inputs": ["x"], "outputs": [{"name": "out", "from": "second"}],
         "nodes": [{"id": "x", "type": "Input"},
           {"id": "first", "type": "Block:Unit", "params": {"width": "$width"}},
           {"id": "second", "type": "Block:Unit", "params": {"width": 6}}],
         "edges": [["x", "first"], ["first", "second"]]}],
      "nodes": [{"id": "input", "type": "Input", "params": {"shape": [3, 8, 8]}},
        {"id": "stage.0", "type": "Block:Samples", "params": {"width": 8}},
        {"id": "stage.1", "type": "Block:Samples", "params": {"width": 4}},
        {"id": "flat", "type": "Flatten"},
        {"id": "fc", "type": "Linear", "params": {"out_features": 5}}],
      "edges": [["input", "stage.0"], ["stage.0", "stage.1"], ["stage.1", "flat"],
        ["flat", "fc"]]})";
  }

  void block_project() {
    QFETCH(QString, graph);
    const fs::path fixtures = fs::path(NW_SOURCE_DIR) / "tests" / "fixtures";
    io::Project project;
    if (graph.isEmpty()) {
      project = io::load_project(fixtures / "resnet18_blocks.nwproj");
      project.graph.set_param("input", "shape", {3, 64, 64});
    } else {
      project = io::project_from_json(
          {{"netwright", 2},
           {"graph", json::parse(graph.toStdString())},
           {"data", {{"train", {{"source", "synthetic"}, {"shape", {3, 8, 8}}}}}},
           {"training", {{"loss", {{"type", "CrossEntropyLoss"}}}}}},
          ".");
    }
    check_project(project, QTest::currentDataTag());
    const std::string code = interop::torch_code(project);
    if (!graph.isEmpty()) {
      // One class per block, and the frozen layer inside a use frozen in PyTorch too.
      QVERIFY(code.find("class Unit(nn.Module):") != std::string::npos);
      QVERIFY(code.find("class Samples_2(nn.Module):") != std::string::npos);
      QVERIFY(code.find("class Samples(torch.utils.data.Dataset):") != std::string::npos);
      QVERIFY(code.find("self.get_submodule(\"stage.0.first.bn\").requires_grad_(False)") !=
              std::string::npos);
      return;
    }
    QVERIFY(code.find("class BasicBlock(nn.Module):") != std::string::npos);
    QVERIFY(code.find("self.layer1[\"0\"] = BasicBlock(channels=64)") != std::string::npos);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string script = (fs::path(dir.path().toStdString()) / "net.py").string();
    interop::write_torch_code(project, script);
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start("/usr/bin/python3",
                 {NW_BLOCK_KEYS_CHECKER, QString::fromStdString(script),
                  QString::fromStdString((fixtures / "resnet18_state_dict.txt").string())});
    QVERIFY2(python.waitForFinished(240000), "check_block_keys.py did not finish in 240 s");
    const QString said = QString::fromUtf8(python.readAll());
    qInfo().noquote() << said.trimmed();
    QVERIFY2(python.exitCode() == 0, qPrintable(said));
  }

  // Runs last: a layer type that gets a rule must also get a row above.
  void every_layer_type_was_checked() {
    for (const graph::LayerType& t : graph::Registry::instance().types())
      QVERIFY2(exercised().count(t.name),
               (t.name + " is in no network checked above; add it to layer_types_data").c_str());
  }
};

QTEST_APPLESS_MAIN(TestTorchCode)
#include "tst_torch_code.moc"
