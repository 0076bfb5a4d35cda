// The optimizer base's behaviour beyond the numbers: zero_grad, frozen parameters, parameter
// groups, state_dict layout, errors for bad hyperparameters and mismatched state dicts, and the
// version bump that lets autograd see an update.
#include <QtTest>

#include "autograd/grad_mode.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::optim;

namespace {

Tensor leaf(const Shape& shape, double value = 1.0, DType dtype = kFloat32) {
  return full(shape, value, dtype).requires_grad_(true);
}

void give_grad(Tensor& p, double value) {
  p.set_grad(full(p.sizes(), value, p.dtype()));
}

// Runs f, which must throw E with a message containing every one of `parts`.
template <typename E, typename F>
void expect_error(F&& f, std::initializer_list<const char*> parts) {
  try {
    f();
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const char* part : parts)
      QVERIFY2(msg.find(part) != std::string::npos,
               qPrintable(QString("message lacks '%1': %2").arg(part, msg.c_str())));
    return;
  } catch (const std::exception& e) {
    QFAIL(qPrintable(QString("threw another type: ") + e.what()));
  }
  QFAIL("did not throw");
}

}  // namespace

class TestOptimizerApi : public QObject {
  Q_OBJECT

 private slots:
  void zeroGradSetsToNoneByDefault();
  void zeroGradCanZeroInPlace();
  void frozenParameterIsSkipped();
  void groupsTakeDefaultsAndOverrides();
  void addParamGroupLater();
  void stateDictLayoutFollowsPyTorch();
  void stateDictIsASnapshot();
  void loadCastsStateToParameterDtype();
  void stepBumpsParameterVersion();
  void closureStepReturnsLoss();
  void badHyperparametersThrow();
  void badParametersThrow();
  void mismatchedStateDictThrows();
  void failedLoadChangesNothing();
};

void TestOptimizerApi::zeroGradSetsToNoneByDefault() {
  Tensor p = leaf({3});
  give_grad(p, 2.0);
  SGD opt({p}, {.lr = 0.1});
  opt.zero_grad();
  QVERIFY(!p.grad().defined());
  opt.step();  // nothing to do: no gradient
  QVERIFY(p.equal(full({3}, 1.0)));
}

void TestOptimizerApi::zeroGradCanZeroInPlace() {
  Tensor p = leaf({3});
  give_grad(p, 2.0);
  const Tensor before = p.grad();
  Adam opt({p});
  opt.zero_grad(false);
  QVERIFY(p.grad().is_same(before));
  QVERIFY(p.grad().equal(zeros({3})));
  // A zero gradient is still a gradient: Adam steps (and makes state), unlike with None.
  opt.step();
  QVERIFY(opt.state(p) != nullptr);
}

void TestOptimizerApi::frozenParameterIsSkipped() {
  Tensor trained = leaf({2}), frozen = full({2}, 1.0);  // frozen: requires_grad false
  Tensor unreached = leaf({2});                         // requires grad, but no gradient
  Adam opt({trained, frozen, unreached}, {.lr = 0.1});
  give_grad(trained, 1.0);
  opt.step();
  QVERIFY(!trained.equal(full({2}, 1.0)));
  QVERIFY(frozen.equal(full({2}, 1.0)));
  QVERIFY(unreached.equal(full({2}, 1.0)));
  const OptimizerState s = opt.state_dict();
  QCOMPARE(s.state.size(), size_t(1));
  QVERIFY(s.state.count(0));
  QCOMPARE(s.param_groups[0].params, (std::vector<int64_t>{0, 1, 2}));
}

void TestOptimizerApi::groupsTakeDefaultsAndOverrides() {
  Tensor a = leaf({2}), b = leaf({2});
  SGD opt({ParamGroup{{a}, {{"lr", 0.5}}}, ParamGroup{{b}, {}}}, {.lr = 0.1, .momentum = 0.9});
  QCOMPARE(opt.param_groups()[0].lr(), 0.5);
  QCOMPARE(opt.param_groups()[1].lr(), 0.1);
  QCOMPARE(std::get<double>(opt.param_groups()[0].options.at("momentum")), 0.9);
  give_grad(a, 1.0);
  give_grad(b, 1.0);
  opt.step();
  QCOMPARE(a.to_vector<float>()[0], 0.5f);  // 1 - 0.5 * 1
  QCOMPARE(b.to_vector<float>()[0], 0.9f);  // 1 - 0.1 * 1
  // A scheduler-style change of one group's lr takes effect on the next step.
  opt.param_groups()[1].set_lr(0.0);
  opt.step();
  QCOMPARE(b.to_vector<float>()[0], 0.9f);
}

