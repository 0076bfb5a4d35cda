#include "io/block_library.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "io/atomic_file.h"

namespace nw::io {

namespace fs = std::filesystem;

fs::path default_block_dir() {
  // Qt's AppDataLocation on Linux: the XDG data home, then the organization and application.
  fs::path data_home;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && fs::path(xdg).is_absolute())
    data_home = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    data_home = fs::path(home) / ".local" / "share";
  else
    return {};
  return data_home / "Netwright" / "Netwright" / "blocks";
}

BlockLibrary::BlockLibrary(fs::path user_dir) : user_dir_(std::move(user_dir)) {
  reload();
}

void BlockLibrary::reload() {
  blocks_.clear();
  problems_.clear();
  for (const BlockFile& b : builtin_blocks()) blocks_.push_back({b, true, {}});
  std::error_code ec;
  if (user_dir_.empty() || !fs::is_directory(user_dir_, ec)) return;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(user_dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == kBlockFileExtension) files.push_back(it->path());
  if (ec)
    problems_.push_back(user_dir_.string() + ": cannot list the block library (" + ec.message() +
                        "); check the folder's permissions");
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    try {
      blocks_.push_back({load_block_file(f), false, f});
    } catch (const Error& e) {
      problems_.push_back(e.what());
    }
  }
}

const LibraryBlock* BlockLibrary::find(const std::string& name) const {
  const LibraryBlock* found = nullptr;
  for (const LibraryBlock& b : blocks_)
    if (b.block.name == name && (!found || !b.builtin)) found = &b;
  return found;
}

fs::path BlockLibrary::save(const graph::Graph& g, const std::string& name) {
  if (user_dir_.empty())
    throw Error("no folder for the block library: set XDG_DATA_HOME or HOME, or name a folder");
  const std::string text = block_file_text(g, name);  // first: a missing block writes nothing
  std::error_code ec;
  fs::create_directories(user_dir_, ec);
  if (ec)
    throw Error(user_dir_.string() + ": cannot create the block library folder (" + ec.message() +
                "); check its parent's permissions");
  const fs::path path = user_dir_ / (name + kBlockFileExtension);
  write_file_atomic(path, text);
  reload();
  return path;
}

}  // namespace nw::io
