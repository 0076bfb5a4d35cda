// Evaluating a saved network without training it: the controller builds the project's network,
// loads a checkpoint's weights exactly, and gives the same evaluation as the run that wrote it.
// A checkpoint of another network is refused with the names that do not fit, and nothing changes.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "io/checkpoint.h"
#include "train/trainer.h"
#include "training/training_controller.h"
#include "training_fixtures.h"

using namespace nw;
using namespace nw::gui;
using namespace nw::gui::testing;

namespace {

bool wait_signal(QSignalSpy& spy, int count = 1) {
  QElapsedTimer t;
  t.start();
  while (spy.count() < count && t.elapsed() < kRunTimeoutMs) spy.wait(500);
  return spy.count() >= count;
}

// Every message the controller sent, one per line, for failure output and searches.
QString messages_text(const QSignalSpy& messages) {
  QStringList lines;
  for (const auto& m : messages) lines << m.at(1).toString();
  return lines.join('\n');
}

}  // namespace

class TestEvaluateCheckpoint : public QObject {
  Q_OBJECT

 private slots:
  void init() { qRegisterMetaType<QVector<BatchPoint>>(); }

  void same_evaluation_as_the_run_that_wrote_it() {
    QTemporaryDir tmp;
    const io::Project project = blobs_project(2000, 1);
    const QString path = tmp.filePath("trained.h5");
    train::EvalResult trained;
    {
      TrainingController run;
      QSignalSpy finished(&run, &TrainingController::runFinished);
      QSignalSpy evaluated(&run, &TrainingController::evaluationReady);
      QSignalSpy written(&run, &TrainingController::checkpointWritten);
      QVERIFY(run.start(project));
      QVERIFY(wait_finished(finished));
      run.evaluate("test");
      QVERIFY(wait_signal(evaluated));
      trained = evaluated.at(0).at(0).value<train::EvalResult>();
      run.export_checkpoint(path);
      QVERIFY(wait_signal(written));
    }
    QVERIFY(trained.accuracy > 0.5);  // it learned something worth comparing

    TrainingController fresh;
    QSignalSpy evaluated(&fresh, &TrainingController::evaluationReady);
    QSignalSpy predicted(&fresh, &TrainingController::predictionsReady);
    QSignalSpy messages(&fresh, &TrainingController::message);
    QVERIFY(fresh.evaluate_checkpoint(project, path));
    QVERIFY2(wait_signal(evaluated), qPrintable(messages_text(messages)));
    const auto got = evaluated.at(0).at(0).value<train::EvalResult>();
    QCOMPARE(got.split, std::string("test"));
    QCOMPARE(got.samples, trained.samples);
    QCOMPARE(got.accuracy, trained.accuracy);
    QCOMPARE(got.confusion, trained.confusion);
    QVERIFY(std::abs(got.loss - trained.loss) <= 1e-12 * std::abs(trained.loss));
    QCOMPARE(predicted.count(), 1);
    QTRY_COMPARE(fresh.state(), TrainingState::Idle);  // the phase signal follows the result
    QVERIFY(messages_text(messages).contains("loaded the weights of"));

    // The loaded network is the one Evaluate and Export act on from now on.
    QSignalSpy written(&fresh, &TrainingController::checkpointWritten);
    const QString again = tmp.filePath("again.h5");
    fresh.export_checkpoint(again);
    QVERIFY(wait_signal(written));
    const io::Checkpoint a = io::read_checkpoint(path.toStdString());
    const io::Checkpoint b = io::read_checkpoint(again.toStdString());
    QCOMPARE(b.model.size(), a.model.size());
    for (size_t i = 0; i < a.model.size(); ++i) {
      QCOMPARE(b.model[i].first, a.model[i].first);
      QVERIFY2(b.model[i].second.equal(a.model[i].second), a.model[i].first.c_str());
    }
  }

  void checkpoint_of_another_network_is_refused_by_name() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("trained.h5");
    {
      TrainingController run;
      QSignalSpy finished(&run, &TrainingController::runFinished);
      QSignalSpy written(&run, &TrainingController::checkpointWritten);
      QVERIFY(run.start(blobs_project(500, 1)));
      QVERIFY(wait_finished(finished));
      run.export_checkpoint(path);
      QVERIFY(wait_signal(written));
    }
    io::Project wider = blobs_project(500, 1);
    wider.graph.set_param("fc1", "out_features", 16);
    TrainingController fresh;
    QSignalSpy evaluated(&fresh, &TrainingController::evaluationReady);
    QSignalSpy messages(&fresh, &TrainingController::message);
    QVERIFY(fresh.evaluate_checkpoint(wider, path));
    QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 10000);
    QTest::qWait(100);  // an evaluation, wrongly made, would have arrived by now
    QCOMPARE(evaluated.count(), 0);
    const QString text = messages_text(messages);
    QVERIFY2(text.contains("cannot evaluate") && text.contains("fc1.weight"), qPrintable(text));
    QCOMPARE(messages.last().at(0).value<train::MessageLevel>(), train::MessageLevel::Error);

    // Nothing was loaded: Evaluate still has no network.
    fresh.evaluate("test");
    QTRY_VERIFY_WITH_TIMEOUT(messages_text(messages).contains("start a run first"), 10000);

    // A missing file says which.
    QVERIFY(fresh.evaluate_checkpoint(wider, tmp.filePath("missing.h5")));
    QTRY_VERIFY_WITH_TIMEOUT(messages_text(messages).contains("missing.h5"), 10000);
    QCOMPARE(evaluated.count(), 0);
  }

  void refused_while_a_run_is_going() {
    QTemporaryDir tmp;
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::runFinished);
    QSignalSpy messages(&controller, &TrainingController::message);
    QVERIFY(controller.start(blobs_project(300000, 1)));
    QVERIFY(!controller.evaluate_checkpoint(blobs_project(300000, 1), tmp.filePath("x.h5")));
    QVERIFY(messages_text(messages).contains("stop it before evaluating a checkpoint"));
    controller.stop();
    QVERIFY(wait_finished(finished));
  }
};

QTEST_MAIN(TestEvaluateCheckpoint)
#include "tst_evaluate_checkpoint.moc"
