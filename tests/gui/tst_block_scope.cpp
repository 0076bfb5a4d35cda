// Editing inside a block, driven like a user on the block-built ResNet-18: a real double-click on
// a use opens its body in the same canvas under a breadcrumb bar, the body shows the shapes of
// that use, an inner layer edited through the inspector changes every use at once (an error on
// each use it breaks, with the path, and on the inner node in the body), undo and redo go back
// to the graph they edited whatever is shown, and the breadcrumb goes back up.
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QtTest>

#include <map>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_scene.h"
#include "editor/graph_view.h"
#include "editor/node_item.h"
#include "editor/scope_bar.h"
#include "graph/block.h"
#include "inspector/inspector_widget.h"
#include "inspector/node_inspector.h"
#include "inspector/pair_editor.h"
#include "inspector/param_editors.h"
#include "inspector/param_field.h"
#include "io/project.h"
#include "window_fixtures.h"

using namespace nw;
using namespace nw::gui;

namespace {

const bool kRuntimeDir = [] {
  if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) return true;
  const QString dir = QDir::tempPath() + "/netwright-test-runtime-" + qgetenv("USER");
  QDir().mkpath(dir);
  QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  qputenv("XDG_RUNTIME_DIR", dir.toUtf8());
  return true;
}();

const QString kResnet = QStringLiteral(NW_FIXTURE_DIR "/resnet18_blocks.nwproj");
// The block uses in the fixture, in graph order.
const QStringList kUses{"layer1.0", "layer1.1", "layer2.0", "layer2.1",
                        "layer3.0", "layer3.1", "layer4.0", "layer4.1"};

// The editor and the inspector in one shown window, wired as the main window wires them.
struct Fixture {
  ProjectDocument doc;
  QWidget window;
  GraphEditor* editor;
  InspectorWidget* inspector;

  Fixture() {
    doc.open(kResnet);
    editor = new GraphEditor(&doc, &window);
    inspector = new InspectorWidget(&doc, &window);
    QObject::connect(editor, &GraphEditor::selectionChanged, inspector,
                     &InspectorWidget::set_selection);
    auto* layout = new QHBoxLayout(&window);
    layout->addWidget(editor, 1);
    layout->addWidget(inspector);
    window.resize(1200, 800);
    window.show();
  }
  GraphView* view() const { return editor->view(); }
  QWidget* viewport() const { return editor->view()->viewport(); }
  NodeItem* node(const QString& id) const { return editor->scene()->node_item(id); }
  QStringList scene_ids() const {
    QStringList ids;
    for (QGraphicsItem* item : editor->scene()->items())
      if (item->type() == NodeItem::Type) ids << static_cast<NodeItem*>(item)->id();
    ids.sort();
    return ids;
  }
  std::string text() const { return io::to_string(doc.project()); }
};

// Unit(channels): x -> conv (3x3, padding 1) -> relu. Stage(channels): Units "0" and "1".
// input (3, 8, 8) -> layer1 (Stage, 4) -> layer2 (Stage, 6).
io::Project nested_project() {
  using graph::ParamKind;
  io::Project p;
  graph::Graph& g = p.graph;
  graph::BlockDef unit;
  unit.name = "Unit";
  unit.params = {{.name = "channels", .kind = ParamKind::Int, .default_value = 8, .min = 1}};
  unit.inputs = {"x"};
  unit.outputs = {{"out", {"relu", 0}}};
  g.define_block(std::move(unit));
  graph::Graph& u = g.block_body("Unit");
  u.add_node("Input", "x");
  u.add_node("Conv2d", "conv", {{"out_channels", "$channels"}, {"kernel_size", 3}, {"padding", 1}},
             {0, 80});
  u.add_node("ReLU", "relu", {}, {0, 160});
  u.connect({"x", 0}, {"conv", 0});
  u.connect({"conv", 0}, {"relu", 0});
  graph::BlockDef stage;
  stage.name = "Stage";
  stage.params = {{.name = "channels", .kind = ParamKind::Int, .default_value = 4, .min = 1}};
  stage.inputs = {"x"};
  stage.outputs = {{"out", {"1", 0}}};
  g.define_block(std::move(stage));
  graph::Graph& s = g.block_body("Stage");
  s.add_node("Input", "x");
  s.add_node("Block:Unit", "0", {{"channels", "$channels"}}, {0, 80});
  s.add_node("Block:Unit", "1", {{"channels", "$channels"}}, {0, 160});
  s.connect({"x", 0}, {"0", 0});
  s.connect({"0", 0}, {"1", 0});
  g.add_node("Input", "input", {{"shape", {3, 8, 8}}});
  g.add_node("Block:Stage", "layer1", {{"channels", 4}}, {0, 80});
  g.add_node("Block:Stage", "layer2", {{"channels", 6}}, {0, 160});
  g.connect({"input", 0}, {"layer1", 0});
  g.connect({"layer1", 0}, {"layer2", 0});
  return p;
}

