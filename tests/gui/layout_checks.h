#pragma once
// tst_layout_fit's measurements: what lies outside a viewport, a run for the plots to show, and
// a 1600x1000 offscreen screen. Header-only, for that one test.
#include <QtTest>

#include <QAbstractScrollArea>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QTemporaryDir>

#include <memory>

#include "app/window_hooks.h"
#include "plots/run_history.h"

namespace nw::gui::layout_checks {

inline constexpr QSize kScreen(1600, 1000);  // device pixels, as in the report
// False under another platform (xcb, say), whose screen is what it is: the checks run on it, but
// "the MLP has room at 100%" holds only for the 1600x1000 screen.
inline bool g_own_screen = false;

inline WindowHooks quiet_hooks(bool restore_layout) {
  WindowHooks h;
  h.questions.error = [](QWidget*, const QString&, const QString& text) {
    qWarning("error shown: %s", qPrintable(text));
  };
  h.questions.unsaved_changes = [](QWidget*, const QString&) { return UnsavedAnswer::Discard; };
  h.offer_recovery = false;
  h.restore_layout = restore_layout;
  return h;
}

inline QString scale_name() {
  const QByteArray s = qgetenv("QT_SCALE_FACTOR");
  return s.isEmpty() ? QStringLiteral("1") : QString::fromLatin1(s);
}

// Lets layouts, deferred resizes and queued replots settle.
inline void settle() {
  for (int i = 0; i < 5; ++i) {
    QCoreApplication::processEvents();
    QTest::qWait(20);
  }
}

inline QString describe(const QWidget* w) {
  QString text;
  if (auto* l = qobject_cast<const QLabel*>(w)) text = " \"" + l->text().left(30) + "\"";
  return QString::fromLatin1(w->metaObject()->className()) + " '" + w->objectName() + "'" + text;
}

// Every widget under `content` shown in `viewport` lies within it horizontally, and every
// label's text fits its label. Returns the problems, with the overhang in pixels; `worst` is
// the largest overhang seen.
inline QStringList overhangs(QWidget* content, QWidget* viewport, const QString& page, int* worst) {
  QStringList out;
  for (QWidget* w : content->findChildren<QWidget*>()) {
    if (!w->isVisibleTo(content) || w->isWindow()) continue;
    // Inside another scroll area (a combo box's list, a table) is that area's business.
    bool nested = false;
    for (QWidget* p = w->parentWidget(); p && p != content; p = p->parentWidget())
      if (qobject_cast<QAbstractScrollArea*>(p)) nested = true;
    if (nested) continue;
    const QRect r(w->mapTo(viewport, QPoint(0, 0)), w->size());
    const int over = std::max(r.right() + 1 - viewport->width(), -r.left());
    if (over > 0) {
      *worst = std::max(*worst, over);
      out << QString("%1: %2 overhangs by %3 px").arg(page, describe(w)).arg(over);
    }
    if (auto* l = qobject_cast<QLabel*>(w);
        l && !l->wordWrap() && !l->text().isEmpty() && l->textFormat() != Qt::RichText) {
      const int needed = l->fontMetrics().horizontalAdvance(l->text().split('\n').first()) +
                         2 * l->margin() + l->contentsMargins().left() +
                         l->contentsMargins().right();
      if (l->width() < needed)
        out << QString("%1: %2 is %3 px wide for %4 px of text")
                   .arg(page, describe(l))
                   .arg(l->width())
                   .arg(needed);
    }
  }
  return out;
}

inline std::shared_ptr<RunHistory> sample_run() {
  auto run = std::make_shared<RunHistory>();
  run->name = "run";
  QVector<BatchPoint> points;
  for (int e = 1; e <= 3; ++e) {
    for (int b = 1; b <= 20; ++b) {
      train::BatchStats s;
      s.epoch = e;
      s.batch = b;
      s.batches = 20;
      s.loss = 2.0 / (e + b / 20.0);
      s.accuracy = 1.0 - s.loss / 3;
      s.lr = 0.01;
      points.push_back(BatchPoint::from(s));
    }
    train::EpochStats es;
    es.epoch = e;
    es.train_loss = 2.0 / e;
    es.val_loss = 2.2 / e;
    es.train_accuracy = 1 - 0.5 / e;
    es.val_accuracy = 1 - 0.6 / e;
    run->add(es);
  }
  run->add(points);
  run->total_epochs = 3;
  return run;
}

// Points the offscreen platform (also when none is named) at a 1600x1000 screen; call before
// QApplication exists. Another platform keeps its own screen.
inline bool use_own_screen(const QTemporaryDir& config_dir) {
  const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
  if (!platform.isEmpty() && platform != "offscreen") return true;
  QFile config(config_dir.filePath("screen.json"));
  if (!config.open(QIODevice::WriteOnly)) return false;
  config.write(QStringLiteral(R"({"screens": [{"name": "screen", "x": 0, "y": 0, "width": %1,
                               "height": %2, "logicalDpi": 96, "logicalBaseDpi": 96,
                               "dpr": 1}]})")
                   .arg(kScreen.width())
                   .arg(kScreen.height())
                   .toUtf8());
  config.close();
  qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.fileName().toLocal8Bit());
  g_own_screen = true;
  return true;
}

}  // namespace nw::gui::layout_checks

// Lists every problem in the log (a QVERIFY2 message is cut short) and fails with the count.
#define NW_VERIFY_NONE(problems)                                                       \
  do {                                                                                 \
    for (const QString& p : problems) qInfo("%s", qPrintable(p));                      \
    QVERIFY2(problems.isEmpty(),                                                       \
             qPrintable(QString("%1 problems, the first: %2")                          \
                            .arg(problems.size())                                      \
                            .arg(problems.isEmpty() ? QString() : problems.first()))); \
  } while (false)
