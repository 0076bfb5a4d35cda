// GradientReducer in one process: a world of one leaves every gradient alone, and a stand-in
// communicator of two ranks (the other rank's gradients are `other` times ours) shows the bucket
// layout, the launch order, when buckets start and what finish() leaves, without MPI.
#include <QtTest>

#include "dist/gradient_reducer.h"
#include "dist/reducer_model.h"
#include "dist/single_communicator.h"
#include "tensor/errors.h"

using namespace nw;

namespace {

// Sums as if a second rank held `other` times this rank's buffer. The result lands at wait(),
// computed from the buffer as it was at the start, so a reducer that wrote into a buffer in
// flight would lose that write here as it would with MPI.
class StandInPair : public dist::Communicator {
 public:
  explicit StandInPair(double other) : other_(other) {}
  int rank() const override { return 0; }
  int size() const override { return 2; }
  std::string backend() const override { return "stand-in"; }
  void all_reduce_sum(Tensor& t) override { t.mul_(1.0 + other_); }
  std::unique_ptr<dist::Request> all_reduce_sum_async(Tensor& t) override {
    started.push_back(t.numel());
    return std::make_unique<Pending>(t, t.clone(), 1.0 + other_);
  }
  void broadcast(Tensor&, int) override {}
  void broadcast(std::string&, int) override {}
  void barrier() override {}
  std::unique_ptr<dist::Communicator> duplicate() override {
    return std::make_unique<StandInPair>(other_);
  }
  [[noreturn]] void abort(int, const std::string& why) override { throw std::logic_error(why); }

  std::vector<int64_t> started;  // element counts of the buffers, in start order

 private:
  struct Pending : dist::Request {
    Pending(Tensor t, Tensor s, double f) : target(std::move(t)), start(std::move(s)), factor(f) {}
    void wait() override {
      if (target.defined()) target.copy_(start * factor);
      target = Tensor();
    }
    Tensor target, start;
    double factor;
  };
  double other_;
};

std::vector<Tensor> grads_of(const std::vector<Tensor>& params) {
  std::vector<Tensor> g;
  for (const Tensor& p : params) g.push_back(p.grad().clone());
  return g;
}

std::vector<Tensor> scaled(const std::vector<Tensor>& g, double f) {
  std::vector<Tensor> out;
  for (const Tensor& t : g) out.push_back(t * f);
  return out;
}

}  // namespace

class TestGradientReducerLocal : public QObject {
  Q_OBJECT
 private slots:
  void worldOfOneLeavesGradientsAlone() {
    test::ReducerModel m;
    const Tensor x = test::rank_input(0);
    const std::vector<Tensor> alone = m.grads_alone(x, true);
    dist::SingleCommunicator one;
    dist::GradientReducer reducer(m.params, one, {.bucket_bytes = 1, .overlap = true});
    reducer.prepare_for_backward();
    m.loss(x, true).backward();
    const Tensor before = m.params[0].grad();
    reducer.finish();
    QVERIFY(m.params[0].grad().is_same(before));  // not even replaced
    QCOMPARE(test::max_relative_error(grads_of(m.params), alone), 0.0);
    QCOMPARE(reducer.last_step().buckets, 0);
    QCOMPARE(reducer.last_step().bytes, int64_t(0));
  }

  void bucketsFollowReverseRegistrationOrder_data() {
    QTest::addColumn<qint64>("bucket_bytes");
    QTest::addColumn<bool>("overlap");
    QTest::addColumn<QList<qint64>>("elements");  // per bucket, in start order
    const QList<qint64> each{4, 32, 4, 64, 16, 256, 16, 128};
    QTest::newRow("tiny, overlap") << qint64(1) << true << each;
    QTest::newRow("tiny, after") << qint64(1) << false << each;
    QTest::newRow("300 B, overlap") << qint64(300) << true << QList<qint64>{104, 272, 144};
    QTest::newRow("512 B, after") << qint64(512) << false << QList<qint64>{376, 144};
    QTest::newRow("25 MiB, overlap") << qint64(25 << 20) << true << QList<qint64>{520};
  }
  // The mean of ours and 3 times ours is twice ours, in every bucket layout.
  void bucketsFollowReverseRegistrationOrder() {
    QFETCH(qint64, bucket_bytes);
    QFETCH(bool, overlap);
    QFETCH(QList<qint64>, elements);
    test::ReducerModel m;
    const Tensor x = test::rank_input(0);
    const std::vector<Tensor> alone = m.grads_alone(x, true);
    StandInPair pair(3.0);
    dist::GradientReducer reducer(m.params, pair, {size_t(bucket_bytes), overlap});
    reducer.prepare_for_backward();
    m.loss(x, true).backward();
    QCOMPARE(int(pair.started.size()), overlap ? int(elements.size()) : 0);
    reducer.finish();
    QCOMPARE(QList<qint64>(pair.started.begin(), pair.started.end()), elements);
    const dist::ReducerStats& st = reducer.last_step();
    QCOMPARE(st.buckets, int(elements.size()));
    QCOMPARE(st.launched_during_backward, overlap ? st.buckets : 0);
    QCOMPARE(st.bytes, test::kReducerModelBytes);
    QVERIFY(test::max_relative_error(grads_of(m.params), scaled(alone, 2.0)) < 1e-6);
  }

