// The runs a project has on disk (train/run_index.h): the trainer's file names read back, runs
// listed newest first with their checkpoints, the history and the best epoch read from the
// checkpoints the trainer wrote, export names and the atomic copy.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <iterator>

#include "io/checkpoint.h"
#include "train/run_files.h"
#include "train/run_index.h"
#include "train/session.h"

using namespace nw;
using train::RunCheckpoint;

namespace {

io::Project project(const std::string& dir) {
  const std::string text = R"({
    "netwright": 1, "name": "blobs",
    "graph": {
      "nodes": [
        {"id": "input", "type": "Input", "params": {"shape": [8]}},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 16}},
        {"id": "relu", "type": "ReLU"},
        {"id": "fc2", "type": "Linear", "params": {"out_features": 4}}
      ],
      "edges": [["input", "fc1"], ["fc1", "relu"], ["relu", "fc2"]]
    },
    "data": {
      "train": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": 256, "seed": 1},
      "test": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": 64, "seed": 1},
      "validation_fraction": 0.25
    },
    "training": {
      "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam", "lr": 0.05},
      "batch_size": 32, "epochs": 2, "seed": 0, "shuffle": true, "device": "cpu"
    }})";
  return io::parse_project(text, dir + "/");
}

std::string bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

class TestRunIndex : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  std::map<std::string, std::vector<double>> history_b_;  // the second run's, as trained

  std::string dir() const { return tmp_.path().toStdString(); }

  // Trains the project for `epochs` into runs/blobs/<stamp>.
  std::map<std::string, std::vector<double>> train(const std::string& stamp, int64_t epochs) {
    const io::Project p = project(dir());
    train::SessionOptions o;
    o.out_dir = train::runs_folder(p) / stamp;
    o.epochs = epochs;
    auto s = train::open_session(p, o, [](train::MessageLevel, const std::string&) {});
    if (s->trainer->run().state != train::RunState::Finished) qFatal("the run failed");
    return s->trainer->history();
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    train("20260101-120000", 2);
    history_b_ = train("20260102-090000", 4);
    // Neither a folder without checkpoints (a run that failed at once) nor a stray file is a run.
    std::filesystem::create_directories(train::runs_folder(project(dir())) / "20260103-000000");
    std::ofstream(train::runs_folder(project(dir())) / "notes.txt") << "x";
  }

  void file_names_read_back_as_the_trainer_writes_them_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("label");  // empty: not a checkpoint
    QTest::newRow("best") << "best.h5"
                          << "best";
    QTest::newRow("epoch") << "epoch_0003.h5"
                           << "epoch 3";
    QTest::newRow("mid-epoch") << "epoch_0003_batch_00120.h5"
                               << "epoch 3, batch 120";
    QTest::newRow("temporary") << ".best.h5.1234.tmp"
                               << "";
    QTest::newRow("epoch 0") << "epoch_0000.h5"
                             << "";
    QTest::newRow("not a number") << "epoch_00x1.h5"
                                  << "";
    QTest::newRow("other") << "model.h5"
                           << "";
  }
  void file_names_read_back_as_the_trainer_writes_them() {
    QFETCH(QString, name);
    QFETCH(QString, label);
    const auto c = train::parse_run_checkpoint("/r/" + name.toStdString());
    QCOMPARE(c.has_value(), !label.isEmpty());
    if (c) QCOMPARE(QString::fromStdString(c->label()), label);
    // What RunFiles writes parses back to the same epoch and batch.
    const train::RunFiles files("/r", 0);
    const auto written = train::parse_run_checkpoint(files.numbered(7, 42));
    QVERIFY(written && written->kind == RunCheckpoint::Kind::MidEpoch);
    QCOMPARE(written->epoch, int64_t(7));
    QCOMPARE(written->batch, int64_t(42));
  }

  void runs_are_listed_newest_first_with_their_checkpoints() {
    const auto runs = train::list_runs(project(dir()));
    QCOMPARE(runs.size(), size_t(2));
    QCOMPARE(runs[0].name, std::string("20260102-090000"));
    QCOMPARE(runs[1].name, std::string("20260101-120000"));
    std::tm tm{};
    tm.tm_year = 2026 - 1900, tm.tm_mon = 0, tm.tm_mday = 2, tm.tm_hour = 9, tm.tm_isdst = -1;
    QCOMPARE(runs[0].started, std::mktime(&tm));
    // best.h5 first, then the numbered ones newest first; keep_last (3) removed epoch 1.
    QStringList labels;
    for (const auto& c : runs[0].checkpoints) labels << QString::fromStdString(c.label());
    QCOMPARE(labels, QStringList({"best", "epoch 4", "epoch 3", "epoch 2"}));
    QVERIFY(runs[0].best() && runs[0].best()->path == runs[0].dir / "best.h5");
    QVERIFY(runs[0].last() && runs[0].last()->epoch == 4);
    QCOMPARE(runs[1].last()->epoch, int64_t(2));
    QVERIFY(train::list_runs(std::filesystem::path(dir()) / "nowhere").empty());
  }

  void history_and_best_epoch_come_from_the_checkpoints() {
    const auto runs = train::list_runs(project(dir()));
    const auto history = train::read_run_history(runs[0]);
    QCOMPARE(history.at("train_loss"), history_b_.at("train_loss"));
    QCOMPARE(history.at("val_accuracy"), history_b_.at("val_accuracy"));

    // best.h5 is the epoch of the lowest validation loss (the default monitor), and headlines
    // that epoch's validation accuracy as the dashboard does.
    const auto& val_loss = history_b_.at("val_loss");
    const auto lowest = std::min_element(val_loss.begin(), val_loss.end()) - val_loss.begin();
    const train::CheckpointInfo info = train::read_checkpoint_info(runs[0].best()->path);
    QCOMPARE(info.epoch, int64_t(lowest + 1));
    QCOMPARE(info.metric, std::string("val_accuracy"));
    QCOMPARE(info.value, history_b_.at("val_accuracy")[size_t(lowest)]);
    char expected[64];
    std::snprintf(expected, sizeof expected, "epoch %d, val accuracy %.2f%%", int(lowest + 1),
                  100.0 * info.value);
    QCOMPARE(info.describe(), std::string(expected));
    QVERIFY_THROWS_EXCEPTION(io::CheckpointError,
                             train::read_checkpoint_info(tmp_.filePath("none.h5").toStdString()));
  }

  void describe_names_a_mid_epoch_stop_and_a_loss() {
    train::CheckpointInfo info;
    info.epoch = 2;
    info.batch = 17;
    info.metric = "train_loss";
    info.value = 0.123456;
    QCOMPARE(info.describe(), std::string("epoch 3, batch 17, train loss 0.1235"));
  }

  void export_names_and_the_atomic_copy() {
    const auto runs = train::list_runs(project(dir()));
    QCOMPARE(train::export_file_name("fashion-mnist-mlp", runs[0], *runs[0].best(), true),
             std::string("fashion-mnist-mlp-best.h5"));
    QCOMPARE(train::export_file_name("mlp", runs[1], *runs[1].last(), false),
             std::string("mlp-20260101-120000-epoch2.h5"));

    const std::filesystem::path to = dir() + "/exported.h5";
    std::ofstream(to) << "old";
    train::copy_checkpoint(runs[0].best()->path, to);
    QCOMPARE(bytes(to), bytes(runs[0].best()->path));
    QVERIFY(bytes(to).size() > 1000);
    try {
      train::copy_checkpoint(runs[0].best()->path, dir() + "/no/such/folder/x.h5");
      QFAIL("copied into a missing folder");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("no/such/folder/x.h5") != std::string::npos, e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestRunIndex)
#include "tst_run_index.moc"
