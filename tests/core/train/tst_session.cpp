// The one training session of both front ends (train/session.h): overrides, validation, the
// project's "init" block (its errors name the place and the fix), the weight sources excluding
// each other, and per-sample predictions over a split.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>

#include "io/checkpoint.h"
#include "train/predictions.h"
#include "train/session.h"

using namespace nw;
using train::MessageLevel;

namespace {

// Input 8 -> fc1 16 -> ReLU -> `head` 4 on four synthetic blobs; `extra` goes in at the top
// level (an "init" block).
io::Project project(const std::string& dir, const std::string& head = "fc2",
                    const std::string& extra = "") {
  const std::string text = R"({
    "netwright": 1, "name": "blobs",
    "graph": {
      "nodes": [
        {"id": "input", "type": "Input", "params": {"shape": [8]}},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 16}},
        {"id": "relu", "type": "ReLU"},
        {"id": ")" + head + R"(", "type": "Linear", "params": {"out_features": 4}}
      ],
      "edges": [["input", "fc1"], ["fc1", "relu"], ["relu", ")" +
                           head + R"("]]
    },
    "data": {
      "train": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": 256, "seed": 1},
      "test": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": 64, "seed": 1},
      "validation_fraction": 0.25
    },
    "training": {
      "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam", "lr": 0.01},
      "batch_size": 32, "epochs": 2, "seed": 0, "shuffle": true, "device": "cpu"
    })" + (extra.empty() ? "" : ",\n" + extra) +
                           "}";
  return io::parse_project(text, dir + "/");
}

struct Said {
  std::vector<std::pair<MessageLevel, std::string>> lines;
  train::SessionMessage sink() {
    return [this](MessageLevel l, const std::string& t) { lines.emplace_back(l, t); };
  }
  std::string all() const {
    std::string s;
    for (const auto& [l, t] : lines) s += t + "\n";
    return s;
  }
};

Tensor param(train::Session& s, const std::string& key) {
  for (const auto& [k, v] : s.net->state_dict())
    if (k == key) return v;
  qFatal("no parameter %s", key.c_str());
}

bool equal(const Tensor& a, const Tensor& b) {
  return a.sizes() == b.sizes() && a.to_vector<float>() == b.to_vector<float>();
}

template <typename F>
std::string session_error(F&& f, std::string* where = nullptr) {
  try {
    f();
  } catch (const train::SessionError& e) {
    if (where) *where = e.where;
    return e.what();
  }
  return {};
}

}  // namespace

