#pragma once
// The checkpoint files of one run folder: "epoch_0003.h5" after an epoch,
// "epoch_0003_batch_00120.h5" when stopped inside epoch 3, and "best.h5". Older numbered
// checkpoints beyond keep_last are removed; best.h5 is kept.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace nw::train {

class RunFiles {
 public:
  RunFiles(std::filesystem::path dir, int64_t keep_last) : dir_(std::move(dir)), keep_(keep_last) {}
  bool enabled() const { return !dir_.empty(); }
  const std::filesystem::path& dir() const { return dir_; }

  // epoch: 1-based epoch the checkpoint belongs to; batch > 0 for a mid-epoch stop.
  std::filesystem::path numbered(int64_t epoch, int64_t batch) const;
  std::filesystem::path best() const { return dir_ / "best.h5"; }
  // Creates the folder and removes temporary files a killed run left behind (".best.h5.*.tmp",
  // ".run.json.*.tmp").
  void prepare() const;
  // Records a numbered checkpoint just written and removes the oldest beyond keep_last.
  void written(const std::filesystem::path& p);

 private:
  std::filesystem::path dir_;
  int64_t keep_;
  std::vector<std::filesystem::path> numbered_;
};

}  // namespace nw::train
