// The pinned host caching allocator (backend/pinned_host_allocator.h) over malloc standing in for
// cudaHostAlloc and fences signalled by hand standing in for CUDA events: size classes, reuse of
// freed blocks, no reuse while a recorded copy may still be in flight, recovery when pinning
// fails, and its statistics.
#include <QtTest>

#include <cstdlib>
#include <map>
#include <memory>

#include "backend/pinned_host_allocator.h"
#include "tensor/errors.h"

using namespace nw;

namespace {

// malloc with a budget and a record of what is live, so a leak or a double free shows.
struct FakePinning {
  size_t budget = size_t(1) << 30;
  size_t used = 0;
  std::map<void*, size_t> live;
  PinnedHostAllocator::Raw raw() {
    return {.allocate = [this](size_t n) -> void* {
              if (used + n > budget) return nullptr;
              void* p = std::malloc(n);
              used += n;
              live[p] = n;
              return p;
            },
            .free =
                [this](void* p) {
                  const auto it = live.find(p);
                  QVERIFY(it != live.end());
                  used -= it->second;
                  live.erase(it);
                  std::free(p);
                },
            .name = "fake pinned"};
  }
};

// A fence the test passes by setting its flag, as a CUDA event completes.
struct Flag {
  std::shared_ptr<bool> passed = std::make_shared<bool>(false);
  Fence fence() const {
    return {[p = passed] { return *p; }};
  }
  void pass() const { *passed = true; }
};

}  // namespace

class TestPinnedHostAllocator : public QObject {
  Q_OBJECT

 private slots:
  void roundsToPowerOfTwoClasses() {
    QCOMPARE(PinnedHostAllocator::round_size(0), size_t(512));
    QCOMPARE(PinnedHostAllocator::round_size(1), size_t(512));
    QCOMPARE(PinnedHostAllocator::round_size(512), size_t(512));
    QCOMPARE(PinnedHostAllocator::round_size(513), size_t(1024));
    QCOMPARE(PinnedHostAllocator::round_size(200704), size_t(262144));  // 64 x 784 floats
    QCOMPARE(PinnedHostAllocator::round_size(size_t(1) << 30), size_t(1) << 30);
    QVERIFY_THROWS_EXCEPTION(DeviceError, PinnedHostAllocator::round_size(~size_t(0)));
  }

  void freedBlocksAreReusedBySizeClass() {
    FakePinning pin;
    {
      PinnedHostAllocator a(pin.raw());
      void* p = a.allocate(1000);  // class 1024
      a.deallocate(p);
      QCOMPARE(a.allocate(700), p);  // same class: the same block, no new pinning
      void* q = a.allocate(1000);    // p is in use: a second block
      QVERIFY(q != p);
      void* r = a.allocate(3000);  // class 4096
      const PinnedHostStats s = a.stats();
      QCOMPARE(s.raw_allocs, int64_t(3));
      QCOMPARE(s.cache_hits, int64_t(1));
      QCOMPARE(s.allocated, size_t(1024 + 1024 + 4096));
      QCOMPARE(s.reserved, size_t(1024 + 1024 + 4096));
      a.deallocate(p);
      a.deallocate(q);
      a.deallocate(r);
      QCOMPARE(a.stats().allocated, size_t(0));
      QCOMPARE(a.stats().reserved, size_t(6144));  // kept for reuse
      QCOMPARE(pin.live.size(), size_t(3));
      a.empty_cache();
      QCOMPARE(a.stats().reserved, size_t(0));
      QCOMPARE(a.stats().raw_frees, int64_t(3));
      QCOMPARE(a.stats().peak_reserved, size_t(6144));
      QVERIFY(pin.live.empty());
    }
  }

  void blockWithACopyInFlightIsNotReused() {
    FakePinning pin;
    PinnedHostAllocator a(pin.raw());
    void* p = a.allocate(4096);
    Flag h2d, second;
    a.record_use(p, h2d.fence());
    a.record_use(p, second.fence());
    a.deallocate(p);
    QCOMPARE(a.stats().awaiting, size_t(1));
    void* q = a.allocate(4096);  // p's copies may still read it
    QVERIFY(q != p);
    a.deallocate(q);
    h2d.pass();
    void* r = a.allocate(4096);  // q, free without fences; p still waits for `second`
    QCOMPARE(r, q);
    QVERIFY(a.allocate(4096) != p);
    QCOMPARE(a.stats().awaiting, size_t(1));
    second.pass();
    QCOMPARE(a.allocate(4096), p);  // both copies done: reused
    QCOMPARE(a.stats().awaiting, size_t(0));
    QCOMPARE(a.stats().raw_allocs, int64_t(3));
  }

  void fenceThatPassedBeforeTheFreeGoesStraightBack() {
    FakePinning pin;
    PinnedHostAllocator a(pin.raw());
    void* p = a.allocate(100);
    Flag f;
    a.record_use(p, f.fence());
    f.pass();
    a.deallocate(p);
    QCOMPARE(a.stats().awaiting, size_t(0));
    QCOMPARE(a.allocate(100), p);
  }

  void awaitingBlocksAreNeverUnpinned() {
    FakePinning pin;
    PinnedHostAllocator a(pin.raw());
    void* p = a.allocate(100);
    Flag f;
    a.record_use(p, f.fence());
    a.deallocate(p);
    a.empty_cache();
    QVERIFY(pin.live.count(p));  // a copy may still be reading it
    f.pass();
    a.empty_cache();
    QVERIFY(!pin.live.count(p));
  }

  void failedPinningEmptiesTheCacheAndRetries() {
    FakePinning pin;
    pin.budget = 8192;
    PinnedHostAllocator a(pin.raw());
    a.deallocate(a.allocate(4096));
    a.deallocate(a.allocate(2048));
    void* big = a.allocate(8192);  // only fits once the cached 6 KiB are unpinned
    QVERIFY(big);
    QCOMPARE(a.stats().reserved, size_t(8192));
    try {
      a.allocate(1);
      QFAIL("pinned beyond the budget");
    } catch (const DeviceError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("fake pinned: cannot pin 512 bytes") != std::string::npos, e.what());
      QVERIFY2(what.find("8192 bytes pinned already, 8192 of them in use") != std::string::npos,
               e.what());
    }
    a.deallocate(big);
  }

  void knowsWhichPointersArePinned() {
    FakePinning pin;
    PinnedHostAllocator a(pin.raw());
    char* p = static_cast<char*>(a.allocate(1000));
    QVERIFY(a.is_pinned(p));
    QVERIFY(a.is_pinned(p + 1023));  // inside the rounded block
    int on_stack = 0;
    QVERIFY(!a.is_pinned(&on_stack));
    a.deallocate(p);
    QVERIFY(!a.is_pinned(p));  // cached, not handed out
  }

  void foreignPointersAreRefused() {
    FakePinning pin;
    PinnedHostAllocator a(pin.raw());
    int x = 0;
    QVERIFY_THROWS_EXCEPTION(std::logic_error, a.deallocate(&x));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, a.record_use(&x, Flag().fence()));
    void* p = a.allocate(10);
    a.deallocate(p);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, a.deallocate(p));  // twice
    a.deallocate(nullptr);
  }
};

QTEST_APPLESS_MAIN(TestPinnedHostAllocator)
#include "tst_pinned_host_allocator.moc"
