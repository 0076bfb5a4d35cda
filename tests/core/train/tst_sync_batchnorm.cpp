// BatchNorm with summed statistics (training.sync_batchnorm) in one process: with a world of one
// it computes what the fused BatchNorm computes (output, gradients, running statistics), and fed
// another rank's sums it normalises half a batch exactly as the whole batch is normalised.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "autograd/grad_mode.h"
#include "dist/single_communicator.h"
#include "nn/layers/batchnorm.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"
#include "train/sync_batchnorm.h"

using namespace nw;

namespace {

constexpr double kTolerance = 1e-10;  // float64 throughout

double max_diff(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = a.to(kFloat64).to_vector<double>();
  const std::vector<double> y = b.to(kFloat64).to_vector<double>();
  double d = x.size() == y.size() ? 0.0 : 1e300;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) d = std::max(d, std::abs(x[i] - y[i]));
  return d;
}

std::shared_ptr<nn::BatchNorm2d> layer() {
  auto bn = std::make_shared<nn::BatchNorm2d>(3);
  bn->to(kFloat64);
  NoGradGuard no_grad;
  bn->weight.copy_(tensor({0.5, 2.0, -1.0}, kFloat64));
  bn->bias.copy_(tensor({0.1, -0.2, 0.3}, kFloat64));
  return bn;
}

}  // namespace

class TestSyncBatchNorm : public QObject {
  Q_OBJECT

 private slots:
  void one_rank_matches_the_fused_layer() {
    manual_seed(3);
    const Tensor x = randn({4, 3, 5, 5}, kFloat64) * 3.0 + 1.0;
    const Tensor upstream = randn({4, 3, 5, 5}, kFloat64);
    auto fused = layer(), synced = layer();
    dist::SingleCommunicator one;
    QCOMPARE(train::sync_batchnorm(*synced, one), 1);

    Tensor xa = x.clone().requires_grad_(), xb = x.clone().requires_grad_();
    const Tensor ya = (*fused)(xa), yb = (*synced)(xb);
    QVERIFY(max_diff(ya, yb) < kTolerance);
    (ya * upstream).sum().backward();
    (yb * upstream).sum().backward();
    QVERIFY(max_diff(xa.grad(), xb.grad()) < kTolerance);
    QVERIFY(max_diff(fused->weight.grad(), synced->weight.grad()) < kTolerance);
    QVERIFY(max_diff(fused->bias.grad(), synced->bias.grad()) < kTolerance);
    QVERIFY(max_diff(fused->running_mean, synced->running_mean) < kTolerance);
    QVERIFY(max_diff(fused->running_var, synced->running_var) < kTolerance);
    QCOMPARE(synced->num_batches_tracked.item(), 1.0);
    // The running statistics moved: the comparison above is not between two untouched buffers.
    QVERIFY(max_diff(synced->running_var, ones({3}, kFloat64)) > 0.1);

    // Evaluation uses the running statistics, as before.
    synced->eval();
    fused->eval();
    QVERIFY(max_diff((*fused)(x), (*synced)(x)) < kTolerance);
  }

  void half_a_batch_with_the_other_halfs_sums_is_the_whole_batch() {
    manual_seed(4);
    const Tensor x = randn({6, 3, 4, 4}, kFloat64) * 2.0 - 0.5;
    const Tensor mine = x.narrow(0, 0, 2), theirs = x.narrow(0, 2, 4);  // unequal on purpose
    auto whole = layer(), half = layer();
    std::vector<int64_t> seen;
    Tensor mean;
    half->sync_statistics([&](const Tensor& stats) {
      // What the other rank would add: its per-channel sums and count, then its squares about
      // the mean of both.
      seen.push_back(stats.numel());
      if (seen.size() == 1) {
        const Tensor all =
            stats +
            cat({theirs.sum({0, 2, 3}), full({1}, double(theirs.numel() / 3), kFloat64)}, 0);
        mean = all.narrow(0, 0, 3) / all.narrow(0, 3, 1).item();
        return all;
      }
      const Tensor d = theirs - mean.view({1, 3, 1, 1});
      return stats + (d * d).sum({0, 2, 3});
    });
    const Tensor y_whole = (*whole)(x), y_half = (*half)(mine);
    QCOMPARE(seen, (std::vector<int64_t>{3 + 1, 3}));
    QVERIFY(max_diff(y_half, y_whole.narrow(0, 0, 2)) < kTolerance);
    QVERIFY(max_diff(half->running_mean, whole->running_mean) < kTolerance);
    QVERIFY(max_diff(half->running_var, whole->running_var) < kTolerance);
  }
};

QTEST_APPLESS_MAIN(TestSyncBatchNorm)
#include "tst_sync_batchnorm.moc"
