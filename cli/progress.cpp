#include "progress.h"

#include <unistd.h>

#include <cmath>

namespace nw::cli {

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

Progress::Progress(int64_t epochs, bool quiet)
    : epochs_(epochs), quiet_(quiet), tty_(isatty(STDOUT_FILENO) == 1) {}

void Progress::end_line() {
  if (bar_open_) std::fputc('\n', stdout);
  bar_open_ = false;
}

void Progress::batch(const train::BatchStats& b) {
  if (quiet_) return;
  if (b.epoch != current_epoch_) {
    current_epoch_ = b.epoch;
    loss_sum_ = acc_sum_ = 0;
    seen_ = acc_seen_ = 0;
    last_plain_ = -1;
    epoch_start_ = std::chrono::steady_clock::now();
  }
  // Running means over the epoch so far, which read steadier than single batches.
  loss_sum_ += b.loss;
  ++seen_;
  if (b.accuracy) {
    acc_sum_ += *b.accuracy;
    ++acc_seen_;
  }
  const double loss = loss_sum_ / double(seen_);
  char acc[32] = "";
  if (acc_seen_)
    std::snprintf(acc, sizeof acc, "  acc %5.1f%%", 100.0 * acc_sum_ / double(acc_seen_));
  // The epoch's remaining batches at the epoch's pace so far.
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
  const double eta = double(b.batches - b.batch) * elapsed / double(std::max<int64_t>(1, seen_));
  if (tty_) {
    const auto now = std::chrono::steady_clock::now();
    if (b.batch != b.batches && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const int width = 24;
    const int filled =
        int(double(width) * double(b.batch) / double(std::max<int64_t>(1, b.batches)));
    std::string bar(size_t(filled), '#');
    bar.resize(size_t(width), '.');
    std::printf("\repoch %lld/%lld [%s] %lld/%lld  loss %.4f%s  %.0f samples/s  ETA %s   ",
                (long long)b.epoch, (long long)epochs_, bar.c_str(), (long long)b.batch,
                (long long)b.batches, loss, acc, b.samples_per_second,
                format_duration(eta).c_str());
    std::fflush(stdout);
    bar_open_ = true;
    return;
  }
  const int64_t tenth = b.batch * 10 / std::max<int64_t>(1, b.batches);
  if (tenth == last_plain_ || (tenth == 0 && b.batch != 1)) return;
  last_plain_ = tenth;
  std::printf("epoch %lld/%lld batch %lld/%lld  loss %.4f%s  %.0f samples/s  ETA %s\n",
              (long long)b.epoch, (long long)epochs_, (long long)b.batch, (long long)b.batches,
              loss, acc, b.samples_per_second, format_duration(eta).c_str());
  std::fflush(stdout);
}

void Progress::epoch(const train::EpochStats& e) {
  if (quiet_) return;
  end_line();
  std::printf("epoch %lld/%lld: train loss %.4f", (long long)e.epoch, (long long)epochs_,
              e.train_loss);
  if (e.train_accuracy) std::printf(", accuracy %.2f%%", 100.0 * *e.train_accuracy);
  if (e.val_loss) std::printf("; validation loss %.4f", *e.val_loss);
  if (e.val_accuracy) std::printf(", accuracy %.2f%%", 100.0 * *e.val_accuracy);
  std::printf(" (%s)\n", format_duration(e.seconds).c_str());
  std::fflush(stdout);
}

void Progress::message(const std::string& text) {
  if (quiet_) return;
  end_line();
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

}  // namespace nw::cli
