// The plugin's NCCL entry points (dist/nccl_bridge.h): NCCL's version, and a communicator over
// the world's ranks. Without NCCL in the toolkit the plugin still builds, and both say why not.
#include <cstdio>
#include <exception>
#include <string>

#include "backend/cuda_plugin.h"
#include "dist/communicator.h"
#ifdef NW_HAVE_NCCL
#include "nccl_communicator.h"
#endif

namespace {

void write(char* buf, int size, const std::string& text) {
  if (buf && size > 0) std::snprintf(buf, size_t(size), "%s", text.c_str());
}

bool abi_matches(int abi_version, char* why, int why_size) {
  if (abi_version == nw::kCudaPluginAbi) return true;
  write(why, why_size,
        "libnetwright_cuda.so implements plugin ABI " + std::to_string(nw::kCudaPluginAbi) +
            " but the core asks for " + std::to_string(abi_version) + "; rebuild the two together");
  return false;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int netwright_cuda_nccl_version(int abi_version,
                                                                                  char* why,
                                                                                  int why_size) {
  if (!abi_matches(abi_version, why, why_size)) return 0;
#ifdef NW_HAVE_NCCL
  int version = 0;
  if (ncclGetVersion(&version) != ncclSuccess || version == 0) {
    write(why, why_size, "ncclGetVersion failed: libnccl.so.2 is broken or missing");
    return 0;
  }
  return version;
#else
  write(why, why_size,
        "the CUDA plugin was built without NCCL: nccl.h and libnccl.so were not found with the "
        "CUDA toolkit; install NCCL there and rebuild");
  return 0;
#endif
}

extern "C" __attribute__((visibility("default"))) nw::dist::Communicator*
netwright_cuda_nccl_create(int abi_version, nw::dist::Communicator* world, int device, char* why,
                           int why_size) {
  if (!abi_matches(abi_version, why, why_size) || !world) return nullptr;
#ifdef NW_HAVE_NCCL
  try {
    return new nw::cuda::NcclCommunicator(*world, device);
  } catch (const std::exception& e) {
    write(why, why_size, e.what());
    return nullptr;
  }
#else
  (void)device;
  netwright_cuda_nccl_version(abi_version, why, why_size);
  return nullptr;
#endif
}
