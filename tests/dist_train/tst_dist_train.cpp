// Data-parallel training end to end, through netwright-cli under mpirun: two ranks at batch b
// take the same steps as one process at batch 2b (the MLP, CNN and LSTM projects: parameters
// after 20 steps within 1e-5, and the same metrics file; with training.sync_batchnorm a BatchNorm
// network too), and a run stopped mid-epoch on one
// number of ranks resumes on the other and ends where an uninterrupted run ends.
//
// Built a second time as gpu/tst_dist_train_nccl (tests/gpu, NW_DIST_DEVICE="cuda"): the same
// checks on CUDA, gradients through NCCL, with one rank per GPU of the machine (two sharing the
// only one); without a CUDA device it skips and says why.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "../cli/cli_runner.h"
#include "backend/cuda_plugin.h"
#include "io/checkpoint.h"

using namespace nw;

namespace {

constexpr double kTolerance = 1e-5;

#ifdef NW_DIST_DEVICE
const QString kDevice = NW_DIST_DEVICE;
#else
const QString kDevice = "cpu";
#endif

// Ranks of the equivalence runs: two on the CPU; on CUDA one per GPU, and at least two.
int equivalence_ranks() {
  return kDevice == "cpu" ? 2 : std::max(2, cuda_status().device_count);
}

// Puts a BatchNorm2d after conv1 and a BatchNorm1d after fc1 of the CNN project's graph.
void add_batchnorm(QJsonObject& project, bool smooth) {
  QJsonObject graph = project["graph"].toObject();
  QJsonArray nodes, edges;
  for (const QJsonValue& v : graph["nodes"].toArray()) {
    QJsonObject node = v.toObject();
    if (smooth && node["type"] == "ReLU") node["type"] = "Tanh";
    if (smooth && node["type"] == "MaxPool2d") node["type"] = "AvgPool2d";
    nodes.append(node);
  }
  nodes.append(QJsonObject{{"id", "bn1"}, {"type", "BatchNorm2d"}});
  nodes.append(QJsonObject{{"id", "bn2"}, {"type", "BatchNorm1d"}});
  for (const QJsonValue& e : graph["edges"].toArray()) {
    const QString from = e.toArray()[0].toString(), to = e.toArray()[1].toString();
    if (from == "conv1" || from == "fc1") {
      const QString bn = from == "conv1" ? "bn1" : "bn2";
      edges.append(QJsonArray{from, bn});
      edges.append(QJsonArray{bn, to});
    } else {
      edges.append(e);
    }
  }
  graph["nodes"] = nodes;
  graph["edges"] = edges;
  project["graph"] = graph;
}

// projects/NAME.nwproj as a run on kDevice at `batch` samples per rank, written to `dest`; NAME
// "fashion-mnist-cnn-batchnorm" is the CNN with BatchNorm and training.sync_batchnorm, and
// "fashion-mnist-cnn-batchnorm-smooth" the same with Tanh for ReLU and average for max pooling.
void write_project(QString name, const QString& dest, int batch, int epochs) {
  // "-sgd": SGD in place of the project's Adam, for the reason given below.
  const bool sgd = name.endsWith("-sgd");
  if (sgd) name.chop(QString("-sgd").size());
  const bool smooth = name.endsWith("-smooth");
  if (smooth) name.chop(QString("-smooth").size());
  const bool batchnorm = name.endsWith("-batchnorm");
  if (batchnorm) name.chop(QString("-batchnorm").size());
  QFile in(src_path("projects/") + name + ".nwproj");
  QVERIFY2(in.open(QIODevice::ReadOnly), qPrintable(in.fileName()));
  QJsonObject project = QJsonDocument::fromJson(in.readAll()).object();
  if (batchnorm) add_batchnorm(project, smooth);
  QJsonObject training = project["training"].toObject();
  if (batchnorm) training["sync_batchnorm"] = true;
  if (batchnorm || sgd) {
    // SGD: conv1's bias, followed by BatchNorm, has a gradient of zero but for rounding, and
    // Adam's first steps (m / sqrt(v), about sign(g) x lr) would turn that rounding into steps
    // of the full learning rate in one run and not the other.
    training["optimizer"] = QJsonObject{{"type", "SGD"}, {"lr", 0.05}, {"momentum", 0.9}};
  }
  training["batch_size"] = batch;
  training["epochs"] = epochs;
  training["device"] = kDevice;
  training["checkpoint_every"] = 1;
  training["keep_last"] = 0;
  project["training"] = training;
  QFile out(dest);
  QVERIFY(out.open(QIODevice::WriteOnly));
  out.write(QJsonDocument(project).toJson());
}

// netwright-cli on `ranks` processes (1: no launcher at all).
CliRun cli_on(int ranks, const QStringList& args) {
  if (ranks == 1) return run_cli(args);
  return run_program(
      path_from_env("NETWRIGHT_TEST_MPIEXEC", QStringLiteral(NW_MPIEXEC)),
      QStringList{NW_MPIEXEC_NUMPROC_FLAG, QString::number(ranks), "--oversubscribe", cli_path()} +
          args);
}

CliRun train(int ranks, const QStringList& args, bool quiet = true) {
  return cli_on(ranks,
                QStringList{"train"} + args + (quiet ? QStringList{"--quiet"} : QStringList{}));
}

// |a - b| / |b| in the Euclidean norm, for each parameter tensor as a whole: an element near
// zero has no meaningful relative error of its own, and Adam's step (m / sqrt(v)) turns the last
// bits of float32 sums taken in another order into a few 1e-7 of a weight.
void compare_models(const QString& got_file, const QString& want_file) {
  const io::Checkpoint got = io::read_checkpoint(got_file.toStdString());
  const io::Checkpoint want = io::read_checkpoint(want_file.toStdString());
  QCOMPARE(got.model.size(), want.model.size());
  QVERIFY(!want.model.empty());
  double worst = 0;
  std::string worst_name;
  for (size_t i = 0; i < want.model.size(); ++i) {
    const auto& [name, w] = want.model[i];
    QCOMPARE(got.model[i].first, name);
    const std::vector<double> a = got.model[i].second.to(DType::Float64).to_vector<double>();
    const std::vector<double> b = w.to(DType::Float64).to_vector<double>();
    QCOMPARE(a.size(), b.size());
    double diff = 0, scale = 0;
    for (size_t k = 0; k < b.size(); ++k) {
      diff += (a[k] - b[k]) * (a[k] - b[k]);
      scale += b[k] * b[k];
    }
    diff = std::sqrt(diff);
    scale = std::max(std::sqrt(scale), 1e-12);
    if (diff / scale > worst) {
      worst = diff / scale;
      worst_name = name;
    }
    QVERIFY2(diff <= kTolerance * scale, qPrintable(QString("%1: |difference| %2, |value| %3")
                                                        .arg(QString::fromStdString(name))
                                                        .arg(diff)
                                                        .arg(scale)));
  }
  qInfo("largest relative difference: %.2g (%s)", worst, worst_name.c_str());
}

// The batch, epoch and evaluation lines; layer health lines are left out, since rank 0 samples
// them on its own shard (train/layer_health.h), so they differ from one process's by design.
QList<QJsonObject> metrics_lines(const QString& file) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QList<QJsonObject> lines;
  for (const QByteArray& line : f.readAll().split('\n')) {
    if (line.trimmed().isEmpty()) continue;
    const QJsonObject object = QJsonDocument::fromJson(line).object();
    if (object["event"].toString() != "health") lines.push_back(object);
  }
  return lines;
}

