// The trainer on small synthetic data: exact resume (the 2 + 3 epochs check of issue 4, after an
// epoch and in the middle of one), stop, pause, NaN losses, early stopping, checkpoint rotation,
// evaluation counts, binary targets and transfer learning.
#include <QtTest>

#include <limits>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <thread>

#include "data/subset.h"
#include "data/synthetic.h"
#include "data/tensor_dataset.h"
#include "graph/compile.h"
#include "io/checkpoint.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "train/trainer.h"

using namespace nw;
namespace fs = std::filesystem;

namespace {

// Input (8) -> Linear 16 -> ReLU -> Dropout -> Linear `classes`: dropout draws from the default
// generator, so an exact resume must restore it too.
graph::Graph mlp(int64_t classes = 3, bool dropout = true) {
  graph::Graph g;
  g.add_node("Input", "input", {{"shape", nlohmann::json::array({8})}});
  g.add_node("Linear", "fc1", {{"out_features", 16}});
  g.add_node("ReLU", "relu");
  std::string last = "relu";
  g.connect({"input", 0}, {"fc1", 0});
  g.connect({"fc1", 0}, {"relu", 0});
  if (dropout) {
    g.add_node("Dropout", "drop", {{"p", 0.2}});
    g.connect({"relu", 0}, {"drop", 0});
    last = "drop";
  }
  g.add_node("Linear", "head", {{"out_features", classes}});
  g.connect({last, 0}, {"head", 0});
  return g;
}

// 320 training, 96 validation and 90 test samples of three blobs (one draw, so the splits share
// the class centres).
io::Datasets blobs() {
  auto all = std::make_shared<data::TensorDataset>(data::make_blobs(506, 8, 3, 11));
  auto parts = data::random_split(all, {320, 96, 90}, 5);
  io::Datasets d;
  d.train = std::make_shared<data::Subset>(parts[0]);
  d.validation = std::make_shared<data::Subset>(parts[1]);
  d.test = std::make_shared<data::Subset>(parts[2]);
  d.num_classes = 3;
  return d;
}

io::TrainingConfig config(int64_t epochs) {
  io::TrainingConfig c;
  c.optimizer = {{"type", "Adam"}, {"lr", 0.01}};
  c.batch_size = 32;
  c.epochs = epochs;
  c.seed = 3;
  c.device = "cpu";
  return c;
}

struct Run {
  std::shared_ptr<graph::GraphModule> net;
  std::unique_ptr<train::Trainer> trainer;
};

Run make_run(uint64_t init_seed, int64_t epochs, const fs::path& out, io::Datasets data = blobs(),
             io::TrainingConfig cfg = {}) {
  if (cfg.epochs == 5 && cfg.batch_size == 64) cfg = config(epochs);  // default-constructed
  cfg.epochs = epochs;
  manual_seed(init_seed);
  Run r;
  r.net = graph::compile(mlp());
  train::TrainerOptions o;
  o.out_dir = out;
  r.trainer = std::make_unique<train::Trainer>(r.net, std::move(data), cfg, o);
  return r;
}

void expect_identical(const nn::Module& a, const nn::Module& b) {
  const auto pa = a.state_dict(), pb = b.state_dict();
  QCOMPARE(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    QCOMPARE(pa[i].first, pb[i].first);
    QVERIFY2(pa[i].second.equal(pb[i].second), pa[i].first.c_str());  // bit for bit
  }
}

// The state, and the reason in the failure message when it differs.
#define EXPECT_STATE(result, expected)                                              \
  do {                                                                              \
    const train::RunResult r_ = (result);                                           \
    QVERIFY2(r_.state == (expected),                                                \
             (std::string(train::to_string(r_.state)) + ": " + r_.reason).c_str()); \
  } while (0)

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  fs::path dir(const char* name) { return fs::path(tmp_.path().toStdString()) / name; }

