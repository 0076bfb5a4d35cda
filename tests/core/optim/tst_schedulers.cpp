// Every learning-rate scheduler against PyTorch 1.13: tests/fixtures/optim.h5 holds each group's
// lr after construction and after every step (and OneCycleLR's momentum), for an optimizer with
// two groups at lrs 0.1 and 0.02; make_optim_fixtures.py writes it. Values must match within
// 1e-12 + 1e-10 |b|. A state_dict saved halfway (with the optimizer's) and loaded into fresh
// objects must continue exactly. A case in the file without a C++ twin, or the reverse, fails.
#include <QtTest>

#include <algorithm>
#include <functional>

#include "optim/adagrad.h"
#include "optim_fixture.h"
#include "scheduler_cases.h"

using namespace nw;
using namespace nw::optim;
using nw::test::kOptimFixtureFile;
using nw::test::make_optimizer;
using nw::test::Sched;
using nw::test::sched_cases;

namespace {

std::vector<double> lrs(const Optimizer& o) {
  std::vector<double> v;
  for (const ParamGroup& g : o.param_groups()) v.push_back(g.lr());
  return v;
}

std::vector<double> momenta(const Optimizer& o) {
  std::vector<double> v;
  for (const ParamGroup& g : o.param_groups()) {
    const auto it = g.options.find("betas");
    v.push_back(it != g.options.end() ? std::get<std::vector<double>>(it->second)[0]
                                      : std::get<double>(g.options.at("momentum")));
  }
  return v;
}

// The schedule of one case: rows of group lrs (and momenta), from construction on.
struct Trace {
  std::vector<std::vector<double>> lr, momentum;
};

void record(Trace& t, const Optimizer& o) {
  t.lr.push_back(lrs(o));
  t.momentum.push_back(momenta(o));
}

bool close(double a, double b) {
  return std::abs(a - b) <= 1e-12 + 1e-10 * std::abs(b);
}

}  // namespace

namespace {
nw::test::ParityFixture fixture{nw::test::kOptimFixtureFile, "make_optim_fixtures.py",
                                "optim/scheduler_cases.h", "sched_"};
}  // namespace

class TestSchedulers : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void tableMatchesFixtureFile();
  void matchesPyTorch_data();
  void matchesPyTorch();
  void stateDictRoundTrip_data() { matchesPyTorch_data(); }
  void stateDictRoundTrip();
  void stateDictNamesFollowPyTorch();
  void oneCycleRefusesStepsPastTheEnd();
  void resumingNeedsInitialLr();
  void badSettingsThrow();
  void mismatchedStateDictThrows();
};

void TestSchedulers::initTestCase() {
  const std::string error = fixture.load();
  QVERIFY2(error.empty(), error.c_str());
  qInfo("%zu fixture cases, %zu C++ cases", fixture.file_cases().size(), sched_cases().size());
}

void TestSchedulers::tableMatchesFixtureFile() {
  const std::string errors = fixture.pairing_errors(sched_cases());
  QVERIFY2(errors.empty(), errors.c_str());
}

