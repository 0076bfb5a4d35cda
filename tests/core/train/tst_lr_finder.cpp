// The learning-rate finder (train/lr_finder.h, train/lr_curve.h): the smoothing and both rules on
// synthetic curves, its options refused with the fix named, a sweep that stops on request or on
// divergence, and check 1 of issue 21: on the bundled Fashion-MNIST MLP the suggestion lies
// within a factor of 3 of the best rate of a one-epoch grid, and the weights it was given are
// bit-identical afterwards.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <string>

#include "io/project.h"
#include "tensor/creation.h"
#include "train/lr_finder.h"
#include "train/session.h"

using namespace nw;
using train::LrPoint;

namespace {

const train::SessionMessage kQuiet = [](train::MessageLevel, const std::string&) {};

// Falls from 3 to 1 around lr 1e-3 (steepest there) and rises again past lr 1e-1, so its
// minimum lies at lr ~ 0.1. `n` points from 1e-6 to 1.
std::vector<LrPoint> synthetic_curve(int n) {
  std::vector<LrPoint> points;
  for (int i = 0; i < n; ++i) {
    const double x = -6.0 + 6.0 * i / (n - 1);  // log10(lr)
    const double loss = 2.0 - std::tanh(2.0 * (x + 3.0)) + (x > -1 ? 0.5 * (x + 1) * (x + 1) : 0);
    points.push_back({std::pow(10.0, x), loss, loss});
  }
  return points;
}

// 256 blobs in 8 dimensions, 8 batches of 32 an epoch: a sweep of a few dozen steps in ~1 s.
io::Project blobs() {
  return io::parse_project(R"({
    "netwright": 2, "name": "blobs",
    "graph": {
      "nodes": [
        {"id": "input", "type": "Input", "params": {"shape": [8]}},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 16}},
        {"id": "relu", "type": "ReLU"},
        {"id": "fc2", "type": "Linear", "params": {"out_features": 4}}
      ],
      "edges": [["input", "fc1"], ["fc1", "relu"], ["relu", "fc2"]]
    },
    "data": {
      "train": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": 256, "seed": 1},
      "validation_fraction": 0
    },
    "training": {
      "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "SGD", "lr": 0.01},
      "batch_size": 32, "epochs": 2, "seed": 0, "shuffle": true, "device": "cpu"
    }})",
                           "/tmp/");
}

bool bit_identical(const Tensor& a, const Tensor& b) {
  const Tensor x = a.to(kCPU).contiguous(), y = b.to(kCPU).contiguous();
  return x.sizes() == y.sizes() && x.dtype() == y.dtype() &&
         std::memcmp(x.data_ptr<float>(), y.data_ptr<float>(), x.numel() * sizeof(float)) == 0;
}

std::string mlp_path() {
  return std::string(NW_FIXTURE_DIR) + "/../../projects/fashion-mnist-mlp.nwproj";
}

}  // namespace

class TestLrFinder : public QObject {
  Q_OBJECT

 private slots:
  void smoothingCorrectsTheZeroStart() {
    // A constant stays constant from the first value on: no pull towards the average's 0 start.
    for (double v : train::smooth_losses({2.5, 2.5, 2.5, 2.5}, 0.98)) QCOMPARE(v, 2.5);
    // beta 0.5: (0.5 * 1) / 0.5 = 1, then (0.25 * 1 + 0.5 * 3) / 0.75 = 7/3.
    const auto s = train::smooth_losses({1.0, 3.0}, 0.5);
    QCOMPARE(s[0], 1.0);
    QVERIFY(std::abs(s[1] - 7.0 / 3.0) < 1e-12);
    QCOMPARE(train::smooth_losses({4.0, 1.0}, 0.0), (std::vector<double>{4.0, 1.0}));
  }