  // aux fills bucket 0; unreached, it holds every bucket back to finish(), which sends them in
  // index order with aux's gradient as zeros.
  void unreachedParameterHoldsLaterBucketsAndCountsAsZero() {
    test::ReducerModel m;
    const Tensor x = test::rank_input(0);
    const std::vector<Tensor> alone = m.grads_alone(x, false);
    StandInPair pair(1.0);
    dist::GradientReducer reducer(m.params, pair, {.bucket_bytes = 1, .overlap = true});
    reducer.prepare_for_backward();
    m.loss(x, false).backward();
    QVERIFY(pair.started.empty());
    QVERIFY(!m.aux->weight.grad().defined());
    reducer.finish();
    QCOMPARE(reducer.last_step().launched_during_backward, 0);
    QCOMPARE(pair.started.front(), int64_t(4));  // aux.bias first
    QVERIFY(m.aux->weight.grad().defined());
    QCOMPARE(m.aux->weight.grad().abs().max().item<double>(), 0.0);
    QVERIFY(test::max_relative_error(grads_of(m.params), alone) < 1e-6);
  }

  // Micro-batches before the prepared backward only add up; the sum goes out once.
  void accumulatedGradientIsAveragedOnce() {
    test::ReducerModel m;
    const Tensor x0 = test::rank_input(0), x1 = test::rank_input(1);
    const std::vector<Tensor> g0 = m.grads_alone(x0, true), g1 = m.grads_alone(x1, true);
    StandInPair pair(1.0);
    dist::GradientReducer reducer(m.params, pair, {.bucket_bytes = 300, .overlap = true});
    m.loss(x0, true).backward();
    QVERIFY(pair.started.empty());  // not prepared: nothing leaves
    reducer.prepare_for_backward();
    m.loss(x1, true).backward();
    reducer.finish();
    std::vector<Tensor> sum;
    for (size_t i = 0; i < g0.size(); ++i) sum.push_back(g0[i] + g1[i]);
    QVERIFY(test::max_relative_error(grads_of(m.params), sum) < 1e-6);
  }

  // A second finish, or a prepare and finish with no backward, averages equal gradients again.
  void finishWithoutBackwardIsHarmless() {
    test::ReducerModel m;
    const Tensor x = test::rank_input(0);
    const std::vector<Tensor> alone = m.grads_alone(x, true);
    StandInPair pair(1.0);
    dist::GradientReducer reducer(m.params, pair, {.bucket_bytes = 300, .overlap = true});
    reducer.finish();  // before any backward: every .grad becomes zeros
    QCOMPARE(m.params[0].grad().abs().max().item<double>(), 0.0);
    m.zero_grad();
    reducer.prepare_for_backward();
    m.loss(x, true).backward();
    reducer.finish();
    reducer.finish();
    reducer.prepare_for_backward();
    reducer.finish();
    QCOMPARE(reducer.last_step().buckets, 3);
    QCOMPARE(reducer.last_step().launched_during_backward, 0);
    QVERIFY(test::max_relative_error(grads_of(m.params), alone) < 1e-6);
  }

  // A gradient changed after its bucket left would differ between ranks: refused.
  void secondBackwardIntoASentBucketThrows() {
    test::ReducerModel m;
    const Tensor x = test::rank_input(0);
    StandInPair pair(1.0);
    dist::GradientReducer reducer(m.params, pair, {.bucket_bytes = 1, .overlap = true});
    reducer.prepare_for_backward();
    m.loss(x, true).backward();
    QVERIFY_THROWS_EXCEPTION(Error, m.loss(x, true).backward());
    // The next step starts clean.
    m.zero_grad();
    reducer.prepare_for_backward();
    m.loss(x, true).backward();
    reducer.finish();
    QCOMPARE(reducer.last_step().launched_during_backward, 8);
  }

  void frozenParametersAreLeftOut() {
    test::ReducerModel m;
    m.aux->weight.requires_grad_(false);
    m.aux->bias.requires_grad_(false);
    StandInPair pair(1.0);
    dist::GradientReducer reducer(m.params, pair, {.bucket_bytes = 1, .overlap = true});
    reducer.prepare_for_backward();
    m.loss(test::rank_input(0), true).backward();
    reducer.finish();
    QCOMPARE(reducer.last_step().buckets, 6);
    QCOMPARE(reducer.last_step().bytes, test::kReducerModelBytes - 16 - 128);
    QVERIFY(!m.aux->weight.grad().defined());
  }
};

QTEST_APPLESS_MAIN(TestGradientReducerLocal)
#include "tst_gradient_reducer_local.moc"