void TestOptimizerApi::addParamGroupLater() {
  Tensor body = leaf({2}), head = leaf({2});
  Adagrad opt({body}, {.lr = 0.1, .initial_accumulator_value = 0.5});
  opt.add_param_group({{head}, {{"lr", 1.0}, {"initial_accumulator_value", 2.0}}});
  QCOMPARE(opt.param_groups().size(), size_t(2));
  // Adagrad makes state as groups arrive; a later group starts from its own accumulator value.
  QVERIFY(opt.state(body)->at("sum").equal(full({2}, 0.5)));
  QVERIFY(opt.state(head)->at("sum").equal(full({2}, 2.0)));
  expect_error<Error>([&] { opt.add_param_group({{head}, {}}); }, {"appears twice"});
}

void TestOptimizerApi::stateDictLayoutFollowsPyTorch() {
  Tensor a = leaf({2, 3}), b = leaf({4}), c = leaf({1});
  Adam opt({ParamGroup{{a, b}, {}}, ParamGroup{{c}, {{"lr", 0.1}}}}, {.amsgrad = true});
  for (Tensor* p : {&a, &b, &c}) give_grad(*p, 0.5);
  opt.step();
  opt.step();
  const OptimizerState s = opt.state_dict();
  QCOMPARE(s.param_groups.size(), size_t(2));
  QCOMPARE(s.param_groups[0].params, (std::vector<int64_t>{0, 1}));
  QCOMPARE(s.param_groups[1].params, (std::vector<int64_t>{2}));
  QCOMPARE(std::get<double>(s.param_groups[1].options.at("lr")), 0.1);
  QVERIFY(s.param_groups[0].options.at("betas") == Value(std::vector<double>{0.9, 0.999}));
  const ParamState& st = s.state.at(0);
  QCOMPARE(st.size(), size_t(4));
  QCOMPARE(st.at("step").dim(), int64_t(0));
  QCOMPARE(st.at("step").dtype(), kFloat32);
  QCOMPARE(st.at("step").item(), 2.0);
  QCOMPARE(st.at("exp_avg").sizes(), (Shape{2, 3}));
  QCOMPARE(st.at("max_exp_avg_sq").sizes(), (Shape{2, 3}));
  QCOMPARE(s.state.at(1).at("exp_avg_sq").sizes(), (Shape{4}));
}

void TestOptimizerApi::stateDictIsASnapshot() {
  Tensor p = leaf({2});
  SGD opt({p}, {.lr = 0.1, .momentum = 0.9});
  give_grad(p, 1.0);
  opt.step();
  const OptimizerState s = opt.state_dict();
  const Tensor saved = s.state.at(0).at("momentum_buffer").clone();
  opt.step();
  QVERIFY(s.state.at(0).at("momentum_buffer").equal(saved));
}

void TestOptimizerApi::loadCastsStateToParameterDtype() {
  Tensor p = leaf({3}, 1.0, kFloat64);
  RMSprop opt({p}, {.momentum = 0.5});
  OptimizerState s = opt.state_dict();
  s.state[0] = {{"step", full({1}, 3.0, kFloat64)},
                {"square_avg", full({3}, 0.25)},
                {"momentum_buffer", full({3}, 0.5)}};
  opt.load_state_dict(s);
  const ParamState& st = *opt.state(p);
  QCOMPARE(st.at("square_avg").dtype(), kFloat64);
  QCOMPARE(st.at("step").dtype(), kFloat32);
  QCOMPARE(st.at("step").dim(), int64_t(0));
  give_grad(p, 1.0);
  opt.step();
  QCOMPARE(opt.state(p)->at("step").item(), 4.0);
}

void TestOptimizerApi::stepBumpsParameterVersion() {
  Tensor p = leaf({3});
  Tensor y = p * p;  // saves p for the backward pass
  Adam opt({p});
  give_grad(p, 1.0);
  const uint32_t before = p.version();
  opt.step();
  QVERIFY(p.version() != before);
  // Backpropagating through a graph that saw p before the update is an error, as in PyTorch.
  QVERIFY_THROWS_EXCEPTION(AutogradError, y.sum().backward());
}

void TestOptimizerApi::closureStepReturnsLoss() {
  Tensor p = leaf({2}, 3.0);
  SGD opt({p}, {.lr = 0.25});
  NoGradGuard no_grad;  // the closure must still record its graph
  const Tensor loss = opt.step([&] {
    opt.zero_grad();
    Tensor l = (p * p).sum();
    l.backward();
    return l;
  });
  QCOMPARE(loss.item(), 18.0);
  QCOMPARE(p.to_vector<float>()[0], 1.5f);  // 3 - 0.25 * 6
}

