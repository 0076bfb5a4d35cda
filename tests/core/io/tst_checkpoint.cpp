// HDF5 checkpoints: every part round-trips exactly (model state in order and dtype, a real Adam
// state that resumes bit for bit, scheduler values, 64-bit random state, history, root
// attributes); writing is atomic; and every malformed file is refused with the place named.
#include <QtTest>

#include <hdf5.h>

#include <fstream>
#include <functional>
#include <regex>

#include "io/checkpoint.h"
#include "nn/functional/loss.h"
#include "nn/layers/activation.h"
#include "nn/layers/batchnorm.h"
#include "nn/layers/linear.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/scheduler_decay.h"
#include "support/bad_checkpoints.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
namespace fs = std::filesystem;

namespace {

// Linear, BatchNorm1d (float32 buffers and the int64 num_batches_tracked), ReLU, Linear.
std::shared_ptr<nn::Sequential> make_net() {
  return std::make_shared<nn::Sequential>(std::initializer_list<nn::ModulePtr>{
      std::make_shared<nn::Linear>(4, 8), std::make_shared<nn::BatchNorm1d>(8),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::Linear>(8, 3)});
}

void train_step(nn::Module& net, optim::Optimizer& opt, int64_t seed) {
  manual_seed(uint64_t(seed));
  Tensor x = randn({6, 4});
  Tensor target = tensor({0, 1, 2, 1, 0, 2});
  opt.zero_grad();
  nn::functional::cross_entropy(net.forward(x), target).backward();
  opt.step();
}

nn::StateDict copy_state(const nn::StateDict& s) {
  nn::StateDict out;
  for (const auto& [k, t] : s) out.emplace_back(k, t.clone());
  return out;
}

bool same_state(const nn::StateDict& a, const nn::StateDict& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].first != b[i].first || a[i].second.dtype() != b[i].second.dtype() ||
        !a[i].second.equal(b[i].second))
      return false;
  return true;
}

// The error read_checkpoint or `action` throws; fails the test when there is none.
io::CheckpointError error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const io::CheckpointError& e) {
    return e;
  }
  return io::CheckpointError("<no error>", {});
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

class TestCheckpoint : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase();
  void modelStateRoundTripsInOrder();
  void thousandsOfKeysKeepTheirOrder();
  void adamStateRoundTripsAndResumesExactly();
  void schedulerValuesRoundTrip();
  void randomStateIsExactTo64Bits();
  void historyTrainerAndRootAttributesRoundTrip();
  void failedWriteKeepsTheOldFile();
  void writeIntoMissingFolderNamesThePath();
  void missingFileIsRefused();
  void malformedFilesAreRefused_data();
  void malformedFilesAreRefused();
  void modelMismatchListsEveryProblemAtOnce();
  void readingCollectsEveryProblem();

 private:
  fs::path path(const std::string& name) const {
    return fs::path(dir_.path().toStdString()) / name;
  }
  io::Checkpoint good_;
  QTemporaryDir dir_;
  std::vector<test::BadCheckpoint> corpus_;
};

void TestCheckpoint::initTestCase() {
  QVERIFY(dir_.isValid());
  manual_seed(3);
  auto net = make_net();
  optim::Adam opt(net->parameters());
  for (int i = 0; i < 2; ++i) train_step(*net, opt, i);
  good_.model = copy_state(net->state_dict());
  good_.optimizer = opt.state_dict();
  good_.optimizer_type = opt.name();
  corpus_ = test::write_bad_checkpoints(path("corpus"), good_);
}

void TestCheckpoint::modelStateRoundTripsInOrder() {
  io::Checkpoint c;
  // Not alphabetical: h5py would list these as a.bias, m.flags, ...; the order must survive.
  c.model = {{"z.weight", randn({3, 4})},
             {"bn.num_batches_tracked", tensor(int64_t(7))},
             {"a.bias", randn({3})},
             {"m.double", randn({2, 2}, kFloat64)},
             {"m.bytes", tensor({1, 2, 255}).to(kUInt8)},
             {"m.flags", tensor({true, false})},
             {"m.empty", zeros({0, 5})},
             {"m.scalar", tensor(2.5f)}};
  io::write_checkpoint(path("model.h5"), c);
  io::Checkpoint r = io::read_checkpoint(path("model.h5"));
  QVERIFY(same_state(r.model, c.model));
  QCOMPARE(r.model[1].second.dim(), int64_t(0));
  QVERIFY(!r.optimizer);
  QVERIFY(!r.scheduler);
}

