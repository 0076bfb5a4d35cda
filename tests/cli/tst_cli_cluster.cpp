// netwright-cli cluster: the Slurm script and the mpirun line are dist/launch_script.h's
// text for the project (what the application's Train > Run on Cluster... shows), and a job that
// cannot be launched is a usage error naming the fix.
#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include "cli_runner.h"
#include "dist/launch_script.h"
#include "io/project.h"
#include "train/run_index.h"

using namespace nw;

class TestCliCluster : public QObject {
  Q_OBJECT

 private slots:
  void slurm_script_is_the_core_text() {
    const QString project = src_path("tests/cli/projects/blobs-mlp.nwproj");
    const CliRun r = run_cli({"cluster", project, "--ranks", "8", "--nodes", "2", "--gpus-per-node",
                              "4", "--time", "150", "--slurm"});
    QVERIFY2(r.code == 0 && !r.crashed, r.all().c_str());
    dist::LaunchSpec s;
    s.ranks = 8;
    s.nodes = 2;
    s.gpus_per_node = 4;
    s.time_minutes = 150;
    s.project = QFileInfo(project).absoluteFilePath().toStdString();
    s.runs_dir = train::runs_folder(io::load_project(project.toStdString()));
    QCOMPARE(r.out, dist::slurm_script(s));
    QVERIFY2(r.out.find("\n#SBATCH --time=02:30:00\n") != std::string::npos, r.out.c_str());
  }

  void mpirun_line_on_this_machine() {
    const QString project = src_path("tests/cli/projects/blobs-mlp.nwproj");
    const CliRun r = run_cli({"cluster", project, "--ranks", "2"});
    QVERIFY2(r.code == 0 && !r.crashed, r.all().c_str());
    // This netwright-cli, a run folder among the project's runs, its metrics file inside.
    const std::string runs = train::runs_folder(io::load_project(project.toStdString())).string();
    const std::string start = "mpirun -np 2 " +
                              QFileInfo(NW_CLI).canonicalFilePath().toStdString() + " train " +
                              project.toStdString() + " --out " + runs + "/";
    QVERIFY2(r.out.rfind(start, 0) == 0, r.out.c_str());
    QVERIFY2(r.out.find("/metrics.jsonl --quiet\n") != std::string::npos, r.out.c_str());
  }

  void a_job_that_cannot_launch_is_a_usage_error() {
    const CliRun r = run_cli({"cluster", src_path("tests/cli/projects/blobs-mlp.nwproj"), "--ranks",
                              "3", "--nodes", "2"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.find("3 ranks do not split evenly over 2 nodes") != std::string::npos,
             r.err.c_str());
  }
};

QTEST_GUILESS_MAIN(TestCliCluster)
#include "tst_cli_cluster.moc"