QStringList sorted_ids(const graph::Graph& g) {
  QStringList ids;
  for (const graph::Node& n : g.nodes()) ids << QString::fromStdString(n.id);
  ids.sort();
  return ids;
}

// The errors of the whole project on node `use`, as the CLI prints them.
QStringList errors_on(const ProjectDocument& doc, const QString& use) {
  QStringList out;
  for (const graph::Diagnostic& d : doc.project_analysis().for_node(use.toStdString()))
    if (d.severity == graph::Diagnostic::Severity::Error)
      out << QString::fromStdString(d.to_string(doc.project().graph));
  return out;
}

QPoint title_point(Fixture& f, NodeItem* n) {
  // The title row: away from the ports at the top and bottom edges.
  const QPointF title = n->mapToScene(n->boundingRect().center().x(),
                                      n->boundingRect().top() + 0.3 * n->boundingRect().height());
  f.view()->centerOn(title);
  return f.view()->mapFromScene(title);
}

}  // namespace

class TestBlockScope : public QObject {
  Q_OBJECT

 private:
  // What a real double-click delivers on the node's title: press, release, double-click,
  // release. The editor opens the block once the scene is done with the event.
  void double_click(Fixture& f, const QString& id) {
    NodeItem* n = f.node(id);
    QVERIFY2(n, qPrintable(id));
    const QPoint at = title_point(f, n);
    QTest::mouseClick(f.viewport(), Qt::LeftButton, Qt::NoModifier, at);
    QMouseEvent dbl(QEvent::MouseButtonDblClick, QPointF(at),
                    QPointF(f.viewport()->mapToGlobal(at)), Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
    QApplication::sendEvent(f.viewport(), &dbl);
    QTest::mouseRelease(f.viewport(), Qt::LeftButton, Qt::NoModifier, at);
    QCoreApplication::processEvents();
  }

  void select(Fixture& f, const QString& id) {
    NodeItem* n = f.node(id);
    QVERIFY2(n, qPrintable(id));
    QTest::mouseClick(f.viewport(), Qt::LeftButton, Qt::NoModifier, title_point(f, n));
    QCOMPARE(f.editor->selected_nodes(), QStringList{id});
    QCOMPARE(f.inspector->node_inspector()->node_id(), id);
  }

 private slots:
  void initTestCase() {
    // The main window's settings and recent files go to Qt's test folders, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("NetwrightTest");
    QCoreApplication::setApplicationName("tst_block_scope");
    QSettings().clear();
  }
  void cleanupTestCase() { QSettings().clear(); }

  void doubleClickOpensTheBodyWithTheShapesOfThatUse() {
    Fixture f;
    QVERIFY(f.doc.project_analysis().ok());
    QVERIFY(f.editor->scope_bar()->isHidden());
    const QStringList top = f.scene_ids();
    QVERIFY(top.contains("layer2.1"));

    double_click(f, "layer2.1");
    QCOMPARE(f.doc.scope(), QStringList{"BasicBlock"});
    QCOMPARE(f.doc.scope_uses(), QStringList{"layer2.1"});
    ScopeBar* bar = f.editor->scope_bar();
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->crumbs(), (QStringList{"Project", "BasicBlock"}));
    QVERIFY2(bar->source_text().contains("'layer2.1'"), qPrintable(bar->source_text()));
    // The canvas holds the body's nodes, not the project's.
    const QStringList body{"add", "bn1", "bn2", "conv1", "conv2", "relu", "relu2", "x"};
    QCOMPARE(f.scene_ids(), body);
    QCOMPARE(sorted_ids(f.doc.graph()), body);
    // layer2.1 takes 128 channels at 28x28 (224 / 8).
    QCOMPARE(f.doc.shape_text({"x", 0}), QStringLiteral("N×128×28×28"));
    QCOMPARE(f.doc.shape_text({"conv1", 0}), QStringLiteral("N×128×28×28"));
    QCOMPARE(f.doc.shape_text({"relu2", 0}), QStringLiteral("N×128×28×28"));
    // The inspector of a body node: its own parameters, the block parameter as its value.
    select(f, "conv1");
    ParamField* out = f.inspector->node_inspector()->field("out_channels");
    QVERIFY(out);
    auto* spin = qobject_cast<IntEditor*>(out->editor());
    QVERIFY(spin);
    QCOMPARE(spin->spin_box()->findChild<QLineEdit*>()->placeholderText(),
             QStringLiteral("$channels"));
    QVERIFY(out->is_pinned());
    ParamField* in = f.inspector->node_inspector()->field("in_channels");
    QVERIFY(in);
    QCOMPARE(in->editor()->value(), graph::ParamValue(128));  // inferred through layer2.1

    // Up by the breadcrumb's first item.
    auto* project = bar->findChild<QToolButton*>("crumb0");
    QVERIFY(project && project->isEnabled());
    QTest::mouseClick(project, Qt::LeftButton);
    QCoreApplication::processEvents();  // the bar's old buttons go later
    QVERIFY(f.doc.scope().isEmpty());
    QVERIFY(bar->isHidden());
    QCOMPARE(f.scene_ids(), top);
  }

