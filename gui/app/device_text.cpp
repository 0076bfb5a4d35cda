#include "app/device_text.h"

#include <QObject>

#include "backend/cuda_plugin.h"
#include "cpu/threads.h"

namespace nw::gui {
namespace {

QString cpu_label() {
  const int n = nw::get_num_threads();
  return n == 1 ? QObject::tr("CPU · 1 thread") : QObject::tr("CPU · %1 threads").arg(n);
}

QString first_line(const std::string& text) {
  return QString::fromStdString(text).section('\n', 0, 0).trimmed();
}

}  // namespace

bool cuda_usable() {
  return nw::cuda_status().available;
}

QString cuda_unavailable_reason() {
  const CudaStatus& s = nw::cuda_status();
  if (s.available) return {};
  return s.reason.empty() ? QObject::tr("no CUDA device") : QString::fromStdString(s.reason);
}

DeviceText describe_device(const QString& choice) {
  const CudaStatus& s = nw::cuda_status();
  const QString devices = QString::fromStdString(s.devices).trimmed();
  if (choice != "cpu" && s.available) {
    const QString name = first_line(s.devices);
    return {QObject::tr("CUDA · %1").arg(name.isEmpty() ? QObject::tr("device 0") : name), devices};
  }
  if (choice == "cuda")  // asked for and not there: training will refuse to start
    return {QObject::tr("CUDA unavailable"), cuda_unavailable_reason()};
  QString tooltip =
      QObject::tr("Training runs on the CPU with %1 threads.").arg(nw::get_num_threads());
  if (!s.available) tooltip += "\n" + QObject::tr("CUDA: %1").arg(cuda_unavailable_reason());
  return {cpu_label(), tooltip};
}

}  // namespace nw::gui
