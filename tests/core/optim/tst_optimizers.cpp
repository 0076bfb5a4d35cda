// Every optimizer configuration against PyTorch 1.13: tests/fixtures/optim.h5 holds, for each
// case, ten steps of the parameters and the final state under a fixed gradient sequence
// (make_optim_fixtures.py writes it); optimizer_cases.h holds the same configurations in C++.
// Values must match within |a - b| <= 1e-6 + 1e-5 |b| (float32) or 1e-12 + 1e-10 |b| (float64),
// through the fused loops (contiguous parameters) and the tensor-op path (strided ones). A
// state_dict saved halfway and loaded into a fresh optimizer must continue bit for bit. A case in
// the file without a C++ twin, or the reverse, fails.
#include <QtTest>

#include <algorithm>

#include "optim_fixture.h"
#include "optimizer_cases.h"

namespace nw::test {
namespace {

struct Outcome {
  Params params;
  std::unique_ptr<optim::Optimizer> opt;
  std::vector<std::vector<Tensor>> history;  // [step][param]
};

// Runs `steps` steps from the fixture's start, or continues `from` when given.
void run_steps(Outcome& run, const Problem& pr, size_t first, size_t last) {
  for (size_t t = first; t < last; ++t) {
    set_grads(run.params, pr, t);
    run.opt->step();
    std::vector<Tensor> now;
    for (const Tensor& p : run.params) now.push_back(p.detach().clone());
    run.history.push_back(now);
  }
}

// Compares a run's parameters after every step and its final state with the fixture.
std::string compare(const std::string& name, const FixtureCase& fc, const Outcome& run) {
  std::string errors;
  const size_t n = run.params.size();
  for (size_t j = 0; j < n; ++j) {
    const Tensor& expected = fc.outputs[j];
    for (size_t t = 0; t < run.history.size(); ++t)
      expect_close("parameter " + std::to_string(j) + " after step " + std::to_string(t + 1),
                   run.history[t][j], expected[int64_t(t)], errors);
  }
  const std::vector<std::string> keys = case_attribute_words(name, "state_keys");
  const optim::OptimizerState s = run.opt->state_dict();
  std::vector<std::string> ours;
  for (const auto& [index, ps] : s.state)
    for (const auto& [key, t] : ps) ours.push_back(std::to_string(index) + "/" + key);
  if (ours != keys) {
    std::string a, b;
    for (const auto& k : ours) a += " " + k;
    for (const auto& k : keys) b += " " + k;
    errors += "\n  state names:" + a + "; PyTorch's:" + b;
    return errors;
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    const size_t slash = keys[k].find('/');
    const int64_t index = std::stoll(keys[k].substr(0, slash));
    const Tensor& got = s.state.at(index).at(keys[k].substr(slash + 1));
    expect_close("state " + keys[k], got, fc.outputs[n + k], errors);
  }
  std::string option_names, torch_names;
  for (const auto& [key, v] : s.param_groups[0].options) option_names += " " + key;
  for (const auto& key : case_attribute_words(name, "option_keys")) torch_names += " " + key;
  if (option_names != torch_names)
    errors += "\n  group options:" + option_names + "; PyTorch's:" + torch_names;
  return errors;
}

}  // namespace
}  // namespace nw::test

using namespace nw::test;

namespace {
nw::test::ParityFixture fixture{nw::test::kOptimFixtureFile, "make_optim_fixtures.py",
                                "optim/optimizer_cases.h", "opt_"};
}  // namespace

class TestOptimizers : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void tableMatchesFixtureFile();
  void matchesPyTorch_data();
  void matchesPyTorch();
  void tensorOpPathMatchesPyTorch_data() { matchesPyTorch_data(); }
  void tensorOpPathMatchesPyTorch();
  void stateDictRoundTripIsBitIdentical_data() { matchesPyTorch_data(); }
  void stateDictRoundTripIsBitIdentical();
  void largeParametersFusedMatchesTensorOps_data();
  void largeParametersFusedMatchesTensorOps();

 private:
  void check_case(bool strided);
};

void TestOptimizers::initTestCase() {
  const std::string error = fixture.load();
  QVERIFY2(error.empty(), error.c_str());
  qInfo("%zu fixture cases, %zu C++ cases", fixture.file_cases().size(), optimizer_cases().size());
}

void TestOptimizers::tableMatchesFixtureFile() {
  const std::string errors = fixture.pairing_errors(optimizer_cases());
  QVERIFY2(errors.empty(), errors.c_str());
}