  void bothRulesReadTheSyntheticCurve() {
    const auto points = synthetic_curve(121);  // 0.05 decades a step
    const train::LrSuggestions s = train::suggest_lr(points, 10);
    QVERIFY(s.steepest_lr && s.minimum_tenth_lr && s.suggested);
    // Within one step (a factor 10^0.05) of the analytic points: steepest at 1e-3, the
    // minimum at lr 10^-0.997, so minimum/10 at ~1e-2.
    QVERIFY2(std::abs(std::log10(*s.steepest_lr) + 3.0) <= 0.051,
             qPrintable(QString::number(*s.steepest_lr)));
    QVERIFY2(std::abs(std::log10(*s.minimum_tenth_lr) + 2.0) <= 0.051,
             qPrintable(QString::number(*s.minimum_tenth_lr)));
    QCOMPARE(*s.suggested, *s.steepest_lr);
    QCOMPARE(s.rule, std::string(train::kSteepestRule));
    // No falling slope past the skipped start, yet a minimum after it: minimum/10 stands in.
    std::vector<LrPoint> odd;
    for (double v : {0.0, 0.1, 1.0, 0.5, 2.0}) odd.push_back({std::pow(10.0, odd.size()), v, v});
    const train::LrSuggestions f = train::suggest_lr(odd, 2);
    QVERIFY(!f.steepest_lr);
    QCOMPARE(*f.minimum, size_t(3));
    QCOMPARE(f.rule, std::string(train::kMinimumRule));
    QCOMPARE(*f.suggested, 100.0);
  }

  void steepestIgnoresTheStartAndTheTail() {
    auto points = synthetic_curve(121);
    // A plunge in the first points (the first batches' noise) and one in the diverged tail past
    // the minimum (index 100, lr 0.1), both steeper than the curve's real descent.
    points[3].smoothed = points[4].smoothed = -5.0;
    points[110].smoothed = 6.0;
    points[112].smoothed = 1.5;
    const train::LrSuggestions s = train::suggest_lr(points, 10);
    QCOMPARE(*s.minimum, size_t(100));
    QVERIFY(s.steepest_lr);
    QVERIFY2(std::abs(std::log10(*s.steepest_lr) + 3.0) <= 0.051,
             qPrintable(QString::number(*s.steepest_lr)));
    // With nothing skipped, the start's plunge wins: the skip is what keeps it out.
    QVERIFY(*train::suggest_lr(points, 0).steepest < 10);
  }

  void aCurveThatOnlyRisesSuggestsNothing() {
    std::vector<LrPoint> points;
    for (int i = 0; i < 50; ++i) points.push_back({1e-5 * std::pow(1.2, i), 1.0 + i, 1.0 + i});
    const train::LrSuggestions s = train::suggest_lr(points, 10);
    QVERIFY(!s.suggested);
    QVERIFY(!s.steepest_lr);
    QVERIFY(s.rule.empty());
    QVERIFY(!train::suggest_lr(std::vector<LrPoint>(5), 10).minimum);  // too few points
  }

  void badOptionsAreRefused_data() {
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("end");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("beta");
    QTest::addColumn<QString>("message");
    QTest::newRow("start >= end") << 1e-2 << 1e-3 << 100 << 0.98 << "end_lr (0.001) must be larger";
    QTest::newRow("start == end") << 1e-2 << 1e-2 << 100 << 0.98 << "end_lr (0.01) must be larger";
    QTest::newRow("start 0") << 0.0 << 1.0 << 100 << 0.98 << "start_lr (0) must be a positive";
    QTest::newRow("start NaN") << std::nan("") << 1.0 << 100 << 0.98 << "start_lr (nan)";
    QTest::newRow("steps < 10") << 1e-7 << 10.0 << 9 << 0.98 << "steps (9) must be at least 10";
    QTest::newRow("beta 1") << 1e-7 << 10.0 << 100 << 1.0 << "beta (1) must lie in [0, 1)";
  }

