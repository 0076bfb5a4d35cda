// The trainer's metric read schedule (train/device_metrics.h): batch figures stay on the device
// and come back every N batches and at the epoch's end, in one copy; a NaN is found at the read
// and named by the batch where it appeared; per-batch reports and the trained weights are the
// same as with a read after every batch.
#include <QtTest>

#include <filesystem>
#include <limits>

#include "data/subset.h"
#include "data/synthetic.h"
#include "data/tensor_dataset.h"
#include "graph/compile.h"
#include "support/blob_training.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "train/device_metrics.h"
#include "train/trainer.h"

using namespace nw;
using train::BatchReading;
using train::DeviceMetrics;

namespace {

// 320 samples: 10 batches of 32 an epoch; a NaN put into sample `nan_at`.
io::Datasets blobs(int64_t nan_at = -1) {
  return test::blob_data(320, nan_at);
}

io::TrainingConfig config(int64_t epochs) {
  io::TrainingConfig c;
  c.optimizer = {{"type", "Adam"}, {"lr", 0.01}};
  c.batch_size = 32;
  c.epochs = epochs;
  c.seed = 3;
  c.shuffle = false;  // batch k holds samples 32(k-1) .. 32k-1
  c.device = "cpu";
  return c;
}

struct Run {
  std::shared_ptr<graph::GraphModule> net;
  std::unique_ptr<train::Trainer> trainer;
  std::vector<train::BatchStats> batches;
};

std::unique_ptr<Run> make_run(int64_t read_every, int64_t epochs, io::Datasets data = blobs(),
                              const std::filesystem::path& out = {}) {
  manual_seed(1);
  auto r = std::make_unique<Run>();
  r->net = graph::compile(test::blob_mlp());
  train::TrainerOptions o;
  o.metrics_read_every = read_every;
  o.out_dir = out;
  r->trainer = std::make_unique<train::Trainer>(r->net, std::move(data), config(epochs), o);
  r->trainer->callbacks().on_batch_end = [p = r.get()](const train::BatchStats& b) {
    p->batches.push_back(b);
  };
  return r;
}

}  // namespace

