// Device memory on a real GPU (check 3 of the CUDA issue): the caching allocator shows no growth
// over 1,000 identical training steps, and a request larger than the device gives an
// out-of-memory error that names the request and the free memory and leaves the device usable.
// Without a usable CUDA device every test skips and says why.
#include <QtTest>

#include <memory>

#include "backend/backend.h"
#include "backend/cuda_plugin.h"
#include "nn/layers/activation.h"
#include "nn/layers/linear.h"
#include "nn/layers/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/errors.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

const Device kCuda("cuda:0");

// The tutorial's SimpleNet on the GPU with Adam, and one batch of 64 that stays on the device.
struct Step {
  nn::Sequential model{{"fc1", std::make_shared<nn::Linear>(784, 512)},
                       {"relu", std::make_shared<nn::ReLU>()},
                       {"fc2", std::make_shared<nn::Linear>(512, 10)}};
  nn::CrossEntropyLoss loss_fn;
  std::unique_ptr<optim::Adam> opt;
  Tensor x, y;

  Step() {
    manual_seed(0);
    model.to(kCuda);
    opt = std::make_unique<optim::Adam>(model.parameters());
    x = randn({64, 784}).to(kCuda);
    y = randint(0, 10, {64}).to(kCuda);
  }
  double run() {
    opt->zero_grad();
    Tensor loss = loss_fn(model.forward(x), y);
    loss.backward();
    opt->step();
    return loss.item<double>();
  }
};

}  // namespace

class TestCudaMemory : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const CudaStatus& st = cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
    qInfo("%s", st.devices.c_str());
  }

  void thousand_steps_do_not_grow() {
    Step step;
    for (int i = 0; i < 10; ++i) step.run();  // Adam's state appears at the first step
    const MemoryStats warm = memory_stats(kCuda);
    double last = 0;
    for (int i = 0; i < 1000; ++i) last = step.run();
    const MemoryStats s = memory_stats(kCuda);
    qInfo(
        "after 1,010 steps: allocated %zu B, reserved %zu B (peak %zu B), %lld device "
        "allocations, %lld cache hits, last loss %.4f",
        s.allocated, s.reserved, s.peak_reserved, (long long)s.device_allocs,
        (long long)s.cache_hits, last);
    QCOMPARE(s.device_allocs, warm.device_allocs);
    QCOMPARE(s.reserved, warm.reserved);
    QCOMPARE(s.allocated, warm.allocated);
    QVERIFY(s.cache_hits > warm.cache_hits + 1000);
    QVERIFY(last < 0.01);  // it learned the one batch: the steps were real
  }

  void out_of_memory_is_clear_and_recoverable() {
    Step step;
    const double before = step.run();
    QString message;
    try {
      Tensor huge = empty({int64_t(1) << 40}, TensorOptions(kFloat32).device(kCuda));  // 4 TiB
    } catch (const DeviceError& e) {
      message = QString::fromStdString(e.what());
    }
    QVERIFY2(message.contains("out of memory on cuda:0: allocating 4194304 MiB with"),
             qPrintable(message));
    QVERIFY2(message.contains("free of") && message.contains("held by tensors"),
             qPrintable(message));
    // Usable afterwards: the same network trains on.
    const double after = step.run();
    QVERIFY(std::isfinite(after) && after <= before);
    empty_cache(kCuda);
    QCOMPARE(memory_stats(kCuda).reserved, memory_stats(kCuda).allocated);
  }
};

QTEST_APPLESS_MAIN(TestCudaMemory)
#include "tst_cuda_memory.moc"
