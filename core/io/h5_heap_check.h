#pragma once
// A check of an HDF5 file's global heap collections before libhdf5 reads them. Strings written by
// h5py (and any variable-length value) live in such collections. NOTE: Debian's libhdf5 1.10.8
// trusts the size each heap object declares and copies that many bytes when the value is read,
// so a damaged size crashes the reader, and it walks a collection by those sizes, so a free-space
// record of size 0 hangs it (both found by fuzz/fuzz_checkpoint). The check refuses such a file
// first.
#include <filesystem>
#include <string>

namespace nw::io::h5 {

// "" when every global heap collection in the file is consistent; otherwise what is damaged and
// where ("a global heap object at byte 2312 declares 72057594037927936 bytes in a collection of
// 4096"). Reads the file once, in blocks. Heap collections start with "GCOL", version 1.
std::string damaged_global_heap(const std::filesystem::path& path);

}  // namespace nw::io::h5
