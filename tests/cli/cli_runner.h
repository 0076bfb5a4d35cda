#pragma once
// Runs netwright-cli as a user would, and collects its exit code and output.
#include <QProcess>
#include <QStringList>

#include <string>

struct CliRun {
  int code = -1;
  bool crashed = false;
  std::string out, err;
  std::string all() const { return out + err; }
};

// Any program: a run that does not end within `timeout_ms` is killed and counts as a crash.
inline CliRun run_program(const QString& program, const QStringList& args,
                          int timeout_ms = 300000) {
  QProcess p;
  p.start(program, args);
  CliRun r;
  if (!p.waitForStarted() || !p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished();
    r.crashed = true;
  }
  r.crashed = r.crashed || p.exitStatus() != QProcess::NormalExit;
  r.code = p.exitCode();
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

// A path built in at compile time unless `variable` names another: the device bundle
// (scripts/make-gpu-bundle.sh) runs the gpu/ tests where neither the build tree nor the
// source tree is.
inline QString path_from_env(const char* variable, const QString& built_in) {
  const QString v = qEnvironmentVariable(variable);
  return v.isEmpty() ? built_in : v;
}

#ifdef NW_CLI
inline QString cli_path() {
  return path_from_env("NETWRIGHT_TEST_CLI", QStringLiteral(NW_CLI));
}

inline CliRun run_cli(const QStringList& args, int timeout_ms = 300000) {
  return run_program(cli_path(), args, timeout_ms);
}
#endif

inline QString src_path(const char* relative) {
  return path_from_env("NETWRIGHT_TEST_SOURCE_DIR", QStringLiteral(NW_SOURCE_DIR)) + "/" +
         QString::fromUtf8(relative);
}
