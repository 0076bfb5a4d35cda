#pragma once
// Finding and loading the CUDA backend plugin (libnetwright_cuda.so). The core never includes a
// CUDA header: the plugin registers its Backend when loaded (its memory through the caching
// allocator, caching_allocator.h), or the reason it could not is recorded. Built with cuDNN it
// registers its layer kernels too (gpu/cudnn_layer_kernels.h); RNNs get the fallback ones
// (core/kernels/).
#include <string>

namespace nw {

struct CudaStatus {
  bool available = false;
  int device_count = 0;
  std::string library;  // path of the plugin that was loaded, if any
  std::string reason;   // why CUDA is unavailable, with what to do about it
  std::string devices;  // a line per device from the plugin: name, memory, compute capability,
                        // CUDA runtime and driver versions
};

// Tries once per process (thread-safe) and caches the answer.
const CudaStatus& cuda_status();
bool cuda_is_available();
// A symbol the loaded plugin exports (the NCCL entry points of dist/nccl_bridge.h), or null when
// no plugin was loaded or it lacks the symbol. Loads the plugin if that was not tried yet.
void* cuda_plugin_symbol(const char* name);

// The entry point a plugin exports (extern "C"). It returns the number of usable devices and
// registers its backend, or returns 0 and writes the reason into `why`.
using CudaPluginInit = int (*)(int abi_version, char* why, int why_size, char* devices,
                               int devices_size);
// 2: the plugin also implements dist::Communicator (NCCL), so core and plugin must agree on it.
inline constexpr int kCudaPluginAbi = 2;
inline constexpr const char* kCudaPluginSymbol = "netwright_cuda_plugin_init";

}  // namespace nw
