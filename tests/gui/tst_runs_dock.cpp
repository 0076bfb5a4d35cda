// Issue 21, check 3 (the GUI part): Train > Sweep... on the MLP project (the first 2000 samples of
// each split) runs a four-trial grid (two learning rates x two batch sizes, two epochs, successive
// halving after the first with eta 2) on the training thread; the Runs dock lists the four runs
// with a column per swept setting and two of them halted by halving; a new window that opens the
// project again lists the same runs, settings and states from run.json. Also: the dialog offers
// the registry's numeric layer parameters, refuses a bad value naming the setting, saves the sweep
// file the CLI reads; two runs diff to their differing settings; checked runs overlay in the
// plots; the parallel-coordinates plot puts the learning rate on a log axis.
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

#include "app/main_window.h"
#include "experiments/experiments.h"
#include "experiments/parallel_coordinates.h"
#include "experiments/project_diff_dialog.h"
#include "experiments/runs_dock.h"
#include "experiments/runs_model.h"
#include "experiments/sweep_dialog.h"
#include "experiments/sweep_job.h"
#include "io/project.h"
#include "train/sweep_spec.h"
#include "training/training_dashboard.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

const std::string kLr = "training.optimizer.lr";
const std::string kBatch = "training.batch_size";

// What a reader of the dock sees of one run.
struct Listed {
  QString name, state;
  nlohmann::json lr, batch;
  int64_t epochs = 0;
  bool halted = false;
  bool operator==(const Listed&) const = default;
};

std::vector<Listed> listed(const RunsModel* model) {
  std::vector<Listed> out;
  for (const RunRow& r : model->rows()) {
    const auto lr = r.settings.find(kLr), batch = r.settings.find(kBatch);
    out.push_back({r.name, r.state, lr == r.settings.end() ? nullptr : lr->second,
                   batch == r.settings.end() ? nullptr : batch->second, r.epochs, r.halted});
  }
  return out;
}

WindowHooks sweep_hooks() {
  WindowHooks h = strict_hooks();
  h.sample_limit = 2000;  // the CLI's --limit 2000
  return h;
}

// The dialog as a user fills it for the check's sweep.
void fill_four_trial_sweep(SweepDialog* d) {
  QVERIFY(d->choose(kLr, QStringLiteral("0.0003, 0.03"), /*log=*/true));
  QVERIFY(d->choose(kBatch, QStringLiteral("32, 128")));
  d->method()->setCurrentIndex(d->method()->findData("grid"));
  d->trials()->setValue(0);  // every combination
  d->max_epochs()->setValue(2);
  d->halving()->setChecked(true);
  d->min_epochs()->setValue(1);
  d->eta()->setValue(2);
  d->parallel()->setValue(1);
}

}  // namespace