void TestOptimizerApi::badHyperparametersThrow() {
  std::vector<Tensor> p{leaf({2})};
  expect_error<Error>([&] { SGD(p, {.lr = -0.1}); }, {"SGD", "learning rate", "-0.1"});
  expect_error<Error>([&] { SGD(p, {}); }, {"lr is required"});
  expect_error<Error>([&] { SGD(p, {.lr = 0.1, .momentum = -1}); }, {"momentum", "-1"});
  expect_error<Error>([&] { SGD(p, {.lr = 0.1, .nesterov = true}); }, {"Nesterov"});
  expect_error<Error>([&] { SGD(p, {.lr = 0.1, .weight_decay = -0.5}); }, {"weight_decay"});
  expect_error<Error>([&] { Adam(p, {.lr = -1e-3}); }, {"Adam", "learning rate"});
  expect_error<Error>([&] { Adam(p, {.betas = {1.0, 0.999}}); }, {"beta", "index 0", "[0, 1)"});
  expect_error<Error>([&] { Adam(p, {.betas = {0.9, -0.1}}); }, {"index 1", "-0.1"});
  expect_error<Error>([&] { AdamW(p, {.betas = {0.9, 1.5}}); }, {"AdamW", "index 1"});
  expect_error<Error>([&] { Adam(p, {.eps = -1}); }, {"eps"});
  expect_error<Error>([&] { RMSprop(p, {.alpha = -0.5}); }, {"RMSprop", "alpha"});
  expect_error<Error>([&] { Adagrad(p, {.lr_decay = -1}); }, {"Adagrad", "lr_decay"});
  // A group's own bad value names the group.
  expect_error<Error>(
      [&] {
        SGD({ParamGroup{p, {{"lr", -2.0}}}}, {.lr = 0.1});
      },
      {"group 0", "-2"});
  expect_error<Error>(
      [&] {
        Adam({ParamGroup{p, {{"lr", true}}}});
      },
      {"'lr' is a flag", "expected a number"});
  // And so does a bad value set after construction, at the next step.
  Adam opt(p);
  opt.param_groups()[0].options["betas"] = std::vector<double>{0.9};
  expect_error<Error>([&] { opt.step(); }, {"betas must hold two numbers"});
}

void TestOptimizerApi::badParametersThrow() {
  expect_error<Error>([] { Adam(std::vector<Tensor>{}); }, {"empty parameter list"});
  Tensor p = leaf({2});
  const Tensor y = p * 2.0;
  expect_error<Error>([&] { Adam({y}); }, {"non-leaf"});
  expect_error<Error>([&] { Adam({p, p}); }, {"appears twice"});
  expect_error<DTypeError>([] { Adam({arange(3)}); }, {"int64"});
  SGD opt({p}, {.lr = 0.1});
  p.set_grad(ones({3}));
  expect_error<ShapeError>([&] { opt.step(); },
                           {"parameter of shape (2,)", "gradient of shape (3,)"});
}

void TestOptimizerApi::mismatchedStateDictThrows() {
  Tensor a = leaf({2, 2}), b = leaf({3});
  Adam saved_from({a, b});
  give_grad(a, 1.0);
  give_grad(b, 1.0);
  saved_from.step();
  const OptimizerState s = saved_from.state_dict();

  Tensor c = leaf({2, 2}), d = leaf({3});
  Adam two_groups({ParamGroup{{c}, {}}, ParamGroup{{d}, {}}});
  expect_error<Error>([&] { two_groups.load_state_dict(s); },
                      {"Adam.load_state_dict", "1 parameter group", "has 2"});
  Adam one_param({c});
  expect_error<Error>([&] { one_param.load_state_dict(s); }, {"lists 2 parameter", "has 1"});
  Tensor wrong = leaf({4});
  Adam wrong_shape({c, wrong});
  expect_error<ShapeError>([&] { wrong_shape.load_state_dict(s); },
                           {"parameter 1", "exp_avg", "(3,)", "(4,)"});
  Adam fresh({c, d});
  OptimizerState missing = s;
  missing.state[0].erase("exp_avg_sq");
  expect_error<Error>([&] { fresh.load_state_dict(missing); }, {"lacks 'exp_avg_sq'"});
  OptimizerState stray = s;
  stray.state[7] = {{"step", zeros({})}};
  expect_error<Error>([&] { fresh.load_state_dict(stray); }, {"parameter 7"});
  SGD sgd({c, d}, {.lr = 0.1});
  expect_error<Error>([&] { sgd.load_state_dict(s); }, {"unexpected state", "another optimizer"});
  OptimizerState bad_option = s;
  bad_option.param_groups[0].options["betas"] = 0.9;
  expect_error<Error>([&] { fresh.load_state_dict(bad_option); }, {"'betas' is a number"});
}

void TestOptimizerApi::failedLoadChangesNothing() {
  Tensor a = leaf({2});
  SGD opt({a}, {.lr = 0.1, .momentum = 0.9});
  give_grad(a, 1.0);
  opt.step();
  const OptimizerState before = opt.state_dict();
  OptimizerState bad = before;
  bad.param_groups[0].options["lr"] = 0.5;
  bad.state[0]["momentum_buffer"] = zeros({5});
  QVERIFY_THROWS_EXCEPTION(ShapeError, opt.load_state_dict(bad));
  QCOMPARE(opt.param_groups()[0].lr(), 0.1);
  QVERIFY(opt.state(a)->at("momentum_buffer").equal(before.state.at(0).at("momentum_buffer")));
}

QTEST_APPLESS_MAIN(TestOptimizerApi)
#include "tst_optimizer_api.moc"
