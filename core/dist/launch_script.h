#pragma once
// The command lines that start a project's data-parallel run on a cluster: an `mpirun` line
// (what the application also runs for a local run) and a Slurm batch script using `srun`. The
// application's Train > Run on Cluster... dialog shows and saves them; the text is built here so
// that every front end writes the same.
//
//   LaunchSpec s{.ranks = 8, .nodes = 2, .gpus_per_node = 4, .time_minutes = 240};
//   s.project = "/home/me/mlp.nwproj";
//   s.runs_dir = "/home/me/runs/mlp";
//   s.run_name = "20261207-041106";
//   std::string line = mpirun_command(s);  // mpirun -np 8 --npernode 4 --hostfile hostfile ...
//   std::string script = slurm_script(s);  // #!/bin/bash, #SBATCH --nodes=2 ..., srun ...
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nw::dist {

struct LaunchSpec {
  int ranks = 2;               // processes in all; one per GPU on GPU nodes
  int nodes = 1;               // ranks / nodes on each
  int gpus_per_node = 0;       // 0: CPU ranks
  int64_t time_minutes = 60;   // Slurm's --time
  int threads_per_rank = 0;    // > 0: OMP_NUM_THREADS of each rank
  bool oversubscribe = false;  // mpirun: more ranks than this machine's cores
  int64_t limit = 0;           // > 0: --limit, the first N samples of each split (quick trials)
  std::string launcher = "mpirun";
  std::string cli = "netwright-cli";  // the path of netwright-cli on the nodes
  std::string hostfile = "hostfile";  // mpirun over several nodes: one host name a line
  std::filesystem::path project;      // the project file, at the same path on every node
  std::filesystem::path runs_dir;     // the project's runs folder (train::runs_folder)
  std::string run_name;               // mpirun's run folder under runs_dir; Slurm uses the job id
};

// Why `spec` cannot be launched, with the fix ("12 ranks do not split evenly over 5 nodes: ..."),
// or an empty string when it can.
std::string launch_problem(const LaunchSpec& spec);

// The run folder of the mpirun line and its metrics file (one JSON line a batch, that the
// application follows: train/metrics_log.h).
std::filesystem::path run_dir(const LaunchSpec& spec);
std::filesystem::path metrics_file(const std::filesystem::path& run_dir);

// The mpirun line as arguments (the launcher first), for starting it without a shell, and as one
// line for a terminal, each argument quoted where a shell would split or expand it.
std::vector<std::string> mpirun_argv(const LaunchSpec& spec);
std::string mpirun_command(const LaunchSpec& spec);

// A batch script for `sbatch`: #SBATCH lines for the nodes, tasks per node, GPUs per node and
// time limit, then `srun` training into runs_dir/slurm-<job id>.
std::string slurm_script(const LaunchSpec& spec);

// `text` as one word of a POSIX shell: unchanged when it is plain, else in single quotes.
std::string shell_quote(const std::string& text);
// Slurm's --time: "HH:MM:SS", or "D-HH:MM:SS" from a day on.
std::string slurm_time(int64_t minutes);

}  // namespace nw::dist
