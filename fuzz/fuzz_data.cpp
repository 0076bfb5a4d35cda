// The dataset readers on arbitrary bytes. The first byte picks the reader, so one target (and one
// minute in CI) covers them all: 'I' IDX, 'Z' gzipped IDX, 'C' CSV, 'H' HDF5 features/labels.
// Each input is read or refused with nw::Error (a DataError naming the file and the place).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "data/csv.h"
#include "data/hdf5_reader.h"
#include "data/idx.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const char reader = char(data[0]);
  // NOTE: fuzz/open/data-hdf5-group-btree-null-read crashes inside libhdf5 1.10.8 (a damaged group
  // B-tree walked by H5Lvisit). Until that is fixed, CI's one-minute run sets this so that it does
  // not fail on the known crash; a run without it still finds it.
  static const bool skip_hdf5 = std::getenv("NW_FUZZ_DATA_SKIP_HDF5") != nullptr;
  if (reader == 'H' && skip_hdf5) return 0;
  const char* suffix = reader == 'Z' ? ".gz" : reader == 'C' ? ".csv" : reader == 'H' ? ".h5" : "";
  const auto path = nw::fuzz::input_file(data + 1, size - 1, suffix).string();
  try {
    switch (reader) {
      case 'I':
      case 'Z':
        (void)nw::data::read_idx(path);
        break;
      case 'C':
        (void)nw::data::read_csv(path);
        break;
      case 'H':
        (void)nw::data::read_hdf5(path);
        break;
      default:
        break;
    }
  } catch (const nw::Error&) {
  }
  return 0;
}
