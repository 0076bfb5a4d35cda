#include "evaluation/sample_thumbnail.h"

#include <algorithm>
#include <vector>

namespace nw::gui {

bool is_image_sample(const Tensor& data) {
  return data.defined() && data.dim() == 3 && (data.size(0) == 1 || data.size(0) == 3) &&
         data.size(1) > 0 && data.size(2) > 0;
}

QImage sample_thumbnail(const Tensor& data, int size) {
  if (!is_image_sample(data)) return {};
  const int c = int(data.size(0)), h = int(data.size(1)), w = int(data.size(2));
  const std::vector<float> v = data.to_vector<float>();
  const auto [lo_it, hi_it] = std::minmax_element(v.begin(), v.end());
  const float lo = *lo_it, span = std::max(*hi_it - lo, 1e-12f);
  const auto byte = [&](size_t i) { return int(255.0f * (v[i] - lo) / span + 0.5f); };
  QImage img(w, h, QImage::Format_RGB32);
  const size_t plane = size_t(h) * size_t(w);
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * size_t(w) + size_t(x);
      line[x] = c == 1 ? qRgb(byte(i), byte(i), byte(i))
                       : qRgb(byte(i), byte(plane + i), byte(2 * plane + i));
    }
  }
  return img.scaled(size, size, Qt::KeepAspectRatio, Qt::FastTransformation);
}

}  // namespace nw::gui
