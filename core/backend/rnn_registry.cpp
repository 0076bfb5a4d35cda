// Which RnnKernels serve a device: the ones its backend registered (core/cpu/ registers the
// CPU's, a plugin its own), and otherwise the fallback a higher layer registered (core/kernels/:
// device-neutral tensor ops). Like layer_kernels.cpp, this file names neither.
#include <array>
#include <atomic>

#include "backend/backend.h"
#include "backend/rnn_kernels.h"

namespace nw {

namespace {
std::array<std::atomic<RnnKernels*>, 2>& registry() {
  static std::array<std::atomic<RnnKernels*>, 2> r{};
  return r;
}
std::atomic<RnnKernels*>& fallback() {
  static std::atomic<RnnKernels*> f{nullptr};
  return f;
}
}  // namespace

void register_rnn_kernels(DeviceType type, RnnKernels* kernels) {
  registry()[size_t(type)].store(kernels);
}

void register_fallback_rnn_kernels(RnnKernels* kernels) {
  fallback().store(kernels);
}

RnnKernels& rnn_kernels_for(const Device& device) {
  if (!device.is_cpu()) backend_for(device);  // an unusable device gets the backend's reason
  if (RnnKernels* k = registry()[size_t(device.type())].load()) return *k;
  // TODO: fused cuDNN kernels (issue 19); until a plugin registers them, the fallback runs each
  // step as a GEMM plus a few elementwise kernels on the device's own backend.
  if (RnnKernels* k = fallback().load()) return *k;
  throw DeviceError("device " + device.str() +
                    " has no RNN kernels and none were registered as the fallback; "
                    "core/kernels/ registers them when netwright_core loads, so this build "
                    "of netwright_core is incomplete");
}

}  // namespace nw
