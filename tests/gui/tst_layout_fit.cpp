// Every form lays out inside its dock, the plot legends are drawn whole, and the window fits the
// screen: at 100% and, as a second ctest entry, with QT_SCALE_FACTOR=1.5 on a 1600x1000 screen
// (the offscreen platform's screen, set from a config file before QApplication starts). Once the
// Inspector's Browse buttons and warnings were cut off on the right, the legend read
// "train accura", and at 1.5x the window opened at 2100x1350 device pixels, docks off screen.
// The window grabs go to the build folder, and to docs/screenshots/layout-<scale>x.png when
// NW_UPDATE_DOCS=1 (a plain test run leaves the source tree alone).
#include <QtTest>

#include <qcustomplot.h>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTime>
#include <QTimer>
#include <QTreeWidgetItem>
#include <QUndoStack>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "app/training_settings_dialog.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_scene.h"
#include "editor/graph_view.h"
#include "editor/node_item.h"
#include "inspector/data_source_editor.h"
#include "inspector/data_source_fields.h"
#include "inspector/inspector_style.h"
#include "inspector/inspector_widget.h"
#include "inspector/project_inspector.h"
#include "layout_checks.h"
#include "plots/accuracy_plot.h"
#include "plots/loss_plot.h"
#include "plots/lr_plot.h"
#include "training/training_dashboard.h"

using namespace nw;
using namespace nw::gui;

using namespace nw::gui::layout_checks;

class TestLayoutFit : public QObject {
  Q_OBJECT

  std::unique_ptr<MainWindow> window_;
  int worst_overhang_ = 0;

  QScrollArea* inspector_area() {
    return qobject_cast<QScrollArea*>(window_->inspector()->currentWidget());
  }

