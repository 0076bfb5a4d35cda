// Which OptimizerKernels serve a device: whatever its backend registered, else none.
#include "backend/optimizer_kernels.h"

#include <array>
#include <atomic>

namespace nw {

namespace {
std::array<std::atomic<OptimizerKernels*>, 2>& registry() {
  static std::array<std::atomic<OptimizerKernels*>, 2> r{};
  return r;
}
}  // namespace

OptimizerKernels* optimizer_kernels_for(const Device& device) {
  return registry()[size_t(device.type())].load();
}

void register_optimizer_kernels(DeviceType type, OptimizerKernels* kernels) {
  registry()[size_t(type)].store(kernels);
}

}  // namespace nw
