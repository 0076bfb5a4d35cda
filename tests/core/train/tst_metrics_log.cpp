// The metrics file as the CLI writes it and the application reads it back (train/
// metrics_log.h): every field round-trips, a line still being written is held back until its
// newline, a bad line is reported with its place while the others are read, and a file that
// is replaced by a shorter one is read from its start.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "tensor/errors.h"
#include "train/metrics_log.h"

using namespace nw;

namespace {

train::BatchStats batch(int64_t n) {
  train::BatchStats b;
  b.epoch = 2;
  b.batch = n;
  b.batches = 10;
  b.samples_seen = 640 + 64 * n;
  b.loss = 0.5 / double(n);
  b.accuracy = 0.75;
  b.lr = 1e-3;
  b.samples_per_second = 1234.5;
  return b;
}

void append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::app | std::ios::binary);
  out << text;
}

}  // namespace

class TestMetricsLog : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

 private slots:
  void lines_round_trip() {
    const train::BatchStats b = batch(3);
    const train::MetricsEvent e = train::parse_metrics_line(train::batch_json(b).dump(), "x:1");
    QCOMPARE(int(e.kind), int(train::MetricsEvent::Kind::Batch));
    QCOMPARE(e.batch.epoch, 2);
    QCOMPARE(e.batch.batch, 3);
    QCOMPARE(e.batch.batches, 10);
    QCOMPARE(e.batch.samples_seen, 832);
    QCOMPARE(e.batch.loss, 0.5 / 3.0);  // JSON keeps a double's shortest exact form
    QCOMPARE(e.batch.accuracy.value_or(-1.0), 0.75);
    QCOMPARE(e.batch.lr, 1e-3);
    QCOMPARE(e.batch.samples_per_second, 1234.5);

    train::EpochStats s;
    s.epoch = 4;
    s.train_loss = 0.25;
    s.val_loss = 0.5;
    s.lr = 0.01;
    s.seconds = 2.5;
    const train::MetricsEvent ep = train::parse_metrics_line(train::epoch_json(s).dump(), "x:2");
    QCOMPARE(int(ep.kind), int(train::MetricsEvent::Kind::Epoch));
    QCOMPARE(ep.epoch.epoch, 4);
    QCOMPARE(ep.epoch.train_loss, 0.25);
    QVERIFY(!ep.epoch.train_accuracy);
    QCOMPARE(ep.epoch.val_loss.value_or(-1.0), 0.5);
    QVERIFY(!ep.epoch.val_accuracy);
    QCOMPARE(ep.epoch.seconds, 2.5);

    const train::MetricsEvent f =
        train::parse_metrics_line(train::failed_json("loss is NaN").dump(), "x:3");
    QCOMPARE(int(f.kind), int(train::MetricsEvent::Kind::Failed));
    QCOMPARE(f.reason, std::string("loss is NaN"));
    const train::MetricsEvent other =
        train::parse_metrics_line(R"({"event": "evaluation", "loss": 1})", "x:4");
    QCOMPARE(int(other.kind), int(train::MetricsEvent::Kind::Other));
  }

  void bad_lines_name_their_place() {
    try {
      train::parse_metrics_line(R"({"event": "batch", "epoch": 1})", "m.jsonl:7");
      QFAIL("a batch line without its batch number was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("m.jsonl:7: the batch line has no number 'batch'") == 0,
               e.what());
    }
    QVERIFY_THROWS_EXCEPTION(Error, train::parse_metrics_line("{\"event\": \"ba", "m.jsonl:8"));
    QVERIFY_THROWS_EXCEPTION(Error, train::parse_metrics_line("[1, 2]", "m.jsonl:9"));
  }

  void tail_holds_back_a_partial_line() {
    const std::filesystem::path file = tmp_.filePath("partial.jsonl").toStdString();
    train::MetricsTail tail(file);
    QVERIFY(tail.read_new().events.empty());  // not there yet
    const std::string first = train::batch_json(batch(1)).dump() + "\n";
    const std::string second = train::batch_json(batch(2)).dump() + "\n";
    append(file, first + second.substr(0, 20));
    train::MetricsTail::Read r = tail.read_new();
    QCOMPARE(r.events.size(), size_t(1));
    QCOMPARE(r.events[0].batch.batch, 1);
    QVERIFY(r.problems.empty());
    QVERIFY(tail.read_new().events.empty());  // nothing new
    append(file, second.substr(20));
    r = tail.read_new();
    QCOMPARE(r.events.size(), size_t(1));
    QCOMPARE(r.events[0].batch.batch, 2);
    QCOMPARE(r.events[0].batch.loss, 0.25);
  }

  void tail_reports_a_bad_line_and_reads_on() {
    const std::filesystem::path file = tmp_.filePath("bad.jsonl").toStdString();
    append(file, train::batch_json(batch(1)).dump() + "\nnot json\n\n" +
                     train::batch_json(batch(2)).dump() + "\n");
    train::MetricsTail tail(file);
    const train::MetricsTail::Read r = tail.read_new();
    QCOMPARE(r.events.size(), size_t(2));
    QCOMPARE(r.events[1].batch.batch, 2);
    QCOMPARE(r.problems.size(), size_t(1));
    QVERIFY2(r.problems[0].find(file.string() + ":2: not a metrics line") == 0,
             r.problems[0].c_str());
  }

  void tail_restarts_on_a_shorter_file() {
    const std::filesystem::path file = tmp_.filePath("replaced.jsonl").toStdString();
    append(file,
           train::batch_json(batch(1)).dump() + "\n" + train::batch_json(batch(2)).dump() + "\n");
    train::MetricsTail tail(file);
    QCOMPARE(tail.read_new().events.size(), size_t(2));
    std::filesystem::remove(file);
    append(file, train::batch_json(batch(7)).dump() + "\n");
    const train::MetricsTail::Read r = tail.read_new();
    QCOMPARE(r.events.size(), size_t(1));
    QCOMPARE(r.events[0].batch.batch, 7);
  }
};

QTEST_APPLESS_MAIN(TestMetricsLog)
#include "tst_metrics_log.moc"
