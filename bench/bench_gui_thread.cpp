// What training costs the GUI thread, and what the GUI costs training: the bundled MLP project
// in a real, shown MainWindow (offscreen), trained through the Train action for a fixed wall
// time, then the same project, threads and data through `netwright-cli train` for the same time.
// Prints the GUI thread's CPU time as a share of the wall time (target < 15%) and the app's
// samples/s against the CLI's (target: within 10%).
//
//   bench_gui_thread [--seconds S] [--threads N] [--rounds R] [--project P]
//
// Fair to both sides: the same project copy (its epochs raised so that neither run ends within
// the time), the same thread count, and the CLI at the app's training-thread priority (nice
// +kTrainingNiceSteps; on a busy machine a niced thread would otherwise lose to the CLI). Both
// report samples/s the way the trainer does (per epoch, from its start); the figure compared is
// the median of the rates at the end of each whole epoch, so epoch 1's warm-up counts alike. A
// benchmark, not a test: on a busy machine both figures measure the load too.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>
#include <csignal>

#include "app/main_window.h"
#include "app/training_status.h"
#include "cpu/threads.h"
#include "training/thread_priority.h"
#include "training/training_controller.h"

using namespace nw::gui;

namespace {

constexpr double kGuiBudget = 0.15;  // of one core
constexpr double kSpeedTolerance = 0.10;
constexpr int kEpochs = 1000;  // more than either side trains in the time

// utime + stime of one thread of this process, in seconds.
double thread_cpu_seconds(long tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name may hold spaces: the fields are counted after its closing parenthesis.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0.0;
  std::vector<std::string> fields;
  size_t pos = close + 2;
  while (pos < text.size()) {
    const size_t end = text.find(' ', pos);
    fields.push_back(text.substr(pos, end == std::string::npos ? end : end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th after the name.
  if (fields.size() < 13) return 0.0;
  const double ticks = double(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2.0;
}

// The per-epoch samples/s the trainer reported at the last batch of each epoch that ended.
struct Rates {
  std::vector<double> epoch_ends;
  double last = 0.0;
  int64_t samples = 0;
  double figure() const { return epoch_ends.empty() ? last : median(epoch_ends); }
};

void note_batch(Rates& r, int64_t batch, int64_t batches, double rate, int64_t samples) {
  r.last = rate;
  r.samples = samples;
  if (batch == batches) r.epoch_ends.push_back(rate);
}

// `from` with its training.epochs set to `epochs`, written to `to`.
bool copy_with_epochs(const QString& from, const QString& to, int epochs) {
  std::ifstream in(from.toStdString());
  auto project = nlohmann::json::parse(in, nullptr, false);
  if (project.is_discarded() || !project.contains("training")) {
    std::fprintf(stderr, "bench_gui_thread: %s is not a project file\n", qPrintable(from));
    return false;
  }
  project["training"]["epochs"] = epochs;
  std::ofstream out(to.toStdString());
  out << project.dump(2);
  if (!out.flush()) {
    std::fprintf(stderr, "bench_gui_thread: cannot write %s\n", qPrintable(to));
    return false;
  }
  return true;
}

void run_events_for(double seconds) {
  QEventLoop loop;
  QTimer::singleShot(int(seconds * 1000), &loop, &QEventLoop::quit);
  loop.exec();
}

struct AppFigures {
  Rates rates;
  double gui_cpu = 0.0, wall = 0.0;
  QString status_speed;
};

bool run_app(const QString& project, double seconds, AppFigures& out) {
  WindowHooks hooks;
  hooks.offer_recovery = false;
  hooks.restore_layout = false;
  MainWindow window(hooks);
  QString why;
  if (!window.open_project(project, &why)) {
    std::fprintf(stderr, "bench_gui_thread: cannot open %s: %s\n", qPrintable(project),
                 qPrintable(why));
    return false;
  }
  window.show();
  run_events_for(0.5);  // the first frames and layout, outside the measurement

  QObject::connect(window.training(), &TrainingController::batchesArrived,
                   [&](const QVector<BatchPoint>& points) {
                     for (const BatchPoint& p : points)
                       note_batch(out.rates, p.batch, p.batches, p.samples_per_second,
                                  p.samples_seen);
                   });
  bool finished = false;
  QObject::connect(window.training(), &TrainingController::runFinished, [&] { finished = true; });

  const long tid = syscall(SYS_gettid);
  const double cpu0 = thread_cpu_seconds(tid);
  QElapsedTimer wall;
  wall.start();
  window.action("train")->trigger();  // the path of the toolbar's Train button
  run_events_for(seconds);
  out.status_speed = window.training_status()->speed_text();
  out.gui_cpu = thread_cpu_seconds(tid) - cpu0;
  out.wall = double(wall.elapsed()) / 1000.0;
  window.training()->stop();
  QElapsedTimer stopping;
  stopping.start();
  while (!finished && stopping.elapsed() < 60000)
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  return finished;
}

bool run_cli(const QString& project, double seconds, int threads, const QString& work, Rates& out) {
  QDir().mkpath(work);
  const QString metrics = work + "/cli-metrics.jsonl";
  QProcess cli;
  cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  cli.setStandardOutputFile(QProcess::nullDevice());
  // nice(1) execs the CLI, so the process id is the CLI's.
  cli.start(QStringLiteral("nice"),
            {"-n", QString::number(kTrainingNiceSteps), QStringLiteral(NW_CLI_PATH), "train",
             project, "--threads", QString::number(threads), "--out", work + "/cli-run",
             "--metrics", metrics, "--quiet"});
  if (!cli.waitForStarted(10000)) {
    std::fprintf(stderr, "bench_gui_thread: cannot start %s\n", NW_CLI_PATH);
    return false;
  }
  // The same wall time as the app, counted from the start as the app's is from Train.
  QThread::msleep(static_cast<unsigned long>(seconds * 1000));
  ::kill(pid_t(cli.processId()), SIGINT);  // the CLI stops at the next batch, as Stop does
  if (!cli.waitForFinished(60000)) {
    cli.kill();
    std::fprintf(stderr, "bench_gui_thread: the CLI did not stop\n");
    return false;
  }
  std::ifstream in(metrics.toStdString());
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("event", "") != "batch") continue;
    note_batch(out, j["batch"], j["batches"], j["samples_per_second"], j["samples_seen"]);
  }
  return out.last > 0;
}

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  double seconds = 20.0;
  int threads = 0, rounds = 1;
  QString project = QStringLiteral(NW_PROJECTS_DIR "/fashion-mnist-mlp.nwproj");
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) {
      seconds = std::max(1.0, std::atof(argv[++i]));
    } else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--project") && i + 1 < argc) {
      project = QString::fromLocal8Bit(argv[++i]);
    } else {
      std::fprintf(
          stderr,
          "usage: bench_gui_thread [--seconds S] [--threads N] [--rounds R] [--project P]\n");
      return 2;
    }
  }
  setenv("QT_QPA_PLATFORM", "offscreen", 0);
  QApplication app(argc, argv);
  // Settings and the recovery file in Qt's test locations, never the user's.
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("NetwrightBench");
  QCoreApplication::setApplicationName("bench_gui_thread");
  // The same thread count on both sides: the app's default is the CLI's (OMP_NUM_THREADS or half
  // the cores), and an explicit --threads goes to both.
  if (threads > 0) nw::set_num_threads(threads);
  threads = nw::get_num_threads();

  // A copy of the project in a scratch folder, so the runs' checkpoints land there.
  QTemporaryDir work;
  const QString copy = work.path() + "/" + QFileInfo(project).fileName();
  if (!copy_with_epochs(project, copy, kEpochs)) return 1;

  // Rounds alternate which side goes first (app-cli, cli-app, ...), so a machine that grows
  // busier or quieter meanwhile favours neither; each figure is the median over the rounds.
  std::vector<double> shares, app_rates, cli_rates, ratios;
  std::printf("%s, %d thread%s, %.0f s each, %d round%s\n",
              qPrintable(QFileInfo(project).fileName()), threads, threads == 1 ? "" : "s", seconds,
              rounds, rounds == 1 ? "" : "s");
  for (int r = 0; r < rounds; ++r) {
    AppFigures a;
    Rates cli;
    const QString out = work.path() + "/round" + QString::number(r + 1);
    const auto app_side = [&] { return run_app(copy, seconds, a); };
    const auto cli_side = [&] { return run_cli(copy, seconds, threads, out, cli); };
    const bool ok = r % 2 == 0 ? app_side() && cli_side() : cli_side() && app_side();
    if (!ok) {
      std::fprintf(stderr, "bench_gui_thread: round %d failed (see above)\n", r + 1);
      return 1;
    }
    shares.push_back(a.wall > 0 ? a.gui_cpu / a.wall : 0.0);
    app_rates.push_back(a.rates.figure());
    cli_rates.push_back(cli.figure());
    ratios.push_back(cli_rates.back() > 0 ? app_rates.back() / cli_rates.back() : 0.0);
    std::printf(
        "round %d: GUI thread %.2f s CPU over %.2f s = %.1f%%; app %.0f samples/s (%zu epochs, "
        "status bar \"%s\"); cli %.0f samples/s (%zu epochs)\n",
        r + 1, a.gui_cpu, a.wall, 100.0 * shares.back(), app_rates.back(),
        a.rates.epoch_ends.size(), qPrintable(a.status_speed), cli_rates.back(),
        cli.epoch_ends.size());
  }

  const double share = median(shares);
  const double app_rate = median(app_rates), cli_rate = median(cli_rates);
  const double ratio = median(ratios);  // each round's pair ran back to back
  const bool gui_ok = share < kGuiBudget;
  const bool speed_ok = std::abs(ratio - 1.0) <= kSpeedTolerance;
  std::printf("GUI thread CPU / wall: %.1f%% (target < %.0f%%: %s)\n", 100.0 * share,
              100.0 * kGuiBudget, gui_ok ? "ok" : "OVER");
  std::printf("samples/s: app %.0f, cli %.0f; app/cli %.3f (target within %.0f%%: %s)\n", app_rate,
              cli_rate, ratio, 100.0 * kSpeedTolerance, speed_ok ? "ok" : "OUTSIDE");
  return gui_ok && speed_ok ? 0 : 1;
}
