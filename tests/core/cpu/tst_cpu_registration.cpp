// The CPU backend registers itself when netwright_core loads (core/cpu/register.cpp), as the CUDA
// plugin does when it is loaded: the registries in core/backend/ never name core/cpu/. And the
// generic kernels (core/kernels/) register themselves as the fallback a device without kernels
// of its own gets.
#include <QtTest>

#include "backend/backend.h"
#include "backend/layer_kernels.h"
#include "backend/rnn_kernels.h"
#include "cpu/cpu_backend.h"
#include "cpu/cpu_layer_kernels.h"
#include "cpu/cpu_rnn.h"
#include "tensor/creation.h"

using namespace nw;

class TestCpuRegistration : public QObject {
  Q_OBJECT

 private slots:
  void cpuServesItsOwnDevice() {
    QCOMPARE(&backend_for(kCPU), &cpu_backend());
    QCOMPARE(backend_for(kCPU).name(), std::string("cpu"));
    QCOMPARE(&layer_kernels_for(kCPU), &cpu_layer_kernels());
    QCOMPARE(&rnn_kernels_for(kCPU), &cpu::cpu_rnn_kernels());
    QCOMPARE(ones({3}).sum().item(), 3.0);
  }

  // Withdrawing the CPU's own kernels leaves the registered fallback, built from tensor ops;
  // registering them again restores them.
  void withdrawnKernelsFallBackToTheGenericOnes() {
    register_layer_kernels(DeviceType::CPU, nullptr);
    register_rnn_kernels(DeviceType::CPU, nullptr);
    const std::string layer_name = layer_kernels_for(kCPU).name();
    const bool rnn_is_cpu = &rnn_kernels_for(kCPU) == &cpu::cpu_rnn_kernels();
    register_layer_kernels(DeviceType::CPU, &cpu_layer_kernels());
    register_rnn_kernels(DeviceType::CPU, &cpu::cpu_rnn_kernels());
    QCOMPARE(layer_name, std::string("generic"));
    QVERIFY(!rnn_is_cpu);
    QCOMPARE(layer_kernels_for(kCPU).name(), std::string("cpu"));
    QCOMPARE(&rnn_kernels_for(kCPU), &cpu::cpu_rnn_kernels());
  }
};

QTEST_APPLESS_MAIN(TestCpuRegistration)
#include "tst_cpu_registration.moc"
