#pragma once
// What the status bar and the device selector say about where training runs: the CPU with its
// thread count, the CUDA device, or why CUDA cannot be used. NOTE: the first call loads the CUDA
// plugin (nw::cuda_status), which can take a moment on a GPU machine; call it after the window
// is shown.
#include <QString>

namespace nw::gui {

struct DeviceText {
  QString label;    // short, for the status bar: "CPU · 8 threads", "CUDA · NVIDIA H100 ..."
  QString tooltip;  // the whole story: every CUDA device, or why CUDA is unavailable
};

// choice: "auto", "cpu" or "cuda" (the device selector's value).
DeviceText describe_device(const QString& choice);
bool cuda_usable();
QString cuda_unavailable_reason();  // empty when CUDA is usable

}  // namespace nw::gui