  void badOptionsAreRefused() {
    QFETCH(double, start);
    QFETCH(double, end);
    QFETCH(int, steps);
    QFETCH(double, beta);
    QFETCH(QString, message);
    train::LrFindOptions o;
    o.start_lr = start;
    o.end_lr = end;
    o.steps = steps;
    o.beta = beta;
    try {
      train::find_lr(blobs(), o, kQuiet);
      QFAIL("no error");
    } catch (const train::LrFindError& e) {
      QVERIFY2(QString(e.what()).startsWith("lr-find: "), e.what());
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }

  void weightsThatDoNotFitAreRefused() {
    nn::StateDict wrong = {{"fc9.weight", zeros({2, 2})}};
    train::LrFindOptions o;
    o.weights = &wrong;
    try {
      train::find_lr(blobs(), o, kQuiet);
      QFAIL("no error");
    } catch (const train::LrFindError& e) {
      QVERIFY2(QString(e.what()).contains("do not fit the network"), e.what());
      QVERIFY2(QString(e.what()).contains("fresh weights"), e.what());
    }
  }

  void aStopEndsTheSweepAfterTheBatch() {
    std::atomic<bool> stop{false};
    train::LrFindOptions o;
    o.steps = 100;
    o.stop = &stop;
    std::vector<int64_t> steps;
    o.on_step = [&](const LrPoint& p, int64_t step) {
      steps.push_back(step);
      QCOMPARE(p.lr, train::lr_at(o, step - 1));
      if (step == 15) stop = true;
    };
    const train::LrFindResult r = train::find_lr(blobs(), o, kQuiet);
    QCOMPARE(r.end, train::LrFindEnd::Stopped);
    QCOMPARE(r.points.size(), size_t(15));
    QCOMPARE(steps.back(), int64_t(15));
    QCOMPARE(r.weights, std::string("fresh (seed 0)"));
    QVERIFY2(r.reason.find("stopped after 15 of 100") != std::string::npos, r.reason.c_str());
  }

  void aSweepToHighRatesDivergesAndStops() {
    train::LrFindOptions o;
    o.start_lr = 1e-4;
    o.end_lr = 1e4;  // SGD at 1e4 on unnormalized blobs diverges long before the end
    o.steps = 120;
    const train::LrFindResult r = train::find_lr(blobs(), o, kQuiet);
    QCOMPARE(r.end, train::LrFindEnd::Diverged);
    QVERIFY(r.points.size() < 120);
    QVERIFY(r.suggestions.suggested);
    // Every point's rate is the exponential schedule's, in order.
    for (size_t i = 0; i < r.points.size(); ++i)
      QCOMPARE(r.points[i].lr, train::lr_at(o, int64_t(i)));
    const nlohmann::json j = train::to_json(r, o);
    QCOMPARE(j["end"].get<std::string>(), std::string("diverged"));
    QCOMPARE(j["points"].size(), r.points.size());
    QCOMPARE(j["suggested"].get<double>(), *r.suggestions.suggested);
  }

  // Check 1 of issue 21.
  void suggestionMatchesTheBestRateOfAGrid() {
    QVERIFY2(QFile::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
             "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    io::Project project = io::load_project(mlp_path());
    project.training.device = "cpu";
    const int64_t limit = kLimit;

    // The one-epoch grid, each run from the project's seeded weights; best by validation loss.
    const std::vector<double> grid = {1e-4, 1e-3, 1e-2, 1e-1, 1e0};
    double best_rate = 0, best_loss = INFINITY;
    QString table;
    for (double rate : grid) {
      io::Project p = project;
      p.training.optimizer["lr"] = rate;
      train::SessionOptions so;
      so.limit = limit;
      so.epochs = 1;
      auto s = train::open_session(p, so, kQuiet);
      const train::RunResult r = s->trainer->run();
      const double loss = r.state == train::RunState::Finished && r.last && r.last->val_loss
                              ? *r.last->val_loss
                              : INFINITY;  // a run that fails (NaN) is the worst
      table += QString(" %1: %2").arg(rate).arg(loss);
      if (loss < best_loss) best_loss = loss, best_rate = rate;
    }

    // The finder, given the same seeded weights as live tensors of another network.
    train::SessionOptions so;
    so.limit = limit;
    auto owner = train::open_session(project, so, kQuiet);
    const nn::StateDict given = owner->net->state_dict();
    std::vector<Tensor> before;
    for (const auto& [name, t] : given) before.push_back(t.clone());
    train::LrFindOptions o;
    o.limit = limit;
    o.weights = &given;
    const train::LrFindResult r = train::find_lr(project, o, kQuiet);
    for (size_t i = 0; i < given.size(); ++i)
      QVERIFY2(bit_identical(given[i].second, before[i]), given[i].first.c_str());

    QVERIFY(r.suggestions.suggested);
    const double factor =
        std::max(*r.suggestions.suggested / best_rate, best_rate / *r.suggestions.suggested);
    const QString report =
        QString(
            "grid (validation loss):%1; best %2; finder: steepest %3, minimum/10 %4, "
            "suggested %5 (%6), %7 points, %8; factor %9")
            .arg(table)
            .arg(best_rate)
            .arg(r.suggestions.steepest_lr.value_or(NAN))
            .arg(r.suggestions.minimum_tenth_lr.value_or(NAN))
            .arg(*r.suggestions.suggested)
            .arg(QString::fromStdString(r.suggestions.rule))
            .arg(r.points.size())
            .arg(train::to_string(r.end))
            .arg(factor);
    qInfo("%s", qPrintable(report));
    QVERIFY2(factor <= 3.0, qPrintable(report));
  }

 private:
  static constexpr int64_t kLimit = 6400;
};

QTEST_APPLESS_MAIN(TestLrFinder)
#include "tst_lr_finder.moc"
