// start_with_passive_openmp: a program started without OMP_WAIT_POLICY runs with PASSIVE and a
// short spin (its OpenMP workers sleep soon instead of spinning on a core another thread needs),
// and a policy the user set is kept. The build links OpenBLAS's OpenMP build, so BLAS and the
// host loops share one pool. The test runs itself as the program: with --report-policy it starts as
// the front ends do and prints the policy it ended up with, and what libgomp says it read at load.
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include <omp.h>
#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backend/threads.h"

namespace {

char** g_argv = nullptr;

struct Report {
  QString policy;   // the environment's OMP_WAIT_POLICY after the start
  QString libgomp;  // what omp_display_env(verbose) printed (stderr)
};

Report run_self(const QProcessEnvironment& env) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(QString::fromLocal8Bit(g_argv[0]), {QStringLiteral("--report-policy")});
  if (!p.waitForFinished(60'000) || p.exitCode() != 0) {
    qWarning("the child failed: %s", p.readAllStandardError().constData());
    return {};
  }
  return {QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed(),
          QString::fromLocal8Bit(p.readAllStandardError())};
}

}  // namespace

class TestPassiveOpenmp : public QObject {
  Q_OBJECT

 private slots:
  void unset_policy_becomes_passive() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("OMP_WAIT_POLICY"));
    env.remove(QStringLiteral("GOMP_SPINCOUNT"));
    const Report r = run_self(env);
    QCOMPARE(r.policy, QStringLiteral("PASSIVE"));
    // libgomp read it as it loaded in the re-executed program: its workers spin briefly. (Its
    // display says PASSIVE for an unset policy too; the spin count tells them apart: 300000.)
    const QString spins = QStringLiteral("GOMP_SPINCOUNT = '%1'").arg(nw::kWorkerSpins);
    QVERIFY2(r.libgomp.contains(spins), qPrintable(r.libgomp));
  }

  void blas_runs_in_the_openmp_pool() {
    // scripts/lib.sh installs libopenblas0-openmp and the run path selects it; with the pthread
    // build, BLAS's own waiting threads compete with OpenMP's for the cores.
    QVERIFY2(nw::blas_shares_openmp_pool(),
             "the OpenBLAS loaded is not its OpenMP build: apt-get install libopenblas0-openmp");
  }

  void default_is_one_thread_per_allowed_core() {
    cpu_set_t all, one;
    QCOMPARE(sched_getaffinity(0, sizeof all, &all), 0);
    const int allowed = CPU_COUNT(&all);
    const int cores = nw::physical_cores();
    QVERIFY2(cores >= 1 && cores <= allowed, qPrintable(QString::number(cores)));
    int first = 0;
    while (!CPU_ISSET(first, &all)) ++first;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    QCOMPARE(sched_setaffinity(0, sizeof one, &one), 0);
    const int pinned = nw::physical_cores();
    QCOMPARE(sched_setaffinity(0, sizeof all, &all), 0);
    QCOMPARE(pinned, 1);
  }

  void policy_the_user_set_is_kept() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("ACTIVE"));
    const Report r = run_self(env);
    QCOMPARE(r.policy, QStringLiteral("ACTIVE"));
    QVERIFY2(r.libgomp.contains(QStringLiteral("OMP_WAIT_POLICY = 'ACTIVE'")),
             qPrintable(r.libgomp));
    QVERIFY2(!r.libgomp.contains(QStringLiteral("GOMP_SPINCOUNT = '%1'").arg(nw::kWorkerSpins)),
             qPrintable(r.libgomp));
  }
};

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--report-policy") == 0) {
    nw::start_with_passive_openmp(argv);
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    std::printf("%s\n", policy ? policy : "");
    omp_display_env(1);  // to stderr: the settings libgomp uses, its spin count included
    return 0;
  }
  g_argv = argv;
  QCoreApplication app(argc, argv);
  TestPassiveOpenmp test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_passive_openmp.moc"