 private slots:
  void trainsAndReportsEveryEpoch() {
    Run r = make_run(1, 3, dir("plain"));
    int batches = 0;
    std::vector<train::EpochStats> epochs;
    r.trainer->callbacks().on_batch_end = [&](const train::BatchStats& b) {
      ++batches;
      QVERIFY(b.accuracy.has_value());
      QCOMPARE(b.batches, 10);
    };
    r.trainer->callbacks().on_epoch_end = [&](const train::EpochStats& e) { epochs.push_back(e); };
    const train::RunResult result = r.trainer->run();
    QCOMPARE(result.state, train::RunState::Finished);
    QCOMPARE(batches, 30);
    QCOMPARE(epochs.size(), size_t(3));
    QVERIFY(epochs.back().train_loss < epochs.front().train_loss);
    QVERIFY(*epochs.back().val_accuracy > 0.9);  // well separated blobs
    QVERIFY(fs::exists(dir("plain") / "epoch_0003.h5"));
    QVERIFY(fs::exists(dir("plain") / "best.h5"));
    QCOMPARE(r.trainer->history().at("train_loss").size(), size_t(3));
    // `best` marks exactly the epochs whose val_loss beat every earlier one, and best.h5 holds
    // the last of them: what the dashboard headlines is what Evaluate loads.
    double lowest = std::numeric_limits<double>::infinity();
    int64_t last_marked = 0;
    for (const train::EpochStats& e : epochs) {
      QCOMPARE(e.best, *e.val_loss < lowest);
      if (e.best) last_marked = e.epoch;
      lowest = std::min(lowest, *e.val_loss);
    }
    QVERIFY(epochs.front().best);
    QCOMPARE(io::read_checkpoint_summary(dir("plain") / "best.h5").epoch, last_marked);
  }

  void resumeAfterEpochTwoIsBitIdentical() {
    Run straight = make_run(1, 5, dir("straight"));
    EXPECT_STATE(straight.trainer->run(), train::RunState::Finished);

    Run first = make_run(1, 2, dir("first"));
    EXPECT_STATE(first.trainer->run(), train::RunState::Finished);
    const io::Checkpoint ckpt = io::read_checkpoint(dir("first") / "epoch_0002.h5");
    QCOMPARE(ckpt.epoch, int64_t(2));

    manual_seed(999);  // everything must come from the checkpoint, not from this process's state
    Run resumed = make_run(77, 5, dir("resumed"));
    resumed.trainer->restore(ckpt, "epoch_0002.h5");
    std::vector<int64_t> epochs;
    resumed.trainer->callbacks().on_epoch_end = [&](const train::EpochStats& e) {
      epochs.push_back(e.epoch);
    };
    EXPECT_STATE(resumed.trainer->run(), train::RunState::Finished);
    QCOMPARE(epochs, (std::vector<int64_t>{3, 4, 5}));
    expect_identical(*straight.net, *resumed.net);
    QCOMPARE(resumed.trainer->history().at("train_loss"),
             straight.trainer->history().at("train_loss"));
    QCOMPARE(resumed.trainer->history().at("val_accuracy"),
             straight.trainer->history().at("val_accuracy"));
  }

  void stopInsideAnEpochThenResumeIsBitIdentical() {
    Run straight = make_run(1, 5, {});
    straight.trainer->run();

    Run first = make_run(1, 5, dir("stopped"));
    first.trainer->callbacks().on_batch_end = [&](const train::BatchStats& b) {
      if (b.epoch == 2 && b.batch == 4) first.trainer->request_stop();
    };
    const train::RunResult stopped = first.trainer->run();
    QCOMPARE(stopped.state, train::RunState::Stopped);
    QCOMPARE(stopped.epochs_done, int64_t(1));
    const fs::path path = dir("stopped") / "epoch_0002_batch_00004.h5";
    QVERIFY2(fs::exists(path), path.c_str());
    const io::Checkpoint ckpt = io::read_checkpoint(path);
    QCOMPARE(ckpt.epoch, int64_t(1));
    QCOMPARE(ckpt.batch, int64_t(4));

    Run resumed = make_run(5, 5, {});
    resumed.trainer->restore(ckpt, path.string());
    int first_batch = 0;
    resumed.trainer->callbacks().on_batch_end = [&](const train::BatchStats& b) {
      if (!first_batch) first_batch = int(b.batch);
    };
    EXPECT_STATE(resumed.trainer->run(), train::RunState::Finished);
    QCOMPARE(first_batch, 5);
    expect_identical(*straight.net, *resumed.net);
    QCOMPARE(resumed.trainer->history().at("train_loss"),
             straight.trainer->history().at("train_loss"));
  }