void TestCheckpoint::thousandsOfKeysKeepTheirOrder() {
  // The "keys" attribute outgrows HDF5's 64 KiB compact attribute storage here.
  io::Checkpoint c;
  for (int i = 5000; i > 0; --i)
    c.model.emplace_back("layers." + std::to_string(i) + ".a_rather_long_parameter_name",
                         full({1}, double(i)));
  io::write_checkpoint(path("many.h5"), c);
  io::Checkpoint r = io::read_checkpoint(path("many.h5"));
  QVERIFY(same_state(r.model, c.model));
}

void TestCheckpoint::adamStateRoundTripsAndResumesExactly() {
  manual_seed(11);
  auto net = make_net();
  auto params = net->parameters();
  // Two groups with their own hyperparameters: params and options must come back per group.
  optim::Adam opt({optim::ParamGroup{{params.begin(), params.begin() + 2}, {{"lr", 0.01}}},
                   optim::ParamGroup{{params.begin() + 2, params.end()}, {}}},
                  {.amsgrad = true});
  for (int i = 0; i < 3; ++i) train_step(*net, opt, 100 + i);

  io::Checkpoint c;
  c.model = copy_state(net->state_dict());
  c.optimizer = opt.state_dict();
  c.optimizer_type = opt.name();
  io::write_checkpoint(path("adam.h5"), c);
  io::Checkpoint r = io::read_checkpoint(path("adam.h5"));

  QCOMPARE(r.optimizer_type, std::string("Adam"));
  QVERIFY(r.optimizer);
  const optim::OptimizerState &a = *c.optimizer, &b = *r.optimizer;
  QCOMPARE(b.param_groups.size(), a.param_groups.size());
  for (size_t g = 0; g < a.param_groups.size(); ++g) {
    QVERIFY(b.param_groups[g].options == a.param_groups[g].options);
    QCOMPARE(b.param_groups[g].params, a.param_groups[g].params);
  }
  QCOMPARE(b.state.size(), a.state.size());
  for (const auto& [index, state] : a.state) {
    QVERIFY(b.state.count(index));
    QCOMPARE(b.state.at(index).size(), state.size());
    for (const auto& [name, t] : state) {
      const Tensor& u = b.state.at(index).at(name);
      QVERIFY2(u.dtype() == t.dtype() && u.equal(t), name.c_str());
    }
  }
  QCOMPARE(b.state.at(0).at("step").dim(), int64_t(0));
  QCOMPARE(b.state.at(0).at("step").dtype(), kFloat32);

  // A fresh network and optimizer loaded from the file take the same next step.
  manual_seed(999);
  auto fresh = make_net();
  auto fresh_params = fresh->parameters();
  optim::Adam fresh_opt(
      {optim::ParamGroup{{fresh_params.begin(), fresh_params.begin() + 2}, {{"lr", 0.01}}},
       optim::ParamGroup{{fresh_params.begin() + 2, fresh_params.end()}, {}}},
      {.amsgrad = true});
  io::load_model_state(r, *fresh, "adam.h5");
  fresh_opt.load_state_dict(*r.optimizer);
  train_step(*net, opt, 200);
  train_step(*fresh, fresh_opt, 200);
  QVERIFY(same_state(fresh->state_dict(), net->state_dict()));
}

void TestCheckpoint::schedulerValuesRoundTrip() {
  manual_seed(1);
  auto net = make_net();
  optim::Adam opt(net->parameters());
  optim::StepLR sched(opt, 2, 0.5);
  for (int i = 0; i < 3; ++i) sched.step();

  io::Checkpoint c = good_;
  c.scheduler = sched.state_dict();
  (*c.scheduler)["mode"] = std::string("min");
  (*c.scheduler)["verbose"] = false;
  (*c.scheduler)["best"] = std::numeric_limits<double>::infinity();
  (*c.scheduler)["empty_list"] = std::vector<double>{};
  (*c.scheduler)["one_item_list"] = std::vector<double>{0.1};
  c.scheduler_type = sched.name();
  io::write_checkpoint(path("sched.h5"), c);
  io::Checkpoint r = io::read_checkpoint(path("sched.h5"));
  QVERIFY(r.scheduler);
  QVERIFY(*r.scheduler == *c.scheduler);
  QCOMPARE(r.scheduler_type, std::string("StepLR"));

  // The values read back restore a fresh scheduler.
  optim::StepLR again(opt, 2, 0.5);
  optim::ValueMap state = *r.scheduler;
  for (const char* extra : {"mode", "verbose", "best", "empty_list", "one_item_list"})
    state.erase(extra);
  again.load_state_dict(state);
  QCOMPARE(again.last_epoch(), sched.last_epoch());

  // "type" names the class on /scheduler_state_dict, so it cannot also be a value.
  c.scheduler->emplace("type", 1.0);
  const io::CheckpointError e = error_of([&] { io::write_checkpoint(path("sched2.h5"), c); });
  QVERIFY2(QString(e.what()).contains("/scheduler_state_dict: the key 'type' is reserved"),
           e.what());
}

