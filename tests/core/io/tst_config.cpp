// The data and training sections: parsing with locations, the loss/optimizer/scheduler builders
// with PyTorch's keyword arguments, and open_datasets on small files written here (synthetic,
// CSV, HDF5, IDX, image folders; the class filter, limits, the seeded validation split and the
// transforms), plus Fashion-MNIST when Debian's package is installed.
#include <QtTest>

#include <hdf5.h>

#include <fstream>
#include <functional>

#include "data/fashion_mnist.h"
#include "io/config.h"
#include "nn/layers/loss.h"
#include "optim/scheduler_cosine.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::io;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

QString error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ProjectError& e) {
    return QString::fromStdString(e.what());
  } catch (const std::exception& e) {
    return QString("(not a ProjectError) ") + e.what();
  }
  return "(no error)";
}

// Problems of parsing `j` as the training (or data) section, one per line.
QString training_problems(const json& j) {
  std::vector<Problem> problems;
  parse_training_config(j, "training", problems);
  QString out;
  for (const Problem& p : problems) out += QString::fromStdString(p.to_string()) + "\n";
  return out;
}

QString data_problems(const json& j) {
  std::vector<Problem> problems;
  parse_data_config(j, "data", problems);
  QString out;
  for (const Problem& p : problems) out += QString::fromStdString(p.to_string()) + "\n";
  return out;
}

DataConfig data_config(const json& j) {
  std::vector<Problem> problems;
  DataConfig c = parse_data_config(j, "data", problems);
  if (!problems.empty()) throw ProjectError("test", problems);
  return c;
}

std::vector<Tensor> some_params() {
  return {zeros({3}).requires_grad_(), zeros({2, 2}).requires_grad_()};
}

void h5_write(const fs::path& path, const std::vector<float>& x, const std::vector<int64_t>& y,
              hsize_t features) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t xd[2] = {y.size(), features}, yd[1] = {y.size()};
  hid_t xs = H5Screate_simple(2, xd, nullptr), ys = H5Screate_simple(1, yd, nullptr);
  hid_t xds = H5Dcreate2(f, "x", H5T_NATIVE_FLOAT, xs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t yds = H5Dcreate2(f, "y", H5T_NATIVE_INT64, ys, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(xds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data());
  H5Dwrite(yds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, y.data());
  H5Dclose(xds);
  H5Dclose(yds);
  H5Sclose(xs);
  H5Sclose(ys);
  H5Fclose(f);
}

std::vector<int64_t> targets_of(const data::Dataset& d) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < d.size(); ++i) out.push_back(d.get(i).target.item<int64_t>());
  return out;
}

}  // namespace

