#pragma once
// The --device option the benchmark executables share: CUDA is checked before any work, and
// the device is named in the JSON so that a table can say which GPU it came from.
#include <cstdio>
#include <sstream>
#include <string>

#include "backend/cuda_plugin.h"
#include "tensor/device.h"

namespace nw::bench {

// Exit status of a benchmark asked for CUDA where CUDA cannot run: the drivers
// (compare_*.py) stop on it instead of reporting a CPU number as a GPU one.
inline constexpr int kCudaUnavailable = 3;

// False, after printing "CUDA unavailable: <reason>" to stderr, when `d` is a CUDA device
// that the plugin cannot serve.
inline bool device_usable(const Device& d) {
  if (d.is_cpu()) return true;
  const CudaStatus& st = cuda_status();
  if (st.available && d.index() < st.device_count) return true;
  std::fprintf(stderr, "CUDA unavailable: %s\n",
               st.available ? ("no device " + d.str() + "; found:\n" + st.devices).c_str()
                            : st.reason.c_str());
  return false;
}

// The plugin's line for `d` ("cuda:0: NVIDIA H100 80GB HBM3, 79.1 GiB, compute capability
// 9.0, CUDA runtime ..."), or "cpu".
inline std::string device_detail(const Device& d) {
  if (d.is_cpu()) return "cpu";
  std::istringstream lines(cuda_status().devices);
  const std::string prefix = d.str() + ": ";
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  return d.str();
}

// "cpu", or "cuda: " and the GPU's name, as torch_workloads.py writes it, so rows compare.
inline std::string device_label(const Device& d) {
  if (d.is_cpu()) return "cpu";
  std::string line = device_detail(d);
  const size_t start = line.find(": ") == std::string::npos ? 0 : line.find(": ") + 2;
  return "cuda: " + line.substr(start, line.find(',', start) - start);
}

}  // namespace nw::bench