  void pairFieldShowsTheBlockParameter() {
    Fixture f;
    QVERIFY(f.doc.open_block("layer2.0"));
    QCOMPARE(f.doc.scope(), QStringList{"DownBlock"});
    select(f, "conv1");
    auto* stride =
        qobject_cast<PairEditor*>(f.inspector->node_inspector()->field("stride")->editor());
    QVERIFY(stride);
    QCOMPARE(stride->first()->findChild<QLineEdit*>()->placeholderText(),
             QStringLiteral("$stride"));
    QCOMPARE(f.doc.shape_text({"conv1", 0}), QStringLiteral("N×128×28×28"));  // stride 2
  }

  void innerEditChangesEveryUseAndUndoRestoresIt() {
    Fixture f;
    const std::string saved = f.text();
    double_click(f, "layer1.0");
    QCOMPARE(f.doc.scope(), QStringList{"BasicBlock"});
    QCOMPARE(f.doc.scope_uses(), QStringList{"layer1.0"});
    // conv2 to 32 channels: the residual Add then gets 32 and 64..512 channels in every use.
    select(f, "conv2");
    auto* spin =
        qobject_cast<IntEditor*>(f.inspector->node_inspector()->field("out_channels")->editor());
    QVERIFY(spin);
    QTest::keyClick(spin->spin_box(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin->spin_box(), "32");
    QTest::keyClick(spin->spin_box(), Qt::Key_Return);
    QCOMPARE(f.doc.graph().node("conv2").params.at("out_channels"), graph::ParamValue(32));
    QCOMPARE(f.doc.project()
                 .graph.find_block("BasicBlock")
                 ->body.node("conv2")
                 .params.at("out_channels"),
             graph::ParamValue(32));

    // The first use it breaks carries the error, with the path to the layer at fault; past it
    // no shape is known, so every later use (both blocks') changes too.
    const QStringList errors = errors_on(f.doc, "layer1.0");
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.front().startsWith("node 'layer1.0' (Block:BasicBlock): layer1.0/add: "
                                       "a is (N, 32, 56, 56) and b is (N, 64, 56, 56)"),
             qPrintable(errors.front()));
    for (const QString& use : kUses.mid(1))
      QVERIFY2(!f.doc.project_analysis().nodes.at(use.toStdString()).shapes_known, qPrintable(use));
    // In the body, seen through layer1.0: the Add is marked, the convolution is not.
    QVERIFY(f.node("add")->has_error());
    QVERIFY(!f.node("conv2")->has_error());
    QCOMPARE(f.doc.shape_text({"conv2", 0}), QStringLiteral("N×32×56×56"));

    f.doc.undo_stack()->undo();
    QCOMPARE(f.text(), saved);
    QVERIFY(f.doc.project_analysis().ok());
    QVERIFY(!f.node("add")->has_error());
    QCOMPARE(f.doc.shape_text({"conv2", 0}), QStringLiteral("N×64×56×56"));
    for (const QString& use : kUses)
      QVERIFY2(f.doc.project_analysis().nodes.at(use.toStdString()).shapes_known, qPrintable(use));
    f.doc.undo_stack()->redo();
    QCOMPARE(errors_on(f.doc, "layer1.0").size(), 1);
    QVERIFY(f.node("add")->has_error());

    // Back to the block parameter, typed as text into the same field.
    select(f, "conv2");
    spin = qobject_cast<IntEditor*>(f.inspector->node_inspector()->field("out_channels")->editor());
    QVERIFY(spin);
    QTest::keyClick(spin->spin_box(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin->spin_box(), "$channels");
    QTest::keyClick(spin->spin_box(), Qt::Key_Return);
    QCOMPARE(f.doc.graph().node("conv2").params.at("out_channels"), graph::ParamValue("$channels"));
    QCOMPARE(f.text(), saved);
    QVERIFY(f.doc.project_analysis().ok());
    QVERIFY(!f.node("add")->has_error());
  }

  void innerEditCountsInEveryUse() {
    Fixture f;
    auto parameters = [&](const QString& use) {
      const auto& info = f.doc.project_analysis().nodes.at(use.toStdString());
      return info.block && info.block->parameters ? *info.block->parameters : int64_t(-1);
    };
    std::map<QString, int64_t> before;
    for (const QString& use : kUses) before[use] = parameters(use);
    QCOMPARE(before["layer1.0"], int64_t(73984));  // 2 x (64*64*9 + 2*64)
    QVERIFY(f.doc.open_block("layer1.0"));
    // A bias on conv1 adds `channels` parameters to each use of BasicBlock, none to DownBlock's.
    QVERIFY(f.doc.set_param("conv1", "bias", true));
    const std::map<QString, int64_t> channels{{"layer1.0", 64},
                                              {"layer1.1", 64},
                                              {"layer2.1", 128},
                                              {"layer3.1", 256},
                                              {"layer4.1", 512}};
    for (const QString& use : kUses) {
      const int64_t added = channels.count(use) ? channels.at(use) : 0;
      QVERIFY2(parameters(use) == before[use] + added, qPrintable(use));
    }
    f.doc.undo_stack()->undo();
    for (const QString& use : kUses) QVERIFY2(parameters(use) == before[use], qPrintable(use));
  }

  void paletteAndClipboardEditTheBody() {
    Fixture f;
    const std::string saved = f.text();
    const size_t top = f.doc.project().graph.nodes().size();
    double_click(f, "layer1.1");
    QCOMPARE(f.doc.scope(), QStringList{"BasicBlock"});
    select(f, "relu2");
    const QString added = f.editor->add_layer("Dropout");  // the palette's double-click
    QCOMPARE(added, QStringLiteral("dropout"));
    QVERIFY(f.doc.graph().find("dropout"));
    QCOMPARE(f.doc.graph().edges_into("dropout").front().from.node, std::string("relu2"));
    QVERIFY(f.node("dropout"));
    f.editor->select_node("conv1");
    f.editor->duplicate();  // copy and paste: fresh ids among the body's
    QVERIFY(f.doc.graph().find("conv1_2"));
    QCOMPARE(f.doc.project().graph.nodes().size(), top);
    QVERIFY(!f.doc.project().graph.find("dropout"));
    f.doc.undo_stack()->undo();
    f.doc.undo_stack()->undo();
    QCOMPARE(f.text(), saved);
    QCOMPARE(f.doc.scope(), QStringList{"BasicBlock"});
  }

  void undoAndRedoEditTheGraphTheyWereMadeIn() {
    Fixture f;
    const std::string t0 = f.text();
    // 1: inside BasicBlock, relu renamed.
    QVERIFY(f.doc.open_block("layer1.1"));
    QVERIFY(f.doc.rename_node("relu", "act"));
    const std::string t1 = f.text();
    // 2: on the project's graph, its own relu (the same id as the body's old one) labelled.
    f.doc.close_block();
    QVERIFY(f.doc.scope().isEmpty());
    f.doc.set_label("relu", "stem relu");
    const std::string t2 = f.text();
    // 3: inside DownBlock, a node moved.
    QVERIFY(f.doc.open_block("layer3.0"));
    QCOMPARE(f.doc.scope(), QStringList{"DownBlock"});
    f.doc.move_nodes({{"relu", QPointF(300, 240)}});
    const std::string t3 = f.text();
    QVERIFY(t0 != t1 && t1 != t2 && t2 != t3);

    // Back to the project's graph, then undo all the way: each step goes where it was made.
    f.doc.set_scope({});
    QUndoStack* undo = f.doc.undo_stack();
    undo->undo();
    QCOMPARE(f.text(), t2);
    QCOMPARE(f.doc.scope(), QStringList{"DownBlock"});
    QCOMPARE(f.doc.scope_uses(), QStringList{"layer3.0"});
    QVERIFY(f.node("downsample.0"));  // the canvas shows DownBlock's body
    undo->undo();
    QCOMPARE(f.text(), t1);
    QVERIFY(f.doc.scope().isEmpty());
    QVERIFY(f.node("layer1.0"));
    undo->undo();
    QCOMPARE(f.text(), t0);
    QCOMPARE(f.doc.scope(), QStringList{"BasicBlock"});
    QVERIFY(f.node("relu") && !f.node("act"));
    QCOMPARE(f.editor->scope_bar()->crumbs(), (QStringList{"Project", "BasicBlock"}));
    // And forward again, from wherever the user is.
    f.doc.set_scope({});
    undo->redo();
    QCOMPARE(f.text(), t1);
    QCOMPARE(f.doc.scope(), QStringList{"BasicBlock"});
    QVERIFY(f.node("act"));
    undo->redo();
    undo->redo();
    QCOMPARE(f.text(), t3);
    QCOMPARE(f.doc.scope(), QStringList{"DownBlock"});
    // Opening another project leaves the body.
    f.doc.new_project();
    QVERIFY(f.doc.scope().isEmpty());
    QVERIFY(f.editor->scope_bar()->isHidden());
  }

  void nestedBlocksOpenLevelByLevel() {
    Fixture f;
    f.doc.reset(nested_project());
    QVERIFY2(f.doc.project_analysis().ok(),
             f.doc.project_analysis().diagnostics.empty()
                 ? ""
                 : f.doc.project_analysis().diagnostics.front().message.c_str());
    double_click(f, "layer2");
    QCOMPARE(f.doc.scope(), QStringList{"Stage"});
    QCOMPARE(f.doc.shape_text({"1", 0}), QStringLiteral("N×6×8×8"));  // a nested use's output
    double_click(f, "1");
    QCOMPARE(f.doc.scope(), (QStringList{"Stage", "Unit"}));
    QCOMPARE(f.doc.scope_uses(), (QStringList{"layer2", "1"}));
    QCOMPARE(f.editor->scope_bar()->crumbs(), (QStringList{"Project", "Stage", "Unit"}));
    QVERIFY2(f.editor->scope_bar()->source_text().contains("'layer2/1'"),
             qPrintable(f.editor->scope_bar()->source_text()));
    QCOMPARE(f.scene_ids(), (QStringList{"conv", "relu", "x"}));
    QCOMPARE(f.doc.shape_text({"conv", 0}), QStringLiteral("N×6×8×8"));
    // An edit two levels down reaches both uses of Stage, four uses of Unit.
    // A 1x1 kernel with padding 1 grows each side by 2: 8, 10, 12 | 14, 16.
    QVERIFY(f.doc.set_param("conv", "kernel_size", 1));
    QCOMPARE(f.doc.shape_text({"x", 0}), QStringLiteral("N×6×14×14"));
    QCOMPARE(f.doc.shape_text({"conv", 0}), QStringLiteral("N×6×16×16"));
    QCOMPARE(f.doc.project_analysis().nodes.at("layer1").outputs.front(),
             (graph::SampleShape{4, 12, 12}));
    QCOMPARE(f.doc.project_analysis().nodes.at("layer2").outputs.front(),
             (graph::SampleShape{6, 16, 16}));
    // Up one level by the breadcrumb: Stage, still through layer2.
    auto* stage = f.editor->scope_bar()->findChild<QToolButton*>("crumb1");
    QVERIFY(stage && stage->isEnabled());
    QTest::mouseClick(stage, Qt::LeftButton);
    QCOMPARE(f.doc.scope(), QStringList{"Stage"});
    QCOMPARE(f.doc.scope_uses(), QStringList{"layer2"});
    f.doc.close_block();
    QVERIFY(f.doc.scope().isEmpty());
  }

  void messagesDockNamesTheUseAndMenuItemsOpenAndClose() {
    MainWindow w(testing::quiet_hooks());
    QVERIFY(w.open_project(kResnet));
    w.show();
    GraphEditor* editor = w.editor();
    editor->select_node("layer3.1");
    QAction* open = w.action("openBlock");
    QAction* close = w.action("closeBlock");
    QVERIFY(open && close);
    QVERIFY(!close->isEnabled());
    open->trigger();
    QCOMPARE(w.document()->scope(), QStringList{"BasicBlock"});
    QVERIFY(close->isEnabled());
    // An inner layer's bad value, through the document.
    QVERIFY(w.document()->set_param("conv2", "out_channels", 32));
    const QString messages = testing::messages_text(w.messages());
    QVERIFY2(messages.contains("layer1.0/add: a is (N, 32, 56, 56)"), qPrintable(messages));
    // A message names the use: activating it goes back up to the project's graph.
    MessagesPanel* panel = w.messages();
    QTreeWidgetItem* row = nullptr;
    for (int i = 0; i < panel->diagnostic_count(); ++i)
      if (panel->topLevelItem(i)->text(MessagesPanel::kMessageColumn).contains("layer1.0/add"))
        row = panel->topLevelItem(i);
    QVERIFY(row);
    QVERIFY(panel->isVisible());
    panel->scrollToItem(row);
    QTest::mouseClick(panel->viewport(), Qt::LeftButton, Qt::NoModifier,
                      panel->visualItemRect(row).center());
    QVERIFY(w.document()->scope().isEmpty());
    QCOMPARE(editor->selected_nodes(), QStringList{"layer1.0"});
    QVERIFY(editor->scene()->node_item("layer1.0")->has_error());
    // Close Block from the body goes up one level.
    QVERIFY(w.document()->open_block("layer4.1"));
    close->trigger();
    QVERIFY(w.document()->scope().isEmpty());
    QVERIFY(!close->isEnabled());
    w.document()->undo_stack()->undo();
    QVERIFY(w.document()->project_analysis().ok());
  }
};

QTEST_MAIN(TestBlockScope)
#include "tst_block_scope.moc"