class TestConfig : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  fs::path dir() const { return tmp_.path().toStdString(); }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // Ten rows, labels 0..4 twice; "label" is the last column.
    std::string csv = "a,b,c,label\n";
    for (int i = 0; i < 10; ++i)
      csv += std::to_string(i) + "," + std::to_string(10 * i) + "," + std::to_string(100 * i) +
             "," + std::to_string(i % 5) + "\n";
    write_text(dir() / "rows.csv", csv);
    std::vector<float> x;
    std::vector<int64_t> y;
    for (int i = 0; i < 6; ++i) {
      x.insert(x.end(), {float(i), float(-i)});
      y.push_back(i % 3);
    }
    h5_write(dir() / "data.h5", x, y, 2);
  }

  // ---- training

  void trainingDefaultsWhenAbsent() {
    std::vector<Problem> problems;
    const TrainingConfig c = parse_training_config(nullptr, "training", problems);
    QVERIFY(problems.empty());
    QCOMPARE(c.loss["type"], json("CrossEntropyLoss"));
    QCOMPARE(c.batch_size, int64_t(64));
    QCOMPARE(c.device, std::string("auto"));
  }

  void trainingSettingsAreRead() {
    const json j = {{"loss", {{"type", "MSELoss"}}},
                    {"optimizer", {{"type", "SGD"}, {"lr", 0.1}, {"momentum", 0.9}}},
                    {"scheduler", {{"type", "StepLR"}, {"step_size", 2}}},
                    {"batch_size", 16},
                    {"epochs", 3},
                    {"seed", 7},
                    {"shuffle", false},
                    {"device", "cpu"},
                    {"early_stopping", {{"monitor", "val_accuracy"}, {"patience", 2}}},
                    {"checkpoint_every", 0},
                    {"keep_last", 5},
                    {"sync_batchnorm", true},
                    {"precision", "fp16"},
                    {"cudnn_benchmark", true},
                    {"warmup", 3}};
    std::vector<Problem> problems;
    const TrainingConfig c = parse_training_config(j, "training", problems);
    QVERIFY2(problems.empty(), qPrintable(training_problems(j)));
    QCOMPARE(c.batch_size, int64_t(16));
    QCOMPARE(c.epochs, int64_t(3));
    QCOMPARE(c.seed, uint64_t(7));
    QVERIFY(!c.shuffle);
    QCOMPARE(c.device, std::string("cpu"));
    QVERIFY(c.early_stopping);
    QCOMPARE(c.early_stopping->monitor, std::string("val_accuracy"));
    QCOMPARE(c.early_stopping->patience, int64_t(2));
    QCOMPARE(c.checkpoint_every, int64_t(0));
    QCOMPARE(c.keep_last, int64_t(5));
    QVERIFY(c.sync_batchnorm);
    QCOMPARE(c.precision, std::string("fp16"));
    QVERIFY(c.cudnn_benchmark);
    QCOMPARE(c.extra, (json{{"warmup", 3}}));
    // Written back with the same values, unknown keys included.
    std::vector<Problem> again;
    const TrainingConfig d = parse_training_config(to_json(c), "training", again);
    QVERIFY(again.empty());
    QCOMPARE(to_json(d), to_json(c));
    QCOMPARE(to_json(c)["warmup"], json(3));
  }

  void trainingErrorsNameTheirPlace_data() {
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("expected");
    QTest::newRow("batch size text")
        << R"({"batch_size": "64"})"
        << R"(training.batch_size: expected a positive integer, got "64")";
    QTest::newRow("batch size zero") << R"({"batch_size": 0})"
                                     << "training.batch_size: expected a positive integer, got 0";
    QTest::newRow("fractional epochs") << R"({"epochs": 2.5})"
                                       << "training.epochs: expected a positive integer, got 2.5";
    QTest::newRow("sync_batchnorm text") << R"({"sync_batchnorm": "yes"})"
                                         << R"(training.sync_batchnorm: expected true or false)";
    QTest::newRow("precision")
        << R"({"precision": "half"})"
        << R"(training.precision: expected one of "fp32", "bf16", "fp16", got "half")";
    QTest::newRow("cudnn_benchmark number")
        << R"({"cudnn_benchmark": 1})"
        << R"(training.cudnn_benchmark: expected true or false)";
    QTest::newRow("negative seed") << R"({"seed": -1})"
                                   << "training.seed: expected a non-negative integer";
    QTest::newRow("shuffle") << R"({"shuffle": "yes"})"
                             << "training.shuffle: expected true or false";
    QTest::newRow("device")
        << R"({"device": "gpu"})"
        << R"(training.device: expected one of "auto", "cpu", "cuda", got "gpu")";
    QTest::newRow("loss not an object") << R"({"loss": "MSELoss"})"
                                        << "training.loss: expected an object such as {\"type\": ";
    QTest::newRow("unknown loss") << R"({"loss": {"type": "MSE"}})"
                                  << "training.loss.type: unknown loss \"MSE\"";
    QTest::newRow("loss kwarg")
        << R"({"loss": {"type": "MSELoss", "beta": 1}})"
        << "training.loss.beta: MSELoss has no argument 'beta'; its arguments are: reduction";
    QTest::newRow("loss reduction")
        << R"({"loss": {"type": "L1Loss", "reduction": "avg"}})"
        << "training.loss.reduction: expected one of \"mean\", \"sum\", \"none\"";
    QTest::newRow("optimizer type")
        << R"({"optimizer": {"type": "sgd", "lr": 0.1}})"
        << "training.optimizer.type: unknown optimizer \"sgd\"; did you mean \"SGD\"?";
    QTest::newRow("optimizer no type")
        << R"({"optimizer": {"lr": 0.1}})"
        << "training.optimizer.type: missing; name the optimizer, one of SGD, "
           "Adam, AdamW, RMSprop, Adagrad";
    QTest::newRow("optimizer kwarg")
        << R"({"optimizer": {"type": "SGD", "lr": 0.1, "betas": [0.9, 0.99]}})"
        << "training.optimizer.betas: SGD has no argument 'betas'";
    QTest::newRow("optimizer kind")
        << R"({"optimizer": {"type": "Adam", "betas": 0.9}})"
        << "training.optimizer.betas: expected a list of numbers, got 0.9";
    QTest::newRow("optimizer flag") << R"({"optimizer": {"type": "Adam", "amsgrad": 1}})"
                                    << "training.optimizer.amsgrad: expected true or false, got 1";
    QTest::newRow("optimizer range")
        << R"({"optimizer": {"type": "SGD", "lr": 0.1, "momentum": -1}})"
        << "training.optimizer: invalid momentum -1; use momentum >= 0";
    QTest::newRow("nesterov") << R"({"optimizer": {"type": "SGD", "lr": 0.1, "nesterov": true}})"
                              << "training.optimizer: Nesterov momentum requires momentum > 0";
    QTest::newRow("sgd lr") << R"({"optimizer": {"type": "SGD"}})"
                            << "training.optimizer.lr: missing; SGD has no default learning rate";
    QTest::newRow("scheduler type") << R"({"scheduler": {"type": "Step"}})"
                                    << "training.scheduler.type: unknown scheduler \"Step\"";
    QTest::newRow("scheduler required")
        << R"({"scheduler": {"type": "CosineAnnealingLR"}})"
        << "training.scheduler.T_max: missing; CosineAnnealingLR needs T_max";
    QTest::newRow("scheduler kind")
        << R"({"scheduler": {"type": "MultiStepLR", "milestones": 3}})"
        << "training.scheduler.milestones: expected a list of non-negative integers";
    QTest::newRow("scheduler range")
        << R"({"scheduler": {"type": "ReduceLROnPlateau", "factor": 1.0}})"
        << "training.scheduler: factor must be < 1";
    QTest::newRow("one cycle on Adagrad")
        << R"({"optimizer": {"type": "Adagrad"}, "scheduler": {"type": "OneCycleLR", "max_lr": 0.1}})"
        << "training.scheduler: ";
    QTest::newRow("early stopping")
        << R"({"early_stopping": {"monitor": "loss"}})"
        << "training.early_stopping.monitor: expected one of \"val_loss\"";
    QTest::newRow("early stopping key")
        << R"({"early_stopping": {"patiense": 3}})"
        << "training.early_stopping.patiense: unknown key for early_stopping; "
           "did you mean \"patience\"?";
    QTest::newRow("not an object") << "[]"
                                   << "training: expected an object";
  }

  void trainingErrorsNameTheirPlace() {
    QFETCH(QString, section);
    QFETCH(QString, expected);
    const QString problems = training_problems(json::parse(section.toStdString()));
    QVERIFY2(problems.contains(expected), qPrintable(problems));
  }

  void everyLossIsMade_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("type");
    QTest::newRow("ce")
        << R"({"type": "CrossEntropyLoss", "label_smoothing": 0.1, "ignore_index": 3})"
        << "CrossEntropyLoss";
    QTest::newRow("ce weight") << R"({"type": "CrossEntropyLoss", "weight": [1, 2, 3]})"
                               << "CrossEntropyLoss";
    QTest::newRow("nll") << R"({"type": "NLLLoss", "reduction": "sum"})"
                         << "NLLLoss";
    QTest::newRow("bce") << R"({"type": "BCELoss"})"
                         << "BCELoss";
    QTest::newRow("bce logits") << R"({"type": "BCEWithLogitsLoss", "pos_weight": [2]})"
                                << "BCEWithLogitsLoss";
    QTest::newRow("mse") << R"({"type": "MSELoss", "reduction": "none"})"
                         << "MSELoss";
    QTest::newRow("l1") << R"({"type": "L1Loss"})"
                        << "L1Loss";
    QTest::newRow("smooth l1") << R"({"type": "SmoothL1Loss", "beta": 0.5})"
                               << "SmoothL1Loss";
  }

  void everyLossIsMade() {
    QFETCH(QString, spec);
    QFETCH(QString, type);
    const nn::ModulePtr loss = make_loss(json::parse(spec.toStdString()));
    QVERIFY(loss);
    QCOMPARE(QString::fromStdString(loss->type_name()), type);
  }

  void lossOptionsReachTheModule() {
    auto sum =
        std::dynamic_pointer_cast<nn::Loss>(make_loss({{"type", "MSELoss"}, {"reduction", "sum"}}));
    QVERIFY(sum);
    QCOMPARE(sum->reduction(), nn::Reduction::Sum);
    const Tensor l = (*sum)(tensor({1.0f, 2.0f}), tensor({0.0f, 0.0f}));
    QCOMPARE(l.item<float>(), 5.0f);
    QVERIFY(error_of([] {
              make_loss({{"type", "Hinge"}});
            }).contains("training.loss.type: unknown loss"));
    QCOMPARE(loss_types().front(), std::string("CrossEntropyLoss"));
  }

  // The inspector's form shows these: every default is accepted as written, and gives the same
  // loss as leaving the argument out.
  void lossDefaultsAreAcceptedAndChangeNothing() {
    QCOMPARE(loss_defaults("Hinge"), nlohmann::json::object());
    const auto ce = loss_defaults("CrossEntropyLoss");
    QCOMPARE(ce.at("ignore_index"), nlohmann::json(-100));
    QCOMPARE(ce.at("label_smoothing"), nlohmann::json(0.0));
    QCOMPARE(ce.at("weight"), nlohmann::json::array());
    QCOMPARE(loss_defaults("BCEWithLogitsLoss").at("pos_weight"), nlohmann::json::array());
    const Tensor logits = tensor({{2.0f, -1.0f, 0.5f}, {0.1f, 0.2f, 3.0f}});
    const Tensor labels = from_vector(std::vector<int64_t>{0, 2}, {2});
    const Tensor probs = tensor({{0.7f, 0.2f, 0.9f}, {0.1f, 0.6f, 0.4f}});
    const Tensor bits = tensor({{1.0f, 0.0f, 1.0f}, {0.0f, 1.0f, 0.0f}});
    for (const std::string& type : loss_types()) {
      nlohmann::json spec = loss_defaults(type);
      QVERIFY2(!spec.empty(), type.c_str());
      spec["type"] = type;
      std::shared_ptr<nn::Loss> with;
      try {
        with = std::dynamic_pointer_cast<nn::Loss>(make_loss(spec));
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QString::fromStdString(type + ": " + e.what())));
      }
      auto without = std::dynamic_pointer_cast<nn::Loss>(make_loss({{"type", type}}));
      QVERIFY2(with && without, type.c_str());
      const bool classes = type == "CrossEntropyLoss" || type == "NLLLoss";
      const Tensor x = type == "BCELoss" ? probs : logits;
      const Tensor y = classes ? labels : bits;
      QCOMPARE((*with)(x, y).item<float>(), (*without)(x, y).item<float>());
    }
  }

  void optimizerKwargsBecomeOptions() {
    auto sgd = make_optimizer({{"type", "SGD"},
                               {"lr", 0.1},
                               {"momentum", 0.9},
                               {"nesterov", true},
                               {"weight_decay", 1e-4}},
                              some_params());
    QCOMPARE(sgd->name(), std::string("SGD"));
    const optim::ValueMap& o = sgd->param_groups()[0].options;
    QCOMPARE(std::get<double>(o.at("lr")), 0.1);
    QCOMPARE(std::get<double>(o.at("momentum")), 0.9);
    QCOMPARE(std::get<bool>(o.at("nesterov")), true);
    QCOMPARE(std::get<double>(o.at("weight_decay")), 1e-4);
    QCOMPARE(sgd->param_groups()[0].params.size(), size_t(2));

    auto adam = make_optimizer({{"type", "Adam"}, {"betas", {0.8, 0.99}}, {"amsgrad", true}},
                               some_params());
    QCOMPARE(std::get<std::vector<double>>(adam->param_groups()[0].options.at("betas")),
             (std::vector<double>{0.8, 0.99}));
    QCOMPARE(std::get<double>(adam->param_groups()[0].options.at("lr")), 1e-3);  // the default
    for (const char* type : {"AdamW", "RMSprop", "Adagrad"})
      QCOMPARE(make_optimizer({{"type", type}, {"lr", 0.01}}, some_params())->name(),
               std::string(type));
    QCOMPARE(optimizer_types().size(), size_t(5));
  }

  void optimizerErrorsAreProjectErrors() {
    QVERIFY(error_of([] {
              make_optimizer({{"type", "Adam"}, {"lr", "fast"}}, some_params());
            }).contains("training.optimizer.lr: expected a number, got \"fast\""));
    QVERIFY(error_of([] {
              make_optimizer({{"type", "Adam"}}, {});
            }).contains("training.optimizer: the network has no trainable parameters"));
  }

  void everySchedulerIsMade() {
    auto opt = make_optimizer({{"type", "SGD"}, {"lr", 1.0}, {"momentum", 0.9}}, some_params());
    const std::vector<json> specs = {
        {{"type", "StepLR"}, {"step_size", 2}, {"gamma", 0.5}},
        {{"type", "MultiStepLR"}, {"milestones", {1, 3}}},
        {{"type", "ExponentialLR"}, {"gamma", 0.9}},
        {{"type", "LinearLR"}, {"start_factor", 0.5}, {"total_iters", 4}},
        {{"type", "CosineAnnealingLR"}, {"T_max", 10}, {"eta_min", 0.01}},
        {{"type", "OneCycleLR"}, {"max_lr", 0.1}, {"total_steps", 20}},
    };
    for (const json& s : specs) {
      auto o = make_optimizer({{"type", "SGD"}, {"lr", 1.0}, {"momentum", 0.9}}, some_params());
      auto sched = make_scheduler(s, *o);
      QVERIFY2(sched, s.dump().c_str());
      QCOMPARE(sched->name(), s["type"].get<std::string>());
    }
    // StepLR halves every two epochs.
    auto step = make_scheduler({{"type", "StepLR"}, {"step_size", 2}, {"gamma", 0.5}}, *opt);
    step->step();
    step->step();
    QCOMPARE(opt->param_groups()[0].lr(), 0.5);
    QVERIFY(!make_scheduler(nullptr, *opt));
    QCOMPARE(scheduler_types().size(), size_t(7));
  }

  void oneCycleTakesItsLengthFromTheRun() {
    auto opt = make_optimizer({{"type", "SGD"}, {"lr", 1.0}, {"momentum", 0.9}}, some_params());
    const json spec = {{"type", "OneCycleLR"}, {"max_lr", 0.1}};
    QVERIFY(scheduler_steps_per_batch(spec));
    QVERIFY(!scheduler_steps_per_batch({{"type", "StepLR"}, {"step_size", 1}}));
    QVERIFY(error_of([&] { make_scheduler(spec, *opt); }).contains("OneCycleLR needs total_steps"));
    auto sched = make_scheduler(spec, *opt, {.epochs = 2, .steps_per_epoch = 5});
    auto* one = dynamic_cast<optim::OneCycleLR*>(sched.get());
    QVERIFY(one);
    QCOMPARE(one->total_steps(), int64_t(10));
  }

  void plateauIsMadeApart() {
    auto opt = make_optimizer({{"type", "Adam"}}, some_params());
    const json spec = {{"type", "ReduceLROnPlateau"}, {"factor", 0.5}, {"patience", 0}};
    QVERIFY(!make_scheduler(spec, *opt));  // not an LRScheduler
    auto plateau = make_plateau(spec, *opt);
    QVERIFY(plateau);
    plateau->step(1.0);
    plateau->step(2.0);  // worse: reduced at once with patience 0
    QCOMPARE(opt->param_groups()[0].lr(), 5e-4);
    QVERIFY(!make_plateau({{"type", "StepLR"}, {"step_size", 1}}, *opt));
  }

  // ---- data

  void dataErrorsNameTheirPlace_data() {
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("expected");
    QTest::newRow("source missing") << R"({"train": {"split": "train"}})"
                                    << "data.train.source: missing; name the kind of data";
    QTest::newRow("unknown source") << R"({"train": {"source": "cifar"}})"
                                    << "data.train.source: unknown data source \"cifar\"";
    QTest::newRow("unknown key")
        << R"({"train": {"source": "csv", "path": "a.csv", "lable": "y"}})"
        << "data.train.lable: unknown key for a csv source; did you mean \"label\"?";
    QTest::newRow("no path") << R"({"test": {"source": "hdf5"}})"
                             << "data.test.path: missing";
    QTest::newRow("split") << R"({"train": {"source": "fashion-mnist", "split": "val"}})"
                           << R"(data.train.split: expected one of "train", "test", got "val")";
    QTest::newRow("classes") << R"({"train": {"source": "csv", "path": "a.csv", "classes": 3}})"
                             << "data.train.classes: expected a list of distinct class indices";
    QTest::newRow("limit") << R"({"train": {"source": "csv", "path": "a.csv", "limit": 0}})"
                           << "data.train.limit: expected a positive integer, got 0";
    QTest::newRow("synthetic shape") << R"({"train": {"source": "synthetic", "shape": 20}})"
                                     << "data.train.shape: expected a list of positive integers";
    QTest::newRow("synthetic binary")
        << R"({"train": {"source": "synthetic", "shape": [2], "classes": 3, "binary": true}})"
        << "data.train.binary: binary targets need \"classes\": 2";
    QTest::newRow("image size")
        << R"({"train": {"source": "image-folder", "path": "x", "size": [0, 3]}})"
        << "data.train.size: expected a size such as 32 or [height, width]";
    QTest::newRow("channels")
        << R"({"train": {"source": "image-folder", "path": "x", "channels": 2}})"
        << "data.train.channels: expected 1 (grey), 3 (RGB) or 4 (RGBA), got 2";
    QTest::newRow("fraction") << R"({"validation_fraction": 1})"
                              << "data.validation_fraction: expected a fraction below 1";
    QTest::newRow("transform type")
        << R"({"transforms": [{"type": "Normalize", "mean": 0.5, "std": 0.5}]})"
        << "data.transforms[0].type: unknown transform \"Normalize\"; did you mean "
           "\"normalize\"?";
    QTest::newRow("transform arg") << R"({"transforms": [{"type": "random_crop"}]})"
                                   << "data.transforms[0].size: missing; random_crop needs size";
    QTest::newRow("normalize lengths")
        << R"({"transforms": [{"type": "normalize", "mean": [0.5, 0.5], "std": [0.2]}]})"
        << "data.transforms[0]: mean has 2 values and std 1";
    QTest::newRow("transforms type") << R"({"transforms": {"type": "scale"}})"
                                     << "data.transforms: expected a list";
  }

  void dataErrorsNameTheirPlace() {
    QFETCH(QString, section);
    QFETCH(QString, expected);
    const QString problems = data_problems(json::parse(section.toStdString()));
    QVERIFY2(problems.contains(expected), qPrintable(problems));
  }

  void dataSectionRoundTrips() {
    const json j = {{"train", {{"source", "csv"}, {"path", "rows.csv"}, {"label", "label"}}},
                    {"validation_fraction", 0.2},
                    {"transforms", {{{"type", "scale"}, {"max_value", 10}}}},
                    {"cache", true}};
    const DataConfig c = data_config(j);
    QCOMPARE(c.extra, (json{{"cache", true}}));
    QCOMPARE(to_json(data_config(to_json(c))), to_json(c));
    QVERIFY(to_json(c)["test"].is_null());
  }

  void syntheticData() {
    const Datasets d = open_datasets(
        data_config(
            {{"train",
              {{"source", "synthetic"}, {"shape", {3, 4, 4}}, {"classes", 5}, {"count", 20}}},
             {"test",
              {{"source", "synthetic"},
               {"shape", {20}},
               {"classes", 2},
               {"binary", true},
               {"count", 8},
               {"seed", 3}}}}),
        dir(), 0);
    QCOMPARE(d.train->size(), int64_t(20));
    QCOMPARE(d.train->get(0).data.sizes(), (Shape{3, 4, 4}));
    QCOMPARE(d.train->get(0).target.dtype(), kInt64);
    QCOMPARE(d.num_classes, int64_t(5));
    // Binary targets are float (N, 1) for BCELoss, as the tutorial's y.float().
    QCOMPARE(d.test->get(0).target.sizes(), (Shape{1}));
    QCOMPARE(d.test->get(0).target.dtype(), kFloat32);
    QVERIFY(!d.validation);
    const Datasets blobs = open_datasets(data_config({{"train",
                                                       {{"source", "synthetic"},
                                                        {"kind", "blobs"},
                                                        {"shape", {2}},
                                                        {"classes", 3},
                                                        {"count", 9}}}}),
                                         dir(), 0);
    QCOMPARE(targets_of(*blobs.train), (std::vector<int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2}));
  }

  void csvDataWithChosenColumns() {
    const Datasets d = open_datasets(data_config({{"train",
                                                   {{"source", "csv"},
                                                    {"path", "rows.csv"},
                                                    {"label", "label"},
                                                    {"features", {"c", 0}}}}}),
                                     dir(), 0);
    QCOMPARE(d.train->size(), int64_t(10));
    QCOMPARE(d.train->get(3).data.to_vector<float>(), (std::vector<float>{300, 3}));
    QCOMPARE(d.num_classes, int64_t(5));
    QVERIFY(error_of([&] {
              open_datasets(
                  data_config(
                      {{"train", {{"source", "csv"}, {"path", "rows.csv"}, {"features", {"d"}}}}}),
                  dir(), 0);
            }).contains("data.train.features: no feature column \"d\""));
  }

  void hdf5Data() {
    const Datasets d = open_datasets(
        data_config({{"test", {{"source", "hdf5"}, {"path", "data.h5"}, {"x", "x"}, {"y", "y"}}}}),
        dir(), 0);
    QCOMPARE(d.test->size(), int64_t(6));
    QCOMPARE(d.test->get(4).data.to_vector<float>(), (std::vector<float>{4, -4}));
    QCOMPARE(d.num_classes, int64_t(3));
    const QString wrong = error_of([&] {
      open_datasets(data_config({{"test", {{"source", "hdf5"}, {"path", "data.h5"}}}}), dir(), 0);
    });
    QVERIFY2(wrong.contains("data.test: ") && wrong.contains("features"), qPrintable(wrong));
  }

  void idxData() {
    auto idx = [](uint8_t dims, std::vector<uint32_t> sizes, std::vector<uint8_t> payload) {
      std::string b{0, 0, 8, char(dims)};
      for (uint32_t s : sizes)
        for (int k = 24; k >= 0; k -= 8) b.push_back(char(s >> k));
      b.append(payload.begin(), payload.end());
      return b;
    };
    write_text(dir() / "img.idx", idx(3, {2, 1, 2}, {0, 255, 51, 0}));
    write_text(dir() / "lbl.idx", idx(1, {2}, {7, 1}));
    const Datasets d = open_datasets(
        data_config({{"train", {{"source", "idx"}, {"images", "img.idx"}, {"labels", "lbl.idx"}}}}),
        dir(), 0);
    QCOMPARE(d.train->get(0).data.to_vector<float>(), (std::vector<float>{0, 1}));
    QCOMPARE(targets_of(*d.train), (std::vector<int64_t>{7, 1}));
  }

  void imageFolderData() {
    for (const char* cls : {"cat", "dog"}) {
      fs::create_directories(dir() / "images" / cls);
      write_text(dir() / "images" / cls / "a.pgm",
                 std::string("P5\n2 2\n255\n") + std::string(4, char(255)));
    }
    const Datasets d = open_datasets(data_config({{"train",
                                                   {{"source", "image-folder"},
                                                    {"path", "images"},
                                                    {"channels", 1},
                                                    {"classes", {1}}}}}),
                                     dir(), 0);
    QCOMPARE(d.train->size(), int64_t(1));
    QCOMPARE(d.train->get(0).data.sizes(), (Shape{1, 2, 2}));
    QCOMPARE(d.class_names, std::vector<std::string>{"dog"});
    QCOMPARE(targets_of(*d.train), std::vector<int64_t>{0});
  }

  void classesFilterKeepsAndRemaps() {
    const Datasets d = open_datasets(
        data_config(
            {{"train",
              {{"source", "csv"}, {"path", "rows.csv"}, {"label", "label"}, {"classes", {3, 1}}}}}),
        dir(), 0);
    // Rows 1, 3, 6, 8 have labels 1, 3, 1, 3; the list's order numbers them: 3 -> 0, 1 -> 1.
    QCOMPARE(d.train->size(), int64_t(4));
    QCOMPARE(targets_of(*d.train), (std::vector<int64_t>{1, 0, 1, 0}));
    QCOMPARE(d.train->get(1).data.to_vector<float>(), (std::vector<float>{3, 30, 300}));
    const data::Example batch = d.train->get_batch({0, 1, 3});
    QCOMPARE(batch.target.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 0}));
    QCOMPARE(d.num_classes, int64_t(2));
    QVERIFY(
        error_of([&] {
          open_datasets(
              data_config({{"train", {{"source", "csv"}, {"path", "rows.csv"}, {"classes", {7}}}}}),
              dir(), 0);
        }).contains("data.train.classes: class 7 is not in the data, which has 5 classes"));
  }

  void limitsKeepTheFirstSamples() {
    const json source = {{"source", "csv"}, {"path", "rows.csv"}, {"limit", 4}};
    Datasets d = open_datasets(data_config({{"train", source}}), dir(), 0);
    QCOMPARE(targets_of(*d.train), (std::vector<int64_t>{0, 1, 2, 3}));
    d = open_datasets(data_config({{"train", source}, {"test", source}}), dir(), 0, /*limit=*/2);
    QCOMPARE(d.train->size(), int64_t(2));
    QCOMPARE(d.test->size(), int64_t(2));
  }

  void validationIsASeededSplitOfTrain() {
    const DataConfig c = data_config(
        {{"train", {{"source", "csv"}, {"path", "rows.csv"}}}, {"validation_fraction", 0.3}});
    const Datasets a = open_datasets(c, dir(), 1), b = open_datasets(c, dir(), 1),
                   other = open_datasets(c, dir(), 2);
    QCOMPARE(a.train->size(), int64_t(7));
    QCOMPARE(a.validation->size(), int64_t(3));
    auto firsts = [](const data::Dataset& d) {
      std::vector<float> out;
      for (int64_t i = 0; i < d.size(); ++i) out.push_back(d.get(i).data.to_vector<float>()[0]);
      return out;
    };
    QCOMPARE(firsts(*a.validation), firsts(*b.validation));
    QVERIFY(firsts(*a.validation) != firsts(*other.validation));
    std::vector<float> all = firsts(*a.train);
    for (float v : firsts(*a.validation)) all.push_back(v);
    std::sort(all.begin(), all.end());
    QCOMPARE(all, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  }

  void transformsApplyAndAugmentOnlyTraining() {
    const json source = {
        {"source", "synthetic"}, {"shape", {1, 4, 4}}, {"classes", 2}, {"count", 8}};
    const DataConfig plain = data_config({{"train", source}, {"test", source}});
    const DataConfig tf = data_config({{"train", source},
                                       {"test", source},
                                       {"transforms",
                                        {{{"type", "random_crop"}, {"size", 4}, {"padding", 2}},
                                         {{"type", "normalize"}, {"mean", 1.0}, {"std", 2.0}}}}});
    const Datasets p = open_datasets(plain, dir(), 0), t = open_datasets(tf, dir(), 0);
    // The test split gets the normalization only.
    const Tensor expected = (p.test->get(0).data - 1.0) / 2.0;
    QCOMPARE(t.test->get(0).data.to_vector<float>(), expected.to_vector<float>());
    // The training split is cropped from a padded image too: some sample differs from the plain
    // one.
    bool differs = false;
    for (int64_t i = 0; i < 8; ++i)
      differs = differs || t.train->get(i).data.to_vector<float>() !=
                               ((p.train->get(i).data - 1.0) / 2.0).to_vector<float>();
    QVERIFY(differs);
  }

  void missingFilesNameTheLocationAndThePath() {
    const DataConfig c =
        data_config({{"train", {{"source", "csv"}, {"path", "sub/none.csv"}}},
                     {"test", {{"source", "idx"}, {"images", "/nowhere/i.idx"}, {"labels", "l"}}}});
    const QString message = error_of([&] { open_datasets(c, dir(), 0); });
    const QString path = QString::fromStdString((dir() / "sub/none.csv").string());
    QVERIFY2(message.contains("data.train.path: no such file '" + path + "' (looked in " +
                              QString::fromStdString(dir().string()) + ")"),
             qPrintable(message));
    QVERIFY2(message.contains("data.test.images: no such file '/nowhere/i.idx'; check the path"),
             qPrintable(message));
    QCOMPARE(check_data_files(c, dir()).size(), size_t(3));  // images and labels both missing
  }

  void fashionMnist() {
    if (!data::fashion_mnist_available(data::Split::Test))
      QSKIP("Fashion-MNIST is not installed (apt install dataset-fashion-mnist)");
    const Datasets d = open_datasets(
        data_config({{"test", {{"source", "fashion-mnist"}, {"split", "test"}}}}), dir(), 0);
    QCOMPARE(d.test->size(), int64_t(10000));
    QCOMPARE(d.num_classes, int64_t(10));
    QCOMPARE(d.class_names.front(), std::string("T-shirt/top"));
    // Float in [0, 1] before any normalization, as torchvision's ToTensor gives.
    const Tensor x = d.test->get(0).data;
    QCOMPARE(x.dtype(), kFloat32);
    QCOMPARE(x.sizes(), (Shape{1, 28, 28}));
    QVERIFY(min(x).item<float>() >= 0.0f && max(x).item<float>() <= 1.0f &&
            max(x).item<float>() > 0.5f);
    const Datasets upper = open_datasets(
        data_config(
            {{"test",
              {{"source", "fashion-mnist"}, {"split", "test"}, {"classes", {5, 6, 7, 8, 9}}}}}),
        dir(), 0);
    QCOMPARE(upper.test->size(), int64_t(5000));
    QCOMPARE(upper.class_names,
             (std::vector<std::string>{"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}));
    QVERIFY(check_data_files(
                data_config({{"train", {{"source", "fashion-mnist"}, {"split", "train"}}}}), dir())
                .empty());
  }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "tst_config.moc"
