#pragma once
// What the malformed-input corpus tests share (tst_cli_corpus*.cpp): the expected messages of a
// corpus folder, and what a clean refusal is.
#include <QtTest>

#include <fstream>
#include <string>
#include <vector>

#include "cli_runner.h"

struct CorpusCase {
  std::string file, expected;
};

// `folder`/EXPECTED.tsv: a file name, a tab, a piece of the message it must give; '#' comments.
inline std::vector<CorpusCase> corpus_cases(const std::string& folder) {
  std::vector<CorpusCase> out;
  std::ifstream f(folder + "/EXPECTED.tsv");
  for (std::string line; std::getline(f, line);) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// Exit code 1 and `expected` in the message. A sanitizer report or a signal is a crash, whatever
// the exit code says.
inline void expect_clean_failure(const CliRun& r, const std::string& what,
                                 const std::string& expected) {
  const std::string all = r.all();
  QVERIFY2(!r.crashed, (what + ": crashed\n" + all).c_str());
  QVERIFY2(
      all.find("Sanitizer") == std::string::npos && all.find("runtime error") == std::string::npos,
      (what + ": sanitizer report\n" + all).c_str());
  QVERIFY2(r.code == 1,
           (what + ": exit code " + std::to_string(r.code) + ", expected 1\n" + all).c_str());
  QVERIFY2(r.err.find(expected) != std::string::npos,
           (what + ": the message does not name '" + expected + "':\n" + r.err).c_str());
}
