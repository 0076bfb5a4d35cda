// The checkpoint reader on arbitrary bytes (an HDF5 file, as a damaged or foreign file would be):
// each input is read or refused with nw::Error (a CheckpointError naming the HDF5 path).
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "io/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = nw::fuzz::input_file(data, size, ".h5");
  try {
    (void)nw::io::read_checkpoint(path);
  } catch (const nw::Error&) {
  }
  return 0;
}
