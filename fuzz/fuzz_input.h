#pragma once
// For the fuzz targets: the readers under test take a path, so each input is written to a file
// first, one per process (libFuzzer runs one input at a time) in /dev/shm when it exists, so that
// a run spends its time in the reader, not on the disk.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace nw::fuzz {

// `suffix` keeps the extension a reader looks at (".gz" for IDX, ".csv").
inline std::filesystem::path input_file(const uint8_t* data, size_t size,
                                        const std::string& suffix) {
  const std::filesystem::path dir =
      std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  const std::filesystem::path path =
      dir / ("netwright-fuzz-" + std::to_string(::getpid()) + suffix);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

}  // namespace nw::fuzz
