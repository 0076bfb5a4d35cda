#pragma once
// Training progress on the terminal: a redrawn bar with loss, accuracy, samples/s and ETA when
// standard output is a terminal, plain lines (about ten per epoch) when it is not, nothing with
// --quiet.
#include <chrono>
#include <cstdio>
#include <string>

#include "train/trainer.h"

namespace nw::cli {

class Progress {
 public:
  Progress(int64_t epochs, bool quiet);
  void batch(const train::BatchStats& b);
  void epoch(const train::EpochStats& e);
  void message(const std::string& text);  // ends a bar line first

 private:
  void end_line();
  int64_t epochs_;
  bool quiet_, tty_;
  bool bar_open_ = false;
  int64_t last_plain_ = -1;
  std::chrono::steady_clock::time_point last_draw_{}, epoch_start_{};
  double loss_sum_ = 0, acc_sum_ = 0;
  int64_t seen_ = 0, acc_seen_ = 0, current_epoch_ = 0;
};

std::string format_duration(double seconds);  // "1:05", "1:02:03"

}  // namespace nw::cli
