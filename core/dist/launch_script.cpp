#include "dist/launch_script.h"

#include <cstdio>

namespace nw::dist {

namespace {

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

std::string join(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& w : words) {
    if (!line.empty()) line += ' ';
    line += shell_quote(w);
  }
  return line;
}

// Slurm's job name: the runs folder's name (the project's, made safe for a file name), with
// anything a scheduler's listing would mangle replaced.
std::string job_name(const LaunchSpec& spec) {
  std::string name = spec.runs_dir.filename().string();
  for (char& c : name)
    if (!plain(c) || c == '/' || c == '%') c = '-';
  return name.empty() ? std::string("netwright") : name;
}

// The arguments of `netwright-cli train` after the program: the same under mpirun and srun.
// --quiet: the run's progress goes to the metrics file; a launcher that stops reading the
// ranks' output while it ends them would otherwise block rank 0 (docs/distributed.md).
std::vector<std::string> train_args(const LaunchSpec& spec, const std::string& out,
                                    const std::string& metrics) {
  std::vector<std::string> a{spec.cli, "train",  spec.project.string(), "--out", out, "--metrics",
                             metrics,  "--quiet"};
  if (spec.limit > 0) a.insert(a.end(), {"--limit", std::to_string(spec.limit)});
  return a;
}

}  // namespace

std::string launch_problem(const LaunchSpec& spec) {
  if (spec.project.empty())
    return "the project has no file yet: save it, since every rank reads the project file";
  if (spec.ranks < 1) return "ranks: " + std::to_string(spec.ranks) + "; at least 1";
  if (spec.nodes < 1) return "nodes: " + std::to_string(spec.nodes) + "; at least 1";
  if (spec.ranks % spec.nodes != 0) {
    const int below = spec.ranks / spec.nodes * spec.nodes;
    return std::to_string(spec.ranks) + " ranks do not split evenly over " +
           std::to_string(spec.nodes) + " nodes: make ranks a multiple of the nodes (" +
           (below > 0 ? std::to_string(below) + " or " : "") + std::to_string(below + spec.nodes) +
           ")";
  }
  if (spec.gpus_per_node < 0)
    return "GPUs per node: " + std::to_string(spec.gpus_per_node) + "; 0 or more";
  if (spec.time_minutes < 1) return "time limit: at least one minute";
  if (spec.cli.empty()) return "no netwright-cli: install Netwright's command-line tool";
  return {};
}

std::filesystem::path run_dir(const LaunchSpec& spec) {
  return spec.runs_dir / spec.run_name;
}

std::filesystem::path metrics_file(const std::filesystem::path& run_dir) {
  return run_dir / "metrics.jsonl";
}

std::vector<std::string> mpirun_argv(const LaunchSpec& spec) {
  std::vector<std::string> a{spec.launcher, "-np", std::to_string(spec.ranks)};
  if (spec.nodes > 1)
    a.insert(a.end(),
             {"--npernode", std::to_string(spec.ranks / spec.nodes), "--hostfile", spec.hostfile});
  if (spec.oversubscribe) a.push_back("--oversubscribe");
  if (spec.threads_per_rank > 0)
    a.insert(a.end(), {"-x", "OMP_NUM_THREADS=" + std::to_string(spec.threads_per_rank)});
  const std::filesystem::path out = run_dir(spec);
  const std::vector<std::string> train = train_args(spec, out.string(), metrics_file(out).string());
  a.insert(a.end(), train.begin(), train.end());
  return a;
}

std::string mpirun_command(const LaunchSpec& spec) {
  return join(mpirun_argv(spec));
}

std::string slurm_script(const LaunchSpec& spec) {
  const int per_node = spec.nodes > 0 ? spec.ranks / spec.nodes : spec.ranks;
  std::string s = "#!/bin/bash\n";
  s += "#SBATCH --job-name=" + job_name(spec) + "\n";
  s += "#SBATCH --nodes=" + std::to_string(spec.nodes) + "\n";
  s += "#SBATCH --ntasks-per-node=" + std::to_string(per_node) + "\n";
  if (spec.gpus_per_node > 0)
    s += "#SBATCH --gpus-per-node=" + std::to_string(spec.gpus_per_node) + "\n";
  if (spec.threads_per_rank > 0)
    s += "#SBATCH --cpus-per-task=" + std::to_string(spec.threads_per_rank) + "\n";
  s += "#SBATCH --time=" + slurm_time(spec.time_minutes) + "\n";
  s += "# " + std::to_string(spec.ranks) + " ranks of netwright-cli train; the run folder is\n";
  s += "# slurm-<job id> among the project's runs, where the application finds it.\n";
  s += "set -euo pipefail\n";
  if (spec.threads_per_rank > 0)
    s += "export OMP_NUM_THREADS=" + std::to_string(spec.threads_per_rank) + "\n";
  // Quoted apart from the job id, which the shell fills in.
  s += "out=" + shell_quote(spec.runs_dir.string()) + "/slurm-\"$SLURM_JOB_ID\"\n";
  std::vector<std::string> srun{"srun", "--ntasks-per-node=" + std::to_string(per_node)};
  if (spec.gpus_per_node > 0)
    srun.push_back("--gpus-per-node=" + std::to_string(spec.gpus_per_node));
  s += join(srun);
  for (const std::string& w : train_args(spec, "$out", "$out/metrics.jsonl")) {
    s += ' ';
    // The script's variable: in double quotes, so that it expands to one word.
    if (w.rfind("$out", 0) == 0)
      s.append("\"").append(w).append("\"");
    else
      s += shell_quote(w);
  }
  return s + "\n";
}

std::string shell_quote(const std::string& text) {
  bool is_plain = !text.empty();
  for (char c : text) is_plain = is_plain && plain(c);
  if (is_plain) return text;
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurm_time(int64_t minutes) {
  const int64_t days = minutes / (24 * 60), hours = minutes / 60 % 24, mins = minutes % 60;
  char buf[48];
  if (days > 0)
    std::snprintf(buf, sizeof buf, "%lld-%02lld:%02lld:00", static_cast<long long>(days),
                  static_cast<long long>(hours), static_cast<long long>(mins));
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:00", static_cast<long long>(hours),
                  static_cast<long long>(mins));
  return buf;
}

}  // namespace nw::dist
