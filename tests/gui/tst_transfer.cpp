// Transfer learning through the application's own Train action: projects/transfer-learning/
// transfer.nwproj names the base run's checkpoint in its "init" block. The window must start
// from it as netwright-cli does: the frozen convolutions keep the base weights, the Messages dock
// says what was loaded, and the CLI's run of the same project ends bit-identical at one thread.
#include <QComboBox>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "cpu/threads.h"
#include "graph/compile.h"
#include "io/checkpoint.h"
#include "tensor/generator.h"
#include "training/training_controller.h"
#include "training_fixtures.h"
#include "window_fixtures.h"

using namespace nw::gui;
using nw::gui::testing::messages_text;

namespace {

const QString kProjects = QStringLiteral(NW_SOURCE_DIR "/projects/transfer-learning");
// Enough samples that every layer moves in one epoch, few enough for a run of a second or two.
constexpr int64_t kLimit = 512;
const QStringList kFrozen = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"};

// Copies a bundled project with one epoch, so runs are short and nothing is written beside the
// sources; the relative "init" checkpoint then resolves inside `dir`.
QString copy_project(const QTemporaryDir& dir, const QString& name) {
  std::ifstream in((kProjects + "/" + name).toStdString());
  nlohmann::json j = nlohmann::json::parse(in);
  j["training"]["epochs"] = 1;
  const QString to = dir.filePath(name);
  std::ofstream(to.toStdString()) << j.dump(2);
  return to;
}

// netwright-cli train PROJECT at one thread on the CPU; the run's folder is `out`.
QString run_cli(const QString& project, const QString& out, QString* log) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(QStringLiteral(NW_CLI), {"train", project, "--out", out, "--limit",
                                   QString::number(kLimit), "--threads", "1", "--device", "cpu"});
  const bool done = p.waitForFinished(testing::kRunTimeoutMs);
  *log = QString::fromUtf8(p.readAll());
  if (!done || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) return {};
  return out;
}

const nw::Tensor& tensor(const nw::io::Checkpoint& c, const QString& key) {
  for (const auto& [k, v] : c.model)
    if (k == key.toStdString()) return v;
  qFatal("no %s in the checkpoint", qPrintable(key));
}

// Equal bit for bit: same dtype, shape and bytes.
bool identical(const nw::Tensor& a, const nw::Tensor& b) {
  if (a.dtype() != b.dtype() || a.sizes() != b.sizes()) return false;
  const nw::Tensor ca = a.cpu().contiguous(), cb = b.cpu().contiguous();
  return std::memcmp(ca.raw_data(), cb.raw_data(), size_t(ca.numel()) * ca.element_size()) == 0;
}

}  // namespace

class TestTransfer : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    nw::set_num_threads(1);  // the CLI runs below at --threads 1: bit-identical needs the same
  }

  void train_action_honours_init_as_the_cli_does() {
    const QString base = copy_project(tmp_, "base.nwproj");
    const QString transfer = copy_project(tmp_, "transfer.nwproj");
    QString log;
    // The base run lands where transfer.nwproj's "init" looks: runs/base/best.h5.
    QVERIFY2(!run_cli(base, tmp_.filePath("runs/base"), &log).isEmpty(), qPrintable(log));
    const QString base_ckpt = tmp_.filePath("runs/base/best.h5");
    QVERIFY2(QFileInfo::exists(base_ckpt), qPrintable(log));
    const nw::io::Checkpoint base_state = nw::io::read_checkpoint(base_ckpt.toStdString());

    // Fresh weights differ from the base's, so the comparison below can tell init from none.
    const nw::io::Project project = nw::io::load_project(transfer.toStdString());
    nw::manual_seed(project.training.seed);
    const auto fresh = nw::graph::compile(project.graph);
    for (const auto& [key, value] : fresh->state_dict())
      if (key == "conv1.weight") QVERIFY(!identical(value, tensor(base_state, "conv1.weight")));

    WindowHooks hooks;
    hooks.restore_layout = false;
    hooks.offer_recovery = false;
    hooks.sample_limit = kLimit;
    hooks.questions.error = [](QWidget*, const QString&, const QString& text) {
      qWarning("error shown: %s", qPrintable(text));
    };
    MainWindow w(hooks);
    QVERIFY(w.open_project(transfer));
    auto* device = w.findChild<QComboBox*>("deviceCombo");
    QVERIFY(device);
    device->setCurrentIndex(device->findData("cpu"));  // the CLI run below is on the CPU too
    QSignalSpy finished(w.training(), &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(testing::wait_finished(finished));
    const auto result = finished.first().first().value<nw::train::RunResult>();
    QVERIFY2(result.state == nw::train::RunState::Finished, result.reason.c_str());
    QCOMPARE(result.epochs_done, int64_t(1));
    QVERIFY(!result.last_checkpoint.empty());

    // The frozen convolutions are the base's, exactly, after an epoch of training the head.
    const nw::io::Checkpoint gui_state = nw::io::read_checkpoint(result.last_checkpoint);
    for (const QString& key : kFrozen)
      QVERIFY2(identical(tensor(gui_state, key), tensor(base_state, key)), qPrintable(key));

    // The Messages dock names the checkpoint and each tensor it loaded.
    const QString messages = messages_text(w.messages());
    QVERIFY2(messages.contains("initialized from " + base_ckpt), qPrintable(messages));
    QVERIFY2(messages.contains("loaded 4 tensors (conv1.weight, conv1.bias, conv2.weight, "
                               "conv2.bias)"),
             qPrintable(messages));

    // The CLI's run of the same project: every tensor bit-identical.
    const QString cli_out = run_cli(transfer, tmp_.filePath("cli-transfer"), &log);
    QVERIFY2(!cli_out.isEmpty(), qPrintable(log));
    const nw::io::Checkpoint cli_state =
        nw::io::read_checkpoint((cli_out + "/epoch_0001.h5").toStdString());
    QCOMPARE(cli_state.model.size(), gui_state.model.size());
    for (const auto& [key, value] : gui_state.model)
      QVERIFY2(identical(value, tensor(cli_state, QString::fromStdString(key))), key.c_str());
    QVERIFY(gui_state.optimizer && cli_state.optimizer);
    QCOMPARE(cli_state.optimizer->state.size(), gui_state.optimizer->state.size());
    for (const auto& [index, entries] : gui_state.optimizer->state)
      for (const auto& [name, value] : entries)
        QVERIFY2(identical(value, cli_state.optimizer->state.at(index).at(name)), name.c_str());
  }
};

QTEST_MAIN(TestTransfer)
#include "tst_transfer.moc"
