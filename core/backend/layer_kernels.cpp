// Which LayerKernels serve a device: the CPU's always, a GPU's once its plugin registers them.
#include "backend/layer_kernels.h"

#include <array>
#include <atomic>

#include "backend/backend.h"
#include "cpu/cpu_layer_kernels.h"

namespace nw {

namespace {
std::array<std::atomic<LayerKernels*>, 2>& registry() {
  static std::array<std::atomic<LayerKernels*>, 2> r{};
  return r;
}
}  // namespace

void register_layer_kernels(DeviceType type, LayerKernels* kernels) {
  registry()[size_t(type)].store(kernels);
}

LayerKernels& layer_kernels_for(const Device& device) {
  if (device.is_cpu()) return cpu_layer_kernels();
  // An unusable CUDA device gets backend_for's own explanation (no driver, no plugin, ...).
  backend_for(device);
  LayerKernels* k = registry()[size_t(device.type())].load();
  if (!k)
    throw DeviceError("device " + device.str() +
                      ": convolution, pooling and batch-norm kernels are not available on CUDA "
                      "yet (the cuDNN kernels arrive with issue 6); keep networks with Conv, "
                      "Pool or BatchNorm layers on device 'cpu'");
  return *k;
}

}  // namespace nw
