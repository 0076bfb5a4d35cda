#pragma once
// Shared by the optim tests: what tests/fixtures/make_optim_fixtures.py writes into optim.h5
// beyond the common case format (tests/fixtures/README.md). Pairing the file's cases with a
// test's table is support/parity.h's ParityFixture, with the test's prefix.
#include <hdf5.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/parity.h"
#include "tensor/creation.h"

namespace nw::test {

inline constexpr const char* kOptimFixtureFile = "optim.h5";

// The space-separated words of the string attribute `attr` of /cases/<name>.
inline std::vector<std::string> case_attribute_words(const std::string& name,
                                                     const std::string& attr) {
  const std::string path = fixture_path(kOptimFixtureFile);
  const std::string where = path + ":/cases/" + name + " attribute " + attr;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::string text;
  bool ok = false;
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t g = f >= 0 ? H5Gopen2(f, ("cases/" + name).c_str(), H5P_DEFAULT) : -1;
  const hid_t a =
      g >= 0 && H5Aexists(g, attr.c_str()) > 0 ? H5Aopen(g, attr.c_str(), H5P_DEFAULT) : -1;
  const hid_t ftype = a >= 0 ? H5Aget_type(a) : -1;
  if (ftype >= 0 && H5Tis_variable_str(ftype) > 0) {
    const hid_t mtype = H5Tcopy(H5T_C_S1);
    H5Tset_size(mtype, H5T_VARIABLE);
    H5Tset_cset(mtype, H5Tget_cset(ftype));
    char* buf = nullptr;
    ok = H5Aread(a, mtype, &buf) >= 0;
    if (ok && buf) text = buf;
    if (buf) H5free_memory(buf);
    H5Tclose(mtype);
  } else if (ftype >= 0) {
    text.resize(H5Tget_size(ftype));
    ok = H5Aread(a, ftype, text.data()) >= 0;
    text = text.c_str();  // drop the padding
  }
  if (ftype >= 0) H5Tclose(ftype);
  if (a >= 0) H5Aclose(a);
  if (g >= 0) H5Gclose(g);
  if (f >= 0) H5Fclose(f);
  if (!ok)
    throw FixtureError(where +
                       " is missing; run /usr/bin/python3 tests/fixtures/make_optim_fixtures.py");
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Elementwise-equal copy of `x` whose storage is strided (every other element of a buffer twice
// as long in the last dimension), so optimizers and clipping take their tensor-op path.
inline Tensor strided_copy(const Tensor& x) {
  Shape wide = x.sizes();
  wide.back() *= 2;
  Tensor buf = zeros(wide, x.dtype());
  Tensor view = buf.slice(x.dim() - 1, 0, std::nullopt, 2);
  view.copy_(x);
  return view;
}

}  // namespace nw::test
