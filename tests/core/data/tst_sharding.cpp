// DataLoader.shard(rank, world): DistributedSampler's semantics in one process. The shards of a
// padded order are disjoint up to the padding and cover it; the ranks' i-th batches together are
// one process's i-th batch at world times the batch size; world 1 is the loader unchanged.
#include <QtTest>

#include <algorithm>
#include <set>

#include "data/data_error.h"
#include "data/dataloader.h"
#include "data/sampling.h"
#include "data/tensor_dataset.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::data;

namespace {

// Sample i: data [i] (float32), target i (int64).
std::shared_ptr<TensorDataset> numbered(int64_t n) {
  return std::make_shared<TensorDataset>(arange(double(n), kFloat32).reshape({n, 1}),
                                         arange(double(n)));
}

std::vector<std::vector<int64_t>> batches_of(DataLoader& loader, int64_t epoch) {
  loader.set_epoch(epoch);
  std::vector<std::vector<int64_t>> out;
  for (const auto& [x, y] : loader) out.push_back(y.to_vector<int64_t>());
  return out;
}

}  // namespace

class TestSharding : public QObject {
  Q_OBJECT

 private slots:
  void world_of_one_is_the_plain_loader() {
    const auto ds = numbered(103);
    DataLoader plain(ds, DataLoaderOptions(8).shuffle(true).seed(7));
    DataLoader one(ds, DataLoaderOptions(8).shuffle(true).seed(7).shard(0, 1));
    for (int64_t e : {0, 3}) QCOMPARE(batches_of(one, e), batches_of(plain, e));
    QCOMPARE(one.size(), plain.size());
  }

  void shards_are_disjoint_and_cover_the_padded_order() {
    const int64_t n = 103;
    const int world = 4;
    const auto ds = numbered(n);
    DataLoader whole(ds, DataLoaderOptions(8).shuffle(true).seed(7));
    std::vector<int64_t> padded = whole.sample_order(2);
    for (size_t i = 0; padded.size() % world != 0; ++i) padded.push_back(padded[i]);
    QCOMPARE(padded.size(), size_t(104));

    std::vector<int64_t> positions_seen(padded.size(), 0);
    for (int r = 0; r < world; ++r) {
      DataLoader shard(ds, DataLoaderOptions(8).shuffle(true).seed(7).shard(r, world));
      const std::vector<int64_t> order = shard.sample_order(2);
      QCOMPARE(int64_t(order.size()), int64_t(26));
      QCOMPARE(shard.size(), int64_t(4));  // 26 samples in batches of 8
      // Rank r holds positions r, r + world, ... of the padded order, so no position twice.
      for (size_t i = 0; i < order.size(); ++i) {
        const size_t pos = i * world + size_t(r);
        QCOMPARE(order[i], padded[pos]);
        ++positions_seen[pos];
      }
      // What the loader yields is that order.
      std::vector<int64_t> yielded;
      for (const auto& b : batches_of(shard, 2)) yielded.insert(yielded.end(), b.begin(), b.end());
      QCOMPARE(yielded, order);
    }
    QVERIFY(std::all_of(positions_seen.begin(), positions_seen.end(),
                        [](int64_t c) { return c == 1; }));
    // The only repeated sample is the padding: the order's first index, once.
    std::multiset<int64_t> all(padded.begin(), padded.end());
    QCOMPARE(int64_t(std::set<int64_t>(padded.begin(), padded.end()).size()), n);
    QCOMPARE(int64_t(all.count(padded[0])), int64_t(2));
  }

  void ranks_batches_together_are_one_big_batch() {
    // 96 = 2 ranks x 6 batches x 8: no padding and no short batch in play.
    const auto ds = numbered(96);
    const int world = 2;
    DataLoader big(ds, DataLoaderOptions(16).shuffle(true).seed(11));
    for (int64_t epoch : {0, 1}) {
      const auto single = batches_of(big, epoch);
      std::vector<std::vector<std::vector<int64_t>>> per_rank;
      for (int r = 0; r < world; ++r) {
        DataLoader shard(ds, DataLoaderOptions(8).shuffle(true).seed(11).shard(r, world));
        per_rank.push_back(batches_of(shard, epoch));
        QCOMPARE(per_rank.back().size(), single.size());
      }
      for (size_t b = 0; b < single.size(); ++b) {
        std::multiset<int64_t> together;
        for (const auto& rank : per_rank) together.insert(rank[b].begin(), rank[b].end());
        QCOMPARE(together, std::multiset<int64_t>(single[b].begin(), single[b].end()));
      }
    }
  }

  void exact_split_has_no_duplicates() {
    const auto ds = numbered(10);
    std::multiset<int64_t> all;
    std::vector<int64_t> sizes;
    for (int r = 0; r < 4; ++r) {
      DataLoader shard(ds, DataLoaderOptions(3).shard(r, 4, /*pad=*/false));
      const auto order = shard.sample_order(0);
      sizes.push_back(int64_t(order.size()));
      all.insert(order.begin(), order.end());
    }
    QCOMPARE(sizes, (std::vector<int64_t>{3, 3, 2, 2}));
    std::multiset<int64_t> expected;
    for (int64_t i = 0; i < 10; ++i) expected.insert(i);
    QCOMPARE(all, expected);
  }

  void padding_wraps_round_an_order_shorter_than_the_world() {
    QCOMPARE(shard_of({5, 6}, 4, 5, true), (std::vector<int64_t>{5}));
    QCOMPARE(shard_of({5, 6}, 3, 5, true), (std::vector<int64_t>{6}));
    QCOMPARE(shard_of({5, 6}, 3, 5, false), (std::vector<int64_t>{}));
  }

  void bad_rank_is_refused() {
    const auto ds = numbered(4);
    QVERIFY_THROWS_EXCEPTION(DataError, DataLoader(ds, DataLoaderOptions(2).shard(2, 2)));
    QVERIFY_THROWS_EXCEPTION(DataError, DataLoader(ds, DataLoaderOptions(2).shard(0, 0)));
  }
};

QTEST_APPLESS_MAIN(TestSharding)
#include "tst_sharding.moc"
