// Layer health in the application (issue 21): a run's samples fill the Layer Health dock's table
// and histograms and the editor nodes' sparklines, a followed run's metrics file does the same,
// and the trainer's health warnings reach the Messages dock.
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_scene.h"
#include "editor/node_item.h"
#include "train/health_warnings.h"
#include "train/metrics_log.h"
#include "training/cluster_run.h"
#include "training/health_history.h"
#include "training/layer_health_panel.h"
#include "training/training_controller.h"
#include "training_fixtures.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

// Trains `project` in `window` with health every `every` batches; false when it did not end.
bool train_run(MainWindow& window, const io::Project& project, int64_t every) {
  window.document()->reset(project);
  QSignalSpy finished(window.training(), &TrainingController::runFinished);
  TrainingOptions o;
  o.health_every = every;
  if (!window.training()->start(window.document()->project(), o)) return false;
  return wait_finished(finished);
}

}  // namespace

class TestLayerHealthGui : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
  }

  void a_run_fills_the_dock_and_the_sparklines() {
    MainWindow window(quiet_hooks());
    // 1800 training samples (10% go to validation): 57 batches, sampled at 1, 6, ..., 56.
    QVERIFY(train_run(window, blobs_project(2000, 1), 5));
    HealthHistory* history = window.health_history();
    QCOMPARE(history->layers(), (QStringList{"fc1", "fc2"}));
    QCOMPARE(int(history->points("fc1").size()), 12);
    QCOMPARE(history->latest().step, int64_t(56));

    LayerHealthPanel* panel = window.layer_health();
    QTableWidget* table = panel->table();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, LayerHealthPanel::Layer)->text(), QStringLiteral("fc1"));
    // fc1 feeds the ReLU: zeros and dead units; fc2 feeds nothing ReLU-like.
    QVERIFY(table->item(0, LayerHealthPanel::Zeros)->text() != "-");
    QCOMPARE(table->item(1, LayerHealthPanel::Zeros)->text(), QStringLiteral("-"));
    bool ok = false;
    const double norm = table->item(1, LayerHealthPanel::GradNorm)->text().toDouble(&ok);
    QVERIFY(ok && norm > 0);
    QCOMPARE(norm,
             QString::fromStdString(train::health_number(*history->latest().layers[1].grad_norm))
                 .toDouble());

    // The selected layer's histograms over time: one column per sample; its norms on the right.
    panel->select_layer("fc2");
    QCOMPARE(panel->selected_layer(), QStringLiteral("fc2"));
    auto* map = qobject_cast<QCPColorMap*>(panel->histogram_plot()->plottable(0));
    QVERIFY(map);
    QCOMPARE(map->data()->keySize(), 12);
    double column = 0;  // each column holds the shares of one histogram: they add up to 1
    for (int y = 0; y < map->data()->valueSize(); ++y) column += map->data()->cell(5, y);
    QVERIFY2(std::abs(column - 1.0) < 1e-9, qPrintable(QString::number(column)));
    QCOMPARE(panel->grad_plot()->graph(0)->dataCount(), 12);

    // The nodes: the layer's gradient norms, one point per sample; the ReLU has none.
    GraphScene* scene = window.editor()->scene();
    QCOMPARE(scene->node_item("fc1")->sparkline().size(), 12);
    QCOMPARE(scene->node_item("fc1")->sparkline(),
             history->series("fc1", HealthHistory::Metric::GradNorm));
    QVERIFY(scene->node_item("relu")->sparkline().isEmpty());

    // View > Panels shows the dock.
    auto* dock = window.findChild<QDockWidget*>("layerHealthDock");
    QVERIFY(dock);
    QCOMPARE(dock->windowTitle(), QStringLiteral("Layer Health"));
    bool listed = false;
    for (QMenu* m : window.findChildren<QMenu*>())
      if (m->actions().contains(dock->toggleViewAction())) listed = true;
    QVERIFY(listed);

    // A new run starts with an empty history.
    QVERIFY(train_run(window, blobs_project(300, 1), 0));
    QVERIFY(history->empty());
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(scene->node_item("fc1")->sparkline().isEmpty());
  }

  void warnings_go_to_the_messages_dock() {
    MainWindow window(quiet_hooks());
    // Adam at a learning rate of 10^4: after the first step the layers' outputs are in the
    // tens of thousands, and their gradients explode (or the ReLU dies).
    io::Project p = blobs_project(600, 1);
    p.training.optimizer["lr"] = 1e4;
    QVERIFY(train_run(window, p, 1));
    const QString log = messages_text(window.messages());
    QVERIFY2(log.contains("layer 'fc") &&
                 (log.contains("gradients explode") || log.contains("are dead")),
             qPrintable(log));
  }

  void a_followed_run_fills_the_dock() {
    MainWindow window(strict_hooks());
    window.document()->reset(blobs_project(400, 1));
    train::HealthSample h;
    h.epoch = 1;
    h.batch = 1;
    h.step = 1;
    train::LayerHealthStats l;
    l.layer = "fc1";
    l.type = "Linear";
    l.grad_norm = 0.25;
    l.update_ratio = 0.5;  // out of range: the cell is coloured
    l.histogram = {1, 2, 3};
    l.hist_hi = 1.0;
    h.layers = {l};
    const QString metrics = tmp_.filePath("followed.jsonl");
    QFile f(metrics);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write((train::health_json(h).dump() + "\n").c_str());
    h.step = 2;
    h.batch = 2;
    h.layers[0].grad_norm = 0.5;
    f.write((train::health_json(h).dump() + "\n").c_str());
    f.close();
    QVERIFY(window.cluster_run()->follow(metrics, "blobs", 1));
    QTRY_COMPARE_WITH_TIMEOUT(int(window.health_history()->points("fc1").size()), 2, 30000);
    QCOMPARE(window.editor()->scene()->node_item("fc1")->sparkline(), (QVector<double>{0.25, 0.5}));
    QTableWidgetItem* ratio =
        window.layer_health()->table()->item(0, LayerHealthPanel::UpdateRatio);
    QCOMPARE(ratio->text(), QStringLiteral("0.5"));
    QVERIFY(!ratio->toolTip().isEmpty());
    window.cluster_run()->stop();
  }
};

QTEST_MAIN(TestLayerHealthGui)
#include "tst_layer_health_dock.moc"
