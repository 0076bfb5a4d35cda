// The Python text helpers of generated code: variable names and line wrapping to flake8's 79
// columns.
#include <QtTest>

#include "interop/python_text.h"

using namespace nw::interop;

class TestPythonText : public QObject {
  Q_OBJECT

 private slots:
  void variables_are_identifiers_and_distinct() {
    std::set<std::string> taken = {"self"};
    QCOMPARE(python::variable("layer1.0.conv1", taken), std::string("layer1_0_conv1"));
    QCOMPARE(python::variable("layer1_0_conv1", taken), std::string("layer1_0_conv1_2"));
    QCOMPARE(python::variable("lambda", taken), std::string("lambda_"));
    QCOMPARE(python::variable("0", taken), std::string("x0"));
    QCOMPARE(python::variable("self", taken), std::string("self_2"));
    QVERIFY(python::is_identifier("fc1"));
    QVERIFY(!python::is_identifier("1fc"));
    QVERIFY(!python::is_identifier("class"));
  }

  void short_lines_stay_whole() {
    QCOMPARE(python::wrap("x = self.fc1(x)", 8), std::string("        x = self.fc1(x)\n"));
  }

  // Broken inside the last call's parentheses, at top-level commas only (not inside brackets
  // or strings), each line within 79 columns.
  void long_lines_break_at_top_level_commas() {
    const std::string line =
        "self.layer2[\"0\"][\"downsample\"][\"0\"] = nn.Conv2d(64, 128, (1, 3), stride=2, "
        "padding=\"same, really\", dilation=(2, 2), bias=False)";
    const std::string out = python::wrap(line, 8);
    QCOMPARE(out, std::string("        self.layer2[\"0\"][\"downsample\"][\"0\"] = nn.Conv2d(\n"
                              "            64, 128, (1, 3), stride=2, padding=\"same, really\", "
                              "dilation=(2, 2),\n"
                              "            bias=False)\n"));
    size_t start = 0;
    for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
      QVERIFY(nl - start <= python::kMaxLine);
  }

  void quoted_escapes() { QCOMPARE(python::quoted("a\"b\\c"), std::string("\"a\\\"b\\\\c\"")); }
};

QTEST_APPLESS_MAIN(TestPythonText)
#include "tst_python_text.moc"
