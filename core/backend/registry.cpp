// Which Backend serves a device. Each registers itself: the CPU's when netwright_core loads
// (core/cpu/register.cpp), CUDA's when its plugin is loaded on first use (cuda_plugin.cpp).
#include <array>
#include <atomic>

#include "backend/backend.h"
#include "backend/cuda_plugin.h"

namespace nw {

namespace {
std::array<std::atomic<Backend*>, 2>& registry() {
  static std::array<std::atomic<Backend*>, 2> r{};
  return r;
}
}  // namespace

void register_backend(DeviceType type, Backend* backend) {
  registry()[size_t(type)].store(backend);
}

Backend& backend_for(const Device& device) {
  if (device.is_cpu()) {
    if (Backend* cpu = registry()[size_t(DeviceType::CPU)].load()) return *cpu;
    throw DeviceError(
        "no CPU backend registered; core/cpu/ registers it when netwright_core "
        "loads, so this build of netwright_core is incomplete");
  }
  Backend* b = registry()[size_t(DeviceType::CUDA)].load();
  if (!b) {
    const CudaStatus& st = cuda_status();
    b = registry()[size_t(DeviceType::CUDA)].load();
    if (!b || !st.available)
      throw DeviceError("device " + device.str() + " requested; CUDA unavailable: " + st.reason);
  }
  if (device.index() >= cuda_status().device_count)
    throw DeviceError("device " + device.str() + " requested, but only " +
                      std::to_string(cuda_status().device_count) +
                      " CUDA device(s) exist; use cuda:0 .. cuda:" +
                      std::to_string(cuda_status().device_count - 1));
  return *b;
}

MemoryStats memory_stats(const Device& device) {
  return backend_for(device).memory_stats(device.index());
}

void empty_cache(const Device& device) {
  backend_for(device).empty_cache(device.index());
}

}  // namespace nw