// Numbers within kTolerance (relative, or absolute below 1); timings are left out.
bool same_json(const QJsonValue& a, const QJsonValue& b, const QString& where, QString& why) {
  if (a.type() != b.type()) {
    why = where + ": types differ";
    return false;
  }
  if (a.isDouble()) {
    const double x = a.toDouble(), y = b.toDouble();
    if (std::abs(x - y) <= kTolerance * std::max(1.0, std::abs(y))) return true;
    why = where + QString(": %1 against %2").arg(x, 0, 'g', 12).arg(y, 0, 'g', 12);
    return false;
  }
  if (a.isArray()) {
    const QJsonArray x = a.toArray(), y = b.toArray();
    if (x.size() != y.size()) {
      why = where + ": lengths differ";
      return false;
    }
    for (qsizetype i = 0; i < x.size(); ++i)
      if (!same_json(x[i], y[i], where + QString("[%1]").arg(i), why)) return false;
    return true;
  }
  if (a.isObject()) {
    QJsonObject x = a.toObject(), y = b.toObject();
    for (const char* timing : {"samples_per_second", "seconds"}) {
      x.remove(timing);
      y.remove(timing);
    }
    if (x.keys() != y.keys()) {
      why = where + ": keys differ";
      return false;
    }
    for (const QString& k : x.keys())
      if (!same_json(x[k], y[k], where + "." + k, why)) return false;
    return true;
  }
  if (a == b) return true;
  why = where + ": values differ";
  return false;
}

