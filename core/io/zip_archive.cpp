#include "io/zip_archive.h"

#include <zip.h>

#include "io/io_error.h"

namespace nw::io {

namespace {

// Deflate cannot expand data more than about 1032 times; a larger claim is a zip bomb or damage.
constexpr uint64_t kMaxDeflateRatio = 1100;

}  // namespace

ZipArchive::ZipArchive(const std::filesystem::path& path) : file_(path.string()) {
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  if (ec) fail("", "cannot be read (" + ec.message() + "); check the path");
  int error = 0;
  archive_ = zip_open(file_.c_str(), ZIP_RDONLY, &error);
  if (!archive_) {
    zip_error_t z;
    zip_error_init_with_code(&z, error);
    const std::string why = zip_error_strerror(&z);
    zip_error_fini(&z);
    fail("", "is not a readable zip archive (" + why +
                 "); a PyTorch weight file written by torch.save is one, so this one is "
                 "truncated or damaged");
  }
}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

void ZipArchive::fail(const std::string& where, const std::string& message) const {
  throw CheckpointError(file_, {Problem{where, message}});
}

std::vector<std::string> ZipArchive::names() const {
  std::vector<std::string> out;
  const zip_int64_t n = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < n; ++i)
    if (const char* name = zip_get_name(archive_, zip_uint64_t(i), 0)) out.emplace_back(name);
  return out;
}

bool ZipArchive::has(const std::string& name) const {
  return zip_name_locate(archive_, name.c_str(), 0) >= 0;
}

std::optional<uint64_t> ZipArchive::size(const std::string& name) const {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(archive_, name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    return std::nullopt;
  return st.size;
}

std::string ZipArchive::read(const std::string& name, uint64_t max_bytes) const {
  const std::string where = "zip entry '" + name + "'";
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(archive_, name.c_str(), 0, &st) != 0) fail(where, "missing; the file is damaged");
  const uint64_t bytes = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  if (bytes > max_bytes)
    fail(where, "holds " + std::to_string(bytes) + " bytes, more than the " +
                    std::to_string(max_bytes) + " it may hold; the file is damaged");
  const uint64_t packed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  const bool stored = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
  if (packed > file_size_ || (stored ? bytes > packed : bytes / kMaxDeflateRatio > packed))
    fail(where, "claims " + std::to_string(bytes) + " bytes from " + std::to_string(packed) +
                    " stored ones in a file of " + std::to_string(file_size_) +
                    "; the file is truncated or damaged");
  zip_file_t* f = zip_fopen(archive_, name.c_str(), 0);
  if (!f)
    fail(where,
         std::string("cannot be opened (") + zip_strerror(archive_) + "); the file is damaged");
  std::string out(bytes, '\0');
  uint64_t done = 0;
  bool failed = false;
  while (done < bytes) {
    const zip_int64_t got = zip_fread(f, out.data() + done, bytes - done);
    if (got <= 0) {
      failed = true;
      break;
    }
    done += uint64_t(got);
  }
  char extra = 0;  // reading past the end makes libzip check the CRC
  if (!failed && zip_fread(f, &extra, 1) != 0) failed = true;
  const std::string why = failed ? zip_error_strerror(zip_file_get_error(f)) : "";
  zip_fclose(f);
  if (failed)
    fail(where, "cannot be read whole (" + why + " after " + std::to_string(done) + " of " +
                    std::to_string(bytes) + " bytes); the file is truncated or damaged");
  return out;
}

}  // namespace nw::io
