// File > Import > Weights... takes a PyTorch state_dict as it takes a checkpoint (issue 16): the
// next run of the application's own Train action starts from its tensors, which the run's first
// checkpoint shows bit for bit; a .pt whose pickle names os.system is refused in an error naming
// the global.
#include <QComboBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "io/checkpoint.h"
#include "io/torch_weights.h"
#include "training/training_controller.h"
#include "training_fixtures.h"
#include "window_fixtures.h"

using namespace nw::gui;

namespace {

// Written by PyTorch 2.15 (tests/interop/torch_weights/make_pt_fixtures.py).
const QString kWeights =
    QStringLiteral(NW_SOURCE_DIR "/tests/interop/torch_weights/fixtures/binary-classifier.pt");

// The bundled binary classifier with one epoch and no learning, so the weights the run starts
// from are the weights it saves.
QString copy_project(const QTemporaryDir& dir) {
  std::ifstream in(NW_SOURCE_DIR "/projects/binary-classifier.nwproj");
  nlohmann::json j = nlohmann::json::parse(in);
  j["training"]["epochs"] = 1;
  j["training"]["optimizer"]["lr"] = 0.0;
  const QString to = dir.filePath("binary-classifier.nwproj");
  std::ofstream(to.toStdString()) << j.dump(2);
  return to;
}

nw::io::Checkpoint train_once(MainWindow& w) {
  QSignalSpy finished(w.training(), &TrainingController::runFinished);
  w.action("train")->trigger();
  if (!testing::wait_finished(finished)) return {};
  const auto result = finished.first().first().value<nw::train::RunResult>();
  if (result.last_checkpoint.empty()) return {};
  return nw::io::read_checkpoint(result.last_checkpoint);
}

bool same_bytes(const nw::Tensor& a, const nw::Tensor& b) {
  if (a.dtype() != b.dtype() || a.sizes() != b.sizes()) return false;
  const nw::Tensor ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.raw_data(), cb.raw_data(), size_t(ca.numel()) * ca.element_size()) == 0;
}

}  // namespace

class TestImportTorchWeights : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void importWeightsTakesAPtFile() {
    QString chosen = kWeights, error;
    WindowHooks hooks = testing::quiet_hooks();
    hooks.sample_limit = 64;
    hooks.files.open = [&](QWidget*, const QString&, const QString&, const QString& filter) {
      return filter.contains("*.pt") ? chosen : QString();
    };
    hooks.questions.error = [&](QWidget*, const QString&, const QString& text) { error = text; };
    MainWindow w(hooks);
    QVERIFY(w.open_project(copy_project(tmp_)));
    auto* device = w.findChild<QComboBox*>("deviceCombo");
    QVERIFY(device);
    device->setCurrentIndex(device->findData("cpu"));

    w.action("importWeights")->trigger();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const nw::io::Checkpoint ran = train_once(w);
    QVERIFY(!ran.model.empty());
    const nw::nn::StateDict pt = nw::io::read_torch_weights(kWeights.toStdString());
    QCOMPARE(ran.model.size(), pt.size());
    for (size_t i = 0; i < pt.size(); ++i)
      QVERIFY2(same_bytes(ran.model[i].second, pt[i].second), pt[i].first.c_str());
    const QString messages = testing::messages_text(w.messages());
    QVERIFY2(messages.contains("initialized from " + kWeights + ": loaded 4 tensors"),
             qPrintable(messages));

    // A pickle that would run os.system is refused by name when it is chosen, not at Train.
    chosen = QStringLiteral(NW_SOURCE_DIR "/tests/corpus/pt/evil-global.pt");
    w.action("importWeights")->trigger();
    QVERIFY2(error.contains("refuses global os.system"), qPrintable(error));
  }
};

QTEST_MAIN(TestImportTorchWeights)
#include "tst_import_torch_weights.moc"
