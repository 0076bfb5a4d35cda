// The entry point the core calls after dlopen("libnetwright_cuda.so"): finds the usable devices,
// describes them, and registers the CUDA backend; or says why CUDA cannot be used.
#include <cuda_runtime_api.h>

#include <cctype>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>

#include "backend/cuda_plugin.h"
#include "cuda_backend.h"
#ifdef NW_HAVE_CUDNN
#include "cudnn_layer_kernels.h"
#endif

namespace nw::cuda {

namespace {

std::string version_str(int v) {  // 13000 -> "13.0"
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::string error_str(cudaError_t err) {
  return std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
}

// Whether code built for `archs` (CMAKE_CUDA_ARCHITECTURES, comma-separated) runs on compute
// capability major.minor: real (SASS) code for X.y runs on X.z with z >= y; PTX for an older or
// equal capability is JIT-compiled by the driver. Entries it cannot read ("all", "native") count as
// yes; a launch would then report a missing kernel image itself.
bool archs_cover(const std::string& archs, int major, int minor) {
  const int device = major * 10 + minor;
  std::stringstream list(archs);
  std::string entry;
  while (std::getline(list, entry, ',')) {
    size_t digits = 0;
    while (digits < entry.size() && std::isdigit(static_cast<unsigned char>(entry[digits])))
      ++digits;
    if (digits == 0) return true;
    const int arch = std::stoi(entry.substr(0, digits));
    const std::string rest = entry.substr(digits);
    const bool specific = !rest.empty() && rest[0] == 'a';  // sm_90a: that exact GPU only
    const bool real = rest.find("-virtual") == std::string::npos;
    const bool ptx = rest.find("-real") == std::string::npos;
    if (specific) {
      if (arch == device) return true;
      continue;
    }
    if (real && arch / 10 == major && arch % 10 <= minor) return true;
    if (ptx && arch <= device) return true;
  }
  return false;
}

void write(char* buf, int size, const std::string& text) {
  if (buf && size > 0) std::snprintf(buf, size_t(size), "%s", text.c_str());
}

int init(int abi_version, std::string& why, std::string& devices) {
  if (abi_version != kCudaPluginAbi) {
    why = "libnetwright_cuda.so implements plugin ABI " + std::to_string(kCudaPluginAbi) +
          " but the core asks for ABI " + std::to_string(abi_version) +
          "; the plugin comes from another Netwright build. Rebuild the two together.";
    return 0;
  }
  const std::string cuda_version = version_str(CUDART_VERSION);
  int count = 0;  // left untouched by some failures
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) cudaGetLastError();
  if (err == cudaErrorInsufficientDriver) {
    int driver = 0;
    cudaDriverGetVersion(&driver);
    why = "the NVIDIA driver is missing or older than CUDA " + cuda_version + " needs (" +
          (driver ? "the installed driver supports CUDA " + version_str(driver)
                  : std::string("no driver found")) +
          "; cudaGetDeviceCount: " + error_str(err) +
          "). Install or update the NVIDIA driver, or use device 'cpu'.";
    return 0;
  }
  if (err == cudaErrorNoDevice || (err == cudaSuccess && count == 0)) {
    why = "no CUDA device found" +
          (err != cudaSuccess ? " (cudaGetDeviceCount: " + error_str(err) + ")" : std::string()) +
          ". Check that a GPU is installed and visible (CUDA_VISIBLE_DEVICES), or use device "
          "'cpu'.";
    return 0;
  }
  if (err != cudaSuccess) {
    why = "CUDA could not be initialised (cudaGetDeviceCount: " + error_str(err) +
          "). Check the NVIDIA driver installation, or use device 'cpu'.";
    return 0;
  }

  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  int usable = 0;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    const cudaError_t perr = cudaGetDeviceProperties(&prop, i);
    if (perr != cudaSuccess) {
      cudaGetLastError();
      devices +=
          "cuda:" + std::to_string(i) + ": properties unavailable (" + error_str(perr) + ")\n";
      break;
    }
    char mem[32];
    std::snprintf(mem, sizeof mem, "%.1f GiB", double(prop.totalGlobalMem) / double(1u << 30));
    const std::string cc = std::to_string(prop.major) + "." + std::to_string(prop.minor);
    const bool supported = archs_cover(NW_CUDA_ARCHITECTURES, prop.major, prop.minor);
    devices += "cuda:" + std::to_string(i) + ": " + prop.name + ", " + mem +
               ", compute capability " + cc + ", CUDA runtime " + version_str(runtime) +
               ", driver " + version_str(driver) +
               (supported ? "" : " (not supported by this build)") + "\n";
    // Devices are numbered cuda:0..N-1, so counting stops at the first unsupported one.
    if (supported && usable == i) ++usable;
    if (!supported && usable == i)
      why = "cuda:" + std::to_string(i) + " (" + prop.name + ", compute capability " + cc +
            ") cannot run this build's kernels, which were compiled for CUDA architectures " +
            NW_CUDA_ARCHITECTURES +
            "; reconfigure with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(prop.major) +
            std::to_string(prop.minor) + " and rebuild.";
  }
  if (usable == 0) {
    if (why.empty()) why = "no usable CUDA device: " + devices;
    return 0;
  }
  // Never destroyed: storages freed during static destruction still call into it.
  static CudaBackend* backend = new CudaBackend;
  register_backend(DeviceType::CUDA, backend);
#ifdef NW_HAVE_CUDNN
  // Without cuDNN (a build whose toolkit lacks it) CUDA keeps the generic layer kernels, and
  // `netwright-cli devices` names them.
  register_cudnn_layer_kernels();
#endif
  return usable;
}

}  // namespace

}  // namespace nw::cuda

extern "C" __attribute__((visibility("default"))) int netwright_cuda_plugin_init(
    int abi_version, char* why, int why_size, char* devices, int devices_size) {
  std::string reason, listing;
  int count = 0;
  try {
    count = nw::cuda::init(abi_version, reason, listing);
  } catch (const std::exception& e) {
    reason = std::string("the CUDA plugin failed to start: ") + e.what();
    count = 0;
  }
  nw::cuda::write(why, why_size, reason);
  nw::cuda::write(devices, devices_size, listing);
  return count;
}