  void pauseBlocksUntilResumed() {
    Run r = make_run(1, 2, {});
    std::atomic<int64_t> seen{0};
    r.trainer->callbacks().on_batch_end = [&](const train::BatchStats& b) {
      seen = b.samples_seen;
      if (b.epoch == 1 && b.batch == 2) r.trainer->pause();
    };
    train::RunResult result;
    std::thread worker([&] { result = r.trainer->run(); });
    QTRY_VERIFY_WITH_TIMEOUT(r.trainer->paused() && seen.load() == 64, 5000);
    QTest::qWait(150);
    QCOMPARE(seen.load(), int64_t(64));  // nothing ran while paused
    r.trainer->resume();
    worker.join();
    QCOMPARE(result.state, train::RunState::Finished);
    QCOMPARE(seen.load(), int64_t(640));
  }

  void stopWhilePausedEndsTheRun() {
    Run r = make_run(1, 2, {});
    r.trainer->callbacks().on_batch_end = [&](const train::BatchStats& b) {
      if (b.batch == 1) r.trainer->pause();
    };
    train::RunResult result;
    std::thread worker([&] { result = r.trainer->run(); });
    QTRY_VERIFY_WITH_TIMEOUT(r.trainer->paused(), 5000);
    r.trainer->request_stop();
    worker.join();
    QCOMPARE(result.state, train::RunState::Stopped);
  }

  void nanLossFailsAndKeepsTheLastCheckpoint() {
    Run good = make_run(1, 1, dir("nan"));
    EXPECT_STATE(good.trainer->run(), train::RunState::Finished);
    const fs::path kept = dir("nan") / "epoch_0001.h5";
    const std::string before = slurp(kept);

    io::Datasets bad = blobs();
    Tensor x = data::make_blobs(320, 8, 3, 11).data().clone();
    x.data_ptr<float>()[8 * 100] = std::numeric_limits<float>::quiet_NaN();
    bad.train = std::make_shared<data::TensorDataset>(x, data::make_blobs(320, 8, 3, 11).targets());
    Run resumed = make_run(1, 3, dir("nan"), bad);
    resumed.trainer->restore(io::read_checkpoint(kept), kept.string());
    const train::RunResult r = resumed.trainer->run();
    QCOMPARE(r.state, train::RunState::Failed);
    QVERIFY2(r.reason.find("NaN") != std::string::npos, r.reason.c_str());
    QVERIFY2(r.reason.find("epoch 2, batch") != std::string::npos, r.reason.c_str());
    QVERIFY2(r.reason.find("learning rate") != std::string::npos, r.reason.c_str());
    QCOMPARE(slurp(kept), before);
    QVERIFY(!fs::exists(dir("nan") / "epoch_0002.h5"));
  }

  void earlyStoppingWaitsForPatience() {
    io::TrainingConfig c = config(10);
    c.early_stopping = io::EarlyStopping{.monitor = "val_loss", .patience = 2, .min_delta = 1e9};
    Run r = make_run(1, 10, {}, blobs(), c);
    const train::RunResult result = r.trainer->run();
    QCOMPARE(result.state, train::RunState::EarlyStopped);
    QCOMPARE(result.epochs_done, int64_t(3));  // epoch 1 sets the best, 2 and 3 do not beat it
  }

