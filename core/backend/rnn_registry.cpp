// Which RnnKernels serve a device: the CPU's always, a plugin's once it registers them.
#include <array>
#include <atomic>

#include "backend/backend.h"
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
  if (!k)
    throw DeviceError("LSTM/GRU on " + device.str() +
                      ": the CUDA recurrent kernels (cuDNN) are not available in this build yet; "
                      "run the recurrent layers on the CPU (module.to(nw::kCPU) and CPU inputs)");
  return *k;
}

}  // namespace nw
