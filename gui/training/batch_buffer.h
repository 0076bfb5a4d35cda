#pragma once
// Batch points handed from the training thread to the GUI thread. The trainer appends after
// every batch (cheap: a lock and a push); the GUI takes what has gathered once per frame, so a
// fast run delivers one signal per frame instead of thousands of queued events.
#include <QVector>

#include <mutex>

#include "training/training_types.h"

namespace nw::gui {

class BatchBuffer {
 public:
  void push(const BatchPoint& p);
  // Everything gathered so far, oldest first; empties the buffer.
  QVector<BatchPoint> take_all();
  // The points up to and including global step `last_step` (an epoch's end), leaving later ones.
  QVector<BatchPoint> take_until(int64_t last_step);
  void clear();

 private:
  std::mutex mutex_;
  QVector<BatchPoint> points_;
};

}  // namespace nw::gui
