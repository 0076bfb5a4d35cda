#include "io/h5_heap_check.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

namespace nw::io::h5 {

namespace {

uint64_t little_endian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The collection at `at` (its "GCOL" signature), as the HDF5 file format specification lays it
// out with 8-byte lengths: signature, version 1, 3 reserved bytes, the collection's size, then
// objects of (index: 2, references: 2, reserved: 4, size: 8, data padded to 8 bytes) up to the
// free-space object, index 0.
std::string check_collection(std::ifstream& in, uint64_t at, uint64_t file_size) {
  unsigned char head[16];
  in.clear();
  in.seekg(std::streamoff(at));
  if (!in.read(reinterpret_cast<char*>(head), 16)) return {};
  if (head[4] != 1 || head[5] != 0 || head[6] != 0 || head[7] != 0) return {};  // not a heap
  const uint64_t size = little_endian(head + 8, 8);
  if (size < 16 || size > file_size - at)
    return "a global heap collection at byte " + std::to_string(at) + " declares " +
           std::to_string(size) + " bytes, past the end of the file";
  std::vector<unsigned char> c(size);
  in.seekg(std::streamoff(at));
  if (!in.read(reinterpret_cast<char*>(c.data()), std::streamsize(size))) return {};
  // libhdf5 walks the objects as below: a size that overruns the collection makes it copy past
  // its buffer, and a free-space object (index 0) of size 0 never moves it on (it hangs).
  for (uint64_t p = 16; p + 16 <= size;) {
    const bool free_space = little_endian(&c[p], 2) == 0;
    const uint64_t object = little_endian(&c[p + 8], 8);
    const uint64_t room = size - p;
    if (free_space ? object < 16 || object > room : object > room - 16)
      return std::string("a global heap ") + (free_space ? "free-space record" : "object") +
             " at byte " + std::to_string(at + p) + " declares " + std::to_string(object) +
             " bytes in a collection of " + std::to_string(size);
    p += free_space ? object : 16 + (object + 7) / 8 * 8;
  }
  return {};
}

}  // namespace

std::string damaged_global_heap(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (!in || ec) return {};
  constexpr size_t kBlock = size_t(1) << 20;
  std::vector<char> block(kBlock + 3);
  uint64_t offset = 0;  // of block[0] in the file
  size_t kept = 0;      // bytes carried over from the previous block (a signature across blocks)
  while (true) {
    in.clear();
    in.seekg(std::streamoff(offset + kept));
    in.read(block.data() + kept, std::streamsize(kBlock));
    const size_t n = kept + size_t(in.gcount());
    if (n < 4) break;
    for (size_t i = 0; i + 4 <= n; ++i) {
      if (std::memcmp(&block[i], "GCOL", 4) != 0) continue;
      if (std::string bad = check_collection(in, offset + i, file_size); !bad.empty()) return bad;
    }
    if (n - kept < kBlock) break;  // the end of the file
    std::memmove(block.data(), block.data() + n - 3, 3);
    offset += n - 3;
    kept = 3;
  }
  return {};
}

}  // namespace nw::io::h5
