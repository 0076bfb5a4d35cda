#include "data/file_bytes.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "data/data_error.h"

namespace nw::data {

namespace {

std::vector<uint8_t> read_raw(const std::string& path, const char* who) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f)
    throw DataError(std::string(who) + ": cannot open '" + path + "': " + std::strerror(errno) +
                    "; check the path");
  std::vector<uint8_t> out;
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(f.get());
    if (size > 0) out.reserve(size_t(size));
    std::fseek(f.get(), 0, SEEK_SET);
  }
  uint8_t chunk[1 << 16];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, f.get())) > 0)
    out.insert(out.end(), chunk, chunk + got);
  if (std::ferror(f.get()))
    throw DataError(std::string(who) + ": reading '" + path + "' failed after " +
                    std::to_string(out.size()) + " bytes: " + std::strerror(errno));
  return out;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in, const std::string& path,
                            const char* who) {
  const std::string where = std::string(who) + ": '" + path + "' ";
  std::vector<uint8_t> out;
  // The gzip trailer holds the decompressed size modulo 2^32: a good first guess.
  if (in.size() >= 18) {
    const uint8_t* t = in.data() + in.size() - 4;
    const size_t hint = size_t(t[0]) | size_t(t[1]) << 8 | size_t(t[2]) << 16 | size_t(t[3]) << 24;
    if (hint / 1100 <= in.size()) out.reserve(hint);  // deflate cannot compress beyond ~1032:1
  }
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK)
    throw DataError(where + "cannot be decompressed: zlib failed to start");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, &inflateEnd);
  size_t consumed = 0;
  for (;;) {
    const size_t in_chunk = std::min<size_t>(in.size() - consumed, size_t(1) << 30);
    zs.next_in = const_cast<Bytef*>(in.data() + consumed);
    zs.avail_in = uInt(in_chunk);
    if (out.capacity() - out.size() < (size_t(1) << 16))
      out.reserve(std::max(out.capacity() * 2, out.size() + (size_t(1) << 20)));
    const size_t before = out.size();
    out.resize(out.capacity());
    zs.next_out = out.data() + before;
    zs.avail_out = uInt(std::min<size_t>(out.size() - before, size_t(1) << 30));
    const uInt avail_out_before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(before + (avail_out_before - zs.avail_out));
    consumed += in_chunk - zs.avail_in;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members decompress back to back, as gzip -d does.
      if (consumed + 2 <= in.size() && in[consumed] == 0x1f && in[consumed + 1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      return out;
    }
    if (rc == Z_DATA_ERROR)
      throw DataError(where + "is a corrupt gzip file (" + (zs.msg ? zs.msg : "bad data") +
                      " at compressed byte " + std::to_string(consumed) + "); download it again");
    if (rc == Z_MEM_ERROR) throw DataError(where + "cannot be decompressed: out of memory");
    if (rc == Z_BUF_ERROR && consumed == in.size())
      throw DataError(where + "is a truncated gzip file: the compressed data ends after " +
                      std::to_string(in.size()) + " bytes (" + std::to_string(out.size()) +
                      " bytes decompressed) before the end of the stream; download it again");
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      throw DataError(where + "cannot be decompressed: zlib error " + std::to_string(rc));
  }
}

}  // namespace

FileBytes read_file_bytes(const std::string& path, const char* who) {
  FileBytes r;
  std::vector<uint8_t> raw = read_raw(path, who);
  r.file_size = raw.size();
  r.gzipped = raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
  r.bytes = r.gzipped ? gunzip(raw, path, who) : std::move(raw);
  return r;
}

}  // namespace nw::data
