// GradientReducer over MPI (run by ctest as `mpirun -np 2`): each rank trains on its own batch,
// and after backward and finish() every rank's gradients are the mean of what each rank computes
// alone. Every rank computes those single-rank gradients itself (it runs the model on every
// rank's batch), so the expected value is exact: within 1e-6 relative.
#include "dist/gradient_reducer.h"
#include "dist/mpi_test_main.h"
#include "dist/reducer_model.h"

using namespace nw;

namespace {

// The mean over ranks of the gradients each would compute alone on its batch.
std::vector<Tensor> expected_mean(test::ReducerModel& m, int step, bool aux_on_rank0_only) {
  const int k = dist::world().size();
  std::vector<Tensor> mean;
  for (int r = 0; r < k; ++r) {
    const std::vector<Tensor> g =
        m.grads_alone(test::rank_input(step * k + r), !aux_on_rank0_only || r == 0);
    for (size_t i = 0; i < g.size(); ++i)
      if (r == 0)
        mean.push_back(g[i] / double(k));
      else
        mean[i] = mean[i] + g[i] / double(k);
  }
  return mean;
}

std::vector<Tensor> grads_of(const std::vector<Tensor>& params) {
  std::vector<Tensor> g;
  for (const Tensor& p : params) g.push_back(p.grad());
  return g;
}

}  // namespace

class TestGradientReducer : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    if (dist::world().size() < 2)
      QFAIL(
          "this test exchanges gradients between ranks: run it as `mpirun -np 2 "
          "tst_gradient_reducer` (ctest does)");
  }

  void averagesEqualTheMeanOfEachRankAlone_data() {
    QTest::addColumn<qint64>("bucket_bytes");
    QTest::addColumn<bool>("overlap");
    QTest::addColumn<int>("buckets");
    QTest::newRow("tiny buckets, overlap") << qint64(1) << true << 8;
    QTest::newRow("tiny buckets, after backward") << qint64(1) << false << 8;
    QTest::newRow("300 B buckets, overlap") << qint64(300) << true << 3;
    QTest::newRow("one bucket, overlap") << qint64(25 << 20) << true << 1;
    QTest::newRow("one bucket, after backward") << qint64(25 << 20) << false << 1;
  }
  // Two steps, so the second shows the reducer starts each pass afresh.
  void averagesEqualTheMeanOfEachRankAlone() {
    QFETCH(qint64, bucket_bytes);
    QFETCH(bool, overlap);
    QFETCH(int, buckets);
    const int rank = dist::world().rank(), k = dist::world().size();
    test::ReducerModel m;
    dist::GradientReducer reducer(m.params, dist::world(), {size_t(bucket_bytes), overlap});
    for (int step = 0; step < 2; ++step) {
      const std::vector<Tensor> want = expected_mean(m, step, false);
      reducer.prepare_for_backward();
      m.loss(test::rank_input(step * k + rank), true).backward();
      reducer.finish();
      const double err = test::max_relative_error(grads_of(m.params), want);
      const dist::ReducerStats st = reducer.last_step();
      QVERIFY2(
          test::all_ranks(err < 1e-6),
          qPrintable(QString("rank %1 step %2: relative error %3").arg(rank).arg(step).arg(err)));
      QVERIFY(test::all_ranks(st.buckets == buckets && st.bytes == test::kReducerModelBytes));
      QVERIFY(test::all_ranks(st.launched_during_backward == (overlap ? buckets : 0)));
      m.zero_grad();
    }
  }

  void unusedParameterOnOneRank_data() {
    QTest::addColumn<qint64>("bucket_bytes");
    QTest::addColumn<bool>("overlap");
    QTest::newRow("tiny buckets, overlap") << qint64(1) << true;
    QTest::newRow("300 B buckets, after backward") << qint64(300) << false;
    QTest::newRow("one bucket, overlap") << qint64(25 << 20) << true;
  }
  // Only rank 0 reaches aux: the others count zeros for it, and since aux fills bucket 0 they
  // start nothing until finish(), while rank 0 starts every bucket during backward. The
  // collectives still pair up, because both sides start buckets in index order.
  void unusedParameterOnOneRank() {
    QFETCH(qint64, bucket_bytes);
    QFETCH(bool, overlap);
    const int rank = dist::world().rank(), k = dist::world().size();
    test::ReducerModel m;
    dist::GradientReducer reducer(m.params, dist::world(), {size_t(bucket_bytes), overlap});
    const std::vector<Tensor> want = expected_mean(m, 0, true);
    reducer.prepare_for_backward();
    m.loss(test::rank_input(rank), rank == 0).backward();
    reducer.finish();
    const double err = test::max_relative_error(grads_of(m.params), want);
    QVERIFY2(test::all_ranks(err < 1e-6),
             qPrintable(QString("rank %1: relative error %2").arg(rank).arg(err)));
    const dist::ReducerStats st = reducer.last_step();
    const int early = overlap && rank == 0 ? st.buckets : 0;
    QVERIFY(test::all_ranks(st.launched_during_backward == early));
    // aux's mean is rank 0's gradient over k: not zero, and the same on every rank.
    Tensor aux = m.aux->weight.grad().clone();
    Tensor sum = aux.clone();
    dist::world().all_reduce_sum(sum);
    const double size = aux.abs().max().item<double>();
    const double spread = (sum / double(k) - aux).abs().max().item<double>();
    QVERIFY(test::all_ranks(size > 0.0 && spread <= 1e-6 * size));
  }
};

NW_MPI_TEST_MAIN(TestGradientReducer)
#include "tst_gradient_reducer.moc"