  void keepsOnlyTheLastCheckpoints() {
    io::TrainingConfig c = config(5);
    c.keep_last = 2;
    Run r = make_run(1, 5, dir("keep"), blobs(), c);
    r.trainer->run();
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir("keep"))) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    QCOMPARE(names,
             (std::vector<std::string>{"best.h5", "epoch_0004.h5", "epoch_0005.h5", "run.json"}));
    for (const auto& e : fs::directory_iterator(dir("keep")))
      if (e.path().extension() == ".h5") io::read_checkpoint(e.path());
  }

  void evaluationCountsEverySample() {
    Run r = make_run(1, 3, {});
    r.trainer->run();
    const train::EvalResult e = r.trainer->evaluate("test");
    QCOMPARE(e.samples, int64_t(90));
    QCOMPARE(e.confusion.size(), size_t(3));
    int64_t total = 0, diagonal = 0;
    for (size_t i = 0; i < 3; ++i)
      for (size_t j = 0; j < 3; ++j) {
        total += e.confusion[i][j];
        if (i == j) diagonal += e.confusion[i][j];
      }
    QCOMPARE(total, int64_t(90));
    QCOMPARE(*e.accuracy, double(diagonal) / 90.0);
    QCOMPARE(e.precision.size(), size_t(3));
    QVERIFY_THROWS_EXCEPTION(Error, r.trainer->evaluate("nonsense"));
    // Evaluating draws nothing, so it cannot shift the dropout masks of later training.
    const uint64_t offset = default_generator().offset();
    r.trainer->evaluate("validation");
    QCOMPARE(default_generator().offset(), offset);
  }

  void binaryTargetsOfShapeNMatchOutputsOfShapeN1() {
    graph::Graph g;
    g.add_node("Input", "input", {{"shape", nlohmann::json::array({8})}});
    g.add_node("Linear", "fc", {{"out_features", 1}});
    g.add_node("Sigmoid", "sigmoid");
    g.connect({"input", 0}, {"fc", 0});
    g.connect({"fc", 0}, {"sigmoid", 0});
    manual_seed(2);
    auto net = graph::compile(g);
    // Integer 0/1 targets of shape (N): the trainer squeezes (N, 1) and converts to float.
    data::TensorDataset blobs2 = data::make_blobs(128, 8, 2, 5);
    io::Datasets d;
    d.train = std::make_shared<data::TensorDataset>(blobs2);
    d.test = d.train;
    io::TrainingConfig c = config(10);
    c.optimizer = {{"type", "Adam"}, {"lr", 0.05}};
    c.loss = {{"type", "BCELoss"}};
    train::Trainer t(net, d, c);
    QCOMPARE(t.task(), train::Task::Binary);
    EXPECT_STATE(t.run(), train::RunState::Finished);
    const train::EvalResult e = t.evaluate("test");
    QVERIFY(*e.accuracy > 0.9);
    QCOMPARE(e.confusion.size(), size_t(2));
  }

  void transferLearningLoadsMatchingKeysAndFreezes() {
    Run base = make_run(1, 2, dir("base"));
    base.trainer->run();
    const io::Checkpoint ckpt = io::read_checkpoint(dir("base") / "epoch_0002.h5");

    graph::Graph g = mlp(5);  // a new head with five classes
    g.set_trainable("fc1", false);
    manual_seed(4);
    auto net = graph::compile(g);
    const train::InitReport rep = train::init_from_checkpoint(*net, ckpt);
    QCOMPARE(rep.loaded, (std::vector<std::string>{"fc1.weight", "fc1.bias"}));
    QCOMPARE(rep.mismatched.size(), size_t(2));  // head.weight, head.bias: 3 vs 5 classes
    QVERIFY(net->node_module("fc1")->state_dict()[0].second.equal(ckpt.model[0].second));

    const Tensor frozen = net->node_module("fc1")->state_dict()[0].second.clone();
    train::Trainer t(net, blobs(), config(1));
    QCOMPARE(t.optimizer().param_groups()[0].params.size(), size_t(2));  // the head only
    t.run();
    QVERIFY(net->node_module("fc1")->state_dict()[0].second.equal(frozen));
  }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
