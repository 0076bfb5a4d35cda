// MpiCommunicator under `mpirun -np 2` (any size works): who is who, sums of each dtype blocking
// and not, a duplicate's collectives kept apart from the world's, broadcasts of tensors and
// strings, and the tensors it refuses before any exchange.
#include <cstdlib>

#include "dist/mpi_test_main.h"
#include "tensor/errors.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : -1;
}

// 1 + 2 + ... + k: the sum over ranks of (rank + 1).
double triangle(int k) {
  return k * (k + 1) / 2.0;
}

}  // namespace

class TestCommunicator : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    if (dist::world().size() < 2)
      QFAIL(
          "this test needs several ranks: run it as `mpirun -np 2 tst_communicator` (ctest does)");
  }

  void rankAndSizeAreTheLaunchers() {
    dist::Communicator& w = dist::world();
    QVERIFY(dist::launched_by_mpi());
    QVERIFY(dist::mpi_built());
    QCOMPARE(w.backend(), std::string("mpi"));
    QCOMPARE(w.size(), env_int("OMPI_COMM_WORLD_SIZE"));
    QCOMPARE(w.rank(), env_int("OMPI_COMM_WORLD_RANK"));
    QVERIFY2(dist::mpi_description().rfind("Open MPI v", 0) == 0, dist::mpi_description().c_str());
  }

  void allReduceSumsEachDtype_data() {
    QTest::addColumn<int>("dtype");
    QTest::newRow("float32") << int(kFloat32);
    QTest::newRow("float64") << int(kFloat64);
    QTest::newRow("int64") << int(kInt64);
  }
  void allReduceSumsEachDtype() {
    QFETCH(int, dtype);
    const DType t = DType(dtype);
    dist::Communicator& w = dist::world();
    const int k = w.size(), r = w.rank();
    // Rank r holds (r+1) * [1, 2, 3, 1e6 + 1]; every rank then holds triangle(k) times that.
    Tensor x = (tensor({1., 2., 3., 1e6 + 1.}) * double(r + 1)).to(t);
    w.all_reduce_sum(x);
    const Tensor want = tensor({1., 2., 3., 1e6 + 1.}).to(kFloat64) * triangle(k);
    QVERIFY(test::all_ranks(x.dtype() == t && x.to(kFloat64).equal(want)));
  }

  // Two in flight at once, finished in the other order, nudged with test() meanwhile.
  void asyncAllReducesCompleteOutOfOrder() {
    dist::Communicator& w = dist::world();
    const int k = w.size(), r = w.rank();
    Tensor a = full({1000}, double(r + 1));
    Tensor b = full({7}, 10.0 * (r + 1), kFloat64);
    auto ra = w.all_reduce_sum_async(a);
    auto rb = w.all_reduce_sum_async(b);
    for (int i = 0; i < 3; ++i) ra->test();
    rb->wait();
    ra->wait();
    QVERIFY(test::all_ranks(a.equal(full({1000}, triangle(k))) &&
                            b.equal(full({7}, 10.0 * triangle(k), kFloat64))));
  }

  // Rank 0 starts an all-reduce on a duplicate and then one on the world; the other ranks do them
  // in the other order. On one communicator the two would pair with each other (MPI matches
  // collectives by order) and mix a 1000-element sum with a 7-element one; on two they stay apart.
  void duplicateKeepsItsCollectivesApart() {
    dist::Communicator& w = dist::world();
    const std::unique_ptr<dist::Communicator> dup = w.duplicate();
    QCOMPARE(dup->rank(), w.rank());
    QCOMPARE(dup->size(), w.size());
    const int k = w.size(), r = w.rank();
    Tensor a = full({1000}, double(r + 1));
    Tensor b = full({7}, 10.0 * (r + 1), kFloat64);
    std::unique_ptr<dist::Request> pending;
    if (r == 0) pending = dup->all_reduce_sum_async(a);
    w.all_reduce_sum(b);
    if (r != 0) pending = dup->all_reduce_sum_async(a);
    pending->wait();
    QVERIFY(test::all_ranks(a.equal(full({1000}, triangle(k))) &&
                            b.equal(full({7}, 10.0 * triangle(k), kFloat64))));
  }

  void broadcastTensorFromTheLastRank() {
    dist::Communicator& w = dist::world();
    const int root = w.size() - 1;
    Tensor x = full({2, 3}, double(w.rank()), kFloat64);
    w.broadcast(x, root);
    QVERIFY(test::all_ranks(x.equal(full({2, 3}, double(root), kFloat64))));
  }

  // The other ranks' strings are longer and shorter than root's: each ends as root's.
  void broadcastStringOfAnyLength() {
    dist::Communicator& w = dist::world();
    std::string text = w.rank() == 0 ? std::string("checkpoint /tmp/run/epoch_3.h5")
                                     : std::string(size_t(100 * w.rank()), 'x');
    w.broadcast(text, 0);
    std::string empty = w.rank() == 0 ? std::string() : std::string("not empty");
    w.broadcast(empty, 0);
    QVERIFY(test::all_ranks(text == "checkpoint /tmp/run/epoch_3.h5" && empty.empty()));
    w.barrier();
  }

  // Checked on each rank before any MPI call, so a refusal leaves no collective half started.
  void refusesTensorsMpiCannotTake() {
    dist::Communicator& w = dist::world();
    Tensor bytes = zeros({4}, kUInt8);
    Tensor strided = zeros({2, 3}).t();
    QVERIFY_THROWS_EXCEPTION(Error, w.all_reduce_sum(bytes));
    QVERIFY_THROWS_EXCEPTION(Error, w.all_reduce_sum(strided));
    QVERIFY_THROWS_EXCEPTION(Error, (void)w.all_reduce_sum_async(strided));
    QVERIFY_THROWS_EXCEPTION(Error, w.broadcast(strided, 0));
  }
};

NW_MPI_TEST_MAIN(TestCommunicator)
#include "tst_communicator.moc"
