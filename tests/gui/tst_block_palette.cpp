// The block library in the window (issue 20): the palette's "Blocks" category lists the built-in
// blocks and the project's; a library block dropped on the canvas adds its definition and the use
// as one undo step; Export Block... then Import Block... round-trips a block through the injected
// file dialogs into the user's library (QStandardPaths in test mode), and failures reach the
// Messages dock.
#include <QDir>
#include <QFile>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include <memory>

#include "app/main_window.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_view.h"
#include "editor/palette_model.h"
#include "editor/palette_widget.h"
#include "graph/block.h"
#include "io/block_file.h"
#include "io/project.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;

namespace {

struct Answers {
  QString open, save;
};

WindowHooks hooks_for(Answers& a) {
  WindowHooks h = testing::quiet_hooks();
  h.files.open = [&a](QWidget*, const QString&, const QString&, const QString&) { return a.open; };
  h.files.save = [&a](QWidget*, const QString&, const QString&, const QString&) { return a.save; };
  return h;
}

QString library_dir() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/blocks";
}

PaletteModel* palette_model(MainWindow& w) {
  return w.findChild<PaletteWidget*>()->model();
}

// The names the "Blocks" category lists, as shown.
QStringList block_rows(MainWindow& w) {
  PaletteModel* m = palette_model(w);
  const QList<QStandardItem*> cats = m->findItems(kBlocksCategory);
  QStringList out;
  if (cats.size() != 1) return out;
  for (int r = 0; r < cats.front()->rowCount(); ++r) out << cats.front()->child(r)->text();
  return out;
}

// A drop of `index`'s drag data at the centre of the canvas, as a real drag ends.
bool drop(MainWindow& w, const QModelIndex& index) {
  std::unique_ptr<QMimeData> mime(palette_model(w)->mimeData({index}));
  if (!mime || !mime->hasFormat(kBlockFileMimeType)) return false;
  QWidget* viewport = w.editor()->view()->viewport();
  const QPoint at = viewport->rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &enter);
  QDragMoveEvent move(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &move);
  QDropEvent dropped(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &dropped);
  return enter.isAccepted() && move.isAccepted() && dropped.isAccepted();
}

// Input -> MyUnit (a ReLU inside): a project with a block of its own.
io::Project project_with_block() {
  io::Project p;
  p.name = "mine";
  graph::BlockDef def;
  def.name = "MyUnit";
  def.description = "a ReLU";
  def.inputs = {"x"};
  def.outputs = {{"out", {"act", 0}}};
  p.graph.define_block(std::move(def));
  p.graph.block_body("MyUnit").add_node("Input", "x");
  p.graph.block_body("MyUnit").add_node("ReLU", "act");
  p.graph.block_body("MyUnit").connect({"x", 0}, {"act", 0});
  p.graph.add_node("Input", "input", {{"shape", {8}}});
  p.graph.add_node("Block:MyUnit", "unit", {}, {0, 100});
  p.graph.connect({"input", 0}, {"unit", 0});
  return p;
}

}  // namespace

