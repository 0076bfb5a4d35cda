// The convolution algorithm cache the CUDA plugin keys with its cuDNN problems
// (backend/conv_algorithm_cache.h): every field of the problem tells two problems apart, a
// problem is chosen for once and then served from the cache, and several threads asking at once
// all get the one stored answer.
#include <QtTest>

#include <atomic>
#include <thread>
#include <vector>

#include "backend/conv_algorithm_cache.h"
#include "backend/math_mode.h"

using namespace nw;

namespace {

ConvProblem base_problem() {
  ConvProblem p;
  p.pass = ConvPass::Forward;
  p.device = 0;
  p.dtype = 1;
  p.x = {8, 3, 32, 32};
  p.w = {16, 3, 3, 3};
  p.y = {8, 16, 32, 32};
  p.x_strides = {3 * 32 * 32, 32 * 32, 32, 1};
  p.y_strides = {16 * 32 * 32, 32 * 32, 32, 1};
  p.stride = {1, 1};
  p.pad = {1, 1};
  p.dilation = {1, 1};
  return p;
}

using Edit = void (*)(ConvProblem&);

}  // namespace

Q_DECLARE_METATYPE(Edit)

class TestConvAlgorithmCache : public QObject {
  Q_OBJECT

 private slots:
  void benchmark_is_off_until_asked() {
    QVERIFY(!cudnn_benchmark());
    set_cudnn_benchmark(true);
    QVERIFY(cudnn_benchmark());
    set_cudnn_benchmark(false);
    QVERIFY(!cudnn_benchmark());
  }

  void every_field_tells_problems_apart_data() {
    QTest::addColumn<Edit>("edit");
    QTest::newRow("pass") << Edit([](ConvProblem& p) { p.pass = ConvPass::BackwardData; });
    QTest::newRow("device") << Edit([](ConvProblem& p) { p.device = 1; });
    QTest::newRow("dtype") << Edit([](ConvProblem& p) { p.dtype = 2; });
    QTest::newRow("tf32") << Edit([](ConvProblem& p) { p.tf32 = true; });
    QTest::newRow("benchmark") << Edit([](ConvProblem& p) { p.benchmark = true; });
    QTest::newRow("batch") << Edit([](ConvProblem& p) { p.x[0] = p.y[0] = 9; });
    QTest::newRow("input width") << Edit([](ConvProblem& p) { p.x[3] = 33; });
    QTest::newRow("kernel height") << Edit([](ConvProblem& p) { p.w[2] = 1; });
    // Same input and window, one more output column: asymmetric padding on the far side.
    QTest::newRow("output width") << Edit([](ConvProblem& p) { p.y[3] = 33; });
    QTest::newRow("x strides") << Edit([](ConvProblem& p) { p.x_strides = {3, 1, 96, 3}; });
    QTest::newRow("y strides") << Edit([](ConvProblem& p) { p.y_strides[0] += 1; });
    QTest::newRow("stride h") << Edit([](ConvProblem& p) { p.stride[0] = 2; });
    QTest::newRow("stride w") << Edit([](ConvProblem& p) { p.stride[1] = 2; });
    QTest::newRow("pad w") << Edit([](ConvProblem& p) { p.pad[1] = 0; });
    QTest::newRow("dilation h") << Edit([](ConvProblem& p) { p.dilation[0] = 2; });
    QTest::newRow("groups") << Edit([](ConvProblem& p) { p.groups = 3; });
  }

  void every_field_tells_problems_apart() {
    QFETCH(Edit, edit);
    const ConvProblem a = base_problem();
    ConvProblem b = a;
    edit(b);
    QVERIFY(!(a == b));
    // Not a requirement of a hash, but a hash that ignores a field makes every lookup of
    // problems differing only there collide: each field must reach it.
    QVERIFY(ConvProblemHash{}(a) != ConvProblemHash{}(b));

    ConvAlgorithmCache cache;
    cache.get_or_choose(a, [] { return ConvAlgorithm{1, 0, 100}; });
    QVERIFY(cache.find(b) == nullptr);
    const ConvAlgorithm got = cache.get_or_choose(b, [] { return ConvAlgorithm{2, 1, 200}; });
    QCOMPARE(got.algorithm, 2);
    QCOMPARE(cache.size(), size_t(2));
    QCOMPARE(cache.find(a)->algorithm, 1);
    QCOMPARE(cache.find(b)->workspace_bytes, size_t(200));
  }

  void equal_problems_share_an_entry() {
    const ConvProblem a = base_problem(), b = base_problem();
    QVERIFY(a == b);
    QCOMPARE(ConvProblemHash{}(a), ConvProblemHash{}(b));
  }

  void chooses_once_then_hits() {
    ConvAlgorithmCache cache;
    int searches = 0;
    const auto choose = [&] {
      ++searches;
      return ConvAlgorithm{5, 2, 4096};
    };
    const ConvAlgorithm first = cache.get_or_choose(base_problem(), choose);
    const ConvAlgorithm second = cache.get_or_choose(base_problem(), choose);
    QCOMPARE(searches, 1);
    QVERIFY(first == second);
    QCOMPARE(second.workspace_bytes, size_t(4096));
    QCOMPARE(cache.misses(), int64_t(1));
    QCOMPARE(cache.hits(), int64_t(1));
  }

  // A failed search (the library refused every algorithm) stores nothing: the next call tries
  // again rather than reusing a choice that was never made.
  void failed_choice_is_not_stored() {
    ConvAlgorithmCache cache;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             cache.get_or_choose(base_problem(), []() -> ConvAlgorithm {
                               throw std::runtime_error("no algorithm");
                             }));
    QCOMPARE(cache.size(), size_t(0));
    QCOMPARE(cache.get_or_choose(base_problem(),
                                 [] {
                                   return ConvAlgorithm{3, 0, 0};
                                 })
                 .algorithm,
             3);
  }

  void clear_forgets_everything() {
    ConvAlgorithmCache cache;
    cache.get_or_choose(base_problem(), [] { return ConvAlgorithm{1, 0, 0}; });
    cache.clear();
    QCOMPARE(cache.size(), size_t(0));
    QVERIFY(cache.find(base_problem()) == nullptr);
    QCOMPARE(cache.hits(), int64_t(0));
  }

  // Threads asking for the same problems at once all see one answer per problem, whichever
  // thread's search was stored; every request is counted once as a hit or a miss.
  void concurrent_requests_agree() {
    ConvAlgorithmCache cache;
    constexpr int kThreads = 4, kProblems = 16, kRounds = 50;
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int r = 0; r < kRounds; ++r)
          for (int i = 0; i < kProblems; ++i) {
            ConvProblem p = base_problem();
            p.x[0] = p.y[0] = i + 1;
            const ConvAlgorithm a = cache.get_or_choose(p, [&] {
              return ConvAlgorithm{t, 0, size_t(i)};
            });
            const ConvAlgorithm* stored = cache.find(p);
            if (!stored || !(*stored == a) || a.workspace_bytes != size_t(i)) ++mismatches;
          }
      });
    for (auto& th : threads) th.join();
    QCOMPARE(mismatches.load(), 0);
    QCOMPARE(cache.size(), size_t(kProblems));
    QCOMPARE(cache.hits() + cache.misses(), int64_t(kThreads * kRounds * kProblems));
    QVERIFY(cache.misses() >= kProblems);
  }
};

QTEST_APPLESS_MAIN(TestConvAlgorithmCache)
#include "tst_conv_algorithm_cache.moc"
