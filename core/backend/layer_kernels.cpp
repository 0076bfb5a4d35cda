// Which LayerKernels serve a device: the CPU's always; a GPU's own once its plugin registers them,
// and until then the generic kernels built from the device's tensor ops.
#include "backend/layer_kernels.h"

#include <array>
#include <atomic>

#include "backend/backend.h"
#include "backend/generic_layer_kernels.h"
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
  if (device.is_cpu()) {
    // Registering for the CPU replaces its kernels (tests run the generic ones end to end so).
    LayerKernels* k = registry()[size_t(DeviceType::CPU)].load();
    return k ? *k : cpu_layer_kernels();
  }
  // An unusable CUDA device gets backend_for's own explanation (no driver, no plugin, ...).
  backend_for(device);
  LayerKernels* k = registry()[size_t(device.type())].load();
  // No kernels of its own (CUDA until cuDNN, issue 6): the generic ones, which need nothing but
  // the tensor ops every Backend has.
  if (!k) return generic_layer_kernels();
  return *k;
}

}  // namespace nw
