// The trainer's metric reads on CUDA (train/device_metrics.h): by default every
// kCudaMetricsReadEvery batches and at the epoch's end, with the same per-batch figures as the
// CPU's read-every-batch schedule (float32, TF32 off: losses within 1e-4 relative, as GEMM) and
// a NaN still named by its batch.
#include <QtTest>

#include <cmath>
#include <limits>

#include "backend/cuda_plugin.h"
#include "backend/math_mode.h"
#include "data/synthetic.h"
#include "data/tensor_dataset.h"
#include "graph/compile.h"
#include "support/blob_training.h"
#include "tensor/generator.h"
#include "train/trainer.h"

using namespace nw;

namespace {

// 400 samples at batch 16: 25 batches an epoch, so reads at 16 and 25 on CUDA.
io::Datasets blobs(int64_t nan_at = -1) {
  return test::blob_data(400, nan_at);
}

std::vector<train::BatchStats> train_on(const std::string& device, io::Datasets data,
                                        train::RunResult* result = nullptr) {
  io::TrainingConfig c;
  c.optimizer = {{"type", "SGD"}, {"lr", 0.05}};
  c.batch_size = 16;
  c.epochs = 1;
  c.seed = 3;
  c.shuffle = false;
  c.device = device;
  manual_seed(1);
  train::Trainer t(graph::compile(test::blob_mlp()), std::move(data), c);
  std::vector<train::BatchStats> seen;
  t.callbacks().on_batch_end = [&](const train::BatchStats& b) { seen.push_back(b); };
  const train::RunResult r = t.run();
  if (result) *result = r;
  return seen;
}

}  // namespace

class TestCudaMetricReads : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const CudaStatus& st = cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
    set_allow_tf32(false);
  }

  void readsEverySixteenBatchesWithTheCpusFigures() {
    const auto cpu = train_on("cpu", blobs());
    const auto gpu = train_on("cuda", blobs());
    QCOMPARE(cpu.size(), size_t(25));
    QCOMPARE(gpu.size(), size_t(25));
    for (size_t i = 0; i < 25; ++i) {
      QCOMPARE(cpu[i].read_at, int64_t(i + 1));
      QCOMPARE(gpu[i].read_at, i < size_t(train::kCudaMetricsReadEvery) ? int64_t(16) : 25);
      const double tol = 1e-4 * std::abs(cpu[i].loss) + 1e-6;
      QVERIFY2(
          std::abs(gpu[i].loss - cpu[i].loss) <= tol,
          qPrintable(
              QString("batch %1: cuda %2, cpu %3").arg(i + 1).arg(gpu[i].loss).arg(cpu[i].loss)));
      QCOMPARE(gpu[i].samples_seen, cpu[i].samples_seen);
    }
  }

  void nanIsNamedByItsBatch() {
    train::RunResult r;
    const auto gpu = train_on("cuda", blobs(/*nan_at=*/4 * 16 + 2), &r);  // in batch 5
    QCOMPARE(r.state, train::RunState::Failed);
    QVERIFY2(r.reason.find("NaN at epoch 1, batch 5 (read after batch 16)") != std::string::npos,
             r.reason.c_str());
    QCOMPARE(gpu.size(), size_t(4));
  }
};

QTEST_APPLESS_MAIN(TestCudaMetricReads)
#include "tst_cuda_metric_reads.moc"
