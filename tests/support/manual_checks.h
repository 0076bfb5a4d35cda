#pragma once
// Checks shared by the man page and bash completion tests of netwright-cli and netwright: render
// a page with groff's warnings on, and run a completion function the way bash's `complete` does.
#include <QProcess>
#include <QString>
#include <QStringList>

#include <string>

struct ToolRun {
  bool ran = false;  // started and ended normally within the time limit
  int code = -1;
  std::string out, err;
};

// Runs `program` with `input` on its standard input, in `dir` when given.
inline ToolRun run_tool(const QString& program, const QStringList& args, const std::string& input,
                        const QString& dir = {}) {
  QProcess p;
  if (!dir.isEmpty()) p.setWorkingDirectory(dir);
  p.start(program, args);
  ToolRun r;
  if (!p.waitForStarted()) return r;
  p.write(input.data(), qint64(input.size()));
  p.closeWriteChannel();
  if (!p.waitForFinished(60000)) {
    p.kill();
    p.waitForFinished();
    return r;
  }
  r.ran = p.exitStatus() == QProcess::NormalExit;
  r.code = p.exitCode();
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

// groff as man(1) runs it, with every warning on (-ww) and plain text out (no bold or underline
// by overstriking); `device` "ascii" gives plain '-' and backslash. groff-base is in
// scripts/lib.sh.
inline ToolRun render_man_page(const std::string& page, const char* device = "utf8") {
  return run_tool("groff", {"-man", QStringLiteral("-T%1").arg(device), "-ww", "-P", "-cbou"},
                  page);
}

// Sources `script` in a fresh bash, sets COMP_WORDS to `words` with the cursor on the last word,
// calls `function` and prints COMPREPLY one entry a line, sorted.
inline ToolRun complete_words(const std::string& script, const QString& function,
                              const QStringList& words, const QString& dir = {}) {
  QString call = "COMP_WORDS=(";
  for (const QString& w : words) call += " '" + w + "'";
  call += QStringLiteral(" ); COMP_CWORD=%1; %2; printf '%s\\n' \"${COMPREPLY[@]}\" | sort")
              .arg(words.size() - 1)
              .arg(function);
  return run_tool("bash", {"--norc", "--noprofile", "-c", "source /dev/stdin; " + call}, script,
                  dir);
}
