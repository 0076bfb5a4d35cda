// Each rank's own random stream (core/dist/rank_stream.h): rank 0 keeps the run's, the others get
// streams that differ from it and from each other, at the same offset, and the same rank always
// gets the same stream (a resumed run draws what the uninterrupted one drew).
#include <QtTest>
#include <set>

#include "dist/rank_stream.h"
#include "tensor/creation.h"

using namespace nw;

class TestRankStream : public QObject {
  Q_OBJECT

 private slots:
  void rank_zero_keeps_the_run_stream() {
    Generator g(1234);
    g.advance(17);
    dist::use_rank_stream(g, 0);
    QCOMPARE(g.seed(), uint64_t(1234));
    QCOMPARE(g.offset(), uint64_t(17));
  }

  void other_ranks_differ_keep_the_offset_and_repeat() {
    std::set<uint64_t> seeds{uint64_t(1234)};
    for (int rank = 1; rank < 64; ++rank) {
      Generator g(1234);
      g.advance(17);
      dist::use_rank_stream(g, rank);
      QCOMPARE(g.offset(), uint64_t(17));
      QCOMPARE(g.seed(), dist::rank_seed(1234, rank));
      seeds.insert(g.seed());
    }
    QCOMPARE(seeds.size(), size_t(64));
    QVERIFY(dist::rank_seed(1234, 1) != dist::rank_seed(1235, 1));
  }

  // What dropout draws: rank 1's numbers are not rank 0's, and come back the same after a reseed.
  void draws_differ_between_ranks() {
    Generator& g = default_generator();
    auto draw = [&](int rank) {
      g.manual_seed(99);
      g.advance(5);
      dist::use_rank_stream(g, rank);
      return rand({64}).to_vector<float>();
    };
    const std::vector<float> r0 = draw(0), r1 = draw(1), r1_again = draw(1);
    QCOMPARE(r1, r1_again);
    int same = 0;
    for (size_t i = 0; i < r0.size(); ++i) same += r0[i] == r1[i];
    QCOMPARE(same, 0);
  }
};

QTEST_GUILESS_MAIN(TestRankStream)
#include "tst_rank_stream.moc"
