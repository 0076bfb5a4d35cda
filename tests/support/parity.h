#pragma once
// The skeleton every PyTorch-parity test shares: a fixture file (written by a make_*.py script in
// tests/fixtures/) paired by case name with the test's table of C++ twins, each case run and
// compared within tol + |ref| * eps, and every difference reported under the case's name.
//
//   const test::ParityFixture kFixture{"conv.h5", "make_conv_fixtures.py",
//   "nn/tst_conv_parity.cpp"}; initTestCase:             QVERIFY2(kFixture.load().empty(), ...)
//   tableMatchesFixtureFile:  QVERIFY2(kFixture.pairing_errors(table).empty(), ...)
//   parity_data:              one row per kFixture.row_names(table)
//   parity:                   kFixture.run_case(name, table, [](const FixtureCase& c, auto& fn) {
//                               return test::compare_with_fixture(c, fn); })
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "support/fixtures.h"

namespace nw::test {

// Appends "\n  <what>: <why>" to `errors` unless `actual` lies within tol of `expected`
// (parity_tolerance(expected.dtype()) when tol is not given). An undefined `actual` is a
// difference: nothing reached it.
void expect_close(const std::string& what, const Tensor& actual, const Tensor& expected,
                  std::string& errors, std::optional<Tolerance> tol = std::nullopt);

// One differentiable case against its fixture: fresh leaves (clones of c.inputs, requiring grad
// where PyTorch stored a gradient) go through fn; its outputs are compared with c.outputs, each
// output requires grad exactly where PyTorch stored an upstream gradient, the backward runs with
// those gradients, and each input's gradient is compared with c.grads (no gradient reaching an
// input counts as zeros, as PyTorch's None is stored). `tol` picks the bound for an expected
// tensor (parity_tolerance when empty). Returns the differences, "" when there are none.
using ParityFn = std::function<std::vector<Tensor>(std::vector<Tensor>& inputs)>;
using ToleranceFor = std::function<Tolerance(const Tensor& expected)>;
std::string compare_with_fixture(const FixtureCase& c, const ParityFn& fn,
                                 const ToleranceFor& tol = {});

class ParityFixture {
 public:
  // file: the fixture under tests/fixtures/; script: the make_*.py that writes it; test: the
  // test's source under tests/core/, named in the messages that say what to edit; prefix: only
  // the file's cases whose names start with it are this test's (optim.h5 holds "opt_",
  // "sched_" and "clip_" cases).
  ParityFixture(std::string file, std::string script, std::string test, std::string prefix = {});

  const std::string& file() const { return file_; }
  // Reads the file's case names; "" or why it could not (the file missing: how to make it).
  std::string load();
  const std::vector<std::string>& file_cases() const { return cases_; }

  // "" when the table and the file hold the same case names, else each unpaired name and the fix.
  template <typename Table>
  std::string pairing_errors(const Table& table) const {
    const std::string missing = unpaired_cases(cases_, table);
    if (missing.empty()) return {};
    return "the case table and " + file_ + " disagree (add the case to both tests/core/" + test_ +
           " and tests/fixtures/" + script_ + ", then rerun the script):" + missing;
  }

  // The rows of the test's _data table: every name on either side, sorted.
  template <typename Table>
  std::vector<std::string> row_names(const Table& table) const {
    return all_case_names(cases_, table);
  }

  // "" when `name` is both a case of the file and an entry of the table, else which side lacks
  // it and what to do.
  template <typename Table>
  std::string unpaired(const std::string& name, const Table& table) const {
    if (!table.count(name)) return "case " + name + ": fixture case has no C++ twin in " + test_;
    if (!has_case(name))
      return "case " + name + ": C++ case has no fixture; add it to " + script_ +
             " and rerun the script";
    return {};
  }

  // Runs run(case, twin) for the case `name` of both the file and the table. Returns "" when it
  // matches PyTorch, else "case <name>: ..." with each difference, a missing side or the
  // exception it threw.
  template <typename Table, typename Run>
  std::string run_case(const std::string& name, const Table& table, Run&& run) const {
    if (std::string missing = unpaired(name, table); !missing.empty()) return missing;
    const auto it = table.find(name);
    std::string errors;
    try {
      errors = run(load_fixture_case(file_, name), it->second);
    } catch (const std::exception& e) {
      errors += std::string("\n  exception: ") + e.what();
    }
    return errors.empty() ? std::string() : "case " + name + ": differs from PyTorch:" + errors;
  }

 private:
  bool has_case(const std::string& name) const;

  std::string file_, script_, test_, prefix_;
  std::vector<std::string> cases_;
};

}  // namespace nw::test
