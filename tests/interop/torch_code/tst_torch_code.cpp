// Generated PyTorch code (core/interop/torch_code.h) for every bundled project, run by Debian's
// PyTorch 1.13 through check_torch_code.py: the script passes py_compile and flake8, Net() loads
// Netwright's checkpoint, gives Netwright's eval-mode outputs on a fixed batch, and one plain SGD
// step (lr 0.1, the project's loss) gives Netwright's parameters and buffers, within 1e-5.
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
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    dir.setAutoRemove(qEnvironmentVariableIsEmpty("NW_KEEP_TEMP"));  // to rerun the checker by hand
    const std::filesystem::path tmp = dir.path().toStdString();
    const io::Project project = io::load_project(file.toStdString());
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
    const Tensor x = randn(shape);
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
                  QString::fromStdString(task_name(task)), QString::fromStdString(loss_code)});
    QVERIFY2(python.waitForFinished(240000), "check_torch_code.py did not finish in 240 s");
    const QString said = QString::fromUtf8(python.readAll());
    qInfo().noquote() << file.section('/', -2) << said.trimmed() << "in" << dir.path();
    QVERIFY2(python.exitCode() == 0, qPrintable(said));
  }
};

QTEST_APPLESS_MAIN(TestTorchCode)
#include "tst_torch_code.moc"
