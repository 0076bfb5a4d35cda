// Experiments: sweep files and their plans (grid order, seeded random draws, halving rungs and
// its choice with ties), settings by path and their errors, run.json (round trip, atomic write,
// damaged files), project_diff, and `netwright-cli sweep` end to end on the bundled Fashion-MNIST
// MLP: four trials, successive halving, and `runs` listing them the same from a fresh process.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "io/project.h"
#include "io/project_diff.h"
#include "train/run_index.h"
#include "train/run_record.h"
#include "train/setting_path.h"
#include "train/sweep_spec.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace nw;

namespace {

io::Project mlp() {
  return io::load_project(src_path("projects/fashion-mnist-mlp.nwproj").toStdString());
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class TestCliSweep : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir(const char* name) { return (tmp_.path() + "/" + name).toStdString(); }

 private slots:
  // The last parameter turns fastest; "trials" takes the first combinations.
  void gridPlansEveryCombinationInOrder() {
    train::SweepSpec s = train::parse_sweep(R"({"method": "grid", "parameters": {
        "training.optimizer.lr": [0.001, 0.01],
        "training.batch_size": {"values": [32, 64, 128]}}})");
    const io::Project p = mlp();
    train::check_sweep(s, p);
    QCOMPARE(s.max_epochs, int64_t(5));  // the project's epochs
    const auto trials = train::plan_trials(s, p);
    QCOMPARE(trials.size(), size_t(6));
    QCOMPARE(trials[0].index, 1);
    QCOMPARE(trials[1].settings.at("training.optimizer.lr"), json(0.001));
    QCOMPARE(trials[1].settings.at("training.batch_size"), json(64));
    QCOMPARE(trials[3].settings.at("training.optimizer.lr"), json(0.01));
    QCOMPARE(trials[3].settings.at("training.batch_size"), json(32));
    s.trials = 4;
    QCOMPARE(train::plan_trials(s, p).size(), size_t(4));
  }

  // Seeded draws: the same plan twice, another with another seed, every value in its range,
  // integers whole, log draws spread over the decades.
  void randomDrawsAreSeededAndInRange() {
    const std::string text = R"({"method": "random", "trials": 40, "seed": 7, "parameters": {
        "training.optimizer.lr": {"min": 1e-4, "max": 1e-1, "log": true},
        "graph.fc1.out_features": {"min": 16, "max": 512},
        "training.optimizer.type": {"values": ["Adam", "SGD"]}}})";
    train::SweepSpec s = train::parse_sweep(text);
    const io::Project p = mlp();
    train::check_sweep(s, p);
    const auto a = train::plan_trials(s, p), b = train::plan_trials(s, p);
    QCOMPARE(a.size(), size_t(40));
    int below_1e3 = 0, sgd = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      QCOMPARE(a[i].settings, b[i].settings);
      const double lr = a[i].settings.at("training.optimizer.lr").get<double>();
      QVERIFY(lr >= 1e-4 && lr <= 1e-1);
      below_1e3 += lr < 1e-3;
      const json& width = a[i].settings.at("graph.fc1.out_features");
      QVERIFY(width.is_number_integer());
      QVERIFY(width.get<int64_t>() >= 16 && width.get<int64_t>() <= 512);
      sgd += a[i].settings.at("training.optimizer.type") == "SGD";
    }
    // Log-uniform: a third of the draws fall in the first of three decades (40 draws: 5..25).
    QVERIFY2(below_1e3 >= 5 && below_1e3 <= 25, std::to_string(below_1e3).c_str());
    QVERIFY(sgd >= 8 && sgd <= 32);
    s.seed = 8;
    QVERIFY(train::plan_trials(s, p)[0].settings != a[0].settings);
  }

  void rungsGrowByEtaToTheMax() {
    train::SweepSpec s;
    s.max_epochs = 5;
    QCOMPARE(train::rung_epochs(s), std::vector<int64_t>({5}));
    s.halving = train::Halving{1, 2};
    QCOMPARE(train::rung_epochs(s), std::vector<int64_t>({1, 2, 4, 5}));
    s.halving = train::Halving{2, 3};
    s.max_epochs = 18;
    QCOMPARE(train::rung_epochs(s), std::vector<int64_t>({2, 6, 18}));
  }

  // floor(n / eta) go on, at least one; equal figures by trial number; no figure never goes on.
  void halvingChoosesTheBestAndBreaksTiesByTrial() {
    using S = train::TrialScore;
    auto c = train::choose_promoted({{1, 0.5}, {2, 0.3}, {3, 0.3}, {4, std::nullopt}}, 2, false);
    QCOMPARE(c.promoted, std::vector<int>({2, 3}));
    QCOMPARE(c.halted, std::vector<int>({1, 4}));
    c = train::choose_promoted({{4, 0.3}, {3, 0.3}, {2, 0.3}, {1, 0.3}}, 2, false);
    QCOMPARE(c.promoted, std::vector<int>({1, 2}));
    c = train::choose_promoted({{1, 0.80}, {2, 0.85}, {3, 0.85}}, 2, true);
    QCOMPARE(c.promoted, std::vector<int>({2}));
    QCOMPARE(c.halted, std::vector<int>({3, 1}));
    c = train::choose_promoted({S{1, std::nan("")}, S{2, std::nullopt}}, 2, false);
    QVERIFY(c.promoted.empty());
    QCOMPARE(c.halted.size(), size_t(2));
  }

  void settingsApplyByPath() {
    io::Project base = mlp();
    base.training.optimizer["betas"] = {0.8, 0.99};
    const io::Project p = train::apply_settings(base, {{"training.optimizer.lr", 0.01},
                                                       {"training.batch_size", 32},
                                                       {"training.optimizer.type", "SGD"},
                                                       {"graph.fc1.out_features", 256}});
    QCOMPARE(p.training.optimizer.at("type"), json("SGD"));
    QCOMPARE(p.training.optimizer.at("lr"), json(0.01));
    QVERIFY(!p.training.optimizer.contains("betas"));  // Adam's, which SGD does not take
    QCOMPARE(p.training.batch_size, int64_t(32));
    QCOMPARE(p.graph.node("fc1").params.at("out_features"), json(256));
    QCOMPARE(train::read_setting(p, "graph.fc1.out_features"), json(256));
    QCOMPARE(train::read_setting(base, "graph.fc1.out_features"), json(512));
    const auto paths = train::sweepable_settings(base);
    QVERIFY(std::find(paths.begin(), paths.end(), "graph.fc2.out_features") != paths.end());
    QVERIFY(std::find(paths.begin(), paths.end(), "graph.fc1.in_features") == paths.end());
    const auto [path, value] = train::parse_setting_assignment("training.optimizer.type=SGD");
    QCOMPARE(path, std::string("training.optimizer.type"));
    QCOMPARE(value, json("SGD"));
    QCOMPARE(train::parse_setting_assignment("training.optimizer.lr=1e-3").second, json(1e-3));
  }

  // Each error names the place, the path, the problem and the fix.
  void badSettingsSayWhereAndHow() {
    const io::Project p = mlp();
    const auto apply = [&](const std::string& path, const json& v) {
      return error_of([&] { train::apply_settings(p, {{path, v}}, "sweep.json"); });
    };
    std::string e = apply("graph.fc9.out_features", 64);
    QVERIFY2(contains(e,
                      "sweep.json: graph.fc9.out_features: the project has no node 'fc9'; "
                      "use one of input, flatten, fc1"),
             e.c_str());
    e = apply("graph.fc1.bias", 1);
    QVERIFY2(contains(e, "numeric parameters only"), e.c_str());
    e = apply("graph.fc1.in_features", 100);
    QVERIFY2(contains(e, "inferred"), e.c_str());
    e = apply("graph.fc1.widthh", 100);
    QVERIFY2(contains(e, "no parameter 'widthh'; its numeric parameters are out_features"),
             e.c_str());
    e = apply("graph.fc1.out_features", 0);
    QVERIFY2(contains(e, "graph.fc1.out_features") && contains(e, "positive"), e.c_str());
    e = apply("training.optimizer.lr", -1);
    QVERIFY2(contains(e, "training.optimizer.lr: ") && contains(e, "-1"), e.c_str());
    e = apply("training.batch_size", 0);
    QVERIFY2(contains(e, "training.batch_size"), e.c_str());
    e = apply("training.optimizer.type", "Adamm");
    QVERIFY2(contains(e, "unknown optimizer \"Adamm\"") && contains(e, "Adam"), e.c_str());
    e = apply("training.dropout", 0.5);
    QVERIFY2(contains(e, "not a setting a sweep can vary; use training.optimizer.lr"), e.c_str());
    e = error_of([] { train::parse_setting_assignment("lr"); });
    QVERIFY2(contains(e, "expected PATH=VALUE"), e.c_str());
  }

  // Every problem of a file at once, each at its JSON place.
  void badSweepFilesListEveryProblem() {
    std::string e = error_of([] {
      train::parse_sweep(R"({"method": "grd", "trails": 3, "parameters": {
          "training.optimizer.lr": {"min": 1e-3, "max": 1e-4}}, "halving": {"eta": 1}})",
                         "s.json");
    });
    for (const char* part :
         {"s.json", "trails: unknown key", "method: expected one of grid, random",
          "parameters.training.optimizer.lr: the range's min must be below",
          "halving.eta: expected a whole number from 2"})
      QVERIFY2(contains(e, part), (part + std::string("\n") + e).c_str());
    e = error_of([] {
      train::parse_sweep(R"({"parameters": {"training.optimizer.lr": {"min": 1e-4, "max": 1}}})");
    });
    QVERIFY2(contains(e, "set \"method\": \"random\""), e.c_str());
    e = error_of([] { train::parse_sweep(R"({"method": "random", "parameters": {"a": [1]}})"); });
    QVERIFY2(contains(e, "trials: missing"), e.c_str());
    e = error_of([] { train::parse_sweep("{\"parameters\": [1,"); });
    QVERIFY2(contains(e, "line 1"), e.c_str());
    e = error_of([] {
      train::SweepSpec s = train::parse_sweep(
          R"({"metric": "val_accuracy", "max_epochs": 2, "halving": {"min_epochs": 3},
              "parameters": {"graph.fc9.out_features": [64], "training.batch_size": [32, -1]}})",
          "s.json");
      io::Project p = mlp();
      p.data.validation_fraction = 0;
      train::check_sweep(s, p);
    });
    for (const char* part :
         {"parameters.graph.fc9.out_features: the project has no node 'fc9'",
          "parameters.training.batch_size.values[1]", "metric: val_accuracy needs validation data",
          "halving.min_epochs: 3 is beyond max_epochs (2)"})
      QVERIFY2(contains(e, part), (part + std::string("\n") + e).c_str());
  }

  void runRecordRoundTripsAtomically() {
    const fs::path run = dir("record/20261208-010000");
    fs::create_directories(run);
    train::RunRecord r;
    r.name = "20261208-010000";
    r.project = {{"name", "x"}, {"training", {{"epochs", 3}}}};
    r.settings = {{"training.optimizer.lr", 0.01}, {"training.optimizer.type", "SGD"}};
    r.state = train::RecordState::Halted;
    r.reason = "halved";
    r.epochs_done = 2;
    r.epochs = 3;
    r.started = "2026-12-08T01:00:00Z";
    r.monitor = "val_loss";
    r.last = {2, 0.5, 0.8, 0.6, std::nullopt};
    r.best = {1, 0.7, 0.7, std::numeric_limits<double>::quiet_NaN(), 0.75};
    r.sweep = train::SweepMembership{"20261208-010000-sweep", 3, 2, "ranked 4 of 4"};
    train::write_run_record(run, r);
    const auto back = train::read_run_record(run);
    QVERIFY(back);
    json want = train::to_json(r);
    want["updated"] = back->updated;
    QCOMPARE(train::to_json(*back), want);
    QVERIFY(!want["best"].contains("val_loss"));  // NaN has no JSON form: left out
    QCOMPARE(back->started, r.started);
    QVERIFY(!back->best.val_loss);
    QCOMPARE(*back->best.val_accuracy, 0.75);
    QCOMPARE(back->sweep->trial, 3);
    // Only run.json in the folder: the temporary file was renamed over it.
    r.state = train::RecordState::Finished;
    train::write_run_record(run, r);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(run)) names.push_back(e.path().filename());
    QCOMPARE(names, std::vector<std::string>({"run.json"}));
    QCOMPARE(train::read_run_record(run)->state, train::RecordState::Finished);
    QVERIFY(!train::read_run_record(dir("record/none")));
    std::ofstream(run / "run.json")
        << R"({"netwright_run": 1, "state": "sleeping", "epochs": "x"})";
    const std::string e = error_of([&] { train::read_run_record(run); });
    QVERIFY2(contains(e, "state: expected one of running") && contains(e, "epochs: expected"),
             e.c_str());
    std::ofstream(run / "run.json") << R"({"netwright_run": 9})";
    QVERIFY(contains(error_of([&] { train::read_run_record(run); }), "newer"));
  }

  void projectDiffMatchesNodesById() {
    const io::Project a = mlp();
    io::Project b = a;
    b.training.optimizer["lr"] = 0.01;
    b.graph.set_param("fc1", "out_features", 256);
    b.graph.move_node("fc2", {500, 500});  // a position changes nothing a run does
    b.graph.add_node("Dropout", "drop1", {{"p", 0.2}});
    b.graph.disconnect({"relu1", 0}, {"fc2", 0});
    b.graph.connect({"relu1", 0}, {"drop1", 0});
    b.graph.connect({"drop1", 0}, {"fc2", 0});
    std::vector<std::string> lines;
    for (const auto& c : io::project_diff(io::to_json(a), io::to_json(b)))
      lines.push_back(c.to_string());
    QCOMPARE(lines.size(), size_t(6));
    QVERIFY2(lines[4].starts_with("graph.nodes[drop1]: (none) -> {\"id\":\"drop1\",\"params\":"
                                  "{\"p\":0.2}"),
             lines[4].c_str());
    lines.erase(lines.begin() + 4);
    const std::vector<std::string> want = {
        "graph.edges: - [\"relu1\",\"fc2\"]", "graph.edges: + [\"relu1\",\"drop1\"]",
        "graph.edges: + [\"drop1\",\"fc2\"]", "graph.nodes[fc1].params.out_features: 512 -> 256",
        "training.optimizer.lr: 0.001 -> 0.01"};
    QCOMPARE(lines, want);
    QVERIFY(io::project_diff(io::to_json(a), io::to_json(a)).empty());
  }

  // Check 3 of issue 21, headless: four trials of the MLP on 2000 samples, halving after one
  // epoch; the runs listed with their settings, the same from a fresh process.
  void sweepRunsFourTrialsAndHalves() {
    const fs::path folder = dir("mlp");
    fs::create_directories(folder);
    fs::copy_file(src_path("projects/fashion-mnist-mlp.nwproj").toStdString(),
                  folder / "mlp.nwproj");
    std::ofstream(folder / "lr.sweep.json") << R"({
      "name": "lr", "method": "grid", "metric": "val_loss", "max_epochs": 2,
      "parameters": {"training.optimizer.lr": [0.0003, 0.001, 0.003, 0.1]},
      "halving": {"min_epochs": 1, "eta": 2}})";
    const QString project = QString::fromStdString((folder / "mlp.nwproj").string());
    const QString sweep = QString::fromStdString((folder / "lr.sweep.json").string());
    CliRun r = run_cli({"sweep", project, sweep, "--limit", "2000"});
    QVERIFY2(r.code == 0, r.all().c_str());
    QVERIFY2(contains(r.out, "rung 1 (epoch 1): go on:") && contains(r.out, "best: trial "),
             r.out.c_str());

    r = run_cli({"runs", project, "--json"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const json runs = json::parse(r.out);
    QCOMPARE(runs.size(), size_t(4));
    std::map<double, json> by_lr;
    for (const json& run : runs) {
      const json& rec = run.at("record");
      QVERIFY2(run.at("run").get<std::string>().ends_with(
                   "-lr-t0" + std::to_string(rec.at("sweep").at("trial").get<int>())),
               run.dump().c_str());
      by_lr[rec.at("settings").at("training.optimizer.lr").get<double>()] = rec;
      QCOMPARE(rec.at("settings").at("training.batch_size"), json(64));
      QCOMPARE(rec.at("settings").at("training.optimizer.type"), json("Adam"));
    }
    QCOMPARE(by_lr.size(), size_t(4));
    int halted = 0, finished = 0;
    for (const auto& [lr, rec] : by_lr) {
      const std::string state = rec.at("state");
      if (state == "halted") {
        ++halted;
        QCOMPARE(rec.at("epochs_done"), json(1));
        QCOMPARE(rec.at("sweep").at("halted_at"), json(1));
        QVERIFY2(contains(rec.at("reason"), "successive halving kept the best 2"),
                 rec.dump().c_str());
      } else {
        QCOMPARE(state, std::string("finished"));
        ++finished;
        QCOMPARE(rec.at("epochs_done"), json(2));
        QVERIFY(rec.at("last").at("val_loss").get<double>() > 0);
      }
    }
    QCOMPARE(halted, 2);
    QCOMPARE(finished, 2);
    // lr 0.1 diverges next to the others: Adam at 0.1 ends rung 1 far behind.
    QCOMPARE(by_lr.at(0.1).at("state"), json("halted"));
    // A promoted trial resumed from its rung-1 checkpoint ends as a straight two-epoch run does.
    const auto& [lr, promoted] = *std::find_if(by_lr.begin(), by_lr.end(), [](const auto& kv) {
      return kv.second.at("state") == "finished";
    });
    const std::string straight = (folder / "straight").string();
    CliRun s = run_cli({"train", project, "--limit", "2000", "--epochs", "2", "--quiet", "--out",
                        QString::fromStdString(straight), "--set",
                        QString("training.optimizer.lr=%1").arg(lr, 0, 'g', 17)});
    QVERIFY2(s.code == 0, s.all().c_str());
    QCOMPARE(train::read_run_record(straight)->settings.at("training.optimizer.lr"), json(lr));
    QCOMPARE(train::to_json(train::read_run_record(straight)->last), promoted.at("last"));
    // A run from before run.json: its record comes from its checkpoint, settings and figures.
    fs::remove(fs::path(straight) / "run.json");
    const auto legacy = train::list_runs(folder);  // "straight" and "runs", which holds no run
    QCOMPARE(legacy.size(), size_t(1));
    QVERIFY2(legacy[0].record, legacy[0].record_problem.c_str());
    QCOMPARE(legacy[0].record->state, train::RecordState::Unknown);
    QCOMPARE(legacy[0].record->settings.at("training.optimizer.lr"), json(lr));
    QCOMPARE(train::to_json(legacy[0].record->last), promoted.at("last"));
    // Re-opening: a fresh process lists the same runs, records and all.
    const CliRun again = run_cli({"runs", project, "--json"});
    QCOMPARE(again.out, r.out);
    const CliRun text = run_cli({"runs", project});
    QVERIFY2(contains(text.out, "settings: training.batch_size=64  training.epochs=") &&
                 contains(text.out, "halted, 1 of 1 epochs"),
             text.out.c_str());
    int summaries = 0;
    for (const auto& e : fs::directory_iterator(folder / "runs" / "Fashion-MNIST-MLP"))
      summaries += e.path().string().ends_with("-lr.sweep.json");
    QCOMPARE(summaries, 1);
  }

  // Two trials at once, each a child netwright-cli: the same records as one after another.
  void parallelTrialsRunAsChildProcesses() {
    const fs::path folder = dir("parallel");
    fs::create_directories(folder);
    fs::copy_file(src_path("projects/fashion-mnist-mlp.nwproj").toStdString(),
                  folder / "mlp.nwproj");
    std::ofstream(folder / "w.json") << R"({"name": "width", "max_epochs": 1,
      "parameters": {"graph.fc1.out_features": [32, 64]}})";
    const QString project = QString::fromStdString((folder / "mlp.nwproj").string());
    CliRun r = run_cli({"sweep", project, QString::fromStdString((folder / "w.json").string()),
                        "--limit", "1000", "--parallel", "2", "--threads", "1", "--json"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const json summary = json::parse(r.out);
    QCOMPARE(summary.at("trials").size(), size_t(2));
    for (const json& t : summary.at("trials")) {
      QCOMPARE(t.at("state"), json("finished"));
      QVERIFY(t.at("rung_metric").at(0).get<double>() > 0);
    }
    const auto runs = train::list_runs(folder / "runs" / "Fashion-MNIST-MLP");
    QCOMPARE(runs.size(), size_t(2));
    for (const auto& run : runs) {
      QVERIFY(run.record);
      QCOMPARE(run.record->state, train::RecordState::Finished);
      QCOMPARE(run.record->sweep->trial, run.name.ends_with("t01") ? 1 : 2);
      QCOMPARE(run.record->settings.at("graph.fc1.out_features"),
               json(run.name.ends_with("t01") ? 32 : 64));
      QCOMPARE(run.record->project.at("graph").at("nodes").at(2).at("params").at("out_features"),
               json(run.name.ends_with("t01") ? 32 : 64));
    }
  }
};

QTEST_APPLESS_MAIN(TestCliSweep)
#include "tst_cli_sweep.moc"
