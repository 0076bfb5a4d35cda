// Which RnnKernels serve a device: the CPU's always, a plugin's once it registers them, and the
// generic kernels (device-neutral tensor ops) on a device whose plugin has none.
#include <array>
#include <atomic>

#include "backend/backend.h"
#include "backend/generic_rnn_kernels.h"
#include "backend/rnn_kernels.h"
#include "cpu/cpu_rnn.h"

namespace nw {

namespace {
std::array<std::atomic<RnnKernels*>, 2>& registry() {
  static std::array<std::atomic<RnnKernels*>, 2> r{};
  return r;
}
}  // namespace

void register_rnn_kernels(DeviceType type, RnnKernels* kernels) {
  registry()[size_t(type)].store(kernels);
}

RnnKernels& rnn_kernels_for(const Device& device) {
  if (device.is_cpu()) return cpu::cpu_rnn_kernels();
  backend_for(device);  // an unusable CUDA device gets the backend's own explanation
  RnnKernels* k = registry()[size_t(device.type())].load();
  // TODO: fused cuDNN kernels (issue 6); until a plugin registers them, the generic kernels run
  // each step as a GEMM plus a few elementwise kernels on the device's own backend.
  return k ? *k : generic_rnn_kernels();
}

}  // namespace nw