class TestDeviceMetrics : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void readsAreDueAtMultiplesOfTheInterval() {
    DeviceMetrics m(4);
    std::vector<int64_t> due;
    for (int64_t b = 0; b < 10; ++b)
      if (m.add(scalar_tensor(0.5 + double(b)), scalar_tensor(double(b), kInt64),
                {.batch = b, .samples = 32}))
        due.push_back(b + 1);
    QCOMPARE(due, (std::vector<int64_t>{4, 8}));
    const std::vector<BatchReading> r = m.read();
    QCOMPARE(r.size(), size_t(10));
    for (int64_t b = 0; b < 10; ++b) {
      QCOMPARE(r[b].info.batch, b);
      QCOMPARE(r[b].loss, 0.5 + double(b));
      QCOMPARE(r[b].correct, b);
    }
    QVERIFY(m.empty());
    QVERIFY(m.read().empty());
    QCOMPARE(m.reads(), int64_t(1));  // an empty read copies nothing and is not counted
  }

  void readKeepsTheFloat32LossExactly() {
    // What loss.item() returns: the float32 value widened, not rounded again.
    DeviceMetrics m(1);
    const Tensor loss = scalar_tensor(0.1);  // float32 0.1 = 0.100000001490116...
    m.add(loss, Tensor(), {});
    const std::vector<BatchReading> r = m.read();
    QCOMPARE(r.front().loss, loss.item());
    QCOMPARE(r.front().correct, int64_t(0));
  }

  void misuseIsRefused() {
    QVERIFY_THROWS_EXCEPTION(Error, DeviceMetrics(0));
    DeviceMetrics m(4);
    m.add(scalar_tensor(1.0), scalar_tensor(3.0, kInt64), {.batch = 0});
    QVERIFY_THROWS_EXCEPTION(Error, m.add(scalar_tensor(1.0), Tensor(), {.batch = 1}));
  }

  void trainerReadsEveryNBatchesAndAtEpochEnd() {
    auto every4 = make_run(4, 2);
    QCOMPARE(every4->trainer->run().state, train::RunState::Finished);
    // 10 batches an epoch: reads after batches 4 and 8, and after 10 at the epoch's end.
    const std::vector<int64_t> want = {4, 4, 4, 4, 8, 8, 8, 8, 10, 10};
    QCOMPARE(every4->batches.size(), size_t(20));
    for (size_t i = 0; i < 20; ++i) {
      QCOMPARE(every4->batches[i].epoch, int64_t(i / 10 + 1));
      QCOMPARE(every4->batches[i].batch, int64_t(i % 10 + 1));
      QCOMPARE(every4->batches[i].read_at, want[i % 10]);
    }

    // The CPU's own schedule reads after every batch; the figures and weights are the same.
    auto every1 = make_run(0, 2);
    QCOMPARE(every1->trainer->run().state, train::RunState::Finished);
    QCOMPARE(every1->batches.size(), size_t(20));
    for (size_t i = 0; i < 20; ++i) {
      const train::BatchStats &a = every4->batches[i], &b = every1->batches[i];
      QCOMPARE(b.read_at, b.batch);
      QCOMPARE(a.loss, b.loss);  // bit for bit
      QCOMPARE(*a.accuracy, *b.accuracy);
      QCOMPARE(a.samples_seen, b.samples_seen);
      QCOMPARE(a.lr, b.lr);
    }
    QCOMPARE(every4->trainer->history().at("train_loss"),
             every1->trainer->history().at("train_loss"));
    const auto wa = every4->net->state_dict(), wb = every1->net->state_dict();
    for (size_t i = 0; i < wa.size(); ++i) QVERIFY(wa[i].second.equal(wb[i].second));
  }

  void nanIsReportedAtTheNextReadNamingItsBatch() {
    auto run = make_run(4, 1, blobs(/*nan_at=*/5 * 32 + 7));  // in batch 6
    const train::RunResult r = run->trainer->run();
    QCOMPARE(r.state, train::RunState::Failed);
    QVERIFY2(r.reason.find("the loss is NaN at epoch 1, batch 6 (read after batch 8)") !=
                 std::string::npos,
             r.reason.c_str());
    // Batches 1-5 were reported, 1-4 at the first read and 5 at the failing one.
    QCOMPARE(run->batches.size(), size_t(5));
    QCOMPARE(run->batches.back().batch, int64_t(5));
    QCOMPARE(run->batches.back().read_at, int64_t(8));

    // Read every batch, it is found at batch 6 itself.
    auto each = make_run(1, 1, blobs(5 * 32 + 7));
    const train::RunResult e = each->trainer->run();
    QVERIFY2(e.reason.find("NaN at epoch 1, batch 6;") != std::string::npos, e.reason.c_str());
    QCOMPARE(each->batches.size(), size_t(5));
  }

  void stopFromACallbackLandsAfterTheRead() {
    const std::filesystem::path out = tmp_.path().toStdString() + "/stop";
    auto run = make_run(4, 2, blobs(), out);
    run->trainer->callbacks().on_batch_end = [&](const train::BatchStats& b) {
      run->batches.push_back(b);
      if (b.batch == 2) run->trainer->request_stop();
    };
    const train::RunResult r = run->trainer->run();
    QCOMPARE(r.state, train::RunState::Stopped);
    // Asked during the read after batch 4, it takes effect before batch 5, and every batch run
    // so far is reported and in the checkpoint.
    QCOMPARE(r.reason, std::string("stopped at epoch 1, batch 4"));
    QCOMPARE(run->batches.size(), size_t(4));
    QVERIFY(std::filesystem::exists(out / "epoch_0001_batch_00004.h5"));
  }

  void stopAfterBatchesIsExactWhateverTheSchedule() {
    // As netwright-cli --stop-after 13: 10 batches an epoch, so the run stops in epoch 2 after
    // its batch 3, whose figures are read at the stop rather than at batch 4.
    const std::filesystem::path out = tmp_.path().toStdString() + "/stop13";
    manual_seed(1);
    train::TrainerOptions o;
    o.metrics_read_every = 4;
    o.stop_after_batches = 13;
    o.out_dir = out;
    train::Trainer t(graph::compile(test::blob_mlp()), blobs(), config(3), o);
    std::vector<int64_t> seen;
    t.callbacks().on_batch_end = [&](const train::BatchStats& b) { seen.push_back(b.read_at); };
    const train::RunResult r = t.run();
    QCOMPARE(r.state, train::RunState::Stopped);
    QCOMPARE(r.reason, std::string("stopped at epoch 2, batch 3"));
    QCOMPARE(seen.size(), size_t(13));
    QCOMPARE(seen.back(), int64_t(3));  // read at the stop, not at batch 4
    QVERIFY(std::filesystem::exists(out / "epoch_0002_batch_00003.h5"));
  }

  void halfPrecisionIsRefusedUntilComputed() {
    io::TrainingConfig c = config(1);
    c.precision = "fp16";
    try {
      train::Trainer t(graph::compile(test::blob_mlp()), blobs(), c);
      QFAIL("fp16 was accepted");
    } catch (const Error& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("training.precision is \"fp16\"") != std::string::npos, e.what());
      QVERIFY2(what.find("set precision to \"fp32\"") != std::string::npos, e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestDeviceMetrics)
#include "tst_device_metrics.moc"
