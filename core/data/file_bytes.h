#pragma once
// Whole-file reads for the readers, with transparent gunzip.
#include <cstdint>
#include <string>
#include <vector>

namespace nw::data {

struct FileBytes {
  std::vector<uint8_t> bytes;  // decompressed when the file was gzipped
  bool gzipped = false;
  uint64_t file_size = 0;  // bytes on disk
};

// Reads `path`; when it starts with the gzip magic (1f 8b), returns the decompressed bytes.
// Throws DataError, naming `who` and the file, when it cannot be read or the gzip stream is
// corrupt or truncated.
FileBytes read_file_bytes(const std::string& path, const char* who);

}  // namespace nw::data