QString only_file(const QString& dir, const QString& pattern) {
  const QStringList found = QDir(dir).entryList({pattern}, QDir::Files);
  return found.size() == 1 ? dir + "/" + found.front() : QString();
}

}  // namespace

class TestDistTrain : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString path(const QString& name) const { return tmp_.filePath(name); }

 private slots:
  void initTestCase() {
    if (kDevice != "cpu" && !cuda_is_available())
      QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(cuda_status().reason)));
  }

  void two_ranks_match_one_process_data() {
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("steps");
    QTest::newRow("mlp") << "fashion-mnist-mlp" << 20;
    QTest::newRow("cnn") << "fashion-mnist-cnn" << 20;
    QTest::newRow("lstm") << "fashion-mnist-lstm" << 20;
    // BatchNorm over both ranks' batches (training.sync_batchnorm): the running statistics in the
    // checkpoint are compared too. With Tanh and average pooling the gradient is a smooth function
    // of the weights, and the runs agree to 3e-6 after 20 steps. With ReLU and max pooling it is
    // not: a value that BatchNorm centres within float32 rounding of zero, or two near-equal values
    // in a pooling window, send a whole gradient elsewhere when the last bit differs (measured:
    // 1e-6 up to step 12 of 20, then the losses part by 3e-5 in one step), so that network is
    // compared over 3 steps, where a wrong gradient through the summed statistics already shows.
    QTest::newRow("cnn sync_batchnorm") << "fashion-mnist-cnn-batchnorm-smooth" << 20;
    QTest::newRow("cnn sync_batchnorm, relu") << "fashion-mnist-cnn-batchnorm" << 3;
  }

  // 8K x steps samples (K ranks, equivalence_ranks()): steps of 8K in one process, of K x 8 on
  // K ranks, then validation and test evaluation on as many samples each, sharded over the ranks.
  void two_ranks_match_one_process() {
    QFETCH(QString, project);
    QFETCH(int, steps);
    const int k = equivalence_ranks(), whole = 8 * k;
    const QString limit = QString::number(whole * steps);
    const QString one = path(project + "-whole.nwproj"), two = path(project + "-8.nwproj");
    write_project(project, one, whole, 1);
    write_project(project, two, 8, 1);
    const QString out1 = path(project + "-one"), out2 = path(project + "-two");
    const CliRun single =
        train(1, {one, "--limit", limit, "--out", out1, "--metrics", out1 + ".jsonl"});
    QVERIFY2(single.code == 0 && !single.crashed, single.all().c_str());
    // On CUDA, rank 0's start line shows that the gradients went through NCCL.
    const bool on_cpu = kDevice == "cpu";
    const CliRun ranks =
        train(k, {two, "--limit", limit, "--out", out2, "--metrics", out2 + ".jsonl"}, on_cpu);
    QVERIFY2(ranks.code == 0 && !ranks.crashed, ranks.all().c_str());
    if (on_cpu)  // --quiet: neither rank reports anything (the launcher may add notes of its own)
      QVERIFY2(!QString::fromStdString(ranks.all()).contains("rank"), ranks.all().c_str());
    else
      QVERIFY2(ranks.out.find(std::to_string(k) + " ranks (MPI, gradients through NCCL)") !=
                   std::string::npos,
               ranks.all().c_str());

    compare_models(out2 + "/epoch_0001.h5", out1 + "/epoch_0001.h5");
    const QList<QJsonObject> got = metrics_lines(out2 + ".jsonl");
    const QList<QJsonObject> want = metrics_lines(out1 + ".jsonl");
    QCOMPARE(want.size(), steps + 2);  // the batches, the epoch, the test evaluation
    QCOMPARE(got.size(), want.size());
    QCOMPARE(want.back()["samples"].toInt(), whole * steps);
    QVERIFY(want[steps].contains("val_loss"));
    for (qsizetype i = 0; i < want.size(); ++i) {
      QString why;
      QVERIFY2(same_json(got[i], want[i], QString("line %1").arg(i + 1), why), qPrintable(why));
    }
  }

  void stopped_and_resumed_on_other_ranks_data() {
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("then");
    QTest::newRow("2 ranks, then 1") << 2 << 1;
    QTest::newRow("1 rank, then 2") << 1 << 2;
  }

  // Two epochs of 10 steps of 16 samples; the first run stops after 13 steps (epoch 2, step 3),
  // the second continues from its checkpoint. Both end where an uninterrupted run ends.
  void stopped_and_resumed_on_other_ranks() {
    QFETCH(int, first);
    QFETCH(int, then);
    const QString tag = QString("resume-%1-%2").arg(first).arg(then);
    const QString p16 = path(tag + "-16.nwproj"), p8 = path(tag + "-8.nwproj");
    // SGD: with Adam, two ranks' rounding of near-zero gradients became full-lr steps (fc1.weight
    // 0.12 apart after the resume, the losses 1.3e-4 apart) on a machine where one process and
    // two ranks summed differently; with SGD they agree to 4e-7, and the resume is what is tested.
    write_project("fashion-mnist-mlp-sgd", p16, 16, 2);
    write_project("fashion-mnist-mlp-sgd", p8, 8, 2);
    const auto project_for = [&](int ranks) { return ranks == 1 ? p16 : p8; };

    const QString whole = path(tag + "-whole"), a = path(tag + "-a"), b = path(tag + "-b");
    CliRun r = train(1, {p16, "--limit", "160", "--out", whole, "--metrics", whole + ".jsonl"});
    QVERIFY2(r.code == 0 && !r.crashed, r.all().c_str());
    r = train(first, {project_for(first), "--limit", "160", "--out", a, "--stop-after", "13"});
    QVERIFY2(r.code == 0 && !r.crashed, r.all().c_str());
    // 10 steps an epoch whatever the ranks: the stop lands at epoch 2, step 3.
    const QString stopped = only_file(a, "epoch_0002_batch_00003.h5");
    QVERIFY2(!stopped.isEmpty(), qPrintable(QDir(a).entryList().join(", ")));
    r = train(then, {project_for(then), "--limit", "160", "--out", b, "--resume", stopped,
                     "--metrics", b + ".jsonl"});
    QVERIFY2(r.code == 0 && !r.crashed, r.all().c_str());

    compare_models(b + "/epoch_0002.h5", whole + "/epoch_0002.h5");
    // The resumed run reports the rest of epoch 2, and epoch 2's statistics over all of it.
    const QList<QJsonObject> got = metrics_lines(b + ".jsonl");
    const QList<QJsonObject> want = metrics_lines(whole + ".jsonl");
    QCOMPARE(want.size(), 23);  // 2 x (10 batches + the epoch), the test evaluation
    QCOMPARE(got.size(), 7 + 1 + 1);
    for (qsizetype i = 0; i < got.size(); ++i) {
      QString why;
      QVERIFY2(
          same_json(got[i], want[want.size() - got.size() + i], QString("line %1").arg(i + 1), why),
          qPrintable(why));
    }
  }

  // eval under mpirun: each rank takes its share of 101 test samples (51 and 50) and rank 0 alone
  // prints the figures of all 101, those of one process.
  void eval_on_two_ranks_matches_one_process() {
    const QString project = path("eval.nwproj"), out = path("eval-run");
    write_project("fashion-mnist-mlp", project, 16, 1);
    CliRun r = train(1, {project, "--limit", "64", "--out", out});
    QVERIFY2(r.code == 0 && !r.crashed, r.all().c_str());
    const QStringList args{"eval",    project, "--checkpoint", out + "/epoch_0001.h5",
                           "--limit", "101",   "--json"};
    const CliRun one = cli_on(1, args), two = cli_on(2, args);
    QVERIFY2(one.code == 0 && !one.crashed, one.all().c_str());
    QVERIFY2(two.code == 0 && !two.crashed, two.all().c_str());
    const QStringList lines = QString::fromStdString(two.out).trimmed().split('\n');
    QCOMPARE(lines.size(), 1);  // rank 0 only
    const QJsonObject got = QJsonDocument::fromJson(lines[0].toUtf8()).object();
    const QJsonObject want =
        QJsonDocument::fromJson(
            QString::fromStdString(one.out).trimmed().split('\n').back().toUtf8())
            .object();
    QCOMPARE(want["samples"].toInt(), 101);
    QString why;
    QVERIFY2(same_json(got, want, "eval", why), qPrintable(why));
  }

  // The other commands would only repeat themselves on every rank: they stop, and say how to run.
  void one_process_commands_refuse_several_ranks() {
    const CliRun r = cli_on(2, {"summary", src_path("projects/fashion-mnist-mlp.nwproj")});
    QVERIFY(r.code != 0);
    const QString all = QString::fromStdString(r.all());
    QVERIFY2(all.contains("netwright-cli summary runs in one process: start it without mpirun"),
             qPrintable(all));
  }
};

QTEST_GUILESS_MAIN(TestDistTrain)
#include "tst_dist_train.moc"