void TestSchedulers::matchesPyTorch_data() {
  QTest::addColumn<QString>("name");
  for (const std::string& name : fixture.row_names(sched_cases()))
    QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestSchedulers::matchesPyTorch() {
  QFETCH(QString, name);
  const std::string case_name = name.toStdString();
  const auto it = sched_cases().find(case_name);
  const std::string unpaired = fixture.unpaired(case_name, sched_cases());
  QVERIFY2(unpaired.empty(), unpaired.c_str());
  const nw::test::FixtureCase fc = nw::test::load_fixture_case(kOptimFixtureFile, case_name);
  const std::vector<double> metrics =
      fc.inputs.empty() ? std::vector<double>{} : fc.inputs[0].to_vector<double>();
  const Tensor& expected = fc.outputs[0];  // (steps + 1, groups)
  const int64_t steps = expected.size(0) - 1;

  std::unique_ptr<Optimizer> opt = make_optimizer(it->second.adam);
  Sched sched = it->second.make(*opt);
  Trace trace;
  record(trace, *opt);
  for (int64_t t = 0; t < steps; ++t) {
    opt->step();
    sched.step(metrics.empty() ? 0.0 : metrics[size_t(t)]);
    QCOMPARE(sched.last_lr(), lrs(*opt));
    record(trace, *opt);
  }
  auto check = [&](const std::vector<std::vector<double>>& got, const Tensor& want,
                   const char* what) {
    const std::vector<double> w = want.to_vector<double>();
    const size_t groups = size_t(want.size(1));
    for (size_t t = 0; t < got.size(); ++t)
      for (size_t g = 0; g < groups; ++g)
        QVERIFY2(close(got[t][g], w[t * groups + g]),
                 qPrintable(QString("%1 of group %2 after step %3: got %4, PyTorch %5")
                                .arg(what)
                                .arg(g)
                                .arg(t)
                                .arg(got[t][g], 0, 'g', 17)
                                .arg(w[t * groups + g], 0, 'g', 17)));
  };
  check(trace.lr, expected, "lr");
  if (fc.outputs.size() > 1) check(trace.momentum, fc.outputs[1], "momentum");
}

void TestSchedulers::stateDictRoundTrip() {
  QFETCH(QString, name);
  const auto it = sched_cases().find(name.toStdString());
  const std::string unpaired = fixture.unpaired(name.toStdString(), sched_cases());
  QVERIFY2(unpaired.empty(), unpaired.c_str());
  const nw::test::FixtureCase fc = nw::test::load_fixture_case(kOptimFixtureFile, it->first);
  const std::vector<double> metrics =
      fc.inputs.empty() ? std::vector<double>{} : fc.inputs[0].to_vector<double>();
  const size_t steps = size_t(fc.outputs[0].size(0) - 1), half = steps / 2;
  auto metric = [&](size_t t) { return metrics.empty() ? 0.0 : metrics[t]; };

  std::unique_ptr<Optimizer> whole_opt = make_optimizer(it->second.adam);
  Sched whole = it->second.make(*whole_opt);
  Trace expected;
  for (size_t t = 0; t < steps; ++t) {
    whole.step(metric(t));
    record(expected, *whole_opt);
  }

  std::unique_ptr<Optimizer> first_opt = make_optimizer(it->second.adam);
  Sched first = it->second.make(*first_opt);
  for (size_t t = 0; t < half; ++t) first.step(metric(t));
  const OptimizerState opt_state = first_opt->state_dict();
  const ValueMap sched_state = first.state_dict();

  // A fresh pair, built as at the start of a run, then given the saved states.
  std::unique_ptr<Optimizer> opt = make_optimizer(it->second.adam);
  Sched resumed = it->second.make(*opt);
  opt->load_state_dict(opt_state);
  resumed.load_state_dict(sched_state);
  QVERIFY(resumed.state_dict() == sched_state);
  Trace got;
  for (size_t t = half; t < steps; ++t) {
    resumed.step(metric(t));
    record(got, *opt);
  }
  for (size_t t = half; t < steps; ++t) {
    QCOMPARE(got.lr[t - half], expected.lr[t]);
    QCOMPARE(got.momentum[t - half], expected.momentum[t]);
  }
}

void TestSchedulers::stateDictNamesFollowPyTorch() {
  std::unique_ptr<Optimizer> opt = make_optimizer(false);
  StepLR step(*opt, 2, 0.5);
  step.step();
  const ValueMap s = step.state_dict();
  for (const char* key :
       {"base_lrs", "last_epoch", "_step_count", "_last_lr", "step_size", "gamma"})
    QVERIFY2(s.count(key), key);
  QCOMPARE(std::get<double>(s.at("last_epoch")), 1.0);
  QCOMPARE(std::get<double>(s.at("_step_count")), 2.0);
  QVERIFY(s.at("base_lrs") == Value(std::vector<double>{0.1, 0.02}));
  // Construction recorded each group's initial_lr, as PyTorch does.
  QCOMPARE(std::get<double>(opt->param_groups()[1].options.at("initial_lr")), 0.02);
}

void TestSchedulers::oneCycleRefusesStepsPastTheEnd() {
  std::unique_ptr<Optimizer> opt = make_optimizer(false);
  OneCycleLR sched(*opt, {.max_lr = {0.1}, .total_steps = 4});
  for (int i = 0; i < 4; ++i) sched.step();  // PyTorch allows one step past the last
  try {
    sched.step();
    QFAIL("did not throw");
  } catch (const Error& e) {
    QVERIFY2(QString(e.what()).contains("total_steps 4"), e.what());
  }
}

void TestSchedulers::resumingNeedsInitialLr() {
  std::unique_ptr<Optimizer> opt = make_optimizer(false);
  QVERIFY_THROWS_EXCEPTION(Error, StepLR(*opt, 2, 0.5, /*last_epoch=*/3));
  std::unique_ptr<Optimizer> saved = make_optimizer(false);
  { StepLR s(*saved, 2, 0.5); }
  opt->load_state_dict(saved->state_dict());
  StepLR resumed(*opt, 2, 0.5, 3);  // epoch 4: a multiple of 2, so the lr halves
  QCOMPARE(resumed.last_epoch(), int64_t(4));
  QCOMPARE(resumed.get_last_lr()[0], 0.05);
}

void TestSchedulers::badSettingsThrow() {
  std::unique_ptr<Optimizer> opt = make_optimizer(false);
  QVERIFY_THROWS_EXCEPTION(Error, StepLR(*opt, 0));
  QVERIFY_THROWS_EXCEPTION(Error, CosineAnnealingLR(*opt, 0));
  QVERIFY_THROWS_EXCEPTION(Error, LinearLR(*opt, 0.0));
  QVERIFY_THROWS_EXCEPTION(Error, LinearLR(*opt, 0.5, 1.5));
  QVERIFY_THROWS_EXCEPTION(Error, OneCycleLR(*opt, {.max_lr = {0.1}}));
  QVERIFY_THROWS_EXCEPTION(Error, OneCycleLR(*opt, {.max_lr = {0.1, 0.2, 0.3}, .total_steps = 5}));
  QVERIFY_THROWS_EXCEPTION(Error,
                           OneCycleLR(*opt, {.max_lr = {0.1}, .total_steps = 5, .pct_start = 1.5}));
  QVERIFY_THROWS_EXCEPTION(
      Error, OneCycleLR(*opt, {.max_lr = {0.1}, .total_steps = 5, .anneal_strategy = "exp"}));
  Adagrad no_momentum({zeros({1}).requires_grad_(true)});
  QVERIFY_THROWS_EXCEPTION(Error, OneCycleLR(no_momentum, {.max_lr = {0.1}, .total_steps = 5}));
  QVERIFY_THROWS_EXCEPTION(Error, ReduceLROnPlateau(*opt, {.factor = 1.0}));
  QVERIFY_THROWS_EXCEPTION(Error, ReduceLROnPlateau(*opt, {.mode = "median"}));
  QVERIFY_THROWS_EXCEPTION(Error, ReduceLROnPlateau(*opt, {.threshold_mode = "pct"}));
  QVERIFY_THROWS_EXCEPTION(Error, ReduceLROnPlateau(*opt, {.min_lr = {0.1, 0.2, 0.3}}));
}

void TestSchedulers::mismatchedStateDictThrows() {
  std::unique_ptr<Optimizer> opt = make_optimizer(false);
  ExponentialLR sched(*opt, 0.5);
  ValueMap s = sched.state_dict();
  s["base_lrs"] = std::vector<double>{0.1};
  try {
    sched.load_state_dict(s);
    QFAIL("did not throw");
  } catch (const Error& e) {
    QVERIFY2(QString(e.what()).contains("ExponentialLR.load_state_dict"), e.what());
    QVERIFY2(QString(e.what()).contains("2 parameter group"), e.what());
  }
  ValueMap wrong_kind = sched.state_dict();
  wrong_kind["last_epoch"] = std::string("three");
  QVERIFY_THROWS_EXCEPTION(Error, sched.load_state_dict(wrong_kind));
  QVERIFY_THROWS_EXCEPTION(Error, StepLR(*opt, 3).load_state_dict(sched.state_dict()));
  ReduceLROnPlateau p(*opt);
  ValueMap ps = p.state_dict();
  ps["mode"] = std::string("sideways");
  QVERIFY_THROWS_EXCEPTION(Error, p.load_state_dict(ps));
  QCOMPARE(std::get<std::string>(p.state_dict().at("mode")), std::string("min"));
}

QTEST_APPLESS_MAIN(TestSchedulers)
#include "tst_schedulers.moc"
