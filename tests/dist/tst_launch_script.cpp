// The text Train > Run on Cluster... shows and saves (core/dist/launch_script.h): the mpirun
// line, line by line the Slurm batch script, quoting of paths with spaces and quotes, Slurm's
// time format, and the problems that keep a spec from launching.
#include <QtTest>

#include "dist/launch_script.h"

using namespace nw;

namespace {

dist::LaunchSpec local_spec() {
  dist::LaunchSpec s;
  s.ranks = 2;
  s.cli = "/opt/nw/bin/netwright-cli";
  s.project = "/home/me/mlp.nwproj";
  s.runs_dir = "/home/me/runs/mlp";
  s.run_name = "20261207-041106";
  return s;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

}  // namespace

class TestLaunchScript : public QObject {
  Q_OBJECT

 private slots:
  void local_mpirun_line() {
    dist::LaunchSpec s = local_spec();
    s.oversubscribe = true;
    s.threads_per_rank = 1;
    QCOMPARE(dist::mpirun_command(s),
             std::string("mpirun -np 2 --oversubscribe -x OMP_NUM_THREADS=1 "
                         "/opt/nw/bin/netwright-cli train /home/me/mlp.nwproj "
                         "--out /home/me/runs/mlp/20261207-041106 "
                         "--metrics /home/me/runs/mlp/20261207-041106/metrics.jsonl --quiet"));
    // The same words, unquoted, for starting it without a shell.
    const std::vector<std::string> argv = dist::mpirun_argv(s);
    QCOMPARE(argv.size(), size_t(14));
    QCOMPARE(argv[0], std::string("mpirun"));
    QCOMPARE(argv[8], std::string("/home/me/mlp.nwproj"));
    QCOMPARE(dist::metrics_file(dist::run_dir(s)),
             std::filesystem::path("/home/me/runs/mlp/20261207-041106/metrics.jsonl"));
  }

  void several_nodes_and_a_limit() {
    dist::LaunchSpec s = local_spec();
    s.ranks = 8;
    s.nodes = 2;
    s.limit = 500;
    s.cli = "netwright-cli";
    QCOMPARE(dist::mpirun_command(s),
             std::string("mpirun -np 8 --npernode 4 --hostfile hostfile netwright-cli train "
                         "/home/me/mlp.nwproj --out /home/me/runs/mlp/20261207-041106 "
                         "--metrics /home/me/runs/mlp/20261207-041106/metrics.jsonl --quiet "
                         "--limit 500"));
  }

  void paths_with_spaces_and_quotes_are_quoted() {
    dist::LaunchSpec s = local_spec();
    s.project = "/home/me/My Projects/Bob's MLP.nwproj";
    s.runs_dir = "/home/me/My Projects/runs/Bob's MLP";
    const std::string line = dist::mpirun_command(s);
    QVERIFY2(line.find(" '/home/me/My Projects/Bob'\\''s MLP.nwproj' ") != std::string::npos,
             line.c_str());
    QVERIFY2(line.find(" --out '/home/me/My Projects/runs/Bob'\\''s MLP/20261207-041106' ") !=
                 std::string::npos,
             line.c_str());
    // The argument list keeps each path whole, unquoted.
    QCOMPARE(dist::mpirun_argv(s)[5], std::string("/home/me/My Projects/Bob's MLP.nwproj"));
    QCOMPARE(dist::shell_quote("plain/path-1.5_x"), std::string("plain/path-1.5_x"));
    QCOMPARE(dist::shell_quote("$HOME"), std::string("'$HOME'"));
    QCOMPARE(dist::shell_quote(""), std::string("''"));
  }

  void slurm_script_on_gpu_nodes() {
    dist::LaunchSpec s = local_spec();
    s.ranks = 16;
    s.nodes = 2;
    s.gpus_per_node = 8;
    s.time_minutes = 4 * 60 + 30;
    s.project = "/scratch/me/My MLP.nwproj";
    s.runs_dir = "/scratch/me/runs/My MLP";
    const std::vector<std::string> got = lines(dist::slurm_script(s));
    const std::vector<std::string> want{
        "#!/bin/bash",
        "#SBATCH --job-name=My-MLP",
        "#SBATCH --nodes=2",
        "#SBATCH --ntasks-per-node=8",
        "#SBATCH --gpus-per-node=8",
        "#SBATCH --time=04:30:00",
        "# 16 ranks of netwright-cli train; the run folder is",
        "# slurm-<job id> among the project's runs, where the application finds it.",
        "set -euo pipefail",
        "out='/scratch/me/runs/My MLP'/slurm-\"$SLURM_JOB_ID\"",
        "srun --ntasks-per-node=8 --gpus-per-node=8 /opt/nw/bin/netwright-cli train "
        "'/scratch/me/My MLP.nwproj' --out \"$out\" --metrics \"$out/metrics.jsonl\" --quiet"};
    QCOMPARE(got, want);
  }

  void slurm_script_on_cpu_nodes() {
    dist::LaunchSpec s = local_spec();
    s.ranks = 4;
    s.nodes = 4;
    s.threads_per_rank = 16;
    s.time_minutes = 30;
    const std::string script = dist::slurm_script(s);
    QVERIFY2(script.find("--gpus-per-node") == std::string::npos, script.c_str());
    QVERIFY2(script.find("#SBATCH --ntasks-per-node=1\n") != std::string::npos, script.c_str());
    QVERIFY2(script.find("#SBATCH --cpus-per-task=16\n") != std::string::npos, script.c_str());
    QVERIFY2(script.find("\nexport OMP_NUM_THREADS=16\n") != std::string::npos, script.c_str());
    QVERIFY2(script.find("#SBATCH --time=00:30:00\n") != std::string::npos, script.c_str());
    QVERIFY2(script.find("\nsrun --ntasks-per-node=1 /opt/nw/bin/netwright-cli train ") !=
                 std::string::npos,
             script.c_str());
  }

  void slurm_time_format() {
    QCOMPARE(dist::slurm_time(1), std::string("00:01:00"));
    QCOMPARE(dist::slurm_time(59), std::string("00:59:00"));
    QCOMPARE(dist::slurm_time(60), std::string("01:00:00"));
    QCOMPARE(dist::slurm_time(23 * 60 + 59), std::string("23:59:00"));
    QCOMPARE(dist::slurm_time(24 * 60), std::string("1-00:00:00"));
    QCOMPARE(dist::slurm_time(3 * 24 * 60 + 125), std::string("3-02:05:00"));
  }

  void problems_name_the_fix() {
    dist::LaunchSpec s = local_spec();
    QCOMPARE(dist::launch_problem(s), std::string());
    s.ranks = 12;
    s.nodes = 5;
    QCOMPARE(dist::launch_problem(s),
             std::string("12 ranks do not split evenly over 5 nodes: make ranks a multiple of "
                         "the nodes (10 or 15)"));
    s.ranks = 3;
    QCOMPARE(dist::launch_problem(s),
             std::string("3 ranks do not split evenly over 5 nodes: make ranks a multiple of "
                         "the nodes (5)"));
    s = local_spec();
    s.project.clear();
    QVERIFY(dist::launch_problem(s).find("save it") != std::string::npos);
    s = local_spec();
    s.time_minutes = 0;
    QCOMPARE(dist::launch_problem(s), std::string("time limit: at least one minute"));
  }
};

QTEST_APPLESS_MAIN(TestLaunchScript)
#include "tst_launch_script.moc"
