#include "train/run_location.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace nw::train {

namespace fs = std::filesystem;

namespace {

// Only a definite "no" counts: a folder that does not exist yet keeps the runs beside the
// project, where creating it reports the real problem.
bool read_only(const fs::path& dir) {
  return ::access(dir.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS);
}

}  // namespace

bool under_system_prefix(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(dir, ec);
  if (ec) p = dir;
  if (p.is_relative()) p = fs::current_path(ec) / p;
  const std::string s = p.lexically_normal().generic_string() + "/";
  for (const char* prefix : {"/usr/", "/opt/"})
    if (s.rfind(prefix, 0) == 0) return true;
  return false;
}

fs::path user_data_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "netwright";
  const char* home = std::getenv("HOME");
  if (home && *home) return fs::path(home) / ".local" / "share" / "netwright";
  return {};
}

fs::path runs_parent(const fs::path& project_dir) {
  // Root may write anywhere (access() says yes under /usr too), so the prefix rule comes first.
  if (!under_system_prefix(project_dir) && !read_only(project_dir)) return project_dir;
  const fs::path user = user_data_dir();
  return user.empty() ? project_dir : user;
}

}  // namespace nw::train
