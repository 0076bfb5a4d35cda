// Layer health (train/layer_health.h, train/health_warnings.h): the statistics against values
// worked out by hand on a tiny network, the warning rules, the trainer's sampling schedule, the
// named warnings for a deliberately dead layer and an exploding one within the first epoch
// (check 2 of issue 21), the network's observer, and the health line of the metrics file.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "autograd/grad_mode.h"
#include "data/subset.h"
#include "data/synthetic.h"
#include "data/tensor_dataset.h"
#include "graph/compile.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "train/health_warnings.h"
#include "train/layer_health.h"
#include "train/metrics_log.h"
#include "train/trainer.h"

using namespace nw;

namespace {

constexpr double kTol = 1e-6;

// Input (8) -> Linear fc1 (16) -> ReLU relu1 -> Linear head (3).
graph::Graph mlp() {
  graph::Graph g;
  g.add_node("Input", "input", {{"shape", nlohmann::json::array({8})}});
  g.add_node("Linear", "fc1", {{"out_features", 16}});
  g.add_node("ReLU", "relu1");
  g.add_node("Linear", "head", {{"out_features", 3}});
  g.connect({"input", 0}, {"fc1", 0});
  g.connect({"fc1", 0}, {"relu1", 0});
  g.connect({"relu1", 0}, {"head", 0});
  return g;
}

// 320 training samples of three blobs: ten batches of 32.
io::Datasets blobs() {
  auto all = std::make_shared<data::TensorDataset>(data::make_blobs(320, 8, 3, 11));
  io::Datasets d;
  d.train = all;
  d.num_classes = 3;
  return d;
}

io::TrainingConfig config() {
  io::TrainingConfig c;
  c.optimizer = {{"type", "Adam"}, {"lr", 0.01}};
  c.batch_size = 32;
  c.epochs = 1;
  c.seed = 3;
  c.device = "cpu";
  return c;
}

Tensor param(graph::GraphModule& net, const std::string& node, const std::string& name) {
  for (const auto& [key, t] : net.node_module(node)->named_parameters())
    if (key == name) return t;
  return {};
}

struct Trained {
  std::vector<train::HealthSample> samples;
  std::vector<std::string> warnings;
  train::RunResult result;
};

// One epoch of the MLP after `prepare` has changed its weights.
Trained train_one_epoch(const std::function<void(graph::GraphModule&)>& prepare,
                        int64_t every = train::kHealthEvery) {
  manual_seed(5);
  auto net = graph::compile(mlp());
  {
    NoGradGuard no_grad;
    prepare(*net);
  }
  train::TrainerOptions o;
  o.health_every = every;
  train::Trainer trainer(net, blobs(), config(), o);
  Trained out;
  trainer.callbacks().on_health = [&](const train::HealthSample& h) { out.samples.push_back(h); };
  trainer.callbacks().on_message = [&](train::MessageLevel level, const std::string& text) {
    if (level == train::MessageLevel::Warning) out.warnings.push_back(text);
  };
  out.result = trainer.run();
  return out;
}

// The warning that names `layer` and contains `what`; empty when none.
std::string find_warning(const std::vector<std::string>& warnings, const std::string& layer,
                         const std::string& what) {
  for (const std::string& w : warnings)
    if (w.find("layer '" + layer + "'") != std::string::npos && w.find(what) != std::string::npos)
      return w;
  return {};
}

std::string all(const std::vector<std::string>& warnings) {
  std::string out;
  for (const auto& w : warnings) out += "\n  " + w;
  return out.empty() ? "(no warnings)" : out;
}

const train::LayerHealthStats* layer(const train::HealthSample& s, const std::string& id) {
  for (const auto& l : s.layers)
    if (l.layer == id) return &l;
  return nullptr;
}

}  // namespace

