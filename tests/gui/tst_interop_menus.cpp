// File > Import ONNX and File > Export Model (issue 16, check 3): PyTorch's export of a narrow
// ResNet-18 opens as a new project whose first run of the application's own Train action starts
// from the imported weights and fine-tunes for one epoch on its synthetic data; a truncated model
// is refused naming the file and leaves the open project and the disk as they were; a run's
// checkpoint exports as ONNX that imports back to the same graph, and as PyTorch code with its
// weights beside it.
#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

#include "app/main_window.h"
#include "document/project_document.h"
#include "interop/onnx_import.h"
#include "io/checkpoint.h"
#include "run_fixtures.h"
#include "training/training_controller.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;

namespace {

// Written by PyTorch 2.15's torch.onnx.export (tests/interop/onnx_import/make_onnx_fixtures.py).
const QString kResnet =
    QStringLiteral(NW_SOURCE_DIR "/tests/interop/onnx_import/fixtures/resnet18_narrow.onnx");

// What the window asks, answered without dialogs.
struct Answers {
  QString open, save;
  QString error;
};

WindowHooks hooks_for(Answers& a) {
  WindowHooks h = testing::quiet_hooks();
  h.sample_limit = 256;  // one quick epoch of the synthetic set
  h.files.open = [&a](QWidget*, const QString&, const QString&, const QString&) { return a.open; };
  h.files.save = [&a](QWidget*, const QString&, const QString&, const QString&) { return a.save; };
  h.questions.error = [&a](QWidget*, const QString&, const QString& text) { a.error = text; };
  return h;
}

void use_cpu(MainWindow& w) {
  auto* device = w.findChild<QComboBox*>("deviceCombo");
  QVERIFY(device);
  device->setCurrentIndex(device->findData("cpu"));
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.sizes() != b.sizes()) return false;
  const Tensor ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.raw_data(), cb.raw_data(), size_t(ca.numel()) * ca.element_size()) == 0;
}

}  // namespace

class TestInteropMenus : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void importedResnetFineTunes() {
    Answers a{kResnet, tmp_.filePath("resnet.nwproj"), {}};
    MainWindow w(hooks_for(a));
    use_cpu(w);
    w.action("importOnnx")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.document()->path() == a.save || !a.error.isEmpty(), 60'000);
    QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
    QVERIFY(QFile::exists(tmp_.filePath("resnet.h5")));
    // 21 convolutions, 20 batch norms, the residual adds, pooling and the head.
    QVERIFY2(w.document()->graph().nodes().size() > 60,
             qPrintable(QString::number(w.document()->graph().nodes().size())));
    QVERIFY(w.document()->graph().find("layer1.0.conv1"));

    // One epoch, as Train > Settings would set it. The run's log names the imported weights it
    // starts from; training then moves them, under torchvision's keys.
    io::TrainingConfig one_epoch = w.document()->project().training;
    one_epoch.epochs = 1;
    w.document()->set_training_config(one_epoch);
    QSignalSpy finished(w.training(), &TrainingController::runFinished);
    w.action("train")->trigger();
    QVERIFY(testing::wait_finished(finished));
    const auto result = finished.first().first().value<train::RunResult>();
    QCOMPARE(result.state, train::RunState::Finished);
    QCOMPARE(result.epochs_done, int64_t(1));
    const QString messages = testing::messages_text(w.messages());
    QVERIFY2(messages.contains("initialized from") && messages.contains("resnet.h5"),
             qPrintable(messages));
    const io::Checkpoint imported = io::read_checkpoint(tmp_.filePath("resnet.h5").toStdString());
    const io::Checkpoint tuned = io::read_checkpoint(result.last_checkpoint);
    QCOMPARE(tuned.model.size(), imported.model.size());
    bool changed = false;
    for (size_t i = 0; i < imported.model.size(); ++i) {
      QCOMPARE(tuned.model[i].first, imported.model[i].first);  // torchvision's keys, in order
      changed = changed || !same_bytes(tuned.model[i].second, imported.model[i].second);
    }
    QVERIFY2(changed, "one epoch of training left every weight as imported");
    QVERIFY(std::isfinite(tuned.loss));
  }

  void truncatedModelIsRefused() {
    QFile in(kResnet);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QString cut = tmp_.filePath("cut.onnx");
    QFile out(cut);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(in.read(in.size() / 2));
    out.close();

    Answers a{cut, tmp_.filePath("cut.nwproj"), {}};
    MainWindow w(hooks_for(a));
    QVERIFY(w.open_project(QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj")));
    const QString before = w.document()->path();
    w.action("importOnnx")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!a.error.isEmpty(), 30'000);
    QVERIFY2(a.error.contains("cut.onnx"), qPrintable(a.error));
    QCOMPARE(w.document()->path(), before);
    QVERIFY(!QFile::exists(tmp_.filePath("cut.nwproj")));
    QVERIFY(!QFile::exists(tmp_.filePath("cut.h5")));
    QVERIFY(testing::messages_text(w.messages()).contains("Import failed"));
  }

  void runExportsAsOnnxAndPytorch() {
    const QString project =
        testing::save_blobs_project(tmp_.path(), "blobs.nwproj", "blobs", 200, 1);
    testing::train_run(project, "20260101-120000", 1);
    Answers a{{}, tmp_.filePath("blobs.onnx"), {}};
    WindowHooks hooks = hooks_for(a);
    hooks.choose_checkpoint = [](QWidget*, const QVector<CheckpointChoice>&, int pre) {
      return pre;
    };
    MainWindow w(hooks);
    QVERIFY(w.open_project(project));
    QVERIFY(w.action("exportOnnx")->isEnabled());
    w.action("exportOnnx")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(a.save) || !a.error.isEmpty(), 30'000);
    QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
    const interop::ImportedModel back = interop::import_onnx(a.save.toStdString());
    QCOMPARE(back.project.graph.nodes().size(), w.document()->graph().nodes().size());
    for (const graph::Node& n : w.document()->graph().nodes()) {
      const graph::Node* m = back.project.graph.find(n.id);
      QVERIFY2(m && m->type == n.type, n.id.c_str());
    }

    a.save = tmp_.filePath("blobs.py");
    w.action("exportPytorch")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tmp_.filePath("blobs.h5")) || !a.error.isEmpty(),
                             30'000);
    QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
    QFile py(a.save);
    QVERIFY(py.open(QIODevice::ReadOnly));
    QVERIFY(py.readAll().contains("class Net(nn.Module)"));
    QVERIFY(!io::read_checkpoint(tmp_.filePath("blobs.h5").toStdString()).model.empty());
  }
};

QTEST_MAIN(TestInteropMenus)
#include "tst_interop_menus.moc"