class TestRunsDock : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString project_;  // a copy of the bundled MLP, so its runs/ folder is the test's

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
    project_ = tmp_.filePath("mlp.nwproj");
    QVERIFY(QFile::copy(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj", project_));
  }

  void the_dialog_offers_the_registry_settings_and_checks_values() {
    MainWindow w(sweep_hooks());
    QVERIFY(w.open_project(project_));
    w.action("sweep")->trigger();
    SweepDialog* d = w.experiments()->sweep_dialog();
    QVERIFY(d);
    // From the optimizer's catalog entry and the layer registry, not a list of its own.
    QStringList paths;
    for (const auto& s : d->settings()) paths << QString::fromStdString(s.path);
    for (const char* p :
         {"training.optimizer.type", "training.optimizer.lr", "training.optimizer.weight_decay",
          "training.batch_size", "graph.fc1.out_features", "graph.fc2.out_features"})
      QVERIFY2(paths.contains(p), p);
    for (const auto& s : d->settings()) {
      if (s.path == "graph.fc1.out_features") QCOMPARE(s.current.get<int64_t>(), int64_t(512));
      if (s.path == "training.optimizer.lr") QVERIFY(s.log_scale);
      if (s.path == "training.batch_size") QVERIFY(!s.log_scale && s.kind.integer);
    }
    // A batch size of 0 is refused before anything runs, naming the setting.
    QVERIFY(d->choose(kBatch, QStringLiteral("0, 32")));
    QString why;
    QVERIFY(!d->spec(&why));
    QVERIFY2(why.contains("batch_size"), qPrintable(why));
    QVERIFY(d->problem()->isVisibleTo(d));
    // A range is a random search's: the grid refuses it, saying so.
    QVERIFY(d->choose(kBatch, QStringLiteral("32")));
    QVERIFY(d->choose(kLr, QStringLiteral("1e-4 .. 1e-1"), true));
    QVERIFY(!d->spec(&why));
    d->method()->setCurrentIndex(d->method()->findData("random"));
    d->trials()->setValue(3);
    const auto random = d->spec(&why);
    QVERIFY2(random, qPrintable(why));
    QCOMPARE(random->parameters.size(), size_t(2));
    const auto lr = std::find_if(random->parameters.begin(), random->parameters.end(),
                                 [](const train::SweepParameter& p) { return p.path == kLr; });
    QVERIFY(lr != random->parameters.end());
    QVERIFY(lr->range && lr->range->log);
    QCOMPARE(lr->range->min, 1e-4);
    QCOMPARE(lr->range->max, 1e-1);
    // Save Sweep... writes what `netwright-cli sweep` reads back as the same sweep.
    fill_four_trial_sweep(d);
    const QString file = tmp_.filePath("four.sweep.json");
    QVERIFY(d->save_to(file));
    const train::SweepSpec spec = *d->spec();
    const train::SweepSpec read = train::load_sweep(file.toStdString());
    QCOMPARE(train::to_json(read), train::to_json(spec));
    QCOMPARE(read.parameters.size(), size_t(2));
    for (const auto& p : read.parameters) QCOMPARE(p.values.size(), size_t(2));
    QCOMPARE(read.halving->eta, int64_t(2));
    d->reject();
  }

  void a_sweep_lists_its_runs_with_halted_ones_and_reopens_the_same() {
    std::vector<Listed> before;
    {
      MainWindow w(sweep_hooks());
      QVERIFY(w.open_project(project_));
      Experiments* e = w.experiments();
      QCOMPARE(e->runs_dock()->model()->rowCount(), 0);
      w.action("sweep")->trigger();
      SweepDialog* d = e->sweep_dialog();
      QVERIFY(d);
      fill_four_trial_sweep(d);
      QSignalSpy finished(e, &Experiments::sweepFinished);
      int legs = 0;
      connect(e->sweep_job(), &SweepJob::trialEnded, this, [&legs] { ++legs; });
      d->run_button()->click();
      QVERIFY(e->sweep_job()->active());
      QCOMPARE(e->sweep_job()->planned(), 4);
      QVERIFY(!w.action("train")->isEnabled());  // no run beside the sweep
      QVERIFY(!w.action("sweep")->isEnabled());
      QVERIFY(e->dock()->isVisibleTo(&w));  // brought forward
      QVERIFY(finished.wait(180000));
      QVERIFY(w.action("train")->isEnabled());
      // Four legs to the first rung, two to the second.
      QCOMPARE(legs, 6);
      const auto& result = e->sweep_job()->result();
      QVERIFY(result);
      QCOMPARE(result->trials.size(), size_t(4));
      QVERIFY(!result->stopped);

      RunsDock* dock = e->runs_dock();
      RunsModel* model = dock->model();
      QCOMPARE(model->rowCount(), 4);
      // A column per swept setting, titled by the setting's name.
      const int lr_col = model->setting_column(kLr), batch_col = model->setting_column(kBatch);
      QVERIFY(lr_col >= RunsModel::kFixedColumns && batch_col >= RunsModel::kFixedColumns);
      QCOMPARE(model->headerData(lr_col, Qt::Horizontal, Qt::DisplayRole).toString(),
               QStringLiteral("lr"));
      QCOMPARE(model->headerData(batch_col, Qt::Horizontal, Qt::DisplayRole).toString(),
               QStringLiteral("batch_size"));
      before = listed(model);
      int halted = 0, finished_runs = 0;
      std::set<std::pair<double, int64_t>> combos;
      for (const Listed& l : before) {
        QVERIFY2(l.name.endsWith(QStringLiteral("-t01")) || l.name.endsWith("-t02") ||
                     l.name.endsWith("-t03") || l.name.endsWith("-t04"),
                 qPrintable(l.name));
        combos.insert({l.lr.get<double>(), l.batch.get<int64_t>()});
        if (l.halted) {
          ++halted;
          QCOMPARE(l.epochs, int64_t(1));  // stopped at the first rung
          QVERIFY2(l.state.startsWith("halted"), qPrintable(l.state));
        } else {
          ++finished_runs;
          QCOMPARE(l.epochs, int64_t(2));
          QCOMPARE(l.state, QStringLiteral("finished"));
        }
      }
      QCOMPARE(combos.size(), size_t(4));  // every combination of the grid
      QCOMPARE(halted, 2);                 // 4 trials, eta 2: two go on
      QCOMPARE(finished_runs, 2);
      // Each row's figures are the run's own: val loss set and finite for all four.
      for (const RunRow& r : model->rows()) QVERIFY(r.val_loss && std::isfinite(*r.val_loss));

      // The parallel coordinates: lr (log: 0.0003 to 0.03), batch_size, val loss; halted faded.
      ParallelCoordinates* plot = dock->plot();
      QCOMPARE(int(plot->axes().size()), 3);
      const size_t lr_axis = plot->axes()[0].name == "lr" ? 0 : 1;
      QCOMPARE(plot->axes()[lr_axis].name, QStringLiteral("lr"));
      QCOMPARE(plot->axes()[1 - lr_axis].name, QStringLiteral("batch_size"));
      QCOMPARE(plot->axes()[2].name, QStringLiteral("val loss"));
      QVERIFY(plot->axes()[lr_axis].log);
      QVERIFY(!plot->axes()[1 - lr_axis].log);
      QCOMPARE(int(plot->lines().size()), 4);
      QVERIFY(std::abs(*plot->position(lr_axis, 0.003) - 0.5) < 1e-9);  // a decade of two
      QVERIFY(std::abs(*plot->position(1 - lr_axis, 128.0) - 1.0) < 1e-9);
      int faded = 0;
      for (const ParallelLine& l : plot->lines()) faded += l.faded;
      QCOMPARE(faded, 2);

      // Sorting by lr puts 0.0003 first, by the number.
      QTableView* table = dock->table();
      table->sortByColumn(lr_col, Qt::AscendingOrder);
      QCOMPARE(table->model()->index(0, lr_col).data().toString(), QStringLiteral("0.0003"));
      QCOMPARE(table->model()->index(3, lr_col).data().toString(), QStringLiteral("0.03"));

      // Two checked runs go on the plots, each in its own colour.
      model->set_checked({before[0].name, before[1].name});
      const auto& shown = w.dashboard()->runs();
      QCOMPARE(int(shown.size()), 2);
      QVERIFY(shown[0]->color.isValid() && shown[1]->color.isValid());
      QVERIFY(shown[0]->color != shown[1]->color);
      QVERIFY(!shown[0]->epochs.empty());

      // Diff Projects: the two runs of lr 0.0003 differ in the batch size alone.
      QStringList pair;
      for (const Listed& l : before)
        if (l.lr.get<double>() == 0.0003) pair << l.name;
      QCOMPARE(pair.size(), 2);
      dock->select_runs(pair);
      auto* diff = dock->findChild<QPushButton*>("diffRuns");
      QVERIFY(diff->isEnabled());
      diff->click();
      auto* dialog = w.findChild<ProjectDiffDialog*>();
      QVERIFY(dialog);
      QStringList changed;
      for (int r = 0; r < dialog->table()->rowCount(); ++r)
        changed << dialog->table()->item(r, 0)->text();
      QVERIFY2(changed.contains("training.batch_size"), qPrintable(changed.join(", ")));
      QVERIFY2(!changed.contains("training.optimizer.lr"), qPrintable(changed.join(", ")));
      dialog->close();
    }
    // Closed and opened again in a new window: the same runs, settings and states.
    MainWindow again(sweep_hooks());
    QVERIFY(again.open_project(project_));
    const std::vector<Listed> after = listed(again.experiments()->runs_dock()->model());
    QCOMPARE(after.size(), before.size());
    QVERIFY(after == before);
    QCOMPARE(again.experiments()->runs_dock()->model()->setting_columns(),
             (std::vector<std::string>{kBatch, kLr}));
  }
};

QTEST_MAIN(TestRunsDock)
#include "tst_runs_dock.moc"