class TestLayerHealth : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void activationStatsByHand() {
    // Values 1, -2, 3, 0, 4, -6: mean 0, population variance 66 / 6 = 11. Four bins of 2.5 over
    // [-6, 4]: {-6}, {-2}, {0, 1}, {3, 4}.
    const auto a = train::activation_stats(tensor({{1.0, -2.0, 3.0}, {0.0, 4.0, -6.0}}), 4);
    QVERIFY(std::abs(a.mean) < kTol);
    QVERIFY(std::abs(a.std - std::sqrt(11.0)) < kTol);
    QCOMPARE(a.lo, -6.0);
    QCOMPARE(a.hi, 4.0);
    QCOMPARE(a.histogram, (std::vector<int64_t>{1, 1, 2, 2}));
  }

  void reluStatsByHand() {
    // Three of six outputs are zero; unit 0 is zero in both samples, units 1 and 2 are not.
    const auto r = train::relu_stats(tensor({{0.0, 1.0, 0.0}, {0.0, 2.0, 3.0}}));
    QVERIFY(std::abs(r.zero_fraction - 0.5) < kTol);
    QVERIFY(std::abs(r.dead_fraction - 1.0 / 3.0) < kTol);
  }

  void normsByHand() {
    QVERIFY(std::abs(train::l2_norm({tensor({3.0, 4.0}), Tensor(), tensor({{1.0, 2.0}})}) -
                     std::sqrt(30.0)) < kTol);
    // ||(0, 1)|| / ||(3, 4)||
    QVERIFY(std::abs(train::update_ratio({tensor({3.0, 4.0})}, {tensor({3.0, 5.0})}) - 0.2) < kTol);
    QCOMPARE(train::update_ratio({tensor({0.0})}, {tensor({0.0})}), 0.0);
  }

  // Input (2) -> Linear fc (2) -> ReLU, W = [[1, 0], [0, -1]], b = 0, x = [[1, 2], [3, 4]]:
  // fc's output [[1, -2], [3, -4]] (mean -0.5, std sqrt(7.25)); after the ReLU [[1, 0], [3, 0]]
  // (half zeros, unit 1 dead). With loss = sum of the ReLU's output, dW = [[4, 6], [0, 0]] and
  // db = [2, 0]: norm sqrt(56); an SGD step of 0.1 moves the weights by 0.1 sqrt(56) against
  // ||(W, b)|| = sqrt(2).
  void samplerOnATinyNetwork() {
    graph::Graph g;
    g.add_node("Input", "input", {{"shape", nlohmann::json::array({2})}});
    g.add_node("Linear", "fc", {{"out_features", 2}});
    g.add_node("ReLU", "act");
    g.connect({"input", 0}, {"fc", 0});
    g.connect({"fc", 0}, {"act", 0});
    auto net = graph::compile(g);
    {
      NoGradGuard no_grad;
      param(*net, "fc", "weight").copy_(tensor({{1.0, 0.0}, {0.0, -1.0}}));
      param(*net, "fc", "bias").zero_();
    }
    train::LayerHealth health(*net);
    QCOMPARE(health.layers(), (std::vector<std::string>{"fc"}));
    health.begin(1, 3, 3);
    const Tensor y = (*net)(tensor({{1.0, 2.0}, {3.0, 4.0}}));
    y.sum().backward();
    health.before_step();
    {
      NoGradGuard no_grad;
      for (Tensor p : net->parameters()) p.add_(p.grad(), -0.1);
    }
    const train::HealthSample s = health.finish();
    QCOMPARE(s.step, int64_t(3));
    QCOMPARE(s.layers.size(), size_t(1));
    const train::LayerHealthStats& l = s.layers[0];
    QCOMPARE(l.layer, std::string("fc"));
    QCOMPARE(l.type, std::string("Linear"));
    QCOMPARE(l.activation, std::string("act"));
    QVERIFY(std::abs(l.act_mean + 0.5) < kTol);
    QVERIFY(std::abs(l.act_std - std::sqrt(7.25)) < kTol);
    QVERIFY(l.zero_fraction && std::abs(*l.zero_fraction - 0.5) < kTol);
    QVERIFY(l.dead_fraction && std::abs(*l.dead_fraction - 0.5) < kTol);
    QVERIFY(l.grad_norm && std::abs(*l.grad_norm - std::sqrt(56.0)) < 1e-5);
    QVERIFY(l.update_ratio && std::abs(*l.update_ratio - 0.1 * std::sqrt(28.0)) < 1e-5);
    QCOMPARE(l.hist_lo, -4.0);
    QCOMPARE(l.hist_hi, 3.0);
    int64_t counted = 0;
    for (int64_t c : l.histogram) counted += c;
    QCOMPARE(counted, int64_t(4));
    QCOMPARE(l.histogram.size(), size_t(train::kHealthBins));
    // The observer is gone: a later forward measures nothing and costs nothing.
    (*net)(tensor({{1.0, 2.0}}));
  }

  void observerSeesEveryNode() {
    auto net = graph::compile(mlp());
    std::vector<std::string> seen;
    net->set_observer([&](const std::string& id, const std::vector<Tensor>& outputs) {
      seen.push_back(id + ":" + std::to_string(outputs.at(0).size(1)));
    });
    (*net)(zeros({4, 8}));
    QCOMPARE(seen, (std::vector<std::string>{"fc1:16", "relu1:16", "head:3"}));
    net->set_observer(nullptr);
    (*net)(zeros({4, 8}));
    QCOMPARE(seen.size(), size_t(3));
  }

  void warningRules() {
    train::HealthWarnings rules;
    train::HealthSample s;
    s.epoch = 1;
    s.batch = 1;
    train::LayerHealthStats dead, big, tiny;
    dead.layer = "fc1";
    dead.type = "Linear";
    dead.activation = "relu1";
    dead.dead_fraction = 0.95;
    dead.grad_norm = 0.5;
    big.layer = "fc2";
    big.type = "Linear";
    big.grad_norm = std::numeric_limits<double>::infinity();
    tiny.layer = "fc3";
    tiny.type = "Linear";
    tiny.grad_norm = 1e-9;
    s.layers = {dead, big, tiny};
    const auto w = rules.check(s);
    QVERIFY2(!find_warning(w, "fc1", "dead").empty(), all(w).c_str());
    QVERIFY2(find_warning(w, "fc1", "dead").find("95") != std::string::npos, all(w).c_str());
    QVERIFY2(!find_warning(w, "fc2", "gradients explode").empty(), all(w).c_str());
    QVERIFY2(!find_warning(w, "fc3", "gradients vanish").empty(), all(w).c_str());
    QCOMPARE(w.size(), size_t(3));
    QVERIFY(rules.check(s).empty());  // each once per run

    // Relative to the others: 1e-6 is fine alone, not beside a layer at 1e2.
    train::HealthWarnings relative;
    train::HealthSample r;
    train::LayerHealthStats a, b;
    a.layer = "a";
    a.grad_norm = 1e-6;
    b.layer = "b";
    b.grad_norm = 1e2;
    r.layers = {a};
    QVERIFY(relative.check(r).empty());
    r.layers = {a, b};
    QCOMPARE(relative.check(r).size(), size_t(1));
  }

  void updateRatioWarnsOnlyWhenItStaysOut() {
    train::HealthWarnings rules;
    train::HealthSample s;
    train::LayerHealthStats l;
    l.layer = "conv1";
    l.type = "Conv2d";
    l.grad_norm = 1.0;
    l.update_ratio = 1e-6;
    s.layers = {l};
    for (int i = 1; i < train::kUpdateRatioPatience; ++i) QVERIFY(rules.check(s).empty());
    s.layers[0].update_ratio = 1e-3;  // back in range: the count starts again
    QVERIFY(rules.check(s).empty());
    s.layers[0].update_ratio = 1e-6;
    for (int i = 1; i < train::kUpdateRatioPatience; ++i) QVERIFY(rules.check(s).empty());
    const auto w = rules.check(s);
    QCOMPARE(w.size(), size_t(1));
    QVERIFY2(!find_warning(w, "conv1", "raise the learning rate").empty(), all(w).c_str());
    s.layers[0].update_ratio = 0.5;
    for (int i = 1; i < train::kUpdateRatioPatience; ++i) QVERIFY(rules.check(s).empty());
    QVERIFY(!find_warning(rules.check(s), "conv1", "lower the learning rate").empty());
  }

  void samplesEveryNBatches() {
    // Ten batches, every third from the first: steps 1, 4, 7, 10.
    const Trained t = train_one_epoch([](graph::GraphModule&) {}, 3);
    QCOMPARE(t.samples.size(), size_t(4));
    QCOMPARE(t.samples[1].step, int64_t(4));
    QCOMPARE(t.samples[3].batch, int64_t(10));
    const auto* fc1 = layer(t.samples[0], "fc1");
    const auto* head = layer(t.samples[0], "head");
    QVERIFY(fc1 && head);
    QVERIFY(fc1->zero_fraction && !head->zero_fraction);  // only fc1 feeds a ReLU
    QVERIFY(fc1->grad_norm && *fc1->grad_norm > 0 && std::isfinite(*fc1->grad_norm));
    QVERIFY(head->update_ratio && *head->update_ratio > 0 && *head->update_ratio < 1);
    QVERIFY2(t.warnings.empty(), all(t.warnings).c_str());  // a healthy network
    QVERIFY(train_one_epoch([](graph::GraphModule&) {}, 0).samples.empty());
  }

  // Check 2 of issue 21: a large negative bias before the ReLU kills every unit.
  void deadLayerIsNamedInTheFirstEpoch() {
    const Trained t =
        train_one_epoch([](graph::GraphModule& net) { param(net, "fc1", "bias").fill_(-100.0); });
    QVERIFY(!t.samples.empty());
    QCOMPARE(*layer(t.samples[0], "fc1")->dead_fraction, 1.0);
    const std::string w = find_warning(t.warnings, "fc1", "dead");
    QVERIFY2(!w.empty(), all(t.warnings).c_str());
    QVERIFY2(w.find("relu1") != std::string::npos && w.find("epoch 1") != std::string::npos,
             w.c_str());
  }

  // Check 2 of issue 21: a head a million times too large sends fc1's gradients beyond 1e3.
  void explodingLayerIsNamedInTheFirstEpoch() {
    const Trained t =
        train_one_epoch([](graph::GraphModule& net) { param(net, "head", "weight").mul_(1e6); });
    QVERIFY(!t.samples.empty());
    QVERIFY(*layer(t.samples[0], "fc1")->grad_norm > train::kExplodingGradient);
    const std::string w = find_warning(t.warnings, "fc1", "gradients explode");
    QVERIFY2(!w.empty(), all(t.warnings).c_str());
    QVERIFY2(w.find("epoch 1") != std::string::npos, w.c_str());
  }

  void metricsLineRoundTrip() {
    train::HealthSample h;
    h.epoch = 2;
    h.batch = 7;
    h.step = 57;
    train::LayerHealthStats a;
    a.layer = "layer1.0.conv1";
    a.type = "Conv2d";
    a.act_mean = -0.25;
    a.act_std = 1.5;
    a.activation = "layer1.0.relu";
    a.zero_fraction = 0.625;
    a.dead_fraction = 0.125;
    a.grad_norm = std::numeric_limits<double>::infinity();
    a.update_ratio = 3e-3;
    a.hist_lo = -2;
    a.hist_hi = 6;
    a.histogram = {1, 0, 5, 2};
    train::LayerHealthStats b;
    b.layer = "fc";
    b.type = "Linear";
    b.grad_norm = std::numeric_limits<double>::quiet_NaN();
    h.layers = {a, b};

    const std::filesystem::path file =
        std::filesystem::path(tmp_.path().toStdString()) / "metrics.jsonl";
    {
      std::ofstream out(file);
      out << train::health_json(h).dump() << "\n";
    }
    train::MetricsTail tail(file);
    const auto read = tail.read_new();
    QVERIFY(read.problems.empty());
    QCOMPARE(read.events.size(), size_t(1));
    QVERIFY(read.events[0].kind == train::MetricsEvent::Kind::Health);
    const train::HealthSample& g = read.events[0].health;
    QCOMPARE(g.epoch, int64_t(2));
    QCOMPARE(g.batch, int64_t(7));
    QCOMPARE(g.step, int64_t(57));
    QCOMPARE(g.layers.size(), size_t(2));
    const auto& ga = g.layers[0];
    QCOMPARE(ga.layer, a.layer);
    QCOMPARE(ga.type, a.type);
    QCOMPARE(ga.activation, a.activation);
    QCOMPARE(ga.act_mean, a.act_mean);
    QCOMPARE(ga.act_std, a.act_std);
    QCOMPARE(*ga.zero_fraction, 0.625);
    QCOMPARE(*ga.dead_fraction, 0.125);
    QVERIFY(ga.grad_norm && std::isinf(*ga.grad_norm) && *ga.grad_norm > 0);
    QCOMPARE(*ga.update_ratio, 3e-3);
    QCOMPARE(ga.hist_lo, -2.0);
    QCOMPARE(ga.hist_hi, 6.0);
    QCOMPARE(ga.histogram, a.histogram);
    const auto& gb = g.layers[1];
    QVERIFY(!gb.zero_fraction && !gb.dead_fraction && !gb.update_ratio);
    QVERIFY(gb.grad_norm && std::isnan(*gb.grad_norm));

    // A health line without its step is refused with the place.
    QVERIFY_THROWS_EXCEPTION(
        Error, train::parse_metrics_line(R"({"event": "health", "epoch": 1, "batch": 1})", "m:3"));
  }
};

QTEST_APPLESS_MAIN(TestLayerHealth)
#include "tst_layer_health.moc"
