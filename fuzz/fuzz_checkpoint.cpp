// The weight-file readers on arbitrary bytes: an HDF5 checkpoint or a PyTorch .pt (zip or legacy
// pickle stream), told apart by content as --init and Import Weights tell them: each input is read
// or refused with nw::Error (a CheckpointError naming the HDF5 path, zip entry or pickle byte).
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "io/weights_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = nw::fuzz::input_file(data, size, ".h5");
  try {
    (void)nw::io::read_weights_file(path);
  } catch (const nw::Error&) {
  }
  return 0;
}
