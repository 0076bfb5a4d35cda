#pragma once
// A corpus of malformed checkpoints, made from a good one, for the checkpoint tests and for
// running through the CLI: each must be refused with an error that names the place, never a
// crash or a half-loaded network.
#include <filesystem>
#include <string>
#include <vector>

#include "io/checkpoint.h"

namespace nw::test {

struct BadCheckpoint {
  std::string file;      // a name in the corpus folder saying what is wrong: "truncated_half.h5"
  std::string expected;  // a substring of the error that names the place or the cause
  // false: read_checkpoint refuses it. true: it reads, and loading it into the network that
  // `good` came from (io::load_model_state) refuses it.
  bool needs_network = false;
};

// Writes `good` as good.h5 into `dir` (created if needed), then at least 10 malformed files
// beside it: empty, text, truncated at several sizes, foreign HDF5, no format attribute, newer
// format, unsupported dtype, wrong shape, missing key, extra key, wrong dtype, and, when `good`
// has an optimizer state with a group, bad optimizer groups. `good.model` needs a floating
// tensor of at least one dimension. Returns what each file must fail with.
std::vector<BadCheckpoint> write_bad_checkpoints(const std::filesystem::path& dir,
                                                 const io::Checkpoint& good);

}  // namespace nw::test
