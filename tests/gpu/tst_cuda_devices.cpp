// The CUDA seam on a machine with a GPU: the status describes each device, a device past the
// last one is refused with the count, and the layer and RNN kernels it is handed are the
// fallback's until cuDNN (issue 19). Without a usable CUDA device every test skips and says why.
#include <QtTest>

#include <string>

#include "backend/cuda_plugin.h"
#include "backend/layer_kernels.h"
#include "backend/rnn_kernels.h"
#include "tensor/creation.h"

using namespace nw;

class TestCudaDevices : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const CudaStatus& st = cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
  }

  void status_describes_the_devices() {
    const CudaStatus& st = cuda_status();
    QVERIFY(st.device_count > 0);
    QVERIFY2(!st.devices.empty(), "a usable CUDA device must be described");
    QVERIFY2(!st.library.empty(), "the loaded plugin's path must be recorded");
  }

  void device_past_the_last_is_refused() {
    const CudaStatus& st = cuda_status();
    try {
      (void)zeros({1}, TensorOptions(Device(DeviceType::CUDA, st.device_count)));
      QFAIL("a device past the last one did not throw");
    } catch (const DeviceError& e) {
      QVERIFY2(
          QString(e.what()).contains(QString("only %1 CUDA device(s) exist").arg(st.device_count)),
          e.what());
    }
  }

  // Until the plugin registers cuDNN kernels, CUDA gets the kernels built from tensor ops;
  // tst_cuda_layer_kernels and tst_cuda_rnn_kernels compare them with the CPU's.
  void kernels_are_the_fallback_until_cudnn() {
    QCOMPARE(layer_kernels_for(Device("cuda:0")).name(), std::string("generic"));
    QVERIFY(&rnn_kernels_for(Device("cuda:0")) != &rnn_kernels_for(kCPU));
  }
};

QTEST_APPLESS_MAIN(TestCudaDevices)
#include "tst_cuda_devices.moc"
