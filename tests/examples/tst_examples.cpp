// Runs each example program and checks what it prints: exactly the committed text in
// expected/<name>.txt, plus the tutorial's facts that must hold whatever else changes.
#include <algorithm>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

namespace {

// NW_EXAMPLES: the example names, comma separated, from examples/CMakeLists.txt.
const QStringList kExamples = QStringLiteral(NW_EXAMPLES).split(',');

// Runs bin/example_<name> and stores what it printed on stdout in *out; fails the current test
// when it cannot start, hangs, crashes or exits with an error.
void run_example(const QString& name, QString* out) {
  const QString exe = QDir(QStringLiteral(NW_EXAMPLE_BIN_DIR)).filePath("example_" + name);
  QProcess p;
  p.start(exe, {});
  QVERIFY2(p.waitForStarted(), qPrintable("cannot start " + exe + ": " + p.errorString()));
  QVERIFY2(p.waitForFinished(120000), qPrintable(exe + " did not finish in 120 s"));
  const QString err = QString::fromUtf8(p.readAllStandardError());
  QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
           qPrintable(QStringLiteral("%1 failed (exit code %2); stderr:\n%3")
                          .arg(exe)
                          .arg(p.exitCode())
                          .arg(err)));
  *out = QString::fromUtf8(p.readAllStandardOutput());
}

QString read_expected(const QString& name) {
  QFile f(QDir(QStringLiteral(NW_EXAMPLE_EXPECTED_DIR)).filePath(name + ".txt"));
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll());
}

// The device section ("cuda available: ..." up to the next blank line) depends on the machine and
// the build (the error names the paths it searched), so the exact comparison masks it and
// device_move_is_explained() checks it instead.
const QRegularExpression kDeviceSection(QStringLiteral("cuda available: [^\\n]*\\n(.+?\\n)?\\n"),
                                        QRegularExpression::DotMatchesEverythingOption);

QString mask_device_section(QString text) {
  return text.replace(kDeviceSection, QStringLiteral("cuda available: <masked>\n\n"));
}

}  // namespace

class TestExamples : public QObject {
  Q_OBJECT

 private slots:
  void output_matches_expected_data() {
    QTest::addColumn<QString>("name");
    for (const QString& name : kExamples) QTest::newRow(qPrintable(name)) << name;
  }

  void output_matches_expected() {
    QFETCH(QString, name);
    QString actual;
    run_example(name, &actual);
    if (QTest::currentTestFailed()) return;
    QVERIFY2(!actual.isEmpty(), qPrintable("example_" + name + " printed nothing"));
    const QString expected = read_expected(name);
    QVERIFY2(!expected.isEmpty(),
             qPrintable("missing tests/examples/expected/" + name +
                        ".txt; write it from the example's output once you have checked it"));
    const QStringList a = mask_device_section(actual).split('\n');
    const QStringList e = mask_device_section(expected).split('\n');
    for (qsizetype i = 0; i < std::max(a.size(), e.size()); ++i) {
      const QString got = i < a.size() ? a[i] : QStringLiteral("<end of output>");
      const QString want = i < e.size() ? e[i] : QStringLiteral("<end of output>");
      if (got != want) {
        QFile dump(name + ".actual.txt");
        if (dump.open(QIODevice::WriteOnly)) dump.write(actual.toUtf8());
        QFAIL(qPrintable(QStringLiteral("example_%1, line %2 (device section masked):\n"
                                        "  got:      '%3'\n"
                                        "  expected: '%4'\n"
                                        "(the whole output is in %5)")
                             .arg(name)
                             .arg(i + 1)
                             .arg(got, want, QDir::current().filePath(dump.fileName()))));
      }
    }
  }

  // The tutorial's result: out = mean(3 (x + 2)^2) at x = 1 has gradient 3 (x + 2) / 2 = 4.5.
  void autograd_gradient_is_4_5() {
    QString out;
    run_example(QStringLiteral("autograd"), &out);
    if (QTest::currentTestFailed()) return;
    QVERIFY2(out.contains(QStringLiteral("x.grad:\n"
                                         "tensor([[4.5000, 4.5000],\n"
                                         "        [4.5000, 4.5000]])\n")),
             qPrintable(out));
  }

  void autograd_names_grad_fns() {
    QString out;
    run_example(QStringLiteral("autograd"), &out);
    if (QTest::currentTestFailed()) return;
    QVERIFY2(out.contains(QStringLiteral("y.grad_fn: AddBackward0\n")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("grad_fn=<AddBackward0>")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("tensor(27., grad_fn=<MeanBackward0>)")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("under NoGradGuard, x.pow(2).requires_grad: false\n")),
             qPrintable(out));
  }

  // Without a GPU the move must fail with nw::DeviceError saying why; with one it must succeed.
  void device_move_is_explained() {
    QString out;
    run_example(QStringLiteral("tensors"), &out);
    if (QTest::currentTestFailed()) return;
    const QRegularExpressionMatch m = kDeviceSection.match(out);
    QVERIFY2(m.hasMatch(), qPrintable(out));
    const QString section = m.captured(0);
    if (section.startsWith(QStringLiteral("cuda available: no"))) {
      QVERIFY2(section.contains(QStringLiteral("threw nw::DeviceError: device cuda:0 requested; "
                                               "CUDA unavailable: ")),
               qPrintable(section));
    } else {
      QVERIFY2(section.startsWith(QStringLiteral("cuda available: yes\n")), qPrintable(section));
      QVERIFY2(section.contains(QStringLiteral("stored on: cuda:0")), qPrintable(section));
    }
  }
};

QTEST_GUILESS_MAIN(TestExamples)
#include "tst_examples.moc"
