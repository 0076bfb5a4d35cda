// The host side of NCCL's start (dist/rank_placement.h), in one process: which rank of its machine
// a rank is and which GPU it takes, when two ranks share one, and root's NCCL id reaching every
// rank whole through the world's string broadcast. A stand-in communicator plays the other ranks.
#include <QtTest>

#include "dist/nccl_bridge.h"
#include "dist/rank_placement.h"
#include "dist/single_communicator.h"
#include "tensor/creation.h"
#include "tensor/errors.h"

using namespace nw;

namespace {

// Rank `rank` of `others.size()` ranks: an all-reduce adds the other ranks' int64 values
// (`others`, this rank's own entry ignored), a string broadcast delivers `payload`.
class StandInWorld : public dist::Communicator {
 public:
  StandInWorld(int rank, std::vector<int64_t> others, std::string payload = {})
      : rank_(rank), others_(std::move(others)), payload_(std::move(payload)) {}
  int rank() const override { return rank_; }
  int size() const override { return int(others_.size()); }
  std::string backend() const override { return "stand-in"; }
  void all_reduce_sum(Tensor& t) override {
    int64_t* v = t.data_ptr<int64_t>();
    for (size_t r = 0; r < others_.size(); ++r)
      if (int(r) != rank_) v[r] += others_[r];
  }
  std::unique_ptr<dist::Request> all_reduce_sum_async(Tensor&) override {
    throw std::logic_error("not used here");
  }
  void broadcast(Tensor&, int) override {}
  void broadcast(std::string& text, int root) override {
    if (root != rank_) text = payload_;
  }
  void barrier() override {}
  std::unique_ptr<dist::Communicator> duplicate() override {
    return std::make_unique<StandInWorld>(*this);
  }
  [[noreturn]] void abort(int, const std::string& why) override { throw std::logic_error(why); }

 private:
  int rank_;
  std::vector<int64_t> others_;
  std::string payload_;
};

}  // namespace

class TestRankPlacement : public QObject {
  Q_OBJECT

 private slots:
  // FNV-1a of the empty string is its offset basis 0xcbf29ce484222325; the hash keeps 63 bits.
  void hash_is_fnv1a_in_63_bits() {
    QCOMPARE(dist::text_hash(""), int64_t(0xcbf29ce484222325ull >> 1));
    QCOMPARE(dist::text_hash("a"), int64_t(0xaf63dc4c8601ec8cull >> 1));
    QVERIFY(dist::text_hash("node1") != dist::text_hash("node2"));
    QVERIFY(!dist::host_name().empty());
  }

  void gather_puts_each_rank_in_its_slot() {
    dist::SingleCommunicator alone;
    QCOMPARE(dist::gather_int64(alone, 42), std::vector<int64_t>{42});
    StandInWorld third(2, {7, 8, -1, 9});
    QCOMPARE(dist::gather_int64(third, 5), (std::vector<int64_t>{7, 8, 5, 9}));
  }

  // Ranks 0, 2, 3 on host 11, ranks 1 and 4 on host 22.
  void placement_counts_the_ranks_of_each_machine() {
    const std::vector<int64_t> hosts{11, 22, 11, 11, 22};
    const int local[] = {0, 0, 1, 2, 1}, size[] = {3, 2, 3, 3, 2};
    for (int r = 0; r < 5; ++r) {
      const dist::Placement p = dist::placement_of(hosts, r);
      QCOMPARE(p.local_rank, local[r]);
      QCOMPARE(p.local_size, size[r]);
      QCOMPARE(p.hosts, 2);
    }
    QVERIFY_THROWS_EXCEPTION(Error, dist::placement_of(hosts, 5));
    dist::SingleCommunicator alone;
    const dist::Placement one = dist::place_ranks(alone);
    QCOMPARE(one.local_rank, 0);
    QCOMPARE(one.local_size, 1);
    QCOMPARE(one.hosts, 1);
    // Three ranks on this machine (the stand-ins carry this host's hash): this one is the third.
    const int64_t here = dist::text_hash(dist::host_name());
    StandInWorld third(2, {here, here, 0});
    QCOMPARE(dist::place_ranks(third).local_rank, 2);
  }

  // One GPU per rank of a machine while they last, then round robin: with one GPU, 2 ranks share.
  void each_rank_takes_the_next_gpu() {
    dist::Placement p;
    p.local_size = 4;
    const int on_two[] = {0, 1, 0, 1};
    for (int r = 0; r < 4; ++r) {
      p.local_rank = r;
      QCOMPARE(dist::device_for_rank(p, 2), on_two[r]);
      QCOMPARE(dist::device_for_rank(p, 8), r);
      QCOMPARE(dist::device_for_rank(p, 1), 0);
    }
    try {
      (void)dist::device_for_rank(p, 0);
      QFAIL("no device did not throw");
    } catch (const DeviceError& e) {
      QVERIFY2(QString(e.what()).contains("use device \"cpu\""), e.what());
    }
  }

  void ranks_on_one_gpu_are_counted() {
    const std::vector<int64_t> gpus{5, 6, 5, 7};
    QCOMPARE(dist::ranks_sharing(gpus, 0), 2);
    QCOMPARE(dist::ranks_sharing(gpus, 2), 2);
    QCOMPARE(dist::ranks_sharing(gpus, 1), 1);
    QCOMPARE(dist::ranks_sharing(gpus, 3), 1);
  }

  // NCCL's id is 128 opaque bytes, zeros included; a rank that gets anything else says so.
  void bootstrap_id_arrives_whole() {
    std::string id(128, '\0');
    for (size_t i = 0; i < id.size(); i += 3) id[i] = char(i);
    dist::SingleCommunicator alone;
    QCOMPARE(dist::share_bootstrap_id(alone, id, 128), id);
    StandInWorld second(1, {0, 0}, id);
    QCOMPARE(dist::share_bootstrap_id(second, "ignored on rank 1", 128), id);
    StandInWorld short_of_it(1, {0, 0}, id.substr(0, 100));
    try {
      (void)dist::share_bootstrap_id(short_of_it, {}, 128);
      QFAIL("a short id did not throw");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("rank 1 received 100 bytes from rank 0"), e.what());
    }
  }

  // With a world of one, or on the CPU, nothing changes and NCCL is not asked for.
  void one_rank_or_cpu_keeps_the_world() {
    dist::SingleCommunicator alone;
    dist::RankDevice rd = dist::open_rank_device(alone, Device("cuda:1"));
    QCOMPARE(rd.device, Device("cuda:1"));
    QVERIFY(!rd.comm);
    StandInWorld pair(0, {0, 0});
    rd = dist::open_rank_device(pair, Device("cpu"));
    QCOMPARE(rd.device, Device("cpu"));
    QVERIFY(!rd.comm);
  }
};

QTEST_APPLESS_MAIN(TestRankPlacement)
#include "tst_rank_placement.moc"
