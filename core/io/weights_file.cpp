#include "io/weights_file.h"

#include "io/torch_weights.h"

namespace nw::io {

Checkpoint read_weights_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || !is_torch_weights_file(path))
    return read_checkpoint(path);
  Checkpoint c;
  c.model = read_torch_weights(path);
  return c;
}

}  // namespace nw::io