void TestCheckpoint::randomStateIsExactTo64Bits() {
  io::Checkpoint c = good_;
  c.rng_exact = {{"seed", 0xFFFFFFFFFFFFFFF1ULL}, {"offset", (1ULL << 63) + 5}, {"epoch", 7}};
  c.rng = {{"dropout_p", 0.25}, {"deterministic", true}, {"name", std::string("philox")}};
  io::write_checkpoint(path("rng.h5"), c);
  io::Checkpoint r = io::read_checkpoint(path("rng.h5"));
  QCOMPARE(r.rng_exact.at("seed"), uint64_t(0xFFFFFFFFFFFFFFF1ULL));
  QVERIFY(r.rng_exact == c.rng_exact);
  QVERIFY(r.rng == c.rng);

  c.rng["seed"] = 1.0;  // the same name in both would be ambiguous on reading
  const io::CheckpointError e = error_of([&] { io::write_checkpoint(path("rng2.h5"), c); });
  QVERIFY2(QString(e.what()).contains("'seed' is both in rng_exact and in rng"), e.what());
}

void TestCheckpoint::historyTrainerAndRootAttributesRoundTrip() {
  io::Checkpoint c = good_;
  c.history = {{"train_loss", {2.3, 1.1, 0.7}}, {"val_accuracy", {0.5, 0.75, 0.875}}, {"lr", {}}};
  c.trainer = {{"best_val_loss", 0.61}, {"epochs_without_improvement", 2.0}};
  c.epoch = 3;
  c.batch = 17;
  c.loss = 0.6931471805599453;
  // Larger than HDF5's 64 KiB attribute header, and not ASCII.
  c.project = "{\"name\": \"Größe ✓\", \"pad\": \"" + std::string(100000, 'x') + "\"}";
  io::write_checkpoint(path("root.h5"), c);
  io::Checkpoint r = io::read_checkpoint(path("root.h5"));
  QVERIFY(r.history == c.history);
  QVERIFY(r.trainer == c.trainer);
  QCOMPARE(r.epoch, int64_t(3));
  QCOMPARE(r.batch, int64_t(17));
  QCOMPARE(r.loss, c.loss);
  QCOMPARE(r.project, c.project);
  QVERIFY2(std::regex_match(r.created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")),
           r.created.c_str());

  c.created = "2024-01-02T03:04:05Z";  // kept as given
  io::write_checkpoint(path("root.h5"), c);
  QCOMPARE(io::read_checkpoint(path("root.h5")).created, c.created);
}

void TestCheckpoint::failedWriteKeepsTheOldFile() {
  const fs::path dir = path("atomic");
  fs::create_directories(dir);
  io::write_checkpoint(dir / "run.h5", good_);
  const nn::StateDict before = io::read_checkpoint(dir / "run.h5").model;

  // The bad key comes after good ones, so the temporary file is half written when it fails.
  io::Checkpoint bad = good_;
  bad.model.emplace_back("head/weight", zeros({2}));
  const io::CheckpointError e = error_of([&] { io::write_checkpoint(dir / "run.h5", bad); });
  QVERIFY2(QString(e.what()).contains("/model_state_dict/head/weight: state_dict key 'head/"
                                      "weight' cannot be an HDF5 name"),
           e.what());
  QCOMPARE(e.file, (dir / "run.h5").string());
  QVERIFY(same_state(io::read_checkpoint(dir / "run.h5").model, before));
  QCOMPARE(files_in(dir), std::vector<std::string>{"run.h5"});  // no temporary file left
}

void TestCheckpoint::writeIntoMissingFolderNamesThePath() {
  const fs::path target = path("no/such/folder/run.h5");
  const io::CheckpointError e = error_of([&] { io::write_checkpoint(target, good_); });
  QVERIFY2(QString(e.what()).contains(QString::fromStdString(target.string())), e.what());
}

void TestCheckpoint::missingFileIsRefused() {
  const io::CheckpointError e = error_of([&] { io::read_checkpoint(path("absent.h5")); });
  QVERIFY2(QString(e.what()).contains("absent.h5: 1 problem\n  no such file"), e.what());
}

void TestCheckpoint::malformedFilesAreRefused_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<QString>("expected");
  QTest::addColumn<bool>("needs_network");
  QVERIFY(corpus_.size() >= 10);
  for (const test::BadCheckpoint& b : corpus_)
    QTest::newRow(b.file.c_str()) << QString::fromStdString(b.file)
                                  << QString::fromStdString(b.expected) << b.needs_network;
}

