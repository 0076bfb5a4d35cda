// Start-up time of the desktop application, against its 1 s budget: from the process's start to
// the main window's first painted frame, with the bundled MLP project loaded. Runs `netwright
// --print-startup-time` (app/startup_clock.h) under QT_QPA_PLATFORM=offscreen, with fresh
// settings (a temporary XDG config and data home, so no saved layout or recent list plays in).
//
//   bench_startup [--runs N] [--project FILE]
//
// One warm-up run fills the file cache and is not counted. Prints every run, the median and its
// ratio to the budget; exits 1 when a run fails or the median is over the budget. There is no
// PyTorch reference for this one.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

constexpr double kBudgetSeconds = 1.0;

struct Run {
  double total = -1.0, before_main = 0.0;
  std::string output;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Run run_once(const std::string& project, const std::filesystem::path& home) {
  const std::string cmd =
      "env QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME=" + quoted((home / "config").string()) +
      " XDG_DATA_HOME=" + quoted((home / "data").string()) +
      " XDG_RUNTIME_DIR=" + quoted(home.string()) + " " + quoted(NW_APP_PATH) +
      " --print-startup-time " + quoted(project) + " 2>&1";
  Run r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char line[1024];
  while (std::fgets(line, sizeof line, pipe)) {
    r.output += line;
    double total = 0, before = 0;
    if (std::sscanf(line, "startup: %lf s to the first frame (%lf s before main)", &total,
                    &before) == 2) {
      r.total = total;
      r.before_main = before;
    }
  }
  if (pclose(pipe) != 0) r.total = -1.0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::string project = NW_PROJECTS_DIR "/fashion-mnist-mlp.nwproj";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--project") && i + 1 < argc)
      project = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_startup [--runs N] [--project FILE]\n");
      return 2;
    }
  }
  char templ[] = "/tmp/bench_startup.XXXXXX";
  if (!mkdtemp(templ)) {
    std::perror("bench_startup: mkdtemp");
    return 1;
  }
  const std::filesystem::path home = templ;

  std::printf("netwright start-up to the first frame: %s\n", NW_APP_PATH);
  std::printf("QT_QPA_PLATFORM=offscreen, project %s, %d runs after one warm-up\n", project.c_str(),
              runs);
  std::vector<double> totals;
  int status = 0;
  for (int i = 0; i <= runs; ++i) {
    std::filesystem::remove_all(home / "config");  // fresh settings every run
    const Run r = run_once(project, home);
    if (r.total < 0) {
      std::fprintf(stderr, "bench_startup: run %d failed; its output:\n%s", i, r.output.c_str());
      status = 1;
      break;
    }
    if (i == 0) continue;
    std::printf("  run %d: %.3f s (%.3f s before main)\n", i, r.total, r.before_main);
    totals.push_back(r.total);
  }
  std::filesystem::remove_all(home);
  if (status != 0) return status;

  std::sort(totals.begin(), totals.end());
  const double median = totals[totals.size() / 2];
  const double ratio = median / kBudgetSeconds;
  std::printf("median %.3f s; budget %.1f s; ratio %.2f (%s)\n", median, kBudgetSeconds, ratio,
              ratio <= 1.0 ? "within budget" : "OVER BUDGET");
  std::printf("No PyTorch reference: start-up is the desktop application's own measure.\n");
  return ratio <= 1.0 ? 0 : 1;
}