  // The inspector page shown now, against its dock's viewport.
  void check_inspector_page(const QString& page, QStringList* problems) {
    settle();
    QScrollArea* area = inspector_area();
    QVERIFY(area);
    QCOMPARE(area->horizontalScrollBar()->value(), 0);
    *problems << overhangs(area->widget(), area->viewport(), page, &worst_overhang_);
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("NetwrightTest");
    QCoreApplication::setApplicationName("tst_layout_fit");
    QSettings().clear();
    const QSize screen = QGuiApplication::primaryScreen()->size() *
                         QGuiApplication::primaryScreen()->devicePixelRatio();
    if (g_own_screen)
      QVERIFY2(std::abs(screen.width() - kScreen.width()) <= 2 &&
                   std::abs(screen.height() - kScreen.height()) <= 2,
               "the offscreen screen is not 1600x1000 device pixels");
    else
      qInfo("checking on this platform's own %dx%d screen", screen.width(), screen.height());
    // The first start: no saved geometry.
    window_ = std::make_unique<MainWindow>(quiet_hooks(true));
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QString why;
    QVERIFY2(window_->open_project(
                 QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj"), &why),
             qPrintable(why));
    settle();
  }

  void cleanupTestCase() {
    qInfo("scale %s: window %dx%d, worst overhang %d px", qPrintable(scale_name()),
          window_->width(), window_->height(), worst_overhang_);
    window_.reset();
  }

  void first_start_fits_the_screen() {
    const QRect available = window_->screen()->availableGeometry();
    QVERIFY2(available.contains(window_->frameGeometry()),
             qPrintable(QString("window %1x%2+%3+%4 on a screen of %5x%6")
                            .arg(window_->frameGeometry().width())
                            .arg(window_->frameGeometry().height())
                            .arg(window_->frameGeometry().x())
                            .arg(window_->frameGeometry().y())
                            .arg(available.width())
                            .arg(available.height())));
    // Fitted, not shrunk to a stamp: most of the screen is used.
    QVERIFY(window_->width() >= available.width() * 3 / 5);
  }

  // A geometry saved on a larger screen (or at another scale) is fitted when restored.
  void restored_geometry_is_fitted() {
    const QRect available = window_->screen()->availableGeometry();
    {
      MainWindow big(quiet_hooks(false));
      big.setGeometry(QRect(available.topLeft() + QPoint(300, 200), available.size() * 2));
      QSettings().setValue("window/geometry", big.saveGeometry());
    }
    MainWindow restored(quiet_hooks(true));
    restored.show();
    QVERIFY(QTest::qWaitForWindowExposed(&restored));
    QVERIFY2(available.contains(restored.frameGeometry()),
             qPrintable(QString("restored at %1x%2+%3+%4")
                            .arg(restored.frameGeometry().width())
                            .arg(restored.frameGeometry().height())
                            .arg(restored.frameGeometry().x())
                            .arg(restored.frameGeometry().y())));
    QSettings().remove("window/geometry");
  }

  void inspector_pages_fit_their_dock() {
    QStringList problems;
    for (const char* project : {"fashion-mnist-mlp.nwproj", "fashion-mnist-cnn.nwproj"}) {
      QVERIFY(window_->open_project(QStringLiteral(NW_SOURCE_DIR "/projects/") + project));
      window_->inspector()->set_selection({});
      check_inspector_page(QString(project) + "/project", &problems);
      for (const graph::Node& n : window_->document()->graph().nodes()) {
        const QString id = QString::fromStdString(n.id);
        window_->inspector()->set_selection({id});
        check_inspector_page(QString(project) + "/" + id, &problems);
      }
    }
    // Each kind of data source, with its file rows and Browse buttons.
    window_->inspector()->set_selection({});
    auto* train = window_->inspector()->project_inspector()->findChild<DataSourceEditor*>();
    QVERIFY(train);
    for (const SourceKind& kind : source_kinds()) {
      io::DataSource source;
      source.spec = {{"source", kind.name.toStdString()}};
      train->set_source(source);
      check_inspector_page("data source " + kind.name, &problems);
    }
    train->show_warning(
        "data.train.path: file 'some/very/long/folder/name/that/does/not/exist/train-images.gz' "
        "not found; check the path, relative to the project's folder");
    check_inspector_page("data source warning", &problems);
    NW_VERIFY_NONE(problems);
  }

  void settings_dialog_fits() {
    QAction* settings = window_->findChild<QAction*>("trainingSettings");
    QVERIFY(settings);
    QStringList problems;
    QTimer::singleShot(0, this, [&] {
      auto* dialog = qobject_cast<TrainingSettingsDialog*>(QApplication::activeModalWidget());
      if (!dialog) {
        problems << "no settings dialog";
        if (QWidget* w = QApplication::activeModalWidget()) w->close();
        return;
      }
      settle();
      const QRect available = dialog->screen()->availableGeometry();
      if (!available.contains(dialog->frameGeometry()))
        problems << QString("the dialog (%1x%2) is larger than the screen")
                        .arg(dialog->width())
                        .arg(dialog->height());
      auto* area = dialog->findChild<QScrollArea*>();
      QWidget* content = area ? area->widget() : dialog;
      QWidget* viewport = area ? area->viewport() : dialog;
      problems << overhangs(content, viewport, "settings", &worst_overhang_);
      // The Inspector's own form, in the same words and number formats (the dialog once showed
      // "0.001000" and "auto" beside the Inspector's "0.001" and "Automatic (CUDA when ...)").
      QWidget* inspector = window_->inspector();
      for (const char* name : {"training.optimizer.lr", "training.device", "training.epochs",
                               "training.batch_size", "training.loss.type"}) {
        auto* mine = dialog->findChild<QWidget*>(name);
        auto* theirs = inspector->findChild<QWidget*>(name);
        if (!mine || !theirs) {
          problems << QString("%1 missing from the dialog or the Inspector").arg(name);
          continue;
        }
        auto text = [](QWidget* w) {
          if (auto* c = qobject_cast<QComboBox*>(w)) return c->currentText();
          if (auto* e = qobject_cast<QLineEdit*>(w)) return e->text();
          if (auto* b = qobject_cast<QAbstractSpinBox*>(w)) return b->text();
          return QString();
        };
        if (text(mine).isEmpty() || text(mine) != text(theirs))
          problems << QString("%1: \"%2\" in the dialog, \"%3\" in the Inspector")
                          .arg(name, text(mine), text(theirs));
      }
      dialog->reject();
    });
    settings->trigger();
    NW_VERIFY_NONE(problems);
  }

  void plot_legends_are_drawn_whole() {
    const auto run = sample_run();
    TrainingDashboard* dashboard = window_->dashboard();
    QList<QCustomPlot*> plots = {dashboard->loss_plot(), dashboard->accuracy_plot(),
                                 dashboard->lr_plot()};
    dashboard->loss_plot()->set_runs({run});
    dashboard->accuracy_plot()->set_runs({run});
    dashboard->lr_plot()->set_runs({run});
    settle();
    QStringList problems;
    int items = 0;
    for (QCustomPlot* plot : plots) {
      plot->replot();
      QCPLegend* legend = plot->legend;
      for (int i = 0; i < legend->itemCount(); ++i) {
        auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
        if (!item) continue;
        ++items;
        const QString text = item->plottable()->name();
        const QFontMetrics metrics(item->font());
        // The text starts after the icon and ends where the item's clip rect (its outer rect) does.
        const int text_left =
            item->rect().left() + legend->iconSize().width() + legend->iconTextPadding();
        const int room = std::min(item->outerRect().right(), plot->viewport().right()) - text_left;
        if (room < metrics.horizontalAdvance(text))
          problems << QString("%1: legend \"%2\" has %3 px for %4 px of text")
                          .arg(plot->metaObject()->className(), text)
                          .arg(room)
                          .arg(metrics.horizontalAdvance(text));
      }
    }
    QVERIFY2(items >= 4, qPrintable(QString::number(items)));
    NW_VERIFY_NONE(problems);
  }

  // The opening view shows every node of a graph that fits at a readable zoom, else its start
  // at that zoom. The MLP did not show its last node; at 100% the first start leaves room for it.
  void opening_view_shows_the_whole_mlp() {
    QVERIFY(
        window_->open_project(QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj")));
    settle();
    GraphView* view = window_->editor()->view();
    const QRectF nodes = window_->editor()->scene()->nodes_rect();
    const double margin = GraphView::kTightMargin;
    const QSizeF needed =
        (nodes.size() + QSizeF(2 * margin, 2 * margin)) * GraphView::kReadableZoom;
    const bool fits = needed.width() <= view->viewport()->width() &&
                      needed.height() <= view->viewport()->height();
    qInfo("scale %s: the editor shows %dx%d px, the MLP needs %.0fx%.0f at a readable zoom",
          qPrintable(scale_name()), view->viewport()->width(), view->viewport()->height(),
          needed.width(), needed.height());
    if (g_own_screen && scale_name() == "1") QVERIFY2(fits, "no room for the MLP at 100%");
    QVERIFY2(view->zoom() >= GraphView::kReadableZoom, qPrintable(QString::number(view->zoom())));
    const QRectF visible = view->mapToScene(view->viewport()->rect()).boundingRect();
    QStringList cut;
    for (const graph::Node& n : window_->document()->graph().nodes()) {
      NodeItem* item = window_->editor()->scene()->node_item(QString::fromStdString(n.id));
      QVERIFY(item);
      if (!visible.contains(item->sceneBoundingRect())) cut << QString::fromStdString(n.id);
    }
    if (fits)
      QVERIFY2(cut.isEmpty(), qPrintable("not in view: " + cut.join(", ")));
    else
      QVERIFY2(!cut.contains("input"), "the Input, where a reader starts, is not in view");
  }

  // Time, place and text each in their own, rightly headed column (the times were under "Where").
  void messages_have_their_own_columns() {
    MessagesPanel* panel = window_->messages();
    QCOMPARE(panel->headerItem()->text(MessagesPanel::kTimeColumn), QString("Time"));
    QCOMPARE(panel->headerItem()->text(MessagesPanel::kWhereColumn), QString("Where"));
    QCOMPARE(panel->headerItem()->text(MessagesPanel::kMessageColumn), QString("Message"));
    panel->add_log(MessagesPanel::Level::Info, "a log line");
    QTreeWidgetItem* log = panel->topLevelItem(panel->topLevelItemCount() - 1);
    QVERIFY2(QTime::fromString(log->text(MessagesPanel::kTimeColumn), "HH:mm:ss").isValid(),
             qPrintable(log->text(MessagesPanel::kTimeColumn)));
    QCOMPARE(log->text(MessagesPanel::kWhereColumn), QString());
    QCOMPARE(log->text(MessagesPanel::kMessageColumn), QString("a log line"));
    // A diagnostic names its node under Where, and has no time.
    ProjectDocument* doc = window_->document();
    const QString lone = doc->add_node("ReLU", {600, 0});
    settle();
    bool found = false;
    for (int i = 0; i < panel->diagnostic_count(); ++i) {
      QTreeWidgetItem* d = panel->topLevelItem(i);
      if (d->text(MessagesPanel::kWhereColumn) != lone) continue;
      found = true;
      QCOMPARE(d->text(MessagesPanel::kTimeColumn), QString());
      QVERIFY(d->text(MessagesPanel::kMessageColumn).startsWith("is not connected"));
    }
    QVERIFY(found);
    doc->undo_stack()->undo();
  }

  // A dock narrower than the narrowest form scrolls sideways instead of cutting the fields off.
  void too_narrow_dock_scrolls_sideways() {
    window_->inspector()->set_selection({});
    auto* dock = qobject_cast<QDockWidget*>(window_->inspector()->parentWidget());
    QVERIFY(dock);
    const int before = dock->width();
    window_->resizeDocks({dock}, {dock->minimumSizeHint().width()}, Qt::Horizontal);
    settle();
    QScrollArea* area = inspector_area();
    QVERIFY2(area->viewport()->width() < area->widget()->minimumSizeHint().width(),
             qPrintable(QString("the dock is still %1 px wide").arg(area->viewport()->width())));
    QVERIFY(area->horizontalScrollBar()->isVisible());
    QVERIFY(area->horizontalScrollBar()->maximum() > 0);
    // The content keeps its narrowest width: scrolled to the right end, its right edge shows.
    QVERIFY(area->widget()->width() >= area->widget()->minimumSizeHint().width());
    area->horizontalScrollBar()->setValue(area->horizontalScrollBar()->maximum());
    settle();
    QCOMPARE(area->widget()->mapTo(area->viewport(), QPoint(area->widget()->width(), 0)).x(),
             area->viewport()->width());
    area->horizontalScrollBar()->setValue(0);
    window_->resizeDocks({dock}, {before}, Qt::Horizontal);
    settle();
  }

  // A combo box narrower than its longest entry elides it closed, and shows it whole in its list.
  void narrow_combo_lists_whole_entries() {
    QWidget form;
    QComboBox* combo = make_combo(&form);
    const QString longest = "From the metric (loss: min, accuracy: max)";
    combo->addItems({"min", longest});
    form.resize(combo->minimumSizeHint().width() + 10, 40);
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    const int needed = combo->fontMetrics().horizontalAdvance(longest);
    QVERIFY2(combo->width() < needed, "the combo box is not narrower than its entry");
    combo->showPopup();
    settle();
    QAbstractItemView* list = combo->view();
    QVERIFY2(list->viewport()->width() >= list->fontMetrics().horizontalAdvance(longest),
             qPrintable(QString("the list is %1 px for %2 px of text")
                            .arg(list->viewport()->width())
                            .arg(list->fontMetrics().horizontalAdvance(longest))));
    combo->hidePopup();
  }

  // Last: the picture for docs/, the MLP's project page and its plots.
  void save_screenshot() {
    window_->inspector()->set_selection({});
    // Opening the MLP above emptied the dashboard (no runs on disk); show the sample run again.
    const auto run = sample_run();
    TrainingDashboard* dashboard = window_->dashboard();
    dashboard->loss_plot()->set_runs({run});
    dashboard->accuracy_plot()->set_runs({run});
    dashboard->lr_plot()->set_runs({run});
    settle();
    const QString dir = qEnvironmentVariableIntValue("NW_UPDATE_DOCS") == 1
                            ? QStringLiteral(NW_SOURCE_DIR "/docs/screenshots")
                            : QDir::currentPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(dir));
    // Device pixels (what the user sees at this scale), in 8-bit colour to keep it small.
    const QImage image =
        window_->grab().toImage().convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither);
    const QString path = dir + "/layout-" + scale_name() + "x.png";
    QVERIFY2(image.save(path, "PNG"), qPrintable(path));
  }
};

int main(int argc, char** argv) {
  QTemporaryDir config_dir;
  if (!nw::gui::layout_checks::use_own_screen(config_dir)) return 2;
  QApplication app(argc, argv);
  TestLayoutFit test;
  return QTest::qExec(&test, argc, argv);
}

#include "tst_layout_fit.moc"
