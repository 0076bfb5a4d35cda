#include "train/run_files.h"

#include <cstdio>
#include <system_error>

namespace nw::train {

std::filesystem::path RunFiles::numbered(int64_t epoch, int64_t batch) const {
  char name[64];
  if (batch > 0)
    std::snprintf(name, sizeof name, "epoch_%04lld_batch_%05lld.h5", static_cast<long long>(epoch),
                  static_cast<long long>(batch));
  else
    std::snprintf(name, sizeof name, "epoch_%04lld.h5", static_cast<long long>(epoch));
  return dir_ / name;
}

void RunFiles::prepare() const {
  std::filesystem::create_directories(dir_);
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 8 && name[0] == '.' &&
        (name.find(".h5.") != std::string::npos || name.starts_with(".run.json.")) &&
        name.ends_with(".tmp"))
      std::filesystem::remove(e.path(), ec);
  }
}

void RunFiles::written(const std::filesystem::path& p) {
  if (numbered_.empty() || numbered_.back() != p) numbered_.push_back(p);
  while (keep_ > 0 && static_cast<int64_t>(numbered_.size()) > keep_) {
    std::error_code ec;  // a checkpoint already removed by hand is not an error
    std::filesystem::remove(numbered_.front(), ec);
    numbered_.erase(numbered_.begin());
  }
}

}  // namespace nw::train