void TestCheckpoint::malformedFilesAreRefused() {
  QFETCH(QString, file);
  QFETCH(QString, expected);
  QFETCH(bool, needs_network);
  const fs::path p = path("corpus") / file.toStdString();
  manual_seed(5);
  auto net = make_net();
  const nn::StateDict before = copy_state(net->state_dict());
  const io::CheckpointError e = error_of([&] {
    io::Checkpoint c = io::read_checkpoint(p);
    QVERIFY2(needs_network, "read_checkpoint accepted a malformed file");
    io::load_model_state(c, *net, p.string());
  });
  QVERIFY2(QString(e.what()).contains(expected), e.what());
  QCOMPARE(e.file, p.string());
  QVERIFY(!e.problems.empty());
  QVERIFY(same_state(net->state_dict(), before));  // nothing half loaded
  // The good file of the corpus loads.
  io::load_model_state(io::read_checkpoint(path("corpus") / "good.h5"), *net, "good.h5");
}

void TestCheckpoint::modelMismatchListsEveryProblemAtOnce() {
  io::Checkpoint c = good_;
  auto entry = [&](const std::string& key) {
    return std::find_if(c.model.begin(), c.model.end(), [&](auto& e) { return e.first == key; });
  };
  c.model.erase(entry("0.bias"));                      // missing
  c.model.emplace_back("head.weight", zeros({3, 8}));  // unexpected
  entry("0.weight")->second = zeros({5, 4});           // (5, 4), not (8, 4)
  entry("1.num_batches_tracked")->second = zeros({});  // float32, not int64
  io::write_checkpoint(path("mismatch.h5"), c);
  const io::Checkpoint r = io::read_checkpoint(path("mismatch.h5"));

  auto net = make_net();
  const nn::StateDict before = copy_state(net->state_dict());
  const io::CheckpointError e = error_of([&] { io::load_model_state(r, *net, "mismatch.h5"); });
  std::vector<std::string> got;
  for (const io::Problem& p : e.problems) got.push_back(p.to_string());
  const std::vector<std::string> want = {
      "/model_state_dict/0.weight: shape (5, 4) in the checkpoint, (8, 4) in the network",
      "/model_state_dict/0.bias: missing from the checkpoint; the network has it with shape (8,)"
      " (was the checkpoint saved from another network?)",
      "/model_state_dict/1.num_batches_tracked: dtype float32 in the checkpoint, int64 in the "
      "network; convert it to int64",
      "/model_state_dict/head.weight: in the checkpoint but not in the network (was the "
      "checkpoint saved from another network?)"};
  QCOMPARE(got, want);
  QVERIFY(same_state(net->state_dict(), before));
}

void TestCheckpoint::readingCollectsEveryProblem() {
  const fs::path p = path("several.h5");
  io::write_checkpoint(p, good_);
  {
    hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(f, "/optimizer_state_dict/param_groups/0/params", H5P_DEFAULT);
    // PyTorch's half as h5py stores it (HDF5 1.10 predefines no float16).
    hid_t half = H5Tcopy(H5T_IEEE_F32LE);
    H5Tset_fields(half, 15, 10, 5, 0, 10);
    H5Tset_size(half, 2);
    H5Tset_ebias(half, 15);
    hsize_t dims[1] = {8};
    for (const char* key : {"/model_state_dict/0.bias", "/model_state_dict/3.bias"}) {
      H5Ldelete(f, key, H5P_DEFAULT);
      hid_t space = H5Screate_simple(1, dims, nullptr);
      H5Dclose(H5Dcreate2(f, key, half, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      H5Sclose(space);
    }
    H5Tclose(half);
    H5Fclose(f);
  }
  const io::CheckpointError e = error_of([&] { io::read_checkpoint(p); });
  QVERIFY2(e.problems.size() >= 3, e.what());
  const QString text = e.what();
  QVERIFY2(text.contains("/model_state_dict/0.bias: has the unsupported dtype float16"), e.what());
  QVERIFY2(text.contains("/model_state_dict/3.bias: has the unsupported dtype float16"), e.what());
  QVERIFY2(text.contains("/optimizer_state_dict/param_groups/0/params: missing"), e.what());
}

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
