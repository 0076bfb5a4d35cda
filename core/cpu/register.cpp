// The CPU backend registers itself, as the CUDA plugin does when it loads (gpu/plugin.cpp), so
// that the registries in backend/ never name core/cpu/: its backend, its layer, RNN and optimizer
// kernels, once, when netwright_core loads.
#include "cpu/cpu_backend.h"
#include "cpu/cpu_layer_kernels.h"
#include "cpu/cpu_rnn.h"
#include "cpu/optim_kernels.h"

namespace nw {
namespace {

const bool kRegistered = [] {
  register_backend(DeviceType::CPU, &cpu_backend());
  register_layer_kernels(DeviceType::CPU, &cpu_layer_kernels());
  register_rnn_kernels(DeviceType::CPU, &cpu::cpu_rnn_kernels());
  register_optimizer_kernels(DeviceType::CPU, &cpu::cpu_optimizer_kernels());
  return true;
}();

}  // namespace
}  // namespace nw