class TestSession : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::string dir() const { return tmp_.path().toStdString(); }

  // A trained-for-one-epoch checkpoint of the fc2 network at `name` in the temporary folder.
  std::string base_checkpoint(const std::string& name) {
    train::SessionOptions o;
    o.out_dir = dir() + "/base";
    o.epochs = 1;
    Said said;
    auto s = train::open_session(project(dir()), o, said.sink());
    if (s->trainer->run().state != train::RunState::Finished) qFatal("the base run failed");
    const std::string path = dir() + "/" + name;
    io::write_checkpoint(path, s->trainer->snapshot());
    return path;
  }

 private slots:
  void overrides_apply_to_the_project_as_run() {
    train::SessionOptions o;
    o.epochs = 5;
    o.seed = 42;
    o.device = "cpu";
    o.limit = 40;
    Said said;
    auto s = train::open_session(project(dir()), o, said.sink());
    QCOMPARE(s->project.training.epochs, int64_t(5));
    QCOMPARE(s->project.training.seed, uint64_t(42));
    QCOMPARE(s->project.training.device, std::string("cpu"));
    QCOMPARE(s->data.train->size(), int64_t(40));  // each split
    QCOMPARE(s->data.test->size(), int64_t(40));
    QCOMPARE(s->loss_type(), std::string("CrossEntropyLoss"));
    QVERIFY(!s->init.has_value());
  }

  void an_invalid_graph_is_refused_with_every_problem() {
    io::Project p = project(dir());
    p.graph.set_param("fc2", "in_features", 7);  // gets 16 from relu
    std::string where;
    Said said;
    const std::string what =
        session_error([&] { train::open_session(p, {}, said.sink()); }, &where);
    QVERIFY2(where == "graph", what.c_str());
    QVERIFY2(what.find("the network is not valid") != std::string::npos, what.c_str());
  }

  void init_loads_the_named_nodes_and_says_what() {
    const std::string base = base_checkpoint("base.h5");
    // A new head: fc1 comes from the base, "head" is fresh.
    const io::Project p =
        project(dir(), "head", R"("init": {"checkpoint": "base.h5", "nodes": ["fc1"]})");
    Said said;
    auto s = train::open_session(p, {}, said.sink());
    const io::Checkpoint ckpt = io::read_checkpoint(base);
    for (const auto& [key, value] : ckpt.model)
      if (key.rfind("fc1.", 0) == 0) QVERIFY2(equal(param(*s, key), value), key.c_str());
    QVERIFY(s->init.has_value());
    QCOMPARE(s->init->loaded, (std::vector<std::string>{"fc1.weight", "fc1.bias"}));
    QCOMPARE(s->init->skipped, (std::vector<std::string>{"fc2.weight", "fc2.bias"}));
    QVERIFY(s->init->mismatched.empty());
    const std::string text = said.all();
    QVERIFY2(text.find("initialized from " + base +
                       ": loaded 2 tensors (fc1.weight, fc1.bias); "
                       "skipped 2 (fc2.weight, fc2.bias)") != std::string::npos,
             text.c_str());

    // --init names another checkpoint; the project's nodes filter still applies.
    train::SessionOptions o;
    o.init = base_checkpoint("other.h5");
    Said again;
    auto t = train::open_session(p, o, again.sink());
    QCOMPARE(t->init->loaded, (std::vector<std::string>{"fc1.weight", "fc1.bias"}));
    QVERIFY(again.all().find("other.h5") != std::string::npos);
  }

  void init_errors_name_the_place_and_the_fix() {
    Said said;
    std::string where;
    const io::Project missing =
        project(dir(), "fc2", R"("init": {"checkpoint": "runs/base/best.h5"})");
    std::string what =
        session_error([&] { train::open_session(missing, {}, said.sink()); }, &where);
    QCOMPARE(where, std::string("init.checkpoint"));
    QVERIFY2(what.find("runs/base/best.h5 does not exist; train the base project first or pass "
                       "--init") != std::string::npos,
             what.c_str());

    // A checkpoint of another network: nothing matches.
    const std::string base = base_checkpoint("for-nothing.h5");
    const io::Project none =
        project(dir(), "fc2", R"("init": {"checkpoint": "for-nothing.h5", "nodes": ["fc2"]})");
    io::Project other = none;
    other.graph.set_param("fc2", "out_features", 3);  // fc2.weight and fc2.bias change shape
    what = session_error([&] { train::open_session(other, {}, said.sink()); }, &where);
    QCOMPARE(where, std::string("init.checkpoint"));
    QVERIFY2(what.find("nothing in " + base + " matches") != std::string::npos, what.c_str());

    what = session_error(
        [&] { train::init_spec(project(dir(), "fc2", R"("init": {"nodes": ["fc1", 3]})")); },
        &where);
    QCOMPARE(where, std::string("init.nodes[1]"));
    what = session_error([&] { train::init_spec(project(dir(), "fc2", R"("init": "base.h5")")); },
                         &where);
    QCOMPARE(where, std::string("init"));

    train::SessionOptions two;
    two.resume = base;
    two.weights = base;
    what = session_error([&] { train::open_session(project(dir()), two, said.sink()); }, &where);
    QCOMPARE(where, std::string("options"));
  }

  void predictions_cover_the_split_with_probabilities() {
    Said said;
    auto s = train::open_session(project(dir()), {}, said.sink());
    const train::SplitPredictions p = train::predict_split(*s, "test");
    QCOMPARE(p.samples.size(), size_t(64));
    QCOMPARE(p.num_classes, int64_t(4));
    QCOMPARE(p.probabilities.size(), size_t(64 * 4));
    for (size_t row = 0; row < p.samples.size(); ++row) {
      double sum = 0;
      for (int c = 0; c < 4; ++c) sum += p.probabilities[row * 4 + size_t(c)];
      QVERIFY(std::abs(sum - 1.0) < 1e-5);
      QCOMPARE(p.top_k(row, 1).front().first, p.samples[row].predicted);
    }
    QVERIFY(s->net->is_training());  // the mode comes back
    QVERIFY_THROWS_EXCEPTION(Error, train::predict_split(*s, "holdout"));
  }
};

QTEST_APPLESS_MAIN(TestSession)
#include "tst_session.moc"
