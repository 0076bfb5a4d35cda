#include "training/batch_buffer.h"

#include <algorithm>

namespace nw::gui {

void BatchBuffer::push(const BatchPoint& p) {
  std::lock_guard<std::mutex> lock(mutex_);
  points_.push_back(p);
}

QVector<BatchPoint> BatchBuffer::take_all() {
  QVector<BatchPoint> out;
  std::lock_guard<std::mutex> lock(mutex_);
  out.swap(points_);
  return out;
}

QVector<BatchPoint> BatchBuffer::take_until(int64_t last_step) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto split = std::find_if(points_.begin(), points_.end(),
                                  [last_step](const BatchPoint& p) { return p.step > last_step; });
  QVector<BatchPoint> out(points_.begin(), split);
  points_.erase(points_.begin(), split);
  return out;
}

void BatchBuffer::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  points_.clear();
}

}  // namespace nw::gui
