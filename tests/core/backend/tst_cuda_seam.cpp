// The CUDA seam as every machine sees it: asking for a CUDA device without a usable backend is a
// DeviceError that says CUDA is unavailable and why (plugin not built, no driver, no device...).
// With a GPU the status must describe it; the GPU side of the seam (a device past the last one is
// refused) is tests/gpu/tst_cuda_devices.cpp, which scripts/test-gpu.sh runs.
#include <QtTest>

#include <functional>

#include "backend/cuda_plugin.h"
#include "backend/math_mode.h"
#include "tensor/creation.h"

using namespace nw;

using Request = std::function<void()>;
Q_DECLARE_METATYPE(Request)

class TestCudaSeam : public QObject {
  Q_OBJECT

 private slots:
  // TF32 is an explicit opt-in: GPU products stay close to the CPU's unless a user asks.
  void tf32_is_off_until_asked() {
    QVERIFY(!allow_tf32());
    set_allow_tf32(true);
    QVERIFY(allow_tf32());
    set_allow_tf32(false);
    QVERIFY(!allow_tf32());
  }

  void status_is_consistent() {
    const CudaStatus& st = cuda_status();
    QCOMPARE(st.available, st.device_count > 0);
    QCOMPARE(cuda_is_available(), st.available);
    if (st.available) {
      QVERIFY2(!st.devices.empty(), "a usable CUDA device must be described");
    } else {
      QVERIFY2(!st.reason.empty(), "CUDA is unavailable but no reason is given");
    }
  }

  void unavailable_cuda_throws_with_the_reason_data() {
    QTest::addColumn<Request>("request");
    QTest::newRow("to(\"cuda\")") << Request([] { (void)ones({2}).to("cuda"); });
    QTest::newRow("cuda()") << Request([] { (void)ones({2}).cuda(); });
    QTest::newRow("zeros on cuda:0")
        << Request([] { (void)zeros({2}, TensorOptions(Device("cuda:0"))); });
  }
  void unavailable_cuda_throws_with_the_reason() {
    QFETCH(Request, request);
    const CudaStatus& st = cuda_status();
    if (st.available) QSKIP("a CUDA device is available here; tst_cuda_backend covers it");
    try {
      request();
      QFAIL("asking for CUDA without a usable backend did not throw");
    } catch (const DeviceError& e) {
      const QString msg = e.what();
      QVERIFY2(msg.contains("CUDA unavailable: "), e.what());
      QVERIFY2(msg.contains(QString::fromStdString(st.reason)), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestCudaSeam)
#include "tst_cuda_seam.moc"