void TestOptimizers::matchesPyTorch_data() {
  QTest::addColumn<QString>("name");
  for (const std::string& name : fixture.row_names(optimizer_cases()))
    QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestOptimizers::check_case(bool strided) {
  QFETCH(QString, name);
  const std::string case_name = name.toStdString();
  const auto it = optimizer_cases().find(case_name);
  const std::string unpaired = fixture.unpaired(case_name, optimizer_cases());
  QVERIFY2(unpaired.empty(), unpaired.c_str());
  std::string errors;
  try {
    const FixtureCase fc = load_fixture_case(kOptimFixtureFile, case_name);
    const Problem pr = load_problem(fc);
    Outcome run;
    run.params = make_params(pr, strided);
    QCOMPARE(run.params[0].is_contiguous(), !strided);
    run.opt = it->second(run.params);
    run_steps(run, pr, 0, pr.scales.size());
    errors = compare(case_name, fc, run);
  } catch (const std::exception& e) {
    errors += std::string("\n  exception: ") + e.what();
  }
  QVERIFY2(errors.empty(), ("differs from PyTorch:" + errors).c_str());
}

void TestOptimizers::matchesPyTorch() {
  check_case(false);
}

void TestOptimizers::tensorOpPathMatchesPyTorch() {
  check_case(true);
}

void TestOptimizers::stateDictRoundTripIsBitIdentical() {
  QFETCH(QString, name);
  const auto it = optimizer_cases().find(name.toStdString());
  const std::string unpaired = fixture.unpaired(name.toStdString(), optimizer_cases());
  QVERIFY2(unpaired.empty(), unpaired.c_str());
  const FixtureCase fc = load_fixture_case(kOptimFixtureFile, name.toStdString());
  const Problem pr = load_problem(fc);
  const size_t steps = pr.scales.size(), half = steps / 2;

  Outcome whole;
  whole.params = make_params(pr, false);
  whole.opt = it->second(whole.params);
  run_steps(whole, pr, 0, steps);

  Outcome first;
  first.params = make_params(pr, false);
  first.opt = it->second(first.params);
  run_steps(first, pr, 0, half);
  const nw::optim::OptimizerState saved = first.opt->state_dict();
  first.opt.reset();  // the saved state must not depend on the optimizer it came from

  Outcome resumed;
  for (const nw::Tensor& p : first.params)
    resumed.params.push_back(p.detach().clone().requires_grad_(true));
  resumed.opt = it->second(resumed.params);
  resumed.opt->load_state_dict(saved);
  run_steps(resumed, pr, half, steps);

  for (size_t t = half; t < steps; ++t)
    for (size_t j = 0; j < whole.params.size(); ++j)
      QVERIFY2(resumed.history[t - half][j].equal(whole.history[t][j]),
               qPrintable(QString("parameter %1 after step %2 differs").arg(j).arg(t + 1)));
  const nw::optim::OptimizerState a = resumed.opt->state_dict(), b = whole.opt->state_dict();
  QCOMPARE(a.state.size(), b.state.size());
  for (const auto& [index, ps] : b.state) {
    QCOMPARE(a.state.at(index).size(), ps.size());
    for (const auto& [key, t] : ps)
      QVERIFY2(a.state.at(index).at(key).equal(t), (std::to_string(index) + "/" + key).c_str());
  }
  QCOMPARE(a.param_groups.size(), b.param_groups.size());
  for (size_t g = 0; g < a.param_groups.size(); ++g) {
    QCOMPARE(a.param_groups[g].params, b.param_groups[g].params);
    QVERIFY(a.param_groups[g].options == b.param_groups[g].options);
  }
}

void TestOptimizers::largeParametersFusedMatchesTensorOps_data() {
  // One case per kernel family: the splitting is shared, the per-switch arithmetic is covered
  // against PyTorch above. (Each threaded region is slow on a loaded machine; keep this short.)
  QTest::addColumn<QString>("name");
  for (const char* name :
       {"opt_sgd_two_groups", "opt_sgd_float64", "opt_adam_two_groups", "opt_adamw_amsgrad",
        "opt_rmsprop_centered_momentum_wd", "opt_adagrad_lr_decay"})
    QTest::newRow(name) << QString(name);
}

// Parameters large enough for the threaded split (33001 > cpu::kParallelGrain) and for several
// blocks, with odd lengths for the loops' tails: the fused loops and the tensor-op path must agree.
void TestOptimizers::largeParametersFusedMatchesTensorOps() {
  QFETCH(QString, name);
  const MakeOptimizer& make = optimizer_cases().at(name.toStdString());
  const nw::DType dtype = name.endsWith("float64") ? nw::kFloat64 : nw::kFloat32;
  nw::manual_seed(7);
  Problem pr;
  for (const nw::Shape& shape : {nw::Shape{33001}, nw::Shape{129, 9}, nw::Shape{3}}) {
    pr.init.push_back(nw::randn(shape, dtype));
    pr.c.push_back(nw::rand(shape, dtype) + 0.5);
    pr.d.push_back(nw::randn(shape, dtype));
  }
  pr.scales = {1.0, -0.25, 1.5};
  Outcome fused, ops;
  fused.params = make_params(pr, false);
  ops.params = make_params(pr, true);
  fused.opt = make(fused.params);
  ops.opt = make(ops.params);
  run_steps(fused, pr, 0, pr.scales.size());
  run_steps(ops, pr, 0, pr.scales.size());
  std::string errors;
  for (size_t j = 0; j < pr.init.size(); ++j)
    expect_close("parameter " + std::to_string(j), fused.params[j], ops.params[j].contiguous(),
                 errors);
  QVERIFY2(errors.empty(), ("fused and tensor-op updates differ:" + errors).c_str());
}

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
