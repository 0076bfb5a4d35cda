#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "tensor/errors.h"

namespace nw::io {

namespace fs = std::filesystem;

namespace {

// The system's reason, with a hint for the two failures users meet most.
std::string reason(int err, const fs::path& target) {
  std::string why = std::strerror(err);
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (err == ENOENT && !fs::is_directory(dir, ec))
    why += " (the folder '" + dir.string() + "' does not exist; create it or save elsewhere)";
  else if (err == EACCES || err == EROFS)
    why += " (no permission to write in '" + dir.string() + "'; save elsewhere)";
  return why;
}

[[noreturn]] void fail(const std::string& what, const fs::path& target, int err) {
  throw Error("cannot save '" + target.string() + "': " + what + ": " + reason(err, target));
}

// Beside the target, so that rename stays within one file system; hidden, and unique per
// process and call, so that two writers never share a temporary file.
fs::path temp_path(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = ".";
  name += target.filename().string();
  name += '.';
  name += std::to_string(::getpid());
  name += '.';
  name += std::to_string(counter++);
  name += ".tmp";
  return target.parent_path() / name;
}

void sync_file(const fs::path& tmp, const fs::path& target) {
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("reopening the temporary file", target, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) fail("flushing to disk", target, err);
}

// After the rename, the folder's entry must reach the disk too, or a crash may lose the new name.
// Best effort: some file systems refuse fsync on folders.
void sync_folder(const fs::path& target) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void write_all(const fs::path& tmp, const fs::path& target, std::string_view bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("creating a temporary file", target, errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      fail("writing", target, err);
    }
    done += size_t(n);
  }
  if (::close(fd) != 0) fail("closing the temporary file", target, errno);
}

}  // namespace

void write_atomic_with(const fs::path& path,
                       const std::function<void(const fs::path& tmp)>& write) {
  const fs::path tmp = temp_path(path);
  try {
    write(tmp);
    sync_file(tmp, path);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("renaming the temporary file", path, errno);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
  sync_folder(path);
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  write_atomic_with(path, [&](const fs::path& tmp) { write_all(tmp, path, bytes); });
}

}  // namespace nw::io
