// `netwright-cli cluster PROJECT --ranks K [--nodes N] [--gpus-per-node G] [--time MIN]
// [--slurm]`: the mpirun line (or, with --slurm, the Slurm batch script) that trains the project
// on K ranks: the text the application's Train > Run on Cluster... shows (dist/launch_script.h).
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "dist/launch_script.h"
#include "session.h"
#include "train/run_index.h"
#include "train/session.h"

namespace nw::cli {

namespace {

// The options fill the spec directly, so its defaults are the command's.
struct ClusterArgs {
  std::string project;
  dist::LaunchSpec spec;
  bool slurm = false;
};

// This program's own path for a line run on this machine; the nodes' PATH otherwise.
std::string cli_for(const ClusterArgs& a) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return a.spec.nodes == 1 && !a.slurm && !ec ? self.string() : std::string("netwright-cli");
}

int run_cluster(const ClusterArgs& a) {
  const io::Project project = load_project(a.project);
  dist::LaunchSpec s = a.spec;
  s.cli = cli_for(a);
  s.project = std::filesystem::absolute(a.project);
  s.runs_dir = train::runs_folder(project);
  s.run_name = train::default_run_dir(project).filename().string();
  if (const std::string problem = dist::launch_problem(s); !problem.empty())
    throw CliError(kUsage, "cluster: " + problem);
  std::cout << (a.slurm ? dist::slurm_script(s) : dist::mpirun_command(s) + "\n");
  return kOk;
}

}  // namespace

void add_cluster_command(CLI::App& app, int& result) {
  auto a = std::make_shared<ClusterArgs>();
  CLI::App* c = app.add_subcommand(
      "cluster", "Print the mpirun line, or a Slurm script, that trains a project on K ranks");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--ranks", a->spec.ranks, "processes in all (one per GPU on GPU nodes)")
      ->check(CLI::PositiveNumber);
  c->add_option("--nodes", a->spec.nodes, "machines; the ranks split evenly over them")
      ->check(CLI::PositiveNumber);
  c->add_option("--gpus-per-node", a->spec.gpus_per_node, "GPUs each node asks for (Slurm)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--time", a->spec.time_minutes, "time limit in minutes (Slurm's --time)")
      ->check(CLI::PositiveNumber);
  c->add_option("--threads-per-rank", a->spec.threads_per_rank, "OMP_NUM_THREADS of each rank")
      ->check(CLI::NonNegativeNumber);
  c->add_flag("--slurm", a->slurm, "print a Slurm batch script for sbatch instead");
  c->callback([a, &result] { result = run_cluster(*a); });
}

}  // namespace nw::cli
