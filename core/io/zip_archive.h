#pragma once
// A read-only zip archive (libzip), as PyTorch's torch.save writes one: entries are read whole,
// after their sizes are checked, and every failure names the archive and the entry.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct zip;

namespace nw::io {

class ZipArchive {
 public:
  // Throws CheckpointError naming `path` when it is not a readable zip archive.
  explicit ZipArchive(const std::filesystem::path& path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  std::vector<std::string> names() const;
  bool has(const std::string& name) const;
  // The entry's uncompressed size; nullopt when it is absent.
  std::optional<uint64_t> size(const std::string& name) const;
  // The whole entry. Throws CheckpointError when it is absent, larger than `max_bytes`, claims
  // more than its compressed bytes can hold, or is truncated or fails its CRC.
  std::string read(const std::string& name, uint64_t max_bytes) const;

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& message) const;
  std::string file_;
  uint64_t file_size_ = 0;
  zip* archive_ = nullptr;
};

}  // namespace nw::io
