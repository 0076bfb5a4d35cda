// Which LayerKernels serve a device: the ones its backend registered (the CPU's register
// themselves in core/cpu/, a GPU plugin's when it loads), and otherwise the fallback that a
// higher layer registered (core/kernels/: built from the device's tensor ops). This file names
// neither: the registry sits below both.
#include "backend/layer_kernels.h"

#include <array>
#include <atomic>

#include "backend/backend.h"

namespace nw {

namespace {
std::array<std::atomic<LayerKernels*>, 2>& registry() {
  static std::array<std::atomic<LayerKernels*>, 2> r{};
  return r;
}
std::atomic<LayerKernels*>& fallback() {
  static std::atomic<LayerKernels*> f{nullptr};
  return f;
}
}  // namespace

void register_layer_kernels(DeviceType type, LayerKernels* kernels) {
  registry()[size_t(type)].store(kernels);
}

void register_fallback_layer_kernels(LayerKernels* kernels) {
  fallback().store(kernels);
}

LayerKernels& layer_kernels_for(const Device& device) {
  // An unusable CUDA device gets backend_for's own explanation (no driver, no plugin, ...).
  if (!device.is_cpu()) backend_for(device);
  if (LayerKernels* k = registry()[size_t(device.type())].load()) return *k;
  // No kernels of its own (CUDA until cuDNN, issue 19): the fallback, which needs nothing but
  // the tensor ops every Backend has.
  if (LayerKernels* k = fallback().load()) return *k;
  throw DeviceError("device " + device.str() +
                    " has no layer kernels and none were registered as the fallback; "
                    "core/kernels/ registers them when netwright_core loads, so this build "
                    "of netwright_core is incomplete");
}

}  // namespace nw
