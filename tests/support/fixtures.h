#pragma once
// Reads the PyTorch reference cases that tests/fixtures/make_fixtures.py writes into HDF5 files
// (format: tests/fixtures/README.md), and compares tensors with a stated tolerance.
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace nw::test {

struct FixtureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One case group /cases/<name>. Vectors are indexed like the datasets (in0, in1, ...); an entry is
// undefined where the file has no such dataset (no gradient for an integer input, no upstream
// gradient for an index output).
struct FixtureCase {
  std::string name;
  std::vector<Tensor> inputs;        // in0, in1, ...
  std::vector<Tensor> outputs;       // `out`, or out0, out1, ... when multi_output
  std::vector<Tensor> grad_outputs;  // gout / gout<k>, one per output
  std::vector<Tensor> grads;         // grad<i>, one per input
  bool multi_output = false;
  bool has_grads() const;
};

// NW_FIXTURE_DIR/<file>; throws FixtureError, saying how to make the file, when it is missing.
std::string fixture_path(const std::string& file);
// The case names under /cases, sorted.
std::vector<std::string> list_fixture_cases(const std::string& file);
FixtureCase load_fixture_case(const std::string& file, const std::string& name);

// Elementwise |actual - expected| <= atol + rtol * |expected|, after checking that the shapes
// and dtypes are identical. Integer and bool tensors must match exactly (pass 0, 0). NaNs match
// NaNs, infinities match infinities of the same sign. On a mismatch, `why` names the worst
// element, both values and the bound.
bool tensors_close(const Tensor& actual, const Tensor& expected, double atol, double rtol,
                   std::string* why);

// "[1, 2]": the position of row-major element `flat` in a tensor of `shape`.
std::string element_str(int64_t flat, const Shape& shape);

// The bound tst_torch_parity uses for a dtype: float32 1e-6 + 1e-5 |b|, float64 1e-12 + 1e-10 |b|,
// exact for the rest.
struct Tolerance {
  double atol = 0;
  double rtol = 0;
};
Tolerance parity_tolerance(DType t);

// Every parity test pairs the cases of its fixture file with its C++ case table (a map from
// name). unpaired_cases lists each name found on one side only ("" when they pair up);
// all_case_names is the union, sorted: the rows of the test's _data table.
template <typename Table>
std::string unpaired_cases(const std::vector<std::string>& file_cases, const Table& table) {
  const std::set<std::string> in_file(file_cases.begin(), file_cases.end());
  std::string missing;
  for (const std::string& name : in_file)
    if (!table.count(name)) missing += "\n  no C++ case for fixture case " + name;
  for (const auto& entry : table)
    if (!in_file.count(entry.first)) missing += "\n  no fixture case for C++ case " + entry.first;
  return missing;
}

template <typename Table>
std::vector<std::string> all_case_names(const std::vector<std::string>& file_cases,
                                        const Table& table) {
  std::set<std::string> names(file_cases.begin(), file_cases.end());
  for (const auto& entry : table) names.insert(entry.first);
  return {names.begin(), names.end()};
}

}  // namespace nw::test
