// The evaluation view after a real run of the small synthetic project: the confusion matrix, a
// click into a cell listing its misclassified samples by confidence, the per-class table, the
// predictions view, and thumbnails only for image-shaped samples.
#include <QSignalSpy>
#include <QTest>

#include "evaluation/confusion_matrix_plot.h"
#include "evaluation/evaluation_widget.h"
#include "evaluation/misclassified_list.h"
#include "evaluation/predictions_widget.h"
#include "evaluation/sample_thumbnail.h"
#include "tensor/creation.h"
#include "training/training_controller.h"
#include "training_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

class TestEvaluationView : public QObject {
  Q_OBJECT

 private slots:
  void init() { qRegisterMetaType<QVector<BatchPoint>>(); }

  void evaluation_view_drills_into_cells() {
    TrainingController controller;
    EvaluationWidget view;
    view.attach(&controller);
    view.resize(900, 600);
    view.show();
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    QSignalSpy evaluated(&controller, &TrainingController::evaluationReady);
    QSignalSpy predicted(&controller, &TrainingController::predictionsReady);
    QVERIFY(controller.start(blobs_project(2000)));
    QVERIFY(wait_finished(finished));
    controller.evaluate("test");
    QVERIFY(evaluated.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(controller.state() == TrainingState::Idle, 2000);
    ConfusionMatrixPlot* matrix = view.matrix();
    QCOMPARE(matrix->classes(), 4);
    QVERIFY(view.summary_text().contains("400 samples"));
    matrix->replot();
    QSignalSpy clicked(&view, &EvaluationWidget::cellClicked);
    QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cell_center(1, 1));
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toInt(), 1);
    QCOMPARE(clicked.at(0).at(1).toInt(), 1);
    QCOMPARE(matrix->cell_text(1, 1), QString::number(matrix->count(1, 1)));
    const std::vector<int64_t> listed = view.samples()->shown_indices();
    QCOMPARE(int64_t(listed.size()), matrix->count(1, 1));

    // The drill-down's order and the top-3 view agree with the raw predictions.
    const SplitPredictions& p = predicted.at(0).at(0).value<SplitPredictions>();
    const auto cell = cell_samples(p, 1, 1);
    QVERIFY(std::is_sorted(cell.begin(), cell.end(), [](const auto& a, const auto& b) {
      return a.confidence > b.confidence;
    }));
    PredictionsWidget top;
    top.set_predictions(p);
    top.show_samples({listed.front(), 7, 100000});
    QCOMPARE(top.rowCount(), 2);  // the out-of-range index is skipped
    const auto best = p.top_k(size_t(listed.front()), 3);
    QCOMPARE(best.size(), size_t(3));
    QCOMPARE(best.front().first, int64_t(1));
    QVERIFY(best[0].second >= best[1].second && best[1].second >= best[2].second);
    QVERIFY(top.item(0, 2)->text().startsWith("1 "));
  }

  void thumbnails_only_for_images() {
    QVERIFY(sample_thumbnail(nw::zeros({8})).isNull());
    const QImage gray = sample_thumbnail(nw::rand({1, 28, 28}), 56);
    QCOMPARE(gray.size(), QSize(56, 56));
    QVERIFY(!sample_thumbnail(nw::rand({3, 16, 32}), 48).isNull());
    QVERIFY(sample_thumbnail(nw::rand({2, 16, 16})).isNull());
  }
};

QTEST_MAIN(TestEvaluationView)
#include "tst_evaluation_view.moc"
