// The one JSON reader (io/json_read.h): each limit refuses its input with the place and the
// limit named, one step past the limit, and accepts the input at the limit.
#include <QtTest>

#include <fstream>

#include "io/json_read.h"
#include "io/project.h"

using namespace nw;
using namespace nw::io;
namespace fs = std::filesystem;

namespace {

// The one problem parse_json reports for `text`, as "place: message"; "" when it parses.
std::string refusal(const std::string& text) {
  try {
    parse_json(text, "t.json");
    return "";
  } catch (const JsonError& e) {
    if (e.problems.size() != 1) return "several problems: " + std::string(e.what());
    if (e.file != "t.json") return "file named " + e.file;
    return e.problems.front().to_string();
  }
}

std::string nested(int levels) {
  return std::string(size_t(levels), '[') + std::string(size_t(levels), ']');
}

std::string list_of(size_t items) {
  std::string s = "[0";
  for (size_t i = 1; i < items; ++i) s += ",0";
  return s + "]";
}

#define QVERIFY_CONTAINS(text, part) \
  QVERIFY2(std::string(text).find(part) != std::string::npos, (std::string(text)).c_str())

}  // namespace

class TestJsonRead : public QObject {
  Q_OBJECT

 private slots:
  void nestingAtTheLimitParses() {
    QCOMPARE(refusal(nested(kMaxJsonDepth)), std::string());
    QCOMPARE(parse_json(nested(kMaxJsonDepth), "t").size(), size_t(1));
  }
  // 100,000 levels: the destructor of such a document overflowed the stack.
  void deeperNestingIsRefusedWhereItCrossesTheLimit() {
    QCOMPARE(refusal(nested(kMaxJsonDepth + 1)),
             std::string("line 1, column 65: JSON nested deeper than 64 levels; a Netwright "
                         "project is at most 8 levels deep (is this a Netwright file?)"));
    QVERIFY_CONTAINS(refusal(nested(100'000)), "line 1, column 65: JSON nested deeper");
    QVERIFY_CONTAINS(refusal("{\n  \"a\": " + std::string(100, '{')), "line 2, column 71:");
  }
  // Brackets inside strings are text, not nesting.
  void bracketsInStringsDoNotCount() {
    const std::string text = "[\"" + std::string(1000, '[') + "\\\"\"]";
    QCOMPARE(refusal(text), std::string());
    QCOMPARE(parse_json(text, "t")[0].get<std::string>().size(), size_t(1001));
  }
  void longStringsAreRefused() {
    QCOMPARE(refusal("[\"" + std::string(kMaxJsonStringBytes, 'a') + "\"]"), std::string());
    QCOMPARE(refusal("[\n \"" + std::string(kMaxJsonStringBytes + 1, 'a') + "\"]"),
             std::string("line 2, column 2: a string of 1.00 MiB; a string in a Netwright file is "
                         "at most 1.00 MiB (names, ids and paths are short)"));
  }
  void longListsAreRefused() {
    QCOMPARE(refusal(list_of(kMaxJsonItems)), std::string());
    QVERIFY_CONTAINS(refusal(list_of(kMaxJsonItems + 1)),
                     "a list or object of more than 1000000 items");
  }
  void numbersADoubleCannotHoldAreRefused() {
    QCOMPARE(refusal("{\"lr\": 1e400}"),
             std::string("line 1, column 8: the number 1e400 is out of range (at most about "
                         "1.8e308); write a smaller number"));
    QVERIFY_CONTAINS(refusal("[-1e400]"), "the number -1e400 is out of range");
    QCOMPARE(refusal("[1e308, -2.5e-400, 18446744073709551615]"), std::string());
  }
  void largeTextIsRefusedBeforeItIsScanned() {
    const std::string text = "\"" + std::string(kMaxJsonFileBytes, 'a') + "\"";
    QVERIFY_CONTAINS(refusal(text), "the text is 64 MiB; Netwright reads JSON of at most 64 MiB");
  }
  void syntaxErrorsKeepTheirPlace() {
    QCOMPARE(refusal("{\n  \"a\": 1,\n}"),
             std::string("line 3, column 1: JSON syntax error while parsing object key - "
                         "unexpected '}'; expected string literal"));
    QVERIFY_CONTAINS(refusal(""), "line 1, column 1: JSON syntax error");
  }
  void tryParseTellsJsonFromText() {
    QVERIFY(try_parse_json("[1, 2]").has_value());
    QVERIFY(!try_parse_json("kernel 3").has_value());
    QVERIFY(!try_parse_json(nested(100'000)).has_value());
  }
  // A file over the size limit is refused from its size, before it is read; load_project names
  // the file as the user gave it.
  void largeFilesAreRefusedBeforeReading() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "big.nwproj";
    std::ofstream(path).close();
    fs::resize_file(path, kMaxJsonFileBytes + 1);
    try {
      load_project(path);
      QFAIL("a 64 MiB + 1 byte project loaded");
    } catch (const ProjectError& e) {
      QCOMPARE(e.file, path.string());
      QCOMPARE(e.problems.front().message,
               std::string("the file is 64 MiB; Netwright reads JSON files of at most 64 MiB "
                           "(is this a Netwright file?)"));
    }
  }
};

QTEST_APPLESS_MAIN(TestJsonRead)
#include "tst_json_read.moc"
