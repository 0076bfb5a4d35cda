// netwright-cli end to end on a small synthetic project: every command, exit codes, the metrics
// file, eval --json, predict, resume, and a diverging run that fails with exit code 3.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "backend/cuda_plugin.h"
#include "cli_runner.h"
#include "data/hdf5_reader.h"
#include "dist/communicator.h"
#include "dist/nccl_bridge.h"
#include "io/checkpoint.h"
#include "io/tensor_file.h"
#include "tensor/creation.h"

namespace fs = std::filesystem;

class TestCli : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  QString project_ = src_path("tests/cli/projects/blobs-mlp.nwproj");
  QString dir(const char* name) { return tmp_.path() + "/" + name; }

 private slots:
  void bundledProjectsValidate() {
    for (const auto& e : fs::recursive_directory_iterator(NW_SOURCE_DIR "/projects")) {
      if (e.path().extension() != ".nwproj") continue;
      const CliRun r = run_cli({"validate", QString::fromStdString(e.path().string())});
      QVERIFY2(r.code == 0, (e.path().string() + ":\n" + r.all()).c_str());
      QVERIFY(r.out.find("valid") != std::string::npos);
    }
  }

  void layersListsTheRegistry() {
    const CliRun r = run_cli({"layers"});
    QCOMPARE(r.code, 0);
    for (const char* t : {"Linear", "Conv2d", "LSTM", "BatchNorm2d", "Add", "LastStep", "Reshape"})
      QVERIFY2(r.out.find(t) != std::string::npos, t);
    const CliRun j = run_cli({"layers", "--json"});
    QCOMPARE(j.code, 0);
    QVERIFY(nlohmann::json::parse(j.out).size() > 20);
  }

  // `catalog` lists every kind from core's catalog; --json gives each entry's arguments.
  void catalogListsEveryKind() {
    const CliRun r = run_cli({"catalog"});
    QCOMPARE(r.code, 0);
    for (const char* name : {"layers", "Conv2d", "CrossEntropyLoss", "AdamW", "StepLR",
                             "random_crop", "fashion-mnist", "reduction: choice (mean, sum, none)"})
      QVERIFY2(r.out.find(name) != std::string::npos, name);
    const CliRun j = run_cli({"catalog", "optimizers", "--json"});
    QCOMPARE(j.code, 0);
    const nlohmann::json listing = nlohmann::json::parse(j.out);
    QCOMPARE(listing.size(), size_t(1));
    const nlohmann::json& adam = listing.at("optimizers").at(1);
    QCOMPARE(adam.at("name"), nlohmann::json("Adam"));
    QCOMPARE(adam.at("args").at(0).at("name"), nlohmann::json("lr"));
    QCOMPARE(adam.at("args").at(0).at("default"), nlohmann::json(0.001));
    QCOMPARE(adam.at("args").at(1).at("default"), nlohmann::json({0.9, 0.999}));
    const CliRun bad = run_cli({"catalog", "optimisers"});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.find("did you mean \"optimizers\"") != std::string::npos, bad.err.c_str());
  }

  void summaryCountsParameters() {
    const CliRun r = run_cli({"summary", project_});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.find("420") != std::string::npos, r.out.c_str());  // 8*32+32 + 32*4+4 = 420
  }

  // Issue 6, check 5: without a usable GPU the CLI says "CUDA unavailable: <reason>".
  void devicesSaysWhetherCudaIsUsable() {
    const CliRun r = run_cli({"devices"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.rfind("cpu: ", 0) == 0, r.out.c_str());
    const CliRun need = run_cli({"devices", "--require", "cuda"});
    const std::string mark = "CUDA unavailable: ";
    if (const size_t at = r.out.find(mark); at != std::string::npos) {
      const size_t from = at + mark.size();
      const std::string reason = r.out.substr(from, r.out.find('\n', from) - from);
      QVERIFY2(reason.size() > 20, r.out.c_str());  // a reason, not a bare word
      QCOMPARE(need.code, 3);
      const CliRun train = run_cli({"train", project_, "--device", "cuda", "--limit", "64"});
      QCOMPARE(train.code, 1);
      QVERIFY2(train.err.find(mark + reason.substr(0, 30)) != std::string::npos, train.err.c_str());
    } else {
      QVERIFY2(r.out.find("cuda: ") != std::string::npos, r.out.c_str());
      QCOMPARE(need.code, 0);
    }
  }

  // Issue 18: a line for MPI (its library and how to launch, or why it is not built) and one
  // for NCCL; under mpirun, each rank says which it is.
  void devicesSaysWhetherMpiAndNcclAreUsable() {
    const CliRun r = run_cli({"devices"});
    QCOMPARE(r.code, 0);
    const std::string mpi =
        "\nmpi: " + nw::dist::mpi_description() +
        (nw::dist::mpi_built() ? " (launch with mpirun -np K netwright-cli train PROJECT)\n"
                               : "\n");
    QVERIFY(nw::dist::mpi_built() || nw::dist::mpi_description().rfind("not built (", 0) == 0);
    QVERIFY2(r.out.find(mpi) != std::string::npos, r.out.c_str());
    const nw::dist::NcclStatus nccl = nw::dist::nccl_status();
    QVERIFY2(r.out.find("\nnccl: " + nccl.text + "\n") != std::string::npos, r.out.c_str());
#ifdef NW_NCCL_VERSION
    QVERIFY2(nccl.built && nccl.text.rfind("NCCL " NW_NCCL_VERSION, 0) == 0, nccl.text.c_str());
    QCOMPARE(nccl.usable, nw::cuda_is_available());
    if (!nccl.usable)
      QVERIFY2(nccl.text == "NCCL " NW_NCCL_VERSION " built, no CUDA device to run it on",
               nccl.text.c_str());
#else
    QVERIFY2(!nccl.built && nccl.text.rfind("not built (", 0) == 0, nccl.text.c_str());
#endif
    QVERIFY2(r.out.find("this is rank") == std::string::npos,
             r.out.c_str());  // not launched by mpirun
#ifdef NW_MPIEXEC
    QVERIFY(nw::dist::mpi_built());
    qputenv("OMPI_ALLOW_RUN_AS_ROOT", "1");
    qputenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    const CliRun two = run_program(QStringLiteral(NW_MPIEXEC), {"--oversubscribe", "-np", "2",
                                                                QStringLiteral(NW_CLI), "devices"});
    QVERIFY2(two.code == 0 && !two.crashed, two.all().c_str());
    QVERIFY2(two.out.find("mpi: this is rank 0 of 2\n") != std::string::npos, two.out.c_str());
    QVERIFY2(two.out.find("mpi: this is rank 1 of 2\n") != std::string::npos, two.out.c_str());
#endif
  }

  void usageErrorsExitTwo() {
    QCOMPARE(run_cli({}).code, 2);
    QCOMPARE(run_cli({"train"}).code, 2);
    QCOMPARE(run_cli({"train", project_, "--device", "tpu"}).code, 2);
    QCOMPARE(run_cli({"frobnicate"}).code, 2);
    QCOMPARE(run_cli({"--help"}).code, 0);
  }

  void trainEvalPredictAndResume() {
    const QString out = dir("run");
    const QString metrics = dir("metrics.jsonl");
    CliRun r = run_cli({"train", project_, "--out", out, "--metrics", metrics, "--epochs", "2"});
    QVERIFY2(r.code == 0, r.all().c_str());
    QVERIFY2(r.out.find("accuracy") != std::string::npos, r.out.c_str());
    QVERIFY(fs::exists((out + "/epoch_0002.h5").toStdString()));
    QVERIFY(fs::exists((out + "/best.h5").toStdString()));

    // One JSON object per batch and per epoch: 3600 training samples / 32 = 113 batches.
    std::ifstream f(metrics.toStdString());
    int batches = 0, epochs = 0;
    for (std::string line; std::getline(f, line);) {
      const auto j = nlohmann::json::parse(line);
      batches += j["event"] == "batch";
      epochs += j["event"] == "epoch";
    }
    QCOMPARE(batches, 2 * 113);
    QCOMPARE(epochs, 2);

    const QString ckpt = out + "/epoch_0002.h5";
    r = run_cli({"eval", project_, "--checkpoint", ckpt, "--json"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
    const auto j = nlohmann::json::parse(last);
    QCOMPARE(j["split"].get<std::string>(), std::string("test"));
    QVERIFY(j["accuracy"].get<double>() > 0.9 && j["accuracy"].get<double>() <= 1.0);
    QCOMPARE(j["confusion_matrix"].size(), size_t(4));

    // predict on five samples: (5, 8) in, (5, 4) out.
    const std::string in = dir("in.h5").toStdString();
    nw::manual_seed(1);
    nw::io::write_hdf5_tensor(in, "input", nw::randn({5, 8}));
    r = run_cli({"predict", project_, "--checkpoint", ckpt, "--input", QString::fromStdString(in),
                 "--output", dir("out.h5")});
    QVERIFY2(r.code == 0, r.all().c_str());
    const nw::Tensor y = nw::data::read_hdf5_tensor(dir("out.h5").toStdString(), "output");
    QCOMPARE(y.sizes(), (nw::Shape{5, 4}));

    // Wrong input shape: exit 1, and the message says what the network expects.
    nw::io::write_hdf5_tensor(in, "input", nw::randn({5, 9}));
    r = run_cli({"predict", project_, "--checkpoint", ckpt, "--input", QString::fromStdString(in),
                 "--output", dir("out2.h5")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.find("(N, 8)") != std::string::npos, r.err.c_str());

    // Resume for a third epoch.
    r = run_cli({"train", project_, "--out", dir("run2"), "--resume", ckpt, "--epochs", "3"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const auto c3 = nw::io::read_checkpoint((dir("run2") + "/epoch_0003.h5").toStdString());
    QCOMPARE(c3.epoch, int64_t(3));
    QCOMPARE(c3.history.at("train_loss").size(), size_t(3));
  }

  // `runs` lists what `train` wrote into its default folder (runs/<name>/<stamp>/ beside the
  // project), as the application's Export Checkpoint offers it.
  void runsListsWhatTrainWrote() {
    fs::create_directories(dir("listed").toStdString());
    fs::create_directories(dir("unlisted").toStdString());
    const QString copy = dir("listed/blobs.nwproj"), fresh = dir("unlisted/blobs.nwproj");
    QVERIFY(QFile::copy(project_, copy) && QFile::copy(project_, fresh));
    CliRun r = run_cli({"train", copy, "--epochs", "2", "--limit", "256", "--quiet"});
    QVERIFY2(r.code == 0, r.all().c_str());
    r = run_cli({"runs", copy, "--json"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const auto runs = nlohmann::json::parse(r.out);
    QCOMPARE(runs.size(), size_t(1));
    QVERIFY(runs[0]["dir"].get<std::string>().starts_with(dir("listed/runs/").toStdString()));
    QStringList which;
    for (const auto& c : runs[0]["checkpoints"]) which << QString::fromStdString(c["which"]);
    QCOMPARE(which, QStringList({"best", "epoch 2", "epoch 1"}));
    QVERIFY2(runs[0]["checkpoints"][1]["about"].get<std::string>().starts_with("epoch 2, val "),
             r.out.c_str());
    r = run_cli({"runs", fresh});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.starts_with("no runs under " + dir("unlisted/runs/").toStdString()),
             r.out.c_str());
  }

  void initWritesALoadableCheckpoint() {
    const QString out = dir("init.h5");
    CliRun r = run_cli({"init", project_, "--out", out, "--seed", "5"});
    QVERIFY2(r.code == 0, r.all().c_str());
    r = run_cli({"checkpoint", out, "--project", project_});
    QVERIFY2(r.code == 0, r.all().c_str());
    QVERIFY(r.out.find("loads") != std::string::npos);
  }

  // lr-find: the curve as JSON with both rules and the suggestion, the table, and options that
  // cannot make a sweep refused as usage errors naming the fix.
  void lrFindSuggestsARate() {
    CliRun r = run_cli({"lr-find", project_, "--steps", "40", "--limit", "512", "--json"});
    QVERIFY2(r.code == 0, r.all().c_str());
    const auto j = nlohmann::json::parse(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1));
    QVERIFY(j["points"].size() >= 10 && j["points"].size() <= 40);
    QCOMPARE(j["points"][0]["lr"].get<double>(), 1e-7);
    QCOMPARE(j["rule"].get<std::string>(), std::string("steepest"));
    QCOMPARE(j["suggested"].get<double>(), j["steepest"].get<double>());
    QCOMPARE(j["minimum_tenth"].get<double>(), j["minimum"].get<double>() / 10);
    QVERIFY(j["steepest"].get<double>() < j["minimum"].get<double>());

    r = run_cli({"lr-find", project_, "--steps", "40", "--limit", "512", "--start", "1e-5"});
    QVERIFY2(r.code == 0, r.all().c_str());
    for (const char* text : {"lr-find: ", "<- minimum",
                             "steepest descent: ", "minimum/10: ", "suggested lr: ", "(steepest)"})
      QVERIFY2(r.out.find(text) != std::string::npos, (std::string(text) + "\n" + r.out).c_str());

    r = run_cli({"lr-find", project_, "--start", "1", "--end", "0.1"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.find("end_lr (0.1) must be larger than start_lr (1)") != std::string::npos,
             r.err.c_str());
    r = run_cli({"lr-find", project_, "--steps", "5"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.find("steps (5) must be at least 10") != std::string::npos, r.err.c_str());
  }

  void divergingRunExitsThree() {
    const CliRun r = run_cli({"train", src_path("tests/cli/projects/diverges.nwproj"), "--out",
                              dir("nan"), "--epochs", "1"});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.find("at epoch 1, batch") != std::string::npos, r.err.c_str());
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
