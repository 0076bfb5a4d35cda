#pragma once
// Writing files so that a crash or a kill at any moment leaves either the old file or the new
// one, never a partial file: write a temporary file beside the target, flush it to disk, then
// rename it over the target (rename is atomic within one file system).
#include <filesystem>
#include <functional>
#include <string_view>

namespace nw::io {

// Writes `bytes` to `path` atomically. Throws nw::Error naming the path and the system's reason.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// For writers that need a file name (HDF5): `write(tmp)` writes the temporary file, which is then
// synced and renamed to `path`. On any exception the temporary file is removed.
void write_atomic_with(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& tmp)>& write);

}  // namespace nw::io
