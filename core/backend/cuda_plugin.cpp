#include "backend/cuda_plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace nw {

namespace {

void* plugin_handle = nullptr;  // set once by load(), under cuda_status()'s once_flag

std::string executable_dir() {
  std::vector<char> buf(4096);
  ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return {};
  std::string path(buf.data(), size_t(n));
  return path.substr(0, path.find_last_of('/'));
}

std::string library_dir_of_core() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuda_status), &info) == 0 || !info.dli_fname) return {};
  std::string path(info.dli_fname);
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

CudaStatus load() {
  CudaStatus st;
  const char* name = "libnetwright_cuda.so";
  // Beside the core library and the executable first (the build tree), then the core's private
  // plugin folder (installed: /usr/lib/<triplet>/netwright, the netwright-cuda package); then
  // the dynamic linker's own search (LD_LIBRARY_PATH, rpath, system paths).
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("NETWRIGHT_CUDA_PLUGIN")) candidates.emplace_back(env);
  const std::string core_dir = library_dir_of_core();
  for (const auto& dir :
       {core_dir, executable_dir(), core_dir.empty() ? core_dir : core_dir + "/netwright"}) {
    std::string path = dir + "/" + name;
    if (!dir.empty() && std::find(candidates.begin(), candidates.end(), path) == candidates.end())
      candidates.push_back(path);
  }
  candidates.emplace_back(name);

  std::string errors;
  void* handle = nullptr;
  for (const auto& c : candidates) {
    handle = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      st.library = c;
      break;
    }
    const char* e = dlerror();
    // dlerror() names the file already.
    errors += "\n  " + (e ? std::string(e) : c + ": not loadable");
  }
  if (!handle) {
    st.reason =
        "the CUDA backend library (libnetwright_cuda.so) was not found or could not be loaded:" +
        errors +
        "\nBuild Netwright with the CUDA toolkit installed (-DNETWRIGHT_WITH_CUDA=ON), or use "
        "device 'cpu'.";
    return st;
  }
  plugin_handle = handle;
  auto init = reinterpret_cast<CudaPluginInit>(dlsym(handle, kCudaPluginSymbol));
  if (!init) {
    st.reason = st.library + " has no entry point " + kCudaPluginSymbol +
                "; it is not a Netwright CUDA plugin or comes from another version. Rebuild it.";
    return st;
  }
  char why[1024] = {0};
  char devices[2048] = {0};
  st.device_count = init(kCudaPluginAbi, why, sizeof why, devices, sizeof devices);
  st.devices = devices;
  st.available = st.device_count > 0;
  if (!st.available) st.reason = why[0] ? why : "the CUDA plugin found no usable device";
  return st;
}

}  // namespace

const CudaStatus& cuda_status() {
  static std::once_flag once;
  static CudaStatus status;
  std::call_once(once, [] { status = load(); });
  return status;
}

bool cuda_is_available() {
  return cuda_status().available;
}

void* cuda_plugin_symbol(const char* name) {
  cuda_status();
  return plugin_handle ? dlsym(plugin_handle, name) : nullptr;
}

}  // namespace nw
