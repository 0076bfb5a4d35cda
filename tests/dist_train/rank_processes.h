#pragma once
// The rank processes of one local mpirun job, found through /proc by a mark in their environment
// (mpirun -x NW_TEST_JOB=...): Open MPI 4.1 starts each local rank in a process group of its
// own, with OMPI_COMM_WORLD_RANK in its environment, and a rank whose mpirun has ended is
// re-parented, so neither the process group nor the parent finds them all.
#include <sys/types.h>

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>

namespace nw_test {

// The state letter ("R", "S", "Z", ...) from /proc/PID/stat, or 0 when the process is gone. The
// command name, in parentheses, may hold spaces: the state follows the last ')'.
inline char process_state(pid_t pid) {
  QFile f(QString("/proc/%1/stat").arg(pid));
  if (!f.open(QIODevice::ReadOnly)) return 0;
  const QByteArray stat = f.readAll();
  const qsizetype close = stat.lastIndexOf(')');
  return close >= 0 && close + 2 < stat.size() ? stat[close + 2] : 0;
}

struct RankProcess {
  int rank;
  pid_t pid;
  QByteArray name;  // /proc/PID/comm: "sh" for a wrapper around the rank
};

// The processes of job `job` that still live: a zombie that its new parent has not reaped yet
// has ended and is left out.
inline QList<RankProcess> living_rank_processes(const QByteArray& job) {
  const QByteArray mark = "NW_TEST_JOB=" + job, rank_key = "OMPI_COMM_WORLD_RANK=";
  QList<RankProcess> found;
  for (const QString& name : QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    bool number = false;
    const pid_t pid = static_cast<pid_t>(name.toLong(&number));
    if (!number) continue;
    QFile environ("/proc/" + name + "/environ"), comm("/proc/" + name + "/comm");
    if (!environ.open(QIODevice::ReadOnly)) continue;
    bool ours = false;
    int rank = -1;
    for (const QByteArray& entry : environ.readAll().split('\0')) {
      ours = ours || entry == mark;
      if (entry.startsWith(rank_key)) rank = entry.mid(rank_key.size()).toInt();
    }
    const char state = process_state(pid);
    if (!ours || rank < 0 || state == 0 || state == 'Z' || state == 'X') continue;
    found.push_back({rank, pid, comm.open(QIODevice::ReadOnly) ? comm.readAll().trimmed() : ""});
  }
  return found;
}

}  // namespace nw_test