class TestBlockPalette : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QDir(library_dir()).removeRecursively();  // an earlier run's blocks
  }

  void paletteListsBuiltinsAndProjectBlocks() {
    Answers a;
    MainWindow w(hooks_for(a));
    w.document()->new_project();
    QCOMPARE(block_rows(w),
             QStringList({"BasicBlock (built-in)", "DownBlock (built-in)", "Bottleneck (built-in)",
                          "BottleneckDown (built-in)", "ConvBNReLU (built-in)"}));
    w.document()->reset(project_with_block());
    QCOMPARE(block_rows(w).front(), QString("MyUnit"));
    const QModelIndex mine =
        palette_model(w)->findItems(kBlocksCategory).front()->child(0)->index();
    QCOMPARE(mine.data(PaletteModel::TypeRole).toString(), QString("Block:MyUnit"));
    QVERIFY(palette_model(w)->library_index("ConvBNReLU").isValid());
    QVERIFY(!palette_model(w)->library_index("MyUnit").isValid());  // not in the library
  }

  void dropAddsDefinitionAndUseAsOneStep() {
    Answers a;
    MainWindow w(hooks_for(a));
    ProjectDocument* doc = w.document();
    doc->new_project();
    const QString before = QString::fromStdString(io::to_string(doc->project()));
    const size_t nodes = doc->graph().nodes().size();
    const int steps = doc->undo_stack()->count();
    QVERIFY(drop(w, palette_model(w)->library_index("BasicBlock")));
    QCOMPARE(doc->undo_stack()->count(), steps + 1);
    QCOMPARE(doc->graph().nodes().size(), nodes + 1);
    QCOMPARE(doc->graph().nodes().back().type, std::string("Block:BasicBlock"));
    QVERIFY(doc->graph().find_block("BasicBlock"));
    const QString after = QString::fromStdString(io::to_string(doc->project()));
    QVERIFY(block_rows(w).contains("BasicBlock"));  // now the project's too

    doc->undo_stack()->undo();
    QCOMPARE(QString::fromStdString(io::to_string(doc->project())), before);
    QVERIFY(!block_rows(w).contains("BasicBlock"));
    doc->undo_stack()->redo();
    QCOMPARE(QString::fromStdString(io::to_string(doc->project())), after);

    // A second drop reuses the definition: two uses, one block.
    QVERIFY(drop(w, palette_model(w)->library_index("BasicBlock")));
    QCOMPARE(doc->graph().blocks().size(), size_t(1));
    QCOMPARE(doc->graph().nodes().size(), nodes + 2);

    // A double-click on a library block adds it too: ConvBNReLU, a second definition.
    auto* palette = w.findChild<PaletteWidget*>();
    auto* proxy = static_cast<QSortFilterProxyModel*>(palette->tree()->model());
    emit palette->tree()->doubleClicked(
        proxy->mapFromSource(palette_model(w)->library_index("ConvBNReLU")));
    QCOMPARE(doc->graph().blocks().size(), size_t(2));
    QCOMPARE(doc->graph().nodes().back().type, std::string("Block:ConvBNReLU"));
    QCOMPARE(doc->undo_stack()->count(), steps + 3);
  }

  void exportThenImportRoundTrips() {
    Answers a;
    MainWindow w(hooks_for(a));
    ProjectDocument* doc = w.document();
    doc->reset(project_with_block());
    const QString file = tmp_.filePath("shared/MyUnit.nwblock");
    QDir().mkpath(tmp_.filePath("shared"));

    // Nothing selected: the Messages dock says what to do, and nothing is written.
    w.editor()->select_node("input");
    w.action("exportBlock")->trigger();
    QVERIFY(testing::messages_text(w.messages()).contains("select one block use first"));

    w.editor()->select_node("unit");
    a.save = file;
    w.action("exportBlock")->trigger();
    QVERIFY(QFile::exists(file));
    const io::BlockFile exported = io::load_block_file(file.toStdString());
    QCOMPARE(exported.name, std::string("MyUnit"));
    QCOMPARE(exported.definition().body.nodes().size(), size_t(2));

    a.open = file;
    w.action("importBlock")->trigger();
    const QString in_library = library_dir() + "/MyUnit.nwblock";
    QVERIFY(QFile::exists(in_library));
    QFile f1(file), f2(in_library);
    QVERIFY(f1.open(QIODevice::ReadOnly) && f2.open(QIODevice::ReadOnly));
    QCOMPARE(f2.readAll(), f1.readAll());
    QVERIFY(block_rows(w).contains("MyUnit (library)"));

    // A new window finds it in the library, and dropping it into an empty project works.
    MainWindow w2(hooks_for(a));
    w2.document()->new_project();
    QVERIFY(drop(w2, palette_model(w2)->library_index("MyUnit")));
    QVERIFY(w2.document()->graph().find_block("MyUnit"));

    // A bad file: refused with its place, in the Messages dock.
    const QString bad = tmp_.filePath("bad.nwblock");
    QFile out(bad);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(R"({"netwright_block": 7, "name": "X", "blocks": []})");
    out.close();
    a.open = bad;
    w.action("importBlock")->trigger();
    const QString messages = testing::messages_text(w.messages());
    QVERIFY2(messages.contains("newer Netwright (block format 7)"), qPrintable(messages));
    QVERIFY(!QFile::exists(library_dir() + "/X.nwblock"));
  }

  void saveToLibraryWritesTheUsersFolder() {
    Answers a;
    MainWindow w(hooks_for(a));
    w.document()->reset(project_with_block());
    QFile::remove(library_dir() + "/MyUnit.nwblock");
    w.editor()->select_node("unit");
    w.action("saveBlockToLibrary")->trigger();
    const io::BlockFile saved =
        io::load_block_file((library_dir() + "/MyUnit.nwblock").toStdString());
    QCOMPARE(io::block_file_text(saved.graph, "MyUnit"),
             io::block_file_text(w.document()->graph(), "MyUnit"));
    QVERIFY(block_rows(w).contains("MyUnit (library)"));
  }
};

QTEST_MAIN(TestBlockPalette)
#include "tst_block_palette.moc"
